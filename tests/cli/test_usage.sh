#!/usr/bin/env bash
# tests/cli/test_usage.sh - commands, help and usage errors (exit 2), no data needed.
. "$(dirname "$0")/lib.sh"

run --help;                  expect_rc 0; expect_in "$OUT" "Usage: frontline"
run;                         expect_rc 2; expect_in "$ERR" "Usage: frontline"
run --version;               expect_rc 0; expect_in "$OUT" "frontline 0.1"; expect_in "$OUT" "ABI 1."
run list;                    expect_rc 0
for id in bands frontline settlement-status route-exposure nearest-route analyze; do
  expect_in "$OUT" "$id"
done
expect_empty "$ERR"

# help TOOL is generated from the descriptors: types, units, defaults, enum values.
run help bands;              expect_rc 0
expect_in "$OUT" "Usage: frontline run bands --front LAYER --output FILE [options]"
expect_in "$OUT" "--distances LIST"
expect_in "$OUT" "unit: m"
expect_in "$OUT" "default: 5000,10000,20000,40000"
expect_in "$OUT" "--side both|left|right"
expect_in "$OUT" "field of --control"
expect_in "$OUT" "--overwrite"
run help frontline;          expect_rc 0; expect_in "$OUT" "--snap-m NUMBER"; expect_in "$OUT" "default: 500"
run help analyze;            expect_rc 0; expect_in "$OUT" "--format text|md"
run run bands --help;        expect_rc 0; expect_in "$OUT" "frontline run bands"

# Usage errors: exit 2, one line on stderr naming what was wrong.
run bogus;                   expect_rc 2; expect_in "$ERR" "unknown command 'bogus'"
run help band;               expect_rc 2; expect_in "$ERR" "unknown tool 'band'; did you mean 'bands'?"
run run nosuchtool;          expect_rc 2; expect_in "$ERR" "unknown tool 'nosuchtool'"
run run;                     expect_rc 2; expect_in "$ERR" "run needs a tool id"
run --frobnicate list;       expect_rc 2; expect_in "$ERR" "unknown option '--frobnicate'"
run run frontline --control x.geojson --output x.gpkg --snapm 3
expect_rc 2; expect_in "$ERR" "unknown option '--snapm' for tool 'frontline'; did you mean '--snap-m'?"
run run frontline --control; expect_rc 2; expect_in "$ERR" "option '--control' needs a value"
run run bands --output "$TMP/x.gpkg"
expect_rc 2; expect_in "$ERR" "tool 'bands' needs --front"
run run bands --front a.geojson stray --output "$TMP/x.gpkg"
expect_rc 2; expect_in "$ERR" "unexpected argument 'stray'"
expect_no_file "$TMP/x.gpkg"

# Bad values are bad input: exit 1, "frontline: error: <sentence naming the parameter>".
run run frontline --control x.geojson --output "$TMP/x.gpkg" --snap-m abc
expect_rc 1; expect_in "$ERR" "frontline: error: --snap-m must be a number between 0 and 1000000, got 'abc'"
run run frontline --control x.geojson --output "$TMP/x.gpkg" --snap_m=-5
expect_rc 1; expect_in "$ERR" "--snap-m must be a number between 0 and 1000000, got '-5'"
run run bands --front x.geojson --output "$TMP/x.gpkg" --distances 5000,3000
expect_rc 1; expect_in "$ERR" "distances must be strictly increasing"
run run bands --front x.geojson --output "$TMP/x.gpkg" --distances=-5
expect_rc 1; expect_in "$ERR" "distances must be a comma-separated list of numbers > 0"
run run bands --front x.geojson --output "$TMP/x.gpkg" --side up
expect_rc 1; expect_in "$ERR" "side must be one of 'both', 'left', 'right', got 'up'"
run run bands --front x.geojson --output "$TMP/x.txt"
expect_rc 1; expect_in "$ERR" "output must be a file name ending in .gpkg, .sqlite, .geojson, .fgb, .kml, .csv, .geojsonl, .gml, .shz or .shp.zip"
run run analyze --settlements a.geojson --control b.geojson --output "$TMP/x.geojson"
expect_rc 1; expect_in "$ERR" "output must be a GeoPackage (.gpkg) for analyze"
run run bands --front x.geojson --output "$TMP/no/such/dir/x.gpkg"
expect_rc 1; expect_in "$ERR" "directory '$TMP/no/such/dir' does not exist"

# The plugin is found next to the executable; a bad FRONTLINE_PLUGIN is named.
FRONTLINE_PLUGIN=/nonexistent/libfrontline_plugin.so run list
expect_rc 1; expect_in "$ERR" "FRONTLINE_PLUGIN"; expect_in "$ERR" "/nonexistent/libfrontline_plugin.so"
FRONTLINE_PLUGIN=/bin/ls run list
expect_rc 1; expect_in "$ERR" "/bin/ls"
finish
