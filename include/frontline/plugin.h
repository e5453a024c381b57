/*
 * plugin.h - the host-neutral plugin ABI of Frontline.
 *
 * A host (the `frontline` CLI, the QGIS provider) dlopens
 * libfrontline_plugin.so, looks up the one exported symbol
 * fl_plugin_query, and gets a table that describes every tool (id, title,
 * help, typed parameters with defaults) and runs a tool with a progress
 * callback and a cancel flag. Everything crosses as plain C data: fixed-width
 * integers, const char *, no unions, no bitfields, so ctypes mirrors it.
 *
 * Versioning: FL_PLUGIN_ABI_MAJOR changes on any break (hosts refuse another
 * major); FL_PLUGIN_ABI_MINOR on additions, which are appended to the end of
 * a struct, never inserted. Hosts read a field only when its offset is below
 * struct_size. The *_size fields let a host check its mirror of the layout.
 *
 * Messages: error and summary texts name a parameter as the token "@{name}"
 * (its descriptor name); a host spells it its own way (the CLI "--name",
 * QGIS its title). See fl_msg_spell() in fl_ctx.h.
 *
 * Ownership: every pointer reachable from fl_plugin_api is static (lives as
 * long as the library is loaded). run() copies what it needs from its
 * arguments; its error text goes into the caller's buffer.
 */
#ifndef FRONTLINE_PLUGIN_H
#define FRONTLINE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FL_PLUGIN_ABI_MAJOR 1
#define FL_PLUGIN_ABI_MINOR 2
#define FL_PLUGIN_ENTRY "fl_plugin_query"

#if defined(_WIN32)
#define FL_PLUGIN_EXPORT __declspec(dllexport)
#else
#define FL_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Parameter types. Values cross run() as strings in the forms given here. */
typedef enum fl_param_type {
  FL_PARAM_LAYER = 1,     /* data-source string: path.gpkg:layer, path.sqlite:table, path.geojson */
  FL_PARAM_FIELD = 2,     /* field name of the layer named by parent                     */
  FL_PARAM_NUMBER = 3,    /* decimal number, in unit                                     */
  FL_PARAM_DISTANCES = 4, /* comma-separated increasing numbers, in unit ("5000,10000")  */
  FL_PARAM_ENUM = 5,      /* one of enum_values                                          */
  FL_PARAM_BOOL = 6,      /* "true" / "false" (also 1/0, yes/no)                         */
  FL_PARAM_STRING = 7,    /* free text                                                   */
  FL_PARAM_OUTPUT = 8,    /* output file path (.gpkg, .sqlite, .geojson)                 */
  /* ABI 1.1 and later (append only): */
  FL_PARAM_RASTER = 9     /* raster file GDAL reads (.tif, a .vrt of tiles, ...), band 1 */
} fl_param_type;

/* Geometry kinds a layer parameter accepts (bit set in geometry). */
#define FL_GEOM_POINT 1u
#define FL_GEOM_LINE 2u
#define FL_GEOM_POLYGON 4u
#define FL_GEOM_ANY 7u

/* Parameter flags. */
#define FL_PARAM_OPTIONAL 1u  /* may be omitted (default_text is used when non-NULL) */
#define FL_PARAM_ADVANCED 2u  /* hosts may hide it behind "advanced"                  */
/* ABI 1.1: an FL_PARAM_OUTPUT that also takes a .tif / .tiff path (a raster
 * result) besides the vector formats. */
#define FL_PARAM_RASTER_OUT 4u
/* ABI 1.2: an optional FL_PARAM_OUTPUT that is a document, not a layer: an
 * HTML report (.html, .htm) or a picture (.png, .svg). Hosts offer a file
 * destination and do not load it as a layer. */
#define FL_PARAM_DOC_OUT 8u

typedef struct fl_param_desc {
  const char *name;               /* snake_case, stable: "front", "snap_m"          */
  const char *title;              /* short label: "Snap tolerance"                  */
  const char *help;               /* one or two sentences                           */
  int32_t type;                   /* fl_param_type                                  */
  uint32_t flags;                 /* FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED          */
  const char *unit;               /* "m", "km", "" (none)                           */
  const char *default_text;       /* default as a string, or NULL                   */
  double min_value;               /* numbers: bounds (-inf/inf when none)           */
  double max_value;
  const char *const *enum_values; /* FL_PARAM_ENUM: NULL-terminated; FL_PARAM_OUTPUT
                                     (ABI 1.2): the layers the file holds when a tool
                                     writes several (a run may leave some out),
                                     NULL-terminated; NULL: one layer               */
  const char *parent;             /* FL_PARAM_FIELD: name of its layer parameter    */
  uint32_t geometry;              /* FL_PARAM_LAYER: FL_GEOM_* accepted             */
  uint32_t reserved;
} fl_param_desc;

typedef struct fl_tool_desc {
  const char *id;                 /* kebab-case, stable: "route-exposure"           */
  const char *title;              /* "Route exposure"                               */
  const char *group;              /* Toolbox group: "Front", "Settlements", ...     */
  const char *help;               /* a paragraph: what it answers, what it writes   */
  const fl_param_desc *params;
  int32_t n_params;
  int32_t reserved;
} fl_tool_desc;

/* Progress: fraction in [0,1] and a short message (may be NULL). Return
 * nonzero to cancel. Called at most about every 1 % of the work. */
typedef int32_t (*fl_plugin_progress_fn)(double fraction, const char *message, void *user);

typedef struct fl_plugin_api {
  uint32_t abi_major;             /* first, never moves                             */
  uint32_t abi_minor;
  uint32_t struct_size;           /* sizeof(fl_plugin_api) as the plugin was built  */
  uint32_t tool_desc_size;        /* sizeof(fl_tool_desc)                           */
  uint32_t param_desc_size;       /* sizeof(fl_param_desc)                          */
  uint32_t reserved;
  const char *library_version;    /* "0.1.0"                                        */
  int32_t (*tool_count)(void);
  const fl_tool_desc *(*tool_at)(int32_t index);   /* NULL past the end            */
  /*
   * Run a tool. keys/values: n parameter names and values (strings as the
   * types above say). progress may be NULL; cancel may be NULL and is polled
   * between features. summary/summary_len: the tool's human summary (the
   * report for analyze) or, when json is nonzero, a JSON object; truncated to
   * fit (a text summary is cut before its warnings, at a line's end, with a
   * line saying how many bytes were left out, so the warnings always arrive). Returns 0 (FL_OK) or an fl_status; errbuf then holds one sentence.
   */
  int32_t (*run)(const char *tool_id, int32_t n, const char *const *keys,
                 const char *const *values, fl_plugin_progress_fn progress, void *user,
                 const volatile int32_t *cancel, int32_t json, char *summary,
                 size_t summary_len, char *errbuf, size_t errbuf_len);
  /* ABI 1.1 and later: fields below this line (append only). */
} fl_plugin_api;

/**
 * The one entry point. Returns the static API table when the plugin can serve
 * host_abi_major, NULL otherwise.
 */
FL_PLUGIN_EXPORT const fl_plugin_api *fl_plugin_query(uint32_t host_abi_major);

typedef const fl_plugin_api *(*fl_plugin_query_fn)(uint32_t host_abi_major);

#ifdef __cplusplus
}
#endif
#endif
