/*
 * densify_lines.c - fl__densify_geodesic for long lines on every core.
 *
 * The same geometry, bit for bit, as fl__densify_geodesic (geodesy.c): each
 * edge's geodesic (geod_inverse from its start to its end) is solved on
 * every core, in blocks of EDGE_BLOCK edges; the points then put on an edge
 * longer than the step (geod_direct along it at equal steps) and the lines
 * are assembled in order on the calling thread. Only a line string or a
 * multi line string is spread; any other geometry, or a small one, is
 * densified by fl__densify_geodesic itself. The bands densify their front's
 * lines so (bands.c): a 100,000-vertex front took 5 % of T4 on one core.
 * Not here: the rules of densification (geodesy.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "fl_geodesy.h"
#include "fl_prep.h"

#define EDGE_BLOCK 4096
#define MIN_VERTICES 8192 /* below: one core */

typedef struct line_job {
  const GEOSCoordSequence **seq; /* [n_lines] */
  unsigned *n;                   /* [n_lines] vertices */
  size_t *first;                 /* [n_lines + 1] blocks of line k from first[k] */
  size_t n_lines;
  double **xy, **s12, **az1;     /* [n_lines][n[k] ...]: vertices, edges ending there */
} line_job;

static fl_status edges_one(fl_ctx *wctx, size_t b, void *shared, void *scratch) {
  (void)scratch;
  line_job *j = shared;
  size_t k = 0;
  while (b >= j->first[k + 1]) k++;
  size_t i0 = (b - j->first[k]) * EDGE_BLOCK, i1 = i0 + EDGE_BLOCK;
  if (i1 > j->n[k]) i1 = j->n[k];
  const double *xy = j->xy[k];
  for (size_t i = i0 < 1 ? 1 : i0; i < i1; i++) {
    double az2;
    geod_inverse(&wctx->geod, xy[2 * i - 1], xy[2 * i - 2], xy[2 * i + 1], xy[2 * i],
                 &j->s12[k][i], &j->az1[k][i], &az2);
  }
  return FL_OK;
}

/* Line k densified (densify_seq of geodesy.c on the solved edges). */
static GEOSGeometry *assemble(fl_ctx *ctx, const line_job *j, size_t k, double max_seg_m) {
  unsigned n = j->n[k];
  const double *xy = j->xy[k];
  size_t cap = n ? n : 1, len = 0;
  double *out = malloc(2 * cap * sizeof *out);
  for (unsigned i = 0; out && i < n; i++) {
    size_t extra = 0;
    double s12 = i ? j->s12[k][i] : 0, az1 = i ? j->az1[k][i] : 0, az2;
    if (i > 0 && s12 > max_seg_m) extra = (size_t)ceil(s12 / max_seg_m) - 1;
    if (len + extra + 1 > cap) {
      while (len + extra + 1 > cap) cap *= 2;
      double *grown = realloc(out, 2 * cap * sizeof *out);
      if (!grown) { free(out); out = NULL; break; }
      out = grown;
    }
    for (size_t e = 1; e <= extra; e++) {
      double lat, lon;
      geod_direct(&ctx->geod, xy[2 * i - 1], xy[2 * i - 2], az1,
                  s12 * (double)e / (double)(extra + 1), &lat, &lon, &az2);
      out[2 * len] = lon;
      out[2 * len + 1] = lat;
      len++;
    }
    out[2 * len] = xy[2 * i];
    out[2 * len + 1] = xy[2 * i + 1];
    len++;
  }
  if (!out) return NULL;
  GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(ctx->geos, out, (unsigned)len, 0, 0);
  free(out);
  return s ? GEOSGeom_createLineString_r(ctx->geos, s) : NULL;
}

static void job_free(line_job *j) {
  for (size_t k = 0; k < j->n_lines; k++) {
    if (j->xy) free(j->xy[k]);
    if (j->s12) free(j->s12[k]);
    if (j->az1) free(j->az1[k]);
  }
  free(j->seq);
  free(j->n);
  free(j->first);
  free(j->xy);
  free(j->s12);
  free(j->az1);
}

