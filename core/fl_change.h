/*
 * fl_change.h - internal: what the files of the `change` analysis share
 * (change.c drives; change_sectors.c, change_summary.c, change_advance.c,
 * change_held.c each fill one part).
 */
#ifndef FL_CHANGE_H
#define FL_CHANGE_H

#include "fl_prep.h"

/* Pieces of an overlay under 1 m² are slivers and give no row (C3). */
#define FL__SLIVER_KM2 1e-6

/* The sectors: named polygons (lon/lat), their union, prepared. */
typedef struct fl__sectors {
  size_t n;
  char **name;                          /* [n] */
  GEOSGeometry **g;                     /* [n] lon/lat */
  const GEOSPreparedGeometry **prep;    /* [n] */
  GEOSGeometry *all;                    /* union, or NULL when n is 0 */
} fl__sectors;

/* Sums of one period (pair of dates) per side and sector; sector index 0 is
 * the whole area, k + 1 sector k. */
typedef struct fl__change_sums {
  size_t n_sides, n_cols;               /* n_cols = sectors + 1 */
  const char **side;                    /* [n_sides] borrowed from the groups */
  double *gained, *lost, *max_depth_m;  /* [n_sides * n_cols]; max_depth_m < 0: none */
} fl__change_sums;

/* One polygon waiting for its depth (change_advance.c). */
typedef struct fl__adv_item {
  GEOSGeometry *poly;                   /* lon/lat, owned */
  const char *sa, *sb;                  /* borrowed from the groups */
  int k;                                /* sector, -1: none */
  double km2, depth_m;                  /* depth_m: -1 no front, -2 unsettled (CA3) */
} fl__adv_item;

typedef struct fl__change_job {
  fl_ctx *ctx;
  const fl_change_input *in;
  const fl_options *opts;
  fl__groups gr;
  fl__control_group *cg;                /* [gr.n] */
  int *built;                           /* [gr.n] */
  int *in_range;                        /* [gr.n] nonzero: the date is within from..to */
  GEOSGeometry **front;                 /* [gr.n] lon/lat front, NULL: none or not built */
  double *front_km;                     /* [gr.n * (sectors + 1)], < 0: no front */
  fl__sectors sec;
  fl_dist_index *idx;                   /* index of front[idx_g], built on demand */
  size_t idx_g;
  fl__adv_item *pend;                   /* polygons of the current period */
  size_t n_pend, cap_pend;
  fl_change_result out;
} fl__change_job;

/* change_sectors.c: read and prepare the sectors (input sectors, field
 * sector_field); nothing without sectors. */
fl_status fl__sectors_load(fl_ctx *ctx, const fl_change_input *in, fl__sectors *out);
void fl__sectors_free(fl_ctx *ctx, fl__sectors *s);
/* Split piece (lon/lat, borrowed) by the sectors: calls fn for each part in a
 * sector (k >= 0) and for the part outside every sector (k = -1); parts are
 * taken by fn. Without sectors: one call with a copy of piece and k = -1. */
typedef fl_status (*fl__sector_part_fn)(fl__change_job *j, GEOSGeometry *part, int k,
                                        void *user);
fl_status fl__sectors_split(fl__change_job *j, const GEOSGeometry *piece, fl__sector_part_fn fn,
                            void *user);

/* change_held.c: front of each group in range (j->front, j->front_km) and
 * the held_series layer (with settlement counts when status is not NULL:
 * settlement-status rows of the settlements). */
fl_status fl__change_fronts(fl__change_job *j);
fl_status fl__change_held(fl__change_job *j, const fl_layer *status);

/* change_summary.c: sums of one period and the change_summary rows. */
fl_status fl__sums_init(fl__change_job *j, size_t g0, size_t g1, fl__change_sums *s);
void fl__sums_free(fl__change_sums *s);
size_t fl__sums_side(const fl__change_sums *s, const char *side);
fl_layer *fl__summary_layer(void);
fl_status fl__summary_rows(fl__change_job *j, size_t g0, size_t g1, const fl__change_sums *s);

/* change_advance.c: the advance layer; fl__advance_rows() queues each
 * polygon of part (lon/lat, borrowed) that went from side sa to sb in sector
 * k (-1: none); fl__advance_flush() measures the queued polygons' depths
 * from g0's front (on every core), writes their rows, updates s's largest
 * depths and empties the queue; fl__advance_free() drops the queue. */
fl_layer *fl__advance_layer(void);
fl_status fl__advance_rows(fl__change_job *j, const char *sa, const char *sb,
                           const GEOSGeometry *part, int k);
fl_status fl__advance_flush(fl__change_job *j, size_t g0, size_t g1, fl__change_sums *s);
void fl__advance_free(fl__change_job *j);

/* change_settlements.c: the settlement-status rows (containment only) of
 * the settlements against the control layer, and the changes of holder;
 * keep (may be NULL: all) says which changes to write, by source and the
 * bracket's two dates. */
typedef int (*fl__change_keep_fn)(const char *source, const char *last_old,
                                  const char *first_new, void *user);
fl_status fl__change_settlements(fl_ctx *ctx, const fl_layer *settlements,
                                 const fl_layer *control, const fl_options *opts,
                                 fl__change_keep_fn keep, void *keep_user,
                                 fl_layer **changes, fl_layer **status);
/* (CS1) holder of one settlement-status row: side, "contested" or
 * "unknown" (owned by caller). */
char *fl__change_holder(const fl_layer *status, const fl_feature *f);

#endif
