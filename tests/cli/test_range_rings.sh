#!/usr/bin/env bash
# tests/cli/test_range_rings.sh - `frontline run range-rings` on
# sample_data/positions.geojson and weapons.geojson.
# Every vertex and every edge midpoint (read in lon/lat) is checked against
# pyproj's WGS84 geodesic distance by check_rings.py: max(1 m, 0.1 %) (RR2).
# Areas: pi (outer^2 - inner^2) by hand (0.5 %: the ellipsoid's curvature over
# 24 km changes a disc's area by < 1e-5; the rest is the 1-degree polygon,
# whose area is 1 - 0.9999 of the circle's) and pyproj's polygon area (0.1 %).
. "$(dirname "$0")/lib.sh"
need_sample positions.geojson weapons.geojson
HERE=$(dirname "$0")
POS=$SAMPLE/positions.geojson

# Constant rings (RR1, last case): 3 positions x 2 rings.
out=$TMP/c.gpkg
run run range-rings --positions "$POS" --distances 5000,12000 --radials 4 --output "$out"
expect_rc 0
expect_eq "$(count "$out" range_rings)" 6 "constant rings"
expect_eq "$(count "$out" range_radials)" 12 "radials: 3 positions x 4"
expect_near "$(sql "$out" "SELECT area_km2 FROM range_rings WHERE position_fid=2 AND ring=1")" \
  "$(awk 'BEGIN{printf "%.4f", 3.14159265*(12000^2-5000^2)/1e6}')" 0 0.005 "annulus 5-12 km area"
expect_near "$(sql "$out" "SELECT max(length_m) FROM range_radials")" 12000 0 0 "radial length"
if $PY "$HERE/check_rings.py" "$out" "$POS" >"$TMP/chk" 2>&1; then pass; else
  fail "constant rings off the geodesic range:"; sed 's/^/  /' "$TMP/chk" | tail -5; fi

# Per-position fields with sectors (RR1 second case, RR3): position 1: 2-15 km
# every 5 km in 180..300 -> 3 rings (2-7, 7-12, 12-15); position 2: 0-7 km full
# circle; position 3: 0.5-10 km in 0..90.
out=$TMP/f.gpkg
run run range-rings --positions "$POS" --max-field max_m --min-field min_m \
  --interval-field interval --bearing-start-field bearing_start --bearing-end-field bearing_end \
  --output "$out"
expect_rc 0
expect_eq "$(count "$out" range_rings)" 5 "per-position rings"
expect_near "$(sql "$out" "SELECT outer_m FROM range_rings WHERE position_fid=1 AND ring=2")" 15000 0 0 "last ring clipped to max"
expect_near "$(sql "$out" "SELECT inner_m FROM range_rings WHERE position_fid=1 AND ring=2")" 12000 0 0 "last ring inner"
# Sector of 120 degrees of the 2-7 km annulus: pi (7^2 - 2^2) / 3 km2.
expect_near "$(sql "$out" "SELECT area_km2 FROM range_rings WHERE position_fid=1 AND ring=0")" \
  "$(awk 'BEGIN{printf "%.4f", 3.14159265*(49-4)/3}')" 0 0.005 "sector area"
if $PY "$HERE/check_rings.py" "$out" "$POS" >"$TMP/chk" 2>&1; then pass; else
  fail "sector rings off the geodesic range:"; sed 's/^/  /' "$TMP/chk" | tail -5; fi

# Weapons table (RR1 first case): mortar 1 row, howitzer 1, drone 2.
out=$TMP/w.gpkg
run run range-rings --positions "$POS" --weapons "$SAMPLE/weapons.geojson" --output "$out"
expect_rc 0
expect_eq "$(count "$out" range_rings)" 4 "weapon rings"
expect_eq "$(sql "$out" "SELECT group_concat(weapon) FROM (SELECT weapon FROM range_rings ORDER BY position_fid, ring)")" \
  "howitzer,mortar,drone,drone" "weapons joined"
expect_near "$(sql "$out" "SELECT outer_m FROM range_rings WHERE position_fid=3 AND ring=1")" 20000 0 0 "second drone row"

# Positions in UTM 37N: output stays in the input CRS (RR5), ranges unchanged.
utm=$TMP/pos_utm.gpkg
ogr2ogr -f GPKG -t_srs EPSG:32637 "$utm" "$POS" -nln positions 2>/dev/null
out=$TMP/u.gpkg
run run range-rings --positions "$utm:positions" --distances 3000,24000 --output "$out"
expect_rc 0
expect_in <(ogrinfo -ro -so "$out" range_rings 2>/dev/null) 'UTM zone 37N'
if $PY "$HERE/check_rings.py" "$out" "$POS" >"$TMP/chk" 2>&1; then pass; else
  fail "UTM rings off the geodesic range:"; sed 's/^/  /' "$TMP/chk" | tail -5; fi

# Errors (RR4): one sentence, exit 1, nothing written.
run run range-rings --positions "$POS" --distances 5000,3000 --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "--distances must be strictly increasing"
expect_no_file "$TMP/e.gpkg"
printf '%s\n' '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x","weapon":"rocket"},"geometry":{"type":"Point","coordinates":[37.8,48.4]}}]}' >"$TMP/p.geojson"
run run range-rings --positions "$TMP/p.geojson" --weapons "$SAMPLE/weapons.geojson" --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "feature 1: weapon 'rocket' has no row in the weapons table"
expect_no_file "$TMP/e.gpkg"
run run range-rings --positions "$POS" --max-field name --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "field 'name' (--max-field) is not a finite number"
run run range-rings --positions "$SAMPLE/front.geojson" --distances 1000 --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "this parameter takes points"

# bands accepts points (it buffers them): 5 km disc around each position.
out=$TMP/b.gpkg
run run bands --front "$POS" --distances 5000 --output "$out"
expect_rc 0
expect_near "$(sql "$out" "SELECT sum(area_km2) FROM bands")" \
  "$(awk 'BEGIN{printf "%.4f", 3*3.14159265*25}')" 0 0.005 "bands around 3 points"
finish
