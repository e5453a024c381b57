#!/usr/bin/env bash
# tests/cli/test_viewshed.sh - `frontline run viewshed` and `line-of-sight` on
# the synthetic sample DEM (sample_data/dem_toretsk.tif).
# Oracles: gdal_viewshed on a UTM copy of the DEM (bench/compare_gdal_viewshed.py:
# >= 99 % of cells agree, the issue's target), and pyproj's geodesic area of
# each seen cell for area_km2 (0.1 %).
. "$(dirname "$0")/lib.sh"
need_sample dem_toretsk.tif positions.geojson settlements.geojson
command -v gdal_viewshed >/dev/null || skip "gdal_viewshed (gdal-bin) is missing"
HERE=$(dirname "$0")
DEM=$SAMPLE/dem_toretsk.tif
POS=$SAMPLE/positions.geojson

# Raster output: the DEM's grid, Byte, nodata 255, count of observers.
out=$TMP/vs.tif
run run viewshed --dem "$DEM" --observers "$POS" --max-range-m 8000 --output "$out"
expect_rc 0; expect_file "$out"
expect_in "$OUT" "Viewshed of 3 observers written to $out"
info=$(gdalinfo "$out" 2>/dev/null)
expect_in <(echo "$info") "Size is 1296, 1008"
expect_in <(echo "$info") "Type=Byte"
expect_in <(echo "$info") "NoData Value=255"
expect_in <(echo "$info") 'ID["EPSG",4326]'
# Existing output kept without --overwrite.
run run viewshed --dem "$DEM" --observers "$POS" --output "$out"
expect_rc 1; expect_in "$ERR" "output '$out' exists; pass --overwrite to replace it"

# Polygons: area_km2 against the geodesic area of the seen cells.
outv=$TMP/vs.gpkg
run run viewshed --dem "$DEM" --observers "$POS" --max-range-m 8000 --output "$outv"
expect_rc 0
got=$(sql "$outv" "SELECT sum(area_km2) FROM viewshed")
want=$($PY - "$out" <<'PYEOF'
import sys
import numpy as np
from osgeo import gdal
from pyproj import Geod
ds = gdal.Open(sys.argv[1]); gt = ds.GetGeoTransform(); a = ds.ReadAsArray()
G = Geod(ellps="WGS84"); tot = 0.0
for r in range(a.shape[0]):
    n = int(((a[r] > 0) & (a[r] != 255)).sum())
    if n:
        y0 = gt[3] + r * gt[5]; y1 = y0 + gt[5]
        cell = abs(G.polygon_area_perimeter([0, gt[1], gt[1], 0], [y0, y0, y1, y1])[0])
        tot += n * cell
print("%.6f" % (tot / 1e6))
PYEOF
)
expect_near "$got" "$want" 0 0.001 "viewshed area_km2 vs pyproj cell areas"

# Side by side with gdal_viewshed (3 observers, UTM copy; >= 99 % agree).
if $PY "$HERE/../../bench/compare_gdal_viewshed.py" "$FRONTLINE" "$DEM" "$TMP/cmp" 3 >"$TMP/cmp.txt" 2>&1
then pass; else fail "agreement with gdal_viewshed below 99 %:"; fi
sed 's/^/  /' "$TMP/cmp.txt" | tail -2

# Errors: observer off the DEM; a non-raster DEM; a bad output extension.
printf '%s\n' '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[38.5,48.5]}}]}' >"$TMP/far.geojson"
run run viewshed --dem "$DEM" --observers "$TMP/far.geojson" --output "$TMP/e.tif"
expect_rc 1; expect_in "$ERR" "observer 1 (38.500000, 48.500000) is outside --dem"
expect_no_file "$TMP/e.tif"
run run viewshed --dem "$SAMPLE/front.geojson" --observers "$POS" --output "$TMP/e.tif"
expect_rc 1; expect_in "$ERR" "cannot be read as a raster"
run run viewshed --dem "$DEM" --observers "$POS" --output "$TMP/e.png"
expect_rc 1; expect_in "$ERR" "must be a file name ending in .tif, .gpkg, .sqlite, .geojson, .fgb, .kml, .csv, .geojsonl, .gml, .shz or .shp.zip"

# Line of sight: pairs, profile with Z, obstruction fields NULL when visible.
los=$TMP/los.gpkg
run run line-of-sight --dem "$DEM" --observers "$POS" --observer-height-field height_m \
  --targets "$SAMPLE/settlements.geojson" --max-range-m 12000 --output "$los"
expect_rc 0
n=$(count "$los" line_of_sight)
vis=$(sql "$los" "SELECT count(*) FROM line_of_sight WHERE visible = 1")
expect_in "$OUT" "$n sight lines written to $los (layer line_of_sight): $vis visible"
expect_eq "$(sql "$los" "SELECT count(*) FROM line_of_sight WHERE visible = 1 AND block_z IS NOT NULL")" 0 "visible lines have no obstruction"
expect_eq "$(sql "$los" "SELECT count(*) FROM line_of_sight WHERE visible = 0 AND (block_dist_m IS NULL OR block_dist_m >= dist_m)")" 0 "hidden lines: obstruction before the target"
expect_in <(ogrinfo -ro -so "$los" line_of_sight 2>/dev/null) "Geometry: 3D Line String"
# Distances against pyproj (tolerance 1e-6 relative).
bad=$($PY - "$los" "$POS" "$SAMPLE/settlements.geojson" <<'PYEOF'
import json, sys
from osgeo import ogr
from pyproj import Geod
G = Geod(ellps="WGS84")
obs = {i + 1: f["geometry"]["coordinates"] for i, f in enumerate(json.load(open(sys.argv[2]))["features"])}
tgt = {i + 1: f["geometry"]["coordinates"] for i, f in enumerate(json.load(open(sys.argv[3]))["features"])}
bad = 0
ds = ogr.Open(sys.argv[1])  # keep the dataset alive while its layer is read
for f in ds.GetLayer(0):
    a, b = obs[f.GetField("observer_fid")], tgt[f.GetField("target_fid")]
    d = G.inv(a[0], a[1], b[0], b[1])[2]
    bad += abs(d - f.GetField("dist_m")) > 1e-6 * d + 1e-3
print(bad)
PYEOF
)
expect_eq "$bad" 0 "line-of-sight dist_m vs pyproj"
finish
