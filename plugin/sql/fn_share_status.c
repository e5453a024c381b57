/*
 * fn_share_status.c - who holds a settlement:
 *   FL_Share(settlement, control)       0..1, share of the settlement's
 *                                       geodesic area inside the control
 *                                       polygon (points: 0 or 1)
 *   FL_ControlStatus(settlement, control, side [, split_share])
 *                                       aggregate over the candidate control
 *                                       rows of one settlement: the holder's
 *                                       side, 'contested', or NULL (unknown)
 *
 * The rules are those of the settlement-status tool
 * (docs/tools/settlement-status.md), applied to the rows the query gives;
 * core owns them (fl_ground_share in fl_holding.h, fl_holding_decide in
 * fl_analysis.h):
 *   (S1) a point is held by the side whose ground contains it (boundary
 *        included); inside two sides' ground it is contested; inside none,
 *        NULL;
 *   (S2) a polygon is held by the side with the largest share of its area,
 *        and is contested when that share is below split_share (0.75);
 *   (S4) rows whose side is 'contested' are contested ground: a point on it,
 *        or a polygon with more than 1 - split_share of its area on it, is
 *        contested.
 * A side's share is the sum over its rows, so each side's polygons must not
 * overlap each other (dissolve them first if they do). Rows with a NULL
 * settlement, control or side are skipped.
 * The control polygon of each row is prepared once per distinct polygon (its
 * cache entry keeps core's prepared ground, fl_ground: a point far from its
 * edges is located on a grid).
 */
#include "sql_internal.h"

#include <stdlib.h>
#include <string.h>

#define CONTESTED "contested"

/* (S1, S2) share of settlement s on ground g, by core's rule. */
static fl_status share_of(sqlite3_context *c, flsql_state *st, flsql_geom *s, flsql_geom *g,
                          double *out) {
  const fl_ground *ground = flsql_geom_ground(g);
  if (!ground) return FL_E_GEOS;
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  double area = s->dim == 2 ? flsql_geom_area_km2(s) : 0;
  fl_status rc = area < 0 ? FL_E_GEOM /* unmeasured: never read as "no area" (S1) */
                          : fl_ground_share(st->ctx, ground, s->lonlat, area, out);
  flsql_work_end(st);
  return rc;
}

static void fn_share(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Share";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *s = NULL, *g = NULL;
  (void)argc;
  if (flsql_geom_arg(c, argv, 0, fn, "settlement", &s) != FLSQL_OK) return;
  int rc = flsql_geom_arg(c, argv, 1, fn, "control", &g);
  if (rc == FLSQL_OK && flsql_same_srid(c, fn, 0, s, 1, g) == FLSQL_OK) {
    double share = 0;
    if (g->dim != 2)
      flsql_error(c, fn, "argument 2 (control) must be a polygon or multipolygon");
    else if (share_of(c, st, s, g, &share) != FL_OK)
      flsql_error_ctx(c, st, fn, "cannot intersect the settlement with the control polygon");
    else
      sqlite3_result_double(c, share);
  }
  flsql_geom_release(s);
  flsql_geom_release(g);
}

/* ---- FL_ControlStatus ------------------------------------------------------ */

typedef struct side_share {
  char *side;            /* owned (sqlite3_malloc)                   */
  double share;          /* sum of the shares of its rows, 0..1      */
} side_share;

typedef struct status_agg {
  flsql_geom *settlement; /* reference held; the group's settlement   */
  double split_share;
  side_share *sides;      /* sqlite3_realloc'd                         */
  int n_sides;
  double contested;       /* share on contested ground (S4)           */
  int failed;
} status_agg;

static int add_share(status_agg *a, const char *side, double share) {
  if (sqlite3_stricmp(side, CONTESTED) == 0) {
    a->contested += share;
    return 0;
  }
  for (int k = 0; k < a->n_sides; k++)
    if (strcmp(a->sides[k].side, side) == 0) {
      a->sides[k].share += share;
      return 0;
    }
  side_share *p = sqlite3_realloc64(a->sides, (sqlite3_uint64)(a->n_sides + 1) * sizeof *p);
  if (!p) return -1;
  a->sides = p;
  p[a->n_sides].side = sqlite3_mprintf("%s", side);
  if (!p[a->n_sides].side) return -1;
  p[a->n_sides++].share = share;
  return 0;
}

