/*
 * stream_sink.c - the GeoPackage sink of the stream driver (fl_stream.h):
 * one layer written as rows arrive, with the whole-layer writer's steps and
 * rules (gpkg_write.c P1-P7, sql_write.c P3-P5, source.c W1-W5).
 *
 * What the whole-layer writer decides from every feature before it writes
 * the first, the sink decides at commit from what it saw, cited below:
 *   (K1) the table is created at begin with the schema's declared geometry
 *        type and field types; at commit, when P4 (geometry type) or P6
 *        (text dates as DATE) decide otherwise, the declared types in the
 *        table's CREATE statement are corrected (same columns, same order:
 *        SQLite's documented writable_schema procedure);
 *   (K2) the extent and the R*Tree boxes are gathered row by row (28 bytes
 *        a row: the box as the R*Tree's floats and the id) and packed at
 *        commit, the boxes sorted in place;
 *   (K3) the style (P7) is chosen from a summary layer: the schema's fields,
 *        the first geometry, up to 32 distinct values of each text field
 *        (and one value that is not a date, when one was seen);
 *   (K4) rows are numbered 1, 2, ... in input order (P3's numbering);
 *   (K5) the page cache is 16 MB, not the whole-layer writer's 64 MB: pages
 *        of rows already written are spilled to the file;
 *   (K6) rows go BATCH_ROWS to an INSERT statement (fewer statement runs:
 *        T1 5.0 -> 4.1 s of CPU), fewer when the columns would pass SQLite's
 *        limit on parameters; the rest of a chunk one row at a time, so the
 *        rows, their order and their numbers are those of one-row inserts.
 * Not here: the driver (stream.c), the writer's steps (gpkg_write.c).
 */
#include <math.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

#define TRACK_MAX 32
#define BATCH_ROWS 64

typedef struct track {
  char *v[TRACK_MAX];
  size_t n, last;       /* last: the value the previous row matched */
  int over;
  char *non_date;       /* a value seen that is not a date, or NULL */
} track;

typedef struct sink {
  char *path, *tmp;
  int overwrite, lock_fd, begun;
  fl__gpkg_out w;
  fl_layer *schema;
  char **cols;
  sqlite3_stmt *ins;     /* one row */
  sqlite3_stmt *ins_n;   /* (K6) batch rows, or NULL */
  size_t batch;          /* rows of ins_n */
  char begin_type[32];
  const char *common;
  int fits, mixed, with_z, without_z;
  fl__geom_summary sum;
  fl__gpkg_box *boxes;  /* (K2) the R*Tree's box of each row, as floats */
  int64_t *ids;
  size_t n_boxes, cap;
  size_t n_rows;
  track *tt;            /* per field */
  GEOSGeometry *first;  /* (K3) */
} sink;

static fl_status sink_nomem(fl_ctx *ctx, sink *s) {
  return fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", s->path);
}

static void sink_free(fl_ctx *ctx, sink *s) {
  sqlite3_finalize(s->ins);
  sqlite3_finalize(s->ins_n);
  fl_strv_free(s->cols);
  for (size_t j = 0; s->tt && s->schema && j < s->schema->n_fields; j++) {
    for (size_t k = 0; k < s->tt[j].n; k++) free(s->tt[j].v[k]);
    free(s->tt[j].non_date);
  }
  free(s->tt);
  if (s->first) GEOSGeom_destroy_r(fl_ctx_geos(ctx), s->first);
  fl_layer_destroy(ctx, s->schema);
  free(s->boxes);
  free(s->ids);
  free(s->path);
  free(s);
}

/* The one-row INSERT and (K6) the batch INSERT, within SQLite's limit on
 * parameters. */
