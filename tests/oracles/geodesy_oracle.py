#!/usr/bin/python3
"""Expected values for tests/unit/check_geodesy.c, from pyproj (PROJ's geodesic
routines, WGS84). Run with /usr/bin/python3 (Debian's python3-pyproj).

Point-to-line distances treat each edge as a geodesic and take the minimum over
the edge densified into 4,000 geodesic steps plus an exact local refinement."""
import math
from pyproj import Geod

g = Geod(ellps="WGS84")


def seg_min(p, a, b, n=4000):
    pts = [a] + g.npts(a[0], a[1], b[0], b[1], n) + [b]
    best = min(range(len(pts)), key=lambda i: g.inv(p[0], p[1], *pts[i])[2])
    # refine between the neighbours of the best sample by golden-section search
    lo = pts[max(best - 1, 0)]
    hi = pts[min(best + 1, len(pts) - 1)]
    az, _, s = g.inv(lo[0], lo[1], hi[0], hi[1])
    f = lambda t: g.inv(p[0], p[1], *g.fwd(lo[0], lo[1], az, t)[:2])[2]
    x0, x1 = 0.0, s
    for _ in range(80):
        m1, m2 = x0 + (x1 - x0) * 0.382, x0 + (x1 - x0) * 0.618
        if f(m1) < f(m2):
            x1 = m2
        else:
            x0 = m1
    return min(f(0.5 * (x0 + x1)), g.inv(p[0], p[1], *a)[2], g.inv(p[0], p[1], *b)[2])


def line_min(p, line):
    return min(seg_min(p, line[i], line[i + 1]) for i in range(len(line) - 1))


print("length Toretsk-Kostiantynivka", g.inv(37.8478, 48.3948, 37.7056, 48.5277)[2])
lon = [36.0, 37.0, 37.0, 36.0, 36.0]
lat = [48.0, 48.0, 49.0, 49.0, 48.0]
area, perim = g.polygon_area_perimeter(lon, lat)
print("area 1x1 deg at 48N km2", abs(area) / 1e6)

# The Donbas-scale front of bench/, as a 3-vertex line, and points over 1,500 km.
front = [(37.9, 49.9), (35.5, 48.2), (33.0, 46.6)]
points = [(37.8478, 48.3948), (30.0, 44.0), (44.0, 53.0), (33.5, 51.5), (40.5, 45.0),
          (36.0, 48.1), (27.5, 49.0), (45.5, 47.0)]
for p in points:
    print("dist", p, repr(line_min(p, front)))
