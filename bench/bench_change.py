#!/usr/bin/python3
"""bench/bench_change.py - `change` on a Donbas-scale series: 50 dates of the
bench's 1,200 km front (gen.py's control polygons, 100,000 vertices each),
side by side with the same km² in PostGIS (ST_Difference + ST_Area(geography)).

The series (deterministic, seed 20241008): date 0 is gen.py's control layer
(side A north-west, B south-east of the front); each next date B takes 20
patches of A along the front (discs of 1-5 km radius around random front
vertices, 24 segments a quarter), as monthly gains are: local, not a uniform
strip. Written to bench/data/change/series.gpkg, layer `series` (side, date),
EPSG:4326.

Timed, best of --repeat runs (the machine's two cores are shared):
  frontline  `frontline run change --control series.gpkg:series --output ...`
             (all five layers: area_change, change_summary, held_series with
             front lengths, advance with depths);
  postgis    the gained and lost km² of each consecutive pair of dates, in one
             query: ST_Difference of the two dates' sides (GiST-indexed
             table), ST_Area(geography) (the spheroid), data loaded beforehand
             (not timed). The km² are compared with Frontline's per period.

Usage: bench_change.py [--frontline build/bin/frontline] [--repeat 3]
                       [--dates 50] [--no-postgis] [--qgis] [--regen]
The series is written once (about 8 minutes on this machine) and reused.
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time

from osgeo import ogr, osr

ogr.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def control_source():
    path = os.path.join(HERE, "data", "s0.01", "donbas.gpkg")
    if not os.path.exists(path):  # the control polygons and front are the same at every scale
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--scale", "0.01"], check=True)
    return path


def polygons(g):
    """The polygons of an overlay result as a MultiPolygon (lines and points
    of a collection dropped)."""
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        out.AddGeometry(g)
    elif t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        for i in range(g.GetGeometryCount()):
            p = g.GetGeometryRef(i)
            if ogr.GT_Flatten(p.GetGeometryType()) == ogr.wkbPolygon:
                out.AddGeometry(p)
            elif ogr.GT_Flatten(p.GetGeometryType()) == ogr.wkbMultiPolygon:
                for j in range(p.GetGeometryCount()):
                    out.AddGeometry(p.GetGeometryRef(j))
    return out


def make_series(path, n_dates):
    src = ogr.Open(control_source())
    sides = {}
    for f in src.GetLayerByName("control"):
        sides[f.GetField("side")] = f.GetGeometryRef().Clone()
    ff = src.GetLayerByName("front").GetNextFeature()  # kept: its geometry is borrowed
    front = ff.GetGeometryRef().Clone()
    if front.GetGeometryType() != ogr.wkbLineString:
        front = front.GetGeometryRef(0).Clone()
    names = sorted(sides)
    a, b = sides[names[0]], sides[names[1]]
    rng = random.Random(20241008)
    drv = ogr.GetDriverByName("GPKG")
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    lyr = ds.CreateLayer("series", srs, ogr.wkbMultiPolygon)
    lyr.CreateField(ogr.FieldDefn("side", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("date", ogr.OFTString))
    n = front.GetPointCount()
    a0, b0 = a, b
    discs = ogr.Geometry(ogr.wkbMultiPolygon)
    lyr.StartTransaction()
    for k in range(n_dates):
        y, m = 2022 + k // 12, 1 + k % 12
        date = "%04d-%02d-01" % (y, m)
        if k:
            for _ in range(20):
                i = rng.randrange(n)
                x, yy = front.GetX(i), front.GetY(i)
                r = rng.uniform(1, 5) / 111.0  # km to degrees of latitude (about)
                discs.AddGeometry(ogr.CreateGeometryFromWkt("POINT(%r %r)" % (x, yy)).Buffer(r, 24))
            taken = polygons(discs.UnionCascaded().Intersection(a0))
            a, b = polygons(a0.Difference(taken)), polygons(b0.Union(taken))
        for side, g in ((names[0], a), (names[1], b)):
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetField("side", side)
            f.SetField("date", date)
            f.SetGeometry(g)
            lyr.CreateFeature(f)
    lyr.CommitTransaction()
    ds = None
    return names


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best_of(cmd, repeat):
    """Best wall time of repeat runs, and the CPU time (user + sys) of that run."""
    best = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), cpu_children()
        p = subprocess.run(cmd, capture_output=True, text=True)
        dt, cpu = time.perf_counter() - t0, cpu_children() - c0
        if p.returncode:
            raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr[-800:]))
        if best is None or dt < best[0]:
            best = (dt, cpu)
    return best


POSTGIS_Q = """
CREATE TEMP TABLE r AS
WITH d AS (SELECT DISTINCT date FROM series),
     p AS (SELECT date AS d0, lead(date) OVER (ORDER BY date) AS d1 FROM d)
