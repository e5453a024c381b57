/*
 * check_plugin_abi.c - the plugin ABI as a host sees it.
 *
 * dlopens the real libfrontline_plugin.so (path in argv[1] or
 * $FL_PLUGIN_PATH), walks every tool and parameter and checks the
 * invariants of STYLE.md 5.7 and plugin.h: one versioned entry point that
 * refuses other majors, sizes equal to this build's sizeof, unique
 * kebab-case tool ids, unique snake_case parameter names, defaults that
 * parse, enum defaults among the values, field parents that exist, a docs
 * page per tool (docs dir in argv[2] or $FL_DOCS_DIR), and a run() that
 * fails on bad input with a sentence naming the parameter, before calling
 * any callback. With sample data (argv[3] or $FL_SAMPLE_DATA) it also
 * checks cancel and progress on a real run.
 *
 * The rules cited are those of plugin/abi/params.c (P1..P6),
 * plugin_entry.c (R1..R5) and tool_util.c (U1..U5).
 */
#include <check.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontline/plugin.h"

static const char *plugin_path;
static const char *docs_dir;
static const char *sample_dir;
static void *lib;
static fl_plugin_query_fn query;
static const fl_plugin_api *api;

/* ---- Helpers ----------------------------------------------------------- */

#define ASSERT_HAS(hay, needle)                                                         \
  ck_assert_msg(strstr((hay), (needle)) != NULL, "expected '%s' in message: \"%s\"",    \
                (needle), (hay))

static void setup(void) {
  lib = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
  ck_assert_msg(lib != NULL, "dlopen(%s): %s", plugin_path, dlerror());
  void *sym = dlsym(lib, FL_PLUGIN_ENTRY);
  ck_assert_msg(sym != NULL, "no symbol %s in %s", FL_PLUGIN_ENTRY, plugin_path);
  memcpy(&query, &sym, sizeof query);
  api = query(FL_PLUGIN_ABI_MAJOR);
  ck_assert_ptr_nonnull(api);
}

static void teardown(void) {
  if (lib) dlclose(lib);
  lib = NULL;
  api = NULL;
}

static const fl_param_desc *param_at(const fl_tool_desc *t, int32_t i) {
  return (const fl_param_desc *)((const char *)t->params + (size_t)i * api->param_desc_size);
}

static const fl_param_desc *find_param(const fl_tool_desc *t, const char *name) {
  for (int32_t i = 0; i < t->n_params; i++)
    if (strcmp(param_at(t, i)->name, name) == 0) return param_at(t, i);
  return NULL;
}

static const fl_tool_desc *find_tool(const char *id) {
  for (int32_t i = 0; i < api->tool_count(); i++)
    if (strcmp(api->tool_at(i)->id, id) == 0) return api->tool_at(i);
  return NULL;
}

static int is_kebab(const char *s) {
  if (!s || !islower((unsigned char)s[0])) return 0;
  for (const char *c = s; *c; c++) {
    if (*c == '-' && (c[1] == '-' || c[1] == '\0')) return 0;
    if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '-') return 0;
  }
  return 1;
}

static int is_snake(const char *s) {
  if (!s || !islower((unsigned char)s[0])) return 0;
  for (const char *c = s; *c; c++) {
    if (*c == '_' && (c[1] == '_' || c[1] == '\0')) return 0;
    if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_') return 0;
  }
  return 1;
}

/* An independent reading of plugin.h's value forms, to check the defaults. */
static int strict_number(const char *s, double *v) {
  char *end = NULL;
  errno = 0;
  *v = strtod(s, &end);
  return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

static int default_parses(const fl_param_desc *p, char *why, size_t n) {
  const char *d = p->default_text;
  double v, prev = -INFINITY;
  switch (p->type) {
  case FL_PARAM_NUMBER:
    if (!strict_number(d, &v)) return snprintf(why, n, "not a number"), 0;
    if (v < p->min_value || v > p->max_value) return snprintf(why, n, "out of range"), 0;
    return 1;
  case FL_PARAM_DISTANCES: {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", d);
    int count = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
      if (!strict_number(tok, &v)) return snprintf(why, n, "item '%s' not a number", tok), 0;
      if (v <= 0 || v <= prev) return snprintf(why, n, "not positive and increasing"), 0;
      prev = v;
      count++;
    }
    return count > 0 || (snprintf(why, n, "empty list"), 0);
  }
  case FL_PARAM_ENUM:
    for (int i = 0; p->enum_values && p->enum_values[i]; i++)
      if (strcmp(p->enum_values[i], d) == 0) return 1;
    return snprintf(why, n, "not among the enum values"), 0;
  case FL_PARAM_BOOL:
    if (!strcmp(d, "true") || !strcmp(d, "false")) return 1;
    return snprintf(why, n, "boolean default must be 'true' or 'false'"), 0;
  case FL_PARAM_FIELD:
    return *d != '\0' || (snprintf(why, n, "empty field name"), 0);
  default:
    return 1;
  }
}

