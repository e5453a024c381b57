/*
 * params.c - typed parsing of the string values that cross run().
 *
 * Every parameter arrives as text (plugin.h says which form each type
 * takes). This file turns the caller's keys/values into flp_arg records,
 * applies defaults, and rejects what is wrong with one sentence that names
 * the parameter and the value, e.g. "snap_m must be a number >= 0, got 'abc'".
 * Rules, cited below as (P1)..(P6):
 *   (P1) a name the tool does not declare is an error, with the closest
 *        declared name suggested when one is near;
 *   (P2) a parameter given twice is an error;
 *   (P3) a parameter that is not FL_PARAM_OPTIONAL must be given;
 *   (P4) numbers are finite decimals within [min_value, max_value];
 *   (P5) distance lists are numbers > min_value, strictly increasing;
 *   (P6) an empty value of an optional parameter means "not given";
 *   (P7) with output_format given, the output's extension is not checked
 *        here: run() checks the name and the format together.
 * Not here: whether a layer or field exists (tool_util.c reads the layers).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plugin_internal.h"

const char *const flp_side_values[] = {"both", "left", "right", NULL};
const char *const flp_format_values[] = {"text", "md", NULL};

int flp_param_index(const fl_tool_desc *t, const char *name) {
  if (!name) return -1;
  for (int32_t i = 0; i < t->n_params; i++)
    if (strcmp(t->params[i].name, name) == 0) return (int)i;
  return -1;
}

/* Levenshtein distance, capped at the lengths we meet (names < 64 chars). */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return (size_t)-1;
  size_t prev[64], cur[64];
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
      size_t best = prev[j - 1] + cost;
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      cur[j] = best;
    }
    memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
  }
  return prev[lb];
}

const char *flp_closest(const char *word, const char *const *candidates, size_t n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  if (!word) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (!candidates[i]) continue;
    size_t d = edit_distance(word, candidates[i]);
    /* A prefix ("snap" for "snap_m") is a likely meaning as well. */
    size_t lw = strlen(word);
    if (lw >= 3 && strncasecmp(candidates[i], word, lw) == 0 && d > 1) d = 1;
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  size_t lw = strlen(word);
  size_t limit = lw <= 4 ? 1 : lw <= 8 ? 2 : 3;
  return best_d <= limit ? best : NULL;
}

/* "a number >= 0", "a number between 0 and 1", "a number" */
static void describe_range(const fl_param_desc *p, char *out, size_t n) {
  int lo = isfinite(p->min_value), hi = isfinite(p->max_value);
  if (lo && hi)
    snprintf(out, n, "a number between %.9g and %.9g", p->min_value, p->max_value);
  else if (lo)
    snprintf(out, n, "a number >= %.9g", p->min_value);
  else if (hi)
    snprintf(out, n, "a number <= %.9g", p->max_value);
  else
    snprintf(out, n, "a number");
}

/* Strict decimal: the whole text, finite; digits, one sign, point and
 * exponent only, so "0x10", "inf" and "nan" are refused. (P4) */
static int parse_double(const char *s, double *out) {
  while (isspace((unsigned char)*s)) s++;
  if (!*s) return 0;
  for (const char *c = s; *c; c++)
    if (!isdigit((unsigned char)*c) && !strchr("+-.eE \t", *c)) return 0;
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno == ERANGE) return 0;
  while (isspace((unsigned char)*end)) end++;
  if (*end || !isfinite(v)) return 0;
  *out = v;
  return 1;
}

static int parse_bool(const char *s, int *out) {
  static const char *const yes[] = {"true", "1", "yes", "on", NULL};
  static const char *const no[] = {"false", "0", "no", "off", NULL};
  for (int i = 0; yes[i]; i++)
    if (strcasecmp(s, yes[i]) == 0) return *out = 1, 1;
  for (int i = 0; no[i]; i++)
    if (strcasecmp(s, no[i]) == 0) return *out = 0, 1;
  return 0;
}

static void list_enum(const fl_param_desc *p, char *out, size_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; p->enum_values && p->enum_values[i]; i++) {
    int w = snprintf(out + used, n - used, "%s'%s'", i ? ", " : "", p->enum_values[i]);
    if (w < 0 || (size_t)w >= n - used) break;
    used += (size_t)w;
  }
}

static const char *ends_with_ci(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls > lx && strcasecmp(s + ls - lx, suffix) == 0 ? s + ls - lx : NULL;
}

