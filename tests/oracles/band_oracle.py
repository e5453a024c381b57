#!/usr/bin/python3
"""tests/oracles/band_oracle.py - where band edges should be, from pyproj alone
(PROJ's geodesic routines, WGS84), never Frontline.

A front of long geodesic edges; points at random positions along its edges,
moved at a right angle to the left or right by 0.3 % less or more than a band
distance; each point's true distance to the front (edge_oracle.seg_min: the
geodesics densified, then minimised) and side (the sign of the turn from the
nearest edge's direction, by azimuths). Which band a point belongs to follows
from those two alone. Run as a script: prints the points with their truth."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import edge_oracle as E  # noqa: E402

G = E.G

# ~500 km edges at 48-52 N: long enough that a band edge drawn straight
# between far-apart vertices would miss by kilometres.
FRONT = [(30.0, 48.0), (36.0, 50.5), (42.5, 49.0), (47.0, 52.0)]


def truth(p, front=FRONT):
    """(distance m, side 'left'/'right') of lon/lat p from the front."""
    best = None
    for a, b in zip(front, front[1:]):
        d = E.seg_min(p, a, b, n=400)
        if best is None or d < best[0]:
            best = (d, a, b)
    d, a, b = best
    az_ab = G.inv(a[0], a[1], b[0], b[1])[0]
    az_ap = G.inv(a[0], a[1], p[0], p[1])[0]
    turn = (az_ap - az_ab + 540.0) % 360.0 - 180.0
    return d, ("left" if turn < 0 else "right")


def samples(dists, n_per=12, seed=20261202, front=FRONT):
    """Points 0.3 % inside and outside each distance, on both sides, at random
    positions along the edges (away from the vertices: 5-95 % of an edge)."""
    rnd = random.Random(seed)
    out = []
    for d in dists:
        for _ in range(n_per):
            i = rnd.randrange(len(front) - 1)
            frac = rnd.uniform(0.05, 0.95)
            for side, sgn in (("left", 1.0), ("right", -1.0)):
                for k in (0.997, 1.003):
                    p = E.point_off(front[i], front[i + 1], frac, sgn * d * k)
                    dist, s = truth(p, front)
                    out.append((p, dist, s))
    return out


def band_of(dist, side, dists, want_side="both"):
    """Index of the band [inner, outer) holding a point, or None."""
    if want_side != "both" and side != want_side:
        return None
    inner = 0.0
    for k, outer in enumerate(dists):
        if inner <= dist < outer:
            return k
        inner = outer
    return None


if __name__ == "__main__":
    for p, d, s in samples([10000.0, 40000.0], n_per=2):
        print("%.6f %.6f %.3f %s" % (p[0], p[1], d, s))
