/*
 * fl_sources.h - internal: what the compare-claims files share
 * (compare_sources.c): the sources of a control layer, each with its own
 * options (its own area of interest), and the pairing of snapshots of two
 * sources by date.
 */
#ifndef FL_SOURCES_H
#define FL_SOURCES_H

#include "fl_prep.h"

/* One source of a control layer and the options its claims are read with. */
typedef struct fl__source {
  char *name;        /* "" when the layer has no source field */
  fl_options o;      /* the caller's options; o.aoi points at aoi_view or is
                        the caller's layer, o.source_filter at name */
  fl_layer aoi_view; /* the area-of-interest features that apply to it (R2);
                        features borrowed from the caller's layer */
} fl__source;

typedef struct fl__sources {
  fl__source *s;     /* [n]; never moved after fl__sources_build() */
  size_t n;
} fl__sources;

/* The distinct sources of control (after the caller's source/date filters),
 * sorted, each with its options (R1, R2). */
fl_status fl__sources_build(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                            fl__sources *out);
void fl__sources_free(fl__sources *s);
/* Index of a source by name, or -1. */
int fl__sources_find(const fl__sources *s, const char *name);
/* "'a', 'b'" (at most len bytes): the sources, for messages. */
void fl__sources_list(const fl__sources *s, char *buf, size_t len);

/* (P1) Nonzero when snapshots a and b of gr (different sources) are paired:
 * their dates lie within tolerance and one is the other's closest date among
 * the snapshots of its own source. */
int fl__snapshots_paired(const fl__groups *gr, size_t a, size_t b, int tolerance_days);
/* Days from date a to date b, 0 (and *ok 0) when either is not a date. */
long fl__days_between(const char *a, const char *b, int *ok);

/* (R3) FL_FIELD_DATE when every date of gr is an ISO date (or empty), else
 * FL_FIELD_TEXT: output date columns are typed as dates whenever they can be. */
fl_field_type fl__date_type(const fl__groups *gr);
/* Set a date column: as "YYYY-MM-DD" when the column is FL_FIELD_DATE and
 * text a date ("YYYY/MM/DD" too), else as given; "" and NULL leave NULL. */
fl_status fl__set_date(fl_layer *l, fl_feature *f, int field, const char *text);

/* Holder of a settlement-status row: "contested" when its status is
 * contested, its side when held, else "unknown". Borrowed from the layer or
 * static. */
const char *fl__status_holder(const fl_layer *st, const fl_feature *f, int f_side,
                              int f_status);

#endif
