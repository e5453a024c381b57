/*
 * options.c - defaults of fl_options (documented in fl_analysis.h).
 */
#include <string.h>
#include "fl_internal.h"

void fl_options_init(fl_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->side_field = "side";
  opts->source_field = "source";
  opts->date_field = "date";
  opts->status_field = "status";
  opts->name_field = "name";
  opts->class_field = "class";
  opts->contested_value = "contested";
  opts->side = FL_SIDE_BOTH;
  opts->snap_m = 500.0;
  opts->min_area_km2 = 0.01;
  opts->split_share = FL_DEFAULT_SPLIT_SHARE;
  opts->contested_dist_m = 0.0;
}
