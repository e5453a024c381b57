"""test_process_tool.py CASE - one Frontline tool run headless through
`qgis_process run frontline:<tool>` on sample_data/ with a GeoPackage output,
compared with what the `frontline` CLI writes for the same inputs: the same
layers, feature counts, every field value (numbers within 1e-6 relative) and
geometries. Also checks the JSON results (output path, the tool's summary)
and that a second run replaces the output, as QGIS algorithms do.

The cases use the same parameter names on both sides: the QGIS parameters
carry the ABI's names, so `--name=value` for qgis_process is `--name value`
for the CLI."""
import os
import sys

import qgistest as T

# case: (tool id, {parameter: value}); file names are relative to sample_data/.
CASES = {
    "bands": ("bands", {"front": "front.geojson", "mask": "mask.geojson"}),
    "bands_held_by": ("bands", {"front": "front.geojson", "control": "control.geojson",
                                "held_by": "UA", "side": "left",
                                "distances": "2000,8000,15000", "date": "2024-10-15"}),
    "frontline": ("frontline", {"control": "control.geojson", "snap_m": "800"}),
    "settlementstatus": ("settlement-status", {"settlements": "settlements.geojson",
                                               "control": "control.geojson",
                                               "front": "front.geojson"}),
    "settlementstatus_polygons": ("settlement-status", {
        "settlements": "settlements_polygons.geojson", "control": "control.geojson",
        "split_share": "0.6", "contested_dist_m": "1500"}),
    "routeexposure": ("route-exposure", {"routes": "routes.geojson",
                                         "front": "front.geojson"}),
    "nearestroute": ("nearest-route", {"settlements": "settlements.geojson",
                                       "routes": "routes.geojson", "classes": "road"}),
    "rangerings": ("range-rings", {"positions": "positions.geojson",
                                   "distances": "3000,9000", "bearing_start": "300",
                                   "bearing_end": "60"}),
    "analyze": ("analyze", {"settlements": "settlements.geojson",
                            "control": "control.geojson", "front": "front.geojson",
                            "routes": "routes.geojson", "mask": "mask.geojson"}),
    "change": ("change", {"control": "control.geojson"}),
    "compareclaims": ("compare-claims", {"control": "control.geojson",
                                         "settlements": "settlements.geojson",
                                         "claims": "claims.geojson", "reference": "source_ua",
                                         "rule": "majority:source_ru"}),
    "change_sectors": ("change", {"control": "control.geojson",
                                  "settlements": "settlements.geojson",
                                  "sectors": "mask.geojson"}),
    "highground": ("high-ground", {"dem": "dem_toretsk.tif", "min_prominence_m": "5",
                                   "control": "control.geojson", "held_by": "UA",
                                   "front": "front.geojson", "source": "source_ua",
                                   "date": "2024-10-15", "min_distance_m": "1000",
                                   "max_distance_m": "10000"}),
}

case = sys.argv[1] if len(sys.argv) > 1 else ""
if case not in CASES:
    print("usage: test_process_tool.py CASE; cases: %s" % ", ".join(sorted(CASES)))
    sys.exit(2)
T.require_qgis(python_module=False)
tool, params = CASES[case]
tmp = T.tmpdir("process_" + case)
env = T.qgis_env(os.path.join(tmp, "profile"))


def value(v):
    return T.sample(v) if v.endswith((".geojson", ".tif")) else v


cli_out = os.path.join(tmp, "cli.gpkg")
q_out = os.path.join(tmp, "qgis.gpkg")
cli_args = ["run", tool]
q_args = ["run", "frontline:" + tool.replace("-", "")]
for k, v in params.items():
    cli_args += ["--" + k, value(v)]
    q_args.append("--%s=%s" % (k, value(v)))
cli_args += ["--output", cli_out, "--overwrite"]
q_args.append("--output=%s" % q_out)

rc, out, err = T.cli(*cli_args)
T.check(rc == 0, "frontline %s exits 0 (got %d): %s" % (" ".join(cli_args), rc, err.strip()))
cli_summary = out.strip()

rc, js, stdout, stderr = T.qgis_process(env, *q_args)
T.check(rc == 0 and js is not None, "qgis_process %s exits 0 (got %d): %s"
        % (" ".join(q_args), rc, (stderr + stdout).strip()[-800:]))
results = (js or {}).get("results", {})
T.check(results.get("output") == q_out, "results.output is the output path: %r"
        % results.get("output"))
summary = (results.get("summary") or "").strip()
T.check(summary.replace(q_out, "OUT") == cli_summary.replace(cli_out, "OUT"),
        "the algorithm's summary equals the CLI's:\n--- qgis\n%s\n--- cli\n%s"
        % (summary[:600], cli_summary[:600]))
log = "\n".join((js or {}).get("log", {}).get("info", []))
first = cli_summary.splitlines()[0].replace(cli_out, q_out) if cli_summary else ""
T.check(first and first in log, "the summary is in the Processing log: %r" % first)

T.compare_outputs(cli_out, q_out, case)

# ABI 1.2: each layer of a multi-layer output is an output of its own.
if case == "compareclaims":
    for layer in ("disagreement", "settlement_agreement", "claims"):
        T.check(results.get("output_" + layer) == "%s|layername=%s" % (q_out, layer),
                "results.output_%s names the layer: %r" % (layer, results.get("output_" + layer)))

# Run again onto the existing file: QGIS replaces outputs without asking.
rc, js, stdout, stderr = T.qgis_process(env, *q_args)
T.check(rc == 0, "a second run onto the existing output succeeds (exit %d): %s"
        % (rc, stderr.strip()[-400:]))
T.finish()
