"""truth.py - reference answers for the benchmark, from pyproj's geodesics only
(never from Frontline), on samples of features:
  distance of a settlement to the front (T2), its nearest route (T3), and the
  km of a route within a distance of the front (T5).
Every distance is geodesic on WGS84 (pyproj.Geod, GeographicLib). Candidates
are picked in a local planar frame with a generous margin, then measured on
the ellipsoid; segments are densified along the geodesic and the minimum is
refined by golden-section search, so the answers are good to centimetres.
Not here: running tools (tasks.py).
"""
import math
import sqlite3
import struct

import numpy as np
from pyproj import Geod
from scipy.spatial import cKDTree

GEOD = Geod(ellps="WGS84")
LAT0 = 48.5  # frame for candidate search only
KX = 111_320.0 * math.cos(math.radians(LAT0))
KY = 110_950.0


def _xy(lon, lat):
    return np.asarray(lon) * KX, np.asarray(lat) * KY


def read_lines(gpkg, table):
    """{fid: (lon array, lat array)} from a GeoPackage table of LINESTRINGs."""
    con = sqlite3.connect(gpkg)
    out = {}
    for fid, blob in con.execute(f"SELECT fid, geom FROM {table}"):
        env = (blob[3] >> 1) & 7
        off = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[env]
        n = struct.unpack_from("<I", blob, off + 5)[0]
        co = np.frombuffer(blob, dtype="<f8", count=2 * n, offset=off + 9)
        out[fid] = (co[0::2].copy(), co[1::2].copy())
    con.close()
    return out


def read_points(gpkg, table, where=""):
    """{fid: (lon, lat)}; points written by gen.py (envelope-less GPB)."""
    con = sqlite3.connect(gpkg)
    out = {}
    for fid, blob in con.execute(f"SELECT fid, geom FROM {table} {where}"):
        env = (blob[3] >> 1) & 7
        off = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[env]
        out[fid] = struct.unpack_from("<dd", blob, off + 5)
    con.close()
    return out


def _seg_min(lon, lat, a, b):
    """Geodesic distance from (lon, lat) to the geodesic segment a-b (lon, lat pairs)."""
    _, _, L = GEOD.inv(a[0], a[1], b[0], b[1])
    if L < 1e-6:
        return GEOD.inv(lon, lat, a[0], a[1])[2]
    n = max(3, min(200, int(L / 25.0) + 2))
    pts = np.array([a] + list(GEOD.npts(a[0], a[1], b[0], b[1], n - 2)) + [b])
    d = GEOD.inv(np.full(n, lon), np.full(n, lat), pts[:, 0], pts[:, 1])[2]
    k = int(np.argmin(d))
    # golden-section on the geodesic parameter around the best sample
    az = GEOD.inv(a[0], a[1], b[0], b[1])[0]
    step = L / (n - 1)
    lo, hi = max(0.0, (k - 1) * step), min(L, (k + 1) * step)

    def f(s):
        x, y, _ = GEOD.fwd(a[0], a[1], az, s)
        return GEOD.inv(lon, lat, x, y)[2]

    g = (math.sqrt(5) - 1) / 2
    c, d2 = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = f(c), f(d2)
    for _ in range(60):
        if hi - lo < 1e-3:
            break
        if fc < fd:
            hi, d2, fd = d2, c, fc
            c = hi - g * (hi - lo)
            fc = f(c)
        else:
            lo, c, fc = c, d2, fd
            d2 = lo + g * (hi - lo)
            fd = f(d2)
    return min(float(d.min()), fc, fd, f(0.0), f(L))


