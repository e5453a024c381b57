/*
 * vtab_bands.c - FL_Bands(front, distances [, side]): a table-valued
 * function (eponymous virtual table) giving every distance band of a front
 * in one call:
 *
 *   SELECT band, inner_m, outer_m, area_km2, geometry
 *   FROM FL_Bands((SELECT geom FROM front WHERE id = 1), '5000,10000,20000');
 *
 * Rules:
 *   (V1) distances: text of comma-separated metres, > 0 and strictly
 *        increasing ("5000,10000" gives the bands 0-5 km and 5-10 km), or a
 *        single number;
 *   (V2) band k covers [inner_m, outer_m) with inner_m the previous distance
 *        (0 for band 0); bands do not overlap; area_km2 is geodesic;
 *   (V3) geometry is in the front's SRID and blob kind; an empty band has a
 *        NULL geometry and area 0; a NULL front or distances gives no rows;
 *   (V4) errors name FL_Bands and the argument, as the scalar functions do.
 * Not here: the buffering (core/buffer.c).
 */
#include "sql_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { COL_BAND, COL_INNER, COL_OUTER, COL_GEOMETRY, COL_AREA, COL_FRONT, COL_DISTANCES,
       COL_SIDE };

typedef struct band_row {
  double inner_m, outer_m, area_km2;
  unsigned char *blob; /* owned (fl_free); NULL when the band is empty */
  size_t n;
} band_row;

typedef struct bands_vtab {
  sqlite3_vtab base;
  flsql_state *state; /* borrowed: the module holds a reference */
  sqlite3 *db;        /* the connection, for sqlite3_interrupt() (sql_work.c) */
} bands_vtab;

typedef struct bands_cursor {
  sqlite3_vtab_cursor base;
  band_row *rows;
  int n_rows, at;
} bands_cursor;

static int b_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                     sqlite3_vtab **out, char **err) {
  (void)argc;
  (void)argv;
  (void)err;
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(band INTEGER, inner_m REAL, outer_m REAL, "
                                    "geometry GEOMETRY, area_km2 REAL, front HIDDEN, "
                                    "distances HIDDEN, side HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  bands_vtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  v->state = aux;
  v->db = db;
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  *out = &v->base;
  return SQLITE_OK;
}

static int b_disconnect(sqlite3_vtab *v) {
  sqlite3_free(v);
  return SQLITE_OK;
}

/* front and distances must be given (argvIndex 1, 2); side is optional (3).
 * idxNum bit 0: side given. */
static int b_best_index(sqlite3_vtab *v, sqlite3_index_info *info) {
  (void)v;
  return flsql_tvf_best_index(info, COL_FRONT, 1000, 4);
}

static int b_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out) {
  (void)v;
  bands_cursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  *out = &c->base;
  return SQLITE_OK;
}

static void clear_rows(bands_cursor *c) {
  for (int i = 0; i < c->n_rows; i++) fl_free(c->rows[i].blob);
  sqlite3_free(c->rows);
  c->rows = NULL;
  c->n_rows = c->at = 0;
}

