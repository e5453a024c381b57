"""tests/sql/test_sql_cli_identical.py - the SQL face and the CLI give
bit-identical answers on the same inputs (issue 13): for every settlement of
sample_data/ (points and polygons) and every claim (source, date) of its
control layer, `frontline run settlement-status` and one SQL query over the
same layers copied by ogr2ogr (no Frontline code; its rows keyed by the
layers' id field, which ogr2ogr makes the primary key) give
  - the same share of each side's ground and of contested ground
    (FL_Share against the CLI's share_<side> columns, compared with ==), and
  - the same holder and status (FL_ControlStatus against side and status).
Both faces call core's holding rules; a copy of a rule in either face, or a
rounding that differs, shows here. The split share's range is core's in SQL
too: 0.5 and 1 accepted, the doubles just outside refused.
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


def cli_rows(layer):
    out = os.path.join(T.TMP, "cli_%s.gpkg" % layer)
    subprocess.run([T.FRONTLINE, "run", "settlement-status", "--settlements",
                    os.path.join(T.SAMPLE, layer + ".geojson"), "--control",
                    os.path.join(T.SAMPLE, "control.geojson"), "--front-distance", "false",
                    "--output", out, "--quiet"], check=True)
    con.execute("ATTACH ? AS cli", (out,))
    rows = con.execute("SELECT id, name, source, date, side, status, share_RU, "
                       "share_UA, share_contested FROM cli.settlement_status").fetchall()
    con.commit()
    con.execute("DETACH cli")
    return rows


def sql_shares(layer):
    """{(fid, source, date): {ground: share}} by FL_Share, one row per control row."""
    out = {}
    for fid, source, date, ground, share in con.execute(
            "SELECT s.rowid, c.source, c.date, %s, FL_Share(s.geom, c.geom) FROM %s s, control c"
            % (GROUND, layer)):
        out.setdefault((fid, source, date), {})[ground] = share
    return out


def sql_status(layer):
    return {(fid, source, date): holder for fid, source, date, holder in con.execute(
        "SELECT s.rowid, c.source, c.date, FL_ControlStatus(s.geom, c.geom, %s) FROM %s s, "
        "control c GROUP BY s.rowid, c.source, c.date" % (GROUND, layer))}


for layer in ("settlements", "settlements_polygons"):
    names = dict(con.execute("SELECT rowid, name FROM %s" % layer).fetchall())
    shares, holders, rows = sql_shares(layer), sql_status(layer), cli_rows(layer)
    T.check(len(rows) == len(holders) and len(rows) > 0,
            "%s: %d CLI rows, %d SQL groups" % (layer, len(rows), len(holders)))
    split = 0
    for fid, name, source, date, side, status, ru, ua, cont in rows:
        key = (fid, source, date)
        T.check(names.get(fid) == name, "%s: CLI id %d is '%s', the GeoPackage's row %d is "
                "'%s'" % (layer, fid, name, fid, names.get(fid)))
        got = shares.get(key, {})
        for ground, cli in (("RU", ru), ("UA", ua), ("contested", cont)):
            sql = got.get(ground, 0.0)
            cli = 0.0 if cli is None else cli
            split += 0 < cli < 1
            T.check(sql == cli, "%s %s %s %s: share of %s ground SQL %r, CLI %r"
                    % (layer, name, source, date, ground, sql, cli))
        want = side if status == "held" else "contested" if status == "contested" else None
        T.check(holders.get(key) == want, "%s %s %s %s: SQL holder %r, CLI %s %s"
                % (layer, name, source, date, holders.get(key), side, status))
    if layer == "settlements_polygons":
        T.check(split > 0, "some polygon lies on two grounds (a share strictly between 0 and 1)")
    if layer == "settlements":
        tally = {}
        for (fid, source, date), holder in holders.items():
            if (source, str(date)[:10]) == ("source_ua", "2024-10-15"):
                tally[holder or "none"] = tally.get(holder or "none", 0) + 1
        T.check(tally == {"UA": 28, "RU": 21, "none": 1}, "source_ua 2024-10-15: %r, OGR "
                "gives UA 28, RU 21, none 1" % tally)

# The split share's range in SQL is core's (include/frontline/fl_analysis.h).
P = "MakePoint(37.9, 48.4, 4326)"
C = "BuildMbr(37.8, 48.3, 38.0, 48.5, 4326)"
for split, ok in ((0.5, True), (1.0, True), (0.49999999999999994, False), (1.0000000000000002, False)):
    err = T.error_of(con, "SELECT FL_ControlStatus(%s, %s, 'UA', ?)" % (P, C), (split,))
    T.check((err is None) == ok, "split_share %r: %s" % (split, err or "accepted"))

T.finish()
