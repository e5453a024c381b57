"""tests/sql/test_limits.py - FL_SetLimit(name, value) and FL_Limit(name):
the named work limits of a connection (plugin/sql/fn_limits.c K6-K8,
core/limits.c K1-K4).

Expected values: the defaults as docs/sql.md "Limits" states them; the
estimate of a 10 km buffer around a 4-vertex line (a few dozen units, well
over 3) is refused under buffer_work = 3 with the documented sentence and
drawn again once the limit is back; another connection keeps the default;
a view cannot call FL_SetLimit."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

con = T.connect()
LINE = "GeomFromText('LINESTRING(37 48.3, 37.2 48.35, 37.4 48.3, 37.6 48.35)', 4326)"
BUF = "SELECT FL_Buffer(%s, 10000) IS NOT NULL" % LINE

for name, value in (("buffer_work", 1e6), ("viewshed_cells", 1e9), ("los_samples", 2e6)):
    T.check(con.execute("SELECT FL_Limit(?)", (name,)).fetchone()[0] == value,
            "FL_Limit('%s') is the default %g" % (name, value))

T.check(con.execute("SELECT FL_SetLimit('buffer_work', 3)").fetchone()[0] == 3.0,
        "FL_SetLimit returns the value set")
T.check(con.execute("SELECT FL_Limit('buffer_work')").fetchone()[0] == 3.0, "FL_Limit reads it back")
err = T.error_of(con, BUF)
T.check(err is not None and "more than the limit buffer_work = 3; use a smaller distance or "
        "simplify the geometry, or raise the limit (buffer_work=N in the CLI's limit option or "
        "the environment variable FL_LIMITS, or SQL FL_SetLimit('buffer_work', N))" in err,
        "FL_Buffer over the lowered limit is refused with the sentence: %r" % err)

other = T.connect()
T.check(other.execute("SELECT FL_Limit('buffer_work')").fetchone()[0] == 1e6,
        "another connection keeps the default")
T.check(other.execute(BUF).fetchone()[0] == 1, "another connection draws the buffer")

con.execute("SELECT FL_SetLimit('buffer_work', 1e6)")
T.check(con.execute(BUF).fetchone()[0] == 1, "the buffer is drawn once the limit is back")

BAD = {
    "SELECT FL_SetLimit('bogus', 1)": "FL_SetLimit: there is no limit named 'bogus'; the limits "
                                      "are buffer_work, viewshed_cells and los_samples",
    "SELECT FL_Limit('bogus')": "FL_Limit: there is no limit named 'bogus'",
    "SELECT FL_Limit(NULL)": "FL_Limit: name must be the text name of a limit",
    "SELECT FL_SetLimit(1, 1)": "FL_SetLimit: name must be the text name of a limit",
    "SELECT FL_SetLimit('buffer_work', 0)": "limit buffer_work must be a number > 0 and at most 1e15, got 0",
    "SELECT FL_SetLimit('buffer_work', -5)": "got -5",
    "SELECT FL_SetLimit('buffer_work', 1e16)": "got 1e+16",
    "SELECT FL_SetLimit('buffer_work', 9e999)": "got inf",
    "SELECT FL_SetLimit('buffer_work', '2e6')": "value must be a number > 0 (integer or real), got text",
    "SELECT FL_SetLimit('buffer_work', NULL)": "got NULL",
    "SELECT FL_SetLimit('buffer_work', x'00')": "got a blob",
}
for sql, want in BAD.items():
    err = T.error_of(con, sql)
    T.check(err is not None and want in err, "%s: error %r, expected %r" % (sql, err, want))
T.check(con.execute("SELECT FL_Limit('buffer_work')").fetchone()[0] == 1e6,
        "refused values leave the limit as it was")

# los_samples (S4, L9): FL_LineOfSight over the sample DEM from Toretsk's
# heights 5 km away needs hundreds of samples (one every half cell of ~20-30 m).
DEM = os.path.join(T.SAMPLE, "dem_toretsk.tif")
LOS = ("SELECT json_extract(FL_LineOfSight(MakePoint(37.80, 48.50, 4326), MakePoint(37.85, 48.53, "
       "4326), ?, 5, 3), '$.dist_m')")
_, _, LOS_M = T.G.inv(37.80, 48.50, 37.85, 48.53)
T.near(con.execute(LOS, (DEM,)).fetchone()[0], LOS_M, "FL_LineOfSight under the default limit")
con.execute("SELECT FL_SetLimit('los_samples', 10)")
err = T.error_of(con, LOS, (DEM,))
T.check(err is not None and err.startswith("FL_LineOfSight: a sight line of %d m would need about "
                                           % round(LOS_M))
        and "samples of dem (one every half cell), more than the limit los_samples = 10; use a "
        "shorter sight line or a coarser dem, or raise the limit (los_samples=N in the CLI's "
        "limit option or the environment variable FL_LIMITS, or SQL FL_SetLimit('los_samples', "
        "N))" in err,
        "FL_LineOfSight over the lowered limit: %r" % err)
T.near(other.execute(LOS, (DEM,)).fetchone()[0], LOS_M, "another connection's FL_LineOfSight")
con.execute("SELECT FL_SetLimit('los_samples', 2e6)")
T.near(con.execute(LOS, (DEM,)).fetchone()[0], LOS_M, "FL_LineOfSight once the limit is back")

# (K8) not from a view or trigger
con.execute("CREATE VIEW v AS SELECT FL_SetLimit('buffer_work', 1e15) AS x")
err = T.error_of(con, "SELECT x FROM v")
T.check(err is not None and "unsafe use of FL_SetLimit" in err, "a view cannot call FL_SetLimit: %r" % err)
T.check(con.execute("SELECT FL_Limit('buffer_work')").fetchone()[0] == 1e6, "the view changed nothing")

T.finish()
