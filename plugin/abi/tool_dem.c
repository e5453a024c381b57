/*
 * tool_dem.c - opening the DEM parameter for the elevation tools.
 * Not here: reading rasters (core/raster/dem.c).
 */
#include <stdio.h>

#include "tool_dem.h"

fl_status flp_dem_open(flp_run *r, fl_dem **out) {
  const char *path = flp_arg_text(r, "dem");
  fl_status st = flp_stage(r, "reading dem", r->lo, r->hi);
  *out = NULL;
  if (st) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_dem_open(r->ctx, path, out);
  if (st) return flp_fail_ctx(r, st, NULL);
  fl_dem_info info;
  fl_dem_get_info(*out, &info);
  flp_say(r, "DEM %s: %d x %d cells of about %.1f m, %s%s%d, %zu without height.", path,
          info.width, info.height, info.cell_m, info.geographic ? "lon/lat" : "projected",
          info.srid ? ", EPSG:" : "", info.srid, info.n_nodata);
  return FL_OK;
}
