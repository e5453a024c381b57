/*
 * main.c - the `frontline` command: a host of the plugin ABI.
 *
 *   frontline list                        the tools
 *   frontline help TOOL                   a tool's parameters (from its descriptor)
 *   frontline run TOOL --name value ...   run a tool
 *   frontline --version | --help
 *
 * Rules, cited below as (C1)..(C7):
 *   (C1) no tool-specific code: every option is checked against the tool's
 *        descriptor, so a tool added to the plugin works here unchanged;
 *   (C2) exit 0 on success, 1 on bad input or a failed run ("frontline:
 *        error: <sentence>"), 2 on a usage error (unknown command, tool or
 *        option, missing value or required option);
 *   (C3) option names take '-' and '_' alike (--snap-m, --snap_m); values
 *        follow as the next word or after '='; booleans may stand bare;
 *   (C4) progress goes to stderr only when stderr is a terminal and not
 *        --quiet; the summary goes to stdout;
 *   (C5) --json prints the summary, or on failure {"tool","ok":false,
 *        "status","error"}, as one JSON object on stdout;
 *   (C6) Ctrl-C (SIGINT) and SIGTERM (what timeout, systemd and CI send) ask
 *        the running tool to cancel, inside GEOS operations too: no output is
 *        written and the temporary file is removed; a second signal ends the
 *        process at once (its temporary file is removed by the next run to
 *        the same output);
 *   (C8) --limit NAME=N (repeatable, before or after the tool id) sets a
 *        named work limit: the values are appended to the environment
 *        variable FL_LIMITS, which the plugin reads (core/limits.c checks
 *        names and values and refuses a bad one with a sentence, exit 1);
 *   (C7) ogr2ogr's spellings: --oo NAME=VALUE is --open-options, repeatable
 *        (the values joined one per line); --format is --output-format in a
 *        tool with no format parameter of its own (analyze's --format is its
 *        report's).
 * Not here: loading the plugin (host.c), help text (help.c).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "help.h"
#include "host.h"

#ifndef FL_CLI_VERSION
#define FL_CLI_VERSION "0.1.0"
#endif

#define EXIT_USAGE 2
#define SUMMARY_LEN (1u << 20)

static const char *const host_options[] = {"quiet", "json", "help", NULL};

typedef struct cli_opts {
  int quiet;
  int json;
} cli_opts;

static volatile int32_t cancel_flag = 0; /* read by the plugin between features */

static void on_stop_signal(int sig) {
  cancel_flag = 1;        /* (C6) */
  signal(sig, SIG_DFL);   /* a second one ends the process */
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "frontline: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  return EXIT_USAGE;
}

/* (C8) Append "NAME=N" to FL_LIMITS; 0, or a usage error's exit code. */
static int add_limit(const char *value) {
  if (!value || !strchr(value, '=') || strncmp(value, "--", 2) == 0)
    return usage_error("option '--limit' needs a value NAME=N, e.g. --limit buffer_work=2e6%s%s%s",
                       value ? ", got '" : "", value ? value : "", value ? "'" : "");
  const char *old = getenv("FL_LIMITS");
  size_t a = old ? strlen(old) : 0, b = strlen(value);
  char *joined = malloc(a + b + 2);
  if (!joined) return usage_error("out of memory");
  if (a) memcpy(joined, old, a);
  if (a) joined[a++] = ',';
  memcpy(joined + a, value, b + 1);
  int rc = setenv("FL_LIMITS", joined, 1);
  free(joined);
  return rc ? usage_error("cannot set FL_LIMITS for --limit") : 0;
}

static int fail(const char *msg) {
  fprintf(stderr, "frontline: error: %s\n", msg);
  return 1;
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
    if (*c == '"' || *c == '\\')
      fprintf(f, "\\%c", *c);
    else if (*c == '\n')
      fputs("\\n", f);
    else if (*c < 0x20)
      fprintf(f, "\\u%04x", *c);
    else
      fputc(*c, f);
  }
  fputc('"', f);
}

/* ---- Progress (C4) --------------------------------------------------------- */

typedef struct progress_state {
  const char *tool;
  int shown;
} progress_state;

static int32_t on_progress(double fraction, const char *message, void *user) {
  progress_state *ps = user;
  int pct = (int)(fraction * 100.0 + 0.5);
  fprintf(stderr, "\r\033[Kfrontline %s: %3d%%%s%s", ps->tool, pct, message ? "  " : "",
          message ? message : "");
  fflush(stderr);
  ps->shown = 1;
  return 0;
}

