/*
 * sql_write.c - what the GeoPackage and SpatiaLite writers share: the summary
 * of a layer's geometries (declared type, Z, extent), the column names of its
 * fields, whether its feature ids can be kept, and the SQL that creates its
 * table, inserts a row and binds a feature's attribute values.
 * Rules, cited below (the writers cite them too):
 *   (P3) feature ids are kept when they are all positive and distinct,
 *        else the table numbers the rows 1, 2, ...;
 *   (P4) the declared geometry type is the layer's when every geometry fits
 *        it, else the one type all geometries share, else GEOMETRY;
 *   (P5) a field named like the "fid" or "geom" column gets a suffix
 *        ("fid_1"), with a warning;
 *   (P6) a layer declared "NONE" (a table: change_summary, held_series) is
 *        written without a geometry column, never as NULL geometries.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

/* ---- Geometry summary --------------------------------------------------- */

static const char *const gpkg_types[] = {"GEOMETRY",        "POINT",        "LINESTRING",
                                         "POLYGON",         "MULTIPOINT",   "MULTILINESTRING",
                                         "MULTIPOLYGON",    "GEOMETRYCOLLECTION", NULL};

const char *fl__geom_type_name(int geos_type) {
  switch (geos_type) {
  case GEOS_POINT: return "POINT";
  case GEOS_LINESTRING:
  case GEOS_LINEARRING: return "LINESTRING";
  case GEOS_POLYGON: return "POLYGON";
  case GEOS_MULTIPOINT: return "MULTIPOINT";
  case GEOS_MULTILINESTRING: return "MULTILINESTRING";
  case GEOS_MULTIPOLYGON: return "MULTIPOLYGON";
  default: return "GEOMETRYCOLLECTION";
  }
}

fl_status fl__geom_summarize(fl_ctx *ctx, const fl_layer *l, fl__geom_summary *s) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  char declared[32] = "GEOMETRY";
  memset(s, 0, sizeof *s);
  if (l->geom_type) {
    char up[32];
    size_t k = 0;
    for (; k < sizeof up - 1 && l->geom_type[k]; k++)
      up[k] = (char)toupper((unsigned char)l->geom_type[k]);
    up[k] = '\0';
    for (int i = 0; gpkg_types[i]; i++)
      if (strcmp(up, gpkg_types[i]) == 0) snprintf(declared, sizeof declared, "%s", up);
  }
  const char *common = NULL;
  int fits = 1, mixed = 0, with_z = 0, without_z = 0;
  for (size_t i = 0; i < l->n_features; i++) {
    const GEOSGeometry *g = l->features[i].geom;
    if (!g || GEOSisEmpty_r(h, g) != 0) continue;
    const char *t = fl__geom_type_name(GEOSGeomTypeId_r(h, g));
    if (strcmp(declared, "GEOMETRY") != 0 && strcmp(declared, t) != 0) fits = 0;
    if (!common) common = t;
    else if (strcmp(common, t) != 0) mixed = 1;
    if (GEOSHasZ_r(h, g) == 1) with_z = 1;
    else without_z = 1;
    double x0, y0, x1, y1;
    if (!GEOSGeom_getXMin_r(h, g, &x0) || !GEOSGeom_getYMin_r(h, g, &y0) ||
        !GEOSGeom_getXMax_r(h, g, &x1) || !GEOSGeom_getYMax_r(h, g, &y1))
      return fl__fail_geos(ctx, "computing the extent of a layer");
    if (!s->has_extent) {
      s->minx = x0, s->miny = y0, s->maxx = x1, s->maxy = y1;
      s->has_extent = 1;
    } else {
      s->minx = fmin(s->minx, x0), s->miny = fmin(s->miny, y0);
      s->maxx = fmax(s->maxx, x1), s->maxy = fmax(s->maxy, y1);
    }
  }
  /* (P4) */
  const char *type = fits ? declared : !mixed && common ? common : "GEOMETRY";
  snprintf(s->type, sizeof s->type, "%s", type);
  s->z = with_z && without_z ? 2 : with_z ? 1 : 0;
  return FL_OK;
}

