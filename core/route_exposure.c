/*
 * route_exposure.c - the route-exposure tool: how much of each supply route
 * lies within reach of the front (or of a side's held ground), band by band,
 * per control group.
 *
 * The measures (R1)-(R4) are the prepared kernel's (route_kernel.c,
 * fl_routes.h): one kernel per group, built from that group's front or held
 * ground. Here, in short steps, each checked:
 *   - the arguments and the grounds (one per group of the front, or with
 *     held_by, of the control layer);
 *   - (R5) with on_side, only the parts of routes on that side's ground
 *     (route_on_side.c); (R7)-(R8) with in_view, the same measures on the
 *     parts in view (route_in_view.c): the routes are clipped, then measured;
 *   - every route on every core (fl__parallel_for; a worker's failure
 *     reaches the caller with its message);
 *   - the result layer: the routes' fields, then source, date, length_km,
 *     min_dist_to_front_m (or _ground_m), km_<inner>_<outer> per band,
 *     exposed_km, exposed_share (and in_view_km, view_km_..., view_exposed_km).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_geodesy.h"
#include "fl_prep.h"
#include "frontline/fl_routes.h"

/* One route in one group: the whole (or on-side) route's measures and, with
 * in_view, those of its parts in view. */
typedef struct row {
  int off_side;       /* (R5): no part on opts->on_side's ground, no row */
  int measured;
  fl_exposure_row r;
  fl_exposure_row v;  /* (R7) */
} row;

typedef struct job {
  const fl__prepped *routes;
  fl_exposure_kernel **kern; /* per group */
  size_t n_groups, n_dist;
  row *rows;                 /* [route * n_groups + group] */
  double *band_store;
  GEOSGeometry **on_ground;  /* per group: opts->on_side's ground, or NULL (route_on_side.c) */
  GEOSGeometry *view[1];     /* (R7): the ground in view, or NULL */
} job;

/* One thread's prepared grounds: the side's (R5) and the view's (R7). */
typedef struct scratch {
  fl__on_side_prep *side, *view;
} scratch;

static void *scratch_new(fl_ctx *wctx, void *shared) {
  job *j = shared;
  scratch *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  if (j->on_ground) s->side = fl__on_side_prepare(wctx, j->on_ground, j->n_groups);
  if (j->view[0]) s->view = fl__on_side_prepare(wctx, j->view, 1);
  return s;
}

static void scratch_free(fl_ctx *wctx, void *sp) {
  scratch *s = sp;
  if (!s) return;
  fl__on_side_unprepare(wctx, s->side);
  fl__on_side_unprepare(wctx, s->view);
  free(s);
}

/* (R7): the parts of g in view, measured into rw->v (zero when none). */
static fl_status measure_in_view(fl_ctx *wctx, const job *j, const scratch *s, size_t k,
                                 const GEOSGeometry *g, row *rw) {
  GEOSGeometry *vis = NULL;
  int none = 0;
  fl_status st = fl__on_side_clip(wctx, s->view, 0, g, &vis, &none);
  if (st || none) return st;
  st = fl_exposure_route(wctx, j->kern[k], vis ? vis : g, FL_EXPOSURE_PARTS, &rw->v);
  if (vis) GEOSGeom_destroy_r(wctx->geos, vis);
  return st;
}

/* Route i in group k (R1)-(R5), (R7). */
static fl_status one_group(fl_ctx *wctx, const job *j, const scratch *s, size_t i, size_t k) {
  const GEOSGeometry *whole = j->routes->lonlat[i];
  row *rw = &j->rows[i * j->n_groups + k];
  GEOSGeometry *part = NULL;
  if (j->on_ground) { /* (R5) */
    fl_status st = fl__on_side_clip(wctx, s->side, k, whole, &part, &rw->off_side);
    if (st || rw->off_side) return st;
  }
  const GEOSGeometry *g = part ? part : whole;
  unsigned flags = FL_EXPOSURE_MIN | (j->view[0] ? 0 : FL_EXPOSURE_PARTS);
  fl_status st = fl_exposure_route(wctx, j->kern[k], g, flags, &rw->r);
  if (!st && j->view[0]) st = measure_in_view(wctx, j, s, k, g, rw);
  if (part) GEOSGeom_destroy_r(wctx->geos, part);
  rw->measured = st == FL_OK;
  return st;
}

