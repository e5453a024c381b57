#!/usr/bin/python3
"""Frontline's viewshed side by side with GRASS r.viewshed and gdal_viewshed.

    /usr/bin/python3 bench/compare_r_viewshed.py FRONTLINE DEM_LONLAT.tif WORKDIR [N_OBS]

For the benchmark only (GRASS is not a dependency of Frontline): prints
"SKIP: ..." and exits 0 when `grass` is not installed (Debian `grass-core`).

Makes the UTM 37N copy of the lon/lat DEM that bench/compare_gdal_viewshed.py
makes (25 m, bilinear), imports it into a throw-away GRASS location of the
same CRS, and for each observer (the same deterministic spread) runs, with
observer 2 m, target 0 m, 10 km and refraction k = 1/7 (r.viewshed's default
0.14286, gdal_viewshed's -cc 0.85714):

  - r.viewshed -c -r -b on the UTM copy (curvature of the location's
    ellipsoid, refraction, 0/1 output);
  - gdal_viewshed on the UTM copy;
  - Frontline on the UTM copy, and on the lon/lat DEM itself (resampled
    nearest to the UTM grid).

Counts the cells where each pair agrees, among the cells with a height that
all call in range, leaving out the outer 0.5 % of the range (the tools
measure the range in the plane or on the ellipsoid). Prints one line per
observer, the totals, and where the disagreements lie (distance from the
observer, and whether they are next to a visibility boundary of r.viewshed).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
if not shutil.which("grass"):
    print("SKIP: GRASS GIS is not installed (Debian grass-core); r.viewshed not compared")
    sys.exit(0)
FL, DEM, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
N_OBS = int(sys.argv[4]) if len(sys.argv) > 4 else 10
RANGE, OBS_H, K = 10000.0, 2.0, 1.0 / 7.0
os.makedirs(WORK, exist_ok=True)
utm = os.path.abspath(os.path.join(WORK, "dem_utm.tif"))
gdal.Warp(utm, DEM, dstSRS="EPSG:32637", xRes=25, yRes=25, resampleAlg="bilinear")
db = os.path.abspath(os.path.join(WORK, "grassdb"))
shutil.rmtree(db, ignore_errors=True)
subprocess.run(["grass", "-c", utm, os.path.join(db, "loc"), "-e"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
mapset = os.path.join(db, "loc", "PERMANENT")


def grass(script):
    path = os.path.join(WORK, "g.sh")
    with open(path, "w") as f:
        f.write(script)
    subprocess.run(["grass", mapset, "--exec", "bash", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


grass("r.in.gdal --quiet input=%s output=dem\ng.region raster=dem\n" % utm)

ll = osr.SpatialReference()
ll.ImportFromEPSG(4326)
ll.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
u = osr.SpatialReference()
u.ImportFromEPSG(32637)
u.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to_utm = osr.CoordinateTransformation(ll, u)
inv = osr.CoordinateTransformation(u, ll)

ds = gdal.Open(utm)
gt = ds.GetGeoTransform()
dem = ds.GetRasterBand(1).ReadAsArray()
nd = ds.GetRasterBand(1).GetNoDataValue()
valid = dem != nd
yy, xx = np.mgrid[0:dem.shape[0], 0:dem.shape[1]]
pairs = ["FL-UTM vs r.viewshed", "gdal_viewshed vs r.viewshed", "FL-UTM vs gdal_viewshed",
         "FL-lonlat vs r.viewshed"]
tot = {p: [0, 0] for p in pairs}
dis_dist = []      # distance / range of the FL-UTM vs r.viewshed disagreements
dis_edge = [0, 0]  # of them: next to an r.viewshed boundary, all
for i in range(N_OBS):
    lon = 37.70 + 0.20 * ((i * 0.618034) % 1.0)
    lat = 48.44 + 0.16 * ((i * 0.381966 + 0.5) % 1.0)
    x, y, _ = to_utm.TransformPoint(lon, lat)
    c, r = int((x - gt[0]) / gt[1]), int((y - gt[3]) / gt[5])
    x, y = gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]
    olon, olat, _ = inv.TransformPoint(x, y)
    # r.viewshed
    r_out = os.path.join(WORK, "r_%d.tif" % i)
    grass("r.viewshed -c -r -b --quiet --overwrite input=dem output=vs coordinates=%r,%r "
          "observer_elevation=%g target_elevation=0 max_distance=%g refraction_coeff=%r\n"
          "r.out.gdal --quiet --overwrite -c input=vs output=%s type=Byte nodata=255\n"
          % (x, y, OBS_H, RANGE, K, r_out))
    rv = gdal.Open(r_out).ReadAsArray()
    # gdal_viewshed
    g_out = os.path.join(WORK, "g_%d.tif" % i)
    subprocess.run(["gdal_viewshed", "-q", "-ox", repr(x), "-oy", repr(y), "-oz", str(OBS_H),
                    "-tz", "0", "-md", str(RANGE), "-cc", repr(1 - K), "-vv", "1", "-iv", "0",
                    "-ov", "2", utm, g_out], check=True)
    gds = gdal.Open(g_out)
    ggt = gds.GetGeoTransform()
    g = np.full(dem.shape, 2, dtype=np.uint8)
    c0, r0 = round((ggt[0] - gt[0]) / gt[1]), round((ggt[3] - gt[3]) / gt[5])
    g[r0:r0 + gds.RasterYSize, c0:c0 + gds.RasterXSize] = gds.ReadAsArray()
    # Frontline, UTM copy and lon/lat DEM
    pts = os.path.join(WORK, "obs_%d.geojson" % i)
    with open(pts, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [olon, olat]}}]}, f)
    common = ["--observers", pts, "--observer-height-m", str(OBS_H), "--max-range-m", str(RANGE),
              "--refraction", repr(K), "--overwrite", "--quiet"]
    f_out = os.path.join(WORK, "fl_%d.tif" % i)
    subprocess.run([FL, "run", "viewshed", "--dem", utm, "--output", f_out] + common, check=True)
    fl = gdal.Open(f_out).ReadAsArray()
    f_ll = os.path.join(WORK, "flll_%d.tif" % i)
    subprocess.run([FL, "run", "viewshed", "--dem", DEM, "--output", f_ll] + common, check=True)
    rs = gdal.Warp("", f_ll, format="MEM", dstSRS="EPSG:32637", outputBounds=(
        gt[0], gt[3] + gt[5] * ds.RasterYSize, gt[0] + gt[1] * ds.RasterXSize, gt[3]),
        xRes=25, yRes=25, resampleAlg="near").ReadAsArray()
    d = np.hypot((xx + 0.5) * gt[1] + gt[0] - x, (yy + 0.5) * gt[5] + gt[3] - y)
    both = valid & (g != 2) & (fl != 255) & (rv != 255) & (rs != 255) & (d < RANGE * 0.995)
    R, G, F, L = rv == 1, g == 1, fl >= 1, (rs >= 1) & (rs != 255)
    line = []
    for p, (a, b) in zip(pairs, [(F, R), (G, R), (F, G), (L, R)]):
        agree = int((a == b)[both].sum())
        tot[p][0] += agree
        tot[p][1] += int(both.sum())
        line.append("%.2f" % (100.0 * agree / max(int(both.sum()), 1)))
    dis = both & (F != R)
    dis_dist.extend((d[dis] / RANGE).tolist())
    # next to a boundary of r.viewshed: a 4-neighbour with the other value
    Rp = np.pad(R, 1, mode="edge")
    edge = ((Rp[1:-1, :-2] != R) | (Rp[1:-1, 2:] != R) | (Rp[:-2, 1:-1] != R) |
            (Rp[2:, 1:-1] != R))
    dis_edge[0] += int((dis & edge).sum())
    dis_edge[1] += int(dis.sum())
    print("observer %2d (%.4f, %.4f): %s %% (%s); seen: r.viewshed %d, gdal %d, frontline %d"
          % (i + 1, lon, lat, " / ".join(line), " / ".join(pairs), int(R[both].sum()),
             int(G[both].sum()), int(F[both].sum())))
for p in pairs:
    print("agreement, %s: %.3f %% of %d cells" % (p, 100.0 * tot[p][0] / tot[p][1], tot[p][1]))
dd = np.array(dis_dist)
if dd.size:
    print("FL-UTM vs r.viewshed, the %d cells that differ: %.1f %% next to a visibility boundary "
          "of r.viewshed; distance from the observer / range: median %.2f, quartiles %.2f-%.2f"
          % (dd.size, 100.0 * dis_edge[0] / dis_edge[1], np.median(dd), np.percentile(dd, 25),
             np.percentile(dd, 75)))
