"""tests/sql/test_elevation.py - FL_RangeRings and FL_LineOfSight (issue 15).

- FL_RangeRings(position, inner_m, outer_m [, bearing_start, bearing_end]):
  every vertex of the ring lies at inner_m or outer_m from the position
  (pyproj geodesic, max(1 m, 0.1 %)), the sector keeps to its bearings, and
  a UTM position gives the same ring in UTM.
- FL_LineOfSight(observer, target, dem_path, obs_h, tgt_h): the same answer
  as `frontline run line-of-sight` for the same pairs (visible, and dist_m,
  block_dist_m to 1 mm), and dist_m against pyproj (1e-6 relative).
- mod_frontline does not link GDAL (ldd); without the raster library the call
  fails with one sentence naming where it looked.
"""
import json
import shutil
import subprocess

from sqltest import *  # noqa: F401,F403

con = connect()
con.execute("SELECT InitSpatialMetadata(1)")
q = lambda sql, *p: con.execute(sql, p).fetchone()

# ---- FL_RangeRings ---------------------------------------------------------
for inner, outer, b in ((0, 5000, None), (2000, 15000, None), (3000, 24000, (300, 60))):
    args = "MakePoint(37.894, 48.589, 4326), %d, %d" % (inner, outer)
    if b:
        args += ", %d, %d" % b
    w = q("SELECT AsText(FL_RangeRings(%s))" % args)[0]
    g = ogr.CreateGeometryFromWkt(w)
    check(g is not None and g.GetGeometryType() in (ogr.wkbPolygon, ogr.wkbMultiPolygon),
          "FL_RangeRings(%s) is a polygon: %s" % (args, w[:60] if w else w))
    pts = []
    for i in range(g.GetGeometryCount()):
        part = g.GetGeometryRef(i)
        rings = [part] if part.GetGeometryType() == ogr.wkbLinearRing else \
            [part.GetGeometryRef(k) for k in range(part.GetGeometryCount())]
        for r in rings:
            pts += r.GetPoints()
    worst = 0.0
    for x, y in pts[:2000]:
        az, _, d = G.inv(37.894, 48.589, x, y)
        if d < 1.0:
            continue  # the sector's apex
        target = inner if abs(d - inner) < abs(d - outer) else outer
        worst = max(worst, abs(d - target) / max(1.0, 0.001 * target))
        if b:
            a = az % 360
            check(a >= 300 - 1e-6 or a <= 60 + 1e-6, "sector vertex at bearing %.3f" % a)
    check(worst <= 1.0, "FL_RangeRings(%s): vertices within max(1 m, 0.1 %%) of the range "
          "(worst %.3f of the tolerance)" % (args, worst))
utm = q("SELECT ST_Srid(FL_RangeRings(Transform(MakePoint(37.894, 48.589, 4326), 32637), 0, 5000)),"
        " abs(ST_Area(Transform(FL_RangeRings(Transform(MakePoint(37.894, 48.589, 4326), 32637), 0, 5000), 4326), 1)"
        " - ST_Area(FL_RangeRings(MakePoint(37.894, 48.589, 4326), 0, 5000), 1))")
check(utm[0] == 32637 and utm[1] < 1e-4 * 3.14159 * 5000 ** 2, "UTM ring in UTM, same area: %r" % (utm,))
check(q("SELECT FL_RangeRings(NULL, 0, 100)")[0] is None, "NULL in, NULL out")
for sql, needle in (("SELECT FL_RangeRings(MakePoint(37.8,48.5,4326), 5000, 1000)", "must exceed argument 2"),
                    ("SELECT FL_RangeRings(MakeLine(MakePoint(37.8,48.5,4326), MakePoint(37.9,48.5,4326)), 0, 1000)", "must be a point"),
                    ("SELECT FL_RangeRings(MakePoint(37.8,48.5,4326), 0, 1000, 'north', 60)", "bearing")):
    e = error_of(con, sql)
    check(e is not None and needle in e and e.startswith("FL_RangeRings"), "%s -> %r" % (sql, e))

# ---- FL_LineOfSight --------------------------------------------------------
dem = os.path.join(SAMPLE, "dem_toretsk.tif")
obs = (37.894, 48.589)
targets = [(37.80, 48.55), (37.85, 48.56), (37.88, 48.58), (37.90, 48.60), (37.75, 48.45),
           (37.86, 48.40)]
tpath = os.path.join(TMP, "targets.geojson")
with open(tpath, "w") as f:
    json.dump({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": i + 1},
         "geometry": {"type": "Point", "coordinates": list(t)}} for i, t in enumerate(targets)]}, f)
