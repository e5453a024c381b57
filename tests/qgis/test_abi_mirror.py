"""test_abi_mirror.py - the ctypes mirror of plugin.h (plugin/qgis/frontline/
abi.py) matches the C layout: every struct size, every field offset and size,
and the constants, as printed by abi_layout.c, which the C compiler builds
from the header. Then it loads the real library and checks the size fields it
reports (struct_size, tool_desc_size, param_desc_size) against ctypes, and
that abi.check_layout() refuses a library of another major or with another
layout, with a sentence that says which. Needs no QGIS: abi.py imports only
the standard library."""
import ctypes
import os
import subprocess
import sys

import qgistest as T

sys.path.insert(0, T.PLUGIN_DIR)
import abi  # noqa: E402  (the staged copy, imported as a plain module)

layout = subprocess.run([os.environ["FL_ABI_LAYOUT"]], capture_output=True, text=True)
T.check(layout.returncode == 0, "abi_layout runs: %s" % layout.stderr)
c_structs, c_fields, c_consts, c_abi = {}, {}, {}, None
for line in layout.stdout.splitlines():
    kind, *rest = line.split()
    if kind == "abi":
        c_abi = (int(rest[0]), int(rest[1]))
    elif kind == "struct":
        c_structs[rest[0]] = int(rest[1])
    elif kind == "field":
        c_fields[rest[0]] = (int(rest[1]), int(rest[2]))
    elif kind == "const":
        c_consts[rest[0]] = int(rest[1])

MIRROR = {"fl_param_desc": abi.ParamDesc, "fl_tool_desc": abi.ToolDesc,
          "fl_plugin_api": abi.PluginApi}
T.check(c_abi == (abi.ABI_MAJOR, abi.ABI_MINOR), "plugin.h ABI %s, mirror %d.%d"
        % (c_abi, abi.ABI_MAJOR, abi.ABI_MINOR))
for cname, cls in MIRROR.items():
    T.check(ctypes.sizeof(cls) == c_structs.get(cname),
            "sizeof(%s): C %s, ctypes %d" % (cname, c_structs.get(cname), ctypes.sizeof(cls)))
    c_names = [k.split(".", 1)[1] for k in c_fields if k.startswith(cname + ".")]
    py_names = [f[0] for f in cls._fields_]
    T.check(c_names == py_names, "%s fields: C %s, ctypes %s" % (cname, c_names, py_names))
    for field in py_names:
        desc = getattr(cls, field)
        want = c_fields.get("%s.%s" % (cname, field))
        T.check(want == (desc.offset, desc.size), "%s.%s offset/size: C %s, ctypes %s"
                % (cname, field, want, (desc.offset, desc.size)))
consts = {"FL_PARAM_LAYER": abi.PARAM_LAYER, "FL_PARAM_FIELD": abi.PARAM_FIELD,
          "FL_PARAM_NUMBER": abi.PARAM_NUMBER, "FL_PARAM_DISTANCES": abi.PARAM_DISTANCES,
          "FL_PARAM_ENUM": abi.PARAM_ENUM, "FL_PARAM_BOOL": abi.PARAM_BOOL,
          "FL_PARAM_STRING": abi.PARAM_STRING, "FL_PARAM_OUTPUT": abi.PARAM_OUTPUT,
          "FL_GEOM_POINT": abi.GEOM_POINT, "FL_GEOM_LINE": abi.GEOM_LINE,
          "FL_GEOM_POLYGON": abi.GEOM_POLYGON, "FL_GEOM_ANY": abi.GEOM_ANY,
          "FL_PARAM_OPTIONAL": abi.PARAM_OPTIONAL, "FL_PARAM_ADVANCED": abi.PARAM_ADVANCED}
for name, value in consts.items():
    T.check(c_consts.get(name) == value, "%s: C %s, abi.py %s" % (name, c_consts.get(name),
                                                                 value))

# check_layout() on made-up headers.
def header(major=abi.ABI_MAJOR, minor=abi.ABI_MINOR, api=None, tool=None, param=None):
    h = abi._Header()
    h.abi_major, h.abi_minor = major, minor
    h.struct_size = api if api is not None else ctypes.sizeof(abi.PluginApi)
    h.tool_desc_size = tool if tool is not None else ctypes.sizeof(abi.ToolDesc)
    h.param_desc_size = param if param is not None else ctypes.sizeof(abi.ParamDesc)
    return h


def refusal(h):
    try:
        abi.check_layout(h, "libx.so")
    except abi.AbiError as e:
        return str(e)
    return None


T.check(refusal(header()) is None, "the mirror's own layout is accepted")
msg = refusal(header(major=abi.ABI_MAJOR + 1, minor=0))
T.check(msg is not None and "ABI %d.0" % (abi.ABI_MAJOR + 1) in msg
        and "ABI %d.%d" % (abi.ABI_MAJOR, abi.ABI_MINOR) in msg,
        "another major is refused, naming both ABIs: %r" % msg)
msg = refusal(header(param=ctypes.sizeof(abi.ParamDesc) - 8))
T.check(msg is not None and "sizeof(fl_param_desc)" in msg, "a smaller fl_param_desc is "
        "refused: %r" % msg)
msg = refusal(header(api=ctypes.sizeof(abi.PluginApi) + 8))
T.check(msg is not None and "sizeof(fl_plugin_api)" in msg,
        "a different size at the same minor is refused: %r" % msg)
T.check(refusal(header(minor=abi.ABI_MINOR + 1, api=ctypes.sizeof(abi.PluginApi) + 8,
                       param=ctypes.sizeof(abi.ParamDesc) + 8)) is None,
        "a newer minor with appended fields is accepted")

# The real library's own size fields.
if "1" in (os.environ.get("FL_SANITIZE"), os.environ.get("FL_SANITIZE_BUILD")):
    print("SKIP part: the sanitizer-built library cannot be loaded into this Python")
else:
    lib = abi.load(os.path.join(T.PLUGIN_DIR, "lib", "libfrontline_plugin.so"))
    T.check((lib.abi_major, lib.abi_minor) == c_abi, "library ABI %d.%d"
            % (lib.abi_major, lib.abi_minor))
    T.check(lib.api.struct_size == ctypes.sizeof(abi.PluginApi),
            "api.struct_size %d == ctypes %d" % (lib.api.struct_size,
                                                 ctypes.sizeof(abi.PluginApi)))
    T.check(lib.api.tool_desc_size == ctypes.sizeof(abi.ToolDesc),
            "api.tool_desc_size %d == ctypes %d" % (lib.api.tool_desc_size,
                                                    ctypes.sizeof(abi.ToolDesc)))
    T.check(lib.api.param_desc_size == ctypes.sizeof(abi.ParamDesc),
            "api.param_desc_size %d == ctypes %d" % (lib.api.param_desc_size,
                                                     ctypes.sizeof(abi.ParamDesc)))
    T.check(len(lib.tools) == lib.api.tool_count() and len(lib.tools) >= 6,
            "%d tools read" % len(lib.tools))
    for t in lib.tools:
        for p in t.params:
            T.check(p.name and 1 <= p.type <= abi.PARAM_RASTER, "%s.%s has a name and a known type"
                    % (t.id, p.name))
            if p.type == abi.PARAM_ENUM:
                T.check(p.default in p.enum_values, "%s.%s default %r among %s"
                        % (t.id, p.name, p.default, p.enum_values))
            if p.type == abi.PARAM_FIELD:
                T.check(t.param(p.parent) is not None
                        and t.param(p.parent).type == abi.PARAM_LAYER,
                        "%s.%s parent %r is a layer parameter" % (t.id, p.name, p.parent))
T.finish()
