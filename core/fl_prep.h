/*
 * fl_prep.h - internal: what every analysis does to its input layers before
 * measuring (prep.c), grouping by source/date (groups.c) and running a loop
 * on every core (parallel.c).
 */
#ifndef FL_PREP_H
#define FL_PREP_H

#include "fl_internal.h"

/* ---- prep.c --------------------------------------------------------------- */

/* A layer's geometries in lon/lat, repaired where invalid. */
typedef struct fl__prepped {
  const fl_layer *layer;   /* borrowed */
  const char *role;        /* "settlements", "control", ... (static) */
  GEOSGeometry **lonlat;   /* one per feature; NULL for features skipped;
                              read-only: points and lines already in EPSG:4326
                              are the layer's own geometries, not copies */
  unsigned char *borrowed; /* [n]: nonzero where lonlat[i] is the layer's; NULL: none */
  size_t n;
} fl__prepped;

/* Geometry classes a role accepts. */
#define FL__WANT_POINT 1u
#define FL__WANT_LINE 2u
#define FL__WANT_POLYGON 4u

/* Check SRID and emptiness, reproject to lon/lat, check geometry classes and
 * repair invalid polygons (recorded as warnings). The error names the role,
 * the layer and the feature id. */
fl_status fl__prep_layer(fl_ctx *ctx, const fl_layer *layer, const char *role, unsigned want,
                         fl__prepped *out);
void fl__prep_free(fl_ctx *ctx, fl__prepped *p);
/* The failure fl__prep_layer() gives for a lon/lat layer's coordinate (x, y)
 * that is not a finite lon/lat (src: the data source, for the message). */
fl_status fl__prep_domain_fail(fl_ctx *ctx, const char *role, const fl_layer *layer,
                               const char *src, int64_t fid, double x, double y);

/* Field index by name, or a FL_E_FIELD failure naming layer, role and the
 * option to use. optional: -1 without error when missing. */
int fl__field(fl_ctx *ctx, const fl_layer *layer, const char *role, const char *field,
              const char *option, int optional);

/* Union of the given lon/lat geometries (indices where keep(i) is true).
 * Owned by caller; an empty GEOMETRYCOLLECTION when none; NULL on failure. */
GEOSGeometry *fl__union_where(fl_ctx *ctx, GEOSGeometry *const *geoms, size_t n,
                              int (*keep)(size_t i, void *user), void *user);

/* The polygons of a geometry as a MULTIPOLYGON (repair and clipping can
 * leave lines and points behind). Owned by caller; NULL on failure. */
GEOSGeometry *fl__polygonal_part(GEOSContextHandle_t h, const GEOSGeometry *g);

/* Result geometry back to the CRS of the output layer. Takes lonlat. */
fl_status fl__to_layer_crs(fl_ctx *ctx, GEOSGeometry *lonlat, int srid, GEOSGeometry **out);

/* Validate a distance list (strictly increasing, > 0, finite); fills the
 * defaults when n is 0. *dist is either opts->dist_m or a static default. */
fl_status fl__distances(fl_ctx *ctx, const fl_options *opts, const double **dist, size_t *n);

/* Copy every field definition of src into dst. Output columns are the
 * tool's: a name that clashes with reserved (the tool's output columns,
 * NULL-terminated; per-side and per-band columns included) or with a field
 * already in dst, compared without case as SQLite compares names, gets the
 * prefix "in_" (again until it is free), with a warning naming the tool.
 * Writes the dst index of each src field. */
fl_status fl__copy_fields(fl_ctx *ctx, const char *tool, fl_layer *dst, const fl_layer *src,
                          const char *const *reserved,
                          int *map);
/* Add the tool's output column name to dst; its index in *idx. FL_E_NOMEM
 * with a sentence naming the tool and the column. */
fl_status fl__add_column(fl_ctx *ctx, const char *tool, fl_layer *dst, const char *name,
                         fl_field_type type, int *idx);
fl_status fl__copy_values(fl_layer *dst, fl_feature *df, const fl_layer *src,
                          const fl_feature *sf, const int *map);

