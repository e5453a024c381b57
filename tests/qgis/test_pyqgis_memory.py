"""test_pyqgis_memory.py - Frontline algorithms through processing.run in a
standalone PyQGIS, loaded by QGIS's own plugin entry points, with inputs the
plugin library reads by their OGR source or, when they have none, after the
provider converted them:
  - a memory layer (settlement-status): copied to a temporary GeoPackage;
    same output as the CLI on the GeoJSON the memory layer was filled from;
    the progress bar moved;
  - a shapefile (nearest-route): passed by its path; same output as the CLI
    on the GeoJSON;
  - a selection ("selected features only"): only those settlements come out;
  - a layer with a subset string: passed with it as a filter; only the
    settlements the filter keeps come out (expected from the GeoJSON);
  - a GeoPackage layer named in a multi-layer file (path|layername=...).
Then the GUI's result handling (processing.gui.Postprocessing) loads the
outputs into the project with the default styles: bands graded by distance,
settlements categorised by holder, analyze's GeoPackage as one layer per
table."""
import os

import qgistest as T

T.require_qgis(process=False)
tmp = T.tmpdir("pyqgis_memory")
app, plugin = T.start_pyqgis(os.path.join(tmp, "profile"))

import processing  # noqa: E402
from qgis.core import (QgsApplication, QgsFeature, QgsProcessingContext,  # noqa: E402
                       QgsProcessingFeatureSourceDefinition, QgsProcessingFeedback,
                       QgsProcessingOutputLayerDefinition, QgsProject, QgsVectorFileWriter,
                       QgsVectorLayer)

reg = QgsApplication.processingRegistry()
T.check(plugin is not None and reg.providerById("frontline") is not None,
        "the plugin registered the provider 'frontline'")
T.check(reg.algorithmById("frontline:settlementstatus") is not None,
        "frontline:settlementstatus is registered")


