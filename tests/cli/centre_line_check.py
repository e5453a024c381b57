"""centre_line_check.py GPKG [EXPECT_M TOL_M] - oracle for the centre line of
a grey zone (frontline --centre-line): every vertex of the line marked
edge='centre' is as far from the RU-side edge as from the other side's edge,
within 1 % or 20 m (distances on the WGS84 ellipsoid: pyproj azimuthal
equidistant frame centred on each vertex, OGR/GEOS distance; no Frontline
code); at most ~300 vertices, spread along the line. With EXPECT_M, at
vertices whose longitude both edges span, each distance must also be EXPECT_M +- TOL_M.
Prints: vertices, largest |dA - dB| in m, largest relative; exits 1 on a
failure."""
import sys
from osgeo import ogr
import pyproj

path = sys.argv[1]
expect = float(sys.argv[2]) if len(sys.argv) > 2 else None
tol = float(sys.argv[3]) if len(sys.argv) > 3 else None
ds = ogr.Open(path)
lay = ds.GetLayerByName("frontline")
lines = {}
for f in lay:
    lines[f.GetField("edge")] = f.GetGeometryRef().Clone()
centre = lines.pop("centre", None)
if centre is None or len(lines) != 2:
    print("no centre line or not two edges: %s" % sorted(lines))
    sys.exit(1)
(ka, ea), (kb, eb) = sorted(lines.items())


def verts(g):
    if g.GetGeometryCount() == 0:
        return g.GetPoints() or []
    out = []
    for i in range(g.GetGeometryCount()):
        out += verts(g.GetGeometryRef(i))
    return out


def local(g, tr):
    """g (lon/lat lines) in the frame tr, as an OGR geometry."""
    m = ogr.Geometry(ogr.wkbMultiLineString)
    for i in range(g.GetGeometryCount()):
        part = g.GetGeometryRef(i)
        ls = ogr.Geometry(ogr.wkbLineString)
        for p in part.GetPoints():
            x, y = tr.transform(p[0], p[1])
            ls.AddPoint_2D(x, y)
        m.AddGeometry(ls)
    return m


def nearby(g, lon, lat, deg):
    box = ogr.CreateGeometryFromWkt(
        "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))" % (
            lon - deg, lat - deg, lon + deg, lat - deg, lon + deg, lat + deg,
            lon - deg, lat + deg, lon - deg, lat - deg))
    return g.Intersection(box)


vs = verts(centre)
lons = [p[0] for p in verts(ea)] + [p[0] for p in verts(eb)]
west = max(min(p[0] for p in verts(ea)), min(p[0] for p in verts(eb)))
east = min(max(p[0] for p in verts(ea)), max(p[0] for p in verts(eb)))


def within(lon):
    """True when both edges run past lon, east and west (a strip's middle)."""
    return west <= lon <= east


if len(vs) > 300:  # a spread sample: the oracle is slow on long lines
    step = len(vs) // 300 + 1
    vs = vs[::step] + [vs[-1]]
worst_abs = worst_rel = 0.0
bad = 0
for lon, lat in [(p[0], p[1]) for p in vs]:
    tr = pyproj.Transformer.from_crs(
        "EPSG:4326", "+proj=aeqd +lat_0=%r +lon_0=%r +ellps=WGS84" % (lat, lon), always_xy=True)
    d = []
    for e in (ea, eb):
        near = None
        for deg in (0.05, 0.2, 1.0, 5.0):
            near = nearby(e, lon, lat, deg)
            if near is not None and not near.IsEmpty():
                break
        if near.GetGeometryType() == ogr.wkbLineString:
            m = ogr.Geometry(ogr.wkbMultiLineString)
            m.AddGeometry(near)
            near = m
        elif near.GetGeometryType() != ogr.wkbMultiLineString:
            m = ogr.Geometry(ogr.wkbMultiLineString)
            for i in range(near.GetGeometryCount()):
                if near.GetGeometryRef(i).GetGeometryType() == ogr.wkbLineString:
                    m.AddGeometry(near.GetGeometryRef(i))
            near = m
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(0.0, 0.0)
        d.append(local(near, tr).Distance(pt))
    diff = abs(d[0] - d[1])
    rel = diff / max(d[0], d[1]) if max(d) > 0 else 0.0
    worst_abs = max(worst_abs, diff)
    worst_rel = max(worst_rel, rel)
    ok = diff <= max(0.01 * max(d), 20.0)
    if expect is not None and within(lon):
        ok = ok and abs(d[0] - expect) <= tol and abs(d[1] - expect) <= tol
    if not ok:
        bad += 1
        if bad <= 5:
            print("vertex %.6f %.6f: %.2f m from %s, %.2f m from %s" % (lon, lat, d[0], ka, d[1], kb))
print("vertices %d, largest |dA-dB| %.3f m, largest relative %.5f, failing %d"
      % (len(vs), worst_abs, worst_rel, bad))
sys.exit(1 if bad or not vs else 0)
