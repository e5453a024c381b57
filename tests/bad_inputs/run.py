#!/usr/bin/python3
"""tests/bad_inputs/run.py - the catalogue of bad inputs (issue 17).

Every line of cases.tsv is one hostile or unlucky input and what Frontline
must answer. Columns (tab-separated; '#' lines are comments):

  name    unique id
  face    cli | sql | qgis
  call    cli:  the arguments after `frontline` (shell words);
          sql:  one SQL statement (mod_spatialite and mod_frontline loaded);
          qgis: ALGORITHM --NAME=value ... for qgis_process
  expect  cli, qgis: the exit code; sql: "error" (the statement fails) or
          "ok" (it succeeds; the regex is matched against the first value)
  regex   Python regex that the message must match (re.search): stderr of
          the CLI (stdout too when expect is 0: warnings are there), the
          SQL error text, qgis_process's output

In a call, {S} is sample_data/, {B} a directory of bad fixtures written by
this script (FIXTURES below), {T} a fresh scratch directory per case, {F}
a directory on a full filesystem (a 200 KB tmpfs mounted here, holding
existing.gpkg; cases that use it are skipped when mounting is not permitted,
and after each of them no temporary file may be left there and
existing.gpkg must be unchanged).
Every CLI case with exit 1 must also print exactly one line on stderr, one
"frontline: error: " prefix, no "@{" token and no number of more than 12
digits (a sentinel printed as a measurement).

Usage: run.py --frontline BIN --mod MOD_FRONTLINE --sample DIR [--qgis PLUGINS_DIR]
       [--only FACE] [-k SUBSTRING]
"""
import argparse, json, math, os, re, shlex, shutil, sqlite3, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Under scripts/test.sh --sanitize, mod_frontline is built with ASan/UBSan:
# run again with their runtimes preloaded (as tests/sql/sqltest.py does).
if os.environ.get("FL_SANITIZE") == "1" and "FL_SQL_PRELOADED" not in os.environ:
    gcc = lambda lib: subprocess.check_output(["gcc", "-print-file-name=" + lib], text=True).strip()
    os.execve(sys.executable, [sys.executable] + sys.argv,
              dict(os.environ, FL_SQL_PRELOADED="1",
                   LD_PRELOAD=gcc("libasan.so") + ":" + gcc("libubsan.so"),
                   ASAN_OPTIONS="detect_leaks=0:exitcode=23",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"))

# ---- fixtures ---------------------------------------------------------------

def fc(features, **extra):
    d = {"type": "FeatureCollection", "features": features}
    d.update(extra)
    return d

def feat(geom, props=None, fid=None):
    f = {"type": "Feature", "properties": props if props is not None else {}, "geometry": geom}
    if fid is not None:
        f["id"] = fid
    return f

def line(*pts):
    return {"type": "LineString", "coordinates": [list(p) for p in pts]}

def poly(*pts):
    return {"type": "Polygon", "coordinates": [[list(p) for p in pts]]}

def square(x, y, d=0.1):
    return poly((x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y))

def point(x, y):
    return {"type": "Point", "coordinates": [x, y]}

GOOD_LINE = line((37.8, 48.3), (37.9, 48.4))
UTM = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}

JSON_FIXTURES = {
    "front_lat95.geojson": fc([feat(line((37.8, 48.3), (37.9, 95)))]),
    # a zig-zag of 2,000 vertices (5 km legs) over 1,400 km: buffered by
    # 1,000 km its work estimate (~3 million) passes the limit (core/buffer.c U12)
    "front_long.geojson": fc([feat(line(*[(30 + 0.005 * i, 40 + 0.005 * i + 0.05 * (i % 2))
                                          for i in range(2000)]))]),
    "front_lon200.geojson": fc([feat(line((200, 48.3), (37.9, 48.4)))]),
    "front_degrees_utm.geojson": fc([feat(GOOD_LINE)], crs=UTM),
    "control_degrees_utm.geojson": fc([feat(square(37.6, 48.2), {"side": "UA"}), feat(square(37.8, 48.2), {"side": "RU"})], crs=UTM),
    "front_utm_no_crs.geojson": fc([feat(line((411006, 5350340), (420000, 5360000)))]),
    "front_crs_name.geojson": fc([feat(line((411006, 5350340), (420000, 5360000)))],
                                 crs={"type": "name", "properties": {"name": "WGS 84 / UTM zone 37N"}}),
    "front_crs_number.geojson": fc([feat(GOOD_LINE)], crs={"type": "name", "properties": {"name": 4326}}),
    "front_crs_epsg_junk.geojson": fc([feat(GOOD_LINE)], crs={"type": "name", "properties": {"name": "EPSG:43x"}}),
    "front_crs_unknown_epsg.geojson": fc([feat(GOOD_LINE)], crs={"type": "name", "properties": {"name": "EPSG:999999"}}),
    "front_utm_crs_ok_but_degrees.geojson": fc([feat(line((37.8, 48.3), (37.9, 48.4)))], crs=UTM),
    "front_points.geojson": fc([feat(point(37.8, 48.3))]),
    "front_polygon.geojson": fc([feat(square(37.8, 48.3))]),
    "front_empty.geojson": fc([]),
    "front_null_geom.geojson": fc([feat(None)]),
    "front_one_vertex.geojson": fc([feat({"type": "LineString", "coordinates": [[37.8, 48.3]]})]),
    "front_coords_text.geojson": fc([feat({"type": "LineString", "coordinates": "37,48"})]),
    "front_coords_short.geojson": fc([feat({"type": "LineString", "coordinates": [[37.8], [37.9, 48.4]]})]),
    "front_bad_type.geojson": fc([feat({"type": "Curve", "coordinates": [[1, 2], [3, 4]]})]),
    "front_geom_no_type.geojson": fc([feat({"coordinates": [[1, 2], [3, 4]]})]),
    "front_props_array.geojson": fc([{"type": "Feature", "properties": [1, 2], "geometry": GOOD_LINE}]),
    "front_feature_no_type.geojson": {"type": "FeatureCollection", "features": [{"geometry": GOOD_LINE}]},
    "front_features_object.geojson": {"type": "FeatureCollection", "features": {"a": 1}},
    "front_top_array.geojson": [1, 2, 3],
    "front_top_no_type.geojson": {"features": []},
    "front_top_topology.geojson": {"type": "Topology", "objects": {}},
    "front_wrong_feature_type.geojson": fc([{"type": "Point", "coordinates": [1, 2]}]),
    "front_huge_coord.geojson": fc([feat(line((1e300, 48.3), (37.9, 48.4)))]),
    "control_case_sides.geojson": fc([feat(square(37.6, 48.2), {"side": "UA"}),
                                      feat(square(37.8, 48.2), {"side": "ua"})]),
    "control_no_side.geojson": fc([feat(square(37.6, 48.2), {"holder": "UA"}),
                                   feat(square(37.8, 48.2), {"holder": "RU"})]),
    "control_null_side.geojson": fc([feat(square(37.6, 48.2), {"side": None}),
                                     feat(square(37.8, 48.2), {"side": "RU"})]),
    "control_three_sides.geojson": fc([feat(square(37.6, 48.2), {"side": "A"}),
                                       feat(square(37.8, 48.2), {"side": "B"}),
                                       feat(square(38.0, 48.2), {"side": "C"})]),
    "control_all_contested.geojson": fc([feat(square(37.6, 48.2), {"side": "UA", "status": "contested"}),
                                         feat(square(37.8, 48.2), {"side": "RU", "status": "contested"})]),
    "control_lat95.geojson": fc([feat(poly((37.6, 48.2), (37.7, 48.2), (37.7, 95), (37.6, 48.2)), {"side": "UA"})]),
    "control_utm_no_crs.geojson": fc([feat(poly((411000, 5350000), (412000, 5350000), (412000, 5351000), (411000, 5350000)), {"side": "UA"})]),
    "control_lines.geojson": fc([feat(GOOD_LINE, {"side": "UA"})]),
    "control_one_side.geojson": fc([feat(square(37.6, 48.2), {"side": "UA"})]),
    "control_side_number.geojson": fc([feat(square(37.6, 48.2), {"side": 1}), feat(square(37.8, 48.2), {"side": 2})]),
    "routes_lat95.geojson": fc([feat(line((37.8, 48.3), (37.85, 95)), {"name": "r"})]),
    "routes_utm_no_crs.geojson": fc([feat(line((411006, 5350340), (420000, 5360000)), {"name": "r"})]),
    "routes_points.geojson": fc([feat(point(37.8, 48.3), {"name": "r"})]),
    "routes_empty.geojson": fc([]),
    "settlements_lat95.geojson": fc([feat(point(37.8, 95), {"name": "x"})]),
    "settlements_lon_lat_swapped_utm.geojson": fc([feat(point(5350340, 411006), {"name": "x"})]),
    "settlements_lines.geojson": fc([feat(GOOD_LINE, {"name": "x"})]),
    "settlements_no_name.geojson": fc([feat(point(37.8, 48.3), {"nom": "x"})]),
    "settlements_rowid.geojson": fc([feat(point(37.65, 48.25), {"name": "x", "ROWID": 7})]),
    "settlements_share.geojson": fc([feat(point(37.65, 48.25), {"name": "x", "share_UA": 1.0, "SHARE_ru": 0.0,
                                                              "status": "held", "dist_to_front_m": 5})]),
    "routes_clash.geojson": fc([feat(line((37.61, 48.21), (37.69, 48.29)),
                                     {"name": "r", "length_km": 9, "KM_0_5000": 1, "exposed_share": 2})]),
}

RAW_FIXTURES = {
    "not_json.geojson": b"this is not JSON\n",
    "truncated.geojson": b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, ',
    "empty.geojson": b"",
    "nan.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[NaN,48],[37,48]]}}]}',
    "infinity.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[Infinity,48],[37,48]]}}]}',
    "big_exponent.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1e999,48],[37,48]]}}]}',
    "deep.geojson": b"[" * 100000 + b"]" * 100000,
    "bad_utf8.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"na\xffme":"x"},"geometry":{"type":"LineString","coordinates":[[37.8,48.3],[37.9,48.4]]}}]}',
    "trailing_garbage.geojson": b'{"type":"FeatureCollection","features":[]} xyz',
    "nul_in_key.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"si\\u0000de":"UA"},"geometry":{"type":"LineString","coordinates":[[37.8,48.3],[37.9,48.4]]}}]}',
    "garbage.bin": bytes(range(256)) * 4,
    "garbage.gpkg": b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 100,
    "text.gpkg": b"just text, not a database\n",
    "notes.txt": b"hello\n",
    "dup_keys.geojson": b'{"type":"FeatureCollection","type":"Feature","features":[]}',
}

def make_gpkg(path, tables, geom_blobs=None, drop=()):
    """A small GeoPackage: tables = {name: (geom_type, srid, [(fid, blob, side)])}."""
    con = sqlite3.connect(path)
    con.executescript("""
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
        organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
      CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
        description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL,
        srs_id INTEGER);
      CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
        geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);""")
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('wgs84', 4326, 'EPSG', 4326, 'x', '')")
    for name, (gtype, srid, rows, geom_col) in tables.items():
        con.execute('CREATE TABLE "%s" (fid INTEGER PRIMARY KEY, %s, side TEXT)'
                    % (name, ("%s BLOB" % geom_col) if geom_col else "other TEXT"))
        con.execute("INSERT INTO gpkg_contents VALUES (?,'features',?,'','',0,0,0,0,?)", (name, name, srid))
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)", (name, geom_col or "geom", gtype, srid))
        for fid, blob, side in rows:
            con.execute('INSERT INTO "%s" VALUES (?,?,?)' % name, (fid, blob, side))
    for t in drop:
        con.execute("DROP TABLE %s" % t)
    con.commit()
    con.close()