static fl_status one_route(fl_ctx *wctx, size_t i, void *shared, void *sp) {
  job *j = shared;
  const scratch *s = sp;
  if (!j->routes->lonlat[i]) return FL_OK;
  if ((j->on_ground || j->view[0]) && !s)
    return fl__fail(wctx, FL_E_NOMEM, "out of memory preparing the grounds to clip routes");
  for (size_t k = 0; k < j->n_groups; k++) {
    fl_status st = one_group(wctx, j, s, i, k);
    if (st) return st;
  }
  return FL_OK;
}

/* ---- the grounds and their kernels -------------------------------------------- */

typedef struct ground_pick {
  const fl__groups *gr;
  int group;
} ground_pick;

static int keep_group(size_t i, void *user) {
  ground_pick *gp = user;
  return gp->gr->of_feature[i] == gp->group;
}

/* Group k's ground: its front features dissolved, or with held_by the
 * ground that side holds in the group's control. Owned by caller. */
static fl_status group_ground(fl_ctx *ctx, const fl__prepped *gp, const fl__groups *gr, size_t k,
                              const fl_layer *control, const fl_options *opts, GEOSGeometry **g) {
  *g = NULL;
  if (!opts->held_by) {
    ground_pick pick = {gr, (int)k};
    *g = fl__union_where(ctx, gp->lonlat, gp->n, keep_group, &pick);
    return *g ? FL_OK : ctx->status;
  }
  fl__control_group cg;
  fl_status st = fl__control_group_build(ctx, gp, gr, (int)k, opts, &cg);
  if (st) return st;
  int s = fl__control_side(&cg, opts->held_by);
  if (s < 0)
    st = fl__fail(ctx, FL_E_ARG, "control layer '%s' has no ground held by '%s'%s%s; check "
                  "@{held_by}", control->name, opts->held_by, gr->g[k].source[0] ? " in " : "",
                  gr->g[k].source);
  else if (!(*g = GEOSGeom_clone_r(ctx->geos, cg.area[s])))
    st = fl__fail(ctx, FL_E_GEOS, "cannot copy the ground held by '%s'", opts->held_by);
  fl__control_group_free(ctx, &cg);
  return st;
}

static fl_status build_kernels(fl_ctx *ctx, job *j, const fl__prepped *gp, const fl__groups *gr,
                               const fl_layer *control, const fl_options *opts,
                               const double *dist) {
  j->kern = calloc(gr->n, sizeof *j->kern);
  if (!j->kern) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  j->n_groups = gr->n;
  for (size_t k = 0; k < gr->n; k++) {
    GEOSGeometry *g = NULL;
    fl_status st = group_ground(ctx, gp, gr, k, control, opts, &g);
    if (!st) st = fl_exposure_prepare(ctx, g, dist, j->n_dist, &j->kern[k]);
    if (g) GEOSGeom_destroy_r(ctx->geos, g);
    if (st) return st;
  }
  return FL_OK;
}

/* Rows of every (route, group), their band arrays in one block. */
static fl_status alloc_rows(fl_ctx *ctx, job *j, size_t n_routes) {
  size_t n_rows = n_routes * j->n_groups, per = j->n_dist + 1;
  j->rows = calloc(n_rows + 1, sizeof *j->rows);
  j->band_store = calloc(2 * n_rows * per + 1, sizeof *j->band_store);
  if (!j->rows || !j->band_store) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t r = 0; r < n_rows; r++) {
    j->rows[r].r.band_m = j->band_store + 2 * r * per;
    j->rows[r].v.band_m = j->band_store + (2 * r + 1) * per;
  }
  return FL_OK;
}

static void job_free(fl_ctx *ctx, job *j, size_t n_routes) {
  for (size_t r = 0; j->rows && r < n_routes * j->n_groups; r++) {
    if (j->rows[r].r.exposed) GEOSGeom_destroy_r(ctx->geos, j->rows[r].r.exposed);
    if (j->rows[r].v.exposed) GEOSGeom_destroy_r(ctx->geos, j->rows[r].v.exposed);
  }
  free(j->rows);
  free(j->band_store);
  for (size_t k = 0; j->kern && k < j->n_groups; k++) fl_exposure_free(ctx, j->kern[k]);
  free(j->kern);
  if (j->view[0]) GEOSGeom_destroy_r(ctx->geos, j->view[0]);
  fl__on_side_free(ctx, j->on_ground, j->n_groups);
}

/* ---- the result layer (R4) ---------------------------------------------------- */

