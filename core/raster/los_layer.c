/*
 * los_layer.c - lines of sight from every observer to every target of two
 * point layers (fl_lines_of_sight()), one output line per pair.
 *
 * Rules: (L5) a per-feature height field that is NULL falls back to the
 * constant height; a negative or non-numeric one is an error naming the
 * feature; (L6) pairs farther apart than max_range_m (when > 0) are skipped;
 * (L7) the output line is the ground profile with Z, in the observers' CRS;
 * (L8) a pair whose sight line leaves the DEM or crosses a cell without
 * height is skipped with a warning (the first 10 named, then a count).
 * Not here: the sight line itself (los.c).
 */
#include <math.h>

#include "fl_raster.h"

static fl_status height_of(fl_ctx *ctx, const fl_layer *l, const fl_feature *f, int field,
                           const char *param, double fallback, double *h) {
  *h = fallback;
  if (field < 0 || f->values[field].is_null) return FL_OK;
  const fl_value *v = &f->values[field];
  double x = l->fields[field].type == FL_FIELD_INTEGER ? (double)v->i
             : l->fields[field].type == FL_FIELD_REAL  ? v->d
                                                       : NAN;
  if (!(x >= 0 && x < 1e5))
    return fl__fail(ctx, FL_E_FIELD, "layer '%s', feature %lld, field '%s' (@{%s}) must be a "
                    "height above ground in metres >= 0", l->name, (long long)f->fid,
                    l->fields[field].name, param);
  *h = x;
  return FL_OK;
}

fl_status fl__points_lonlat(fl_ctx *ctx, const fl_layer *l, const char *h_field,
                            const char *h_param, double h_default, fl__pt **out, size_t *n_out) {
  GEOSContextHandle_t g = ctx->geos;
  int field = -1;
  if (h_field && *h_field) {
    field = fl_layer_field_index(l, h_field);
    if (field < 0)
      return fl__fail(ctx, FL_E_FIELD, "@{%s} names no field of layer '%s': there is no field "
                      "'%s'", h_param, l->name, h_field);
  }
  fl__pt *p = NULL;
  size_t n = 0, cap = 0;
  fl_status st = FL_OK;
  for (size_t i = 0; i < l->n_features && !st; i++) {
    const fl_feature *f = &l->features[i];
    if (!f->geom || GEOSisEmpty_r(g, f->geom)) continue;
    int t = GEOSGeomTypeId_r(g, f->geom);
    if (t != GEOS_POINT && t != GEOS_MULTIPOINT) {
      st = fl__fail(ctx, FL_E_GEOM, "layer '%s', feature %lld is not a point", l->name,
                    (long long)f->fid);
      break;
    }
    double h;
    GEOSGeometry *ll = NULL;
    if ((st = height_of(ctx, l, f, field, h_param, h_default, &h))) break;
    if ((st = fl_geom_to_lonlat(ctx, f->geom, l->srid, &ll))) break;
    int parts = GEOSGetNumGeometries_r(g, ll);
    for (int k = 0; k < parts; k++) {
      const GEOSGeometry *q = GEOSGetGeometryN_r(g, ll, k);
      double x, y;
      if (GEOSisEmpty_r(g, q) || !GEOSGeomGetX_r(g, q, &x) || !GEOSGeomGetY_r(g, q, &y)) continue;
      if (n == cap) {
        cap = cap ? 2 * cap : 16;
        fl__pt *np = realloc(p, cap * sizeof *np);
        if (!np) {
          st = fl__fail(ctx, FL_E_NOMEM, "out of memory reading points");
          break;
        }
        p = np;
      }
      p[n++] = (fl__pt){f->fid, x, y, h};
    }
    GEOSGeom_destroy_r(g, ll);
  }
  if (st) {
    free(p);
    return st;
  }
  *out = p;
  *n_out = n;
  return FL_OK;
}

