/*
 * limits.c - named work limits of a context: how much work one call may
 * take before it is refused at once, with a sentence naming the limit.
 *
 * Rules, cited as (K1)..(K5) in tests and docs (docs/cli.md, docs/sql.md
 * "Limits"):
 *   (K1) each limit has a name, a default and what it bounds (the table
 *        below, in this order everywhere); a new context starts with the
 *        defaults, and worker contexts take their parent's (fl__ctx_inherit,
 *        with its cancel flag and time limit);
 *   (K2) a value is a decimal number > 0 and at most FL__LIMIT_MAX, written
 *        as digits with an optional fraction and exponent ("2e6"): no sign,
 *        hex, inf or nan, nothing after it;
 *   (K3) an unknown name or a bad value is refused with one sentence naming
 *        the name or value and the limits there are; the context keeps its
 *        values (a list "NAME=N,NAME=N" is checked whole before any is set);
 *   (K4) a call whose estimate passes a limit fails before any work with
 *        FL_E_ARG and the sentence of fl__limit_exceeded: what would need
 *        how much, the limit's name and value, and how to raise it in each
 *        face (the CLI's limit option, FL_LIMITS for the plugin hosts, SQL
 *        FL_SetLimit; no host's flag spelling, as every core message);
 *   (K5) the defaults keep the work of one call to seconds on this machine
 *        (measured in docs/cli.md "Limits"); within them every long call
 *        polls its stop check, so a stop is seen within about a second.
 * Not here: the estimates (buffer.c U12, raster/viewshed.c V10, raster/los.c L9).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>

#include "fl_internal.h"

#define FL__LIMIT_MAX 1e15

typedef struct limit_def {
  const char *name;
  double value;
  const char *bounds;
} limit_def;

/* (K1) in the order of fl__limit_id. */
static const limit_def defs[FL__N_LIMITS] = {
    {"buffer_work", FL_MAX_BUFFER_WORK,
     "estimated work of one buffer or band: vertices to buffer times the tiles each lies in"},
    {"viewshed_cells", 1e9, "DEM cells one viewshed call visits, summed over its observers"},
    {"los_samples", 2e6,
     "ground samples one line-of-sight call takes, summed over its sight lines"},
};

void fl__limits_default(fl_ctx *ctx) {
  for (int i = 0; i < FL__N_LIMITS; i++) ctx->limits[i] = defs[i].value;
}

void fl__ctx_inherit(fl_ctx *worker, const fl_ctx *parent) {
  worker->cancel = parent->cancel;
  worker->deadline_s = parent->deadline_s;
  worker->deadline_len_s = parent->deadline_len_s;
  memcpy(worker->limits, parent->limits, sizeof worker->limits);
}

const char *fl_limit_name(size_t i) { return i < FL__N_LIMITS ? defs[i].name : NULL; }
double fl_limit_default(size_t i) { return i < FL__N_LIMITS ? defs[i].value : 0.0; }
const char *fl_limit_bounds(size_t i) { return i < FL__N_LIMITS ? defs[i].bounds : NULL; }

/* The names from the table, "a, b and c", for messages. */
static void names_text(char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = '\0';
  for (int i = 0; i < FL__N_LIMITS && k < cap; i++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%s", i == 0 ? "" : i + 1 < FL__N_LIMITS ? ", "
                          : " and ", defs[i].name);
}

static int find(const char *name, size_t len) {
  for (int i = 0; i < FL__N_LIMITS; i++)
    if (strlen(defs[i].name) == len && strncmp(defs[i].name, name, len) == 0) return i;
  return -1;
}

static fl_status unknown(fl_ctx *ctx, const char *name, size_t len) {
  char names[256];
  names_text(names, sizeof names);
  return fl__fail(ctx, FL_E_ARG, "there is no limit named '%.*s'; the limits are %s",
                  (int)(len > 64 ? 64 : len), name, names);
}

static fl_status bad_value(fl_ctx *ctx, const char *name, const char *text, size_t len) {
  return fl__fail(ctx, FL_E_ARG, "limit %s must be a decimal number > 0 and at most 1e15 "
                  "(e.g. %s=2e6), got '%.*s'", name, name, (int)(len > 64 ? 64 : len), text);
}

