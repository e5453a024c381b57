/*
 * plugin_internal.h - what the files of libfrontline_plugin.so share: the
 * tool record (descriptor plus run function), the state of one run, the
 * parsed parameter values, and the helpers every tool_<id>.c uses.
 *
 * A run goes: plugin_entry.c finds the tool and checks the arguments
 * (params.c parses every value and applies defaults), makes a context, calls
 * the tool's run function, and turns the result into the caller's summary
 * buffer or errbuf. Tools read layers with flp_load(), fill fl_options with
 * flp_options(), report stages with flp_stage(), write with flp_write() and
 * describe what they did with flp_say() / flp_json_*(). Internal names
 * carry the flp_ prefix: fl__ belongs to core/ and both link into one
 * library.
 *
 * Not here: the ABI itself (include/frontline/plugin.h), the analyses
 * (core/), layer IO (core/io/).
 */
#ifndef FLP_PLUGIN_INTERNAL_H
#define FLP_PLUGIN_INTERNAL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "frontline/frontline.h"
#include "frontline/plugin.h"

#define FLP_ERR_LEN 1024   /* room for one error sentence                  */
#define FLP_MAX_DIST 64    /* most distances a distance list may hold      */
#define FLP_MAX_LAYERS 16  /* layers one run may hold (inputs and results) */

/* ---- Descriptors: shorthands for the static tables in tool_<id>.c ------- */

#define FLP_NOBOUND -INFINITY, INFINITY

#define FLP_P_LAYER(nm, ttl, hlp, geom, flg)                                            \
  {.name = nm, .title = ttl, .help = hlp, .type = FL_PARAM_LAYER, .flags = flg,          \
   .unit = "", .default_text = NULL, .min_value = -INFINITY, .max_value = INFINITY,    \
   .enum_values = NULL, .parent = NULL, .geometry = geom, .reserved = 0}

#define FLP_P_FIELD(nm, ttl, hlp, parent_name, def, flg)                                \
  {.name = nm, .title = ttl, .help = hlp, .type = FL_PARAM_FIELD, .flags = flg,          \
   .unit = "", .default_text = def, .min_value = -INFINITY, .max_value = INFINITY,     \
   .enum_values = NULL, .parent = parent_name, .geometry = 0, .reserved = 0}

/* A number macro as the text of a default: FLP_STR(FL_DEFAULT_SPLIT_SHARE) is "0.75". */
#define FLP_STR_(x) #x
#define FLP_STR(x) FLP_STR_(x)

#define FLP_P_NUMBER(nm, ttl, hlp, unit_text, def, lo, hi, flg)                         \
  {.name = nm, .title = ttl, .help = hlp, .type = FL_PARAM_NUMBER, .flags = flg,         \
   .unit = unit_text, .default_text = def, .min_value = lo, .max_value = hi,           \
   .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0}

#define FLP_P_STRING(nm, ttl, hlp, def, flg)                                            \
  {.name = nm, .title = ttl, .help = hlp, .type = FL_PARAM_STRING, .flags = flg,         \
   .unit = "", .default_text = def, .min_value = -INFINITY, .max_value = INFINITY,     \
   .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0}

#define FLP_P_ENUM(nm, ttl, hlp, values, def, flg)                                      \
  {.name = nm, .title = ttl, .help = hlp, .type = FL_PARAM_ENUM, .flags = flg,           \
   .unit = "", .default_text = def, .min_value = -INFINITY, .max_value = INFINITY,     \
   .enum_values = values, .parent = NULL, .geometry = 0, .reserved = 0}

#define FLP_P_BOOL(nm, ttl, hlp, def, flg)                                              \
  {.name = nm, .title = ttl, .help = hlp, .type = FL_PARAM_BOOL, .flags = flg,           \
   .unit = "", .default_text = def, .min_value = -INFINITY, .max_value = INFINITY,     \
   .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0}

/* The parameters several tools share, with the same name, type and default
 * everywhere (a parameter name is a contract, STYLE.md 5.2). */
extern const char *const flp_side_values[];   /* both, left, right */
extern const char *const flp_format_values[]; /* text, md */

#define FLP_DEFAULT_DISTANCES "5000,10000,20000,40000"

#define FLP_P_DISTANCES                                                                  \
  {.name = "distances", .title = "Band distances",                                       \
   .help = "Outer edge of each distance band from the front, in metres on the WGS84 "    \
           "ellipsoid, comma-separated and strictly increasing: \"5000,10000\" gives "   \
           "the bands 0-5 km and 5-10 km.",                                              \
   .type = FL_PARAM_DISTANCES, .flags = FL_PARAM_OPTIONAL, .unit = "m",                   \
   .default_text = FLP_DEFAULT_DISTANCES, .min_value = 0.0, .max_value = FL_MAX_DIST_M,  \
   .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0}

