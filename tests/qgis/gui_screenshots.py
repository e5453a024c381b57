"""gui_screenshots.py - runs inside desktop QGIS (qgis --code), started under
Xvfb by take_screenshots.sh: checks that the installed plugin came up in the
GUI (initGui, provider, toolbox), runs two Frontline algorithms the way the
toolbox does (results loaded into the project with their default styles),
and saves PNG screenshots of the Processing Toolbox and of the result in the
QGIS window. Writes report.json (what it saw) and quits QGIS.

Environment: FL_SHOT_DIR (PNG files), FL_SHOT_WORK (outputs, report.json),
FL_SAMPLE_DATA (sample_data/).
Not a ctest by itself: tests/qgis/test_gui.py runs take_screenshots.sh.
"""
import json
import os
import time
import traceback

from qgis.PyQt.QtCore import QRect, Qt, QTimer
from qgis.PyQt.QtGui import QColor, QGuiApplication
from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit, QTextEdit, QTreeView
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsProject,
                       QgsSingleSymbolRenderer, QgsSymbol, QgsVectorLayer)
from qgis.utils import iface, plugins

OUT = os.environ["FL_SHOT_DIR"]
WORK = os.environ["FL_SHOT_WORK"]
SAMPLE = os.environ["FL_SAMPLE_DATA"]
DATE, SOURCE = "2025-02-15", "source_ua"
report = {"errors": []}


