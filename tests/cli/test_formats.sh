#!/usr/bin/env bash
# tests/cli/test_formats.sh - inputs in every vector format GDAL/OGR reads
# (core/io/ogr_read.c) give the answers the GeoJSON input gives, to the bit:
# Shapefile (ESRI .prj), KML, KMZ, FlatGeobuf, GeoJSONSeq, ESRI JSON, GeoPackage
# and SpatiaLite written by ogr2ogr, CSV with WKT and a .prj, and a
# control layer in UTM 37N from an ESRI .prj; a CRS with no EPSG code is read
# as lon/lat with a warning; bad files and layers are one sentence (issue 14).
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson
command -v ogr2ogr >/dev/null || skip "ogr2ogr not installed (gdal-bin)"
OGR2OGR() { ogr2ogr "$@" 2>"$TMP/ogr.err" || fail "ogr2ogr $*: $(cat "$TMP/ogr.err")"; }

Q="SELECT name, source, date, side, status, quote(dist_to_front_m), quote(share_UA),
   quote(share_RU), band FROM settlement_status ORDER BY name, source, date, dist_to_front_m"
status_rows() { # INPUT CONTROL OUT: run settlement-status, print its rows
  run run settlement-status --settlements "$1" --control "$2" --output "$3"
  expect_rc 0
  sqlite3 "$3" "$Q"
}
ref=$(status_rows "$SAMPLE/settlements.geojson" "$SAMPLE/control.geojson" "$TMP/ref.gpkg")
[ "$(printf '%s\n' "$ref" | wc -l)" -eq 200 ] && pass || fail "reference: $(printf '%s\n' "$ref" | wc -l) rows"

# The settlements in each format, answers equal to the bit.
OGR2OGR -f "ESRI Shapefile" "$TMP/shp" "$SAMPLE/settlements.geojson"
OGR2OGR -f KML "$TMP/s.kml" "$SAMPLE/settlements.geojson"
OGR2OGR -f FlatGeobuf "$TMP/s.fgb" "$SAMPLE/settlements.geojson"
OGR2OGR -f GeoJSONSeq "$TMP/s.geojsonl" "$SAMPLE/settlements.geojson"
OGR2OGR -f GPKG "$TMP/s.gpkg" "$SAMPLE/settlements.geojson"
OGR2OGR -f SQLite -dsco SPATIALITE=YES "$TMP/s.sqlite" "$SAMPLE/settlements.geojson"
inputs=("$TMP/shp/settlements.shp" "$TMP/s.kml" "$TMP/s.kml:settlements" "$TMP/s.fgb" "$TMP/s.geojsonl"
        "$TMP/s.gpkg" "$TMP/s.gpkg:settlements" "$TMP/s.sqlite:settlements")
if ogrinfo --formats 2>/dev/null | grep -q LIBKML; then
  OGR2OGR -f LIBKML "$TMP/s.kmz" "$SAMPLE/settlements.geojson"
  inputs+=("$TMP/s.kmz")
fi
/usr/bin/python3 - "$SAMPLE/settlements.geojson" "$TMP/esri.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
props = g["features"][0]["properties"]
json.dump({"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": 4326},
           "fields": [{"name": k, "type": "esriFieldTypeString" if isinstance(v, str)
                       else "esriFieldTypeDouble"} for k, v in props.items()],
           "features": [{"attributes": f["properties"],
                         "geometry": {"x": f["geometry"]["coordinates"][0],
                                      "y": f["geometry"]["coordinates"][1]}}
                        for f in g["features"]]}, open(sys.argv[2], "w"))
PY
inputs+=("$TMP/esri.json")
k=0
for in in "${inputs[@]}"; do
  k=$((k + 1))
  got=$(status_rows "$in" "$SAMPLE/control.geojson" "$TMP/o$k.gpkg")
  [ "$got" = "$ref" ] && pass || fail "$in: answers differ from the GeoJSON input's"
done

# A control layer in UTM 37N from a Shapefile's ESRI .prj: EPSG:32637
# identified; distances equal to 1 mm (the coordinates went through UTM).
OGR2OGR -f "ESRI Shapefile" -t_srs EPSG:32637 "$TMP/utm" "$SAMPLE/control.geojson"
grep -q '^PROJCS\["WGS_1984_UTM_Zone_37N"' "$TMP/utm/control.prj" && pass || fail "not an ESRI .prj"
run run settlement-status --settlements "$SAMPLE/settlements.geojson" --control "$TMP/utm/control.shp" \
  --output "$TMP/utm.gpkg"
