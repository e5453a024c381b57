#!/usr/bin/python3
"""Independent expected values for the CLI tests on sample_data/.

    /usr/bin/python3 tests/cli/oracle.py [SAMPLE_DATA_DIR]

Nothing here uses Frontline. Geodesic lengths, areas and distances come from
pyproj (PROJ 9.1's GeographicLib, WGS84); planar geometry operations (buffer,
containment, distance to a polyline) from GDAL/OGR in an azimuthal
equidistant frame centred on the feature, where the distortion over the
sample sector (< 50 km from the centre) is below 1e-5 relative. The values
printed here are copied, with their tolerances, into tests/cli/*.sh.
"""
import json
import math
import os
import sys

from osgeo import ogr
from pyproj import Geod, Transformer

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "sample_data")
G = Geod(ellps="WGS84")


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)["features"]


def aeqd(lon0, lat0):
    crs = ("+proj=aeqd +lat_0=%.8f +lon_0=%.8f +datum=WGS84 +units=m +no_defs +type=crs"
           % (lat0, lon0))
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return fwd, inv


def densify(coords, step_m=50.0):
    """Geodesic densification, so straight segments in the frame follow geodesics."""
    out = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
        d = G.inv(x0, y0, x1, y1)[2]
        n = int(d // step_m)
        if n > 0:
            out.extend(G.npts(x0, y0, x1, y1, n))
        out.append((x1, y1))
    return out


def line_geom(coords, fwd):
    g = ogr.Geometry(ogr.wkbLineString)
    for x, y in densify(coords):
        px, py = fwd.transform(x, y)
        g.AddPoint_2D(px, py)
    return g


def ring_area_km2(ogr_poly, inv):
    """Geodesic area (km2) of a projected OGR (multi)polygon."""
    total = 0.0
    polys = [ogr_poly] if ogr_poly.GetGeometryType() == ogr.wkbPolygon else \
        [ogr_poly.GetGeometryRef(i) for i in range(ogr_poly.GetGeometryCount())]
    for p in polys:
        for r in range(p.GetGeometryCount()):
            ring = p.GetGeometryRef(r)
            pts = [inv.transform(ring.GetX(i), ring.GetY(i)) for i in range(ring.GetPointCount())]
            a, _ = G.polygon_area_perimeter([q[0] for q in pts], [q[1] for q in pts])
            total += abs(a) * (1 if r == 0 else -1)
    return total / 1e6


def front_of(source, date):
    for f in load("front.geojson"):
        p = f["properties"]
        if p["source"] == source and str(p["date"]).replace("/", "-") == date:
            return f["geometry"]["coordinates"]
    raise SystemExit("no front for %s %s" % (source, date))


def bands(source, date, dists):
    coords = front_of(source, date)
    lon0 = sum(c[0] for c in coords) / len(coords)
    lat0 = sum(c[1] for c in coords) / len(coords)
    fwd, inv = aeqd(lon0, lat0)
    line = line_geom(coords, fwd)
    prev, out = None, []
    for d in dists:
        buf = line.Buffer(d, 256)
        band = buf if prev is None else buf.Difference(prev)
        out.append(ring_area_km2(band, inv))
        prev = buf
    return out


def dist_point_to_line_m(lon, lat, coords):
    fwd, _ = aeqd(lon, lat)        # distances from the centre are exact in aeqd
    pt = ogr.Geometry(ogr.wkbPoint)
    pt.AddPoint_2D(0.0, 0.0)
    return pt.Distance(line_geom(coords, fwd))


def main():
    print("# front group lengths (geodesic, km)")
    for f in load("front.geojson"):
        p, c = f["properties"], f["geometry"]["coordinates"]
        lons, lats = [q[0] for q in c], [q[1] for q in c]
        print("front %s %s: %.3f km" % (p["source"], p["date"], G.line_length(lons, lats) / 1000))

    print("# bands of front source_ua 2024-10-15, distances 5000,10000 (km2)")
    for k, a in enumerate(bands("source_ua", "2024-10-15", [5000, 10000])):
        print("band %d: %.3f km2" % (k, a))

    print("# routes: geodesic length (km)")
    routes = load("routes.geojson")
    for f in routes:
        c = f["geometry"]["coordinates"]
        print("route %s (%s): %.3f km" % (f["properties"]["id"], f["properties"]["class"],
              G.line_length([q[0] for q in c], [q[1] for q in c]) / 1000))

    print("# nearest route of some settlements (all classes / rail only), metres")
    for f in load("settlements.geojson"):
        name = f["properties"]["name"]
        if name not in ("Toretsk", "Chasiv Yar", "Kostiantynivka", "Horlivka", "Bakhmut",
                        "Niu-York"):
            continue
        lon, lat = f["geometry"]["coordinates"][:2]
        best = {}
        for cls in (None, "rail"):
            cands = [(dist_point_to_line_m(lon, lat, r["geometry"]["coordinates"]),
                      r["properties"]["id"], r["properties"]["name"])
                     for r in routes if cls is None or r["properties"]["class"] == cls]
            best[cls] = min(cands)
        print("%s: all %.1f m (route %s, %s); rail %.1f m (route %s)" % (
            name, best[None][0], best[None][1], best[None][2], best["rail"][0], best["rail"][1]))

    print("# distance to front source_ua 2024-10-15 (m)")
    fc = front_of("source_ua", "2024-10-15")
    for f in load("settlements.geojson"):
        name = f["properties"]["name"]
        if name in ("Toretsk", "Chasiv Yar", "Horlivka", "Kostiantynivka"):
            lon, lat = f["geometry"]["coordinates"][:2]
            print("%s: %.1f m" % (name, dist_point_to_line_m(lon, lat, fc)))

    print("# routes vs front source_ua 2024-10-15: crossing, or closest approach (m)")
    lon0 = sum(c[0] for c in fc) / len(fc)
    lat0 = sum(c[1] for c in fc) / len(fc)
    fwd, _ = aeqd(lon0, lat0)
    fl = line_geom(fc, fwd)
    for r in routes:
        rc = r["geometry"]["coordinates"]
        if line_geom(rc, fwd).Intersects(fl):
            print("route %s crosses the front" % r["properties"]["id"])
            continue
        pts = densify(rc, 10.0)
        # Rank the points in the front's frame, then measure the 40 nearest exactly.
        rank = []
        for x, y in pts:
            px, py = fwd.transform(x, y)
            g = ogr.Geometry(ogr.wkbPoint)
            g.AddPoint_2D(px, py)
            rank.append((g.Distance(fl), x, y))
        rank.sort()
        d = min(dist_point_to_line_m(x, y, fc) for _, x, y in rank[:40])
        print("route %s: closest %.1f m" % (r["properties"]["id"], d))

    print("# front source_ua 2024-10-15 minus 750 m of the sector outline (km)")
    ext = [(37.45, 48.20), (38.25, 48.20), (38.25, 48.70), (37.45, 48.70), (37.45, 48.20)]
    outline = line_geom(ext, fwd)
    inner = fl.Difference(outline.Buffer(750.0, 64))
    print("trimmed length: %.3f km" % (inner.Length() / 1000.0))

    print("# one side (F3): front source_ru 2024-10-15 minus 500 m (snap_m) of the mask edge (km)")
    fr = front_of("source_ru", "2024-10-15")
    fwd2, _ = aeqd(sum(c[0] for c in fr) / len(fr), sum(c[1] for c in fr) / len(fr))
    inner = line_geom(fr, fwd2).Difference(line_geom(ext, fwd2).Buffer(500.0, 64))
    print("trimmed length: %.3f km" % (inner.Length() / 1000.0))

    print("# settlement holders, control source_ua 2024-10-15 (points > 300 m from any edge)")
    ctl = [f for f in load("control.geojson")
           if f["properties"]["source"] == "source_ua"
           and str(f["properties"]["date"]).replace("/", "-") == "2024-10-15"]
    counts = {}
    for f in load("settlements.geojson"):
        lon, lat = f["geometry"]["coordinates"][:2]
        fwd, _ = aeqd(lon, lat)
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(0.0, 0.0)
        holders, near_edge = [], False
        for c in ctl:
            poly = ogr.Geometry(ogr.wkbPolygon)
            for ring in c["geometry"]["coordinates"]:
                r = ogr.Geometry(ogr.wkbLinearRing)
                for x, y in densify(ring, 200.0):
                    px, py = fwd.transform(x, y)
                    r.AddPoint_2D(px, py)
                poly.AddGeometry(r)
            if poly.Boundary().Distance(pt) < 300.0:
                near_edge = True
            if poly.Contains(pt):
                holders.append(c["properties"]["side"])
        if near_edge:
            continue
        side = holders[0] if len(holders) == 1 else ("contested" if holders else "unknown")
        counts[side] = counts.get(side, 0) + 1
        print("holder %s: %s" % (f["properties"]["name"], side))
    print("holder counts:", counts)


if __name__ == "__main__":
    main()
