"""test_styles.py - the GeoPackages the CLI writes carry their QGIS styles.

Runs `frontline run analyze` and `frontline run change` on sample_data/, then
opens every layer in PyQGIS as a user would (no Frontline plugin loaded:
QGIS applies the default style of the file's layer_styles table) and checks
the renderer type, its classes (values, labels, colours: the palette of
core/fl_style.h, the same as plugin/qgis/frontline/styles.py), the labels
of the settlements, and the date fields typed as dates with the temporal
settings the style gives (QGIS's Temporal Controller).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgistest as t  # noqa: E402

t.require_qgis(process=False)
from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

tmp = t.tmpdir("styles")
an = os.path.join(tmp, "analyze.gpkg")
ch = os.path.join(tmp, "change.gpkg")
rc, out, err = t.cli("run", "analyze", "--settlements", t.sample("settlements.geojson"),
                     "--control", t.sample("control.geojson"), "--routes",
                     t.sample("routes.geojson"), "--mask", t.sample("mask.geojson"),
                     "--output", an, "--quiet")
t.check(rc == 0, "analyze ran (rc %s: %s)" % (rc, err))
rc, out, err = t.cli("run", "change", "--control", t.sample("control.geojson"),
                     "--settlements", t.sample("settlements.geojson"), "--output", ch,
                     "--quiet")
t.check(rc == 0, "change ran (rc %s: %s)" % (rc, err))

app = QgsApplication([], False)
app.initQgis()

BANDS = ["#d7191c", "#fd8d3c", "#fecc5c", "#ffffb2", "#c7e9b4"]


def layer(path, name):
    lyr = QgsVectorLayer("%s|layername=%s" % (path, name), name, "ogr")
    t.check(lyr.isValid(), "%s:%s opens" % (path, name))
    return lyr


_alive = []  # a renderer lives as long as its layer


def renderer(lyr, kind):
    _alive.append(lyr)
    r = lyr.renderer()
    got = r.type() if r else None
    t.check(got == kind, "%s: renderer %s, expected %s" % (lyr.name(), got, kind))
    return r if got == kind else None


def ranges(r):
    return [(x.lowerValue(), x.upperValue(), x.label(), x.symbol().color().name())
            for x in r.ranges()]


def categories(r):
    return [(c.value(), c.label(), c.symbol().color().name()) for c in r.categories()]


# Bands: graduated on outer_m, one class per band of the default distances 5,10,20,40 km.
r = renderer(layer(an, "bands"), "graduatedSymbol")
if r:
    t.check(r.classAttribute() == "outer_m", "bands graded on outer_m")
    want = [(0.0, 5000.0, "0-5 km", BANDS[0]), (5000.0, 10000.0, "5-10 km", BANDS[1]),
            (10000.0, 20000.0, "10-20 km", BANDS[2]), (20000.0, 40000.0, "20-40 km", BANDS[3])]
    t.check(ranges(r) == want, "bands classes %s" % ranges(r))

# Settlements: by holder, contested and unknown apart, labelled by name.
lyr = layer(an, "settlement_status")
r = renderer(lyr, "categorizedSymbol")
if r:
    want = [("RU", "held by RU", "#e31a1c"), ("UA", "held by UA", "#1f78b4"),
            ("contested", "contested", "#9e4ac7"), ("unknown", "unknown", "#9e9e9e")]
    t.check(categories(r) == want, "settlement classes %s" % categories(r))
t.check(lyr.labelsEnabled(), "settlement names labelled")
lab = lyr.labeling()
t.check(lab is not None and lab.settings().fieldName == "name", "labels from the name field")

# Routes: graduated by closest approach.
r = renderer(layer(an, "route_exposure"), "graduatedSymbol")
if r:
    got = ranges(r)
    t.check(r.classAttribute() == "min_dist_to_front_m", "routes graded on min_dist_to_front_m")
    t.check([g[2] for g in got] == ["closest 0-5 km", "closest 5-10 km", "closest 10-20 km",
                                    "closest 20-40 km", "closest 40 km or more"],
            "route classes %s" % got)
    t.check([g[3] for g in got] == BANDS, "route colours %s" % got)

# The front bold dark red; the connectors thin dashed grey.
r = renderer(layer(an, "frontline"), "singleSymbol")
if r:
    s = r.symbol()
    t.check(s.color().name() == "#7a0019" and abs(s.width() - 1.4) < 1e-9,
            "front %s %.2f mm" % (s.color().name(), s.width()))
r = renderer(layer(an, "nearest_route"), "singleSymbol")
if r:
    t.check(r.symbol().color().name() == "#555555", "connector colour")
    t.check(r.symbol().symbolLayer(0).penStyle() == 2, "connector dashed")

# Change: polygons by the side that gained the ground.
r = renderer(layer(ch, "area_change"), "categorizedSymbol")
if r:
    got = categories(r)
    t.check(got[:2] == [("RU", "gained by RU", "#e31a1c"), ("UA", "gained by UA", "#1f78b4")],
            "change classes %s" % got)

# Dates typed as dates, and the style's temporal settings.
for path, name, fields in ((an, "frontline", ["date"]), (an, "settlement_status", ["date"]),
                           (ch, "area_change", ["date_from", "date_to"])):
    lyr = layer(path, name)
    for f in fields:
        fld = lyr.fields().field(f)
        t.check(fld.typeName().lower() == "date", "%s.%s typed %s" % (name, f, fld.typeName()))
    lyr.loadDefaultStyle()
    tp = lyr.temporalProperties()
    t.check(tp.isActive() and tp.startField() == fields[0],
            "%s: temporal from %s (active %s)" % (name, tp.startField(), tp.isActive()))

del r, lyr, lab, tp, fld
_alive.clear()
app.exitQgis()
t.finish()
