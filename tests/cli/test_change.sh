#!/usr/bin/env bash
# tests/cli/test_change.sh - `frontline run change` on the DeepStateMap
# monthly series of ../shared/real_data/ (skipped with 77 when absent): every
# pair of consecutive dates and every date's held km² against
# tests/oracles/change_oracle.py (OGR overlays, pyproj geodesic areas, no
# Frontline code), within 0.1 % + 0.01 km², and the settlements that changed
# hands (OGR point in polygon per date) exactly. Also: the two layers of one file,
# and a GeoJSON output (one layer only) refused with the file left absent.
. "$(dirname "$0")/lib.sh"
[ -n "$REAL" ] && [ -d "$REAL" ] || skip "real data folder '${REAL:-}' is absent"
S=$REAL/control/deepstate_occupied_monthly_202407_202608.geojson
P=$REAL/settlements/geonames_places_pop200_bbox.geojson
[ -r "$S" ] && [ -r "$P" ] || skip "$S or $P is missing"
ORACLE=$(dirname "$0")/../oracles/change_oracle.py
cat >"$TMP/aoi.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.0,47.9],[38.8,47.9],[38.8,48.9],[37.0,48.9],[37.0,47.9]]]}}]}
JSON

run --json run change --control "$S" --side-field status --other-side UA --aoi "$TMP/aoi.geojson" \
  --settlements "$P" --output "$TMP/ch.gpkg"
expect_rc 0
json_ok "$OUT"
expect_eq "$(layers "$TMP/ch.gpkg" | tr '\n' ' ')" "area_change held_series settlement_changes " "layers of the output"
expect_eq "$(count "$TMP/ch.gpkg" held_series)" 52 "held rows (26 dates x 2 sides)"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(DISTINCT date_from) FROM area_change WHERE side_to = 'occupied'")" 25 "25 monthly steps with ground gained"
expect_eq "$(sql "$TMP/ch.gpkg" "SELECT count(*) FROM area_change WHERE days IS NULL OR days <= 0")" 0 "days of every row"
if $PY "$ORACLE" "$S" "$TMP/ch.gpkg" "$P" >"$TMP/oracle.out" 2>&1; then pass; else
  fail "change vs oracle: $(grep -E 'DIFF|Error' "$TMP/oracle.out" | head -5)"
fi

# Two layers cannot go to GeoJSON: refused, no file.
run run change --control "$S" --side-field status --other-side UA --output "$TMP/ch.geojson"
if [ "$RC" -ne 0 ]; then pass; else fail "$LAST: a GeoJSON output of two layers was accepted"; fi
expect_no_file "$TMP/ch.geojson"
finish
