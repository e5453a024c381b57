/*
 * qml.c - the QGIS style (QML) of a layer Frontline wrote, so that a file
 * opened in QGIS shows the map the QGIS plugin shows.
 *
 * The style is chosen from the fields a layer has (the output contracts of
 * DESIGN.md section 2), not from the tool that wrote it:
 *   (Q1) bands (band, inner_m, outer_m; polygons): graduated on outer_m, one
 *        class per (inner_m, outer_m) pair, red near the front, pale far;
 *   (Q2) holders (side and dist_to_front_m): categorised by holder, contested
 *        and unknown apart, labelled by name;
 *   (Q3) exposure (min_dist_to_front_m; lines): graduated 0-5-10-20-40 km;
 *   (Q4) connectors (route_id, dist_m; lines): thin dashed grey;
 *   (Q5) the front (length_km; lines): bold dark red;
 *   (Q6) change (side_from, side_to; polygons): categorised by the side that
 *        gained the ground; held ground (side, area_km2, date): by side;
 *        settlement changes (from_side, to_side): by the new holder;
 *   (Q7) a "date" field (or date_from and date_to) drives the layer's
 *        temporal properties, so QGIS's Temporal Controller plays a series.
 * Colours: fl_style.h (the same palette as plugin/qgis/frontline/styles.py,
 * and the HTML report's). A layer none of the rules know gets no style.
 * Not here: the layer_styles table (gpkg_write.c).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "fl_io_internal.h"
#include "fl_style.h"

static int has(const fl_layer *l, const char *f) { return fl_layer_field_index(l, f) >= 0; }

/* 0 point, 1 line, 2 polygon, or dflt: from the declared type, else from the
 * first geometry (a layer of mixed or no features is declared GEOMETRY). */
static int geom_kind(fl_ctx *ctx, const fl_layer *l, int dflt) {
  const char *t = l->geom_type ? l->geom_type : "";
  if (strstr(t, "POLYGON")) return 2;
  if (strstr(t, "LINE")) return 1;
  if (strstr(t, "POINT")) return 0;
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  for (size_t i = 0; i < l->n_features; i++) {
    if (!l->features[i].geom) continue;
    switch (GEOSGeomTypeId_r(h, l->features[i].geom)) {
    case GEOS_POINT: case GEOS_MULTIPOINT: return 0;
    case GEOS_LINESTRING: case GEOS_MULTILINESTRING: case GEOS_LINEARRING: return 1;
    case GEOS_POLYGON: case GEOS_MULTIPOLYGON: return 2;
    default: return dflt;
    }
  }
  return dflt;
}

/* XML text of s in an attribute. */
static void xml_attr(sqlite3_str *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': sqlite3_str_appendall(b, "&amp;"); break;
    case '<': sqlite3_str_appendall(b, "&lt;"); break;
    case '>': sqlite3_str_appendall(b, "&gt;"); break;
    case '"': sqlite3_str_appendall(b, "&quot;"); break;
    default: sqlite3_str_appendchar(b, 1, *s);
    }
  }
}

/* "r,g,b,255" from "#rrggbb", darkened by factor (1 = as is). */
static void rgba(sqlite3_str *b, const char *hex, double factor) {
  unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
  unsigned r = (v >> 16) & 255, g = (v >> 8) & 255, bl = v & 255;
  sqlite3_str_appendf(b, "%u,%u,%u,255", (unsigned)(r / factor), (unsigned)(g / factor),
                      (unsigned)(bl / factor));
}

static void prop(sqlite3_str *b, const char *k, const char *v) {
  sqlite3_str_appendf(b, "<prop k=\"%s\" v=\"%s\"/>", k, v);
}

static void colour_prop(sqlite3_str *b, const char *k, const char *hex, double factor) {
  sqlite3_str_appendf(b, "<prop k=\"%s\" v=\"", k);
  rgba(b, hex, factor);
  sqlite3_str_appendall(b, "\"/>");
}

/* One symbol: kind 0 marker, 1 line, 2 fill. */
static void symbol(sqlite3_str *b, int kind, int id, const char *hex, double alpha, double size,
                   int dashed) {
  static const char *const type[] = {"marker", "line", "fill"};
  static const char *const cls[] = {"SimpleMarker", "SimpleLine", "SimpleFill"};
  if (kind < 0) kind = 2;
  sqlite3_str_appendf(b, "<symbol name=\"%d\" type=\"%s\" alpha=\"%g\" clip_to_extent=\"1\" "
                         "force_rhr=\"0\"><layer class=\"%s\" pass=\"0\" enabled=\"1\" "
                         "locked=\"0\">",
                      id, type[kind], alpha, cls[kind]);
  char w[32];
  snprintf(w, sizeof w, "%g", size);
  if (kind == 0) {
    prop(b, "name", "circle");
    colour_prop(b, "color", hex, 1.0);
    colour_prop(b, "outline_color", "#ffffff", 1.0);
    prop(b, "outline_width", "0.3");
    prop(b, "size", w);
  } else if (kind == 1) {
    colour_prop(b, "line_color", hex, 1.0);
    prop(b, "line_width", w);
    prop(b, "line_style", dashed ? "dash" : "solid");
    prop(b, "capstyle", "round");
    prop(b, "joinstyle", "round");
  } else {
    colour_prop(b, "color", hex, 1.0);
    colour_prop(b, "outline_color", hex, 1.3);
    prop(b, "outline_width", "0.2");
    prop(b, "style", "solid");
  }
  sqlite3_str_appendall(b, "</layer></symbol>");
}

