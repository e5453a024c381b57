"""tests/sql/test_pole_buffers.py - buffers and bands at high latitudes and
near the poles (docs/accuracy.md "Near the poles"). Oracle: pyproj's
geodesics on WGS84 only. A buffer whose input stays farther from a pole than
1.6 times the distance plus 30 km is valid and every point of every edge
(read straight in lon/lat) lies within max(1 m, 0.1 %) of the distance; one
that comes closer is refused with one sentence naming the limit, never a
wrong geometry. Points at 60-88 N and S, 50-1,000 km; lines at 70-85 N/S."""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402

con = T.connect()
G = T.G


def reach(d):
    return 1.6 * d + 30000.0


def pole_dist(lat):
    return G.inv(0.0, lat, 0.0, 90.0 if lat > 0 else -90.0)[2]


def lat_at(pole_m, south=False):
    """The latitude pole_m metres from a pole along a meridian."""
    lat = G.fwd(0.0, 90.0, 180.0, pole_m)[1]
    return -lat if south else lat


def unit(lon, lat):
    lo, la = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


class Near:
    """Distance to a lon/lat line densified every 50 m: candidates by chord
    length on the unit sphere (no trouble at the poles or 180), then pyproj."""

    def __init__(self, coords):
        pts = T.densify(coords, 50.0)
        self.lon = np.array([p[0] for p in pts])
        self.lat = np.array([p[1] for p in pts])
        self.xyz = unit(self.lon, self.lat)

    def dist(self, lon, lat):
        c = np.sum((self.xyz - unit(lon, lat)) ** 2, axis=1)
        idx = np.argpartition(c, 64)[:64] if len(c) > 64 else np.arange(len(c))
        n = len(idx)
        return float(np.min(G.inv(np.full(n, lon), np.full(n, lat), self.lon[idx], self.lat[idx])[2]))


def worst_edge(blob, dist_fn, d):
    """Worst |distance - d| / max(1 m, 0.1 % d) over the rings' vertices and
    points a quarter, half and three quarters along every edge (straight in
    lon/lat), and the number of samples."""
    g = T.ogr_geom(con, blob)
    worst, n = 0.0, 0
    for ring in T.parts(g):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            for t in (0.0, 0.25, 0.5, 0.75):
                x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                if abs(abs(x) - 180.0) < 1e-9:
                    continue  # a cut at +-180 is no edge of the buffer
                worst = max(worst, abs(dist_fn(x, y) - d) / max(1.0, 0.001 * d))
                n += 1
    return worst, n


def buffer(wkt, d):
    return con.execute("SELECT FL_Buffer(GeomFromText(?, 4326), ?)", (wkt, d)).fetchone()[0]


def valid(blob):
    return con.execute("SELECT ST_IsValid(?)", (blob,)).fetchone()[0] == 1


overall = 0.0
# Points just outside the limit (allowed) and just inside it (refused).
for d in (50e3, 200e3, 500e3, 1000e3):
    for south in (False, True):
        for lon in (30.0, 179.0):
            lat = lat_at(reach(d) * 1.01, south)
            wkt = "POINT(%r %r)" % (lon, lat)
            g = buffer(wkt, d)
            T.check(g is not None and valid(g), "point (%g, %.3f), %g m: a valid buffer" % (lon, lat, d))
            if g is None:
                continue
            w, n = worst_edge(g, lambda x, y: G.inv(lon, lat, x, y)[2], d)
            overall = max(overall, w)
            print("point (%g, %.3f) %4.0f km from the pole, %g m: worst edge error %.3f of the "
                  "tolerance over %d samples" % (lon, lat, pole_dist(lat) / 1000, d, w, n))
            T.check(w <= 1.0, "point (%g, %.3f), %g m: edges within max(1 m, 0.1 %%): %.3f" % (lon, lat, d, w))
            lat_in = lat_at(reach(d) * 0.99, south)
            err = T.error_of(con, "SELECT FL_Buffer(MakePoint(?, ?, 4326), ?)", (lon, lat_in, d))
            T.check(err is not None and "Pole" in err and "1.6 times the distance plus 30 km" in err,
                    "point (%g, %.3f), %g m is refused naming the limit: %r" % (lon, lat_in, d, err))

# The brief's cases: 89 N with 500 km, a 1,000 km buffer reaching the pole.
for lon, lat, d in ((30.0, 89.0, 500e3), (30.0, 81.0, 1000e3), (-60.0, -89.5, 20e3), (0.0, 90.0, 1e3)):
    err = T.error_of(con, "SELECT FL_Buffer(MakePoint(?, ?, 4326), ?)", (lon, lat, d))
    T.check(err is not None and "Pole" in err, "point (%g, %g), %g m is refused: %r" % (lon, lat, d, err))
    err = T.error_of(con, "SELECT * FROM FL_Bands(MakePoint(?, ?, 4326), ?)", (lon, lat, "%g" % d))
    T.check(err is not None and "Pole" in err, "bands of point (%g, %g), %g m are refused: %r"
            % (lon, lat, d, err))

# Lines at 70-85 N and S, 100-300 km: long geodesic edges that bulge poleward.
LINES = [([(0.0, 80.0), (90.0, 80.0)], 300e3), ([(20.0, 70.0), (40.0, 75.0)], 100e3),
         ([(-150.0, -78.0), (-100.0, -80.0), (-60.0, -76.0)], 200e3),
         ([(170.0, 72.0), (-170.0, 73.0)], 100e3)]
for coords, d in LINES:
    wkt = "LINESTRING(%s)" % ", ".join("%r %r" % c for c in coords)
    g = buffer(wkt, d)
    T.check(g is not None and valid(g), "line %s, %g m: a valid buffer" % (wkt, d))
    if g is None:
        continue
    near = Near(coords)
    w, n = worst_edge(g, near.dist, d)
    overall = max(overall, w)
    print("line %s, %g m: worst edge error %.3f of the tolerance over %d samples" % (wkt, d, w, n))
    T.check(w <= 1.0, "line %s, %g m: edges within max(1 m, 0.1 %%): %.3f" % (wkt, d, w))
    bands = con.execute("SELECT band, geometry FROM FL_Bands(GeomFromText(?, 4326), ?)",
                        (wkt, "%g,%g" % (d / 2, d))).fetchall()
    T.check(len(bands) == 2 and all(b is not None and valid(b) for _, b in bands),
            "line %s: two valid bands" % wkt)
print("worst edge error near the poles: %.3f of max(1 m, 0.1 %%)" % overall)
T.finish()
