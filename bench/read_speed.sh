#!/usr/bin/env bash
# bench/read_speed.sh - reading and writing 1M points: Frontline's own
# readers and writers against GDAL/OGR's, side by side in one run (issue 14).
# CPU time (user + sys) of the read or write alone, measured inside the
# process (tests/io/read_probe.c, getrusage), best of 3; the machine is shared,
# so wall time is not used. Every path must read the same points (the
# checksum of count, coordinate sums and feature ids is printed too).
#
#   bench/read_speed.sh [BUILD_DIR] [DATA_DIR]
# DATA_DIR gets donbas.gpkg from gen.py --scale 1 (1M 'buildings') when it has
# none, and its GeoJSON and SpatiaLite copies made with ogr2ogr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/data/s1}
probe=$build/tests/io/read_probe
[ -x "$probe" ] || { echo "no $probe: build first (scripts/build.sh)" >&2; exit 1; }
mkdir -p "$data"
[ -f "$data/donbas.gpkg" ] || /usr/bin/python3 "$here/gen.py" --scale 1 --out "$data" --no-spatialite
[ -f "$data/buildings.geojson" ] || ogr2ogr -f GeoJSON "$data/buildings.geojson" "$data/donbas.gpkg" buildings
[ -f "$data/buildings.sqlite" ] || ogr2ogr -f SQLite -dsco SPATIALITE=YES -gt 100000 \
  "$data/buildings.sqlite" "$data/donbas.gpkg" buildings
best() { # MODE ARGS...: best CPU of 3, and the checksum
  local b="" sum="" out c
  for _ in 1 2 3; do
    out=$("$probe" "$@")
    c=$(printf '%s' "$out" | sed 's/.*"cpu_s":\([0-9.]*\).*/\1/')
    sum=$(printf '%s' "$out" | sed 's/.*"checksum":"\([^"]*\)".*/\1/')
    if [ -z "$b" ] || awk -v a="$c" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$c; fi
  done
  printf '%-40s %8s s   %s\n' "$*" "$b" "$sum"
}
echo "reading 1,000,000 points (CPU s, best of 3)"
best gpkg-cursor "$data/donbas.gpkg:buildings"
best own "$data/donbas.gpkg:buildings"
best ogr-features "$data/donbas.gpkg:buildings"
best ogr-batches "$data/donbas.gpkg:buildings"
best own "$data/buildings.sqlite:buildings"
best ogr-features "$data/buildings.sqlite:buildings"
best ogr-batches "$data/buildings.sqlite:buildings"
best own "$data/buildings.geojson"
best ogr-features "$data/buildings.geojson"
best ogr-batches "$data/buildings.geojson"
echo "writing 1,000,000 points (CPU s, best of 3)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for e in gpkg geojson; do
  best write-own "$data/donbas.gpkg:buildings" "$tmp/w.$e"
  best write-ogr "$data/donbas.gpkg:buildings" "$tmp/w.$e"
done
