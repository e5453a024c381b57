#!/usr/bin/env bash
# tests/cli/test_real_control_data.sh - acceptance on the real control layers
# of ../shared/real_data (issue 10; skipped with 77 when absent). Expected
# figures come from tests/oracles/control_data_oracle.py (OGR containment,
# pyproj geodesics; no Frontline code) via real_control_check.py.
. "$(dirname "$0")/lib.sh"
[ -n "$REAL" ] && [ -d "$REAL" ] || skip "real data folder '${REAL:-}' is absent"
C=$REAL/control
P=$REAL/settlements/geonames_places_pop200_bbox.geojson
[ -r "$P" ] && [ -r "$C/deepstate_raw_status_20250307.geojson" ] || skip "real data files missing"
CHECK="$PY $(dirname "$0")/real_control_check.py"
# The README's bounding box: the area the clipped layers cover.
cat >"$TMP/aoi.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.0,47.9],[38.8,47.9],[38.8,48.9],[37.0,48.9],[37.0,47.9]]]}}]}
JSON
# GeoNames places (README section 2a): Toretsk, Mar'yinka, Holmivskyi, the three
# Shevchenkos; Chasiv Yar (in the grey zone of 2025-03-07), Donetskyi and Nyzhnye
# (near slivers between the raw classes in the north-east).
PLACES="Toretsk=37.8478,48.39477 Maryinka=37.50544,47.94527 Holmivskyi=38.08203,48.40394
Shevchenko1=37.14467,48.22193 Shevchenko2=37.10824,48.38193 Shevchenko3=38.30082,48.1567
ChasivYar=37.83409,48.58768 Donetskyi=38.67627,48.6996 Nyzhnye=38.62198,48.77589"
ONE="--side-field status --side-map occupied=RU --other-side UA --aoi $TMP/aoi.geojson"

# Every DeepStateMap occupied-area date, one-sided: holders, distances, no
# front inside RU ground (the 2025-03-08 hole: Mar'yinka ~30 km, not 2.8).
for f in "$C"/deepstate_occupied_2*.geojson; do
  d=$(basename "$f" .geojson)
  # shellcheck disable=SC2086
  run run settlement-status --settlements "$P" --control "$f" $ONE --output "$TMP/s_$d.gpkg"
  expect_rc 0
  # shellcheck disable=SC2086
  run run frontline --control "$f" $ONE --output "$TMP/f_$d.gpkg"
  expect_rc 0
  expect_not_in "$OUT" "no --aoi given"
  expect_not_in "$OUT" "pieces"
  # shellcheck disable=SC2086
  if $CHECK "$TMP/s_$d.gpkg" "$TMP/f_$d.gpkg" "$f" status occupied RU UA $PLACES >"$TMP/check" 2>&1; then
    pass; else fail "$d: $(cat "$TMP/check")"; fi
done
# shellcheck disable=SC2086
run run frontline --control "$C/deepstate_occupied_20250308.geojson" $ONE --output "$TMP/w.gpkg"
expect_in "$OUT" "closed 1 hole below --min-area-km2 (0.01 km2): 0.000641 km2"
# Without an area of interest: a warning, and the same front within 30 m
# (7.8 km of it used to be lost near the bounding box on 2024-07-08); the
# data's own box touches the front where RU's ground ends short of 37.0 E.
# Every date (measured 2026-12-02: at most 26 m apart, on 2024-07-08).
for f in "$C"/deepstate_occupied_2*.geojson; do
  d=$(basename "$f" .geojson)
  run run frontline --control "$f" --side-field status \
    --side-map occupied=RU --other-side UA --output "$TMP/noaoi_$d.gpkg"
  expect_rc 0
  expect_in "$OUT" "no --aoi given"
  expect_near "$(sql "$TMP/noaoi_$d.gpkg" "SELECT sum(length_km) FROM frontline")" \
    "$(sql "$TMP/f_$d.gpkg" "SELECT length_km FROM frontline")" 0.03 0 \
    "$d: front without and with the area of interest"
done

