/*
 * analyze.c - every analysis on one set of layers, and the short report.
 *
 * Order: line of contact (always derived from control, so it can be
 * compared with a given front), bands, settlement status, then route
 * exposure and nearest route when routes are given. The front used for
 * measuring is the front layer when given, else the derived line.
 * The report leads with the answer: per date, each settlement's holder by
 * each source, its distance to the front and band, and its nearest route;
 * then the most exposed routes, band areas, what changed between the first
 * and the last date of each source (analyze_change.c), and warnings.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "fl_prep.h"

typedef struct phase {
  fl_progress_fn outer;
  void *outer_user;
  double p0, p1;
} phase;

static int phase_progress(double f, void *user) {
  phase *p = user;
  return p->outer ? p->outer(p->p0 + (p->p1 - p->p0) * f, p->outer_user) : 0;
}

typedef struct text {
  char *s;
  size_t n, cap;
  int failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
  if (t->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
    va_end(ap);
    if (need < 0) { t->failed = 1; return; }
    if (t->s && t->n + (size_t)need < t->cap) { t->n += (size_t)need; return; }
    size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)need;
    char *g = realloc(t->s, cap);
    if (!g) { t->failed = 1; return; }
    t->s = g;
    t->cap = cap;
  }
}

/* Append s cut to `width` characters (UTF-8 aware, never splitting a
 * character) and padded with spaces to that width. */
static void put_cell(text *t, const char *s, int width) {
  int chars = 0;
  const unsigned char *p = (const unsigned char *)s, *end = p;
  while (*end && chars < width) {
    end++;
    while ((*end & 0xC0) == 0x80) end++; /* continuation bytes */
    chars++;
  }
  put(t, "%.*s%*s", (int)(end - p), s, width - chars, "");
}

static const char *val(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  if (i < 0 || f->values[i].is_null) return NULL;
  return fl_value_text(l, f, i);
}

static double num(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  if (i < 0 || f->values[i].is_null) return NAN;
  return l->fields[i].type == FL_FIELD_REAL ? f->values[i].d : (double)f->values[i].i;
}

static int strv_has(char **v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0) return 1;
  return 0;
}

typedef struct srow {
  int64_t key;             /* settlement_fid: rows are features, never names */
  const fl_feature *f;     /* one of its rows, for the name */
  double sort_key;         /* closest distance among the section's claims */
} srow;

static int cmp_srow(const void *a, const void *b) {
  const srow *x = a, *y = b;
  if (isnan(x->sort_key) != isnan(y->sort_key)) return isnan(x->sort_key) ? 1 : -1;
  if (x->sort_key != y->sort_key) return (x->sort_key > y->sort_key) - (x->sort_key < y->sort_key);
  return (x->key > y->key) - (x->key < y->key);
}

static void cell_sep(text *t, int md, int last) {
  if (md) put(t, last ? " |\n" : " | ");
  else put(t, last ? "\n" : "  ");
}

/* One report section: for each source, the claim date it uses ("" none). */
typedef struct section {
  const char *anchor;       /* the newest date of the section */
  const char *date[16];     /* per source */
} section;

/* Dates by day when both are dates ("2024/11/03" before "2024-11-07"). */
static int date_cmp(const char *a, const char *b) {
  long da, db;
  if (fl__date_days(a, &da) && fl__date_days(b, &db) && da != db) return da < db ? -1 : 1;
  return strcmp(a, b);
}

static int64_t key_of(const fl_layer *st, const fl_feature *f) {
  double k = num(st, f, "settlement_fid");
  return isnan(k) ? f->fid : (int64_t)k;
}

static int row_in(const fl_layer *st, const fl_feature *f, const char *source, const char *date) {
  const char *d = val(st, f, "date"), *s = val(st, f, "source");
  return !strcmp(d ? d : "", date) && !strcmp(s ? s : "", source);
}

/* Sections, newest first: each date not yet used anchors one, and every
 * source takes its closest date within the tolerance that is still unused. */
