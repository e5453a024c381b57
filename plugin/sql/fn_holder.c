/*
 * fn_holder.c - who holds a settlement, with the control named as a table:
 *   FL_Holder(settlement, control_table [, side_column [, geom_column
 *             [, split_share]]])     the holder's side, 'contested' or NULL
 *   FL_Share(settlement, control_table, side [, side_column [, geom_column]])
 *                                    0..1, the share on that side's ground
 *
 * Why: over a join, SQLite copies the control polygon into the function's
 * argument on every row (1.6 MB at the benchmark's scale) and the cache
 * confirms it byte for byte, which caps FL_Share / FL_ControlStatus near
 * 7,000 rows per second. Named, the table is read once per statement.
 *
 * Rules:
 *   (H1) the table's rows are one claim: each side's rows are dissolved into
 *        its ground, rows whose side is 'contested' (any case) are contested
 *        ground, rows with a NULL side or geometry are skipped (as
 *        FL_ControlStatus skips them); small holes and islands are kept.
 *        The rules are core's prepared holding kernel (fl_holding.h), the
 *        settlement-status tool's: a table whose rows do not overlap within
 *        a side gives FL_ControlStatus's and FL_Share's answers;
 *   (H2) a table with columns source and date holding more than one
 *        (source, date) is refused: give a view of one claim;
 *   (H3) the kernel is kept as the auxdata of argument 2 (SQLite keeps it
 *        between rows while that argument is a literal or a bound
 *        parameter, and drops it when the statement is reset, so a new run
 *        reads the table again) and rebuilt when any name or the split share
 *        differs from the row before;
 *   (H4) side_column defaults to 'side', geom_column to the registered one,
 *        split_share to 0.75; NULL settlement or table gives NULL; the
 *        settlement must have the table's SRID.
 * Not here: reading the table (sql_table.c), the rules (core/holding.c).
 */
#include "sql_internal.h"

#include <stdlib.h>
#include <string.h>

#define CONTESTED "contested"

/* The prepared kernel of one table, kept between rows (H3). */
typedef struct hold_aux {
  flsql_state *st;          /* borrowed                                    */
  char *table, *side, *geom; /* sqlite3_malloc'd key; geom NULL: registered */
  double split;
  int srid;                 /* the table's SRID                            */
  fl_holding_kernel *k;     /* owned                                       */
  double *share;            /* n_sides + 1, for each call                  */
} hold_aux;

static void aux_free(void *p) {
  hold_aux *a = p;
  if (!a) return;
  fl_holding_free(a->st->ctx, a->k);
  sqlite3_free(a->table);
  sqlite3_free(a->side);
  sqlite3_free(a->geom);
  sqlite3_free(a->share);
  sqlite3_free(a);
}

/* The names of one call (H4). */
typedef struct hold_key {
  const char *table, *side, *geom;
  double split;
  int side_arg, geom_arg; /* their argument numbers (1-based), for messages */
} hold_key;

/* The control layer being read: the side field, then source and date. */
typedef struct layer_build {
  fl_ctx *ctx;
  fl_layer *layer;
  int n_fields;
  int64_t fid;
} layer_build;

static char *add_row(void *user, GEOSGeometry *g, int srid, sqlite3_stmt *s, const char *where) {
  layer_build *b = user;
  (void)where;
  (void)srid; /* the layer's, set after reading */
  b->fid++; /* the row's rowid names it in core's messages; a view's place else */
  int64_t fid = sqlite3_column_type(s, 0) == SQLITE_NULL ? b->fid : sqlite3_column_int64(s, 0);
  fl_feature *f = fl_layer_append(b->ctx, b->layer, fid, g); /* g taken */
  for (int i = 0; f && i < b->n_fields; i++) {
    const char *v = (const char *)sqlite3_column_text(s, 2 + i);
    if (v && fl_feature_set_text(b->layer, f, i, v) != FL_OK) f = NULL;
  }
  return f ? NULL : sqlite3_mprintf("out of memory");
}

