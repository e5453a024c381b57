#!/usr/bin/python3
"""Frontline's viewshed side by side with gdal_viewshed, cell by cell.

    /usr/bin/python3 bench/compare_gdal_viewshed.py FRONTLINE DEM_LONLAT.tif WORKDIR [N_OBS]

Makes a projected copy of the lon/lat DEM (UTM 37N, 25 m cells, bilinear:
gdal_viewshed applies earth curvature only on projected DEMs), then for each
observer runs both tools on that copy with the same settings (observer 2 m,
target 0 m, 10 km range, refraction k = 1/7, which is gdal_viewshed's default
curvature coefficient -cc 0.85714 = 1 - k) and counts the cells where they
agree, among the cells both call in range and that have a height.
Also runs Frontline on the lon/lat DEM itself and compares it, resampled to the
UTM grid (nearest), with gdal_viewshed on the UTM copy.

Prints one line per observer and the totals; exits 1 when the UTM agreement is
below 99 %.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
FL, DEM, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
N_OBS = int(sys.argv[4]) if len(sys.argv) > 4 else 10
RANGE, OBS_H, K = 10000.0, 2.0, 1.0 / 7.0
os.makedirs(WORK, exist_ok=True)
utm = os.path.join(WORK, "dem_utm.tif")
gdal.Warp(utm, DEM, dstSRS="EPSG:32637", xRes=25, yRes=25, resampleAlg="bilinear")

ll = osr.SpatialReference()
ll.ImportFromEPSG(4326)
ll.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
u = osr.SpatialReference()
u.ImportFromEPSG(32637)
u.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to_utm = osr.CoordinateTransformation(ll, u)

# Observers: a deterministic spread over the inner part of the sample extent.
obs = []
for i in range(N_OBS):
    lon = 37.70 + 0.20 * ((i * 0.618034) % 1.0)
    lat = 48.44 + 0.16 * ((i * 0.381966 + 0.5) % 1.0)
    obs.append((lon, lat))

ds = gdal.Open(utm)
gt = ds.GetGeoTransform()
dem = ds.GetRasterBand(1).ReadAsArray()
nd = ds.GetRasterBand(1).GetNoDataValue()
valid = dem != nd
tot_agree = tot_cells = 0
tot_ll_agree = tot_ll_cells = 0
for i, (lon, lat) in enumerate(obs):
    x, y, _ = to_utm.TransformPoint(lon, lat)
    # Snap to the cell centre, as both tools do (V1).
    c, r = int((x - gt[0]) / gt[1]), int((y - gt[3]) / gt[5])
    x, y = gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]
    g_out = os.path.join(WORK, "gdal_%d.tif" % i)
    subprocess.run(["gdal_viewshed", "-q", "-ox", repr(x), "-oy", repr(y), "-oz", str(OBS_H),
                    "-tz", "0", "-md", str(RANGE), "-cc", repr(1 - K), "-vv", "1", "-iv", "0",
                    "-ov", "2", utm, g_out], check=True)
    pts = os.path.join(WORK, "obs_%d.geojson" % i)
    with open(pts, "w") as f:
        json.dump({"type": "FeatureCollection", "crs": None, "features": [
            {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [lon, lat]}}]}, f)
    f_out = os.path.join(WORK, "fl_%d.tif" % i)
    # The observer on the UTM grid's cell centre, given back in lon/lat.
    inv = osr.CoordinateTransformation(u, ll)
    olon, olat, _ = inv.TransformPoint(x, y)
    with open(pts, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [olon, olat]}}]}, f)
    common = ["--observers", pts, "--observer-height-m", str(OBS_H), "--max-range-m", str(RANGE),
              "--refraction", repr(K), "--overwrite", "--quiet"]
    subprocess.run([FL, "run", "viewshed", "--dem", utm, "--output", f_out] + common, check=True)
    gds = gdal.Open(g_out)
    ggt = gds.GetGeoTransform()
    # gdal_viewshed writes only the window of the range: place it on the grid.
    g = np.full(dem.shape, 2, dtype=np.uint8)
    c0, r0 = round((ggt[0] - gt[0]) / gt[1]), round((ggt[3] - gt[3]) / gt[5])
    g[r0:r0 + gds.RasterYSize, c0:c0 + gds.RasterXSize] = gds.ReadAsArray()
    fl = gdal.Open(f_out).ReadAsArray()
    both = valid & (g != 2) & (fl != 255)
    # Cells at the range edge: gdal_viewshed measures in the UTM plane (scale
    # 0.9998 here), Frontline on the ellipsoid; leave out the outer 0.5 %.
    yy, xx = np.mgrid[0:g.shape[0], 0:g.shape[1]]
    d = np.hypot((xx + 0.5) * gt[1] + gt[0] - x, (yy + 0.5) * gt[5] + gt[3] - y)
    both &= d < RANGE * 0.995
    agree = int(((g == 1) == (fl >= 1))[both].sum())
    n = int(both.sum())
    tot_agree += agree
    tot_cells += n
    # Frontline on the lon/lat DEM, resampled to the UTM grid (nearest).
    f_ll = os.path.join(WORK, "flll_%d.tif" % i)
    subprocess.run([FL, "run", "viewshed", "--dem", DEM, "--output", f_ll] + common, check=True)
    rs = gdal.Warp("", f_ll, format="MEM", dstSRS="EPSG:32637", outputBounds=(
        gt[0], gt[3] + gt[5] * ds.RasterYSize, gt[0] + gt[1] * ds.RasterXSize, gt[3]),
        xRes=25, yRes=25, resampleAlg="near").ReadAsArray()
    both_ll = both & (rs != 255)
    agree_ll = int(((g == 1) == (rs >= 1))[both_ll].sum())
    tot_ll_agree += agree_ll
    tot_ll_cells += int(both_ll.sum())
    print("observer %2d (%.4f, %.4f): UTM %6.2f %% of %d cells; lon/lat DEM %6.2f %%; "
          "seen: gdal %d, frontline %d" % (i + 1, lon, lat, 100.0 * agree / max(n, 1), n,
                                             100.0 * agree_ll / max(int(both_ll.sum()), 1),
                                             int((g == 1)[both].sum()), int((fl >= 1)[both].sum())))
share = 100.0 * tot_agree / tot_cells
print("agreement on the UTM copy: %.3f %% of %d cells" % (share, tot_cells))
print("agreement, Frontline on the lon/lat DEM vs gdal_viewshed on the UTM copy: %.3f %% of %d "
      "cells" % (100.0 * tot_ll_agree / tot_ll_cells, tot_ll_cells))
sys.exit(0 if share >= 99.0 else 1)
