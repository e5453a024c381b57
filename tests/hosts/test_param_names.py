#!/usr/bin/python3
"""tests/hosts/test_param_names.py - every message names parameters that exist
in the host that prints it.

The library names a tool parameter in a message as a token, "@{name}"
(docs/plugin-abi.md, "Messages name parameters as tokens"); each host spells it:
the CLI as --name-with-dashes, QGIS as 'Title' (name), SQL as the bare name.
This test provokes the error paths of every tool systematically, from the
parameter tables themselves (so a new parameter is covered with no edit here):

  - each required parameter left out; an unknown and a duplicated parameter;
  - each parameter given a bad value for its type: a layer that does not exist,
    a layer of the wrong geometry, each file of sample_data/invalid/, a field
    that does not exist, numbers that are not numbers, out of range or
    negative, distances out of order, an unknown enum value, a side or class
    that no feature holds; an output that exists, or in a missing directory.

For each case it checks, in the ABI (what every host receives, unspelled): the
status is non-zero or the run succeeded, and every token in the error and in
the summary's warnings names a parameter of that tool. In the CLI (the same
case as flags): every --flag in stdout and stderr is an option that
`frontline help TOOL` lists (or a host option, or the user's own option
quoted back), and no token is left unspelled.
In QGIS's spelling (plugin/qgis/frontline/abi.py, the code the provider
uses): no token is left, no CLI flag appears. Finally a static rule: no string
in core/ or plugin/abi/ names a CLI flag ("--name"); the faces spell.

Tools whose error paths lie behind optional inputs get them in their baseline
(EXTRA_BASE: compare-claims runs with settlements, claims and a reference, so
that its rule, reference and claims fields reach core), and a few values of
their own (EXTRA_BAD).

Run: /usr/bin/python3 test_param_names.py PLUGIN_LIB CLI SAMPLE_DATA SOURCE_DIR
(FL_PARAM_NAMES_TOOLS=id,id: only those tools, for a quick run.)
Exit 0 passed, 1 failed.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

PLUGIN, CLI, SAMPLE, SOURCE = sys.argv[1:5]
sys.path.insert(0, os.path.join(SOURCE, "plugin", "qgis", "frontline"))
import abi  # noqa: E402  (the QGIS provider's own ctypes mirror and spelling)

TOKEN = re.compile(r"@\{([a-z0-9_]+)\}")
FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
HOST_OPTIONS = {"quiet", "json", "help", "limit"}
FAILS = []
TMP = tempfile.mkdtemp(prefix="fl_param_names_")

LAYERS = {  # sample layers by geometry bit
    abi.GEOM_POINT: os.path.join(SAMPLE, "settlements.geojson"),
    abi.GEOM_LINE: os.path.join(SAMPLE, "front.geojson"),
    abi.GEOM_POLYGON: os.path.join(SAMPLE, "control.geojson"),
}
INVALID = sorted(os.path.join(SAMPLE, "invalid", f) for f in os.listdir(os.path.join(SAMPLE, "invalid")))
ROUTES = os.path.join(SAMPLE, "routes.geojson")
CLAIMS = os.path.join(SAMPLE, "claims.geojson")
# Optional inputs that open a tool's further error paths, in its baseline.
EXTRA_BASE = {
    "compare-claims": [("settlements", LAYERS[abi.GEOM_POINT]), ("claims", CLAIMS),
                       ("reference", "source_ua")],
}
# Values of a parameter that reach rules of its own, besides its type's.
EXTRA_BAD = {
    ("compare-claims", "rule"): ["vote", "majority:source_ua,source_ru", "priority:nobody",
                                 "priority:"],
    ("compare-claims", "reference"): ["", "source_ua,source_ru"],
    ("compare-claims", "claims"): [LAYERS[abi.GEOM_POINT]],  # no side field
}


def fail(msg):
    FAILS.append(msg)
    print("FAIL:", msg)


def good_layer(p):
    if p.name == "routes":
        return ROUTES
    if p.name == "claims":
        return CLAIMS
    if p.name == "observers":  # on the sample DEM (settlements reach beyond it)
        return os.path.join(SAMPLE, "positions.geojson")
    for bit in (abi.GEOM_POLYGON, abi.GEOM_LINE, abi.GEOM_POINT):
        if p.geometry & bit:
            return LAYERS[bit]
    return LAYERS[abi.GEOM_POINT]


def wrong_layer(p):
    for bit in (abi.GEOM_POINT, abi.GEOM_LINE, abi.GEOM_POLYGON):
        if not p.geometry & bit:
            return LAYERS[bit]
    return None


def base_args(tool, out):
    """The required parameters (and the front, which route exposure needs
    unless given control and a side), with valid values, and the output."""
    args = []
    for p in tool.params:
        if p.type == abi.PARAM_OUTPUT and p.flags & abi.PARAM_DOC_OUT:
            continue  # optional documents (report, map)
        if p.type == abi.PARAM_OUTPUT:
            args.append((p.name, out))
        elif p.type == abi.PARAM_LAYER and (not p.optional or p.name == "front"):
            args.append((p.name, good_layer(p)))
        elif p.type == abi.PARAM_RASTER and not p.optional:
            args.append((p.name, os.path.join(SAMPLE, "dem_toretsk.tif")))
    return args + EXTRA_BASE.get(tool.id, [])


def bad_values(p, existing_out):
    """Bad values for one parameter, by its type."""
    t = p.type
    if t == abi.PARAM_LAYER:
        vals = ["/nonexistent/x.geojson", os.path.join(TMP, "none.gpkg:nolayer")] + INVALID
        if wrong_layer(p):
            vals.append(wrong_layer(p))
        return vals
    if t == abi.PARAM_RASTER:
        return ["/nonexistent/x.tif", os.path.join(SAMPLE, "front.geojson")] + INVALID[:1]
    if t == abi.PARAM_FIELD:
        return ["no_such_field"]
    if t == abi.PARAM_NUMBER:
        vals = ["abc", "-1", "1e400", "nan", ""]
        if p.max_value < 1e300:
            vals.append(repr(p.max_value + 1))
        return vals
    if t == abi.PARAM_DISTANCES:
        return ["10000,5000", "abc", "0", "-5", "5000,,10000"]
    if t == abi.PARAM_ENUM:
        return ["bogus"]
    if t == abi.PARAM_BOOL:
        return ["maybe"]
    if t == abi.PARAM_STRING:
        if p.name in ("from", "to"):  # change: dates (a month 13, a date after the other)
            return ["NOSUCH", "2024-13-45", "1900-01-01" if p.name == "to" else "2999-01-01"]
        return ["NOSUCH", ",,"]
    if t == abi.PARAM_OUTPUT and p.flags & abi.PARAM_DOC_OUT:
        existing_doc = existing_out[:-len(".gpkg")] + ".html"
        with open(existing_doc, "wb") as f:
            f.write(b"an existing report, must never be replaced")
        return [existing_doc, "/nonexistent/dir/r.html", os.path.join(TMP, "o.txt"),
                os.path.join(TMP, "o.gpkg")]
    if t == abi.PARAM_OUTPUT:
        return [existing_out, "/nonexistent/dir/o.gpkg", os.path.join(TMP, "o.txt")]
    return []


def cases(tool):
    """(label, args) pairs that exercise the tool's error paths."""
    existing = os.path.join(TMP, "exists_%s.gpkg" % tool.id)
    with open(existing, "wb") as f:
        f.write(b"not a geopackage, must never be replaced")
    out = os.path.join(TMP, "%s.gpkg" % tool.id)
    base = base_args(tool, out)
    found = [("baseline", base)]
    for i, (k, _) in enumerate(base):
        found.append(("without %s" % k, base[:i] + base[i + 1:]))
    found.append(("unknown parameter", base + [("snapm", "1")]))
    found.append(("duplicate", base + [base[0]]))
    for p in tool.params:
        for v in bad_values(p, existing) + EXTRA_BAD.get((tool.id, p.name), []):
            args = [(k, x) for k, x in base if k != p.name] + [(p.name, v)]
            if p.type == abi.PARAM_FIELD and p.parent and p.parent not in dict(base):
                parent = tool.param(p.parent)
                args.append((p.parent, good_layer(parent)))
            found.append(("%s=%r" % (p.name, v), args))
    found += view_cases(tool, base, existing)
    fresh = []
    for n, (label, args) in enumerate(found):  # each case its own output file
        own = os.path.join(TMP, "%s_%d.gpkg" % (tool.id, n))
        fresh.append((label, [(k, own if v == out else v) for k, v in args]))
    return fresh, existing


