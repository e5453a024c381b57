/*
 * analyze_change.c - the "what changed" section of the analyze report, when
 * the control layer holds several dates of a source.
 *
 * Per source, its first date against its last (fl_change_run with one
 * period): the km² each side gained and lost, per day; then the settlements
 * whose holder changed, with the bracket of dates the snapshots allow.
 * Not here: the measures (change*.c), the rest of the report (analyze.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl_prep.h"

#define MAX_PLACES 30 /* settlement changes listed; the rest are counted */

typedef fl__text buf;

static const char *txt(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  return i < 0 || f->values[i].is_null ? NULL : fl_value_text(l, f, i);
}

static double real(const fl_layer *l, const fl_feature *f, const char *field, int *ok) {
  int i = fl_layer_field_index(l, field);
  *ok = i >= 0 && !f->values[i].is_null;
  return *ok ? f->values[i].d : 0;
}

static void summary_rows(buf *b, int md, const fl_layer *cs) {
  for (size_t i = 0; i < cs->n_features; i++) {
    const fl_feature *f = &cs->features[i];
    if (txt(cs, f, "sector")) continue; /* the whole area only */
    const char *src = txt(cs, f, "source");
    char from[64], to[64], side[128];
    snprintf(from, sizeof from, "%s", txt(cs, f, "date_from") ? txt(cs, f, "date_from") : "");
    snprintf(to, sizeof to, "%s", txt(cs, f, "date_to") ? txt(cs, f, "date_to") : "");
    snprintf(side, sizeof side, "%s", txt(cs, f, "side") ? txt(cs, f, "side") : "");
    int ok_g, ok_l, ok_d;
    double g = real(cs, f, "gained_km2", &ok_g), l = real(cs, f, "lost_km2", &ok_l);
    double per_day = real(cs, f, "km2_per_day", &ok_d);
    fl__text_printf(b, "%s%s%s%s to %s, %s: gained %.1f km2, lost %.1f km2, net %+.1f km2",
                    md ? "- " : "  ", src && src[0] ? src : "", src && src[0] ? " " : "", from, to,
                    side, g, l, g - l);
    if (ok_d) fl__text_printf(b, " (%+.2f km2/day)", per_day);
    fl__text_printf(b, "\n");
  }
}

/* Distinct values of a field among the rows before row i: whether row i's
 * value is new (NULL values count as one). */
static int first_of(const fl_layer *l, size_t i, int field) {
  if (field < 0) return i == 0;
  const fl_feature *f = &l->features[i];
  for (size_t k = 0; k < i; k++) {
    const fl_feature *g = &l->features[k];
    if (f->values[field].is_null || g->values[field].is_null) {
      if (f->values[field].is_null && g->values[field].is_null) return 0;
      continue;
    }
    const fl_value *a = &f->values[field], *c = &g->values[field];
    if (l->fields[field].type == FL_FIELD_INTEGER ? a->i == c->i
        : l->fields[field].type == FL_FIELD_REAL  ? a->d == c->d
                                                  : a->s && c->s && !strcmp(a->s, c->s))
      return 0;
  }
  return 1;
}

/* The header counts settlements (by feature id), not rows: a place that
 * changed hands per two sources is one settlement and two changes. */
static void place_rows(buf *b, int md, const fl_layer *sc) {
  size_t n = sc->n_features, places = 0, sources = 0;
  int fid = fl_layer_field_index(sc, "settlement_fid"), src = fl_layer_field_index(sc, "source");
  for (size_t i = 0; i < n; i++) {
    places += first_of(sc, i, fid);
    sources += first_of(sc, i, src);
  }
  fl__text_printf(b, "%s%zu settlement%s changed hands", md ? "\n" : "  ", places,
                  places == 1 ? "" : "s");
  if (n) fl__text_printf(b, " per %zu source%s", sources, sources == 1 ? "" : "s");
  if (n != places) fl__text_printf(b, " (%zu changes)", n);
  fl__text_printf(b, "%s\n", n ? (md ? ":\n" : ":") : ".");
  for (size_t i = 0; i < n && i < MAX_PLACES; i++) {
    const fl_feature *f = &sc->features[i];
    char name[128], from[64], to[64];
    snprintf(name, sizeof name, "%s", txt(sc, f, "name") ? txt(sc, f, "name") : "?");
    snprintf(from, sizeof from, "%s", txt(sc, f, "from_side") ? txt(sc, f, "from_side") : "");
    snprintf(to, sizeof to, "%s", txt(sc, f, "to_side") ? txt(sc, f, "to_side") : "");
    const char *last = txt(sc, f, "last_date_old");
    char lastc[64];
    snprintf(lastc, sizeof lastc, "%s", last ? last : "");
    const char *first = txt(sc, f, "first_date_new");
    const char *src = txt(sc, f, "source"); /* a settlement may change per each source */
    fl__text_printf(b, "%s%s: %s -> %s between %s and %s%s%s%s\n", md ? "- " : "    ", name, from,
                    to, lastc, first ? first : "", src && src[0] ? " (" : "",
                    src && src[0] ? src : "", src && src[0] ? ")" : "");
  }
  if (n > MAX_PLACES) fl__text_printf(b, "%s... and %zu more\n", md ? "- " : "    ",
                                      n - MAX_PLACES);
}

fl_status fl__analyze_change(fl_ctx *ctx, const fl_layer *control, const fl_layer *settlements,
                             const fl_options *opts, int md, char **out) {
  *out = NULL;
  fl_change_input in;
  memset(&in, 0, sizeof in);
  in.control = control;
  in.settlements = settlements;
  in.date_to = "9999-12-31"; /* one period per source: its first date to its last */
  fl_change_result r;
  fl_status st = fl_change_run(ctx, &in, opts, &r);
  if (st) return st;
  if (r.change_summary->n_features > 0) {
    buf b = {0};
    fl__text_printf(&b, md ? "\n## What changed\n\n" : "\nWHAT CHANGED\n");
    summary_rows(&b, md, r.change_summary);
    if (r.settlement_changes) place_rows(&b, md, r.settlement_changes);
    if (b.failed) {
      free(b.s);
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing the report");
    } else {
      *out = b.s;
    }
  }
  fl_change_result_free(ctx, &r);
  return st;
}
