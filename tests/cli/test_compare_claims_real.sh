#!/usr/bin/env bash
# tests/cli/test_compare_claims_real.sh - `frontline run compare-claims` on
# DeepStateMap against ISW from ../shared/real_data/ (skipped with 77 when
# absent): both one-sided (occupied ground only, UA holds the rest of the
# README's bounding box), paired within 10 days. Every disagreement sum,
# every holder, combined holder and agreement, and every verdict on the
# illustrative claims of sample_data/claims.geojson against
# tests/oracles/compare_claims_oracle.py (OGR overlays, pyproj geodesic areas,
# no Frontline code), areas within 0.1 % + 0.01 km².
. "$(dirname "$0")/lib.sh"
[ -n "$REAL" ] && [ -d "$REAL" ] || skip "real data folder '${REAL:-}' is absent"
C=$REAL/control
P=$REAL/settlements/geonames_places_pop200_bbox.geojson
[ -r "$P" ] && [ -r "$C/isw_control_simplified_20250308.geojson" ] || skip "real data files missing"
need_sample claims.geojson
ORACLE=$(dirname "$0")/../oracles/compare_claims_oracle.py
cat >"$TMP/aoi.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.0,47.9],[38.8,47.9],[38.8,48.9],[37.0,48.9],[37.0,47.9]]]}}]}
JSON
for f in "$C"/deepstate_occupied_2*.geojson; do
  b=$(basename "$f" .geojson)
  ogr2ogr -f GPKG -append "$TMP/two.gpkg" "$f" -nln control \
    -sql "SELECT status, 'DeepStateMap' AS source, date FROM $b" 2>/dev/null
done
for f in "$C"/isw_control_simplified_*.geojson; do
  b=$(basename "$f" .geojson)
  ogr2ogr -f GPKG -append "$TMP/two.gpkg" "$f" -nln control \
    -sql "SELECT 'occupied' AS status, 'ISW' AS source, date FROM $b" 2>/dev/null
done

run --json run compare-claims --control "$TMP/two.gpkg" --side-field status --side-map occupied=RU \
  --other-side UA --aoi "$TMP/aoi.geojson" --date-tolerance-days 10 --settlements "$P" \
  --claims "$SAMPLE/claims.geojson" --reference DeepStateMap --output "$TMP/cc.gpkg"
expect_rc 0
json_ok "$OUT"
# 4 pairs within 10 days (ISW 2025-07-31 is 23 days from DeepStateMap's closest)
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT count(DISTINCT date_a || date_b) FROM disagreement")" 4 "paired dates"
# 2025-03-08, the same day: RU per DeepStateMap only 557.9 km², per ISW only
# 1.25 km² (oracle: 557.916, 1.254)
expect_near "$(sql "$TMP/cc.gpkg" "SELECT sum(area_km2) FROM disagreement WHERE date_a = '2025-03-08' AND side_a = 'RU'")" \
  557.916 0.01 0.001 "RU per DeepStateMap only on 2025-03-08"
expect_near "$(sql "$TMP/cc.gpkg" "SELECT sum(area_km2) FROM disagreement WHERE date_a = '2025-03-08' AND side_a = 'UA'")" \
  1.254 0.01 0.001 "RU per ISW only on 2025-03-08"
# Toretsk: DeepStateMap RU, ISW UA from the 2024-11-03/07 pair on
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT CAST(disputed_since AS TEXT) FROM settlement_agreement WHERE name = 'Toretsk' AND date = '2025-03-08'")" \
  "2024-11-03" "Toretsk disputed since"
if $PY "$ORACLE" "$TMP/two.gpkg" "$TMP/aoi.geojson" 10 "$TMP/cc.gpkg" "$P" "$SAMPLE/claims.geojson" \
  DeepStateMap >"$TMP/oracle.out" 2>&1; then pass; else
  fail "compare-claims vs oracle: $(grep -E 'DIFF|Error' "$TMP/oracle.out" | head -5)"
fi
# DeepStateMap with its grey zone (contested is a value) against ISW, 4 days
# apart: every sum against the oracle's overlay (--min-area-km2 0: nothing
# closed or dropped, as the oracle keeps all).
R1=$C/deepstate_raw_status_20241107.geojson
ogr2ogr -f GPKG "$TMP/grey.gpkg" "$R1" -nln control \
  -sql "SELECT status, 'DeepStateMap' AS source, '2024-11-07' AS date FROM deepstate_raw_status_20241107" 2>/dev/null
ogr2ogr -f GPKG -append "$TMP/grey.gpkg" "$C/isw_control_simplified_20241103.geojson" -nln control \
  -sql "SELECT 'occupied' AS status, 'ISW' AS source, '2024-11-03' AS date FROM isw_control_simplified_20241103" 2>/dev/null
run run compare-claims --control "$TMP/grey.gpkg" --side-field status \
  --side-map "occupied,occupied_before_2022=RU;liberated=UA;unknown_grey_zone=contested" \
  --other-side UA --aoi "$TMP/aoi.geojson" --date-tolerance-days 4 --min-area-km2 0 --output "$TMP/grey_out.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/grey_out.gpkg" "SELECT count(*) FROM disagreement WHERE side_a = 'contested'")" 2 \
  "grey zone rows: contested against RU and against UA"
if $PY "$ORACLE" --grey "$R1" "$C/isw_control_simplified_20241103.geojson" "$TMP/aoi.geojson" \
  "$TMP/grey_out.gpkg" >"$TMP/grey_oracle.out" 2>&1; then pass; else
  fail "grey zone vs oracle: $(grep -E 'DIFF|Error' "$TMP/grey_oracle.out" | head -4)"
fi

# The same figure in SQL (docs/sql.md, "Where two sources disagree"):
# SpatiaLite's overlay measured with FL_Area, the hole kept (oracle 1.2538).
MOD=$(dirname "$FRONTLINE")/mod_frontline.so
if [ -r "$MOD" ] && [ "${FL_SANITIZE:-0}" != 1 ]; then  # a sanitizer build cannot load into Python
  R=$($PY - "$TMP/two.gpkg" "$MOD" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.enable_load_extension(True)
c.load_extension("mod_spatialite"); c.load_extension(sys.argv[2].rsplit(".so", 1)[0])
c.execute("SELECT EnableGpkgAmphibiousMode()")
box = "BuildMbr(37, 47.9, 38.8, 48.9, 4326)"
print("%.4f %.4f" % c.execute(
    "SELECT FL_Area(ST_Difference(ST_Intersection(d.geom, %s), i.geom)),"
    " FL_Area(ST_Difference(ST_Intersection(i.geom, %s), d.geom))"
    " FROM control d JOIN control i ON d.date = i.date"
    " WHERE d.source = 'DeepStateMap' AND i.source = 'ISW'" % (box, box)).fetchone())
PY
)
  expect_near "${R%% *}" 557.9162 0.01 0.001 "SQL: RU per DeepStateMap only on 2025-03-08"
  expect_near "${R##* }" 1.2538 0.001 0.001 "SQL: RU per ISW only on 2025-03-08"
fi
finish
