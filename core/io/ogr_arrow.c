/*
 * ogr_arrow.c - read an OGR layer in batches through its Arrow C stream
 * (OGR_L_GetArrowStream, RFC 86, GDAL 3.6) instead of feature by feature.
 * GDAL's GeoPackage driver fills the batches straight from SQLite, without
 * an OGRFeature per row. Rules:
 *   (A1) the values are those of the feature-by-feature read (ogr_read.c,
 *        rule O3): integers (int8..int64, booleans as 0/1) -> INTEGER,
 *        float/double -> REAL, UTF-8 text -> TEXT, date32 -> DATE as ISO
 *        text; a null slot -> NULL. A column of any other type (date-times,
 *        lists, binary, dictionaries) makes the whole layer go feature by
 *        feature (*unsupported), decided from the schema before any row;
 *   (A2) a 2D WKB geometry of the seven simple types goes straight to GEOS
 *        (of a GeoPackage, O10, also with Z or M: the blob reader keeps Z);
 *        any other (Z, M, curves) or any geometry of a layer reprojected to
 *        lon/lat goes through OGR as rule O4 says; empty -> NULL;
 *   (A3) the feature id is the stream's FID column; a GeoPackage table
 *        without an INTEGER PRIMARY KEY is read feature by feature (GDAL 3.6's
 *        stream numbers its rows from 0, its features by rowid);
 *   (A4) cancel is honoured between batches, and a stream error is FL_E_IO
 *        with GDAL's reason;
 *   (A5) with j->on_batch, each batch is handed over and then freed: memory
 *        holds one batch (65,536 features), whatever the layer's size.
 * Not here: opening, the layer's CRS and fields (ogr_read.c).
 */
#include <ogr_recordbatch.h>
#include <cpl_error.h>
#include <stdint.h>
#include <string.h>

#include "fl_ogr.h"

typedef enum col_kind {
  COL_SKIP = 0, COL_INT8, COL_INT16, COL_INT32, COL_INT64, COL_BOOL, COL_FLOAT, COL_DOUBLE,
  COL_UTF8, COL_LUTF8, COL_DATE32, COL_WKB, COL_LWKB
} col_kind;

/* (A1) The column reader of an Arrow format string, or -1 for none. */
static int kind_of(const char *fmt) {
  static const struct { const char *fmt; col_kind kind; } map[] = {
      {"c", COL_INT8},   {"s", COL_INT16},  {"i", COL_INT32},  {"l", COL_INT64},
      {"b", COL_BOOL},   {"f", COL_FLOAT},  {"g", COL_DOUBLE}, {"u", COL_UTF8},
      {"U", COL_LUTF8},  {"tdD", COL_DATE32}, {"z", COL_WKB},  {"Z", COL_LWKB}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(fmt, map[i].fmt) == 0) return (int)map[i].kind;
  return -1;
}

typedef struct columns {
  int n;
  col_kind *kind;
  int *field; /* layer field of each column, -1 none */
  int fid;    /* column of the FID, -1 none */
  int geom;   /* column of the geometry, -1 none */
} columns;

/* (A1)(A3) Map the schema's columns: FID, OGR's fields by name, geometry. */
static int map_columns(fl__ogr_job *j, OGRLayerH l, const struct ArrowSchema *s, columns *c) {
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
  const char *fid_name = OGR_L_GetFIDColumn(l);
  if (j->gpkg && (!fid_name || !*fid_name)) return 0; /* (A3) */
  if (!fid_name || !*fid_name) fid_name = "OGC_FID";
  c->n = (int)s->n_children;
  c->fid = c->geom = -1;
  for (int i = 0; i < c->n; i++) {
    const struct ArrowSchema *ch = s->children[i];
    int k = kind_of(ch->format);
    if (k < 0 || ch->dictionary) return 0;
    if (j->gpkg && k == COL_FLOAT) return 0; /* a FLOAT column holds doubles in SQLite */
    c->kind[i] = (col_kind)k;
    c->field[i] = -1;
    int f = OGR_FD_GetFieldIndex(defn, ch->name);
    if ((k == COL_WKB || k == COL_LWKB) && c->geom < 0 && f < 0) {
      c->geom = i;
    } else if (f >= 0 && k != COL_WKB && k != COL_LWKB) {
      c->field[i] = j->field_of[f];
      OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, f));
      if ((t == OFTDate) != (k == COL_DATE32)) return 0;
      /* (O10) a value of another kind than the field's: OGR's features convert it */
      int text = j->out->fields[c->field[i]].type == FL_FIELD_TEXT ||
                 j->out->fields[c->field[i]].type == FL_FIELD_DATE;
      if (text != (k == COL_UTF8 || k == COL_LUTF8 || k == COL_DATE32)) return 0;
    } else if (c->fid < 0 && (k == COL_INT64 || k == COL_INT32) &&
               strcasecmp(ch->name, fid_name) == 0) {
      c->fid = i;
    } else {
      return 0; /* a column that is none of them: let OGR's features say */
    }
  }
  return 1;
}

