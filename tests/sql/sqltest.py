"""tests/sql/sqltest.py - helpers for the Python SQL tests (imported, not run).

Each test runs as  /usr/bin/python3 test_x.py MODULE SAMPLE_DATA FRONTLINE SOURCE_DIR
and drives /usr/bin/python3's sqlite3 with mod_spatialite and mod_frontline
loaded. The oracle functions here use pyproj (Geod on WGS84) and OGR only,
never Frontline: distances from a point are measured to geometries densified
along geodesics every few metres with vectorised geod_inverse.
Exit status: 0 passed, 1 a check failed, 77 mod_spatialite missing.
With FL_SANITIZE=1 the script re-executes itself with the ASan/UBSan runtimes
preloaded (leak checks are left to the sqlite3-shell tests; see lib.sh).
"""
import math
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
from osgeo import ogr, osr
from pyproj import Geod

ogr.UseExceptions()
G = Geod(ellps="WGS84")


def reexec_with_sanitizers():
    if os.environ.get("FL_SANITIZE") == "1" and "FL_SQL_PRELOADED" not in os.environ:
        gcc = lambda lib: subprocess.check_output(["gcc", "-print-file-name=" + lib], text=True).strip()
        env = dict(os.environ, FL_SQL_PRELOADED="1",
                   LD_PRELOAD=gcc("libasan.so") + ":" + gcc("libubsan.so"),
                   ASAN_OPTIONS="detect_leaks=0:exitcode=23",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


reexec_with_sanitizers()
MOD, SAMPLE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
FRONTLINE = sys.argv[3] if len(sys.argv) > 3 else ""
SRC = sys.argv[4] if len(sys.argv) > 4 else os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TMP = tempfile.mkdtemp(prefix="fl_sqlpy.")
FAILS = 0
CHECKS = 0


def connect(path=":memory:", **kw):
    """SQLite with mod_spatialite and mod_frontline loaded; kw go to sqlite3.connect."""
    con = sqlite3.connect(path, **kw)
    con.enable_load_extension(True)
    try:
        con.load_extension("mod_spatialite")
    except sqlite3.OperationalError as e:
        print("SKIP: mod_spatialite cannot be loaded:", e)
        sys.exit(77)
    con.load_extension(MOD[:-3] if MOD.endswith(".so") else MOD)
    return con


def check(ok, what):
    global FAILS, CHECKS
    CHECKS += 1
    if not ok:
        FAILS += 1
        print("FAIL:", what)


def near(got, want, what, abs_tol=1.0, rel_tol=0.001):
    """DESIGN.md section 4: within max(1 m, 0.1 %) unless told otherwise."""
    tol = max(abs_tol, rel_tol * abs(want))
    ok = got is not None and abs(got - want) <= tol
    check(ok, "%s: got %r, expected %r (tol %.3g)" % (what, got, want, tol))


def error_of(con, sql, params=()):
    try:
        con.execute(sql, params).fetchall()
    except sqlite3.Error as e:
        return str(e)
    return None


# ---- stopping a long call (sqlite3_interrupt, progress handler) ----------

def timed(con, sql):
    """(error text or None, seconds) of running sql to its end."""
    t0 = time.monotonic()
    try:
        con.execute(sql).fetchall()
        err = None
    except sqlite3.Error as e:
        err = str(e)
    return err, time.monotonic() - t0


def stop_by_interrupt(con, sql, delay):
    """Run sql and call con.interrupt() from another thread after delay s
    (con made with check_same_thread=False)."""
    timer = threading.Timer(delay, con.interrupt)
    timer.start()
    err, took = timed(con, sql)
    timer.join()
    return err, took


def stop_by_progress_handler(con, sql, delay):
    """Run sql with a progress handler (every 1,000 steps) that answers stop
    once delay s have passed: SQLite calls no handler while a function runs,
    but the extension's poll statement (plugin/sql/sql_work.c) counts steps."""
    t0 = time.monotonic()
    con.set_progress_handler(lambda: time.monotonic() - t0 > delay, 1000)
    try:
        return timed(con, sql)
    finally:
        con.set_progress_handler(None, 1000)


STOPS = (("interrupt", stop_by_interrupt), ("progress handler", stop_by_progress_handler))


def check_stops(con, name, sql, delay, bound, after=None):
    """sql is stopped both ways with SQLite's own "interrupted" within bound s
    of the stop (latencies printed for the log); after(what) then checks
    that the connection still answers."""
    for how, stop in STOPS:
        err, took = stop(con, sql, delay)
        print("stop latency %s by %s: %.2f s after the stop at %.1f s (%s)"
              % (name, how, took - delay, delay, err or "finished"))
        check(err == "interrupted", "%s stopped by %s: error %r, expected 'interrupted'"
              % (name, how, err))
        check(took - delay < bound, "%s stopped by %s %.2f s after the stop (bound %.1f s)"
              % (name, how, took - delay, bound))
        if after:
            after("%s stopped by %s" % (name, how))


def spatialite_blob(kind, xs, ys, srid=4326):
    """SpatiaLite blob of a LINESTRING (kind 2) or one-ring POLYGON (kind 3,
    the ring closed here) from numpy coordinate arrays: millions of vertices
    in a fraction of a second, where WKT would take minutes."""
    if kind == 3:
        xs, ys = np.append(xs, xs[0]), np.append(ys, ys[0])
    xy = np.empty(2 * len(xs))
    xy[0::2], xy[1::2] = xs, ys
    head = struct.pack("<BBi4dBi", 0, 1, srid, xs.min(), ys.min(), xs.max(), ys.max(), 0x7C, kind)
    count = struct.pack("<ii", 1, len(xs)) if kind == 3 else struct.pack("<i", len(xs))
    return head + count + xy.astype("<f8").tobytes() + b"\xfe"


def finish():
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d checks, %d failed" % (CHECKS, FAILS))
    sys.exit(1 if FAILS else 0)


def gis_db(fmt, name):
    """A SpatiaLite ('SQLite') or GeoPackage ('GPKG') database with every layer
    of sample_data/, written by ogr2ogr (no Frontline code)."""
    out = os.path.join(TMP, name)
    for i, layer in enumerate(["settlements", "settlements_polygons", "control", "front",
                               "routes", "mask"]):
        cmd = ["ogr2ogr", "-f", fmt, out, os.path.join(SAMPLE, layer + ".geojson"), "-nln", layer]
        if i:
            cmd.insert(1, "-update")
        elif fmt == "SQLite":
            cmd += ["-dsco", "SPATIALITE=YES"]
        subprocess.run(cmd, check=True, capture_output=True)
    return out


def geom_col(kind):
    return "GEOMETRY" if kind == "sl" else "geom"


def wkt(con, blob):
    """WKT of a SpatiaLite or GeoPackage blob, as SpatiaLite reads it."""
    if blob is None:
        return None
    return con.execute("SELECT AsText(CASE WHEN IsValidGPB(?1) THEN GeomFromGPB(?1) ELSE ?1 END)",
                       (blob,)).fetchone()[0]


def ogr_geom(con, blob):
    return ogr.CreateGeometryFromWkt(wkt(con, blob))


# ---- oracle: pyproj on lon/lat --------------------------------------------

def densify(coords, step_m=20.0):
    """Vertices of a lon/lat line with extra points on the geodesics every step_m."""
    out = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
        n = int(G.inv(x0, y0, x1, y1)[2] // step_m)
        if n:
            out.extend(G.npts(x0, y0, x1, y1, n))
        out.append((x1, y1))
    return out


def parts(g):
    """Coordinate lists of the lines / rings of an OGR geometry."""
    g = g.Clone()
    g.FlattenTo2D()
    if g.GetGeometryCount() == 0:
        return [[(g.GetX(i), g.GetY(i)) for i in range(g.GetPointCount())]]
    out = []
    for i in range(g.GetGeometryCount()):
        out.extend(parts(g.GetGeometryRef(i)))
    return out


class Lines:
    """Densified lon/lat vertices of some lines, for nearest-distance queries."""

    def __init__(self, coord_lists, step_m=20.0):
        pts = [p for c in coord_lists for p in densify(c, step_m)]
        self.lon = np.array([p[0] for p in pts])
        self.lat = np.array([p[1] for p in pts])

    def dist(self, lon, lat):
        # Candidates by a flat-earth estimate (fast), then pyproj on the 64
        # nearest: the estimate errs far less than the gap to the 64th vertex.
        k = math.cos(math.radians(lat))
        approx = ((self.lon - lon) * k) ** 2 + (self.lat - lat) ** 2
        idx = np.argpartition(approx, 64)[:64] if len(approx) > 64 else np.arange(len(approx))
        n = len(idx)
        d = G.inv(np.full(n, lon), np.full(n, lat), self.lon[idx], self.lat[idx])[2]
        # The nearest densified vertex lies within step/2 of the true foot point,
        # so this overestimates d by at most (step/2)^2 / (2 d): < 0.2 m at
        # d > 100 m for a 10 m step (the sample settlements are km away).
        return float(np.min(d))


def geodesic_area_km2(g):
    """Geodesic area of an OGR lon/lat polygon geometry (pyproj)."""
    g = g.Clone()
    g.FlattenTo2D()
    polys = [g] if g.GetGeometryType() == ogr.wkbPolygon else \
        [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
    total = 0.0
    for p in polys:
        for r in range(p.GetGeometryCount()):
            ring = p.GetGeometryRef(r)
            xs = [ring.GetX(i) for i in range(ring.GetPointCount())]
            ys = [ring.GetY(i) for i in range(ring.GetPointCount())]
            a = abs(G.polygon_area_perimeter(xs, ys)[0])
            total += a if r == 0 else -a
    return total / 1e6


def osr_aeqd(lon, lat):
    """Azimuthal equidistant CRS centred on (lon, lat), WGS84."""
    srs = osr.SpatialReference()
    srs.ImportFromProj4("+proj=aeqd +lat_0=%r +lon_0=%r +datum=WGS84 +units=m +no_defs" % (lat, lon))
    return srs


def project(g, srs):
    """Copy of an OGR lon/lat geometry in srs."""
    src = osr.SpatialReference()
    src.ImportFromEPSG(4326)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    out = g.Clone()
    out.Transform(osr.CoordinateTransformation(src, srs))
    return out
