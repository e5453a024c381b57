/*
 * blob_spatialite.c - SpatiaLite BLOB-Geometry <-> GEOS, and the checked
 * WKB walker that every blob decoder in Frontline goes through.
 *
 * How: a blob is never handed to GEOS as it came. One walker reads the
 * input (a SpatiaLite body or standard WKB, either byte order) and writes a
 * fresh ISO WKB in host byte order, XY or XYZ (M dropped), which then goes
 * to GEOSWKBReader_read_r on the context's handle. Rules, cited below:
 *   (S1) every count is checked against the bytes that remain before it is
 *        used or anything is allocated for it (this code is fuzzed);
 *   (S2) nesting is bounded (MAX_DEPTH) and element types must fit their
 *        container (MultiPoint holds points, ...);
 *   (S3) the whole input is consumed: trailing bytes are an error;
 *   (S4) SpatiaLite cannot hold empty geometries or a collection inside a
 *        collection: encoding those fails with FL_E_GEOM.
 * SpatiaLite layout (SpatiaLite 5.0.1, see NOTES.md 1.4): 0x00, endian byte
 * (0x01 little, 0x00 big), SRID int32, MBR 4 doubles, 0x7C, class type int32,
 * body, 0xFE. Body is a WKB body; elements of a collection are 0x69 + type +
 * body. Compressed lines and rings (type + 1000000) keep the first and last
 * vertex as doubles and store the others as float32 deltas from the previous
 * vertex (M stays a double). TinyPoint: 0x00, 0x81/0x80, SRID, one type byte
 * (1 XY, 2 XYZ, 3 XYM, 4 XYZM), doubles, 0xFE.
 * Not here: GeoPackage blobs and kind detection (blob_gpkg.c), SQLite.
 */
#include <math.h>
#include <stdint.h>
#include "fl_internal.h"

#define MAX_DEPTH 32

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BE 1
#else
#define HOST_BE 0
#endif

/* Internal entry points, used by blob_gpkg.c (declared there). */
fl_status fl__spatialite_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n,
                                 GEOSGeometry **out, int *srid);
fl_status fl__wkb_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n, const char *what,
                          size_t total, size_t base, GEOSGeometry **out);
fl_status fl__geos_to_spatialite(fl_ctx *ctx, const GEOSGeometry *g, int srid,
                                 unsigned char **out, size_t *n);
unsigned char *fl__geos_wkb(fl_ctx *ctx, const GEOSGeometry *g, size_t *n);
int fl__looks_spatialite(const unsigned char *b, size_t n);

/* ---- Byte input and output ---------------------------------------------- */

typedef enum { FMT_WKB, FMT_SPATIALITE } fmt;

typedef struct walker {
  fl_ctx *ctx;
  const char *what;          /* "SpatiaLite blob", "GeoPackage blob", "WKB blob" */
  size_t total;              /* size of the whole blob, for messages */
  size_t base;               /* offset of p[0] inside the whole blob */
  const unsigned char *p;
  size_t n, off;
  int in_be;                 /* SpatiaLite: byte order of the header; WKB: current element */
  fmt in, out;
  unsigned char *buf;        /* output, host byte order */
  size_t len, cap;
  fl_status st;              /* first failure */
} walker;