/* (H2) more than one claim: the sentence. */
static char *claims_error(const char *fn, const hold_key *key, const fl_holding_kernel *k) {
  return sqlite3_mprintf("%s: table '%s' holds %d claims (source, date), such as ('%s', '%s') and "
                         "('%s', '%s'); name a view of one claim instead, and its geometry "
                         "column as geom_column", fn, key->table, (int)fl_holding_n_claims(k),
                         fl_holding_claim_source(k, 0), fl_holding_claim_date(k, 0),
                         fl_holding_claim_source(k, 1), fl_holding_claim_date(k, 1));
}

/* (H1, H2) the kernel of the table; returns an error text or NULL. */
static char *build_kernel(flsql_state *st, sqlite3 *db, const char *fn, const hold_key *key,
                          int table_arg, hold_aux *a) {
  const char *cols[3] = {key->side, "source", "date"};
  int args[3] = {key->side_arg, 0, 0};
  const char *names[3] = {"side_column", "", ""};
  flsql_table t = {fn, key->table, table_arg, "control_table", key->geom, key->geom_arg,
                   cols, args, names, 1, 1};
  int has_source = 0, has_date = 0;
  if (flsql_table_has_column(db, key->table, "source") == 1) cols[t.n_columns++] = "source";
  has_source = t.n_columns > 1;
  if (flsql_table_has_column(db, key->table, "date") == 1) cols[t.n_columns++] = "date";
  has_date = t.n_columns > 1 + (size_t)has_source;
  fl_layer *layer = fl_layer_new(key->table, 0, "GEOMETRY");
  layer_build b = {st->ctx, layer, (int)t.n_columns, 0};
  for (size_t i = 0; layer && i < t.n_columns; i++)
    if (fl_layer_add_field(layer, i ? cols[i] : "side", FL_FIELD_TEXT) < 0) b.layer = NULL;
  if (!layer || !b.layer) {
    fl_layer_destroy(st->ctx, layer);
    return sqlite3_mprintf("%s: out of memory", fn);
  }
  char *err = flsql_table_read(st, db, &t, &a->srid, add_row, &b);
  if (!err && layer->n_features == 0)
    err = sqlite3_mprintf("%s: table '%s' has no row with a geometry and a side", fn, key->table);
  fl_options o;
  fl_options_init(&o);
  o.side_field = o.status_field = "side"; /* (H1) 'contested' in the side column */
  o.source_field = has_source ? "source" : NULL;
  o.date_field = has_date ? "date" : NULL;
  o.min_area_km2 = 0;
  o.split_share = key->split;
  layer->srid = a->srid;
  if (!err && fl_holding_prepare(st->ctx, layer, &o, &a->k) != FL_OK)
    err = fl_ctx_status(st->ctx) == FL_E_CANCEL
              ? sqlite3_mprintf(FLSQL_STOPPED)
              : sqlite3_mprintf("%s: table '%s': %s", fn, key->table, fl_ctx_errmsg(st->ctx));
  if (!err && fl_holding_n_claims(a->k) > 1) err = claims_error(fn, key, a->k);
  fl_layer_destroy(st->ctx, layer);
  if (!err && !(a->share = sqlite3_malloc64((fl_holding_n_sides(a->k) + 1) * sizeof(double))))
    err = sqlite3_mprintf("%s: out of memory", fn);
  return err;
}

/* The kernel for key: the auxdata of the table argument when its key is
 * the same (H3), else a new one in *fresh (set it as auxdata after use). */