def view_cases(tool, base, existing):
    """A tool whose DEM is optional (route-exposure): the baseline with the
    DEM and its observers, then bad values of the parameters declared from the
    DEM on (observers, heights, range, refraction), so that the errors behind
    the viewshed are reached too."""
    names = [p.name for p in tool.params]
    raster = [p for p in tool.params if p.type == abi.PARAM_RASTER and p.optional]
    if not raster or "observers" not in names:
        return []
    first = names.index(raster[0].name)
    with_dem = base + [(raster[0].name, os.path.join(SAMPLE, "dem_toretsk.tif")),
                       ("observers", os.path.join(SAMPLE, "positions.geojson")),
                       ("max_range_m", "3000")]  # a small viewshed: many cases
    found = [("with %s" % raster[0].name, with_dem)]
    for p in tool.params[first + 1:]:
        if p.type == abi.PARAM_OUTPUT:
            break
        for v in bad_values(p, existing):
            found.append(("with %s, %s=%r" % (raster[0].name, p.name, v),
                          [(k, x) for k, x in with_dem if k != p.name] + [(p.name, v)]))
    return found


def check_abi(lib, tool, label, args):
    status, summary, error = lib.run(tool.id, args, spell=False)
    for where, text in (("error", error), ("summary", summary)):
        for name in TOKEN.findall(text or ""):
            if tool.param(name) is None:
                fail("%s %s: %s names @{%s}, which is no parameter of %s: %s"
                     % (tool.id, label, where, name, tool.id, text))
        for name in re.findall(r"parameter '([a-z0-9_]+)'", text or ""):
            if tool.param(name) is not None:
                fail("%s %s: %s names parameter '%s' as text, not as @{%s}: %s"
                     % (tool.id, label, where, name, name, text))
    for where, text in (("error", error), ("summary", summary)):
        spelled = abi.spell_params(text, tool)
        if "@{" in spelled or FLAG.search(spelled):
            fail("%s %s: QGIS spelling leaves a token or a CLI flag in the %s: %s"
                 % (tool.id, label, where, spelled))
    return status


