/*
 * abi_layout.c - prints the layout of the plugin ABI structs as the C
 * compiler lays them out: one line per struct ("struct NAME SIZE") and per
 * field ("field NAME.FIELD OFFSET SIZE"). test_abi_mirror.py compares it with
 * the ctypes mirror in plugin/qgis/frontline/abi.py.
 * Not here: anything that loads the plugin library.
 */
#include <stddef.h>
#include <stdio.h>

#include "frontline/plugin.h"

#define S(type) printf("struct %s %zu\n", #type, sizeof(type))
#define F(type, field) \
  printf("field %s.%s %zu %zu\n", #type, #field, offsetof(type, field), sizeof(((type *)0)->field))

int main(void) {
  printf("abi %d %d\n", FL_PLUGIN_ABI_MAJOR, FL_PLUGIN_ABI_MINOR);
  S(fl_param_desc);
  F(fl_param_desc, name);
  F(fl_param_desc, title);
  F(fl_param_desc, help);
  F(fl_param_desc, type);
  F(fl_param_desc, flags);
  F(fl_param_desc, unit);
  F(fl_param_desc, default_text);
  F(fl_param_desc, min_value);
  F(fl_param_desc, max_value);
  F(fl_param_desc, enum_values);
  F(fl_param_desc, parent);
  F(fl_param_desc, geometry);
  F(fl_param_desc, reserved);
  S(fl_tool_desc);
  F(fl_tool_desc, id);
  F(fl_tool_desc, title);
  F(fl_tool_desc, group);
  F(fl_tool_desc, help);
  F(fl_tool_desc, params);
  F(fl_tool_desc, n_params);
  F(fl_tool_desc, reserved);
  S(fl_plugin_api);
  F(fl_plugin_api, abi_major);
  F(fl_plugin_api, abi_minor);
  F(fl_plugin_api, struct_size);
  F(fl_plugin_api, tool_desc_size);
  F(fl_plugin_api, param_desc_size);
  F(fl_plugin_api, reserved);
  F(fl_plugin_api, library_version);
  F(fl_plugin_api, tool_count);
  F(fl_plugin_api, tool_at);
  F(fl_plugin_api, run);
  printf("const FL_PARAM_LAYER %d\nconst FL_PARAM_FIELD %d\nconst FL_PARAM_NUMBER %d\n"
         "const FL_PARAM_DISTANCES %d\nconst FL_PARAM_ENUM %d\nconst FL_PARAM_BOOL %d\n"
         "const FL_PARAM_STRING %d\nconst FL_PARAM_OUTPUT %d\n",
         FL_PARAM_LAYER, FL_PARAM_FIELD, FL_PARAM_NUMBER, FL_PARAM_DISTANCES, FL_PARAM_ENUM,
         FL_PARAM_BOOL, FL_PARAM_STRING, FL_PARAM_OUTPUT);
  printf("const FL_GEOM_POINT %u\nconst FL_GEOM_LINE %u\nconst FL_GEOM_POLYGON %u\n"
         "const FL_GEOM_ANY %u\nconst FL_PARAM_OPTIONAL %u\nconst FL_PARAM_ADVANCED %u\n",
         FL_GEOM_POINT, FL_GEOM_LINE, FL_GEOM_POLYGON, FL_GEOM_ANY, FL_PARAM_OPTIONAL,
         FL_PARAM_ADVANCED);
  return 0;
}
