#!/usr/bin/env bash
# tests/cli/test_route_exposure.sh - `frontline run route-exposure`.
# Expected values: tests/cli/oracle.py. Route lengths are pyproj geodesic
# lengths (tolerance 0.1 %); closest approaches are the minimum over the
# route densified every 10 m of the exact aeqd distance to the front
# (tolerance max(5 m, 0.5 %): the 10 m sampling); crossings from OGR.
. "$(dirname "$0")/lib.sh"
need_sample routes.geojson front.geojson control.geojson

out=$TMP/exp.gpkg
run run route-exposure --routes "$SAMPLE/routes.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --output "$out"
expect_rc 0
expect_eq "$(layers "$out")" "route_exposure" "layers"
expect_eq "$(count "$out" route_exposure)" 16 "one row per route (one front group)"
byname() { sql "$out" "SELECT $1 FROM route_exposure WHERE name LIKE '$2'"; }
expect_near "$(byname length_km 'M-03%')" 37.409 0 0.001 "M-03 length_km"
expect_near "$(byname length_km 'T-0513%')" 43.885 0 0.001 "T-0513 length_km"
expect_near "$(byname length_km 'Kostiantynivka–Druzhkivka railway')" 23.489 0 0.001 "railway 13 length_km"
expect_near "$(byname length_km 'O-0506%')" 11.833 0 0.001 "O-0506 length_km"
# Crossing the front: closest approach 0 (R3).
expect_near "$(byname min_dist_to_front_m 'T-0516%')" 0 1 0 "T-0516 crosses the front"
expect_near "$(byname min_dist_to_front_m 'H-32 (T-0504)%')" 0 1 0 "H-32 crosses the front"
# Not crossing.
expect_near "$(byname min_dist_to_front_m 'Mykytivka–Maiorsk–Bakhmut railway')" 805.6 5 0.005 "railway 16 closest"
expect_near "$(byname min_dist_to_front_m 'M-03%')" 1619.4 5 0.005 "M-03 closest"
expect_near "$(byname min_dist_to_front_m 'T-0513%')" 1202.2 5 0.005 "T-0513 closest"
expect_near "$(byname min_dist_to_front_m 'H-20 Kostiantynivka–Druzhkivka')" 14714.6 5 0.005 "H-20 north closest"
# Band columns add up to exposed_km, which is at most length_km (R4).
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE abs(km_0_5000 + km_5000_10000 + km_10000_20000 + km_20000_40000 - exposed_km) > 0.01")" 0 "bands add up to exposed_km"
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE exposed_km > length_km + 0.001 OR exposed_share < 0 OR exposed_share > 1 + 1e-9")" 0 "exposed within length"
# A route 14.7 km away has no km in 0-5 km; one that crosses has some.
expect_near "$(byname km_0_5000 'H-20 Kostiantynivka–Druzhkivka')" 0 0.001 0 "H-20 north km_0_5000"
expect_near "$(awk -v k="$(byname km_0_5000 'T-0516%')" 'BEGIN{print (k > 1) ? 1 : 0}')" 1 0 0 "T-0516 has km within 5 km"

# held_by: measure from a side's ground; needs control.
run run route-exposure --routes "$SAMPLE/routes.geojson" --held-by RU --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--held-by needs the control layer"
run run route-exposure --routes "$SAMPLE/routes.geojson" --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "missing required parameter --front"
expect_no_file "$TMP/x.gpkg"
run run route-exposure --routes "$SAMPLE/routes.geojson" --control "$SAMPLE/control.geojson" \
  --held-by RU --source source_ua --date 2024-10-15 --output "$TMP/held.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/held.gpkg" route_exposure)" 16 "held_by rows"
finish