typedef struct progress_log {
  int calls;
  double last;
  int backwards;
  int out_of_range;
  int cancel_after; /* answer "stop" from this call on (0: never) */
} progress_log;

static int32_t on_progress(double f, const char *msg, void *user) {
  progress_log *pl = user;
  (void)msg;
  pl->calls++;
  if (f < pl->last) pl->backwards++;
  if (!(f >= 0.0 && f <= 1.0)) pl->out_of_range++;
  pl->last = f;
  return pl->cancel_after && pl->calls >= pl->cancel_after;
}

/* Build keys/values with every required parameter filled by a harmless
 * value, then one override (name = value; NULL name: none). */
typedef struct argset {
  const char *keys[64];
  const char *values[64];
  int32_t n;
} argset;

static void argset_required(argset *a, const fl_tool_desc *t, const char *out_path,
                            const char *name, const char *value) {
  a->n = 0;
  for (int32_t i = 0; i < t->n_params; i++) {
    const fl_param_desc *p = param_at(t, i);
    if (name && strcmp(p->name, name) == 0) continue;
    if (p->flags & FL_PARAM_OPTIONAL) continue;
    a->keys[a->n] = p->name;
    a->values[a->n++] = p->type == FL_PARAM_OUTPUT ? out_path : "/nonexistent/frontline.geojson";
  }
  if (name) {
    a->keys[a->n] = name;
    a->values[a->n++] = value;
  }
}

static int32_t run_args(const fl_tool_desc *t, const argset *a, progress_log *pl,
                        const volatile int32_t *cancel, char *err, size_t err_len) {
  char summary[4096];
  return api->run(t->id, a->n, a->keys, a->values, pl ? on_progress : NULL, pl, cancel, 0,
                  summary, sizeof summary, err, err_len);
}

static void temp_path(char *out, size_t n, const char *tag, const char *ext) {
  const char *dir = getenv("TMPDIR");
  snprintf(out, n, "%s/fl_abi_%ld_%s%s", dir && *dir ? dir : "/tmp", (long)getpid(), tag, ext);
}

/* ---- Entry point and versions ------------------------------------------ */

START_TEST(test_query_serves_our_major) {
  ck_assert_uint_eq(api->abi_major, FL_PLUGIN_ABI_MAJOR);
  ck_assert_uint_ge(api->abi_minor, FL_PLUGIN_ABI_MINOR);
  ck_assert_ptr_nonnull(api->library_version);
  ck_assert_msg(isdigit((unsigned char)api->library_version[0]),
                "library_version '%s' is not MAJOR.MINOR.PATCH", api->library_version);
}
END_TEST

START_TEST(test_query_refuses_other_majors) {
  ck_assert_ptr_null(query(0));
  ck_assert_ptr_null(query(FL_PLUGIN_ABI_MAJOR + 1));
  ck_assert_ptr_null(query(0xffffffffu));
}
END_TEST

START_TEST(test_query_sizes_equal_sizeof) {
  ck_assert_uint_eq(api->struct_size, sizeof(fl_plugin_api));
  ck_assert_uint_eq(api->tool_desc_size, sizeof(fl_tool_desc));
  ck_assert_uint_eq(api->param_desc_size, sizeof(fl_param_desc));
  ck_assert_ptr_nonnull(api->tool_count);
  ck_assert_ptr_nonnull(api->tool_at);
  ck_assert_ptr_nonnull(api->run);
}
END_TEST

START_TEST(test_query_only_entry_point_exported) {
  /* STYLE.md 5.10: the library promises fl_plugin_query and nothing else. */
  ck_assert_ptr_null(dlsym(lib, "fl_ctx_create"));
  ck_assert_ptr_null(dlsym(lib, "fl_bands"));
  ck_assert_ptr_null(dlsym(lib, "flp_tool_at"));
}
END_TEST

/* ---- Tools --------------------------------------------------------------- */

