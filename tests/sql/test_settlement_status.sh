#!/usr/bin/env bash
# tests/sql/test_settlement_status.sh - one SQL query over sample_data/ (a
# GeoPackage made by ogr2ogr) reproduces `frontline run settlement-status`:
# the holder (FL_ControlStatus), dist_to_front_m (FL_Distance) and band, per
# settlement, for points and polygons and for a group with contested ground
# (S4). The CLI output is attached in the same sqlite3 session and every
# row compared. Independent anchor (tests/cli/oracle.py, OGR point in
# polygon): in group source_ua 2024-10-15, UA holds 28, RU 21, none 1.
. "$(dirname "$0")/lib.sh"
[ -x "$FRONTLINE" ] || { echo "FAIL: no frontline binary '$FRONTLINE'"; exit 1; }
DB=$TMP/sample.gpkg
gis_db GPKG "$DB" || { echo "FAIL: ogr2ogr"; cat "$TMP/ogr.log"; exit 1; }

# status SETTLEMENTS DATE: compare the CLI and the SQL for one control group.
status() {
  local layer=$1 date=$2 out=$TMP/cli_$1_$2.gpkg
  "$FRONTLINE" run settlement-status --settlements "$SAMPLE/$layer.geojson" \
    --control "$SAMPLE/control.geojson" --front "$SAMPLE/front.geojson" \
    --source source_ua --date "$date" --output "$out" --quiet >"$TMP/cli.log" 2>&1 ||
    { fail "frontline run settlement-status $layer $date"; cat "$TMP/cli.log"; return; }
  # The query a user would write (docs/sql.md shows the same shape).
  q "$DB" "ATTACH '$out' AS cli;
CREATE TEMP TABLE sql_status AS
SELECT s.name,
       FL_ControlStatus(s.geom, c.geom,
                        CASE WHEN c.status = 'contested' THEN 'contested' ELSE c.side END) AS holder,
       FL_Distance(s.geom, (SELECT geom FROM front
                            WHERE source = 'source_ua' AND date = '$date')) AS dist_to_front_m
FROM $layer s
LEFT JOIN control c ON c.source = 'source_ua' AND c.date = '$date'
GROUP BY s.rowid;
SELECT count(*) FROM sql_status;
SELECT count(*) FROM sql_status q JOIN cli.settlement_status k ON k.name = q.name
 WHERE (k.status = 'held' AND q.holder IS k.side)
    OR (k.status = 'contested' AND q.holder = 'contested')
    OR (k.status = 'unknown' AND q.holder IS NULL);
SELECT count(*) FROM sql_status q JOIN cli.settlement_status k ON k.name = q.name
 WHERE abs(q.dist_to_front_m - k.dist_to_front_m) <= 1e-6
   AND (CASE WHEN q.dist_to_front_m < 5000 THEN 0 WHEN q.dist_to_front_m < 10000 THEN 1
             WHEN q.dist_to_front_m < 20000 THEN 2 WHEN q.dist_to_front_m < 40000 THEN 3 END)
       IS k.band;
SELECT count(*) FROM cli.settlement_status;
SELECT group_concat(holder || ':' || n, ' ') FROM
  (SELECT coalesce(holder, 'none') AS holder, count(*) AS n FROM sql_status GROUP BY 1 ORDER BY 1);"
  LAST="settlement status $layer $date"
  expect_rc 0
  mapfile -t v <"$OUT"
  local n=${v[3]:-x}
  expect_eq "${v[0]:-}" "$n" "$layer $date: SQL rows = CLI rows"
  expect_eq "${v[1]:-}" "$n" "$layer $date: rows whose holder/status match the CLI"
  expect_eq "${v[2]:-}" "$n" "$layer $date: rows whose dist_to_front_m and band match the CLI"
  SUMMARY=${v[4]:-}
}

status settlements 2024-10-15
expect_eq "$(echo "$SUMMARY" | wc -w)" 3 "holders in source_ua 2024-10-15"
# tests/cli/oracle.py (OGR point in polygon, no Frontline code): UA 28, RU 21, none 1.
expect_eq "$SUMMARY" "RU:21 UA:28 none:1" "holders by side, source_ua 2024-10-15"
status settlements 2025-02-15
status settlements_polygons 2024-10-15
status settlements_polygons 2025-02-15
finish
