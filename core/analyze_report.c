/*
 * analyze_report.c - the analyze tool's short report, in plain text or
 * Markdown: per date, each settlement's holder by each source with its
 * distance to the front, band and nearest route; then the routes most
 * exposed near the front, the line of contact and band areas, what changed
 * (analyze_change.c) and the run's warnings. The layers come from
 * fl_analyze() (analyze.c); this file only reads them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_prep.h"

typedef fl__text text;

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
  fl__text_printf(t, "%.*s%*s", (int)(end - p), s, width - chars, "");
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
  if (md) fl__text_printf(t, last ? " |\n" : " | ");
  else fl__text_printf(t, last ? "\n" : "  ");
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

/* The claims of the status rows: dates newest first, and sources. */
typedef struct claims {
  char *dates[64], *sources[16];
  size_t n_dates, n_sources;
} claims;

static void collect_claims(fl_ctx *ctx, const fl_layer *st, claims *c) {
  int cut_dates = 0, cut_sources = 0;
  c->n_dates = c->n_sources = 0;
  for (size_t i = 0; i < st->n_features; i++) {
    const char *d = val(st, &st->features[i], "date");
    const char *s = val(st, &st->features[i], "source");
    if (!d) d = "";
    if (!s) s = "";
    if (!strv_has(c->dates, c->n_dates, d)) {
      if (c->n_dates < 64) c->dates[c->n_dates++] = (char *)d;
      else cut_dates = 1;
    }
    if (!strv_has(c->sources, c->n_sources, s)) {
      if (c->n_sources < 16) c->sources[c->n_sources++] = (char *)s;
      else cut_sources = 1;
    }
  }
  if (cut_dates || cut_sources) /* the layers keep every row; only the report is cut */
    fl__warn(ctx, "the report's settlement tables show only the first 64 claim dates and 16 "
             "sources met; every date and source is in the settlement_status layer");
  for (size_t a = 0; a < c->n_dates; a++) /* newest first */
    for (size_t b = a + 1; b < c->n_dates; b++)
      if (date_cmp(c->dates[b], c->dates[a]) > 0) {
        char *x = c->dates[a];
        c->dates[a] = c->dates[b];
        c->dates[b] = x;
      }
}

/* One row per settlement with a claim in section x, closest to the front
 * first; rows has room for every feature. Returns the number of rows. */
static size_t section_rows(const fl_layer *st, const claims *c, const section *x, srow *rows) {
  size_t n = 0;
  for (size_t i = 0; i < st->n_features; i++) {
    const fl_feature *f = &st->features[i];
    int in = 0;
    for (size_t s = 0; s < c->n_sources && !in; s++)
      in = x->date[s] && row_in(st, f, c->sources[s], x->date[s]);
    if (!in) continue;
    int64_t key = key_of(st, f);
    double d = num(st, f, "dist_to_front_m");
    size_t r = 0;
    while (r < n && rows[r].key != key) r++;
    if (r == n) { rows[n].key = key; rows[n].f = f; rows[n].sort_key = d; n++; }
    else if (!isnan(d) && (isnan(rows[r].sort_key) || d < rows[r].sort_key)) rows[r].sort_key = d;
  }
  qsort(rows, n, sizeof *rows, cmp_srow);
  return n;
}

/* The section's title and the table's head: each column says its source and date. */
static void put_section_head(text *t, int md, const claims *c, const section *x) {
  const char *date = x->anchor;
  if (md) fl__text_printf(t, "\n## Settlements%s%s\n\n| settlement | ", date[0] ? " as of " : "",
                          date);
  else fl__text_printf(t, "\nSETTLEMENTS%s%s (closest to the front first)\n%-24s  ",
                       date[0] ? " AS OF " : "", date, "settlement");
  for (size_t s = 0; s < c->n_sources; s++) {
    char head[160];
    snprintf(head, sizeof head, "%s%s%s", x->date[s] ? x->date[s] : "(no claim)",
             x->date[s] && !x->date[s][0] ? "" : " ", c->sources[s][0] ? c->sources[s] : "holder");
    if (md) fl__text_printf(t, "%s | ", head);
    else { put_cell(t, head, 30); fl__text_printf(t, "  "); }
  }
  if (!md) { fl__text_printf(t, "%-5s  %s\n", "agree", "nearest route"); return; }
  fl__text_printf(t, "agree | nearest route |\n|---|");
  for (size_t s = 0; s < c->n_sources; s++) fl__text_printf(t, "---|");
  fl__text_printf(t, "---|---|\n");
}