# Grey-zone snapshots with a side map: two marked edges, few pieces, no
# phantom front along the 2015 line (Holmivskyi ~10 km from the front).
MAP="occupied,occupied_before_2022=RU;liberated=UA;unknown_grey_zone=contested"
for f in "$C"/deepstate_raw_status_2*.geojson; do
  d=$(basename "$f" .geojson)
  run run frontline --control "$f" --side-field status --side-map "$MAP" --other-side UA \
    --aoi "$TMP/aoi.geojson" --output "$TMP/g_$d.gpkg"
  expect_rc 0
  expect_not_in "$OUT" "pieces"
  expect_eq "$(sql "$TMP/g_$d.gpkg" "SELECT group_concat(edge) FROM (SELECT edge FROM frontline ORDER BY edge)")" \
    "RU,UA" "$d: the two edges of the grey zone"
  run run settlement-status --settlements "$P" --control "$f" --side-field status --side-map "$MAP" \
    --other-side UA --aoi "$TMP/aoi.geojson" --output "$TMP/gs_$d.gpkg"
  expect_rc 0
  h=$(sql "$TMP/gs_$d.gpkg" "SELECT dist_to_front_m FROM settlement_status WHERE name = 'Holmivskyi'")
  expect_near "$(awk -v h="$h" 'BEGIN{print (h > 9000) ? 1 : 0}')" 1 0 0 "$d: Holmivskyi $h m from the front"
  # Holders (RU, contested, UA) by OGR containment, distances to each side's
  # own edge by the oracle, both edges on their ground's boundary.
  # shellcheck disable=SC2086
  if $CHECK "$TMP/gs_$d.gpkg" "$TMP/g_$d.gpkg" "$f" status occupied,occupied_before_2022 RU UA \
    --grey unknown_grey_zone $PLACES >"$TMP/check" 2>&1; then pass; else fail "$d: $(cat "$TMP/check")"; fi
done

# The grey zone's centre line on 2025-03-07: every vertex checked (a spread
# sample of ~300) is as far from the RU edge as from the UA edge, within 1 %
# or 20 m (pyproj/OGR oracle, centre_line_check.py).
run run frontline --control "$C/deepstate_raw_status_20250307.geojson" --side-field status \
  --side-map "$MAP" --other-side UA --aoi "$TMP/aoi.geojson" --centre-line --output "$TMP/gc.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/gc.gpkg" "SELECT group_concat(edge) FROM (SELECT edge FROM frontline ORDER BY edge)")" \
  "RU,UA,centre" "2025-03-07: the two edges and the centre line"
if R=$($PY "$(dirname "$0")/centre_line_check.py" "$TMP/gc.gpkg"); then pass; else
  fail "2025-03-07: centre line not equidistant from the edges: $R"; fi

# Every ISW date, one-sided (its one class is RU's ground), against the oracle.
for f in "$C"/isw_control_simplified_2*.geojson; do
  d=$(basename "$f" .geojson)
  ISW="--side-field layer_type --side-map ukraine_control_map=RU --other-side UA --aoi $TMP/aoi.geojson"
  # shellcheck disable=SC2086
  run run settlement-status --settlements "$P" --control "$f" $ISW --output "$TMP/is_$d.gpkg"
  expect_rc 0
  # shellcheck disable=SC2086
  run run frontline --control "$f" $ISW --output "$TMP/if_$d.gpkg"
  expect_rc 0
  # shellcheck disable=SC2086
  if $CHECK "$TMP/is_$d.gpkg" "$TMP/if_$d.gpkg" "$f" layer_type ukraine_control_map RU UA $PLACES \
    >"$TMP/check" 2>&1; then pass; else fail "$d: $(cat "$TMP/check")"; fi
done

# ISW 2024-11-03 against DeepStateMap 2024-11-07, paired with a 4-day tolerance.
ogr2ogr -f GPKG "$TMP/two.gpkg" "$C/deepstate_occupied_20241107.geojson" -nln control \
  -sql "SELECT status, source, date FROM deepstate_occupied_20241107" 2>/dev/null
ogr2ogr -f GPKG -append "$TMP/two.gpkg" "$C/isw_control_simplified_20241103.geojson" -nln control \
  -sql "SELECT 'occupied' AS status, source, date FROM isw_control_simplified_20241103" 2>/dev/null
# shellcheck disable=SC2086
run run analyze --settlements "$P" --control "$TMP/two.gpkg" $ONE --date-tolerance-days 4 \
  --output "$TMP/two_out.gpkg"
expect_rc 0
expect_in "$OUT" "2024-11-03 ISW"
expect_in "$OUT" "2024-11-07 DeepStateMap"
expect_not_in "$OUT" "AS OF 2024-11-03"
expect_eq "$(sql "$TMP/two_out.gpkg" "SELECT sources_agree FROM settlement_status WHERE name = 'Toretsk' AND source LIKE 'DeepState%'")" \
  0 "Toretsk: ISW (UA) and DeepStateMap (RU) disagree"
finish
