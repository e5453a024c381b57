#!/usr/bin/python3
"""Largest distance (m) from any vertex of layer A to the lines of layer B.

    /usr/bin/python3 near.py A_FILE A_SQL B_FILE B_SQL

Each SQL (SQLite dialect, run by OGR) selects the geometries to use. Every
vertex of A is measured in an azimuthal equidistant frame centred on it, where
distances from the centre are exact geodesic distances; B is densified along
geodesics every 50 m. Used by the CLI tests to check result geometry against
the sample data, independently of Frontline.
"""
import sys

from osgeo import ogr
from pyproj import Geod, Transformer

G = Geod(ellps="WGS84")


def lines(path, sql):
    ds = ogr.Open(path)
    lyr = ds.ExecuteSQL(sql, dialect="SQLite")
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        if g is None:
            continue
        g = g.Clone()
        g.FlattenTo2D()
        parts = [g] if g.GetGeometryCount() == 0 else \
            [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
        for p in parts:
            out.append([(p.GetX(i), p.GetY(i)) for i in range(p.GetPointCount())])
    ds.ReleaseResultSet(lyr)
    return out


def densify(c, step=50.0):
    out = [c[0]]
    for (x0, y0), (x1, y1) in zip(c, c[1:]):
        n = int(G.inv(x0, y0, x1, y1)[2] // step)
        if n:
            out.extend(G.npts(x0, y0, x1, y1, n))
        out.append((x1, y1))
    return out


def main():
    a = lines(sys.argv[1], sys.argv[2])
    b = [densify(c) for c in lines(sys.argv[3], sys.argv[4])]
    if not a or not b:
        print("nan")
        return
    worst = 0.0
    for part in a:
        for lon, lat in part:
            t = Transformer.from_crs("EPSG:4326",
                                     "+proj=aeqd +lat_0=%r +lon_0=%r +datum=WGS84 +units=m "
                                     "+type=crs" % (lat, lon), always_xy=True)
            pt = ogr.Geometry(ogr.wkbPoint)
            pt.AddPoint_2D(0, 0)
            best = float("inf")
            for c in b:
                xs, ys = t.transform([q[0] for q in c], [q[1] for q in c])
                ln = ogr.Geometry(ogr.wkbLineString)
                for x, y in zip(xs, ys):
                    ln.AddPoint_2D(x, y)
                best = min(best, pt.Distance(ln))
            worst = max(worst, best)
    print("%.1f" % worst)


if __name__ == "__main__":
    main()
