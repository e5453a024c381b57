/*
 * help.c - `frontline --help`, `frontline list` and `frontline help TOOL`.
 *
 * Everything about a tool comes from its descriptor: title, help paragraph,
 * and per parameter its type, unit, default, enum values, parent layer and
 * accepted geometry. Nothing here names a tool, so a tool added to the
 * plugin is listed and documented with no change to this file.
 * Not here: loading the plugin (host.c), running (main.c).
 */
#include "help.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 79

void fl_cli_option_name(const char *param, char *out, size_t n) {
  size_t i = 0;
  for (; param[i] && i + 1 < n; i++) out[i] = param[i] == '_' ? '-' : param[i];
  out[i] = '\0';
}

/* Length of the token "@{name}" at s, 0 when s does not start one. */
static size_t token_len(const char *s) {
  if (s[0] != '@' || s[1] != '{') return 0;
  size_t n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789_");
  return n && s[2 + n] == '}' ? n + 3 : 0;
}

void fl_cli_spell_params(char *text, size_t cap) {
  char *copy = strdup(text);
  if (!copy || !cap) {
    free(copy);
    return;
  }
  size_t at = 0;
  for (const char *s = copy; *s && at + 1 < cap;) {
    size_t n = token_len(s);
    if (!n) {
      text[at++] = *s++;
      continue;
    }
    char opt[128] = "--";
    size_t len = n - 3 < sizeof opt - 3 ? n - 3 : sizeof opt - 3;
    memcpy(opt + 2, s + 2, len);
    opt[2 + len] = '\0';
    fl_cli_option_name(opt, opt, sizeof opt);
    for (const char *o = opt; *o && at + 1 < cap;) text[at++] = *o++;
    s += n;
  }
  text[at] = '\0';
  free(copy);
}

/* Print text wrapped at WIDTH, every line indented by indent spaces. */
static void wrap(FILE *f, const char *text, int indent) {
  int col = 0;
  const char *s = text;
  while (*s) {
    while (*s == ' ') s++;
    size_t w = strcspn(s, " ");
    if (!w) break;
    if (col == 0) {
      fprintf(f, "%*s", indent, "");
      col = indent;
    } else if (col + 1 + (int)w > WIDTH) {
      fprintf(f, "\n%*s", indent, "");
      col = indent;
    } else {
      fputc(' ', f);
      col++;
    }
    fwrite(s, 1, w, f);
    col += (int)w;
    s += w;
  }
  if (col) fputc('\n', f);
}

void fl_cli_usage(FILE *f) {
  fprintf(f,
          "Usage: frontline [--quiet] [--json] [--limit NAME=N ...] COMMAND ...\n"
          "\n"
          "Conflict geography on the WGS84 ellipsoid: distance bands around a front, the\n"
          "line of contact, who holds each settlement, route exposure, nearest routes.\n"
          "\n"
          "Commands:\n"
          "  list                      the tools, with their titles\n"
          "  help TOOL                 a tool's parameters, types, units and defaults\n"
          "  run TOOL --name value ... run a tool (also --name=value; flags bare)\n"
          "\n"
          "Options:\n"
          "  -q, --quiet    no progress and no summary; errors only\n"
          "      --json     print the summary (or the error) as one JSON object\n"
          "      --limit NAME=N  raise or lower a work limit (repeatable; also in\n"
          "                 $FL_LIMITS as NAME=N,NAME=N): buffer_work (default 1e6),\n"
          "                 viewshed_cells (1e9), los_samples (2e6); see docs/cli.md\n"
          "      --version  print the version of frontline and its plugin\n"
          "  -h, --help     print this help\n"
          "\n"
          "Layers are data-source strings: file.gpkg:layer, file.sqlite:table,\n"
          "file.geojson. Distances are metres, lengths km, areas km2.\n"
          "Exit status: 0 done; 1 bad input or failure; 2 usage error.\n"
          "The plugin library is found through $FRONTLINE_PLUGIN, beside the\n"
          "executable, or in ../lib/frontline/.\n");
}

void fl_cli_list(FILE *f, const fl_host *h) {
  int width = 0;
  for (int32_t i = 0; i < fl_host_tool_count(h); i++) {
    const fl_tool_desc *t = fl_host_tool(h, i);
    if (t && t->id && (int)strlen(t->id) > width) width = (int)strlen(t->id);
  }
  for (int32_t i = 0; i < fl_host_tool_count(h); i++) {
    const fl_tool_desc *t = fl_host_tool(h, i);
    if (!t || !t->id) continue;
    fprintf(f, "%-*s  %s\n", width, t->id, t->title ? t->title : "");
  }
}

static const char *kinds(uint32_t g) {
  switch (g & FL_GEOM_ANY) {
  case FL_GEOM_POINT: return "points";
  case FL_GEOM_LINE: return "lines";
  case FL_GEOM_POLYGON: return "polygons";
  case FL_GEOM_POINT | FL_GEOM_POLYGON: return "points or polygons";
  case FL_GEOM_LINE | FL_GEOM_POLYGON: return "lines or polygons";
  case FL_GEOM_POINT | FL_GEOM_LINE: return "points or lines";
  default: return "any geometry";
  }
}