/* The result's columns: the routes' fields (map) and the tool's own. */
typedef struct columns {
  int *map;
  int source, date, len, min, exp, share, view, vexp;
  int *band, *vband; /* n_dist each */
} columns;

static void columns_free(columns *c) {
  free(c->map);
  free(c->band);
  free(c->vband);
}

static void band_name(char *buf, size_t size, const char *prefix, const double *dist, size_t b) {
  snprintf(buf, size, "%skm_%.0f_%.0f", prefix, b ? dist[b - 1] : 0.0, dist[b]);
}

/* The names a route field may not take (the output columns, NULL-ended). */
static fl_status reserved_names(fl_ctx *ctx, const double *dist, size_t n_dist, char ***out) {
  static const char *fixed[] = {"source", "date", "length_km", "min_dist_to_front_m",
                                "min_dist_to_ground_m", "exposed_km", "exposed_share",
                                "in_view_km", "view_exposed_km"};
  size_t n_fixed = sizeof fixed / sizeof fixed[0];
  char **r = calloc(n_fixed + 2 * n_dist + 1, sizeof *r);
  *out = r;
  if (!r) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; k < n_fixed; k++)
    if (!(r[k] = fl__strdup(fixed[k]))) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t b = 0; b < n_dist; b++) {
    char name[80];
    band_name(name, sizeof name, "", dist, b);
    if (!(r[n_fixed + 2 * b] = fl__strdup(name))) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    band_name(name, sizeof name, "view_", dist, b);
    if (!(r[n_fixed + 2 * b + 1] = fl__strdup(name)))
      return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  return FL_OK;
}

static fl_status copy_route_fields(fl_ctx *ctx, fl_layer *res, const fl_layer *routes,
                                   const double *dist, size_t n_dist, columns *c) {
  char **reserved = NULL;
  fl_status st = reserved_names(ctx, dist, n_dist, &reserved);
  if (!st)
    st = fl__copy_fields(ctx, "route-exposure", res, routes, (const char *const *)reserved, c->map);
  for (size_t k = 0; reserved && reserved[k]; k++) free(reserved[k]);
  free(reserved);
  return st;
}

static fl_status add_bands(fl_ctx *ctx, fl_layer *res, const char *prefix, const double *dist,
                           size_t n_dist, int *idx) {
  for (size_t b = 0; b < n_dist; b++) {
    char name[80];
    band_name(name, sizeof name, prefix, dist, b);
    fl_status st = fl__add_column(ctx, "route-exposure", res, name, FL_FIELD_REAL, &idx[b]);
    if (st) return st;
  }
  return FL_OK;
}

static fl_status add_columns(fl_ctx *ctx, fl_layer *res, const fl__groups *gr, const fl_options *opts,
                             const double *dist, size_t n_dist, int in_view, columns *c) {
  const char *t = "route-exposure";
  fl_status st = FL_OK;
  c->source = c->date = c->view = c->vexp = -1;
  if (gr->source_field >= 0) st = fl__add_column(ctx, t, res, "source", FL_FIELD_TEXT, &c->source);
  if (!st && gr->date_field >= 0)
    st = fl__add_column(ctx, t, res, "date", FL_FIELD_TEXT, &c->date);
  if (!st) st = fl__add_column(ctx, t, res, "length_km", FL_FIELD_REAL, &c->len);
  if (!st)
    st = fl__add_column(ctx, t, res,
                        opts->held_by ? "min_dist_to_ground_m" : "min_dist_to_front_m",
                        FL_FIELD_REAL, &c->min);
  if (!st) st = add_bands(ctx, res, "", dist, n_dist, c->band);
  if (!st) st = fl__add_column(ctx, t, res, "exposed_km", FL_FIELD_REAL, &c->exp);
  if (!st) st = fl__add_column(ctx, t, res, "exposed_share", FL_FIELD_REAL, &c->share);
  if (st || !in_view) return st;
  st = fl__add_column(ctx, t, res, "in_view_km", FL_FIELD_REAL, &c->view); /* (R7) */
  if (!st) st = add_bands(ctx, res, "view_", dist, n_dist, c->vband);
  if (!st) st = fl__add_column(ctx, t, res, "view_exposed_km", FL_FIELD_REAL, &c->vexp);
  return st;
}

