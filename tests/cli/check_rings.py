#!/usr/bin/python3
"""Check range rings against pyproj (WGS84 geodesics), no Frontline code.

    /usr/bin/python3 check_rings.py OUTPUT POSITIONS.geojson

For every ring polygon of OUTPUT (layer range_rings; any CRS, read back to
lon/lat with OGR) and every vertex, the geodesic distance from its position
must equal the ring's inner_m or outer_m (or 0: the apex of a fan) within
max(1 m, 0.1 %); and so must the midpoint of every edge between two vertices
of the same arc, taken in lon/lat as the polygon reads (RR2). Also the area:
pyproj's geodesic polygon area against area_km2 (0.1 %). Prints the worst
relative error and exits 1 on any failure.
"""
import json
import sys

from osgeo import ogr, osr
from pyproj import Geod

G = Geod(ellps="WGS84")
out, pos_path = sys.argv[1], sys.argv[2]
pos = {}
for i, f in enumerate(json.load(open(pos_path))["features"]):
    pos[i + 1] = f["geometry"]["coordinates"]

ds = ogr.Open(out)
lyr = ds.GetLayerByName("range_rings")
ll = osr.SpatialReference()
ll.ImportFromEPSG(4326)
ll.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
src = lyr.GetSpatialRef()
tr = None
if src is not None and not src.IsSame(ll):
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    tr = osr.CoordinateTransformation(src, ll)
bad = 0
worst = 0.0
n_checked = 0


def tol(r):
    return max(1.0, 0.001 * r)


for f in lyr:
    lon0, lat0 = pos[f.GetField("position_fid")]
    inner, outer = f.GetField("inner_m"), f.GetField("outer_m")
    g = f.GetGeometryRef().Clone()
    if tr:
        g.Transform(tr)
    ranges = [outer] + ([inner] if inner > 0 else [0.0])
    for r_i in range(g.GetGeometryCount()):
        ring = g.GetGeometryRef(r_i)
        pts = ring.GetPoints()
        d = [G.inv(lon0, lat0, x, y)[2] for x, y, *_ in pts]
        which = []
        for k, dk in enumerate(d):
            best = min(ranges, key=lambda r: abs(dk - r))
            err = abs(dk - best)
            n_checked += 1
            if err > tol(best):
                bad += 1
                print("vertex %d of fid %d at %.3f m, ring %g-%g" % (k, f.GetFID(), dk, inner, outer))
            worst = max(worst, err / max(best, 1.0))
            which.append(best)
        for k in range(len(pts) - 1):
            if which[k] != which[k + 1] or which[k] == 0.0:
                continue
            mx = (pts[k][0] + pts[k + 1][0]) / 2
            my = (pts[k][1] + pts[k + 1][1]) / 2
            dm = G.inv(lon0, lat0, mx, my)[2]
            err = abs(dm - which[k])
            n_checked += 1
            if err > tol(which[k]):
                bad += 1
                print("edge %d of fid %d: midpoint at %.3f m, range %g" % (k, f.GetFID(), dm, which[k]))
            worst = max(worst, err / which[k])
    # geodesic area from pyproj on the rings (shell minus holes)
    a = 0.0
    for r_i in range(g.GetGeometryCount()):
        xs, ys = zip(*[(p[0], p[1]) for p in g.GetGeometryRef(r_i).GetPoints()])
        ar = abs(G.polygon_area_perimeter(xs, ys)[0])
        a += ar if r_i == 0 else -ar
    km2 = f.GetField("area_km2")
    if abs(a / 1e6 - km2) > 0.001 * a / 1e6:
        bad += 1
        print("fid %d: area_km2 %.6f, pyproj %.6f" % (f.GetFID(), km2, a / 1e6))
print("checked %d points, worst relative error %.2e, %d bad" % (n_checked, worst, bad))
sys.exit(1 if bad else 0)
