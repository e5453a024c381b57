"""prominence_oracle.py DEM LON LAT -> "height col prominence" of the peak at LON LAT.

The oracle of tests/cli/test_high_ground.sh, by another method than
core/raster/high_ground.c (flooding with union-find): the key col of a peak
of height h is the highest level L at which the peak's 8-connected region of
cells >= L (scipy.ndimage.label) still holds a cell higher than h; found by
bisection over the DEM's distinct heights. The highest peak: its height
above the DEM's lowest cell.
"""
import sys

import numpy as np
from osgeo import gdal
from scipy import ndimage

ds = gdal.Open(sys.argv[1])
gt = ds.GetGeoTransform()
z = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
c = int((float(sys.argv[2]) - gt[0]) / gt[1])
r = int((float(sys.argv[3]) - gt[3]) / gt[5])
h = z[r, c]
eight = np.ones((3, 3), dtype=bool)


def reaches_higher(level):
    lab, _ = ndimage.label(z >= level, structure=eight)
    return bool((z[lab == lab[r, c]] > h).any())


levels = np.unique(z[z <= h])
if not (z > h).any():
    col = z.min()
else:
    lo, hi = 0, len(levels) - 1  # reaches_higher(levels[lo]) holds; find the last that does
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if reaches_higher(levels[mid]):
            lo = mid
        else:
            hi = mid - 1
    col = levels[lo]
print("%.2f %.2f %.2f" % (h, col, h - col))
