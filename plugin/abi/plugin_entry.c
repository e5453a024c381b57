/*
 * plugin_entry.c - the one exported symbol of libfrontline_plugin.so
 * (fl_plugin_query), the static API table, and the run() boundary.
 *
 * run() is the only door into the tools, as GEOS's execute() is for its C
 * API: it checks every argument before any work (tool id, parameter names,
 * values, the output file), turns any fl_status and context message into one
 * sentence in the caller's errbuf, and never lets a failure escape as
 * anything else. Rules, cited below as (R1)..(R5):
 *   (R1) an unknown tool id fails with FL_E_ARG and the closest id;
 *   (R2) NULL or inconsistent arguments fail with FL_E_ARG, never crash;
 *   (R3) an existing output without overwrite fails with FL_E_EXISTS before
 *        any work, and the file is left untouched;
 *   (R4) a run that fails before starting calls no callback;
 *   (R5) errbuf and summary are always NUL-terminated when their length is
 *        nonzero, and truncated to fit.
 * Not here: parsing values (params.c), the tools (tool_<id>.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin_internal.h"

_Static_assert(sizeof(int) == sizeof(int32_t),
               "the cancel flag is shared between the ABI (int32_t) and fl_ctx (int)");

fl_status flp_fail(flp_run *r, fl_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
  va_end(ap);
  r->status = st;
  return st;
}

fl_status flp_fail_ctx(flp_run *r, fl_status st, const char *prefix) {
  const char *msg = r->ctx ? fl_ctx_errmsg_raw(r->ctx) : "";
  if (!msg || !*msg) msg = fl_status_str(st);
  if (prefix && *prefix) return flp_fail(r, st, "%s: %s", prefix, msg);
  return flp_fail(r, st, "%s", msg);
}

static void copy_text(char *dst, size_t dst_len, const char *src) {
  if (!dst || !dst_len) return;
  size_t n = strlen(src);
  if (n >= dst_len) n = dst_len - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* (R1) */
static fl_status unknown_tool(flp_run *r, const char *id) {
  const char *ids[64];
  size_t n = 0;
  char list[512];
  size_t used = 0;
  list[0] = '\0';
  for (int32_t i = 0; i < flp_tool_count() && n < 64; i++) {
    ids[n++] = flp_tool_at(i)->desc.id;
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", ids[n - 1]);
    if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
  }
  const char *near = flp_closest(id, ids, n);
  if (near)
    return flp_fail(r, FL_E_ARG, "unknown tool '%s'; did you mean '%s'?", id, near);
  return flp_fail(r, FL_E_ARG, "unknown tool '%s'; the tools are: %s", id, list);
}

/* (R3), and a directory that does not exist, before any work is done. */
/* An output is never one of the inputs (same device and inode, any
 * spelling): replacing it would destroy the input, and for a GeoPackage
 * every other layer in it. Refused, for every format. */
static fl_status check_not_input(flp_run *r, const char *path) {
  const fl_tool_desc *t = &r->tool->desc;
  for (int32_t i = 0; i < t->n_params; i++) {
    if (t->params[i].type != FL_PARAM_LAYER || !r->args[i].present) continue;
    if (fl_source_same_file(r->args[i].text, path))
      return flp_fail(r, FL_E_ARG,
                      "@{output} '%s' is the file that @{%s} reads ('%s'); writing it would "
                      "destroy that input: write to another file",
                      path, t->params[i].name, r->args[i].text);
  }
  return FL_OK;
}

/* The first existing prefix of dir that is not a directory, or NULL. */
static const char *file_in_path(const char *dir, char *buf, size_t len) {
  struct stat sb;
  for (size_t i = 1; dir[i - 1]; i++) {
    if (dir[i] != '/' && dir[i] != '\0') continue;
    if (i >= len) return NULL;
    memcpy(buf, dir, i);
    buf[i] = '\0';
    if (stat(buf, &sb) == 0 && !S_ISDIR(sb.st_mode)) return buf;
    if (!dir[i]) break;
  }
  return NULL;
}