/* ---- Commands -------------------------------------------------------------- */

static int open_host(fl_host *h) {
  char err[6144];
  if (fl_host_open(h, err, sizeof err) != 0) return fail(err), 0;
  return 1;
}

static int unknown_tool(const fl_host *h, const char *id) {
  const char *ids[128];
  size_t n = 0;
  for (int32_t i = 0; i < fl_host_tool_count(h) && n < 128; i++) {
    const fl_tool_desc *t = fl_host_tool(h, i);
    if (t && t->id) ids[n++] = t->id;
  }
  const char *near = fl_host_closest(id, ids, n);
  if (near) return usage_error("unknown tool '%s'; did you mean '%s'?", id, near);
  return usage_error("unknown tool '%s'; 'frontline list' shows the tools", id);
}

static int cmd_help(const fl_host *h, int argc, char **argv) {
  if (argc < 1) {
    fl_cli_usage(stdout);
    return 0;
  }
  if (argc > 1) return usage_error("help takes one tool id, got '%s %s'", argv[0], argv[1]);
  const fl_tool_desc *t = fl_host_find_tool(h, argv[0]);
  if (!t) return unknown_tool(h, argv[0]);
  fl_cli_tool_help(stdout, h, t);
  return 0;
}

static int is_bool_word(const char *s) {
  static const char *const w[] = {"true", "false", "1", "0", "yes", "no", "on", "off", NULL};
  for (int i = 0; w[i]; i++)
    if (strcasecmp(s, w[i]) == 0) return 1;
  return 0;
}

static int is_host_option(const char *name) {
  for (int i = 0; host_options[i]; i++)
    if (strcmp(name, host_options[i]) == 0) return 1;
  return 0;
}

/* The parameters of one run, in the plugin ABI's key/value form. */
typedef struct run_args {
  const char **keys, **values; /* values borrow argv, or oo_joined */
  char *names;                 /* 256 bytes per key: the canonical names */
  char *oo_joined;             /* the --oo values joined, one per line */
  int32_t n;
} run_args;

/* "unknown option", with the closest spelling the tool has. */
static int unknown_param(const fl_host *h, const fl_tool_desc *t, const char *name) {
  const char *cand[256];
  char spelled[256][64];
  size_t m = 0;
  for (int32_t k = 0; k < t->n_params && m < 256; k++) {
    const fl_param_desc *q = fl_host_param(h, t, k);
    if (!q) continue;
    fl_cli_option_name(q->name, spelled[m], sizeof spelled[m]);
    cand[m] = spelled[m];
    m++;
  }
  char typed[256];
  fl_cli_option_name(name, typed, sizeof typed);
  const char *near = fl_host_closest(typed, cand, m);
  if (near)
    return usage_error("unknown option '--%s' for tool '%s'; did you mean '--%s'?", typed, t->id,
                       near);
  return usage_error("unknown option '--%s' for tool '%s'; see 'frontline help %s'", typed, t->id,
                     t->id);
}

/* The value of option p given as argv[*i] (eq: its "=VALUE", or NULL):
 * "=VALUE", else the next argument (a bool takes only a bool word, else
 * "true"); *i moves past a value taken. */
static int param_value(int argc, char **argv, int *i, const char *eq, const fl_param_desc *p,
                       const char **value) {
  if (eq) {
    *value = eq + 1;
  } else if (p->type == FL_PARAM_BOOL) {
    *value = *i + 1 < argc && is_bool_word(argv[*i + 1]) ? argv[++*i] : "true";
  } else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0) {
    *value = argv[++*i];
  } else {
    return usage_error("option '--%s' needs a value (%s)", argv[*i] + 2,
                       p->title ? p->title : p->name);
  }
  return 0;
}

/* Add key name (a slot of a->names) = value; --oo again joins its values,
 * one per line (C7). */
static int add_param(run_args *a, const char *name, const char *value) {
  int prev = -1;
  for (int32_t j = 0; j < a->n && strcmp(name, "open_options") == 0; j++)
    if (strcmp(a->keys[j], name) == 0) prev = j;
  if (prev < 0) {
    a->keys[a->n] = name;
    a->values[a->n] = value;
    a->n++;
    return 0;
  }
  size_t la = strlen(a->values[prev]), lb = strlen(value);
  char *joined = malloc(la + lb + 2);
  if (!joined) return fail("out of memory");
  memcpy(joined, a->values[prev], la);
  joined[la] = '\n';
  memcpy(joined + la + 1, value, lb + 1);
  free(a->oo_joined);
  a->oo_joined = joined;
  a->values[prev] = joined;
  return 0;
}

