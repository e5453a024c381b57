#!/usr/bin/env bash
# tests/cli/test_bands.sh - `frontline run bands` on sample_data/.
# Expected areas: tests/cli/oracle.py (OGR buffer in an aeqd frame + pyproj
# geodesic area); tolerance 0.5 % (the frame, the oracle's 256-segment
# quarter circles and the tool's own buffer approximation).
. "$(dirname "$0")/lib.sh"
need_sample front.geojson control.geojson mask.geojson

out=$TMP/bands.gpkg
run run bands --front "$SAMPLE/front.geojson" --output "$out"
expect_rc 0; expect_file "$out"
expect_eq "$(layers "$out")" "bands" "layers of $out"
# front.geojson: 2 sources x 2 dates = 4 front groups; 4 default bands each.
expect_eq "$(count "$out" bands)" 16 "bands features"
expect_in "$OUT" "16 band polygons written to $out (layer bands)"
expect_eq "$(sql "$out" "SELECT count(DISTINCT band) FROM bands")" 4 "distinct bands"
expect_near "$(sql "$out" "SELECT max(outer_m) FROM bands")" 40000 0 0 "largest outer_m"
expect_eq "$(sql "$out" "SELECT count(*) FROM bands WHERE side='both'")" 16 "side both"
expect_empty "$ERR"   # stderr is not a terminal: no progress

# One group, two bands: areas against the oracle (front source_ua 2024-10-15).
out2=$TMP/bands2.gpkg
run run bands --front "$SAMPLE/front.geojson" --source source_ua --date 2024-10-15 \
  --distances 5000,10000 --output "$out2"
expect_rc 0
expect_eq "$(count "$out2" bands)" 2 "bands of one group"
expect_near "$(sql "$out2" "SELECT area_km2 FROM bands WHERE band=0")" 948.951 0 0.005 "band 0 area km2"
expect_near "$(sql "$out2" "SELECT area_km2 FROM bands WHERE band=1")" 1052.877 0 0.005 "band 1 area km2"
expect_near "$(sql "$out2" "SELECT inner_m FROM bands WHERE band=1")" 5000 0 0 "band 1 inner_m"
expect_near "$(sql "$out2" "SELECT outer_m FROM bands WHERE band=1")" 10000 0 0 "band 1 outer_m"
# (B2) bands do not overlap: the union's area equals the sum of the areas.
overlap=$($PY - "$out2" <<'PYEOF'
import sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
g = [f.GetGeometryRef().Clone() for f in ds.GetLayer(0)]
inter = g[0].Intersection(g[1])
print(inter.GetArea() if inter.GetDimension() == 2 else 0.0)  # touching edges only: no area
PYEOF
)
expect_near "$overlap" 0 1e-9 0 "overlap of band 0 and band 1 (deg2)"

# Left + right = both less the two round end caps: one-sided buffers end
# flat, so together they miss a half disc at each end of the line, pi r^2 in
# all (hand geometry: 948.951 - pi x 5^2 = 948.951 - 78.540 = 870.411 km2;
# tolerance 0.5 %).
for s in left right; do
  run run bands --front "$SAMPLE/front.geojson" --source source_ua --date 2024-10-15 \
    --distances 5000 --side $s --output "$TMP/b_$s.geojson"
  expect_rc 0
done
l=$(sql "$TMP/b_left.geojson" "SELECT area_km2 FROM \"$(layer1 "$TMP/b_left.geojson")\"")
r=$(sql "$TMP/b_right.geojson" "SELECT area_km2 FROM \"$(layer1 "$TMP/b_right.geojson")\"")
expect_near "$(awk -v a="$l" -v b="$r" 'BEGIN{print a+b}')" 870.411 0 0.005 "left + right band 0 area"
expect_eq "$(sql "$TMP/b_left.geojson" "SELECT side FROM \"$(layer1 "$TMP/b_left.geojson")\"")" left "side field"