/* ---- groups.c ------------------------------------------------------------- */

/* Distinct (source, date) pairs of a layer, sorted by date then source. A
 * layer without those fields has one group with empty key strings. */
typedef struct fl__group {
  char *source;           /* "" when the layer has no source field */
  char *date;             /* "" when the layer has no date field */
} fl__group;

typedef struct fl__groups {
  fl__group *g;
  size_t n;
  int source_field, date_field; /* -1 when absent */
  int *of_feature;              /* group index of each feature, -1 = filtered out */
} fl__groups;

fl_status fl__groups_build(fl_ctx *ctx, const fl_layer *layer, const fl_options *opts,
                           fl__groups *out);
void fl__groups_free(fl__groups *g);
/* Days since 1970-01-01 of an ISO date "YYYY-MM-DD" (or "YYYY/MM/DD", what
 * GeoJSON dates read as) at the start of the text; 0 when it is none. */
int fl__date_days(const char *date, long *days);
/* Nonzero when two dates are the same text, or both dates and at most
 * tolerance_days apart (fl_options.date_tolerance_days). */
int fl__dates_within(const char *a, const char *b, int tolerance_days);
/* FL_OK, or FL_E_ARG when opts->date_tolerance_days is negative. */
fl_status fl__check_date_tolerance(fl_ctx *ctx, const fl_options *opts);
/* Group of `other` matching g (same non-empty keys), or -1. */
int fl__groups_match(const fl__groups *other, const fl__group *g);

/* ---- parallel.c ------------------------------------------------------------ */

/* Work on item i with a thread's own context and scratch. */
typedef fl_status (*fl__item_fn)(fl_ctx *wctx, size_t i, void *shared, void *scratch);
typedef void *(*fl__scratch_new_fn)(fl_ctx *wctx, void *shared);
typedef void (*fl__scratch_free_fn)(fl_ctx *wctx, void *scratch);

/* Run fn on items 0..n-1 on up to fl__threads_for() threads. The calling
 * thread works too and alone reports progress (prog0..prog1) and polls
 * cancel. The first failure stops every thread; its message lands in ctx.
 * Worker warnings are copied into ctx. */
fl_status fl__parallel_for(fl_ctx *ctx, size_t n, fl__item_fn fn, void *shared,
                           fl__scratch_new_fn scratch_new, fl__scratch_free_fn scratch_free,
                           double prog0, double prog1);

/* ---- side_map.c ----------------------------------------------------------- */

/* The side every mapped ground goes to when it is neither side's (M2). */
#define FL__CONTESTED "contested"

/* A parsed side map: value[i] (side field value) -> side[i]; n 0: no map. */
typedef struct fl__side_map {
  size_t n;
  char **value, **side;   /* point into buf; side may be FL__CONTESTED */
  char *buf;
} fl__side_map;

/* Parse opts->side_map (NULL or blank: an empty map, FL_OK). */
fl_status fl__side_map_parse(fl_ctx *ctx, const char *text, fl__side_map *out);
void fl__side_map_free(fl__side_map *m);
/* The side a value maps to, or NULL when the map does not name it. */
const char *fl__side_map_side(const fl__side_map *m, const char *value);
/* FL_E_ARG listing the values (with feature counts) the map does not name,
 * among features whose of_feature is >= 0 (of_feature NULL: all). */
fl_status fl__side_map_check(fl_ctx *ctx, const fl__side_map *m, const fl_layer *layer,
                             int side_field, const int *of_feature);

/* ---- small_parts.c -------------------------------------------------------- */

/* Close the holes and drop the islands of *area (lon/lat, polygonal) whose
 * geodesic area is below min_km2 (0: off); each kind changed is one warning
 * that starts with `where`. *area is replaced when anything changed. */
fl_status fl__drop_small_parts(fl_ctx *ctx, GEOSGeometry **area, double min_km2,
                               const char *where);

/* ---- control.c ------------------------------------------------------------ */

