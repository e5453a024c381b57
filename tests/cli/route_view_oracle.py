"""route_view_oracle.py ROUTES_GPKG LAYER VIEWSHED_GPKG -> per route name: km in view.

The oracle of tests/cli/test_route_view.sh: the routes are cut with the
seen ground (layer 'viewshed' of `frontline run viewshed`, as polygons) by OGR
(GEOS) in lon/lat, and the pieces measured with pyproj's geodesic line length.
Prints "name | km" lines.
"""
import sys

from osgeo import ogr
from pyproj import Geod

G = Geod(ellps="WGS84")


def km(geom):
    if geom is None or geom.IsEmpty():
        return 0.0
    n = geom.GetGeometryCount()
    if geom.GetGeometryType() in (ogr.wkbLineString, ogr.wkbLineString25D):
        pts = geom.GetPoints()
        return G.line_length([p[0] for p in pts], [p[1] for p in pts]) / 1000.0
    return sum(km(geom.GetGeometryRef(i)) for i in range(n))


ogr.UseExceptions()
rds, vds = ogr.Open(sys.argv[1]), ogr.Open(sys.argv[3])
routes = rds.GetLayerByName(sys.argv[2])
vs = vds.GetLayerByName("viewshed")
seen = None
for f in vs:
    g = f.GetGeometryRef().Clone()
    seen = g if seen is None else seen.Union(g)
for f in routes:
    g = f.GetGeometryRef()
    print(f.GetField("name"), "|", "%.6f" % km(g.Intersection(seen) if seen else None))