/* The value placeholder shown after the option. */
static void metavar(const fl_param_desc *p, char *out, size_t n) {
  switch ((fl_param_type)p->type) {
  case FL_PARAM_LAYER: snprintf(out, n, "LAYER"); return;
  case FL_PARAM_FIELD: snprintf(out, n, "FIELD"); return;
  case FL_PARAM_NUMBER: snprintf(out, n, "NUMBER"); return;
  case FL_PARAM_DISTANCES: snprintf(out, n, "LIST"); return;
  case FL_PARAM_BOOL: out[0] = '\0'; return;
  case FL_PARAM_STRING: snprintf(out, n, "TEXT"); return;
  case FL_PARAM_OUTPUT: snprintf(out, n, "FILE"); return;
  case FL_PARAM_RASTER: snprintf(out, n, "RASTER"); return;
  case FL_PARAM_ENUM: {
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; p->enum_values && p->enum_values[i]; i++) {
      int w = snprintf(out + used, n - used, "%s%s", i ? "|" : "", p->enum_values[i]);
      if (w < 0 || (size_t)w >= n - used) break;
      used += (size_t)w;
    }
    return;
  }
  }
  snprintf(out, n, "VALUE");
}

static void param_help(FILE *f, const fl_param_desc *p) {
  char opt[128], mv[256], line[512], facts[768];
  size_t used = 0;
  fl_cli_option_name(p->name, opt, sizeof opt);
  metavar(p, mv, sizeof mv);
  snprintf(line, sizeof line, "  --%s%s%s", opt, mv[0] ? " " : "", mv);
  fprintf(f, "%s\n", line);

  facts[0] = '\0';
#define FACT(...)                                                              \
  do {                                                                         \
    int w_ = snprintf(facts + used, sizeof facts - used, __VA_ARGS__);         \
    if (w_ > 0 && (size_t)w_ < sizeof facts - used) used += (size_t)w_;        \
  } while (0)
  FACT("%s.", p->title ? p->title : p->name);
  if (p->help && *p->help) FACT(" %s", p->help);
  FACT(" [");
  if (!(p->flags & FL_PARAM_OPTIONAL))
    FACT("required");
  else if (p->type == FL_PARAM_BOOL)
    FACT("flag");
  else
    FACT("optional");
  if (p->unit && *p->unit) FACT("; unit: %s", p->unit);
  if (p->type == FL_PARAM_NUMBER && (isfinite(p->min_value) || isfinite(p->max_value))) {
    if (isfinite(p->min_value) && isfinite(p->max_value))
      FACT("; range: %.9g to %.9g", p->min_value, p->max_value);
    else if (isfinite(p->min_value))
      FACT("; minimum: %.9g", p->min_value);
    else
      FACT("; maximum: %.9g", p->max_value);
  }
  if (p->type == FL_PARAM_LAYER && !(p->help && strstr(p->help, "Accepts ")))
    FACT("; accepts %s", kinds(p->geometry));
  if (p->type == FL_PARAM_FIELD && p->parent) {
    char popt[128];
    fl_cli_option_name(p->parent, popt, sizeof popt);
    FACT("; field of --%s", popt);
  }
  if (p->default_text) FACT("; default: %s", *p->default_text ? p->default_text : "\"\"");
  if (p->flags & FL_PARAM_ADVANCED) FACT("; advanced");
  FACT("]");
#undef FACT
  wrap(f, facts, 6);
}

void fl_cli_tool_help(FILE *f, const fl_host *h, const fl_tool_desc *t) {
  fprintf(f, "frontline run %s - %s\n\n", t->id, t->title ? t->title : "");
  if (t->help) {
    wrap(f, t->help, 0);
    fputc('\n', f);
  }
  /* Synopsis: the required parameters, then [options]. */
  char syn[2048];
  size_t used = 0;
  int w = snprintf(syn, sizeof syn, "Usage: frontline run %s", t->id);
  used = w > 0 ? (size_t)w : 0;
  for (int32_t i = 0; i < t->n_params; i++) {
    const fl_param_desc *p = fl_host_param(h, t, i);
    if (!p || (p->flags & FL_PARAM_OPTIONAL)) continue;
    char opt[128], mv[256];
    fl_cli_option_name(p->name, opt, sizeof opt);
    metavar(p, mv, sizeof mv);
    w = snprintf(syn + used, sizeof syn - used, " --%s %s", opt, mv);
    if (w > 0 && (size_t)w < sizeof syn - used) used += (size_t)w;
  }
  snprintf(syn + used, sizeof syn - used, " [options]");
  fprintf(f, "%s\n\nParameters:\n", syn);
  for (int32_t i = 0; i < t->n_params; i++) {
    const fl_param_desc *p = fl_host_param(h, t, i);
    if (p) param_help(f, p);
  }
  fprintf(f,
          "\nAlso: --quiet, --json, --limit NAME=N (see frontline --help). Names take '-' or '_' alike:\n"
          "--snap-m and --snap_m are the same.\n");
}
