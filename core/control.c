/*
 * control.c - the ground each side holds, per claim (source, date) of a
 * control layer: polygons dissolved per side value; polygons whose status
 * is the contested value form the contested ground instead.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fl_prep.h"

typedef struct side_filter {
  const fl__prepped *control;
  const fl__groups *gr;
  int group;
  int side_field, status_field;
  const char *contested_value;
  const char *side;     /* NULL: contested polygons */
} side_filter;

static int is_contested(const side_filter *sf, const fl_feature *f) {
  if (sf->status_field < 0 || f->values[sf->status_field].is_null || !sf->contested_value)
    return 0;
  return strcasecmp(fl_value_text(sf->control->layer, f, sf->status_field),
                    sf->contested_value) == 0;
}

static int keep_feature(size_t i, void *user) {
  side_filter *sf = user;
  if (sf->gr->of_feature[i] != sf->group) return 0;
  const fl_feature *f = &sf->control->layer->features[i];
  if (!sf->side) return is_contested(sf, f);
  if (is_contested(sf, f) || f->values[sf->side_field].is_null) return 0;
  return strcmp(fl_value_text(sf->control->layer, f, sf->side_field), sf->side) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void fl__control_group_free(fl_ctx *ctx, fl__control_group *cg) {
  for (size_t i = 0; i < cg->n_sides; i++) {
    free(cg->side[i]);
    if (cg->area && cg->area[i]) GEOSGeom_destroy_r(ctx->geos, cg->area[i]);
  }
  free(cg->side);
  free(cg->area);
  if (cg->contested) GEOSGeom_destroy_r(ctx->geos, cg->contested);
  memset(cg, 0, sizeof *cg);
}

int fl__control_side(const fl__control_group *cg, const char *side) {
  for (size_t i = 0; side && i < cg->n_sides; i++)
    if (strcmp(cg->side[i], side) == 0) return (int)i;
  return -1;
}

fl_status fl__control_group_build(fl_ctx *ctx, const fl__prepped *control, const fl__groups *gr,
                                  int group, const fl_options *opts, fl__control_group *out) {
  memset(out, 0, sizeof *out);
  const fl_layer *layer = control->layer;
  int side_field = fl__field(ctx, layer, "control", opts->side_field, "@{side_field}", 0);
  if (side_field < 0) return FL_E_FIELD;
  int status_field = opts->status_field ? fl_layer_field_index(layer, opts->status_field) : -1;
  side_filter sf = {control, gr, group, side_field, status_field, opts->contested_value, NULL};
  size_t cap = 0;
  for (size_t i = 0; i < layer->n_features; i++) {
    if (gr->of_feature[i] != group || !control->lonlat[i]) continue;
    const fl_feature *f = &layer->features[i];
    if (is_contested(&sf, f)) continue;
    if (f->values[side_field].is_null) {
      fl__control_group_free(ctx, out);
      return fl__fail(ctx, FL_E_FIELD, "control layer '%s', feature %lld: field '%s' is NULL; "
                      "fill it, mark the polygon with status '%s', or pass @{side_field}",
                      layer->name, (long long)f->fid, layer->fields[side_field].name,
                      opts->contested_value ? opts->contested_value : "contested");
    }
    const char *v = fl_value_text(layer, f, side_field);
    if (fl__control_side(out, v) >= 0) continue;
    if (out->n_sides == cap) {
      cap = cap ? cap * 2 : 4;
      char **s = realloc(out->side, cap * sizeof *s);
      if (!s) { fl__control_group_free(ctx, out); return fl__fail(ctx, FL_E_NOMEM, "out of memory"); }
      out->side = s;
    }
    out->side[out->n_sides] = fl__strdup(v);
    if (!out->side[out->n_sides]) { fl__control_group_free(ctx, out); return FL_E_NOMEM; }
    out->n_sides++;
  }
  if (out->n_sides) qsort(out->side, out->n_sides, sizeof *out->side, cmp_str);
  /* Sides that differ only in case would share an output column (share_UA,
   * share_ua: SQLite and GeoPackage compare names without case): refused. */
  for (size_t a = 0; a < out->n_sides; a++)
    for (size_t b = a + 1; b < out->n_sides; b++)
      if (strcasecmp(out->side[a], out->side[b]) == 0) {
        fl_status st = fl__fail(ctx, FL_E_FIELD,
                                "control layer '%s', field '%s': sides '%s' and '%s' differ only "
                                "in case, which output column names cannot tell apart; spell "
                                "them the same", layer->name, layer->fields[side_field].name,
                                out->side[a], out->side[b]);
        fl__control_group_free(ctx, out);
        return st;
      }
  out->area = calloc(out->n_sides ? out->n_sides : 1, sizeof *out->area);
  if (!out->area) { fl__control_group_free(ctx, out); return fl__fail(ctx, FL_E_NOMEM, "out of memory"); }
  for (size_t s = 0; s < out->n_sides; s++) {
    sf.side = out->side[s];
    out->area[s] = fl__union_where(ctx, control->lonlat, control->n, keep_feature, &sf);
    if (!out->area[s]) { fl_status st = ctx->status; fl__control_group_free(ctx, out); return st; }
  }
  if (status_field >= 0) {
    sf.side = NULL;
    GEOSGeometry *c = fl__union_where(ctx, control->lonlat, control->n, keep_feature, &sf);
    if (!c) { fl_status st = ctx->status; fl__control_group_free(ctx, out); return st; }
    if (GEOSisEmpty_r(ctx->geos, c) == 1) GEOSGeom_destroy_r(ctx->geos, c);
    else out->contested = c;
  }
  return FL_OK;
}
