"""styles.py - default styles for the layers Frontline writes, so a result is
readable at a glance when it lands in the project: bands graded by distance
(red near the front, pale far from it), settlements coloured by holder,
the line of contact bold, exposed routes graded by closest approach,
nearest-route connectors thin and dashed.

A GeoPackage written by Frontline carries its style in its layer_styles
table (core/io/qml.c, the same rules and colours): that style is used as is,
so the CLI's files and the plugin's layers look the same. The rules below
style the other formats (GeoJSON, SpatiaLite, memory layers).

The style is chosen from the fields a layer has (the output contracts of
DESIGN.md section 2), not from the tool that wrote it, so analyze's layers
get the same styles as the single tools'. A layer none of the rules know
keeps QGIS's default style.
Not here: anything about the analysis itself.
"""
from qgis.PyQt.QtGui import QColor
from qgis.core import (QgsCategorizedSymbolRenderer, QgsGraduatedSymbolRenderer,
                       QgsPalLayerSettings, QgsProcessingLayerPostProcessorInterface,
                       QgsRendererCategory, QgsRendererRange, QgsSimpleLineSymbolLayer,
                       QgsSymbol, QgsTextBufferSettings, QgsTextFormat,
                       QgsVectorLayer, QgsVectorLayerSimpleLabeling, QgsWkbTypes)

# Near to far from the front.
BAND_COLOURS = ["#d7191c", "#fd8d3c", "#fecc5c", "#ffffb2", "#c7e9b4", "#7fcdbb",
                "#41b6c4", "#2c7fb8"]
# Holders: the first two sides of the data get blue and red, as on most maps
# of this war; further sides get the rest.
SIDE_COLOURS = ["#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928"]
CONTESTED_COLOUR = "#9e4ac7"
UNKNOWN_COLOUR = "#9e9e9e"
KNOWN_SIDE_COLOURS = {"UA": "#1f78b4", "RU": "#e31a1c", "occupied": "#e31a1c"}


def _fields(layer):
    return {f.name() for f in layer.fields()}


def _geometry(layer):
    return QgsWkbTypes.geometryType(layer.wkbType())


def _symbol(layer, colour, opacity=1.0, width=None, size=None, dashed=False):
    sym = QgsSymbol.defaultSymbol(_geometry(layer))
    sym.setColor(QColor(colour))
    sym.setOpacity(opacity)
    geom = _geometry(layer)
    if geom == QgsWkbTypes.LineGeometry and width is not None:
        sym.setWidth(width)
        if dashed:
            sl = sym.symbolLayer(0)
            if isinstance(sl, QgsSimpleLineSymbolLayer):
                sl.setPenStyle(2)  # Qt.DashLine
    elif geom == QgsWkbTypes.PointGeometry and size is not None:
        sym.setSize(size)
    elif geom == QgsWkbTypes.PolygonGeometry:
        sl = sym.symbolLayer(0)
        if hasattr(sl, "setStrokeColor"):
            sl.setStrokeColor(QColor(colour).darker(130))
            sl.setStrokeWidth(0.2)
    return sym


def _km(m):
    km = m / 1000.0
    return ("%g" % km) if km != int(km) else ("%d" % int(km))


def style_bands(layer):
    pairs = sorted({(f["inner_m"], f["outer_m"]) for f in layer.getFeatures()
                    if f["inner_m"] is not None and f["outer_m"] is not None})
    ranges = []
    for i, (inner, outer) in enumerate(pairs):
        colour = BAND_COLOURS[min(i, len(BAND_COLOURS) - 1)]
        ranges.append(QgsRendererRange(float(inner), float(outer),
                                       _symbol(layer, colour, 0.55),
                                       "%s-%s km" % (_km(inner), _km(outer))))
    layer.setRenderer(QgsGraduatedSymbolRenderer("outer_m", ranges))


def _side_colour(value, index):
    if value in KNOWN_SIDE_COLOURS:
        return KNOWN_SIDE_COLOURS[value]
    return SIDE_COLOURS[index % len(SIDE_COLOURS)]


def style_holder(layer):
    """Settlements coloured by holder; contested and unknown apart."""
    has_status = "status" in _fields(layer)
    expr = ("CASE WHEN \"status\" = 'contested' THEN 'contested' "
            "WHEN \"status\" = 'unknown' OR \"side\" IS NULL THEN 'unknown' "
            "ELSE \"side\" END") if has_status else "coalesce(\"side\", 'unknown')"
    sides = sorted({str(f["side"]) for f in layer.getFeatures()
                    if f["side"] not in (None, "") and str(f["side"]) != "NULL"})
    size = 3.2
    cats = []
    for i, side in enumerate(s for s in sides if s not in ("contested", "unknown")):
        cats.append(QgsRendererCategory(side, _symbol(layer, _side_colour(side, i), 0.9,
                                                      size=size), "held by %s" % side))
    cats.append(QgsRendererCategory("contested", _symbol(layer, CONTESTED_COLOUR, 0.9,
                                                         size=size), "contested"))
    cats.append(QgsRendererCategory("unknown", _symbol(layer, UNKNOWN_COLOUR, 0.9, size=size),
                                    "unknown"))
    layer.setRenderer(QgsCategorizedSymbolRenderer(expr, cats))
    if "name" in _fields(layer):
        _label(layer, "name")