/* ---- Feature ids and column names ---------------------------------------- */

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* (P3) */
int fl__fids_usable(const fl_layer *l) {
  size_t n = l->n_features;
  if (n == 0) return 1;
  int64_t *f = malloc(n * sizeof *f);
  if (!f) return 0;
  int ok = 1;
  for (size_t i = 0; i < n && ok; i++) {
    f[i] = l->features[i].fid;
    ok = f[i] > 0;
  }
  if (ok) {
    qsort(f, n, sizeof *f, cmp_i64);
    for (size_t i = 1; i < n && ok; i++) ok = f[i] != f[i - 1];
  }
  free(f);
  return ok;
}

fl_status fl__field_columns(fl_ctx *ctx, const fl_layer *l, const char *path, char ***out) {
  char **names = calloc(l->n_fields + 1, sizeof *names);
  if (!names) return fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", path);
  for (size_t j = 0; j < l->n_fields; j++) {
    const char *base = l->fields[j].name;
    char *name = fl__strdup(base);
    for (int k = 1; name; k++) {
      int clash = strcasecmp(name, "fid") == 0 || strcasecmp(name, "geom") == 0;
      for (size_t i = 0; i < l->n_fields && !clash; i++)
        clash = i != j && k > 1 && strcasecmp(name, l->fields[i].name) == 0;
      for (size_t i = 0; i < j && !clash; i++) clash = strcasecmp(name, names[i]) == 0;
      if (!clash) break;
      free(name);
      name = malloc(strlen(base) + 24);
      if (name) sprintf(name, "%s_%d", base, k);
    }
    if (!name) {
      fl_strv_free(names);
      return fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", path);
    }
    if (strcmp(name, base) != 0)
      fl__warn(ctx, "layer '%s': field '%s' is written to '%s' as '%s', apart from the table's "
               "own fid and geom columns", l->name, base, path, name);
    names[j] = name;
  }
  *out = names;
  return FL_OK;
}

/* ---- Table and row SQL -------------------------------------------------- */

/* sql + the formatted text; frees sql; NULL (and sql freed) when out of memory. */
static char *append(char *sql, const char *fmt, ...) {
  if (!sql) return NULL;
  va_list ap;
  va_start(ap, fmt);
  char *more = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  char *joined = more ? sqlite3_mprintf("%s%s", sql, more) : NULL;
  sqlite3_free(more);
  sqlite3_free(sql);
  return joined;
}

char *fl__sql_create_table(const char *table, const char *fid_extra, const char *geom_decl,
                           const fl_layer *l, char *const *cols,
                           const char *(*type_name)(const fl_layer *, size_t)) {
  char *sql = sqlite3_mprintf("CREATE TABLE \"%w\" (\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT%s",
                              table, fid_extra);
  if (geom_decl) sql = append(sql, ", %s", geom_decl);
  for (size_t j = 0; j < l->n_fields; j++)
    sql = append(sql, ", \"%w\" %s", cols[j], type_name(l, j));
  return append(sql, ")");
}

char *fl__sql_insert(const char *table, const fl_layer *l, char *const *cols) {
  return fl__sql_insert_rows(table, l, cols, 1);
}

char *fl__sql_insert_rows(const char *table, const fl_layer *l, char *const *cols,
                          size_t n_rows) {
  char *sql = sqlite3_mprintf("INSERT INTO \"%w\" (\"fid\", \"geom\"", table);
  for (size_t j = 0; j < l->n_fields; j++) sql = append(sql, ", \"%w\"", cols[j]);
  char *row = sqlite3_mprintf("(?, ?");
  for (size_t j = 0; j < l->n_fields; j++) row = append(row, ", ?");
  row = append(row, ")");
  sql = row ? append(sql, ") VALUES %s", row) : append(sql, "");
  for (size_t r = 1; row && r < n_rows; r++) sql = append(sql, ", %s", row);
  if (!row) {
    sqlite3_free(sql);
    sql = NULL;
  }
  sqlite3_free(row);
  return sql;
}

