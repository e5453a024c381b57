/*
 * geojson.c - read GeoJSON layers (RFC 7946).
 *
 * Reading: the file is parsed whole by json.c, then read as a
 * FeatureCollection, a single Feature or a bare geometry. Rules, cited below:
 *   (J1) SRID 4326 (an old-style "crs" member naming EPSG:n is honoured);
 *   (J2) fields are the union of the properties' keys in first-seen order
 *        (keys that differ only in case are one field); the type is
 *        INTEGER when every value is an integer or a boolean (0/1), REAL
 *        when every value is a number, else TEXT (numbers keep their
 *        literal text, nested arrays and objects their JSON text); null
 *        and absent values are NULL;
 *   (J3) geometries are built from the coordinates (Point .. MultiPolygon,
 *        GeometryCollection); "geometry": null and empty coordinates give
 *        no geometry (NULL); a position has 2 or 3 numbers (more are
 *        ignored); rings must be closed and have 4 positions or more;
 *   (J4) the feature id is the "id" member when every feature has a
 *        distinct integer "id", else the 1-based position;
 *   (J5) every error names the file and the feature and says what is wrong.
 * Not here: building the geometries of (J3) (geojson_geom.c), the JSON
 * grammar (json.c), JSON text (json_text.c), writing (geojson_write.c).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sys/stat.h>
#include "fl_io_internal.h"

/* ---- Reading the file --------------------------------------------------- */

static fl_status read_file(fl_ctx *ctx, const char *path, char **out, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return fl__fail(ctx, FL_E_IO, "cannot open '%s' (%s)", path, strerror(errno));
  struct stat st;
  size_t cap = fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
  size_t len = 0;
  char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int err = ferror(f);
  fclose(f);
  if (!buf) return fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", path);
  if (err) {
    free(buf);
    return fl__fail(ctx, FL_E_IO, "reading '%s' failed", path);
  }
  *out = buf;
  *n = len;
  return FL_OK;
}

static fl_status parse_file(fl_ctx *ctx, const char *path, char **text, fl__json_doc **doc) {
  size_t n = 0;
  char err[400];
  fl_status st = read_file(ctx, path, text, &n);
  if (st) return st;
  st = fl__json_parse(*text, n, doc, err, sizeof err);
  if (st == FL_E_NOMEM) {
    free(*text);
    *text = NULL;
    return fl__fail(ctx, FL_E_NOMEM, "out of memory parsing '%s'", path);
  }
  if (st) {
    free(*text);
    *text = NULL;
    return fl__fail(ctx, FL_E_LAYER, "GeoJSON '%s' is not valid JSON %s", path, err);
  }
  return FL_OK;
}

static char *layer_name(const fl__json *root, const char *path) {
  const fl__json *name = fl__json_get(root, "name");
  if (name && name->type == FL__JSON_STRING && name->n > 0 && strlen(name->str) == name->n)
    return fl__strdup(name->str);
  return fl__path_stem(path);
}

fl_status fl__geojson_name(fl_ctx *ctx, const char *path, char **out) {
  char *text = NULL;
  fl__json_doc *doc = NULL;
  fl_status st = parse_file(ctx, path, &text, &doc);
  if (st) return st;
  *out = layer_name(fl__json_root(doc), path);
  fl__json_free(doc);
  free(text);
  return *out ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory");
}

/* ---- Fields (J2) -------------------------------------------------------- */

enum { SEEN_INT = 1, SEEN_REAL = 2, SEEN_BOOL = 4, SEEN_OTHER = 8 };

typedef struct keymap {
  const char **keys;   /* borrowed from the JSON tree */
  int *flags;
  size_t n, cap;
  int *slots;          /* open addressing: index + 1, 0 empty */
  size_t nslots;
} keymap;

static uint64_t hash_key(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a over the ASCII-lowercased key */
  for (; *s; s++) h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ull;
  return h;
}

/* Index of key (case-insensitive), adding it when new; -1 when out of memory. */
static long keymap_find(keymap *m, const char *key) {
  if (m->n * 2 >= m->nslots) {
    size_t ns = m->nslots ? m->nslots * 2 : 64;
    int *slots = calloc(ns, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < m->n; i++) {
      size_t j = hash_key(m->keys[i]) & (ns - 1);
      while (slots[j]) j = (j + 1) & (ns - 1);
      slots[j] = (int)i + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
  }
  size_t j = hash_key(key) & (m->nslots - 1);
  while (m->slots[j]) {
    if (strcasecmp(m->keys[m->slots[j] - 1], key) == 0) return m->slots[j] - 1;
    j = (j + 1) & (m->nslots - 1);
  }
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 16;
    const char **k = realloc(m->keys, cap * sizeof *k);
    if (!k) return -1;
    m->keys = k;
    int *f = realloc(m->flags, cap * sizeof *f);
    if (!f) return -1;
    m->flags = f;
    m->cap = cap;
  }
  m->keys[m->n] = key;
  m->flags[m->n] = 0;
  m->slots[j] = (int)m->n + 1;
  return (long)m->n++;
}

