/*
 * bands.c - distance bands around the front, as a layer.
 *
 * Rules, cited below as (B1)..(B4):
 *   (B1) distances are metres on WGS84, strictly increasing and > 0;
 *   (B2) band k covers [inner_k, outer_k) around the front group's lines
 *        (buffer(outer) minus buffer(inner), buffer.c); no two bands of a
 *        group overlap and each is dissolved into one multipolygon;
 *   (B3) side: both sides, the left or right of the lines' direction, or
 *        (held_by) only the ground that side holds in the matching control
 *        group; an optional mask clips every band;
 *   (B4) area_km2 is the geodesic area.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_geodesy.h"
#include "fl_prep.h"

typedef struct pick {
  const fl__groups *gr;
  int group;
} pick;

static int keep_group(size_t i, void *user) {
  pick *p = user;
  return p->gr->of_feature[i] == p->group;
}

static GEOSGeometry *as_multipolygon(GEOSContextHandle_t h, GEOSGeometry *g) {
  if (GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON) return g;
  GEOSGeometry *m = fl__polygonal_part(h, g);
  GEOSGeom_destroy_r(h, g);
  return m;
}

/* The union of a front group's lines; across 180 (their extent spans more
 * than 180 degrees) they are first unwrapped around their longitudes, so
 * that the union does not node the 360-degree jumps (buffer.c (U8)). */
static GEOSGeometry *group_lines(fl_ctx *ctx, const fl__prepped *fp, pick *p) {
  GEOSContextHandle_t h = ctx->geos;
  double minx = 180, maxx = -180;
  for (size_t i = 0; i < fp->n; i++) {
    double a, b, c, d;
    if (!fp->lonlat[i] || !keep_group(i, p) || fl__bounds(ctx, fp->lonlat[i], &a, &b, &c, &d))
      continue;
    minx = fmin(minx, a);
    maxx = fmax(maxx, c);
  }
  if (maxx - minx <= 180.0) return fl__union_where(ctx, fp->lonlat, fp->n, keep_group, p);
  double centre = fl__centre_lon(ctx, (const GEOSGeometry *const *)fp->lonlat, fp->n, minx, maxx);
  GEOSGeometry **u = calloc(fp->n ? fp->n : 1, sizeof *u);
  if (!u) {
    fl__fail(ctx, FL_E_NOMEM, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < fp->n; i++)
    if (fp->lonlat[i] && keep_group(i, p)) u[i] = fl__unwrap_geom(ctx, fp->lonlat[i], centre);
  GEOSGeometry *lines = fl__union_where(ctx, u, fp->n, NULL, NULL);
  for (size_t i = 0; i < fp->n; i++)
    if (u[i]) GEOSGeom_destroy_r(h, u[i]);
  free(u);
  return lines;
}

/* band = outer - inner, clipped to ground and mask (each may be NULL). */
static GEOSGeometry *cut_band(fl_ctx *ctx, const GEOSGeometry *outer, const GEOSGeometry *inner,
                              const GEOSGeometry *ground, const GEOSGeometry *mask) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *b = inner ? GEOSDifference_r(h, outer, inner) : GEOSGeom_clone_r(h, outer);
  if (b && ground) {
    GEOSGeometry *c = GEOSIntersection_r(h, b, ground);
    GEOSGeom_destroy_r(h, b);
    b = c;
  }
  if (b && mask) {
    GEOSGeometry *c = GEOSIntersection_r(h, b, mask);
    GEOSGeom_destroy_r(h, b);
    b = c;
  }
  return b ? as_multipolygon(h, b) : NULL;
}

/* The buffers run on every core (each worker has its own GEOS handle; GEOS
 * geometries themselves are not tied to a handle). */
/* The parts of every distance's buffer, flattened: item i is part i - first[k]
 * of distance k. Tiles of all distances share the cores, not only distances. */
typedef struct parts_job {
  fl__buffer_plan *plans;
  size_t n_dist;
  size_t *first;              /* [n_dist + 1] */
  GEOSGeometry **pieces;      /* [first[n_dist]] */
  GEOSGeometry **buf;         /* [n_dist] results (+ the side region) */
} parts_job;

static fl_status part_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  parts_job *j = shared;
  size_t k = 0;
  while (i >= j->first[k + 1]) k++;
  return fl__buffer_part(wctx, &j->plans[k], i - j->first[k], &j->pieces[i]); /* (B2) */
}

/* (U2) An untiled plan projects its input into its one frame in blocks of
 * PROJECT_BLOCK coordinates on every core, before its buffer (one part). */
