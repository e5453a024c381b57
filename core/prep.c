/*
 * prep.c - input checks shared by every analysis: SRID, emptiness, geometry
 * class, lon/lat range, polygon repair; field lookup; distance lists;
 * copying fields into result layers.
 *
 * Errors name the role ("control"), the layer and its source, the feature id
 * and what to do, as one sentence. Repairs are warnings, not failures.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_prep.h"

static const double default_dist_m[] = {5000.0, 10000.0, 20000.0, 40000.0};

static unsigned geom_class(GEOSContextHandle_t h, const GEOSGeometry *g) {
  switch (GEOSGeomTypeId_r(h, g)) {
  case GEOS_POINT:
  case GEOS_MULTIPOINT:
    return FL__WANT_POINT;
  case GEOS_LINESTRING:
  case GEOS_LINEARRING:
  case GEOS_MULTILINESTRING:
    return FL__WANT_LINE;
  case GEOS_POLYGON:
  case GEOS_MULTIPOLYGON:
    return FL__WANT_POLYGON;
  default: {
    unsigned c = 0;
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) c |= geom_class(h, GEOSGetGeometryN_r(h, g, i));
    return c;
  }
  }
}

static const char *want_text(unsigned want) {
  switch (want) {
  case FL__WANT_POINT: return "points";
  case FL__WANT_LINE: return "lines";
  case FL__WANT_POLYGON: return "polygons";
  case FL__WANT_POINT | FL__WANT_POLYGON: return "points or polygons";
  default: return "points, lines or polygons";
  }
}

GEOSGeometry *fl__polygonal_part(GEOSContextHandle_t h, const GEOSGeometry *g) {
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_MULTIPOLYGON) return GEOSGeom_clone_r(h, g);
  if (type == GEOS_POLYGON) {
    GEOSGeometry *one[1] = {GEOSGeom_clone_r(h, g)};
    return one[0] ? GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, one, 1) : NULL;
  }
  int n = GEOSGetNumGeometries_r(h, g), m = 0, total = 0;
  for (int i = 0; i < n; i++) {
    const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
    int t = GEOSGeomTypeId_r(h, p);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) total += GEOSGetNumGeometries_r(h, p);
  }
  GEOSGeometry **parts = malloc((total > 0 ? (size_t)total : 1) * sizeof *parts);
  if (!parts) return NULL;
  for (int i = 0; i < n; i++) {
    const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
    int t = GEOSGeomTypeId_r(h, p);
    if (t == GEOS_POLYGON) parts[m++] = GEOSGeom_clone_r(h, p);
    else if (t == GEOS_MULTIPOLYGON)
      for (int k = 0; k < GEOSGetNumGeometries_r(h, p); k++)
        parts[m++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, p, k));
  }
  GEOSGeometry *r = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)m);
  free(parts);
  return r;
}

/* A lon/lat layer whose coordinate (x, y) is not a finite lon/lat: say what
 * it seems to hold instead. */
fl_status fl__prep_domain_fail(fl_ctx *ctx, const char *role, const fl_layer *layer,
                               const char *src, int64_t fid, double x, double y) {
  if (!isfinite(x) || !isfinite(y))
    return fl__fail(ctx, FL_E_GEOM,
                    "%s layer '%s' (%s), feature %lld: coordinate (%.9g, %.9g) is not a finite "
                    "number; fix or drop the feature",
                    role, layer->name, src, (long long)fid, x, y);
  if (fabs(x) > 360.0 || fabs(y) > 180.0)
    return fl__fail(ctx, FL_E_GEOM,
                    "%s layer '%s' (%s), feature %lld: coordinate (%.9g, %.9g) is not in degrees "
                    "though the layer's CRS is EPSG:4326 (lon/lat); it seems to hold metres: give "
                    "the layer its projected CRS (e.g. EPSG:32637 for UTM zone 37N)",
                    role, layer->name, src, (long long)fid, x, y);
  return fl__fail(ctx, FL_E_GEOM,
                  "%s layer '%s' (%s), feature %lld: coordinate (%.9g, %.9g) is outside lon "
                  "-180..180 / lat -90..90; check the layer's CRS and axis order",
                  role, layer->name, src, (long long)fid, x, y);
}

/* A polygon GEOS finds invalid, repaired (*ll replaced, a warning, *n_repaired
 * counted). A stop (fl_ctx's cancel, deadline or host poll) seen during the
 * check or the repair is a stop (FL_E_CANCEL), not an invalid polygon: GEOS
 * answers 2 or NULL when interrupted. On failure *ll is freed. */