static void keymap_free(keymap *m) {
  free(m->keys);
  free(m->flags);
  free(m->slots);
}

static fl_field_type field_type(int flags) {
  if (flags & SEEN_OTHER) return FL_FIELD_TEXT;
  if (flags & SEEN_REAL) return FL_FIELD_REAL;
  if (flags & (SEEN_INT | SEEN_BOOL)) return FL_FIELD_INTEGER;
  return FL_FIELD_TEXT; /* only nulls */
}

/* ---- Reading the layer -------------------------------------------------- */

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* (J4): 1 when every feature has a distinct integer "id". */
static int ids_usable(const fl__json *const *feats, size_t n) {
  if (n == 0) return 0;
  int64_t *ids = malloc(n * sizeof *ids);
  if (!ids) return 0;
  int ok = 1;
  for (size_t i = 0; i < n && ok; i++) {
    const fl__json *id = fl__json_get(feats[i], "id");
    ok = id && id->type == FL__JSON_NUMBER && id->is_int;
    if (ok) ids[i] = id->i;
  }
  if (ok) {
    qsort(ids, n, sizeof *ids, cmp_i64);
    for (size_t i = 1; i < n && ok; i++) ok = ids[i] != ids[i - 1];
  }
  free(ids);
  return ok;
}

/* (J1): EPSG code named by an old-style "crs" member; 4326 when there is
 * none or it names CRS84; -1 when it is there but names no EPSG code (a
 * guess would measure metres as degrees). */
static int crs_srid(const fl__json *root) {
  const fl__json *crs = fl__json_get(root, "crs");
  if (!crs || crs->type == FL__JSON_NULL) return 4326;
  const fl__json *props = fl__json_get(crs, "properties");
  const fl__json *name = fl__json_get(props, "name");
  if (!name || name->type != FL__JSON_STRING) return -1;
  const char *s = name->str;
  if (strstr(s, "CRS84") || strstr(s, "crs84")) return 4326;
  if (!strstr(s, "EPSG") && !strstr(s, "epsg")) return -1;
  const char *colon = strrchr(s, ':');
  if (!colon || !isdigit((unsigned char)colon[1])) return -1;
  char *end = NULL;
  long code = strtol(colon + 1, &end, 10);
  if (*end) return -1;
  return code > 0 && code < 1000000 ? (int)code : -1;
}

static fl_status set_value(fl_layer *l, fl_feature *f, int field, const fl__json *v, fl__sbuf *sb) {
  if (v->type == FL__JSON_NULL) return FL_OK;
  switch (l->fields[field].type) {
  case FL_FIELD_INTEGER:
    return fl_feature_set_int(l, f, field, v->type == FL__JSON_TRUE    ? 1
                                           : v->type == FL__JSON_FALSE ? 0
                                                                       : v->i);
  case FL_FIELD_REAL:
    return fl_feature_set_real(l, f, field, v->type == FL__JSON_TRUE    ? 1.0
                                            : v->type == FL__JSON_FALSE ? 0.0
                                                                        : v->num);
  default:
    if (v->type == FL__JSON_STRING) return fl_feature_set_text(l, f, field, v->str);
    sb->n = 0;
    sb->oom = 0;
    fl__sb_json(sb, v);
    if (sb->oom) return FL_E_NOMEM;
    return fl_feature_set_text(l, f, field, sb->p ? sb->p : "");
  }
}

static fl_status nomem(fl_ctx *ctx, const char *path) {
  return fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", path);
}

/* Feature i of a FeatureCollection is an object of type "Feature" (J1). */
static fl_status check_feature(fl_ctx *ctx, const char *path, const fl__json *f, size_t i) {
  const char *ft = fl__geojson_type(f);
  if (f->type != FL__JSON_OBJECT)
    return fl__fail(ctx, FL_E_LAYER, "GeoJSON '%s', feature %zu: a JSON %s, not a Feature "
                    "object", path, i + 1, fl__json_type_name(f->type));
  if (!ft)
    return fl__fail(ctx, FL_E_LAYER, "GeoJSON '%s', feature %zu: the object has no "
                    "\"type\": \"Feature\" member", path, i + 1);
  if (strcmp(ft, "Feature") != 0)
    return fl__fail(ctx, FL_E_LAYER, "GeoJSON '%s', feature %zu: type '%.40s' where "
                    "'Feature' was expected", path, i + 1, ft);
  return FL_OK;
}

