/*
 * fl_analysis.h - the analyses: bands, frontline, settlement status, route
 * exposure, nearest route, and all of them at once (analyze).
 *
 * Every analysis reads layers (fl_io.h) in any CRS with an SRID, measures on
 * the WGS84 ellipsoid, and returns a new layer in the CRS of its main input.
 * Batch calls index their layers once and honour the context's progress and
 * cancel hooks between features. Input polygons that are invalid are repaired
 * (GEOSMakeValid) and each repair is recorded as a context warning.
 */
#ifndef FRONTLINE_FL_ANALYSIS_H
#define FRONTLINE_FL_ANALYSIS_H

#include "fl_geom.h"
#include "fl_io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options shared by every analysis. Strings are borrowed for the call. */
typedef struct fl_options {
  /* Field names (case-insensitive). A missing optional field means "one group". */
  const char *side_field;      /* control: holder side, required ("side")           */
  const char *source_field;    /* control/front: source, optional ("source")        */
  const char *date_field;      /* control/front: date, optional ("date")            */
  const char *status_field;    /* control: status, optional ("status")              */
  const char *name_field;      /* settlements and routes: name ("name")             */
  const char *class_field;     /* routes: class, optional ("class")                 */
  const char *contested_value; /* status value of contested polygons ("contested")  */
  const char *side_map;        /* control: side field values -> sides, e.g.
                                  "occupied,occupied_before_2022=RU;liberated=UA;
                                  unknown status=contested" (NULL: the values are
                                  the sides). @since 0.2                           */
  double min_area_km2;         /* control: holes and islands of one side's ground
                                  below this geodesic area are closed / dropped,
                                  each change a warning (0.01; 0: off) @since 0.2 */
  const char *other_side;      /* control: one-sided sources; this side holds the
                                  area of interest outside the control polygons
                                  (NULL: off) @since 0.2                           */
  const fl_layer *aoi;         /* control: area of interest, polygons, borrowed;
                                  with other_side; NULL: the data's bounding box,
                                  with a warning @since 0.2                        */

  /* Bands: outer distances in metres, strictly increasing and > 0.
   * n_dist 0 means the default 5,000 10,000 20,000 40,000. */
  const double *dist_m;
  size_t n_dist;
  fl_side side;                /* bands: both sides (default), left or right       */
  const char *held_by;         /* bands: keep only ground this side holds;
                                  route-exposure: measure each route's distance
                                  to this side's ground instead of to the front
                                  line: routes on that ground are at 0 (NULL: off) */
  const char *on_side;         /* route-exposure: measure only routes, or parts of
                                  routes, on this side's ground, e.g. "which of
                                  our routes can they reach"; needs control
                                  (NULL: all) @since 0.2                          */

  /* Frontline. */
  double snap_m;               /* gap/overlap tolerance between the sides (500 m)   */
  const char *side_a;          /* the two sides; NULL: the values found in data     */
  const char *side_b;
  int centre_line;             /* nonzero: with a grey zone, also the zone's centre
                                  line, equidistant from the two sides' edges
                                  (edge "centre"; 0, the default: off) @since 0.2 */

  /* Settlement status (rules S1-S4 in docs/tools/settlement-status.md). */
  double split_share;          /* S2: largest share below this is contested (0.75)  */
  double contested_dist_m;     /* S3: closer than this to the front is contested
                                  (0 = rule off, the default)                       */
  int skip_front_distance;     /* nonzero: containment only, no dist_to_front_m,
                                  band or S3 (0, the default: measure them)         */

  /* Nearest route: keep only routes whose class is one of these (n 0: all). */
  const char *const *classes;
  size_t n_classes;

  /* Snapshots of different sources whose dates lie within this many days
   * are compared (sources_agree, claims, the analyze report); 0: the same
   * date only (the default). @since 0.2 */
  int date_tolerance_days;

  /* Keep only control/front features of this source / date (NULL: all). */
  const char *source_filter;
  const char *date_filter;

  /* Route exposure: the ground in view (polygons in any CRS, e.g. a
   * viewshed's, fl_viewshed_polygons()), borrowed. When set, each route row
   * also gets in_view_km, view_km_<inner>_<outer> per band and
   * view_exposed_km, and its geometry is the parts both in view and within
   * the outermost band (NULL: off). @since 0.2 */
  const fl_layer *in_view;
} fl_options;

/** Fill opts with the defaults above. @since 0.1 */
FL_API void fl_options_init(fl_options *opts);

/**
 * Distance bands around the front lines: one dissolved, non-overlapping
 * polygon per band [inner_m, outer_m) and per front group (source, date),
 * optionally one side only, only on ground held by opts->held_by (needs
 * control), clipped to mask. Output fields: band, inner_m, outer_m, side,
 * area_km2 (+ source, date when the front has them).
 *
 * @param front    borrowed, lines. @param control, mask  borrowed, may be NULL.
 * @param out      [out] owned by caller, free with fl_layer_destroy().
 * @since 0.1
 */
