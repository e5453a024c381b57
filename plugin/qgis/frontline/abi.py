"""abi.py - the ctypes mirror of include/frontline/plugin.h, and the only one.

Loads libfrontline_plugin.so, asks its one entry point (fl_plugin_query) for
the API table, checks that the table was built with the layout mirrored here
(ABI major, struct sizes), copies the tool and parameter descriptors into
plain Python objects, and runs a tool with a progress callback and a cancel
flag. Every string crosses as UTF-8; nothing is freed across the boundary.

Not here: anything QGIS (provider.py, algorithm.py). This module imports
only the standard library, so tests can load it without QGIS.

Keep the Structures below field for field equal to plugin.h. The ABI only
grows by appending fields; when it does, append them here too and raise
ABI_MINOR. tests/qgis/test_abi_mirror.py compares every offset and size with
what the C compiler computes.
"""
import ctypes
import os
import re
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int32, c_size_t,
                    c_uint32, c_void_p)

ABI_MAJOR = 1          # FL_PLUGIN_ABI_MAJOR this mirror speaks
ABI_MINOR = 2          # FL_PLUGIN_ABI_MINOR this mirror was written for
ENTRY = "fl_plugin_query"

# fl_param_type
PARAM_LAYER = 1
PARAM_FIELD = 2
PARAM_NUMBER = 3
PARAM_DISTANCES = 4
PARAM_ENUM = 5
PARAM_BOOL = 6
PARAM_STRING = 7
PARAM_OUTPUT = 8
PARAM_RASTER = 9       # ABI 1.1: raster file GDAL reads

# FL_GEOM_* bits of fl_param_desc.geometry
GEOM_POINT = 1
GEOM_LINE = 2
GEOM_POLYGON = 4
GEOM_ANY = 7

# fl_param_desc.flags
PARAM_OPTIONAL = 1
PARAM_ADVANCED = 2
PARAM_RASTER_OUT = 4   # ABI 1.1: an output that also takes .tif
PARAM_DOC_OUT = 8      # ABI 1.2: an output that is a document (.html, .png, .svg)

# fl_status (include/frontline/fl_ctx.h)
STATUS_TEXT = {
    0: "success", 1: "out of memory", 2: "invalid argument",
    3: "missing, unknown or mixed SRID", 4: "layer not found or unreadable",
    5: "field not found", 6: "invalid or empty geometry", 7: "geometry engine error",
    8: "coordinate transformation error", 9: "read or write failed", 10: "output exists",
    11: "cancelled",
}
OK = 0
E_CANCEL = 11


class ParamDesc(Structure):
    """fl_param_desc."""
    _fields_ = [
        ("name", c_char_p),
        ("title", c_char_p),
        ("help", c_char_p),
        ("type", c_int32),
        ("flags", c_uint32),
        ("unit", c_char_p),
        ("default_text", c_char_p),
        ("min_value", c_double),
        ("max_value", c_double),
        ("enum_values", POINTER(c_char_p)),
        ("parent", c_char_p),
        ("geometry", c_uint32),
        ("reserved", c_uint32),
    ]


class ToolDesc(Structure):
    """fl_tool_desc."""
    _fields_ = [
        ("id", c_char_p),
        ("title", c_char_p),
        ("group", c_char_p),
        ("help", c_char_p),
        ("params", c_void_p),        # const fl_param_desc *, walked by param_desc_size
        ("n_params", c_int32),
        ("reserved", c_int32),
    ]


# fl_plugin_progress_fn: int32_t (*)(double fraction, const char *message, void *user)
PROGRESS_FN = CFUNCTYPE(c_int32, c_double, c_char_p, c_void_p)
TOOL_COUNT_FN = CFUNCTYPE(c_int32)
TOOL_AT_FN = CFUNCTYPE(POINTER(ToolDesc), c_int32)
RUN_FN = CFUNCTYPE(c_int32, c_char_p, c_int32, POINTER(c_char_p), POINTER(c_char_p),
                   PROGRESS_FN, c_void_p, POINTER(c_int32), c_int32, c_char_p, c_size_t,
                   c_char_p, c_size_t)