opath = os.path.join(TMP, "obs.geojson")
with open(opath, "w") as f:
    json.dump({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": list(obs)}}]}, f)
lpath = os.path.join(TMP, "los.gpkg")
subprocess.run([FRONTLINE, "run", "line-of-sight", "--dem", dem, "--observers", opath, "--targets", tpath,
                "--observer-height-m", "5", "--target-height-m", "3", "--output", lpath, "--quiet"],
               check=True, env=dict(os.environ, FRONTLINE_PLUGIN=""))
cli = {}
ds = ogr.Open(lpath)
for f in ds.GetLayer(0):
    cli[f.GetField("target_fid")] = (f.GetField("visible"), f.GetField("dist_m"), f.GetField("block_dist_m"))
ds = None
n_vis = 0
for i, (x, y) in enumerate(targets):
    r = q("SELECT FL_LineOfSight(MakePoint(?, ?, 4326), MakePoint(?, ?, 4326), ?, 5, 3)",
          obs[0], obs[1], x, y, dem)[0]
    j = json.loads(r)
    c = cli.get(i + 1)
    check(c is not None and j["visible"] == c[0], "target %d: visible %r vs the CLI's %r" % (i + 1, j["visible"], c))
    near(j["dist_m"], G.inv(obs[0], obs[1], x, y)[2], "target %d dist_m vs pyproj" % (i + 1), 0.001, 1e-6)
    if c and c[2] is not None:
        near(j["block_dist_m"], c[2], "target %d block_dist_m vs the CLI" % (i + 1), 0.001, 0)
    n_vis += j["visible"]
check(0 < n_vis < len(targets), "some targets seen, some hidden: %d of %d" % (n_vis, len(targets)))
# json_extract reads it; a UTM pair gives the same answer.
v = q("SELECT json_extract(FL_LineOfSight(MakePoint(37.894,48.589,4326), MakePoint(37.80,48.55,4326), ?, 5, 3), '$.visible')", dem)[0]
vu = q("SELECT json_extract(FL_LineOfSight(Transform(MakePoint(37.894,48.589,4326), 32637), "
       "Transform(MakePoint(37.80,48.55,4326), 32637), ?, 5, 3), '$.dist_m')", dem)[0]
check(v == cli[1][0], "json_extract visible")
near(vu, G.inv(obs[0], obs[1], 37.80, 48.55)[2], "UTM pair dist_m", 0.01, 1e-6)
check(q("SELECT FL_LineOfSight(NULL, MakePoint(37.8,48.5,4326), ?, 2, 0)", dem)[0] is None, "NULL in, NULL out")
for sql, needle in (
        ("SELECT FL_LineOfSight(MakePoint(37.8,48.5,4326), MakePoint(37.81,48.5,4326), 'nope.tif', 2, 0)", "argument 3 (dem_path)"),
        ("SELECT FL_LineOfSight(MakePoint(37.8,48.5,4326), MakePoint(37.81,48.5,4326), '%s', -2, 0)" % dem, "argument 4 (obs_h)"),
        ("SELECT FL_LineOfSight(MakePoint(37.8,48.5,4326), MakePoint(39.5,48.5,4326), '%s', 2, 0)" % dem, "outside"),
        ("SELECT FL_LineOfSight(MakePoint(37.8,48.5,4326), Transform(MakePoint(37.81,48.5,4326), 32637), '%s', 2, 0)" % dem, "SRID")):
    e = error_of(con, sql)
    check(e is not None and e.startswith("FL_LineOfSight") and needle in e, "%s -> %r" % (sql, e))
con.close()

# ---- no GDAL in mod_frontline; a clear sentence without the raster library --
ldd = subprocess.run(["ldd", MOD], capture_output=True, text=True).stdout
check("libgdal" not in ldd, "mod_frontline does not link GDAL")
alone = os.path.join(TMP, "alone")
os.makedirs(alone)
shutil.copy(MOD, alone)
env = dict(os.environ, FRONTLINE_RASTER_LIB="/nonexistent/libfrontline.so.0")
code = ("import sqlite3,sys; c=sqlite3.connect(':memory:'); c.enable_load_extension(True); "
        "c.load_extension('mod_spatialite'); c.load_extension(sys.argv[1]); "
        "c.execute(\"SELECT FL_LineOfSight(MakePoint(37.8,48.5,4326), MakePoint(37.81,48.5,4326), sys.argv[2], 2, 0)\".replace('sys.argv[2]', repr(sys.argv[2]))).fetchall()")
p = subprocess.run([sys.executable, "-c", code, os.path.join(alone, "mod_frontline"), dem],
                   capture_output=True, text=True, env=env)
err = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
check(p.returncode != 0 and "needs Frontline's raster library" in err and "FRONTLINE_RASTER_LIB" in err,
      "without the raster library: %r" % err)
finish()