START_TEST(test_tools_core_six_present) {
  static const char *const ids[] = {"bands",         "frontline",     "settlement-status",
                                    "route-exposure", "nearest-route", "analyze"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    ck_assert_msg(find_tool(ids[i]) != NULL, "tool '%s' is missing", ids[i]);
}
END_TEST

START_TEST(test_tools_ids_unique_kebab) {
  int32_t n = api->tool_count();
  ck_assert_int_gt(n, 0);
  for (int32_t i = 0; i < n; i++) {
    const fl_tool_desc *t = api->tool_at(i);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(is_kebab(t->id), "tool id '%s' is not kebab-case", t->id);
    for (int32_t j = 0; j < i; j++)
      ck_assert_msg(strcmp(t->id, api->tool_at(j)->id) != 0, "tool id '%s' twice", t->id);
    ck_assert_msg(t->title && *t->title, "tool '%s' has no title", t->id);
    ck_assert_msg(t->group && *t->group, "tool '%s' has no group", t->id);
    ck_assert_msg(t->help && strlen(t->help) > 40, "tool '%s' has no real help", t->id);
    ck_assert_msg(t->params && t->n_params > 0, "tool '%s' has no parameters", t->id);
  }
}
END_TEST

START_TEST(test_tools_at_out_of_range_is_null) {
  ck_assert_ptr_null(api->tool_at(api->tool_count()));
  ck_assert_ptr_null(api->tool_at(-1));
  ck_assert_ptr_null(api->tool_at(1 << 20));
}
END_TEST

/* ---- Parameters ---------------------------------------------------------- */

START_TEST(test_params_names_unique_snake) {
  static const char *const reserved[] = {"help", "quiet", "json", "version", NULL};
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    for (int32_t i = 0; i < t->n_params; i++) {
      const fl_param_desc *p = param_at(t, i);
      ck_assert_msg(is_snake(p->name), "%s: parameter '%s' is not snake_case", t->id, p->name);
      for (int r = 0; reserved[r]; r++)
        ck_assert_msg(strcmp(p->name, reserved[r]) != 0,
                      "%s: parameter name '%s' is reserved for hosts", t->id, p->name);
      for (int32_t j = 0; j < i; j++)
        ck_assert_msg(strcmp(p->name, param_at(t, j)->name) != 0, "%s: parameter '%s' twice",
                      t->id, p->name);
      ck_assert_msg(p->title && *p->title, "%s.%s: no title", t->id, p->name);
      ck_assert_msg(p->help && strlen(p->help) > 15, "%s.%s: no real help", t->id, p->name);
      ck_assert_msg(p->unit != NULL, "%s.%s: unit is NULL (use \"\")", t->id, p->name);
      ck_assert_msg((p->flags & ~(FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED | FL_PARAM_RASTER_OUT |
                                    FL_PARAM_DOC_OUT)) == 0,
                    "%s.%s: unknown flag bits", t->id, p->name);
      ck_assert_msg(!(p->flags & FL_PARAM_DOC_OUT) ||
                        (p->type == FL_PARAM_OUTPUT && (p->flags & FL_PARAM_OPTIONAL)),
                    "%s.%s: document output flag on a non-output or a required one (ABI 1.2)",
                    t->id, p->name);
      ck_assert_msg(!(p->flags & FL_PARAM_RASTER_OUT) || p->type == FL_PARAM_OUTPUT,
                    "%s.%s: raster output flag on a non-output (ABI 1.1)", t->id, p->name);
      ck_assert_msg(p->type >= FL_PARAM_LAYER && p->type <= FL_PARAM_RASTER,
                    "%s.%s: bad type %d", t->id, p->name, p->type);
      /* ABI 1.2: an output's layer names are lowercase identifiers, never a
       * parameter's name (QGIS names each layer's output after it). */
      for (int v = 0; p->type == FL_PARAM_OUTPUT && p->enum_values && p->enum_values[v]; v++) {
        const char *ln = p->enum_values[v];
        ck_assert_msg(strspn(ln, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(ln) && *ln,
                      "%s.%s: layer name '%s' is not a lowercase identifier", t->id, p->name, ln);
      }
    }
  }
}
END_TEST

START_TEST(test_params_defaults_parse) {
  char why[128];
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    for (int32_t i = 0; i < t->n_params; i++) {
      const fl_param_desc *p = param_at(t, i);
      if (p->type == FL_PARAM_ENUM) {
        ck_assert_msg(p->enum_values && p->enum_values[0], "%s.%s: enum without values",
                      t->id, p->name);
        ck_assert_msg(p->default_text != NULL, "%s.%s: enum without default", t->id, p->name);
      }
      if (!p->default_text) continue;
      ck_assert_msg(default_parses(p, why, sizeof why), "%s.%s: default '%s' does not parse: %s",
                    t->id, p->name, p->default_text, why);
      ck_assert_msg(p->flags & FL_PARAM_OPTIONAL,
                    "%s.%s: has a default but is not FL_PARAM_OPTIONAL", t->id, p->name);
    }
  }
}
END_TEST

