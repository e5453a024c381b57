"""test_real_layers.py - every tool that reads control, on every real control
layer of ../shared/real_data, in the three faces (issue 10, "Tests").

CLI: frontline, settlement-status, bands (the layer's own front, held_by RU),
route-exposure (held_by RU, on_side UA), analyze on each single-date layer
(DeepStateMap occupied, one-sided with the README's bounding box as aoi;
DeepStateMap with its grey zone and a side map; ISW); change on the monthly
series; compare-claims and analyze on ISW against DeepStateMap with a date
tolerance; nearest-route on the real places and both transport layers. Each
run exits 0, writes its layers, no non-finite number.

QGIS: the same runs through `qgis_process run frontline:<tool>` give the same
layers, features, fields and geometries as the CLI (qgistest.compare_outputs)
and the same summary, parameter names aside (--min-area-km2 in the CLI is
'Smallest hole or island' (min_area_km2) in QGIS), its warnings in the
Processing log. By default on one layer of
each kind; FL_REAL_QGIS_ALL=1 runs every layer (about 15 minutes).

SQL (mod_frontline, where it applies): FL_Distance from each place to the
CLI's front (its own side's edge in a grey zone) equals the CLI's
dist_to_front_m within max(1 m, 0.1 %), and FL_ControlStatus over the mapped
ground (RU, contested, UA = aoi less both) gives the CLI's holder.

Skipped (77) when the real data folder is absent. Run with /usr/bin/python3.
"""
import glob
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys

import qgistest as T

REAL = os.environ.get("FL_REAL_DATA", "")
SQL_MOD = os.environ.get("FL_SQL_MODULE", "")
if not REAL or not os.path.isdir(os.path.join(REAL, "control")):
    T.skip("real data folder '%s' is absent" % REAL)
