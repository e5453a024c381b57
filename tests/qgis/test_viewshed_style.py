"""test_viewshed_style.py - how QGIS shows the viewshed raster (docs/qgis.md):
the plugin's default style on band 1 (the count) draws every count: one
class each up to 64 observers, a colour ramp above (before, counts above 64
had no class and were not drawn); 0 is transparent. With which_observers the
file has one band per observer after the count, named "observer FID".

70 observers within 60 m of each other on the sample DEM (so that some cells
are seen by more than 64), 2 km, written by the CLI, opened in PyQGIS and
styled by plugin/qgis/frontline/styles.py."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgistest as t  # noqa: E402

t.require_qgis(process=False)
sys.path.insert(0, os.path.join(t.PLUGINS, "frontline"))
from qgis.core import QgsApplication, QgsRasterLayer  # noqa: E402

tmp = t.tmpdir("viewshed_style")
obs = os.path.join(tmp, "obs.geojson")
feats = [{"type": "Feature", "id": k + 1, "properties": {},
          "geometry": {"type": "Point", "coordinates": [37.894 + 0.0001 * (k % 7),
                                                        48.589 + 0.0001 * (k // 7)]}}
         for k in range(70)]
json.dump({"type": "FeatureCollection", "features": feats}, open(obs, "w"))
outs = {}
for name, n_obs, extra in (("many", 70, ["--which-observers"]), ("few", 3, [])):
    src = obs
    if n_obs < 70:
        src = os.path.join(tmp, "obs3.geojson")
        json.dump({"type": "FeatureCollection", "features": feats[:n_obs]}, open(src, "w"))
    outs[name] = os.path.join(tmp, name + ".tif")
    rc, out, err = t.cli("run", "viewshed", "--dem", t.sample("dem_toretsk.tif"),
                         "--observers", src, "--max-range-m", "2000", "--output", outs[name],
                         "--overwrite", "--quiet", *extra)
    t.check(rc == 0, "viewshed of %d observers (rc %s: %s)" % (n_obs, rc, err))

app = QgsApplication([], False)
app.initQgis()
import styles  # noqa: E402  (the plugin's, from the staged plugin folder)

many = QgsRasterLayer(outs["many"], "many")
t.check(many.isValid() and many.bandCount() == 71, "70 observers: 71 bands (%d)" % many.bandCount())
t.check(many.bandName(1).endswith("observers") and many.bandName(71).endswith("observer 70"),
        "band names: %s, %s" % (many.bandName(1), many.bandName(71)))
top = int(many.dataProvider().bandStatistics(1).maximumValue)
t.check(top > 64, "some cells seen by more than 64 observers (max %d)" % top)
t.check(styles.apply_default_style(many) == "viewshed", "styled as a viewshed")
r = many.renderer()
t.check(r.type() == "singlebandpseudocolor" and r.band() == 1, "a ramp on band 1: %s" % r.type())
fn = r.shader().rasterShaderFunction()
for v, alpha_min in ((0, 0), (1, 255), (top, 255)):
    ok, red, green, blue, alpha = fn.shade(v)
    want = alpha == 0 if v == 0 else alpha >= alpha_min
    t.check(ok and want, "count %d drawn with alpha %d" % (v, alpha))
few = QgsRasterLayer(outs["few"], "few")
styles.apply_default_style(few)
r = few.renderer()
top3 = int(few.dataProvider().bandStatistics(1).maximumValue)
t.check(r.type() == "paletted" and [c.value for c in r.classes()] == list(range(top3 + 1)),
        "3 observers: one class per count 0..%d (%s)" % (top3, r.type()))
t.check(r.classes()[0].color.alpha() == 0, "0 transparent")
del r, fn, many, few
app.exitQgis()
t.finish()
