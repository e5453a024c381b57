/*
 * json.c - a small, strict, bounded JSON parser (RFC 8259) for GeoJSON.
 *
 * Recursive descent over a byte buffer into a read-only tree. Rules:
 *   (J1) strict grammar: no comments, no trailing commas, no NaN/Infinity,
 *        no leading zeros, no control characters in strings, nothing after
 *        the top value but white space; a UTF-8 BOM at the start is skipped;
 *   (J2) strings must be valid UTF-8; \u escapes are decoded, surrogate pairs
 *        joined, an unpaired surrogate is an error;
 *   (J3) nesting is limited to FL__JSON_MAX_DEPTH;
 *   (J4) errors say what was wrong at which byte, line and column.
 * Memory: nodes and decoded strings come from an arena freed in one go;
 * children are gathered on a scratch stack and copied into the arena when
 * their array or object closes. Numbers: integers exactly; decimals with at
 * most 15 significant digits and a small exponent exactly in one IEEE
 * operation (Clinger's fast path), the rest through strtod in the "C" locale.
 * Not here: what the values mean (geojson.c).
 */
#include <errno.h>
#include <math.h>
#include "fl_io_internal.h"

/* ---- Arena -------------------------------------------------------------- */

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  max_align_t data[]; /* aligned storage */
} chunk;

struct fl__json_doc {
  chunk *chunks;
  fl__json root;
};

typedef struct parser {
  const char *s;
  size_t n, pos;
  fl__json_doc *doc;
  fl__json *stack; /* scratch: children of the open arrays and objects */
  size_t top, cap;
  char *err;
  size_t errlen;
  int failed;      /* 1 syntax, 2 out of memory */
  char *tmp;       /* scratch for long number literals */
} parser;

static void *arena_alloc(parser *p, size_t size) {
  size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  chunk *c = p->doc->chunks;
  if (!c || c->cap - c->used < size) {
    size_t cap = size > 60000 ? size : 60000;
    c = malloc(sizeof *c + cap);
    if (!c) {
      p->failed = 2;
      return NULL;
    }
    c->used = 0;
    c->cap = cap;
    c->next = p->doc->chunks;
    p->doc->chunks = c;
  }
  void *r = (char *)c->data + c->used;
  c->used += size;
  return r;
}

/* ---- Errors ------------------------------------------------------------- */