static size_t make_sections(char **dates, size_t n_dates, char **sources, size_t n_sources,
                            const fl_layer *st, int tol, section *sec, size_t cap) {
  unsigned char used[64][16];
  memset(used, 0, sizeof used);
  size_t n = 0;
  for (size_t a = 0; a < n_dates && n < cap; a++) {
    section *x = &sec[n];
    memset(x, 0, sizeof *x);
    x->anchor = dates[a];
    int any = 0;
    for (size_t s = 0; s < n_sources; s++) {
      long best = -1, da = 0, dd = 0;
      int have_a = fl__date_days(dates[a], &da);
      for (size_t d = 0; d < n_dates; d++) {
        if (used[d][s] || !fl__dates_within(dates[a], dates[d], tol)) continue;
        int exists = 0;
        for (size_t i = 0; i < st->n_features && !exists; i++)
          exists = row_in(st, &st->features[i], sources[s], dates[d]);
        if (!exists) continue;
        long gap = have_a && fl__date_days(dates[d], &dd) ? labs(dd - da) : 0;
        if (best < 0 || gap < best) { best = gap; x->date[s] = dates[d]; }
      }
      if (x->date[s]) {
        for (size_t d = 0; d < n_dates; d++)
          if (dates[d] == x->date[s]) used[d][s] = 1;
        any = 1;
      }
    }
    if (any) n++;
  }
  return n;
}

