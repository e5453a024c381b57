/*
 * ctx.c - lifetime of fl_ctx, the status table, errors, warnings, progress.
 *
 * The context owns one GEOS handle, one PROJ context and a WGS84 geodesic.
 * GEOS and PROJ messages are routed into the context; nothing here prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fl_internal.h"

const char *fl_version(void) { return "0.1.0"; }

const char *fl_status_name(fl_status st) {
  switch (st) {
#define FL__STATUS_NAME(name, value, text) \
  case FL_##name:                          \
    return #name;
    FL_STATUS_MAP(FL__STATUS_NAME)
#undef FL__STATUS_NAME
  }
  return "E_UNKNOWN";
}

const char *fl_status_str(fl_status st) {
  switch (st) {
#define FL__STATUS_TEXT(name, value, text) \
  case FL_##name:                          \
    return text;
    FL_STATUS_MAP(FL__STATUS_TEXT)
#undef FL__STATUS_TEXT
  }
  return "unknown status";
}

static void on_geos_error(const char *message, void *user) {
  fl_ctx *ctx = user;
  snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", message ? message : "");
}

static void on_geos_notice(const char *message, void *user) {
  (void)message;
  (void)user; /* notices (e.g. self-intersection) are reported by our own validity checks */
}

static void on_proj_log(void *user, int level, const char *message) {
  (void)user;
  (void)level;
  (void)message; /* PROJ errors are read back with proj_context_errno */
}

/* Out of memory must be a sentence, never an abort: the first C++ exception
 * a thread throws makes libstdc++ (loaded with GEOS, often through dlopen)
 * allocate that thread's exception state, and when that allocation fails
 * the process aborts (exit 127 or 134, no message). One exception thrown
 * and caught inside GEOS while memory is still there (a WKT parse error)
 * makes the state exist: called for every thread that uses GEOS. */
void fl__cxx_warm_up(fl_ctx *ctx) {
  static _Thread_local int done;
  if (done || !ctx || !ctx->geos) return;
  GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
  GEOSGeometry *g = r ? GEOSWKTReader_read_r(ctx->geos, r, "NOT WKT") : NULL;
  if (g) GEOSGeom_destroy_r(ctx->geos, g);
  if (r) GEOSWKTReader_destroy_r(ctx->geos, r);
  ctx->geos_msg[0] = '\0';
  done = 1;
}

fl_ctx *fl_ctx_create(void) {
  fl_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  ctx->geos = GEOS_init_r();
  ctx->proj = proj_context_create();
  if (!ctx->geos || !ctx->proj) {
    fl_ctx_destroy(ctx);
    return NULL;
  }
  GEOSContext_setErrorMessageHandler_r(ctx->geos, on_geos_error, ctx);
  GEOSContext_setNoticeMessageHandler_r(ctx->geos, on_geos_notice, ctx);
  proj_log_func(ctx->proj, ctx, on_proj_log);
  geod_init(&ctx->geod, 6378137.0, 1.0 / 298.257223563);
  ctx->last_progress = -1.0;
  fl__limits_default(ctx);
  fl__cxx_warm_up(ctx);
  return ctx;
}

void fl_ctx_destroy(fl_ctx *ctx) {
  if (!ctx) return;
  fl__interrupt_forget(ctx);
  for (size_t i = 0; i < ctx->n_pj_cache; i++) proj_destroy(ctx->pj_cache[i].to_lonlat);
  fl_ctx_clear_warnings(ctx);
  free(ctx->warnings);
  if (ctx->geos) GEOS_finish_r(ctx->geos);
  if (ctx->proj) proj_context_destroy(ctx->proj);
  free(ctx);
}

GEOSContextHandle_t fl_ctx_geos(fl_ctx *ctx) { return ctx->geos; }
PJ_CONTEXT *fl_ctx_proj(fl_ctx *ctx) { return ctx->proj; }
fl_status fl_ctx_status(const fl_ctx *ctx) { return ctx->status; }
const char *fl_ctx_errmsg(const fl_ctx *ctx) { return ctx->errtext; }
const char *fl_ctx_errmsg_raw(const fl_ctx *ctx) { return ctx->errmsg; }

void fl_ctx_clear_error(fl_ctx *ctx) {
  ctx->status = FL_OK;
  ctx->errmsg[0] = '\0';
  ctx->errtext[0] = '\0';
  ctx->geos_msg[0] = '\0';
}

void fl_ctx_set_progress(fl_ctx *ctx, fl_progress_fn fn, void *user,
                         const volatile int *cancel_flag) {
  ctx->progress = fn;
  ctx->progress_user = user;
  ctx->cancel = cancel_flag;
  ctx->last_progress = -1.0;
  /* The calling thread runs ctx's work: every GEOS call on it may now be
   * interrupted when ctx is cancelled (interrupt.c). */
  if (cancel_flag) fl__interrupt_enter(ctx);
}

void fl_ctx_set_threads(fl_ctx *ctx, int n_threads) { ctx->n_threads = n_threads < 0 ? 0 : n_threads; }

int fl__threads_for(const fl_ctx *ctx, size_t n_items) {
  long n = ctx->n_threads;
  if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  if (n_items < 2) n = 1;
  if ((size_t)n > n_items) n = (long)n_items;
  return (int)n;
}

