/*
 * style.c - the palette of fl_style.h (bands near to far, sides).
 * Not here: QML (core/io/qml.c), SVG (core/report/).
 */
#include <string.h>

#include "fl_style.h"

static const char *const band_colours[] = {"#d7191c", "#fd8d3c", "#fecc5c", "#ffffb2",
                                           "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8"};
static const char *const side_colours[] = {"#1f78b4", "#e31a1c", "#33a02c",
                                           "#ff7f00", "#6a3d9a", "#b15928"};

const char *fl__style_band_colour(size_t i) {
  size_t n = sizeof band_colours / sizeof band_colours[0];
  return band_colours[i < n ? i : n - 1];
}

const char *fl__style_side_colour(const char *name, size_t index) {
  if (name && !strcmp(name, "UA")) return "#1f78b4";
  /* DeepStateMap's one-sided layers name the Russian side "occupied". */
  if (name && (!strcmp(name, "RU") || !strcmp(name, "occupied"))) return "#e31a1c";
  if (name && !strcmp(name, "contested")) return FL_STYLE_CONTESTED;
  if (name && (!strcmp(name, "unknown") || !*name)) return FL_STYLE_UNKNOWN;
  if (index == (size_t)-1) { /* by name: FNV-1a, so every drawing agrees */
    index = 2166136261u;
    for (const char *c = name ? name : ""; *c; c++) index = (index ^ (unsigned char)*c) * 16777619u;
    index = 2 + index % 4; /* not blue or red, which UA and RU have */
  }
  return side_colours[index % (sizeof side_colours / sizeof side_colours[0])];
}