class PluginApi(Structure):
    """fl_plugin_api (ABI 1.0 fields)."""
    _fields_ = [
        ("abi_major", c_uint32),
        ("abi_minor", c_uint32),
        ("struct_size", c_uint32),
        ("tool_desc_size", c_uint32),
        ("param_desc_size", c_uint32),
        ("reserved", c_uint32),
        ("library_version", c_char_p),
        ("tool_count", TOOL_COUNT_FN),
        ("tool_at", TOOL_AT_FN),
        ("run", RUN_FN),
    ]


class _Header(Structure):
    """The first fields of fl_plugin_api, which never move: read before the rest."""
    _fields_ = PluginApi._fields_[:6]


class AbiError(Exception):
    """The library cannot be loaded or does not match this mirror. str() is one sentence."""


def _text(raw):
    return raw.decode("utf-8", "replace") if raw is not None else None


class Param:
    """A copy of one fl_param_desc. default is None when the descriptor has none."""

    def __init__(self, d):
        self.name = _text(d.name)
        self.title = _text(d.title) or self.name
        self.help = _text(d.help) or ""
        self.type = int(d.type)
        self.flags = int(d.flags)
        self.unit = _text(d.unit) or ""
        self.default = _text(d.default_text)
        self.min_value = float(d.min_value)
        self.max_value = float(d.max_value)
        self.enum_values = []
        if d.enum_values:
            i = 0
            while d.enum_values[i] is not None:
                self.enum_values.append(_text(d.enum_values[i]))
                i += 1
        self.parent = _text(d.parent)
        self.geometry = int(d.geometry)

    @property
    def optional(self):
        return bool(self.flags & PARAM_OPTIONAL)

    @property
    def advanced(self):
        return bool(self.flags & PARAM_ADVANCED)

    def __repr__(self):
        return "Param(%r, type=%d)" % (self.name, self.type)


class Tool:
    """A copy of one fl_tool_desc with its parameters."""

    def __init__(self, d, params):
        self.id = _text(d.id)
        self.title = _text(d.title) or self.id
        self.group = _text(d.group) or "Frontline"
        self.help = _text(d.help) or ""
        self.params = params

    def param(self, name):
        for p in self.params:
            if p.name == name:
                return p
        return None

    def __repr__(self):
        return "Tool(%r)" % self.id


def check_layout(header, path):
    """Raise AbiError unless the table header says the library was built with a
    layout this mirror can read. header: a _Header or PluginApi."""
    mine = {"fl_plugin_api": ctypes.sizeof(PluginApi),
            "fl_tool_desc": ctypes.sizeof(ToolDesc),
            "fl_param_desc": ctypes.sizeof(ParamDesc)}
    theirs = {"fl_plugin_api": int(header.struct_size),
              "fl_tool_desc": int(header.tool_desc_size),
              "fl_param_desc": int(header.param_desc_size)}
    major, minor = int(header.abi_major), int(header.abi_minor)
    if major != ABI_MAJOR:
        raise AbiError("%s speaks Frontline plugin ABI %d.%d but this QGIS plugin speaks ABI "
                       "%d.%d; install the QGIS plugin and the library of the same Frontline "
                       "release" % (path, major, minor, ABI_MAJOR, ABI_MINOR))
    for name in ("fl_plugin_api", "fl_tool_desc", "fl_param_desc"):
        smaller = theirs[name] < mine[name]
        differs_same_minor = minor == ABI_MINOR and theirs[name] != mine[name]
        if smaller or differs_same_minor:
            raise AbiError("%s was built with sizeof(%s) = %d bytes but this QGIS plugin's "
                           "mirror of plugin.h (abi.py, ABI %d.%d) has %d; the library and the "
                           "plugin come from different Frontline builds, reinstall both from one "
                           "build" % (path, name, theirs[name], ABI_MAJOR, ABI_MINOR,
                                      mine[name]))


def _which_major(query):
    """The ABI major a library that refused ours answers to, or None."""
    for m in range(0, 64):
        if m != ABI_MAJOR and query(m):
            return m
    return None


