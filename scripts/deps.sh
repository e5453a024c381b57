#!/usr/bin/env bash
# Install the Debian 12 packages Frontline builds, tests and runs with.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config
  libgeos-dev libproj-dev proj-data
  libsqlite3-dev sqlite3 libsqlite3-mod-spatialite spatialite-bin
  check valgrind
  gdal-bin libgdal-dev python3-gdal python3-pyproj
  clang libclang-rt-14-dev
  qgis qgis-providers python3-qgis xvfb xauth
  postgresql-15-postgis-3 postgresql-client-15
  python3-numpy python3-scipy
  librsvg2-dev libcairo2-dev chromium fonts-dejavu-core
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