/* An upper edge this far (m) means "and beyond". */
#define OPEN_END_M 1e9

static void km_text(char *buf, size_t n, double m) { snprintf(buf, n, "%g", m / 1000.0); }

/* (Q1) and (Q3): ranges [edges[i], edges[i+1]) of attr. */
static void graduated(sqlite3_str *b, const char *attr, int kind, const double *edges,
                      size_t n_edges, double alpha, const char *prefix) {
  sqlite3_str_appendf(b, "<renderer-v2 type=\"graduatedSymbol\" attr=\"%s\" "
                         "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" "
                         "forceraster=\"0\" enableorderby=\"0\"><ranges>",
                      attr);
  for (size_t i = 0; i + 1 < n_edges; i++) {
    char lo[32], hi[32];
    km_text(lo, sizeof lo, edges[i]);
    km_text(hi, sizeof hi, edges[i + 1]);
    int open_end = edges[i + 1] >= OPEN_END_M;
    sqlite3_str_appendf(b, "<range render=\"true\" symbol=\"%d\" lower=\"%.3f\" upper=\"%.3f\" "
                           "label=\"%s%s%s%s km%s\"/>",
                        (int)i, edges[i], edges[i + 1], prefix, lo, open_end ? "" : "-",
                        open_end ? "" : hi, open_end ? " or more" : "");
  }
  sqlite3_str_appendall(b, "</ranges><symbols>");
  for (size_t i = 0; i + 1 < n_edges; i++)
    symbol(b, kind, (int)i, fl__style_band_colour(i), alpha, kind == 1 ? 1.2 : 0.2, 0);
  sqlite3_str_appendall(b, "</symbols></renderer-v2>");
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* (Q1): the distinct outer_m values, with 0 (or the first inner_m) in front. */
static fl_status band_edges(const fl_layer *l, double **out, size_t *n) {
  int io = fl_layer_field_index(l, "inner_m"), oo = fl_layer_field_index(l, "outer_m");
  double *e = malloc((2 * l->n_features + 1) * sizeof *e);
  if (!e) return FL_E_NOMEM;
  size_t k = 0;
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_value *vi = &l->features[i].values[io], *vo = &l->features[i].values[oo];
    double a = l->fields[io].type == FL_FIELD_INTEGER ? (double)vi->i : vi->d;
    double c = l->fields[oo].type == FL_FIELD_INTEGER ? (double)vo->i : vo->d;
    if (!vi->is_null) e[k++] = a;
    if (!vo->is_null) e[k++] = c;
  }
  qsort(e, k, sizeof *e, cmp_double);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (u == 0 || e[i] != e[u - 1]) e[u++] = e[i];
  *out = e;
  *n = u;
  return FL_OK;
}

/* Distinct non-empty text values of a field, sorted; contested/unknown left out. */
static fl_status sides_of(const fl_layer *l, const char *field, char ***out, size_t *n) {
  int f = fl_layer_field_index(l, field);
  char **v = calloc(l->n_features + 1, sizeof *v);
  if (!v) return FL_E_NOMEM;
  size_t k = 0;
  for (size_t i = 0; f >= 0 && i < l->n_features; i++) {
    const fl_value *x = &l->features[i].values[f];
    if (x->is_null || l->fields[f].type != FL_FIELD_TEXT || !x->s || !*x->s) continue;
    if (!strcmp(x->s, "contested") || !strcmp(x->s, "unknown")) continue;
    size_t j = 0;
    while (j < k && strcmp(v[j], x->s) < 0) j++;
    if (j < k && !strcmp(v[j], x->s)) continue;
    memmove(v + j + 1, v + j, (k - j) * sizeof *v);
    v[j] = x->s; /* borrowed from the layer */
    k++;
  }
  *out = v;
  *n = k;
  return FL_OK;
}

