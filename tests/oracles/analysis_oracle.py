#!/usr/bin/python3
"""Expected values for tests/unit/check_analysis.c, from pyproj (WGS84
geodesics). Run with /usr/bin/python3. Geometry of the fixtures:

  UA ground: lon 37.0-37.5, lat 48.0-48.5; RU ground: lon 37.5-38.0 (same lats)
  front: the meridian 37.5 E (contact of the two)
  route: geodesic from (37.5, 48.25) east to (38.2, 48.25)
"""
from pyproj import Geod

g = Geod(ellps="WGS84")


def golden(f, a, b, it=100):
    for _ in range(it):
        m1, m2 = a + (b - a) * 0.381966, a + (b - a) * 0.618034
        if f(m1) < f(m2):
            b = m2
        else:
            a = m1
    return f(0.5 * (a + b))


def dist_to_meridian(lon, lat, mlon=37.5, lat0=47.0, lat1=49.5):
    # a meridian is a geodesic: minimise over its latitude
    return golden(lambda t: g.inv(lon, lat, mlon, t)[2], lat0, lat1)


print("meridian 37.5 from 48.0 to 48.5 m:", g.inv(37.5, 48.0, 37.5, 48.5)[2])
print("P1 (37.2, 48.25) to the front m:", dist_to_meridian(37.2, 48.25))
print("P2 (37.8, 48.25) to the front m:", dist_to_meridian(37.8, 48.25))
print("P1 to meridian 37.3 m:", dist_to_meridian(37.2, 48.25, 37.3))
print("P1 to meridian 37.0 m:", dist_to_meridian(37.2, 48.25, 37.0))

# Route crossings of 5, 10, 20, 40 km along the route geodesic
az, _, total = g.inv(37.5, 48.25, 38.2, 48.25)
print("route length m:", total)
prev = 0.0
for thr in (5000, 10000, 20000, 40000):
    f = lambda s: dist_to_meridian(*g.fwd(37.5, 48.25, az, s)[:2])
    lo, hi = 0.0, total
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if f(mid) < thr:
            lo = mid
        else:
            hi = mid
    print("band below %d m: km %.6f" % (thr, (lo - prev) / 1000))
    prev = lo
print("beyond 40 km: km %.6f" % ((total - prev) / 1000))

# Polygon settlement 37.40-37.52 x 48.20-48.30: share west of 37.5
lons = [37.40, 37.52, 37.52, 37.40, 37.40]
lats = [48.20, 48.20, 48.30, 48.30, 48.20]
whole = abs(g.polygon_area_perimeter(lons, lats)[0])
west = abs(g.polygon_area_perimeter([37.40, 37.50, 37.50, 37.40, 37.40], lats)[0])
print("share UA of S5:", west / whole)
