#!/usr/bin/env bash
# tests/cli/test_real_data.sh - runs on ../shared/real_data/ (not part of the
# project; skipped with 77 when absent). Expected facts come from that
# folder's README.md, not from Frontline: the DeepStateMap layer of
# 2024-11-07 has the Toretsk GeoNames point inside the occupied ground, the
# one of 2024-10-08 does not (it entered only on 2024-10-16).
. "$(dirname "$0")/lib.sh"
[ -n "$REAL" ] && [ -d "$REAL" ] || skip "real data folder '${REAL:-}' is absent"
C=$REAL/control
P=$REAL/settlements/geonames_places_pop200_bbox.geojson
R=$REAL/transport/osm_railways_within_towns_bbox.geojson
for f in "$C/deepstate_occupied_20241107.geojson" "$C/deepstate_occupied_20241008.geojson" "$P" "$R"; do
  [ -r "$f" ] || skip "$f is missing"
done

# The occupied layers have no side field: their status ('occupied') is the side.
for d in 20241008 20241107; do
  run run settlement-status --settlements "$P" --control "$C/deepstate_occupied_$d.geojson" \
    --side-field status --output "$TMP/s$d.gpkg"
  expect_rc 0
  expect_eq "$(count "$TMP/s$d.gpkg" settlement_status)" 225 "settlement rows $d (225 GeoNames places)"
done
expect_eq "$(sql "$TMP/s20241107.gpkg" "SELECT side FROM settlement_status WHERE name='Toretsk'")" occupied "Toretsk 2024-11-07"
expect_eq "$(sql "$TMP/s20241008.gpkg" "SELECT status FROM settlement_status WHERE name='Toretsk'")" unknown "Toretsk 2024-10-08"

# One-side front of the occupied ground, clipped data: a line, km long.
run run frontline --control "$C/deepstate_occupied_20241107.geojson" --side-field status \
  --output "$TMP/front.gpkg"
expect_rc 0
len=$(sql "$TMP/front.gpkg" "SELECT sum(length_km) FROM frontline")
expect_near "$(awk -v l="$len" 'BEGIN{print (l > 50) ? 1 : 0}')" 1 0 0 "front length over 50 km (got $len km)"

# 225 places against 4,543 railway lines.
run run nearest-route --settlements "$P" --routes "$R" --output "$TMP/near.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/near.gpkg" nearest_route)" 225 "nearest railway rows"
finish
