/*
 * holding_kernel.c - the prepared holding kernel (fl_holding.h): a control
 * layer's claims dissolved once, the rules (holding.c) applied to one
 * settlement at a time from any thread.
 *
 * Threads: the dissolved ground is shared read-only (its envelopes warmed in
 * control.c before any thread reads it). GEOS prepared geometries build
 * their indexes lazily on first use, so they are never shared: each caller
 * takes a set of prepared ground from the kernel's pool under a mutex (one
 * is made when none is free) and gives it back after the call. The pool
 * grows to the number of threads calling at once.
 * Points: each piece of ground also has a point-in-area grid (pip_grid.c),
 * read-only, that answers GEOS's prepared intersects for nearly every point
 * without a GEOS point; the others are tested by GEOS as before.
 * Not here: the rules (holding.c), the front distance and rule S3
 * (settlement_status.c), the stream driver (stream.c).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fl_pip_grid.h"
#include "fl_prep.h"
#include "frontline/fl_holding.h"

typedef struct prep_set prep_set;
struct prep_set {
  const GEOSPreparedGeometry **prep; /* [claim * (n_sides + 1) + side]; last: contested */
  prep_set *next;                    /* in the free list */
};

struct fl_holding_kernel {
  fl__prepped cp;
  fl__groups gr;
  fl__control_group *cg;             /* gr.n claims */
  char **side;                       /* borrowed from cg */
  size_t n_sides;
  const GEOSGeometry **ground;       /* [claim * (n_sides + 1) + side], borrowed from cg;
                                        last: contested; NULL: none */
  fl__pip_grid **grid;               /* same index; NULL: none (test with GEOS) */
  double split_share;
  pthread_mutex_t lock;
  prep_set *free_sets;               /* not in use */
  prep_set **all_sets;               /* every set made, for fl_holding_free */
  size_t n_sets, cap_sets;
};

const fl__control_group *fl__holding_claim(const fl_holding_kernel *k, size_t c) {
  return &k->cg[c];
}

const fl__groups *fl__holding_groups(const fl_holding_kernel *k) { return &k->gr; }

size_t fl_holding_n_claims(const fl_holding_kernel *k) { return k->gr.n; }
const char *fl_holding_claim_source(const fl_holding_kernel *k, size_t c) {
  return k->gr.g[c].source;
}
const char *fl_holding_claim_date(const fl_holding_kernel *k, size_t c) { return k->gr.g[c].date; }
size_t fl_holding_n_sides(const fl_holding_kernel *k) { return k->n_sides; }
const char *fl_holding_side(const fl_holding_kernel *k, size_t s) { return k->side[s]; }

/* Every claim's sides in claim order, each once. */
static fl_status collect_sides(fl_ctx *ctx, fl_holding_kernel *k, const fl_layer *control) {
  size_t cap = 8;
  k->side = malloc(cap * sizeof *k->side);
  if (!k->side) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t g = 0; g < k->gr.n; g++)
    for (size_t s = 0; s < k->cg[g].n_sides; s++) {
      char *v = k->cg[g].side[s];
      size_t i = 0;
      while (i < k->n_sides && strcmp(k->side[i], v)) i++;
      if (i < k->n_sides) continue;
      if (k->n_sides == cap) {
        char **grown = realloc(k->side, (cap *= 2) * sizeof *grown);
        if (!grown) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
        k->side = grown;
      }
      k->side[k->n_sides++] = v;
    }
  for (size_t a = 0; a < k->n_sides; a++) /* across claims, as in control.c */
    for (size_t b = a + 1; b < k->n_sides; b++)
      if (strcasecmp(k->side[a], k->side[b]) == 0)
        return fl__fail(ctx, FL_E_FIELD, "control layer '%s': sides '%s' and '%s' differ only in "
                        "case, which output column names cannot tell apart; spell them the same",
                        control->name, k->side[a], k->side[b]);
  return FL_OK;
}

/* A grid for each piece of ground (NULL where there is no ground). */
static fl_status grid_ground(fl_ctx *ctx, fl_holding_kernel *k) {
  size_t n = k->gr.n * (k->n_sides + 1);
  k->grid = calloc(n ? n : 1, sizeof *k->grid);
  if (!k->grid) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_status st = FL_OK;
  for (size_t i = 0; !st && i < n; i++) {
    const GEOSGeometry *ground = k->ground[i];
    if (!ground || GEOSisEmpty_r(ctx->geos, ground) == 1) continue;
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(ctx->geos, ground);
    if (!prep) return fl__fail_geos(ctx, "preparing the control ground");
    st = fl__pip_grid_build(ctx, ground, prep, &k->grid[i]);
    GEOSPreparedGeom_destroy_r(ctx->geos, prep);
  }
  return st;
}

