"""tests/cli/antimeridian.py - data across 180 and checks of outputs there,
from OGR and pyproj only (never Frontline).

  antimeridian.py make DIR     writes DIR/ctl.geojson (sides A north, B south of
                               a wiggly front along 65 N from 176 E to 176 W,
                               each a MultiPolygon split at +-180 as GeoJSON
                               wants), DIR/front.geojson (the front as one line
                               that jumps from 180 to -180) and
                               DIR/front_split.geojson (the same, split at +-180)
  antimeridian.py check FILE   prints, over the features of FILE: valid (1/0),
                               lon_ok (every lon in -180..180, 1/0), span (the
                               widest lon extent of one part, degrees: a part
                               drawn across the world spans ~360), length_km
                               (geodesic, lines) and area_km2 (geodesic, polygons)
  antimeridian.py length       prints the front's geodesic length in km
  antimeridian.py area D       prints the area (km2) of the front's buffer by D m:
                               OGR's buffer (256 segments a quarter) in an
                               azimuthal equidistant frame centred on 180, 65 N,
                               whose stretch within 250 km is below 0.03 %
"""
import json
import math
import os
import sys

from osgeo import ogr
from pyproj import Geod

G = Geod(ellps="WGS84")


def front():
    return [(176.0 + i * 0.1, 65.0 + 0.2 * math.sin(i / 5.0)) for i in range(81)]


def wrap(x):
    return x - 360.0 if x > 180.0 else x


def split_poly(ring):
    g = ogr.CreateGeometryFromWkt("POLYGON((%s))" % ",".join("%r %r" % p for p in ring))
    west = g.Intersection(ogr.CreateGeometryFromWkt("POLYGON((170 0,180 0,180 89,170 89,170 0))"))
    east = g.Intersection(ogr.CreateGeometryFromWkt("POLYGON((180 0,190 0,190 89,180 89,180 0))"))
    r = east.GetGeometryRef(0)
    for i in range(r.GetPointCount()):
        r.SetPoint_2D(i, r.GetX(i) - 360.0, r.GetY(i))
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    m.AddGeometry(west)
    m.AddGeometry(east)
    return json.loads(m.ExportToJson())


def make(d):
    f = front()
    a = f + [(184.0, 66.0), (176.0, 66.0), f[0]]
    b = list(reversed(f)) + [(176.0, 64.0), (184.0, 64.0), f[-1]]
    feats = [{"type": "Feature", "properties": {"side": s, "source": "t", "date": "2024-01-01"},
              "geometry": split_poly(r)} for s, r in (("A", a), ("B", b))]
    json.dump({"type": "FeatureCollection", "features": feats}, open(os.path.join(d, "ctl.geojson"), "w"))
    line = {"type": "LineString", "coordinates": [[wrap(x), y] for x, y in f]}
    west = [[x, y] for x, y in f if x <= 180.0]
    east = [[wrap(x), y] for x, y in f if x >= 180.0]
    split = {"type": "MultiLineString", "coordinates": [west, east]}
    for name, geom in (("front.geojson", line), ("front_split.geojson", split)):
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"source": "t", "date": "2024-01-01"}, "geometry": geom}]},
            open(os.path.join(d, name), "w"))


def parts(g):
    if g.GetGeometryCount() == 0 or g.GetGeometryType() in (ogr.wkbPolygon, ogr.wkbPolygon25D):
        return [g]
    return [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]


def check(path):
    ds = ogr.Open(path)
    valid, lon_ok, span, length, area = 1, 1, 0.0, 0.0, 0.0
    for feat in ds.GetLayer(0):
        g = feat.GetGeometryRef().Clone()
        g.FlattenTo2D()
        valid &= int(g.IsValid())
        env = g.GetEnvelope()
        lon_ok &= int(env[0] >= -180.0 and env[1] <= 180.0)
        for p in parts(g):
            e = p.GetEnvelope()
            span = max(span, e[1] - e[0])
            if p.GetDimension() == 1:
                pts = p.GetPoints()
                length += G.line_length([q[0] for q in pts], [q[1] for q in pts])
            else:
                for r in range(p.GetGeometryCount()):
                    ring = p.GetGeometryRef(r).GetPoints()
                    a = abs(G.polygon_area_perimeter([q[0] for q in ring], [q[1] for q in ring])[0])
                    area += a if r == 0 else -a
    print(valid, lon_ok, "%.6f" % span, "%.6f" % (length / 1e3), "%.6f" % (area / 1e6))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2])
    elif sys.argv[1] == "area":
        from osgeo import osr
        src, dst = osr.SpatialReference(), osr.SpatialReference()
        src.ImportFromEPSG(4326)
        src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        dst.ImportFromProj4("+proj=aeqd +lat_0=65 +lon_0=180 +datum=WGS84 +units=m +no_defs")
        dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        tr = osr.CoordinateTransformation(src, dst)
        pts = []
        for (x0, y0), (x1, y1) in zip(front(), front()[1:]):  # edges densified along geodesics
            pts.append((x0, y0))
            pts.extend(G.npts(x0, y0, x1, y1, 20))
        pts.append(front()[-1])
        line = ogr.Geometry(ogr.wkbLineString)
        for x, y in pts:
            line.AddPoint_2D(wrap(x), y)
        line.Transform(tr)
        print("%.6f" % (line.Buffer(float(sys.argv[2]), 256).GetArea() / 1e6))
    else:
        f = front()
        print("%.6f" % (G.line_length([p[0] for p in f], [p[1] for p in f]) / 1e3))
