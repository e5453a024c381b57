/*
 * sql_work.c - a long SQL call that can be stopped: sqlite3_interrupt() and
 * a progress handler are seen inside it, and its time is bounded.
 *
 * SQLite 3.40 has no sqlite3_is_interrupted() (3.41 added it), and a
 * progress handler is not called while a function runs. But the interrupt
 * flag of the connection stays set while its statements run, and a
 * statement stepped on the same connection meanwhile fails at once with
 * SQLITE_INTERRUPT; and that statement's own steps count towards the
 * progress handler, whose nonzero answer fails it with SQLITE_INTERRUPT too.
 * So the poll that core calls between the short steps of a long call (the
 * GEOS calls of a buffer, core/buffer_chunks.c; every few dozen vertices of
 * a distance, route or depth, core/dist_index*.c) and from GEOS's interrupt
 * checks, at most every 10 ms and never in the first 10 ms of a call
 * (core/interrupt.c), steps POLL_SQL and reports that:
 *   (W1) POLL_SQL runs about POLL_VM_STEPS virtual-machine steps (a few
 *        dozen microseconds) and is prepared once per call and reset between
 *        polls, so its step count adds up as SQLite counts it for the
 *        progress handler: a handler registered for every N steps is asked
 *        at every poll when N <= POLL_VM_STEPS, else every
 *        N / POLL_VM_STEPS polls (N = 100,000: about every second);
 *   (W2) a short call never polls (no statement is prepared);
 *   (W3) the time limit (FLSQL_TIME_LIMIT_S) remains for a caller that
 *        interrupts nothing;
 *   (W4) calls nest: a function called while another reads a table (a view
 *        over FL_Buffer named to FL_Distance) runs inside the outer call's
 *        work, so only the outermost begin and end set and clear it.
 * Not here: the functions (fn_*.c, vtab_*.c).
 */
#include "sql_internal.h"

/* (W1) about 1,000 steps: 100 rows of a recursive CTE. */
#define POLL_SQL                                                                          \
  "WITH RECURSIVE fl_poll(i) AS (VALUES(0) UNION ALL SELECT i + 1 FROM fl_poll WHERE i < 100) " \
  "SELECT count(*) FROM fl_poll"

int flsql_work_interrupted(void *user) {
  flsql_state *st = user;
  int rc;
  if (!st->poll && (rc = sqlite3_prepare_v2(st->work_db, POLL_SQL, -1, &st->poll, NULL))) {
    sqlite3_finalize(st->poll); /* the parser, too, stops on an interrupted connection */
    st->poll = NULL;
    return rc == SQLITE_INTERRUPT;
  }
  while ((rc = sqlite3_step(st->poll)) == SQLITE_ROW) {
  }
  sqlite3_reset(st->poll);
  return rc == SQLITE_INTERRUPT;
}

void flsql_work_begin(flsql_state *st, sqlite3 *db) {
  if (st->work_depth++ > 0) return; /* (W4) */
  st->work_db = db;
  st->poll = NULL;
  fl_ctx_set_time_limit(st->ctx, FLSQL_TIME_LIMIT_S);
  fl_ctx_set_interrupt_poll(st->ctx, db ? flsql_work_interrupted : NULL, st);
}

void flsql_work_end(flsql_state *st) {
  if (st->work_depth > 0 && --st->work_depth > 0) return; /* (W4) */
  fl_ctx_set_time_limit(st->ctx, 0);
  fl_ctx_set_interrupt_poll(st->ctx, NULL, NULL);
  sqlite3_finalize(st->poll); /* NULL: a no-op */
  st->poll = NULL;
  st->work_db = NULL;
}
