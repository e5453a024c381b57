/*
 * settlement_agreement.c - fl_settlement_agreement(): per settlement and
 * date, the holder each source names and one combined holder by a named rule.
 *
 * Rules (docs/tools/compare-claims.md):
 *   (A1) who holds a settlement in a snapshot is settlement-status's answer
 *        (containment only), each source read with its own options (R1, R2):
 *        a side, "contested", or "unknown" when no side holds it.
 *   (A2) the snapshots are walked in date order; one joins the current row
 *        when its source has none there yet and it is paired (P1) with every
 *        snapshot already there; else it starts a new row, dated by its date.
 *   (A3) a vote is a side or "contested"; "unknown", and a source without a
 *        snapshot in the row, never vote.
 *   (A4) majority: the holder with the most votes; a tie goes to the named
 *        tie source's holder when it is among the tied, else the combined
 *        holder is "disputed". priority:S1,S2,...: the holder of the first
 *        listed source that votes. No vote at all: "unknown".
 *   (A5) agree: 1 when two or more sources vote and all the same, 0 when they
 *        differ, NULL with fewer than two votes. disputed_since: on a row
 *        where they differ, the date of the first row of the unbroken run of
 *        such rows; any other row breaks the run.
 * Not here: containment (settlement_status.c), sources and pairing
 * (compare_sources.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_sources.h"

typedef struct rule {
  int priority;        /* 0 majority, 1 priority */
  int tie;             /* majority: source index of ties, -1: none */
  int *order;          /* priority: source indices */
  size_t n_order;
} rule;

typedef struct ag_job {
  fl_ctx *ctx;
  const fl_layer *settlements, *control;
  fl__sources src;
  fl__groups gr;
  fl_layer **status;   /* [src.n] settlement-status rows of each source */
  const char **hold;   /* [g * n_settl + i]: holder, NULL: no row */
  size_t n_settl;
  int *row_of;         /* [gr.n]: row (A2) of each snapshot */
  size_t n_rows;
  int *member;         /* [row * src.n + s]: snapshot, -1: none */
  rule r;
  const char *name_field;
  fl_layer *out;
  int f_fid, f_name, f_date, f_comb, f_agree, f_since;
  int *f_hold, *f_sdate; /* [src.n] */
} ag_job;

/* Index of the settlement with feature id fid, or -1. The rows of one
 * settlement come together, so the hint (the last index found) mostly hits. */
static long settl_index(const fl_layer *l, int64_t fid, size_t hint) {
  if (hint < l->n_features && l->features[hint].fid == fid) return (long)hint;
  for (size_t i = 0; i < l->n_features; i++)
    if (l->features[i].fid == fid) return (long)i;
  return -1;
}

static long group_index(const fl__groups *gr, const char *source, const char *date) {
  for (size_t g = 0; g < gr->n; g++)
    if (!strcmp(gr->g[g].source, source) && !strcmp(gr->g[g].date, date)) return (long)g;
  return -1;
}

/* (A1) the holders of every settlement in every snapshot of source s. */
static fl_status read_holders(ag_job *j, size_t s) {
  fl_options o = j->src.s[s].o;
  o.skip_front_distance = 1;
  fl_status st = fl_settlement_status(j->ctx, j->settlements, j->control, NULL, &o,
                                      &j->status[s]);
  if (st) return st;
  const fl_layer *l = j->status[s];
  int f_fid = fl_layer_field_index(l, "settlement_fid"), f_side = fl_layer_field_index(l, "side");
  int f_status = fl_layer_field_index(l, "status"), f_date = fl_layer_field_index(l, "date");
  if (f_fid < 0 || f_side < 0 || f_status < 0)
    return fl__fail(j->ctx, FL_E_GEOM, "settlement agreement: the settlement-status rows lack "
                    "a column");
  size_t last = 0;
  for (size_t k = 0; k < l->n_features; k++) {
    const fl_feature *f = &l->features[k];
    const char *date = f_date >= 0 && !f->values[f_date].is_null ? f->values[f_date].s : "";
    long g = group_index(&j->gr, j->src.s[s].name, date ? date : "");
    long i = settl_index(j->settlements, f->values[f_fid].i, last);
    if (i >= 0) last = (size_t)i;
    if (g >= 0 && i >= 0)
      j->hold[(size_t)g * j->n_settl + (size_t)i] = fl__status_holder(l, f, f_side, f_status);
  }
  return FL_OK;
}

