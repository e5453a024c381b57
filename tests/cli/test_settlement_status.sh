#!/usr/bin/env bash
# tests/cli/test_settlement_status.sh - `frontline run settlement-status`.
# Expected holders: tests/cli/oracle.py (OGR point-in-polygon in an aeqd frame
# centred on each settlement; every one of the 50 is more than 300 m from any
# control edge in group source_ua 2024-10-15): UA 28, RU 21, none 1
# (Novoselivka, south of the sector). Distances: oracle, tolerance
# max(1 m, 0.1 %) as DESIGN.md section 4 asks.
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson control.geojson front.geojson settlements_polygons.geojson

out=$TMP/status.gpkg
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --output "$out"
expect_rc 0
expect_eq "$(layers "$out")" "settlement_status" "layers"
expect_eq "$(count "$out" settlement_status)" 50 "rows (50 settlements, one group)"
expect_eq "$(sql "$out" "SELECT count(*) FROM settlement_status WHERE side='UA'")" 28 "held by UA"
expect_eq "$(sql "$out" "SELECT count(*) FROM settlement_status WHERE side='RU'")" 21 "held by RU"
expect_eq "$(sql "$out" "SELECT status FROM settlement_status WHERE name='Novoselivka'")" unknown "Novoselivka status"
expect_eq "$(sql "$out" "SELECT count(*) FROM settlement_status WHERE status='held'")" 49 "held rows (no contested ground in this group)"
expect_eq "$(sql "$out" "SELECT side FROM settlement_status WHERE name='Toretsk'")" UA "Toretsk holder"
expect_eq "$(sql "$out" "SELECT side FROM settlement_status WHERE name='Horlivka'")" RU "Horlivka holder"
expect_near "$(sql "$out" "SELECT share_UA FROM settlement_status WHERE name='Toretsk'")" 1 0 0 "Toretsk share_UA (a point: 0 or 1)"
expect_near "$(sql "$out" "SELECT dist_to_front_m FROM settlement_status WHERE name='Toretsk'")" 3140.3 1 0.001 "Toretsk dist_to_front_m"
expect_near "$(sql "$out" "SELECT dist_to_front_m FROM settlement_status WHERE name='Kostiantynivka'")" 13650.8 1 0.001 "Kostiantynivka dist_to_front_m"
expect_near "$(sql "$out" "SELECT dist_to_front_m FROM settlement_status WHERE name='Horlivka'")" 11212.3 1 0.001 "Horlivka dist_to_front_m"
# band: Toretsk 3.1 km -> band 0 (0-5 km); Kostiantynivka 13.7 km -> band 2 (10-20 km).
expect_eq "$(sql "$out" "SELECT band FROM settlement_status WHERE name='Toretsk'")" 0 "Toretsk band"
expect_eq "$(sql "$out" "SELECT band FROM settlement_status WHERE name='Kostiantynivka'")" 2 "Kostiantynivka band"
expect_in "$OUT" "50 settlement rows written"
expect_in "$OUT" "By status:"

# front_distance false: containment only; the same holders, no distance or band.
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --front-distance false --output "$TMP/nodist.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/nodist.gpkg" "SELECT count(*) FROM settlement_status WHERE side='UA'")" 28 "held by UA, containment only"
expect_eq "$(sql "$TMP/nodist.gpkg" "SELECT count(*) FROM settlement_status WHERE dist_to_front_m IS NOT NULL OR band IS NOT NULL")" 0 "no distances with front_distance false"

# S3: contested within 5 km of the front: Toretsk (3.1 km) and Chasiv Yar
# (2.9 km) become contested, Kostiantynivka (13.7 km) stays held.
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --contested-dist-m 5000 --output "$TMP/s3.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/s3.gpkg" "SELECT status FROM settlement_status WHERE name='Toretsk'")" contested "Toretsk with contested_dist_m 5000"
expect_eq "$(sql "$TMP/s3.gpkg" "SELECT status FROM settlement_status WHERE name='Chasiv Yar'")" contested "Chasiv Yar with contested_dist_m 5000"
expect_eq "$(sql "$TMP/s3.gpkg" "SELECT status FROM settlement_status WHERE name='Kostiantynivka'")" held "Kostiantynivka with contested_dist_m 5000"

# Every group: 50 settlements x 4 (source, date) groups; front derived from control.
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --output "$TMP/all.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/all.gpkg" settlement_status)" 200 "rows, all groups"
expect_eq "$(sql "$TMP/all.gpkg" "SELECT count(*) FROM settlement_status WHERE sources_agree IS NOT NULL")" 200 "sources_agree filled"

# Polygons (S2): shares in 0..1.
run run settlement-status --settlements "$SAMPLE/settlements_polygons.geojson" \
  --control "$SAMPLE/control.geojson" --source source_ua --date 2024-10-15 --output "$TMP/poly.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/poly.gpkg" settlement_status)" 6 "polygon settlements"
expect_eq "$(sql "$TMP/poly.gpkg" "SELECT count(*) FROM settlement_status WHERE share_UA < 0 OR share_UA > 1 OR share_RU < 0 OR share_RU > 1")" 0 "shares within 0..1"

# Errors name the parameter, layer and field.
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --name-field nom --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--name-field: layer"; expect_in "$ERR" "no field 'nom'"
expect_in "$ERR" "id, name, population"
run run settlement-status --settlements "$SAMPLE/routes.geojson" \
  --control "$SAMPLE/control.geojson" --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--settlements: layer"; expect_in "$ERR" "points or polygons"
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --split-share 2 --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--split-share must be a number between 0.5 and 1, got '2'"
expect_no_file "$TMP/x.gpkg"
finish