/* The status row of settlement key in one claim, or NULL. */
static const fl_feature *claim_row(const fl_layer *st, int64_t key, const char *source,
                                   const char *date) {
  for (size_t i = 0; date && i < st->n_features; i++) {
    const fl_feature *c = &st->features[i];
    if (key_of(st, c) == key && row_in(st, c, source, date)) return c;
  }
  return NULL;
}

/* "RU held, 3.2 km (0-5 km)" for one claim's row, "-" for none. */
static void put_claim_cell(text *t, int md, const fl_layer *st, const fl_feature *g) {
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
  }
  if (md) fl__text_printf(t, "%s", cell);
  else put_cell(t, cell, 30);
  cell_sep(t, md, 0);
}

/* The settlement's nearest route and its distance, "-" when none. */
static void put_nearest(text *t, const fl_layer *near, int64_t key) {
  const fl_feature *nf = NULL;
  for (size_t i = 0; near && i < near->n_features && !nf; i++)
    if (near->features[i].fid == key) nf = &near->features[i];
  if (!nf) { fl__text_printf(t, "-"); return; }
  const char *rn = val(near, nf, "route_name");
  char route[128];
  snprintf(route, sizeof route, "%s", rn ? rn : "?");
  fl__text_printf(t, "%s, %.1f km", route, num(near, nf, "dist_m") / 1000.0);
}

/* One settlement's line: name, a cell per source, agreement, nearest route. */
static void put_settlement(text *t, int md, const fl_layer *st, const fl_layer *near,
                           const claims *c, const section *x, const srow *r,
                           const char *name_f) {
  char name[128]; /* a copy: val() may return a shared buffer */
  const char *nm = name_f ? val(st, r->f, name_f) : NULL;
  if (nm) snprintf(name, sizeof name, "%s", nm);
  else snprintf(name, sizeof name, "#%lld", (long long)r->key);
  if (md) fl__text_printf(t, "| %s", name);
  else put_cell(t, name, 24);
  cell_sep(t, md, 0);
  const fl_feature *agree_row = NULL;
  for (size_t s = 0; s < c->n_sources; s++) {
    const fl_feature *g = claim_row(st, r->key, c->sources[s], x->date[s]);
    put_claim_cell(t, md, st, g);
    if (g && !agree_row) agree_row = g;
  }
  const char *agree = agree_row ? val(st, agree_row, "sources_agree") : NULL;
  if (md) fl__text_printf(t, "%s", agree ? (strcmp(agree, "1") ? "no" : "yes") : "-");
  else fl__text_printf(t, "%-5s", agree ? (strcmp(agree, "1") ? "NO" : "yes") : "-");
  cell_sep(t, md, 0);
  put_nearest(t, near, r->key);
  cell_sep(t, md, 1);
}

