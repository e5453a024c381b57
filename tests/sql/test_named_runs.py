"""tests/sql/test_named_runs.py - what one run of a statement sees of a named
table (docs/sql.md FL_Holder): the table is read once per run, at the run's
first call that names it; an edit made later in the run (by the statement
itself, or by another statement between its steps) is seen from the next
run; a table dropped between runs of a prepared statement is one sentence;
FL_Share of a side not in a table holding only contested ground says so;
names are looked up as SQLite looks up a table (no schema prefix, no CTE).
Geometry to reason about: side A holds the square lon 30..31, lat 50..51,
side B the square lon 31..32; the settlements are at (30.5, 50.5) in A,
(31.5, 50.5) in B and (35, 50.5) outside."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

CTL = ("CREATE TABLE ctl AS SELECT 'A' AS side, "
       "GeomFromText('POLYGON((30 50,31 50,31 51,30 51,30 50))', 4326) AS geom UNION ALL "
       "SELECT 'B', GeomFromText('POLYGON((31 50,32 50,32 51,31 51,31 50))', 4326)")
con = T.connect()
con.execute("SELECT InitSpatialMetadata(1)")
con.execute(CTL)
con.execute("CREATE TABLE s(id INTEGER PRIMARY KEY, geom BLOB, h TEXT)")
con.execute("INSERT INTO s(id, geom) VALUES (1, MakePoint(30.5, 50.5, 4326)), "
            "(2, MakePoint(31.5, 50.5, 4326)), (3, MakePoint(35, 50.5, 4326))")
HOLDER = "SELECT id, FL_Holder(geom, ?, 'side', 'geom') FROM s ORDER BY id"

# An edit between the steps of a run: seen from the next run.
cur = con.execute(HOLDER, ("ctl",))
first = cur.fetchone()
con.execute("UPDATE ctl SET side = 'Z'")
rest = cur.fetchall()
T.check(first == (1, "A") and rest == [(2, "B"), (3, None)],
        "a run answers from the table as read at its first call: %r %r" % (first, rest))
got = con.execute(HOLDER, ("ctl",)).fetchall()
T.check(got == [(1, "Z"), (2, "Z"), (3, None)], "the next run sees the edit: %r" % got)

# The statement edits the table it names: every row answers from the table
# as it was read at the first call (point (31.5, 50.5) is in row 2, 'B').
con.execute("UPDATE ctl SET side = CASE rowid WHEN 1 THEN 'A' ELSE 'B' END")
got = con.execute("UPDATE ctl SET side = FL_Holder(MakePoint(31.5, 50.5, 4326), 'ctl', 'side', "
                  "'geom') || side RETURNING rowid, side").fetchall()
T.check(sorted(got) == [(1, "BA"), (2, "BB")], "UPDATE naming its own table: %r" % got)

# A prepared statement run again after its table was dropped: one sentence.
con.execute("DROP TABLE ctl")
err = T.error_of(con, HOLDER, ("ctl",))
T.check(err == "FL_Holder: argument 2 (control_table): no table or view 'ctl' in this database",
        "dropped between runs: %r" % err)
con.execute(CTL)
got = con.execute(HOLDER, ("ctl",)).fetchall()
T.check(got == [(1, "A"), (2, "B"), (3, None)], "made again: %r" % got)

# A table holding only contested ground: FL_Share of another side says so.
con.execute("CREATE TABLE grey AS SELECT 'Contested' AS side, geom FROM ctl")
err = T.error_of(con, "SELECT FL_Share(geom, 'grey', 'A', 'side', 'geom') FROM s")
T.check(err == "FL_Share: argument 3 (side): table 'grey' has no rows of side 'A' (it holds only "
        "'contested' ground)", "FL_Share on contested ground only: %r" % err)
err = T.error_of(con, "SELECT FL_Share(geom, 'ctl', 'C', 'side', 'geom') FROM s")
T.check(err == "FL_Share: argument 3 (side): table 'ctl' has no rows of side 'C' (its sides: "
        "'A', 'B', and 'contested')", "FL_Share of an unknown side: %r" % err)
got = con.execute("SELECT FL_Share(geom, 'grey', 'contested', 'side', 'geom') FROM s "
                  "ORDER BY id").fetchall()
T.check(got == [(1.0,), (1.0,), (0.0,)], "FL_Share of contested ground: %r" % got)
# Names are looked up as SQLite looks up a table: an attached database's
# table by its name alone; a schema prefix is refused, saying so; a CTE of
# the calling statement is not seen (the table of that name is read).
con.execute("ATTACH ':memory:' AS aux")
con.execute("CREATE TABLE aux.actl AS SELECT side, geom FROM main.ctl")
got = con.execute(HOLDER, ("actl",)).fetchall()
T.check(got == [(1, "A"), (2, "B"), (3, None)], "a table of an attached database: %r" % got)
err = T.error_of(con, HOLDER, ("aux.actl",))
T.check(err == "FL_Holder: argument 2 (control_table): no table or view 'aux.actl' in this "
        "database (a schema prefix is not read: name the table alone, temp, main and attached "
        "databases are searched in that order)", "a schema prefix: %r" % err)
got = con.execute("WITH ctl AS (SELECT 'Q' AS side, geom FROM main.ctl) SELECT s.id, "
                  "FL_Holder(s.geom, 'ctl', 'side', 'geom') FROM s ORDER BY s.id").fetchall()
T.check(got == [(1, "A"), (2, "B"), (3, None)], "a CTE is not seen: %r" % got)
T.finish()