/* (Q2), (Q6): categories on expr, one per side, then contested and unknown. */
static fl_status categorised(sqlite3_str *b, const fl_layer *l, int kind, const char *expr,
                             const char *side_field, const char *label_fmt, double alpha,
                             double size) {
  char **sides;
  size_t n;
  if (sides_of(l, side_field, &sides, &n)) return FL_E_NOMEM;
  sqlite3_str_appendall(b, "<renderer-v2 type=\"categorizedSymbol\" attr=\"");
  xml_attr(b, expr);
  sqlite3_str_appendall(b, "\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">"
                           "<categories>");
  for (size_t i = 0; i < n; i++) {
    char *label = sqlite3_mprintf(label_fmt, sides[i]);
    sqlite3_str_appendf(b, "<category render=\"true\" symbol=\"%d\" value=\"", (int)i);
    xml_attr(b, sides[i]);
    sqlite3_str_appendall(b, "\" label=\"");
    xml_attr(b, label);
    sqlite3_str_appendall(b, "\"/>");
    sqlite3_free(label);
  }
  sqlite3_str_appendf(b, "<category render=\"true\" symbol=\"%d\" value=\"contested\" "
                         "label=\"contested\"/><category render=\"true\" symbol=\"%d\" "
                         "value=\"unknown\" label=\"unknown\"/></categories><symbols>",
                      (int)n, (int)n + 1);
  for (size_t i = 0; i < n; i++)
    symbol(b, kind, (int)i, fl__style_side_colour(sides[i], i), alpha, size, 0);
  symbol(b, kind, (int)n, FL_STYLE_CONTESTED, alpha, size, 0);
  symbol(b, kind, (int)n + 1, FL_STYLE_UNKNOWN, alpha, size, 0);
  sqlite3_str_appendall(b, "</symbols></renderer-v2>");
  free(sides);
  return FL_OK;
}

static void single(sqlite3_str *b, int kind, const char *hex, double alpha, double width,
                   int dashed) {
  sqlite3_str_appendall(b, "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" "
                           "forceraster=\"0\" enableorderby=\"0\"><symbols>");
  symbol(b, kind, 0, hex, alpha, width, dashed);
  sqlite3_str_appendall(b, "</symbols></renderer-v2>");
}

/* (Q2): names in 8 pt with a white halo. */
static void labels(sqlite3_str *b, const char *field) {
  sqlite3_str_appendf(b, "<labeling type=\"simple\"><settings calloutType=\"simple\">"
                         "<text-style fieldName=\"%s\" isExpression=\"0\" fontSize=\"8\" "
                         "fontSizeUnit=\"Point\" textColor=\"0,0,0,255\" textOpacity=\"1\">"
                         "<text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" "
                         "bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" "
                         "bufferOpacity=\"1\"/></text-style>"
                         "<placement placement=\"0\" dist=\"1\" distUnits=\"MM\"/>"
                         "<rendering scaleVisibility=\"0\" obstacle=\"1\" drawLabels=\"1\"/>"
                         "</settings></labeling>",
                      field);
}

/* (Q7) */
static void temporal(sqlite3_str *b, const fl_layer *l) {
  if (has(l, "date") && fl__field_is_date(l, fl_layer_field_index(l, "date")))
    sqlite3_str_appendall(b, "<temporal enabled=\"1\" mode=\"1\" startField=\"date\" "
                             "endField=\"\" durationField=\"\" durationUnit=\"d\" "
                             "fixedDuration=\"1\" accumulate=\"0\" limitMode=\"0\" "
                             "startExpression=\"\" endExpression=\"\"><fixedRange><start>"
                             "</start><end></end></fixedRange></temporal>");
  else if (has(l, "date_from") && has(l, "date_to") &&
           fl__field_is_date(l, fl_layer_field_index(l, "date_from")) &&
           fl__field_is_date(l, fl_layer_field_index(l, "date_to")))
    sqlite3_str_appendall(b, "<temporal enabled=\"1\" mode=\"2\" startField=\"date_from\" "
                             "endField=\"date_to\" durationField=\"\" durationUnit=\"d\" "
                             "fixedDuration=\"0\" accumulate=\"0\" limitMode=\"0\" "
                             "startExpression=\"\" endExpression=\"\"><fixedRange><start>"
                             "</start><end></end></fixedRange></temporal>");
}

static const char *holder_expr =
    "CASE WHEN \"status\" = 'contested' THEN 'contested' WHEN \"status\" = 'unknown' OR "
    "\"side\" IS NULL THEN 'unknown' ELSE \"side\" END";

/* The rules (Q1)-(Q6), in the order they are tried; rule_names[] gives
 * each the name fl__qml_for_layer() reports. */
typedef enum style_rule {
  NO_RULE, RULE_BANDS, RULE_HOLDER, RULE_EXPOSURE, RULE_CONNECTOR, RULE_FRONT, RULE_CHANGE,
  RULE_SETTLEMENT_CHANGE, RULE_HELD
} style_rule;

static const char *const rule_names[] = {NULL,        "bands",  "holder",
                                         "exposure",  "connector", "frontline",
                                         "change",    "settlement-change", "held"};