static void status_step(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_ControlStatus";
  flsql_state *st = sqlite3_user_data(c);
  status_agg *a = sqlite3_aggregate_context(c, sizeof *a);
  if (!a) {
    sqlite3_result_error_nomem(c);
    return;
  }
  if (a->failed) return;
  a->failed = 1; /* until this row is done */
  double split = FL_DEFAULT_SPLIT_SHARE;
  if (argc > 3 && sqlite3_value_type(argv[3]) != SQLITE_NULL) {
    int t = sqlite3_value_type(argv[3]);
    split = sqlite3_value_double(argv[3]);
    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
      flsql_error(c, fn, "argument 4 (split_share) must be a number, got '%.40s'",
                  (const char *)sqlite3_value_text(argv[3]));
      return;
    }
    if (fl_holding_check_split(st->ctx, split) != FL_OK) {
      flsql_error(c, fn, "argument 4: %s", fl_ctx_errmsg(st->ctx));
      return;
    }
  }
  a->split_share = split;
  int t = sqlite3_value_type(argv[2]);
  if (t != SQLITE_NULL && t != SQLITE_TEXT) {
    flsql_error(c, fn, "argument 3 (side) must be text, e.g. 'UA', got a %s",
                t == SQLITE_BLOB ? "blob" : "number");
    return;
  }
  flsql_geom *s = NULL, *g = NULL;
  int rs = flsql_geom_arg_agg(c, argv, 0, fn, "settlement", &s);
  if (rs == FLSQL_ERR) return;
  int rg = flsql_geom_arg_agg(c, argv, 1, fn, "control", &g);
  if (rg == FLSQL_ERR) goto done;
  if (rs == FLSQL_OK && a->settlement && s != a->settlement &&
      (s->n != a->settlement->n || s->hash != a->settlement->hash)) {
    flsql_error(c, fn, "argument 1 (settlement) must be the same on every row of a group; "
                "GROUP BY the settlement");
    goto done;
  }
  if (rs == FLSQL_OK && !a->settlement) {
    a->settlement = s;
    s->refs++;
  }
  if (rs != FLSQL_OK || rg != FLSQL_OK || t == SQLITE_NULL) { /* skipped row */
    a->failed = 0;
    goto done;
  }
  if (flsql_same_srid(c, fn, 0, s, 1, g) != FLSQL_OK) goto done;
  if (g->dim != 2) {
    flsql_error(c, fn, "argument 2 (control) must be a polygon or multipolygon");
    goto done;
  }
  double share = 0;
  if (share_of(c, st, s, g, &share) != FL_OK) {
    flsql_error_ctx(c, st, fn, "cannot intersect the settlement with the control polygon");
    goto done;
  }
  if (share > 0 && add_share(a, (const char *)sqlite3_value_text(argv[2]), share) != 0) {
    sqlite3_result_error_nomem(c);
    goto done;
  }
  a->failed = 0;
done:
  flsql_geom_release(s);
  flsql_geom_release(g);
}

/* The group's holder by core's rule (S1, S2, S4); NULL when unknown. */
static void status_result(sqlite3_context *c, const status_agg *a) {
  double *share = sqlite3_malloc64((sqlite3_uint64)(a->n_sides + 1) * sizeof *share);
  if (!share) {
    sqlite3_result_error_nomem(c);
    return;
  }
  for (int k = 0; k < a->n_sides; k++) share[k] = a->sides[k].share;
  int is_point = a->settlement->dim == 0 || !(flsql_geom_area_km2(a->settlement) > 0);
  int best = -1;
  fl_holding h = fl_holding_decide(share, (size_t)a->n_sides, a->contested, is_point,
                                   a->split_share, &best);
  sqlite3_free(share);
  if (h == FL_HOLD_CONTESTED) sqlite3_result_text(c, CONTESTED, -1, SQLITE_STATIC);
  else if (h == FL_HOLD_HELD) sqlite3_result_text(c, a->sides[best].side, -1, SQLITE_TRANSIENT);
}

static void status_final(sqlite3_context *c) {
  status_agg *a = sqlite3_aggregate_context(c, 0);
  if (!a) return; /* no rows: NULL */
  if (!a->failed && a->settlement) status_result(c, a);
  for (int k = 0; k < a->n_sides; k++) sqlite3_free(a->sides[k].side);
  sqlite3_free(a->sides);
  flsql_geom_release(a->settlement);
}

int flsql_register_share_status(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_Share", 2, FLSQL_PURE, fn_share, NULL, NULL);
  for (int n = 3; rc == SQLITE_OK && n <= 4; n++)
    rc = flsql_create_function(db, st, "FL_ControlStatus", n, FLSQL_PURE, NULL, status_step,
                               status_final);
  return rc;
}