def gpb_line(pts, srid=4326):
    import struct
    wkb = struct.pack("<BII", 1, 2, len(pts)) + b"".join(struct.pack("<dd", x, y) for x, y in pts)
    return b"GP" + bytes([0, 1]) + struct.pack("<i", srid) + wkb

# compare-claims (issue 12): claims that cannot be checked.
JSON_FIXTURES.update({
    "claims_lat95.geojson": fc([feat(point(37.8, 95), {"settlement": "x", "side": "RU", "date": "2024-10-01"})]),
    "claims_no_date.geojson": fc([feat(point(37.8, 48.4), {"settlement": "x", "side": "RU", "date": "soon"})]),
    "claims_twice_named.geojson": fc([feat(None, {"settlement": "Twin", "side": "RU", "date": "2024-10-01"})]),
    "claims_unknown_side.geojson": fc([feat(point(37.8, 48.4), {"settlement": "x", "side": "Russia", "date": "2024-10-01"})]),
    "settlements_twins.geojson": fc([feat(point(37.6, 48.3), {"name": "Twin"}), feat(point(37.9, 48.3), {"name": "Twin"})]),
})

def write_fixtures(d):
    for name, obj in JSON_FIXTURES.items():
        with open(os.path.join(d, name), "w") as f:
            json.dump(obj, f)
    for name, data in RAW_FIXTURES.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    good = gpb_line([(37.8, 48.3), (37.9, 48.4)])
    make_gpkg(os.path.join(d, "two_layers.gpkg"),
              {"a": ("LINESTRING", 4326, [(1, good, "UA")], "geom"),
               "b": ("LINESTRING", 4326, [(1, good, "RU")], "geom")})
    make_gpkg(os.path.join(d, "nan.gpkg"),
              {"front": ("LINESTRING", 4326, [(1, gpb_line([(float("nan"), 48.3), (37.9, 48.4)]), "UA")], "geom")})
    make_gpkg(os.path.join(d, "lat95.gpkg"),
              {"front": ("LINESTRING", 4326, [(1, gpb_line([(37.8, 48.3), (37.9, 95)]), "UA")], "geom")})
    make_gpkg(os.path.join(d, "text_geom.gpkg"),
              {"front": ("LINESTRING", 4326, [(1, "LINESTRING(1 2, 3 4)", "UA")], "geom")})
    make_gpkg(os.path.join(d, "junk_blob.gpkg"),
              {"front": ("LINESTRING", 4326, [(1, b"\x00\x01\x02junk", "UA")], "geom")})
    make_gpkg(os.path.join(d, "no_geom_col.gpkg"),
              {"front": ("LINESTRING", 4326, [(1, "x", "UA")], None)})
    make_gpkg(os.path.join(d, "no_contents.gpkg"),
              {"front": ("LINESTRING", 4326, [(1, good, "UA")], "geom")}, drop=("gpkg_contents",))
    make_gpkg(os.path.join(d, "srid_unknown.gpkg"),
              {"front": ("LINESTRING", 999999, [(1, gpb_line([(37.8, 48.3), (37.9, 48.4)], 999999), "UA")], "geom")})
    make_gpkg(os.path.join(d, "empty_layer.gpkg"), {"front": ("LINESTRING", 4326, [], "geom")})
    con = sqlite3.connect(os.path.join(d, "spl_no_table.sqlite"))
    con.execute("CREATE TABLE geometry_columns (f_table_name TEXT, f_geometry_column TEXT, geometry_type INTEGER, coord_dimension INTEGER, srid INTEGER, spatial_index_enabled INTEGER)")
    con.execute("INSERT INTO geometry_columns VALUES ('ghost','geom',2,2,4326,0)")
    con.commit(); con.close()
    os.mkdir(os.path.join(d, "a_directory.geojson"))
    shutil.copy(os.path.join(d, "two_layers.gpkg"), os.path.join(d, "in_out.gpkg"))
    os.symlink(os.path.join(d, "in_out.gpkg"), os.path.join(d, "link_to_in_out.gpkg"))

