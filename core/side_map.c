/*
 * side_map.c - the side map (fl_options.side_map): values of the control
 * layer's side field mapped to sides, several values per side, e.g.
 *   "occupied,occupied_before_2022,CADR and CALR=RU;liberated=UA;unknown status=contested"
 * Rules, cited below as (M1)..(M4):
 *   (M1) entries are separated by ';', each is "value,value,...=SIDE"; blanks
 *        around values and sides are ignored; values match case-insensitively;
 *   (M2) the side "contested" (any case) makes the ground a grey zone,
 *        neither side's;
 *   (M3) a value named twice must name the same side;
 *   (M4) a value of the layer that the map does not name is an error that
 *        lists every unnamed value and how many features hold it.
 * Without a map, the side is the field's value itself.
 */
#include <ctype.h>
#include "fl_prep.h"

void fl__side_map_free(fl__side_map *m) {
  free(m->value);
  free(m->side);
  free(m->buf);
  memset(m, 0, sizeof *m);
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

static fl_status add_pair(fl_ctx *ctx, fl__side_map *m, size_t *cap, char *value, char *side) {
  const char *known = fl__side_map_side(m, value);
  if (known && strcmp(known, side) != 0) /* (M3) */
    return fl__fail(ctx, FL_E_ARG, "@{side_map} maps '%s' to both '%s' and '%s'", value, known,
                    side);
  if (known) return FL_OK;
  if (m->n == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    char **v = realloc(m->value, *cap * sizeof *v);
    if (v) m->value = v;
    char **s = v ? realloc(m->side, *cap * sizeof *s) : NULL;
    if (!v || !s) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    m->side = s;
  }
  m->value[m->n] = value;
  m->side[m->n] = side;
  m->n++;
  return FL_OK;
}

/* One "value,value=SIDE" entry (M1), cut in place. */
static fl_status parse_entry(fl_ctx *ctx, fl__side_map *m, size_t *cap, char *entry) {
  char *eq = strrchr(entry, '=');
  if (!eq)
    return fl__fail(ctx, FL_E_ARG, "@{side_map} entry '%s' has no '=SIDE'; write e.g. "
                    "'occupied,occupied_before_2022=RU;liberated=UA'", trim(entry));
  *eq = '\0';
  char *side = trim(eq + 1);
  if (!*side)
    return fl__fail(ctx, FL_E_ARG, "@{side_map} entry '%s=' names no side", trim(entry));
  if (strcasecmp(side, FL__CONTESTED) == 0) side = (char *)FL__CONTESTED; /* (M2) */
  int any = 0;
  for (char *v = entry; v;) {
    char *comma = strchr(v, ',');
    if (comma) *comma = '\0';
    char *t = trim(v);
    if (*t) {
      any = 1;
      fl_status st = add_pair(ctx, m, cap, t, side);
      if (st) return st;
    }
    v = comma ? comma + 1 : NULL;
  }
  if (!any)
    return fl__fail(ctx, FL_E_ARG, "@{side_map} entry '=%s' names no value", side);
  return FL_OK;
}

fl_status fl__side_map_parse(fl_ctx *ctx, const char *text, fl__side_map *out) {
  memset(out, 0, sizeof *out);
  int blank = 1; /* no map, or only blanks: no map */
  for (const char *p = text ? text : ""; *p; p++) blank &= isspace((unsigned char)*p) != 0;
  if (blank) return FL_OK;
  out->buf = fl__strdup(text);
  if (!out->buf) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  size_t cap = 0;
  for (char *e = out->buf; e;) {
    char *semi = strchr(e, ';');
    if (semi) *semi = '\0';
    if (*trim(e)) {
      fl_status st = parse_entry(ctx, out, &cap, e);
      if (st) { fl__side_map_free(out); return st; }
    }
    e = semi ? semi + 1 : NULL;
  }
  if (!out->n) {
    fl__side_map_free(out);
    return fl__fail(ctx, FL_E_ARG, "@{side_map} maps no value; write e.g. 'occupied=RU'");
  }
  return FL_OK;
}

const char *fl__side_map_side(const fl__side_map *m, const char *value) {
  for (size_t i = 0; value && i < m->n; i++)
    if (strcasecmp(m->value[i], value) == 0) return m->side[i];
  return NULL;
}

typedef struct unnamed {
  char value[80];            /* a copy: fl_value_text() reuses its buffer */
  size_t count;
} unnamed;

fl_status fl__side_map_check(fl_ctx *ctx, const fl__side_map *m, const fl_layer *layer,
                             int side_field, const int *of_feature) {
  if (!m->n) return FL_OK;
  unnamed list[16];
  size_t n = 0, more = 0;
  for (size_t i = 0; i < layer->n_features; i++) {
    const fl_feature *f = &layer->features[i];
    if ((of_feature && of_feature[i] < 0) || f->values[side_field].is_null) continue;
    const char *v = fl_value_text(layer, f, side_field);
    if (fl__side_map_side(m, v)) continue;
    size_t k = 0;
    while (k < n && strcmp(list[k].value, v)) k++;
    if (k < n) { list[k].count++; continue; }
    if (n == sizeof list / sizeof list[0]) { more++; continue; }
    snprintf(list[n].value, sizeof list[n].value, "%s", v);
    list[n++].count = 1;
  }
  if (!n) return FL_OK;
  char text[700] = "";
  size_t len = 0;
  for (size_t k = 0; k < n && len < sizeof text; k++)
    len += (size_t)snprintf(text + len, sizeof text - len, "%s'%s' (%zu feature%s)", k ? ", " : "",
                            list[k].value, list[k].count, list[k].count == 1 ? "" : "s");
  return fl__fail(ctx, FL_E_ARG, "@{side_map} does not name %s of field '%s' in control layer "
                  "'%s'%s; map %s to a side or to contested", text, layer->fields[side_field].name,
                  layer->name ? layer->name : "?", more ? " and more" : "",
                  n + more == 1 ? "it" : "each");
}