# Mask clips: every band inside the sector mask, total area below the unclipped one.
run run bands --front "$SAMPLE/front.geojson" --source source_ua --date 2024-10-15 \
  --distances 5000,10000 --mask "$SAMPLE/mask.geojson" --output "$TMP/masked.sqlite"
expect_rc 0
expect_eq "$(count "$TMP/masked.sqlite" bands)" 2 "masked bands (SpatiaLite output)"
m=$(sql "$TMP/masked.sqlite" "SELECT sum(area_km2) FROM bands")
expect_near "$(awk -v m="$m" 'BEGIN{print (m < 948.951 + 1052.877) ? 1 : 0}')" 1 0 0 "masked area below unclipped"

# held_by needs control; with it, only that side's ground.
run run bands --front "$SAMPLE/front.geojson" --held-by UA --output "$TMP/h.gpkg"
expect_rc 1; expect_in "$ERR" "--held-by needs the control layer"
run run bands --front "$SAMPLE/front.geojson" --control "$SAMPLE/control.geojson" \
  --held-by UA --source source_ua --date 2024-10-15 --distances 5000 --output "$TMP/h.gpkg"
expect_rc 0
h=$(sql "$TMP/h.gpkg" "SELECT sum(area_km2) FROM bands")
expect_near "$(awk -v h="$h" 'BEGIN{print (h > 948.951 * 0.3 && h < 948.951 * 0.7) ? 1 : 0}')" 1 0 0 \
  "UA-held share of band 0 (about half of 948.951 km2), got $h"
# Across 180 (tests/cli/antimeridian.py, OGR + pyproj): a front along 65 N from
# 176 E to 176 W, as one line that jumps from 180 to -180 and as two lines
# split at +-180. Each band is valid, every lon in -180..180, cut at +-180
# into parts spanning a few degrees (not one drawn across the world, ~360);
# band 0's area is OGR's buffer in a frame centred on 180 (tolerance 0.3 %).
$PY "$(dirname "$0")/antimeridian.py" make "$TMP"
want=$($PY "$(dirname "$0")/antimeridian.py" area 10000)
for f in front front_split; do
  run run bands --front "$TMP/$f.geojson" --distances 10000,20000 --output "$TMP/am_$f.geojson"
  expect_rc 0
  read -r valid lon_ok span _ area <<<"$($PY "$(dirname "$0")/antimeridian.py" check "$TMP/am_$f.geojson")"
  expect_eq "$valid $lon_ok" "1 1" "$f bands across 180: valid, lon in -180..180"
  expect_near "$span" 4.5 0 0.1 "$f bands across 180: widest lon extent of a part (deg)"
  a0=$(sql "$TMP/am_$f.geojson" "SELECT area_km2 FROM \"$(layer1 "$TMP/am_$f.geojson")\" WHERE band=0")
  expect_near "$a0" "$want" 0 0.003 "$f bands across 180: band 0 area (km2)"
done
# A projected output CRS (tests/cli/projected_bands.py, OGR + pyproj): a front
# of 250-400 km edges in UTM 37N (EPSG:32637) gives bands in EPSG:32637 whose
# every edge, read straight in that CRS and moved back to lon/lat, lies within
# max(1 m, 0.1 %) of its band distance from the front's geodesics.
$PY "$(dirname "$0")/projected_bands.py" make "$TMP/utm_front.gpkg"
run run bands --front "$TMP/utm_front.gpkg" --distances 10000,40000 --output "$TMP/utm_bands.gpkg"
expect_rc 0
read -r srs n worst <<<"$($PY "$(dirname "$0")/projected_bands.py" check "$TMP/utm_bands.gpkg" 10000,40000)"
expect_eq "$srs" 32637 "bands of a UTM 37N front are written in EPSG:32637"
expect_near "$(awk -v w="$worst" -v n="$n" 'BEGIN{print (w <= 1 && n > 1000) ? 1 : 0}')" 1 0 0 \
  "UTM 37N band edges within max(1 m, 0.1 %) of the distance: worst $worst of it over $n samples"
finish