SELECT p.d0, p.d1,
  (SELECT ST_Area(ST_Difference(b1.geom, b0.geom)::geography)
     FROM series b0, series b1 WHERE b0.date = p.d0 AND b1.date = p.d1
       AND b0.side = '{b}' AND b1.side = '{b}') / 1e6 AS gained_km2,
  (SELECT ST_Area(ST_Difference(b0.geom, b1.geom)::geography)
     FROM series b0, series b1 WHERE b0.date = p.d0 AND b1.date = p.d1
       AND b0.side = '{b}' AND b1.side = '{b}') / 1e6 AS lost_km2
FROM p WHERE p.d1 IS NOT NULL;
SELECT json_agg(json_build_array(d0, d1, gained_km2, lost_km2) ORDER BY d0) FROM r;
"""


def run_postgis(series, side_b, repeat):
    import tasks  # the bench's throw-away PostgreSQL cluster
    pg = tasks.PostGIS()
    pg.port = 54339  # not the five-task bench's port: both may run at once
    try:
        load = setup_series(pg, series)
        best, rows = None, None
        for _ in range(repeat):
            t0 = time.perf_counter()  # the server's CPU is not the psql client's: wall only
            p = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"] + pg.dsn +
                               ["-c", POSTGIS_Q.format(b=side_b)], capture_output=True, text=True)
            if p.returncode:
                raise RuntimeError(p.stderr)
            out = p.stdout
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
            rows = json.loads(out.strip().splitlines()[-1])
        return best, load, rows
    finally:
        pg.teardown()


def setup_series(pg, series):
    """tasks.PostGIS.setup() without the bench's own tables: the series only."""
    import shutil
    import tempfile
    pg.dir = tempfile.mkdtemp(prefix="fl-bench-pg-")
    user = []
    if os.geteuid() == 0:
        shutil.chown(pg.dir, "nobody")
        os.chmod(pg.dir, 0o755)
        user = ["runuser", "-u", "nobody", "--"]
    pg.user = user
    import tasks
    pgbin = tasks.PGBIN
    pgdata = os.path.join(pg.dir, "data")
    subprocess.run(user + [f"{pgbin}/initdb", "-D", pgdata, "-A", "trust", "-U", "postgres",
                           "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
    opts = (f"-c listen_addresses=127.0.0.1 -p {pg.port} -k {pg.dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=1GB "
            "-c work_mem=256MB -c jit=off")
    subprocess.run(user + [f"{pgbin}/pg_ctl", "-D", pgdata, "-o", opts, "-l",
                           os.path.join(pg.dir, "log"), "-w", "start"], check=True, capture_output=True)
    pg.dsn = ["-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", "postgres"]
    t0 = time.perf_counter()
    pg.psql("CREATE EXTENSION postgis;")
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL",
                    f"PG:host=127.0.0.1 port={pg.port} user=postgres dbname=postgres", series,
                    "series", "-nlt", "MULTIPOLYGON", "-lco", "GEOMETRY_NAME=geom", "-lco",
                    "SPATIAL_INDEX=GIST", "--config", "PG_USE_COPY", "YES", "-overwrite"],
                   check=True, capture_output=True)
    pg.psql("CREATE INDEX ON series (date, side)")
    pg.psql("VACUUM ANALYZE")
    return time.perf_counter() - t0