START_TEST(test_params_fields_have_layer_parent) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    for (int32_t i = 0; i < t->n_params; i++) {
      const fl_param_desc *p = param_at(t, i);
      if (p->type == FL_PARAM_FIELD) {
        ck_assert_msg(p->parent != NULL, "%s.%s: field without parent", t->id, p->name);
        const fl_param_desc *parent = find_param(t, p->parent);
        ck_assert_msg(parent != NULL, "%s.%s: parent '%s' is not a parameter", t->id, p->name,
                      p->parent);
        ck_assert_msg(parent->type == FL_PARAM_LAYER, "%s.%s: parent '%s' is not a layer",
                      t->id, p->name, p->parent);
        ck_assert_msg(strstr(p->help, p->parent) != NULL,
                      "%s.%s: help does not name its layer '%s'", t->id, p->name, p->parent);
      } else {
        ck_assert_msg(p->parent == NULL, "%s.%s: parent on a non-field", t->id, p->name);
      }
      if (p->type == FL_PARAM_LAYER) {
        ck_assert_msg(p->geometry != 0 && (p->geometry & ~FL_GEOM_ANY) == 0,
                      "%s.%s: geometry bits 0x%x", t->id, p->name, p->geometry);
        ck_assert_msg(strstr(p->help, "Accepts") != NULL,
                      "%s.%s: help does not say which geometry it accepts", t->id, p->name);
      } else {
        ck_assert_msg(p->geometry == 0, "%s.%s: geometry on a non-layer", t->id, p->name);
      }
    }
  }
}
END_TEST

START_TEST(test_params_output_and_overwrite) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    const fl_param_desc *out = find_param(t, "output"), *ow = find_param(t, "overwrite");
    ck_assert_msg(out && out->type == FL_PARAM_OUTPUT && !(out->flags & FL_PARAM_OPTIONAL),
                  "%s: no required output parameter", t->id);
    ck_assert_msg(ow && ow->type == FL_PARAM_BOOL && ow->default_text &&
                      strcmp(ow->default_text, "false") == 0,
                  "%s: no overwrite flag defaulting to false", t->id);
  }
}
END_TEST

START_TEST(test_params_distances_default_metres) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    const fl_param_desc *d = find_param(t, "distances");
    if (!d) continue;
    ck_assert_int_eq(d->type, FL_PARAM_DISTANCES);
    ck_assert_str_eq(d->unit, "m");
    ck_assert_str_eq(d->default_text, "5000,10000,20000,40000");
  }
}
END_TEST

/* ---- Docs ------------------------------------------------------------------ */

START_TEST(test_docs_page_per_tool) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    char path[1024];
    snprintf(path, sizeof path, "%s/tools/%s.md", docs_dir, t->id);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "tool '%s' has no docs page %s", t->id, path);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    for (int32_t i = 0; i < t->n_params; i++) {
      const char *name = param_at(t, i)->name;
      ck_assert_msg(strstr(text, name) != NULL, "%s does not document parameter '%s'", path,
                    name);
    }
    ASSERT_HAS(text, "Since");
  }
}
END_TEST

/* ---- run(): bad input ------------------------------------------------------ */

START_TEST(test_run_unknown_tool_suggests) {
  char err[512];
  int32_t st = api->run("band", 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err);
  ck_assert_int_ne(st, 0); /* (R1) */
  ASSERT_HAS(err, "'band'");
  ASSERT_HAS(err, "did you mean 'bands'");
  st = api->run("no-such-tool-at-all", 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, err,
                sizeof err);
  ck_assert_int_ne(st, 0);
  ASSERT_HAS(err, "no-such-tool-at-all");
}
END_TEST

START_TEST(test_run_null_arguments) {
  char err[512];
  ck_assert_int_ne(api->run(NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err),
                   0); /* (R2) */
  ck_assert_int_ne(strlen(err), 0);
  ck_assert_int_ne(api->run("bands", 2, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err),
                   0);
  ck_assert_int_ne(api->run("bands", -1, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err),
                   0);
  /* No error buffer at all must not crash either. */
  ck_assert_int_ne(api->run("bands", 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, 0), 0);
  const char *keys[] = {NULL}, *values[] = {"x"};
  ck_assert_int_ne(api->run("bands", 1, keys, values, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err),
                   0);
}
END_TEST

