#!/usr/bin/env bash
# tests/cli/test_frontline.sh - `frontline run frontline` on sample_data/.
# The sample's front.geojson was drawn along the shared boundary of each
# group's UA and RU polygons (vertices within 150 m of both, per
# sample_data/make_sample.py --check), so it serves as the independent truth
# for the traced line: the tool never reads it here.
. "$(dirname "$0")/lib.sh"
need_sample control.geojson control_ru_only.geojson front.geojson mask.geojson

out=$TMP/front.gpkg
run run frontline --control "$SAMPLE/control.geojson" --output "$out"
expect_rc 0
expect_eq "$(layers "$out")" "frontline" "layers"
# control.geojson: 2 sources x 2 dates = 4 groups, one contact line each.
expect_eq "$(count "$out" frontline)" 4 "frontline features"
expect_in "$OUT" "4 contact lines written to $out (layer frontline)"
expect_eq "$(sql "$out" "SELECT count(*) FROM frontline WHERE side_a IN ('UA','RU') AND side_b IN ('UA','RU') AND side_a <> side_b")" 4 "sides of each line"

# Group source_ua 2024-10-15. Oracle (tests/cli/oracle.py): the group's front
# line is 89.779 km; less its parts within 750 m (1.5 x snap_m) of the sector
# outline, 88.308 km. Tolerance 3 %: the traced boundary wiggles within 150 m
# of the drawn line.
len=$(sql "$out" "SELECT length_km FROM frontline WHERE source='source_ua' AND date LIKE '2024%10%15'")
expect_near "$len" 88.308 0 0.03 "contact line length source_ua 2024-10-15 (km)"
# Every vertex of the traced line lies within 300 m of the drawn front (near.py).
# (source and year pick the group; the GeoJSON date is a Date field, where
# LIKE does not apply.)
far=$($PY "$(dirname "$0")/near.py" "$out" \
  "SELECT * FROM frontline WHERE source='source_ua' AND substr(CAST(date AS TEXT), 1, 4)='2024'" \
  "$SAMPLE/front.geojson" \
  "SELECT * FROM front WHERE source='source_ua' AND substr(CAST(date AS TEXT), 1, 4)='2024'")
expect_near "$(awk -v f="$far" 'BEGIN{print (f ~ /^[0-9.]+$/ && f + 0 <= 300) ? 1 : 0}')" 1 0 0 \
  "largest distance of the traced line from the drawn front: $far m (limit 300 m)"

# Filters and snap.
run run frontline --control "$SAMPLE/control.geojson" --source source_ru --date 2025-02-15 \
  --snap-m 250 --output "$TMP/one.geojson"
expect_rc 0
expect_eq "$(count "$TMP/one.geojson" "$(layer1 "$TMP/one.geojson")")" 1 "one group"

# One side only (occupied ground), edges along the mask removed (F3).
run run frontline --control "$SAMPLE/control_ru_only.geojson" --mask "$SAMPLE/mask.geojson" \
  --output "$TMP/ru.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/ru.gpkg" frontline)" 2 "one-side lines (2 dates)"
len=$(sql "$TMP/ru.gpkg" "SELECT length_km FROM frontline WHERE date LIKE '2024%10%15'")
# Oracle: the source_ru 2024-10-15 front is 89.056 km, 88.101 km without its
# parts within 500 m (snap_m) of the mask edge; tolerance 3 % as above.
expect_near "$len" 88.101 0 0.03 "one-side line length (km)"

run run frontline --control "$SAMPLE/control.geojson" --side-field sid --output "$TMP/x.gpkg"
expect_rc 1
expect_in "$ERR" "--side-field"
expect_in "$ERR" "has no field 'sid'"
expect_in "$ERR" "side, source, date, status"
expect_no_file "$TMP/x.gpkg"
finish
