"""qgistest.py - what the QGIS tests share (imported, not run).

Each test is one script run by ctest with /usr/bin/python3 (the Python QGIS is
built for; the python3 first on PATH may be another one). CMake passes the
paths in the environment:
  FL_QGIS_PLUGINS  build/qgis/plugins (the staged plugin folder `frontline`)
  FL_CLI           build/bin/frontline
  FL_SAMPLE_DATA   sample_data/
  FL_QGIS_TMP      scratch directory for this suite (one subdirectory per test)
  FL_SANITIZE      1 when the library is built with sanitizers (tests skip)
Exit status: 0 passed, 1 a check failed, 77 skipped (ctest SKIP_RETURN_CODE).
"""
import json
import math
import os
import shutil
import subprocess
import sys

SKIP = 77
PLUGINS = os.environ.get("FL_QGIS_PLUGINS", "")
PLUGIN_DIR = os.path.join(PLUGINS, "frontline")
CLI = os.environ.get("FL_CLI", "")
SAMPLE = os.environ.get("FL_SAMPLE_DATA", "")
TMP_ROOT = os.environ.get("FL_QGIS_TMP", "/tmp/fl_qgis_tests")
QGIS_PROCESS = "qgis_process.bin"

_checks = 0
_fails = 0


def skip(why):
    print("SKIP: %s" % why)
    sys.exit(SKIP)


def require_qgis(python_module=True, process=True):
    """Skip with a sentence unless QGIS can host the plugin here."""
    if "1" in (os.environ.get("FL_SANITIZE"), os.environ.get("FL_SANITIZE_BUILD")):
        skip("the library is built with AddressSanitizer/UBSan (FL_SANITIZE=1); such a "
             "library cannot be loaded into QGIS, whose executable has no sanitizer runtime")
    if process and shutil.which(QGIS_PROCESS) is None:
        skip("qgis_process.bin not found on PATH: install QGIS 3.22 (Debian: apt-get install "
             "qgis qgis-providers python3-qgis) to run the QGIS tests")
    if python_module:
        try:
            import qgis.core  # noqa: F401
        except ImportError as e:
            skip("the qgis Python module is missing in %s (%s): install python3-qgis"
                 % (sys.executable, e))
    if not os.path.isfile(os.path.join(PLUGIN_DIR, "lib", "libfrontline_plugin.so")):
        check(False, "the staged plugin %s has lib/libfrontline_plugin.so (build the target "
                     "qgis_plugin)" % PLUGIN_DIR)
        finish()