size_t fl_ctx_warning_count(const fl_ctx *ctx) { return ctx->n_warnings; }

const char *fl_ctx_warning_raw(const fl_ctx *ctx, size_t i) {
  return i < ctx->n_warnings ? ctx->warnings[i] : NULL;
}

const char *fl_ctx_warning(const fl_ctx *ctx, size_t i) {
  const char *raw = fl_ctx_warning_raw(ctx, i);
  return raw ? raw + strlen(raw) + 1 : NULL;
}

void fl_ctx_clear_warnings(fl_ctx *ctx) {
  for (size_t i = 0; i < ctx->n_warnings; i++) free(ctx->warnings[i]);
  ctx->n_warnings = 0;
}

void fl_free(void *p) { free(p); }

char *fl__strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c) memcpy(c, s, n);
  return c;
}

fl_status fl__fail(fl_ctx *ctx, fl_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
  va_end(ap);
  fl__msg_clean(ctx->errmsg);
  fl_msg_spell(ctx->errmsg, NULL, NULL, ctx->errtext, sizeof ctx->errtext);
  ctx->status = st;
  return st;
}

/* GEOS's internals said as what is wrong in the input, and where. */
fl_status fl__fail_geos(fl_ctx *ctx, const char *what) {
  const char *m = ctx->geos_msg;
  const char *at = strstr(m, " at ");
  double x, y;
  if (strstr(m, "Interrupted")) {
    if (ctx->cancel && *ctx->cancel)
      return fl__fail(ctx, FL_E_CANCEL, "cancelled by the user; no output was written");
    if (ctx->polled_stop)
      return fl__fail(ctx, FL_E_CANCEL, "interrupted");
    if (ctx->deadline_s > 0)
      return fl__fail(ctx, FL_E_ARG, "%s took longer than %g s, the longest one call may run "
                      "here; use a smaller distance or simplify the geometry", what,
                      ctx->deadline_len_s);
    return fl__fail(ctx, FL_E_GEOS, "%s was interrupted by another thread's cancel; run it "
                    "again", what);
  }
  if (strstr(m, "TopologyException") && at && sscanf(at, " at %lf %lf", &x, &y) == 2)
    return fl__fail(ctx, FL_E_GEOM, "%s failed: the geometry crosses itself near (%.9g, %.9g) "
                    "(in the local metric frame or lon/lat); repair or simplify it there",
                    what, x, y);
  if (strstr(m, "TopologyException"))
    return fl__fail(ctx, FL_E_GEOM, "%s failed: the geometry crosses itself; repair or simplify "
                    "it", what);
  if (strstr(m, "NaN") || strstr(m, "Inf") || strstr(m, "non-empty"))
    return fl__fail(ctx, FL_E_GEOM, "%s failed: a coordinate or extent is not finite; check the "
                    "geometry's coordinates", what);
  if (strstr(m, "bad_alloc") || strstr(m, "memory"))
    return fl__fail(ctx, FL_E_NOMEM, "%s ran out of memory", what);
  if (m[0])
    return fl__fail(ctx, FL_E_GEOS, "%s failed in the geometry engine: %s", what, m);
  return fl__fail(ctx, FL_E_GEOS, "%s failed in the geometry engine", what);
}

void fl__warnings_truncate(fl_ctx *ctx, size_t n) {
  while (ctx->n_warnings > n) free(ctx->warnings[--ctx->n_warnings]);
}

void fl__warn(fl_ctx *ctx, const char *fmt, ...) {
  char buf[FL_ERRMSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fl__msg_clean(buf);
  for (size_t i = 0; i < ctx->n_warnings; i++) /* analyses of one run meet the same input */
    if (strcmp(ctx->warnings[i], buf) == 0) return;
  if (ctx->n_warnings == ctx->cap_warnings) {
    size_t cap = ctx->cap_warnings ? ctx->cap_warnings * 2 : 8;
    char **w = realloc(ctx->warnings, cap * sizeof *w);
    if (!w) return;
    ctx->warnings = w;
    ctx->cap_warnings = cap;
  }
  char spelled[FL_ERRMSG_LEN];
  size_t n_raw = strlen(buf) + 1, n_spelled = fl_msg_spell(buf, NULL, NULL, spelled, sizeof spelled);
  if (n_spelled >= sizeof spelled) n_spelled = sizeof spelled - 1;
  char *copy = malloc(n_raw + n_spelled + 1);
  if (!copy) return;
  memcpy(copy, buf, n_raw);
  memcpy(copy + n_raw, spelled, n_spelled + 1);
  ctx->warnings[ctx->n_warnings++] = copy;
}

fl_status fl__progress(fl_ctx *ctx, double fraction) {
  if (ctx->cancel && *ctx->cancel)
    return fl__fail(ctx, FL_E_CANCEL, "cancelled by the user; no output was written");
  if (!ctx->progress) return FL_OK;
  if (fraction < 1.0 && fraction - ctx->last_progress < 0.01) return FL_OK;
  ctx->last_progress = fraction;
  if (ctx->progress(fraction, ctx->progress_user))
    return fl__fail(ctx, FL_E_CANCEL, "cancelled by the user; no output was written");
  return FL_OK;
}
