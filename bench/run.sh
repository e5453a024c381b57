#!/usr/bin/env bash
# bench/run.sh - the whole benchmark in one command: build Frontline into
# build-bench/ (Release with debug info), generate the data, run the five
# tasks with Frontline (CLI and SQL) and the baselines (SpatiaLite, PostGIS,
# QGIS), and write bench/results.md.
#
#   bench/run.sh            full run: every tool at the common scale 0.05, then
#                           scale 1 (Frontline, and each baseline whose time
#                           predicted from scale 0.05 fits the budget); ~30 min
#   bench/run.sh --quick    scale 0.01 only, one repetition, small samples;
#                           about 1.5 minutes (the bands, whose front does not
#                           scale, are half of it; SpatiaLite's containment
#                           alone takes 80 s at 0.05); no timing is asserted
#                           (CI runs it to keep the harness working);
#                           writes bench/out/results-quick.md
#   options: --scale S (the large scale, default 1), --budget SECONDS (per
#            baseline run, default 200), --tools LIST, --no-build
# Needs: scripts/deps.sh's packages (PostGIS included); run as root, PostGIS
# runs as 'nobody' in a temporary cluster on 127.0.0.1:54329, stopped after.
set -euo pipefail
cd "$(dirname "$0")/.."
args="$*"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)  # what was built and run
export FL_BENCH_COMMIT=$commit
quick=0 scale=1 budget=200 build=1 tools=frontline,sql,spatialite,postgis,qgis
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --scale) scale=$2; shift ;;
    --budget) budget=$2; shift ;;
    --tools) tools=$2; shift ;;
    --no-build) build=0 ;;
    *) echo "usage: bench/run.sh [--quick] [--scale S] [--budget S] [--tools LIST] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
PY=/usr/bin/python3
if [ "$build" = 1 ] || [ ! -x build-bench/bin/frontline ]; then
  bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
mkdir -p bench/out
gen() { [ -f "bench/data/s$1/donbas.gpkg" ] && [ -f "bench/data/s$1/donbas.sqlite" ] || $PY bench/gen.py --scale "$1"; }
small=0.05
if [ "$quick" = 1 ]; then
  small=0.01
  gen $small
  runs=bench/out/quick.jsonl
  rm -f "$runs"
  $PY bench/tasks.py --scale $small --tools "$tools" --repeat 1 --sample 20 --out "$runs"
  $PY bench/report.py "$runs" --out bench/out/results-quick.md --command "bench/run.sh --quick"
  # the harness works when every tool answered every task
  if grep -q '"error"' "$runs"; then echo "bench: a tool failed, see $runs" >&2; exit 1; fi
  echo "bench: quick run done: bench/out/results-quick.md"
  exit 0
fi
gen $small
gen "$scale"
runs=bench/out/full.jsonl
rm -f "$runs"
$PY bench/tasks.py --scale $small --tools "$tools" --repeat 3 --out "$runs"
$PY bench/tasks.py --scale "$scale" --tools "$tools" --repeat 3 --threads-check \
  --predict "$runs" --budget "$budget" --out "$runs"
input_mb=$(du -m --apparent-size "bench/data/s$scale/donbas.gpkg" | cut -f1)
FL_BENCH_COMMIT=$commit $PY bench/report.py "$runs" --out bench/results.md --command "bench/run.sh${args:+ $args}" \
  --input-mb "$input_mb"
echo "bench: done: bench/results.md"
