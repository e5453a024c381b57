/*
 * tool_util.c - what every tool_<id>.c does the same way: read its input
 * layers and check them against the descriptors, fill fl_options from the
 * parameters, report progress, write the result, read result fields.
 *
 * Rules, cited below as (U1)..(U6):
 *   (U1) a layer's geometries must be of a kind its parameter accepts
 *        (fl_param_desc.geometry); the error names the layer and feature id;
 *   (U2) a field the caller named must exist in its parent layer; the error
 *        lists the fields the layer has;
 *   (U3) progress reaches the host at most once per 1 % of the run, plus once
 *        at the start of each stage, and never goes backwards;
 *   (U4) the cancel flag and the host's "stop" answer are both honoured, and
 *        a cancelled run writes no output;
 *   (U5) a single result layer is named after the tool (id with '-' -> '_');
 *   (U6) open_options (one NAME=VALUE per line) go to every input layer; a
 *        line without '=' is refused.
 * Not here: parsing of the values (params.c), the ABI boundary
 * (plugin_entry.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "plugin_internal.h"

fl_status flp_own(flp_run *r, fl_layer *layer) {
  if (!layer) return FL_OK;
  if (r->n_owned == FLP_MAX_LAYERS) {
    fl_layer_destroy(r->ctx, layer);
    return flp_fail(r, FL_E_NOMEM, "too many layers in one run (a bug in the plugin)");
  }
  r->owned[r->n_owned++] = layer;
  return FL_OK;
}

static const char *kind_name(uint32_t kinds) {
  switch (kinds) {
  case FL_GEOM_POINT: return "points";
  case FL_GEOM_LINE: return "lines";
  case FL_GEOM_POLYGON: return "polygons";
  case FL_GEOM_POINT | FL_GEOM_POLYGON: return "points or polygons";
  case FL_GEOM_LINE | FL_GEOM_POLYGON: return "lines or polygons";
  case FL_GEOM_POINT | FL_GEOM_LINE: return "points or lines";
  default: return "any geometry";
  }
}

/* FL_GEOM_* of a GEOS geometry; 0 for an empty collection. */
static uint32_t geom_kind(GEOSContextHandle_t h, const GEOSGeometry *g) {
  switch (GEOSGeomTypeId_r(h, g)) {
  case GEOS_POINT:
  case GEOS_MULTIPOINT: return FL_GEOM_POINT;
  case GEOS_LINESTRING:
  case GEOS_LINEARRING:
  case GEOS_MULTILINESTRING: return FL_GEOM_LINE;
  case GEOS_POLYGON:
  case GEOS_MULTIPOLYGON: return FL_GEOM_POLYGON;
  default: {
    uint32_t k = 0;
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) k |= geom_kind(h, GEOSGetGeometryN_r(h, g, i));
    return k;
  }
  }
}

static void list_fields(const fl_layer *l, char *out, size_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < l->n_fields; i++) {
    int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", l->fields[i].name);
    if (w < 0 || (size_t)w >= n - used) break;
    used += (size_t)w;
  }
  if (!l->n_fields) snprintf(out, n, "(none)");
}

static fl_status field_missing(flp_run *r, const fl_param_desc *p, const char *field,
                               const fl_layer *l) {
  char fields[512];
  list_fields(l, fields, sizeof fields);
  return flp_fail(r, FL_E_FIELD,
                  "@{%s}: layer '%s' (%s, given as @{%s}) has no field '%s'; its "
                  "fields are: %s",
                  p->name, l->name ? l->name : "?", l->source ? l->source : "?", p->parent,
                  field, fields);
}

fl_status flp_require_field(flp_run *r, const char *field_param, const fl_layer *layer) {
  const fl_tool_desc *t = &r->tool->desc;
  int i = flp_param_index(t, field_param);
  if (i < 0 || !layer || !r->args[i].present) return FL_OK;
  if (fl_layer_field_index(layer, r->args[i].text) < 0)
    return field_missing(r, &t->params[i], r->args[i].text, layer);
  return FL_OK;
}

/* (U6) open_options, one NAME=VALUE per line, as a NULL-terminated array of
 * pointers into one allocation (free *out alone); NULL when none. */