static void report_settlements(fl_ctx *ctx, text *t, int md, const fl_layer *st,
                               const fl_layer *near, const fl_options *opts) {
  const char *name_f = opts->name_field ? opts->name_field : "name";
  int has_name = fl_layer_field_index(st, name_f) >= 0;
  if (!has_name)
    fl__warn(ctx, "settlements layer has no field '%s' (@{name_field}); the report names "
             "settlements by feature id", name_f);
  /* the dates, newest first, and the sources */
  char *dates[64], *sources[16];
  size_t n_dates = 0, n_sources = 0;
  for (size_t i = 0; i < st->n_features; i++) {
    const char *d = val(st, &st->features[i], "date");
    const char *s = val(st, &st->features[i], "source");
    if (!d) d = "";
    if (!s) s = "";
    if (!strv_has(dates, n_dates, d) && n_dates < 64) dates[n_dates++] = (char *)d;
    if (!strv_has(sources, n_sources, s) && n_sources < 16) sources[n_sources++] = (char *)s;
  }
  for (size_t a = 0; a < n_dates; a++) /* newest first */
    for (size_t b = a + 1; b < n_dates; b++)
      if (date_cmp(dates[b], dates[a]) > 0) { char *x = dates[a]; dates[a] = dates[b]; dates[b] = x; }
  section sec[64];
  size_t n_sec = make_sections(dates, n_dates, sources, n_sources, st, opts->date_tolerance_days,
                               sec, 64);
  srow *rows = malloc((st->n_features + 1) * sizeof *rows);
  if (!rows) { t->failed = 1; return; }
  for (size_t si = 0; si < n_sec; si++) {
    const section *x = &sec[si];
    const char *date = x->anchor;
    if (md) put(t, "\n## Settlements%s%s\n\n", date[0] ? " as of " : "", date);
    else put(t, "\nSETTLEMENTS%s%s (closest to the front first)\n", date[0] ? " AS OF " : "", date);
    /* one row per settlement feature, from every claim of the section */
    size_t n = 0;
    for (size_t i = 0; i < st->n_features; i++) {
      const fl_feature *f = &st->features[i];
      int in = 0;
      for (size_t s = 0; s < n_sources && !in; s++)
        in = x->date[s] && row_in(st, f, sources[s], x->date[s]);
      if (!in) continue;
      int64_t key = key_of(st, f);
      double d = num(st, f, "dist_to_front_m");
      size_t r = 0;
      while (r < n && rows[r].key != key) r++;
      if (r == n) { rows[n].key = key; rows[n].f = f; rows[n].sort_key = d; n++; }
      else if (!isnan(d) && (isnan(rows[r].sort_key) || d < rows[r].sort_key)) rows[r].sort_key = d;
    }
    qsort(rows, n, sizeof *rows, cmp_srow);
    if (md) put(t, "| settlement | ");
    else put(t, "%-24s  ", "settlement");
    for (size_t s = 0; s < n_sources; s++) { /* each column says its source and date */
      char head[160];
      snprintf(head, sizeof head, "%s%s%s", x->date[s] ? x->date[s] : "(no claim)",
               x->date[s] && !x->date[s][0] ? "" : " ", sources[s][0] ? sources[s] : "holder");
      if (md) put(t, "%s | ", head);
      else { put_cell(t, head, 30); put(t, "  "); }
    }
    if (md) put(t, "agree | nearest route |\n|---|");
    else put(t, "%-5s  %s\n", "agree", "nearest route");
    if (md) {
      for (size_t s = 0; s < n_sources; s++) put(t, "---|");
      put(t, "---|---|\n");
    }
    for (size_t r = 0; r < n; r++) {
      char name[128]; /* a copy: val() may return a shared buffer */
      const char *nm = has_name ? val(st, rows[r].f, name_f) : NULL;
      if (nm) snprintf(name, sizeof name, "%s", nm);
      else snprintf(name, sizeof name, "#%lld", (long long)rows[r].key);
      if (md) put(t, "| %s", name);
      else put_cell(t, name, 24);
      cell_sep(t, md, 0);
      const fl_feature *agree_row = NULL;
      for (size_t s = 0; s < n_sources; s++) {
        const fl_feature *g = NULL;
        for (size_t i = 0; x->date[s] && i < st->n_features && !g; i++) {
          const fl_feature *c = &st->features[i];
          if (key_of(st, c) == rows[r].key && row_in(st, c, sources[s], x->date[s])) g = c;
        }
        char cell[160] = "-";
        if (g) {
          char side[64], status[32], band[48];
          const char *v;
          snprintf(side, sizeof side, "%s", (v = val(st, g, "side")) ? v : "-");
          snprintf(status, sizeof status, "%s", (v = val(st, g, "status")) ? v : "?");
          snprintf(band, sizeof band, "%s", (v = val(st, g, "band_label")) ? v : "");
          double dm = num(st, g, "dist_to_front_m");
          if (isnan(dm))
            snprintf(cell, sizeof cell, "%s %s", side, status);
          else
            snprintf(cell, sizeof cell, "%s %s, %.1f km%s%s%s", side, status, dm / 1000.0,
                     band[0] ? " (" : "", band, band[0] ? ")" : "");
          if (!agree_row) agree_row = g;
        }
        if (md) put(t, "%s", cell);
        else put_cell(t, cell, 30);
        cell_sep(t, md, 0);
      }
      const char *agree = agree_row ? val(st, agree_row, "sources_agree") : NULL;
      if (md) put(t, "%s", agree ? (strcmp(agree, "1") ? "no" : "yes") : "-");
      else put(t, "%-5s", agree ? (strcmp(agree, "1") ? "NO" : "yes") : "-");
      cell_sep(t, md, 0);
      const fl_feature *nf = NULL;
      for (size_t i = 0; near && i < near->n_features && !nf; i++)
        if (near->features[i].fid == rows[r].key) nf = &near->features[i];
      if (nf) {
        const char *rn = val(near, nf, "route_name");
        char route[128];
        snprintf(route, sizeof route, "%s", rn ? rn : "?");
        put(t, "%s, %.1f km", route, num(near, nf, "dist_m") / 1000.0);
      } else {
        put(t, "-");
      }
      cell_sep(t, md, 1);
    }
  }
  free(rows);
}

typedef struct rrow {
  const fl_feature *f;
  double near_km; /* km within the first two bands: the closest reach */
} rrow;

static int cmp_rrow(const void *a, const void *b) {
  const rrow *x = a, *y = b;
  return (x->near_km < y->near_km) - (x->near_km > y->near_km);
}

/* Routes of the newest claim, most exposed near the front first, with the
 * km in each band. */
