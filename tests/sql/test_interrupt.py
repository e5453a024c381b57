"""tests/sql/test_interrupt.py - sqlite3_interrupt() stops a long FL_ call
inside the call (plugin/sql/sql_work.c, core/buffer_chunks.c; issue 17).

SQLite 3.40 has no sqlite3_is_interrupted() and calls no progress handler
while a function runs; mod_frontline sees the interrupt by stepping a
statement on the connection between the short GEOS calls of a buffer. A call
of many seconds (bands of a 20,000-vertex winding front; FL_Buffer of a
zig-zag) is interrupted from another thread at several delays: it must end
with SQLite's "interrupted" within FL_TEST_STOP_BOUND_S (3 s, generous on a
shared machine; the aim is 1 s, the figures are printed), and the connection
must work afterwards. A call that finished before its interrupt is only
reported."""
import math
import os
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

BOUND = float(os.environ.get("FL_TEST_STOP_BOUND_S", "3"))

con = T.connect(check_same_thread=False)


def winding(n):
    pts = ["%.6f %.6f" % (36.0 + 3.0 * i / n, 48.0 + 0.3 * math.sin(i * 0.37) + 0.2 * math.sin(i * 0.011))
           for i in range(n)]
    return "LINESTRING(" + ",".join(pts) + ")"


def zigzag(n):
    return "LINESTRING(" + ",".join("%.4f %.2f" % (37.0 + 0.001 * i, 48.3 + 0.05 * (i % 2)) for i in range(n)) + ")"


con.execute("CREATE TABLE f(name TEXT, g BLOB)")
con.execute("INSERT INTO f VALUES ('winding', GeomFromText(?, 4326))", (winding(20000),))
con.execute("INSERT INTO f VALUES ('zigzag', GeomFromText(?, 4326))", (zigzag(6000),))

CALLS = {
    "FL_Bands": "SELECT count(*) FROM FL_Bands((SELECT g FROM f WHERE name = 'winding'), "
                "'10000,20000,40000,80000,160000')",
    "FL_Band": "SELECT length(FL_Band((SELECT g FROM f WHERE name = 'winding'), 10000, 20000))",
    "FL_Buffer": "SELECT length(FL_Buffer((SELECT g FROM f WHERE name = 'zigzag'), 30000))",
}

for name, sql in CALLS.items():
    for delay in (0.3, 1.0, 2.0):
        timer = threading.Timer(delay, con.interrupt)
        t0 = time.monotonic()
        timer.start()
        try:
            con.execute(sql).fetchall()
            err = None
        except sqlite3.OperationalError as e:
            err = str(e)
        t1 = time.monotonic()
        timer.join()
        if err is None:
            print("stop latency %s at %.1f s: finished in %.2f s, before the interrupt" % (name, delay, t1 - t0))
            continue
        latency = t1 - t0 - delay
        print("stop latency %s at %.1f s: %.2f s (%s)" % (name, delay, latency, err))
        T.check(err == "interrupted", "%s interrupted at %.1f s: error %r, expected 'interrupted'" % (name, delay, err))
        T.check(latency < BOUND, "%s interrupted at %.1f s stopped %.2f s later (bound %.1f s)" % (name, delay, latency, BOUND))
        # The connection works again, and a short FL_ call is not taken for interrupted.
        T.check(con.execute("SELECT FL_Buffer(MakePoint(37.5, 48.3, 4326), 1000) IS NOT NULL").fetchone()[0] == 1,
                "%s: the connection works after the interrupt" % name)

T.finish()
