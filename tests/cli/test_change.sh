#!/usr/bin/env bash
# tests/cli/test_change.sh - `frontline run change` on the DeepStateMap
# monthly series of ../shared/real_data/ (skipped with 77 when absent): every
# pair of consecutive dates and every date's held km² against
# tests/oracles/change_oracle.py (OGR overlays, pyproj geodesic areas, no
# Frontline code), within 0.1 % + 0.01 km², and the settlements that changed
# hands (OGR point in polygon per date) exactly; with sectors
# (tests/data/change_sectors.geojson) the change_summary rows of each sector
# too. Also: the layers of one file (tables without geometry registered as
# GeoPackage 'attributes'), held km² of both sides adding up to the area of
# interest, --from/--to as one period, the ISW series, and a GeoJSON output
# (one layer only) refused with the file left absent.
. "$(dirname "$0")/lib.sh"
[ -n "$REAL" ] && [ -d "$REAL" ] || skip "real data folder '${REAL:-}' is absent"
S=$REAL/control/deepstate_occupied_monthly_202407_202608.geojson
P=$REAL/settlements/geonames_places_pop200_bbox.geojson
[ -r "$S" ] && [ -r "$P" ] || skip "$S or $P is missing"
ORACLE=$(dirname "$0")/../oracles/change_oracle.py
cat >"$TMP/aoi.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.0,47.9],[38.8,47.9],[38.8,48.9],[37.0,48.9],[37.0,47.9]]]}}]}
JSON

SEC=$(dirname "$0")/../data/change_sectors.geojson
run --json run change --control "$S" --side-field status --other-side UA --aoi "$TMP/aoi.geojson" \
  --settlements "$P" --sectors "$SEC" --output "$TMP/ch.gpkg"
expect_rc 0
json_ok "$OUT"
expect_eq "$(layers "$TMP/ch.gpkg" | tr '\n' ' ')" "advance area_change change_summary held_series settlement_changes " "layers of the output"
expect_eq "$(sqlite3 "$TMP/ch.gpkg" "SELECT group_concat(table_name || ':' || data_type, ' ') FROM (SELECT * FROM gpkg_contents WHERE table_name <> 'layer_styles' ORDER BY table_name)")" \
  "advance:features area_change:features change_summary:attributes held_series:attributes settlement_changes:attributes" "tables without geometry are attributes"
expect_eq "$(count "$TMP/ch.gpkg" held_series)" 52 "held rows (26 dates x 2 sides)"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(DISTINCT date_from) FROM area_change WHERE side_to = 'occupied'")" 25 "25 monthly steps with ground gained"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(*) FROM area_change WHERE days IS NULL OR days <= 0")" 0 "days of every row"
# (C8) 25 periods x 2 sides x (whole area + 2 sectors)
expect_eq "$(count "$TMP/ch.gpkg" change_summary)" 150 "summary rows"
# (C5) UA + occupied = the box with edges along its parallels (pyproj, the box
# segmentized to 0.005 deg: 14820.731 km²), on every date
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(*) FROM (SELECT date, sum(area_km2) s FROM held_series GROUP BY date) WHERE abs(s - 14820.731) > 0.01")" 0 "held km² of both sides add up to the box"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(*) FROM held_series WHERE front_km IS NULL OR front_km <= 0 OR settlements IS NULL")" 0 "front_km and settlements on every held row"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT sum(settlements) FROM held_series WHERE date = '2024-07-08'")" 225 "every place held by one side"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(*) FROM advance WHERE depth_m IS NULL OR depth_m < 0")" 0 "a depth for every advance polygon"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(*) FROM change_summary c WHERE sector IS NULL AND side = 'occupied' AND abs(max_depth_km * 1000 - (SELECT max(depth_m) FROM advance a WHERE a.date_from = c.date_from AND a.side_to = 'occupied')) > 0.001")" 0 "max_depth_km is the advance layer's largest depth"
if $PY "$ORACLE" --sectors "$SEC" "$S" "$TMP/ch.gpkg" "$P" >"$TMP/oracle.out" 2>&1; then pass; else
  fail "change vs oracle: $(grep -E 'DIFF|Error' "$TMP/oracle.out" | head -5)"
fi
# depths (CA1) of the 10 largest advance polygons and the 20 shallowest
# (slivers along the front) against OGR distances in a local azimuthal frame
DORACLE=$(dirname "$0")/../oracles/change_depth_oracle.py
if $PY "$DORACLE" "$S" "$TMP/ch.gpkg" 10 >"$TMP/doracle.out" 2>&1; then pass; else
  fail "advance depths vs oracle: $(grep -E 'DIFF|Error' "$TMP/doracle.out" | head -5)"
fi

# --from/--to: one period per source; 2024-11-15 falls back to 2024-11-01.
run run change --control "$S" --side-field status --other-side UA --aoi "$TMP/aoi.geojson" \
  --settlements "$P" --from 2024-11-15 --to 2025-03-01 --output "$TMP/ft.gpkg"
