#!/usr/bin/python3
"""Reference figures for the control-data tests (issue 10), independent of
Frontline: OGR (GDAL) for reading, dissolving and containment, pyproj for
geodesics and areas.

For one control file, the features whose FIELD is one of VALUES are one
side's ground (dissolved with OGR). Its holes and islands below MIN_KM2
(geodesic area) are left out, as are the edges along the clip box (lon
37.0/38.8, lat 47.9/48.9: the data's own end, not front). Each place's
distance to the remaining boundary is the minimum over the edges, each
sampled along its geodesic (20 m) and refined by golden-section search.

usage: control_data_oracle.py FILE FIELD VALUES MIN_KM2 NAME=LON,LAT ...
prints: NAME inside=0|1 dist_m=...
Run with /usr/bin/python3 (needs osgeo and pyproj)."""
import sys
from osgeo import ogr
from pyproj import Geod

g = Geod(ellps="WGS84")
BOX = (37.0, 47.9, 38.8, 48.9)


def on_box(a, b):
    return (abs(a[0] - b[0]) < 1e-9 and min(abs(a[0] - BOX[0]), abs(a[0] - BOX[2])) < 1e-9) or \
        (abs(a[1] - b[1]) < 1e-9 and min(abs(a[1] - BOX[1]), abs(a[1] - BOX[3])) < 1e-9)


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


def ring_km2(ring):
    pts = ring.GetPoints()
    a, _ = g.polygon_area_perimeter([p[0] for p in pts], [p[1] for p in pts])
    return abs(a) / 1e6


def ground(path, field, values):
    ds = ogr.Open(path)
    u = None
    for feat in ds.GetLayer(0):
        if str(feat.GetField(field)) not in values:
            continue
        geom = feat.GetGeometryRef().Clone()
        u = geom if u is None else u.Union(geom)
    return u


def rings(u, min_km2):
    polys = [u] if u.GetGeometryName() == "POLYGON" else [u.GetGeometryRef(i) for i in range(u.GetGeometryCount())]
    for poly in polys:
        if ring_km2(poly.GetGeometryRef(0)) < min_km2:
            continue
        for r in range(poly.GetGeometryCount()):
            ring = poly.GetGeometryRef(r)
            if r and ring_km2(ring) < min_km2:
                continue
            yield [p[:2] for p in ring.GetPoints()]


def box_polygon():
    return ogr.CreateGeometryFromWkt("POLYGON ((%r %r, %r %r, %r %r, %r %r, %r %r))" % (
        BOX[0], BOX[1], BOX[2], BOX[1], BOX[2], BOX[3], BOX[0], BOX[3], BOX[0], BOX[1]))


def parts(g):
    if g is None or g.IsEmpty():
        return []
    if g.GetGeometryName() == "POLYGON":
        return [g]
    return [g.GetGeometryRef(i).Clone() for i in range(g.GetGeometryCount())
            if g.GetGeometryRef(i).GetGeometryName() == "POLYGON"]


def one_sided(path, field, side_values, grey_values, min_km2):
    """One-sided ground with a grey zone, the box as the area of interest:
    side = the features of side_values, grey = those of grey_values, the other
    side = the box less both. The other side's pieces below min_km2 (islands
    enclosed by the side's ground and the box's edge: slivers between two
    classes) are no ground of theirs: they are filled into the side's. Returns
    (side, side with the filled slivers, side + grey + filled slivers, grey)."""
    box = box_polygon()
    side = ground(path, field, side_values)
    grey = ground(path, field, grey_values) if grey_values else None
    side = side.Intersection(box)
    taken = side if grey is None else side.Union(grey.Intersection(box))
    small = [q for q in parts(box.Difference(taken))
             if ring_km2(q.GetGeometryRef(0)) < min_km2]
    filled, filled_all = side, taken
    for q in small:
        filled, filled_all = filled.Union(q), filled_all.Union(q)
    return side, filled, filled_all, grey


def dist(p, rs):
    best = float("inf")
    for ring in rs:
        for a, b in zip(ring, ring[1:]):
            if on_box(a, b):
                continue
            dx = min(abs(p[0] - a[0]), abs(p[0] - b[0])) * 72000  # m per deg of lon, a lower bound to 49.6 N
            dy = min(abs(p[1] - a[1]), abs(p[1] - b[1])) * 111000
            if not (min(a[0], b[0]) <= p[0] <= max(a[0], b[0])) and dx > best:
                continue
            if not (min(a[1], b[1]) <= p[1] <= max(a[1], b[1])) and dy > best:
                continue
            best = min(best, seg_min(p, a, b))
    return best


def main(argv):
    path, field, values, min_km2 = argv[1], argv[2], set(argv[3].split(",")), float(argv[4])
    u = ground(path, field, values)
    rs = list(rings(u, min_km2))
    for arg in argv[5:]:
        name, ll = arg.rsplit("=", 1)
        p = tuple(float(v) for v in ll.split(","))
        inside = u.Contains(ogr.CreateGeometryFromWkt("POINT (%r %r)" % p))
        print("%s inside=%d dist_m=%.2f" % (name, inside, dist(p, rs)))


if __name__ == "__main__":
    main(sys.argv)
