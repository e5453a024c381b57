/*
 * small_parts.c - holes and islands of one side's ground below a geodesic
 * area (fl_options.min_area_km2, default 0.01 km2) are artefacts of drawing
 * and clipping: a hole of a few hundred m2 inside occupied ground would
 * otherwise be traced as a front around it. Rules, cited as (H1)..(H3):
 *   (H1) a hole (interior ring) whose geodesic area is below the limit is
 *        closed: its ground becomes the surrounding side's;
 *   (H2) an island (a polygon of a multipolygon) below the limit is dropped
 *        with its holes;
 *   (H3) every change is counted per layer, source, date and side and
 *        reported as one warning: count, total km2, the largest and where it
 *        lies (lon/lat of the centre of its bounding box).
 */
#include <math.h>
#include "fl_prep.h"

typedef struct tally {
  size_t n;
  double total_km2, largest_km2;
  double lon, lat;            /* centre of the largest's bounding box */
} tally;

/* Geodesic area of a ring, in km2. */
static fl_status ring_km2(fl_ctx *ctx, const GEOSGeometry *ring, double *km2) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *shell = GEOSGeom_clone_r(h, ring);
  GEOSGeometry *poly = shell ? GEOSGeom_createPolygon_r(h, shell, NULL, 0) : NULL;
  if (!poly) {
    if (shell) GEOSGeom_destroy_r(h, shell);
    return fl__fail_geos(ctx, "measuring a ring");
  }
  fl_status st = fl_area_km2(ctx, poly, km2);
  GEOSGeom_destroy_r(h, poly);
  return st;
}

/* The geodesic area of every ring of the polygons of area (shell, then
 * holes, polygon by polygon), on every core: each ring is read by one
 * thread only. */
typedef struct rings_job {
  const GEOSGeometry **ring;
  double *km2;
  size_t n;
} rings_job;

static fl_status ring_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  rings_job *j = shared;
  return ring_km2(wctx, j->ring[i], &j->km2[i]);
}

static fl_status measure_rings(fl_ctx *ctx, const GEOSGeometry *area, rings_job *j) {
  GEOSContextHandle_t h = ctx->geos;
  int n = GEOSGetNumGeometries_r(h, area);
  size_t cap = 0;
  for (int i = 0; i < n; i++) {
    const GEOSGeometry *g = GEOSGetGeometryN_r(h, area, i);
    if (GEOSGeomTypeId_r(h, g) == GEOS_POLYGON) cap += 1 + (size_t)GEOSGetNumInteriorRings_r(h, g);
  }
  j->ring = malloc((cap ? cap : 1) * sizeof *j->ring);
  j->km2 = malloc((cap ? cap : 1) * sizeof *j->km2);
  j->n = 0;
  if (!j->ring || !j->km2) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    const GEOSGeometry *g = GEOSGetGeometryN_r(h, area, i);
    if (GEOSGeomTypeId_r(h, g) != GEOS_POLYGON) continue;
    const GEOSGeometry *shell = GEOSGetExteriorRing_r(h, g);
    if (!shell) return fl__fail_geos(ctx, "reading a polygon");
    j->ring[j->n++] = shell;
    int nh = GEOSGetNumInteriorRings_r(h, g);
    for (int k = 0; k < nh; k++) j->ring[j->n++] = GEOSGetInteriorRingN_r(h, g, k);
  }
  double p = ctx->last_progress; /* no progress of its own */
  return fl__parallel_for(ctx, j->n, ring_one, j, NULL, NULL, p, p);
}

static void count(GEOSContextHandle_t h, tally *t, const GEOSGeometry *ring, double km2) {
  t->n++;
  t->total_km2 += km2;
  if (km2 < t->largest_km2 && t->n > 1) return;
  t->largest_km2 = km2;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  GEOSGeom_getXMin_r(h, ring, &x0);
  GEOSGeom_getXMax_r(h, ring, &x1);
  GEOSGeom_getYMin_r(h, ring, &y0);
  GEOSGeom_getYMax_r(h, ring, &y1);
  t->lon = (x0 + x1) / 2;
  t->lat = (y0 + y1) / 2;
}

/* One polygon without its small holes (H1); NULL *out when it is a small
 * island (H2). km2: the areas of its shell and holes (measure_rings). */
