"""test_install.py - the plugin zip (build/frontline-qgis-plugin.zip, target
qgis_plugin_zip) and the install script behind the qgis_plugin_install
target, as a user would meet them:
  - the zip holds frontline/ with metadata.txt (hasProcessingProvider=yes,
    qgisMinimumVersion=3.22, a GPL licence), the Python files, the icon and
    lib/libfrontline_plugin.so, and no __pycache__;
  - install.sh puts the zip into a fresh profile, enables it in QGIS3.ini
    without losing what was there, and replaces an older copy;
  - qgis_process with only that profile (no QGIS_PLUGINPATH) lists the
    frontline algorithms and runs one."""
import configparser
import os
import subprocess
import zipfile

import qgistest as T

T.require_qgis(python_module=False)
tmp = T.tmpdir("install")
zip_path = os.environ.get("FL_QGIS_ZIP", "")
if not T.check(os.path.isfile(zip_path), "the plugin zip %s exists (target qgis_plugin_zip)"
               % zip_path):
    T.finish()

names = zipfile.ZipFile(zip_path).namelist()
for need in ("frontline/metadata.txt", "frontline/__init__.py", "frontline/plugin.py",
             "frontline/provider.py", "frontline/algorithm.py", "frontline/abi.py",
             "frontline/styles.py", "frontline/icon.svg", "frontline/icon.png",
             "frontline/lib/libfrontline_plugin.so"):
    T.check(need in names, "the zip holds %s" % need)
T.check(not any("__pycache__" in n or n.endswith(".pyc") for n in names),
        "the zip holds no compiled Python")
T.check(all(n.startswith("frontline/") for n in names), "everything is under frontline/")
meta = configparser.ConfigParser()
meta.read_string(zipfile.ZipFile(zip_path).read("frontline/metadata.txt").decode())
g = meta["general"]
T.check(g.get("hasProcessingProvider") == "yes", "metadata: hasProcessingProvider=yes")
T.check(g.get("qgisMinimumVersion") == "3.22", "metadata: qgisMinimumVersion=3.22")
T.check(g.get("license") == "GPL-2.0-or-later", "metadata: GPL-2.0-or-later")
T.check(g.get("name") and g.get("description") and g.get("about") and g.get("version"),
        "metadata: name, description, about, version")

root = os.path.join(tmp, "config")
profile = os.path.join(root, "profiles", "default")
ini = os.path.join(profile, "QGIS", "QGIS3.ini")
os.makedirs(os.path.dirname(ini))
with open(ini, "w") as f:
    f.write("[PythonPlugins]\nsomeother=true\n\n[locale]\nuserLocale=en_GB\n")
# An older copy with a stray file, to be replaced.
os.makedirs(os.path.join(profile, "python", "plugins", "frontline"))
open(os.path.join(profile, "python", "plugins", "frontline", "stale.py"), "w").close()

sh = os.environ["FL_INSTALL_SH"]
p = subprocess.run(["bash", sh, zip_path, profile], capture_output=True, text=True)
T.check(p.returncode == 0, "install.sh exits 0: %s %s" % (p.stdout, p.stderr))
T.check("enabled" in p.stdout, "install.sh says the plugin is enabled: %r" % p.stdout)
dest = os.path.join(profile, "python", "plugins", "frontline")
T.check(os.path.isfile(os.path.join(dest, "lib", "libfrontline_plugin.so")),
        "installed with its library")
T.check(not os.path.exists(os.path.join(dest, "stale.py")), "the older copy was replaced")
text = open(ini).read()
T.check("frontline=true" in text and "someother=true" in text and "userLocale=en_GB" in text,
        "QGIS3.ini enables frontline and keeps the rest:\n%s" % text)

p = subprocess.run(["bash", sh, os.path.join(tmp, "nothing-here"), profile],
                   capture_output=True, text=True)
T.check(p.returncode != 0 and "not a staged Frontline plugin" in p.stderr,
        "install.sh refuses a wrong source: %r" % p.stderr)

env = T.qgis_env(root, plugin_path=None, enable=False)
rc, js, _, err = T.qgis_process(env, "list")
algs = (js or {}).get("providers", {}).get("frontline", {}).get("algorithms", {})
T.check(rc == 0 and "frontline:bands" in algs,
        "the installed plugin lists its algorithms (exit %d): %s" % (rc, sorted(algs)))
out = os.path.join(tmp, "front_lines.geojson")
rc, js, _, err = T.qgis_process(env, "run", "frontline:frontline",
                                "--control=" + T.sample("control.geojson"),
                                "--output=" + out)
T.check(rc == 0 and os.path.isfile(out), "the installed plugin runs frontline:frontline "
        "into GeoJSON (exit %d): %s" % (rc, err[-400:]))
T.finish()