#define PROJECT_BLOCK 4096
typedef struct project_job {
  fl__buffer_plan *plans;
  size_t n_plan;
  size_t *first;              /* [n_plan + 1]: blocks of plan k from first[k] */
} project_job;

static fl_status project_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  project_job *j = shared;
  size_t k = 0;
  while (i >= j->first[k + 1]) k++;
  fl__buffer_plan_project(&wctx->geod, &j->plans[k], (i - j->first[k]) * PROJECT_BLOCK,
                          PROJECT_BLOCK);
  return FL_OK;
}

static fl_status project_all(fl_ctx *ctx, fl__buffer_plan *plans, size_t n_plan, double p0,
                             double p1) {
  project_job j = {plans, n_plan, calloc(n_plan + 1, sizeof(size_t))};
  fl_status st = j.first ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; !st && k < n_plan; k++) {
    st = fl__buffer_plan_coords(ctx, &plans[k]);
    j.first[k + 1] = j.first[k] + (plans[k].n_xy + PROJECT_BLOCK - 1) / PROJECT_BLOCK;
  }
  if (!st && j.first[n_plan])
    st = fl__parallel_for(ctx, j.first[n_plan], project_one, &j, NULL, NULL, p0, p1);
  free(j.first);
  return st;
}

static fl_status finish_one(fl_ctx *wctx, size_t k, void *shared, void *scratch) {
  (void)scratch;
  parts_job *j = shared;
  return fl__buffer_finish(wctx, &j->plans[k], j->pieces + j->first[k],
                           j->first[k + 1] - j->first[k], &j->buf[k]);
}

/* Buffers of lines at every distance into buf, on every core. */
static fl_status buffer_all(fl_ctx *ctx, const GEOSGeometry *lines, const double *dist,
                            size_t n_dist, fl_side side, GEOSGeometry **buf, double p0,
                            double p1) {
  /* one side (buffer.c (U7)): two-sided buffers, and one more plan for the
   * side region, buf[n_dist] */
  int one = fl__one_sided(ctx, lines, side);
  size_t n_plan = n_dist + (one ? 1 : 0);
  parts_job j = {calloc(n_plan, sizeof(fl__buffer_plan)), n_plan,
                 calloc(n_plan + 1, sizeof(size_t)), NULL, buf};
  fl_status st = j.plans && j.first ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  size_t n_made = 0;
  GEOSGeometry *dense = st ? NULL : fl__buffer_densify_parallel(ctx, lines); /* once for all */
  if (!st && !dense) st = ctx->status;
  for (size_t k = 0; !st && k < n_plan; k++) {
    if (k < n_dist)
      st = fl__buffer_plan_init_dense(ctx, lines, dense, dist[k], FL_SIDE_BOTH, &j.plans[k]);
    else
      st = fl__buffer_plan_init_dense(ctx, lines, dense, FL__SIDE_REACH(dist[n_dist - 1]), side,
                                      &j.plans[k]);
    if (!st) n_made++;
    if (!st) j.first[k + 1] = j.first[k] + j.plans[k].n_parts;
  }
  if (!st) {
    j.pieces = calloc(j.first[n_plan] ? j.first[n_plan] : 1, sizeof *j.pieces);
    if (!j.pieces) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st) st = project_all(ctx, j.plans, n_plan, p0, p0 + 0.2 * (p1 - p0));
  if (!st) st = fl__parallel_for(ctx, j.first[n_plan], part_one, &j, NULL, NULL,
                                 p0 + 0.2 * (p1 - p0), p0 + 0.8 * (p1 - p0));
  if (!st) st = fl__parallel_for(ctx, n_plan, finish_one, &j, NULL, NULL, p0 + 0.8 * (p1 - p0), p1);
  for (size_t i = 0; j.pieces && i < j.first[n_plan]; i++)
    if (j.pieces[i]) GEOSGeom_destroy_r(ctx->geos, j.pieces[i]);
  for (size_t k = 0; k < n_made; k++) fl__buffer_plan_free(ctx, &j.plans[k]);
  if (dense) GEOSGeom_destroy_r(ctx->geos, dense);
  free(j.pieces);
  free(j.plans);
  free(j.first);
  return st;
}

/* The prepared inputs of one run; zeroed, then filled by inputs_prep(). */
typedef struct inputs {
  fl__prepped fp, cp, mp;  /* front, control (held_by), mask */
  fl__groups fgr, cgr;     /* front groups, control groups (held_by) */
  GEOSGeometry *mask_ll;   /* the mask's union in lon/lat, or NULL */
} inputs;