/* Long (complexity ~42) on purpose: one case per parameter type of the
 * plugin ABI, each a few lines that parse and range-check its value; the
 * cases share only the error buffer. */
int flp_param_parse_value(const fl_param_desc *p, const char *text, flp_arg *out, char *err,
                          size_t err_len) {
  char range[160];
  out->text = text;
  switch ((fl_param_type)p->type) {
  case FL_PARAM_NUMBER: {
    double v;
    describe_range(p, range, sizeof range);
    if (!parse_double(text, &v) || v < p->min_value || v > p->max_value) {
      snprintf(err, err_len, "@{%s} must be %s, got '%s'", p->name, range, text);
      return 0;
    }
    out->num = v;
    return 1;
  }
  case FL_PARAM_DISTANCES: { /* (P5) */
    const char *s = text;
    size_t n = 0;
    double prev = -INFINITY;
    while (*s) {
      char item[64];
      size_t k = strcspn(s, ",");
      if (k >= sizeof item) k = sizeof item - 1;
      memcpy(item, s, k);
      item[k] = '\0';
      double v;
      if (!parse_double(item, &v) || v <= p->min_value || v > p->max_value) {
        if (isfinite(p->max_value))
          snprintf(err, err_len,
                   "@{%s} must be a comma-separated list of numbers > %g and at most %.0f in "
                   "%s, got '%s' (bad item '%s')",
                   p->name, p->min_value, p->max_value, p->unit && *p->unit ? p->unit : "units",
                   text, item);
        else
          snprintf(err, err_len,
                   "@{%s} must be a comma-separated list of numbers > %g in %s, got '%s' (bad "
                   "item '%s')",
                   p->name, p->min_value, p->unit && *p->unit ? p->unit : "units", text, item);
        return 0;
      }
      if (v <= prev) {
        snprintf(err, err_len,
                 "@{%s} must be strictly increasing, got '%s' (%g does not exceed %g)", p->name,
                 text, v, prev);
        return 0;
      }
      if (n == FLP_MAX_DIST) {
        snprintf(err, err_len, "@{%s} holds more than %d distances, got '%s'", p->name,
                 FLP_MAX_DIST, text);
        return 0;
      }
      out->dist[n++] = prev = v;
      s += strcspn(s, ",");
      if (*s == ',') {
        s++;
        if (!*s) break; /* a trailing comma is forgiven */
      }
    }
    if (n == 0) {
      snprintf(err, err_len, "@{%s} must list at least one distance in %s, got '%s'", p->name,
               p->unit && *p->unit ? p->unit : "units", text);
      return 0;
    }
    out->n_dist = n;
    return 1;
  }
  case FL_PARAM_ENUM:
    for (int i = 0; p->enum_values && p->enum_values[i]; i++)
      if (strcasecmp(text, p->enum_values[i]) == 0) {
        out->enum_index = i;
        out->text = p->enum_values[i];
        return 1;
      }
    list_enum(p, range, sizeof range);
    snprintf(err, err_len, "@{%s} must be one of %s, got '%s'", p->name, range, text);
    return 0;
  case FL_PARAM_BOOL:
    if (!parse_bool(text, &out->boolean)) {
      snprintf(err, err_len, "@{%s} must be true or false (also 1/0, yes/no), got '%s'", p->name,
               text);
      return 0;
    }
    return 1;
  case FL_PARAM_OUTPUT:
    if (p->flags & FL_PARAM_DOC_OUT) { /* the kinds its help names */
      static const char *const kinds[] = {".html", ".png", ".svg"};
      char list[64] = "";
      for (size_t k = 0; k < 3; k++) {
        if (!p->help || !strstr(p->help, kinds[k])) continue;
        if (ends_with_ci(text, kinds[k]) || (k == 0 && ends_with_ci(text, ".htm"))) return 1;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? " or " : "",
                 kinds[k]);
      }
      snprintf(err, err_len, "@{%s} must be a file name ending in %s, got '%s'", p->name,
               *list ? list : ".html", text);
      return 0;
    }
    if ((p->flags & FL_PARAM_RASTER_OUT) &&
        (ends_with_ci(text, ".tif") || ends_with_ci(text, ".tiff")))
      return 1;
    if (!fl_output_writable(text)) {
      snprintf(err, err_len, "@{%s} must be a file name ending in %s%s, got '%s'", p->name,
               (p->flags & FL_PARAM_RASTER_OUT) ? ".tif, " : "", fl_output_extensions(), text);
      return 0;
    }
    return 1;
  case FL_PARAM_FIELD:
    for (const char *c = text; *c; c++)
      if ((unsigned char)*c < 0x20) {
        snprintf(err, err_len, "@{%s} must be a field name, got a control character", p->name);
        return 0;
      }
    return 1;
  case FL_PARAM_LAYER:
  case FL_PARAM_RASTER:
  case FL_PARAM_STRING:
    return 1;
  }
  snprintf(err, err_len, "%s has an unknown type %d (a bug in the plugin)", p->name,
           (int)p->type);
  return 0;
}

