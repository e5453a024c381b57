/*
 * tool_settlement_status.c - the `settlement-status` tool: who holds each
 * settlement, how much of it, is it contested, and do the sources agree
 * (DESIGN.md question 3).
 *
 * Reads settlements (points or polygons) and control polygons, optionally
 * the front (else derived from control), calls fl_settlement_status() and
 * writes one row per settlement and control group to `settlement_status`.
 * A GeoPackage of settlements in EPSG:4326 written to a GeoPackage is
 * streamed instead (fl_settlement_status_stream: the same rows, memory flat
 * in the number of settlements); whatever the stream does not take (a
 * polygon, another format) runs whole.
 * Not here: the containment rules S1-S4 (core/settlement_status.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("settlements", "Settlements",
                "Point or polygon layer of the settlements, with a name field. Accepts "
                "points or polygons.",
                FL_GEOM_POINT | FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls, with a side field. Accepts "
                "polygons.",
                FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("front", "Front lines",
                "Line layer of the front, for dist_to_front_m and band. Empty: traced from "
                "the control polygons. Accepts lines.",
                FL_GEOM_LINE, FL_PARAM_OPTIONAL),
    FLP_P_SPLIT_SHARE,
    FLP_P_CONTESTED_DIST,
    FLP_P_BOOL("front_distance", "Measure the distance to the front",
               "Measure dist_to_front_m and band (and rule S3). false: containment only, no "
               "front traced or measured; much faster on large layers (a million buildings).",
               "true", FL_PARAM_OPTIONAL),
    FLP_P_DISTANCES,
    FLP_P_SNAP,
    FLP_P_NAME_FIELD("settlements", "settlement"),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_DATE_TOLERANCE,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_STATUS_FIELD("control"),
    FLP_P_CONTESTED_VALUE,
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_OUTPUT("the settlement rows (layer 'settlement_status')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

/* Rows counted by the text of one field, in order of first appearance
 * (NULL: "none"), at most 32 values, the rest as "other". */
typedef struct tally {
  char *keys[32];
  size_t counts[32], n, other;
  size_t last;            /* the key of the row before: rows come in runs */
  int oom;
} tally;

static void tally_add(tally *t, const fl_layer *l, const char *field) {
  int fi = fl_layer_field_index(l, field);
  if (fi < 0) return;
  for (size_t k = 0; k < l->n_features; k++) {
    const char *v = flp_value_str(l, &l->features[k], fi);
    if (!v) v = "none"; /* NULL: no holder */
    size_t j = t->last < t->n && strcmp(t->keys[t->last], v) == 0 ? t->last : 0;
    while (j < t->n && strcmp(t->keys[j], v) != 0) j++;
    t->last = j;
    if (j == t->n) {
      if (t->n == 32) {
        t->other++;
        continue;
      }
      if (!(t->keys[t->n] = malloc(strlen(v) + 1))) {
        t->oom = 1;
        continue;
      }
      strcpy(t->keys[t->n], v);
      t->counts[t->n++] = 0;
    }
    t->counts[j]++;
  }
}

static void tally_free(tally *t) {
  for (size_t j = 0; j < t->n; j++) free(t->keys[j]);
  memset(t, 0, sizeof *t);
}

/* Lines like "held 12, contested 3" and their JSON. */
static void tally_say(flp_run *r, const tally *t, const char *json_key, const char *label) {
  if (t->n == 0 && t->other == 0) return;
  flp_buf text = {0}, json = {0};
  flp_buf_printf(&json, "{");
  for (size_t j = 0; j < t->n; j++) {
    flp_buf_printf(&text, "%s%s %zu", j ? ", " : "", t->keys[j], t->counts[j]);
    flp_buf_printf(&json, "%s", j ? "," : "");
    flp_buf_json_string(&json, t->keys[j]);
    flp_buf_printf(&json, ":%zu", t->counts[j]);
  }
  if (t->other) flp_buf_printf(&text, ", other %zu", t->other);
  flp_buf_printf(&json, "}");
  if (!text.oom && text.p) flp_say(r, "%s: %s.", label, text.p);
  if (!json.oom) flp_json_raw(r, json_key, json.p);
  flp_buf_free(&text);
  flp_buf_free(&json);
}