static GEOSGeometry *profile_line(fl_ctx *ctx, const fl_los_result *r) {
  GEOSContextHandle_t g = ctx->geos;
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(g, (unsigned)r->n_profile, 3);
  if (!cs) return NULL;
  for (size_t i = 0; i < r->n_profile; i++)
    GEOSCoordSeq_setXYZ_r(g, cs, (unsigned)i, r->profile[3 * i], r->profile[3 * i + 1],
                          r->profile[3 * i + 2]);
  return GEOSGeom_createLineString_r(g, cs);
}

typedef struct out_fields {
  int ofid, tfid, vis, dist, ang, oz, tz, blon, blat, bz, bd;
} out_fields;

static fl_layer *new_output(const fl_layer *obs, out_fields *f) {
  fl_layer *o = fl_layer_new("line_of_sight", obs->srid, "LINESTRING");
  if (!o) return NULL;
  f->ofid = fl_layer_add_field(o, "observer_fid", FL_FIELD_INTEGER);
  f->tfid = fl_layer_add_field(o, "target_fid", FL_FIELD_INTEGER);
  f->vis = fl_layer_add_field(o, "visible", FL_FIELD_INTEGER);
  f->dist = fl_layer_add_field(o, "dist_m", FL_FIELD_REAL);
  f->ang = fl_layer_add_field(o, "angle_deg", FL_FIELD_REAL);
  f->oz = fl_layer_add_field(o, "obs_z", FL_FIELD_REAL);
  f->tz = fl_layer_add_field(o, "tgt_z", FL_FIELD_REAL);
  f->blon = fl_layer_add_field(o, "block_lon", FL_FIELD_REAL);
  f->blat = fl_layer_add_field(o, "block_lat", FL_FIELD_REAL);
  f->bz = fl_layer_add_field(o, "block_z", FL_FIELD_REAL);
  f->bd = fl_layer_add_field(o, "block_dist_m", FL_FIELD_REAL);
  return f->bd < 0 ? NULL : o;
}

static fl_status emit(fl_ctx *ctx, fl_layer *o, const out_fields *f, int srid, const fl__pt *a,
                      const fl__pt *b, const fl_los_result *r) {
  GEOSGeometry *ll = profile_line(ctx, r), *geom = NULL;
  if (!ll) return fl__fail_geos(ctx, "sight line");
  fl_status st = fl_geom_from_lonlat(ctx, ll, srid, &geom);
  GEOSGeom_destroy_r(ctx->geos, ll);
  if (st) return st;
  fl_feature *x = fl_layer_append(ctx, o, (int64_t)o->n_features + 1, geom);
  if (!x) return fl__fail(ctx, FL_E_NOMEM, "out of memory for lines of sight");
  fl_feature_set_int(o, x, f->ofid, a->fid);
  fl_feature_set_int(o, x, f->tfid, b->fid);
  fl_feature_set_int(o, x, f->vis, r->visible);
  fl_feature_set_real(o, x, f->dist, r->dist_m);
  fl_feature_set_real(o, x, f->ang, r->angle_deg);
  fl_feature_set_real(o, x, f->oz, r->obs_z);
  fl_feature_set_real(o, x, f->tz, r->tgt_z);
  if (!r->visible) {
    fl_feature_set_real(o, x, f->blon, r->block_lon);
    fl_feature_set_real(o, x, f->blat, r->block_lat);
    fl_feature_set_real(o, x, f->bz, r->block_z);
    fl_feature_set_real(o, x, f->bd, r->block_dist_m);
  }
  return FL_OK;
}

/* (L9) the samples of every pair within range, summed before any sampling;
 * FL_OK, a stop, or the limit's sentence. */
