#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, and run the
# Toretsk-sector analysis on sample_data/ (report on stdout, results in
# out/toretsk.gpkg).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
mkdir -p out
build/bin/frontline run analyze \
  --settlements sample_data/settlements.geojson \
  --control sample_data/control.geojson \
  --routes sample_data/routes.geojson \
  --mask sample_data/mask.geojson \
  --output out/toretsk.gpkg --overwrite
echo
echo "Results: out/toretsk.gpkg (open it in QGIS, or: ogrinfo out/toretsk.gpkg)"