/* One claim of a control layer: each side's ground (dissolved, lon/lat) and
 * the contested ground, for one (source, date) group. */
typedef struct fl__control_group {
  size_t n_sides;
  char **side;              /* side values, sorted */
  GEOSGeometry **area;      /* dissolved ground of each side (lon/lat) */
  GEOSGeometry *contested;  /* dissolved contested-status polygons, or NULL */
  int grey;                 /* nonzero: the side map sent values to "contested":
                               contested is a grey zone with two edges (G1) */
  GEOSGeometry *edge;       /* with other_side: the area of interest (or the data's
                               bounding box) the ground ends at; else NULL */
} fl__control_group;

fl_status fl__control_group_build(fl_ctx *ctx, const fl__prepped *control, const fl__groups *gr,
                                  int group, const fl_options *opts, fl__control_group *out);
void fl__control_group_free(fl_ctx *ctx, fl__control_group *cg);
/* Compute and cache the envelope of g and of every part and ring. GEOS 3.11
 * computes envelopes lazily, so two threads reading one geometry (preparing
 * it, intersecting with it) race to store it: a leak, and at times a wrong
 * answer. Call it on every geometry that threads share, before they start. */
void fl__warm_envelopes(GEOSContextHandle_t h, const GEOSGeometry *g);
/* Index of a side value in cg, or -1. */
int fl__control_side(const fl__control_group *cg, const char *side);

/* ---- holding_kernel.c ------------------------------------------------------ */

struct fl_holding_kernel;
/* Claim c's ground and the kernel's groups, borrowed (settlement_status.c
 * traces each claim's front from them). */
const fl__control_group *fl__holding_claim(const struct fl_holding_kernel *k, size_t c);
const fl__groups *fl__holding_groups(const struct fl_holding_kernel *k);

/* ---- other_side.c --------------------------------------------------------- */

/* With opts->other_side: clip cg to the area of interest (opts->aoi, or the
 * data's bounding box with a warning), give the rest of it to the other side
 * and keep it in cg->edge. Nothing without other_side. group: " (source,
 * date)" or "" for messages. */
fl_status fl__other_side_apply(fl_ctx *ctx, const fl_options *opts, const char *layer_name,
                               const char *group, fl__control_group *cg);

/* ---- route_on_side.c ----------------------------------------------------- */

/* With opts->on_side: per group of gr, that side's ground (lon/lat) in the
 * matching control group; *out NULL without on_side. Free with
 * fl__on_side_free(). */
fl_status fl__on_side_grounds(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                              const fl__groups *gr, GEOSGeometry ***out);
void fl__on_side_free(fl_ctx *ctx, GEOSGeometry **ground, size_t n);

/* One thread's prepared grounds (borrowing ground). */
typedef struct fl__on_side_prep {
  size_t n;
  GEOSGeometry *const *ground;
  const GEOSPreparedGeometry **prep;
} fl__on_side_prep;
fl__on_side_prep *fl__on_side_prepare(fl_ctx *wctx, GEOSGeometry *const *ground, size_t n);
void fl__on_side_unprepare(fl_ctx *wctx, fl__on_side_prep *p);
/* The part of route on ground k: *part NULL and *none 0: the whole route;
 * *none 1: no part; else *part (owned by caller). */
fl_status fl__on_side_clip(fl_ctx *wctx, const fl__on_side_prep *p, size_t k,
                           const GEOSGeometry *route, GEOSGeometry **part, int *none);

/* ---- route_pieces.c -------------------------------------------------------- */

typedef struct fl__piece_buf {
  double *xy;       /* lon, lat pairs; NAN, NAN separates pieces */
  size_t n, cap;    /* doubles */
  int open;         /* the last piece is still being extended */
} fl__piece_buf;
/* Append a vertex (x, y may be NAN, NAN: end of a piece); -1 out of memory. */
int fl__piece_push(fl__piece_buf *p, double x, double y);
/* The pieces as a MULTILINESTRING (lon/lat, merged where they touch); NULL
 * when there are none. Owned by caller. */