def tmpdir(name):
    d = os.path.join(TMP_ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def sample(name):
    return os.path.join(SAMPLE, name)


def check(ok, what):
    global _checks, _fails
    _checks += 1
    if not ok:
        _fails += 1
        print("FAIL: %s" % what)
    return ok


def finish():
    print("%d checks, %d failed" % (_checks, _fails))
    sys.exit(1 if _fails else 0)


# ---- A hermetic QGIS profile ------------------------------------------------

def qgis_env(profile_root, plugin_path=PLUGINS, enable=True):
    """Environment for qgis_process with its own profile under profile_root
    (QGIS_CUSTOM_CONFIG_PATH), the plugin folder on QGIS_PLUGINPATH and the
    plugin enabled in that profile's QGIS3.ini (NOTES.md 4.2)."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QGIS_CUSTOM_CONFIG_PATH"] = profile_root
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["LC_ALL"] = "C.UTF-8"
    env.pop("FRONTLINE_PLUGIN", None)
    if plugin_path:
        env["QGIS_PLUGINPATH"] = plugin_path
    else:
        env.pop("QGIS_PLUGINPATH", None)
    ini_dir = os.path.join(profile_root, "profiles", "default", "QGIS")
    os.makedirs(ini_dir, exist_ok=True)
    if enable:
        with open(os.path.join(ini_dir, "QGIS3.ini"), "w") as f:
            f.write("[PythonPlugins]\nfrontline=true\n")
    return env


def qgis_process(env, *args, json_out=True, timeout=600):
    """Run qgis_process.bin [--json] ARGS. Returns (exit code, parsed JSON or
    None, stdout, stderr)."""
    cmd = [QGIS_PROCESS] + (["--json"] if json_out else []) + list(args)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    parsed = None
    if json_out and p.returncode == 0:
        start = p.stdout.find("{")
        try:
            parsed = json.loads(p.stdout[start:]) if start >= 0 else None
        except ValueError:
            parsed = None
    return p.returncode, parsed, p.stdout, p.stderr


def cli(*args, timeout=600):
    env = dict(os.environ)
    env.pop("FRONTLINE_PLUGIN", None)
    p = subprocess.run([CLI] + list(args), env=env, capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


# ---- Comparing outputs with OGR ------------------------------------------

REL_TOL = 1e-6


def _num_equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b)) or abs(a - b) <= 1e-9


def read_layers(path):
    """{layer name: (field names, [ (fid, {field: value}, geometry WKB or None) ])};
    a GeoPackage's layer_styles table is left out."""
    from osgeo import ogr
    ds = ogr.Open(path)
    if ds is None:
        return None
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        if lyr.GetName() == "layer_styles":  # the QGIS styles, not a result
            continue
        defn = lyr.GetLayerDefn()
        names = [defn.GetFieldDefn(k).GetName() for k in range(defn.GetFieldCount())]
        rows = []
        for f in lyr:
            values = {n: f.GetField(n) for n in names}
            g = f.GetGeometryRef()
            rows.append((f.GetFID(), values, g.ExportToIsoWkb() if g is not None else None))
        out[lyr.GetName()] = (names, rows)
    return out


def _geom_close(wkb_a, wkb_b):
    from osgeo import ogr
    if wkb_a is None or wkb_b is None:
        return wkb_a is None and wkb_b is None
    if wkb_a == wkb_b:
        return True
    a, b = ogr.CreateGeometryFromWkb(wkb_a), ogr.CreateGeometryFromWkb(wkb_b)
    if a.GetGeometryType() != b.GetGeometryType():
        return False
    if not (_num_equal(a.Area(), b.Area()) and _num_equal(a.Length(), b.Length())):
        return False
    ea, eb = a.GetEnvelope(), b.GetEnvelope()
    return all(abs(x - y) <= 1e-9 for x, y in zip(ea, eb))


def compare_outputs(expected_path, got_path, label):
    """Check that got_path holds the same layers, features, field values
    (numbers within 1e-6 relative) and geometries as expected_path."""
    exp, got = read_layers(expected_path), read_layers(got_path)
    if not check(exp is not None, "%s: the CLI output %s opens" % (label, expected_path)):
        return
    if not check(got is not None, "%s: the QGIS output %s opens" % (label, got_path)):
        return
    check(sorted(exp) == sorted(got), "%s: layers %s, expected %s" % (label, sorted(got),
                                                                        sorted(exp)))
    for name in sorted(set(exp) & set(got)):
        enames, erows = exp[name]
        gnames, grows = got[name]
        check(enames == gnames, "%s/%s: fields %s, expected %s" % (label, name, gnames, enames))
        if not check(len(erows) == len(grows), "%s/%s: %d features, expected %d"
                     % (label, name, len(grows), len(erows))):
            continue
        bad = 0
        for (efid, ev, eg), (gfid, gv, gg) in zip(erows, grows):
            for field in enames:
                a, b = ev.get(field), gv.get(field)
                same = (_num_equal(float(a), float(b))
                        if isinstance(a, (int, float)) and isinstance(b, (int, float))
                        else a == b)
                if not same and bad < 5:
                    check(False, "%s/%s fid %s: %s = %r, expected %r"
                          % (label, name, gfid, field, b, a))
                bad += not same
            if not _geom_close(eg, gg):
                if bad < 5:
                    check(False, "%s/%s fid %s: geometry differs" % (label, name, gfid))
                bad += 1
        check(bad == 0, "%s/%s: %d differences in %d features" % (label, name, bad, len(erows)))
        print("%s/%s: %d features, %d fields compared" % (label, name, len(erows), len(enames)))


# ---- Standalone PyQGIS with the real plugin entry points -------------------

def start_pyqgis(profile_root, library=None):
    """Start QGIS in this process (NOTES.md 4.4) and load the staged plugin
    through qgis.utils, as QGIS does. library: a value for FRONTLINE_PLUGIN,
    or None to use the library inside the plugin. Returns (QgsApplication,
    plugin object)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = profile_root
    if library is None:
        os.environ.pop("FRONTLINE_PLUGIN", None)
    else:
        os.environ["FRONTLINE_PLUGIN"] = library
    sys.dont_write_bytecode = True
    from qgis.core import QgsApplication
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    Processing.initialize()
    import qgis.utils
    qgis.utils.plugin_paths.insert(0, PLUGINS)
    if PLUGINS not in sys.path:
        sys.path.insert(0, PLUGINS)
    check(qgis.utils.loadPlugin("frontline"), "qgis.utils.loadPlugin('frontline')")
    check(qgis.utils.startProcessingPlugin("frontline"),
          "qgis.utils.startProcessingPlugin('frontline')")
    return app, qgis.utils.plugins.get("frontline")


def stop_pyqgis(app, namespace):
    """Drop the map layers a test script still holds (in namespace, its
    globals()), then stop QGIS. A layer destroyed after exitQgis() would crash
    the interpreter at exit, inside GDAL."""
    import gc
    from qgis.core import QgsMapLayer, QgsProject
    for name, value in list(namespace.items()):
        if isinstance(value, QgsMapLayer) or (
                isinstance(value, (dict, list, tuple)) and any(
                    isinstance(v, QgsMapLayer)
                    for v in (value.values() if isinstance(value, dict) else value))):
            del namespace[name]
    gc.collect()
    QgsProject.instance().clear()
    app.exitQgis()
