"""test_process_route_view.py - route exposure in view of observers run
headless through `qgis_process run frontline:routeexposure` with the optional
raster parameter `dem` and the observers, compared route by route with what
the `frontline` CLI writes for the same inputs (in_view_km, view_exposed_km)."""
import os

from osgeo import ogr

import qgistest as T

T.require_qgis(python_module=False)
tmp = T.tmpdir("process_route_view")
env = T.qgis_env(os.path.join(tmp, "profile"))
cli_out, q_out = os.path.join(tmp, "cli.gpkg"), os.path.join(tmp, "qgis.gpkg")
params = [("routes", T.sample("routes.geojson")), ("front", T.sample("front.geojson")),
          ("source", "source_ua"), ("date", "2024-10-15"),
          ("dem", T.sample("dem_toretsk.tif")), ("observers", T.sample("positions.geojson")),
          ("observer_height_field", "height_m"), ("target_height_m", "3"),
          ("max_range_m", "12000")]

rc, out, err = T.cli("run", "route-exposure",
                     *sum((["--" + k.replace("_", "-"), v] for k, v in params), []),
                     "--output", cli_out, "--overwrite")
T.check(rc == 0, "frontline run route-exposure --dem exits 0 (got %d): %s" % (rc, err.strip()))
rc, js, stdout, stderr = T.qgis_process(env, "run", "frontline:routeexposure",
                                        *["--%s=%s" % (k, v) for k, v in params],
                                        "--output=%s" % q_out)
T.check(rc == 0 and js is not None, "qgis_process run frontline:routeexposure exits 0 (got %d): %s"
        % (rc, (stderr + stdout).strip()[-800:]))


def rows(path):
    ds = ogr.Open(path)
    if ds is None:
        return {}
    lyr = ds.GetLayerByName("route_exposure")
    got = {f.GetField("name"): (f.GetField("in_view_km"), f.GetField("view_exposed_km"))
           for f in lyr}
    ds = None
    return got


a, b = rows(cli_out), rows(q_out)
T.check(len(a) == 16 and a.keys() == b.keys(), "16 routes in both: %d and %d" % (len(a), len(b)))
T.check(sum(v[0] for v in a.values()) > 100, "some km in view: %r" % sum(v[0] for v in a.values()))
for name in a:
    if name in b:
        T.check(abs(a[name][0] - b[name][0]) < 1e-9 and abs(a[name][1] - b[name][1]) < 1e-9,
                "%s: in view %r (CLI) vs %r (QGIS)" % (name, a[name], b[name]))
T.finish()