static fl_status check_output(flp_run *r) {
  const char *path = flp_arg_text(r, "output");
  const char *format = flp_arg_text(r, "output_format");
  struct stat sb;
  if (!path) return FL_OK;
  if (format && !fl_output_writable_as(path, format)) {
    if (fl_output_writable_as("x.shp.zip", format)) /* a Shapefile, not zipped */
      return flp_fail(r, FL_E_ARG, "@{output} '%s': a Shapefile is written as one zip file; "
                      "name it .shz (one layer) or .shp.zip", path);
    return flp_fail(r, FL_E_ARG, "@{output_format} must be one of %s, got '%s'",
                    fl_output_formats(), format);
  }
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return flp_fail(r, FL_E_ARG, "@{output}: '%s' is a directory; give a file name",
                      path);
    fl_status st = check_not_input(r, path);
    if (st) return st;
    if (!flp_arg_bool(r, "overwrite"))
      return flp_fail(r, FL_E_EXISTS, "@{output} '%s' exists; pass @{overwrite} to replace it",
                      path);
    return FL_OK;
  }
  const char *slash = strrchr(path, '/');
  if (slash && slash != path) {
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) return flp_fail(r, FL_E_ARG, "@{output}: path too long");
    memcpy(dir, path, n);
    dir[n] = '\0';
    char file[4096];
    const char *f = file_in_path(dir, file, sizeof file);
    if (f)
      return flp_fail(r, FL_E_IO, "@{output}: '%s' is a file, not a directory", f);
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
      return flp_fail(r, FL_E_IO,
                      "@{output}: directory '%s' does not exist; create it first",
                      dir);
  }
  return FL_OK;
}

static int32_t api_tool_count(void) { return flp_tool_count(); }

static const fl_tool_desc *api_tool_at(int32_t index) {
  const flp_tool *t = flp_tool_at(index);
  return t ? &t->desc : NULL;
}

/* (R1) (R2): the tool named and the parameter arrays, before anything is
 * allocated; on failure *msg is the error text. */
static fl_status check_call(flp_run *r, const char *tool_id, int32_t n, const char *const *keys,
                            const char *const *values, const char **msg) {
  if (!tool_id || !*tool_id) { /* (R2) */
    r->status = FL_E_ARG;
    *msg = "no tool id given; ask tool_at() for the tools";
    return FL_E_ARG;
  }
  r->tool = flp_tool_find(tool_id);
  if (!r->tool) {
    unknown_tool(r, tool_id);
    *msg = r->errmsg;
    return r->status;
  }
  if (n < 0 || (n > 0 && (!keys || !values))) {
    *msg = "bad parameter arrays: n must be >= 0 and keys and values non-NULL";
    return FL_E_ARG;
  }
  return FL_OK;
}

/* The run's context, with the threads and work limits the environment
 * sets. */
static fl_status start_ctx(flp_run *r) {
  r->ctx = fl_ctx_create();
  fl_status st = FL_OK;
  if (!r->ctx)
    st = flp_fail(r, FL_E_NOMEM,
                  "could not create a Frontline context (out of memory, or GEOS or PROJ "
                  "failed to start)");
  /* FL_THREADS: worker threads of every host's runs (unset or 0: every core) */
  const char *threads = getenv("FL_THREADS");
  if (r->ctx && threads && *threads) fl_ctx_set_threads(r->ctx, atoi(threads));
  /* FL_LIMITS: named work limits, "NAME=N,..." (core/limits.c; the CLI's
   * --limit options arrive here too) */
  if (r->ctx && fl_ctx_set_limits(r->ctx, getenv("FL_LIMITS")) != FL_OK)
    st = flp_fail(r, FL_E_ARG, "limits (environment variable FL_LIMITS, or the CLI's "
                  "limit option): %s", fl_ctx_errmsg(r->ctx));
  return st;
}

