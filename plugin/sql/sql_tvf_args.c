/*
 * sql_tvf_args.c - the xBestIndex of mod_frontline's table-valued functions:
 * their hidden argument columns taken from the WHERE clause's equalities.
 */
#include "sql_internal.h"

int flsql_tvf_best_index(sqlite3_index_info *info, int first_arg_col, double cost,
                         sqlite3_int64 rows) {
  int where[FLSQL_TVF_ARGS] = {-1, -1, -1};
  int seen[FLSQL_TVF_ARGS] = {0, 0, 0};
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *k = &info->aConstraint[i];
    if (k->iColumn < first_arg_col || k->iColumn >= first_arg_col + FLSQL_TVF_ARGS) continue;
    seen[k->iColumn - first_arg_col] = 1;
    if (!k->usable || k->op != SQLITE_INDEX_CONSTRAINT_EQ) return SQLITE_CONSTRAINT;
    where[k->iColumn - first_arg_col] = i;
  }
  if ((where[0] < 0 && seen[0]) || (where[1] < 0 && seen[1])) return SQLITE_CONSTRAINT;
  if (where[0] < 0 || where[1] < 0) {
    /* An argument the call does not give at all: a plan whose xFilter says
     * so in a sentence (SQLite would say "no query solution"). idxNum bit 1. */
    info->idxNum = FLSQL_TVF_MISSING;
    info->estimatedCost = 1e300;
    return SQLITE_OK;
  }
  int n = 0;
  for (int k = 0; k < FLSQL_TVF_ARGS; k++)
    if (where[k] >= 0) {
      info->aConstraintUsage[where[k]].argvIndex = ++n;
      info->aConstraintUsage[where[k]].omit = 1;
    }
  info->idxNum = where[2] >= 0;
  info->estimatedCost = cost;
  info->estimatedRows = rows;
  return SQLITE_OK;
}
