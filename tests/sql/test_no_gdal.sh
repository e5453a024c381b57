#!/usr/bin/env bash
# tests/sql/test_no_gdal.sh - mod_frontline does not link GDAL (issue 14, DESIGN.md:
# the SQL face decodes SpatiaLite/GeoPackage blobs in core, without GDAL): no
# libgdal among its direct NEEDED entries (readelf), none among the libraries
# the loader resolves for it (ldd), and no GDAL/OGR symbol left undefined in it.
# The same three checks on the plugin library, which does link GDAL, show that
# they can fail.
. "$(dirname "$0")/lib.sh"

needed() { readelf -d "$1" | awk '/\(NEEDED\)/{gsub(/[][]/, "", $5); print $5}'; }
gdal_syms() { nm -D --undefined-only "$1" | awk '{print $2}' | grep -E '^(GDAL|OGR|CPL|VSI)' ; }

expect_eq "$(needed "$MOD" | grep -c libgdal)" "0" "libgdal in readelf NEEDED of $(basename "$MOD")"
expect_eq "$(ldd "$MOD" | grep -c libgdal)" "0" "libgdal in ldd of $(basename "$MOD")"
expect_eq "$(gdal_syms "$MOD" | wc -l)" "0" "undefined GDAL/OGR/CPL symbols in $(basename "$MOD")"

# The checks can fail: the plugin library (CLI and QGIS face) links GDAL.
PLUGIN=$(dirname "$MOD")/libfrontline_plugin.so
if [ -f "$PLUGIN" ]; then
  expect_eq "$(needed "$PLUGIN" | grep -c libgdal)" "1" "libgdal in readelf NEEDED of $(basename "$PLUGIN")"
  expect_eq "$(gdal_syms "$PLUGIN" | grep -c '^OGR_L_GetArrowStream$')" "1" \
    "OGR_L_GetArrowStream undefined in $(basename "$PLUGIN")"
fi
finish
