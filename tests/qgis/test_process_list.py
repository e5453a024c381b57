"""test_process_list.py - `qgis_process list` (headless, hermetic profile)
shows one frontline:* algorithm per tool the library describes, and their
parameters have the types, parents and defaults the descriptors give.
The expected tool list comes from the `frontline list` CLI, not from the
plugin's Python."""
import os

import qgistest as T

T.require_qgis(python_module=False)
tmp = T.tmpdir("process_list")
env = T.qgis_env(os.path.join(tmp, "profile"))

rc, out, err = T.cli("list")
T.check(rc == 0, "frontline list exits 0 (got %d: %s)" % (rc, err.strip()))
tool_ids = [line.split()[0] for line in out.splitlines() if line.strip()]
T.check(len(tool_ids) >= 6, "frontline list gives at least 6 tools: %s" % tool_ids)
expected = {"frontline:" + t.replace("-", "") for t in tool_ids}

rc, js, stdout, stderr = T.qgis_process(env, "list")
T.check(rc == 0 and js is not None, "qgis_process --json list runs (exit %d): %s"
        % (rc, stderr.strip()[-400:]))
prov = (js or {}).get("providers", {}).get("frontline")
if T.check(prov is not None, "provider 'frontline' is listed"):
    algs = set(prov.get("algorithms", {}))
    T.check(algs == expected, "frontline algorithms %s, expected %s" % (sorted(algs),
                                                                       sorted(expected)))
    T.check(prov.get("name") == "Frontline", "provider name %r" % prov.get("name"))
    for alg_id, alg in sorted(prov.get("algorithms", {}).items()):
        T.check(bool(alg.get("name")) and bool(alg.get("group")),
                "%s has a display name and a group (%r, %r)" % (alg_id, alg.get("name"),
                                                                alg.get("group")))

rc, js, _, stderr = T.qgis_process(env, "plugins")
T.check(rc == 0 and js and js.get("plugins", {}).get("frontline", {}).get("loaded"),
        "qgis_process plugins shows frontline loaded")

# Parameters as QGIS sees them (qgis_process --json help).
rc, js, _, stderr = T.qgis_process(env, "help", "frontline:settlementstatus")
params = (js or {}).get("parameters", {})
T.check(rc == 0 and params, "help frontline:settlementstatus (exit %d) %s" % (rc, stderr[-300:]))


def raw(name):
    return params.get(name, {}).get("raw_definition", {})


def ptype(name):
    return raw(name).get("parameter_type")


T.check(ptype("settlements") == "source", "settlements is a feature source: %r"
        % ptype("settlements"))
T.check(sorted(raw("settlements").get("data_types", [])) == [0, 2],
        "settlements accepts points (0) and polygons (2): %r" % raw("settlements").get(
            "data_types"))
T.check(raw("control").get("data_types") == [2], "control accepts polygons only: %r"
        % raw("control").get("data_types"))
T.check(raw("front").get("data_types") == [1], "front accepts lines only")
T.check(not (raw("settlements").get("flags", 0) & 8) and (raw("front").get("flags", 0) & 8),
        "settlements mandatory, front optional")
T.check(ptype("side_field") == "field" and raw("side_field").get("parent_layer") == "control",
        "side_field is a field of control: %r" % raw("side_field"))
T.check(raw("side_field").get("default") == "side", "side_field defaults to 'side'")
T.check(ptype("distances") == "string"
        and raw("distances").get("default") == "5000,10000,20000,40000",
        "distances is a string with the default list: %r" % raw("distances"))
T.check(ptype("split_share") == "number" and raw("split_share").get("min") == 0.5
        and raw("split_share").get("max") == 1, "split_share is a number in [0.5, 1]")
T.check(ptype("contested_dist_m") == "distance", "contested_dist_m is a distance (metres)")
T.check(raw("source").get("flags", 0) & 2, "source filter is an advanced parameter")
T.check(ptype("output") == "vectorDestination", "output is a vector destination")
T.check("overwrite" not in params, "overwrite is left to QGIS (no parameter)")

rc, js, _, _ = T.qgis_process(env, "help", "frontline:bands")
side = (js or {}).get("parameters", {}).get("side", {})
T.check(side.get("raw_definition", {}).get("parameter_type") == "enum"
        and side.get("raw_definition", {}).get("options") == ["both", "left", "right"],
        "bands side is an enum both/left/right: %r" % side)
rc, js, _, _ = T.qgis_process(env, "help", "frontline:analyze")
T.check((js or {}).get("parameters", {}).get("output", {}).get("raw_definition", {})
        .get("parameter_type") == "vectorDestination",
        "analyze's GeoPackage is a vector destination too (QGIS offers to open it)")
T.finish()