FL_API fl_status fl_bands(fl_ctx *ctx, const fl_layer *front, const fl_layer *control,
                          const fl_layer *mask, const fl_options *opts, fl_layer **out);

/**
 * Line of contact from control polygons: per group (source, date), the part
 * of side A's boundary within snap_m of side B's ground, without the outer
 * edge of the data. With one side only, that side's boundary minus the
 * edges running along the mask within 1 m (or, without a mask, along the
 * data's bounding box). With opts->other_side, that side holds the area of
 * interest (opts->aoi) outside the control polygons, and the front runs up
 * to its edge and never along it.
 * Output fields: source, date, side_a, side_b, length_km, edge. With a grey
 * zone (ground mapped to "contested", or with the contested status) each
 * side's edge of it is its own line, `edge` naming the side (since 0.2);
 * with opts->centre_line, also the zone's centre line, equidistant from
 * the two edges, `edge` = "centre" (since 0.2); else `edge` is NULL.
 * @since 0.1
 */
FL_API fl_status fl_frontline(fl_ctx *ctx, const fl_layer *control, const fl_layer *mask,
                              const fl_options *opts, fl_layer **out);

/* ---- Holding: the settlement rules S1, S2 and S4 on their own ----------
 * The one place these rules live: fl_settlement_status() and the SQL
 * functions FL_Share and FL_ControlStatus all call them. */

/** The default of fl_options.split_share (rule S2); every face takes it
 *  from here (the tools' descriptors, FL_ControlStatus). @since 0.2 */
#define FL_DEFAULT_SPLIT_SHARE 0.75
/** The range of split_share: [FL_SPLIT_SHARE_MIN, FL_SPLIT_SHARE_MAX], what
 *  fl_holding_check_split() accepts and the tools advertise. @since 0.2 */
#define FL_SPLIT_SHARE_MIN 0.5
/** @since 0.3 */
#define FL_SPLIT_SHARE_MAX 1.0

/** A settlement's holding status, as written in the status column. @since 0.2 */
typedef enum fl_holding { FL_HOLD_HELD = 0, FL_HOLD_CONTESTED = 1, FL_HOLD_UNKNOWN = 2 } fl_holding;

/**
 * Check a split share: FL_OK within [FL_SPLIT_SHARE_MIN, FL_SPLIT_SHARE_MAX]
 * (0.5 to 1; the default FL_DEFAULT_SPLIT_SHARE is 0.75), else FL_E_ARG with
 * a sentence naming the parameter (token @{split_share}). The tools'
 * descriptors and FL_ControlStatus take the range and default from here.
 * @since 0.2
 */
FL_API fl_status fl_holding_check_split(fl_ctx *ctx, double split_share);

/**
 * Share (0 to 1) of a settlement on some ground (rules S1, S2): a point, or
 * a settlement of no area, is 1 when it touches the ground (boundary
 * included) and 0 otherwise; a polygon gets the geodesic share of its area.
 *
 * @param ground_prep  borrowed, prepared form of ground; NULL: no ground, share 0.
 * @param ground       borrowed lon/lat polygon(s).
 * @param settlement   borrowed lon/lat geometry.
 * @param area_km2     the settlement's geodesic area (fl_area_km2), 0 for points.
 * @param share        [out] written on FL_OK.
 * @return FL_OK, FL_E_GEOS (message says which step), FL_E_CANCEL.
 * @since 0.2
 */
FL_API fl_status fl_holding_share(fl_ctx *ctx, const GEOSPreparedGeometry *ground_prep,
                                  const GEOSGeometry *ground, const GEOSGeometry *settlement,
                                  double area_km2, double *share);

/**
 * Who holds a settlement from its shares (rules S1, S2, S4): the side with
 * the largest share holds it; a point on two sides' ground, a polygon whose
 * largest share is below split_share, or a settlement on contested ground
 * (a point on it, a polygon with more than 1 - split_share on it) is
 * contested; on no side's ground, unknown.
 *
 * @param share     borrowed, n_sides shares (0 to 1), one per side.
 * @param contested share on contested ground (grey zone), 0 to 1.
 * @param is_point  nonzero for points and settlements of no area.
 * @param holder    [out] index of the side with the largest share (the first
 *                  on a tie), -1 when no side holds any of it.
 * @return the status.
 * @since 0.2
 */
FL_API fl_holding fl_holding_decide(const double *share, size_t n_sides, double contested,
                                    int is_point, double split_share, int *holder);

/**
 * Who holds each settlement, per control group (source, date). Output: the
 * settlement's fields and geometry, then source, date, side, share_<side>...,
 * status, dist_to_front_m, band, sources_agree, claims.
 *
 * @param front  borrowed, may be NULL: then derived with fl_frontline().
 * @since 0.1
 */