def save_report():
    with open(os.path.join(WORK, "report.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)


def mark(step):
    report.setdefault("steps", []).append(step)
    save_report()


def watchdog():
    """Last resort when a step hangs: record the screen and leave."""
    mark("watchdog")
    QGuiApplication.primaryScreen().grabWindow(0).save(os.path.join(WORK, "screen.png"))
    os._exit(3)


def guarded(fn):
    def run():
        mark(fn.__name__)
        try:
            fn()
        except Exception:
            report["errors"].append(traceback.format_exc())
            save_report()
            finish()
    return run


def finish():
    mark("finish")
    QgsProject.instance().setDirty(False)
    QTimer.singleShot(200, QgsApplication.instance().quit)


def sample_layer(name, title, colour, width=None, opacity=1.0, subset=None):
    layer = QgsVectorLayer(os.path.join(SAMPLE, name), title, "ogr")
    if subset:
        layer.setSubsetString(subset)
    sym = QgsSymbol.defaultSymbol(layer.geometryType())
    sym.setColor(QColor(colour))
    sym.setOpacity(opacity)
    if width is not None:
        sym.setWidth(width)
    layer.setRenderer(QgsSingleSymbolRenderer(sym))
    QgsProject.instance().addMapLayer(layer)
    return layer


def toolbox():
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if dock.objectName() == "ProcessingToolbox":
            return dock
    return None


@guarded
def step_start():
    mw = iface.mainWindow()
    mw.showNormal()
    mw.resize(1360, 860)
    report["plugin_loaded"] = "frontline" in plugins
    prov = QgsApplication.processingRegistry().providerById("frontline")
    report["provider"] = prov.longName() if prov else None
    report["algorithms"] = sorted(a.id() for a in prov.algorithms()) if prov else []
    report["provider_warning"] = prov.warningMessage() if prov else None

    project = QgsProject.instance()
    import processing
    mask = sample_layer("mask.geojson", "mask", "#00000000")
    sym = mask.renderer().symbol()
    sym.symbolLayer(0).setStrokeColor(QColor("#444444"))
    sym.symbolLayer(0).setStrokeWidth(0.5)
    common = {"date": DATE, "source": SOURCE}
    processing.runAndLoadResults("frontline:bands", dict(
        common, front=os.path.join(SAMPLE, "front.geojson"),
        mask=os.path.join(SAMPLE, "mask.geojson"),
        output=os.path.join(WORK, "bands.gpkg")))
    sample_layer("routes.geojson", "routes", "#5d5d5d", width=0.5)
    sample_layer("front.geojson", "front line", "#5a0012",
                 width=1.2, subset="\"date\" = '%s' AND \"source\" = '%s'" % (DATE, SOURCE))
    processing.runAndLoadResults("frontline:settlementstatus", dict(
        common, settlements=os.path.join(SAMPLE, "settlements.geojson"),
        control=os.path.join(SAMPLE, "control.geojson"),
        front=os.path.join(SAMPLE, "front.geojson"), contested_dist_m=1000,
        output=os.path.join(WORK, "settlement_status.gpkg")))
    layers = project.mapLayers().values()
    report["layers"] = sorted((l.name(), l.renderer().type() if hasattr(l, "renderer") and
                               l.renderer() else None) for l in layers)
    dock = toolbox()
    report["toolbox_found"] = dock is not None
    if dock is not None:
        dock.show()
        dock.raise_()
        search = dock.findChild(QLineEdit)
        if search is not None:
            search.setText("frontline")
    QTimer.singleShot(1000, step_view)


@guarded
def step_view():
    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:32637"))  # UTM 37N: the sector
    for node in project.layerTreeRoot().findLayers():
        node.setExpanded(node.name() in ("bands", "settlement_status"))
    iface.layerTreeView().expandAll()  # the legends of the styled results
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if dock.objectName() in ("Browser", "Browser2"):
            dock.hide()
    mask = project.mapLayersByName("mask")[0]
    from qgis.core import QgsCoordinateTransform
    tr = QgsCoordinateTransform(mask.crs(), project.crs(), project)
    extent = tr.transformBoundingBox(mask.extent())
    canvas = iface.mapCanvas()
    canvas.setExtent(extent.buffered(extent.width() * 0.03))
    canvas.refresh()
    report["project_crs"] = project.crs().authid()
    QTimer.singleShot(3000, step_shoot)


@guarded
def step_shoot():
    canvas = iface.mapCanvas()
    canvas.waitWhileRendering()
    dock = toolbox()
    if dock is not None:
        tree = dock.findChild(QTreeView)
        if tree is not None:
            tree.expandAll()
            model = tree.model()
            texts = []
            def walk(parent, depth):
                for r in range(model.rowCount(parent)):
                    idx = model.index(r, 0, parent)
                    texts.append("  " * depth + str(model.data(idx, Qt.DisplayRole)))
                    walk(idx, depth + 1)
            walk(tree.rootIndex(), 0)
            report["toolbox_tree"] = texts
    QGuiApplication.processEvents()
    mw = iface.mainWindow()
    mw.grab().save(os.path.join(OUT, "qgis-result.png"))
    if dock is not None:
        dock.grab(QRect(0, 0, dock.width(), min(dock.height(), 320))).save(
            os.path.join(OUT, "qgis-toolbox.png"))
    # The dialog a user gets by double-clicking an algorithm.
    import processing
    dlg = processing.createAlgorithmDialog("frontline:settlementstatus", {
        "settlements": os.path.join(SAMPLE, "settlements.geojson"),
        "control": os.path.join(SAMPLE, "control.geojson")})
    report["dialog"] = dlg is not None
    mark("dialog created")
    if dlg is not None:
        dlg.resize(980, 720)
        dlg.show()
        QTimer.singleShot(1500, lambda: shoot_dialog(dlg))
    else:
        finish()


def shoot_dialog(dlg):
    mark("shoot_dialog")
    try:
        QGuiApplication.primaryScreen().grabWindow(0).save(os.path.join(WORK, "screen.png"))
        dlg.grab().save(os.path.join(OUT, "qgis-dialog.png"))
        dlg.close()
    except Exception:
        report["errors"].append(traceback.format_exc())
    QTimer.singleShot(200, step_dialog_run)


# ---- The algorithm dialog, as a user clicks it ------------------------------
# Run in the dialog goes through QgsProcessingAlgRunnerTask: the algorithm runs
# in a worker thread and its results are loaded by the GUI's handler.

def dialog_log(dlg):
    """Text of the dialog's Log tab (the widget named txtLog)."""
    for w in dlg.findChildren(QTextEdit):
        if w.objectName() == "txtLog":
            return w.toPlainText()
    report["log_widgets"] = [(type(w).__name__, w.objectName())
                             for w in dlg.findChildren(QTextEdit)]
    return ""


def wait_for(condition, then, timeout_s, label):
    deadline = [timeout_s * 10]

    def poll():
        try:
            done = condition()
        except Exception:
            report["errors"].append(traceback.format_exc())
            done = True
        deadline[0] -= 1
        if done or deadline[0] <= 0:
            report[label + "_waited_out"] = not done
            guarded(then)()
        else:
            QTimer.singleShot(100, poll)
    QTimer.singleShot(100, poll)


state = {}


def step_dialog_run():
    mark("step_dialog_run")
    import processing
    out = os.path.join(WORK, "gui_bands.gpkg")
    dlg = processing.createAlgorithmDialog("frontline:bands", {
        "front": os.path.join(SAMPLE, "front.geojson"), "output": out})
    state["dlg"] = dlg
    dlg.show()
    dlg.runButton().click()

    def loaded():
        return any(out in l.source() for l in QgsProject.instance().mapLayers().values())
    wait_for(loaded, step_dialog_run_done, 60, "dialog_run")


def step_dialog_run_done():
    dlg = state.pop("dlg")
    out = os.path.join(WORK, "gui_bands.gpkg")
    layers = [l for l in QgsProject.instance().mapLayers().values() if out in l.source()]
    report["dialog_run_layer"] = [(l.name(), l.renderer().type()) for l in layers]
    report["dialog_run_log"] = dialog_log(dlg)
    dlg.close()
    for l in layers:
        QgsProject.instance().removeMapLayer(l.id())
    # Cancel: a run long enough to press Cancel (100,000 made-up points).
    many = os.path.join(WORK, "many_points.geojson")
    import random
    rnd = random.Random(7)
    feats = [{"type": "Feature", "properties": {"id": i, "name": "p%d" % i},
              "geometry": {"type": "Point", "coordinates": [
                  round(37.45 + rnd.random() * 0.8, 6), round(48.2 + rnd.random() * 0.5, 6)]}}
             for i in range(1, 100001)]
    with open(many, "w") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    import processing
    out = os.path.join(WORK, "gui_stopped.gpkg")
    dlg = processing.createAlgorithmDialog("frontline:settlementstatus", {
        "settlements": many, "control": os.path.join(SAMPLE, "control.geojson"),
        "front": os.path.join(SAMPLE, "front.geojson"), "output": out})
    state["dlg"] = dlg
    dlg.show()
    dlg.runButton().click()
    QTimer.singleShot(2500, step_dialog_cancel)


@guarded
def step_dialog_cancel():
    dlg = state["dlg"]
    report["cancel_button_enabled"] = dlg.cancelButton().isEnabled()
    report["cancel_clicked_during"] = dialog_log(dlg).strip().splitlines()[-1:]
    state["clicked"] = time.monotonic()
    dlg.cancelButton().click()
    wait_for(lambda: "was cancelled" in dialog_log(dlg) or "Execution failed" in
             dialog_log(dlg) or "Execution completed" in dialog_log(dlg),
             step_dialog_cancel_done, 60, "dialog_cancel")


def step_dialog_cancel_done():
    dlg = state.pop("dlg")
    report["dialog_cancel_log"] = dialog_log(dlg)
    report["cancel_to_stop_s"] = round(time.monotonic() - state["clicked"], 2)
    report["dialog_cancel_output_exists"] = os.path.exists(
        os.path.join(WORK, "gui_stopped.gpkg"))
    dlg.close()
    # analyze writes one GeoPackage of several layers (a file destination):
    # each should come into the project as its own styled layer.
    import processing
    out = os.path.join(WORK, "gui_analyze.gpkg")
    dlg = processing.createAlgorithmDialog("frontline:analyze", {
        "settlements": os.path.join(SAMPLE, "settlements.geojson"),
        "control": os.path.join(SAMPLE, "control.geojson"),
        "front": os.path.join(SAMPLE, "front.geojson"),
        "routes": os.path.join(SAMPLE, "routes.geojson"), "output": out})
    state["dlg"] = dlg
    dlg.show()
    dlg.runButton().click()
    wait_for(lambda: "finished" in dialog_log(dlg).splitlines()[-1:][0] if dialog_log(dlg)
             else False, step_dialog_analyze_done, 60, "dialog_analyze")


def step_dialog_analyze_done():
    dlg = state.pop("dlg")
    out = os.path.join(WORK, "gui_analyze.gpkg")
    report["dialog_analyze_layers"] = sorted(
        (l.name(), l.renderer().type()) for l in QgsProject.instance().mapLayers().values()
        if out in l.source())
    report["dialog_analyze_log"] = dialog_log(dlg)[-3000:]
    dlg.close()
    finish()


QTimer.singleShot(2500, step_start)
QTimer.singleShot(120000, watchdog)