/* The result layer with every column, no feature yet. */
static fl_status make_result(fl_ctx *ctx, const fl_layer *routes, const fl__groups *gr,
                             const fl_options *opts, const double *dist, size_t n_dist,
                             int in_view, fl_layer **res, columns *c) {
  *res = fl_layer_new("route_exposure", routes->srid, "MULTILINESTRING");
  c->map = malloc((routes->n_fields + 1) * sizeof *c->map);
  c->band = malloc((n_dist + 1) * sizeof *c->band);
  c->vband = malloc((n_dist + 1) * sizeof *c->vband);
  if (!*res || !c->map || !c->band || !c->vband) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_status st = copy_route_fields(ctx, *res, routes, dist, n_dist, c);
  if (!st) st = add_columns(ctx, *res, gr, opts, dist, n_dist, in_view, c);
  return st;
}

/* The values of one output feature, each set checked. */
typedef struct setter {
  fl_ctx *ctx;
  fl_layer *res;
  fl_feature *f;
  fl_status st;
} setter;

static void set_real(setter *s, int field, double v) {
  if (s->st || field < 0) return;
  if (!isfinite(v)) {
    s->st = fl__fail(s->ctx, FL_E_GEOM, "route-exposure: a non-finite value (%g) for column '%s' "
                     "of route feature %lld", v, s->res->fields[field].name, (long long)s->f->fid);
    return;
  }
  if (fl_feature_set_real(s->res, s->f, field, v))
    s->st = fl__fail(s->ctx, FL_E_NOMEM, "route-exposure: cannot set column '%s' (out of memory)",
                     s->res->fields[field].name);
}

static void set_text(setter *s, int field, const char *v) {
  if (s->st || field < 0) return;
  if (fl_feature_set_text(s->res, s->f, field, v))
    s->st = fl__fail(s->ctx, FL_E_NOMEM, "route-exposure: cannot set column '%s' (out of memory)",
                     s->res->fields[field].name);
}

/* Band columns and their sum, in km. */
static double set_bands(setter *s, const int *fields, const double *band_m, size_t n_dist) {
  double sum = 0;
  for (size_t b = 0; b < n_dist; b++) {
    set_real(s, fields[b], band_m[b] / 1000.0);
    sum += band_m[b];
  }
  return sum;
}

static void set_measures(setter *s, const columns *c, const row *rw, size_t n_dist, int in_view,
                         const fl_options *opts) {
  const fl_exposure_row *r = &rw->r;
  double exposed = set_bands(s, c->band, r->band_m, n_dist);
  set_real(s, c->len, r->length_m / 1000.0);
  if (isfinite(r->min_m)) set_real(s, c->min, r->min_m);
  else
    fl__warn(s->ctx, "route-exposure: route feature %lld has no finite distance to the %s; "
             "its %s is left NULL", (long long)s->f->fid, opts->held_by ? "held ground" : "front",
             opts->held_by ? "min_dist_to_ground_m" : "min_dist_to_front_m");
  set_real(s, c->exp, exposed / 1000.0);
  set_real(s, c->share, r->length_m > 0 ? exposed / r->length_m : 0.0);
  if (!in_view) return;
  double vexp = set_bands(s, c->vband, rw->v.band_m, n_dist); /* (R7) */
  set_real(s, c->view, rw->v.length_m / 1000.0);
  set_real(s, c->vexp, vexp / 1000.0);
}

/* One output feature: route i in group k. */
static fl_status write_row(fl_ctx *ctx, fl_layer *res, const columns *c, const fl_layer *routes,
                           size_t i, const fl__group *g, row *rw, size_t n_dist, int in_view,
                           const fl_options *opts) {
  GEOSGeometry **parts = in_view ? &rw->v.exposed : &rw->r.exposed, *geom = NULL;
  if (*parts) {
    fl_status st = fl__to_layer_crs(ctx, *parts, routes->srid, &geom); /* takes *parts */
    *parts = NULL;
    if (st) return st;
  }
  const fl_feature *rf = &routes->features[i];
  fl_feature *f = fl_layer_append(ctx, res, rf->fid, geom);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  setter s = {ctx, res, f, fl__copy_values(res, f, routes, rf, c->map)};
  if (s.st)
    return fl__fail(ctx, s.st, "route-exposure: cannot copy the fields of route feature %lld",
                    (long long)rf->fid);
  set_text(&s, c->source, g->source);
  set_text(&s, c->date, g->date);
  set_measures(&s, c, rw, n_dist, in_view, opts);
  return s.st;
}

