/*
 * tools_table.c - the list of tools the plugin offers, in the order hosts
 * show them. Adding a tool is one line here plus its tool_<id>.c: every host
 * (CLI, QGIS) picks it up from the descriptors with no change of its own.
 * Not here: what a tool does (tool_<id>.c).
 */
#include <string.h>

#include "plugin_internal.h"

extern const flp_tool flp_tool_bands;
extern const flp_tool flp_tool_frontline;
extern const flp_tool flp_tool_settlement_status;
extern const flp_tool flp_tool_route_exposure;
extern const flp_tool flp_tool_nearest_route;
extern const flp_tool flp_tool_analyze;
extern const flp_tool flp_tool_range_rings;
extern const flp_tool flp_tool_line_of_sight;
extern const flp_tool flp_tool_viewshed;
extern const flp_tool flp_tool_change;
extern const flp_tool flp_tool_compare_claims;
extern const flp_tool flp_tool_high_ground;

static const flp_tool *const tools[] = {
    &flp_tool_bands,          &flp_tool_frontline,     &flp_tool_settlement_status,
    &flp_tool_route_exposure, &flp_tool_nearest_route, &flp_tool_analyze,
    &flp_tool_range_rings,    &flp_tool_line_of_sight, &flp_tool_viewshed,
    &flp_tool_change,
    &flp_tool_compare_claims,
    &flp_tool_high_ground,
};

int32_t flp_tool_count(void) { return (int32_t)(sizeof tools / sizeof tools[0]); }

const flp_tool *flp_tool_at(int32_t index) {
  return index >= 0 && index < flp_tool_count() ? tools[index] : NULL;
}

const flp_tool *flp_tool_find(const char *id) {
  for (int32_t i = 0; id && i < flp_tool_count(); i++)
    if (strcmp(tools[i]->desc.id, id) == 0) return tools[i];
  return NULL;
}
