#!/usr/bin/env bash
# tests/cli/test_viewshed_which.sh - `viewshed --which-observers` on a DEM of
# known shape: flat ground at 0 m (EPSG:4326, 120 x 40 cells of 0.0005
# degree) cut by a wall 2,000 m high along column 60, no gap. Observers 100 m
# above ground: fid 1 at column 20, fid 2 at column 100, fid 3 at column 40
# (all row 20), then 40 observers. The flat ground's horizon from 100 m is ~38 km, the DEM 4.4 km
# wide, so by hand: columns 0-59 are seen by {1,3}, the wall's column 60 by
# all three (its top faces both ways), columns 61-119 by {2} alone; nothing
# behind the wall is seen. Areas: pyproj's geodesic area of those cells.
. "$(dirname "$0")/lib.sh"
command -v gdalinfo >/dev/null || skip "gdalinfo (gdal-bin) is missing"
$PY -c "import osgeo, pyproj" 2>/dev/null || skip "$PY lacks osgeo or pyproj"
$PY - "$TMP" <<'PYEOF'
import json, sys
import numpy as np
from osgeo import gdal, osr
d = sys.argv[1]
z = np.zeros((40, 120), dtype=np.float32)
z[:, 60] = 2000.0
ds = gdal.GetDriverByName("GTiff").Create(d + "/wall.tif", 120, 40, 1, gdal.GDT_Float32)
ds.SetGeoTransform((37.80, 0.0005, 0, 48.52, 0, -0.0005))
srs = osr.SpatialReference(); srs.ImportFromEPSG(4326); ds.SetProjection(srs.ExportToWkt())
ds.GetRasterBand(1).WriteArray(z); ds.FlushCache(); ds = None
def pt(fid, col):
    return {"type": "Feature", "id": fid, "properties": {"name": "obs%d" % fid},
            "geometry": {"type": "Point", "coordinates": [37.80 + (col + 0.5) * 0.0005,
                                                          48.52 - 20.5 * 0.0005]}}
json.dump({"type": "FeatureCollection", "features": [pt(1, 20), pt(2, 100), pt(3, 40)]},
          open(d + "/obs.geojson", "w"))
PYEOF
DEM=$TMP/wall.tif

# Raster: band 1 the count, band k + 1 observer k's sight, named by fid.
out=$TMP/w.tif
run run viewshed --dem "$DEM" --observers "$TMP/obs.geojson" --observer-height-m 100 \
  --which-observers --output "$out"
expect_rc 0
info=$(gdalinfo "$out" 2>/dev/null)
expect_in <(echo "$info") "Description = observer 1"
expect_in <(echo "$info") "Description = observer 3"
expect_not_in <(echo "$info") "ColorInterp=Alpha"
bad=$($PY - "$out" <<'PYEOF'
import sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
a = [ds.GetRasterBand(k).ReadAsArray() for k in range(1, 5)]
col = np.tile(np.arange(120), (40, 1))
want = {1: col <= 60, 2: col >= 60, 3: col <= 60}
bad = []
if ds.RasterCount != 4: bad.append("bands %d" % ds.RasterCount)
for k, w in want.items():
    n = int((a[k] != w.astype(np.uint8)).sum())
    if n: bad.append("observer %d: %d cells differ" % (k, n))
cnt = want[1].astype(int) + want[2] + want[3]
if (a[0] != cnt).any(): bad.append("count: %d cells differ" % int((a[0] != cnt).sum()))
print("; ".join(bad))
PYEOF
)
expect_eq "$bad" "" "which-observers bands against the wall by hand"

# Vector: one polygon per set of observers, ids and geodesic areas.
outv=$TMP/w.gpkg
run run viewshed --dem "$DEM" --observers "$TMP/obs.geojson" --observer-height-m 100 \
  --which-observers --output "$outv"
