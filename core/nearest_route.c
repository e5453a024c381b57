/*
 * nearest_route.c - the nearest-route tool: the nearest road or railway of
 * each settlement.
 *
 * The rules (N1)-(N3) are the prepared kernel's (nearest_kernel.c,
 * fl_routes.h). Here: (N2)'s classes (with classes given, only routes whose
 * class is one of them are accepted), every settlement on every core, and
 * the result layer: the settlements' fields, route_id, route_name,
 * route_class, dist_m, the connecting line (N3) as geometry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_geodesy.h"
#include "fl_prep.h"
#include "frontline/fl_routes.h"

typedef struct job {
  const fl__prepped *st;
  const fl_nearest_kernel *k;
  fl_nearest *res;
  int *found;
} job;

static fl_status one_settlement(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  job *j = shared;
  if (!j->st->lonlat[i]) return FL_OK;
  fl_status st = fl_nearest_settlement(wctx, j->k, j->st->lonlat[i], &j->res[i]);
  if (st == FL_OK) j->found[i] = 1;
  return st;
}

static int class_accepted(const fl_options *opts, const char *cls) {
  if (!opts->classes || opts->n_classes == 0) return 1;
  for (size_t k = 0; k < opts->n_classes; k++)
    if (cls && strcasecmp(opts->classes[k], cls) == 0) return 1;
  return 0;
}

/* Everything the tool holds between its steps. */
typedef struct tool {
  fl__prepped sp, rp;
  unsigned char *accepted; /* per route (N2) */
  fl_nearest_kernel *k;
  job j;
  int f_class, f_name, f_id; /* route fields, -1 when absent */
} tool;

/* (N2): the routes of the classes asked for. */
static fl_status accept_classes(fl_ctx *ctx, tool *t, const fl_layer *routes,
                                const fl_options *opts) {
  t->accepted = calloc(routes->n_features + 1, 1);
  if (!t->accepted) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  size_t n_ok = 0;
  for (size_t r = 0; r < routes->n_features; r++) {
    const fl_feature *f = &routes->features[r];
    const char *cls = t->f_class >= 0 && !f->values[t->f_class].is_null
                          ? fl_value_text(routes, f, t->f_class)
                          : NULL;
    t->accepted[r] = t->rp.lonlat[r] && class_accepted(opts, cls);
    n_ok += t->accepted[r];
  }
  if (n_ok == 0)
    return fl__fail(ctx, FL_E_ARG, "routes layer '%s' has no route of the classes asked for; "
                    "check @{classes} against its '%s' values", routes->name,
                    opts->class_field ? opts->class_field : "class");
  return FL_OK;
}

static fl_status route_fields(fl_ctx *ctx, tool *t, const fl_layer *routes,
                              const fl_options *opts) {
  int need_class = opts->classes && opts->n_classes;
  t->f_class = fl__field(ctx, routes, "routes", opts->class_field, "@{class_field}", !need_class);
  if (need_class && t->f_class < 0) return FL_E_FIELD; /* fl__field said why */
  t->f_name = fl__field(ctx, routes, "routes", opts->name_field, "@{name_field}", 1);
  t->f_id = fl_layer_field_index(routes, "id");
  return FL_OK;
}

static fl_status setup(fl_ctx *ctx, tool *t, const fl_layer *settlements, const fl_layer *routes,
                       const fl_options *opts) {
  fl_status st = fl__prep_layer(ctx, settlements, "settlements",
                                FL__WANT_POINT | FL__WANT_POLYGON, &t->sp);
  if (!st) st = fl__prep_layer(ctx, routes, "routes", FL__WANT_LINE, &t->rp);
  if (!st) st = route_fields(ctx, t, routes, opts);
  if (!st) st = accept_classes(ctx, t, routes, opts);
  if (!st)
    st = fl_nearest_prepare(ctx, (const GEOSGeometry *const *)t->rp.lonlat, t->rp.n, t->accepted,
                            &t->k);
  if (st) return st;
  t->j.st = &t->sp;
  t->j.k = t->k;
  t->j.res = calloc(settlements->n_features + 1, sizeof *t->j.res);
  t->j.found = calloc(settlements->n_features + 1, sizeof *t->j.found);
  if (!t->j.res || !t->j.found) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  return FL_OK;
}

/* The result's columns: the settlements' fields (map) and the tool's own. */
typedef struct columns {
  int *map;
  int id, name, cls, dist;
} columns;

