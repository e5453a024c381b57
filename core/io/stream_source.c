/*
 * stream_source.c - sources of the stream driver (fl_stream.h): a
 * GeoPackage layer read a chunk at a time (sql_cursor.c, the reader's rules
 * R1-R4), and any other data source read whole by fl_layer_read() and then
 * handed out in chunks.
 * Not here: the driver (stream.c), sinks (stream_sink.c).
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include "fl_io_internal.h"

/* ---- GeoPackage ---------------------------------------------------------- */

typedef struct gpkg_src {
  sqlite3 *db;
  fl__sql_cursor *cur;
  fl_layer *schema;     /* the cursor's schema with the source string */
  int xy;
} gpkg_src;

static fl_status gpkg_next(fl_ctx *ctx, void *self, size_t max, fl_chunk *out) {
  gpkg_src *g = self;
  fl_status st = fl_chunk_init(ctx, out, g->schema, max, g->xy);
  if (!st) st = fl__sql_cursor_next(ctx, g->db, g->cur, out->rows, max, out->xy);
  if (st) fl_chunk_clear(ctx, out);
  return st;
}

static void gpkg_close(fl_ctx *ctx, void *self) {
  gpkg_src *g = self;
  if (!g) return;
  fl__sql_cursor_close(ctx, g->cur);
  sqlite3_close(g->db);
  fl_layer_destroy(ctx, g->schema);
  free(g);
}

static const fl_source_ops gpkg_ops = {gpkg_next, gpkg_close};

static size_t count_rows(sqlite3 *db, const char *table) {
  sqlite3_stmt *s = NULL;
  char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
  size_t n = 0;
  if (sql && sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    n = (size_t)sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_free(sql);
  return n;
}

static fl_status open_gpkg(fl_ctx *ctx, const char *source, const char *path, const char *layer,
                           unsigned flags, fl_source *out) {
  gpkg_src *g = calloc(1, sizeof *g);
  if (!g) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  char *table = NULL, *geom_col = NULL, *geom_type = NULL;
  int srid = 0;
  fl_status st = fl__gpkg_open_ro(ctx, path, &g->db);
  if (!st) st = fl__gpkg_layer_meta(ctx, g->db, path, layer, &table, &geom_col, &srid, &geom_type);
  if (!st)
    st = fl__sql_cursor_open(ctx, g->db, table, geom_col, srid,
                             geom_type ? geom_type : "GEOMETRY", source, &g->cur);
  if (!st) {
    const fl_layer *cs = fl__sql_cursor_schema(g->cur);
    g->schema = fl_layer_new(cs->name, cs->srid, cs->geom_type);
    int ok = g->schema != NULL;
    for (size_t j = 0; ok && j < cs->n_fields; j++)
      ok = fl_layer_add_field(g->schema, cs->fields[j].name, cs->fields[j].type) >= 0;
    char *src = ok ? fl__strdup(source) : NULL;
    if (src) {
      free(g->schema->source);
      g->schema->source = src;
    } else {
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    }
  }
  if (!st) out->n_hint = count_rows(g->db, table);
  free(table);
  free(geom_col);
  free(geom_type);
  if (st) {
    gpkg_close(ctx, g);
    return st;
  }
  g->xy = (flags & FL_SOURCE_POINTS_XY) != 0;
  out->chunked = 1;
  out->ops = &gpkg_ops;
  out->self = g;
  out->schema = g->schema;
  return FL_OK;
}

/* ---- A layer read whole ---------------------------------------------------- */

typedef struct layer_src {
  fl_layer *l;
  size_t next;
} layer_src;

static fl_status layer_next(fl_ctx *ctx, void *self, size_t max, fl_chunk *out) {
  layer_src *s = self;
  fl_status st = fl_chunk_init(ctx, out, s->l, max, 0);
  for (size_t n = 0; !st && n < max && s->next < s->l->n_features; n++) {
    fl_feature *f = &s->l->features[s->next++];
    GEOSGeometry *g = f->geom;
    f->geom = NULL; /* handed over: each feature is read once */
    fl_feature *c = fl_layer_append(ctx, out->rows, f->fid, g);
    if (!c) {
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
      break;
    }
    for (size_t j = 0; j < s->l->n_fields; j++) c->values[j] = f->values[j];
    memset(f->values, 0, s->l->n_fields * sizeof *f->values);
    for (size_t j = 0; j < s->l->n_fields; j++) f->values[j].is_null = 1;
  }
  if (st) fl_chunk_clear(ctx, out);
  return st;
}

/* A schema: l's name, source, SRID, type and fields without features. */
static fl_layer *schema_of(const fl_layer *l) {
  fl_layer *s = fl_layer_new(l->name, l->srid, l->geom_type);
  int ok = s != NULL;
  for (size_t j = 0; ok && j < l->n_fields; j++)
    ok = fl_layer_add_field(s, l->fields[j].name, l->fields[j].type) >= 0;
  char *src = ok ? fl__strdup(l->source) : NULL;
  if (!src) {
    fl_layer_destroy(NULL, s);
    return NULL;
  }
  free(s->source);
  s->source = src;
  return s;
}

typedef struct whole_src {
  layer_src ls;
  fl_layer *schema;
} whole_src;

static fl_status whole_next(fl_ctx *ctx, void *self, size_t max, fl_chunk *out) {
  return layer_next(ctx, &((whole_src *)self)->ls, max, out);
}

static void whole_close(fl_ctx *ctx, void *self) {
  whole_src *w = self;
  if (!w) return;
  fl_layer_destroy(ctx, w->ls.l);
  fl_layer_destroy(ctx, w->schema);
  free(w);
}

static const fl_source_ops whole_ops = {whole_next, whole_close};

static fl_status open_whole(fl_ctx *ctx, const char *source, fl_source *out) {
  whole_src *w = calloc(1, sizeof *w);
  if (!w) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_status st = fl_layer_read(ctx, source, &w->ls.l);
  if (!st && !(w->schema = schema_of(w->ls.l))) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (st) {
    whole_close(ctx, w);
    return st;
  }
  out->ops = &whole_ops;
  out->self = w;
  out->schema = w->schema;
  out->n_hint = w->ls.l->n_features;
  return FL_OK;
}

fl_status fl_source_open(fl_ctx *ctx, const char *source, unsigned flags, fl_source *out) {
  memset(out, 0, sizeof *out);
  if (!source || !*source) return fl__fail(ctx, FL_E_ARG, "the data-source string is empty");
  char *path = NULL, *layer = NULL;
  fl_status st = fl__split_source(ctx, source, &path, &layer);
  if (st) return st;
  struct stat sb;
  int gpkg = layer && !strchr(layer, '|') && fl__format_of_path(path) == FL__FMT_GPKG &&
             stat(path, &sb) == 0 && S_ISREG(sb.st_mode); /* "|subset=": read whole */
  st = gpkg ? open_gpkg(ctx, source, path, layer, flags, out) : open_whole(ctx, source, out);
  free(path);
  free(layer);
  return st;
}