START_TEST(test_run_errbuf_truncated) {
  char err[8];
  memset(err, 'x', sizeof err);
  int32_t st = api->run("nope", 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err);
  ck_assert_int_ne(st, 0);
  ck_assert_uint_eq(strlen(err), sizeof err - 1); /* (R5) */
}
END_TEST

START_TEST(test_run_missing_required_names_it) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    for (int32_t i = 0; i < t->n_params; i++) {
      const fl_param_desc *p = param_at(t, i);
      if (p->flags & FL_PARAM_OPTIONAL) continue;
      argset a;
      char out[512], err[1024], quoted[96];
      progress_log pl = {0, -1, 0, 0, 0};
      temp_path(out, sizeof out, "missing", ".gpkg");
      argset_required(&a, t, out, p->name, "");
      a.n--; /* drop the override: the parameter is simply absent */
      int32_t st = run_args(t, &a, &pl, NULL, err, sizeof err);
      ck_assert_int_eq(st, 2); /* FL_E_ARG (P3) */
      snprintf(quoted, sizeof quoted, "@{%s}", p->name);
      ASSERT_HAS(err, quoted);
      ck_assert_int_eq(pl.calls, 0); /* (R4) */
    }
  }
}
END_TEST

/* Every typed parameter with a bad value: FL_E_ARG, the sentence names the
 * parameter and repeats the value; no callback. (P4, P5, R4) */
START_TEST(test_run_bad_values_name_parameter) {
  int checked = 0;
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    for (int32_t i = 0; i < t->n_params; i++) {
      const fl_param_desc *p = param_at(t, i);
      static const char *const bad_number[] = {"abc", "1e999", "", NULL};
      static const char *const bad_dist[] = {"5000,3000", "-5", "abc", "0,100", NULL};
      static const char *const bad_enum[] = {"sideways", NULL};
      static const char *const bad_bool[] = {"maybe", NULL};
      static const char *const bad_output[] = {"result.txt", NULL};
      const char *const *bad = NULL;
      switch (p->type) {
      case FL_PARAM_NUMBER: bad = bad_number; break;
      case FL_PARAM_DISTANCES: bad = bad_dist; break;
      case FL_PARAM_ENUM: bad = bad_enum; break;
      case FL_PARAM_BOOL: bad = bad_bool; break;
      case FL_PARAM_OUTPUT: bad = bad_output; break;
      default: continue;
      }
      for (int b = 0; bad[b]; b++) {
        if (!*bad[b] && (p->flags & FL_PARAM_OPTIONAL)) continue; /* (P6) empty = default */
        argset a;
        char out[512], err[1024];
        progress_log pl = {0, -1, 0, 0, 0};
        temp_path(out, sizeof out, "bad", ".gpkg");
        argset_required(&a, t, out, p->name, bad[b]);
        int32_t st = run_args(t, &a, &pl, NULL, err, sizeof err);
        ck_assert_msg(st == 2, "%s.%s='%s': status %d (%s)", t->id, p->name, bad[b], st, err);
        ASSERT_HAS(err, p->name);
        if (*bad[b]) ASSERT_HAS(err, bad[b]);
        ck_assert_int_eq(pl.calls, 0);
        checked++;
      }
    }
  }
  ck_assert_int_gt(checked, 10);
}
END_TEST

START_TEST(test_run_number_message_form) {
  /* The sentence the brief gives as the model. */
  const fl_tool_desc *t = find_tool("frontline");
  ck_assert_ptr_nonnull(t);
  argset a;
  char out[512], err[1024];
  temp_path(out, sizeof out, "num", ".gpkg");
  argset_required(&a, t, out, "snap_m", "abc");
  ck_assert_int_eq(run_args(t, &a, NULL, NULL, err, sizeof err), 2);
  ck_assert_str_eq(err, "@{snap_m} must be a number between 0 and 1000000, got 'abc'");
  argset_required(&a, t, out, "snap_m", "-1");
  ck_assert_int_eq(run_args(t, &a, NULL, NULL, err, sizeof err), 2);
  ck_assert_str_eq(err, "@{snap_m} must be a number between 0 and 1000000, got '-1'");
}
END_TEST

