#!/usr/bin/python3
"""Reference distances for tests/cli/real_data tests: Toretsk (GeoNames point
37.8478 E, 48.39477 N) to the edge of DeepStateMap's occupied area, per date,
from pyproj geodesics: each edge of the polygon rings is sampled along its
geodesic (20 m steps) and the closest sample is refined by golden-section
search. The edges along the clip box (lon 37.0/38.8, lat 47.9/48.9) are not
front and are skipped. Run with /usr/bin/python3 (needs osgeo and pyproj)."""
import sys
from osgeo import ogr
from pyproj import Geod

g = Geod(ellps="WGS84")
P = (37.8478, 48.39477)
BOX = (37.0, 47.9, 38.8, 48.9)


def on_box(a, b):
    return (a[0] == b[0] and a[0] in (BOX[0], BOX[2])) or (a[1] == b[1] and a[1] in (BOX[1], BOX[3]))


def seg_min(p, a, b):
    az, _, s = g.inv(a[0], a[1], b[0], b[1])
    f = lambda t: g.inv(p[0], p[1], *g.fwd(a[0], a[1], az, t)[:2])[2]
    n = max(2, int(s / 20))
    k = min(range(n + 1), key=lambda i: f(s * i / n))
    lo, hi = s * max(k - 1, 0) / n, s * min(k + 1, n) / n
    for _ in range(60):
        m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
        if f(m1) < f(m2):
            hi = m2
        else:
            lo = m1
    return min(f(0.5 * (lo + hi)), f(0), f(s))


def dist(path):
    ds = ogr.Open(path)
    best = float("inf")
    inside = False
    for feat in ds.GetLayer(0):
        geom = feat.GetGeometryRef()
        inside |= geom.Contains(ogr.CreateGeometryFromWkt("POINT (%f %f)" % P))
        for i in range(geom.GetGeometryCount()):
            poly = geom.GetGeometryRef(i)
            for r in range(poly.GetGeometryCount()):
                ring = poly.GetGeometryRef(r).GetPoints()
                for a, b in zip(ring, ring[1:]):
                    a, b = a[:2], b[:2]
                    if on_box(a, b):
                        continue
                    # cheap planar prefilter: skip edges surely farther than the best so far
                    dx = min(abs(P[0] - a[0]), abs(P[0] - b[0])) * 74000
                    dy = min(abs(P[1] - a[1]), abs(P[1] - b[1])) * 111000
                    if not (min(a[0], b[0]) <= P[0] <= max(a[0], b[0])) and dx > best:
                        continue
                    if not (min(a[1], b[1]) <= P[1] <= max(a[1], b[1])) and dy > best:
                        continue
                    best = min(best, seg_min(P, a, b))
    return best, inside


for path in sys.argv[1:]:
    d, inside = dist(path)
    print("%s inside=%s dist_m=%.2f" % (path.split("/")[-1], inside, d))
