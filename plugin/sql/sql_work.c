/*
 * sql_work.c - a long SQL call that can be stopped: sqlite3_interrupt() is
 * seen inside it, and its time is bounded.
 *
 * SQLite 3.40 has no sqlite3_is_interrupted() (3.41 added it), and a
 * progress handler is not called while a function runs. But the interrupt
 * flag of the connection stays set while its statements run, and a
 * statement stepped on the same connection meanwhile fails at once with
 * SQLITE_INTERRUPT. So the poll that core calls between the short GEOS calls
 * of a buffer (core/buffer_chunks.c) and from GEOS's interrupt checks (at
 * most every 10 ms, core/interrupt.c) steps "SELECT 1" and reports that.
 * The time limit (FLSQL_TIME_LIMIT_S) remains for a caller that interrupts
 * nothing. Not here: the functions (fn_*.c, vtab_*.c).
 */
#include "sql_internal.h"

static int interrupted(void *user) {
  sqlite3 *db = user;
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT 1", -1, &s, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_INTERRUPT;
}

void flsql_work_begin(flsql_state *st, sqlite3 *db) {
  fl_ctx_set_time_limit(st->ctx, FLSQL_TIME_LIMIT_S);
  fl_ctx_set_interrupt_poll(st->ctx, db ? interrupted : NULL, db);
}

void flsql_work_end(flsql_state *st) {
  fl_ctx_set_time_limit(st->ctx, 0);
  fl_ctx_set_interrupt_poll(st->ctx, NULL, NULL);
}