/* The summary of the rows written. */
static void report(flp_run *r, size_t n_rows, tally *by_status, tally *by_side) {
  flp_say(r, "%zu settlement row%s written to %s (layer settlement_status).", n_rows,
          n_rows == 1 ? "" : "s", flp_arg_text(r, "output"));
  flp_json_int(r, "features", (long long)n_rows);
  tally_say(r, by_status, "by_status", "By status");
  tally_say(r, by_side, "by_side", "By holder");
}

/* ---- The stream: a GeoPackage of points in, a GeoPackage out ------------- */

/* The sink the stream writes to: the GeoPackage sink, counting as it goes. */
typedef struct counting {
  fl_sink inner;
  tally by_status, by_side;
  int failed;          /* the GeoPackage sink failed (writing, not computing) */
} counting;

static fl_status count_begin(fl_ctx *ctx, void *self, const fl_layer *schema) {
  counting *c = self;
  fl_status st = c->inner.ops->begin(ctx, c->inner.self, schema);
  c->failed = st != FL_OK;
  return st;
}

static fl_status count_write(fl_ctx *ctx, void *self, const fl_chunk *rows) {
  counting *c = self;
  tally_add(&c->by_status, rows->rows, "status");
  tally_add(&c->by_side, rows->rows, "side");
  fl_status st = c->by_status.oom || c->by_side.oom ? FL_E_NOMEM
                                                     : c->inner.ops->write_rows(ctx, c->inner.self, rows);
  c->failed = st != FL_OK;
  return st;
}

static fl_status count_commit(fl_ctx *ctx, void *self) {
  counting *c = self;
  fl_status st = c->inner.ops->commit(ctx, c->inner.self);
  c->failed = st != FL_OK;
  return st;
}

static void count_abort(fl_ctx *ctx, void *self) {
  counting *c = self;
  c->inner.ops->abort(ctx, c->inner.self);
}

static const fl_sink_ops counting_ops = {count_begin, count_write, count_commit, count_abort};

static int ends_with_gpkg(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return n > 5 && strcasecmp(path + n - 5, ".gpkg") == 0;
}

/* Open the settlements as a stream when the run can take the stream: a
 * GeoPackage layer in EPSG:4326 read a chunk at a time (no filter, no open
 * options: those go through OGR), a GeoPackage output, every field named
 * for it present. Anything else (or any failure, whose
 * message the whole-layer read gives): 0, the whole-layer run. */
static int open_stream(flp_run *r, fl_source *src) {
  const char *path = flp_arg_text(r, "output");
  const char *source = flp_arg_text(r, "settlements");
  const char *format = flp_arg_text(r, "output_format"), *oo = flp_arg_text(r, "open_options");
  if (!source || !ends_with_gpkg(path) || strstr(source, "|subset=")) return 0;
  if ((format && *format && strcasecmp(format, "GPKG") != 0) || (oo && *oo)) return 0; /* OGR's */
  if (fl_source_open(r->ctx, source, FL_SOURCE_POINTS_XY, src) != FL_OK) {
    fl_ctx_clear_error(r->ctx);
    return 0;
  }
  int ok = src->chunked && src->schema->srid == 4326;
  const fl_tool_desc *t = &r->tool->desc;
  for (int32_t j = 0; ok && j < t->n_params; j++) { /* (U2) as flp_load checks it */
    const fl_param_desc *fp = &t->params[j];
    if (fp->type != FL_PARAM_FIELD || !fp->parent || strcmp(fp->parent, "settlements") != 0) continue;
    if (r->args[j].given && r->args[j].present)
      ok = fl_layer_field_index(src->schema, r->args[j].text) >= 0;
  }
  if (!ok) src->ops->close(r->ctx, src->self);
  return ok;
}

