/*
 * fl_compare.h - where the sources of a control layer disagree, how a
 * combined holder of each settlement is reached, and how claims hold up
 * against a reference source (DESIGN.md question 8, tool compare-claims).
 *
 * Every function reads the control layer on core's control model (side map,
 * one-sided sources with other_side and aoi, min_area_km2, filters), each
 * source with its own options: an area-of-interest layer with the source
 * field gives each source its own area. Snapshots of two sources are paired
 * when their dates lie within opts->date_tolerance_days and one is the
 * other's closest date. Rules: docs/tools/compare-claims.md.
 */
#ifndef FRONTLINE_FL_COMPARE_H
#define FRONTLINE_FL_COMPARE_H

#include "fl_analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Where two sources disagree: on each pair of paired snapshots, the ground
 * that one gives side p and the other side q != p ("contested" is a value).
 * Ground that either source does not map (outside its polygons, or outside
 * its area of interest) gives no row.
 *
 * out: layer "disagreement", polygons in the control layer's CRS; source_a,
 * side_a, date_a, source_b, side_b, date_b (source_a sorts first),
 * days_apart, area_km2 (geodesic, WGS84).
 *
 * @param control, opts  borrowed.
 * @param out [out] owned by caller (fl_layer_destroy()); NULL on failure.
 * @return FL_OK, FL_E_FIELD, FL_E_ARG, FL_E_GEOM, FL_E_SRID, FL_E_NOMEM, FL_E_CANCEL.
 * @since 0.2
 */
FL_API fl_status fl_disagreement(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                                 fl_layer **out);

/**
 * Per settlement and date, the holder each source names (a side,
 * "contested" or "unknown", containment only) and a combined holder by a
 * rule: "majority" (a tie is "disputed"), "majority:SOURCE" (a tie goes to
 * SOURCE's holder when it is among the tied) or "priority:S1,S2,...". Unknown
 * never votes.
 *
 * out: layer "settlement_agreement", the settlements' geometries; fields
 * settlement_fid, name, date, holder_<source> and date_<source> per source,
 * combined, agree (1/0, NULL with fewer than two votes), disputed_since.
 *
 * @param settlements, control, opts borrowed. @param rule borrowed; NULL:
 *        "majority".
 * @param out [out] owned by caller (fl_layer_destroy()); NULL on failure.
 * @return FL_OK, FL_E_ARG (rule, source), FL_E_FIELD, FL_E_GEOM, FL_E_NOMEM, ...
 * @since 0.2
 */
FL_API fl_status fl_settlement_agreement(fl_ctx *ctx, const fl_layer *settlements,
                                         const fl_layer *control, const fl_options *opts,
                                         const char *rule, fl_layer **out);

/** Field names of a claims layer (NULL: the default in parentheses). */
typedef struct fl_claims_fields {
  const char *settlement;  /* name of the claimed settlement ("settlement")    */
  const char *side;        /* the claimed side ("side")                         */
  const char *date;        /* the claim's date, ISO 8601 ("date")               */
  const char *claimant;    /* who claims it, optional ("claimant")              */
} fl_claims_fields;

/**
 * Each claim checked against a reference source: "confirmed" with the first
 * reference date (on or after the claim date less the date tolerance) whose
 * holder is the claimed side and lag_days; else "contradicted" when the last
 * reference date counts and shows another side; else "not_confirmed" as of
 * the last reference date. A claim's place is its geometry, or the one
 * settlement whose name matches (case ignored); none or several is an error.
 *
 * out: layer "claims", the places; claim_fid, settlement_fid, name,
 * claimant, claimed_side, claim_date, reference, status, confirmed_date,
 * lag_days, as_of_date, reference_holder.
 *
 * @param claims, fields, control, opts borrowed. @param settlements
 *        borrowed, may be NULL when every claim has a geometry.
 * @param reference borrowed: a source of control; may be NULL when control
 *        holds one source.
 * @param out [out] owned by caller (fl_layer_destroy()); NULL on failure.
 * @return FL_OK, FL_E_ARG, FL_E_FIELD, FL_E_SRID, FL_E_GEOM, FL_E_NOMEM, ...
 * @since 0.2
 */
FL_API fl_status fl_claims_check(fl_ctx *ctx, const fl_layer *claims,
                                 const fl_claims_fields *fields, const fl_layer *settlements,
                                 const fl_layer *control, const fl_options *opts,
                                 const char *reference, fl_layer **out);

#ifdef __cplusplus
}
#endif
#endif