static hold_aux *kernel_for(sqlite3_context *c, const char *fn, int table_arg,
                            const hold_key *key, hold_aux **fresh) {
  flsql_state *st = sqlite3_user_data(c);
  *fresh = NULL;
  hold_aux *a = sqlite3_get_auxdata(c, table_arg - 1);
  if (a && flsql_same_name(a->table, key->table) && flsql_same_name(a->side, key->side) &&
      flsql_same_name(a->geom, key->geom) && a->split == key->split)
    return a;
  a = sqlite3_malloc(sizeof *a);
  if (!a) {
    sqlite3_result_error_nomem(c);
    return NULL;
  }
  memset(a, 0, sizeof *a);
  a->st = st;
  a->split = key->split;
  a->table = sqlite3_mprintf("%s", key->table);
  a->side = sqlite3_mprintf("%s", key->side);
  a->geom = key->geom ? sqlite3_mprintf("%s", key->geom) : NULL;
  sqlite3 *db = sqlite3_context_db_handle(c);
  flsql_work_begin(st, db);
  char *err = !a->table || !a->side || (key->geom && !a->geom)
                  ? sqlite3_mprintf("%s: out of memory", fn)
                  : build_kernel(st, db, fn, key, table_arg, a);
  flsql_work_end(st);
  if (err) {
    flsql_error_text(c, err);
    aux_free(a);
    return NULL;
  }
  *fresh = a;
  return a;
}

/* Optional text argument i (0-based; a name): *out NULL when absent or NULL. */
static int name_arg(sqlite3_context *c, int argc, sqlite3_value **argv, int i, const char *fn,
                    const char *name, const char **out) {
  *out = NULL;
  if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL) return FLSQL_NULL;
  if (sqlite3_value_type(argv[i]) != SQLITE_TEXT) {
    flsql_error(c, fn, "argument %d (%s) must be a name, as text", i + 1, name);
    return FLSQL_ERR;
  }
  *out = (const char *)sqlite3_value_text(argv[i]);
  return FLSQL_OK;
}

/* The names of a call (H4): the table is argument 2, side_column and
 * geom_column at key->side_arg and key->geom_arg. FLSQL_NULL: no table. */
static int key_args(sqlite3_context *c, int argc, sqlite3_value **argv, const char *fn,
                    hold_key *key) {
  int rc = name_arg(c, argc, argv, 1, fn, "control_table", &key->table);
  if (rc != FLSQL_OK) return rc;
  if (name_arg(c, argc, argv, key->side_arg - 1, fn, "side_column", &key->side) == FLSQL_ERR ||
      name_arg(c, argc, argv, key->geom_arg - 1, fn, "geom_column", &key->geom) == FLSQL_ERR)
    return FLSQL_ERR;
  if (!key->side) key->side = "side";
  return FLSQL_OK;
}

/* The settlement's row of the kernel: FLSQL_OK, or FLSQL_ERR with the error set. */
static int settlement_row(sqlite3_context *c, const char *fn, hold_aux *a, flsql_geom *s,
                          fl_holding_row *row) {
  flsql_state *st = a->st;
  if (s->srid != a->srid) {
    flsql_error(c, fn, "argument 1 (settlement) has SRID %d but the rows of '%s' have SRID %d; "
                "transform one first", s->srid, a->table, a->srid);
    return FLSQL_ERR;
  }
  row->share = a->share;
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  fl_status rc = fl_holding_settlement(st->ctx, a->k, s->lonlat, row);
  flsql_work_end(st);
  if (rc != FL_OK) {
    flsql_error_ctx(c, st, fn, "cannot intersect the settlement with the control");
    return FLSQL_ERR;
  }
  return FLSQL_OK;
}

/* The call's settlement, names and kernel, then its row: FLSQL_OK, or
 * FLSQL_NULL / FLSQL_ERR with the result set. *fresh: a new kernel, to be
 * kept as auxdata by the caller after its last use. */
static int call_row(sqlite3_context *c, int argc, sqlite3_value **argv, const char *fn,
                    hold_key *key, hold_aux **a, hold_aux **fresh, fl_holding_row *row) {
  flsql_geom *s = NULL;
  *a = *fresh = NULL;
  int rc = flsql_geom_arg(c, argv, 0, fn, "settlement", &s);
  if (rc == FLSQL_OK) rc = key_args(c, argc, argv, fn, key);
  if (rc == FLSQL_OK && !(*a = kernel_for(c, fn, 2, key, fresh))) rc = FLSQL_ERR;
  if (rc == FLSQL_OK) rc = settlement_row(c, fn, *a, s, row);
  flsql_geom_release(s);
  return rc;
}