/* (R4): the tool's run, the host's callbacks set from here on; on success
 * the summary. */
static fl_status run_tool(flp_run *r, fl_plugin_progress_fn progress, void *user,
                          const volatile int32_t *cancel, char *summary, size_t summary_len) {
  r->progress = progress;
  r->user = user;
  r->cancel = cancel;
  fl_ctx_set_progress(r->ctx, flp_on_progress, r, (const volatile int *)cancel);
  fl_status st = r->tool->run(r);
  if (st != FL_OK && !r->errmsg[0]) flp_fail_ctx(r, st, NULL);
  if (st == FL_OK) flp_summary_finish(r, summary, summary_len);
  return st;
}

/* Everything the run owns. */
static void run_free(flp_run *r) {
  for (size_t i = r->n_owned; i-- > 0;) fl_layer_destroy(r->ctx, r->owned[i]);
  fl_ctx_destroy(r->ctx);
  free(r->classes_copy);
  free(r->args);
  flp_buf_free(&r->text);
  flp_buf_free(&r->json);
}

static int32_t api_run(const char *tool_id, int32_t n, const char *const *keys,
                       const char *const *values, fl_plugin_progress_fn progress, void *user,
                       const volatile int32_t *cancel, int32_t json, char *summary,
                       size_t summary_len, char *errbuf, size_t errbuf_len) {
  flp_run r;
  memset(&r, 0, sizeof r);
  r.last_sent = -1.0;
  if (errbuf && errbuf_len) errbuf[0] = '\0'; /* (R5) */
  if (summary && summary_len) summary[0] = '\0';

  const char *msg = NULL;
  fl_status st = check_call(&r, tool_id, n, keys, values, &msg);
  if (st) {
    copy_text(errbuf, errbuf_len, msg);
    return (int32_t)st;
  }
  r.args = calloc(r.tool->desc.n_params ? (size_t)r.tool->desc.n_params : 1, sizeof *r.args);
  if (!r.args) {
    copy_text(errbuf, errbuf_len, "out of memory before the run started");
    return FL_E_NOMEM;
  }
  r.want_json = json != 0;
  st = flp_params_parse(&r, n, keys, values);
  if (st == FL_OK) st = check_output(&r);
  if (st == FL_OK && cancel && *cancel)
    st = flp_fail(&r, FL_E_CANCEL, "cancelled before the run started; no output was written");
  if (st == FL_OK) st = start_ctx(&r);
  if (st == FL_OK) st = run_tool(&r, progress, user, cancel, summary, summary_len);
  if (st != FL_OK) {
    if (!r.errmsg[0]) snprintf(r.errmsg, sizeof r.errmsg, "%s", fl_status_str(st));
    copy_text(errbuf, errbuf_len, r.errmsg);
  }
  run_free(&r);
  return (int32_t)st;
}

static const fl_plugin_api api = {
    .abi_major = FL_PLUGIN_ABI_MAJOR,
    .abi_minor = FL_PLUGIN_ABI_MINOR,
    .struct_size = (uint32_t)sizeof(fl_plugin_api),
    .tool_desc_size = (uint32_t)sizeof(fl_tool_desc),
    .param_desc_size = (uint32_t)sizeof(fl_param_desc),
    .reserved = 0,
    .library_version = FLP_STR(FL_VERSION_MAJOR) "." FLP_STR(FL_VERSION_MINOR) "." FLP_STR(
        FL_VERSION_PATCH),
    .tool_count = api_tool_count,
    .tool_at = api_tool_at,
    .run = api_run,
};

FL_PLUGIN_EXPORT const fl_plugin_api *fl_plugin_query(uint32_t host_abi_major) {
  return host_abi_major == FL_PLUGIN_ABI_MAJOR ? &api : NULL;
}