static fl_status repair(fl_ctx *ctx, const char *role, const fl_layer *layer, const char *src,
                        int64_t fid, GEOSGeometry **ll, size_t *n_repaired) {
  GEOSContextHandle_t h = ctx->geos;
  char valid = GEOSisValid_r(h, *ll);
  fl_status st = valid == 1 ? FL_OK : fl__stop_check(ctx, "checking a polygon's validity");
  if (valid == 1 || st) {
    if (st) GEOSGeom_destroy_r(h, *ll);
    return st;
  }
  char *why = GEOSisValidReason_r(h, *ll);
  GEOSGeometry *fixed = GEOSMakeValid_r(h, *ll);
  GEOSGeometry *polys = fixed ? fl__polygonal_part(h, fixed) : NULL;
  if (fixed) GEOSGeom_destroy_r(h, fixed);
  GEOSGeom_destroy_r(h, *ll);
  *ll = polys;
  if (!polys && !(st = fl__stop_check(ctx, "repairing an invalid polygon")))
    st = fl__fail(ctx, FL_E_GEOM, "%s layer '%s' (%s), feature %lld: invalid polygon could not "
                  "be repaired; fix it in a GIS", role, layer->name, src, (long long)fid);
  if (!st) {
    fl__warn(ctx, "%s layer '%s', feature %lld: invalid polygon repaired (%s)", role,
             layer->name, (long long)fid, why ? why : "invalid");
    (*n_repaired)++;
  }
  if (why) GEOSFree_r(h, why);
  return st;
}

fl_status fl__prep_layer(fl_ctx *ctx, const fl_layer *layer, const char *role, unsigned want,
                         fl__prepped *out) {
  GEOSContextHandle_t h = ctx->geos;
  memset(out, 0, sizeof *out);
  out->layer = layer;
  out->role = role;
  const char *src = layer->source && layer->source[0] ? layer->source : layer->name;
  if (layer->n_features == 0)
    return fl__fail(ctx, FL_E_LAYER, "%s layer '%s' (%s) has no features; give a layer with data",
                    role, layer->name, src);
  if (layer->srid <= 0)
    return fl__fail(ctx, FL_E_SRID,
                    "%s layer '%s' (%s) has no SRID; assign its CRS (e.g. EPSG:4326) first", role,
                    layer->name, src);
  fl_status st = fl_srid_check(ctx, layer->srid);
  if (st)
    return fl__fail(ctx, FL_E_SRID, "%s layer '%s' (%s): EPSG:%d is unknown to PROJ", role,
                    layer->name, src, layer->srid);
  out->lonlat = calloc(layer->n_features, sizeof *out->lonlat);
  if (!out->lonlat) return fl__fail(ctx, FL_E_NOMEM, "out of memory reading %s", role);
  out->n = layer->n_features;
  size_t n_used = 0, n_repaired = 0;
  for (size_t i = 0; i < layer->n_features; i++) {
    const fl_feature *f = &layer->features[i];
    if (!f->geom || GEOSisEmpty_r(h, f->geom) == 1) {
      fl__warn(ctx, "%s layer '%s', feature %lld: no geometry; skipped", role, layer->name,
               (long long)f->fid);
      continue;
    }
    double bx, by;
    if (layer->srid == 4326 && fl__lonlat_bad(h, f->geom, &bx, &by)) {
      fl__prep_free(ctx, out);
      return fl__prep_domain_fail(ctx, role, layer, src, f->fid, bx, by);
    }
    unsigned c = geom_class(h, f->geom);
    if (c & ~want) {
      char *type = GEOSGeomType_r(h, f->geom); /* allocated by GEOS */
      fl__prep_free(ctx, out);
      fl__fail(ctx, FL_E_GEOM, "%s layer '%s' (%s), feature %lld: expected %s, got %s", role,
               layer->name, src, (long long)f->fid, want_text(want), type ? type : "?");
      if (type) GEOSFree_r(h, type);
      return FL_E_GEOM;
    }
    if (layer->srid == 4326 && !(c & FL__WANT_POLYGON) && GEOSGetSRID_r(h, f->geom) == 4326) {
      /* nothing to transform or repair: borrow (a million points need no copy) */
      if (!out->borrowed && !(out->borrowed = calloc(out->n, 1))) {
        fl__prep_free(ctx, out);
        return fl__fail(ctx, FL_E_NOMEM, "out of memory");
      }
      out->borrowed[i] = 1;
      out->lonlat[i] = f->geom;
      n_used++;
      continue;
    }
    GEOSGeometry *ll = NULL;
    st = fl_geom_to_lonlat(ctx, f->geom, layer->srid, &ll);
    if (st) {
      char msg[FL_ERRMSG_LEN];
      snprintf(msg, sizeof msg, "%s", ctx->errmsg);
      fl__prep_free(ctx, out);
      return fl__fail(ctx, st, "%s layer '%s' (%s), feature %lld: %s", role, layer->name, src,
                      (long long)f->fid, msg);
    }
    if ((c & FL__WANT_POLYGON) && (st = repair(ctx, role, layer, src, f->fid, &ll,
                                               &n_repaired))) {
      fl__prep_free(ctx, out);
      return st;
    }
    GEOSSetSRID_r(h, ll, 4326);
    out->lonlat[i] = ll;
    n_used++;
  }
  if (n_repaired > 1)
    fl__warn(ctx, "%s layer '%s': %zu invalid polygons repaired in all", role, layer->name,
             n_repaired);
  if (n_used == 0) {
    fl__prep_free(ctx, out);
    return fl__fail(ctx, FL_E_GEOM, "%s layer '%s' (%s): no feature has a geometry", role,
                    layer->name, src);
  }
  return FL_OK;
}