FL_API fl_status fl_settlement_status(fl_ctx *ctx, const fl_layer *settlements,
                                      const fl_layer *control, const fl_layer *front,
                                      const fl_options *opts, fl_layer **out);

/**
 * Exposure of routes to the front: per route (and front group) length_km,
 * min_dist_to_front_m, km_<inner>_<outer> per band, exposed_km, exposed_share,
 * and as geometry the parts within the outermost band. With opts->in_view
 * (since 0.2) also in_view_km, view_km_<inner>_<outer>, view_exposed_km (the
 * same measures on the parts inside the in-view polygons), and as geometry
 * the parts both in view and within the outermost band.
 *
 * @param front    borrowed lines; may be NULL when opts->held_by is set.
 * @param control  borrowed; needed when opts->held_by is set.
 * @since 0.1
 */
FL_API fl_status fl_route_exposure(fl_ctx *ctx, const fl_layer *routes, const fl_layer *front,
                                   const fl_layer *control, const fl_options *opts,
                                   fl_layer **out);

/**
 * Candidate observers: the points on opts->held_by's ground (needs control,
 * one claim after opts->source_filter / date_filter; NULL held_by: any
 * ground) and, with a front, within [min_m, max_m] of it (geodesic; max_m 0:
 * no upper limit). Output: the kept features whole, in order, plus
 * dist_to_front_m when a front is given.
 *
 * @param points   borrowed, points (multipoints: the nearest part counts).
 * @param control, front  borrowed, may be NULL.
 * @param out      [out] owned by caller, free with fl_layer_destroy(); may
 *                 hold no feature.
 * @return FL_OK, FL_E_ARG (bad band, held_by without control, several
 *         claims, a side the control layer lacks), FL_E_GEOM, FL_E_SRID, ...
 * @since 0.2
 */
FL_API fl_status fl_points_select(fl_ctx *ctx, const fl_layer *points, const fl_layer *control,
                                  const fl_layer *front, const fl_options *opts, double min_m,
                                  double max_m, fl_layer **out);

/**
 * Nearest route of each settlement: settlement fields, route_id, route_name,
 * route_class, dist_m, and the connecting line (settlement to route) as geometry.
 * @since 0.1
 */
FL_API fl_status fl_nearest_route(fl_ctx *ctx, const fl_layer *settlements,
                                  const fl_layer *routes, const fl_options *opts,
                                  fl_layer **out);

/* ---- Building blocks on single geometries (lon/lat), e.g. for SQL ------- */

/**
 * Geodesic length in metres of the parts of a lon/lat route whose distance to
 * the indexed front lies in [inner_m, outer_m) (rules R1-R2 of route exposure).
 * @param front  borrowed index of the front (fl_dist_index_create()).
 * @since 0.1
 */
FL_API fl_status fl_route_band_m(fl_ctx *ctx, const fl_dist_index *front,
                                 const GEOSGeometry *route, double inner_m, double outer_m,
                                 double *out_m);

/**
 * Line of contact (lon/lat) between ground a and ground b (rules F1-F2 of
 * frontline); b NULL: a's boundary without the parts running along edge
 * within 1 m (edge NULL: a's bounding box). @param out [out] owned by caller.
 * @since 0.1
 */
FL_API fl_status fl_contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                                 const GEOSGeometry *edge, double snap_m, GEOSGeometry **out);

/**
 * Share (0..1) of a settlement's geodesic area on some ground; a point gives
 * 0 or 1 (boundary counts as inside). Both lon/lat. @since 0.1
 */
FL_API fl_status fl_share(fl_ctx *ctx, const GEOSGeometry *settlement, const GEOSGeometry *ground,
                          double *out_share);

/** Inputs of fl_analyze(); all borrowed; front, routes and mask may be NULL. */
typedef struct fl_analyze_input {
  const fl_layer *settlements;
  const fl_layer *control;
  const fl_layer *front;
  const fl_layer *routes;
  const fl_layer *mask;
} fl_analyze_input;

/** Result of fl_analyze(); free with fl_analyze_result_free(). */
typedef struct fl_analyze_result {
  fl_layer **layers;   /* owned: frontline, bands, settlement_status, route_exposure, nearest_route */
  size_t n_layers;
  char *report;        /* owned: plain text or Markdown */
} fl_analyze_result;

/**
 * Run every analysis on one set of layers and write a short report that leads
 * with the answer (who holds each settlement, how far from the front, band,
 * nearest route). markdown nonzero: Markdown; else plain text.
 * @param out  [out] written only on success.
 * @since 0.1
 */
FL_API fl_status fl_analyze(fl_ctx *ctx, const fl_analyze_input *in, const fl_options *opts,
                            int markdown, fl_analyze_result *out);