GEOSGeometry *fl__pieces_geometry(fl_ctx *ctx, const fl__piece_buf *p);

/* ---- route_in_view.c ------------------------------------------------------ */

/* With an in_view polygon layer: its union in lon/lat (R7), owned by caller
 * (GEOSGeom_destroy_r); *out NULL when in_view is NULL. Clip routes with
 * fl__on_side_clip() on a one-ground fl__on_side_prep. */
fl_status fl__in_view_ground(fl_ctx *ctx, const fl_layer *in_view, GEOSGeometry **out);

/* ---- frontline.c ----------------------------------------------------------- */

/* The line of contact (lon/lat) between ground a and ground b; b NULL: the
 * boundary of a without its edges along `edge` (mask or data extent, lon/lat
 * polygon). Owned by caller. */
fl_status fl__contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                           const GEOSGeometry *edge, double snap_m, GEOSGeometry **out);
/* The same; open_edge nonzero: b is the rest of the area of interest `edge`
 * (other_side.c), the line runs up to edge and never along it (F5). */
fl_status fl__contact_line_ex(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                              const GEOSGeometry *edge, int open_edge, double snap_m,
                              GEOSGeometry **out);
/* ---- front_group.c -------------------------------------------------------- */

/* The front of one control group, its sides chosen from opts: *edge_a is
 * side A's line; with a grey zone (cg->contested) and two sides, *edge_b is
 * side B's edge of it (G1), else NULL. Both owned by caller. */
fl_status fl__group_edges(fl_ctx *ctx, const fl__control_group *cg, const GEOSGeometry *mask,
                          const fl_options *opts, const char **side_a, const char **side_b,
                          GEOSGeometry **edge_a, GEOSGeometry **edge_b);
/* The contact line of one control group, choosing the sides from opts (with
 * a grey zone: both its edges, G2). */
fl_status fl__group_front(fl_ctx *ctx, const fl__control_group *cg, const GEOSGeometry *mask,
                          const fl_options *opts, const char **side_a, const char **side_b,
                          GEOSGeometry **out);

/* ---- text.c --------------------------------------------------------------- */

/* A text grown by fl__text_printf; start it as {0}, free(s) when done. */
typedef struct fl__text {
  char *s;
  size_t n, cap;
  int failed;                    /* out of memory or a bad format: s is partial */
} fl__text;
void fl__text_printf(fl__text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- analyze_report.c ---------------------------------------------------- */

/* The layers of one analyze run, borrowed; exposure and nearest NULL
 * without routes. */
typedef struct fl__analyze_layers {
  const fl_layer *frontline, *bands, *status, *exposure, *nearest;
} fl__analyze_layers;

/* The analyze report (Markdown when md) of the layers l computed from in
 * with opts; the run's warnings so far close it. *out owned by caller
 * (free()). FL_OK, FL_E_NOMEM, fl__analyze_change()'s failures. */
fl_status fl__analyze_report(fl_ctx *ctx, const fl_analyze_input *in, const fl_options *opts,
                             int md, const fl__analyze_layers *l, char **out);

/* ---- analyze_change.c ---------------------------------------------------- */

/* The "what changed" section of the analyze report (Markdown when md):
 * per source its first date against its last, and the settlements that
 * changed hands (settlements may be NULL). *out NULL (FL_OK) when no source
 * has two dates; else owned by caller (free()). */
fl_status fl__analyze_change(fl_ctx *ctx, const fl_layer *control, const fl_layer *settlements,
                             const fl_options *opts, int md, char **out);

/* ---- centre_line.c -------------------------------------------------------- */

/* The centre line of a grey zone (lon/lat): the line through zone
 * equidistant from edge_a and edge_b (G4). *out NULL (no error) when an
 * input is NULL or empty; else owned by caller. */
fl_status fl__centre_line(fl_ctx *ctx, const GEOSGeometry *edge_a, const GEOSGeometry *edge_b,
                          const GEOSGeometry *zone, GEOSGeometry **out);

#endif
