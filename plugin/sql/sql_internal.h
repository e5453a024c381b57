/*
 * sql_internal.h - what the files of mod_frontline share: the per-connection
 * state, the cached geometry argument, argument readers and result writers.
 *
 * Every file that calls sqlite3_* includes this header, which includes
 * sqlite3ext.h and SQLITE_EXTENSION_INIT3 (the api pointer itself is defined
 * once, in ext_init.c). Nothing here is exported: the module's only visible
 * symbol is sqlite3_modfrontline_init.
 */
#ifndef FL_SQL_INTERNAL_H
#define FL_SQL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3ext.h>
#include "frontline/frontline.h"

#ifndef FL_SQL_MAIN
SQLITE_EXTENSION_INIT3
#endif

typedef struct flsql_geom flsql_geom;

/* ---- ext_init.c: per-connection state ------------------------------------ */

/* One per connection, shared by every function and module registered on it.
 * SQLite runs one connection's callbacks one at a time, so the fl_ctx (GEOS
 * and PROJ handles) and the cache need no lock. */
/* sql_table.c: how many table reads may nest (a view read for a named
 * table that calls a named-table function itself). */
#define FLSQL_READ_DEPTH 4

typedef struct flsql_state {
  fl_ctx *ctx;           /* owned                                              */
  int refs;              /* registrations still holding the state             */
  /* sql_cache.c: most recently used first. */
  flsql_geom *mru;       /* head of the cache list                             */
  size_t n_entries;      /* entries in the list                                */
  size_t n_bytes;        /* blob bytes held by the entries                     */
  struct flsql_los *los; /* fn_line_of_sight.c: the raster library, loaded at its
                            first call; NULL until then                         */
  sqlite3 *work_db;      /* sql_work.c: the connection of the running call     */
  sqlite3_stmt *poll;    /* sql_work.c: its poll statement, prepared at the first
                            poll of a call, finalized at its end; or NULL       */
  int work_depth;        /* sql_work.c: calls begun and not ended (a call run
                            inside another's table read nests)                 */
  const char *reading[FLSQL_READ_DEPTH]; /* sql_table.c: the tables being read,
                            outermost first (borrowed from the callers)         */
  int n_reading;
} flsql_state;

typedef struct flsql_los flsql_los;
void flsql_los_free(flsql_los *l);

void flsql_state_unref(void *state);

/* ---- sql_cache.c: a parsed geometry argument ----------------------------- */

/* Cached result of one operation on a geometry (FL_Buffer, FL_Band): a
 * constant front buffered on every row is buffered once. */
typedef struct flsql_memo {
  int op;                /* 0: empty; else an FLSQL_MEMO_* code                 */
  double a, b;           /* distances, metres                                  */
  int side;              /* fl_side                                             */
  unsigned char *blob;   /* owned (fl_free); NULL with n 0 means a NULL result */
  size_t n;
} flsql_memo;

enum { FLSQL_MEMO_BUFFER = 1, FLSQL_MEMO_BAND = 2 };

/* A geometry argument decoded once: the blob's kind and SRID, the geometry
 * in lon/lat, and what is built from it on demand (index, prepared form,
 * area). Reference counted: the cache holds one reference while the entry
 * is listed, every user (a call, an auxdata slot, an aggregate) one more. */
struct flsql_geom {
  int refs;
  flsql_state *state;       /* borrowed                                       */
  uint64_t hash;            /* sampled hash of the blob                       */
  unsigned char *bytes;     /* owned copy of the blob (key); NULL if uncached */
  size_t n;                 /* blob length, bytes                             */
  int srid;                 /* SRID of the blob                               */
  fl_blob_kind kind;        /* FL_BLOB_SPATIALITE or FL_BLOB_GPKG             */
  GEOSGeometry *lonlat;     /* owned; NULL when the geometry is empty         */
  int dim;                  /* 0 points, 1 lines, 2 polygons (-1 empty)       */
  int n_coords;             /* number of vertices                             */
  unsigned uses;            /* times it was looked up                         */
  fl_dist_index *index;     /* lazy: flsql_geom_index()                       */
  fl_ground *ground;                /* lazy: flsql_geom_ground()              */
  double area_km2;          /* lazy: flsql_geom_area_km2(); < 0 not yet       */
  flsql_memo memo;          /* last buffer/band result                        */
  flsql_geom *prev, *next;  /* cache list                                     */
};

/* Decode a blob, or find it decoded already (content-keyed: hash, length and
 * a full byte compare). On success *out holds a new reference (release it).
 * On failure the fl_ctx holds the reason: FL_E_GEOM (not a blob), FL_E_SRID,
 * FL_E_ARG (plain WKB, no SRID), ... *srid is the blob's SRID when read. */
fl_status flsql_cache_get(flsql_state *st, const unsigned char *blob, size_t n,
                          flsql_geom **out, int *srid);
