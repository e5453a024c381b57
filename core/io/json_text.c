/*
 * json_text.c - JSON text built in a growing buffer: string literals with
 * escapes, and a parsed value (json.c) written back as text. Used by the
 * GeoJSON reader (properties holding arrays or objects are kept as their
 * JSON text) and writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_io_internal.h"

void fl__sb_put(fl__sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->cap - b->n < n + 1) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->n < n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

void fl__sb_str(fl__sbuf *b, const char *s) { fl__sb_put(b, s, strlen(s)); }

/* A JSON string literal of s (n bytes): escapes, and U+FFFD for invalid UTF-8. */
void fl__sb_json_string(fl__sbuf *b, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  fl__sb_put(b, "\"", 1);
  for (size_t i = 0; i < n;) {
    unsigned c = u[i];
    size_t run = i;
    while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\') run++;
    if (run > i) {
      fl__sb_put(b, s + i, run - i);
      i = run;
      continue;
    }
    char esc[8];
    switch (c) {
    case '"': fl__sb_put(b, "\\\"", 2); i++; continue;
    case '\\': fl__sb_put(b, "\\\\", 2); i++; continue;
    case '\n': fl__sb_put(b, "\\n", 2); i++; continue;
    case '\r': fl__sb_put(b, "\\r", 2); i++; continue;
    case '\t': fl__sb_put(b, "\\t", 2); i++; continue;
    case '\b': fl__sb_put(b, "\\b", 2); i++; continue;
    case '\f': fl__sb_put(b, "\\f", 2); i++; continue;
    default: break;
    }
    if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      fl__sb_put(b, esc, 6);
      i++;
      continue;
    }
    size_t k = fl__utf8_seq(u + i, n - i);
    if (k) {
      fl__sb_put(b, s + i, k);
      i += k;
    } else {
      fl__sb_put(b, "\xEF\xBF\xBD", 3);
      i++;
    }
  }
  fl__sb_put(b, "\"", 1);
}

void fl__sb_json(fl__sbuf *b, const fl__json *v) {
  switch (v->type) {
  case FL__JSON_NULL: fl__sb_str(b, "null"); break;
  case FL__JSON_FALSE: fl__sb_str(b, "false"); break;
  case FL__JSON_TRUE: fl__sb_str(b, "true"); break;
  case FL__JSON_NUMBER: fl__sb_put(b, v->str, v->n); break;
  case FL__JSON_STRING: fl__sb_json_string(b, v->str, v->n); break;
  case FL__JSON_ARRAY:
    fl__sb_put(b, "[", 1);
    for (size_t i = 0; i < v->n; i++) {
      if (i) fl__sb_put(b, ",", 1);
      fl__sb_json(b, &v->items[i]);
    }
    fl__sb_put(b, "]", 1);
    break;
  case FL__JSON_OBJECT:
    fl__sb_put(b, "{", 1);
    for (size_t i = 0; i < v->n; i++) {
      if (i) fl__sb_put(b, ",", 1);
      fl__sb_json(b, &v->items[2 * i]);
      fl__sb_put(b, ":", 1);
      fl__sb_json(b, &v->items[2 * i + 1]);
    }
    fl__sb_put(b, "}", 1);
    break;
  }
}