START_TEST(test_run_unknown_parameter_suggests) {
  const fl_tool_desc *t = find_tool("frontline");
  argset a;
  char out[512], err[1024];
  temp_path(out, sizeof out, "unk", ".gpkg");
  argset_required(&a, t, out, "snapm", "100");
  ck_assert_int_eq(run_args(t, &a, NULL, NULL, err, sizeof err), 2); /* (P1) */
  ASSERT_HAS(err, "'snapm'");
  ASSERT_HAS(err, "did you mean @{snap_m}");
  argset_required(&a, t, out, "zzzzzzzzzz", "1");
  ck_assert_int_eq(run_args(t, &a, NULL, NULL, err, sizeof err), 2);
  ASSERT_HAS(err, "'zzzzzzzzzz'");
}
END_TEST

START_TEST(test_run_duplicate_parameter) {
  const fl_tool_desc *t = find_tool("bands");
  argset a;
  char out[512], err[1024];
  temp_path(out, sizeof out, "dup", ".gpkg");
  argset_required(&a, t, out, "front", "/nonexistent/b.geojson");
  a.keys[a.n] = "front";
  a.values[a.n++] = "/nonexistent/c.geojson";
  ck_assert_int_eq(run_args(t, &a, NULL, NULL, err, sizeof err), 2); /* (P2) */
  ASSERT_HAS(err, "@{front}");
  ASSERT_HAS(err, "twice");
}
END_TEST

START_TEST(test_run_existing_output_untouched) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    argset a;
    char out[512], err[1024], back[64] = "";
    progress_log pl = {0, -1, 0, 0, 0};
    temp_path(out, sizeof out, "exists", ".gpkg");
    FILE *f = fopen(out, "w");
    ck_assert_ptr_nonnull(f);
    fputs("keep me", f);
    fclose(f);
    argset_required(&a, t, out, NULL, NULL);
    int32_t st = run_args(t, &a, &pl, NULL, err, sizeof err);
    ck_assert_msg(st == 10, "%s: status %d (%s), expected FL_E_EXISTS", t->id, st, err); /* (R3) */
    ASSERT_HAS(err, out);
    ASSERT_HAS(err, "overwrite");
    ck_assert_int_eq(pl.calls, 0);
    f = fopen(out, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(back, sizeof back, f));
    fclose(f);
    unlink(out);
    ck_assert_str_eq(back, "keep me");
  }
}
END_TEST

START_TEST(test_run_missing_layer_names_parameter) {
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    argset a;
    char out[512], err[1024];
    temp_path(out, sizeof out, "nolayer", ".gpkg");
    unlink(out);
    argset_required(&a, t, out, NULL, NULL);
    for (int32_t i = 0; i < t->n_params; i++) { /* every layer, optional ones too */
      const fl_param_desc *p = param_at(t, i);
      if (p->type != FL_PARAM_LAYER || !(p->flags & FL_PARAM_OPTIONAL)) continue;
      a.keys[a.n] = p->name;
      a.values[a.n++] = "/nonexistent/frontline.geojson";
    }
    int32_t st = run_args(t, &a, NULL, NULL, err, sizeof err);
    ck_assert_msg(st != 0, "%s ran on a missing file", t->id);
    ASSERT_HAS(err, "/nonexistent/frontline.geojson");
    ASSERT_HAS(err, "@{");
    ck_assert_msg(access(out, F_OK) != 0, "%s left an output after failing", t->id);
  }
}
END_TEST

START_TEST(test_run_cancel_before_start) {
  const fl_tool_desc *t = find_tool("bands");
  argset a;
  char out[512], err[1024];
  volatile int32_t cancel = 1;
  progress_log pl = {0, -1, 0, 0, 0};
  temp_path(out, sizeof out, "cancel0", ".gpkg");
  unlink(out);
  argset_required(&a, t, out, NULL, NULL);
  ck_assert_int_eq(run_args(t, &a, &pl, &cancel, err, sizeof err), 11); /* FL_E_CANCEL */
  ck_assert_int_eq(pl.calls, 0);
  ck_assert_int_ne(access(out, F_OK), 0);
}
END_TEST

/* ---- run() on sample data ---------------------------------------------------- */

static int have_sample(const char *file) {
  char path[1024];
  if (!sample_dir) return 0;
  snprintf(path, sizeof path, "%s/%s", sample_dir, file);
  return access(path, R_OK) == 0;
}