class LineSet:
    """Segments of many lines, for nearest-segment queries on the ellipsoid."""

    def __init__(self, lines):
        a, b, owner = [], [], []
        for fid, (lon, lat) in lines.items():
            for i in range(len(lon) - 1):
                a.append((lon[i], lat[i]))
                b.append((lon[i + 1], lat[i + 1]))
                owner.append(fid)
        self.a, self.b = np.array(a), np.array(b)
        self.owner = np.array(owner)
        ax, ay = _xy(self.a[:, 0], self.a[:, 1])
        bx, by = _xy(self.b[:, 0], self.b[:, 1])
        self.mid = cKDTree(np.column_stack([(ax + bx) / 2, (ay + by) / 2]))
        self.rmax = float((np.hypot(bx - ax, by - ay) / 2).max()) + 1.0

    def _local(self, lon, lat, idx):
        """Planar distance in an equirectangular frame at the query's latitude
        (good to ~0.1 % within tens of km: used only to rank)."""
        kx = 111_320.0 * math.cos(math.radians(lat))
        ax, ay = (self.a[idx, 0] - lon) * kx, (self.a[idx, 1] - lat) * KY
        bx, by = (self.b[idx, 0] - lon) * kx, (self.b[idx, 1] - lat) * KY
        vx, vy = bx - ax, by - ay
        l2 = vx * vx + vy * vy
        t = np.clip(-(ax * vx + ay * vy) / np.where(l2 > 0, l2, 1.0), 0, 1)
        return np.hypot(ax + t * vx, ay + t * vy)

    def nearest(self, lon, lat, keep=8):
        """(distance m, owner fid) of the nearest segment."""
        x, y = _xy(lon, lat)
        _, idx = self.mid.query([x, y], k=min(64, len(self.owner)))
        est = self._local(lon, lat, np.atleast_1d(idx)).min()
        # the global frame is stretched by up to ~6 % across the box
        cand = np.array(self.mid.query_ball_point([x, y], est * 1.15 + 500 + self.rmax))
        pl = self._local(lon, lat, cand)
        order = np.argsort(pl)
        cand, pl = cand[order], pl[order]
        cand = cand[(pl <= pl[0] * 1.01 + 20) | (np.arange(len(cand)) < keep)]
        best, owner = math.inf, None
        for i in cand:
            d = _seg_min(lon, lat, self.a[i], self.b[i])
            if d < best:
                best, owner = d, int(self.owner[i])
        return best, owner


class FrontVerts:
    """A dense line (vertices metres apart): nearest distance by its vertices,
    refined on the two segments next to the nearest one."""

    def __init__(self, lon, lat):
        self.lon, self.lat = np.asarray(lon), np.asarray(lat)
        self.tree = cKDTree(np.column_stack(_xy(self.lon, self.lat)))

    def nearest(self, lon, lat, refine=True):
        x, y = _xy(lon, lat)
        est, _ = self.tree.query([x, y], k=1)
        # the frame is stretched by up to ~6 % across the box: take every
        # vertex within 15 % + 1 km of the planar nearest, then measure them all
        idx = np.array(self.tree.query_ball_point([x, y], est * 1.15 + 1000.0))
        d = GEOD.inv(np.full(idx.size, lon), np.full(idx.size, lat), self.lon[idx], self.lat[idx])[2]
        k = int(idx[int(np.argmin(d))])
        best = float(d.min())
        if refine:
            for j in (k - 1, k):
                if 0 <= j < self.lon.size - 1:
                    best = min(best, _seg_min(lon, lat, (self.lon[j], self.lat[j]),
                                              (self.lon[j + 1], self.lat[j + 1])))
        return best, 1


def _within(self, lon, lat, limit_m):
    """Distance to the line where it matters for a threshold: exact (by
    vertices) within 10 % + 2 km of limit_m, else the planar estimate, whose
    error (< 7 %) cannot move it across the threshold."""
    x, y = _xy(lon, lat)
    est, _ = self.tree.query([x, y], k=1)
    if est * 0.93 > limit_m * 1.1 + 2000.0 or est * 1.07 < limit_m * 0.9 - 2000.0:
        return float(est)
    return self.nearest(lon, lat, refine=False)[0]


FrontVerts.within = _within


def route_km_within(lon, lat, front, limit_m, step_m=20.0):
    """Length (m) of a route (geodesic segments) closer than limit_m to the
    front (a FrontVerts: its vertices are ~12 m apart, so the distance by
    vertices errs by under (6 m)^2 / 2d, millimetres at the threshold)."""
    total = 0.0
    for i in range(len(lon) - 1):
        az, _, L = GEOD.inv(lon[i], lat[i], lon[i + 1], lat[i + 1])
        n = max(1, int(math.ceil(L / step_m)))
        s = np.linspace(0, L, n + 1)
        pts = [GEOD.fwd(lon[i], lat[i], az, v)[:2] for v in s]
        d = np.array([front.within(p[0], p[1], limit_m) for p in pts])
        for k in range(n):
            da, db, h = d[k], d[k + 1], s[k + 1] - s[k]
            if da < limit_m and db < limit_m:
                total += h
            elif da < limit_m or db < limit_m:  # crossing: linear interpolation
                t = (limit_m - da) / (db - da)
                total += h * (t if da < limit_m else 1 - t)
    return total
