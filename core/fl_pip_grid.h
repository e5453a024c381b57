/*
 * fl_pip_grid.h - a point-in-area grid (internal): for a polygon or
 * multipolygon, the cells of a regular grid over its envelope that no edge
 * comes near know whether they lie inside or outside; a point in any other
 * cell is left to the caller's exact test (GEOS). The answer it gives is
 * GEOS prepared intersects' (boundary included) for every point it answers.
 */
#ifndef FRONTLINE_FL_PIP_GRID_H
#define FRONTLINE_FL_PIP_GRID_H

#include "fl_internal.h"

typedef struct fl__pip_grid fl__pip_grid;

/**
 * Build the grid of area (borrowed for the call; lon/lat or any plane).
 * @param prep  area prepared (borrowed; used on this thread during the call).
 * @param out   [out] owned by caller (fl__pip_grid_free); NULL when area is
 *              not a non-empty polygon or multipolygon, or has no width or
 *              height: the caller tests every point itself.
 * @return FL_OK, FL_E_GEOS, FL_E_NOMEM.
 */
fl_status fl__pip_grid_build(fl_ctx *ctx, const GEOSGeometry *area,
                             const GEOSPreparedGeometry *prep, fl__pip_grid **out);

/* 1: (x, y) intersects the area (inside or on its boundary); 0: it does not;
 * -1: the grid cannot tell (a cell near an edge): test it exactly. x and y
 * finite. Thread-safe (the grid is read-only). */
int fl__pip_grid_locate(const fl__pip_grid *g, double x, double y);

/* NULL is a no-op. */
void fl__pip_grid_free(fl__pip_grid *g);

#endif
