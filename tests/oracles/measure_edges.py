#!/usr/bin/python3
"""tests/oracles/measure_edges.py - the worst error per case of issue 11
(docs/accuracy.md "Before and after"), for any build of mod_frontline:

  /usr/bin/python3 tests/oracles/measure_edges.py MODULE SAMPLE_DATA

Prints one line per case. Every expected value comes from pyproj (edge_oracle,
band_oracle, sqltest's densified lines) or hand geometry, never Frontline, so
the same script measures an old build ("before") and today's ("after"). A
call that fails prints its error instead of a figure. Not a ctest (it asserts
nothing); the tests that hold the figures are tests/sql/test_exact_edges.py,
test_band_edges.py and test_pole_buffers.py, tests/unit/check_edges.c and
tests/cli/test_bands.sh."""
import math
import os
import random
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sql"))
sys.path.insert(0, HERE)
import sqltest as T  # noqa: E402
import edge_oracle as E  # noqa: E402
import band_oracle as B  # noqa: E402

con = T.connect()
G = T.G


def wkt_line(coords):
    return "LINESTRING(%s)" % ", ".join("%.12f %.12f" % c for c in coords)


def dist(p, wkt):
    return con.execute("SELECT FL_Distance(MakePoint(?, ?, 4326), GeomFromText(?, 4326))",
                       (p[0], p[1], wkt)).fetchone()[0]


def guarded(fn):
    try:
        return fn()
    except sqlite3.Error as e:
        return "error: " + str(e).split("\n")[0][:120]


def tol(d):
    return max(1.0, 0.001 * d)


# 1. Points on and near long edges (tests/sql/test_exact_edges.py's cases).
def case_edges():
    worst = {}
    for a, b, p, want, label in E.cases():
        km = int(label.split()[0])
        err = abs(dist(p, wkt_line([a, b])) - want)
        on = "on" if want == 0 else "off"
        key = (km, on)
        worst[key] = max(worst.get(key, 0.0), err)
    for km in E.LENGTHS_KM:
        print("1 edges %5d km: point on the edge worst %.4f m, 500 m-20 km off worst %.4f m"
              % (km, worst[(km, "on")], worst[(km, "off")]))


# 2. Far candidates: a 1,500 km edge 30 km from P beside a piece farther by
# gap metres, the frame's centre pulled 3,000 km away by a third part.
def case_far():
    worst = 0.0
    for frac in (0.2, 0.5, 0.8, 0.95):
        for gap in (20.0, 50.0, 100.0, 200.0):
            a, b = E.edge(20.0, 60.0, 90.0, 1500e3)
            p = E.point_off(a, b, frac, 30000.0)
            want = E.seg_min(p, a, b)
            far = E.point_off(a, b, frac, 30000.0 + 30000.0 + gap)
            q = E.point_off(a, b, frac, 60000.0 + gap + 100.0)
            multi = "MULTILINESTRING((%r %r, %r %r), (%r %r, %r %r), (-10 30, -9 30))" % (
                a[0], a[1], b[0], b[1], far[0], far[1], q[0], q[1])
            worst = max(worst, dist(p, multi) - want)
    print("2 far candidate: worst excess over the true 30 km %.4f m (%.4f %%)" % (worst, worst / 300.0))


# 3. A front across 180 (test_exact_edges.py's fronts and points).
def case_antimeridian():
    worst = 0.0
    for lat in (48.0, 66.0, -40.0):
        front = [(170.0, lat), (175.0, lat + 1.0), (-178.0, lat - 0.5), (-170.0, lat + 0.3)]
        for px, dy in [(178.5, 0.4), (-175.0, -0.9), (179.9, 2.0), (171.0, -1.5)]:
            p = (px, lat + dy)
            want = min(E.seg_min(p, front[i], front[i + 1]) for i in range(3))
            worst = max(worst, abs(dist(p, wkt_line(front)) - want) / want)
    print("3 front across 180: worst relative error %.4f %%" % (100 * worst))


