/*
 * layer.c - in-memory layers: named, typed fields and features (fid, GEOS
 * geometry, one value per field).
 *
 * Arrays grow geometrically: features through cap_features, fields by
 * doubling whenever their count reaches a power of two (so no capacity field
 * is needed in the public struct). A field added after features exist gets
 * a NULL value in every feature. Text values are copied in and freed with
 * the layer. Nothing here reads or writes files (source.c and the format
 * files do that).
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include "fl_io_internal.h"

/* ---- Locale-proof numbers ----------------------------------------------- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

locale_t fl__c_locale(void) {
  pthread_once(&c_locale_once, make_c_locale);
  return c_locale;
}

int fl__format_double(char *buf, size_t n, double d) {
  if (!isfinite(d)) return snprintf(buf, n, "%s", isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
  locale_t c = fl__c_locale(), old = c ? uselocale(c) : (locale_t)0;
  int len = 0;
  for (int prec = 15; prec <= 17; prec++) {
    len = snprintf(buf, n, "%.*g", prec, d);
    if (prec == 17 || strtod(buf, NULL) == d) break;
  }
  if (c) uselocale(old);
  return len;
}

static int is_pow2(size_t n) { return n && !(n & (n - 1)); }

fl_layer *fl_layer_new(const char *name, int srid, const char *geom_type) {
  fl_layer *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->name = fl__strdup(name ? name : "");
  l->source = fl__strdup("");
  l->geom_type = fl__strdup(geom_type && *geom_type ? geom_type : "GEOMETRY");
  l->srid = srid;
  if (!l->name || !l->source || !l->geom_type) {
    fl_layer_destroy(NULL, l);
    return NULL;
  }
  return l;
}

static void free_values(const fl_layer *l, fl_value *v) {
  if (!v) return;
  for (size_t j = 0; j < l->n_fields; j++) free(v[j].s);
  free(v);
}

void fl_layer_destroy(fl_ctx *ctx, fl_layer *l) {
  if (!l) return;
  GEOSContextHandle_t h = ctx ? fl_ctx_geos(ctx) : NULL;
  for (size_t i = 0; i < l->n_features; i++) {
    /* Without a context the geometries cannot be freed; callers always pass one. */
    if (l->features[i].geom && h) GEOSGeom_destroy_r(h, l->features[i].geom);
    free_values(l, l->features[i].values);
  }
  free(l->features);
  for (size_t j = 0; j < l->n_fields; j++) free(l->fields[j].name);
  free(l->fields);
  free(l->name);
  free(l->source);
  free(l->geom_type);
  free(l);
}

void fl__layer_clear_features(fl_ctx *ctx, fl_layer *l) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  for (size_t i = 0; i < l->n_features; i++) {
    if (l->features[i].geom) GEOSGeom_destroy_r(h, l->features[i].geom);
    free_values(l, l->features[i].values);
  }
  l->n_features = 0; /* the array is kept for the next batch */
}

int fl_layer_field_index(const fl_layer *l, const char *name) {
  if (!l || !name) return -1;
  for (size_t j = 0; j < l->n_fields; j++)
    if (strcasecmp(l->fields[j].name, name) == 0) return (int)j;
  return -1;
}

int fl_layer_add_field(fl_layer *l, const char *name, fl_field_type type) {
  if (!l || !name || l->n_fields >= INT32_MAX) return -1;
  if (type != FL_FIELD_INTEGER && type != FL_FIELD_REAL && type != FL_FIELD_TEXT &&
      type != FL_FIELD_DATE)
    return -1;
  if (fl_layer_field_index(l, name) >= 0) return -1;
  size_t n = l->n_fields;
  if (n == 0 || is_pow2(n)) {
    size_t cap = n ? 2 * n : 1;
    fl_field *f = realloc(l->fields, cap * sizeof *f);
    if (!f) return -1;
    l->fields = f;
  }
  /* Existing features get one more (NULL) value; undone if memory runs out. */
  for (size_t i = 0; i < l->n_features; i++) {
    fl_value *v = realloc(l->features[i].values, (n + 1) * sizeof *v);
    if (!v) return -1; /* the values already grown keep a harmless spare slot */
    memset(&v[n], 0, sizeof *v);
    v[n].is_null = 1;
    l->features[i].values = v;
  }
  char *copy = fl__strdup(name);
  if (!copy) return -1;
  l->fields[n].name = copy;
  l->fields[n].type = type;
  l->n_fields = n + 1;
  return (int)n;
}