START_TEST(test_sample_bands_progress_monotonic) {
  if (!have_sample("front.geojson")) return;
  char front[1024], out[512], err[1024], summary[8192];
  snprintf(front, sizeof front, "%s/front.geojson", sample_dir);
  temp_path(out, sizeof out, "bands_ok", ".gpkg");
  unlink(out);
  const char *keys[] = {"front", "output"}, *values[] = {front, out};
  progress_log pl = {0, -1, 0, 0, 0};
  int32_t st = api->run("bands", 2, keys, values, on_progress, &pl, NULL, 1, summary,
                        sizeof summary, err, sizeof err);
  ck_assert_msg(st == 0, "bands on sample data: %s", err);
  ck_assert_int_gt(pl.calls, 0);
  ck_assert_int_eq(pl.backwards, 0); /* (U3) */
  ck_assert_int_eq(pl.out_of_range, 0);
  ck_assert_double_eq(pl.last, 1.0);
  ck_assert_int_le(pl.calls, 120); /* about one call per 1 %, plus stages */
  ASSERT_HAS(summary, "\"tool\":\"bands\"");
  ASSERT_HAS(summary, "\"features\":16"); /* 4 front groups x 4 default bands */
  ck_assert_int_eq(access(out, F_OK), 0);
  unlink(out);
}
END_TEST

START_TEST(test_sample_cancel_from_callback) {
  if (!have_sample("front.geojson")) return;
  char front[1024], out[512], err[1024];
  snprintf(front, sizeof front, "%s/front.geojson", sample_dir);
  temp_path(out, sizeof out, "bands_cancel", ".gpkg");
  unlink(out);
  const char *keys[] = {"front", "output"}, *values[] = {front, out};
  progress_log pl = {0, -1, 0, 0, 1};
  int32_t st = api->run("bands", 2, keys, values, on_progress, &pl, NULL, 0, NULL, 0, err,
                        sizeof err);
  ck_assert_int_eq(st, 11); /* (U4) */
  ASSERT_HAS(err, "cancel");
  ck_assert_msg(access(out, F_OK) != 0, "a cancelled run wrote %s", out);
}
END_TEST

START_TEST(test_sample_wrong_geometry_names_feature) {
  if (!have_sample("front.geojson")) return;
  char pts[1024], out[512], err[1024];
  /* bands takes points too (issue 15): range-rings takes only points. */
  snprintf(pts, sizeof pts, "%s/front.geojson", sample_dir);
  temp_path(out, sizeof out, "rings_geom", ".gpkg");
  unlink(out);
  const char *keys[] = {"positions", "output"}, *values[] = {pts, out};
  int32_t st =
      api->run("range-rings", 2, keys, values, NULL, NULL, NULL, 0, NULL, 0, err, sizeof err);
  ck_assert_int_eq(st, 6); /* FL_E_GEOM (U1) */
  ASSERT_HAS(err, "@{positions}: layer");
  ASSERT_HAS(err, "feature ");
  ASSERT_HAS(err, "points");
}
END_TEST

START_TEST(test_sample_unknown_field_lists_fields) {
  if (!have_sample("control.geojson")) return;
  char ctl[1024], out[512], err[1024];
  snprintf(ctl, sizeof ctl, "%s/control.geojson", sample_dir);
  temp_path(out, sizeof out, "fl_field", ".gpkg");
  unlink(out);
  const char *keys[] = {"control", "side_field", "output"}, *values[] = {ctl, "sid", out};
  int32_t st = api->run("frontline", 3, keys, values, NULL, NULL, NULL, 0, NULL, 0, err,
                        sizeof err);
  ck_assert_int_eq(st, 5); /* FL_E_FIELD (U2) */
  ASSERT_HAS(err, "@{side_field}");
  ASSERT_HAS(err, "'sid'");
  ASSERT_HAS(err, "side"); /* the fields it has */
}
END_TEST

/* A text summary too long for the host's buffer keeps its warnings: the
 * tool's lines are cut at a line's end, with a line saying so, and the
 * warnings follow whole (issue 10: analyze's report on the real layers is
 * ~380 kB; QGIS's 64 kB buffer cut off the warning about a closed hole).
 * A 743 m2 hole below min_area_km2 gives the warning; a long output name a
 * long first line. */