def _label(layer, field):
    settings = QgsPalLayerSettings()
    settings.fieldName = field
    fmt = QgsTextFormat()
    fmt.setSize(8)
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.8)
    buf.setColor(QColor("white"))
    fmt.setBuffer(buf)
    settings.setFormat(fmt)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def style_exposure(layer):
    """Exposed route parts graded by closest approach to the front."""
    values = sorted({f["min_dist_to_front_m"] for f in layer.getFeatures()
                     if f["min_dist_to_front_m"] is not None})
    if not values:
        layer.setRenderer(QgsGraduatedSymbolRenderer("min_dist_to_front_m", []))
        return
    edges = [0.0, 5000.0, 10000.0, 20000.0, 40000.0]
    top = max(values[-1], edges[-1])
    ranges = []
    for i in range(len(edges)):
        lo = edges[i]
        hi = edges[i + 1] if i + 1 < len(edges) else top
        if hi <= lo:
            continue
        ranges.append(QgsRendererRange(lo, hi, _symbol(layer, BAND_COLOURS[i], 1.0, width=1.2),
                                       "closest %s-%s km" % (_km(lo), _km(hi))))
    layer.setRenderer(QgsGraduatedSymbolRenderer("min_dist_to_front_m", ranges))


VIEWSHED_CLASSES = 64  # up to this many observers one class each, above it a ramp


def style_viewshed(layer):
    """A viewshed raster, band 1 (the count): 0 (seen by none) transparent,
    1..n observers from orange to dark red, 60 % opaque over the map; one
    class per count up to VIEWSHED_CLASSES, a colour ramp from 1 to the
    largest count above it (so that no count is left undrawn). Bands 2.. (one
    per observer, with which_observers) are left for the user to pick."""
    from qgis.core import (QgsColorRampShader, QgsPalettedRasterRenderer, QgsRasterShader,
                           QgsSingleBandPseudoColorRenderer)
    stats = layer.dataProvider().bandStatistics(1)
    top = int(max(1, stats.maximumValue if stats.maximumValue < 65535 else 1))
    colour = lambda t: QColor(int(255 - 120 * t), int(140 - 140 * t), 0)  # noqa: E731
    if top <= VIEWSHED_CLASSES:
        classes = [QgsPalettedRasterRenderer.Class(0, QColor(0, 0, 0, 0), "not seen")]
        for v in range(1, top + 1):
            classes.append(QgsPalettedRasterRenderer.Class(
                v, colour((v - 1) / max(1, top - 1)),
                "seen by %d observer%s" % (v, "" if v == 1 else "s")))
        renderer = QgsPalettedRasterRenderer(layer.dataProvider(), 1, classes)
    else:
        ramp = QgsColorRampShader(0, top, None, QgsColorRampShader.Interpolated)
        ramp.setColorRampItemList([
            QgsColorRampShader.ColorRampItem(0, QColor(0, 0, 0, 0), "not seen"),
            QgsColorRampShader.ColorRampItem(1, colour(0.0), "seen by 1 observer"),
            QgsColorRampShader.ColorRampItem(top, colour(1.0), "seen by %d observers" % top)])
        shader = QgsRasterShader(0, top)
        shader.setRasterShaderFunction(ramp)
        renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    layer.setRenderer(renderer)
    layer.setOpacity(0.6)


def _embedded_style(layer):
    """Load the default style the file itself holds (layer_styles, written by
    core/io/qml.c); its description is the rule's name. None when there is none."""
    if layer.providerType() != "ogr":
        return None
    try:
        count, _ids, _names, descriptions, _err = layer.listStylesInDatabase()
    except Exception:  # a provider without styles in the database
        return None
    if count <= 0:
        return None
    _msg, ok = layer.loadDefaultStyle()
    if not ok:
        return None
    return descriptions[0] if descriptions and descriptions[0] else "embedded"


def apply_default_style(layer):
    """Give a Frontline output layer its default style. Returns the rule used
    ('bands', 'holder', 'exposure', 'frontline', 'connector', 'viewshed') or None."""
    from qgis.core import QgsRasterLayer
    if isinstance(layer, QgsRasterLayer) and layer.isValid():
        style_viewshed(layer)
        layer.triggerRepaint()
        return "viewshed"
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return None
    embedded = _embedded_style(layer)
    if embedded:
        layer.triggerRepaint()
        return embedded
    names = _fields(layer)
    geom = _geometry(layer)
    rule = None
    if {"inner_m", "outer_m", "band"} <= names and geom == QgsWkbTypes.PolygonGeometry:
        style_bands(layer)
        rule = "bands"
    elif "side" in names and "dist_to_front_m" in names:
        style_holder(layer)
        rule = "holder"
    elif "min_dist_to_front_m" in names and geom == QgsWkbTypes.LineGeometry:
        style_exposure(layer)
        rule = "exposure"
    elif "route_id" in names and "dist_m" in names and geom == QgsWkbTypes.LineGeometry:
        layer.renderer().setSymbol(_symbol(layer, "#555555", 0.9, width=0.4, dashed=True))
        rule = "connector"
    elif "length_km" in names and geom == QgsWkbTypes.LineGeometry:
        layer.renderer().setSymbol(_symbol(layer, "#7a0019", 1.0, width=1.4))
        rule = "frontline"
    if rule:
        layer.triggerRepaint()
    return rule


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies apply_default_style() to a layer Processing has loaded.

    QGIS takes ownership of each instance (one per layer), but the Python side
    must stay referenced until it runs, hence the class-level list (the
    pattern the PyQGIS cookbook gives for post-processors)."""

    _alive = []

    def postProcessLayer(self, layer, context, feedback):
        try:
            apply_default_style(layer)
        except Exception as e:  # a style must never fail a finished run
            feedback.reportError("Frontline: could not style %s: %s" % (layer.name(), e))

    @staticmethod
    def create():
        p = StylePostProcessor()
        StylePostProcessor._alive.append(p)
        return p
