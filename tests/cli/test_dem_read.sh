#!/usr/bin/env bash
# tests/cli/test_dem_read.sh - a DEM read block by block (dem_read.c, D5) in
# every layout: the sample DEM as Int16 with 1,800 nodata cells (a 30 x 60
# hole, written here), striped, tiled 128 x 64 with LZW, behind a VRT, and as
# Float32. By hand: each reports 1,800 cells without height and gives the
# same viewshed, cell for cell, as the Float32 copy made by gdal_translate.
. "$(dirname "$0")/lib.sh"
need_sample dem_toretsk.tif positions.geojson
command -v gdalbuildvrt >/dev/null || skip "gdalbuildvrt (gdal-bin) is missing"
$PY -c "import osgeo, numpy" 2>/dev/null || skip "$PY lacks osgeo or numpy"
$PY - "$SAMPLE/dem_toretsk.tif" "$TMP" <<'PYEOF'
import sys
import numpy as np
from osgeo import gdal
src = gdal.Open(sys.argv[1]); a = src.ReadAsArray().astype(np.int16)
a[100:130, 200:260] = -32768
for name, opts in (("strip.tif", []),
                   ("tiled.tif", ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=64", "COMPRESS=LZW"])):
    d = gdal.GetDriverByName("GTiff").Create(sys.argv[2] + "/" + name, a.shape[1], a.shape[0], 1,
                                             gdal.GDT_Int16, opts)
    d.SetGeoTransform(src.GetGeoTransform()); d.SetProjection(src.GetProjection())
    b = d.GetRasterBand(1); b.SetNoDataValue(-32768); b.WriteArray(a); b = None; d = None
PYEOF
gdalbuildvrt -q "$TMP/dem.vrt" "$TMP/strip.tif"
gdal_translate -q -ot Float32 "$TMP/strip.tif" "$TMP/f32.tif"
# The cells of a raster's band 1, as a digest (md5 of the array's bytes).
cells() { $PY -c "
import hashlib, sys
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); print(hashlib.md5(ds.GetRasterBand(1).ReadAsArray().tobytes()).hexdigest())" "$1"; }
for f in f32.tif strip.tif tiled.tif dem.vrt; do
  run run viewshed --dem "$TMP/$f" --observers "$SAMPLE/positions.geojson" --max-range-m 8000 \
    --output "$TMP/vs_$f.tif"
  expect_rc 0
  expect_in "$OUT" "1800 without height"
done
want=$(cells "$TMP/vs_f32.tif.tif")
for f in strip.tif tiled.tif dem.vrt; do
  expect_eq "$(cells "$TMP/vs_$f.tif")" "$want" "viewshed on $f against the Float32 copy"
done
finish