void flsql_geom_release(flsql_geom *g);
/* Same signature as an SQLite destructor (auxdata). */
void flsql_geom_release_v(void *g);
/* Free every entry (connection closing). */
void flsql_cache_clear(flsql_state *st);

/* Lazy parts; NULL / negative with the reason in the fl_ctx on failure. */
const fl_dist_index *flsql_geom_index(flsql_geom *g);
/* The geometry prepared as ground for shares (core's fl_ground), built on
 * first need; NULL when it cannot be (ctx says why). */
const fl_ground *flsql_geom_ground(flsql_geom *g);
double flsql_geom_area_km2(flsql_geom *g);

/* ---- sql_geom_arg.c: arguments and results ------------------------------- */

/* Outcome of reading an argument. */
enum { FLSQL_OK = 0, FLSQL_NULL = 1, FLSQL_ERR = -1 };

/* Raise an SQL error "FN: <formatted text>". */
void flsql_error(sqlite3_context *c, const char *fn, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Raise err (an sqlite3_mprintf'd sentence, freed here) as the SQL error;
 * the text FLSQL_STOPPED raises SQLite's own "interrupted". */
void flsql_error_text(sqlite3_context *c, char *err);
/* Same as flsql_error, with the fl_ctx's last message appended after ": ". */
void flsql_error_ctx(sqlite3_context *c, flsql_state *st, const char *fn, const char *what);

/* Geometry argument i (0-based) named `name`: auxdata first, then the cache.
 * FLSQL_OK: *out holds a reference; FLSQL_NULL: SQL NULL or an empty
 * geometry (nothing set); FLSQL_ERR: the SQL error is set. */
int flsql_geom_arg(sqlite3_context *c, sqlite3_value **argv, int i, const char *fn,
                   const char *name, flsql_geom **out);
/* Same for the step of an aggregate: the cache only, no auxdata (A3). */
int flsql_geom_arg_agg(sqlite3_context *c, sqlite3_value **argv, int i, const char *fn,
                       const char *name, flsql_geom **out);
/* Same for code without an sqlite3_context (virtual tables): the error text
 * goes to *err (sqlite3_mprintf, free with sqlite3_free). */
int flsql_geom_value(flsql_state *st, sqlite3_value *v, int i, const char *fn,
                     const char *name, flsql_geom **out, char **err);

/* Two geometries of one call must share an SRID: FLSQL_OK or FLSQL_ERR. */
int flsql_same_srid(sqlite3_context *c, const char *fn, int ia, const flsql_geom *a, int ib,
                    const flsql_geom *b);

/* Distance argument in metres: finite and >= 0 (integer or real). */
int flsql_metres_arg(sqlite3_context *c, sqlite3_value **argv, int i, const char *fn,
                     const char *name, double *out);
/* Optional side argument: 'both', 'left' or 'right' (any case). */
int flsql_side_arg(sqlite3_context *c, sqlite3_value **argv, int argc, int i, const char *fn,
                   fl_side *out);
int flsql_side_parse(const char *text, fl_side *out);

/* A lon/lat geometry (taken) back to srid and kind as a blob; *blob NULL for
 * an empty geometry. FL_OK or a status with the reason in the fl_ctx. */
fl_status flsql_encode(flsql_state *st, GEOSGeometry *lonlat, int srid, fl_blob_kind kind,
                       unsigned char **blob, size_t *n);
/* flsql_encode() then the result of c (NULL when empty); errors name fn. */
void flsql_result_geom(sqlite3_context *c, const char *fn, GEOSGeometry *lonlat, int srid,
                       fl_blob_kind kind);

/* ---- sql_table.c: a table named in an argument ---------------------------- */

/* What to read: the table, its geometry column (NULL: the registered one)
 * and other columns (the first n_required must not be NULL on a row that is
 * read; rows where they are, or the geometry is, are skipped). The argument
 * numbers (1-based) and names are for messages. All borrowed. */
typedef struct flsql_table {
  const char *fn;
  const char *table;
  int table_arg;
  const char *table_arg_name;
  const char *geom_column;
  int geom_arg;
  const char *const *columns;
  const int *column_arg;
  const char *const *column_arg_name;
  size_t n_columns, n_required;
} flsql_table;

/* Called for each row with a non-empty geometry g (in the table's SRID
 * srid, taken), the statement s (the columns are 2, 3, ...) and the row's
 * place for messages ("rowid 12"). Returns an error text (sqlite3_mprintf)
 * or NULL. */
typedef char *(*flsql_table_row)(void *user, GEOSGeometry *g, int srid, sqlite3_stmt *s,
                                 const char *where);

/* Read every row of t (rules T1-T3 in sql_table.c); *srid the rows' SRID
 * (-1 when no row was read). Returns an error text (sqlite3_mprintf; the
 * text FLSQL_STOPPED after sqlite3_interrupt()) or NULL. */
char *flsql_table_read(flsql_state *st, sqlite3 *db, const flsql_table *t, int *srid,
                       flsql_table_row row, void *user);
/* 1 when the table (or view) has the column (any case), 0 when not, -1 when
 * it could not be asked; column NULL: whether the table exists. */
int flsql_table_has_column(sqlite3 *db, const char *table, const char *column);
/* 1 when two names of a named-table key are equal (both NULL included). */
int flsql_same_name(const char *a, const char *b);
/* The table's geometry column registered in gpkg_geometry_columns or
 * geometry_columns (sqlite3_malloc'd), or NULL. */
char *flsql_registered_column(sqlite3 *db, const char *table);
/* ---- sql_front.c: a front named as a table ------------------------------ */

/* A table's geometries indexed for distances, kept for a statement. */
typedef struct flsql_front {
  flsql_state *st;       /* borrowed                                       */
  char *table, *geom;    /* sqlite3_malloc'd key; geom NULL: registered    */
  int srid;              /* the rows' SRID                                 */
  fl_dist_index *index;  /* owned                                          */
} flsql_front;

/* The front named by argument i_table (0-based) of c, its geometry column
 * argument i_col (absent or NULL: the registered one): the auxdata of
 * argument i_table when the names are those of the row before, else read
 * and indexed (*fresh set: give it to flsql_front_keep() after its last
 * use). FLSQL_OK: *out set; FLSQL_NULL: a NULL name (nothing set);
 * FLSQL_ERR: the SQL error is set. */
int flsql_front_arg(sqlite3_context *c, int argc, sqlite3_value **argv, int i_table, int i_col,
                    const char *fn, flsql_front **out, flsql_front **fresh);
/* Keep fresh (may be NULL) as the auxdata of argument i_table: SQLite keeps
 * it between rows while that argument is constant, frees it at reset. */
void flsql_front_keep(sqlite3_context *c, int i_table, flsql_front *fresh);

/* An error text that stands for "stopped by sqlite3_interrupt()". */
#define FLSQL_STOPPED "interrupted"

/* ---- registrations (one per file) ----------------------------------------- */

int flsql_register_distance(sqlite3 *db, flsql_state *st);
int flsql_register_measure(sqlite3 *db, flsql_state *st);
int flsql_register_range_rings(sqlite3 *db, flsql_state *st);
int flsql_register_line_of_sight(sqlite3 *db, flsql_state *st);
int flsql_register_limits(sqlite3 *db, flsql_state *st);
int flsql_register_buffer_band(sqlite3 *db, flsql_state *st);
int flsql_register_share_status(sqlite3 *db, flsql_state *st);
int flsql_register_route(sqlite3 *db, flsql_state *st);
int flsql_register_frontline(sqlite3 *db, flsql_state *st);
int flsql_register_vtab_bands(sqlite3 *db, flsql_state *st);
int flsql_register_vtab_nearest_route(sqlite3 *db, flsql_state *st);
int flsql_register_holder(sqlite3 *db, flsql_state *st);

/* Register a scalar or aggregate function holding a reference on st. */
int flsql_create_function(sqlite3 *db, flsql_state *st, const char *name, int n_arg,
                          int flags, void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
                          void (*xStep)(sqlite3_context *, int, sqlite3_value **),
                          void (*xFinal)(sqlite3_context *));

/* xBestIndex of a table-valued function with FLSQL_TVF_ARGS hidden argument
 * columns from first_arg_col on: the first two must be given (argvIndex 1,
 * 2), the third is optional (3; idxNum bit 0 says it was given). Any other
 * constraint on them than a usable equality: SQLITE_CONSTRAINT. */
#define FLSQL_TVF_ARGS 3
#define FLSQL_TVF_MISSING 2 /* idxNum bit: a required argument is missing */
int flsql_tvf_best_index(sqlite3_index_info *info, int first_arg_col, double cost,
                         sqlite3_int64 rows);

/* The longest one SQL call that buffers may run: SQLite 3.40 functions cannot
 * see sqlite3_interrupt(), so the work is bounded instead (docs/sql.md). */
#define FLSQL_TIME_LIMIT_S 15.0

/* Around a long call (sql_work.c): the time limit, and sqlite3_interrupt()
 * on db seen inside the call (it then fails with FL_E_CANCEL, which
 * flsql_error_ctx reports as SQLITE_INTERRUPT). */
void flsql_work_begin(flsql_state *st, sqlite3 *db);
void flsql_work_end(flsql_state *st);
/* The poll flsql_work_begin gives st->ctx (user: st, between begin and end),
 * for another context's work in the same call (FL_LineOfSight's). */
int flsql_work_interrupted(void *user);
#define FLSQL_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)
/* A form that reads a table named in an argument: its answer changes with
 * the table, so it is neither deterministic (no index, generated column or
 * CHECK may keep an answer gone stale) nor innocuous. */
#define FLSQL_READS_TABLE SQLITE_UTF8

#endif