/* (P7) Whether the tool has output_format and the caller gave it a value. */
static int output_format_given(const fl_tool_desc *t, int32_t n, const char *const *keys,
                               const char *const *values) {
  if (flp_param_index(t, "output_format") < 0) return 0;
  for (int32_t k = 0; k < n; k++)
    if (keys[k] && values[k] && *values[k] && strcmp(keys[k], "output_format") == 0) return 1;
  return 0;
}

fl_status flp_params_parse(flp_run *r, int32_t n, const char *const *keys,
                           const char *const *values) {
  const fl_tool_desc *t = &r->tool->desc;
  char err[FLP_ERR_LEN];

  for (int32_t k = 0; k < n; k++) {
    const char *key = keys[k], *val = values[k];
    if (!key || !*key) return flp_fail(r, FL_E_ARG, "parameter %d has no name", (int)k + 1);
    int i = flp_param_index(t, key);
    if (i < 0) { /* (P1) */
      const char *names[128];
      size_t m = 0;
      for (int32_t j = 0; j < t->n_params && m < 128; j++) names[m++] = t->params[j].name;
      const char *near = flp_closest(key, names, m);
      if (near)
        return flp_fail(r, FL_E_ARG, "unknown parameter '%s' for tool '%s'; did you mean @{%s}?",
                        key, t->id, near);
      return flp_fail(r, FL_E_ARG,
                      "unknown parameter '%s' for tool '%s'; see the tool's help for its "
                      "parameters",
                      key, t->id);
    }
    const fl_param_desc *p = &t->params[i];
    if (r->args[i].given) /* (P2) */
      return flp_fail(r, FL_E_ARG, "@{%s} is given twice", p->name);
    if (!val) return flp_fail(r, FL_E_ARG, "@{%s} has no value", p->name);
    r->args[i].given = 1;
    if (!*val) {
      /* (P6): an optional string stays absent, anything else takes its default. */
      if (p->flags & FL_PARAM_OPTIONAL) continue;
      return flp_fail(r, FL_E_ARG, "@{%s} (%s) is empty; give a value", p->name,
                      p->title);
    }
    if (p->type == FL_PARAM_OUTPUT && !(p->flags & FL_PARAM_DOC_OUT) &&
        output_format_given(t, n, keys, values)) {
      r->args[i].text = val; /* (P7): run() checks it with the format */
    } else if (!flp_param_parse_value(p, val, &r->args[i], err, sizeof err)) {
      return flp_fail(r, FL_E_ARG, "%s", err);
    }
    r->args[i].present = 1;
  }

  for (int32_t i = 0; i < t->n_params; i++) {
    const fl_param_desc *p = &t->params[i];
    flp_arg *a = &r->args[i];
    if (a->present) continue;
    if (a->given && p->type == FL_PARAM_STRING) continue; /* "" for a string: absent */
    if (p->default_text) {
      if (!flp_param_parse_value(p, p->default_text, a, err, sizeof err))
        return flp_fail(r, FL_E_ARG, "default of %s", err);
      a->present = 1;
      a->given = 0;
      continue;
    }
    if (!(p->flags & FL_PARAM_OPTIONAL)) /* (P3) */
      return flp_fail(r, FL_E_ARG, "missing required parameter @{%s}: %s", p->name,
                      p->help);
  }
  return FL_OK;
}

const flp_arg *flp_arg_get(const flp_run *r, const char *name) {
  int i = flp_param_index(&r->tool->desc, name);
  return i < 0 ? NULL : &r->args[i];
}

const char *flp_arg_text(const flp_run *r, const char *name) {
  const flp_arg *a = flp_arg_get(r, name);
  return a && a->present ? a->text : NULL;
}

double flp_arg_num(const flp_run *r, const char *name, double fallback) {
  const flp_arg *a = flp_arg_get(r, name);
  return a && a->present ? a->num : fallback;
}

int flp_arg_bool(const flp_run *r, const char *name) {
  const flp_arg *a = flp_arg_get(r, name);
  return a && a->present ? a->boolean : 0;
}
