#!/usr/bin/python3
"""Write the synthetic DEM of the Toretsk sector: sample_data/dem_toretsk.tif.

    /usr/bin/python3 sample_data/make_dem.py [OUT.tif] [--size COLSxROWS] [--extent W,S,E,N]

SYNTHETIC: no public DEM of the area is on these machines. The surface is a
sum of smooth, deterministic shapes with heights and scales like the real
ground (100-300 m): a broad ridge (the Donetsk ridge's northern slope)
running north-west to south-east through Toretsk and east of Chasiv Yar, the
valley of the Kryvyi Torets past Kostiantynivka, a side valley between
Kostiantynivka and Chasiv Yar, a few rounded hills (the heights east of Chasiv
Yar, a ridge near Ivanopillia) and conical spoil heaps at Toretsk, plus
gentle undulation. Do not read real elevations from it.

Default: EPSG:4326, 1 arc-second cells over lon 37.62-37.98, lat 48.36-48.64
(1296 x 1008 cells, about 27 x 31 km), Float32 rounded to 0.1 m, DEFLATE with
the floating-point predictor (about 2 MB). bench/make_dem.py calls make() for
large DEMs of the same ground on finer grids.
"""
import math
import sys

import numpy as np
from osgeo import gdal, osr

EXTENT = (37.62, 48.36, 37.98, 48.64)   # W, S, E, N
ARCSEC = 1.0 / 3600.0


def _seg_dist(lon, lat, pts):
    """Distance in km from (lon, lat) arrays to a polyline (local metric frame)."""
    kx, ky = 111.32 * math.cos(math.radians(48.5)), 110.57
    best = np.full(lon.shape, np.inf)
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        ax, ay = (lon - x0) * kx, (lat - y0) * ky
        bx, by = (x1 - x0) * kx, (y1 - y0) * ky
        t = np.clip((ax * bx + ay * by) / (bx * bx + by * by), 0, 1)
        best = np.minimum(best, np.hypot(ax - t * bx, ay - t * by))
    return best


def height(lon, lat):
    """Heights in metres of the synthetic surface at lon/lat arrays."""
    kx, ky = 111.32 * math.cos(math.radians(48.5)), 110.57
    z = np.full(lon.shape, 165.0)
    # The ridge: NW-SE, through Toretsk and east of Chasiv Yar.
    ridge = [(37.70, 48.66), (37.90, 48.58), (37.93, 48.48), (37.86, 48.38), (37.90, 48.30)]
    z += 85.0 * np.exp(-(_seg_dist(lon, lat, ridge) / 6.0) ** 2)
    # The Kryvyi Torets valley past Kostiantynivka (N-S), 60 m deep.
    river = [(37.60, 48.66), (37.68, 48.56), (37.71, 48.50), (37.75, 48.44), (37.80, 48.34)]
    z -= 60.0 * np.exp(-(_seg_dist(lon, lat, river) / 2.2) ** 2)
    # A side valley from Chasiv Yar down to the river.
    side = [(37.84, 48.57), (37.78, 48.555), (37.70, 48.53)]
    z -= 28.0 * np.exp(-(_seg_dist(lon, lat, side) / 1.2) ** 2)
    # Rounded hills: heights east of Chasiv Yar, Ivanopillia ridge.
    for x0, y0, h, r in ((37.894, 48.589, 38.0, 1.8), (37.77, 48.47, 30.0, 2.5),
                         (37.93, 48.52, 20.0, 3.0)):
        d = np.hypot((lon - x0) * kx, (lat - y0) * ky)
        z += h * np.exp(-(d / r) ** 2)
    # Spoil heaps at Toretsk: cones 40-55 m high, 350-450 m base radius.
    for x0, y0, h, r in ((37.86, 48.40, 55.0, 0.45), (37.835, 48.385, 40.0, 0.35)):
        d = np.hypot((lon - x0) * kx, (lat - y0) * ky)
        z += h * np.clip(1.0 - d / r, 0.0, None)
    # Gentle undulation (a few metres, 1-3 km wavelengths).
    x, y = (lon - 37.8) * kx, (lat - 48.5) * ky
    z += 4.0 * np.sin(x / 0.45 + 0.3) * np.cos(y / 0.6) + 2.5 * np.sin((x + y) / 0.3)
    return np.clip(z, 100.0, 300.0)


def make(path, cols, rows, extent=EXTENT, block=512):
    w, s, e, n = extent
    dx, dy = (e - w) / cols, (n - s) / rows
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, cols, rows, 1, gdal.GDT_Float32,
                    ["COMPRESS=DEFLATE", "PREDICTOR=3", "TILED=YES", "BIGTIFF=IF_SAFER"])
    ds.SetGeoTransform((w, dx, 0.0, n, 0.0, -dy))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-9999.0)
    for r0 in range(0, rows, block):
        nr = min(block, rows - r0)
        lat = n - (np.arange(r0, r0 + nr) + 0.5) * dy
        lon = w + (np.arange(cols) + 0.5) * dx
        lo, la = np.meshgrid(lon, lat)
        band.WriteArray(np.round(height(lo, la), 1).astype(np.float32), 0, r0)
    band.SetDescription("SYNTHETIC elevation, metres (Frontline sample_data/make_dem.py)")
    ds.SetMetadataItem("SYNTHETIC", "yes: made-up terrain, not a survey")
    ds = None


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = args[0] if args else __file__.rsplit("/", 1)[0] + "/dem_toretsk.tif"
    cols, rows = round((EXTENT[2] - EXTENT[0]) / ARCSEC), round((EXTENT[3] - EXTENT[1]) / ARCSEC)
    ext = EXTENT
    for a in sys.argv[1:]:
        if a.startswith("--size="):
            cols, rows = (int(v) for v in a[7:].split("x"))
        if a.startswith("--extent="):
            ext = tuple(float(v) for v in a[9:].split(","))
    make(out, cols, rows, ext)
    print("%s: %d x %d cells" % (out, cols, rows))
