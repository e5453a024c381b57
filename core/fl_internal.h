/*
 * fl_internal.h - what core files share but the public headers do not show:
 * the layout of fl_ctx, error helpers and small geometry utilities.
 * Names used across files carry the fl__ prefix.
 */
#ifndef FL_INTERNAL_H
#define FL_INTERNAL_H

#include <geodesic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "frontline/frontline.h"

#define FL_ERRMSG_LEN 1024

typedef struct fl__pj_cache_entry {
  int srid;
  PJ *to_lonlat;   /* EPSG:srid -> lon/lat, normalised for visualisation */
  int has_area;    /* projected CRS with an area of use: the box below is set */
  double area[4];  /* its area of use in the CRS's own x/y, widened (crs.c) */
} fl__pj_cache_entry;

/* Named work limits (limits.c (K1)), in the order of its table. */
typedef enum fl__limit_id {
  FL__LIMIT_BUFFER_WORK,
  FL__LIMIT_VIEWSHED_CELLS,
  FL__LIMIT_LOS_SAMPLES,
  FL__N_LIMITS
} fl__limit_id;

struct fl_ctx {
  GEOSContextHandle_t geos;
  PJ_CONTEXT *proj;
  struct geod_geodesic geod;          /* WGS84 */
  fl_status status;
  char errmsg[FL_ERRMSG_LEN];          /* raw: parameters as "@{name}" tokens */
  char errtext[FL_ERRMSG_LEN];         /* errmsg with bare parameter names */
  char geos_msg[FL_ERRMSG_LEN];       /* last message from GEOS's error handler */
  fl_progress_fn progress;
  void *progress_user;
  const volatile int *cancel;
  double last_progress;
  double deadline_s;                  /* CLOCK_MONOTONIC seconds; 0: none (interrupt.c) */
  double deadline_len_s;              /* the bound it was set with, for the message */
  fl_poll_fn poll;                    /* the host's stop request, or NULL (interrupt.c) */
  void *poll_user;
  double last_poll_s;                 /* CLOCK_MONOTONIC seconds of the last poll */
  int polled_stop;                    /* the poll said stop */
  int n_threads;
  double limits[FL__N_LIMITS];        /* named work limits (limits.c) */
  char **warnings;                    /* each "raw\0spelled\0" */
  size_t n_warnings, cap_warnings;
  fl__pj_cache_entry pj_cache[8];
  size_t n_pj_cache;
};

/* Set status and message (printf format); returns st for "return fl__fail(...)". */
fl_status fl__fail(fl_ctx *ctx, fl_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record a warning (one sentence) unless the same one is recorded already.
 * Out-of-memory drops it silently. */
void fl__warn(fl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make a message one line of valid UTF-8, in place: line breaks and tabs
 * become spaces, other control bytes and bytes that are not UTF-8 '?'
 * (names and values quoted from a broken input must not garble a host's
 * one-line error). messages.c. */
void fl__msg_clean(char *s);
/* Make the calling thread's C++ exception state exist (ctx.c), so that a
 * later std::bad_alloc in GEOS is an error, not an abort. */
void fl__cxx_warm_up(fl_ctx *ctx);

/* ---- limits.c: named work limits ------------------------------------------ */
/* A new context's limits: the defaults (K1). */
void fl__limits_default(fl_ctx *ctx);
/* A worker context takes its parent's cancel flag and limits (K1). */
void fl__ctx_inherit(fl_ctx *worker, const fl_ctx *parent);
/* The limit's value in ctx. */
static inline double fl__limit(const fl_ctx *ctx, fl__limit_id id) { return ctx->limits[id]; }
/* (K4) Fail with FL_E_ARG: fmt says what would need how much ("a viewshed
 * of 3 observers would need about 3e8 DEM cells"); the sentence goes on
 * with the limit's name and value, instead (what to do instead, e.g. "use a
 * smaller max range") and how to raise the limit in each face. */
fl_status fl__limit_exceeded(fl_ctx *ctx, fl__limit_id id, const char *instead,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- interrupt.c: cancel inside GEOS calls -------------------------------- */
/* Nonzero when ctx's cancel flag is set or its deadline has passed. */
int fl__should_stop(fl_ctx *ctx);
/* Between the steps of a long loop outside GEOS (distances, depth, routes):
 * FL_OK, or when ctx should stop the failure fl__fail_geos gives a stopped
 * GEOS call ("interrupted", the time limit, or the user's cancel) for what.
 * Cheap: call it every few hundred steps. */
fl_status fl__stop_check(fl_ctx *ctx, const char *what);
/* Make ctx the thread's current one for GEOS's interrupt callback; returns
 * the previous one for fl__interrupt_leave(). */
fl_ctx *fl__interrupt_enter(fl_ctx *ctx);
void fl__interrupt_leave(fl_ctx *old);
/* ctx is going away: no longer the thread's current one. */
void fl__interrupt_forget(fl_ctx *ctx);
/* The last GEOS failure was an interrupt meant for another thread. */
int fl__interrupt_spurious(fl_ctx *ctx);
/* Stop GEOS work of ctx after seconds from now (0: no deadline). */
void fl__set_deadline(fl_ctx *ctx, double seconds);
/* var = call, with ctx current for interrupts, run once more when the
 * failure was an interrupt that another thread requested. */
#define FL__GEOS_CALL(ctx, var, call)                     \
  do {                                                    \
    fl_ctx *fl__old_ = fl__interrupt_enter(ctx);          \
    (ctx)->geos_msg[0] = '\0';                            \
    (var) = (call);                                       \
    if (!(var) && fl__interrupt_spurious(ctx)) {          \
      (ctx)->geos_msg[0] = '\0';                          \
      (var) = (call);                                     \
    }                                                     \
    fl__interrupt_leave(fl__old_);                        \
  } while (0)

/* Fail with FL_E_GEOS (or FL_E_NOMEM), appending GEOS's own message; an
 * interrupt of a cancelled ctx is FL_E_CANCEL. */
fl_status fl__fail_geos(fl_ctx *ctx, const char *what);

/* Progress: fraction of the current run. Returns FL_E_CANCEL (with message)
 * when the cancel flag is set or the callback asked to stop. Cheap to call
 * per feature: reports only every 1 %. */
fl_status fl__progress(fl_ctx *ctx, double fraction);
/* The number of worker threads to use for n items. */
int fl__threads_for(const fl_ctx *ctx, size_t n_items);

/* Whether field k of l holds text: TEXT, or DATE (ISO 8601 text). */
static inline int fl__field_holds_text(const fl_layer *l, int k) {
  return l->fields[k].type == FL_FIELD_TEXT || l->fields[k].type == FL_FIELD_DATE;
}

/* Withdraw the warnings after the first n (a run that is done again). */
void fl__warnings_truncate(fl_ctx *ctx, size_t n);

/* A copy of s with malloc (NULL stays NULL). */
char *fl__strdup(const char *s);

/* ---- blob_gpkg.c: points without GEOS (the stream driver's path) ---------- */
/* Bytes of the GeoPackage blob of a 2D point. */
#define FL__GPKG_POINT_BLOB 61
/* 1 and the coordinates when b is the GeoPackage blob of a non-empty 2D
 * point; 0 for anything else (decode it with fl_geom_from_blob). */
int fl__gpkg_point_xy(const unsigned char *b, size_t n, double *x, double *y);
/* The blob fl_geom_to_blob(FL_BLOB_GPKG) writes for POINT(x y). */
void fl__gpkg_point_blob(unsigned char b[FL__GPKG_POINT_BLOB], int srid, double x, double y);

#endif
