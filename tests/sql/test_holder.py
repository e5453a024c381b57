"""tests/sql/test_holder.py - FL_Holder and FL_Share with the control named as
a table (plugin/sql/fn_holder.c, issue 13): the same answers, bit for bit, as
FL_ControlStatus / FL_Share over a join and as the CLI's settlement-status, on
every settlement of sample_data/ (points and polygons) in every claim of its
control layer (one view per claim); the split share; a new run of a statement
sees an edited table; one sentence for each bad name or row.
Independent anchor (tests/cli/oracle.py, OGR point in polygon): in claim
source_ua 2024-10-15, UA holds 28 points, RU 21, none 1."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

DB = T.gis_db("GPKG", "sample.gpkg")
con = T.connect(DB)
GROUND = "CASE WHEN c.status = 'contested' THEN 'contested' ELSE c.side END"
claims = con.execute("SELECT DISTINCT source, date FROM control ORDER BY 1, 2").fetchall()
T.check(len(claims) == 4, "sample control has 4 claims, got %d" % len(claims))
for i, (source, date) in enumerate(claims):
    # a view of one claim: no rowid of its own (its rows are named by place)
    con.execute("CREATE TEMP VIEW claim%d AS SELECT %s AS side, c.geom AS geom FROM control c "
                "WHERE c.source = '%s' AND c.date = '%s'" % (i, GROUND, source, date))


def cli_rows(layer):
    out = os.path.join(T.TMP, "cli_%s.gpkg" % layer)
    subprocess.run([T.FRONTLINE, "run", "settlement-status", "--settlements",
                    os.path.join(T.SAMPLE, layer + ".geojson"), "--control",
                    os.path.join(T.SAMPLE, "control.geojson"), "--front-distance", "false",
                    "--output", out, "--quiet"], check=True)
    c2 = T.connect(out)
    rows = c2.execute("SELECT id, source, date, side, status, share_RU, share_UA, "
                      "share_contested FROM settlement_status").fetchall()
    c2.close()
    return {(fid, s, str(d)): (side, status, {"RU": ru, "UA": ua, "contested": ct})
            for fid, s, d, side, status, ru, ua, ct in rows}


def join_status(layer, i, split):
    source, date = claims[i]
    return dict(con.execute(
        "SELECT s.rowid, FL_ControlStatus(s.geom, c.geom, %s, ?) FROM %s s, control c "
        "WHERE c.source = ? AND c.date = ? GROUP BY s.rowid" % (GROUND, layer),
        (split, source, date)))


def join_shares(layer, i):
    source, date = claims[i]
    out = {}
    for fid, ground, share in con.execute(
            "SELECT s.rowid, %s, FL_Share(s.geom, c.geom) FROM %s s, control c "
            "WHERE c.source = ? AND c.date = ?" % (GROUND, layer), (source, date)):
        out.setdefault(fid, {})[ground] = share
    return out


n_compared = 0
for layer in ("settlements", "settlements_polygons"):
    cli = cli_rows(layer)
    for i, (source, date) in enumerate(claims):
        table = "claim%d" % i
        for split in (0.5, 0.75, 1.0):
            want = join_status(layer, i, split)
            got = dict(con.execute("SELECT rowid, FL_Holder(geom, ?, 'side', 'geom', ?) FROM %s"
                                   % layer, (table, split)))
            T.check(len(got) == len(want) > 0, "%s %s: %d rows, join %d" % (layer, table, len(got),
                                                                         len(want)))
            for fid, holder in want.items():
                T.check(got.get(fid) == holder, "%s rowid %d, %s %s, split %g: FL_Holder %r, "
                        "FL_ControlStatus %r" % (layer, fid, source, date, split, got.get(fid),
                                                 holder))
                n_compared += 1
        shares = join_shares(layer, i)
        for ground in ("RU", "UA", "contested"):
            got = dict(con.execute("SELECT rowid, FL_Share(geom, ?, ?, 'side', 'geom') FROM %s"
                                   % layer, (table, ground)))
            for fid, by_ground in shares.items():
                want = by_ground.get(ground, 0.0)
                T.check(got[fid] == want, "%s rowid %d, %s %s: share of %s ground %r, FL_Share "
                        "over the join %r" % (layer, fid, source, date, ground, got[fid], want))
                side, status, cli_share = cli[(fid, source, str(date))]
                T.check(got[fid] == (cli_share[ground] or 0.0), "%s rowid %d, %s %s: share of %s "
                        "ground %r, CLI %r" % (layer, fid, source, date, ground, got[fid],
                                               cli_share[ground]))
                n_compared += 2
        holders = dict(con.execute("SELECT rowid, FL_Holder(geom, ?, NULL, 'geom') FROM %s"
                                   % layer, (table,)))
        for fid, holder in holders.items():
            side, status, _ = cli[(fid, source, str(date))]
            want = side if status == "held" else "contested" if status == "contested" else None
            T.check(holder == want, "%s rowid %d, %s %s: FL_Holder %r, CLI %s %s"
                    % (layer, fid, source, date, holder, side, status))
            n_compared += 1
        if layer == "settlements" and (source, str(date)[:10]) == ("source_ua", "2024-10-15"):
            tally = {}
            for h in holders.values():
                tally[h or "none"] = tally.get(h or "none", 0) + 1
            T.check(tally == {"UA": 28, "RU": 21, "none": 1}, "source_ua 2024-10-15: %r, OGR "
                    "gives UA 28, RU 21, none 1" % tally)
T.check(n_compared > 2000, "compared %d answers" % n_compared)

# A table, its registered geometry column, a new run seeing an edit (the
# statement is reset between runs: the kernel is read again).
con.execute("CREATE TABLE ctl (fid INTEGER PRIMARY KEY, side TEXT, geom BLOB)")
con.execute("INSERT INTO gpkg_geometry_columns VALUES ('ctl', 'geom', 'POLYGON', 4326, 0, 0)")
con.execute("INSERT INTO ctl (side, geom) VALUES ('A', BuildMbr(37.0, 48.0, 38.0, 49.0, 4326))")
con.execute("INSERT INTO ctl (side, geom) VALUES (NULL, BuildMbr(36.0, 48.0, 37.0, 49.0, 4326))")  # skipped
con.execute("INSERT INTO ctl (side, geom) VALUES ('B', NULL)")  # skipped
Q = "SELECT FL_Holder(MakePoint(37.5, 48.5, 4326), 'ctl')"
T.check(con.execute(Q).fetchone()[0] == "A", "registered column: A")
con.execute("UPDATE ctl SET side = 'B' WHERE side = 'A'")
T.check(con.execute(Q).fetchone()[0] == "B", "after the edit: B (the same statement run again)")
T.check(con.execute("SELECT FL_Holder(MakePoint(36.5, 48.5, 4326), 'ctl')").fetchone()[0] is None,
        "a row with a NULL side is skipped")
T.check(con.execute("SELECT FL_Holder(NULL, 'ctl'), FL_Holder(MakePoint(37.5, 48.5, 4326), NULL),"
                    " FL_Share(MakePoint(37.5, 48.5, 4326), 'ctl', NULL)").fetchone()
        == (None, None, None), "NULL in, NULL out")
# the table changing from row to row within one statement
got = con.execute("SELECT t, FL_Holder(MakePoint(37.5, 48.5, 4326), t, 'side', 'geom') FROM (SELECT 'ctl' AS t "
                  "UNION ALL SELECT 'claim0' UNION ALL SELECT 'ctl')").fetchall()
want = con.execute("SELECT FL_ControlStatus(MakePoint(37.5, 48.5, 4326), geom, side) FROM claim0"
                   ).fetchone()[0]
T.check(want is not None and got == [("ctl", "B"), ("claim0", want), ("ctl", "B")],
        "table per row: %r (claim0: %r)" % (got, want))

# Contested ground (S4), by hand: 'A' holds a box, a smaller box inside it is
# 'Contested' (any case); a settlement half on it (the meridian 37.6 halves
# the box 37.5-37.7; 0.5 within 1e-5, the cut adding vertices on the box's
# geodesic edges) is contested.
con.execute("CREATE TABLE grey (fid INTEGER PRIMARY KEY, side TEXT, geom BLOB)")
con.execute("INSERT INTO grey (side, geom) VALUES ('A', BuildMbr(37.0, 48.0, 38.0, 49.0, 4326)), "
            "('Contested', BuildMbr(37.4, 48.4, 37.6, 48.6, 4326))")
HALF = "BuildMbr(37.5, 48.45, 37.7, 48.55, 4326)"
got = con.execute("SELECT FL_Holder(%s, 'grey', 'side', 'geom'), FL_Share(%s, 'grey', 'A', NULL, "
                  "'geom'), FL_Share(%s, 'grey', 'contested', NULL, 'geom'), FL_Holder(MakePoint("
                  "37.5, 48.5, 4326), 'grey', 'side', 'geom'), FL_Holder(MakePoint(37.9, 48.9, "
                  "4326), 'grey', 'side', 'geom')" % (HALF, HALF, HALF)).fetchone()
T.check(got[0] == "contested" and got[1] == 1.0 and abs(got[2] - 0.5) < 1e-5 and
        got[3:] == ("contested", "A"), "contested ground: %r" % (got,))
want = con.execute("SELECT FL_ControlStatus(%s, geom, side), FL_Share(%s, geom) FROM grey "
                   "WHERE side = 'Contested'" % (HALF, HALF)).fetchone()
T.check(want == ("contested", got[2]), "FL_ControlStatus / FL_Share over the join: %r" % (want,))

# The real data, if present: OSM town polygons against DeepStateMap's grey
# zone of 2025-03-07 (a side map as a CASE, UA holding the rest of the box),
# every share equal to the CLI's (settlement-status, min_area_km2 0).
R = "/work/shared/real_data"
if os.path.isdir(R):
    real = os.path.join(T.TMP, "real.gpkg")
    for src, name in (("settlements/osm_towns_cities_polygons_bbox.geojson", "towns"),
                      ("control/deepstate_raw_status_20250307.geojson", "raw")):
        subprocess.run(["ogr2ogr", "-f", "GPKG"] + (["-update"] if name == "raw" else []) +
                       [real, os.path.join(R, src), "-nln", name], check=True)
    aoi = os.path.join(T.TMP, "aoi.geojson")
    with open(aoi, "w") as f:
        f.write('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                '"geometry":{"type":"Polygon","coordinates":[[[37.0,47.9],[38.8,47.9],[38.8,48.9],'
                '[37.0,48.9],[37.0,47.9]]]}}]}')
    cli_out = os.path.join(T.TMP, "real_cli.gpkg")
    subprocess.run([T.FRONTLINE, "--quiet", "run", "settlement-status", "--settlements",
                    os.path.join(R, "settlements/osm_towns_cities_polygons_bbox.geojson"),
                    "--control", os.path.join(R, "control/deepstate_raw_status_20250307.geojson"),
                    "--side-field", "status", "--side-map", "occupied,occupied_before_2022=RU;"
                    "liberated=UA;unknown_grey_zone=contested", "--other-side", "UA", "--aoi", aoi,
                    "--front-distance", "false", "--min-area-km2", "0", "--output", cli_out],
                   check=True)
    rc = T.connect(real)
    rc.execute("SELECT EnableGpkgAmphibiousMode()")
    rc.execute("CREATE TEMP VIEW ground(side, geom) AS SELECT CASE WHEN status IN ('occupied', "
               "'occupied_before_2022') THEN 'RU' WHEN status = 'liberated' THEN 'UA' WHEN status "
               "= 'unknown_grey_zone' THEN 'contested' END, geom FROM raw UNION ALL SELECT 'UA', "
               "ST_Difference(BuildMbr(37.0, 47.9, 38.8, 48.9, 4326), (SELECT ST_Union(geom) "
               "FROM raw))")
    rc.execute("ATTACH ? AS cli", (cli_out,))
    cli = {f: r for f, *r in rc.execute("SELECT settlement_fid, share_RU, share_UA, "
                                        "share_contested, side, status FROM cli.settlement_status")}
    n = 0
    for fid, *sql in rc.execute("SELECT fid, FL_Share(geom, 'ground', 'RU', 'side', 'geom'), "
                                "FL_Share(geom, 'ground', 'UA', 'side', 'geom'), FL_Share(geom, "
                                "'ground', 'contested', 'side', 'geom'), FL_Holder(geom, 'ground', "
                                "'side', 'geom') FROM towns"):
        ru, ua, ct, side, status = cli[fid]
        want = [ru or 0.0, ua or 0.0, ct or 0.0,
                side if status == "held" else "contested" if status == "contested" else None]
        T.check(sql == want, "real data, town fid %d: SQL %r, CLI %r" % (fid, sql, want))
        n += 1
    T.check(n == 152 and sum(1 for r in cli.values() if r[4] == "contested") == 13,
            "real data: %d towns, 13 contested" % n)

# the table named by a literal (kept between rows), the side column changing
con.execute("CREATE TABLE two (s1 TEXT, s2 TEXT, geom BLOB)")
con.execute("INSERT INTO two VALUES ('A', 'B', BuildMbr(37.0, 48.0, 38.0, 49.0, 4326))")
got = [r[0] for r in con.execute("SELECT FL_Holder(MakePoint(37.5, 48.5, 4326), 'two', c, 'geom') "
                                 "FROM (SELECT 's1' AS c UNION ALL SELECT 's2' UNION ALL "
                                 "SELECT 's1')")]
T.check(got == ["A", "B", "A"], "side column per row: %r" % (got,))

# One sentence for each bad name or row.
con.execute("CREATE TABLE pts (fid INTEGER PRIMARY KEY, side TEXT, geom BLOB)")
con.execute("INSERT INTO gpkg_geometry_columns VALUES ('pts', 'geom', 'POINT', 4326, 0, 0)")
con.execute("INSERT INTO pts (side, geom) VALUES ('A', MakePoint(37.5, 48.5, 4326))")
con.execute("CREATE TABLE mixed (side TEXT, geom BLOB)")
con.execute("INSERT INTO mixed VALUES ('A', BuildMbr(37, 48, 38, 49, 4326)), "
            "('B', BuildMbr(37, 48, 38, 49, 3857))")
con.execute("CREATE TABLE junk (side TEXT, geom BLOB)")
con.execute("INSERT INTO junk VALUES ('A', x'0102')")
P = "MakePoint(37.5, 48.5, 4326)"
for sql, words in (
        ("FL_Holder(%s, 'nope')" % P, ["argument 2", "no table or view 'nope'"]),
        ("FL_Holder(%s, 'ctl', 'sid')" % P, ["table 'ctl' has no column 'sid'", "argument 3"]),
        ("FL_Share(%s, 'ctl', 'B', 'sid')" % P, ["table 'ctl' has no column 'sid'", "argument 4"]),
        ("FL_Holder(%s, 'ctl', 'side', 'gg')" % P, ["no column 'gg'", "argument 4, geom_column"]),
        ("FL_Holder(%s, 'claim0')" % P, ["'claim0' has no geometry column registered",
                                         "argument 4 (geom_column)"]),
        ("FL_Holder(%s, 'ctl', 'side', 'side')" % P, ["rowid 1", "column 'side' is not a "
                                                      "SpatiaLite or GeoPackage geometry blob"]),
        ("FL_Holder(%s, 'junk', 'side', 'geom')" % P, ["table 'junk', rowid 1", "not a SpatiaLite"]),
        ("FL_Holder(%s, 'mixed', 'side', 'geom')" % P, ["rowid 2", "SRID 3857 differs"]),
        ("FL_Holder(%s, 'pts')" % P, ["table 'pts'", "feature 1", "expected polygons"]),
        ("FL_Holder(%s, 'control')" % P, ["table 'control' holds 4 claims", "view of one claim"]),
        ("FL_Holder(MakePoint(0, 0, 3857), 'ctl')", ["argument 1 (settlement) has SRID 3857",
                                                     "SRID 4326"]),
        ("FL_Share(%s, 'ctl', 'X')" % P, ["argument 3 (side)", "no rows of side 'X'", "'B'"]),
        ("FL_Holder(%s, 42)" % P, ["argument 2 (control_table) must be a name"]),
        ("FL_Holder(%s, 'ctl', 'side', 'geom', 0.4)" % P, ["argument 5", "split_share", "0.5"]),
        ("FL_Holder(x'00', 'ctl')", ["argument 1 (settlement)"])):
    err = T.error_of(con, "SELECT " + sql)
    T.check(err is not None and all(w in err for w in words) and err.count(". ") == 0
            and err.startswith(sql[:sql.index("(")] + ":"),
            "%s: error %r should say %r in one sentence" % (sql, err, words))
T.finish()