static void report_routes(text *t, int md, const fl_layer *ex, const fl_options *opts) {
  if (!ex || !ex->n_features) return;
  const char *name_f = opts->name_field ? opts->name_field : "name";
  const char *d0 = val(ex, &ex->features[0], "date");
  const char *s0 = val(ex, &ex->features[0], "source");
  for (size_t i = 0; i < ex->n_features; i++) { /* the newest date, its first source */
    const char *d = val(ex, &ex->features[i], "date");
    if (d && d0 && strcmp(d, d0) > 0) { d0 = d; s0 = val(ex, &ex->features[i], "source"); }
  }
  /* the band columns: every km_<inner>_<outer> field */
  int band_field[32];
  size_t n_band = 0;
  for (size_t k = 0; k < ex->n_fields && n_band < 32; k++)
    if (!strncmp(ex->fields[k].name, "km_", 3)) band_field[n_band++] = (int)k;
  rrow *rows = malloc((ex->n_features + 1) * sizeof *rows);
  if (!rows) { t->failed = 1; return; }
  size_t n = 0;
  for (size_t i = 0; i < ex->n_features; i++) {
    const fl_feature *f = &ex->features[i];
    const char *d = val(ex, f, "date"), *s = val(ex, f, "source");
    if ((d0 && (!d || strcmp(d, d0))) || (s0 && (!s || strcmp(s, s0)))) continue;
    rows[n].f = f;
    rows[n].near_km = 0;
    for (size_t b = 0; b < n_band && b < 2; b++) {
      const fl_value *v = &f->values[band_field[b]];
      if (!v->is_null) rows[n].near_km += v->d;
    }
    n++;
  }
  qsort(rows, n, sizeof *rows, cmp_rrow);
  char claim[160] = "";
  if (d0 || s0) snprintf(claim, sizeof claim, " (%s%s%s)", d0 ? d0 : "", d0 && s0 ? ", " : "", s0 ? s0 : "");
  if (md) put(t, "\n## Routes within reach of the front%s\n\n| route |", claim);
  else put(t, "\nROUTES WITHIN REACH OF THE FRONT%s, km by distance band\n%-40s", claim, "route");
  for (size_t b = 0; b < n_band; b++) {
    const char *name = ex->fields[band_field[b]].name + 3; /* "0_5000" */
    double lo = 0, hi = 0;
    sscanf(name, "%lf_%lf", &lo, &hi);
    char head[32];
    snprintf(head, sizeof head, "%g-%g", lo / 1000, hi / 1000);
    if (md) put(t, " %s km |", head);
    else put(t, " %7s", head);
  }
  if (md) {
    put(t, " length km | closest km |\n|---|");
    for (size_t b = 0; b < n_band; b++) put(t, "---|");
    put(t, "---|---|\n");
  } else {
    put(t, " %7s %8s\n", "length", "closest");
  }
  for (size_t r = 0; r < n; r++) {
    const fl_feature *f = rows[r].f;
    const char *name = val(ex, f, name_f);
    double m = num(ex, f, "min_dist_to_front_m");
    if (isnan(m)) m = num(ex, f, "min_dist_to_ground_m");
    if (md) put(t, "| %s |", name ? name : "?");
    else put_cell(t, name ? name : "?", 40);
    for (size_t b = 0; b < n_band; b++) {
      const fl_value *v = &f->values[band_field[b]];
      put(t, md ? " %.1f |" : " %7.1f", v->is_null ? 0.0 : v->d);
    }
    put(t, md ? " %.1f | %.1f |\n" : " %7.1f %8.1f\n", num(ex, f, "length_km"), m / 1000.0);
  }
  free(rows);
}

static void report_front(text *t, int md, const fl_layer *fr, const fl_layer *bands) {
  if (md) put(t, "\n## Front and bands\n\n");
  else put(t, "\nFRONT AND BANDS\n");
  for (size_t i = 0; i < fr->n_features; i++) {
    const fl_feature *f = &fr->features[i];
    const char *s = val(fr, f, "source"), *d = val(fr, f, "date");
    put(t, "%sline of contact %s %s: %.1f km\n", md ? "- " : "  ", s ? s : "", d ? d : "",
        num(fr, f, "length_km"));
  }
  for (size_t i = 0; bands && i < bands->n_features; i++) {
    const fl_feature *f = &bands->features[i];
    const char *s = val(bands, f, "source"), *d = val(bands, f, "date");
    put(t, "%sband %g-%g km %s %s: %.0f km2\n", md ? "- " : "  ",
        num(bands, f, "inner_m") / 1000.0, num(bands, f, "outer_m") / 1000.0, s ? s : "",
        d ? d : "", num(bands, f, "area_km2"));
  }
}

void fl_analyze_result_free(fl_ctx *ctx, fl_analyze_result *res) {
  if (!res) return;
  for (size_t i = 0; i < res->n_layers; i++) fl_layer_destroy(ctx, res->layers[i]);
  free(res->layers);
  free(res->report);
  memset(res, 0, sizeof *res);
}