# ---- running ----------------------------------------------------------------

def subst(text, S, B, T, F=""):
    return text.replace("{S}", S).replace("{B}", B).replace("{T}", T).replace("{F}", F)

def mount_full(root, B):
    """A tiny tmpfs holding existing.gpkg, or None when it cannot be mounted."""
    d = os.path.join(root, "full")
    os.mkdir(d)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", d],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("note: cannot mount a small tmpfs (%s): disk-full cases skipped" % p.stderr.strip()[:100])
        return None
    shutil.copy(os.path.join(B, "two_layers.gpkg"), os.path.join(d, "existing.gpkg"))
    return d

def full_state(F):
    with open(os.path.join(F, "existing.gpkg"), "rb") as f:
        return sorted(os.listdir(F)), f.read()

BIG_NUMBER = re.compile(r"\d{13,}")

def env_words(words, env):
    """Leading NAME=VALUE words of a call are environment variables (as in a
    shell): FL_LIMITS=... for the plugin hosts."""
    env = dict(env)
    while words and re.match(r"^[A-Z][A-Z0-9_]*=", words[0]):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    return words, env

def check_cli(case, args, env):
    args, env = env_words(list(args), env)
    p = subprocess.run([ARGS.frontline] + args, capture_output=True, text=True, errors="replace",
                       env=env, timeout=600, stdin=subprocess.DEVNULL)
    want = int(case["expect"])
    text = p.stderr + (p.stdout if want == 0 else "")
    problems = []
    if p.returncode != want:
        problems.append("exit %d, expected %d" % (p.returncode, want))
    if not re.search(case["regex"], text):
        problems.append("message does not match /%s/" % case["regex"])
    if want == 1: # a failure is one sentence (usage errors, exit 2, may show help)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        if len(lines) != 1:
            problems.append("%d lines on stderr, expected one sentence" % len(lines))
        if p.stderr.count("frontline: error:") > 1 or "error: frontline:" in p.stderr:
            problems.append("doubled prefix")
    if "@{" in text:
        problems.append("a @{token} leaked")
    if BIG_NUMBER.search(text):
        problems.append("a number of more than 12 digits")
    return problems, text