class Recorder(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.progress = []
        self.texts = []
        self.progressChanged.connect(self.progress.append)

    def setProgressText(self, text):
        self.texts.append(text)
        super().setProgressText(text)

    def pushDebugInfo(self, text):
        self.texts.append(text)
        super().pushDebugInfo(text)

    def argument(self, name):
        """The value the algorithm passed to the library for name (it logs
        each as debug info: 'name = value')."""
        for t in self.texts:
            if t.startswith(name + " = "):
                return t[len(name) + 3:]
        return None


# ---- A memory layer -----------------------------------------------------------
src = QgsVectorLayer(T.sample("settlements.geojson"), "settlements_geojson", "ogr")
mem = QgsVectorLayer("Point?crs=EPSG:4326", "settlements_memory", "memory")
mem.dataProvider().addAttributes(src.fields().toList())
mem.updateFields()
feats = []
for f in src.getFeatures():
    g = QgsFeature(mem.fields())
    g.setGeometry(f.geometry())
    g.setAttributes(f.attributes())
    feats.append(g)
mem.dataProvider().addFeatures(feats)
T.check(mem.featureCount() == 50, "memory layer holds the 50 settlements")

out = os.path.join(tmp, "status_memory.gpkg")
fb = Recorder()
res = processing.run("frontline:settlementstatus",
                     {"settlements": mem, "control": T.sample("control.geojson"),
                      "front": T.sample("front.geojson"), "output": out}, feedback=fb)
T.check(res.get("output") == out, "result output %r" % res.get("output"))
T.check("settlement rows written" in res.get("summary", ""), "summary %r"
        % res.get("summary", "")[:200])
moved = sorted(set(round(p) for p in fb.progress))
T.check(len(moved) >= 3 and max(moved) == 100, "progress moved to 100 %%: %s" % moved)
T.check(any("reading" in t for t in fb.texts), "progress texts from the library: %s"
        % fb.texts[:5])
arg = (fb.argument("settlements") or "").split(".gpkg")[0] + ".gpkg"
T.check(os.path.isfile(arg) and not arg.startswith(tmp),
        "the memory layer reached the library as a temporary GeoPackage: %r" % arg)
T.check(fb.argument("control") == T.sample("control.geojson"),
        "a GeoJSON file is passed as it is: %r" % fb.argument("control"))

cli_out = os.path.join(tmp, "status_cli.gpkg")
rc, _, err = T.cli("run", "settlement-status", "--settlements", T.sample("settlements.geojson"),
                   "--control", T.sample("control.geojson"), "--front",
                   T.sample("front.geojson"), "--output", cli_out, "--overwrite")
T.check(rc == 0, "CLI settlement-status: %s" % err)
T.compare_outputs(cli_out, out, "memory layer")

# ---- A shapefile --------------------------------------------------------------
routes = QgsVectorLayer(T.sample("routes.geojson"), "routes", "ogr")
shp = os.path.join(tmp, "routes.shp")
opts = QgsVectorFileWriter.SaveVectorOptions()
opts.driverName = "ESRI Shapefile"
opts.fileEncoding = "UTF-8"
err = QgsVectorFileWriter.writeAsVectorFormatV3(routes, shp, QgsProject.instance()
                                                .transformContext(), opts)
T.check(err[0] == QgsVectorFileWriter.NoError, "routes written as shapefile: %s" % (err,))
out = os.path.join(tmp, "nearest_shp.gpkg")
fb = Recorder()
res = processing.run("frontline:nearestroute",
                     {"settlements": T.sample("settlements.geojson"), "routes": shp,
                      "output": out}, feedback=fb)
T.check(fb.argument("routes") == shp,
        "the shapefile is passed by its OGR source, not copied: %r" % fb.argument("routes"))
cli_out = os.path.join(tmp, "nearest_cli.gpkg")
rc, _, err = T.cli("run", "nearest-route", "--settlements", T.sample("settlements.geojson"),
                   "--routes", T.sample("routes.geojson"), "--output", cli_out, "--overwrite")
T.check(rc == 0, "CLI nearest-route: %s" % err)
T.compare_outputs(cli_out, out, "shapefile")

# ---- A selection ---------------------------------------------------------------
sel = QgsVectorLayer(T.sample("settlements.geojson"), "settlements_sel", "ogr")
QgsProject.instance().addMapLayer(sel)
sel.selectByExpression('"id" <= 10')
T.check(sel.selectedFeatureCount() == 10, "10 settlements selected")
out = os.path.join(tmp, "nearest_sel.gpkg")
processing.run("frontline:nearestroute",
               {"settlements": QgsProcessingFeatureSourceDefinition(sel.id(), True),
                "routes": T.sample("routes.geojson"), "output": out})
got = T.read_layers(out)
rows = got["nearest_route"][1] if got and "nearest_route" in got else []
T.check(sorted(r[1]["id"] for r in rows) == list(range(1, 11)),
        "only the selected settlements come out: %s" % [r[1]["id"] for r in rows])

# ---- A filtered layer (subset string): passed with its filter, not copied -------
filt = QgsVectorLayer(T.sample("settlements.geojson"), "settlements_filtered", "ogr")
T.check(filt.setSubsetString('"population" > 20000'), "subset string set")
import json  # noqa: E402
with open(T.sample("settlements.geojson")) as fh:
    want = sorted(f["properties"]["id"] for f in json.load(fh)["features"]
                  if f["properties"]["population"] > 20000)
out = os.path.join(tmp, "nearest_filtered.gpkg")
fb = Recorder()
processing.run("frontline:nearestroute",
               {"settlements": filt, "routes": T.sample("routes.geojson"), "output": out},
               feedback=fb)
T.check((fb.argument("settlements") or "").endswith('|subset="population" > 20000') and
        ".gpkg" not in (fb.argument("settlements") or ""),
        "the filtered layer is passed with its subset string: %r" % fb.argument("settlements"))
got = T.read_layers(out)
rows = got["nearest_route"][1] if got and "nearest_route" in got else []
T.check(len(want) > 0 and sorted(r[1]["id"] for r in rows) == want,
        "only the settlements of the filter come out: %s, expected %s"
        % (sorted(r[1]["id"] for r in rows), want))

# ---- A layer of a multi-layer GeoPackage ---------------------------------------
multi = os.path.join(tmp, "inputs.gpkg")
for i, (name, layer) in enumerate((("routes_a", routes), ("settlements_b", src))):
    o = QgsVectorFileWriter.SaveVectorOptions()
    o.driverName = "GPKG"
    o.layerName = name
    o.actionOnExistingFile = (QgsVectorFileWriter.CreateOrOverwriteFile if i == 0 else
                              QgsVectorFileWriter.CreateOrOverwriteLayer)
    e = QgsVectorFileWriter.writeAsVectorFormatV3(layer, multi,
                                                  QgsProject.instance().transformContext(), o)
    T.check(e[0] == QgsVectorFileWriter.NoError, "wrote %s into inputs.gpkg: %s" % (name, e))
out = os.path.join(tmp, "nearest_gpkg.gpkg")
fb = Recorder()
processing.run("frontline:nearestroute",
               {"settlements": multi + "|layername=settlements_b",
                "routes": multi + "|layername=routes_a", "output": out}, feedback=fb)
T.check(fb.argument("routes") == multi + ":routes_a",
        "a GeoPackage layer is passed as path:layer: %r" % fb.argument("routes"))
T.compare_outputs(cli_out, out, "gpkg layer")

# ---- Loading and styling, as the Processing dialog does --------------------------
from processing.gui.Postprocessing import handleAlgorithmResults  # noqa: E402

project = QgsProject.instance()


def run_and_load(alg_id, params, output_name="output"):
    alg = reg.createAlgorithmById(alg_id)
    context = QgsProcessingContext()
    context.setProject(project)
    params = dict(params)
    params[output_name] = QgsProcessingOutputLayerDefinition(params[output_name], project)
    feedback = QgsProcessingFeedback()
    results, ok = alg.run(params, context, feedback)
    T.check(ok, "%s ran" % alg_id)
    handleAlgorithmResults(alg, context, feedback, False, results)
    return results


before = set(project.mapLayers())
run_and_load("frontline:bands", {"front": T.sample("front.geojson"),
                                 "output": os.path.join(tmp, "bands_gui.gpkg")})
run_and_load("frontline:settlementstatus", {"settlements": T.sample("settlements.geojson"),
                                            "control": T.sample("control.geojson"),
                                            "output": os.path.join(tmp, "status_gui.gpkg")})
new = [project.mapLayer(i) for i in set(project.mapLayers()) - before]
# QGIS names a loaded output after its file or after the output, as the user's
# Processing settings say; find them by file.
by_file = {os.path.basename(l.source().split("|")[0]): l for l in new}
print("loaded: %s" % sorted((l.name(), l.renderer().type()) for l in new))
bands = by_file.get("bands_gui.gpkg")
T.check(bands is not None and bands.renderer().type() == "graduatedSymbol"
        and len(bands.renderer().ranges()) == 4,
        "bands loaded, graded by distance in 4 ranges")
if bands is not None:
    T.check([r.label() for r in bands.renderer().ranges()] ==
            ["0-5 km", "5-10 km", "10-20 km", "20-40 km"],
            "band legend %s" % [r.label() for r in bands.renderer().ranges()])
status = by_file.get("status_gui.gpkg")
T.check(status is not None and status.renderer().type() == "categorizedSymbol",
        "settlement_status loaded, coloured by holder")
if status is not None:
    cats = [c.value() for c in status.renderer().categories()]
    T.check({"RU", "UA", "contested", "unknown"} <= set(cats), "holder categories %s" % cats)
    T.check(status.labelsEnabled(), "settlements labelled by name")

before = set(project.mapLayers())
run_and_load("frontline:analyze", {"settlements": T.sample("settlements.geojson"),
                                   "control": T.sample("control.geojson"),
                                   "front": T.sample("front.geojson"),
                                   "routes": T.sample("routes.geojson"),
                                   "output": os.path.join(tmp, "analyze_gui.gpkg")})
new = {project.mapLayer(i).name(): project.mapLayer(i)
       for i in set(project.mapLayers()) - before}
T.check(sorted(new) == ["bands", "frontline", "nearest_route", "route_exposure",
                        "settlement_status"],
        "analyze loads one layer per table: %s" % sorted(new))
T.check(all(l.isValid() for l in new.values()), "all analyze layers valid")
if "route_exposure" in new:
    T.check(new["route_exposure"].renderer().type() == "graduatedSymbol",
            "route_exposure graded by closest approach")
if "frontline" in new:
    T.check(new["frontline"].renderer().symbol().width() > 1.0, "frontline drawn bold")

T.stop_pyqgis(app, globals())
T.finish()
