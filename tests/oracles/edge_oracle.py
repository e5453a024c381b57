#!/usr/bin/python3
"""tests/oracles/edge_oracle.py - the distance from a point to one geodesic edge,
from pyproj alone (PROJ's geodesic routines, WGS84), never Frontline.

The edge AB is densified along its geodesic into n steps, the nearest sample is
found with geod_inverse, then the distance is minimised by golden-section search
on the geodesic between the two neighbours of that sample (to well under 1 mm).
Run with /usr/bin/python3 (Debian's python3-pyproj). Run as a script it prints
the cases of tests/sql/test_exact_edges.py with their expected distances."""
import math

from pyproj import Geod

G = Geod(ellps="WGS84")


def seg_min(p, a, b, n=2000):
    """Shortest geodesic distance (m) from lon/lat p to the geodesic edge a-b."""
    pts = [a] + G.npts(a[0], a[1], b[0], b[1], n) + [b]
    lons = [q[0] for q in pts]
    lats = [q[1] for q in pts]
    d = G.inv([p[0]] * len(pts), [p[1]] * len(pts), lons, lats)[2]
    best = min(range(len(pts)), key=lambda i: d[i])
    lo, hi = pts[max(best - 1, 0)], pts[min(best + 1, len(pts) - 1)]
    az, _, s = G.inv(lo[0], lo[1], hi[0], hi[1])

    def f(t):
        x, y, _ = G.fwd(lo[0], lo[1], az, t)
        return G.inv(p[0], p[1], x, y)[2]

    x0, x1 = 0.0, s
    for _ in range(100):
        m1, m2 = x0 + (x1 - x0) * 0.381966, x0 + (x1 - x0) * 0.618034
        if f(m1) < f(m2):
            x1 = m2
        else:
            x0 = m1
    return min(f(0.5 * (x0 + x1)), d[0], d[-1])


def edge(lon, lat, az, length_m):
    """An edge of length_m starting at lon/lat with azimuth az: (a, b)."""
    x, y, _ = G.fwd(lon, lat, az, length_m)
    return (lon, lat), (x, y)


def point_off(a, b, frac, off_m):
    """The point at fraction frac along the geodesic a-b, moved off_m metres at
    a right angle to it (to the left when off_m > 0)."""
    az, _, s = G.inv(a[0], a[1], b[0], b[1])
    x, y, back = G.fwd(a[0], a[1], az, frac * s)
    fwd_az = back + 180.0
    if off_m == 0:
        return (x, y)
    px, py, _ = G.fwd(x, y, fwd_az - 90.0, off_m)
    return (px, py)


LENGTHS_KM = [10, 50, 150, 500, 1500]
STARTS = [(30.0, 48.0, 70.0), (20.0, 72.0, 100.0), (150.0, -35.0, 60.0),
          (40.0, 80.0, 80.0), (-60.0, 85.0, 130.0), (10.0, -72.0, 250.0),
          (0.0, 86.0, 3.0)]


def cases():
    """(a, b, p, expected_m, label) for every edge length, latitude and offset."""
    out = []
    for km in LENGTHS_KM:
        for lon, lat, az in STARTS:
            a, b = edge(lon, lat, az, km * 1000.0)
            for frac, off in [(0.3, 0.0), (0.71, 0.0), (0.5, 500.0), (0.4, -20000.0)]:
                p = point_off(a, b, frac, off)
                want = 0.0 if off == 0 else seg_min(p, a, b)
                out.append((a, b, p, want, "%d km edge from (%g, %g), point at %.2f off %g m"
                            % (km, lon, lat, frac, off)))
    return out


if __name__ == "__main__":
    for a, b, p, want, label in cases():
        print("%-60s %.4f" % (label, want))