static fl_status check_samples(fl_ctx *ctx, const fl_dem *dem, const fl__pt *o, size_t no,
                               const fl__pt *t, size_t nt, double max_range_m) {
  double limit = fl__limit(ctx, FL__LIMIT_LOS_SAMPLES), sum = 0;
  if (max_range_m <= 0 && 3.0 * (double)no * (double)nt > limit) /* 3 samples a pair at least */
    sum = 3.0 * (double)no * (double)nt;
  for (size_t i = 0; sum <= limit && i < no; i++) {
    fl_status st = fl__stop_check(ctx, "estimating the sight lines' samples");
    if (st) return st;
    for (size_t j = 0; j < nt && sum <= limit; j++) {
      double d;
      geod_inverse(&ctx->geod, o[i].lat, o[i].lon, t[j].lat, t[j].lon, &d, NULL, NULL);
      if (!(max_range_m > 0 && d > max_range_m)) sum += fl__los_samples(dem, d);
    }
  }
  if (sum <= limit) return FL_OK;
  return fl__limit_exceeded(ctx, FL__LIMIT_LOS_SAMPLES, "use fewer observers or targets, a "
                            "smaller @{max_range_m} or a coarser @{dem}", "the lines of sight "
                            "of %zu observers and %zu targets would need at least %.3g samples of "
                            "@{dem}", no, nt, sum);
}

fl_status fl_lines_of_sight(fl_ctx *ctx, const fl_dem *dem, const fl_layer *observers,
                            const fl_layer *targets, double obs_h, double tgt_h,
                            const char *obs_h_field, const char *tgt_h_field,
                            double max_range_m, double refraction, fl_layer **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  if (!dem || !observers || !targets || !out)
    return fl__fail(ctx, FL_E_ARG, "fl_lines_of_sight: NULL argument");
  if (!(max_range_m >= 0) || !isfinite(max_range_m))
    return fl__fail(ctx, FL_E_ARG, "@{max_range_m} must be a finite number >= 0");
  fl__pt *o = NULL, *t = NULL;
  size_t no = 0, nt = 0;
  out_fields f = {0};
  fl_layer *res = NULL;
  size_t skipped = 0;
  fl_status st = fl__points_lonlat(ctx, observers, obs_h_field, "observer_height_field", obs_h,
                                   &o, &no);
  if (!st) st = fl__points_lonlat(ctx, targets, tgt_h_field, "target_height_field", tgt_h, &t,
                                  &nt);
  if (!st) st = check_samples(ctx, dem, o, no, t, nt, max_range_m); /* (L9) */
  if (!st && !(res = new_output(observers, &f)))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory for lines of sight");
  for (size_t i = 0; !st && i < no; i++) {
    for (size_t j = 0; !st && j < nt; j++) {
      double d;
      geod_inverse(&ctx->geod, o[i].lat, o[i].lon, t[j].lat, t[j].lon, &d, NULL, NULL);
      if (max_range_m > 0 && d > max_range_m) continue; /* (L6) */
      if ((st = fl__stop_check(ctx, "drawing lines of sight"))) break; /* (L9) */
      fl_los_result r;
      st = fl_line_of_sight(ctx, dem, o[i].lon, o[i].lat, o[i].h, t[j].lon, t[j].lat, t[j].h,
                            refraction, &r);
      if (st == FL_E_GEOM) { /* (L8) off the DEM: skipped, said so, never guessed */
        if (++skipped <= 10)
          fl__warn(ctx, "observer %lld, target %lld skipped: %s", (long long)o[i].fid,
                   (long long)t[j].fid, ctx->errmsg);
        st = FL_OK;
        continue;
      }
      if (st) {
        char msg[FL_ERRMSG_LEN];
        snprintf(msg, sizeof msg, "%s", ctx->errmsg);
        st = fl__fail(ctx, st, "observer %lld, target %lld: %s", (long long)o[i].fid,
                      (long long)t[j].fid, msg);
        break;
      }
      st = emit(ctx, res, &f, observers->srid, &o[i], &t[j], &r);
      free(r.profile);
    }
    if (!st) st = fl__progress(ctx, (double)(i + 1) / (double)no);
  }
  free(o);
  free(t);
  if (!st && skipped > 10)
    fl__warn(ctx, "%zu observer-target pairs in all were skipped: their sight line leaves @{dem} "
             "or crosses cells without height", skipped);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}
