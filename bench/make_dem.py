#!/usr/bin/python3
"""Write a large synthetic DEM for the benchmarks (the surface of
sample_data/make_dem.py on a finer or wider grid).

    /usr/bin/python3 bench/make_dem.py OUT.tif COLS ROWS [W,S,E,N] [--utm]

Default extent: the sample's (lon 37.62-37.98, lat 48.36-48.64). 10000 10000
gives cells of about 2.7 x 3.1 m, 400 MB in memory. --utm writes the same
ground in EPSG:32637 (UTM 37N) on a square grid instead (cell = extent / COLS),
for tools that need a projected DEM (gdal_viewshed's curvature).
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample_data"))
import make_dem  # noqa: E402

args = [a for a in sys.argv[1:] if not a.startswith("--")]
out, cols, rows = args[0], int(args[1]), int(args[2])
ext = tuple(float(v) for v in args[3].split(",")) if len(args) > 3 else make_dem.EXTENT
if "--utm" not in sys.argv:
    make_dem.make(out, cols, rows, ext)
else:
    ll = osr.SpatialReference()
    ll.ImportFromEPSG(4326)
    ll.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(32637)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    fwd = osr.CoordinateTransformation(ll, utm)
    inv = osr.CoordinateTransformation(utm, ll)
    x0, y1, _ = fwd.TransformPoint(ext[0], ext[3])
    x1, y0, _ = fwd.TransformPoint(ext[2], ext[1])
    x0, x1 = x0 + 500, x1 - 500   # stay inside the lon/lat extent
    y0, y1 = y0 + 500, y1 - 500
    cell = (x1 - x0) / cols
    rows = int((y1 - y0) / cell)
    ds = gdal.GetDriverByName("GTiff").Create(out, cols, rows, 1, gdal.GDT_Float32,
                                              ["COMPRESS=DEFLATE", "PREDICTOR=3", "TILED=YES",
                                               "BIGTIFF=IF_SAFER"])
    ds.SetGeoTransform((x0, cell, 0, y1, 0, -cell))
    ds.SetProjection(utm.ExportToWkt())
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(-9999.0)
    for r0 in range(0, rows, 256):
        nr = min(256, rows - r0)
        xs = x0 + (np.arange(cols) + 0.5) * cell
        ys = y1 - (np.arange(r0, r0 + nr) + 0.5) * cell
        gx, gy = np.meshgrid(xs, ys)
        pts = np.array(inv.TransformPoints(np.column_stack([gx.ravel(), gy.ravel()])))
        z = make_dem.height(pts[:, 0].reshape(gx.shape), pts[:, 1].reshape(gx.shape))
        b.WriteArray(np.round(z, 1).astype(np.float32), 0, r0)
    ds = None
    cols = "%d (cell %.2f m)" % (cols, cell)
print("%s: %s x %d" % (out, cols, rows))
