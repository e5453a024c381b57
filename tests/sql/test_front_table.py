"""tests/sql/test_front_table.py - FL_Distance(geom, front_table, geom_column)
and FL_RouteExposure(route, front_table, inner_m, outer_m, geom_column): the
front named as a table (geom_column NULL: the registered one), indexed once
per statement (plugin/sql/sql_front.c); forms of their own, not deterministic
(SQLite refuses them in an index or a generated column).
- the distance to the table's geometries is, bit for bit, the least of
  FL_Distance(geom, row) over its rows (the blob form), for every settlement
  of sample_data/ (points and polygons), and within 0.1 % of pyproj's to the
  front densified along geodesics (independent oracle);
- a view of one row gives that row's distances (the scalar subquery's);
- a new run of the same statement sees an edited table; a name that changes
  from row to row is followed;
- one sentence for each bad name or row; NULL in, NULL out."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

DB = T.gis_db("GPKG", "sample.gpkg")
con = T.connect(DB)
con.execute("SELECT EnableGpkgAmphibiousMode()")
n_fronts = con.execute("SELECT count(*) FROM front").fetchone()[0]
T.check(n_fronts == 4, "sample front has 4 rows, got %d" % n_fronts)
fronts = T.Lines([c for (b,) in con.execute("SELECT geom FROM front")
                  for c in T.parts(T.ogr_geom(con, b))], step_m=10.0)
for layer in ("settlements", "settlements_polygons"):
    want = dict(con.execute("SELECT s.rowid, min(FL_Distance(s.geom, f.geom)) FROM %s s, front f "
                            "GROUP BY s.rowid" % layer))
    got = dict(con.execute("SELECT rowid, FL_Distance(geom, 'front', NULL) FROM %s" % layer))
    T.check(len(got) == len(want) >= 6, "%s: %d rows" % (layer, len(got)))
    for fid, d in want.items():
        T.check(got[fid] == d, "%s rowid %d: named front %r, least over the rows %r"
                % (layer, fid, got[fid], d))
    if layer == "settlements":
        for fid, lon, lat in con.execute("SELECT rowid, ST_X(geom), ST_Y(geom) FROM settlements "
                                         "ORDER BY rowid LIMIT 8"):
            T.near(got[fid], fronts.dist(lon, lat), "settlement %d against pyproj" % fid)

# One row as a view (no registered column: named) = the scalar subquery's.
con.execute("CREATE TEMP VIEW f1 AS SELECT geom AS g FROM front WHERE rowid = 2")
got = con.execute("SELECT FL_Distance(geom, 'f1', 'g') = FL_Distance(geom, (SELECT geom FROM front "
                  "WHERE rowid = 2)), FL_Distance(geom, 'f1', 'g') FROM settlements").fetchall()
T.check(all(ok == 1 and d is not None for ok, d in got), "view of one row: the subquery's")

# A new run sees the edit; a name changing from row to row is followed.
con.execute("CREATE TEMP VIEW f2 AS SELECT geom FROM front WHERE rowid = 2")
con.execute("CREATE TABLE ft (fid INTEGER PRIMARY KEY, geom BLOB)")
con.execute("INSERT INTO gpkg_geometry_columns VALUES ('ft', 'geom', 'LINESTRING', 4326, 0, 0)")
con.execute("INSERT INTO ft (geom) VALUES (MakeLine(MakePoint(37.5, 48.0, 4326), "
            "MakePoint(37.5, 49.0, 4326)))")
Q = "SELECT FL_Distance(MakePoint(37.5, 48.5, 4326), 'ft', NULL)"
T.near(con.execute(Q).fetchone()[0], 0.0, "on the line: 0", abs_tol=1e-6)
con.execute("UPDATE ft SET geom = MakeLine(MakePoint(37.6, 48.0, 4326), MakePoint(37.6, 49.0, 4326))")
d = con.execute(Q).fetchone()[0]
T.near(d, T.Lines([[(37.6, 48.0), (37.6, 49.0)]], 5.0).dist(37.5, 48.5), "after the edit")
got = con.execute("SELECT FL_Distance(MakePoint(37.5, 48.5, 4326), t, 'geom') FROM (SELECT 'ft' "
                  "AS t UNION ALL SELECT 'f2' UNION ALL SELECT 'ft')").fetchall()
T.check(got[0][0] == d and got[2][0] == d and got[1][0] != d, "name per row: %r" % (got,))
# the table named by a literal (kept between rows), the column changing
con.execute("CREATE TABLE two (g1 BLOB, g2 BLOB)")
con.execute("INSERT INTO two VALUES (MakePoint(37.5, 48.6, 4326), MakePoint(37.5, 48.7, 4326))")
got = [r[0] for r in con.execute("SELECT FL_Distance(MakePoint(37.5, 48.5, 4326), 'two', c) FROM "
                                 "(SELECT 'g1' AS c UNION ALL SELECT 'g2' UNION ALL SELECT 'g1')")]
want = [G for G in (T.G.inv(37.5, 48.5, 37.5, 48.6)[2], T.G.inv(37.5, 48.5, 37.5, 48.7)[2])]
T.check(len(got) == 3 and got[0] == got[2], "column per row: %r" % (got,))
for g, w in zip(got, want + want[:1]):
    T.near(g, w, "column per row, against pyproj")
T.check(con.execute("SELECT FL_Distance(NULL, 'ft', NULL), FL_Distance(MakePoint(37.5, 48.5, 4326), "
                    "NULL, 'geom')").fetchone() == (None, None), "NULL in, NULL out")

# FL_RouteExposure: a one-row view gives the blob form's metres bit for bit;
# by hand, a meridian route through a point front lies within 1,000 m of it
# for 2,000 m (a meridian is a geodesic).
for inner, outer in ((0, 5000), (5000, 20000)):
    got = con.execute("SELECT r.rowid, FL_RouteExposure(r.geom, 'f2', ?, ?, 'geom'), FL_RouteExposure("
                      "r.geom, (SELECT geom FROM front WHERE rowid = 2), ?, ?) FROM routes r",
                      (inner, outer, inner, outer)).fetchall()
    T.check(len(got) > 5 and sum(1 for _, a, _b in got if a > 0) >= 2, "routes measured: %r"
            % (got[:3],))
    for rid, a, b in got:
        T.check(a == b, "route %d, %d-%d m: named %r, subquery %r" % (rid, inner, outer, a, b))
con.execute("CREATE TABLE pt (geom BLOB)")
con.execute("INSERT INTO pt VALUES (MakePoint(37.5, 48.5, 4326))")
ROUTE = "MakeLine(MakePoint(37.5, 48.0, 4326), MakePoint(37.5, 49.0, 4326))"
T.near(con.execute("SELECT FL_RouteExposure(%s, 'pt', 0, 1000, 'geom')" % ROUTE).fetchone()[0],
       2000.0, "meridian route within 1 km of a point front", abs_tol=0.01)
err = T.error_of(con, "SELECT FL_RouteExposure(%s, 'nope', 0, 1000, NULL)" % ROUTE)
T.check(err is not None and "FL_RouteExposure: argument 2 (front_table): no table or view 'nope'"
        in err, "FL_RouteExposure, bad name: %r" % err)

# Not deterministic: SQLite keeps the named forms out of indexes and
# generated columns (an index would keep distances to the table as it was).
for ddl in ("CREATE INDEX bad ON settlements (FL_Distance(geom, 'ft', 'geom'))",
            "CREATE TABLE bad2 (g BLOB, d AS (FL_Distance(g, 'ft', 'geom')))",
            "CREATE INDEX bad3 ON settlements (FL_Holder(geom, 'ft'))"):
    err = T.error_of(con, ddl)
    T.check(err is not None and "non-deterministic" in err, "%s: %r" % (ddl, err))
T.check(T.error_of(con, "CREATE INDEX ok ON settlements (FL_Distance(geom, geom))") is None,
        "the blob form stays deterministic")

con.execute("CREATE TABLE empty (fid INTEGER PRIMARY KEY, geom BLOB)")
con.execute("CREATE TABLE mixed (geom BLOB)")
con.execute("INSERT INTO mixed VALUES (MakePoint(37, 48, 4326)), (MakePoint(37, 48, 3857))")
P = "MakePoint(37.5, 48.5, 4326)"
for sql, words in (
        ("FL_Distance(%s, 'nope', NULL)" % P, ["argument 2 (front_table)", "no table or view 'nope'"]),
        ("FL_Distance(%s, 'ft', 'gg')" % P, ["table 'ft' has no column 'gg'", "argument 3"]),
        ("FL_Distance(%s, 'f1', NULL)" % P, ["no geometry column registered", "argument 3"]),
        ("FL_Distance(%s, 'ft', 'fid')" % P, ["rowid 1", "column 'fid' is not a SpatiaLite"]),
        ("FL_Distance(%s, 'mixed', 'geom')" % P, ["rowid 2", "SRID 3857 differs"]),
        ("FL_Distance(%s, 'empty', 'geom')" % P, ["table 'empty' has no row with a geometry"]),
        ("FL_Distance(MakePoint(0, 0, 3857), 'ft', NULL)", ["argument 1 (a) has SRID 3857",
                                                      "SRID 4326"]),
        ("FL_Distance(%s, 'ft', 7)" % P, ["argument 3 (geom_column) must be a name"]),
        ("FL_Distance(%s, 7)" % P, ["argument 2 (b) must be a geometry blob"]),
        ("FL_Distance(%s, 'ft')" % P, ["argument 2 (b) is text", "FL_Distance(a, 'front', "
                                       "'geom')", "NULL for the registered one"]),
        ("FL_RouteExposure(%s, 'pt', 0, 5)" % ROUTE, ["argument 2 (front) is text"])):
    err = T.error_of(con, "SELECT " + sql)
    T.check(err is not None and all(w in err for w in words) and err.count(". ") == 0
            and err.startswith(sql[:sql.index("(")] + ":"),
            "%s: error %r should say %r in one sentence" % (sql, err, words))
T.finish()