/* (A2) rows of snapshots. */
static fl_status make_rows(ag_job *j, int tol) {
  size_t ns = j->src.n;
  j->row_of = calloc(j->gr.n ? j->gr.n : 1, sizeof *j->row_of);
  j->member = malloc((j->gr.n ? j->gr.n : 1) * ns * sizeof *j->member);
  if (!j->row_of || !j->member) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (size_t g = 0; g < j->gr.n; g++) {
    int s = fl__sources_find(&j->src, j->gr.g[g].source);
    int join = j->n_rows > 0 && s >= 0;
    int *m = join ? &j->member[(j->n_rows - 1) * ns] : NULL;
    if (join && m[s] >= 0) join = 0;
    for (size_t t = 0; join && t < ns; t++)
      if (m[t] >= 0 && !fl__snapshots_paired(&j->gr, (size_t)m[t], g, tol)) join = 0;
    if (!join) {
      m = &j->member[j->n_rows++ * ns];
      for (size_t t = 0; t < ns; t++) m[t] = -1;
    }
    if (s >= 0) m[s] = (int)g;
    j->row_of[g] = (int)j->n_rows - 1;
  }
  return FL_OK;
}

/* (A3) (A4) the combined holder of settlement i on row r. */
static const char *combine(const ag_job *j, size_t r, size_t i, int *n_votes, int *agree) {
  size_t ns = j->src.n;
  const int *m = &j->member[r * ns];
  const char *vote[64];
  int count[64];
  size_t nv = 0;
  *n_votes = 0;
  *agree = 1;
  const char *first = NULL;
  for (size_t s = 0; s < ns && s < 64; s++) {
    const char *h = m[s] >= 0 ? j->hold[(size_t)m[s] * j->n_settl + i] : NULL;
    if (!h || !strcmp(h, "unknown")) continue;
    (*n_votes)++;
    if (first && strcmp(first, h)) *agree = 0;
    if (!first) first = h;
    size_t k = 0;
    while (k < nv && strcmp(vote[k], h)) k++;
    if (k == nv) { vote[nv] = h; count[nv++] = 0; }
    count[k]++;
  }
  if (!*n_votes) return "unknown";
  if (j->r.priority) {
    for (size_t k = 0; k < j->r.n_order; k++) {
      int s = j->r.order[k];
      const char *h = m[s] >= 0 ? j->hold[(size_t)m[s] * j->n_settl + i] : NULL;
      if (h && strcmp(h, "unknown")) return h;
    }
    return "unknown";
  }
  int best = 0, ties = 0;
  for (size_t k = 0; k < nv; k++) {
    if (count[k] > best) { best = count[k]; ties = 0; }
    if (count[k] == best) ties++;
  }
  size_t win = 0;
  while (count[win] != best) win++;
  if (ties == 1) return vote[win];
  int t = j->r.tie;
  const char *h = t >= 0 && m[t] >= 0 ? j->hold[(size_t)m[t] * j->n_settl + i] : NULL;
  for (size_t k = 0; h && k < nv; k++)
    if (count[k] == best && !strcmp(vote[k], h)) return h;
  return "disputed";
}

