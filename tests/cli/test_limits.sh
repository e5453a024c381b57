#!/usr/bin/env bash
# tests/cli/test_limits.sh - the named work limits in the CLI (core/limits.c
# K1-K4; main.c C8): --limit NAME=N before or after the tool id, the
# environment variable FL_LIMITS, and their refusals.
#
# Expected: the bands of sample_data's front (47 vertices at 10 km, in one
# tile: an estimate of 47 units, printed in the sentence) are refused under
# buffer_work=10 and drawn under the default; the limits' names and the
# sentence are those of docs/cli.md "Limits".
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
need_sample front.geojson dem_toretsk.tif settlements.geojson
unset FL_LIMITS
BANDS=(run bands --front "$SAMPLE/front.geojson" --distances 10000 --quiet)
RAISE="or raise the limit (buffer_work=N in the CLI's limit option or the environment variable FL_LIMITS, or SQL FL_SetLimit('buffer_work', N))"

# Lowered before the command, after the tool id, with '=' and through FL_LIMITS: refused at once.
for how in before after equals env; do
  out=$TMP/b_$how.gpkg
  case $how in
    before) run --limit buffer_work=10 "${BANDS[@]}" --output "$out" ;;
    after) run "${BANDS[@]}" --limit buffer_work=10 --output "$out" ;;
    equals) run "${BANDS[@]}" --limit=buffer_work=10 --output "$out" ;;
    env) FL_LIMITS=buffer_work=10 run "${BANDS[@]}" --output "$out" ;;
  esac
  expect_rc 1
  expect_in "$ERR" "would need about 47 units of work"
  expect_in "$ERR" "more than the limit buffer_work = 10; use a smaller distance or simplify the geometry, $RAISE"
  expect_no_file "$out"
done

# The default, and --limit over FL_LIMITS (the later one wins): drawn.
run "${BANDS[@]}" --output "$TMP/default.gpkg"
expect_rc 0
expect_file "$TMP/default.gpkg"
FL_LIMITS=buffer_work=10 run --limit buffer_work=1e6 "${BANDS[@]}" --output "$TMP/raised.gpkg"
expect_rc 0
expect_file "$TMP/raised.gpkg"

# Refused with one sentence: unknown names, bad values (exit 1); no value (usage, exit 2).
for bad in "bogus=1|there is no limit named 'bogus'; the limits are buffer_work, viewshed_cells and los_samples" \
           "buffer_work=0x10|limit buffer_work must be a decimal number > 0 and at most 1e15 (e.g. buffer_work=2e6), got '0x10'" \
           "buffer_work=-1|got '-1'" "buffer_work=1e16|got '1e16'" "buffer_work=abc|got 'abc'" \
           "los_samples=inf|got 'inf'"; do
  run --limit "${bad%%|*}" "${BANDS[@]}" --output "$TMP/bad.gpkg"
  expect_rc 1
  expect_in "$ERR" "frontline: error: limits (environment variable FL_LIMITS, or the CLI's limit option): "
  expect_in "$ERR" "${bad#*|}"
  [ "$(grep -c . "$ERR")" -eq 1 ] && pass || fail "$LAST: more than one line on stderr"
  expect_no_file "$TMP/bad.gpkg"
done
FL_LIMITS="buffer_work=2e6,nope=3" run "${BANDS[@]}" --output "$TMP/bad.gpkg"
expect_rc 1
expect_in "$ERR" "there is no limit named 'nope'"
run --limit
expect_rc 2
expect_in "$ERR" "option '--limit' needs a value NAME=N"
run --limit list
expect_rc 2
expect_in "$ERR" "got 'list'"
run --help
expect_in "$OUT" "--limit NAME=N"

# viewshed_cells (V9): three observers over the whole 1296 x 1008 sample DEM
# visit 3 x 1,306,368 = 3,919,104 cells: refused under 1e6 before any work;
# within 3 km each window is about 300 x 200 cells: drawn.
cat >"$TMP/obs3.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.80,48.50]}},
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.75,48.45]}},
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.85,48.55]}}]}
JSON
VS=(run viewshed --dem "$SAMPLE/dem_toretsk.tif" --observers "$TMP/obs3.geojson" --quiet)
run --limit viewshed_cells=1e6 "${VS[@]}" --output "$TMP/vs.tif"
expect_rc 1
expect_in "$ERR" "viewshed: a viewshed of 3 observers on 1296 x 1008 cells would visit about 3.92e+06 cells, more than the limit viewshed_cells = 1000000; use fewer observers, a smaller --max-range-m or a coarser --dem, or raise the limit (viewshed_cells=N in the CLI's limit option"
expect_no_file "$TMP/vs.tif"
run --limit viewshed_cells=1e6 "${VS[@]}" --max-range-m 3000 --output "$TMP/vs.tif"
expect_rc 0
expect_file "$TMP/vs.tif"
# The default (1e9) refuses what could not end in seconds: 800 observers over
# the whole sample DEM visit 800 x 1,306,368 = 1.045e9 cells; 700 (9.1e8)
# would be drawn (not run here: some 15 s).
awk 'BEGIN { printf "{\"type\":\"FeatureCollection\",\"features\":[";
  for (i = 0; i < 800; i++) printf "%s{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.4f,48.5]}}", i ? "," : "", 37.7 + i * 0.0002;
  print "]}" }' >"$TMP/obs800.geojson"
run run viewshed --dem "$SAMPLE/dem_toretsk.tif" --observers "$TMP/obs800.geojson" --quiet --output "$TMP/vs800.tif"
expect_rc 1
expect_in "$ERR" "viewshed: a viewshed of 800 observers on 1296 x 1008 cells would visit about 1.05e+09 cells, more than the limit viewshed_cells = 1000000000;"
expect_no_file "$TMP/vs800.tif"

# los_samples (L9): 3 observers x 3 targets a few km apart need thousands of
# samples (one every half cell of ~20-30 m): refused under 100, drawn by default.
LOS=(run line-of-sight --dem "$SAMPLE/dem_toretsk.tif" --observers "$TMP/obs3.geojson" --targets "$TMP/obs3.geojson" --quiet)
run --limit los_samples=100 "${LOS[@]}" --output "$TMP/los.gpkg"
expect_rc 1
expect_in "$ERR" "line of sight: the lines of sight of 3 observers and 3 targets would need at least "
expect_in "$ERR" "samples of --dem, more than the limit los_samples = 100; use fewer observers or targets, a smaller --max-range-m or a coarser --dem, or raise the limit (los_samples=N in the CLI's limit option"
expect_no_file "$TMP/los.gpkg"
run "${LOS[@]}" --output "$TMP/los.gpkg"
expect_rc 0
expect_file "$TMP/los.gpkg"

finish
