"""tests/sql/test_route_faces.py - the SQL face and the CLI give bit-identical
answers on the same inputs for route exposure and nearest route: both call
the prepared route kernels (fl_routes.h), so FL_RouteExposure's metres are
the CLI's band km times 1,000 to the last bit (the same band edges), and
FL_NearestRoute's route and dist_m are the CLI's route_id and dist_m, and its
connecting line the CLI's geometry, vertex for vertex (core's
fl_nearest_line: a geodesic with a vertex at least every 1,000 m).

Inputs: sample_data's routes, settlements (points and polygons) and the
first front line, copied by OGR into one GeoPackage (EPSG:4326)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402
from osgeo import ogr  # noqa: E402

GPKG = os.path.join(T.TMP, "faces.gpkg")


def make_inputs():
    for i, (layer, where) in enumerate([("routes", None), ("settlements", None),
                                        ("settlements_polygons", None), ("front", "source = 'source_ua'")]):
        cmd = ["ogr2ogr", "-f", "GPKG", GPKG, os.path.join(T.SAMPLE, layer + ".geojson"),
               "-nln", layer, "-lco", "FID=fid"]
        if where:
            cmd += ["-where", where, "-limit", "1"]
        if i:
            cmd.insert(1, "-update")
        subprocess.run(cmd, check=True, capture_output=True)


def points(g):
    """The vertices of an OGR geometry, its parts one after the other."""
    if g.GetGeometryCount():
        return [p for i in range(g.GetGeometryCount()) for p in points(g.GetGeometryRef(i))]
    return g.GetPoints() or []


def gpb_points(blob):
    """Vertices of a GeoPackage geometry blob, read by OGR from its WKB."""
    env = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 7]
    return points(ogr.CreateGeometryFromWkb(bytes(blob[8 + env:])))


def cli(tool, args, out):
    out = os.path.join(T.TMP, out)
    subprocess.run([T.FRONTLINE, "--quiet", "run", tool] + args + ["--output", out], check=True,
                   capture_output=True)
    ds = ogr.Open(out)
    layer = ds.GetLayer(0)
    rows = {}
    for f in layer:
        rows[f.GetFID()] = {k: f.GetField(k) for k in f.keys()}
        g = f.GetGeometryRef()
        rows[f.GetFID()]["_xy"] = points(g) if g else None
    return rows


def exposure(con, inner, outer):
    return dict(con.execute("SELECT r.fid, FL_RouteExposure(r.geom, f.geom, ?, ?) FROM routes r, "
                            "front f", (inner, outer)).fetchall())


make_inputs()
con = T.connect(GPKG)
T.check(con.execute("SELECT count(*) FROM front").fetchone()[0] == 1, "one front line")

# ---- route exposure: one band edge (0-5 km), then two (5-20 km) -------------
for dists, inner, outer, col in [("5000", 0, 5000, "km_0_5000"),
                                 ("5000,20000", 5000, 20000, "km_5000_20000")]:
    rows = cli("route-exposure", ["--routes", GPKG + ":routes", "--front", GPKG + ":front",
                                  "--distances", dists], "exposure_%s.gpkg" % dists.replace(",", "_"))
    sql = exposure(con, inner, outer)
    T.check(len(rows) == len(sql) == 16, "route exposure rows: CLI %d, SQL %d" % (len(rows), len(sql)))
    some = 0
    for fid, r in rows.items():
        some += r[col] > 0
        T.check(sql[fid] / 1000.0 == r[col],
                "route %d, %s: SQL %r m, CLI %r km (not bit-identical)" % (fid, col, sql[fid], r[col]))
    T.check(some >= 3, "%s: %d routes measure more than 0 (a test that can fail)" % (col, some))

# ---- nearest route: points and polygons --------------------------------------
for layer in ("settlements", "settlements_polygons"):
    rows = cli("nearest-route", ["--settlements", GPKG + ":" + layer, "--routes", GPKG + ":routes"],
               "nearest_%s.gpkg" % layer)
    sql = {fid: (d, rid, line) for fid, d, rid, line in con.execute(
        "SELECT s.fid, n.dist_m, r.id, n.geometry FROM %s s, FL_NearestRoute(s.geom, 'routes') n "
        "JOIN routes r ON r.fid = n.route_rowid" % layer)}
    T.check(len(rows) == len(sql) > 0, "%s: CLI %d rows, SQL %d" % (layer, len(rows), len(sql)))
    long_lines = 0
    for fid, r in rows.items():
        d, rid, line = sql[fid]
        T.check(d == r["dist_m"] and rid == r["route_id"],
                "%s %d: SQL route %r at %r m, CLI route %r at %r m (not bit-identical)"
                % (layer, fid, rid, d, r["route_id"], r["dist_m"]))
        xy = gpb_points(line)
        long_lines += len(xy) > 2
        T.check(xy == r["_xy"], "%s %d: SQL line of %d vertices, CLI %d (not the same vertices)"
                % (layer, fid, len(xy), len(r["_xy"] or [])))
    T.check(long_lines >= 1, "%s: %d connecting lines longer than 1,000 m (a test that can fail)"
            % (layer, long_lines))

con.close()
T.finish()
