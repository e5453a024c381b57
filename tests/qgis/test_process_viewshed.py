"""test_process_viewshed.py - the viewshed run headless through
`qgis_process run frontline:viewshed` (a raster layer parameter and a raster
destination, plugin ABI 1.1) on the synthetic sample DEM, compared cell by
cell with what the `frontline` CLI writes for the same inputs; and the
algorithm's parameters: `dem` is a raster layer parameter, `output` a raster
destination."""
import os

from osgeo import gdal

import qgistest as T

T.require_qgis(python_module=False)
tmp = T.tmpdir("process_viewshed")
env = T.qgis_env(os.path.join(tmp, "profile"))
dem, obs = T.sample("dem_toretsk.tif"), T.sample("positions.geojson")
cli_out, q_out = os.path.join(tmp, "cli.tif"), os.path.join(tmp, "qgis.tif")
params = [("dem", dem), ("observers", obs), ("max_range_m", "6000"), ("target_height_m", "3")]

rc, out, err = T.cli("run", "viewshed", *sum((["--" + k, v] for k, v in params), []),
                     "--output", cli_out, "--overwrite")
T.check(rc == 0, "frontline run viewshed exits 0 (got %d): %s" % (rc, err.strip()))
rc, js, stdout, stderr = T.qgis_process(env, "run", "frontline:viewshed",
                                        *["--%s=%s" % (k, v) for k, v in params],
                                        "--output=%s" % q_out)
T.check(rc == 0 and js is not None, "qgis_process run frontline:viewshed exits 0 (got %d): %s"
        % (rc, (stderr + stdout).strip()[-800:]))
results = (js or {}).get("results", {})
T.check(results.get("output") == q_out, "results.output is the raster: %r" % results.get("output"))
if os.path.exists(q_out) and os.path.exists(cli_out):
    a = gdal.Open(cli_out)
    b = gdal.Open(q_out)
    T.check(a.GetGeoTransform() == b.GetGeoTransform(), "same grid")
    T.check((a.ReadAsArray() == b.ReadAsArray()).all(), "same cells as the CLI's raster")
    a = b = None
else:
    T.check(False, "both rasters written")
# which_observers: one band per observer after the count; each observer's
# band is 1 exactly where the CLI's single-observer viewshed of it is seen.
w_out = os.path.join(tmp, "which.tif")
rc, js, stdout, stderr = T.qgis_process(env, "run", "frontline:viewshed",
                                        *["--%s=%s" % (k, v) for k, v in params],
                                        "--which_observers=true", "--output=%s" % w_out)
T.check(rc == 0 and os.path.exists(w_out), "qgis_process with which_observers exits 0 (got %d): %s"
        % (rc, (stderr + stdout).strip()[-800:]))
if os.path.exists(w_out):
    w = gdal.Open(w_out)
    T.check(w.RasterCount == 4, "count + 3 observer bands (got %d)" % w.RasterCount)
    for k in range(1, min(w.RasterCount, 4)):
        one = os.path.join(tmp, "obs%d.geojson" % k)
        gdal.VectorTranslate(one, obs, format="GeoJSON", where="id = %d" % k)
        single = os.path.join(tmp, "single%d.tif" % k)
        rc, out, err = T.cli("run", "viewshed", "--dem", dem, "--observers", one,
                             "--max-range-m", "6000", "--target-height-m", "3",
                             "--output", single, "--overwrite")
        if rc == 0:
            got = w.GetRasterBand(k + 1).ReadAsArray()
            want = gdal.Open(single).ReadAsArray()
            T.check(((got == 1) == (want == 1)).all(), "band %d is observer %d's viewshed" % (k + 1, k))
        else:
            T.check(False, "frontline run viewshed of observer %d: %s" % (k, err.strip()))
    w = None
rc, js, stdout, stderr = T.qgis_process(env, "help", "frontline:viewshed", json_out=False)
T.check(rc == 0 and "raster" in stdout.lower(), "help lists a raster parameter: %s"
        % stdout[-400:])
T.finish()