void fl__prep_free(fl_ctx *ctx, fl__prepped *p) {
  if (!p->lonlat) return;
  for (size_t i = 0; i < p->n; i++)
    if (p->lonlat[i] && !(p->borrowed && p->borrowed[i])) GEOSGeom_destroy_r(ctx->geos, p->lonlat[i]);
  free(p->lonlat);
  free(p->borrowed);
  p->lonlat = NULL;
  p->borrowed = NULL;
  p->n = 0;
}

int fl__field(fl_ctx *ctx, const fl_layer *layer, const char *role, const char *field,
              const char *option, int optional) {
  int i = field ? fl_layer_field_index(layer, field) : -1;
  if (i >= 0 || optional) return i;
  char have[512] = "";
  size_t len = 0;
  for (size_t k = 0; k < layer->n_fields && len + 40 < sizeof have; k++)
    len += (size_t)snprintf(have + len, sizeof have - len, "%s'%s'", k ? ", " : "",
                            layer->fields[k].name);
  fl__fail(ctx, FL_E_FIELD, "%s layer '%s' has no field '%s' (it has: %s); name the right one "
           "with %s", role, layer->name, field ? field : "(none)", len ? have : "no fields",
           option);
  return -1;
}

GEOSGeometry *fl__union_where(fl_ctx *ctx, GEOSGeometry *const *geoms, size_t n,
                              int (*keep)(size_t i, void *user), void *user) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry **parts = malloc((n ? n : 1) * sizeof *parts);
  if (!parts) {
    fl__fail(ctx, FL_E_NOMEM, "out of memory");
    return NULL;
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!geoms[i] || (keep && !keep(i, user))) continue;
    parts[m] = GEOSGeom_clone_r(h, geoms[i]);
    if (!parts[m]) {
      for (size_t k = 0; k < m; k++) GEOSGeom_destroy_r(h, parts[k]);
      free(parts);
      fl__fail_geos(ctx, "copying a geometry");
      return NULL;
    }
    m++;
  }
  GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)m);
  free(parts);
  if (!coll) {
    fl__fail_geos(ctx, "collecting geometries");
    return NULL;
  }
  if (m == 0) return coll;
  GEOSGeometry *u;
  FL__GEOS_CALL(ctx, u, GEOSUnaryUnion_r(h, coll));
  GEOSGeom_destroy_r(h, coll);
  if (!u) fl__fail_geos(ctx, "dissolving geometries");
  else GEOSSetSRID_r(h, u, 4326);
  return u;
}

fl_status fl__to_layer_crs(fl_ctx *ctx, GEOSGeometry *lonlat, int srid, GEOSGeometry **out) {
  *out = NULL;
  if (srid == 4326) {
    GEOSSetSRID_r(ctx->geos, lonlat, 4326);
    *out = lonlat;
    return FL_OK;
  }
  fl_status st = fl_geom_from_lonlat(ctx, lonlat, srid, out);
  GEOSGeom_destroy_r(ctx->geos, lonlat);
  return st;
}