static int b_close(sqlite3_vtab_cursor *cur) {
  clear_rows((bands_cursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

static int fail(sqlite3_vtab_cursor *cur, char *msg) {
  sqlite3_free(cur->pVtab->zErrMsg);
  cur->pVtab->zErrMsg = msg;
  return msg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* (V1) parse the distances; *n 0 for NULL. Returns an error text or NULL. */
static char *parse_distances(sqlite3_value *v, double **out, int *n) {
  *out = NULL;
  *n = 0;
  int t = sqlite3_value_type(v);
  if (t == SQLITE_NULL) return NULL;
  if (t == SQLITE_BLOB)
    return sqlite3_mprintf("FL_Bands: argument 2 (distances) must be text such as "
                           "'5000,10000,20000' or a number, got a blob");
  const char *s = (const char *)sqlite3_value_text(v);
  if (!s) return sqlite3_mprintf("FL_Bands: out of memory");
  int cap = 1;
  for (const char *p = s; *p; p++) cap += *p == ',';
  double *d = sqlite3_malloc64((sqlite3_uint64)cap * sizeof *d);
  if (!d) return sqlite3_mprintf("FL_Bands: out of memory");
  const char *p = s;
  for (int k = 0; k < cap; k++) {
    char *end = NULL;
    errno = 0;
    size_t len = strcspn(p, ","); /* decimal only: no 0x10, inf or nan (as the CLI) */
    int decimal = len > 0;
    for (size_t i = 0; i < len && decimal; i++)
      decimal = (p[i] >= '0' && p[i] <= '9') || strchr("+-.eE \t", p[i]) != NULL;
    double x = decimal ? strtod(p, &end) : 0.0;
    if (!decimal) end = (char *)p;
    while (end && end != p && (*end == ' ' || *end == '\t')) end++;
    if (end == p || errno || !isfinite(x) || (*end != ',' && *end != '\0') ||
        x <= 0 || (k > 0 && x <= d[k - 1])) {
      sqlite3_free(d);
      return sqlite3_mprintf("FL_Bands: argument 2 (distances) must be metres > 0, "
                             "comma-separated and strictly increasing, e.g. "
                             "'5000,10000,20000'; got '%.60s'", s);
    }
    d[k] = x;
    p = end + 1;
  }
  *out = d;
  *n = cap;
  return NULL;
}

static int b_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                    sqlite3_value **argv) {
  (void)idx_str;
  bands_cursor *c = (bands_cursor *)cur;
  flsql_state *st = ((bands_vtab *)cur->pVtab)->state;
  clear_rows(c);
  if (idx_num & FLSQL_TVF_MISSING)
    return fail(cur, sqlite3_mprintf("FL_Bands: needs its first two arguments, as in "
                                     "FL_Bands(front, distances [, side])"));
  if (argc < 2) return SQLITE_OK;
  fl_side side = FL_SIDE_BOTH;
  if (idx_num & 1) {
    int t = sqlite3_value_type(argv[2]);
    if (t == SQLITE_NULL) return SQLITE_OK;
    const char *s = t == SQLITE_TEXT ? (const char *)sqlite3_value_text(argv[2]) : NULL;
    if (flsql_side_parse(s, &side) != 0)
      return fail(cur, sqlite3_mprintf("FL_Bands: argument 3 (side) must be 'both', 'left' or "
                                       "'right', got '%.40s'", s ? s : "(not text)"));
  }
  double *dist = NULL;
  int n_dist = 0;
  char *err = parse_distances(argv[1], &dist, &n_dist);
  if (err) return fail(cur, err);
  flsql_geom *g = NULL;
  int rc = n_dist ? flsql_geom_value(st, argv[0], 0, "FL_Bands", "front", &g, &err) : FLSQL_NULL;
  if (rc != FLSQL_OK) {
    sqlite3_free(dist);
    return rc == FLSQL_ERR ? fail(cur, err) : SQLITE_OK;
  }
  c->rows = sqlite3_malloc64((sqlite3_uint64)n_dist * sizeof *c->rows);
  rc = c->rows ? SQLITE_OK : SQLITE_NOMEM;
  if (c->rows) memset(c->rows, 0, (size_t)n_dist * sizeof *c->rows);
  flsql_work_begin(st, ((bands_vtab *)cur->pVtab)->db);
  for (int k = 0; rc == SQLITE_OK && k < n_dist; k++) { /* (V2) */
    band_row *r = &c->rows[k];
    r->inner_m = k ? dist[k - 1] : 0;
    r->outer_m = dist[k];
    c->n_rows = k + 1;
    GEOSGeometry *band = NULL;
    fl_status s = fl_band(st->ctx, g->lonlat, r->inner_m, r->outer_m, side, &band);
    if (!s) s = fl_area_km2(st->ctx, band, &r->area_km2);
    if (!s) {
      s = flsql_encode(st, band, g->srid, g->kind, &r->blob, &r->n);
      band = NULL; /* taken */
    }
    if (band) GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), band);
    if (s == FL_E_CANCEL)
      rc = SQLITE_INTERRUPT;
    else if (s)
      rc = fail(cur, sqlite3_mprintf("FL_Bands: cannot cut band %d (%g-%g m): %s", k,
                                     r->inner_m, r->outer_m, fl_ctx_errmsg(st->ctx)));
  }
  flsql_work_end(st);
  flsql_geom_release(g);
  sqlite3_free(dist);
  if (rc != SQLITE_OK) clear_rows(c);
  return rc;
}

static int b_next(sqlite3_vtab_cursor *cur) {
  ((bands_cursor *)cur)->at++;
  return SQLITE_OK;
}

static int b_eof(sqlite3_vtab_cursor *cur) {
  bands_cursor *c = (bands_cursor *)cur;
  return c->at >= c->n_rows;
}

static int b_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  bands_cursor *c = (bands_cursor *)cur;
  const band_row *r = &c->rows[c->at];
  switch (col) {
    case COL_BAND: sqlite3_result_int(ctx, c->at); break;
    case COL_INNER: sqlite3_result_double(ctx, r->inner_m); break;
    case COL_OUTER: sqlite3_result_double(ctx, r->outer_m); break;
    case COL_AREA: sqlite3_result_double(ctx, r->area_km2); break;
    case COL_GEOMETRY:
      if (r->blob) sqlite3_result_blob64(ctx, r->blob, (sqlite3_uint64)r->n, SQLITE_TRANSIENT);
      break;
    default: break; /* hidden argument columns read back as NULL */
  }
  return SQLITE_OK;
}

static int b_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *rowid) {
  *rowid = ((bands_cursor *)cur)->at;
  return SQLITE_OK;
}

static const sqlite3_module bands_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: no CREATE VIRTUAL TABLE */
    .xConnect = b_connect,
    .xBestIndex = b_best_index,
    .xDisconnect = b_disconnect,
    .xDestroy = b_disconnect,
    .xOpen = b_open,
    .xClose = b_close,
    .xFilter = b_filter,
    .xNext = b_next,
    .xEof = b_eof,
    .xColumn = b_column,
    .xRowid = b_rowid,
};

int flsql_register_vtab_bands(sqlite3 *db, flsql_state *st) {
  st->refs++; /* dropped by SQLite through the destructor, also on failure */
  return sqlite3_create_module_v2(db, "FL_Bands", &bands_module, st, flsql_state_unref);
}
