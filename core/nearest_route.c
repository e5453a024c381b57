/*
 * nearest_route.c - the nearest road or railway of each settlement.
 *
 * Rules: (N1) distance is the shortest geodesic distance between the
 * settlement (point, or polygon: 0 when a route enters it) and any accepted
 * route; (N2) with classes given, only routes whose class is one of them are
 * accepted; (N3) the result geometry is the geodesic from the settlement's
 * closest point to the route's closest point (empty length when 0).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_geodesy.h"
#include "fl_prep.h"

typedef struct job {
  const fl__prepped *st;
  const fl_dist_index *idx;
  const unsigned char *accepted; /* per route */
  fl_nearest *res;
  int *found;
} job;

static int accept_route(size_t item, void *user) {
  const unsigned char *ok = user;
  return ok[item];
}

static fl_status one_settlement(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  job *j = shared;
  if (!j->st->lonlat[i]) return FL_OK;
  fl_status st = fl_dist_index_nearest(wctx, j->idx, j->st->lonlat[i], accept_route,
                                       (void *)j->accepted, &j->res[i]);
  if (st == FL_OK) j->found[i] = 1;
  return st;
}

static int class_accepted(const fl_options *opts, const char *cls) {
  if (!opts->classes || opts->n_classes == 0) return 1;
  for (size_t k = 0; k < opts->n_classes; k++)
    if (cls && strcasecmp(opts->classes[k], cls) == 0) return 1;
  return 0;
}

fl_status fl_nearest_route(fl_ctx *ctx, const fl_layer *settlements, const fl_layer *routes,
                           const fl_options *opts, fl_layer **out) {
  *out = NULL;
  GEOSContextHandle_t h = ctx->geos;
  fl__prepped sp, rp;
  memset(&sp, 0, sizeof sp);
  memset(&rp, 0, sizeof rp);
  job j;
  memset(&j, 0, sizeof j);
  fl_dist_index *idx = NULL;
  fl_layer *res = NULL;
  unsigned char *accepted = NULL;
  int *map = NULL;
  fl_status st = fl__prep_layer(ctx, settlements, "settlements", FL__WANT_POINT | FL__WANT_POLYGON,
                                &sp);
  if (!st) st = fl__prep_layer(ctx, routes, "routes", FL__WANT_LINE, &rp);
  int f_class = -1, f_name = -1, f_id = -1;
  if (!st) {
    f_class = fl__field(ctx, routes, "routes", opts->class_field, "@{class_field}",
                        !(opts->classes && opts->n_classes));
    if (opts->classes && opts->n_classes && f_class < 0) st = FL_E_FIELD;
    f_name = fl__field(ctx, routes, "routes", opts->name_field, "@{name_field}", 1);
    f_id = fl_layer_field_index(routes, "id");
  }
  if (!st) {
    accepted = calloc(routes->n_features + 1, 1);
    if (!accepted) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    size_t n_ok = 0;
    for (size_t r = 0; !st && r < routes->n_features; r++) {
      const fl_feature *f = &routes->features[r];
      const char *cls = f_class >= 0 && !f->values[f_class].is_null ? fl_value_text(routes, f, f_class)
                                                                    : NULL;
      accepted[r] = rp.lonlat[r] && class_accepted(opts, cls); /* (N2) */
      n_ok += accepted[r];
    }
    if (!st && n_ok == 0)
      st = fl__fail(ctx, FL_E_ARG, "routes layer '%s' has no route of the classes asked for; "
                    "check @{classes} against its '%s' values", routes->name,
                    opts->class_field ? opts->class_field : "class");
  }
  if (!st) st = fl_dist_index_create(ctx, (const GEOSGeometry *const *)rp.lonlat, rp.n, &idx);
  if (!st) {
    j.st = &sp;
    j.idx = idx;
    j.accepted = accepted;
    j.res = calloc(settlements->n_features + 1, sizeof *j.res);
    j.found = calloc(settlements->n_features + 1, sizeof *j.found);
    if (!j.res || !j.found) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st)
    st = fl__parallel_for(ctx, settlements->n_features, one_settlement, &j, NULL, NULL, 0.05, 0.9);
  if (!st) {
    res = fl_layer_new("nearest_route", settlements->srid, "LINESTRING");
    map = malloc((settlements->n_fields + 1) * sizeof *map);
    if (!res || !map) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  static const char *reserved[] = {"route_id", "route_name", "route_class", "dist_m", NULL};
  if (!st) st = fl__copy_fields(ctx, "nearest-route", res, settlements, reserved, map);
  int o_id = -1, o_name = -1, o_class = -1, o_dist = -1;
  if (!st) {
    o_id = fl_layer_add_field(res, "route_id", FL_FIELD_INTEGER);
    o_name = fl_layer_add_field(res, "route_name", FL_FIELD_TEXT);
    o_class = fl_layer_add_field(res, "route_class", FL_FIELD_TEXT);
    o_dist = fl_layer_add_field(res, "dist_m", FL_FIELD_REAL);
  }
  for (size_t i = 0; !st && i < settlements->n_features; i++) {
    if (!j.found[i]) continue;
    const fl_nearest *nr = &j.res[i];
    /* (N3) the connecting geodesic, densified so it stays one in any CRS */
    double xy[4] = {nr->from_lon, nr->from_lat, nr->near_lon, nr->near_lat};
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, xy, 2, 0, 0);
    GEOSGeometry *line = cs ? GEOSGeom_createLineString_r(h, cs) : NULL;
    GEOSGeometry *dense = line ? fl__densify_geodesic(ctx, line, 1000.0) : NULL;
    if (line) GEOSGeom_destroy_r(h, line);
    GEOSGeometry *geom = NULL;
    if (!dense) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
    st = fl__to_layer_crs(ctx, dense, settlements->srid, &geom);
    if (st) break;
    const fl_feature *sf = &settlements->features[i];
    fl_feature *f = fl_layer_append(ctx, res, sf->fid, geom);
    if (!f) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
    st = fl__copy_values(res, f, settlements, sf, map);
    const fl_feature *rf = &routes->features[nr->item];
    if (f_id >= 0 && !rf->values[f_id].is_null && routes->fields[f_id].type == FL_FIELD_INTEGER)
      fl_feature_set_int(res, f, o_id, rf->values[f_id].i);
    else
      fl_feature_set_int(res, f, o_id, rf->fid);
    if (f_name >= 0 && !rf->values[f_name].is_null)
      fl_feature_set_text(res, f, o_name, fl_value_text(routes, rf, f_name));
    if (f_class >= 0 && !rf->values[f_class].is_null)
      fl_feature_set_text(res, f, o_class, fl_value_text(routes, rf, f_class));
    if (isfinite(nr->dist_m)) fl_feature_set_real(res, f, o_dist, nr->dist_m);
    else
      fl__warn(ctx, "nearest-route: settlement feature %lld has no finite distance to a route; "
               "its dist_m is left NULL", (long long)sf->fid);
  }
  free(map);
  free(j.res);
  free(j.found);
  free(accepted);
  fl_dist_index_destroy(ctx, idx);
  fl__prep_free(ctx, &sp);
  fl__prep_free(ctx, &rp);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return fl__progress(ctx, 1.0);
}