/* The stream; *whole set when the whole-layer run must answer instead. */
static fl_status run_stream(flp_run *r, fl_source *src, const fl_layer *control,
                            const fl_layer *front, const fl_options *o, int *whole) {
  const char *path = flp_arg_text(r, "output");
  counting c;
  memset(&c, 0, sizeof c);
  fl_ctx_clear_error(r->ctx);
  fl_status st = fl_sink_open(r->ctx, path, flp_arg_bool(r, "overwrite"), &c.inner);
  size_t n_rows = 0;
  if (!st) {
    fl_sink sink = {&counting_ops, &c};
    st = fl_settlement_status_stream(r->ctx, src, control, front, o, &sink, &n_rows, whole);
  } else {
    c.failed = 1;
  }
  if (!st && !*whole) {
    snprintf(r->stage, sizeof r->stage, "done"); /* the output exists: as flp_write */
    if (r->progress && !r->stopped) r->progress(1.0, r->stage, r->user);
    report(r, n_rows, &c.by_status, &c.by_side);
  }
  tally_free(&c.by_status);
  tally_free(&c.by_side);
  if (!st || *whole) return FL_OK;
  if (!c.failed) return flp_fail_ctx(r, st, "settlement-status");
  if (st == FL_E_EXISTS)
    return flp_fail(r, st, "@{output} '%s' exists; pass @{overwrite} to replace it", path);
  char prefix[FLP_ERR_LEN];
  snprintf(prefix, sizeof prefix, "@{output}: could not write '%s'", path);
  return flp_fail_ctx(r, st, prefix);
}

/* The whole-layer run: every layer in memory. */
static fl_status run_whole(flp_run *r, const fl_layer *settlements, const fl_layer *control,
                           const fl_layer *front, const fl_options *o) {
  fl_layer *out = NULL;
  fl_status st = flp_stage(r, "testing containment", 0.1, 0.9);
  if (st) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_settlement_status(r->ctx, settlements, control, front, o, &out);
  if (st) {
    fl_layer_destroy(r->ctx, out);
    return flp_fail_ctx(r, st, "settlement-status");
  }
  if ((st = flp_own(r, out))) return st;
  if ((st = flp_write(r, &out, 1, "settlement-status"))) return st;
  tally by_status, by_side;
  memset(&by_status, 0, sizeof by_status);
  memset(&by_side, 0, sizeof by_side);
  tally_add(&by_status, out, "status");
  tally_add(&by_side, out, "side");
  report(r, out->n_features, &by_status, &by_side);
  tally_free(&by_status);
  tally_free(&by_side);
  return FL_OK;
}

static fl_status run(flp_run *r) {
  fl_layer *settlements = NULL, *control, *front, *aoi;
  fl_options o;
  fl_status st;
  fl_source src;

  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  int streaming = open_stream(r, &src);
  if (!streaming && (st = flp_load(r, "settlements", &settlements))) return st;
  if (!(st = flp_load(r, "control", &control)) && !(st = flp_load(r, "aoi", &aoi)) &&
      !(st = flp_load(r, "front", &front)))
    st = flp_require_field(r, "side_field", control);
  if (!st) {
    flp_options(r, &o);
    o.aoi = aoi;
  }
  if (streaming) {
    int whole = 0;
    if (!st && !(st = flp_stage(r, "testing containment", 0.1, 0.95)))
      st = run_stream(r, &src, control, front, &o, &whole);
    src.ops->close(r->ctx, src.self);
    if (st || !whole) return st;
    if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
    if ((st = flp_load(r, "settlements", &settlements))) return st;
  }
  if (st) return st;
  return run_whole(r, settlements, control, front, &o);
}

const flp_tool flp_tool_settlement_status = {
    {.id = "settlement-status",
     .title = "Settlement status",
     .group = "Settlements",
     .help = "Who holds each settlement, how much of it, is it contested, and do the sources "
             "agree? For a point, the side whose polygon contains it; for a polygon, the side "
             "holding the largest share of its area. Writes per settlement: side, "
             "share_<side> (0..1), status (held, contested, unknown), dist_to_front_m, band, "
             "and, with several sources, sources_agree and claims.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