static fl_status inputs_prep(fl_ctx *ctx, const fl_layer *front, const fl_layer *control,
                             const fl_layer *mask, const fl_options *opts, inputs *in) {
  fl_status st = fl__prep_layer(ctx, front, "front",
                                FL__WANT_POINT | FL__WANT_LINE | FL__WANT_POLYGON, &in->fp);
  if (!st && opts->held_by) st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &in->cp);
  if (!st && opts->held_by) st = fl__groups_build(ctx, control, opts, &in->cgr);
  if (!st && mask) {
    st = fl__prep_layer(ctx, mask, "mask", FL__WANT_POLYGON, &in->mp);
    if (!st && !(in->mask_ll = fl__union_where(ctx, in->mp.lonlat, in->mp.n, NULL, NULL)))
      st = ctx->status;
  }
  if (!st) st = fl__groups_build(ctx, front, opts, &in->fgr);
  return st;
}

static void inputs_free(fl_ctx *ctx, inputs *in) {
  if (in->mask_ll) GEOSGeom_destroy_r(ctx->geos, in->mask_ll);
  if (in->fgr.of_feature) fl__groups_free(&in->fgr);
  if (in->cgr.of_feature) fl__groups_free(&in->cgr);
  fl__prep_free(ctx, &in->fp);
  fl__prep_free(ctx, &in->cp);
  fl__prep_free(ctx, &in->mp);
}

/* The output layer's field indexes; source and date -1 when the front has none. */
typedef struct cols {
  int band, in, out, side, area, src, date;
} cols;