static fl_status open_options(flp_run *r, char ***out) {
  const char *text = flp_arg_text(r, "open_options");
  *out = NULL;
  if (!text || !*text) return FL_OK;
  size_t len = strlen(text), lines = 1;
  for (const char *c = text; *c; c++) lines += *c == '\n';
  char **v = malloc((lines + 1) * sizeof *v + len + 1);
  if (!v) return flp_fail(r, FL_E_NOMEM, "out of memory reading @{open_options}");
  char *copy = (char *)(v + lines + 1);
  memcpy(copy, text, len + 1);
  size_t n = 0;
  for (char *line = copy; line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    while (*line == ' ' || *line == '\t' || *line == '\r') line++;
    char *end = line + strlen(line);
    while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) *--end = '\0';
    if (*line) {
      char *eq = strchr(line, '=');
      if (!eq || eq == line) {
        fl_status st = flp_fail(r, FL_E_ARG, "@{open_options}: '%s' is not NAME=VALUE", line);
        free(v); /* line points into v */
        return st;
      }
      v[n++] = line;
    }
    line = nl ? nl + 1 : NULL;
  }
  v[n] = NULL;
  *out = v;
  return FL_OK;
}

fl_status flp_load(flp_run *r, const char *name, fl_layer **out) {
  const fl_tool_desc *t = &r->tool->desc;
  int i = flp_param_index(t, name);
  *out = NULL;
  if (i < 0 || !r->args[i].present) return FL_OK;
  const fl_param_desc *p = &t->params[i];
  const char *source = r->args[i].text;
  char what[96];
  snprintf(what, sizeof what, "reading %s", name);
  fl_status st = flp_stage(r, what, r->lo, r->hi);
  if (st) return st;

  fl_layer *l = NULL;
  fl_ctx_clear_error(r->ctx);
  char **oo = NULL;
  if ((st = open_options(r, &oo)) != FL_OK) return st;
  fl_read_opts ro = {.open_options = (const char *const *)oo};
  st = fl_layer_read_opts(r->ctx, source, &ro, &l);
  free(oo);
  if (st != FL_OK) {
    fl_layer_destroy(r->ctx, l);
    char prefix[FLP_ERR_LEN];
    snprintf(prefix, sizeof prefix, "@{%s} ('%s')", name, source);
    return flp_fail_ctx(r, st, prefix);
  }
  if ((st = flp_own(r, l)) != FL_OK) return st;

  /* (U1) */
  uint32_t accept = p->geometry ? p->geometry : FL_GEOM_ANY;
  GEOSContextHandle_t h = fl_ctx_geos(r->ctx);
  for (size_t k = 0; k < l->n_features; k++) {
    const fl_feature *f = &l->features[k];
    if (!f->geom) continue;
    uint32_t kind = geom_kind(h, f->geom);
    if (kind & ~accept) {
      char *type = GEOSGeomType_r(h, f->geom);
      st = flp_fail(r, FL_E_GEOM,
                    "@{%s}: layer '%s' (%s), feature %lld is a %s; this parameter "
                    "takes %s",
                    name, l->name ? l->name : "?", source, (long long)f->fid,
                    type ? type : "geometry", kind_name(accept));
      GEOSFree_r(h, type);
      return st;
    }
  }

  /* (U2): only fields the caller named; a default like 'source' may be absent. */
  for (int32_t j = 0; j < t->n_params; j++) {
    const fl_param_desc *fp = &t->params[j];
    if (fp->type != FL_PARAM_FIELD || !fp->parent || strcmp(fp->parent, name) != 0) continue;
    if (!r->args[j].given || !r->args[j].present) continue;
    if (fl_layer_field_index(l, r->args[j].text) < 0)
      return field_missing(r, fp, r->args[j].text, l);
  }
  *out = l;
  return FL_OK;
}

/* Split a comma list into r->classes (trimmed, empty items dropped). */
static size_t split_classes(flp_run *r, const char *text) {
  free(r->classes_copy);
  r->classes_copy = malloc(strlen(text) + 1);
  if (!r->classes_copy) return 0;
  strcpy(r->classes_copy, text);
  size_t n = 0;
  for (char *s = r->classes_copy; s && n < FLP_MAX_DIST;) {
    char *comma = strchr(s, ',');
    if (comma) *comma = '\0';
    while (*s == ' ' || *s == '\t') s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t')) *--end = '\0';
    if (*s) r->classes[n++] = s;
    s = comma ? comma + 1 : NULL;
  }
  return n;
}

