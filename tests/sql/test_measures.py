#!/usr/bin/python3
"""tests/sql/test_measures.py - FL_Area (km²), FL_Length (km) and FL_Depth (m)
against pyproj, on SpatiaLite and GeoPackage tables made by ogr2ogr:

  FL_Area    every sample control polygon and the 26 dates of the real
             DeepStateMap monthly series: pyproj geodesic polygon area;
             also in EPSG:32637 and EPSG:3857 copies (same km² expected)
  FL_Length  every sample front line: pyproj geodesic line length
  FL_Depth   hand-made cases with a known answer (a square from its own
             side: the far side; from its ring: the centre, interior), and a
             gained polygon of the real series bracketed by brute force
             (pyproj to the old front from a dense grid of points inside)
Tolerances: max(1 m, 0.1 %) (km² and km: 0.1 %).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402
from sqltest import G, check, near  # noqa: E402
from osgeo import ogr  # noqa: E402

REAL = "/work/shared/real_data/control/deepstate_occupied_monthly_202407_202608.geojson"
DBS = {"sl": T.gis_db("SQLite", "sample.sqlite"), "gpkg": T.gis_db("GPKG", "sample.gpkg")}


def line_km(g):
    return sum(G.line_length([p[0] for p in c], [p[1] for p in c]) for c in T.parts(g)) / 1000.0


def for_kind(kind):
    con = T.connect(DBS[kind])
    gc = T.geom_col(kind)
    tag = "[%s] " % kind
    rows = con.execute("SELECT %s, FL_Area(%s) FROM control" % (gc, gc)).fetchall()
    check(len(rows) > 0, tag + "control rows")
    for blob, a in rows:
        near(a, T.geodesic_area_km2(T.ogr_geom(con, blob)), tag + "FL_Area(control)",
             abs_tol=1e-6)
    rows = con.execute("SELECT %s, FL_Length(%s) FROM front" % (gc, gc)).fetchall()
    for blob, km in rows:
        near(km, line_km(T.ogr_geom(con, blob)), tag + "FL_Length(front)", abs_tol=1e-3)
    # points give 0, NULL gives NULL
    got = con.execute("SELECT FL_Area(%s), FL_Length(%s) FROM settlements LIMIT 1"
                      % (gc, gc)).fetchone()
    check(got == (0.0, 0.0), tag + "FL_Area/FL_Length of a point: %r" % (got,))
    check(con.execute("SELECT FL_Area(NULL), FL_Length(NULL), FL_Depth(NULL, NULL)").fetchone()
          == (None, None, None), tag + "NULL in, NULL out")
    if kind == "sl":
        base = dict(con.execute("SELECT ogc_fid, FL_Area(GEOMETRY) FROM control").fetchall())
        for srid in (32637, 3857):
            got = dict(con.execute("SELECT ogc_fid, FL_Area(ST_Transform(GEOMETRY, %d)) "
                                   "FROM control" % srid).fetchall())
            for k in base:
                near(got[k], base[k], "FL_Area in EPSG:%d" % srid, abs_tol=1e-6)
        err = T.error_of(con, "SELECT FL_Depth(MakePoint(0, 0, 4326), MakePoint(0, 0, 3857))")
        check(err is not None and "FL_Depth" in err and "SRID" in err,
              "FL_Depth with two SRIDs: %r" % err)
        err = T.error_of(con, "SELECT FL_Area('x')")
        check(err is not None and err.startswith("FL_Area: argument 1 (geom)"),
              "FL_Area('x'): %r" % err)
    con.close()


def hand_depth():
    con = T.connect()
    sq = "GeomFromText('POLYGON((30 50, 30.1 50, 30.1 50.1, 30 50.1, 30 50))', 4326)"
    # from the west side: the farthest points are on the east side
    west = "GeomFromText('LINESTRING(30 50, 30 50.1)', 4326)"
    got = con.execute("SELECT FL_Depth(%s, %s)" % (sq, west)).fetchone()[0]
    east = T.Lines([[(30.1, 50 + i * 0.001) for i in range(101)]], 5.0)
    west_l = T.Lines([[(30.0, 50.0), (30.0, 50.1)]], 2.0)
    want = max(west_l.dist(30.1, 50 + i * 0.001) for i in range(101))
    near(got, want, "FL_Depth(square, its west side)")
    # from its own ring: the largest distance is the centre, inside
    ring = "ExteriorRing(%s)" % sq
    got = con.execute("SELECT FL_Depth(%s, %s)" % (sq, ring)).fetchone()[0]
    ring_l = T.Lines([[(30, 50), (30.1, 50), (30.1, 50.1), (30, 50.1), (30, 50)]], 2.0)
    # the farthest point lies on the vertical middle line near the centre: search it finely
    want = max(ring_l.dist(30.05, 50.04 + i * 0.0002) for i in range(101))
    near(got, want, "FL_Depth(square, its ring) (centre, interior)")
    # a polygon inside from_geom is at depth 0; a point is its distance
    got = con.execute("SELECT FL_Depth(MakePoint(30.05, 50.05, 4326), %s)" % sq).fetchone()[0]
    check(got == 0.0, "FL_Depth(point inside, polygon) = 0, got %r" % got)
    got = con.execute("SELECT FL_Depth(MakePoint(30.2, 50.05, 4326), %s)" % west).fetchone()[0]
    near(got, west_l.dist(30.2, 50.05), "FL_Depth(point, line)")
    # a sliver along the front (20 km long, 7 m wide: the search's cells
    # would shrink to the tolerance all along it; it ends in one proof, P4):
    # the far side's points on the lowest parallel, pyproj
    strip = ("GeomFromText('POLYGON((30 50.01, 30.0001 50.01, 30.0001 50.19, 30 50.19, "
             "30 50.01))', 4326)")
    front = "GeomFromText('LINESTRING(30 50, 30 50.2)', 4326)"
    got = con.execute("SELECT FL_Depth(%s, %s)" % (strip, front)).fetchone()[0]
    near(got, west_l.dist(30.0001, 50.01), "FL_Depth(a sliver along the front)")
    # and a pocket: the sliver's ring as the front, the largest distance inside
    got = con.execute("SELECT FL_Depth(%s, ExteriorRing(%s))" % (strip, strip)).fetchone()[0]
    ring_s = T.Lines([[(30, 50.01), (30.0001, 50.01), (30.0001, 50.19), (30, 50.19), (30, 50.01)]],
                     0.5)
    want = max(ring_s.dist(30.00005, 50.1 + i * 0.001) for i in range(-5, 6))
    near(got, want, "FL_Depth(a sliver, its ring) (the middle line, interior)")
    con.close()


def real_series():
    """The 26 dates of the DeepStateMap monthly series: areas, and the depth
    of the largest gain between two dates against a brute-force bracket."""
    db = os.path.join(T.TMP, "real.gpkg")
    subprocess.run(["ogr2ogr", "-f", "GPKG", db, REAL, "-nln", "occ"], check=True,
                   capture_output=True)
    con = T.connect(db)
    rows = con.execute("SELECT date, geom, FL_Area(geom) FROM occ ORDER BY date").fetchall()
    check(len(rows) == 26, "26 dates, got %d" % len(rows))
    for date, blob, a in rows:
        near(a, T.geodesic_area_km2(T.ogr_geom(con, blob)), "FL_Area(%s)" % date, abs_tol=1e-6)
    # depth of what was gained from the first to the fourth date, from the first's boundary
    d0, d3 = rows[0][0], rows[3][0]
    got = con.execute(
        "SELECT FL_Depth(ST_Difference(GeomFromGPB(b.geom), GeomFromGPB(a.geom)), "
        "GeomFromGPB(a.geom)) FROM occ a, occ b WHERE a.date = ? AND b.date = ?",
        (d0, d3)).fetchone()[0]
    old = T.ogr_geom(con, rows[0][1])
    gain = T.ogr_geom(con, rows[3][1]).Difference(old)
    lines = T.Lines(T.parts(old.GetBoundary()), 20.0)
    x0, x1, y0, y1 = gain.GetEnvelope()
    n, best, step_m = 120, 0.0, 0.0
    for i in range(n + 1):
        for j in range(n + 1):
            x, y = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * j / n
            p = ogr.CreateGeometryFromWkt("POINT(%r %r)" % (x, y))
            if gain.Contains(p):
                best = max(best, lines.dist(x, y))
    step_m = max(G.inv(x0, y0, x0 + (x1 - x0) / n, y0 + (y1 - y0) / n)[2], 1.0)
    check(got is not None and best - 1.0 <= got <= best + step_m + 20.0,
          "FL_Depth(gain %s..%s): got %r, brute force %.1f (grid step %.0f m)"
          % (d0, d3, got, best, step_m))
    con.close()


for k in DBS:
    for_kind(k)
hand_depth()
real_series()
T.finish()