/* The features of root (of type t): a FeatureCollection's, or root itself
 * when it is a Feature or a bare geometry. *feats owned by caller (free()). */
static fl_status collect_features(fl_ctx *ctx, const char *path, const fl__json *root,
                                  const char *t, const fl__json ***feats, size_t *nf) {
  *feats = NULL;
  *nf = 0;
  if (strcmp(t, "Feature") == 0 || fl__geojson_is_geometry_type(t)) {
    if (!(*feats = malloc(sizeof **feats))) return nomem(ctx, path);
    (*feats)[0] = root;
    *nf = 1;
    return FL_OK;
  }
  if (strcmp(t, "FeatureCollection") != 0)
    return fl__fail(ctx, FL_E_LAYER, "GeoJSON '%s': type '%.40s' is not FeatureCollection, "
                    "Feature or a geometry type", path, t);
  const fl__json *fs = fl__json_get(root, "features");
  if (!fs || fs->type != FL__JSON_ARRAY)
    return fl__fail(ctx, FL_E_LAYER,
                    "GeoJSON '%s': the FeatureCollection's 'features' must be an array, found %s",
                    path, fs ? fl__json_type_name(fs->type) : "nothing");
  if (!(*feats = malloc((fs->n ? fs->n : 1) * sizeof **feats))) return nomem(ctx, path);
  for (size_t i = 0; i < fs->n; i++) {
    fl_status st = check_feature(ctx, path, &fs->items[i], i);
    if (st) return st; /* the caller frees *feats */
    (*feats)[i] = &fs->items[i];
  }
  *nf = fs->n;
  return FL_OK;
}

/* Pass 1: the fields and what types their values have (J2). */
static fl_status scan_fields(fl_ctx *ctx, const char *path, const fl__json **feats, size_t nf,
                             keymap *km) {
  for (size_t i = 0; i < nf; i++) {
    const fl__json *p = fl__json_get(feats[i], "properties");
    if (!p || p->type == FL__JSON_NULL) continue;
    if (p->type != FL__JSON_OBJECT)
      return fl__fail(ctx, FL_E_LAYER,
                      "GeoJSON '%s', feature %zu: 'properties' must be an object or null, found %s",
                      path, i + 1, fl__json_type_name(p->type));
    for (size_t k = 0; k < p->n; k++) {
      const fl__json *key = &p->items[2 * k], *v = &p->items[2 * k + 1];
      if (key->n == 0 || strlen(key->str) != key->n) continue; /* "" or "\u0000" names */
      long idx = keymap_find(km, key->str);
      if (idx < 0) return nomem(ctx, path);
      switch (v->type) {
      case FL__JSON_NULL: break;
      case FL__JSON_TRUE:
      case FL__JSON_FALSE: km->flags[idx] |= SEEN_BOOL; break;
      case FL__JSON_NUMBER: km->flags[idx] |= v->is_int ? SEEN_INT : SEEN_REAL; break;
      default: km->flags[idx] |= SEEN_OTHER; break;
      }
    }
  }
  return FL_OK;
}

/* The new layer named after root or path, with root's SRID and km's fields. */
static fl_status new_layer(fl_ctx *ctx, const char *path, const fl__json *root, const keymap *km,
                           fl_layer **out) {
  int srid = crs_srid(root);
  if (srid < 0)
    return fl__fail(ctx, FL_E_SRID,
                    "GeoJSON '%s': its \"crs\" member names no EPSG code (give "
                    "\"urn:ogc:def:crs:EPSG::n\" or \"EPSG:n\", or remove the member for lon/lat "
                    "WGS 84)", path);
  char *name = layer_name(root, path);
  if (!name) return nomem(ctx, path);
  *out = fl_layer_new(name, srid, "GEOMETRY");
  free(name);
  if (!*out) return nomem(ctx, path);
  for (size_t k = 0; k < km->n; k++)
    if (fl_layer_add_field(*out, km->keys[k], field_type(km->flags[k])) < 0) return nomem(ctx, path);
  return FL_OK;
}

/* One feature's geometry, NULL when absent or empty (J3); its GEOS type id
 * folded into *common (-1 none yet) and *mixed. */
