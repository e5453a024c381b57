#!/usr/bin/env bash
# bench/viewshed.sh - viewshed speed: Frontline against gdal_viewshed on a
# 10,000 x 10,000-cell DEM (one observer), and 100 observers on 1 and 2
# threads. Writes nothing into the repository; data and outputs go to $DIR.
#   bash bench/viewshed.sh [FRONTLINE] [DIR]
# No timing is asserted (bench/README.md, "Viewshed").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
FL=${1:-$here/../build/bin/frontline}
DIR=${2:-/tmp/fl_bench_viewshed}
mkdir -p "$DIR"
cd "$DIR"
[ -f dem10k.tif ] || /usr/bin/python3 "$here/make_dem.py" dem10k.tif 10000 10000
[ -f dem10k_utm.tif ] || gdalwarp -q -t_srs EPSG:32637 -ts 10000 10000 -r bilinear \
  -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3 -co BIGTIFF=YES dem10k.tif dem10k_utm.tif
echo '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.8,48.5]}}]}' >obs1.geojson
/usr/bin/python3 - <<'PY'
import json
f = []
for i in range(100):
    lon = 37.66 + 0.28 * ((i * 0.618034) % 1.0)
    lat = 48.39 + 0.22 * ((i * 0.381966 + 0.3) % 1.0)
    f.append({"type": "Feature", "properties": {"id": i + 1},
              "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}})
json.dump({"type": "FeatureCollection", "features": f}, open("obs100.geojson", "w"))
PY
read -r X Y < <(echo "37.8 48.5" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32637 -output_xy)
T="/usr/bin/time -f %e_s_wall_%U_user_%S_sys_%M_KB"
uptime
echo "one observer, lon/lat DEM:   $($T "$FL" run viewshed --dem dem10k.tif --observers obs1.geojson --output fl_ll.tif --overwrite --quiet 2>&1)"
echo "one observer, UTM DEM:       $($T "$FL" run viewshed --dem dem10k_utm.tif --observers obs1.geojson --refraction 0.142857 --output fl_utm.tif --overwrite --quiet 2>&1)"
echo "gdal_viewshed, UTM DEM:      $($T gdal_viewshed -q -ox "$X" -oy "$Y" -oz 2 -cc 0.857142857 -co TILED=YES -co COMPRESS=DEFLATE dem10k_utm.tif g_utm.tif 2>&1)"
echo "gdal_viewshed, lon/lat DEM:  $($T gdal_viewshed -q -ox 37.8 -oy 48.5 -oz 2 -co TILED=YES -co COMPRESS=DEFLATE dem10k.tif g_ll.tif 2>&1)"
for t in 1 2; do
  echo "100 observers, 3 km, FL_THREADS=$t: $(FL_THREADS=$t $T "$FL" run viewshed --dem dem10k.tif --observers obs100.geojson --max-range-m 3000 --output vs100_$t.tif --overwrite --quiet 2>&1)"
done
cmp vs100_1.tif vs100_2.tif && echo "1 and 2 threads: identical rasters"
uptime