static fl_status make_layer(ag_job *j) {
  const fl_layer *s = j->settlements;
  fl_layer *l = fl_layer_new("settlement_agreement", s->srid,
                             s->geom_type ? s->geom_type : "GEOMETRY");
  j->f_hold = calloc(j->src.n ? j->src.n : 1, sizeof(int));
  j->f_sdate = calloc(j->src.n ? j->src.n : 1, sizeof(int));
  if (!l || !j->f_hold || !j->f_sdate) {
    fl_layer_destroy(j->ctx, l);
    return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  }
  j->out = l;
  j->f_fid = fl_layer_add_field(l, "settlement_fid", FL_FIELD_INTEGER);
  j->f_name = fl_layer_add_field(l, "name", FL_FIELD_TEXT);
  fl_field_type dt = fl__date_type(&j->gr);
  j->f_date = fl_layer_add_field(l, "date", dt);
  for (size_t k = 0; k < j->src.n; k++) {
    char name[160];
    const char *sn = j->src.s[k].name[0] ? j->src.s[k].name : "control";
    snprintf(name, sizeof name, "holder_%s", sn);
    j->f_hold[k] = fl_layer_add_field(l, name, FL_FIELD_TEXT);
    snprintf(name, sizeof name, "date_%s", sn);
    j->f_sdate[k] = fl_layer_add_field(l, name, dt);
    if (j->f_hold[k] < 0 || j->f_sdate[k] < 0)
      return fl__fail(j->ctx, FL_E_FIELD, "settlement agreement: sources that differ only in "
                      "case ('%s') cannot each have a column; spell them the same", sn);
  }
  j->f_comb = fl_layer_add_field(l, "combined", FL_FIELD_TEXT);
  j->f_agree = fl_layer_add_field(l, "agree", FL_FIELD_INTEGER);
  j->f_since = fl_layer_add_field(l, "disputed_since", dt);
  return j->f_since < 0 ? fl__fail(j->ctx, FL_E_FIELD, "settlement agreement: a source is named "
                                   "'combined', 'agree' or 'disputed_since'")
                        : FL_OK;
}

/* (A5) one output row per settlement and row of snapshots. */
static fl_status write_rows(ag_job *j) {
  const fl_layer *sl = j->settlements;
  int f_name = fl_layer_field_index(sl, j->name_field ? j->name_field : "name");
  size_t ns = j->src.n;
  for (size_t i = 0; i < j->n_settl; i++) {
    const fl_feature *sf = &sl->features[i];
    const char *since = NULL;
    for (size_t r = 0; r < j->n_rows; r++) {
      int n_votes, agree;
      const char *comb = combine(j, r, i, &n_votes, &agree);
      const int *m = &j->member[r * ns];
      const char *row_date = NULL;
      for (size_t g = 0; g < j->gr.n && !row_date; g++)
        if (j->row_of[g] == (int)r) row_date = j->gr.g[g].date;
      if (n_votes < 2 || agree) since = NULL; /* (A5) the run breaks */
      else if (!since) since = row_date;
      GEOSGeometry *geom = sf->geom ? GEOSGeom_clone_r(j->ctx->geos, sf->geom) : NULL;
      fl_feature *f = fl_layer_append(j->ctx, j->out, (int64_t)j->out->n_features + 1, geom);
      if (!f) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
      fl_status st = fl_feature_set_int(j->out, f, j->f_fid, sf->fid);
      if (!st && f_name >= 0 && !sf->values[f_name].is_null)
        st = fl_feature_set_text(j->out, f, j->f_name, fl_value_text(sl, sf, f_name));
      if (!st) st = fl__set_date(j->out, f, j->f_date, row_date);
      for (size_t s = 0; !st && s < ns; s++) {
        if (m[s] < 0) continue;
        const char *h = j->hold[(size_t)m[s] * j->n_settl + i];
        if (h) st = fl_feature_set_text(j->out, f, j->f_hold[s], h);
        const char *d = j->gr.g[m[s]].date;
        if (!st) st = fl__set_date(j->out, f, j->f_sdate[s], d);
      }
      if (!st) st = fl_feature_set_text(j->out, f, j->f_comb, comb);
      if (!st && n_votes >= 2) st = fl_feature_set_int(j->out, f, j->f_agree, agree);
      if (!st) st = fl__set_date(j->out, f, j->f_since, since);
      if (st) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
    }
  }
  return FL_OK;
}