/* The first rule whose fields (and geometry kind: -1 unknown, else as
 * geom_kind()) l has. */
static style_rule rule_of(const fl_layer *l, int kind) {
  if (has(l, "inner_m") && has(l, "outer_m") && has(l, "band") && kind == 2) return RULE_BANDS;
  if (has(l, "side") && has(l, "dist_to_front_m")) return RULE_HOLDER;
  if (has(l, "min_dist_to_front_m") && kind == 1) return RULE_EXPOSURE;
  if (has(l, "route_id") && has(l, "dist_m") && kind == 1) return RULE_CONNECTOR;
  if (has(l, "length_km") && kind == 1) return RULE_FRONT;
  if (has(l, "side_from") && has(l, "side_to")) return RULE_CHANGE;
  if (has(l, "from_side") && has(l, "to_side")) return RULE_SETTLEMENT_CHANGE;
  if (has(l, "side") && has(l, "area_km2") && kind == 2) return RULE_HELD;
  return NO_RULE;
}

/* The renderer (and labels) of rule r for l; FL_E_NOMEM when out of memory. */
static fl_status render(sqlite3_str *b, const fl_layer *l, style_rule r, int kind,
                        int *labelled) {
  int pt = kind < 0 ? 0 : kind;
  switch (r) {
  case RULE_BANDS: {
    double *e;
    size_t n;
    if (band_edges(l, &e, &n)) return FL_E_NOMEM;
    graduated(b, "outer_m", 2, e, n, 0.55, "");
    free(e);
    return FL_OK;
  }
  case RULE_HOLDER: {
    const char *expr = has(l, "status") ? holder_expr : "coalesce(\"side\", 'unknown')";
    if (categorised(b, l, pt, expr, "side", "held by %s", 0.9, 3.2)) return FL_E_NOMEM;
    if (has(l, "name")) labels(b, "name"), *labelled = 1;
    return FL_OK;
  }
  case RULE_EXPOSURE: {
    static const double edges[] = {0, 5000, 10000, 20000, 40000, OPEN_END_M};
    graduated(b, "min_dist_to_front_m", 1, edges, 6, 1.0, "closest ");
    return FL_OK;
  }
  case RULE_CONNECTOR: single(b, 1, "#555555", 0.9, 0.4, 1); return FL_OK;
  case RULE_FRONT: single(b, 1, FL_STYLE_FRONT, 1.0, 1.4, 0); return FL_OK;
  case RULE_CHANGE:
    return categorised(b, l, kind < 0 ? 2 : kind, "\"side_to\"", "side_to", "gained by %s", 0.8,
                       2.6) ? FL_E_NOMEM : FL_OK;
  case RULE_SETTLEMENT_CHANGE:
    if (categorised(b, l, pt, "\"to_side\"", "to_side", "taken by %s", 0.9, 3.2))
      return FL_E_NOMEM;
    if (has(l, "name")) labels(b, "name"), *labelled = 1;
    return FL_OK;
  case RULE_HELD:
    return categorised(b, l, 2, "\"side\"", "side", "held by %s", 0.45, 0.2) ? FL_E_NOMEM
                                                                             : FL_OK;
  default: return FL_OK;
  }
}

/* The renderer (and labels) of l; *rule NULL when no rule applies. */
static fl_status body(fl_ctx *ctx, sqlite3_str *b, const fl_layer *l, const char **rule,
                      int *labelled) {
  int kind = geom_kind(ctx, l, -1);
  *rule = NULL;
  if (kind < 0 && l->n_features > 0) return FL_OK; /* a table without geometries */
  style_rule r = rule_of(l, kind);
  if (render(b, l, r, kind, labelled)) return FL_E_NOMEM;
  *rule = rule_names[r];
  return FL_OK;
}

fl_status fl__qml_for_layer(fl_ctx *ctx, const fl_layer *l, char **out, const char **rule) {
  *out = NULL;
  sqlite3_str *b = sqlite3_str_new(NULL);
  int labelled = 0;
  fl_status st = body(ctx, b, l, rule, &labelled);
  temporal(b, l);
  char *inner = sqlite3_str_finish(b);
  char *s = NULL;
  if (!st && inner && *rule)
    s = sqlite3_mprintf("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                        "<qgis version=\"3.22.16\" styleCategories=\"AllStyleCategories\" "
                        "labelsEnabled=\"%d\">%s<blendMode>0</blendMode>"
                        "<layerOpacity>1</layerOpacity></qgis>\n",
                        labelled, inner);
  sqlite3_free(inner);
  if (st || (*rule && !s)) {
    *rule = NULL;
    return fl__fail(ctx, FL_E_NOMEM, "out of memory making the style of layer '%s'", l->name);
  }
  *out = s; /* NULL when no rule applies */
  return FL_OK;
}