static int prepare_inserts(sink *s) {
  const char *name = s->schema->name;
  char *sql = fl__sql_insert(name, s->schema, s->cols);
  int rc = sql ? sqlite3_prepare_v2(s->w.db, sql, -1, &s->ins, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  size_t per_row = 2 + s->schema->n_fields;
  size_t limit = (size_t)sqlite3_limit(s->w.db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  s->batch = limit / per_row < BATCH_ROWS ? limit / per_row : BATCH_ROWS;
  if (rc != SQLITE_OK || s->batch < 2) return rc;
  sql = fl__sql_insert_rows(name, s->schema, s->cols, s->batch);
  rc = sql ? sqlite3_prepare_v2(s->w.db, sql, -1, &s->ins_n, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  return rc;
}

static fl_status sink_begin(fl_ctx *ctx, void *self, const fl_layer *schema) {
  sink *s = self;
  fl_status st = fl__gpkg_check_name(ctx, schema->name);
  if (st) return st;
  if (fl__layer_is_table(schema))
    return fl__fail(ctx, FL_E_ARG, "layer '%s' has no geometry column; the GeoPackage stream "
                    "writes layers with geometry", schema->name);
  s->schema = fl_layer_new(schema->name, schema->srid, schema->geom_type);
  int ok = s->schema && (s->tt = calloc(schema->n_fields + 1, sizeof *s->tt));
  for (size_t j = 0; ok && j < schema->n_fields; j++)
    ok = fl_layer_add_field(s->schema, schema->fields[j].name, schema->fields[j].type) >= 0;
  if (!ok) return sink_nomem(ctx, s);
  fl__geom_summary s0; /* the declared type, no features yet */
  if ((st = fl__geom_summarize(ctx, s->schema, &s0))) return st;
  snprintf(s->begin_type, sizeof s->begin_type, "%s", s0.type);
  s->fits = 1;
  if ((st = fl__output_begin(ctx, s->path, s->overwrite, &s->tmp, &s->lock_fd))) return st;
  s->begun = 1;
  if ((st = fl__gpkg_out_open(ctx, s->tmp, s->path, &s->w))) return st;
  /* (K5) a 16 MB page cache: rows stream through it, the memory stays flat */
  sqlite3_exec(s->w.db, "PRAGMA cache_size = -16384", NULL, NULL, NULL);
  if ((st = fl__gpkg_out_srs(&s->w, schema->srid))) return st;
  if ((st = fl__field_columns(ctx, s->schema, s->path, &s->cols))) return st;
  char decl[48];
  snprintf(decl, sizeof decl, "\"geom\" %s", s->begin_type);
  char *sql = fl__sql_create_table(schema->name, " NOT NULL", decl, s->schema, s->cols,
                                   fl__gpkg_sql_type);
  int rc = sql ? sqlite3_exec(s->w.db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK)
    return fl__fail(ctx, FL_E_IO, "writing GeoPackage '%s' failed while creating the layer table "
                    "(%s)", s->path, sqlite3_errmsg(s->w.db));
  rc = prepare_inserts(s);
  if (rc != SQLITE_OK)
    return fl__fail(ctx, FL_E_IO, "writing GeoPackage '%s' failed while preparing the rows (%s)",
                    s->path, sqlite3_errmsg(s->w.db));
  return FL_OK;
}

/* (P4) and the extent, as fl__geom_summarize() does, one geometry at a time. */
static void summarize(sink *s, const char *type, int z, double x0, double x1, double y0,
                      double y1) {
  if (strcmp(s->begin_type, "GEOMETRY") != 0 && strcmp(s->begin_type, type) != 0) s->fits = 0;
  if (!s->common) s->common = type;
  else if (strcmp(s->common, type) != 0) s->mixed = 1;
  if (z) s->with_z = 1;
  else s->without_z = 1;
  fl__geom_summary *m = &s->sum;
  if (!m->has_extent) {
    m->minx = x0, m->miny = y0, m->maxx = x1, m->maxy = y1;
    m->has_extent = 1;
  } else {
    m->minx = fmin(m->minx, x0), m->miny = fmin(m->miny, y0);
    m->maxx = fmax(m->maxx, x1), m->maxy = fmax(m->maxy, y1);
  }
}

static int add_box(sink *s, int64_t id, double x0, double x1, double y0, double y1) {
  if (s->n_boxes == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 4096;
    fl__gpkg_box *e = realloc(s->boxes, cap * sizeof *e);
    if (e) s->boxes = e;
    int64_t *i = e ? realloc(s->ids, cap * sizeof *i) : NULL;
    if (!i) return 0;
    s->ids = i;
    s->cap = cap;
  }
  fl__gpkg_box_set(&s->boxes[s->n_boxes], x0, x1, y0, y1);
  s->ids[s->n_boxes++] = id;
  return 1;
}

static int is_iso_date(const char *v) {
  if (!v || strlen(v) != 10 || v[4] != '-' || v[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9')) return 0;
  int m = (v[5] - '0') * 10 + (v[6] - '0'), d = (v[8] - '0') * 10 + (v[9] - '0');
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* (K3): distinct text values, and a value that is not a date. */
static int track_values(sink *s, const fl_layer *l, const fl_feature *f) {
  for (size_t j = 0; j < l->n_fields; j++) {
    const fl_value *v = &f->values[j];
    if (l->fields[j].type != FL_FIELD_TEXT || v->is_null || !v->s) continue;
    track *t = &s->tt[j];
    if (!t->non_date && !is_iso_date(v->s) && !(t->non_date = fl__strdup(v->s))) return 0;
    if (t->over) continue;
    if (t->last < t->n && !strcmp(t->v[t->last], v->s)) continue; /* rows in a run alike */
    size_t k = 0;
    while (k < t->n && strcmp(t->v[k], v->s)) k++;
    if (k < t->n) {
      t->last = k;
      continue;
    }
    if (t->n == TRACK_MAX) {
      t->over = 1;
      continue;
    }
    if (!(t->v[t->n] = fl__strdup(v->s))) return 0;
    t->n++;
  }
  return 1;
}

/* The geometry of row i bound to parameter p of q, with its summary and box. */
static fl_status bind_geom(fl_ctx *ctx, sink *s, sqlite3_stmt *q, int p, const fl_chunk *c,
                           size_t i, int64_t id) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  const fl_feature *f = &c->rows->features[i];
  int srs_id = s->schema->srid > 0 ? s->schema->srid : -1;
  if (!f->geom && c->xy && !isnan(c->xy[2 * i])) {
    double x = c->xy[2 * i], y = c->xy[2 * i + 1];
    unsigned char b[FL__GPKG_POINT_BLOB];
    fl__gpkg_point_blob(b, srs_id, x, y);
    sqlite3_bind_blob(q, p, b, (int)sizeof b, SQLITE_TRANSIENT);
    summarize(s, "POINT", 0, x, x, y, y);
    if (!s->first && !(s->first = GEOSGeom_createPointFromXY_r(h, x, y))) return sink_nomem(ctx, s);
    return add_box(s, id, x, x, y, y) ? FL_OK : sink_nomem(ctx, s);
  }
  if (!f->geom) return FL_OK;
  unsigned char *blob = NULL;
  size_t nb = 0;
  fl_status st = fl_geom_to_blob(ctx, f->geom, srs_id, FL_BLOB_GPKG, &blob, &nb);
  if (st) {
    char why[FL_ERRMSG_LEN];
    snprintf(why, sizeof why, "%s", fl_ctx_errmsg(ctx));
    return fl__fail(ctx, st, "layer '%s', feature %lld: %s", s->schema->name, (long long)id, why);
  }
  sqlite3_bind_blob64(q, p, blob, nb, free);
  if (GEOSisEmpty_r(h, f->geom) != 0) return FL_OK;
  double x0, y0, x1, y1;
  if (!GEOSGeom_getXMin_r(h, f->geom, &x0) || !GEOSGeom_getYMin_r(h, f->geom, &y0) ||
      !GEOSGeom_getXMax_r(h, f->geom, &x1) || !GEOSGeom_getYMax_r(h, f->geom, &y1))
    return fl__fail_geos(ctx, "computing a feature's extent");
  summarize(s, fl__geom_type_name(GEOSGeomTypeId_r(h, f->geom)), GEOSHasZ_r(h, f->geom) == 1, x0,
            x1, y0, y1);
  if (!s->first && !(s->first = GEOSGeom_clone_r(h, f->geom))) return sink_nomem(ctx, s);
  return add_box(s, id, x0, x1, y0, y1) ? FL_OK : sink_nomem(ctx, s);
}

/* Rows i .. i + n - 1 of c bound to q (one statement of n rows) and run. */
static fl_status insert_rows(fl_ctx *ctx, sink *s, sqlite3_stmt *q, const fl_chunk *c, size_t i,
                             size_t n) {
  int per_row = 2 + (int)c->rows->n_fields;
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  for (size_t r = 0; r < n; r++) {
    const fl_feature *f = &c->rows->features[i + r];
    int p = (int)r * per_row + 1;
    int64_t id = (int64_t)++s->n_rows; /* (K4) */
    sqlite3_bind_int64(q, p, id);
    fl_status st = bind_geom(ctx, s, q, p + 1, c, i + r, id);
    if (st) return st;
    fl__sql_bind_fields(q, p + 2, c->rows, f);
    if (!track_values(s, c->rows, f)) return sink_nomem(ctx, s);
  }
  if (sqlite3_step(q) == SQLITE_DONE) return FL_OK;
  if (fl__write_disk_full(s->w.db, NULL))
    return fl__fail(ctx, FL_E_IO, "writing GeoPackage '%s' failed while inserting a feature: "
                    FL__DISK_FULL, s->path);
  return fl__fail(ctx, FL_E_IO, "writing GeoPackage '%s' failed while inserting a feature (%s)",
                  s->path, sqlite3_errmsg(s->w.db));
}

static fl_status sink_write(fl_ctx *ctx, void *self, const fl_chunk *c) {
  sink *s = self;
  size_t n = c->rows->n_features, i = 0;
  fl_status st = FL_OK;
  for (; !st && s->ins_n && i + s->batch <= n; i += s->batch) /* (K6) */
    st = insert_rows(ctx, s, s->ins_n, c, i, s->batch);
  for (; !st && i < n; i++) st = insert_rows(ctx, s, s->ins, c, i, 1);
  return st;
}

/* (K3): the schema's fields, the first geometry, the tracked text values. */
static fl_layer *style_layer(fl_ctx *ctx, sink *s) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  fl_layer *l = fl_layer_new(s->schema->name, s->schema->srid, s->schema->geom_type);
  int ok = l != NULL;
  for (size_t j = 0; ok && j < s->schema->n_fields; j++)
    ok = fl_layer_add_field(l, s->schema->fields[j].name, s->schema->fields[j].type) >= 0;
  size_t n = s->n_rows ? 1 : 0;
  for (size_t j = 0; ok && j < s->schema->n_fields; j++) {
    size_t want = s->tt[j].n + (s->tt[j].over && s->tt[j].non_date ? 1 : 0);
    if (want > n) n = want;
  }
  for (size_t i = 0; ok && i < n; i++) {
    GEOSGeometry *g = i == 0 && s->first ? GEOSGeom_clone_r(h, s->first) : NULL;
    fl_feature *f = fl_layer_append(ctx, l, (int64_t)i + 1, g);
    ok = f != NULL;
    for (size_t j = 0; ok && j < s->schema->n_fields; j++) {
      const track *t = &s->tt[j];
      const char *v = i < t->n ? t->v[i] : i == t->n && t->over ? t->non_date : NULL;
      if (v) ok = fl_feature_set_text(l, f, (int)j, v) == FL_OK;
    }
  }
  if (ok) return l;
  fl_layer_destroy(ctx, l);
  return NULL;
}

/* (K1): the declared types P4 and P6 chose, when they differ from begin's. */
static fl_status fix_types(fl_ctx *ctx, sink *s, const fl_layer *style) {
  int differ = strcmp(s->sum.type, s->begin_type) != 0;
  for (size_t j = 0; !differ && j < style->n_fields; j++)
    differ = strcmp(fl__gpkg_sql_type(style, j), fl__gpkg_sql_type(s->schema, j)) != 0;
  if (!differ) return FL_OK;
  char decl[48];
  snprintf(decl, sizeof decl, "\"geom\" %s", s->sum.type);
  char *create = fl__sql_create_table(style->name, " NOT NULL", decl, style, s->cols,
                                      fl__gpkg_sql_type);
  int version = 0;
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(s->w.db, "PRAGMA schema_version", -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    version = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  char *sql = create ? sqlite3_mprintf("PRAGMA writable_schema = ON; UPDATE sqlite_master SET "
                                       "sql = %Q WHERE type = 'table' AND name = %Q; PRAGMA "
                                       "schema_version = %d; PRAGMA writable_schema = OFF",
                                       create, style->name, version + 1)
                     : NULL;
  sqlite3_free(create);
  int rc = sql ? sqlite3_exec(s->w.db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK)
    return fl__fail(ctx, FL_E_IO, "writing GeoPackage '%s' failed while declaring the column "
                    "types (%s)", s->path, sqlite3_errmsg(s->w.db));
  return FL_OK;
}

static fl_status sink_commit(fl_ctx *ctx, void *self) {
  sink *s = self;
  sqlite3_finalize(s->ins);
  sqlite3_finalize(s->ins_n);
  s->ins = s->ins_n = NULL;
  const char *type = s->fits ? s->begin_type : !s->mixed && s->common ? s->common : "GEOMETRY";
  snprintf(s->sum.type, sizeof s->sum.type, "%s", type); /* (P4) */
  s->sum.z = s->with_z && s->without_z ? 2 : s->with_z ? 1 : 0;
  fl_layer *style = style_layer(ctx, s);
  fl_status st = style ? FL_OK : sink_nomem(ctx, s);
  if (!st) st = fix_types(ctx, s, style);
  int srs_id = s->schema->srid > 0 ? s->schema->srid : -1;
  if (!st) st = fl__gpkg_out_register(&s->w, s->schema->name, &s->sum, srs_id);
  if (!st) st = fl__gpkg_out_index(&s->w, s->schema->name, s->ids, s->boxes, s->n_boxes, style);
  fl_layer_destroy(ctx, style);
  st = fl__gpkg_out_close(&s->w, st);
  st = fl__output_finish(ctx, s->path, s->overwrite, s->tmp, s->lock_fd, st);
  sink_free(ctx, s);
  return st;
}

static void sink_abort(fl_ctx *ctx, void *self) {
  sink *s = self;
  if (!s) return;
  sqlite3_finalize(s->ins);
  sqlite3_finalize(s->ins_n);
  s->ins = s->ins_n = NULL;
  fl__gpkg_out_close(&s->w, FL_E_CANCEL); /* closes without COMMIT */
  if (s->begun) fl__output_finish(ctx, s->path, s->overwrite, s->tmp, s->lock_fd, FL_E_CANCEL);
  sink_free(ctx, s);
}

static const fl_sink_ops gpkg_sink_ops = {sink_begin, sink_write, sink_commit, sink_abort};

fl_status fl_sink_open(fl_ctx *ctx, const char *path, int overwrite, fl_sink *out) {
  memset(out, 0, sizeof *out);
  if (!path || !*path) return fl__fail(ctx, FL_E_ARG, "the output path is empty");
  if (fl__format_of_path(path) != FL__FMT_GPKG)
    return fl__fail(ctx, FL_E_ARG, "output '%s' is not a .gpkg; the stream writes GeoPackages",
                    path);
  sink *s = calloc(1, sizeof *s);
  if (!s || !(s->path = fl__strdup(path))) {
    free(s);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  s->overwrite = overwrite;
  s->lock_fd = -1;
  out->ops = &gpkg_sink_ops;
  out->self = s;
  return FL_OK;
}