static void fn_holder(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Holder";
  flsql_state *st = sqlite3_user_data(c);
  hold_key key = {NULL, NULL, NULL, FL_DEFAULT_SPLIT_SHARE, 3, 4};
  if (argc > 4 && sqlite3_value_type(argv[4]) != SQLITE_NULL) {
    int t = sqlite3_value_type(argv[4]);
    key.split = sqlite3_value_double(argv[4]);
    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
      flsql_error(c, fn, "argument 5 (split_share) must be a number, got '%.40s'",
                  (const char *)sqlite3_value_text(argv[4]));
      return;
    }
    if (fl_holding_check_split(st->ctx, key.split) != FL_OK) {
      flsql_error(c, fn, "argument 5: %s", fl_ctx_errmsg(st->ctx));
      return;
    }
  }
  hold_aux *a = NULL, *fresh = NULL;
  fl_holding_row row;
  if (call_row(c, argc, argv, fn, &key, &a, &fresh, &row) == FLSQL_OK) {
    if (row.status == FL_HOLD_CONTESTED) sqlite3_result_text(c, CONTESTED, -1, SQLITE_STATIC);
    else if (row.status == FL_HOLD_HELD)
      sqlite3_result_text(c, fl_holding_side(a->k, (size_t)row.side), -1, SQLITE_TRANSIENT);
  }
  if (fresh) sqlite3_set_auxdata(c, 1, fresh, aux_free); /* (H3) last use of fresh */
}

/* Index of side in the kernel's shares ('contested': the last), or -1. */
static int side_index(const fl_holding_kernel *k, const char *side) {
  size_t n = fl_holding_n_sides(k);
  if (sqlite3_stricmp(side, CONTESTED) == 0) return (int)n;
  for (size_t i = 0; i < n; i++)
    if (strcmp(fl_holding_side(k, i), side) == 0) return (int)i;
  return -1;
}

/* "its sides: 'A', 'B', and 'contested'" for a message (sqlite3_malloc'd). */
static char *side_list(const fl_holding_kernel *k) {
  sqlite3_str *q = sqlite3_str_new(NULL);
  size_t n = fl_holding_n_sides(k);
  sqlite3_str_appendall(q, n ? "its sides: " : "it holds only 'contested' ground");
  for (size_t i = 0; i < n; i++)
    sqlite3_str_appendf(q, "%s'%q'", i ? ", " : "", fl_holding_side(k, i));
  if (n) sqlite3_str_appendall(q, ", and 'contested'");
  return sqlite3_str_finish(q);
}

static void fn_share_table(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Share";
  hold_key key = {NULL, NULL, NULL, FL_DEFAULT_SPLIT_SHARE, 4, 5};
  const char *side = NULL;
  if (name_arg(c, argc, argv, 2, fn, "side", &side) != FLSQL_OK) return; /* NULL: NULL */
  hold_aux *a = NULL, *fresh = NULL;
  fl_holding_row row;
  if (call_row(c, argc, argv, fn, &key, &a, &fresh, &row) == FLSQL_OK) {
    int i = side_index(a->k, side);
    if (i >= 0) {
      sqlite3_result_double(c, row.share[i]);
    } else {
      char *sides = side_list(a->k);
      flsql_error(c, fn, "argument 3 (side): table '%s' has no rows of side '%s' (%s)", a->table,
                  side, sides ? sides : "out of memory");
      sqlite3_free(sides);
    }
  }
  if (fresh) sqlite3_set_auxdata(c, 1, fresh, aux_free); /* (H3) last use of fresh */
}

int flsql_register_holder(sqlite3 *db, flsql_state *st) {
  int rc = SQLITE_OK;
  for (int n = 2; rc == SQLITE_OK && n <= 5; n++)
    rc = flsql_create_function(db, st, "FL_Holder", n, FLSQL_READS_TABLE, fn_holder, NULL, NULL);
  for (int n = 3; rc == SQLITE_OK && n <= 5; n++)
    rc = flsql_create_function(db, st, "FL_Share", n, FLSQL_READS_TABLE, fn_share_table, NULL,
                               NULL);
  return rc;
}
