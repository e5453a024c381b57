"""test_pyqgis_library.py - how the provider finds the plugin library, and
what it says when it cannot load it:
  - FRONTLINE_PLUGIN naming a missing file: the provider still loads, with no
    algorithms, and the QGIS message log (tab "Frontline") and the provider's
    warning name the path, the reason and the ways to fix it;
  - a shared library that is not Frontline's: "exports no fl_plugin_query";
  - the Processing setting "Frontline plugin library" picks a library;
  - with neither, the copy inside the plugin folder (lib/) is used.
Reloading goes through provider.refreshAlgorithms(), as the Processing
options dialog does when OK is pressed."""
import ctypes.util
import os

import qgistest as T

T.require_qgis(process=False)
tmp = T.tmpdir("pyqgis_library")
missing = os.path.join(tmp, "nowhere", "libfrontline_plugin.so")
app, plugin = T.start_pyqgis(os.path.join(tmp, "profile"), library=missing)

from qgis.core import QgsApplication  # noqa: E402

logged = []
QgsApplication.messageLog().messageReceived.connect(
    lambda msg, tag, level: logged.append((tag, msg)))
prov = QgsApplication.processingRegistry().providerById("frontline")
T.check(prov is not None, "the provider loads even without its library")
T.check(prov is not None and len(prov.algorithms()) == 0, "and has no algorithms")
err = prov.warningMessage() if prov else ""
T.check(missing in err and "FRONTLINE_PLUGIN" in err and "does not exist" in err,
        "the warning names the path, where it came from and why: %r" % err)
T.check("Settings > Options > Processing > Providers > Frontline" in err,
        "and says where to set the path: %r" % err)
print("missing library: %s" % err)

# Not a Frontline library.
libm = ctypes.util.find_library("m")
libm_path = None
for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"):
    if libm and os.path.exists(os.path.join(d, libm)):
        libm_path = os.path.join(d, libm)
        break
if T.check(libm_path is not None, "found libm to stand in for a foreign library"):
    os.environ["FRONTLINE_PLUGIN"] = libm_path
    logged.clear()
    prov.refreshAlgorithms()
    T.check(len(prov.algorithms()) == 0, "no algorithms from a foreign library")
    T.check("exports no fl_plugin_query" in prov.warningMessage(),
            "a foreign library is named as such: %r" % prov.warningMessage())
    T.check(any(tag == "Frontline" and "fl_plugin_query" in msg for tag, msg in logged),
            "and the reason is in the message log under 'Frontline': %s" % logged)

# The Processing setting.
from processing.core.ProcessingConfig import ProcessingConfig  # noqa: E402
del os.environ["FRONTLINE_PLUGIN"]
bundled = os.path.realpath(os.path.join(T.PLUGIN_DIR, "lib", "libfrontline_plugin.so"))
copy = os.path.join(tmp, "elsewhere", "libfrontline_plugin.so")
os.makedirs(os.path.dirname(copy))
with open(bundled, "rb") as src, open(copy, "wb") as dst:
    dst.write(src.read())
ProcessingConfig.setSettingValue("FRONTLINE_LIBRARY", copy)
prov.refreshAlgorithms()
T.check(prov.library is not None and prov.library.path == os.path.realpath(copy),
        "the setting chooses the library: %s" % (prov.library and prov.library.path))
T.check(len(prov.algorithms()) >= 6, "%d algorithms from it" % len(prov.algorithms()))

# Nothing set: the library inside the plugin.
ProcessingConfig.setSettingValue("FRONTLINE_LIBRARY", "")
prov.refreshAlgorithms()
T.check(prov.library is not None and prov.library.path == bundled,
        "without env or setting the plugin's own lib/ is used: %s"
        % (prov.library and prov.library.path))
T.check(prov.warningMessage() == "", "no warning once loaded")
T.check(prov.longName().startswith("Frontline 0.") and "ABI 1." in prov.longName(),
        "long name gives the library version and ABI: %r" % prov.longName())
T.check(len(prov.algorithms()) >= 6, "%d algorithms" % len(prov.algorithms()))

T.stop_pyqgis(app, globals())
T.finish()
