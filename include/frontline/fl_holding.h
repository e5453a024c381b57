/*
 * fl_holding.h - the prepared holding kernel: who holds a settlement (rules
 * S1, S2, S4 of docs/tools/settlement-status.md), per claim of a control
 * layer, built once and applied to one settlement at a time from any thread.
 *
 * Like a GEOS prepared geometry: fl_holding_prepare() dissolves each claim's
 * ground (one claim per (source, date) of the control layer) and keeps it;
 * fl_holding_settlement() and fl_holding_points() apply the rules. The
 * settlement-status tool and the stream driver (fl_stream.h) call these.
 *
 * Speed: a point (a GEOS point, or a coordinate pair given to
 * fl_holding_points()) is located on a grid over each piece of ground where
 * no edge comes near it, and by GEOS's prepared intersects otherwise: the
 * answer is GEOS's either way (boundary included). A settlement polygon of
 * 4,096 vertices or more is measured tile by tile, so that an interrupt
 * (fl_ctx_set_interrupt_poll) is seen within a fraction of a second.
 */
#ifndef FRONTLINE_FL_HOLDING_H
#define FRONTLINE_FL_HOLDING_H

#include "fl_analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A prepared holding kernel (opaque). @since 0.3 */
typedef struct fl_holding_kernel fl_holding_kernel;

/** What the kernel says of one settlement in one claim. @since 0.3 */
typedef struct fl_holding_row {
  int side;           /* [out] index of the holder (fl_holding_side), -1 = none */
  fl_holding status;  /* [out] held, contested or unknown (S1, S2, S4) */
  int is_point;       /* [out] nonzero: a point, or a settlement of no area */
  double *share;      /* [in] the caller's array of fl_holding_n_sides() + 1
                         doubles; [out] the share on each side's ground, the
                         last on contested ground (0 when there is none) */
} fl_holding_row;

/**
 * Prepare the kernel from a control layer: one claim per (source, date)
 * group (opts->source_field, date_field), each side's ground dissolved
 * (opts->side_field, status_field, contested_value, side_map, min_area_km2,
 * other_side and aoi as in fl_settlement_status()).
 *
 * @param control  borrowed for the call only: the kernel keeps what it needs.
 * @param opts     borrowed for the call; split_share is checked and kept.
 * @param out      [out] owned by caller, free with fl_holding_free().
 * @return FL_OK, FL_E_ARG, FL_E_FIELD, FL_E_SRID, FL_E_GEOM, FL_E_GEOS, FL_E_NOMEM.
 * @since 0.3
 */
FL_API fl_status fl_holding_prepare(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                                    fl_holding_kernel **out);

/** Number of claims (control groups), at least 1 for a non-empty layer. @since 0.3 */
FL_API size_t fl_holding_n_claims(const fl_holding_kernel *k);
/** Source and date of claim c ("" when the layer has no such field); borrowed
 *  from the kernel. @since 0.3 */
FL_API const char *fl_holding_claim_source(const fl_holding_kernel *k, size_t c);
FL_API const char *fl_holding_claim_date(const fl_holding_kernel *k, size_t c);
/** Number of distinct sides over every claim, contested ground apart. @since 0.3 */
FL_API size_t fl_holding_n_sides(const fl_holding_kernel *k);
/** Name of side s, borrowed from the kernel; in the order claims name them. @since 0.3 */
FL_API const char *fl_holding_side(const fl_holding_kernel *k, size_t s);

/**
 * Apply the rules to one settlement in every claim. Thread-safe: any number
 * of threads may call it at once on one kernel, each with its own ctx (the
 * kernel hands each caller prepared ground no other thread is using).
 *
 * @param settlement  borrowed lon/lat point or polygon, not empty.
 * @param rows        n_claims rows, their share arrays set by the caller.
 * @return FL_OK, FL_E_GEOS, FL_E_NOMEM.
 * @since 0.3
 */
FL_API fl_status fl_holding_settlement(fl_ctx *ctx, const fl_holding_kernel *k,
                                       const GEOSGeometry *settlement, fl_holding_row *rows);

/**
 * fl_holding_settlement() on n points given as lon/lat pairs (xy[2i],
 * xy[2i+1]): no GEOS object is kept per point. rows holds n * n_claims rows,
 * point i's claims at rows[i * n_claims]. Thread-safe like fl_holding_settlement().
 * @return FL_OK, FL_E_ARG (a coordinate not finite: names the point's index),
 *         FL_E_GEOS, FL_E_NOMEM.
 * @since 0.3
 */
FL_API fl_status fl_holding_points(fl_ctx *ctx, const fl_holding_kernel *k, const double *xy,
                                   size_t n, fl_holding_row *rows);

/** Free the kernel; NULL is a no-op. No call may be running on it. @since 0.3 */
FL_API void fl_holding_free(fl_ctx *ctx, fl_holding_kernel *k);

/** One piece of ground (a side's, or contested ground) prepared for
 *  shares, for faces that meet control polygons one at a time. @since 0.3 */
typedef struct fl_ground fl_ground;

/**
 * Prepare lonlat (a lon/lat polygon or multipolygon, may be empty): GEOS's
 * prepared geometry and a point grid (see the top of this file).
 * @param lonlat  borrowed: must outlive the prepared ground.
 * @param out     [out] owned by caller, free with fl_ground_free().
 * @return FL_OK, FL_E_GEOS, FL_E_NOMEM.
 * @since 0.3
 */
FL_API fl_status fl_ground_prepare(fl_ctx *ctx, const GEOSGeometry *lonlat, fl_ground **out);

/**
 * fl_holding_share() (rules S1, S2) of settlement on the prepared ground:
 * a point located on the grid where it can tell, the answer being GEOS's.
 * One thread at a time per ground (GEOS builds its indexes lazily).
 * @param area_km2  the settlement's geodesic area; 0 for a point.
 * @return FL_OK, FL_E_GEOS, FL_E_NOMEM, FL_E_CANCEL.
 * @since 0.3
 */
FL_API fl_status fl_ground_share(fl_ctx *ctx, const fl_ground *g, const GEOSGeometry *settlement,
                                 double area_km2, double *share);

/** Free g; NULL is a no-op. @since 0.3 */
FL_API void fl_ground_free(fl_ctx *ctx, fl_ground *g);

#ifdef __cplusplus
}
#endif
#endif
