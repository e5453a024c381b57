/*
 * fn_limits.c - FL_SetLimit(name, value) and FL_Limit(name): the named work
 * limits (core/limits.c) of this connection's calls.
 *
 * Rules:
 *   (K6) FL_SetLimit sets limit `name` for the calls that follow on this
 *        connection and returns the value set; value is an integer or a
 *        real, finite, > 0 and at most 1e15. An unknown name, a NULL, text or
 *        a bad number is an SQL error of one sentence (core's: it names the
 *        limits there are), and the limit keeps its value.
 *   (K7) FL_Limit(name) returns the limit's value now (its default until
 *        FL_SetLimit changes it); an unknown name is an error as above.
 *   (K8) both may run only in top-level SQL (SQLITE_DIRECTONLY): a view or
 *        trigger in someone else's database cannot raise a limit.
 * Not here: the limits' names, defaults and checks (core/limits.c).
 */
#include "sql_internal.h"

/* The name argument as text, or an SQL error. */
static const char *name_arg(sqlite3_context *c, sqlite3_value **argv, const char *fn) {
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    flsql_error(c, fn, "name must be the text name of a limit (e.g. 'buffer_work')");
    return NULL;
  }
  return (const char *)sqlite3_value_text(argv[0]);
}

static void fn_set_limit(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_SetLimit";
  flsql_state *st = sqlite3_user_data(c);
  (void)argc;
  const char *name = name_arg(c, argv, fn);
  if (!name) return;
  int type = sqlite3_value_type(argv[1]);
  if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
    flsql_error(c, fn, "value must be a number > 0 (integer or real), got %s",
                type == SQLITE_NULL ? "NULL" : type == SQLITE_TEXT ? "text" : "a blob");
    return;
  }
  double v = sqlite3_value_double(argv[1]);
  if (fl_ctx_set_limit(st->ctx, name, v) != FL_OK) {
    flsql_error(c, fn, "%s", fl_ctx_errmsg(st->ctx));
    return;
  }
  sqlite3_result_double(c, v);
}

static void fn_limit(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Limit";
  flsql_state *st = sqlite3_user_data(c);
  (void)argc;
  const char *name = name_arg(c, argv, fn);
  double v = 0;
  if (!name) return;
  if (fl_ctx_limit(st->ctx, name, &v) != FL_OK) {
    flsql_error(c, fn, "%s", fl_ctx_errmsg(st->ctx));
    return;
  }
  sqlite3_result_double(c, v);
}

int flsql_register_limits(sqlite3 *db, flsql_state *st) {
  int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY; /* (K8) */
  int rc = flsql_create_function(db, st, "FL_SetLimit", 2, flags, fn_set_limit, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Limit", 1, flags, fn_limit, NULL, NULL);
  return rc;
}