expect_rc 0
# settlement_changes within the span only: the oracle's changes between the
# dates 2024-11-01..2025-03-01 (10, Toretsk 2024-11-01..2024-12-01 among
# them), none before or after it.
expect_eq "$(count "$TMP/ft.gpkg" settlement_changes)" 10 "settlement changes within the span"
expect_eq "$(sql "$TMP/ft.gpkg" "SELECT count(*) FROM settlement_changes WHERE last_date_old < '2024-11-01' OR first_date_new > '2025-03-01'")" 0 "no change outside the span"
expect_eq "$(sql "$TMP/ft.gpkg" "SELECT last_date_old || '..' || first_date_new FROM settlement_changes WHERE name = 'Toretsk'")" "2024-11-01..2024-12-01" "Toretsk's bracket"
if $PY "$ORACLE" --span 2024-11-01..2025-03-01 "$S" "$TMP/ft.gpkg" "$P" >"$TMP/oracle_ft.out" 2>&1; then pass; else
  fail "change --from/--to vs oracle: $(grep -E 'DIFF|Error' "$TMP/oracle_ft.out" | head -5)"
fi
expect_eq "$(sql "$TMP/ft.gpkg" "SELECT date_from || '..' || date_to FROM change_summary WHERE sector IS NULL AND side = 'occupied'")" "2024-11-01..2025-03-01" "one period"
expect_eq "$(count "$TMP/ft.gpkg" held_series)" 10 "held rows of the span (5 dates x 2 sides)"
# oracle (change_oracle.py on the two dates alone): gained 876.670, lost 0.836 km²
expect_near "$(sql "$TMP/ft.gpkg" "SELECT gained_km2 FROM change_summary WHERE sector IS NULL AND side = 'occupied'")" 876.670 0.001 0.001 "gained 2024-11..2025-03"
expect_near "$(sql "$TMP/ft.gpkg" "SELECT lost_km2 FROM change_summary WHERE sector IS NULL AND side = 'occupied'")" 0.836 0.001 0.001 "lost 2024-11..2025-03"
run run change --control "$S" --side-field status --from 2025-03-01 --to 2024-11-01 --output "$TMP/bad.gpkg"
expect_rc 1
expect_in "$ERR" "--from '2025-03-01' is not before --to '2024-11-01'"
expect_no_file "$TMP/bad.gpkg"
run run change --control "$S" --side-field status --from 2024-13-45 --output "$TMP/bad.gpkg"
expect_rc 1
expect_in "$ERR" "--from '2024-13-45' is not a date"

# The ISW series (5 dates, one file each) merged into one layer.
I=$REAL/control
for d in 20240718 20241103 20250108 20250308 20250731; do
  ogr2ogr -q -append "$TMP/isw.gpkg" "$I/isw_control_simplified_$d.geojson" -nln isw -dialect SQLite \
    -sql "SELECT date, 'occupied' AS status, geometry FROM isw_control_simplified_$d"
done
run run change --control "$TMP/isw.gpkg:isw" --side-field status --other-side UA --aoi "$TMP/aoi.geojson" \
  --output "$TMP/isw_ch.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/isw_ch.gpkg" change_summary)" 8 "ISW: 4 periods x 2 sides"
if $PY "$ORACLE" "$TMP/isw.gpkg" "$TMP/isw_ch.gpkg" >"$TMP/oracle_isw.out" 2>&1; then pass; else
  fail "change vs oracle (ISW): $(grep -E 'DIFF|Error' "$TMP/oracle_isw.out" | head -5)"
fi

# analyze: a "what changed" section when a source has several dates (the
# sample's two sources, 2024-10-15 and 2025-02-15), first date to last.
SAMPLE=$(dirname "$0")/../../sample_data
run run analyze --settlements "$SAMPLE/settlements.geojson" --control "$SAMPLE/control.geojson" \
  --output "$TMP/an.gpkg" --format md
expect_rc 0
expect_in "$OUT" "## What changed"
expect_in "$OUT" "source_ru 2024-10-15 to 2025-02-15, RU: gained"
# By hand from sample_data/control.geojson: 9 changes, Druzhba's per both
# sources; 8 distinct places (by feature id).
expect_in "$OUT" "8 settlements changed hands per 2 sources (9 changes):"

# (P6) SpatiaLite: the tables without geometry are plain tables, not in
# geometry_columns.
run run change --control "$SAMPLE/control.geojson" --settlements "$SAMPLE/settlements.geojson" \
  --output "$TMP/ch.sqlite"
expect_rc 0
expect_eq "$(sqlite3 "$TMP/ch.sqlite" "SELECT group_concat(f_table_name, ' ') FROM (SELECT f_table_name FROM geometry_columns ORDER BY 1)")" "advance area_change" "spatial tables"
expect_eq "$(sqlite3 "$TMP/ch.sqlite" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('change_summary', 'held_series', 'settlement_changes')")" 3 "plain tables"

# Two layers cannot go to GeoJSON: refused, no file.
run run change --control "$S" --side-field status --other-side UA --output "$TMP/ch.geojson"
if [ "$RC" -ne 0 ]; then pass; else fail "$LAST: a GeoJSON output of two layers was accepted"; fi
expect_no_file "$TMP/ch.geojson"
finish
