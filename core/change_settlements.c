/*
 * change_settlements.c - fl_change_settlements(): the settlements whose
 * holder differs between consecutive dates of a source.
 *
 * Rules:
 *   (CS1) who holds a settlement on a date is settlement-status's answer
 *         (fl_settlement_status, containment only): the side, "contested"
 *         when its status is contested, "unknown" when no side holds it.
 *         Nothing here tests containment itself.
 *   (CS2) per settlement and source, the dates in order: a row wherever the
 *         holder differs from the date before, with the last date of the old
 *         holder and the first of the new one; only the changes the
 *         caller's keep accepts (change: those within --from/--to).
 * Not here: containment (settlement_status.c), grouping (groups.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"
#include "fl_sources.h"

typedef struct cols {
  int fid, source, date, side, status, name; /* in the settlement-status rows */
  int o_fid, o_name, o_source, o_from, o_to, o_last, o_first; /* output */
} cols;

static const char *val(const fl_layer *l, const fl_feature *f, int i) {
  if (i < 0 || f->values[i].is_null) return NULL;
  return fl_value_text(l, f, i);
}

/* (CS1) the holder of one settlement-status row, by the rule compare-claims
 * uses too (fl__status_holder); a copy. */
static char *holder(const fl_layer *l, const fl_feature *f, const cols *c) {
  if (c->side < 0 || c->status < 0) return fl__strdup("unknown");
  return fl__strdup(fl__status_holder(l, f, c->side, c->status));
}

static fl_status add_row(fl_ctx *ctx, fl_layer *out, const cols *c, const fl_layer *st,
                         const fl_feature *prev, const fl_feature *cur, const char *from,
                         const char *to) {
  fl_feature *f = fl_layer_append(ctx, out, (int64_t)out->n_features + 1, NULL);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_status s = fl_feature_set_int(out, f, c->o_fid, cur->values[c->fid].i);
  const char *name = val(st, cur, c->name);
  if (!s && name) s = fl_feature_set_text(out, f, c->o_name, name);
  const char *source = val(st, cur, c->source);
  if (!s) s = fl_feature_set_text(out, f, c->o_source, source ? source : "");
  if (!s) s = fl_feature_set_text(out, f, c->o_from, from);
  if (!s) s = fl_feature_set_text(out, f, c->o_to, to);
  const char *last = val(st, prev, c->date);
  if (!s && last) s = fl_feature_set_text(out, f, c->o_last, last);
  const char *first = val(st, cur, c->date);
  if (!s && first) s = fl_feature_set_text(out, f, c->o_first, first);
  return s ? fl__fail(ctx, FL_E_NOMEM, "out of memory") : FL_OK;
}

static int same_key(const fl_layer *l, const fl_feature *a, const fl_feature *b, const cols *c) {
  if (a->values[c->fid].i != b->values[c->fid].i) return 0;
  const char *sa = val(l, a, c->source);
  char *copy = fl__strdup(sa ? sa : "");
  const char *sb = val(l, b, c->source);
  int same = copy && !strcmp(copy, sb ? sb : "");
  free(copy);
  return same;
}

/* (CS2) rows of one settlement are together, in group order (date, then
 * source); for each row, the previous row of the same settlement and source. */
static fl_status walk(fl_ctx *ctx, const fl_layer *st, const cols *c, fl_layer *out,
                      fl__change_keep_fn keep, void *user) {
  fl_status s = FL_OK;
  for (size_t k = 0; !s && k < st->n_features; k++) {
    const fl_feature *cur = &st->features[k];
    const fl_feature *prev = NULL;
    for (size_t p = k; p-- > 0;) {
      if (st->features[p].values[c->fid].i != cur->values[c->fid].i) break;
      if (same_key(st, &st->features[p], cur, c)) {
        prev = &st->features[p];
        break;
      }
    }
    if (!prev) continue;
    const char *src = val(st, cur, c->source);
    if (keep && !keep(src ? src : "", val(st, prev, c->date), val(st, cur, c->date), user))
      continue;
    char *from = holder(st, prev, c), *to = holder(st, cur, c);
    if (!from || !to) s = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    else if (strcmp(from, to)) s = add_row(ctx, out, c, st, prev, cur, from, to);
    free(from);
    free(to);
  }
  return s;
}

static fl_layer *new_layer(cols *c) {
  fl_layer *out = fl_layer_new("settlement_changes", 0, "NONE"); /* a table (P6) */
  if (!out) return NULL;
  c->o_fid = fl_layer_add_field(out, "settlement_fid", FL_FIELD_INTEGER);
  c->o_name = fl_layer_add_field(out, "name", FL_FIELD_TEXT);
  c->o_source = fl_layer_add_field(out, "source", FL_FIELD_TEXT);
  c->o_from = fl_layer_add_field(out, "from_side", FL_FIELD_TEXT);
  c->o_to = fl_layer_add_field(out, "to_side", FL_FIELD_TEXT);
  c->o_last = fl_layer_add_field(out, "last_date_old", FL_FIELD_TEXT);
  c->o_first = fl_layer_add_field(out, "first_date_new", FL_FIELD_TEXT);
  return c->o_first < 0 ? NULL : out;
}

char *fl__change_holder(const fl_layer *status, const fl_feature *f) {
  cols c;
  c.side = fl_layer_field_index(status, "side");
  c.status = fl_layer_field_index(status, "status");
  return holder(status, f, &c);
}

fl_status fl_change_settlements(fl_ctx *ctx, const fl_layer *settlements,
                                const fl_layer *control, const fl_options *opts,
                                fl_layer **out) {
  fl_layer *status = NULL;
  fl_status s = fl__change_settlements(ctx, settlements, control, opts, NULL, NULL, out, &status);
  fl_layer_destroy(ctx, status);
  return s;
}

fl_status fl__change_settlements(fl_ctx *ctx, const fl_layer *settlements,
                                 const fl_layer *control, const fl_options *opts,
                                 fl__change_keep_fn keep, void *keep_user, fl_layer **out,
                                 fl_layer **status) {
  *out = NULL;
  *status = NULL;
  fl_options o = *opts;
  o.skip_front_distance = 1; /* (CS1) containment only */
  fl_layer *st = NULL;
  fl_status s = fl_settlement_status(ctx, settlements, control, NULL, &o, &st);
  if (s) return s;
  cols c;
  c.fid = fl_layer_field_index(st, "settlement_fid");
  c.source = fl_layer_field_index(st, "source");
  c.date = fl_layer_field_index(st, "date");
  c.side = fl_layer_field_index(st, "side");
  c.status = fl_layer_field_index(st, "status");
  c.name = fl_layer_field_index(st, opts->name_field ? opts->name_field : "name");
  fl_layer *res = NULL;
  if (c.fid < 0 || c.side < 0 || c.status < 0)
    s = fl__fail(ctx, FL_E_GEOM, "settlement changes: the settlement-status rows lack a column");
  else if (!(res = new_layer(&c)))
    s = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!s) res->srid = settlements->srid;
  if (!s) s = walk(ctx, st, &c, res, keep, keep_user);
  if (s) {
    fl_layer_destroy(ctx, st);
    fl_layer_destroy(ctx, res);
    return s;
  }
  *out = res;
  *status = st;
  return FL_OK;
}