/* The field names and side values given as text, as they are. */
static void text_options(flp_run *r, fl_options *o) {
  const char *s;
  if ((s = flp_arg_text(r, "side_field"))) o->side_field = s;
  if ((s = flp_arg_text(r, "source_field"))) o->source_field = s;
  if ((s = flp_arg_text(r, "date_field"))) o->date_field = s;
  if ((s = flp_arg_text(r, "status_field"))) o->status_field = s;
  if ((s = flp_arg_text(r, "name_field"))) o->name_field = s;
  if ((s = flp_arg_text(r, "class_field"))) o->class_field = s;
  if ((s = flp_arg_text(r, "contested_value"))) o->contested_value = s;
  if ((s = flp_arg_text(r, "side_map"))) o->side_map = s;
  if ((s = flp_arg_text(r, "other_side"))) o->other_side = s;
  if ((s = flp_arg_text(r, "on_side"))) o->on_side = s;
  if ((s = flp_arg_text(r, "held_by"))) o->held_by = s;
  if ((s = flp_arg_text(r, "side_a"))) o->side_a = s;
  if ((s = flp_arg_text(r, "side_b"))) o->side_b = s;
  if ((s = flp_arg_text(r, "source"))) o->source_filter = s;
  if ((s = flp_arg_text(r, "date"))) o->date_filter = s;
}

/* The numbers, the band distances and side, and the flags. */
static void number_options(flp_run *r, fl_options *o) {
  const flp_arg *a;
  if ((a = flp_arg_get(r, "distances")) && a->present) {
    o->dist_m = a->dist;
    o->n_dist = a->n_dist;
  }
  if ((a = flp_arg_get(r, "side")) && a->present)
    o->side = a->enum_index == 1 ? FL_SIDE_LEFT : a->enum_index == 2 ? FL_SIDE_RIGHT : FL_SIDE_BOTH;
  if ((a = flp_arg_get(r, "snap_m")) && a->present) o->snap_m = a->num;
  if ((a = flp_arg_get(r, "min_area_km2")) && a->present) o->min_area_km2 = a->num;
  if ((a = flp_arg_get(r, "date_tolerance_days")) && a->present)
    o->date_tolerance_days = (int)floor(a->num); /* whole days; bounds checked in params.c */
  if ((a = flp_arg_get(r, "split_share")) && a->present) o->split_share = a->num;
  if ((a = flp_arg_get(r, "contested_dist_m")) && a->present) o->contested_dist_m = a->num;
  if ((a = flp_arg_get(r, "front_distance")) && a->present) o->skip_front_distance = !a->boolean;
}

void flp_options(flp_run *r, fl_options *o) {
  const char *s;
  fl_options_init(o);
  text_options(r, o);
  number_options(r, o);
  if ((s = flp_arg_text(r, "classes"))) {
    o->n_classes = split_classes(r, s);
    o->classes = o->n_classes ? r->classes : NULL;
  }
}

fl_status flp_write(flp_run *r, fl_layer *const *layers, size_t n, const char *name) {
  const char *path = flp_arg_text(r, "output");
  fl_status st = flp_stage(r, "writing output", 0.9, 1.0);
  if (st) return st;
  if (n == 1 && name) { /* (U5) */
    char *copy = malloc(strlen(name) + 1);
    if (!copy) return flp_fail(r, FL_E_NOMEM, "out of memory while naming the output layer");
    strcpy(copy, name);
    for (char *c = copy; *c; c++)
      if (*c == '-') *c = '_';
    free(layers[0]->name); /* same C library: fl_core is linked into this module */
    layers[0]->name = copy;
  }
  fl_write_opts wo = {.overwrite = flp_arg_bool(r, "overwrite"),
                      .format = flp_arg_text(r, "output_format")};
  fl_ctx_clear_error(r->ctx);
  st = fl_layers_write(r->ctx, path, (const fl_layer *const *)layers, n, &wo);
  if (st != FL_OK) {
    char prefix[FLP_ERR_LEN];
    if (st == FL_E_EXISTS)
      return flp_fail(r, st,
                      "@{output} '%s' exists; pass @{overwrite} to replace it",
                      path);
    snprintf(prefix, sizeof prefix, "@{output}: could not write '%s'", path);
    return flp_fail_ctx(r, st, prefix);
  }
  /* The output exists now: a late cancel no longer undoes the run. */
  snprintf(r->stage, sizeof r->stage, "done");
  if (r->progress && !r->stopped) r->progress(1.0, r->stage, r->user);
  return FL_OK;
}