static void report_settlements(fl_ctx *ctx, text *t, int md, const fl_layer *st,
                               const fl_layer *near, const fl_options *opts) {
  const char *name_f = opts->name_field ? opts->name_field : "name";
  if (fl_layer_field_index(st, name_f) < 0) {
    fl__warn(ctx, "settlements layer has no field '%s' (@{name_field}); the report names "
             "settlements by feature id", name_f);
    name_f = NULL;
  }
  claims c;
  collect_claims(ctx, st, &c);
  section sec[64];
  size_t n_sec = make_sections(c.dates, c.n_dates, c.sources, c.n_sources, st,
                               opts->date_tolerance_days, sec, 64);
  srow *rows = malloc((st->n_features + 1) * sizeof *rows);
  if (!rows) { t->failed = 1; return; }
  for (size_t si = 0; si < n_sec; si++) {
    size_t n = section_rows(st, &c, &sec[si], rows);
    put_section_head(t, md, &c, &sec[si]);
    for (size_t r = 0; r < n; r++) put_settlement(t, md, st, near, &c, &sec[si], &rows[r], name_f);
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

/* The band columns of the exposure layer: every km_<inner>_<outer> field. */
typedef struct bandcols {
  int field[32];
  size_t n;
} bandcols;

/* The newest claim's date and source in ex (its first source on that date). */
static void newest_claim(const fl_layer *ex, const char **date, const char **source) {
  const char *d0 = val(ex, &ex->features[0], "date");
  const char *s0 = val(ex, &ex->features[0], "source");
  for (size_t i = 0; i < ex->n_features; i++) {
    const char *d = val(ex, &ex->features[i], "date");
    if (d && d0 && strcmp(d, d0) > 0) { d0 = d; s0 = val(ex, &ex->features[i], "source"); }
  }
  *date = d0;
  *source = s0;
}

/* The routes of the claim (d0, s0), most km within the first two bands first. */
static size_t route_rows(const fl_layer *ex, const bandcols *bc, const char *d0, const char *s0,
                         rrow *rows) {
  size_t n = 0;
  for (size_t i = 0; i < ex->n_features; i++) {
    const fl_feature *f = &ex->features[i];
    const char *d = val(ex, f, "date"), *s = val(ex, f, "source");
    if ((d0 && (!d || strcmp(d, d0))) || (s0 && (!s || strcmp(s, s0)))) continue;
    rows[n].f = f;
    rows[n].near_km = 0;
    for (size_t b = 0; b < bc->n && b < 2; b++) {
      const fl_value *v = &f->values[bc->field[b]];
      if (!v->is_null) rows[n].near_km += v->d;
    }
    n++;
  }
  qsort(rows, n, sizeof *rows, cmp_rrow);
  return n;
}

static void put_routes_head(text *t, int md, const fl_layer *ex, const bandcols *bc,
                            const char *d0, const char *s0) {
  char claim[160] = "";
  if (d0 || s0) snprintf(claim, sizeof claim, " (%s%s%s)", d0 ? d0 : "", d0 && s0 ? ", " : "", s0 ? s0 : "");
  if (md) fl__text_printf(t, "\n## Routes within reach of the front%s\n\n| route |", claim);
  else fl__text_printf(t, "\nROUTES WITHIN REACH OF THE FRONT%s, km by distance band\n%-40s",
                       claim, "route");
  for (size_t b = 0; b < bc->n; b++) {
    const char *name = ex->fields[bc->field[b]].name + 3; /* "0_5000" */
    double lo = 0, hi = 0;
    sscanf(name, "%lf_%lf", &lo, &hi);
    char head[32];
    snprintf(head, sizeof head, "%g-%g", lo / 1000, hi / 1000);
    if (md) fl__text_printf(t, " %s km |", head);
    else fl__text_printf(t, " %7s", head);
  }
  if (!md) { fl__text_printf(t, " %7s %8s\n", "length", "closest"); return; }
  fl__text_printf(t, " length km | closest km |\n|---|");
  for (size_t b = 0; b < bc->n; b++) fl__text_printf(t, "---|");
  fl__text_printf(t, "---|---|\n");
}

static void put_route(text *t, int md, const fl_layer *ex, const bandcols *bc, const fl_feature *f,
                      const char *name_f) {
  const char *name = val(ex, f, name_f);
  double m = num(ex, f, "min_dist_to_front_m");
  if (isnan(m)) m = num(ex, f, "min_dist_to_ground_m");
  if (md) fl__text_printf(t, "| %s |", name ? name : "?");
  else put_cell(t, name ? name : "?", 40);
  for (size_t b = 0; b < bc->n; b++) {
    const fl_value *v = &f->values[bc->field[b]];
    fl__text_printf(t, md ? " %.1f |" : " %7.1f", v->is_null ? 0.0 : v->d);
  }
  fl__text_printf(t, md ? " %.1f | %.1f |\n" : " %7.1f %8.1f\n", num(ex, f, "length_km"),
                  m / 1000.0);
}

/* Routes of the newest claim, most exposed near the front first, with the
 * km in each band. */
static void report_routes(text *t, int md, const fl_layer *ex, const fl_options *opts) {
  if (!ex || !ex->n_features) return;
  const char *name_f = opts->name_field ? opts->name_field : "name";
  const char *d0, *s0;
  newest_claim(ex, &d0, &s0);
  bandcols bc = {.n = 0};
  for (size_t k = 0; k < ex->n_fields && bc.n < 32; k++)
    if (!strncmp(ex->fields[k].name, "km_", 3)) bc.field[bc.n++] = (int)k;
  rrow *rows = malloc((ex->n_features + 1) * sizeof *rows);
  if (!rows) { t->failed = 1; return; }
  size_t n = route_rows(ex, &bc, d0, s0, rows);
  put_routes_head(t, md, ex, &bc, d0, s0);
  for (size_t r = 0; r < n; r++) put_route(t, md, ex, &bc, rows[r].f, name_f);
  free(rows);
}

static void report_front(text *t, int md, const fl_layer *fr, const fl_layer *bands) {
  if (md) fl__text_printf(t, "\n## Front and bands\n\n");
  else fl__text_printf(t, "\nFRONT AND BANDS\n");
  for (size_t i = 0; i < fr->n_features; i++) {
    const fl_feature *f = &fr->features[i];
    const char *s = val(fr, f, "source"), *d = val(fr, f, "date");
    fl__text_printf(t, "%sline of contact %s %s: %.1f km\n", md ? "- " : "  ", s ? s : "",
                    d ? d : "", num(fr, f, "length_km"));
  }
  for (size_t i = 0; bands && i < bands->n_features; i++) {
    const fl_feature *f = &bands->features[i];
    const char *s = val(bands, f, "source"), *d = val(bands, f, "date");
    fl__text_printf(t, "%sband %g-%g km %s %s: %.0f km2\n", md ? "- " : "  ",
                    num(bands, f, "inner_m") / 1000.0, num(bands, f, "outer_m") / 1000.0,
                    s ? s : "", d ? d : "", num(bands, f, "area_km2"));
  }
}

fl_status fl__analyze_report(fl_ctx *ctx, const fl_analyze_input *in, const fl_options *opts,
                             int md, const fl__analyze_layers *l, char **out) {
  *out = NULL;
  text t = {0};
  size_t n_routes = in->routes ? in->routes->n_features : 0;
  size_t n_settlements = in->settlements->n_features, n_claims = l->frontline->n_features;
  if (md)
    fl__text_printf(&t, "# Frontline report\n\nSettlements: %zu. Control claims: %zu. Routes: "
                    "%zu.\n", n_settlements, n_claims, n_routes);
  else
    fl__text_printf(&t, "FRONTLINE REPORT\nsettlements %zu, control claims %zu, routes %zu; "
                    "distances geodesic on WGS84\n", n_settlements, n_claims, n_routes);
  report_settlements(ctx, &t, md, l->status, l->nearest, opts);
  report_routes(&t, md, l->exposure, opts);
  report_front(&t, md, l->frontline, l->bands);
  char *changed = NULL; /* several dates: what changed between the first and the last */
  fl_status st = fl__analyze_change(ctx, in->control, in->settlements, opts, md, &changed);
  if (!st && changed) fl__text_printf(&t, "%s", changed);
  free(changed);
  if (!st && ctx->n_warnings) {
    fl__text_printf(&t, md ? "\n## Warnings\n\n" : "\nWARNINGS\n");
    for (size_t i = 0; i < ctx->n_warnings; i++)
      fl__text_printf(&t, "%s%s\n", md ? "- " : "  ", ctx->warnings[i]);
  }
  if (!st && t.failed) st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing the report");
  if (st) { free(t.s); return st; }
  *out = t.s;
  return FL_OK;
}