/* Each claim's ground by side index, so that no call looks sides up by name. */
static fl_status index_ground(fl_ctx *ctx, fl_holding_kernel *k) {
  size_t ns = k->n_sides;
  k->ground = calloc(k->gr.n * (ns + 1) + 1, sizeof *k->ground);
  if (!k->ground) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t g = 0; g < k->gr.n; g++) {
    const fl__control_group *cg = &k->cg[g];
    for (size_t a = 0; a < ns; a++) {
      int i = fl__control_side(cg, k->side[a]);
      k->ground[g * (ns + 1) + a] = i >= 0 ? cg->area[i] : NULL;
    }
    k->ground[g * (ns + 1) + ns] = cg->contested;
  }
  return FL_OK;
}

fl_status fl_holding_prepare(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                             fl_holding_kernel **out) {
  *out = NULL;
  fl_status st = fl_holding_check_split(ctx, opts->split_share);
  if (st) return st;
  fl_holding_kernel *k = calloc(1, sizeof *k);
  if (!k) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  pthread_mutex_init(&k->lock, NULL);
  k->split_share = opts->split_share;
  st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &k->cp);
  if (!st) st = fl__groups_build(ctx, control, opts, &k->gr);
  if (!st) {
    k->cg = calloc(k->gr.n ? k->gr.n : 1, sizeof *k->cg);
    if (!k->cg) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  for (size_t g = 0; !st && g < k->gr.n; g++)
    st = fl__control_group_build(ctx, &k->cp, &k->gr, (int)g, opts, &k->cg[g]);
  if (!st) st = collect_sides(ctx, k, control);
  if (!st) st = index_ground(ctx, k);
  if (!st) st = grid_ground(ctx, k);
  if (st) {
    fl_holding_free(ctx, k);
    return st;
  }
  *out = k;
  return FL_OK;
}

static void set_free(GEOSContextHandle_t h, const fl_holding_kernel *k, prep_set *s) {
  if (!s) return;
  size_t n = k->gr.n * (k->n_sides + 1);
  for (size_t i = 0; s->prep && i < n; i++)
    if (s->prep[i]) GEOSPreparedGeom_destroy_r(h, s->prep[i]);
  free(s->prep);
  free(s);
}

/* A new set of prepared ground; NULL when out of memory or GEOS failed. */
static prep_set *set_new(fl_ctx *ctx, const fl_holding_kernel *k) {
  size_t ns = k->n_sides, n = k->gr.n * (ns + 1);
  prep_set *s = calloc(1, sizeof *s);
  if (s) s->prep = calloc(n ? n : 1, sizeof *s->prep);
  if (!s || !s->prep) {
    set_free(ctx->geos, k, s);
    return NULL;
  }
  for (size_t g = 0; g < k->gr.n; g++) {
    for (size_t a = 0; a <= ns; a++) {
      const GEOSGeometry *ground = k->ground[g * (ns + 1) + a];
      if (!ground || GEOSisEmpty_r(ctx->geos, ground) == 1) continue;
      s->prep[g * (ns + 1) + a] = GEOSPrepare_r(ctx->geos, ground);
      if (!s->prep[g * (ns + 1) + a]) {
        set_free(ctx->geos, k, s);
        return NULL;
      }
    }
  }
  return s;
}

/* A set no other thread is using. */
static prep_set *set_take(fl_ctx *ctx, fl_holding_kernel *k) {
  pthread_mutex_lock(&k->lock);
  prep_set *s = k->free_sets;
  if (s) k->free_sets = s->next;
  pthread_mutex_unlock(&k->lock);
  if (s) return s;
  s = set_new(ctx, k);
  if (!s) {
    fl__fail(ctx, FL_E_NOMEM, "out of memory preparing the control ground");
    return NULL;
  }
  pthread_mutex_lock(&k->lock);
  int ok = 1;
  if (k->n_sets == k->cap_sets) {
    size_t cap = k->cap_sets ? 2 * k->cap_sets : 4;
    prep_set **grown = realloc(k->all_sets, cap * sizeof *grown);
    if (grown) k->all_sets = grown, k->cap_sets = cap;
    else ok = 0;
  }
  if (ok) k->all_sets[k->n_sets++] = s;
  pthread_mutex_unlock(&k->lock);
  if (!ok) {
    set_free(ctx->geos, k, s);
    fl__fail(ctx, FL_E_NOMEM, "out of memory preparing the control ground");
    return NULL;
  }
  return s;
}

static void set_give_back(fl_holding_kernel *k, prep_set *s) {
  pthread_mutex_lock(&k->lock);
  s->next = k->free_sets;
  k->free_sets = s;
  pthread_mutex_unlock(&k->lock);
}

/* The holder and status of each claim from its shares (S1, S2, S4). */
static void decide(const fl_holding_kernel *k, int is_point, fl_holding_row *rows) {
  size_t ns = k->n_sides;
  for (size_t g = 0; g < k->gr.n; g++) {
    fl_holding_row *r = &rows[g];
    int best = -1;
    r->status = fl_holding_decide(r->share, ns, r->share[ns], is_point, k->split_share, &best);
    r->side = best;
    r->is_point = is_point;
  }
}