# 3b. A wiggly front of 80 short edges along 65 N from 176 E to 176 W, one
# line with a jump at 180 (tests/cli/antimeridian.py's front).
def case_antimeridian_wiggly():
    wrap = lambda x: x - 360.0 if x > 180.0 else x
    front = [(176.0 + i * 0.1, 65.0 + 0.2 * math.sin(i / 5.0)) for i in range(81)]
    wkt = wkt_line([(wrap(x), y) for x, y in front])
    rnd = random.Random(3)
    worst = 0.0
    for _ in range(30):
        p = (rnd.uniform(176.5, 183.5), 65.0 + rnd.uniform(-1.0, 1.0))
        want = min(E.seg_min(p, a, b, n=100) for a, b in zip(front, front[1:]))
        worst = max(worst, abs(dist((wrap(p[0]), p[1]), wkt) - want) / want)
    print("3 wiggly front across 180 (80 edges): worst relative error %.4f %%" % (100 * worst))


def bands(front_wkt, dists, side):
    rows = con.execute("SELECT band, geometry FROM FL_Bands(GeomFromText(?, 4326), ?, ?)",
                       (front_wkt, ",".join("%g" % d for d in dists), side)).fetchall()
    return {b: g for b, g in rows}


def contains(g, p):
    return g is not None and con.execute("SELECT ST_Contains(?, MakePoint(?, ?, 4326))",
                                         (g, p[0], p[1])).fetchone()[0] == 1