def check_sql(case, sql, con):
    try:
        row = con.execute(sql).fetchone()
        got, failed = ("" if row is None else str(row[0])), False
    except sqlite3.Error as e:
        got, failed = str(e), True
    problems = []
    if case["expect"] == "error" and not failed:
        problems.append("no error (got %r)" % got[:80])
    if case["expect"] == "ok" and failed:
        problems.append("error: %s" % got)
    if not re.search(case["regex"], got):
        problems.append("message does not match /%s/" % case["regex"])
    if BIG_NUMBER.search(got):
        problems.append("a number of more than 12 digits")
    return problems, got

def check_qgis(case, args, env):
    words, env = env_words(shlex.split(args), env)
    cmd = ["qgis_process.bin", "run", "frontline:" + words[0]] + words[1:]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env, timeout=300)
    text = p.stdout + p.stderr
    problems = []
    if p.returncode != int(case["expect"]):
        problems.append("exit %d, expected %s" % (p.returncode, case["expect"]))
    if not re.search(case["regex"], text):
        problems.append("message does not match /%s/" % case["regex"])
    if "@{" in text:
        problems.append("a @{token} leaked")
    return problems, text

def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw.strip() or raw.startswith("#"):
                continue
            cols = raw.split("\t")
            if len(cols) != 5:
                sys.exit("cases.tsv:%d: %d columns, expected 5" % (n, len(cols)))
            cases.append(dict(zip(("name", "face", "call", "expect", "regex"), cols), line=n))
    names = [c["name"] for c in cases]
    dup = {x for x in names if names.count(x) > 1}
    if dup:
        sys.exit("cases.tsv: duplicate names %s" % sorted(dup))
    return cases