START_TEST(test_run_summary_cut_keeps_warnings) {
  char ctl[512], out[512], err[1024], full[8192], cut[8192];
  temp_path(ctl, sizeof ctl, "holed", ".geojson");
  FILE *f = fopen(ctl, "w");
  ck_assert_ptr_nonnull(f);
  fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"side\":\"RU\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[37.5,48.0],"
        "[38.0,48.0],[38.0,48.5],[37.5,48.5],[37.5,48.0]],[[37.8,48.25],[37.8003,48.25],"
        "[37.8003,48.2503],[37.8,48.2503],[37.8,48.25]]]}},{\"type\":\"Feature\",\"properties\":"
        "{\"side\":\"UA\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[37.0,48.0],"
        "[37.5,48.0],[37.5,48.5],[37.0,48.5],[37.0,48.0]]]}}]}",
        f);
  fclose(f);
  temp_path(out, sizeof out,
            "a_long_output_name_so_that_the_first_line_of_the_summary_is_long_enough_to_be_cut_"
            "when_the_buffer_is_small",
            ".gpkg");
  unlink(out);
  const char *keys[] = {"control", "output", "overwrite"}, *values[] = {ctl, out, "true"};
  int32_t st = api->run("frontline", 3, keys, values, NULL, NULL, NULL, 0, full, sizeof full, err,
                        sizeof err);
  ck_assert_msg(st == 0, "frontline: %s", err);
  const char *w = strstr(full, "Warning: ");
  ck_assert_msg(w && strstr(w, "closed 1 hole"), "no hole warning in: %s", full);
  size_t len = strlen(full), wl = strlen(w);
  ck_assert_msg(len - wl > 170, "the tool's lines are too short to cut: %s", full);
  size_t small = wl + 161 + 10; /* room for the warning, the note and 10 bytes of text */
  ck_assert_uint_lt(small, len);
  st = api->run("frontline", 3, keys, values, NULL, NULL, NULL, 0, cut, small, err, sizeof err);
  ck_assert_msg(st == 0, "frontline: %s", err);
  ck_assert_uint_lt(strlen(cut), small);
  ASSERT_HAS(cut, "more bytes of the summary left out to fit the host's");
  ck_assert_msg(strlen(cut) >= wl && strcmp(cut + strlen(cut) - wl, w) == 0,
                "the warning is not whole at the end of: %s", cut);
  unlink(out);
  unlink(ctl);
}
END_TEST

static Suite *abi_suite(void) {
  Suite *s = suite_create("plugin_abi");
  TCase *tc = tcase_create("query");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_query_serves_our_major);
  tcase_add_test(tc, test_query_refuses_other_majors);
  tcase_add_test(tc, test_query_sizes_equal_sizeof);
  tcase_add_test(tc, test_query_only_entry_point_exported);
  suite_add_tcase(s, tc);

  tc = tcase_create("tools");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_tools_core_six_present);
  tcase_add_test(tc, test_tools_ids_unique_kebab);
  tcase_add_test(tc, test_tools_at_out_of_range_is_null);
  suite_add_tcase(s, tc);

  tc = tcase_create("params");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_params_names_unique_snake);
  tcase_add_test(tc, test_params_defaults_parse);
  tcase_add_test(tc, test_params_fields_have_layer_parent);
  tcase_add_test(tc, test_params_output_and_overwrite);
  tcase_add_test(tc, test_params_distances_default_metres);
  suite_add_tcase(s, tc);

  tc = tcase_create("docs");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_docs_page_per_tool);
  suite_add_tcase(s, tc);

  tc = tcase_create("run");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_run_unknown_tool_suggests);
  tcase_add_test(tc, test_run_null_arguments);
  tcase_add_test(tc, test_run_errbuf_truncated);
  tcase_add_test(tc, test_run_missing_required_names_it);
  tcase_add_test(tc, test_run_bad_values_name_parameter);
  tcase_add_test(tc, test_run_number_message_form);
  tcase_add_test(tc, test_run_unknown_parameter_suggests);
  tcase_add_test(tc, test_run_duplicate_parameter);
  tcase_add_test(tc, test_run_existing_output_untouched);
  tcase_add_test(tc, test_run_missing_layer_names_parameter);
  tcase_add_test(tc, test_run_cancel_before_start);
  suite_add_tcase(s, tc);

  tc = tcase_create("sample");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_sample_bands_progress_monotonic);
  tcase_add_test(tc, test_sample_cancel_from_callback);
  tcase_add_test(tc, test_sample_wrong_geometry_names_feature);
  tcase_add_test(tc, test_sample_unknown_field_lists_fields);
  tcase_add_test(tc, test_run_summary_cut_keeps_warnings);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) {
  plugin_path = argc > 1 ? argv[1] : getenv("FL_PLUGIN_PATH");
  docs_dir = argc > 2 ? argv[2] : getenv("FL_DOCS_DIR");
  sample_dir = argc > 3 ? argv[3] : getenv("FL_SAMPLE_DATA");
  if (!plugin_path || !docs_dir) {
    fprintf(stderr,
            "usage: %s PLUGIN.so DOCS_DIR [SAMPLE_DATA_DIR]\n"
            "  (or set FL_PLUGIN_PATH, FL_DOCS_DIR, FL_SAMPLE_DATA)\n",
            argv[0]);
    return 2;
  }
  SRunner *sr = srunner_create(abi_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