/* The rules on one settlement with a set of prepared ground (S1, S2, S4). */
static fl_status apply(fl_ctx *ctx, const fl_holding_kernel *k, const prep_set *s,
                       const GEOSGeometry *geom, double area, fl_holding_row *rows) {
  size_t ns = k->n_sides;
  for (size_t g = 0; g < k->gr.n; g++)
    for (size_t a = 0; a <= ns; a++) {
      fl_status st = fl_holding_share(ctx, s->prep[g * (ns + 1) + a], k->ground[g * (ns + 1) + a],
                                      geom, area, &rows[g].share[a]);
      if (st) return st;
    }
  decide(k, !(area > 0), rows); /* points, and polygons of no area (S1) */
  return FL_OK;
}

/* apply() on the point (x, y), finite: the grid where it can tell, else GEOS
 * on a point made once. */
static fl_status apply_xy(fl_ctx *ctx, const fl_holding_kernel *k, const prep_set *s, double x,
                          double y, fl_holding_row *rows) {
  size_t ns = k->n_sides;
  GEOSGeometry *pt = NULL;
  fl_status st = FL_OK;
  for (size_t g = 0; !st && g < k->gr.n; g++)
    for (size_t a = 0; !st && a <= ns; a++) {
      size_t i = g * (ns + 1) + a;
      int loc = s->prep[i] && k->grid[i] ? fl__pip_grid_locate(k->grid[i], x, y) : -1;
      rows[g].share[a] = loc > 0 ? 1.0 : 0.0; /* S1: a point on the ground */
      if (!s->prep[i] || loc >= 0) continue;
      if (!pt && !(pt = GEOSGeom_createPointFromXY_r(ctx->geos, x, y)))
        st = fl__fail_geos(ctx, "making a point");
      if (!st) st = fl_holding_share(ctx, s->prep[i], k->ground[i], pt, 0, &rows[g].share[a]);
    }
  if (pt) GEOSGeom_destroy_r(ctx->geos, pt);
  if (!st) decide(k, 1, rows);
  return st;
}

fl_status fl_holding_settlement(fl_ctx *ctx, const fl_holding_kernel *k,
                                const GEOSGeometry *settlement, fl_holding_row *rows) {
  if (!settlement || GEOSisEmpty_r(ctx->geos, settlement) == 1)
    return fl__fail(ctx, FL_E_GEOM, "cannot tell who holds an empty settlement");
  double area = 0, x = NAN, y = NAN;
  int dim = GEOSGeom_getDimensions_r(ctx->geos, settlement);
  if (dim == 2) {
    fl_status st = fl_area_km2(ctx, settlement, &area);
    if (st) return st;
  }
  int xy = GEOSGeomTypeId_r(ctx->geos, settlement) == GEOS_POINT &&
           GEOSGeomGetX_r(ctx->geos, settlement, &x) && GEOSGeomGetY_r(ctx->geos, settlement, &y) &&
           isfinite(x) && isfinite(y);
  fl_holding_kernel *mk = (fl_holding_kernel *)k; /* the pool only */
  prep_set *s = set_take(ctx, mk);
  if (!s) return ctx->status;
  fl_status st = xy ? apply_xy(ctx, k, s, x, y, rows) : apply(ctx, k, s, settlement, area, rows);
  set_give_back(mk, s);
  return st;
}

fl_status fl_holding_points(fl_ctx *ctx, const fl_holding_kernel *k, const double *xy, size_t n,
                            fl_holding_row *rows) {
  fl_holding_kernel *mk = (fl_holding_kernel *)k; /* the pool only */
  prep_set *s = set_take(ctx, mk);
  if (!s) return ctx->status;
  fl_status st = FL_OK;
  for (size_t i = 0; !st && i < n; i++) {
    if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) {
      st = fl__fail(ctx, FL_E_ARG, "point %zu has a coordinate that is not a finite number", i);
      break;
    }
    st = apply_xy(ctx, k, s, xy[2 * i], xy[2 * i + 1], rows + i * k->gr.n);
  }
  set_give_back(mk, s);
  return st;
}

void fl_holding_free(fl_ctx *ctx, fl_holding_kernel *k) {
  if (!k) return;
  for (size_t i = 0; i < k->n_sets; i++) set_free(ctx->geos, k, k->all_sets[i]);
  free(k->all_sets);
  for (size_t g = 0; k->cg && g < k->gr.n; g++) fl__control_group_free(ctx, &k->cg[g]);
  free(k->cg);
  free(k->side);
  free(k->ground);
  for (size_t i = 0; k->grid && i < k->gr.n * (k->n_sides + 1); i++) fl__pip_grid_free(k->grid[i]);
  free(k->grid);
  if (k->gr.of_feature) fl__groups_free(&k->gr);
  fl__prep_free(ctx, &k->cp);
  pthread_mutex_destroy(&k->lock);
  free(k);
}