def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--frontline", required=True)
    ap.add_argument("--mod", required=True)
    ap.add_argument("--sample", required=True)
    ap.add_argument("--qgis", metavar="PLUGINS_DIR",
                    help="run the QGIS cases with qgis_process.bin and the staged plugin folder")
    ap.add_argument("--only")
    ap.add_argument("-k")
    ARGS = ap.parse_args()
    cases = load_cases(os.path.join(HERE, "cases.tsv"))
    counts = {}
    for c in cases:
        counts[c["face"]] = counts.get(c["face"], 0) + 1
    print("catalogue: %d cases (%s)" % (len(cases), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    root = tempfile.mkdtemp(prefix="fl_bad_")
    B = os.path.join(root, "bad")
    os.mkdir(B)
    write_fixtures(B)
    env = dict(os.environ, LC_ALL="C", FRONTLINE_PLUGIN="")
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension("mod_spatialite")
    con.load_extension(os.path.abspath(ARGS.mod))
    qenv = None
    if ARGS.qgis: # a hermetic profile with the plugin enabled (NOTES.md 4.2)
        profile = os.path.join(root, "qgis_profile")
        os.makedirs(os.path.join(profile, "profiles", "default", "QGIS"))
        with open(os.path.join(profile, "profiles", "default", "QGIS", "QGIS3.ini"), "w") as f:
            f.write("[PythonPlugins]\nfrontline=true\n")
        qenv = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=profile,
                    QGIS_PLUGINPATH=ARGS.qgis, PYTHONDONTWRITEBYTECODE="1", LC_ALL="C.UTF-8")
        qenv.pop("FRONTLINE_PLUGIN", None)
    failures = ran = skipped = 0
    F = None
    if any("{F}" in c["call"] for c in cases
           if (not ARGS.k or ARGS.k in c["name"]) and (not ARGS.only or c["face"] == ARGS.only)):
        F = mount_full(root, B)
    for c in cases:
        if ARGS.only and c["face"] != ARGS.only:
            continue
        if ARGS.k and ARGS.k not in c["name"]:
            continue
        if c["face"] == "qgis" and not ARGS.qgis:
            skipped += 1
            continue
        if "{F}" in c["call"] and not F:
            skipped += 1
            continue
        T = tempfile.mkdtemp(dir=root)
        call = subst(c["call"], ARGS.sample, B, T, F or "")
        before = full_state(F) if "{F}" in c["call"] else None
        if c["face"] == "cli":
            problems, text = check_cli(c, shlex.split(call), env)
            if before and full_state(F) != before:
                problems.append("the full filesystem changed: %s (existing.gpkg %s)" % (
                    full_state(F)[0], "intact" if full_state(F)[1] == before[1] else "changed"))
        elif c["face"] == "sql":
            problems, text = check_sql(c, call, con)
        elif c["face"] == "qgis":
            problems, text = check_qgis(c, call, qenv)
        else:
            problems, text = ["unknown face %r" % c["face"]], ""
        ran += 1
        if problems:
            failures += 1
            print("FAIL %s (cases.tsv:%d, %s): %s" % (c["name"], c["line"], c["face"], "; ".join(problems)))
            print("     call: %s" % call[:300])
            print("     said: %s" % text.strip()[:600].replace("\n", " | "))
    if F:
        subprocess.run(["umount", F])
    shutil.rmtree(root, ignore_errors=True)
    print("catalogue: %d run, %d failed, %d skipped (QGIS cases need --qgis)" % (ran, failures, skipped))
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