/** Free what fl_analyze() returned; the struct itself is the caller's. @since 0.1 */
FL_API void fl_analyze_result_free(fl_ctx *ctx, fl_analyze_result *res);

/**
 * What changed hands between the dates of each source of a control layer
 * (several dates per source), on core's control model (side map, one-sided
 * sources with other_side and aoi, min_area_km2, filters).
 *
 * area_change: polygons in the control layer's CRS, one per source, pair of
 * consecutive dates and pair of different sides (contested counts as a side
 * named "contested"): source, date_from, date_to, days (NULL when a date is
 * not ISO), side_from, side_to, area_km2 (geodesic). Ground mapped on one of
 * the two dates only gives no row. held_series: NULL geometries; per source,
 * date and side, area_km2 held.
 *
 * @param control  borrowed polygon layer. @param opts borrowed.
 * @param area_change, held_series [out] owned by caller (fl_layer_destroy()),
 *                 both set on FL_OK, both NULL otherwise.
 * @return FL_OK, FL_E_FIELD, FL_E_ARG, FL_E_GEOM, FL_E_SRID, FL_E_NOMEM, ...
 * @since 0.2
 */
FL_API fl_status fl_change(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                           fl_layer **area_change, fl_layer **held_series);

/** Inputs of fl_change_run(); every pointer borrowed for the call. @since 0.2 */
typedef struct fl_change_input {
  const fl_layer *control;     /* polygons with several dates per source (required) */
  const fl_layer *settlements; /* points or polygons, or NULL: no settlement_changes */
  const fl_layer *sectors;     /* named polygons (e.g. directions), or NULL          */
  const char *sector_field;    /* name field of sectors (NULL: "name")               */
  const char *date_from;       /* ISO dates, or NULL: every consecutive pair of dates */
  const char *date_to;         /*   of each source; see fl_change_run()              */
} fl_change_input;

/** Outputs of fl_change_run(); owned by the caller (fl_change_result_free()). @since 0.2 */
typedef struct fl_change_result {
  fl_layer *area_change;       /* polygons: ground that changed side                 */
  fl_layer *change_summary;    /* table (geom_type "NONE"): km² per period and side  */
  fl_layer *held_series;       /* table: per source, date and side                   */
  fl_layer *settlement_changes;/* table, or NULL without settlements                 */
  fl_layer *advance;           /* polygons: each changed polygon and its depth       */
} fl_change_result;

/**
 * Everything `change` answers (docs/tools/change.md, rules C1-C9), on core's
 * control model as fl_change().
 *
 * Periods: without dates, every consecutive pair of dates of each source;
 * with date_from and/or date_to, one period per source, from its last date on
 * or before date_from (its first date without it) to its last date on or
 * before date_to (its last date without it); held_series keeps the dates of
 * that span. area_change and advance split each piece by the sectors
 * (column `sector`, NULL outside every sector or without sectors).
 * change_summary: per source, period, side and sector (NULL: the whole
 * area) gained_km2, lost_km2, net_km2, km2_per_day, front_km, mean_depth_km,
 * max_depth_km. held_series: area_km2, front_km and (with settlements)
 * settlements per source, date and side. Areas are geodesic km², lengths
 * geodesic km, depths geodesic metres / km on WGS84.
 *
 * @param in, opts borrowed.
 * @param out [out] every layer set on FL_OK (settlement_changes NULL without
 *            settlements); all NULL otherwise.
 * @return FL_OK, FL_E_FIELD, FL_E_ARG, FL_E_GEOM, FL_E_SRID, FL_E_NOMEM, ...
 * @since 0.2
 */
FL_API fl_status fl_change_run(fl_ctx *ctx, const fl_change_input *in, const fl_options *opts,
                               fl_change_result *out);

/** Free the layers of a fl_change_result (the struct is the caller's). @since 0.2 */
FL_API void fl_change_result_free(fl_ctx *ctx, fl_change_result *res);

/**
 * The settlements whose holder differs between consecutive dates of a source
 * of a control layer. The holder on each date is fl_settlement_status()'s
 * (containment only): its side, "contested" when its status is contested,
 * "unknown" when no side holds it.
 *
 * out: NULL geometries; settlement_fid, name (the name field, when the
 * settlements have it), source, from_side, to_side, last_date_old,
 * first_date_new; one row per change.
 *
 * @param settlements, control, opts borrowed.
 * @param out [out] owned by caller (fl_layer_destroy()); NULL on failure.
 * @return FL_OK or fl_settlement_status()'s failures.
 * @since 0.2
 */
FL_API fl_status fl_change_settlements(fl_ctx *ctx, const fl_layer *settlements,
                                       const fl_layer *control, const fl_options *opts,
                                       fl_layer **out);

#ifdef __cplusplus
}
#endif
#endif