/* --NAME or --NAME=VALUE into name (256 bytes): dashes as underscores (C3),
 * and ogr2ogr's spellings (C7). Returns eq, the '=' or NULL. */
static const char *option_name(const fl_host *h, const fl_tool_desc *t, const char *arg,
                               char *name) {
  const char *eq = strchr(arg + 2, '=');
  size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
  if (len >= 255) len = 255;
  for (size_t k = 0; k < len; k++) name[k] = arg[2 + k] == '-' ? '_' : arg[2 + k];
  name[len] = '\0';
  if (strcmp(name, "oo") == 0)
    snprintf(name, 256, "open_options");
  else if (strcmp(name, "format") == 0 && !fl_host_find_param(h, t, "format"))
    snprintf(name, 256, "output_format");
  return eq;
}

/* --quiet, --json, --help after the tool id; -1: help was printed. */
static int host_option(const fl_host *h, const fl_tool_desc *t, const char *name,
                       const char *eq, cli_opts *o) {
  if (eq) return usage_error("option --%s takes no value, got '%s'", name, eq + 1);
  if (strcmp(name, "quiet") == 0) o->quiet = 1;
  if (strcmp(name, "json") == 0) o->json = 1;
  if (strcmp(name, "help") != 0) return 0;
  fl_cli_tool_help(stdout, h, t);
  return -1;
}

/* One argument at argv[*i]; *i moves past a value it takes. 0, an exit
 * status, or -1 (help printed: stop, exit 0). */
static int parse_arg(const fl_host *h, const fl_tool_desc *t, int argc, char **argv, int *i,
                     cli_opts *o, run_args *a) {
  const char *arg = argv[*i];
  if (strcmp(arg, "-q") == 0) { o->quiet = 1; return 0; }
  if (strcmp(arg, "-h") == 0) { fl_cli_tool_help(stdout, h, t); return -1; }
  if (strncmp(arg, "--", 2) != 0 || !arg[2])
    return usage_error("unexpected argument '%s'; give parameters as --NAME VALUE (see "
                       "'frontline help %s')", arg, t->id);
  char *name = a->names + (size_t)a->n * 256;
  const char *eq = option_name(h, t, arg, name);
  if (strcmp(name, "limit") == 0) /* (C8) */
    return add_limit(eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL);
  if (is_host_option(name)) return host_option(h, t, name, eq, o);
  const fl_param_desc *p = fl_host_find_param(h, t, name); /* (C1) */
  if (!p) return unknown_param(h, t, name);
  const char *value = NULL;
  int rc = param_value(argc, argv, i, eq, p, &value);
  if (rc) return rc;
  snprintf(name, 256, "%s", p->name); /* the canonical spelling */
  return add_param(a, name, value);
}

/* A missing required option is a usage error too (C2). */
static int check_required(const fl_host *h, const fl_tool_desc *t, const run_args *a) {
  for (int32_t k = 0; k < t->n_params; k++) {
    const fl_param_desc *p = fl_host_param(h, t, k);
    if (!p || (p->flags & FL_PARAM_OPTIONAL)) continue;
    int given = 0;
    for (int32_t j = 0; j < a->n; j++)
      if (strcmp(a->keys[j], p->name) == 0) given = 1;
    if (given) continue;
    char opt[128];
    fl_cli_option_name(p->name, opt, sizeof opt);
    return usage_error("tool '%s' needs --%s (%s); see 'frontline help %s'", t->id, opt,
                       p->title ? p->title : p->name, t->id);
  }
  return 0;
}

/* The failure of a run: its sentence, and with --json its object (C5). */
static int run_failed(const fl_tool_desc *t, int32_t st, char *errbuf, size_t cap, int json) {
  if (!errbuf[0]) snprintf(errbuf, cap, "the tool failed (status %d)", st);
  if (json) {
    printf("{\"tool\":");
    json_string(stdout, t->id);
    printf(",\"ok\":false,\"status\":%d,\"error\":", (int)st);
    json_string(stdout, errbuf);
    printf("}\n");
  }
  return fail(errbuf);
}

