#!/usr/bin/env bash
# tests/cli/test_errors.sh - bad input gives exit 1 and one sentence naming
# the parameter, the layer, the feature and the field; nothing crashes.
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson control.geojson front.geojson routes.geojson \
  invalid/bowtie_control.geojson invalid/null_side.geojson invalid/bad_lonlat.geojson \
  invalid/empty.geojson

# Missing file.
run run bands --front "$TMP/none.geojson" --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--front"; expect_in "$ERR" "$TMP/none.geojson"

# Wrong geometry: points given as the front.
run run bands --front "$SAMPLE/settlements.geojson" --output "$TMP/x.gpkg"
expect_rc 1
expect_in "$ERR" "--front"; expect_in "$ERR" "feature "; expect_in "$ERR" "takes lines"

# A layer name a GeoPackage does not hold.
run run bands --front "$SAMPLE/front.geojson" --output "$TMP/b.gpkg"
expect_rc 0
run run frontline --control "$TMP/b.gpkg:nolayer" --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "--control"; expect_in "$ERR" "nolayer"
# ... while path.gpkg:layer of an existing layer reads (bands are polygons).
run run nearest-route --settlements "$TMP/b.gpkg:bands" --routes "$SAMPLE/routes.geojson" \
  --output "$TMP/nb.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/nb.gpkg" nearest_route)" 16 "nearest route of 16 band polygons"
expect_no_file "$TMP/x.gpkg"

# A bow-tie control polygon is repaired, and the summary says so.
run run frontline --control "$SAMPLE/invalid/bowtie_control.geojson" --output "$TMP/bow.gpkg"
if [ "$RC" -eq 0 ]; then pass; expect_in "$OUT" "Warning:"; else
  expect_rc 0
fi

# A NULL side, bad coordinates, an empty layer: exit 1 with a sentence, or 0; never a crash.
for f in null_side bad_lonlat empty; do
  run run frontline --control "$SAMPLE/invalid/$f.geojson" --output "$TMP/$f.gpkg"
  if [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ]; then pass; else fail "$LAST: exit $RC (crash?)"; fi
  if [ "$RC" -eq 1 ]; then expect_in "$ERR" "frontline: error: "; fi
done
run run frontline --control "$SAMPLE/invalid/null_side.geojson" --output "$TMP/ns.gpkg"
if [ "$RC" -eq 1 ]; then expect_in "$ERR" "side"; fi
finish
