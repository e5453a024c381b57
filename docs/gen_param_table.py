#!/usr/bin/python3
"""Print the Markdown parameter table of a tool, read from the plugin ABI.

    /usr/bin/python3 docs/gen_param_table.py build/bin/libfrontline_plugin.so TOOL_ID

Used to write the "Parameters" section of docs/tools/<id>.md from the
descriptors, so that the page says what the code declares.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "plugin", "qgis", "frontline"))
import abi  # noqa: E402

TYPES = {1: "layer", 2: "field", 3: "number", 4: "distance list", 5: "enum", 6: "boolean",
         7: "text", 8: "output file", 9: "raster"}
KINDS = {1: "points", 2: "lines", 4: "polygons", 3: "points or lines", 5: "points or polygons",
         6: "lines or polygons", 7: "any geometry"}

lib = abi.load(sys.argv[1])
tool = lib.tool(sys.argv[2])
print("| name | type | unit | default | description |")
print("|---|---|---|---|---|")
for p in tool.params:
    t = TYPES.get(p.type, str(p.type))
    if p.type == 1:
        t += " (%s)" % KINDS.get(p.geometry or 7, "any geometry")
    elif p.type == 2:
        t = "field of `%s`" % p.parent
    elif p.type == 5:
        t = "enum: " + ", ".join("`%s`" % v for v in p.enum_values)
    default = "`%s`" % p.default if p.default else ("(none)" if p.optional else "required")
    help_ = p.help + (" (advanced)" if p.advanced else "")
    print("| `%s` | %s | %s | %s | %s |" % (p.name, t, p.unit or "-", default, help_))
