"""algorithm.py - one generic QGIS Processing algorithm, built from a Frontline
tool descriptor (abi.Tool).

Every Frontline tool becomes one algorithm `frontline:<tool id without '-'>`
whose parameters are made from the descriptor's parameters, with the ABI's
names (so `qgis_process run frontline:bands --front=...` reads like
`frontline run bands --front ...`). processAlgorithm turns each value into
the string the ABI expects, hands input layers over as data-source strings
(converting any layer the plugin library cannot read into a temporary
GeoPackage first, as QGIS's GDAL and SAGA providers do), runs the tool
through the ABI with progress and cancel, and registers the outputs to be
loaded, styled, into the project.

Not here: analysis of any kind (the C library does all of it), the ctypes
mirror (abi.py), finding the library (provider.py), styles (styles.py).
"""
import ctypes
import html
import math
import os
import re
import sys
import threading
import time

from qgis.core import (QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingFeatureSourceDefinition,
                       QgsProcessingOutputString, QgsProcessingOutputVectorLayer,
                       QgsProcessingParameterBoolean,
                       QgsProcessingParameterDefinition, QgsProcessingParameterDistance,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterField,
                       QgsProcessingParameterNumber, QgsProcessingParameterString,
                       QgsProcessingParameterFileDestination,
                       QgsProcessingParameterRasterDestination,
                       QgsProcessingParameterRasterLayer,
                       QgsProcessingParameterVectorDestination,
                       QgsProperty, QgsUnitTypes)

from . import abi
from .styles import StylePostProcessor

# Formats the plugin library reads (fl_io.h); anything else is converted.
READABLE_FORMATS = ["gpkg", "sqlite", "db", "spatialite", "geojson", "json"]
SINGLE_FILE_FORMATS = ("geojson", "json")
SUMMARY_OUTPUT = "summary"
# The provider always lets the library replace an output: QGIS has already
# asked the user (file dialog), as it does for its own algorithms.
OVERWRITE_PARAM = "overwrite"


def algorithm_name(tool_id):
    """QGIS algorithm names are lowercase alphanumeric: 'settlement-status' ->
    'settlementstatus'."""
    return re.sub(r"[^a-z0-9]", "", tool_id.lower())


def layer_output_name(param, layer):
    """The output of one layer of a multi-layer output file (ABI 1.2):
    'output' + 'claims' -> 'output_claims' (never a parameter's name)."""
    return "%s_%s" % (param, layer)


def _geometry_types(bits):
    if bits & abi.GEOM_ANY in (0, abi.GEOM_ANY):
        return [QgsProcessing.TypeVectorAnyGeometry]
    types = []
    if bits & abi.GEOM_POINT:
        types.append(QgsProcessing.TypeVectorPoint)
    if bits & abi.GEOM_LINE:
        types.append(QgsProcessing.TypeVectorLine)
    if bits & abi.GEOM_POLYGON:
        types.append(QgsProcessing.TypeVectorPolygon)
    return types


def _bound(v, fallback):
    return v if math.isfinite(v) else fallback


def _number(text):
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _bool(text):
    return str(text).strip().lower() in ("1", "true", "yes", "on")