static int is_null(const struct ArrowArray *a, int64_t i) {
  const uint8_t *valid = a->buffers[0];
  return a->null_count != 0 && valid && !(valid[i >> 3] & (1u << (i & 7)));
}

static int64_t int_at(const struct ArrowArray *a, col_kind k, int64_t i) {
  switch (k) {
  case COL_INT8: return ((const int8_t *)a->buffers[1])[i];
  case COL_INT16: return ((const int16_t *)a->buffers[1])[i];
  case COL_INT32: return ((const int32_t *)a->buffers[1])[i];
  case COL_BOOL: return (((const uint8_t *)a->buffers[1])[i >> 3] >> (i & 7)) & 1;
  default: return ((const int64_t *)a->buffers[1])[i];
  }
}

/* Bytes of a variable-length value (text or WKB). */
static const unsigned char *bytes_at(const struct ArrowArray *a, col_kind k, int64_t i,
                                     size_t *n) {
  int64_t from, to;
  if (k == COL_LUTF8 || k == COL_LWKB) {
    from = ((const int64_t *)a->buffers[1])[i];
    to = ((const int64_t *)a->buffers[1])[i + 1];
  } else {
    from = ((const int32_t *)a->buffers[1])[i];
    to = ((const int32_t *)a->buffers[1])[i + 1];
  }
  *n = to > from ? (size_t)(to - from) : 0;
  return (const unsigned char *)a->buffers[2] + from;
}

/* Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
static void iso_date(int64_t days, char *buf, size_t n) {
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2);
  snprintf(buf, n, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
}

/* (A2) */
static fl_status geom_at(fl__ogr_job *j, const unsigned char *wkb, size_t n, long long fid,
                         GEOSGeometry **out) {
  *out = NULL;
  uint32_t type = 0;
  if (n >= 5) {
    if (wkb[0] == 1)
      type = (uint32_t)wkb[1] | (uint32_t)wkb[2] << 8 | (uint32_t)wkb[3] << 16 |
             (uint32_t)wkb[4] << 24;
    else
      type = (uint32_t)wkb[4] | (uint32_t)wkb[3] << 8 | (uint32_t)wkb[2] << 16 |
             (uint32_t)wkb[1] << 24;
  }
  uint32_t base = type & 0x0FFFFFFFu;
  if (j->gpkg && base % 1000 >= 1 && base % 1000 <= 7 && base < 4000) type = base % 1000;
  if (!j->to_lonlat && type >= 1 && type <= 7) {
    if (fl_geom_from_blob(j->ctx, wkb, n, out, NULL, NULL) != FL_OK)
      return fl__ogr_geom_fail(j, fid, 1);
    if (GEOSisEmpty_r(j->ctx->geos, *out) == 1) {
      GEOSGeom_destroy_r(j->ctx->geos, *out);
      *out = NULL;
    }
    return FL_OK;
  }
  OGRGeometryH g = NULL;
  if (OGR_G_CreateFromWkbEx(wkb, NULL, &g, n) != OGRERR_NONE)
    return fl__ogr_geom_fail(j, fid, 0);
  fl_status st = fl__ogr_geom(j, g, fid, out);
  OGR_G_DestroyGeometry(g);
  return st;
}

static fl_status set_value(fl__ogr_job *j, fl_feature *ff, int k, const struct ArrowArray *a,
                           col_kind kind, int64_t i) {
  char text[48];
  size_t n;
  const unsigned char *b;
  switch (kind) {
  case COL_FLOAT: return fl_feature_set_real(j->out, ff, k, ((const float *)a->buffers[1])[i]);
  case COL_DOUBLE: return fl_feature_set_real(j->out, ff, k, ((const double *)a->buffers[1])[i]);
  case COL_DATE32:
    iso_date(((const int32_t *)a->buffers[1])[i], text, sizeof text);
    return fl_feature_set_text(j->out, ff, k, text);
  case COL_UTF8:
  case COL_LUTF8: {
    b = bytes_at(a, kind, i, &n);
    char *s = malloc(n + 1);
    if (!s) return FL_E_NOMEM;
    memcpy(s, b, n);
    s[n] = '\0';
    fl_status st = fl_feature_set_text(j->out, ff, k, s);
    free(s);
    return st;
  }
  default: return fl_feature_set_int(j->out, ff, k, int_at(a, kind, i));
  }
}

