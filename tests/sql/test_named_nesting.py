"""tests/sql/test_named_nesting.py - a named table read inside the read of
another (plugin/sql/sql_table.c T4, sql_work.c W4): a view that calls
FL_Holder / FL_Distance naming itself (directly or through a second view)
is refused in one sentence instead of recursing until the stack overflows;
a view whose columns call other Frontline functions (FL_Buffer, FL_Holder of
another table) is read and answers as its rows say.
Geometry to reason about: side A holds the square lon 30..31, lat 50..51,
side B the square lon 31..32; the settlements are at (30.5, 50.5) in A,
(31.5, 50.5) in B and (35, 50.5) outside; the distance from the last to the
squares is to the meridian lon 32 (pyproj along the densified edge).
A Frontline call inside the read (FL_Length in a view) no longer ends the
outer call's work: FL_Distance over such a view of a 400,000-vertex front is
still stopped by sqlite3_interrupt() and by a progress handler while it
indexes the front (stopped at half an unstopped run, past the read; before
the fix a progress handler never stopped it and an interrupt acted only
after the index was built)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

con = T.connect()
con.execute("SELECT InitSpatialMetadata(1)")
con.execute("CREATE TABLE ctl(side TEXT, geom BLOB)")
con.execute("INSERT INTO ctl VALUES "
            "('A', GeomFromText('POLYGON((30 50,31 50,31 51,30 51,30 50))', 4326)),"
            "('B', GeomFromText('POLYGON((31 50,32 50,32 51,31 51,31 50))', 4326))")
con.execute("CREATE TABLE s(id INTEGER PRIMARY KEY, geom BLOB)")
con.execute("INSERT INTO s VALUES (1, MakePoint(30.5, 50.5, 4326)), "
            "(2, MakePoint(31.5, 50.5, 4326)), (3, MakePoint(35, 50.5, 4326))")

# A view naming itself, directly and through a second view.
con.execute("CREATE VIEW self_h AS SELECT FL_Holder(geom, 'self_h', 'side', 'geom') AS side, "
            "geom FROM ctl")
con.execute("CREATE VIEW self_d AS SELECT CASE WHEN FL_Distance(geom, 'self_d', 'geom') >= 0 "
            "THEN geom END AS geom FROM ctl")
con.execute("CREATE VIEW ping AS SELECT FL_Holder(geom, 'pong', 'side', 'geom') AS side, "
            "geom FROM ctl")
con.execute("CREATE VIEW pong AS SELECT FL_Holder(geom, 'ping', 'side', 'geom') AS side, "
            "geom FROM ctl")
for sql, fn, name in (
        ("SELECT FL_Holder(geom, 'self_h', 'side', 'geom') FROM s", "FL_Holder", "self_h"),
        ("SELECT FL_Distance(geom, 'self_d', 'geom') FROM s", "FL_Distance", "self_d"),
        ("SELECT FL_Holder(geom, 'ping', 'side', 'geom') FROM s", "FL_Holder", "ping")):
    err = T.error_of(con, sql)
    T.check(err is not None and "%s: table '%s' is named again while it is being read" % (fn, name)
            in err, "%s: a view naming itself is refused in one sentence, got %r" % (sql, err))

# A view whose columns call Frontline functions: read as its rows say.
con.execute("CREATE VIEW held AS SELECT FL_Holder(geom, 'ctl', 'side', 'geom') AS side, geom "
            "FROM ctl")
con.execute("CREATE VIEW grown AS SELECT side, FL_Buffer(geom, 1000) AS geom FROM ctl")
for view in ("held", "grown"):
    got = con.execute("SELECT FL_Holder(geom, ?, 'side', 'geom') FROM s ORDER BY id",
                      (view,)).fetchall()
    T.check(got == [("A",), ("B",), (None,)], "FL_Holder over view %s: got %r" % (view, got))
edge = T.Lines([[(32.0, 50.0), (32.0, 51.0)]], step_m=5.0)
want = edge.dist(35.0, 50.5)
got = dict(con.execute("SELECT id, FL_Distance(geom, 'held', 'geom') FROM s"))
T.check(got[1] == 0 and got[2] == 0, "FL_Distance to view held inside: %r" % got)
T.near(got[3], want, "FL_Distance to view held from (35, 50.5)")
got = dict(con.execute("SELECT id, FL_Distance(geom, 'grown', 'geom') FROM s"))
T.near(got[3], want - 1000, "FL_Distance to view grown (1 km buffers) from (35, 50.5)")

# The outer call's stop survives a nested call (sql_work.c W4).
big = T.connect(check_same_thread=False)
big.execute("SELECT InitSpatialMetadata(1)")
parts = ",".join("(" + ",".join("%.5f %.4f" % (30 + 0.00002 * i, 48 + 0.3 * k + 0.0001 * (i % 2))
                                 for i in range(100000)) + ")" for k in range(4))
big.execute("CREATE TABLE f AS SELECT GeomFromText('MULTILINESTRING(%s)', 4326) AS geom" % parts)
big.execute("CREATE VIEW lengths AS SELECT CASE WHEN FL_Length(geom) >= 0 THEN geom END AS geom "
            "FROM f")
sql = "SELECT FL_Distance(MakePoint(40, 40, 4326), 'lengths', 'geom')"
whole = None
for _ in range(2):  # the quicker of two runs: a stop at half of it comes before the end
    t0 = time.monotonic()
    big.execute(sql).fetchall()
    took = time.monotonic() - t0
    whole = took if whole is None else min(whole, took)
T.check_stops(big, "FL_Distance over a view calling FL_Length", sql, 0.5 * whole, 0.15 * whole)
T.finish()
