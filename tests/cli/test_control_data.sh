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

# Holes below --min-area-km2 (issue 10, item 1): RU holds 37.5-38.0 E with a
# 743 m2 hole (pyproj: 0.000743 km2) at 37.8 E, 48.25 N, one-sided (UA the
# rest of the area of interest 37.0-38.0). The hole is closed and the CLI
# summary and --json's warnings say so, naming the CLI's flag; the front is
# the 37.5 meridian alone (55597.59 m, pyproj, less the 1 m edge zone).
cat >"$TMP/holed.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"status":"occupied"},"geometry":{"type":"Polygon","coordinates":[[[37.5,48.0],[38.0,48.0],[38.0,48.5],[37.5,48.5],[37.5,48.0]],[[37.8,48.25],[37.8003,48.25],[37.8003,48.2503],[37.8,48.2503],[37.8,48.25]]]}}]}
JSON
cat >"$TMP/aoi.geojson" <<JSON
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":$(box 37.0 38.0)}}]}
JSON
HOLED="--control $TMP/holed.geojson --side-field status --side-map occupied=RU --other-side UA --aoi $TMP/aoi.geojson"
# shellcheck disable=SC2086
run run frontline $HOLED --output "$TMP/h.gpkg"
expect_rc 0
expect_in "$OUT" "closed 1 hole below --min-area-km2 (0.01 km2): 0.000743 km2 in all"
expect_eq "$(count "$TMP/h.gpkg" frontline)" 1 "one line, none around the hole"
expect_near "$(sql "$TMP/h.gpkg" "SELECT length_km FROM frontline")" 55.597 0.002 0 "front along 37.5 E, km"
# shellcheck disable=SC2086
run --json run frontline $HOLED --output "$TMP/h.gpkg" --overwrite
expect_rc 0
json_get "$OUT" "'\\n'.join(d['warnings'])" >"$TMP/warnings"
expect_in "$TMP/warnings" "closed 1 hole below --min-area-km2 (0.01 km2): 0.000743 km2"
# --min-area-km2 0 keeps it: the hole's ring (111.28 m, pyproj) is front too, no warning.
# shellcheck disable=SC2086
run run frontline $HOLED --min-area-km2 0 --output "$TMP/h0.gpkg"
expect_rc 0
expect_not_in "$OUT" "hole"
expect_eq "$(count "$TMP/h0.gpkg" frontline)" 1 "one layer row (a multiline)"
expect_near "$(sql "$TMP/h0.gpkg" "SELECT length_km FROM frontline")" 55.708 0.003 0 "front with the hole's ring, km"

# Route exposure on one side's ground (issue 10, item 7): UA 37.0-37.5, RU
# 37.5-38.0. --held-by RU alone measures the road on RU ground too (at 0 m);
# with --on-side UA only the UA part of the crossing road is measured,
# 22279.21 m (pyproj, 37.2-37.5 E along 48.25 N), and the RU road has no row.
cat >"$TMP/two.geojson" <<JSON
{"type":"FeatureCollection","features":[$(feat UA 37.0 37.5),$(feat RU 37.5 38.0)]}
JSON
cat >"$TMP/roads.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"crossing"},"geometry":{"type":"LineString","coordinates":[[37.2,48.25],[37.8,48.25]]}},{"type":"Feature","properties":{"name":"RU road"},"geometry":{"type":"LineString","coordinates":[[37.7,48.1],[37.9,48.4]]}}]}
JSON
run run route-exposure --routes "$TMP/roads.geojson" --control "$TMP/two.geojson" --side-field status \
  --held-by RU --output "$TMP/r.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/r.gpkg" route_exposure)" 2 "held-by alone: both roads"
expect_eq "$(sql "$TMP/r.gpkg" "SELECT min_dist_to_ground_m FROM route_exposure WHERE name = 'RU road'")" 0 \
  "the RU road at 0 m from RU ground"
run run route-exposure --routes "$TMP/roads.geojson" --control "$TMP/two.geojson" --side-field status \
  --held-by RU --on-side UA --output "$TMP/r2.gpkg"
expect_rc 0
expect_eq "$(count "$TMP/r2.gpkg" route_exposure)" 1 "on-side UA: the crossing road only"
expect_near "$(sql "$TMP/r2.gpkg" "SELECT length_km FROM route_exposure")" 22.279 0.023 0 "its UA part, km"
finish