fl_status fl__distances(fl_ctx *ctx, const fl_options *opts, const double **dist, size_t *n) {
  if (!opts->dist_m || opts->n_dist == 0) {
    *dist = default_dist_m;
    *n = sizeof default_dist_m / sizeof default_dist_m[0];
    return FL_OK;
  }
  for (size_t i = 0; i < opts->n_dist; i++) {
    double d = opts->dist_m[i];
    if (!isfinite(d) || d <= 0)
      return fl__fail(ctx, FL_E_ARG, "distance %zu of the band list is %g; every distance must "
                      "be a number of metres > 0", i + 1, d);
    if (d > FL_MAX_DIST_M)
      return fl__fail(ctx, FL_E_ARG, "distance %zu of @{distances} is %g m, more than the "
                      "largest distance, 1,000,000 m (1,000 km)", i + 1, d);
    if (i > 0 && d <= opts->dist_m[i - 1])
      return fl__fail(ctx, FL_E_ARG, "band distances must increase: %g m follows %g m",
                      d, opts->dist_m[i - 1]);
  }
  *dist = opts->dist_m;
  *n = opts->n_dist;
  return FL_OK;
}

/* SQLite's names for a row's id: a column so named shadows it, and SpatiaLite's
 * spatial index, which needs it, fails (issue 17). */
static const char *const sqlite_rowid_names[] = {"rowid", "oid", "_rowid_", NULL};

static int name_taken(const fl_layer *dst, const char *const *reserved, const char *name) {
  for (size_t r = 0; sqlite_rowid_names[r]; r++)
    if (strcasecmp(sqlite_rowid_names[r], name) == 0) return 1;
  for (size_t r = 0; reserved && reserved[r]; r++)
    if (strcasecmp(reserved[r], name) == 0) return 1;
  return fl_layer_field_index(dst, name) >= 0;
}

fl_status fl__add_column(fl_ctx *ctx, const char *tool, fl_layer *dst, const char *name,
                         fl_field_type type, int *idx) {
  *idx = fl_layer_add_field(dst, name, type);
  if (*idx < 0)
    return fl__fail(ctx, FL_E_NOMEM, "%s: cannot add the output column '%s' (out of memory)",
                    tool, name);
  return FL_OK;
}

fl_status fl__copy_fields(fl_ctx *ctx, const char *tool, fl_layer *dst, const fl_layer *src,
                          const char *const *reserved, int *map) {
  char said[600] = "";
  size_t n_renamed = 0, used = 0;
  for (size_t i = 0; i < src->n_fields; i++) {
    const char *name = src->fields[i].name;
    size_t len = strlen(name) + 1;
    char *buf = NULL;
    while (name_taken(dst, reserved, buf ? buf : name)) {
      char *longer = malloc(len + 3);
      if (!longer) { free(buf); return fl__fail(ctx, FL_E_NOMEM, "out of memory"); }
      snprintf(longer, len + 3, "in_%s", buf ? buf : name);
      free(buf);
      buf = longer;
      len += 3;
    }
    if (buf && used < sizeof said) {
      int k = snprintf(said + used, sizeof said - used, "%s'%s' as '%s'", n_renamed ? ", " : "",
                       name, buf);
      used += k > 0 ? (size_t)k : 0;
    }
    n_renamed += buf != NULL;
    map[i] = fl_layer_add_field(dst, buf ? buf : name, src->fields[i].type);
    free(buf);
    if (map[i] < 0) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (n_renamed)
    fl__warn(ctx, "%s: %zu input field%s named like output columns or SQLite's rowid, written as in_<name>: %s%s",
             tool, n_renamed, n_renamed == 1 ? "" : "s", said, used >= sizeof said ? "..." : "");
  return FL_OK;
}

fl_status fl__copy_values(fl_layer *dst, fl_feature *df, const fl_layer *src,
                          const fl_feature *sf, const int *map) {
  for (size_t i = 0; i < src->n_fields; i++) {
    const fl_value *v = &sf->values[i];
    if (v->is_null) continue;
    fl_status st = FL_OK;
    switch (src->fields[i].type) {
    case FL_FIELD_INTEGER: st = fl_feature_set_int(dst, df, map[i], v->i); break;
    case FL_FIELD_REAL: st = fl_feature_set_real(dst, df, map[i], v->d); break;
    case FL_FIELD_TEXT:
    case FL_FIELD_DATE: st = fl_feature_set_text(dst, df, map[i], v->s ? v->s : ""); break;
    }
    if (st) return st;
  }
  return FL_OK;
}
