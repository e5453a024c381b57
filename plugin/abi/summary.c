/*
 * summary.c - the text a run hands back: a few human lines, or one JSON
 * object when the host asks for JSON.
 *
 * Tools add lines with flp_say() and members with flp_json_*(); the entry
 * point then calls flp_summary_finish(), which adds the output path and the
 * context's warnings (repaired polygons and the like) and copies the result
 * into the caller's buffer, truncated to fit. A text summary that does not
 * fit is cut before its warnings, with a line saying so. A JSON summary that does not
 * fit drops its warnings (keeping their count) before anything else, so it
 * stays parseable whenever the tool's own members fit.
 * Not here: error text (plugin_entry.c puts it into errbuf).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_internal.h"

static void buf_reserve(flp_buf *b, size_t extra) {
  if (b->oom || b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return;
  }
  b->p = p;
  b->cap = cap;
}

static void buf_vprintf(flp_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  buf_reserve(b, (size_t)n);
  if (b->oom) return;
  vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
  b->len += (size_t)n;
}

void flp_buf_printf(flp_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}

void flp_buf_json_string(flp_buf *b, const char *s) {
  if (!s) {
    flp_buf_printf(b, "null");
    return;
  }
  flp_buf_printf(b, "\"");
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    switch (*c) {
    case '"': flp_buf_printf(b, "\\\""); break;
    case '\\': flp_buf_printf(b, "\\\\"); break;
    case '\n': flp_buf_printf(b, "\\n"); break;
    case '\r': flp_buf_printf(b, "\\r"); break;
    case '\t': flp_buf_printf(b, "\\t"); break;
    default:
      if (*c < 0x20)
        flp_buf_printf(b, "\\u%04x", *c);
      else
        flp_buf_printf(b, "%c", *c);
    }
  }
  flp_buf_printf(b, "\"");
}

void flp_buf_free(flp_buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = 0;
}

void flp_say(flp_run *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&r->text, fmt, ap);
  va_end(ap);
  flp_buf_printf(&r->text, "\n");
}

static void json_key(flp_run *r, const char *key) {
  if (r->json.len) flp_buf_printf(&r->json, ",");
  flp_buf_json_string(&r->json, key);
  flp_buf_printf(&r->json, ":");
}

void flp_json_int(flp_run *r, const char *key, long long v) {
  json_key(r, key);
  flp_buf_printf(&r->json, "%lld", v);
}

void flp_json_num(flp_run *r, const char *key, double v) {
  json_key(r, key);
  if (isfinite(v))
    flp_buf_printf(&r->json, "%.10g", v);
  else
    flp_buf_printf(&r->json, "null"); /* JSON has no NaN or infinity */
}

void flp_json_str(flp_run *r, const char *key, const char *v) {
  json_key(r, key);
  flp_buf_json_string(&r->json, v);
}

void flp_json_raw(flp_run *r, const char *key, const char *raw_json) {
  json_key(r, key);
  flp_buf_printf(&r->json, "%s", raw_json);
}

static void copy_out(const flp_buf *b, char *out, size_t out_len) {
  if (!out || !out_len) return;
  size_t n = b->oom || !b->p ? 0 : b->len;
  if (n >= out_len) n = out_len - 1;
  if (n) memcpy(out, b->p, n);
  out[n] = '\0';
}

static void build_json(const flp_run *r, flp_buf *b, int with_warnings) {
  size_t nw = r->ctx ? fl_ctx_warning_count(r->ctx) : 0;
  flp_buf_printf(b, "{\"tool\":");
  flp_buf_json_string(b, r->tool->desc.id);
  flp_buf_printf(b, ",\"output\":");
  flp_buf_json_string(b, flp_arg_text(r, "output"));
  if (r->json.len && !r->json.oom) flp_buf_printf(b, ",%s", r->json.p);
  flp_buf_printf(b, ",\"warnings\":[");
  if (with_warnings)
    for (size_t i = 0; i < nw; i++) {
      if (i) flp_buf_printf(b, ",");
      flp_buf_json_string(b, fl_ctx_warning_raw(r->ctx, i));
    }
  flp_buf_printf(b, "]");
  if (!with_warnings && nw) flp_buf_printf(b, ",\"warnings_omitted\":%zu", nw);
  flp_buf_printf(b, "}");
}

/* The text summary: the tool's lines, then one line per warning. When the
 * whole does not fit in out_len (0: no limit), the tool's lines are cut at a
 * line's end, with a line saying so, so that the warnings still reach the
 * host (analyze's report on real data is several hundred kB; QGIS's buffer
 * is 64 kB). */
static void build_text(const flp_run *r, flp_buf *b, size_t out_len) {
  flp_buf w = {0};
  size_t nw = r->ctx ? fl_ctx_warning_count(r->ctx) : 0;
  for (size_t i = 0; i < nw; i++) flp_buf_printf(&w, "Warning: %s\n", fl_ctx_warning_raw(r->ctx, i));
  const char *t = r->text.len && !r->text.oom ? r->text.p : "";
  size_t tl = strlen(t), wl = w.oom ? 0 : w.len;
  enum { NOTE_MAX = 160 };
  if (out_len && tl + wl >= out_len && out_len > wl + NOTE_MAX + 1) {
    size_t keep = out_len - wl - NOTE_MAX - 1;
    while (keep && t[keep - 1] != '\n') keep--;
    flp_buf_printf(b, "%.*s", (int)keep, t);
    flp_buf_printf(b, "[... %zu more bytes of the summary left out to fit the host's %zu-byte buffer]\n",
                   tl - keep, out_len);
  } else {
    flp_buf_printf(b, "%s", t);
  }
  if (wl) flp_buf_printf(b, "%s", w.p);
  flp_buf_free(&w);
}

void flp_summary_finish(flp_run *r, char *out, size_t out_len) {
  flp_buf b = {0};
  if (r->want_json) {
    build_json(r, &b, 1);
    if (out && (b.oom || b.len >= out_len)) {
      flp_buf_free(&b);
      build_json(r, &b, 0);
    }
  } else {
    build_text(r, &b, out ? out_len : 0);
  }
  copy_out(&b, out, out_len);
  flp_buf_free(&b);
}