/* Run the tool through the plugin ABI and print its summary or error. */
static int invoke(const fl_host *h, const fl_tool_desc *t, const run_args *a, const cli_opts *o) {
  char *summary = malloc(SUMMARY_LEN);
  if (!summary) return fail("out of memory");
  char errbuf[2048];
  progress_state ps = {t->id, 0};
  int show = !o->quiet && isatty(STDERR_FILENO);
  signal(SIGINT, on_stop_signal);
  signal(SIGTERM, on_stop_signal);
  int32_t st = h->api->run(t->id, a->n, a->keys, a->values, show ? on_progress : NULL, &ps,
                           &cancel_flag, o->json, summary, SUMMARY_LEN, errbuf, sizeof errbuf);
  /* The handlers stay: a signal after the run has written its output
   * changes nothing, and the handler itself restores the default. */
  if (ps.shown) fputc('\n', stderr);
  fl_cli_spell_params(summary, SUMMARY_LEN);
  fl_cli_spell_params(errbuf, sizeof errbuf);
  int rc = 0;
  if (st != 0)
    rc = run_failed(t, st, errbuf, sizeof errbuf, o->json);
  else if (o->json)
    printf("%s\n", summary);
  else if (!o->quiet)
    fputs(summary, stdout);
  free(summary);
  return rc;
}

static int cmd_run(const fl_host *h, int argc, char **argv, cli_opts *o) {
  if (argc < 1) return usage_error("run needs a tool id; 'frontline list' shows them");
  const fl_tool_desc *t = fl_host_find_tool(h, argv[0]);
  if (!t) return unknown_tool(h, argv[0]);
  size_t cap = (size_t)argc + 1;
  run_args a = {calloc(cap, sizeof *a.keys), calloc(cap, sizeof *a.values), calloc(cap, 256),
                NULL, 0};
  int rc = !a.keys || !a.values || !a.names ? fail("out of memory") : 0;
  for (int i = 1; i < argc && !rc; i++) rc = parse_arg(h, t, argc, argv, &i, o, &a);
  if (!rc) rc = check_required(h, t, &a);
  if (!rc) rc = invoke(h, t, &a, o);
  free(a.keys);
  free(a.values);
  free(a.names);
  free(a.oo_joined);
  return rc < 0 ? 0 : rc;
}

int main(int argc, char **argv) {
  cli_opts o = {0, 0};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      o.quiet = 1;
    } else if (strcmp(a, "--json") == 0) {
      o.json = 1;
    } else if (strcmp(a, "--limit") == 0 || strncmp(a, "--limit=", 8) == 0) {
      int rc = add_limit(a[7] ? a + 8 : i + 1 < argc ? argv[++i] : NULL);
      if (rc) return rc;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fl_cli_usage(stdout);
      return 0;
    } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
      fl_host h;
      printf("frontline %s (plugin ABI %d.%d)\n", FL_CLI_VERSION, FL_PLUGIN_ABI_MAJOR,
             FL_PLUGIN_ABI_MINOR);
      if (!open_host(&h)) return 1;
      printf("plugin %s, library %s, ABI %u.%u\n", h.path,
             h.api->library_version ? h.api->library_version : "?",
             (unsigned)h.api->abi_major, (unsigned)h.api->abi_minor);
      fl_host_close(&h);
      return 0;
    } else {
      return usage_error("unknown option '%s'; see 'frontline --help'", a);
    }
  }
  if (i >= argc) {
    fl_cli_usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[i++];
  if (strcmp(cmd, "list") != 0 && strcmp(cmd, "help") != 0 && strcmp(cmd, "run") != 0)
    return usage_error("unknown command '%s'; the commands are list, help and run", cmd);
  if (strcmp(cmd, "list") == 0 && i < argc)
    return usage_error("list takes no arguments, got '%s'", argv[i]);

  fl_host h;
  if (!open_host(&h)) return 1;
  int rc;
  if (strcmp(cmd, "list") == 0) {
    fl_cli_list(stdout, &h);
    rc = 0;
  } else if (strcmp(cmd, "help") == 0) {
    rc = cmd_help(&h, argc - i, argv + i);
  } else {
    rc = cmd_run(&h, argc - i, argv + i, &o);
  }
  fflush(stdout);
  fl_host_close(&h);
  return rc;
}
