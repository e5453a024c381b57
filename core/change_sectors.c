/*
 * change_sectors.c - the sectors of `change` (named polygons, e.g. the
 * directions "Toretsk", "Pokrovsk"): read once, prepared, and used to split
 * each changed piece.
 *
 * Rules:
 *   (C6) a piece is cut by every sector it meets (a part per sector: sectors
 *        that overlap each get the overlap), and the part outside every
 *        sector gets no sector name. Parts under 1 m² are slivers (C3).
 *   (C7) sector names come from the sectors' name field (sector_field,
 *        "name"); a sector without a name is named by its feature id.
 * Not here: the overlays of the dates (change.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"

static fl_status load_names(fl_ctx *ctx, const fl_change_input *in, const fl__prepped *p,
                            fl__sectors *s) {
  const char *field = in->sector_field ? in->sector_field : "name";
  int fi = fl__field(ctx, in->sectors, "sectors", field, "sector_field", 0);
  if (fi < 0) return fl_ctx_status(ctx);
  for (size_t i = 0; i < p->n; i++) {
    if (!p->lonlat[i]) continue;
    const fl_feature *f = &in->sectors->features[i];
    char id[32];
    const char *name = f->values[fi].is_null ? NULL : fl_value_text(in->sectors, f, fi);
    if (!name || !name[0]) { /* (C7) */
      snprintf(id, sizeof id, "%lld", (long long)f->fid);
      name = id;
    }
    s->name[s->n] = fl__strdup(name);
    s->g[s->n] = GEOSGeom_clone_r(ctx->geos, p->lonlat[i]);
    if (!s->name[s->n] || !s->g[s->n]) {
      free(s->name[s->n]);
      if (s->g[s->n]) GEOSGeom_destroy_r(ctx->geos, s->g[s->n]);
      return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    }
    GEOSSetSRID_r(ctx->geos, s->g[s->n], 4326);
    s->prep[s->n] = GEOSPrepare_r(ctx->geos, s->g[s->n]);
    s->n++;
    if (!s->prep[s->n - 1]) return fl__fail_geos(ctx, "preparing a sector");
  }
  return FL_OK;
}

static int keep_all(size_t i, void *user) {
  (void)i;
  (void)user;
  return 1;
}

fl_status fl__sectors_load(fl_ctx *ctx, const fl_change_input *in, fl__sectors *s) {
  memset(s, 0, sizeof *s);
  if (!in->sectors) return FL_OK;
  fl__prepped p;
  memset(&p, 0, sizeof p);
  fl_status st = fl__prep_layer(ctx, in->sectors, "sectors", FL__WANT_POLYGON, &p);
  if (st) return st;
  size_t n = p.n ? p.n : 1;
  s->name = calloc(n, sizeof *s->name);
  s->g = calloc(n, sizeof *s->g);
  s->prep = calloc(n, sizeof *s->prep);
  if (!s->name || !s->g || !s->prep) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!st) st = load_names(ctx, in, &p, s);
  if (!st && s->n == 0)
    st = fl__fail(ctx, FL_E_GEOM, "@{sectors} layer '%s' has no polygon",
                  in->sectors->name ? in->sectors->name : "?");
  if (!st) {
    s->all = fl__union_where(ctx, s->g, s->n, keep_all, NULL);
    if (!s->all) st = fl_ctx_status(ctx) ? fl_ctx_status(ctx) : FL_E_GEOS;
    else GEOSSetSRID_r(ctx->geos, s->all, 4326);
  }
  fl__prep_free(ctx, &p);
  return st;
}

void fl__sectors_free(fl_ctx *ctx, fl__sectors *s) {
  for (size_t i = 0; i < s->n; i++) {
    if (s->prep && s->prep[i]) GEOSPreparedGeom_destroy_r(ctx->geos, s->prep[i]);
    if (s->g && s->g[i]) GEOSGeom_destroy_r(ctx->geos, s->g[i]);
    if (s->name) free(s->name[i]);
  }
  free(s->name);
  free(s->g);
  free(s->prep);
  if (s->all) GEOSGeom_destroy_r(ctx->geos, s->all);
  memset(s, 0, sizeof *s);
}

/* The polygons of op(a, b), lon/lat, or NULL with the failure in ctx. */
static GEOSGeometry *cut(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b, int diff) {
  GEOSGeometry *x = diff ? GEOSDifference_r(ctx->geos, a, b) : GEOSIntersection_r(ctx->geos, a, b);
  if (!x) {
    fl__fail_geos(ctx, "change: cutting by a sector");
    return NULL;
  }
  GEOSGeometry *poly = fl__polygonal_part(ctx->geos, x);
  GEOSGeom_destroy_r(ctx->geos, x);
  if (!poly) fl__fail_geos(ctx, "change: polygons of a sector cut");
  else GEOSSetSRID_r(ctx->geos, poly, 4326);
  return poly;
}

/* (C6) */
fl_status fl__sectors_split(fl__change_job *j, const GEOSGeometry *piece, fl__sector_part_fn fn,
                            void *user) {
  fl_ctx *ctx = j->ctx;
  const fl__sectors *s = &j->sec;
  if (s->n == 0) {
    GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, piece);
    if (!c) return fl__fail_geos(ctx, "change: copying a piece");
    return fn(j, c, -1, user);
  }
  fl_status st = FL_OK;
  for (size_t k = 0; !st && k < s->n; k++) {
    char meets = GEOSPreparedIntersects_r(ctx->geos, s->prep[k], piece);
    if (meets == 2) return fl__fail_geos(ctx, "change: testing a sector");
    if (!meets) continue;
    GEOSGeometry *part = cut(ctx, piece, s->g[k], 0);
    st = part ? fn(j, part, (int)k, user) : fl_ctx_status(ctx);
  }
  if (st) return st;
  GEOSGeometry *rest = cut(ctx, piece, s->all, 1);
  return rest ? fn(j, rest, -1, user) : fl_ctx_status(ctx);
}
