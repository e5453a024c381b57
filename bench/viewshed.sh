#!/usr/bin/env bash
# bench/viewshed.sh - viewshed speed: Frontline against gdal_viewshed and GRASS
# r.viewshed on a 10,000 x 10,000-cell DEM (one observer, best of 3 rounds,
# the tools one after the other in each round; r.viewshed, ten times slower,
# in the first round only), and 100 observers on 1 and 2 threads (best of 3,
# alternating). CPU = user + sys of the process
# (/usr/bin/time). r.viewshed runs only when GRASS (Debian grass-core) is
# installed; it is not a dependency of Frontline. Writes nothing into the
# repository; data and outputs go to $DIR.
#   bash bench/viewshed.sh [FRONTLINE] [DIR] [--one|--many]
# --one: the single observer only; --many: the 100 observers only;
# FL_BENCH_NO_GRASS=1 leaves r.viewshed out (it takes minutes).
# No timing is asserted (bench/README.md, "Viewshed").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
FL=$(readlink -f "${1:-$here/../build/bin/frontline}") # the script works in $DIR
DIR=${2:-/tmp/fl_bench_viewshed}
WHAT=${3:-}
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
TF="%e %U %S %M"
# t NAME CMD...: run, print "NAME wall user sys cpu maxKB", or its error.
t() {
  local name=$1; shift
  if ! /usr/bin/time -f "$TF" -o "$DIR/t.time" "$@" >/dev/null 2>"$DIR/t.err"; then
    echo "$name FAILED: $(grep -v 'exited with' "$DIR/t.err" | tail -n 1)"
    return 0
  fi
  awk -v n="$name" '{ printf "%-34s wall %7.2f s  cpu %6.2f s (user %6.2f sys %5.2f)  %7.0f MB\n", n, $1, $2 + $3, $2, $3, $4 / 1024 }' "$DIR/t.time"
}
grass_ok=0
if [ -n "${FL_BENCH_NO_GRASS:-}" ]; then
  echo "SKIP r.viewshed: FL_BENCH_NO_GRASS is set"
elif command -v grass >/dev/null; then
  grass_ok=1
  if [ ! -d grassdb/loc ]; then
    grass -c dem10k_utm.tif "$DIR/grassdb/loc" -e >/dev/null 2>&1
    # linked, not imported: r.viewshed reads the same GeoTIFF through GDAL
    grass "$DIR/grassdb/loc/PERMANENT" --exec r.external -o --quiet input="$DIR/dem10k_utm.tif" \
      output=dem >/dev/null 2>&1
  fi
  cat >rv.sh <<EOF2
g.region raster=dem
/usr/bin/time -f "$TF" -o $DIR/rv.time r.viewshed -c -r -b --quiet --overwrite input=dem \
  output=vs coordinates=$X,$Y observer_elevation=2 target_elevation=0 refraction_coeff=0.142857 memory=4000
EOF2
else
  echo "SKIP r.viewshed: GRASS GIS is not installed (apt-get install grass-core)"
fi
uptime
if [ "$WHAT" != --many ]; then
  for round in 1 2 3; do
    echo "round $round"
    t "frontline, lon/lat DEM" "$FL" run viewshed --dem dem10k.tif --observers obs1.geojson \
      --output fl_ll.tif --overwrite --quiet
    t "gdal_viewshed -cc 0.857, UTM DEM" gdal_viewshed -q -ox "$X" -oy "$Y" -oz 2 -cc 0.857142857 \
      -co TILED=YES -co COMPRESS=DEFLATE dem10k_utm.tif g_utm.tif
    t "frontline, UTM DEM" "$FL" run viewshed --dem dem10k_utm.tif --observers obs1.geojson \
      --refraction 0.142857 --output fl_utm.tif --overwrite --quiet
    if [ $grass_ok = 1 ] && [ "$round" = 1 ]; then
      grass "$DIR/grassdb/loc/PERMANENT" --exec bash rv.sh >/dev/null 2>&1
      awk '{ printf "%-34s wall %7.2f s  cpu %6.2f s (user %6.2f sys %5.2f)  %7.0f MB\n", "r.viewshed -c -r, UTM DEM", $1, $2 + $3, $2, $3, $4 / 1024 }' rv.time
    fi
  done
fi
if [ "$WHAT" != --one ]; then
  rm -f vs100_1.tif vs100_2.tif # a failed run leaves none to compare
  for round in 1 2 3; do
    for th in 1 2; do
      FL_THREADS=$th t "100 observers, 3 km, FL_THREADS=$th" "$FL" run viewshed --dem dem10k.tif \
        --observers obs100.geojson --max-range-m 3000 --output vs100_$th.tif --overwrite --quiet
    done
  done
  if [ -f vs100_1.tif ] && [ -f vs100_2.tif ]; then
    /usr/bin/python3 - vs100_1.tif vs100_2.tif <<'EOF3'
import sys
from osgeo import gdal
a, b = (gdal.Open(p).ReadAsArray() for p in sys.argv[1:3])
n = int((a != b).sum())
print("1 and 2 threads: identical counts" if n == 0 else "1 and 2 threads: %d cells differ" % n)
EOF3
  fi
fi
uptime
