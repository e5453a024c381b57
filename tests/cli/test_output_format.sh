#!/usr/bin/env bash
# tests/cli/test_output_format.sh - --format NAME (an OGR driver name) chosen
# over the output's extension, and --oo NAME=VALUE open options for inputs
# (issue 14). The oracle is OGR reading the outputs back: the values equal
# the GeoPackage output's, to the bit where the format keeps them.
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson
command -v ogr2ogr >/dev/null || skip "ogr2ogr not installed (gdal-bin)"

Q="SELECT name, source, date, side, status, quote(dist_to_front_m), quote(share_UA),
   quote(share_RU), band FROM settlement_status ORDER BY name, source, date, dist_to_front_m"
status() { # OUT [FLAGS...]: settlement-status on the sample into OUT
  local out=$1
  shift
  run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
    --control "$SAMPLE/control.geojson" --output "$out" "$@"
}
driver_of() { # the driver OGR says opened FILE
  $PY -c "from osgeo import gdal; import sys; ds = gdal.OpenEx(sys.argv[1], gdal.OF_VECTOR)
print(ds.GetDriver().ShortName if ds else 'none')" "$1" 2>/dev/null
}
status "$TMP/ref.gpkg"
expect_rc 0
ref=$(sqlite3 "$TMP/ref.gpkg" "$Q")
[ "$(printf '%s\n' "$ref" | wc -l)" -eq 200 ] && pass || fail "reference: not 200 rows"

# --format over the extension: FlatGeobuf into a .dat, GeoPackage into a .bin.
status "$TMP/out.dat" --format FlatGeobuf
expect_rc 0
[ "$(driver_of "$TMP/out.dat")" = FlatGeobuf ] && pass || fail "out.dat is $(driver_of "$TMP/out.dat")"
ogr2ogr -f GPKG "$TMP/back.gpkg" "$TMP/out.dat" -nln settlement_status 2>/dev/null
[ "$(sqlite3 "$TMP/back.gpkg" "$Q")" = "$ref" ] && pass || fail "FlatGeobuf via --format: values differ"
status "$TMP/out.bin" --format gpkg
expect_rc 0
[ "$(driver_of "$TMP/out.bin")" = GPKG ] && pass || fail "out.bin is $(driver_of "$TMP/out.bin")"
[ "$(sqlite3 "$TMP/out.bin" "$Q")" = "$ref" ] && pass || fail "GPKG via --format: values differ"
# The long spelling, and KML into a file named .xml.
status "$TMP/out.xml" --output-format KML
expect_rc 0
case $(driver_of "$TMP/out.xml") in KML | LIBKML) pass ;; *) fail "out.xml is $(driver_of "$TMP/out.xml")" ;; esac

# A zipped Shapefile (.shz): OGR reads 200 points back, names and distances
# equal to the GeoPackage's (the .dbf keeps 15 significant digits, hence 1e-6 m).
status "$TMP/out.shz" --format "ESRI Shapefile"
expect_rc 0
$PY - "$TMP/out.shz" "$TMP/ref.gpkg" <<'PY' && pass || fail "Shapefile output differs"
import sys
from osgeo import ogr
a = ogr.Open(sys.argv[1]); b = ogr.Open(sys.argv[2])
la, lb = a.GetLayer(0), b.GetLayer("settlement_status")
ra = sorted((f["name"], f["source"] or "", f.GetField(f.GetFieldIndex("dist_to_fr"))) for f in la)
rb = sorted((f["name"], f["source"] or "", f["dist_to_front_m"]) for f in lb)
ok = len(ra) == len(rb) == 200 and all(
    x[:2] == y[:2] and (x[2] is None) == (y[2] is None) and
    (x[2] is None or abs(x[2] - y[2]) <= 1e-6) for x, y in zip(ra, rb))
sys.exit(0 if ok else 1)
PY
# A Shapefile needs a zip name: the loose files could not be moved in at once.
status "$TMP/out.shp" --format "ESRI Shapefile"
expect_rc 1
expect_in "$ERR" "a Shapefile is written as one zip file; name it .shz (one layer) or .shp.zip"
expect_no_file "$TMP/out.shp"
# An unknown or read-only driver name: one sentence, nothing written.
status "$TMP/out.x" --format MapInfo
expect_rc 1
expect_in "$ERR" "--output-format must be one of GPKG, SQLite, GeoJSON, FlatGeobuf, KML, CSV, GeoJSONSeq, GML or ESRI Shapefile, got 'MapInfo'"
expect_no_file "$TMP/out.x"
# A one-layer format for a tool that writes two layers (rings and radials) is refused.
run run range-rings --positions "$SAMPLE/settlements.geojson" --distances 5000 \
  --radials 4 --output "$TMP/rings.dat" --format FlatGeobuf