void fl__sql_bind_fields(sqlite3_stmt *ins, int first, const fl_layer *l, const fl_feature *f) {
  for (size_t j = 0; j < l->n_fields; j++) {
    const fl_value *v = &f->values[j];
    int col = (int)j + first;
    if (v->is_null) continue;
    switch (l->fields[j].type) {
    case FL_FIELD_INTEGER: sqlite3_bind_int64(ins, col, v->i); break;
    case FL_FIELD_REAL:
      if (isfinite(v->d)) sqlite3_bind_double(ins, col, v->d);
      break;
    default:
      if (v->s) sqlite3_bind_text(ins, col, v->s, -1, SQLITE_STATIC);
      break;
    }
  }
}

/* ---- Tables without geometry (P6) ---------------------------------------- */

int fl__layer_is_table(const fl_layer *l) {
  return l->geom_type && strcasecmp(l->geom_type, "NONE") == 0;
}

static char *insert_no_geom(const char *table, const fl_layer *l, char *const *cols) {
  char *sql = sqlite3_mprintf("INSERT INTO \"%w\" (\"fid\"", table);
  for (size_t j = 0; j < l->n_fields; j++) sql = append(sql, ", \"%w\"", cols[j]);
  sql = append(sql, ") VALUES (?");
  for (size_t j = 0; j < l->n_fields; j++) sql = append(sql, ", ?");
  return append(sql, ")");
}

static fl_status table_fail(fl_ctx *ctx, sqlite3 *db, const char *path, const fl_layer *l,
                            const char *what) {
  return fl__fail(ctx, FL_E_IO, "%s of table '%s' in '%s' failed (%s)", what, l->name, path,
                  sqlite3_errmsg(db));
}

fl_status fl__sql_write_table(fl_ctx *ctx, sqlite3 *db, const char *path, const fl_layer *l,
                              const char *fid_extra, const char *(*type_name)(const fl_layer *, size_t),
                              size_t *done, size_t total) {
  char **cols = NULL;
  sqlite3_stmt *ins = NULL;
  fl_status st = fl__field_columns(ctx, l, path, &cols);
  if (st) return st;
  char *sql = fl__sql_create_table(l->name, fid_extra, NULL, l, cols, type_name);
  if (!sql) st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", path);
  else if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    st = table_fail(ctx, db, path, l, "creating");
  sqlite3_free(sql);
  sql = st ? NULL : insert_no_geom(l->name, l, cols);
  if (!st && !sql) st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", path);
  if (!st && sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK)
    st = table_fail(ctx, db, path, l, "preparing the rows");
  sqlite3_free(sql);
  int keep = fl__fids_usable(l); /* (P3) */
  for (size_t i = 0; !st && i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if ((st = fl__write_progress(ctx, ++*done, total)) != FL_OK) break;
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (keep) sqlite3_bind_int64(ins, 1, f->fid);
    fl__sql_bind_fields(ins, 2, l, f);
    if (sqlite3_step(ins) != SQLITE_DONE) st = table_fail(ctx, db, path, l, "inserting a row");
  }
  sqlite3_finalize(ins);
  fl_strv_free(cols);
  return st;
}

/* A calendar date "YYYY-MM-DD" (digits and dashes in place, month 1-12, day 1-31). */
static int is_iso_date(const char *s) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

int fl__field_is_date(const fl_layer *l, int j) {
  if (j >= 0 && (size_t)j < l->n_fields && l->fields[j].type == FL_FIELD_DATE) return 1;
  if (j < 0 || (size_t)j >= l->n_fields || l->fields[j].type != FL_FIELD_TEXT) return 0;
  if (!l->fields[j].name || !strstr(l->fields[j].name, "date")) return 0;
  size_t seen = 0;
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_value *v = &l->features[i].values[j];
    if (v->is_null || !v->s) continue;
    if (!is_iso_date(v->s)) return 0;
    seen++;
  }
  return seen > 0;
}