static fl_status write_rows(fl_ctx *ctx, fl_layer *res, const columns *c, const fl_layer *routes,
                            const fl__groups *gr, job *j, const fl_options *opts) {
  for (size_t i = 0; i < routes->n_features; i++) {
    if (!j->routes->lonlat[i]) continue;
    for (size_t k = 0; k < gr->n; k++) {
      row *rw = &j->rows[i * gr->n + k];
      if (rw->off_side) continue;
      fl_status st = write_row(ctx, res, c, routes, i, &gr->g[k], rw, j->n_dist,
                               j->view[0] != NULL, opts);
      if (st) return st;
    }
  }
  return FL_OK;
}

/* ---- the tool ------------------------------------------------------------------- */

static fl_status check_args(fl_ctx *ctx, const fl_layer *front, const fl_layer *control,
                            const fl_options *opts) {
  if (opts->held_by && !control)
    return fl__fail(ctx, FL_E_ARG, "@{held_by} '%s' needs a control layer (@{control})",
                    opts->held_by);
  if (!opts->held_by && !front)
    return fl__fail(ctx, FL_E_ARG, "route exposure needs a front layer (@{front}), or a control "
                    "layer with @{held_by}");
  return FL_OK;
}

/* Everything the tool holds between its steps. */
typedef struct tool {
  fl__prepped rp, gp;
  fl__groups gr;
  job j;
  const double *dist;
} tool;

/* Inputs checked and prepared, a kernel per group, rows allocated. */
static fl_status setup(fl_ctx *ctx, tool *t, const fl_layer *routes, const fl_layer *front,
                       const fl_layer *control, const fl_options *opts) {
  fl_status st = fl__distances(ctx, opts, &t->dist, &t->j.n_dist);
  if (!st) st = check_args(ctx, front, control, opts);
  const fl_layer *ground = opts->held_by ? control : front;
  if (!st) st = fl__prep_layer(ctx, routes, "routes", FL__WANT_LINE, &t->rp);
  if (!st)
    st = fl__prep_layer(ctx, ground, opts->held_by ? "control" : "front",
                        opts->held_by ? FL__WANT_POLYGON : FL__WANT_LINE, &t->gp);
  if (!st) st = fl__groups_build(ctx, ground, opts, &t->gr);
  if (st) return st;
  t->j.routes = &t->rp;
  st = build_kernels(ctx, &t->j, &t->gp, &t->gr, control, opts, t->dist);
  if (!st) st = fl__in_view_ground(ctx, opts->in_view, &t->j.view[0]);
  if (!st) st = alloc_rows(ctx, &t->j, routes->n_features);
  if (!st) st = fl__on_side_grounds(ctx, control, opts, &t->gr, &t->j.on_ground);
  return st;
}

static fl_status measure_all(fl_ctx *ctx, tool *t, size_t n_routes) {
  int clips = t->j.on_ground || t->j.view[0];
  return fl__parallel_for(ctx, n_routes, one_route, &t->j, clips ? scratch_new : NULL,
                          clips ? scratch_free : NULL, 0.05, 0.95);
}

static fl_status output(fl_ctx *ctx, tool *t, const fl_layer *routes, const fl_options *opts,
                        fl_layer **out) {
  columns c;
  memset(&c, 0, sizeof c);
  fl_layer *res = NULL;
  fl_status st = make_result(ctx, routes, &t->gr, opts, t->dist, t->j.n_dist,
                             t->j.view[0] != NULL, &res, &c);
  if (!st) st = write_rows(ctx, res, &c, routes, &t->gr, &t->j, opts);
  columns_free(&c);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}

static void tool_free(fl_ctx *ctx, tool *t, size_t n_routes) {
  job_free(ctx, &t->j, n_routes);
  if (t->gr.of_feature) fl__groups_free(&t->gr);
  fl__prep_free(ctx, &t->rp);
  fl__prep_free(ctx, &t->gp);
}

fl_status fl_route_exposure(fl_ctx *ctx, const fl_layer *routes, const fl_layer *front,
                            const fl_layer *control, const fl_options *opts, fl_layer **out) {
  *out = NULL;
  tool t;
  memset(&t, 0, sizeof t);
  fl_status st = setup(ctx, &t, routes, front, control, opts);
  if (!st) st = measure_all(ctx, &t, routes->n_features);
  if (!st) st = output(ctx, &t, routes, opts, out);
  tool_free(ctx, &t, routes->n_features);
  return st ? st : fl__progress(ctx, 1.0);
}
