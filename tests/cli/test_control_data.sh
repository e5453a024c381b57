#!/usr/bin/env bash
# tests/cli/test_control_data.sh - control data as analysts get it (issue 10)
# through the CLI: the side map, and messages that recommend only options the
# tool has. Layers are written here; expected figures are worked out by hand.
. "$(dirname "$0")/lib.sh"

# Three classes in one strip at 48.0-48.5 N: liberated 37.0-37.5 E,
# occupied 37.5-37.75, occupied_before_2022 37.75-38.0; a place at 37.9.
box() { echo "[[[$1,48.0],[$2,48.0],[$2,48.5],[$1,48.5],[$1,48.0]]]"; }
feat() { echo "{\"type\":\"Feature\",\"properties\":{\"status\":\"$1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":$(box "$2" "$3")}}"; }
cat >"$TMP/raw.geojson" <<JSON
{"type":"FeatureCollection","features":[$(feat liberated 37.0 37.5),$(feat occupied 37.5 37.75),$(feat occupied_before_2022 37.75 38.0)]}
JSON
cat >"$TMP/places.geojson" <<JSON
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Point","coordinates":[37.9,48.25]}}]}
JSON

# Regression (issue 10, item 6): three sides; the message names --side-map,
# which settlement-status has, never --side-a/--side-b, which it refuses.
run run settlement-status --settlements "$TMP/places.geojson" --control "$TMP/raw.geojson" \
  --side-field status --output "$TMP/s.gpkg"
expect_rc 1
expect_in "$ERR" "--side-map"
expect_not_in "$ERR" "--side-a"
expect_not_in "$ERR" "--side-b"

# A value the map does not name: listed with its feature count.
run run frontline --control "$TMP/raw.geojson" --side-field status --side-map "occupied=RU" \
  --output "$TMP/f.gpkg"
expect_rc 1
expect_in "$ERR" "'liberated' (1 feature)"
expect_in "$ERR" "'occupied_before_2022' (1 feature)"
expect_no_file "$TMP/f.gpkg"

# Mapped: one front RU/UA along 37.5 E (55597.59 m, pyproj, minus 2 x 750 m
# at the data's outer edge), none along the seam at 37.75 E.
run run frontline --control "$TMP/raw.geojson" --side-field status \
  --side-map "occupied,occupied_before_2022=RU;liberated=UA" --output "$TMP/f.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/f.gpkg" frontline)" 1 "one contact line"
expect_near "$(sql "$TMP/f.gpkg" "SELECT length_km FROM frontline")" 54.098 0.03 0 "front length km"
expect_eq "$(sql "$TMP/f.gpkg" "SELECT side_a || '/' || side_b FROM frontline")" "RU/UA" "sides"

run run settlement-status --settlements "$TMP/places.geojson" --control "$TMP/raw.geojson" \
  --side-field status --side-map "occupied,occupied_before_2022=RU;liberated=UA" \
  --output "$TMP/s.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/s.gpkg" "SELECT side || ' ' || status FROM settlement_status")" "RU held" "East"

# Centre line of a grey zone: UA south of 48.2 N, a grey strip 2 km wide
# (the latitude 2,000 m north along the meridian, pyproj), RU north of it,
# all from 37.2 to 37.8 E. Both sides' edges run along the parallels, so the
# centre line lies 1,000 m from each (checked on the ellipsoid, within 20 m
# where both edges run).
N=$($PY -c "import pyproj; print('%.9f' % pyproj.Geod(ellps='WGS84').fwd(37.5, 48.2, 0, 2000)[1])")
band() { echo "{\"type\":\"Feature\",\"properties\":{\"status\":\"$1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[37.2,$2],[37.8,$2],[37.8,$3],[37.2,$3],[37.2,$2]]]}}"; }
cat >"$TMP/strip.geojson" <<JSON
{"type":"FeatureCollection","features":[$(band liberated 48.0 48.2),$(band grey 48.2 "$N"),$(band occupied "$N" 48.4)]}
JSON
run run frontline --control "$TMP/strip.geojson" --side-field status \
  --side-map "occupied=RU;liberated=UA;grey=contested" --centre-line --output "$TMP/c.gpkg"
expect_rc 0
expect_in "$OUT" "grey zone centre"
expect_eq "$(sql "$TMP/c.gpkg" "SELECT group_concat(edge) FROM (SELECT edge FROM frontline ORDER BY edge)")" \
  "RU,UA,centre" "the two edges and the centre line"
if R=$($PY "$(dirname "$0")/centre_line_check.py" "$TMP/c.gpkg" 1000 20); then pass; else
  fail "strip centre line not 1,000 m from each edge: $R"; fi
# Off by default: only the two edges.
run run frontline --control "$TMP/strip.geojson" --side-field status \
  --side-map "occupied=RU;liberated=UA;grey=contested" --output "$TMP/c0.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/c0.gpkg" "SELECT count(*) FROM frontline WHERE edge = 'centre'")" "0" \
  "no centre line unless asked"
finish
