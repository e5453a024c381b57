/*
 * buffer_coords.c - an untiled buffer plan's input projected into its frame
 * ahead of its buffer, so that the projection can run on every core
 * (fl__buffer_plan_coords / _project / _projected, fl_geodesy.h; bands.c
 * spreads it). The coordinates are recorded and pasted back in the order
 * GEOSGeom_transformXY_r visits them, so the geometry handed to the buffer
 * holds the very numbers fl__frame_project would have computed.
 * Not here: the buffer itself (buffer.c).
 */
#include <stdlib.h>
#include "fl_crs.h"
#include "fl_geodesy.h"

/* Coordinates of a geometry in the order GEOSGeom_transformXY_r visits them:
 * recorded into (copy), or replaced by the next ones (paste). */
typedef struct coord_run {
  double *xy;
  size_t n, cap;
} coord_run;

static int copy_cb(double *x, double *y, void *user) {
  coord_run *r = user;
  if (r->n == r->cap) {
    size_t cap = r->cap ? 2 * r->cap : 1024;
    double *g = realloc(r->xy, 2 * cap * sizeof *g);
    if (!g) return 0;
    r->xy = g;
    r->cap = cap;
  }
  r->xy[2 * r->n] = *x;
  r->xy[2 * r->n + 1] = *y;
  r->n++;
  return 1;
}

static int paste_cb(double *x, double *y, void *user) {
  coord_run *r = user;
  if (r->n == r->cap) return 0;
  *x = r->xy[2 * r->n];
  *y = r->xy[2 * r->n + 1];
  r->n++;
  return 1;
}

fl_status fl__buffer_plan_coords(fl_ctx *ctx, fl__buffer_plan *plan) {
  if (plan->tiled || plan->xy) return FL_OK;
  coord_run r = {NULL, 0, 0};
  GEOSGeometry *g = GEOSGeom_transformXY_r(ctx->geos, plan->dense, copy_cb, &r);
  if (!g) {
    free(r.xy);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory while buffering");
  }
  GEOSGeom_destroy_r(ctx->geos, g);
  plan->xy = r.xy;
  plan->n_xy = r.n;
  return FL_OK;
}

void fl__buffer_plan_project(const struct geod_geodesic *geod, fl__buffer_plan *plan,
                             size_t first, size_t n) {
  fl__frame f;
  fl__frame_init(&f, geod, plan->cx, plan->cy);
  for (size_t i = first; i < first + n && i < plan->n_xy; i++) {
    double *c = &plan->xy[2 * i];
    fl__frame_fwd(&f, c[0], c[1], &c[0], &c[1]);
  }
}

GEOSGeometry *fl__buffer_plan_projected(fl_ctx *ctx, const fl__buffer_plan *plan) {
  coord_run r = {plan->xy, 0, plan->n_xy};
  return GEOSGeom_transformXY_r(ctx->geos, plan->dense, paste_cb, &r);
}