fl_status fl_analyze(fl_ctx *ctx, const fl_analyze_input *in, const fl_options *opts,
                     int markdown, fl_analyze_result *out) {
  memset(out, 0, sizeof *out);
  if (!in || !in->settlements || !in->control)
    return fl__fail(ctx, FL_E_ARG, "analyze needs at least a settlements and a control layer");
  fl_layer *frontline = NULL, *bands = NULL, *status = NULL, *exposure = NULL, *nearest = NULL;
  phase ph = {ctx->progress, ctx->progress_user, 0, 0};
  fl_progress_fn saved = ctx->progress;
  void *saved_user = ctx->progress_user;
  ctx->progress = phase_progress;
  ctx->progress_user = &ph;
  const double bounds[] = {0.0, 0.1, 0.35, 0.6, 0.85, 1.0};
  int have_routes = in->routes != NULL;

  ph.p0 = bounds[0]; ph.p1 = bounds[1]; ctx->last_progress = -1;
  fl_status st = fl_frontline(ctx, in->control, in->mask, opts, &frontline);
  const fl_layer *front = in->front ? in->front : frontline;
  if (!st) {
    ph.p0 = bounds[1]; ph.p1 = bounds[2]; ctx->last_progress = -1;
    st = fl_bands(ctx, front, opts->held_by ? in->control : NULL, in->mask, opts, &bands);
  }
  if (!st) {
    ph.p0 = bounds[2]; ph.p1 = bounds[3]; ctx->last_progress = -1;
    st = fl_settlement_status(ctx, in->settlements, in->control, front, opts, &status);
  }
  if (!st && have_routes) {
    ph.p0 = bounds[3]; ph.p1 = bounds[4]; ctx->last_progress = -1;
    fl_options eo = *opts;
    eo.held_by = NULL; /* exposure to the front line here; held_by applies to bands */
    st = fl_route_exposure(ctx, in->routes, front, eo.on_side ? in->control : NULL, &eo, &exposure);
  }
  if (!st && have_routes) {
    ph.p0 = bounds[4]; ph.p1 = bounds[5]; ctx->last_progress = -1;
    st = fl_nearest_route(ctx, in->settlements, in->routes, opts, &nearest);
  }
  ctx->progress = saved;
  ctx->progress_user = saved_user;
  text t = {0};
  if (!st) {
    int md = markdown != 0;
    if (md) put(&t, "# Frontline report\n\nSettlements: %zu. Control claims: %zu. Routes: %zu.\n",
                in->settlements->n_features, frontline->n_features,
                in->routes ? in->routes->n_features : (size_t)0);
    else put(&t, "FRONTLINE REPORT\nsettlements %zu, control claims %zu, routes %zu; distances "
             "geodesic on WGS84\n", in->settlements->n_features, frontline->n_features,
             in->routes ? in->routes->n_features : (size_t)0);
    report_settlements(ctx, &t, md, status, nearest, opts);
    report_routes(&t, md, exposure, opts);
    report_front(&t, md, frontline, bands);
    char *changed = NULL; /* several dates: what changed between the first and the last */
    st = fl__analyze_change(ctx, in->control, in->settlements, opts, md, &changed);
    if (!st && changed) put(&t, "%s", changed);
    free(changed);
    if (ctx->n_warnings) {
      put(&t, md ? "\n## Warnings\n\n" : "\nWARNINGS\n");
      for (size_t i = 0; i < ctx->n_warnings; i++) put(&t, "%s%s\n", md ? "- " : "  ", ctx->warnings[i]);
    }
    if (t.failed) st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing the report");
  }
  fl_layer *all[5] = {frontline, bands, status, exposure, nearest};
  if (!st) {
    out->layers = calloc(5, sizeof *out->layers);
    if (!out->layers) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (st) {
    for (int i = 0; i < 5; i++) fl_layer_destroy(ctx, all[i]);
    free(t.s);
    memset(out, 0, sizeof *out);
    return st;
  }
  for (int i = 0; i < 5; i++)
    if (all[i]) out->layers[out->n_layers++] = all[i];
  out->report = t.s;
  return FL_OK;
}