static fl_status new_layer(fl_ctx *ctx, const fl_layer *front, const fl__groups *fgr, cols *c,
                           fl_layer **out) {
  fl_layer *res = fl_layer_new("bands", front->srid, "MULTIPOLYGON");
  int ok = res != NULL;
  if (ok) {
    ok = (c->band = fl_layer_add_field(res, "band", FL_FIELD_INTEGER)) >= 0 &&
         (c->in = fl_layer_add_field(res, "inner_m", FL_FIELD_REAL)) >= 0 &&
         (c->out = fl_layer_add_field(res, "outer_m", FL_FIELD_REAL)) >= 0 &&
         (c->side = fl_layer_add_field(res, "side", FL_FIELD_TEXT)) >= 0 &&
         (c->area = fl_layer_add_field(res, "area_km2", FL_FIELD_REAL)) >= 0;
    c->src = c->date = -1;
    if (ok && fgr->source_field >= 0)
      ok = (c->src = fl_layer_add_field(res, "source", FL_FIELD_TEXT)) >= 0;
    if (ok && fgr->date_field >= 0)
      ok = (c->date = fl_layer_add_field(res, "date", FL_FIELD_TEXT)) >= 0;
  }
  if (!ok) {
    fl_layer_destroy(ctx, res);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  *out = res;
  return FL_OK;
}

/* The ground opts->held_by holds in the control claim matching front group
 * g (B3); *ground owned by caller. */
static fl_status held_ground(fl_ctx *ctx, const inputs *in, size_t g, const fl_layer *control,
                             const fl_options *opts, GEOSGeometry **ground) {
  *ground = NULL;
  int cgi = fl__groups_match(&in->cgr, &in->fgr.g[g]);
  if (cgi < 0)
    return fl__fail(ctx, FL_E_ARG, "control layer has no claim matching the front of %s %s; "
                    "choose one with @{source} and @{date}", in->fgr.g[g].source,
                    in->fgr.g[g].date);
  fl__control_group cg;
  fl_status st = fl__control_group_build(ctx, &in->cp, &in->cgr, cgi, opts, &cg);
  if (st) return st;
  int s = fl__control_side(&cg, opts->held_by);
  if (s < 0)
    st = fl__fail(ctx, FL_E_ARG, "control layer '%s' has no ground held by '%s'; check "
                  "@{held_by}", control->name, opts->held_by);
  else if (!(*ground = GEOSGeom_clone_r(ctx->geos, cg.area[s])))
    st = fl__fail_geos(ctx, "copying the held ground");
  fl__control_group_free(ctx, &cg);
  return st;
}

/* Append band k (geometry band in lon/lat, taken) of front group g. */
static fl_status append_band(fl_ctx *ctx, fl_layer *res, const cols *c, const inputs *in,
                             size_t g, size_t k, const double *dist, const fl_options *opts,
                             GEOSGeometry *band) {
  static const char *side_text[] = {"both", "left", "right"};
  double area = 0;
  fl_status st = fl_area_km2(ctx, band, &area); /* (B4) */
  if (st) { GEOSGeom_destroy_r(ctx->geos, band); return st; }
  GEOSGeometry *geom = NULL;
  st = fl__to_layer_crs(ctx, band, res->srid, &geom);
  if (st) return st;
  fl_feature *f = fl_layer_append(ctx, res, (int64_t)res->n_features + 1, geom);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  st = fl_feature_set_int(res, f, c->band, (int64_t)k);
  if (!st) st = fl_feature_set_real(res, f, c->in, k ? dist[k - 1] : 0.0);
  if (!st) st = fl_feature_set_real(res, f, c->out, dist[k]);
  if (!st) st = fl_feature_set_text(res, f, c->side,
                                    opts->held_by ? opts->held_by : side_text[opts->side]);
  if (!st) st = fl_feature_set_real(res, f, c->area, area);
  if (!st && c->src >= 0) st = fl_feature_set_text(res, f, c->src, in->fgr.g[g].source);
  if (!st && c->date >= 0) st = fl_feature_set_text(res, f, c->date, in->fgr.g[g].date);
  return st ? fl__fail(ctx, st, "out of memory") : FL_OK;
}

/* The bands of front group g into res; buf has n_dist + 1 slots (NULL),
 * left NULL again. Progress runs from p0 to p1. */
static fl_status group_bands(fl_ctx *ctx, const inputs *in, size_t g, const fl_layer *control,
                             const double *dist, size_t n_dist, const fl_options *opts,
                             GEOSGeometry **buf, double p0, double p1, fl_layer *res,
                             const cols *c) {
  GEOSContextHandle_t h = ctx->geos;
  pick p = {&in->fgr, (int)g};
  GEOSGeometry *lines = group_lines(ctx, &in->fp, &p);
  if (!lines) return ctx->status;
  GEOSGeometry *ground = NULL;
  fl_status st = opts->held_by ? held_ground(ctx, in, g, control, opts, &ground) : FL_OK;
  if (!st) st = buffer_all(ctx, lines, dist, n_dist, opts->side, buf, p0, p1);
  for (size_t k = 0; !st && k < n_dist; k++) {
    GEOSGeometry *band = cut_band(ctx, buf[k], k ? buf[k - 1] : NULL, ground, in->mask_ll);
    if (band && buf[n_dist]) band = fl__clip_to_side(ctx, band, buf[n_dist]); /* (B3) */
    if (!band) st = fl__fail_geos(ctx, "cutting a band");
    else st = append_band(ctx, res, c, in, g, k, dist, opts, band);
  }
  for (size_t k = 0; k <= n_dist; k++)
    if (buf[k]) { GEOSGeom_destroy_r(h, buf[k]); buf[k] = NULL; }
  if (ground) GEOSGeom_destroy_r(h, ground);
  GEOSGeom_destroy_r(h, lines);
  return st;
}

fl_status fl_bands(fl_ctx *ctx, const fl_layer *front, const fl_layer *control,
                   const fl_layer *mask, const fl_options *opts, fl_layer **out) {
  *out = NULL;
  const double *dist;
  size_t n_dist;
  fl_status st = fl__distances(ctx, opts, &dist, &n_dist); /* (B1) */
  if (st) return st;
  if (opts->held_by && !control)
    return fl__fail(ctx, FL_E_ARG, "@{held_by} '%s' needs a control layer (@{control})", opts->held_by);
  inputs in;
  memset(&in, 0, sizeof in);
  GEOSGeometry **buf = calloc(n_dist + 1, sizeof *buf); /* + the side region */
  if (!buf) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_layer *res = NULL;
  cols c = {-1, -1, -1, -1, -1, -1, -1};
  st = inputs_prep(ctx, front, control, mask, opts, &in);
  if (!st) st = new_layer(ctx, front, &in.fgr, &c, &res);
  size_t total = in.fgr.n * n_dist;
  double steps = total ? (double)total : 1.0;
  for (size_t g = 0; !st && g < in.fgr.n; g++)
    st = group_bands(ctx, &in, g, control, dist, n_dist, opts, buf,
                     0.9 * (double)(g * n_dist) / steps, 0.9 * (double)((g + 1) * n_dist) / steps,
                     res, &c);
  free(buf);
  inputs_free(ctx, &in);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return fl__progress(ctx, 1.0);
}