def cli_flags(tool_id):
    text = subprocess.run([CLI, "help", tool_id], capture_output=True, text=True).stdout
    return set(FLAG.findall(text)) | HOST_OPTIONS


def check_cli(tool, flags, label, args):
    argv = [CLI, "run", tool.id, "--quiet"]
    for k, v in args:
        argv += ["--" + k.replace("_", "-"), v]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    text = r.stdout + r.stderr
    if "@{" in text:
        fail("%s %s: the CLI printed an unspelled token: %s" % (tool.id, label, text.strip()))
    given = {a[2:] for a in argv if a.startswith("--")}
    for flag in FLAG.findall(text):
        if flag not in flags and flag not in given:  # echoing the user's own option is fine
            fail("%s %s: the CLI names --%s, which `frontline help %s` does not list: %s"
                 % (tool.id, label, flag, tool.id, text.strip()))
    return r.returncode, text


def static_rule():
    """No message in core/ or plugin/abi/ names a CLI flag."""
    literal = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
    n = 0
    for top in ("core", os.path.join("plugin", "abi")):
        for root, _, files in os.walk(os.path.join(SOURCE, top)):
            for name in files:
                if not name.endswith(".c"):
                    continue
                path = os.path.join(root, name)
                code = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
                for s in literal.findall(code):
                    n += 1
                    if FLAG.search(s):
                        fail("%s: a string names a CLI flag: \"%s\"" % (os.path.relpath(path, SOURCE), s))
    if n < 100:
        fail("static rule: read only %d strings; the source tree was not found" % n)


def main():
    static_rule()
    lib = abi.Library(PLUGIN)
    total = failed_runs = 0
    pool = concurrent.futures.ThreadPoolExecutor(2)
    only = [t for t in os.environ.get("FL_PARAM_NAMES_TOOLS", "").split(",") if t]
    for tool in lib.tools:
        if only and tool.id not in only:
            continue
        flags = cli_flags(tool.id)
        if len(flags) <= len(HOST_OPTIONS):
            fail("frontline help %s lists no options" % tool.id)
        work = []
        found, existing = cases(tool)
        for label, args in found:
            status = check_abi(lib, tool, label, args)
            total += 1
            failed_runs += status != 0
            if label == "baseline" and status != 0:
                fail("%s: the baseline run failed (status %d); the cases test nothing" % (tool.id, status))
            work.append(pool.submit(check_cli, tool, flags, label, args))
        for fut in work:
            fut.result()
        with open(existing, "rb") as f:
            if f.read() != b"not a geopackage, must never be replaced":
                fail("%s: an existing output was replaced without overwrite" % tool.id)
    if failed_runs < total // 2:
        fail("only %d of %d cases failed: the bad values did not reach the error paths" % (failed_runs, total))
    print("%d cases in %d tools, %d error paths; ABI, CLI and QGIS spelling checked"
          % (total, len(lib.tools), failed_runs))
    print("FAILED: %d" % len(FAILS) if FAILS else "PASSED")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