static fl_status read_row(fl__ogr_job *j, const columns *c, const struct ArrowArray *batch,
                          int64_t row) {
  long long fid = row;
  if (c->fid >= 0) {
    const struct ArrowArray *a = batch->children[c->fid];
    fid = (long long)int_at(a, c->kind[c->fid], a->offset + batch->offset + row);
  }
  GEOSGeometry *geom = NULL;
  if (c->geom >= 0) {
    const struct ArrowArray *a = batch->children[c->geom];
    int64_t i = a->offset + batch->offset + row;
    if (!is_null(a, i)) {
      size_t n;
      const unsigned char *wkb = bytes_at(a, c->kind[c->geom], i, &n);
      fl_status st = geom_at(j, wkb, n, fid, &geom);
      if (st) return st;
    }
  }
  fl_feature *ff = fl_layer_append(j->ctx, j->out, (int64_t)fid, geom);
  if (!ff) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (int k = 0; k < c->n; k++) {
    if (c->field[k] < 0) continue;
    const struct ArrowArray *a = batch->children[k];
    int64_t i = a->offset + batch->offset + row;
    if (is_null(a, i)) continue;
    if (set_value(j, ff, c->field[k], a, c->kind[k], i) != FL_OK)
      return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  }
  return FL_OK;
}

static const char *stream_reason(struct ArrowArrayStream *s) {
  const char *m = s->get_last_error ? s->get_last_error(s) : NULL;
  if (m && *m) return m;
  m = CPLGetLastErrorMsg();
  return m && *m ? m : "GDAL gave no reason";
}

static fl_status read_batches(fl__ogr_job *j, struct ArrowArrayStream *s, const columns *c) {
  fl_status st = FL_OK;
  while (!st) {
    struct ArrowArray batch;
    memset(&batch, 0, sizeof batch);
    if (s->get_next(s, &batch) != 0)
      return fl__fail(j->ctx, FL_E_IO, "%s: reading stopped (%s)", j->source, stream_reason(s));
    if (!batch.release) break; /* the end */
    if (batch.n_children != c->n)
      st = fl__fail(j->ctx, FL_E_IO, "%s: a batch of %lld columns, the schema has %d",
                    j->source, (long long)batch.n_children, c->n);
    for (int64_t r = 0; !st && r < batch.length; r++) st = read_row(j, c, &batch, r);
    batch.release(&batch);
    if (!st && j->on_batch) { /* (A5) */
      st = j->on_batch(j->ctx, j->out, j->user);
      fl__layer_clear_features(j->ctx, j->out);
    }
    if (!st && fl__should_stop(j->ctx))
      st = fl__fail(j->ctx, FL_E_CANCEL, "cancelled by the user");
  }
  return st;
}

fl_status fl__ogr_arrow_read(fl__ogr_job *j, OGRLayerH l, int *unsupported) {
  *unsupported = 1;
  struct ArrowArrayStream s;
  memset(&s, 0, sizeof s);
  char *opts[] = {"INCLUDE_FID=YES", "MAX_FEATURES_IN_BATCH=65536", NULL};
  OGR_L_ResetReading(l);
  if (!OGR_L_GetArrowStream(l, &s, opts)) return FL_OK;
  struct ArrowSchema schema;
  memset(&schema, 0, sizeof schema);
  fl_status st = FL_OK;
  if (s.get_schema(&s, &schema) == 0 && schema.release) {
    columns c = {0};
    c.kind = calloc((size_t)schema.n_children + 1, sizeof *c.kind);
    c.field = calloc((size_t)schema.n_children + 1, sizeof *c.field);
    if (!c.kind || !c.field) {
      st = fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
      *unsupported = 0;
    } else if (strcmp(schema.format, "+s") == 0 && map_columns(j, l, &schema, &c)) {
      *unsupported = 0;
      st = read_batches(j, &s, &c);
    }
    free(c.kind);
    free(c.field);
    schema.release(&schema);
  }
  s.release(&s);
  return st;
}