/* The job's arrays for the n_lines lines of g; nonzero when out of memory. */
static int job_init(GEOSContextHandle_t h, const GEOSGeometry *g, int multi, line_job *j) {
  size_t m = j->n_lines;
  j->seq = calloc(m, sizeof *j->seq);
  j->n = calloc(m, sizeof *j->n);
  j->first = calloc(m + 1, sizeof *j->first);
  j->xy = calloc(m, sizeof *j->xy);
  j->s12 = calloc(m, sizeof *j->s12);
  j->az1 = calloc(m, sizeof *j->az1);
  if (!j->seq || !j->n || !j->first || !j->xy || !j->s12 || !j->az1) return 1;
  for (size_t k = 0; k < m; k++) {
    const GEOSGeometry *line = multi ? GEOSGetGeometryN_r(h, g, (int)k) : g;
    j->seq[k] = GEOSGeom_getCoordSeq_r(h, line);
    if (!j->seq[k] || !GEOSCoordSeq_getSize_r(h, j->seq[k], &j->n[k])) return 1;
    size_t n = j->n[k] ? j->n[k] : 1;
    j->xy[k] = malloc(2 * n * sizeof **j->xy);
    j->s12[k] = malloc(n * sizeof **j->s12);
    j->az1[k] = malloc(n * sizeof **j->az1);
    if (!j->xy[k] || !j->s12[k] || !j->az1[k]) return 1;
    if (j->n[k] && !GEOSCoordSeq_copyToBuffer_r(h, j->seq[k], j->xy[k], 0, 0)) return 1;
    j->first[k + 1] = j->first[k] + (j->n[k] + EDGE_BLOCK - 1) / EDGE_BLOCK;
  }
  return 0;
}

/* The lines of g (taken by the result's collection) in order. */
static GEOSGeometry *assemble_all(fl_ctx *ctx, const line_job *j, int type, double max_seg_m) {
  GEOSContextHandle_t h = ctx->geos;
  if (type == GEOS_LINESTRING) return assemble(ctx, j, 0, max_seg_m);
  GEOSGeometry **parts = calloc(j->n_lines ? j->n_lines : 1, sizeof *parts);
  int ok = parts != NULL;
  for (size_t k = 0; ok && k < j->n_lines; k++)
    ok = (parts[k] = assemble(ctx, j, k, max_seg_m)) != NULL;
  GEOSGeometry *c = ok ? GEOSGeom_createCollection_r(h, type, parts, (unsigned)j->n_lines) : NULL;
  if (!c && parts)
    for (size_t k = 0; k < j->n_lines; k++)
      if (parts[k]) GEOSGeom_destroy_r(h, parts[k]);
  free(parts);
  return c;
}

GEOSGeometry *fl__densify_lines_parallel(fl_ctx *ctx, const GEOSGeometry *lonlat,
                                         double max_seg_m) {
  GEOSContextHandle_t h = ctx->geos;
  int type = GEOSGeomTypeId_r(h, lonlat);
  if ((type != GEOS_LINESTRING && type != GEOS_MULTILINESTRING) ||
      GEOSGetNumCoordinates_r(h, lonlat) < MIN_VERTICES || fl__threads_for(ctx, SIZE_MAX) < 2)
    return fl__densify_geodesic(ctx, lonlat, max_seg_m);
  line_job j = {0};
  j.n_lines = type == GEOS_LINESTRING ? 1 : (size_t)GEOSGetNumGeometries_r(h, lonlat);
  if (job_init(h, lonlat, type == GEOS_MULTILINESTRING, &j)) {
    job_free(&j);
    fl__fail(ctx, FL_E_NOMEM, "out of memory while densifying a geometry");
    return NULL;
  }
  double p = ctx->last_progress; /* no progress of its own */
  GEOSGeometry *r = NULL;
  if (!fl__parallel_for(ctx, j.first[j.n_lines], edges_one, &j, NULL, NULL, p, p)) {
    r = assemble_all(ctx, &j, type, max_seg_m);
    if (!r) fl__fail(ctx, FL_E_NOMEM, "out of memory while densifying a geometry");
    else GEOSSetSRID_r(h, r, GEOSGetSRID_r(h, lonlat));
  }
  job_free(&j);
  return r;
}