static fl_status make_result(fl_ctx *ctx, const fl_layer *settlements, fl_layer **res,
                             columns *c) {
  static const char *reserved[] = {"route_id", "route_name", "route_class", "dist_m", NULL};
  const char *t = "nearest-route";
  *res = fl_layer_new("nearest_route", settlements->srid, "LINESTRING");
  c->map = malloc((settlements->n_fields + 1) * sizeof *c->map);
  if (!*res || !c->map) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_status st = fl__copy_fields(ctx, "nearest-route", *res, settlements, reserved, c->map);
  if (!st) st = fl__add_column(ctx, t, *res, "route_id", FL_FIELD_INTEGER, &c->id);
  if (!st) st = fl__add_column(ctx, t, *res, "route_name", FL_FIELD_TEXT, &c->name);
  if (!st) st = fl__add_column(ctx, t, *res, "route_class", FL_FIELD_TEXT, &c->cls);
  if (!st) st = fl__add_column(ctx, t, *res, "dist_m", FL_FIELD_REAL, &c->dist);
  return st;
}

/* A route's text field into an output column; NULL stays NULL. */
static fl_status copy_text(fl_layer *res, fl_feature *f, int col, const fl_layer *routes,
                           const fl_feature *rf, int field) {
  if (field < 0 || rf->values[field].is_null) return FL_OK;
  return fl_feature_set_text(res, f, col, fl_value_text(routes, rf, field));
}

/* The route's values of one output feature. */
static fl_status set_route(fl_layer *res, fl_feature *f, const columns *c, const tool *t,
                           const fl_layer *routes, const fl_nearest *nr) {
  const fl_feature *rf = &routes->features[nr->item];
  int has_id = t->f_id >= 0 && !rf->values[t->f_id].is_null &&
               routes->fields[t->f_id].type == FL_FIELD_INTEGER;
  fl_status st = fl_feature_set_int(res, f, c->id, has_id ? rf->values[t->f_id].i : rf->fid);
  if (!st) st = copy_text(res, f, c->name, routes, rf, t->f_name);
  if (!st) st = copy_text(res, f, c->cls, routes, rf, t->f_class);
  if (!st) st = fl_feature_set_real(res, f, c->dist, nr->dist_m);
  return st;
}

/* One output feature: settlement i and its nearest route. */
static fl_status write_row(fl_ctx *ctx, fl_layer *res, const columns *c, const tool *t,
                           const fl_layer *settlements, const fl_layer *routes, size_t i) {
  const fl_nearest *nr = &t->j.res[i];
  GEOSGeometry *line = NULL, *geom = NULL;
  fl_status st = fl_nearest_line(ctx, nr, &line); /* (N3) */
  if (!st) st = fl__to_layer_crs(ctx, line, settlements->srid, &geom); /* takes line */
  if (st) return st;
  const fl_feature *sf = &settlements->features[i];
  fl_feature *f = fl_layer_append(ctx, res, sf->fid, geom);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  st = fl__copy_values(res, f, settlements, sf, c->map);
  if (!st) st = set_route(res, f, c, t, routes, nr);
  if (st)
    return fl__fail(ctx, st, "nearest-route: cannot set the values of settlement feature %lld",
                    (long long)sf->fid);
  return FL_OK;
}

static fl_status output(fl_ctx *ctx, const tool *t, const fl_layer *settlements,
                        const fl_layer *routes, fl_layer **out) {
  columns c;
  memset(&c, 0, sizeof c);
  fl_layer *res = NULL;
  fl_status st = make_result(ctx, settlements, &res, &c);
  for (size_t i = 0; !st && i < settlements->n_features; i++)
    if (t->j.found[i]) st = write_row(ctx, res, &c, t, settlements, routes, i);
  free(c.map);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}

static void tool_free(fl_ctx *ctx, tool *t) {
  free(t->j.res);
  free(t->j.found);
  free(t->accepted);
  fl_nearest_free(ctx, t->k);
  fl__prep_free(ctx, &t->sp);
  fl__prep_free(ctx, &t->rp);
}

fl_status fl_nearest_route(fl_ctx *ctx, const fl_layer *settlements, const fl_layer *routes,
                           const fl_options *opts, fl_layer **out) {
  *out = NULL;
  tool t;
  memset(&t, 0, sizeof t);
  fl_status st = setup(ctx, &t, settlements, routes, opts);
  if (!st)
    st = fl__parallel_for(ctx, settlements->n_features, one_settlement, &t.j, NULL, NULL, 0.05,
                          0.9);
  if (!st) st = output(ctx, &t, settlements, routes, out);
  tool_free(ctx, &t);
  return st ? st : fl__progress(ctx, 1.0);
}
