#!/usr/bin/env bash
# tests/cli/test_overwrite.sh - an existing output is never replaced without
# --overwrite, and a refused or failed run leaves it byte for byte untouched.
. "$(dirname "$0")/lib.sh"
need_sample front.geojson control.geojson

f=$TMP/exists.gpkg
printf 'not a geopackage, but mine\n' >"$f"
cp "$f" "$TMP/orig"
run run bands --front "$SAMPLE/front.geojson" --output "$f"
expect_rc 1
expect_in "$ERR" "frontline: error: --output '$f' exists; pass --overwrite to replace it"
cmp -s "$f" "$TMP/orig" && pass || fail "refused run changed $f"
run run bands --front "$SAMPLE/front.geojson" --output "$f" --overwrite=false
expect_rc 1
cmp -s "$f" "$TMP/orig" && pass || fail "--overwrite=false changed $f"

# With --overwrite it is replaced by a real GeoPackage.
run run bands --front "$SAMPLE/front.geojson" --output "$f" --overwrite
expect_rc 0
expect_eq "$(count "$f" bands)" 16 "bands after --overwrite"
cp "$f" "$TMP/good"

# A second run without --overwrite is refused, the GeoPackage untouched.
run run frontline --control "$SAMPLE/control.geojson" --output "$f"
expect_rc 1; expect_in "$ERR" "exists"
cmp -s "$f" "$TMP/good" && pass || fail "refused run changed the GeoPackage"

# A run that fails after the check (bad field) leaves it untouched too.
run run frontline --control "$SAMPLE/control.geojson" --side-field nope --output "$f" --overwrite
expect_rc 1; expect_in "$ERR" "no field 'nope'"
cmp -s "$f" "$TMP/good" && pass || fail "failed run with --overwrite changed the GeoPackage"
expect_eq "$(layers "$f")" "bands" "layers after the failed run"

# Same for GeoJSON output; the flag also works as --overwrite true.
g=$TMP/exists.geojson
printf '{}\n' >"$g"
run run frontline --control "$SAMPLE/control.geojson" --output "$g"
expect_rc 1
expect_eq "$(cat "$g")" "{}" "GeoJSON left untouched"
run run frontline --control "$SAMPLE/control.geojson" --output "$g" --overwrite true
expect_rc 0
expect_eq "$(count "$g" "$(layer1 "$g")")" 4 "frontline GeoJSON after --overwrite true"

# An output is never one of the inputs (issue 17): the GeoPackage that
# --front reads, through another spelling and through a symbolic link, is
# refused even with --overwrite, and keeps its layers.
cp "$f" "$TMP/in.gpkg"
ln -s "$TMP/in.gpkg" "$TMP/link.gpkg"
cp "$TMP/in.gpkg" "$TMP/in_orig.gpkg"
run run bands --front "$TMP/in.gpkg:bands" --output "$TMP/./in.gpkg" --overwrite
expect_rc 1; expect_in "$ERR" "is the file that --front reads"
run run bands --front "$TMP/link.gpkg:bands" --output "$TMP/in.gpkg" --overwrite
expect_rc 1; expect_in "$ERR" "writing it would destroy that input"
cmp -s "$TMP/in.gpkg" "$TMP/in_orig.gpkg" && pass || fail "an input was changed"
cp "$SAMPLE/front.geojson" "$TMP/f.geojson"
run run bands --front "$TMP/f.geojson" --output "$TMP/../$(basename "$TMP")/f.geojson" --overwrite
expect_rc 1; expect_in "$ERR" "is the file that --front reads"
cmp -s "$TMP/f.geojson" "$SAMPLE/front.geojson" && pass || fail "the GeoJSON input was changed"
# A path through a file is said as such.
run run bands --front "$SAMPLE/front.geojson" --output "$TMP/f.geojson/out.gpkg"
expect_rc 1; expect_in "$ERR" "f.geojson' is a file, not a directory"
finish