static int fail(walker *w, fl_status st, const char *fmt_, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(walker *w, fl_status st, const char *fmt_, ...) {
  if (w->st) return 0;
  char detail[512];
  va_list ap;
  va_start(ap, fmt_);
  vsnprintf(detail, sizeof detail, fmt_, ap);
  va_end(ap);
  if (st == FL_E_NOMEM)
    fl__fail(w->ctx, st, "out of memory while converting a %s of %zu bytes", w->what, w->total);
  else if (w->out == FMT_SPATIALITE)
    fl__fail(w->ctx, st, "cannot write the geometry as a SpatiaLite blob: %s", detail);
  else
    fl__fail(w->ctx, st, "%s of %zu bytes is not a valid geometry: %s", w->what, w->total, detail);
  w->st = st;
  return 0;
}

static size_t remaining(const walker *w) { return w->n - w->off; }

static int need(walker *w, uint64_t bytes, const char *item) {
  if (bytes <= remaining(w)) return 1;
  return fail(w, FL_E_GEOM, "%s needs %llu bytes at offset %zu but only %zu remain", item,
              (unsigned long long)bytes, w->base + w->off, remaining(w));
}

static uint32_t get_u32(const unsigned char *q, int be) {
  if (be) return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
  return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

static double get_f64(const unsigned char *q, int be) {
  uint64_t u = 0;
  if (be)
    for (int i = 0; i < 8; i++) u = u << 8 | q[i];
  else
    for (int i = 7; i >= 0; i--) u = u << 8 | q[i];
  double d;
  memcpy(&d, &u, 8);
  return d;
}

static float get_f32(const unsigned char *q, int be) {
  uint32_t u = get_u32(q, be);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static int rd_u8(walker *w, unsigned *v, const char *item) {
  if (!need(w, 1, item)) return 0;
  *v = w->p[w->off++];
  return 1;
}

static int rd_u32(walker *w, uint32_t *v, const char *item) {
  if (!need(w, 4, item)) return 0;
  *v = get_u32(w->p + w->off, w->in_be);
  w->off += 4;
  return 1;
}

static int reserve(walker *w, size_t more) {
  if (more <= w->cap - w->len) return 1;
  size_t cap = w->cap ? w->cap : 256;
  while (cap - w->len < more) {
    if (cap > SIZE_MAX / 2) return fail(w, FL_E_NOMEM, "size");
    cap *= 2;
  }
  unsigned char *b = realloc(w->buf, cap);
  if (!b) return fail(w, FL_E_NOMEM, "realloc");
  w->buf = b;
  w->cap = cap;
  return 1;
}

/* Callers reserve first. */
static void put_u8(walker *w, unsigned v) { w->buf[w->len++] = (unsigned char)v; }
static void put_u32(walker *w, uint32_t v) {
  memcpy(w->buf + w->len, &v, 4);
  w->len += 4;
}
static void put_f64(walker *w, double v) {
  memcpy(w->buf + w->len, &v, 8);
  w->len += 8;
}

/* ---- Types -------------------------------------------------------------- */

typedef struct gtype {
  unsigned base;      /* 1 point .. 7 collection */
  int z, m;
  int compressed;     /* SpatiaLite compressed line/polygon */
} gtype;

static const char *base_name(unsigned base) {
  static const char *names[] = {"?", "point", "linestring", "polygon", "multipoint",
                                "multilinestring", "multipolygon", "geometrycollection"};
  return base <= 7 ? names[base] : "?";
}

/* SpatiaLite class type: 1..7, +1000 Z, +2000 M, +3000 ZM, +1000000 compressed. */
static int spatialite_type(walker *w, uint32_t code, gtype *t) {
  uint32_t c = code;
  t->compressed = 0;
  if (c >= 1000000 && c < 2000000) {
    t->compressed = 1;
    c -= 1000000;
  }
  unsigned dims = c / 1000, base = c % 1000;
  if (c >= 4000 || base < 1 || base > 7 || (t->compressed && base != 2 && base != 3))
    return fail(w, FL_E_GEOM, "unknown SpatiaLite geometry class %u at offset %zu", code,
                w->base + w->off - 4);
  t->base = base;
  t->z = dims == 1 || dims == 3;
  t->m = dims == 2 || dims == 3;
  return 1;
}

/* WKB type: ISO (1..7 + 1000/2000/3000) or extended (0x80000000 Z, 0x40000000 M,
 * 0x20000000 SRID follows). */
static int wkb_type(walker *w, uint32_t code, gtype *t, int *has_srid) {
  uint32_t c = code & 0x0FFFFFFFu;
  unsigned dims = c / 1000, base = c % 1000;
  if (c >= 4000 || base < 1 || base > 7)
    return fail(w, FL_E_GEOM, "unsupported WKB geometry type %u at offset %zu", code,
                w->base + w->off - 4);
  t->base = base;
  t->z = (code & 0x80000000u) || dims == 1 || dims == 3;
  t->m = (code & 0x40000000u) || dims == 2 || dims == 3;
  t->compressed = 0;
  *has_srid = (code & 0x20000000u) != 0;
  return 1;
}

/* Write the element header of the output format for type t (M dropped). */
static int put_header(walker *w, const gtype *t) {
  if (!reserve(w, 5)) return 0;
  put_u8(w, w->out == FMT_WKB ? (HOST_BE ? 0 : 1) : 0x69);
  put_u32(w, t->base + (t->z ? 1000u : 0u));
  return 1;
}

/* ---- Bodies ------------------------------------------------------------- */

/* n vertices of an (optionally compressed) point sequence. */
static int coords(walker *w, const gtype *t, uint32_t npts, const char *item) {
  const int in_dims = 2 + t->z + t->m, out_dims = 2 + t->z;
  const size_t full = 8u * (size_t)in_dims;
  /* Compressed vertices between the ends: float32 x,y(,z), M a double. */
  const size_t small = t->compressed ? 4u * (size_t)(2 + t->z) + 8u * (size_t)t->m : full;
  /* (S1): at most 2^32 * 32 bytes, so uint64_t cannot overflow. */
  uint64_t need64 = (!t->compressed || npts <= 2)
                        ? (uint64_t)npts * full
                        : 2 * (uint64_t)full + (uint64_t)(npts - 2) * small;
  if (!need(w, need64, item)) return 0;
  size_t bytes = (size_t)need64;
  if (!reserve(w, (size_t)npts * 8u * (size_t)out_dims)) return 0;
  const unsigned char *q = w->p + w->off;
  const int be = w->in_be;
  double last[3] = {0, 0, 0};
  for (uint32_t i = 0; i < npts; i++) {
    double v[3];
    if (!t->compressed || i == 0 || i == npts - 1) {
      for (int d = 0; d < 2 + t->z; d++) v[d] = get_f64(q + 8 * d, be);
      q += full;
    } else {
      for (int d = 0; d < 2 + t->z; d++) v[d] = last[d] + get_f32(q + 4 * d, be);
      q += small;
    }
    for (int d = 0; d < out_dims; d++) {
      put_f64(w, v[d]);
      last[d] = v[d];
    }
  }
  w->off += bytes;
  return 1;
}

static int element(walker *w, unsigned parent_base, int depth);

static int body(walker *w, const gtype *t, int depth) {
  uint32_t count;
  switch (t->base) {
  case 1:
    return coords(w, t, 1, "point");
  case 2:
    if (!rd_u32(w, &count, "linestring point count")) return 0;
    if (w->out == FMT_SPATIALITE && count < 2)
      return fail(w, FL_E_GEOM, "SpatiaLite cannot store a linestring of %u points", count);
    if (!reserve(w, 4)) return 0;
    put_u32(w, count);
    return coords(w, t, count, "linestring points");
  case 3:
    if (!rd_u32(w, &count, "polygon ring count")) return 0;
    if (!need(w, (uint64_t)count * 4, "polygon rings")) return 0; /* (S1) */
    if (w->out == FMT_SPATIALITE && count == 0)
      return fail(w, FL_E_GEOM, "SpatiaLite cannot store an empty polygon");
    if (!reserve(w, 4)) return 0;
    put_u32(w, count);
    for (uint32_t r = 0; r < count; r++) {
      uint32_t npts;
      if (!rd_u32(w, &npts, "ring point count")) return 0;
      if (!reserve(w, 4)) return 0;
      put_u32(w, npts);
      if (!coords(w, t, npts, "ring points")) return 0;
    }
    return 1;
  default:
    if (!rd_u32(w, &count, "collection element count")) return 0;
    if (!need(w, (uint64_t)count * 5, "collection elements")) /* (S1): 5 bytes or more each */
      return 0;
    if (w->out == FMT_SPATIALITE && count == 0)
      return fail(w, FL_E_GEOM, "SpatiaLite cannot store an empty %s", base_name(t->base));
    if (!reserve(w, 4)) return 0;
    put_u32(w, count);
    for (uint32_t i = 0; i < count; i++)
      if (!element(w, t->base, depth + 1)) return 0;
    return 1;
  }
}

/* One element of a collection, or (WKB input) one whole geometry. */
static int element(walker *w, unsigned parent_base, int depth) {
  gtype t;
  uint32_t code;
  if (depth > MAX_DEPTH) /* (S2) */
    return fail(w, FL_E_GEOM, "collections are nested more than %d deep", MAX_DEPTH);
  if (w->in == FMT_SPATIALITE) {
    unsigned mark;
    if (!rd_u8(w, &mark, "element marker")) return 0;
    if (mark != 0x69)
      return fail(w, FL_E_GEOM, "bad element marker 0x%02X at offset %zu (expected 0x69)", mark,
                  w->base + w->off - 1);
    if (!rd_u32(w, &code, "element type") || !spatialite_type(w, code, &t)) return 0;
  } else {
    unsigned order;
    int has_srid = 0;
    if (!rd_u8(w, &order, "byte order")) return 0;
    if (order > 1)
      return fail(w, FL_E_GEOM, "bad byte order 0x%02X at offset %zu", order,
                  w->base + w->off - 1);
    w->in_be = order == 0;
    if (!rd_u32(w, &code, "geometry type") || !wkb_type(w, code, &t, &has_srid)) return 0;
    if (has_srid) {
      uint32_t ignored;
      if (!rd_u32(w, &ignored, "SRID")) return 0;
    }
  }
  /* (S2): element types must fit the container. */
  if (parent_base) {
    unsigned want = parent_base == 4 ? 1 : parent_base == 5 ? 2 : parent_base == 6 ? 3 : 0;
    if (want && t.base != want)
      return fail(w, FL_E_GEOM, "a %s holds a %s at offset %zu", base_name(parent_base),
                  base_name(t.base), w->base + w->off);
    if (t.base >= 4 && (w->in == FMT_SPATIALITE || w->out == FMT_SPATIALITE))
      return fail(w, FL_E_GEOM, "SpatiaLite cannot store a %s inside a %s (S4)",
                  base_name(t.base), base_name(parent_base));
  }
  if (parent_base == 0 && w->out == FMT_SPATIALITE) {
    /* Top level: the caller writes the SpatiaLite header with the type. */
  } else if (!put_header(w, &t)) {
    return 0;
  }
  size_t at = w->len;
  if (!body(w, &t, depth)) return 0;
  if (w->out == FMT_SPATIALITE && t.base == 1) { /* (S4): an empty point is NaN, NaN */
    double x;
    memcpy(&x, w->buf + at, 8);
    if (isnan(x)) return fail(w, FL_E_GEOM, "SpatiaLite cannot store an empty point");
  }
  return 1;
}

/* Hand the rebuilt WKB to GEOS. */
static fl_status to_geos(walker *w, GEOSGeometry **out) {
  GEOSContextHandle_t h = fl_ctx_geos(w->ctx);
  w->ctx->geos_msg[0] = '\0';
  GEOSWKBReader *r = GEOSWKBReader_create_r(h);
  if (!r) return fl__fail(w->ctx, FL_E_NOMEM, "out of memory creating a WKB reader");
  GEOSGeometry *g = GEOSWKBReader_read_r(h, r, w->buf, w->len);
  GEOSWKBReader_destroy_r(h, r);
  if (!g && (strstr(w->ctx->geos_msg, "bad_alloc") || strstr(w->ctx->geos_msg, "memory")))
    return fl__fail(w->ctx, FL_E_NOMEM, "out of memory while reading a %s of %zu bytes", w->what,
                    w->total); /* GEOS's std::bad_alloc: not a fault of the blob */
  if (!g)
    return fl__fail(w->ctx, FL_E_GEOM, "%s of %zu bytes is not a valid geometry: %s", w->what,
                    w->total, w->ctx->geos_msg[0] ? w->ctx->geos_msg : "GEOS rejected it");
  *out = g;
  return FL_OK;
}

/* ---- Decoding ----------------------------------------------------------- */

int fl__looks_spatialite(const unsigned char *b, size_t n) {
  if (n < 24 || b[0] != 0x00 || b[n - 1] != 0xFE) return 0;
  if (b[1] == 0x00 || b[1] == 0x01) return n >= 44 && b[38] == 0x7C;
  if (b[1] == 0x80 || b[1] == 0x81) return n == 24 || n == 32 || n == 40;
  return 0;
}

static fl_status tinypoint(walker *w, GEOSGeometry **out, int *srid) {
  const unsigned char *b = w->p;
  int be = b[1] == 0x80;
  unsigned kind = b[6];
  static const size_t size_of[] = {0, 24, 32, 32, 40};
  if (kind < 1 || kind > 4 || size_of[kind] != w->n) {
    fl__fail(w->ctx, FL_E_GEOM,
             "SpatiaLite blob of %zu bytes is not a valid geometry: TinyPoint type %u does not "
             "match its length",
             w->n, kind);
    return FL_E_GEOM;
  }
  gtype t = {1, kind == 2 || kind == 4, kind == 3 || kind == 4, 0};
  w->in_be = be;
  w->off = 7;
  w->n -= 1; /* the 0xFE end mark */
  w->in = FMT_SPATIALITE;
  w->out = FMT_WKB;
  if (!put_header(w, &t) || !coords(w, &t, 1, "point")) return w->st;
  *srid = (int)get_u32(b + 2, be);
  return to_geos(w, out);
}

fl_status fl__spatialite_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n,
                                 GEOSGeometry **out, int *srid) {
  walker w = {.ctx = ctx, .what = "SpatiaLite blob", .total = n, .p = b, .n = n,
              .in = FMT_SPATIALITE, .out = FMT_WKB};
  fl_status st;
  *out = NULL;
  if (!fl__looks_spatialite(b, n))
    return fl__fail(ctx, FL_E_GEOM,
                    "blob of %zu bytes is not a SpatiaLite geometry (bad start, end or MBR mark)",
                    n);
  if (b[1] & 0x80) {
    st = tinypoint(&w, out, srid);
  } else {
    gtype t;
    uint32_t code;
    w.in_be = b[1] == 0x00;
    w.n = n - 1; /* (S3): the body must end right before the 0xFE mark */
    w.off = 39;
    if (!rd_u32(&w, &code, "class type") || !spatialite_type(&w, code, &t) ||
        !put_header(&w, &t) || !body(&w, &t, 0)) {
      st = w.st;
    } else if (w.off != w.n) {
      st = fl__fail(ctx, FL_E_GEOM,
                    "SpatiaLite blob of %zu bytes is not a valid geometry: %zu unexpected bytes "
                    "after the geometry",
                    n, w.n - w.off);
    } else {
      *srid = (int)get_u32(b + 2, w.in_be);
      st = to_geos(&w, out);
    }
  }
  free(w.buf);
  if (st == FL_OK) GEOSSetSRID_r(fl_ctx_geos(ctx), *out, *srid);
  return st;
}

fl_status fl__wkb_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n, const char *what,
                          size_t total, size_t base, GEOSGeometry **out) {
  walker w = {.ctx = ctx, .what = what, .total = total, .base = base, .p = b, .n = n,
              .in = FMT_WKB, .out = FMT_WKB};
  fl_status st;
  *out = NULL;
  if (!reserve(&w, n + 64) || !element(&w, 0, 0)) {
    st = w.st;
  } else if (w.off != n) { /* (S3) */
    st = fl__fail(ctx, FL_E_GEOM,
                  "%s of %zu bytes is not a valid geometry: %zu unexpected bytes after the "
                  "geometry",
                  what, total, n - w.off);
  } else {
    st = to_geos(&w, out);
  }
  free(w.buf);
  return st;
}

/* ---- Encoding ----------------------------------------------------------- */

/* ISO WKB of g (XY, or XYZ when g has Z), host byte order, in malloc memory
 * (callers free() it); NULL on failure with GEOS's message in ctx->geos_msg. */
unsigned char *fl__geos_wkb(fl_ctx *ctx, const GEOSGeometry *g, size_t *n) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSWKBWriter *wr = GEOSWKBWriter_create_r(h);
  if (!wr) return NULL;
  GEOSWKBWriter_setOutputDimension_r(h, wr, 3);
  GEOSWKBWriter_setByteOrder_r(h, wr, HOST_BE ? GEOS_WKB_XDR : GEOS_WKB_NDR);
  GEOSWKBWriter_setFlavor_r(h, wr, GEOS_WKB_ISO);
  GEOSWKBWriter_setIncludeSRID_r(h, wr, 0);
  size_t len = 0;
  unsigned char *wkb = GEOSWKBWriter_write_r(h, wr, g, &len);
  GEOSWKBWriter_destroy_r(h, wr);
  if (!wkb) return NULL;
  unsigned char *copy = malloc(len ? len : 1);
  if (copy) memcpy(copy, wkb, len);
  GEOSFree_r(h, wkb);
  *n = len;
  return copy;
}

