"""tests/qgis/test_process_low_memory.py - out of memory in the plugin ABI's
Python host is a sentence, never an abort (issue 17).

QGIS loads libfrontline_plugin.so with ctypes through the provider's own
mirror of the ABI (plugin/qgis/frontline/abi.py). Measured here (bands of a
200,000-vertex line, 5 and 20 km, the input a GeoJSON file; ulimit -v):
qgis_process.bin itself cannot start below ~700 MB of address space
(500 MB: a segmentation fault while importing PyQGIS; 600-700 MB: "Couldn't
load PyQGIS" or its plugin loader fails), and at 800 MB GDAL's GeoJSON reader
inside QGIS (json-c) aborts on an assertion while QGIS checks the input,
before Frontline runs; from 1 GB on, Frontline's own sentence or the result.
So the ABI is hosted under the limits two ways:
  1. the provider's ctypes host (abi.py, what QGIS calls) in /usr/bin/python3
     with no QGIS, at 200, 300 and 400 MB (below ~200 MB the loader
     cannot map the plugin's libraries, GDAL's dependencies, and abi.py says
     so in its own sentence "cannot load ...: failed to map segment"; such
     limits are reported): every run must end with
     the bands (the same total area as without a limit) or status
     FL_E_NOMEM and a sentence saying "out of memory"; the process must exit
     normally (no abort, exit 127/134, or crash);
  2. qgis_process.bin at 0.9 and 1.0 GB on the line as a GeoPackage (no
     json-c): exit 0 with the same total area, or exit 1 with Frontline's
     "out of memory" sentence; a QGIS that cannot start at all is reported.
Expected areas come from the CLI's run without a limit. Measured with the
ctypes host: 200 MB "bands: dissolving geometries ran out of memory", 250-300
MB "bands: buffering ran out of memory", 350 MB and more the bands; with
qgis_process on the GeoPackage: 1.0, 1.2 and 2.0 GB the bands."""
import os
import re
import resource
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgistest as T  # noqa: E402

T.require_qgis(python_module=False)
work = T.tmpdir("process_low_memory")
gpkg = os.path.join(work, "big.gpkg")
subprocess.run(["/usr/bin/python3", "-c", """
import math, sys
from osgeo import ogr, osr
n = 200000
ds = ogr.GetDriverByName('GPKG').CreateDataSource(sys.argv[1])
s = osr.SpatialReference(); s.ImportFromEPSG(4326)
l = ds.CreateLayer('front', s, ogr.wkbLineString)
g = ogr.Geometry(ogr.wkbLineString)
for i in range(n):
    g.AddPoint_2D(37.0 + 2.0 * i / n, 48.3 + 0.05 * math.sin(i * 0.01) + 0.001 * math.sin(i * 0.7))
f = ogr.Feature(l.GetLayerDefn()); f.SetGeometry(g); l.CreateFeature(f)
ds = None
""", gpkg], check=True)

TOTAL = re.compile(r"Total area: ([0-9.]+) km2")
rc, out, err = T.cli("run", "bands", "--front", gpkg + ":front", "--distances", "5000,20000",
                     "--output", os.path.join(work, "cli.gpkg"))
T.check(rc == 0 and TOTAL.search(out), "the CLI draws the bands without a limit: %s" % err)
want = TOTAL.search(out).group(1) if TOTAL.search(out) else None

HOST = """
import ctypes, os, sys
sys.path.insert(0, sys.argv[1])
import abi
lib = abi.load(sys.argv[2])
st, summary, error = lib.run("bands", [("front", sys.argv[3]), ("distances", "5000,20000"),
                                       ("output", sys.argv[4])])
print("STATUS %d" % st)
print(summary if st == 0 else "ERROR " + error)
"""


def limited(kb):
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (kb * 1024, kb * 1024))


# 1. The provider's ctypes host, no QGIS.
for kb in (200000, 300000, 400000):
    out_path = os.path.join(work, "abi_%d.gpkg" % kb)
    p = subprocess.run(["/usr/bin/python3", "-c", HOST, T.PLUGIN_DIR,
                        os.path.join(T.PLUGIN_DIR, "lib", "libfrontline_plugin.so"),
                        gpkg + ":front", out_path], capture_output=True, text=True,
                       preexec_fn=limited(kb), timeout=600, stdin=subprocess.DEVNULL)
    text = (p.stdout + p.stderr).strip().replace("\n", " | ")
    print("ABI host, ulimit -v %d: exit %d: %s" % (kb, p.returncode, text[-300:]))
    if p.returncode == 1 and "STATUS" not in p.stdout and (
            "MemoryError" in p.stderr or "failed to map segment" in p.stderr):
        continue  # Python or the loader could not start under this limit: no Frontline code ran
    T.check(p.returncode == 0, "ABI host at %d KB: exit %d (an abort or crash): %s"
            % (kb, p.returncode, text[-400:]))
    m = TOTAL.search(p.stdout)
    T.check(("STATUS 0" in p.stdout and m and m.group(1) == want) or
            ("STATUS 1" in p.stdout and "out of memory" in p.stdout),
            "ABI host at %d KB: the bands (total %s km2) or FL_E_NOMEM with a sentence: %s"
            % (kb, want, text[-400:]))

# 2. qgis_process.bin itself.
env = T.qgis_env(os.path.join(work, "profile"))
for kb in (900000, 1000000):
    out_path = os.path.join(work, "qgis_%d.gpkg" % kb)
    p = subprocess.run([T.QGIS_PROCESS, "run", "frontline:bands", "--front=" + gpkg + "|layername=front",
                        "--distances=5000,20000", "--output=" + out_path], env=env,
                       capture_output=True, text=True, preexec_fn=limited(kb), timeout=900,
                       stdin=subprocess.DEVNULL)
    text = p.stdout + p.stderr
    m = TOTAL.search(text)
    started = "Frontline" in text or "0..." in text or m
    print("qgis_process, ulimit -v %d: exit %d: %s" % (kb, p.returncode,
          " | ".join(l for l in text.splitlines() if "memory" in l or "Total" in l or "rror" in l)[:300]))
    if not started:
        print("  QGIS did not reach the algorithm under this limit")
        continue
    T.check((p.returncode == 0 and m and m.group(1) == want) or
            (p.returncode == 1 and "out of memory" in text),
            "qgis_process at %d KB: exit %d, the bands (total %s km2) or Frontline's out-of-memory "
            "sentence expected: %s" % (kb, p.returncode, want, text[-400:]))
T.finish()