class Library:
    """One loaded libfrontline_plugin.so: version, tools, run()."""

    def __init__(self, path):
        self.path = path
        if not os.path.isfile(path):
            raise AbiError("%s does not exist" % path)
        try:
            self._dll = ctypes.CDLL(path)
        except OSError as e:
            raise AbiError("cannot load %s: %s" % (path, e)) from None
        try:
            query = getattr(self._dll, ENTRY)
        except AttributeError:
            raise AbiError("%s is not a Frontline plugin library: it exports no %s"
                           % (path, ENTRY)) from None
        query.argtypes = [c_uint32]
        query.restype = c_void_p
        addr = query(ABI_MAJOR)
        if not addr:
            other = _which_major(query)
            if other is not None:
                raise AbiError("%s speaks Frontline plugin ABI %d but this QGIS plugin speaks "
                               "ABI %d; install the QGIS plugin and the library of the same "
                               "Frontline release" % (path, other, ABI_MAJOR))
            raise AbiError("%s refused plugin ABI %d (fl_plugin_query returned NULL)"
                           % (path, ABI_MAJOR))
        check_layout(_Header.from_address(addr), path)
        self.api = PluginApi.from_address(addr)
        self.abi_major = int(self.api.abi_major)
        self.abi_minor = int(self.api.abi_minor)
        self.version = _text(self.api.library_version) or "?"
        self.tools = self._read_tools()

    def _read_tools(self):
        stride = int(self.api.param_desc_size)
        tools = []
        n = self.api.tool_count()
        for i in range(n):
            ptr = self.api.tool_at(i)
            if not ptr:
                break
            d = ptr.contents
            params = []
            for k in range(max(0, int(d.n_params))):
                params.append(Param(ParamDesc.from_address(d.params + k * stride)))
            tools.append(Tool(d, params))
        return tools

    def tool(self, tool_id):
        for t in self.tools:
            if t.id == tool_id:
                return t
        return None

    def run(self, tool_id, args, progress=None, cancel=None, json=False,
            summary_len=1 << 16, errbuf_len=1024, spell=True):
        """Run a tool. args: list of (name, value-string) pairs. progress:
        callable(fraction, message or None) -> truthy to cancel, or None.
        cancel: a ctypes.c_int32 the caller may set to nonzero from another
        thread, or None. Returns (status, summary, error) with texts decoded
        and parameter tokens spelled for QGIS (spell=False: as the library
        wrote them, "@{name}")."""
        n = len(args)
        keys = (c_char_p * (n + 1))(*[k.encode("utf-8") for k, _ in args], None)
        values = (c_char_p * (n + 1))(*[str(v).encode("utf-8") for _, v in args], None)
        summary = ctypes.create_string_buffer(summary_len)
        errbuf = ctypes.create_string_buffer(errbuf_len)
        failure = []

        def on_progress(fraction, message, _user):
            try:
                return 1 if progress(float(fraction), _text(message)) else 0
            except BaseException as e:  # never unwind through C; cancel instead
                failure.append(e)
                return 1

        callback = PROGRESS_FN(on_progress) if progress else PROGRESS_FN()
        cancel_ptr = ctypes.pointer(cancel) if cancel is not None else None
        status = self.api.run(tool_id.encode("utf-8"), n, keys, values, callback, None,
                              cancel_ptr, 1 if json else 0, summary, summary_len, errbuf,
                              errbuf_len)
        del callback  # the reference lived across the call
        if failure:
            raise failure[0]
        tool = self.tool(tool_id)
        if not spell:
            return int(status), _text(summary.value) or "", _text(errbuf.value) or ""
        return (int(status), spell_params(_text(summary.value), tool),
                spell_params(_text(errbuf.value), tool))


PARAM_TOKEN = re.compile(r"@\{([a-z0-9_]+)\}")


def spell_params(text, tool):
    """The library names parameters in its messages as "@{name}"
    (plugin.h, "Messages"); QGIS shows them as the dialog does: 'Title' (name)."""
    params = {p.name: p for p in tool.params} if tool else {}

    def one(m):
        p = params.get(m.group(1))
        return "'%s' (%s)" % (p.title, p.name) if p and p.title else m.group(1)
    return PARAM_TOKEN.sub(one, text or "")


_loaded = {}


def load(path):
    """The Library at path, loaded once per process (ctypes cannot unload)."""
    path = os.path.realpath(path)
    if path not in _loaded:
        _loaded[path] = Library(path)
    return _loaded[path]
