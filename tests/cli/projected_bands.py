"""tests/cli/projected_bands.py - band edges in a projected output CRS, from
OGR and pyproj only (never Frontline).

  projected_bands.py make FILE      writes FILE (GeoPackage, layer front, EPSG:32637,
                                    UTM 37N): a front of three straight edges of
                                    250-400 km around 39 E, 48 N
  projected_bands.py check FILE D1,D2,...
                                    prints srs (the EPSG code of FILE's layer), n
                                    (boundary samples) and worst: over every ring
                                    of every band, points 0, 1/4, 1/2 and 3/4 along
                                    each edge read straight in that CRS, moved back to
                                    lon/lat, their geodesic distance to the front
                                    (its edges geodesics between the lon/lat
                                    vertices, densified every 50 m) against the
                                    nearest band distance, as a fraction of
                                    max(1 m, 0.1 %) of it
"""
import sys

import numpy as np
from osgeo import ogr, osr
from pyproj import Geod, Transformer

ogr.UseExceptions()
G = Geod(ellps="WGS84")
LONLAT = [(35.0, 47.0), (38.5, 49.5), (42.0, 48.2), (45.5, 50.5)]
TO_UTM = Transformer.from_crs(4326, 32637, always_xy=True)
TO_LL = Transformer.from_crs(32637, 4326, always_xy=True)


def make(path):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32637)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lyr = ds.CreateLayer("front", srs, ogr.wkbLineString)
    line = ogr.Geometry(ogr.wkbLineString)
    for lon, lat in LONLAT:
        line.AddPoint_2D(*TO_UTM.transform(lon, lat))
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetGeometry(line)
    lyr.CreateFeature(f)
    ds = None


def unit(lon, lat):
    lo, la = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


class Front:
    def __init__(self):
        # The front as the tool reads it: the file's vertices moved to lon/lat,
        # edges geodesics between them.
        ll = [TO_LL.transform(*TO_UTM.transform(x, y)) for x, y in LONLAT]
        pts = [ll[0]]
        for (x0, y0), (x1, y1) in zip(ll, ll[1:]):
            n = int(G.inv(x0, y0, x1, y1)[2] // 50.0)
            pts.extend(G.npts(x0, y0, x1, y1, n))
            pts.append((x1, y1))
        self.lon = np.array([p[0] for p in pts])
        self.lat = np.array([p[1] for p in pts])
        self.xyz = unit(self.lon, self.lat)

    def dist(self, lon, lat):
        c = np.sum((self.xyz - unit(lon, lat)) ** 2, axis=1)
        idx = np.argpartition(c, 64)[:64]
        return float(np.min(G.inv(np.full(64, lon), np.full(64, lat), self.lon[idx], self.lat[idx])[2]))


def rings(g):
    if g.GetGeometryCount() == 0:
        return [g.GetPoints()]
    out = []
    for i in range(g.GetGeometryCount()):
        out.extend(rings(g.GetGeometryRef(i)))
    return out


def check(path, dists):
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    srs = lyr.GetSpatialRef()
    srs.AutoIdentifyEPSG()
    front = Front()
    worst, n = 0.0, 0
    for f in lyr:
        for ring in rings(f.GetGeometryRef()):
            for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:]):
                for t in (0.0, 0.25, 0.5, 0.75):
                    lon, lat = TO_LL.transform(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                    d = front.dist(lon, lat)
                    worst = max(worst, min(abs(d - b) / max(1.0, 0.001 * b) for b in dists))
                    n += 1
    print(srs.GetAuthorityCode(None), n, "%.4f" % worst)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], [float(v) for v in sys.argv[3].split(",")])