expect_rc 0
got=$(sql "$outv" "SELECT group_concat(observers || ':' || observer_ids, ' ') FROM (SELECT * FROM viewshed ORDER BY fid)")
expect_eq "$got" "1:2 2:1,3 3:1,2,3" "sets of observers, in order"
want=$($PY - <<'PYEOF'
from pyproj import Geod
G = Geod(ellps="WGS84")
def area(c0, c1):  # columns c0..c1 inclusive, all 40 rows
    x0, x1, y0, y1 = 37.80 + c0 * 0.0005, 37.80 + (c1 + 1) * 0.0005, 48.52, 48.52 - 40 * 0.0005
    return abs(G.polygon_area_perimeter([x0, x1, x1, x0], [y0, y0, y1, y1])[0]) / 1e6
print("%.6f %.6f %.6f" % (area(61, 119), area(0, 59), area(60, 60)))
PYEOF
)
read -r w2 w13 w123 <<<"$want"
expect_near "$(sql "$outv" "SELECT area_km2 FROM viewshed WHERE observer_ids = '2'")" "$w2" 0 0.001 "area seen by 2 alone"
expect_near "$(sql "$outv" "SELECT area_km2 FROM viewshed WHERE observer_ids = '1,3'")" "$w13" 0 0.001 "area seen by 1 and 3"
expect_near "$(sql "$outv" "SELECT area_km2 FROM viewshed WHERE observer_ids = '1,2,3'")" "$w123" 0 0.001 "the wall's column"

# More observers than the 32 bits of old: 40, fids 1-20 on columns 0-19 (left
# of the wall), 21-40 on columns 80-99; by hand the left ones see columns
# 0-60, the right ones 60-119. 41 bands; three sets of observers.
$PY - "$TMP" <<'PYEOF'
import json, sys
cols = list(range(0, 20)) + list(range(80, 100))
f = [{"type": "Feature", "id": i + 1, "properties": {}, "geometry": {"type": "Point",
      "coordinates": [37.80 + (c + 0.5) * 0.0005, 48.52 - 20.5 * 0.0005]}} for i, c in enumerate(cols)]
json.dump({"type": "FeatureCollection", "features": f}, open(sys.argv[1] + "/obs40.geojson", "w"))
PYEOF
run run viewshed --dem "$DEM" --observers "$TMP/obs40.geojson" --observer-height-m 100 \
  --which-observers --output "$TMP/w40.tif"
expect_rc 0
bad=$($PY - "$TMP/w40.tif" <<'PYEOF'
import sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
col = np.tile(np.arange(120), (40, 1))
left, right = (col <= 60).astype(np.uint8), (col >= 60).astype(np.uint8)
bad = [] if ds.RasterCount == 41 else ["bands %d" % ds.RasterCount]
for k in range(1, 41):
    b = ds.GetRasterBand(k + 1)
    n = int((b.ReadAsArray() != (left if k <= 20 else right)).sum())
    if n: bad.append("observer %d: %d cells differ" % (k, n))
    if b.GetDescription() != "observer %d" % k: bad.append("band %d: %s" % (k + 1, b.GetDescription()))
if (ds.GetRasterBand(1).ReadAsArray() != 20 * left + 20 * right).any(): bad.append("count")
print("; ".join(bad))
PYEOF
)
expect_eq "$bad" "" "40 observers: bands against the wall by hand"
run run viewshed --dem "$DEM" --observers "$TMP/obs40.geojson" --observer-height-m 100 \
  --which-observers --output "$TMP/w40.gpkg"
expect_rc 0
l=$(seq -s, 1 20); r=$(seq -s, 21 40); a=$(seq -s, 1 40)
got=$(sql "$TMP/w40.gpkg" "SELECT group_concat(observers || ':' || observer_ids, ' ') FROM (SELECT * FROM viewshed ORDER BY fid)")
expect_eq "$got" "20:$l 20:$r 40:$a" "40 observers: three sets, in order"
finish