expect_rc 0
expect_not_in "$OUT" "Warning"; expect_not_in "$ERR" "Warning"
worst=$(sqlite3 "$TMP/utm.gpkg" "ATTACH '$TMP/ref.gpkg' AS r;
  SELECT max(abs(a.dist_to_front_m - b.dist_to_front_m)) FROM settlement_status a
  JOIN r.settlement_status b ON a.fid = b.fid WHERE a.side IS b.side AND a.status = b.status")
awk -v w="$worst" 'BEGIN { exit !(w != "" && w < 0.001) }' && pass || fail "UTM control: worst $worst m"

# A CRS with no EPSG code (a custom transverse Mercator): read as lon/lat, said.
OGR2OGR -f "ESRI Shapefile" -t_srs "+proj=tmerc +lon_0=37.7 +lat_0=48 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m" \
  "$TMP/tm" "$SAMPLE/control.geojson"
run run settlement-status --settlements "$SAMPLE/settlements.geojson" --control "$TMP/tm/control.shp" \
  --output "$TMP/tm.gpkg"
expect_rc 0
expect_in "$OUT" "control.shp: its coordinate system has no EPSG code; read as lon/lat (EPSG:4326)"

# Bad inputs: one sentence, exit 1.
printf 'nonsense' >"$TMP/bad.shp"
run run settlement-status --settlements "$TMP/bad.shp" --control "$SAMPLE/control.geojson" --output "$TMP/x.gpkg"
expect_rc 1
expect_in "$ERR" "nor another vector format GDAL/OGR reads"
run run settlement-status --settlements "$TMP/s.kml:nolayer" --control "$SAMPLE/control.geojson" --output "$TMP/x.gpkg"
expect_rc 1
expect_in "$ERR" "s.kml' has no layer 'nolayer'; its layers: 'settlements'"
OGR2OGR -f CSV -lco GEOMETRY=AS_WKT "$TMP/s.csv" "$SAMPLE/settlements.geojson"
run run settlement-status --settlements "$TMP/s.csv" --control "$SAMPLE/control.geojson" --output "$TMP/x.gpkg"
expect_rc 1
expect_in "$ERR" "has no SRID"
expect_no_file "$TMP/x.gpkg"
# The same CSV with a .prj beside it (GDAL reads it): the GeoJSON's answers.
cp "$TMP/shp/settlements.prj" "$TMP/s.prj"
got=$(status_rows "$TMP/s.csv" "$SAMPLE/control.geojson" "$TMP/csv.gpkg")
[ "$got" = "$ref" ] && pass || fail "CSV with a .prj: answers differ from the GeoJSON input's"

# Outputs through OGR: FlatGeobuf keeps every value to the bit; KML, CSV,
# GeoJSONSeq and GML hold every row; an existing output needs --overwrite.
for e in fgb kml csv geojsonl gml; do
  run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
    --control "$SAMPLE/control.geojson" --output "$TMP/out.$e"
  expect_rc 0
  n=$(ogrinfo -ro -so -al "$TMP/out.$e" 2>/dev/null | sed -n 's/^Feature Count: //p')
  [ "$n" = 200 ] && pass || fail ".$e output: $n features, expected 200"
done
ogr2ogr -f GPKG "$TMP/back.gpkg" "$TMP/out.fgb" -nln settlement_status 2>/dev/null
[ "$(sqlite3 "$TMP/back.gpkg" "$Q")" = "$ref" ] && pass || fail "FlatGeobuf output: values differ"
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --output "$TMP/out.fgb"
expect_rc 1
expect_in "$ERR" "exists; pass --overwrite to replace it"
run run settlement-status --settlements "$SAMPLE/settlements.geojson" \
  --control "$SAMPLE/control.geojson" --output "$TMP/out.shp"
expect_rc 1
expect_in "$ERR" "--output must be a file name ending in .gpkg, .sqlite, .geojson, .fgb, .kml, .csv, .geojsonl, .gml, .shz or .shp.zip, got"
ls "$TMP" | grep -q '\.tmp-' && fail "a temporary file was left" || pass
finish
