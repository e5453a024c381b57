#!/usr/bin/python3
"""tests/oracles/change_depth_oracle.py - the depths of `change`'s advance
layer worked out with OGR only (no Frontline code): for each advance polygon
away from the box's edge, the earlier date's front (the boundary of its
occupied ground, less the box's edge) and the polygon are projected to an
azimuthal equidistant CRS centred on the polygon (osr/PROJ: distances from
points near the centre within ~1e-6 of the geodesic at these sizes); the
depth is the largest planar distance to the front of the polygon's vertices,
of its boundary segmentized to STEP_M and of a grid of GRID_M inside it: a
lower bound of the true depth, short of it by at most half a step on the
boundary (the step grows to 0.1 % of the depth on deep polygons, the grid to
keep about 2,000 points) (more only when the largest distance lies inside the polygon,
between grid points).

Usage: change_depth_oracle.py SERIES.geojson change_output.gpkg [N]
Compares the N largest polygons (default 40) and the 20 of the smallest
depth; prints each difference and exits 1 when one exceeds
max(1 m, 0.1 %) + half a step (the oracle's own sampling) either way
(a tool's depth below the sampled largest distance is a wrong answer).
"""
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
STEP_M = 2.0
GRID_M = 40.0
EDGE_DEG = 0.03  # polygons this close to the box's edge are skipped
BOX = (37.0, 47.9, 38.8, 48.9)
WGS = osr.SpatialReference()
WGS.ImportFromEPSG(4326)
WGS.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)


def series(path):
    ds = ogr.Open(path)
    out = {}
    for f in ds.GetLayer(0):
        d = str(f.GetField("date")).replace("/", "-")
        g = f.GetGeometryRef().Clone()
        out[d] = g if d not in out else out[d].Union(g)
    return out


def front(occ):
    inner = ogr.CreateGeometryFromWkt("POLYGON((%r %r,%r %r,%r %r,%r %r,%r %r))" % (
        BOX[0] + 1e-4, BOX[1] + 1e-4, BOX[2] - 1e-4, BOX[1] + 1e-4, BOX[2] - 1e-4, BOX[3] - 1e-4,
        BOX[0] + 1e-4, BOX[3] - 1e-4, BOX[0] + 1e-4, BOX[1] + 1e-4))
    line = occ.Boundary().Intersection(inner)
    line.Segmentize(0.005)
    return line


def depth(poly, fr, have):
    step = max(STEP_M, 0.001 * have)
    c = poly.Centroid()
    aeqd = osr.SpatialReference()
    aeqd.ImportFromProj4("+proj=aeqd +lat_0=%r +lon_0=%r +ellps=WGS84 +units=m" % (c.GetY(), c.GetX()))
    t = osr.CoordinateTransformation(WGS, aeqd)
    p, f = poly.Clone(), fr.Clone()
    p.Segmentize(0.0005)
    p.Transform(t)
    f.Transform(t)
    env = p.GetEnvelope()
    far = env[1] - env[0] + env[3] - env[2] + have + 2000
    cx, cy = 0.5 * (env[0] + env[1]), 0.5 * (env[2] + env[3])
    win = ogr.CreateGeometryFromWkt("POLYGON((%r %r,%r %r,%r %r,%r %r,%r %r))" % (
        cx - far, cy - far, cx + far, cy - far, cx + far, cy + far, cx - far, cy + far, cx - far, cy - far))
    f = f.Intersection(win)  # the front near enough to matter
    b = p.Boundary()
    b.Segmentize(step)
    grid = max(GRID_M, ((env[1] - env[0]) * (env[3] - env[2]) / 2000.0) ** 0.5)
    pts = []
    for i in range(b.GetGeometryCount() or 1):
        r = b.GetGeometryRef(i) if b.GetGeometryCount() else b
        pts += [(r.GetX(k), r.GetY(k)) for k in range(r.GetPointCount())]
    x = env[0]
    while x <= env[1]:
        y = env[2]
        while y <= env[3]:
            pt = ogr.CreateGeometryFromWkt("POINT(%r %r)" % (x, y))
            if p.Contains(pt):
                pts.append((x, y))
            y += grid
        x += grid
    best = 0.0
    pt = ogr.Geometry(ogr.wkbPoint)
    for x, y in pts:
        pt.SetPoint_2D(0, x, y)
        best = max(best, pt.Distance(f))
    return best, step


def main():
    s = series(sys.argv[1])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    ds = ogr.Open(sys.argv[2])
    rows = []
    for f in ds.GetLayerByName("advance"):
        g = f.GetGeometryRef()
        e = g.GetEnvelope()
        if (e[0] < BOX[0] + EDGE_DEG or e[1] > BOX[2] - EDGE_DEG or e[2] < BOX[1] + EDGE_DEG or
                e[3] > BOX[3] - EDGE_DEG or f.GetField("side_to") != "occupied"):
            continue
        rows.append((f.GetField("area_km2"), f.GetFID(), str(f.GetField("date_from")).replace("/", "-"),
                     f.GetField("depth_m"), g.Clone()))
    pick = sorted(rows, key=lambda r: -r[0])[:n] + sorted(rows, key=lambda r: r[3])[:20]
    fronts, bad = {}, 0
    for km2, fid, d0, have, g in pick:
        if d0 not in fronts:
            fronts[d0] = front(s[d0])
        want, step = depth(g, fronts[d0], have)
        tol = max(1.0, 0.001 * want) + step / 2
        flag = "DIFF" if abs(have - want) > tol else "ok"
        bad += flag == "DIFF"
        print("%s fid %d %s %.3f km2: frontline %.2f m, oracle %.2f m (%+.2f)" % (
            flag, fid, d0, km2, have, want, have - want))
    print("%d polygons, %d differences" % (len(pick), bad))
    return 1 if bad else 0


sys.exit(main())
