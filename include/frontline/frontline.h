/*
 * frontline.h - umbrella header of the Frontline C library.
 *
 * Frontline measures conflict geography on the WGS84 ellipsoid: distance
 * bands around a front, the line of contact, who holds each settlement,
 * route exposure and nearest routes. See docs/c-api.md.
 */
#ifndef FRONTLINE_H
#define FRONTLINE_H

#define FL_VERSION_MAJOR 0
#define FL_VERSION_MINOR 1
#define FL_VERSION_PATCH 0
#define FL_VERSION_NUMBER (FL_VERSION_MAJOR * 10000 + FL_VERSION_MINOR * 100 + FL_VERSION_PATCH)
#define FL_AT_LEAST_VERSION(maj, min, pat) \
  (FL_VERSION_NUMBER >= ((maj) * 10000 + (min) * 100 + (pat)))

#include "fl_ctx.h"
#include "fl_geom.h"
#include "fl_io.h"
#include "fl_analysis.h"
#include "fl_holding.h"
#include "fl_routes.h"
#include "fl_stream.h"
#include "fl_elevation.h"
#include "fl_compare.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version string "MAJOR.MINOR.PATCH". Static. @since 0.1 */
FL_API const char *fl_version(void);

#ifdef __cplusplus
}
#endif
#endif
