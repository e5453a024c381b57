/*
 * fl_style.h - the colours of Frontline's maps: the QGIS styles written into
 * GeoPackages (core/io/qml.c) and the HTML report's map (core/report/). The
 * QGIS plugin's styles.py uses the same values; change both together.
 * Colours are "#rrggbb" strings, static.
 */
#ifndef FL_STYLE_H
#define FL_STYLE_H

#include <stddef.h>

#define FL_STYLE_CONTESTED "#9e4ac7"
#define FL_STYLE_UNKNOWN "#9e9e9e"
#define FL_STYLE_FRONT "#7a0019"

/* Band i, near to far from the front (the last colour repeats past the end). */
const char *fl__style_band_colour(size_t i);
/* The colour of side `name`, the index-th side of the data: UA blue and RU red,
 * as on most maps of this war ('occupied', DeepStateMap's name, red too),
 * 'contested' and 'unknown' their own; other sides take the palette in turn
 * by index (SIZE_MAX: by a hash of the name, the same wherever it is drawn). */
const char *fl__style_side_colour(const char *name, size_t index);

#endif
