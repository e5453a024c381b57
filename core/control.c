/*
 * control.c - the ground each side holds, per claim (source, date) of a
 * control layer: polygons dissolved per side (the side field's value, or
 * what the side map makes of it, side_map.c); polygons whose status is the
 * contested value, or whose value the map sends to "contested", form the
 * contested ground instead. Dissolving merges the polygons of one side, so
 * the seams between them are never a front.
 */
#include <math.h>
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
  const fl__side_map *map;
  const char *side;     /* FL__CONTESTED: contested polygons */
} side_filter;

static int is_contested(const side_filter *sf, const fl_feature *f) {
  if (sf->status_field < 0 || f->values[sf->status_field].is_null || !sf->contested_value)
    return 0;
  return strcasecmp(fl_value_text(sf->control->layer, f, sf->status_field),
                    sf->contested_value) == 0;
}

/* The side of a feature: FL__CONTESTED for contested ground, NULL when its
 * side field is NULL. May point into fl_value_text()'s buffer. */
static const char *feature_side(const side_filter *sf, const fl_feature *f) {
  if (is_contested(sf, f)) return FL__CONTESTED;
  if (f->values[sf->side_field].is_null) return NULL;
  const char *v = fl_value_text(sf->control->layer, f, sf->side_field);
  return sf->map->n ? fl__side_map_side(sf->map, v) : v;
}

static int keep_feature(size_t i, void *user) {
  side_filter *sf = user;
  if (sf->gr->of_feature[i] != sf->group) return 0;
  const char *side = feature_side(sf, &sf->control->layer->features[i]);
  return side && strcmp(side, sf->side) == 0;
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
  if (cg->edge) GEOSGeom_destroy_r(ctx->geos, cg->edge);
  memset(cg, 0, sizeof *cg);
}

int fl__control_side(const fl__control_group *cg, const char *side) {
  for (size_t i = 0; side && i < cg->n_sides; i++)
    if (strcmp(cg->side[i], side) == 0) return (int)i;
  return -1;
}

/* The distinct sides of the group (contested ground apart), sorted. */
static fl_status collect_sides(fl_ctx *ctx, const side_filter *sf, const fl_options *opts,
                               fl__control_group *out) {
  const fl_layer *layer = sf->control->layer;
  size_t cap = 0;
  for (size_t i = 0; i < layer->n_features; i++) {
    if (sf->gr->of_feature[i] != sf->group || !sf->control->lonlat[i]) continue;
    const fl_feature *f = &layer->features[i];
    const char *v = feature_side(sf, f);
    if (v && strcmp(v, FL__CONTESTED) == 0) continue;
    if (!v)
      return fl__fail(ctx, FL_E_FIELD, "control layer '%s', feature %lld: field '%s' is NULL; "
                      "fill it, mark the polygon with status '%s', or pass @{side_field}",
                      layer->name, (long long)f->fid, layer->fields[sf->side_field].name,
                      opts->contested_value ? opts->contested_value : "contested");
    if (fl__control_side(out, v) >= 0) continue;
    if (out->n_sides == cap) {
      cap = cap ? cap * 2 : 4;
      char **s = realloc(out->side, cap * sizeof *s);
      if (!s) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
      out->side = s;
    }
    out->side[out->n_sides] = fl__strdup(v);
    if (!out->side[out->n_sides]) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    out->n_sides++;
  }
  if (out->n_sides) qsort(out->side, out->n_sides, sizeof *out->side, cmp_str);
  /* Sides that differ only in case would share an output column (share_UA,
   * share_ua: SQLite and GeoPackage compare names without case): refused. */
  for (size_t a = 0; a < out->n_sides; a++)
    for (size_t b = a + 1; b < out->n_sides; b++)
      if (strcasecmp(out->side[a], out->side[b]) == 0)
        return fl__fail(ctx, FL_E_FIELD,
                        "control layer '%s', field '%s': sides '%s' and '%s' differ only in "
                        "case, which output column names cannot tell apart; spell them the same "
                        "or map them with @{side_map}", layer->name,
                        layer->fields[sf->side_field].name, out->side[a], out->side[b]);
  return FL_OK;
}

/* " (source, date)" of a group for messages; "" without keys. */
static void group_label(const fl__group *g, char *buf, size_t len) {
  if (!g->source[0] && !g->date[0]) { buf[0] = '\0'; return; }
  snprintf(buf, len, " (%s%s%s)", g->source, g->source[0] && g->date[0] ? ", " : "", g->date);
}