def compare(name, rows, have):
    """rows: [date_from, date_to, gained, lost] of another tool against
    Frontline's change_summary (have: date_from -> (gained, lost))."""
    worst, tot_fl, tot_o, off = 0.0, 0.0, 0.0, 0
    for d0, d1, g, l in rows:
        hg, hl = have.get(d0, (float("nan"), float("nan")))
        tot_fl += hg
        tot_o += g
        worst = max(worst, abs(hg - g) / max(g, 1e-9))
        if not abs(hg - g) <= max(0.001, 0.001 * g):  # a period missing (NaN) counts too
            off += 1
            print("  %s..%s gained: %s %.3f, frontline %.3f km²" % (d0, d1, name, g, hg))
    print("gained km² over the %d periods: frontline %.3f, %s %.3f; largest relative difference "
          "of a period's gain: %.2e; %d periods beyond max(0.001 km², 0.1 %%)"
          % (len(rows), tot_fl, name, tot_o, worst, off))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frontline", default=os.path.join(HERE, "..", "build", "bin", "frontline"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dates", type=int, default=50)
    ap.add_argument("--no-postgis", action="store_true")
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--qgis", action="store_true", help="also time QGIS (native:difference + $area)")
    ap.add_argument("--no-frontline", action="store_true",
                    help="compare PostGIS with the change.gpkg of an earlier run")
    a = ap.parse_args()
    work = os.path.join(HERE, "data", "change")
    os.makedirs(work, exist_ok=True)
    series = os.path.join(work, "series.gpkg")
    t0 = time.perf_counter()
    stamp = series + ".dates"
    if a.regen or not os.path.exists(stamp) or open(stamp).read().strip() != str(a.dates):
        names = make_series(series, a.dates)
        with open(stamp, "w") as f:
            f.write("%d\n" % a.dates)
        print("series: %d dates written to %s in %.1f s" % (a.dates, series, time.perf_counter() - t0))
    else:
        sds = ogr.Open(series)  # kept: a layer outlives no dataset
        names = sorted({f.GetField("side") for f in sds.GetLayer(0)})
        sds = None
        print("series: %s reused (--regen writes it again)" % series)
    out = os.path.join(work, "change.gpkg")
    cmd = [a.frontline, "--quiet", "run", "change", "--control", series + ":series",
           "--output", out, "--overwrite"]
    if not a.no_frontline:
        fl, fl_cpu = best_of(cmd, a.repeat)
        print("frontline change: %.2f s wall, %.2f s CPU (best of %d): %s" % (fl, fl_cpu, a.repeat,
                                                                            " ".join(cmd)))
    ds = ogr.Open(out)
    have = {}
    for f in ds.GetLayerByName("change_summary"):
        if f.GetField("side") == names[1] and f.GetField("sector") is None:
            d0 = str(f.GetField("date_from")).replace("/", "-")  # OGR reads a DATE as 2022/01/01
            have[d0] = (f.GetField("gained_km2"), f.GetField("lost_km2"))
    print("frontline: %d periods, %d advance polygons" % (
        len(have), ds.GetLayerByName("advance").GetFeatureCount()))
    if a.qgis:
        qj = os.path.join(work, "qgis_change.json")
        qcmd = ["/usr/bin/python3", os.path.join(HERE, "qgis_tasks.py"), "CHANGE", series, work, qj,
                names[1]]
        qt, qcpu = best_of(qcmd, a.repeat)
        print("qgis native:difference + $area: %.2f s wall, %.2f s CPU (best of %d)"
              % (qt, qcpu, a.repeat))
        compare("qgis", json.load(open(qj)), have)
    if not a.no_postgis:
        pg, load, rows = run_postgis(series, names[1], a.repeat)
        print("postgis ST_Difference + ST_Area(geography): %.2f s (best of %d; loading %.1f s not "
              "timed)" % (pg, a.repeat, load))
        compare("postgis", rows, have)
    return 0


if __name__ == "__main__":
    sys.exit(main())