expect_rc 1
expect_in "$ERR" "holds exactly one layer, but 2 were given"
expect_no_file "$TMP/rings.dat"
# analyze keeps --format for its report; the driver is --output-format there.
run help analyze
expect_in "$OUT" "--format"
expect_in "$OUT" "--output-format"

# --oo: a CSV with lon/lat columns (written with repr(): every bit kept) and
# a .prj; OGR finds the points only with the open options.
$PY - "$SAMPLE/settlements.geojson" "$TMP/pts.csv" <<'PY'
import csv, json, sys
g = json.load(open(sys.argv[1]))
keys = list(g["features"][0]["properties"])
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(keys + ["lon", "lat"])
    for ft in g["features"]:
        x, y = ft["geometry"]["coordinates"]
        w.writerow([ft["properties"][k] for k in keys] + [repr(x), repr(y)])
PY
ogr2ogr -f "ESRI Shapefile" "$TMP/prj" "$SAMPLE/settlements.geojson" 2>/dev/null
cp "$TMP/prj/settlements.prj" "$TMP/pts.prj"
run run settlement-status --settlements "$TMP/pts.csv" --control "$SAMPLE/control.geojson" \
  --output "$TMP/oo.gpkg" --oo X_POSSIBLE_NAMES=lon --oo Y_POSSIBLE_NAMES=lat --oo AUTODETECT_TYPE=YES
expect_rc 0
[ "$(sqlite3 "$TMP/oo.gpkg" "$Q")" = "$ref" ] && pass || fail "CSV with --oo: answers differ"
run run settlement-status --settlements "$TMP/pts.csv" --control "$SAMPLE/control.geojson" \
  --output "$TMP/nooo.gpkg"
expect_rc 1
expect_no_file "$TMP/nooo.gpkg"
# An option the driver does not know is said; a value without '=' is refused.
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --output "$TMP/w.gpkg" --oo NO_SUCH_OPTION=1
expect_rc 0
expect_in "$OUT" "GDAL's GeoJSON driver has no open option 'NO_SUCH_OPTION'; ignored"
[ "$(sqlite3 "$TMP/w.gpkg" "$Q")" = "$ref" ] && pass || fail "GeoJSON through OGR (--oo): answers differ"
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --output "$TMP/w2.gpkg" --oo JUSTANAME
expect_rc 1
expect_in "$ERR" "--open-options: 'JUSTANAME' is not NAME=VALUE"

# QGIS's subset string as a filter ("|subset=", core/io/source.c rule S1):
# the settlements of more than 20,000 people (counted from the GeoJSON by
# Python); a filter OGR refuses is one sentence.
want=$($PY -c "import json,sys; g=json.load(open(sys.argv[1]))
print(sum(1 for f in g['features'] if f['properties']['population'] > 20000))" "$SAMPLE/settlements.geojson")
run run settlement-status --settlements "$SAMPLE/settlements.geojson|subset=population > 20000" \
  --control "$SAMPLE/control.geojson" --output "$TMP/sub.gpkg"
expect_rc 0
got=$(sqlite3 "$TMP/sub.gpkg" "SELECT count(DISTINCT name) FROM settlement_status")
[ "$want" -gt 0 ] && [ "$got" = "$want" ] && pass || fail "subset: $got settlements, expected $want"
run run settlement-status --settlements "$SAMPLE/settlements.geojson|subset=nosuchfield > 1" \
  --control "$SAMPLE/control.geojson" --output "$TMP/sub2.gpkg"
expect_rc 1
expect_in "$ERR" "the filter 'nosuchfield > 1' cannot be applied"
expect_no_file "$TMP/sub2.gpkg"
# A filtered input is still the input: writing over it is refused, the file intact.
cp "$SAMPLE/settlements.geojson" "$TMP/in.geojson"
run run settlement-status --settlements "$TMP/in.geojson|subset=population > 20000" \
  --control "$SAMPLE/control.geojson" --output "$TMP/in.geojson" --overwrite
expect_rc 1
expect_in "$ERR" "writing it would destroy that input"
cmp -s "$TMP/in.geojson" "$SAMPLE/settlements.geojson" && pass || fail "the filtered input was changed"
ls "$TMP" | grep -q '\.tmp-' && fail "a temporary file was left" || pass
finish
