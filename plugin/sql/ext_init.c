/*
 * ext_init.c - entry point of mod_frontline, the SQLite extension.
 *
 * SQLite finds sqlite3_modfrontline_init from the file name mod_frontline.so.
 * Init creates one per-connection state (an fl_ctx and the geometry cache of
 * sql_cache.c), then registers every function and module; each registration
 * holds a reference on the state and SQLite drops it (flsql_state_unref) when
 * the function is deleted or the connection closes, so the last one frees it.
 * Loading twice on one connection is harmless: when FL_Version already
 * exists init does nothing (re-registering while the loading statement runs
 * would fail with SQLITE_BUSY).
 * Not here: the functions themselves (fn_*.c, vtab_*.c).
 */
#define FL_SQL_MAIN
#include "sql_internal.h"
SQLITE_EXTENSION_INIT1

#include <stdlib.h>

void flsql_state_unref(void *p) {
  flsql_state *st = p;
  if (!st || --st->refs > 0) return;
  flsql_cache_clear(st);
  flsql_los_free(st->los);
  fl_ctx_destroy(st->ctx);
  free(st);
}

int flsql_create_function(sqlite3 *db, flsql_state *st, const char *name, int n_arg, int flags,
                          void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
                          void (*xStep)(sqlite3_context *, int, sqlite3_value **),
                          void (*xFinal)(sqlite3_context *)) {
  st->refs++; /* dropped by SQLite through xDestroy, also when this call fails */
  return sqlite3_create_function_v2(db, name, n_arg, flags, st, xFunc, xStep, xFinal,
                                    flsql_state_unref);
}

static void fn_version(sqlite3_context *c, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_text(c, fl_version(), -1, SQLITE_STATIC);
}

/* One line per group of functions; registration stops at the first failure. */
static const struct {
  const char *what;
  int (*reg)(sqlite3 *, flsql_state *);
} groups[] = {
    {"FL_Distance", flsql_register_distance},
    {"FL_Area, FL_Length and FL_Depth", flsql_register_measure},
    {"FL_Buffer and FL_Band", flsql_register_buffer_band},
    {"FL_Share and FL_ControlStatus", flsql_register_share_status},
    {"FL_Holder and FL_Share of a table", flsql_register_holder},
    {"FL_RouteExposure", flsql_register_route},
    {"FL_Frontline", flsql_register_frontline},
    {"FL_Bands", flsql_register_vtab_bands},
    {"FL_NearestRoute", flsql_register_vtab_nearest_route},
    {"FL_RangeRings", flsql_register_range_rings},
    {"FL_LineOfSight", flsql_register_line_of_sight},
    {"FL_SetLimit and FL_Limit", flsql_register_limits},
};

static int already_loaded(sqlite3 *db) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT FL_Version()", -1, &s, NULL);
  sqlite3_finalize(s);
  return rc == SQLITE_OK;
}

#if defined(_WIN32)
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_modfrontline_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  if (already_loaded(db)) return SQLITE_OK;
  flsql_state *st = calloc(1, sizeof *st);
  if (!st) return SQLITE_NOMEM;
  st->ctx = fl_ctx_create();
  if (!st->ctx) {
    free(st);
    if (pzErrMsg) *pzErrMsg = sqlite3_mprintf("mod_frontline: cannot initialise GEOS or PROJ");
    return SQLITE_ERROR;
  }
  /* SQL functions run on the connection's thread; the batch code may still
   * use every core inside one call (FL_Bands). */
  st->refs = 1; /* held by this function until the end of init */
  int rc = flsql_create_function(db, st, "FL_Version", 0, FLSQL_PURE, fn_version, NULL, NULL);
  const char *what = "FL_Version";
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof groups / sizeof groups[0]; i++) {
    what = groups[i].what;
    rc = groups[i].reg(db, st);
  }
  if (rc != SQLITE_OK && pzErrMsg)
    *pzErrMsg = sqlite3_mprintf("mod_frontline: cannot register %s: %s", what,
                                sqlite3_errstr(rc));
  flsql_state_unref(st);
  return rc;
}