static fl_status clean_polygon(fl_ctx *ctx, const GEOSGeometry *poly, const double *ring_km2s,
                               double min_km2, tally *holes, tally *islands, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  const GEOSGeometry *shell = GEOSGetExteriorRing_r(h, poly);
  double km2 = ring_km2s[0];
  fl_status st = shell ? FL_OK : fl__fail_geos(ctx, "reading a polygon");
  if (st) return st;
  if (km2 < min_km2) { count(h, islands, shell, km2); return FL_OK; }
  int n = GEOSGetNumInteriorRings_r(h, poly);
  GEOSGeometry **keep = calloc(n > 0 ? (size_t)n : 1, sizeof *keep);
  if (!keep) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  unsigned k = 0;
  for (int i = 0; !st && i < n; i++) {
    const GEOSGeometry *ring = GEOSGetInteriorRingN_r(h, poly, i);
    km2 = ring_km2s[1 + i];
    if (km2 < min_km2) { count(h, holes, ring, km2); continue; }
    keep[k] = GEOSGeom_clone_r(h, ring);
    if (!keep[k]) st = fl__fail_geos(ctx, "copying a ring");
    else k++;
  }
  GEOSGeometry *sh = st ? NULL : GEOSGeom_clone_r(h, shell);
  if (sh) *out = GEOSGeom_createPolygon_r(h, sh, keep, k);
  if (!st && !*out) st = fl__fail_geos(ctx, "rebuilding a polygon");
  if (st)
    for (unsigned i = 0; i < k; i++) GEOSGeom_destroy_r(h, keep[i]);
  free(keep);
  return st;
}

static void report(fl_ctx *ctx, const tally *t, const char *what, const char *where,
                   double min_km2) {
  if (!t->n) return;
  fl__warn(ctx, "%s: %s %zu %s%s below @{min_area_km2} (%g km2): %.6f km2 in all, the largest "
           "%.6f km2 at %.5f E, %.5f N", where, what[0] == 'h' ? "closed" : "dropped", t->n, what,
           t->n == 1 ? "" : "s", min_km2, t->total_km2, t->largest_km2, t->lon, t->lat);
}

fl_status fl__drop_small_parts(fl_ctx *ctx, GEOSGeometry **area, double min_km2,
                               const char *where) {
  GEOSContextHandle_t h = ctx->geos;
  if (!(min_km2 > 0) || !*area || GEOSisEmpty_r(h, *area) == 1) return FL_OK;
  int n = GEOSGetNumGeometries_r(h, *area);
  GEOSGeometry **parts = calloc(n > 0 ? (size_t)n : 1, sizeof *parts);
  if (!parts) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  tally holes = {0}, islands = {0};
  rings_job rj = {NULL, NULL, 0};
  fl_status st = measure_rings(ctx, *area, &rj);
  unsigned k = 0;
  size_t r = 0; /* the first ring of polygon i in rj */
  for (int i = 0; !st && i < n; i++) {
    const GEOSGeometry *g = GEOSGetGeometryN_r(h, *area, i);
    if (GEOSGeomTypeId_r(h, g) != GEOS_POLYGON) continue; /* fl__polygonal_part() upstream */
    GEOSGeometry *clean = NULL;
    st = clean_polygon(ctx, g, rj.km2 + r, min_km2, &holes, &islands, &clean);
    r += 1 + (size_t)GEOSGetNumInteriorRings_r(h, g);
    if (clean) parts[k++] = clean;
  }
  free(rj.ring);
  free(rj.km2);
  if (!st && (holes.n || islands.n)) {
    GEOSGeometry *mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, k);
    if (!mp) {
      st = fl__fail_geos(ctx, "rebuilding the ground");
    } else {
      k = 0; /* owned by mp now */
      GEOSSetSRID_r(h, mp, GEOSGetSRID_r(h, *area));
      GEOSGeom_destroy_r(h, *area);
      *area = mp;
      report(ctx, &holes, "hole", where, min_km2);
      report(ctx, &islands, "island", where, min_km2);
    }
  }
  for (unsigned i = 0; i < k; i++) GEOSGeom_destroy_r(h, parts[i]);
  free(parts);
  return st;
}