#define FLP_P_SIDE_FIELD(parent_name)                                                    \
  FLP_P_FIELD("side_field", "Side field",                                                \
              "Field of the " parent_name " layer that holds the side controlling each " \
              "polygon (any text, e.g. 'UA'/'RU').",                                    \
              parent_name, "side", FL_PARAM_OPTIONAL)
#define FLP_P_SIDE_MAP                                                                   \
  FLP_P_STRING("side_map", "Side map",                                                   \
               "Values of the side field mapped to sides, several values per side: "     \
               "'occupied,occupied_before_2022=RU;liberated=UA;unknown_grey_zone="       \
               "contested'. The side 'contested' is a grey zone, neither side's. A "     \
               "value the map does not name is an error. Empty: each value is a side.",  \
               NULL, FL_PARAM_OPTIONAL)
#define FLP_P_MIN_AREA                                                                   \
  FLP_P_NUMBER("min_area_km2", "Smallest hole or island",                                \
               "Holes and islands of one side's ground smaller than this geodesic area " \
               "(km2) are drawing artefacts: holes are closed and islands dropped "       \
               "before anything is traced, each change reported as a warning. 0 keeps "  \
               "them all.",                                                              \
               "km2", "0.01", 0.0, INFINITY, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_OTHER_SIDE                                                                 \
  FLP_P_STRING("other_side", "Other side",                                               \
               "For sources that map one side only (DeepStateMap's occupied area): the " \
               "side that holds the area of interest outside the control polygons, e.g. "\
               "'UA'. Empty: ground outside the polygons is nobody's.",                  \
               NULL, FL_PARAM_OPTIONAL)
#define FLP_P_AOI                                                                        \
  FLP_P_LAYER("aoi", "Area of interest",                                                 \
              "Polygon layer of the ground the control sources cover; with other_side, " \
              "the front runs up to its edge and never along it. Without it the data's " \
              "bounding box stands for it, with a warning. Accepts polygons.",           \
              FL_GEOM_POLYGON, FL_PARAM_OPTIONAL)
#define FLP_P_DATE_TOLERANCE                                                             \
  FLP_P_NUMBER("date_tolerance_days", "Date tolerance",                                  \
               "Snapshots of different sources whose dates lie within this many days "   \
               "are compared (sources_agree, claims, the report), each source with its " \
               "closest date. 0: the same date only.",                                   \
               "days", "0", 0.0, 3650.0, FL_PARAM_OPTIONAL)
#define FLP_P_ON_SIDE                                                                    \
  FLP_P_STRING("on_side", "Routes on side",                                              \
               "Measure only routes, or parts of routes, on this side's ground (after "  \
               "the side map), e.g. 'UA': which of our routes can they reach. Needs the "\
               "control layer. Empty: every route.",                                     \
               NULL, FL_PARAM_OPTIONAL)
#define FLP_P_SOURCE_FIELD(parent_name)                                                  \
  FLP_P_FIELD("source_field", "Source field",                                            \
              "Field of the " parent_name " layer naming the source of each feature; "   \
              "features are grouped by source. Ignored when the layer has no such "      \
              "field.",                                                                  \
              parent_name, "source", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_DATE_FIELD(parent_name)                                                    \
  FLP_P_FIELD("date_field", "Date field",                                                \
              "Field of the " parent_name " layer with the date (ISO 8601) of each "     \
              "feature; features are grouped by date. Ignored when the layer has no "    \
              "such field.",                                                             \
              parent_name, "date", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_STATUS_FIELD(parent_name)                                                  \
  FLP_P_FIELD("status_field", "Status field",                                            \
              "Field of the " parent_name " layer with each polygon's status "           \
              "('controlled', 'claimed', 'contested'). Ignored when the layer has no "   \
              "such field.",                                                             \
              parent_name, "status", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_NAME_FIELD(parent_name, what)                                              \
  FLP_P_FIELD("name_field", "Name field",                                                \
              "Field of the " parent_name " layer with the name of each " what ".",     \
              parent_name, "name", FL_PARAM_OPTIONAL)
#define FLP_P_CLASS_FIELD(parent_name)                                                   \
  FLP_P_FIELD("class_field", "Class field",                                              \
              "Field of the " parent_name " layer with each route's class ('road', "     \
              "'rail', ...). Ignored when the layer has no such field.",                 \
              parent_name, "class", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_SOURCE_FILTER                                                              \
  FLP_P_STRING("source", "Only this source",                                             \
               "Use only the control and front features whose source field has this "    \
               "value. Empty: all sources, each as its own group.",                      \
               NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_DATE_FILTER                                                                \
  FLP_P_STRING("date", "Only this date",                                                 \
               "Use only the control and front features whose date field has this "      \
               "value (ISO 8601, e.g. 2024-10-08). Empty: all dates, each as its own "   \
               "group.",                                                                 \
               NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_SIDE                                                                       \
  FLP_P_ENUM("side", "Side of the line",                                                 \
             "Which side of each front line the bands cover: both, or only the left or " \
             "right of the line's direction.",                                           \
             flp_side_values, "both", FL_PARAM_OPTIONAL)
#define FLP_P_SNAP                                                                       \
  FLP_P_NUMBER("snap_m", "Snap tolerance",                                               \
               "Largest gap or overlap between the two sides' polygons, in metres, "     \
               "still taken as one shared line of contact.",                             \
               "m", "500", 0.0, FL_MAX_DIST_M, FL_PARAM_OPTIONAL)
#define FLP_P_SIDE_A                                                                     \
  FLP_P_STRING("side_a", "First side",                                                   \
               "Value of the side field for the first side (e.g. 'UA'). Empty: taken "   \
               "from the data.",                                                         \
               NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_SIDE_B                                                                     \
  FLP_P_STRING("side_b", "Second side",                                                  \
               "Value of the side field for the second side (e.g. 'RU'). Empty: taken "  \
               "from the data.",                                                         \
               NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_SPLIT_SHARE                                                                \
  FLP_P_NUMBER("split_share", "Contested below share",                                   \
               "A settlement polygon whose largest holder has less than this share of "  \
               "its area (0.5 to 1) is contested.",                                      \
               "", FLP_STR(FL_DEFAULT_SPLIT_SHARE), FL_SPLIT_SHARE_MIN,                  \
               FL_SPLIT_SHARE_MAX, FL_PARAM_OPTIONAL)
#define FLP_P_CONTESTED_DIST                                                             \
  FLP_P_NUMBER("contested_dist_m", "Contested within",                                   \
               "A settlement closer than this to the front line, in metres, is "         \
               "contested. 0 turns the rule off.",                                       \
               "m", "0", 0.0, FL_MAX_DIST_M, FL_PARAM_OPTIONAL)
#define FLP_P_CONTESTED_VALUE                                                            \
  FLP_P_STRING("contested_value", "Contested status value",                              \
               "Value of the status field that marks a polygon as contested ground.",    \
               "contested", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
/* An output file; layers: NULL, or (ABI 1.2) the NULL-terminated names of the
 * layers it holds, each its own output in QGIS. */
#define FLP_P_OUTPUT_FILE(help_text, layers)                                             \
  {.name = "output", .title = "Output file", .help = help_text,                          \
   .type = FL_PARAM_OUTPUT, .flags = 0, .unit = "", .default_text = NULL,                \
   .min_value = -INFINITY, .max_value = INFINITY, .enum_values = layers, .parent = NULL, \
   .geometry = 0, .reserved = 0}
#define FLP_P_OUTPUT(what)                                                               \
  FLP_P_OUTPUT_FILE("File to write " what ": .gpkg, .sqlite, .geojson, .fgb, .kml, .csv, " \
                    ".geojsonl, .gml, .shz or .shp.zip (by extension, unless an output "   \
                    "format is given).", NULL)
/* ABI 1.2: the documents analyze and change write beside their layers. */
#define FLP_P_REPORT                                                                     \
  {.name = "report", .title = "HTML report",                                             \
   .help = "HTML file (.html) to write a report into: one self-contained page with the " \
           "map, charts and tables of the run, its sources and warnings; prints to PDF " \
           "from a browser. Empty: no report.",                                          \
   .type = FL_PARAM_OUTPUT, .flags = FL_PARAM_OPTIONAL | FL_PARAM_DOC_OUT, .unit = "",   \
   .default_text = NULL, .min_value = -INFINITY, .max_value = INFINITY,                  \
   .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0}
#define FLP_P_MAP                                                                        \
  {.name = "map", .title = "Map picture",                                                \
   .help = "Picture of the report's map alone, for slides and chat: .png (1800 x 1275 "  \
           "pixels) or .svg. Empty: no picture.",                                        \
   .type = FL_PARAM_OUTPUT, .flags = FL_PARAM_OPTIONAL | FL_PARAM_DOC_OUT, .unit = "",   \
   .default_text = NULL, .min_value = -INFINITY, .max_value = INFINITY,                  \
   .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0}
#define FLP_P_OVERWRITE                                                                  \
  FLP_P_BOOL("overwrite", "Overwrite",                                                   \
             "Replace the output file when it exists. Without it an existing file is "   \
             "left untouched and the run fails.",                                        \
             "false", FL_PARAM_OPTIONAL)

/* (0.3) The output's format by its GDAL/OGR driver name, over the extension
 * (core's rule: fl_output_writable_as); the CLI also takes --format. */
#define FLP_P_OUTPUT_FORMAT                                                              \
  FLP_P_STRING("output_format", "Output format",                                         \
               "Format of the output file by its GDAL/OGR driver name, chosen over the " \
               "file's extension: GPKG, SQLite, GeoJSON, FlatGeobuf, KML, CSV, "         \
               "GeoJSONSeq, GML or ESRI Shapefile (a .shz or .shp.zip file). Empty: by " \
               "the extension.",                                                         \
               NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
/* (0.3) GDAL/OGR open options for every input layer; the CLI also takes
 * --oo NAME=VALUE, repeatable (joined one per line). */
#define FLP_P_OPEN_OPTIONS                                                               \
  FLP_P_STRING("open_options", "Open options",                                           \
               "GDAL/OGR open options for the input layers, NAME=VALUE, one per line "   \
               "(as ogr2ogr's -oo), e.g. X_POSSIBLE_NAMES=lon and Y_POSSIBLE_NAMES=lat " \
               "for a CSV; an input is then read through GDAL/OGR whatever its format, " \
               "and an option its driver does not know is a warning. Empty: none.",      \
               NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)

/* ---- Tools ---------------------------------------------------------------- */

typedef struct flp_run flp_run;

typedef struct flp_tool {
  fl_tool_desc desc;              /* first: tool_at() hands out &tool->desc        */
  fl_status (*run)(flp_run *r);   /* does the work; on failure flp_fail*() first  */
} flp_tool;

/* tools_table.c */
int32_t flp_tool_count(void);
const flp_tool *flp_tool_at(int32_t index);
const flp_tool *flp_tool_find(const char *id);

/* ---- One run -------------------------------------------------------------- */

/* A parsed parameter value (params.c). */
typedef struct flp_arg {
  int given;                 /* the caller passed it                           */
  int present;               /* it has a value: given, or from the default     */
  const char *text;          /* borrowed: the caller's string or the default   */
  double num;                /* FL_PARAM_NUMBER                                */
  int boolean;               /* FL_PARAM_BOOL                                  */
  int enum_index;            /* FL_PARAM_ENUM                                  */
  double dist[FLP_MAX_DIST]; /* FL_PARAM_DISTANCES, metres                     */
  size_t n_dist;
} flp_arg;

/* A growable text buffer; on out of memory it stops growing and sets oom. */
typedef struct flp_buf {
  char *p;
  size_t len, cap;
  int oom;
} flp_buf;

struct flp_run {
  const flp_tool *tool;
  fl_ctx *ctx;                 /* NULL until the arguments are checked           */
  flp_arg *args;               /* tool->desc.n_params entries                    */
  fl_status status;
  char errmsg[FLP_ERR_LEN];

  fl_layer *owned[FLP_MAX_LAYERS]; /* freed at the end of the run                */
  size_t n_owned;
  char *classes_copy;          /* storage behind classes[]                       */
  const char *classes[FLP_MAX_DIST];

  flp_buf text;                /* human summary lines                            */
  flp_buf json;                /* JSON object members, comma-separated           */
  int want_json;

  /* Progress: the tool's stages map the core's 0..1 onto [lo, hi]. */
  fl_plugin_progress_fn progress;
  void *user;
  const volatile int32_t *cancel;
  char stage[96];              /* message of the current stage                 */
  double lo, hi;
  double last_sent;            /* fraction last passed to the host, -1: none     */
  double last_time;            /* seconds, monotonic                             */
  int stopped;                 /* the host asked to cancel                       */
};

/* params.c */
int flp_param_index(const fl_tool_desc *t, const char *name);
/* Parse keys/values into r->args (defaults included). FL_E_ARG with a
 * sentence naming the parameter on any problem. */
fl_status flp_params_parse(flp_run *r, int32_t n, const char *const *keys,
                           const char *const *values);
/* Parse one value of parameter p. On failure writes a sentence to err. */
int flp_param_parse_value(const fl_param_desc *p, const char *text, flp_arg *out, char *err,
                          size_t err_len);
/* The name among candidates closest to word (edit distance), or NULL when
 * none is close enough to be a likely typo. */
const char *flp_closest(const char *word, const char *const *candidates, size_t n);

/* Argument access by parameter name. A name the tool does not declare is a
 * programming error and reads as absent. */
const flp_arg *flp_arg_get(const flp_run *r, const char *name);
const char *flp_arg_text(const flp_run *r, const char *name);   /* NULL when absent */
double flp_arg_num(const flp_run *r, const char *name, double fallback);
int flp_arg_bool(const flp_run *r, const char *name);

/* Errors: set r->status and r->errmsg; return the status. */
fl_status flp_fail(flp_run *r, fl_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fail with the context's status and message, prefixed by a sentence part. */
fl_status flp_fail_ctx(flp_run *r, fl_status st, const char *prefix);

/* The report and the map picture (tool_report.c), for tools that declare
 * FLP_P_REPORT and FLP_P_MAP. flp_report_check() before the work: the
 * extensions (report .html/.htm; map .png/.svg) and, without overwrite, that
 * the files are absent. flp_report_write() after the layers are written:
 * writes whichever was asked for (layers, control, opts borrowed; text_report,
 * control and opts may be NULL: control polygons shade the map). */
fl_status flp_report_check(flp_run *r);
fl_status flp_report_write(flp_run *r, const fl_layer *const *layers, size_t n,
                           const char *text_report, const fl_layer *control,
                           const fl_options *opts);
/* render.c: an SVG document rendered to PNG bytes at scale, by
 * libfrontline_render.so (librsvg, cairo) loaded on first use. @param png
 * [out] owned by caller, free(). FL_E_IO on a rendering failure or a missing
 * module (the message in errbuf), FL_E_NOMEM. */
fl_status flp_render_png(const char *svg, size_t n, double scale, unsigned char **png,
                         size_t *png_n, char *errbuf, size_t errlen);

/* Tool helpers (tool_util.c). */
/* Read the layer of parameter name into *out (NULL when the parameter is
 * optional and absent); check its geometry kinds and the fields that name it
 * as parent. The layer stays owned by the run. */
fl_status flp_load(flp_run *r, const char *name, fl_layer **out);
/* Fail unless the layer read for the field parameter's parent has the field. */
fl_status flp_require_field(flp_run *r, const char *field_param, const fl_layer *layer);
/* Fill opts from every parameter the tool declares (fl_options_init first). */
void flp_options(flp_run *r, fl_options *opts);
/* Give a result layer to the run, to be freed at its end. */
fl_status flp_own(flp_run *r, fl_layer *layer);
/* Write layers to the output parameter; single layers are renamed to name. */
fl_status flp_write(flp_run *r, fl_layer *const *layers, size_t n, const char *name);
/* Start a stage of the work spanning [lo, hi] of the run; FL_E_CANCEL when
 * the host asked to stop. */
fl_status flp_stage(flp_run *r, const char *what, double lo, double hi);
/* The context's progress callback (forwards to the host, throttled). */
int flp_on_progress(double fraction, void *user);

/* Numeric value of a field of a feature, NAN when NULL or absent. */
double flp_value_num(const fl_layer *l, const fl_feature *f, int field);
/* Text of a field (NULL when NULL or absent); borrowed from the layer. */
const char *flp_value_str(const fl_layer *l, const fl_feature *f, int field);
/* Sum of a numeric field over all features (NULLs skipped). */
double flp_sum_field(const fl_layer *l, const char *field);

/* One JSON member: an array of objects with the given fields (NULL-terminated
 * list; fields the layer lacks are skipped) of the first max_rows features. */
void flp_json_rows(flp_run *r, const char *key, const fl_layer *l, const char *const *fields,
                   size_t max_rows);

/* Summary (summary.c). flp_say adds a line of the human summary. The JSON
 * helpers add one member to the JSON summary object. */
void flp_say(flp_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void flp_json_int(flp_run *r, const char *key, long long v);
void flp_json_num(flp_run *r, const char *key, double v);
void flp_json_str(flp_run *r, const char *key, const char *v);
void flp_json_raw(flp_run *r, const char *key, const char *raw_json);
void flp_buf_printf(flp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void flp_buf_json_string(flp_buf *b, const char *s);
void flp_buf_free(flp_buf *b);
/* Assemble the final summary (text or JSON) into out (truncated to fit). */
void flp_summary_finish(flp_run *r, char *out, size_t out_len);

#endif