def data_source(path, layer_name):
    """The ABI's data-source string for a file path and a layer name."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in SINGLE_FILE_FORMATS or not layer_name:
        return path
    return "%s:%s" % (path, layer_name)


def ogr_source(layer):
    """The data-source string the library reads a QGIS layer by, as it is:
    'path:layer' (data_source()) for a layer of the OGR provider, 'PG:<connection>:table'
    for PostGIS, each followed by '|subset=<the layer's subset string>' when
    it has one (the library applies it as OGR's attribute filter). None for a
    layer with no OGR source (memory layers, delimited text, WFS, ...) or one
    whose source says more than a path and a layer name (open options)."""
    from qgis.core import QgsDataSourceUri, QgsProviderRegistry
    provider = layer.providerType()
    if provider == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path") or ""
        if not path or parts.get("openOptions") or not os.path.exists(path):
            return None
        name = parts.get("layerName") or ""
        if not name and parts.get("layerId") not in (None, 0, "0"):
            return None
        source = data_source(path, name)
    elif provider == "postgres":
        uri = QgsDataSourceUri(layer.source())
        if not uri.table() or uri.table().startswith("("):
            return None   # a query, not a table
        table = uri.table() if uri.schema() in ("", "public") else \
            "%s.%s" % (uri.schema(), uri.table())
        source = "PG:%s:%s" % (uri.connectionInfo(True), table)
    else:
        return None
    subset = layer.subsetString()
    return source + ("|subset=" + subset if subset else "")


def list_layers(path):
    """Names of the vector layers in a file the library wrote (in file order);
    a GeoPackage's layer_styles table (the layers' QGIS styles) is no layer."""
    from osgeo import ogr
    ds = ogr.Open(path)
    if ds is None:
        return []
    names = [ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount())]
    return [n for n in names if n != "layer_styles"]


def _doc_filter(help_text):
    """File filter of a document output: its kinds in the order the help names them."""
    kinds = [(".html", "HTML files (*.html *.htm)"), (".png", "PNG images (*.png)"),
             (".svg", "SVG images (*.svg)")]
    named = sorted((help_text.find(ext), f) for ext, f in kinds if ext in help_text)
    return ";;".join(f for _, f in named) or "All files (*.*)"

class FrontlineAlgorithm(QgsProcessingAlgorithm):
    """A QGIS algorithm for one Frontline tool."""

    def __init__(self, library, tool, icon=None):
        super().__init__()
        self._library = library
        self._tool = tool
        self._icon = icon

    # ---- Identity and help ----------------------------------------------

    def createInstance(self):
        return FrontlineAlgorithm(self._library, self._tool, self._icon)

    def name(self):
        return algorithm_name(self._tool.id)

    def displayName(self):
        return self._tool.title

    def group(self):
        return self._tool.group

    def groupId(self):
        return algorithm_name(self._tool.group)

    def icon(self):
        return self._icon if self._icon is not None else super().icon()

    def tags(self):
        return ["frontline", self._tool.id, self._tool.group.lower()]

    def shortDescription(self):
        return self._tool.help.split("? ")[0] + ("?" if "? " in self._tool.help else "")

    def shortHelpString(self):
        rows = []
        for p in self._tool.params:
            if p.name == OVERWRITE_PARAM and p.type == abi.PARAM_BOOL:
                continue
            unit = " [%s]" % p.unit if p.unit else ""
            default = (" Default: <code>%s</code>." % html.escape(p.default)
                       if p.default not in (None, "") else "")
            rows.append("<li><b>%s</b> (<code>%s</code>%s%s): %s%s</li>" % (
                html.escape(p.title), html.escape(p.name), unit,
                ", optional" if p.optional else "", html.escape(p.help), default))
        return ("<p>%s</p><p>Frontline tool <code>%s</code> (library %s). Distances are metres "
                "on the WGS84 ellipsoid whatever the layer CRS.</p><ul>%s</ul>" % (
                    html.escape(self._tool.help), html.escape(self._tool.id),
                    html.escape(self._library.version), "".join(rows)))

    def helpUrl(self):
        return ""

    # ---- Parameters -------------------------------------------------------

    def initAlgorithm(self, config=None):
        for p in self._tool.params:
            qp = self._make_parameter(p)
            if qp is None:
                continue
            if p.help:
                qp.setHelp(p.help)
            if p.advanced:
                qp.setFlags(qp.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(qp)
            if p.type == abi.PARAM_OUTPUT:
                # ABI 1.2: an output file of several layers names them; each
                # is an output of its own, so that models can chain them.
                for layer in p.enum_values:
                    self.addOutput(QgsProcessingOutputVectorLayer(
                        layer_output_name(p.name, layer), "Layer '%s'" % layer))
        self.addOutput(QgsProcessingOutputString(SUMMARY_OUTPUT, "Summary"))

    def _make_parameter(self, p):
        opt = p.optional
        if p.type == abi.PARAM_LAYER:
            return QgsProcessingParameterFeatureSource(
                p.name, p.title, _geometry_types(p.geometry), None, opt)
        if p.type == abi.PARAM_FIELD:
            return QgsProcessingParameterField(
                p.name, p.title, p.default, p.parent or "",
                QgsProcessingParameterField.Any, False, opt)
        if p.type == abi.PARAM_NUMBER:
            lo = _bound(p.min_value, -sys.float_info.max)
            hi = _bound(p.max_value, sys.float_info.max)
            if p.unit == "m":
                qp = QgsProcessingParameterDistance(p.name, p.title, _number(p.default), "",
                                                    opt, lo, hi)
                qp.setDefaultUnit(QgsUnitTypes.DistanceMeters)
                qp.setMetadata({"widget_wrapper": {"decimals": 1}})
                return qp
            title = "%s [%s]" % (p.title, p.unit) if p.unit else p.title
            qp = QgsProcessingParameterNumber(p.name, title, QgsProcessingParameterNumber.Double,
                                              _number(p.default), opt, lo, hi)
            qp.setMetadata({"widget_wrapper": {"decimals": 3}})
            return qp
        if p.type == abi.PARAM_DISTANCES:
            title = "%s [%s, comma-separated]" % (p.title, p.unit or "m")
            return QgsProcessingParameterString(p.name, title, p.default or "", False, opt)
        if p.type == abi.PARAM_ENUM:
            qp = QgsProcessingParameterEnum(p.name, p.title, p.enum_values, False,
                                            p.default if p.default in p.enum_values else None,
                                            opt)
            qp.setUsesStaticStrings(True)
            return qp
        if p.type == abi.PARAM_BOOL:
            if p.name == OVERWRITE_PARAM:
                return None
            return QgsProcessingParameterBoolean(p.name, p.title, _bool(p.default), opt)
        if p.type == abi.PARAM_STRING:
            return QgsProcessingParameterString(p.name, p.title, p.default, False, opt)
        if p.type == abi.PARAM_RASTER:
            return QgsProcessingParameterRasterLayer(p.name, p.title, None, opt)
        if p.type == abi.PARAM_OUTPUT and p.flags & abi.PARAM_DOC_OUT:
            # ABI 1.2: a document (HTML report, PNG or SVG picture): a file
            # destination, made only when asked for and never loaded as a layer.
            return QgsProcessingParameterFileDestination(
                p.name, p.title, _doc_filter(p.help), None, True, False)
        if p.type == abi.PARAM_OUTPUT and p.flags & abi.PARAM_RASTER_OUT:
            # ABI 1.1: an output that can be a raster (the viewshed): QGIS
            # offers the raster, loaded and styled; the CLI also writes polygons.
            return QgsProcessingParameterRasterDestination(p.name, p.title, None, opt)
        if p.type == abi.PARAM_OUTPUT:
            # Also for an output of several layers (analyze's GeoPackage): a
            # vector destination gets QGIS's "Open output file after running"
            # and temporary outputs, and the layers are split on loading.
            return QgsProcessingParameterVectorDestination(
                p.name, p.title, QgsProcessing.TypeVectorAnyGeometry, None, opt)
        # A type this plugin does not know yet (a newer library): plain text.
        return QgsProcessingParameterString(p.name, p.title, p.default, False, True)

    # ---- Running ------------------------------------------------------------

    def _given(self, parameters, name):
        v = parameters.get(name)
        if v is None:
            return False
        if isinstance(v, str) and v == "":
            return False
        return True

    def _layer_arg(self, p, parameters, context, feedback):
        """Data-source string of an input layer: the layer's own OGR source
        (files of any format GDAL reads, PostGIS), with its subset string as a
        filter; exported to GeoPackage first only when it has none (memory
        layers, other providers) or only part of it is wanted (a selection,
        a feature limit)."""
        direct = self._direct_source(p, parameters, context)
        if direct:
            return direct
        path, layer_name = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, p.name, context, READABLE_FORMATS, "gpkg", feedback)
        if not path:
            raise QgsProcessingException("Could not load the layer of parameter '%s' (%s)."
                                         % (p.name, p.title))
        if not layer_name and os.path.splitext(path)[1].lower() == ".gpkg":
            names = list_layers(path)
            layer_name = names[0] if len(names) == 1 else ""
        return data_source(path, layer_name)

    def _direct_source(self, p, parameters, context):
        """The layer's OGR data source (ogr_source()), or None when the layer
        must be copied: a selection or feature limit asked, or no OGR source."""
        v = parameters.get(p.name)
        if isinstance(v, QgsProperty):
            return None
        if isinstance(v, QgsProcessingFeatureSourceDefinition) and (
                v.selectedFeaturesOnly or v.featureLimit != -1):
            return None
        layer = self.parameterAsVectorLayer(parameters, p.name, context)
        return ogr_source(layer) if layer is not None else None

    def _field_arg(self, p, parameters, context):
        names = self.parameterAsFields(parameters, p.name, context)
        return names[0] if names else None

    def processAlgorithm(self, parameters, context, feedback):
        args = []
        outputs = []     # (param, path)
        documents = []   # (param, path): ABI 1.2 documents, not loaded
        for p in self._tool.params:
            if p.type == abi.PARAM_OUTPUT and p.flags & abi.PARAM_DOC_OUT:
                path = self.parameterAsFileOutput(parameters, p.name, context)
                if path:
                    documents.append((p, path))
                    args.append((p.name, path))
                continue
            if p.type == abi.PARAM_OUTPUT:
                path = self.parameterAsOutputLayer(parameters, p.name, context)
                if not path:
                    if p.optional:
                        continue
                    raise QgsProcessingException("No output file given for '%s'." % p.name)
                outputs.append((p, path))
                args.append((p.name, path))
                continue
            if p.type == abi.PARAM_BOOL and p.name == OVERWRITE_PARAM:
                args.append((p.name, "true"))
                continue
            if self.parameterDefinition(p.name) is None or not self._given(parameters, p.name):
                continue
            if p.type == abi.PARAM_LAYER:
                value = self._layer_arg(p, parameters, context, feedback)
            elif p.type == abi.PARAM_RASTER:
                layer = self.parameterAsRasterLayer(parameters, p.name, context)
                value = layer.source() if layer else None
                if value and not os.path.exists(value.split("|")[0]):
                    raise QgsProcessingException(
                        "'%s' (%s) must be a raster file (GeoTIFF, VRT, ...), got '%s'."
                        % (p.title, p.name, value))
            elif p.type == abi.PARAM_FIELD:
                value = self._field_arg(p, parameters, context)
            elif p.type == abi.PARAM_NUMBER:
                value = repr(self.parameterAsDouble(parameters, p.name, context))
            elif p.type == abi.PARAM_ENUM:
                value = self.parameterAsEnumString(parameters, p.name, context)
            elif p.type == abi.PARAM_BOOL:
                value = "true" if self.parameterAsBoolean(parameters, p.name, context) else "false"
            else:
                value = self.parameterAsString(parameters, p.name, context)
                if p.type == abi.PARAM_DISTANCES:
                    value = value.replace(" ", "")
            if value in (None, ""):
                continue
            args.append((p.name, value))

        for name, value in args:
            feedback.pushDebugInfo("%s = %s" % (name, value))
        status, summary, error = self._run(args, feedback)
        if status != abi.OK:
            if status == abi.E_CANCEL or feedback.isCanceled():
                raise QgsProcessingException("Frontline %s was cancelled: %s"
                                             % (self._tool.id, error or "cancelled"))
            raise QgsProcessingException("Frontline %s failed (%s): %s" % (
                self._tool.id, abi.STATUS_TEXT.get(status, "status %d" % status), error))
        for line in (summary or "").splitlines():
            feedback.pushInfo(line)

        results = {SUMMARY_OUTPUT: summary or ""}
        for p, path in documents:
            results[p.name] = path
        for p, path in outputs:
            results[p.name] = path
            held = list_layers(path) if p.enum_values else []
            for layer in p.enum_values:
                if layer in held:
                    results[layer_output_name(p.name, layer)] = "%s|layername=%s" % (path, layer)
            self._load_on_completion(p, path, context)
        return results

    def _run(self, args, feedback):
        """Run the tool through the ABI. Cancel reaches the library two ways:
        the progress callback returns 1 once feedback.isCanceled(), and a
        watcher thread sets the int32 cancel flag the library polls between
        features, so Cancel works even in stretches without progress reports
        (a Qt signal would not do: its slot would be queued to this worker
        thread, which is busy inside the library)."""
        cancel = ctypes.c_int32(1 if feedback.isCanceled() else 0)
        state = {"last": -1.0, "message": None, "t": 0.0}
        done = threading.Event()

        def watch():
            while not done.wait(0.05):
                if feedback.isCanceled():
                    cancel.value = 1
                    return

        def on_progress(fraction, message):
            if message and message != state["message"]:
                state["message"] = message
                feedback.setProgressText(message)
            pct = max(0.0, min(100.0, 100.0 * fraction))
            now = time.monotonic()
            if pct - state["last"] >= 1.0 or pct >= 100.0 or now - state["t"] >= 0.1:
                state["last"], state["t"] = pct, now
                feedback.setProgress(pct)
            if feedback.isCanceled():
                cancel.value = 1
                return 1
            return 0

        watcher = threading.Thread(target=watch, name="frontline-cancel", daemon=True)
        watcher.start()
        try:
            return self._library.run(self._tool.id, args, on_progress, cancel)
        finally:
            done.set()
            watcher.join()

    def _load_on_completion(self, p, path, context):
        """Style the output layers QGIS will load (when the user asked for it:
        "Open output file after running"). A file holding several layers
        (analyze's GeoPackage) is loaded as one project layer per table."""
        if not context.willLoadLayerOnCompletion(path):
            return
        if os.path.splitext(path)[1].lower() in (".tif", ".tiff"):
            details = context.layerToLoadOnCompletionDetails(path)
            details.name = self._tool.id
            details.setPostProcessor(StylePostProcessor.create())
            return
        layers = list_layers(path)
        details = context.layerToLoadOnCompletionDetails(path)
        if len(layers) <= 1:
            if layers:
                details.name = layers[0]
            details.setPostProcessor(StylePostProcessor.create())
            return
        project = details.project
        pending = context.layersToLoadOnCompletion()
        pending.pop(path, None)
        context.setLayersToLoadOnCompletion(pending)
        for name in layers:
            each = QgsProcessingContext.LayerDetails(name, project, p.name)
            each.forceName = True  # one file, several layers: name each by its table
            each.setPostProcessor(StylePostProcessor.create())
            context.addLayerToLoadOnCompletion("%s|layername=%s" % (path, name), each)
