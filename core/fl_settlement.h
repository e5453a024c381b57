/*
 * fl_settlement.h - internal: what the whole-layer settlement-status
 * (settlement_status.c) and its stream (settlement_stream.c) share: the
 * front rules S3/S4 of one settlement, the output columns and the values of
 * one output row (settlement_rows.c).
 */
#ifndef FL_SETTLEMENT_H
#define FL_SETTLEMENT_H

#include "fl_dist_index.h"
#include "fl_prep.h"

/* The options settlement-status checks before it reads a feature; *dist the
 * band distances (fl__distances). */
fl_status fl__settlement_check_options(fl_ctx *ctx, const fl_options *opts, const double **dist,
                                       size_t *n_dist);

/* Every claim's front index (none with skip_front_distance): out[n_claims]. */
fl_status fl__settlement_fronts(fl_ctx *ctx, const fl_holding_kernel *k, const fl_layer *front,
                                const fl_options *opts, fl_dist_index **out);

/* The kernel (S1, S2, S4) and the front rules (S3, S4's distance) on one
 * lon/lat settlement: hr[n_claims] (share arrays set), dist[n_claims]. */
fl_status fl__settlement_one(fl_ctx *wctx, const fl_holding_kernel *k, fl_dist_index *const *front,
                             const fl_options *opts, const GEOSGeometry *geom,
                             fl_holding_row *hr, double *dist);

/* fl__settlement_one()'s front rules alone, after the kernel filled hr;
 * geom may be NULL when no claim has a front (front[g] all NULL). */
fl_status fl__settlement_front(fl_ctx *wctx, const fl_holding_kernel *k,
                               fl_dist_index *const *front, const fl_options *opts,
                               const GEOSGeometry *geom, fl_holding_row *hr, double *dist);

/* The output columns of settlement-status on a layer res (empty) for
 * settlements (fields only are read). */
typedef struct fl__srow_cols {
  int *map;                     /* settlements field -> res field */
  int f_fid, f_source, f_date, f_side, f_status, f_dist, f_band, f_label, f_agree, f_claims;
  int *f_share;                 /* n_sides + 1; -1: no column */
} fl__srow_cols;
fl_status fl__srow_schema(fl_ctx *ctx, const fl_holding_kernel *k, const fl_layer *settlements,
                          fl_layer *res, fl__srow_cols *c);
void fl__srow_cols_free(fl__srow_cols *c);

/* The claims text of each claim, remembered for the last FL__CLAIMS_WAYS
 * tuples of holders seen (a slot s = g * FL__CLAIMS_WAYS + w): one per
 * thread (settlements side by side mostly have one of a few tuples). */
#define FL__CLAIMS_LEN 1024
#define FL__CLAIMS_WAYS 4
typedef struct fl__claims_memo {
  size_t n_claims;
  int *key;              /* [s * n_claims + o]: side * 4 + status of claim o */
  int *made;             /* [s]: nonzero once text[s] is made */
  int *agree;            /* [s] */
  size_t *n_same;        /* [s]: claims in text[s] */
  char *text;            /* [s * FL__CLAIMS_LEN] */
  unsigned *next;        /* [g]: the way replaced on the next miss */
} fl__claims_memo;
fl_status fl__claims_memo_init(fl_ctx *ctx, fl__claims_memo *m, size_t n_claims);
void fl__claims_memo_free(fl__claims_memo *m);

/* The values of the row of claim g of settlement sf (its fields from
 * settlements) in feature f of res: hr and dist are the settlement's rows of
 * every claim; memo is the calling thread's. A non-finite distance is a
 * warning on ctx. */
fl_status fl__srow_fill(fl_ctx *ctx, const fl__srow_cols *c, const fl_holding_kernel *k,
                        const fl_options *opts, const double *bands, size_t n_bands,
                        fl_layer *res, fl_feature *f, const fl_layer *settlements,
                        const fl_feature *sf, const fl_holding_row *hr, const double *dist,
                        size_t g, fl__claims_memo *memo);

#endif