C = os.path.join(REAL, "control")
PLACES = os.path.join(REAL, "settlements", "geonames_places_pop200_bbox.geojson")
ROADS = os.path.join(REAL, "transport", "osm_major_roads_within_towns_bbox.geojson")
RAIL = os.path.join(REAL, "transport", "osm_railways_within_towns_bbox.geojson")
TOWNS = os.path.join(REAL, "settlements", "osm_towns_cities_polygons_bbox.geojson")
GREY_MAP = "occupied,occupied_before_2022=RU;liberated=UA;unknown_grey_zone=contested"
BOX = (37.0, 47.9, 38.8, 48.9)
QGIS_ALL = os.environ.get("FL_REAL_QGIS_ALL") == "1"
tmp = T.tmpdir("real_layers")
AOI = os.path.join(tmp, "aoi.geojson")
with open(AOI, "w") as f:
    f.write('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            '"geometry":{"type":"Polygon","coordinates":[[[37.0,47.9],[38.8,47.9],[38.8,48.9],'
            '[37.0,48.9],[37.0,47.9]]]}}]}')


def control_opts(path):
    name = os.path.basename(path)
    if name.startswith("deepstate_raw_status"):
        m = {"side_field": "status", "side_map": GREY_MAP}
    elif name.startswith("isw"):
        m = {"side_field": "layer_type", "side_map": "ukraine_control_map=RU"}
    else:
        m = {"side_field": "status", "side_map": "occupied=RU"}
    m.update({"other_side": "UA", "aoi": AOI})
    return m


def runs_for(path):
    """(label, tool, params) of the tools that read this control layer."""
    key = os.path.basename(path)[:-len(".geojson")]
    o = control_opts(path)
    front = os.path.join(tmp, "cli_%s_frontline.gpkg" % key)
    out = [("%s_frontline" % key, "frontline", dict(o, control=path)),
           ("%s_status" % key, "settlement-status", dict(o, settlements=PLACES, control=path)),
           ("%s_bands" % key, "bands", dict(o, front=front, control=path, held_by="RU")),
           ("%s_routes" % key, "route-exposure", dict(o, routes=ROADS, control=path,
                                                      held_by="RU", on_side="UA")),
           ("%s_analyze" % key, "analyze", dict(o, settlements=PLACES, control=path,
                                               routes=ROADS))]
    if "monthly" in key:
        out.append(("%s_change" % key, "change", dict(o, control=path, settlements=PLACES)))
    return out


def two_sources(dsm, isw, name):
    """DeepStateMap and ISW in one layer `control` with a status column."""
    out = os.path.join(tmp, name)
    for i, (src, status) in enumerate(((dsm, "status"), (isw, "'occupied' AS status"))):
        layer = os.path.basename(src)[:-len(".geojson")]
        cmd = ["ogr2ogr", "-f", "GPKG", out, src, "-nln", "control",
               "-sql", "SELECT %s, source, date FROM %s" % (status, layer)]
        if i:
            cmd.insert(1, "-append")
        subprocess.run(cmd, check=True, capture_output=True)
    return out


def cli_args(tool, params, out):
    a = ["run", tool]
    for k, v in params.items():
        a += ["--" + k.replace("_", "-"), v]
    return a + ["--output", out, "--overwrite"]


def finite(path, label):
    """No NaN or infinite number in any field of any layer."""
    layers = T.read_layers(path) or {}
    bad = [(n, fid, k) for n, (_, rows) in layers.items() for fid, vals, _ in rows
           for k, v in vals.items() if isinstance(v, float) and not math.isfinite(v)]
    T.check(not bad, "%s: non-finite values %s" % (label, bad[:3]))
    return layers


# ---- CLI: every run ------------------------------------------------------

singles = sorted(glob.glob(os.path.join(C, "deepstate_occupied_2*.geojson")) +
                 glob.glob(os.path.join(C, "deepstate_raw_status_2*.geojson")) +
                 glob.glob(os.path.join(C, "isw_control_simplified_2*.geojson")))
monthly = os.path.join(C, "deepstate_occupied_monthly_202407_202608.geojson")
T.check(len(singles) == 20, "20 single-date control layers (9 + 6 + 5), found %d" % len(singles))
two = two_sources(os.path.join(C, "deepstate_occupied_20241107.geojson"),
                  os.path.join(C, "isw_control_simplified_20241103.geojson"), "two.gpkg")
tol = dict(control_opts("x.geojson"), date_tolerance_days="4")
RUNS = []
for path in singles + [monthly]:
    RUNS += runs_for(path)
RUNS += [("two_analyze", "analyze", dict(tol, settlements=PLACES, control=two, routes=ROADS)),
         ("two_status", "settlement-status", dict(tol, settlements=PLACES, control=two)),
         ("two_claims", "compare-claims", dict(tol, settlements=PLACES, control=two)),
         ("nearest_roads", "nearest-route", {"settlements": PLACES, "routes": ROADS}),
         ("nearest_rail", "nearest-route", {"settlements": TOWNS, "routes": RAIL})]
summaries = {}
for label, tool, params in RUNS:
    out = os.path.join(tmp, "cli_%s.gpkg" % label)
    rc, so, se = T.cli(*cli_args(tool, params, out))
    if T.check(rc == 0, "CLI %s: exit %d: %s" % (label, rc, se.strip()[-400:])):
        layers = finite(out, "CLI " + label)
        T.check(layers and all(rows for _, rows in layers.values()),
                "CLI %s: every layer has rows (%s)" % (label, {n: len(r) for n, (_, r) in layers.items()}))
        T.check("pieces" not in so, "CLI %s: no front in many pieces:\n%s" % (label, so))
    summaries[label] = so.strip()
    print("CLI %s: %s" % (label, (so.strip().splitlines() or ["-"])[0]))

# ---- SQL: distances and holders on the single-date layers ----------------


def sql_checks(path):
    key = os.path.basename(path)[:-len(".geojson")]
    st = os.path.join(tmp, "cli_%s_status.gpkg" % key)
    fr = os.path.join(tmp, "cli_%s_frontline.gpkg" % key)
    db = os.path.join(tmp, "sql_%s.gpkg" % key)
    if os.path.exists(db):
        os.remove(db)
    for i, (src, name) in enumerate(((path, "control"), (st, "status"), (fr, "front"), (AOI, "aoi"))):
        cmd = ["ogr2ogr", "-f", "GPKG", db, src, "-nln", name]
        if src == st:
            cmd += ["settlement_status"]
        elif src == fr:
            cmd += ["frontline"]
        if i:
            cmd.insert(1, "-update")
        subprocess.run(cmd, check=True, capture_output=True)
    con = sqlite3.connect(db)
    con.enable_load_extension(True)
    con.load_extension("mod_spatialite")
    con.load_extension(SQL_MOD[:-3] if SQL_MOD.endswith(".so") else SQL_MOD)
    con.execute("SELECT EnableGpkgAmphibiousMode()")
    o = control_opts(path)
    field = o["side_field"]
    ru = "('occupied','occupied_before_2022','ukraine_control_map')"
    # Distances: each place to its own side's edge (one line when one-sided).
    q = ("SELECT s.name, s.dist_to_front_m, "
         "(SELECT min(FL_Distance(s.geom, f.geom)) FROM front f "
         "  WHERE f.edge IS NULL OR f.edge = s.side) FROM status s WHERE s.side IS NOT NULL")
    worst, n = 0.0, 0
    for name, d, sd in con.execute(q):
        n += 1
        ok = d is not None and sd is not None and abs(d - sd) <= max(1.0, 0.001 * sd)
        if not T.check(ok, "SQL %s: %s: FL_Distance %r, CLI %r" % (key, name, sd, d)):
            continue
        worst = max(worst, abs(d - sd))
    # Holders: FL_ControlStatus over RU, contested and UA (aoi less both).
    con.execute("CREATE TEMP TABLE ground AS "
                "SELECT 'RU' AS side, ST_Union(CastAutomagic(geom)) AS g FROM control WHERE %s IN %s "
                "UNION ALL SELECT 'contested', ST_Union(CastAutomagic(geom)) FROM control "
                "  WHERE %s = 'unknown_grey_zone'" % (field, ru, field))
    con.execute("INSERT INTO temp.ground SELECT 'UA', ST_Difference(CastAutomagic(a.geom), "
                "(SELECT ST_Union(CastAutomagic(geom)) FROM control WHERE %s IN %s "
                "OR %s = 'unknown_grey_zone')) FROM aoi a" % (field, ru, field))
    q = ("SELECT s.name, s.side, s.status, FL_ControlStatus(s.geom, g.g, g.side) FROM status s, "
         "temp.ground g WHERE g.g IS NOT NULL GROUP BY s.fid")
    diff = 0
    for name, side, status, sql_side in con.execute(q):
        want = "contested" if status == "contested" else side
        if sql_side != want:
            diff += 1
            T.check(False, "SQL %s: %s: FL_ControlStatus %r, CLI %r/%r" % (key, name, sql_side, side, status))
    T.check(n > 200, "SQL %s: %d places compared" % (key, n))
    con.close()
    print("SQL %s: %d distances, worst |FL_Distance - CLI| %.4f m; %d holders differ" % (key, n, worst, diff))


SANITIZED = "1" in (os.environ.get("FL_SANITIZE"), os.environ.get("FL_SANITIZE_BUILD"))
if SQL_MOD and os.path.isfile(SQL_MOD) and not SANITIZED:
    for path in singles:
        sql_checks(path)
else:
    # a sanitized module cannot be loaded into this Python (the ASan runtime
    # must come first); the SQL tests run it under the sqlite3 shell instead
    print("SQL part skipped: FL_SQL_MODULE '%s' not found, or a sanitizer build" % SQL_MOD)

# ---- QGIS: the same runs through qgis_process ----------------------------

FLAG = re.compile(r"--([a-z][a-z0-9-]*)")
QNAME = re.compile(r"'[^']*' \(([a-z0-9_]+)\)")


def unspelled(text, out):
    text = text.replace(out, "OUT")
    text = QNAME.sub(lambda m: "@" + m.group(1), text)
    return FLAG.sub(lambda m: "@" + m.group(1).replace("-", "_"), text)


if shutil.which(T.QGIS_PROCESS) is None or SANITIZED:
    print("QGIS part skipped: no qgis_process.bin, or a sanitizer build")
    T.finish()
env = T.qgis_env(os.path.join(tmp, "profile"))
KINDS = ("deepstate_occupied_20250308", "deepstate_raw_status_20250307",
         "isw_control_simplified_20241103", "deepstate_occupied_monthly", "two_", "nearest_")
for label, tool, params in RUNS:
    if not QGIS_ALL and not label.startswith(KINDS):
        continue
    cli_out = os.path.join(tmp, "cli_%s.gpkg" % label)
    q_out = os.path.join(tmp, "qgis_%s.gpkg" % label)
    args = ["run", "frontline:" + tool.replace("-", "")] + \
        ["--%s=%s" % (k, v) for k, v in params.items()] + ["--output=%s" % q_out]
    rc, js, so, se = T.qgis_process(env, *args)
    if not T.check(rc == 0 and js is not None, "QGIS %s: exit %d: %s" % (label, rc, (se + so)[-600:])):
        continue
    summary = ((js.get("results") or {}).get("summary") or "").strip()
    q_sum, c_sum = unspelled(summary, q_out), unspelled(summaries[label], cli_out)
    cut = re.search(r"\[\.\.\. \d+ more bytes of the summary left out[^\n]*\]\n", q_sum + "\n")
    if cut:  # QGIS's 64 kB buffer: the head of the CLI's report, then all its warnings
        head, tail = q_sum[:cut.start()], q_sum[cut.end():]
        T.check(c_sum.startswith(head) and c_sum.endswith(tail) and "Warning:" in c_sum[-len(tail) - 1:]
                if tail else c_sum.startswith(head),
                "QGIS %s: the cut summary is not the CLI's head and warnings" % label)
        q_sum = c_sum
    T.check(q_sum == c_sum,
            "QGIS %s: summary differs from the CLI's:\n--- qgis\n%s\n--- cli\n%s"
            % (label, summary[:800], summaries[label][:800]))
    T.check("--" not in summary, "QGIS %s: a CLI flag in the summary: %s" % (label, summary[:400]))
    log = (js.get("log") or {}).get("info", [])
    missing = [w for w in summary.splitlines() if w.startswith("Warning:") and w not in log]
    T.check(not missing, "QGIS %s: warnings not in the Processing log: %s" % (label, missing[:2]))
    T.compare_outputs(cli_out, q_out, "QGIS " + label)
    print("QGIS %s: same as the CLI" % label)
T.finish()