/* One side's ground dissolved, without holes and islands below
 * min_area_km2 (small_parts.c). NULL on failure. */
static GEOSGeometry *side_ground(fl_ctx *ctx, side_filter *sf, const char *side, double min_km2) {
  const fl__prepped *control = sf->control;
  sf->side = side;
  GEOSGeometry *g = fl__union_where(ctx, control->lonlat, control->n, keep_feature, sf);
  if (!g) return NULL;
  char group[300], where[512];
  group_label(&sf->gr->g[sf->group], group, sizeof group);
  snprintf(where, sizeof where, "control layer '%s'%s, %s ground",
           control->layer->name ? control->layer->name : "?", group, side);
  if (fl__drop_small_parts(ctx, &g, min_km2, where)) {
    GEOSGeom_destroy_r(ctx->geos, g);
    return NULL;
  }
  return g;
}

/* Each side's ground and the contested ground, dissolved. */
static fl_status dissolve(fl_ctx *ctx, side_filter *sf, const fl_options *opts,
                          fl__control_group *out) {
  out->area = calloc(out->n_sides ? out->n_sides : 1, sizeof *out->area);
  if (!out->area) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t s = 0; s < out->n_sides; s++) {
    out->area[s] = side_ground(ctx, sf, out->side[s], opts->min_area_km2);
    if (!out->area[s]) return ctx->status;
  }
  GEOSGeometry *c = side_ground(ctx, sf, FL__CONTESTED, opts->min_area_km2);
  if (!c) return ctx->status;
  if (GEOSisEmpty_r(ctx->geos, c) == 1) GEOSGeom_destroy_r(ctx->geos, c);
  else out->contested = c;
  return FL_OK;
}

void fl__warm_envelopes(GEOSContextHandle_t h, const GEOSGeometry *g) {
  if (!g || GEOSisEmpty_r(h, g) == 1) return;
  double x;
  GEOSGeom_getXMin_r(h, g, &x); /* caches the envelope */
  int type = GEOSGeomTypeId_r(h, g);
  if (type >= GEOS_MULTIPOINT && type <= GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) fl__warm_envelopes(h, GEOSGetGeometryN_r(h, g, i));
  } else if (type == GEOS_POLYGON) {
    fl__warm_envelopes(h, GEOSGetExteriorRing_r(h, g));
    int n = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < n; i++) fl__warm_envelopes(h, GEOSGetInteriorRingN_r(h, g, i));
  }
}

/* The geometries of a group, shared by the threads that use it. */
static void warm_group(GEOSContextHandle_t h, const fl__control_group *cg) {
  for (size_t k = 0; k < cg->n_sides; k++) fl__warm_envelopes(h, cg->area[k]);
  fl__warm_envelopes(h, cg->contested);
  fl__warm_envelopes(h, cg->edge);
}

fl_status fl__control_group_build(fl_ctx *ctx, const fl__prepped *control, const fl__groups *gr,
                                  int group, const fl_options *opts, fl__control_group *out) {
  memset(out, 0, sizeof *out);
  const fl_layer *layer = control->layer;
  if (!(opts->min_area_km2 >= 0) || !isfinite(opts->min_area_km2))
    return fl__fail(ctx, FL_E_ARG, "@{min_area_km2} must be km2 >= 0, got %g", opts->min_area_km2);
  int side_field = fl__field(ctx, layer, "control", opts->side_field, "@{side_field}", 0);
  if (side_field < 0) return FL_E_FIELD;
  int status_field = opts->status_field ? fl_layer_field_index(layer, opts->status_field) : -1;
  fl__side_map map;
  fl_status st = fl__side_map_parse(ctx, opts->side_map, &map);
  if (!st) st = fl__side_map_check(ctx, &map, layer, side_field, gr->of_feature); /* (M4) */
  if (st) { fl__side_map_free(&map); return st; }
  side_filter sf = {control, gr, group, side_field, status_field, opts->contested_value, &map, NULL};
  st = collect_sides(ctx, &sf, opts, out);
  if (!st) st = dissolve(ctx, &sf, opts, out);
  for (size_t k = 0; !st && k < map.n && !out->grey; k++) /* (G1) grey zone from the map */
    out->grey = out->contested && strcmp(map.side[k], FL__CONTESTED) == 0;
  if (!st) {
    char label[300];
    group_label(&gr->g[group], label, sizeof label);
    st = fl__other_side_apply(ctx, opts, layer->name, label, out);
  }
  fl__side_map_free(&map);
  if (st) fl__control_group_free(ctx, out);
  else warm_group(ctx->geos, out);
  return st;
}
