#!/usr/bin/env bash
# tests/cli/test_nearest_route.sh - `frontline run nearest-route`.
# Expected distances: tests/cli/oracle.py (route densified along geodesics
# every 50 m, measured in an aeqd frame centred on the settlement, where
# distances from the centre are exact); tolerance max(1 m, 0.1 %).
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson routes.geojson

out=$TMP/near.gpkg
run run nearest-route --settlements "$SAMPLE/settlements.geojson" --routes "$SAMPLE/routes.geojson" \
  --output "$out"
expect_rc 0
expect_eq "$(layers "$out")" "nearest_route" "layers"
expect_eq "$(count "$out" nearest_route)" 50 "one row per settlement"
q() { sql "$out" "SELECT $1 FROM nearest_route WHERE name='$2'"; }
expect_near "$(q dist_m Toretsk)" 323.2 1 0.001 "Toretsk dist_m"
expect_eq "$(q route_id Toretsk)" 8 "Toretsk route_id (O-0524)"
expect_near "$(q dist_m 'Chasiv Yar')" 34.5 1 0.001 "Chasiv Yar dist_m"
expect_eq "$(q route_id 'Chasiv Yar')" 6 "Chasiv Yar route_id"
expect_near "$(q dist_m Horlivka)" 16.9 1 0.001 "Horlivka dist_m"
expect_eq "$(q route_id Horlivka)" 9 "Horlivka route_id (T-0516)"
expect_eq "$(q route_name Horlivka)" "T-0516 Toretsk–Horlivka" "Horlivka route_name"
expect_near "$(q dist_m Niu-York)" 4526.8 1 0.001 "Niu-York dist_m"
expect_eq "$(q route_class Niu-York)" rail "Niu-York route_class"
expect_near "$(q dist_m Kostiantynivka)" 957.0 1 0.001 "Kostiantynivka dist_m"
expect_in "$OUT" "50 settlement rows written"

# classes: rail only.
out=$TMP/rail.geojson
run run nearest-route --settlements "$SAMPLE/settlements.geojson" --routes "$SAMPLE/routes.geojson" \
  --classes rail --output "$out"
expect_rc 0
L=$(layer1 "$out")
expect_eq "$(count "$out" "$L")" 50 "rows, rail only"
expect_eq "$(sql "$out" "SELECT count(*) FROM \"$L\" WHERE route_class <> 'rail'")" 0 "only rail"
expect_near "$(sql "$out" "SELECT dist_m FROM \"$L\" WHERE name='Toretsk'")" 2393.7 1 0.001 "Toretsk to rail"
expect_eq "$(sql "$out" "SELECT route_id FROM \"$L\" WHERE name='Toretsk'")" 15 "Toretsk rail route_id"
expect_near "$(sql "$out" "SELECT dist_m FROM \"$L\" WHERE name='Horlivka'")" 5739.2 1 0.001 "Horlivka to rail"

run run nearest-route --settlements "$SAMPLE/settlements.geojson" --routes "$SAMPLE/routes.geojson" \
  --class-field kind --classes rail --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--class-field"; expect_in "$ERR" "no field 'kind'"
expect_in "$ERR" "id, name, class, ref"
expect_no_file "$TMP/x.gpkg"
finish