fl_feature *fl_layer_append(fl_ctx *ctx, fl_layer *l, int64_t fid, GEOSGeometry *geom) {
  GEOSContextHandle_t h = ctx ? fl_ctx_geos(ctx) : NULL;
  if (!l) goto fail;
  if (l->n_features == l->cap_features) {
    size_t cap = l->cap_features ? l->cap_features * 2 : 16;
    if (cap > SIZE_MAX / sizeof(fl_feature)) goto fail;
    fl_feature *f = realloc(l->features, cap * sizeof *f);
    if (!f) goto fail;
    l->features = f;
    l->cap_features = cap;
  }
  fl_value *v = NULL;
  if (l->n_fields) {
    v = calloc(l->n_fields, sizeof *v);
    if (!v) goto fail;
    for (size_t j = 0; j < l->n_fields; j++) v[j].is_null = 1;
  }
  fl_feature *f = &l->features[l->n_features++];
  f->fid = fid;
  f->geom = geom;
  f->values = v;
  return f;
fail:
  if (geom && h) GEOSGeom_destroy_r(h, geom); /* taken, even on failure */
  return NULL;
}

static fl_value *value_at(fl_layer *l, fl_feature *f, int field) {
  if (!l || !f || field < 0 || (size_t)field >= l->n_fields || !f->values) return NULL;
  return &f->values[field];
}

static void clear(fl_value *v) {
  free(v->s);
  memset(v, 0, sizeof *v);
}

fl_status fl_feature_set_int(fl_layer *l, fl_feature *f, int field, int64_t x) {
  fl_value *v = value_at(l, f, field);
  if (!v) return FL_E_ARG;
  clear(v);
  v->i = x;
  v->d = (double)x; /* so that an INTEGER value set on a REAL field reads right */
  return FL_OK;
}

fl_status fl_feature_set_real(fl_layer *l, fl_feature *f, int field, double x) {
  fl_value *v = value_at(l, f, field);
  if (!v) return FL_E_ARG;
  if (!isfinite(x)) { /* never a NaN or Inf written: NULL instead */
    fl_feature_set_null(l, f, field);
    return FL_OK;
  }
  clear(v);
  v->d = x;
  if (fabs(x) < 9.2e18) v->i = (int64_t)x;
  return FL_OK;
}

fl_status fl_feature_set_text(fl_layer *l, fl_feature *f, int field, const char *s) {
  fl_value *v = value_at(l, f, field);
  if (!v) return FL_E_ARG;
  if (!s) {
    clear(v);
    v->is_null = 1;
    return FL_OK;
  }
  char *copy = fl__strdup(s);
  if (!copy) return FL_E_NOMEM;
  clear(v);
  v->s = copy;
  return FL_OK;
}

void fl_feature_set_null(fl_layer *l, fl_feature *f, int field) {
  fl_value *v = value_at(l, f, field);
  if (!v) return;
  clear(v);
  v->is_null = 1;
}

const char *fl_value_text(const fl_layer *l, const fl_feature *f, int field) {
  static _Thread_local char buf[64];
  if (!l || !f || field < 0 || (size_t)field >= l->n_fields || !f->values) return "";
  const fl_value *v = &f->values[field];
  if (v->is_null) return "";
  switch (l->fields[field].type) {
  case FL_FIELD_INTEGER:
    snprintf(buf, sizeof buf, "%" PRId64, v->i);
    return buf;
  case FL_FIELD_REAL:
    fl__format_double(buf, sizeof buf, v->d);
    return buf;
  default:
    return v->s ? v->s : "";
  }
}

void fl_strv_free(char **v) {
  if (!v) return;
  for (char **p = v; *p; p++) free(*p);
  free(v);
}
