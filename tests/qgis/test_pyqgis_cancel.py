"""test_pyqgis_cancel.py - Cancel and errors through processing.run:
  - feedback.cancel() once the progress bar has moved stops the run: the
    algorithm raises a QgsProcessingException saying it was cancelled, the
    progress never reaches 100 %, and no output file is left;
  - a feedback cancelled before the start stops it before any work;
  - a bad parameter value and an unreadable layer fail as Processing errors
    that carry the library's own sentence (the one its errbuf holds,
    obtained here by calling the library through the ABI directly)."""
import ctypes
import os
import sys

import qgistest as T

T.require_qgis(process=False)
tmp = T.tmpdir("pyqgis_cancel")
app, plugin = T.start_pyqgis(os.path.join(tmp, "profile"))

import processing  # noqa: E402
from qgis.core import QgsProcessingException, QgsProcessingFeedback  # noqa: E402

sys.path.insert(0, T.PLUGINS)
from frontline import abi  # noqa: E402

PARAMS = {"settlements": T.sample("settlements.geojson"),
          "control": T.sample("control.geojson"), "front": T.sample("front.geojson"),
          "routes": T.sample("routes.geojson"), "mask": T.sample("mask.geojson")}


def run_expect_error(alg, params, feedback):
    try:
        processing.run(alg, params, feedback=feedback)
    except QgsProcessingException as e:
        return str(e)
    return None


# ---- Cancel while running --------------------------------------------------
class CancelAt(QgsProcessingFeedback):
    def __init__(self, at):
        super().__init__()
        self.at = at
        self.seen = []
        self.progressChanged.connect(self.on_progress)

    def on_progress(self, p):
        self.seen.append(p)
        if p >= self.at and not self.isCanceled():
            self.cancel()


out = os.path.join(tmp, "cancelled.gpkg")
fb = CancelAt(12.0)
msg = run_expect_error("frontline:analyze", dict(PARAMS, output=out), fb)
T.check(msg is not None, "cancelling analyze raised a QgsProcessingException")
T.check(msg is not None and "cancel" in msg.lower(), "the error says cancelled: %r" % msg)
T.check(fb.isCanceled(), "the feedback is cancelled")
T.check(fb.seen and max(fb.seen) < 100.0, "progress stopped before 100 %%: last %s"
        % (fb.seen[-3:],))
T.check(not os.path.exists(out), "no output file left behind by a cancelled run")
print("cancel message: %s" % msg)

# ---- Cancelled before the start ----------------------------------------------
fb = QgsProcessingFeedback()
fb.cancel()
msg = run_expect_error("frontline:bands", {"front": T.sample("front.geojson"),
                                           "output": os.path.join(tmp, "never.gpkg")}, fb)
T.check(msg is not None and "cancelled before the run started" in msg,
        "a run cancelled before its start says so: %r" % msg)
T.check(not os.path.exists(os.path.join(tmp, "never.gpkg")), "and writes nothing")

# ---- Errors carry the library's sentence --------------------------------------
lib = abi.load(os.path.join(T.PLUGINS, "frontline", "lib", "libfrontline_plugin.so"))


def library_error(tool, args):
    st, _, err = lib.run(tool, args, None, ctypes.c_int32(0))
    return st, err


bad_out = os.path.join(tmp, "bad.gpkg")
st, expected = library_error("settlement-status", [
    ("settlements", T.sample("settlements.geojson")), ("control", T.sample("control.geojson")),
    ("side_field", "camp"), ("output", bad_out), ("overwrite", "true")])
T.check(st == 5 and expected, "the library fails on a missing side field (status %d: %s)"
        % (st, expected))
msg = run_expect_error("frontline:settlementstatus",
                       {"settlements": T.sample("settlements.geojson"),
                        "control": T.sample("control.geojson"), "side_field": "camp",
                        "output": bad_out}, QgsProcessingFeedback())
T.check(msg is not None and expected in msg,
        "the Processing error carries the library's sentence:\n  got      %r\n  expected %r"
        % (msg, expected))
T.check(msg is not None and "field not found" in msg, "and the status in words: %r" % msg)

st, expected = library_error("bands", [("front", T.sample("front.geojson")),
                                       ("distances", "5000,2000"), ("output", bad_out),
                                       ("overwrite", "true")])
msg = run_expect_error("frontline:bands", {"front": T.sample("front.geojson"),
                                           "distances": "5000,2000", "output": bad_out},
                       QgsProcessingFeedback())
T.check(st == 2 and msg is not None and expected in msg and "distances" in msg,
        "a bad distance list fails with the library's sentence: %r" % msg)

broken = os.path.join(tmp, "broken.gpkg")
with open(broken, "w") as f:
    f.write("not a geopackage")
msg = run_expect_error("frontline:bands", {"front": broken, "output": bad_out},
                       QgsProcessingFeedback())
T.check(msg is not None, "an unreadable input layer is a Processing error: %r" % msg)

T.stop_pyqgis(app, globals())
T.finish()