fl_status fl__geos_to_spatialite(fl_ctx *ctx, const GEOSGeometry *g, int srid,
                                 unsigned char **out, size_t *n) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  char isempty = GEOSisEmpty_r(h, g);
  if (isempty == 2) return fl__fail_geos(ctx, "checking a geometry for emptiness");
  if (isempty) /* (S4) */
    return fl__fail(ctx, FL_E_GEOM,
                    "SpatiaLite cannot store an empty geometry; write NULL instead");
  double mbr[4];
  if (!GEOSGeom_getXMin_r(h, g, &mbr[0]) || !GEOSGeom_getYMin_r(h, g, &mbr[1]) ||
      !GEOSGeom_getXMax_r(h, g, &mbr[2]) || !GEOSGeom_getYMax_r(h, g, &mbr[3]))
    return fl__fail_geos(ctx, "computing the MBR of a geometry");
  size_t wkb_len = 0;
  unsigned char *wkb = fl__geos_wkb(ctx, g, &wkb_len);
  if (!wkb) return fl__fail_geos(ctx, "writing WKB");

  walker w = {.ctx = ctx, .what = "geometry", .total = wkb_len, .p = wkb, .n = wkb_len,
              .in = FMT_WKB, .out = FMT_SPATIALITE};
  fl_status st = FL_OK;
  /* Header: start, endian, SRID, MBR, 0x7C; the class type is patched in below. */
  if (reserve(&w, wkb_len + 64)) {
    put_u8(&w, 0x00);
    put_u8(&w, HOST_BE ? 0x00 : 0x01);
    put_u32(&w, (uint32_t)srid);
    for (int i = 0; i < 4; i++) put_f64(&w, mbr[i]);
    put_u8(&w, 0x7C);
    put_u32(&w, 0);
  }
  if (!w.st && wkb_len >= 5) {
    uint32_t code = get_u32(wkb + 1, wkb[0] == 0);
    uint32_t c = code & 0x0FFFFFFFu;
    uint32_t z = (code & 0x80000000u) || (c / 1000) % 2 == 1;
    uint32_t cls = c % 1000 + (z ? 1000u : 0u);
    memcpy(w.buf + 39, &cls, 4);
  }
  if (w.st || !element(&w, 0, 0) || !reserve(&w, 1)) {
    st = w.st;
  } else {
    put_u8(&w, 0xFE);
  }
  free(wkb);
  if (st) {
    free(w.buf);
    return st;
  }
  *out = w.buf;
  *n = w.len;
  return FL_OK;
}
