#!/usr/bin/env bash
# tests/cli/test_route_view.sh - `route-exposure --dem --observers`: the km of
# each route in view of the observers (R7)-(R8, docs/tools/route-exposure.md).
# Oracle: tests/cli/route_view_oracle.py cuts the routes with the seen ground
# that `frontline run viewshed` writes as polygons (same settings), in OGR,
# and measures the pieces with pyproj's geodesic length; tolerance
# max(2 m, 0.1 %). The real-data case is the worked example of the docs.
. "$(dirname "$0")/lib.sh"
need_sample dem_toretsk.tif positions.geojson routes.geojson front.geojson
HERE=$(dirname "$0")
DEM=$SAMPLE/dem_toretsk.tif
POS=$SAMPLE/positions.geojson
VIEW=(--observers "$POS" --observer-height-field height_m --target-height-m 3 --max-range-m 12000)

out=$TMP/rv.gpkg
run run route-exposure --routes "$SAMPLE/routes.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --dem "$DEM" "${VIEW[@]}" --output "$out" --json
expect_rc 0
json_ok "$OUT"
expect_eq "$(count "$out" route_exposure)" 16 "one row per route"
run run viewshed --dem "$DEM" "${VIEW[@]}" --output "$TMP/vs.gpkg"
expect_rc 0
$PY "$HERE/route_view_oracle.py" "$SAMPLE/routes.geojson" routes "$TMP/vs.gpkg" >"$TMP/oracle.txt"
n=0
while IFS='|' read -r name km; do
  name=${name% }; km=${km# }
  got=$(sql "$out" "SELECT in_view_km FROM route_exposure WHERE name = '${name//\'/\'\'}'")
  expect_near "$got" "$km" 0.002 0.001 "in_view_km of '$name' vs OGR cut + pyproj"
  n=$((n + 1))
done <"$TMP/oracle.txt"
expect_eq "$n" 16 "oracle rows"
# Some routes are partly in view, some not at all (the sample's terrain).
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE in_view_km > 0.5 AND in_view_km < length_km - 0.5")" 12 "routes partly in view"
# Bands in view add up to view_exposed_km, which is at most in_view_km and exposed_km.
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE abs(view_km_0_5000 + view_km_5000_10000 + view_km_10000_20000 + view_km_20000_40000 - view_exposed_km) > 0.001")" 0 "view bands add up"
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE view_exposed_km > in_view_km + 1e-9 OR view_exposed_km > exposed_km + 0.001 OR in_view_km > length_km + 0.001")" 0 "in view within exposed and length"
# (R8) the geometry is the part in view and in range: its geodesic length is view_exposed_km.
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE abs(ST_Length(geom, 1) / 1000 - view_exposed_km) > 0.002 + 0.001 * view_exposed_km")" 0 "geometry length = view_exposed_km"
expect_eq "$(sql "$out" "SELECT count(*) FROM route_exposure WHERE view_exposed_km = 0 AND geom IS NOT NULL")" 0 "no geometry without km in view"

# Errors: observers without a DEM, a DEM without observers.
run run route-exposure --routes "$SAMPLE/routes.geojson" --front "$SAMPLE/front.geojson" \
  --observers "$POS" --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "--observers needs --dem: the routes in view are found on a DEM"
expect_no_file "$TMP/e.gpkg"
run run route-exposure --routes "$SAMPLE/routes.geojson" --front "$SAMPLE/front.geojson" \
  --dem "$DEM" --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "--dem needs --observers: the points from which the routes are seen"
run run route-exposure --routes "$SAMPLE/routes.geojson" --front "$SAMPLE/front.geojson" \
  --dem "$SAMPLE/routes.geojson" --observers "$POS" --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "cannot be read as a raster"
expect_no_file "$TMP/e.gpkg"

# Real data: the worked example (the Н-32 and Kostiantynivska street in
# Chasiv Yar, OSM; DeepStateMap 2025-03-08 occupied ground as the reach).
R=$REAL/transport/osm_major_roads_within_towns_bbox.geojson
C=$REAL/control/deepstate_occupied_20250308.geojson
if [ -n "$REAL" ] && [ -f "$R" ] && [ -f "$C" ]; then
  ogr2ogr -f GPKG "$TMP/we.gpkg" "$R" -nln route -spat 37.70 48.50 37.86 48.60 \
    -where "ref = 'Н-32' OR name = 'Костянтинівська вулиця'" 2>/dev/null
  ogr2ogr -f GeoJSON "$TMP/obs.geojson" "$POS" -where "id = 1" 2>/dev/null
  OBS=(--observers "$TMP/obs.geojson" --observer-height-field height_m --target-height-m 3 --max-range-m 24000)
  run run route-exposure --routes "$TMP/we.gpkg:route" --control "$C" --side-field status \
    --held-by occupied --distances 10000,20000,30000 --dem "$DEM" "${OBS[@]}" --output "$TMP/we_out.gpkg"
  expect_rc 0
  run run viewshed --dem "$DEM" "${OBS[@]}" --output "$TMP/we_vs.gpkg"
  want=$($PY "$HERE/route_view_oracle.py" "$TMP/we.gpkg" route "$TMP/we_vs.gpkg" | awk -F'|' '{s += $2} END {printf "%.6f", s}')
  expect_near "$(sql "$TMP/we_out.gpkg" "SELECT sum(in_view_km) FROM route_exposure")" "$want" 0.002 0.001 "worked example: km in view"
  expect_near "$want" 3.653 0.01 0 "worked example: the documented 3.65 km"
  expect_near "$(sql "$TMP/we_out.gpkg" "SELECT sum(view_km_0_10000) FROM route_exposure")" "$want" 0.002 0.001 "worked example: all of it within 10 km of occupied ground"
fi
finish