static int value_ok(double v) { return isfinite(v) && v > 0 && v <= FL__LIMIT_MAX; }

fl_status fl_ctx_set_limit(fl_ctx *ctx, const char *name, double value) {
  if (!ctx) return FL_E_ARG;
  int i = name ? find(name, strlen(name)) : -1;
  if (i < 0) return unknown(ctx, name ? name : "", name ? strlen(name) : 0);
  if (!value_ok(value))
    return fl__fail(ctx, FL_E_ARG, "limit %s must be a number > 0 and at most 1e15, got %g",
                    defs[i].name, value);
  ctx->limits[i] = value;
  return FL_OK;
}

fl_status fl_ctx_limit(fl_ctx *ctx, const char *name, double *out) {
  if (!ctx || !out) return FL_E_ARG;
  int i = name ? find(name, strlen(name)) : -1;
  if (i < 0) return unknown(ctx, name ? name : "", name ? strlen(name) : 0);
  *out = ctx->limits[i];
  return FL_OK;
}

/* (K2) text [s, e) as a decimal number; 0 when it is not one. */
static int parse_value(const char *s, const char *e, double *out) {
  const char *p = s;
  int digits = 0;
  while (p < e && isdigit((unsigned char)*p)) p++, digits++;
  if (p < e && *p == '.')
    for (p++; p < e && isdigit((unsigned char)*p); p++) digits++;
  if (!digits) return 0;
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p == e || !isdigit((unsigned char)*p)) return 0;
    while (p < e && isdigit((unsigned char)*p)) p++;
  }
  if (p != e || e - s > 63) return 0;
  char buf[64];
  memcpy(buf, s, (size_t)(e - s));
  buf[e - s] = '\0';
  *out = strtod(buf, NULL);
  return value_ok(*out);
}

static const char *trim(const char *s, const char *e, const char **end) {
  while (s < e && isspace((unsigned char)*s)) s++;
  while (e > s && isspace((unsigned char)e[-1])) e--;
  *end = e;
  return s;
}

/* One "NAME=N" in [s, e): its index and value, or a failure. */
static fl_status parse_item(fl_ctx *ctx, const char *s, const char *e, int *idx, double *v) {
  const char *eq = memchr(s, '=', (size_t)(e - s)), *ne, *ve;
  if (!eq)
    return fl__fail(ctx, FL_E_ARG, "a limit is set as NAME=N (e.g. buffer_work=2e6), got '%.*s'",
                    (int)(e - s > 64 ? 64 : e - s), s);
  const char *n = trim(s, eq, &ne), *t = trim(eq + 1, e, &ve);
  if ((*idx = find(n, (size_t)(ne - n))) < 0) return unknown(ctx, n, (size_t)(ne - n));
  if (!parse_value(t, ve, v)) return bad_value(ctx, defs[*idx].name, t, (size_t)(ve - t));
  return FL_OK;
}

fl_status fl_ctx_set_limits(fl_ctx *ctx, const char *spec) {
  if (!ctx) return FL_E_ARG;
  if (!spec) return FL_OK;
  double next[FL__N_LIMITS];
  memcpy(next, ctx->limits, sizeof next);
  for (const char *s = spec; *s;) { /* (K3) all checked before any is set */
    const char *e = strchr(s, ',');
    if (!e) e = s + strlen(s);
    const char *te, *t = trim(s, e, &te);
    if (t < te) {
      int i = 0;
      double v = 0;
      fl_status st = parse_item(ctx, t, te, &i, &v);
      if (st) return st;
      next[i] = v;
    }
    s = *e ? e + 1 : e;
  }
  memcpy(ctx->limits, next, sizeof next);
  return FL_OK;
}

fl_status fl__limit_exceeded(fl_ctx *ctx, fl__limit_id id, const char *instead,
                             const char *fmt, ...) {
  char need[FL_ERRMSG_LEN / 2];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(need, sizeof need, fmt, ap);
  va_end(ap);
  const char *n = defs[id].name;
  return fl__fail(ctx, FL_E_ARG, "%s, more than the limit %s = %.15g; %s, or raise the limit "
                  "(%s=N in the CLI's limit option or the environment variable FL_LIMITS, or "
                  "SQL FL_SetLimit('%s', N))", need, n, ctx->limits[id], instead, n, n);
}