/* (A4) parse rule_text against the sources. */
static fl_status parse_rule(ag_job *j, const char *text) {
  rule *r = &j->r;
  r->tie = -1;
  char list[512];
  fl__sources_list(&j->src, list, sizeof list);
  if (!text || !text[0] || !strcmp(text, "majority")) return FL_OK;
  const char *names = NULL;
  if (!strncmp(text, "majority:", 9)) names = text + 9;
  else if (!strncmp(text, "priority:", 9)) { names = text + 9; r->priority = 1; }
  else
    return fl__fail(j->ctx, FL_E_ARG, "@{rule} must be 'majority', 'majority:SOURCE' or "
                    "'priority:SOURCE,SOURCE,...', got '%s'", text);
  r->order = calloc(strlen(names) + 1, sizeof *r->order);
  if (!r->order) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  const char *p = names;
  while (1) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(len < 255 ? len : 255), p);
    int s = fl__sources_find(&j->src, name);
    if (s < 0)
      return fl__fail(j->ctx, FL_E_ARG, "@{rule} names source '%s', which the control layer "
                      "does not hold; its sources are %s", name, list);
    if (!r->priority && (r->n_order || end))
      return fl__fail(j->ctx, FL_E_ARG, "@{rule} 'majority:' takes one source for ties, got "
                      "'%s'", names);
    r->order[r->n_order++] = s;
    if (!end) break;
    p = end + 1;
  }
  if (!r->priority) r->tie = r->order[0];
  return FL_OK;
}

static fl_status run(ag_job *j, const fl_options *opts, const char *rule_text) {
  fl_status st = fl__sources_build(j->ctx, j->control, opts, &j->src);
  if (!st) st = fl__groups_build(j->ctx, j->control, opts, &j->gr);
  if (!st) st = parse_rule(j, rule_text);
  if (st) return st;
  if (j->src.n > 64)
    return fl__fail(j->ctx, FL_E_ARG, "settlement agreement: the control layer holds %zu "
                    "sources, more than 64", j->src.n);
  j->n_settl = j->settlements->n_features;
  j->status = calloc(j->src.n ? j->src.n : 1, sizeof *j->status);
  j->hold = calloc((j->gr.n ? j->gr.n : 1) * (j->n_settl ? j->n_settl : 1), sizeof *j->hold);
  if (!j->status || !j->hold) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (size_t s = 0; s < j->src.n; s++)
    if ((st = read_holders(j, s))) return st;
  if ((st = make_rows(j, opts->date_tolerance_days))) return st;
  if ((st = make_layer(j))) return st;
  return write_rows(j);
}

fl_status fl_settlement_agreement(fl_ctx *ctx, const fl_layer *settlements,
                                  const fl_layer *control, const fl_options *opts,
                                  const char *rule_text, fl_layer **out) {
  *out = NULL;
  fl_status tol_st = fl__check_date_tolerance(ctx, opts);
  if (tol_st) return tol_st;
  ag_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.settlements = settlements;
  j.control = control;
  j.name_field = opts->name_field;
  fl_status st = run(&j, opts, rule_text);
  for (size_t s = 0; j.status && s < j.src.n; s++) fl_layer_destroy(ctx, j.status[s]);
  free(j.status);
  free(j.hold);
  free(j.row_of);
  free(j.member);
  free(j.r.order);
  free(j.f_hold);
  free(j.f_sdate);
  if (j.gr.of_feature) fl__groups_free(&j.gr);
  fl__sources_free(&j.src);
  if (st) {
    fl_layer_destroy(ctx, j.out);
    return st;
  }
  *out = j.out;
  return FL_OK;
}
