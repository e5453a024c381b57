#!/usr/bin/env bash
# tests/io/test_read_memory.sh - reading through OGR in batches without
# keeping the layer (fl__ogr_scan, core/io/ogr_arrow.c rule A5): peak memory
# does not grow with the number of points. Two GeoPackages of 200,000 and
# 800,000 points (written by ogr2ogr, not by Frontline); the peak RSS
# of the larger read may exceed the smaller's by at most 16 MB (800,000 kept
# points would take over 100 MB in GEOS alone), and every point is read (the
# checksum's count and coordinate sums come from the generator, not from
# Frontline). The tools themselves still hold whole layers: this is the
# reader alone (issue 14).
set -u
PROBE=${1:?usage: $0 READ_PROBE SAMPLE_DATA}
PY=/usr/bin/python3
command -v ogr2ogr >/dev/null || { echo "SKIP: ogr2ogr not installed (gdal-bin)"; exit 77; }
# Under AddressSanitizer freed memory waits in a 256 MB quarantine: turned off
# here, so that the peak shows what the reader holds.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fl_mem.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
make_points() { # N FILE: N points on a grid (a CSV turned into a GeoPackage by ogr2ogr), prints "N sumx sumy"
  $PY - "$1" "$2.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
sx = sy = 0.0
with open(path, "w") as f:
    f.write("name,x,y\n")
    for i in range(n):
        x, y = 37.0 + (i % 1000) * 0.001, 47.9 + (i // 1000) * 0.0001
        f.write("p%d,%r,%r\n" % (i, x, y))
        sx += x; sy += y
print(n, sx, sy)
PY
  ogr2ogr -f GPKG "$2" "$2.csv" -nln pts -a_srs EPSG:4326 -oo X_POSSIBLE_NAMES=x \
    -oo Y_POSSIBLE_NAMES=y -oo KEEP_GEOM_COLUMNS=NO 2>/dev/null || echo "FAIL: ogr2ogr" >&2
}
peak() { # FILE: the probe's maxrss_kb, after checking count and sums against EXPECT
  local out
  out=$("$PROBE" ogr-scan "$1:pts") || { echo "FAIL: read_probe on $1"; fails=$((fails + 1)); echo 0; return; }
  $PY - "$out" "$2" <<'PY' || { echo "FAIL: $1 read other points: $out" >&2; exit 1; }
import json, sys
d = json.loads(sys.argv[1]); n, sx, sy = sys.argv[2].split()
c = d["checksum"].split()
ok = int(c[0]) == int(n) and abs(float(c[1]) - float(sx)) < 1e-6 * int(n) and \
     abs(float(c[2]) - float(sy)) < 1e-6 * int(n)
print(d["maxrss_kb"]) if ok else sys.exit(1)
PY
}
small=$(make_points 200000 "$TMP/small.gpkg")
large=$(make_points 800000 "$TMP/large.gpkg")
ps=$(peak "$TMP/small.gpkg" "$small") || fails=$((fails + 1))
pl=$(peak "$TMP/large.gpkg" "$large") || fails=$((fails + 1))
echo "peak RSS: 200,000 points ${ps} kB, 800,000 points ${pl} kB"
if [ -n "$ps" ] && [ -n "$pl" ] && [ "$pl" -gt 0 ] && [ $((pl - ps)) -le 16384 ]; then :; else
  echo "FAIL: peak RSS grew from ${ps} kB to ${pl} kB"
  fails=$((fails + 1))
fi
# The same read keeping the layer grows: the measure can see growth.
kept=$("$PROBE" ogr-batches "$TMP/large.gpkg:pts" | sed 's/.*"maxrss_kb":\([0-9]*\).*/\1/')
if [ -n "$kept" ] && [ -n "$pl" ] && [ "$kept" -gt $((pl + 65536)) ]; then :; else
  echo "FAIL: keeping 800,000 points peaked at ${kept} kB, not above the scan's ${pl} kB + 64 MB"
  fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] && echo "test_read_memory: passed" || exit 1