static fl_status feature_geometry(fl__geojson_reader *r, const fl__json *gj, int srid, int *common,
                                  int *mixed, GEOSGeometry **out) {
  *out = NULL;
  GEOSGeometry *g = NULL;
  fl_status st = gj ? fl__geojson_geometry(r, gj, &g) : FL_OK;
  if (st) return st;
  if (g && GEOSisEmpty_r(r->h, g) == 1) {
    GEOSGeom_destroy_r(r->h, g);
    g = NULL;
  }
  if (g) {
    GEOSSetSRID_r(r->h, g, srid);
    int gt = GEOSGeomTypeId_r(r->h, g);
    if (*common < 0) *common = gt;
    else if (*common != gt) *mixed = 1;
  }
  *out = g;
  return FL_OK;
}

/* Pass 2: the features into l (bare: root is one geometry). */
static fl_status read_features(fl__geojson_reader *r, const fl__json **feats, size_t nf, int bare,
                               fl_layer *l) {
  fl__sbuf sb = {0};
  int use_ids = !bare && ids_usable(feats, nf);
  int common = -1, mixed = 0;
  fl_status st = FL_OK;
  for (size_t i = 0; i < nf && !st; i++) {
    const fl__json *f = feats[i];
    GEOSGeometry *g = NULL;
    r->feature = (int64_t)i + 1;
    st = feature_geometry(r, bare ? f : fl__json_get(f, "geometry"), l->srid, &common, &mixed, &g);
    if (st) break;
    int64_t fid = use_ids ? fl__json_get(f, "id")->i : (int64_t)i + 1;
    fl_feature *feat = fl_layer_append(r->ctx, l, fid, g);
    if (!feat) st = FL_E_NOMEM;
    const fl__json *p = bare ? NULL : fl__json_get(f, "properties");
    for (size_t k = 0; !st && p && p->type == FL__JSON_OBJECT && k < p->n; k++) {
      const fl__json *key = &p->items[2 * k];
      if (key->n == 0 || strlen(key->str) != key->n) continue;
      int field = fl_layer_field_index(l, key->str);
      if (field >= 0 && set_value(l, feat, field, &p->items[2 * k + 1], &sb) != FL_OK)
        st = FL_E_NOMEM;
    }
  }
  free(sb.p);
  if (st == FL_E_NOMEM) return nomem(r->ctx, r->path);
  if (st || common < 0 || mixed) return st;
  char *gt = fl__strdup(fl__geom_type_name(common));
  if (!gt) return nomem(r->ctx, r->path);
  free(l->geom_type);
  l->geom_type = gt;
  return FL_OK;
}

/* The top object: a FeatureCollection, a Feature or a geometry; *t its type. */
static fl_status check_root(fl_ctx *ctx, const char *path, const fl__json *root, const char **t) {
  *t = root->type == FL__JSON_OBJECT ? fl__geojson_type(root) : NULL;
  if (root->type != FL__JSON_OBJECT)
    return fl__fail(ctx, FL_E_LAYER,
                    "GeoJSON '%s' holds a JSON %s, not a FeatureCollection, Feature or geometry "
                    "object", path, fl__json_type_name(root->type));
  if (!*t)
    return fl__fail(ctx, FL_E_LAYER, "GeoJSON '%s': the top object has no \"type\" string", path);
  return FL_OK;
}

fl_status fl__geojson_read(fl_ctx *ctx, const char *path, const char *source, fl_layer **out) {
  (void)source;
  char *text = NULL;
  fl__json_doc *doc = NULL;
  const fl__json **feats = NULL;
  keymap km = {0};
  fl_layer *l = NULL;
  fl__geojson_reader r = {.ctx = ctx, .h = fl_ctx_geos(ctx), .path = path};
  size_t nf = 0;
  const char *t = NULL;
  *out = NULL;
  fl_status st = parse_file(ctx, path, &text, &doc);
  if (st) return st;
  const fl__json *root = fl__json_root(doc);
  st = check_root(ctx, path, root, &t);
  if (!st) st = collect_features(ctx, path, root, t, &feats, &nf);
  int bare = t && strcmp(t, "FeatureCollection") != 0 && strcmp(t, "Feature") != 0;
  if (!st && !bare) st = scan_fields(ctx, path, feats, nf, &km);
  if (!st) st = new_layer(ctx, path, root, &km, &l);
  if (!st) st = read_features(&r, feats, nf, bare, l);
  free(feats);
  free(r.buf);
  keymap_free(&km);
  fl__json_free(doc);
  free(text);
  if (st) {
    fl_layer_destroy(ctx, l);
    return st;
  }
  *out = l;
  return FL_OK;
}