static int syntax(parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int syntax(parser *p, size_t at, const char *fmt, ...) {
  if (p->failed) return 0;
  p->failed = 1;
  size_t line = 1, col = 1;
  for (size_t i = 0; i < at && i < p->n; i++) {
    if (p->s[i] == '\n') {
      line++;
      col = 1;
    } else if (((unsigned char)p->s[i] & 0xC0) != 0x80) {
      col++;
    }
  }
  char what[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(p->err, p->errlen, "at byte %zu (line %zu, column %zu): %s", at, line, col, what);
  return 0;
}

static const char *describe(parser *p) {
  static _Thread_local char buf[32];
  if (p->pos >= p->n) return "the end of the text";
  unsigned char c = (unsigned char)p->s[p->pos];
  if (c >= 0x20 && c < 0x7F)
    snprintf(buf, sizeof buf, "'%c'", c);
  else
    snprintf(buf, sizeof buf, "byte 0x%02X", c);
  return buf;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
size_t fl__utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

int fl__utf8_valid(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = fl__utf8_seq(u + i, n - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | cp >> 18);
  out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
  out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* ---- Values ------------------------------------------------------------- */

static void skip_ws(parser *p) {
  while (p->pos < p->n) {
    char c = p->s[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->pos++;
  }
}

static int hex4(parser *p, size_t at, uint32_t *v) {
  if (p->n - at < 4) return syntax(p, at, "\\u escape needs four hex digits");
  uint32_t r = 0;
  for (int i = 0; i < 4; i++) {
    char c = p->s[at + i];
    r <<= 4;
    if (c >= '0' && c <= '9')
      r |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      r |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      r |= (uint32_t)(c - 'A' + 10);
    else
      return syntax(p, at + i, "\\u escape needs four hex digits");
  }
  *v = r;
  return 1;
}

/* p->pos is at the opening quote. */
static int parse_string(parser *p, fl__json *v) {
  size_t start = ++p->pos;
  /* First pass: find the end and whether there are escapes. */
  size_t i = start;
  int escapes = 0;
  const unsigned char *u = (const unsigned char *)p->s;
  while (1) {
    if (i >= p->n) return syntax(p, start - 1, "string is not closed");
    unsigned c = u[i];
    if (c == '"') break;
    if (c == '\\') {
      escapes = 1;
      i += 2;
      continue;
    }
    if (c < 0x20) return syntax(p, i, "control character 0x%02X inside a string", c);
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k = fl__utf8_seq(u + i, p->n - i); /* (J2) */
    if (!k) return syntax(p, i, "invalid UTF-8 byte 0x%02X inside a string", c);
    i += k;
  }
  size_t end = i; /* at the closing quote */
  char *out = arena_alloc(p, end - start + 1);
  if (!out) return 0;
  size_t len = 0;
  if (!escapes) {
    memcpy(out, p->s + start, end - start);
    len = end - start;
  } else {
    for (i = start; i < end;) {
      char c = p->s[i];
      if (c != '\\') {
        out[len++] = c;
        i++;
        continue;
      }
      char e = p->s[i + 1];
      switch (e) {
      case '"': out[len++] = '"'; break;
      case '\\': out[len++] = '\\'; break;
      case '/': out[len++] = '/'; break;
      case 'b': out[len++] = '\b'; break;
      case 'f': out[len++] = '\f'; break;
      case 'n': out[len++] = '\n'; break;
      case 'r': out[len++] = '\r'; break;
      case 't': out[len++] = '\t'; break;
      case 'u': {
        uint32_t cp, lo;
        if (!hex4(p, i + 2, &cp)) return 0;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return syntax(p, i, "unpaired low surrogate \\u%04X", (unsigned)cp);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (i + 12 > end || p->s[i + 6] != '\\' || p->s[i + 7] != 'u')
            return syntax(p, i, "high surrogate \\u%04X is not followed by a low surrogate",
                          (unsigned)cp);
          if (!hex4(p, i + 8, &lo)) return 0;
          if (lo < 0xDC00 || lo > 0xDFFF)
            return syntax(p, i, "high surrogate \\u%04X is not followed by a low surrogate",
                          (unsigned)cp);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        len += put_utf8(out + len, cp); /* never longer than the escape it replaces */
        i += 6;
        continue;
      }
      default:
        return syntax(p, i, "unknown escape '\\%c'", e >= 0x20 && e < 0x7F ? e : '?');
      }
      i += 2;
    }
  }
  out[len] = '\0';
  v->type = FL__JSON_STRING;
  v->str = out;
  v->n = len;
  p->pos = end + 1;
  return 1;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A number (RFC 8259 section 6), its value exact. Long (complexity ~58) on
 * purpose: the grammar's four parts (sign, integer, fraction, exponent) are
 * scanned in one pass that also gathers the significant digits for the
 * exact fast path; split, they would share eight counters through a struct
 * and read no easier. */
static int parse_number(parser *p, fl__json *v) {
  size_t start = p->pos, i = start;
  const char *s = p->s;
  int neg = 0, has_frac = 0, has_exp = 0;
  uint64_t mant = 0;
  int digits = 0;       /* significant digits in mant */
  int dropped = 0;      /* digits that did not fit (integer part) */
  int frac_digits = 0;  /* fractional digits taken into mant */
  int lost = 0;         /* nonzero digits were not taken into mant */
  long exp10 = 0;
  if (i < p->n && s[i] == '-') {
    neg = 1;
    i++;
  }
  if (i >= p->n || s[i] < '0' || s[i] > '9') return syntax(p, start, "invalid number");
  if (s[i] == '0') {
    i++;
    if (i < p->n && s[i] >= '0' && s[i] <= '9')
      return syntax(p, start, "numbers must not have leading zeros"); /* (J1) */
  } else {
    for (; i < p->n && s[i] >= '0' && s[i] <= '9'; i++) {
      if (digits < 19) {
        mant = mant * 10 + (uint64_t)(s[i] - '0');
        digits++;
      } else {
        dropped++;
        if (s[i] != '0') lost = 1;
      }
    }
  }
  if (i < p->n && s[i] == '.') {
    has_frac = 1;
    i++;
    if (i >= p->n || s[i] < '0' || s[i] > '9')
      return syntax(p, i, "a digit must follow the decimal point");
    for (; i < p->n && s[i] >= '0' && s[i] <= '9'; i++) {
      if (mant == 0 && s[i] == '0') { /* leading zeros of 0.000123 are not significant */
        frac_digits++;
      } else if (digits < 19) {
        mant = mant * 10 + (uint64_t)(s[i] - '0');
        digits++;
        frac_digits++;
      } else if (s[i] != '0') {
        lost = 1;
      }
    }
  }
  if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
    has_exp = 1;
    i++;
    int eneg = 0;
    if (i < p->n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    if (i >= p->n || s[i] < '0' || s[i] > '9')
      return syntax(p, i, "a digit must follow the exponent mark");
    for (; i < p->n && s[i] >= '0' && s[i] <= '9'; i++)
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
    if (eneg) exp10 = -exp10;
  }
  size_t len = i - start;
  v->type = FL__JSON_NUMBER;
  v->str = s + start;
  v->n = len;
  v->is_int = 0;
  if (!has_frac && !has_exp && !dropped && (digits < 19 || mant <= (uint64_t)INT64_MAX + neg)) {
    v->is_int = 1;
    v->i = neg ? (int64_t)(0 - mant) : (int64_t)mant;
    v->num = neg ? -(double)mant : (double)mant;
    p->pos = i;
    return 1;
  }
  long e = exp10 - frac_digits + dropped;
  if (!lost && digits <= 15 && e >= -22 && e <= 22) { /* exact: one IEEE operation */
    double d = (double)mant;
    d = e < 0 ? d / pow10_exact[-e] : d * pow10_exact[e];
    v->num = neg ? -d : d;
  } else {
    char local[128], *buf = local;
    if (len >= sizeof local) {
      free(p->tmp);
      p->tmp = buf = malloc(len + 1);
      if (!buf) {
        p->failed = 2;
        return 0;
      }
    }
    memcpy(buf, s + start, len);
    buf[len] = '\0';
    v->num = strtod(buf, NULL); /* the caller runs in the "C" locale */
  }
  if (!isfinite(v->num))
    return syntax(p, start, "number %.*s is out of range", (int)(len > 40 ? 40 : len), s + start);
  p->pos = i;
  return 1;
}

static int push(parser *p, const fl__json *v) {
  if (p->top == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 256;
    fl__json *s = realloc(p->stack, cap * sizeof *s);
    if (!s) {
      p->failed = 2;
      return 0;
    }
    p->stack = s;
    p->cap = cap;
  }
  p->stack[p->top++] = *v;
  return 1;
}

/* Move stack[from..top) into the arena as the children of v. */
static int collect(parser *p, fl__json *v, size_t from) {
  size_t k = p->top - from;
  v->items = NULL;
  if (k) {
    v->items = arena_alloc(p, k * sizeof *v->items);
    if (!v->items) return 0;
    memcpy(v->items, p->stack + from, k * sizeof *v->items);
  }
  p->top = from;
  return 1;
}

static int parse_value(parser *p, fl__json *v, int depth);

static int parse_array(parser *p, fl__json *v, int depth) {
  size_t open = p->pos++, from = p->top;
  v->type = FL__JSON_ARRAY;
  skip_ws(p);
  if (p->pos < p->n && p->s[p->pos] == ']') {
    p->pos++;
    v->n = 0;
    return collect(p, v, from);
  }
  while (1) {
    fl__json item;
    skip_ws(p);
    if (!parse_value(p, &item, depth + 1) || !push(p, &item)) return 0;
    skip_ws(p);
    if (p->pos >= p->n) return syntax(p, open, "array is not closed");
    char c = p->s[p->pos];
    if (c == ']') {
      p->pos++;
      break;
    }
    if (c != ',') return syntax(p, p->pos, "expected ',' or ']' in an array, found %s", describe(p));
    p->pos++;
  }
  v->n = p->top - from;
  return collect(p, v, from);
}

static int parse_object(parser *p, fl__json *v, int depth) {
  size_t open = p->pos++, from = p->top;
  v->type = FL__JSON_OBJECT;
  skip_ws(p);
  if (p->pos < p->n && p->s[p->pos] == '}') {
    p->pos++;
    v->n = 0;
    return collect(p, v, from);
  }
  while (1) {
    fl__json key, val;
    skip_ws(p);
    if (p->pos >= p->n) return syntax(p, open, "object is not closed");
    if (p->s[p->pos] != '"')
      return syntax(p, p->pos, "expected a member name in double quotes, found %s", describe(p));
    key.pos = p->pos;
    key.is_int = 0;
    key.items = NULL;
    if (!parse_string(p, &key)) return 0;
    skip_ws(p);
    if (p->pos >= p->n || p->s[p->pos] != ':')
      return syntax(p, p->pos, "expected ':' after member name \"%.40s\", found %s", key.str,
                    describe(p));
    p->pos++;
    skip_ws(p);
    if (!parse_value(p, &val, depth + 1) || !push(p, &key) || !push(p, &val)) return 0;
    skip_ws(p);
    if (p->pos >= p->n) return syntax(p, open, "object is not closed");
    char c = p->s[p->pos];
    if (c == '}') {
      p->pos++;
      break;
    }
    if (c != ',')
      return syntax(p, p->pos, "expected ',' or '}' in an object, found %s", describe(p));
    p->pos++;
  }
  v->n = (p->top - from) / 2;
  return collect(p, v, from);
}

static int literal(parser *p, const char *word, fl__json_type t, fl__json *v) {
  size_t k = strlen(word);
  if (p->n - p->pos < k || memcmp(p->s + p->pos, word, k) != 0)
    return syntax(p, p->pos, "invalid literal: expected true, false or null");
  p->pos += k;
  v->type = t;
  return 1;
}

static int parse_value(parser *p, fl__json *v, int depth) {
  memset(v, 0, sizeof *v);
  v->pos = p->pos;
  if (depth > FL__JSON_MAX_DEPTH) /* (J3) */
    return syntax(p, p->pos, "arrays and objects are nested more than %d deep",
                  FL__JSON_MAX_DEPTH);
  if (p->pos >= p->n) return syntax(p, p->pos, "expected a value, found the end of the text");
  switch (p->s[p->pos]) {
  case '{': return parse_object(p, v, depth);
  case '[': return parse_array(p, v, depth);
  case '"': return parse_string(p, v);
  case 't': return literal(p, "true", FL__JSON_TRUE, v);
  case 'f': return literal(p, "false", FL__JSON_FALSE, v);
  case 'n': return literal(p, "null", FL__JSON_NULL, v);
  default:
    if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
      return parse_number(p, v);
    return syntax(p, p->pos, "expected a value, found %s", describe(p));
  }
}

/* ---- Public (internal) API ---------------------------------------------- */

fl_status fl__json_parse(const char *text, size_t n, fl__json_doc **out, char *err,
                         size_t errlen) {
  parser p = {.s = text, .n = n, .err = err, .errlen = errlen};
  *out = NULL;
  if (errlen) err[0] = '\0';
  p.doc = calloc(1, sizeof *p.doc);
  if (!p.doc) return FL_E_NOMEM;
  locale_t c = fl__c_locale(), old = c ? uselocale(c) : (locale_t)0;
  if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p.pos = 3; /* (J1): BOM */
  skip_ws(&p);
  if (parse_value(&p, &p.doc->root, 0)) {
    skip_ws(&p);
    if (p.pos < p.n) syntax(&p, p.pos, "unexpected %s after the JSON value", describe(&p));
  }
  if (c) uselocale(old);
  free(p.stack);
  free(p.tmp);
  if (p.failed) {
    if (p.failed == 2) snprintf(err, errlen, "out of memory");
    fl__json_free(p.doc);
    return p.failed == 2 ? FL_E_NOMEM : FL_E_ARG;
  }
  *out = p.doc;
  return FL_OK;
}

const fl__json *fl__json_root(const fl__json_doc *d) { return &d->root; }

void fl__json_free(fl__json_doc *d) {
  if (!d) return;
  for (chunk *c = d->chunks, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(d);
}

const fl__json *fl__json_get(const fl__json *obj, const char *key) {
  if (!obj || obj->type != FL__JSON_OBJECT) return NULL;
  size_t k = strlen(key);
  for (size_t i = 0; i < obj->n; i++) {
    const fl__json *name = &obj->items[2 * i];
    if (name->n == k && memcmp(name->str, key, k) == 0) return &obj->items[2 * i + 1];
  }
  return NULL;
}

const char *fl__json_type_name(fl__json_type t) {
  static const char *names[] = {"null", "false", "true", "number", "string", "array", "object"};
  return (unsigned)t < 7 ? names[t] : "?";
}
