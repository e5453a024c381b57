"""tests/sql/test_interrupt_long.py - sqlite3_interrupt() and a progress
handler stop the geodesic measures FL_Area and FL_Length of a
multi-million-vertex geometry from inside (core/geodesy.c polls every 1,024
vertices; issue 17), and FL_LineOfSight along a 2.3-million-sample sight
line (core/raster/los.c polls every 4,096 samples; fn_line_of_sight.c S4).
The DEM for it is a 3 x 1,000,000-cell strip of 1e-5 degree cells along the
meridian 37 E (written here with GDAL), read once by a short call first so
that the stopped call only samples; los_samples is raised to 1e7 for it.

The inputs (a 4,000,000-vertex ring around Toretsk, as a polygon and as a
line) take seconds of CPU to measure. Each call is stopped 0.3 s after it
starts, from another thread and by a progress handler
(sqltest.check_stops, shared with test_interrupt_measures.py); it must end
with SQLite's own "interrupted" within FL_TEST_STOP_BOUND_S (default 10 s,
generous on a shared machine; the latencies are printed). After each stop
the connection must give pyproj's figure for a small polygon (the stop is
not taken for the next call's)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

BOUND = float(os.environ.get("FL_TEST_STOP_BOUND_S", "10"))
DELAY = 0.3
N = 4000000

con = T.connect(check_same_thread=False)
t = np.linspace(0.0, 2 * np.pi, N, endpoint=False)
xs, ys = 37.5 + np.cos(t), 48.4 + 0.6 * np.sin(t)
con.execute("CREATE TABLE g(name TEXT PRIMARY KEY, g BLOB)")
con.execute("INSERT INTO g VALUES ('ring', ?)", (T.spatialite_blob(3, xs, ys),))
con.execute("INSERT INTO g VALUES ('line', ?)", (T.spatialite_blob(2, xs, ys),))
T.check(con.execute("SELECT NumPoints(ExteriorRing(g)) FROM g WHERE name = 'ring'").fetchone()[0]
        == N + 1, "SpatiaLite reads the test's %d-vertex polygon blob" % N)

SMALL = [(37.5, 48.3), (37.6, 48.3), (37.6, 48.4), (37.5, 48.4), (37.5, 48.3)]
SMALL_WKT = "POLYGON((" + ",".join("%r %r" % p for p in SMALL) + "))"
SMALL_KM2 = abs(T.G.polygon_area_perimeter([p[0] for p in SMALL], [p[1] for p in SMALL])[0]) / 1e6

CALLS = {
    "FL_Area": "SELECT FL_Area((SELECT g FROM g WHERE name = 'ring'))",
    "FL_Length": "SELECT FL_Length((SELECT g FROM g WHERE name = 'line'))",
}


def after(what):
    a = con.execute("SELECT FL_Area(GeomFromText(?, 4326))", (SMALL_WKT,)).fetchone()[0]
    T.near(a, SMALL_KM2, "%s: afterwards FL_Area of a small square (pyproj)" % what,
           abs_tol=1e-6, rel_tol=1e-9)


for name, sql in CALLS.items():
    T.check_stops(con, name, sql, DELAY, BOUND, after)

from osgeo import gdal, osr  # noqa: E402

DEM = os.path.join(T.TMP, "strip.tif")
ds = gdal.GetDriverByName("GTiff").Create(DEM, 3, 1000000, 1, gdal.GDT_Float32,
                                          ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform([37.0, 1e-5, 0, 48.0, 0, -1e-5])
srs = osr.SpatialReference()
srs.ImportFromEPSG(4326)
ds.SetProjection(srs.ExportToWkt())
z = (100 + 20 * np.sin(np.arange(1000000) * 0.001)).astype(np.float32)
ds.GetRasterBand(1).WriteArray(np.tile(z[:, None], (1, 3)))
ds = None
short = con.execute("SELECT json_extract(FL_LineOfSight(MakePoint(37.000015, 47.999995, 4326), "
                    "MakePoint(37.000015, 47.99, 4326), ?, 2, 0), '$.dist_m')", (DEM,)).fetchone()[0]
_, _, want = T.G.inv(37.000015, 47.999995, 37.000015, 47.99)
T.near(short, want, "a short FL_LineOfSight on the strip DEM (pyproj distance)")
con.execute("SELECT FL_SetLimit('los_samples', 1e7)")
LOS = ("SELECT FL_LineOfSight(MakePoint(37.000015, 47.999995, 4326), MakePoint(37.000015, "
       "38.00001, 4326), '%s', 2, 0)" % DEM)
T.check_stops(con, "FL_LineOfSight", LOS, 0.1, BOUND, after)

T.finish()