/* ---- Progress (U3, U4) ---------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cancel_requested(const flp_run *r) {
  return r->stopped || (r->cancel && *r->cancel);
}

/* Send a fraction to the host; returns nonzero when the run must stop. */
static int send(flp_run *r, double f, int force) {
  if (cancel_requested(r)) return 1;
  if (!r->progress) return 0;
  if (f < r->last_sent) f = r->last_sent; /* never backwards */
  if (f > 1.0) f = 1.0;
  double t = now_s();
  if (!force && f < 1.0 && f - r->last_sent < 0.01) return 0;
  if (!force && f == r->last_sent) return 0;
  r->last_sent = f;
  r->last_time = t;
  if (r->progress(f, r->stage, r->user)) r->stopped = 1;
  return cancel_requested(r);
}

fl_status flp_stage(flp_run *r, const char *what, double lo, double hi) {
  snprintf(r->stage, sizeof r->stage, "%s", what);
  r->lo = lo;
  r->hi = hi;
  if (send(r, lo, 1))
    return flp_fail(r, FL_E_CANCEL, "cancelled by the user while %s; no output was written",
                    what);
  return FL_OK;
}

int flp_on_progress(double fraction, void *user) {
  flp_run *r = user;
  if (!(fraction >= 0.0)) fraction = 0.0;
  if (fraction > 1.0) fraction = 1.0;
  return send(r, r->lo + (r->hi - r->lo) * fraction, 0);
}

/* ---- Reading result fields ----------------------------------------------- */

double flp_value_num(const fl_layer *l, const fl_feature *f, int field) {
  if (field < 0 || (size_t)field >= l->n_fields || f->values[field].is_null) return NAN;
  switch (l->fields[field].type) {
  case FL_FIELD_INTEGER: return (double)f->values[field].i;
  case FL_FIELD_REAL: return f->values[field].d;
  case FL_FIELD_DATE: return NAN;
  case FL_FIELD_TEXT: {
    char *end = NULL;
    const char *s = f->values[field].s;
    double v = s ? strtod(s, &end) : NAN;
    return s && end != s ? v : NAN;
  }
  }
  return NAN;
}

const char *flp_value_str(const fl_layer *l, const fl_feature *f, int field) {
  if (field < 0 || (size_t)field >= l->n_fields || f->values[field].is_null) return NULL;
  fl_field_type t = l->fields[field].type;
  return t == FL_FIELD_TEXT || t == FL_FIELD_DATE ? f->values[field].s : NULL;
}

double flp_sum_field(const fl_layer *l, const char *field) {
  int i = fl_layer_field_index(l, field);
  double sum = 0.0;
  if (i < 0) return NAN;
  for (size_t k = 0; k < l->n_features; k++) {
    double v = flp_value_num(l, &l->features[k], i);
    if (isfinite(v)) sum += v;
  }
  return sum;
}

void flp_json_rows(flp_run *r, const char *key, const fl_layer *l, const char *const *fields,
                   size_t max_rows) {
  flp_buf b = {0};
  flp_buf_printf(&b, "[");
  for (size_t k = 0; k < l->n_features && k < max_rows; k++) {
    const fl_feature *f = &l->features[k];
    int first = 1;
    flp_buf_printf(&b, "%s{", k ? "," : "");
    for (size_t j = 0; fields[j]; j++) {
      int i = fl_layer_field_index(l, fields[j]);
      if (i < 0) continue;
      flp_buf_printf(&b, "%s", first ? "" : ",");
      first = 0;
      flp_buf_json_string(&b, fields[j]);
      flp_buf_printf(&b, ":");
      if (f->values[i].is_null) {
        flp_buf_printf(&b, "null");
      } else if (l->fields[i].type == FL_FIELD_TEXT || l->fields[i].type == FL_FIELD_DATE) {
        flp_buf_json_string(&b, f->values[i].s);
      } else if (l->fields[i].type == FL_FIELD_INTEGER) {
        flp_buf_printf(&b, "%lld", (long long)f->values[i].i);
      } else if (isfinite(f->values[i].d)) {
        flp_buf_printf(&b, "%.10g", f->values[i].d);
      } else {
        flp_buf_printf(&b, "null");
      }
    }
    flp_buf_printf(&b, "}");
  }
  flp_buf_printf(&b, "]");
  if (!b.oom) flp_json_raw(r, key, b.p);
  flp_buf_free(&b);
}