def boundary_worst(geoms, lines, dists, step_m=1000.0):
    """Worst |distance - nearest band distance| / max(1 m, 0.1 %) over points
    along every band edge read straight in lon/lat (at least 4 per edge, one
    per step_m), and the same in metres at that point."""
    worst, worst_m, n = 0.0, 0.0, 0
    for g in geoms.values():
        if g is None:
            continue
        for ring in T.parts(T.ogr_geom(con, g)):
            for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                k = max(4, int(G.inv(x0, y0, x1, y1)[2] // step_m))
                for i in range(k):
                    t = i / k
                    d = lines.dist(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                    b = min(dists, key=lambda v: abs(d - v))
                    e = abs(d - b) / tol(b)
                    n += 1
                    if e > worst:
                        worst, worst_m = e, abs(d - b)
    return worst, worst_m, n


# 4. Band edges between far-apart vertices (band_oracle's front of ~500 km
# edges): points 0.3 % inside and outside each edge, and the edges themselves.
def case_band_edges():
    dists = [10000.0, 40000.0]
    front = wkt_line(B.FRONT)
    pts = B.samples(dists)
    lines = T.Lines([B.FRONT], step_m=50.0)
    for side in ("both", "left", "right"):
        geoms = bands(front, dists, side)
        wrong = sum(1 for p, d, s in pts if
                    [b for b, g in geoms.items() if contains(g, p)] != (
                        [] if B.band_of(d, s, dists, side) is None else [B.band_of(d, s, dists, side)]))
        npoly = [con.execute("SELECT ST_NumGeometries(?)", (g,)).fetchone()[0] for g in geoms.values()]
        msg = "4 bands %-5s: %d of %d points 0.3 %% in/out misplaced, polygons per band %r" % (
            side, wrong, len(pts), npoly)
        if side == "both":
            w, wm, n = boundary_worst(geoms, lines, dists)
            msg += "; band edges read straight in lon/lat: worst %.1f m = %.2f x max(1 m, 0.1 %%) (%d samples)" % (
                wm, w, n)
        print(msg)


def digitised_front(seed=11, length_km=2000.0):
    """A front of ~2,000 km digitised with edges of 20-100 km, 45-53 N."""
    rnd = random.Random(seed)
    pts, (lon, lat), az, total = [(25.0, 49.0)], (25.0, 49.0), 95.0, 0.0
    while total < length_km * 1000:
        s = rnd.uniform(20e3, 100e3)
        az = max(50.0, min(130.0, az + rnd.uniform(-35, 35)))
        lon, lat, _ = G.fwd(lon, lat, az, s)
        pts.append((lon, lat))
        total += s
    return pts


def case_realistic():
    f = digitised_front()
    lines = T.Lines([f], step_m=50.0)
    geoms = bands(wkt_line(f), [10000.0], "both")
    w, wm, n = boundary_worst(geoms, lines, [10000.0])
    L = sum(G.inv(a[0], a[1], b[0], b[1])[2] for a, b in zip(f, f[1:])) / 1e3
    nv = sum(len(r) for g in geoms.values() for r in T.parts(T.ogr_geom(con, g)))
    print("4 digitised front (%d edges of 20-100 km, %.0f km): 10 km band edge worst %.1f m = %.2f x tol, "
          "%d vertices" % (len(f) - 1, L, wm, w, nv))


# 5. One side: ground 5-300 m from the line along long edges belongs to that
# side's first band; each side's area of a single 500 km edge is d L
# (a geodesic's parallel strip: d L (1 - K d^2 / 6), 1e-5 here, flat ends).
def case_one_side():
    dists = [10000.0, 40000.0]
    front = wkt_line(B.FRONT)
    rnd = random.Random(7)
    near = []
    for _ in range(24):
        i = rnd.randrange(len(B.FRONT) - 1)
        frac = rnd.uniform(0.05, 0.95)
        for off in (5.0, 50.0, 150.0, 300.0):
            near.append((i, frac, off))
    for side, sgn in (("left", 1.0), ("right", -1.0)):
        geoms = bands(front, dists, side)
        miss = sum(1 for i, frac, off in near
                   if not contains(geoms.get(0), E.point_off(B.FRONT[i], B.FRONT[i + 1], frac, sgn * off)))
        print("5 %-5s bands: %d of %d points 5-300 m %s of the line outside band 0" % (
            side, miss, len(near), side))
    a, b = E.edge(30.0, 48.0, 70.0, 500e3)
    for d in dists:
        worst = 0.0
        for side in ("left", "right"):
            g = con.execute("SELECT FL_Buffer(GeomFromText(?, 4326), ?, ?)",
                            (wkt_line([a, b]), d, side)).fetchone()[0]
            area = T.geodesic_area_km2(T.ogr_geom(con, g))
            worst = max(worst, abs(area - d * 500.0 / 1000.0) / (d * 500.0 / 1000.0))
        print("5 one-sided buffer of a 500 km edge by %g km: worst area error %.4f %%" % (d / 1000, 100 * worst))


# 6. Buffers across 180 (test_band_edges.py's line): valid, cut, area.
def case_180():
    L = G.inv(178.5, 65.0, -178.5, 65.3)[2] / 1000.0
    want = 2 * 20 * L + math.pi * 20 ** 2
    mid_lat = G.npts(178.5, 65.0, -178.5, 65.3, 1)[0][1]
    for label, wkt in [("one line", "LINESTRING(178.5 65, -178.5 65.3)"),
                       ("split", "MULTILINESTRING((178.5 65, 180 %r), (-180 %r, -178.5 65.3))"
                        % (mid_lat, mid_lat))]:
        for fn in ("FL_Buffer(GeomFromText(?, 4326), 20000)",
                   "(SELECT geometry FROM FL_Bands(GeomFromText(?, 4326), '20000'))"):
            def run():
                g = con.execute("SELECT " + fn, (wkt,)).fetchone()[0]
                og = T.ogr_geom(con, g)
                a = T.geodesic_area_km2(og)
                return "valid %d, %d parts, area error %+.4f %%" % (
                    og.IsValid(), og.GetGeometryCount(), 100 * (a - want) / want)
            name = "FL_Bands" if "FL_Bands" in fn else "FL_Buffer"
            print("6 across 180, %-8s %-9s: %s" % (label, name, guarded(run)))


for case in (case_edges, case_far, case_antimeridian, case_antimeridian_wiggly, case_band_edges, case_realistic, case_one_side,
             case_180):
    r = guarded(case)
    if r:
        print(case.__name__, r)
