#!/usr/bin/python3
"""gen.py - the Donbas-scale benchmark dataset, deterministic (fixed seed).

Writes DIR/donbas.gpkg (GeoPackage, with R-tree indexes) and DIR/donbas.sqlite
(SpatiaLite, with spatial indexes), both EPSG:4326, with the tables:
  front       1 line, ~1,200 km, 100,000 vertices, (37.9 E, 49.9 N) -> (33.0 E, 46.6 N)
  control     2 polygons (side A north-west, side B south-east of the front) that
              share the front and fill lon 32..40, lat 46..51
  settlements 30,000 points: name, population (lognormal)
  buildings   1,000,000 points clustered around the settlements: name
              (not spatially indexed unless --index-buildings)
  routes      20,000 lines of 5-50 km, 10-100 vertices: name, class (road/rail)
--scale multiplies the counts (front and control keep their shape).
Not here: running the benchmark (run.sh, tasks.py).

Usage: /usr/bin/python3 bench/gen.py [--scale 1.0] [--seed 20241008] [--out bench/data/s1]
Needs numpy, pyproj and sqlite3 with mod_spatialite (Debian's /usr/bin/python3).
"""
import argparse
import math
import os
import sqlite3
import struct
import sys
import time

import numpy as np
from pyproj import Geod, Transformer

BOX = (32.0, 46.0, 40.0, 51.0)
FRONT_FROM = (37.9, 49.9)
FRONT_TO = (33.0, 46.6)
FRONT_KM = 1200.0
FRONT_VERTICES = 100_000
SYLL = ["ka", "lo", "mi", "ne", "vo", "ro", "sha", "ty", "zo", "dru", "hor", "kiv",
        "pol", "yar", "lyn", "chas", "tor", "bil", "ste", "mar", "ni", "ve", "ka", "ivka"]
GEOD = Geod(ellps="WGS84")


# ---- geometry ---------------------------------------------------------------

def make_front(rng):
    """The front as lon/lat arrays: a graph over the straight chord in a local
    azimuthal equidistant frame (so it never crosses itself), its wiggle tuned
    until the geodesic length is FRONT_KM."""
    lon0 = (FRONT_FROM[0] + FRONT_TO[0]) / 2
    lat0 = (FRONT_FROM[1] + FRONT_TO[1]) / 2
    crs = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs +type=crs"
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    ax, ay = fwd.transform(*FRONT_FROM)
    bx, by = fwd.transform(*FRONT_TO)
    chord = math.hypot(bx - ax, by - ay)
    ux, uy = (bx - ax) / chord, (by - ay) / chord
    nx, ny = -uy, ux
    t = np.linspace(0.0, 1.0, FRONT_VERTICES)
    s = t * chord
    # large bends (fixed), then a wiggle whose amplitude sets the length
    env = np.sin(np.pi * t)  # endpoints stay put
    big = np.zeros_like(s)
    for wl, amp in ((400e3, 40e3), (150e3, 15e3), (50e3, 5e3)):
        big += amp * np.sin(2 * np.pi * s / wl + rng.uniform(0, 2 * np.pi))
    phases = rng.uniform(0, 2 * np.pi, 3)
    wig_shape = (np.sin(2 * np.pi * s / 9e3 + phases[0]) + 0.5 * np.sin(2 * np.pi * s / 3.1e3 + phases[1])
                 + 0.25 * np.sin(2 * np.pi * s / 0.9e3 + phases[2]))
    noise = np.cumsum(rng.normal(0, 1.0, s.size))
    noise -= np.linspace(noise[0], noise[-1], s.size)

    def offsets(k):
        return env * (big + k * wig_shape) + noise

    def planar_km(k):
        off = offsets(k)
        return float(np.hypot(np.diff(s), np.diff(off)).sum()) / 1000.0

    def solve(target):
        lo, hi = 0.0, 10e3
        for _ in range(50):
            k = (lo + hi) / 2
            lo, hi = (k, hi) if planar_km(k) < target else (lo, k)
        return (lo + hi) / 2

    def build(k):
        off = offsets(k)
        lon, lat = inv.transform(ax + ux * s + nx * off, ay + uy * s + ny * off)
        return np.asarray(lon), np.asarray(lat)

    # the frame's planar length is a close guess; two corrections make it geodesic
    target = FRONT_KM
    for _ in range(2):
        k = solve(target)
        lon, lat = build(k)
        target *= FRONT_KM / (GEOD.line_length(lon, lat) / 1000.0)
    k = solve(target)
    lon, lat = build(k)
    lon[0], lat[0] = FRONT_FROM
    lon[-1], lat[-1] = FRONT_TO
    return lon, lat


def make_control(flon, flat):
    """Two rings sharing the front: side A (north-west) and side B (south-east).
    The front is extended straight to the box edges: north to (38.3, 51), and
    south-west to (32.6, 46)."""
    x0, y0, x1, y1 = BOX
    top, bottom = (38.3, y1), (32.6, y0)
    line = [top] + list(zip(flon.tolist(), flat.tolist())) + [bottom]
    a = [(x0, y1)] + line + [(x0, y0), (x0, y1)]
    b = [(x1, y1), (x1, y0)] + line[::-1] + [(x1, y1)]
    if ring_area(a) > 0:  # counter-clockwise exterior rings
        pass
    else:
        a = a[::-1]
    if ring_area(b) < 0:
        b = b[::-1]
    return a, b


def ring_area(r):
    s = 0.0
    for (xa, ya), (xb, yb) in zip(r, r[1:]):
        s += xa * yb - xb * ya
    return s / 2


def make_settlements(rng, n):
    lon = rng.uniform(BOX[0] + 0.02, BOX[2] - 0.02, n)
    lat = rng.uniform(BOX[1] + 0.02, BOX[3] - 0.02, n)
    pop = np.maximum(10, np.round(rng.lognormal(math.log(600), 1.4, n))).astype(np.int64)
    k = len(SYLL)
    a, b, c = rng.integers(0, k, n), rng.integers(0, k, n), rng.integers(0, k, n)
    names = [f"{SYLL[a[i]].capitalize()}{SYLL[b[i]]}{SYLL[c[i]]}-{i}" for i in range(n)]
    return lon, lat, pop, names


def make_buildings(rng, n, slon, slat, spop):
    """Points scattered around settlements, more around bigger ones."""
    w = np.sqrt(spop.astype(float))
    idx = rng.choice(slon.size, n, p=w / w.sum())
    r_m = rng.exponential(400.0 + 8.0 * np.sqrt(spop[idx]), n)
    az = rng.uniform(0, 2 * np.pi, n)
    lat = slat[idx] + r_m * np.cos(az) / 111_320.0
    lon = slon[idx] + r_m * np.sin(az) / (111_320.0 * np.cos(np.radians(slat[idx])))
    lon = np.clip(lon, BOX[0] + 1e-6, BOX[2] - 1e-6)
    lat = np.clip(lat, BOX[1] + 1e-6, BOX[3] - 1e-6)
    return lon, lat


def make_routes(rng, n):
    """Random walks of 5-50 km with 10-100 vertices, kept inside the box."""
    out = []
    for i in range(n):
        km = rng.uniform(5, 50)
        nv = int(rng.integers(10, 101))
        step = km * 1000.0 / (nv - 1)
        lon, lat = rng.uniform(BOX[0] + 0.5, BOX[2] - 0.5), rng.uniform(BOX[1] + 0.4, BOX[3] - 0.4)
        head = rng.uniform(0, 2 * np.pi)
        turns = rng.normal(0, 0.25, nv)
        xs, ys = [lon], [lat]
        for v in range(1, nv):
            head += turns[v]
            lat += step * math.cos(head) / 111_320.0
            lon += step * math.sin(head) / (111_320.0 * math.cos(math.radians(lat)))
            xs.append(lon)
            ys.append(lat)
        cls = "rail" if rng.random() < 0.1 else "road"
        out.append((f"{'R' if cls == 'rail' else 'H'}-{i:05d}", cls, xs, ys))
    return out


# ---- blobs ------------------------------------------------------------------

def wkb_point(x, y):
    return struct.pack("<BIdd", 1, 1, x, y)


def wkb_line(xs, ys):
    n = len(xs)
    co = np.empty(2 * n)
    co[0::2], co[1::2] = xs, ys
    return struct.pack("<BII", 1, 2, n) + co.astype("<f8").tobytes()


def wkb_polygon(ring):
    co = np.asarray(ring, dtype="<f8").ravel()
    return struct.pack("<BIII", 1, 3, 1, len(ring)) + co.tobytes()


def gpb(wkb, env):
    """GeoPackage blob: header with envelope [minx, maxx, miny, maxy], then WKB."""
    minx, miny, maxx, maxy = env
    return b"GP\x00\x03" + struct.pack("<i4d", 4326, minx, maxx, miny, maxy) + wkb


GPB_POINT_HEAD = b"GP\x00\x01" + struct.pack("<i", 4326)  # envelope-less point (common)


def spl(wkb, env):
    """SpatiaLite blob from a little-endian WKB (single geometry, no collections)."""
    minx, miny, maxx, maxy = env
    return (struct.pack("<BBi4dB", 0, 1, 4326, minx, miny, maxx, maxy, 0x7C)
            + wkb[1:] + b"\xFE")


def env_of(xs, ys):
    return (min(xs), min(ys), max(xs), max(ys))


# ---- writers ----------------------------------------------------------------

GPKG_SRS_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]')


def gpkg_init(con):
    con.executescript(f"""
PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{GPKG_SRS_WKT}', NULL);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL);
""")


def gpkg_table(con, name, gtype, cols, rows, envs):
    """rows: tuples (geom_blob, *cols); envs: (minx, miny, maxx, maxy) per row."""
    t0 = time.time()
    coldef = "".join(f", {c} {t}" for c, t in cols)
    con.execute(f"CREATE TABLE {name} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {gtype}{coldef})")
    q = ",".join("?" * (1 + len(cols)))
    con.executemany(f"INSERT INTO {name} (geom{''.join(', ' + c for c, _ in cols)}) VALUES ({q})", rows)
    e = np.asarray(envs, dtype=float).reshape(-1, 4)
    ext = (e[:, 0].min(), e[:, 1].min(), e[:, 2].max(), e[:, 3].max())
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y,"
                " srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, 4326)", (name, name) + ext)
    con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)", (name, gtype))
    if os.environ.get("GEN_VERBOSE"):
        print(f"gen: gpkg {name}: {time.time() - t0:.1f} s", file=sys.stderr)


def gpkg_rtrees(path, tables):
    """R-tree indexes (with GDAL's triggers) through GDAL, which bulk-loads them:
    ~5x faster than row-by-row inserts into an rtree virtual table."""
    from osgeo import gdal
    gdal.UseExceptions()
    ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)
    for t in tables:
        t0 = time.time()
        ds.ExecuteSQL(f"SELECT CreateSpatialIndex('{t}', 'geom')")
        if os.environ.get("GEN_VERBOSE"):
            print(f"gen: gpkg {t} R-tree: {time.time() - t0:.1f} s", file=sys.stderr)
    ds = None


def spatialite_table(con, name, gtype, cols, rows, index=True):
    """Insert as plain blobs, then RecoverGeometryColumn: registering the column
    first would run its checking triggers on every insert (~4x slower)."""
    t0 = time.time()
    coldef = "".join(f", {c} {t}" for c, t in cols)
    con.execute(f"CREATE TABLE {name} (pk_uid INTEGER PRIMARY KEY AUTOINCREMENT{coldef}, geom BLOB)")
    q = ",".join("?" * (1 + len(cols)))
    con.executemany(f"INSERT INTO {name} (geom{''.join(', ' + c for c, _ in cols)}) VALUES ({q})", rows)
    if con.execute(f"SELECT RecoverGeometryColumn('{name}', 'geom', 4326, '{gtype}', 'XY')").fetchone()[0] != 1:
        sys.exit(f"gen: RecoverGeometryColumn failed on {name}")
    t1 = time.time()
    if index:
        con.execute(f"SELECT CreateSpatialIndex('{name}', 'geom')")
    if os.environ.get("GEN_VERBOSE"):
        print(f"gen: sqlite {name}: {t1 - t0:.1f} s + index {time.time() - t1:.1f} s", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=20241008)
    ap.add_argument("--out", default=None)
    ap.add_argument("--no-spatialite", action="store_true", help="write only the GeoPackage")
    ap.add_argument("--index-buildings", action="store_true",
                    help="also index the buildings (off: T1's polygons span the whole extent, so no "
                         "index can prune a point, and building one costs ~20 s per million)")
    a = ap.parse_args()
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", f"s{a.scale:g}")
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    rng = np.random.default_rng(a.seed)
    n_set = max(1, round(30_000 * a.scale))
    n_bld = max(1, round(1_000_000 * a.scale))
    n_rt = max(1, round(20_000 * a.scale))

    flon, flat = make_front(rng)
    ring_a, ring_b = make_control(flon, flat)
    slon, slat, spop, snames = make_settlements(rng, n_set)
    blon, blat = make_buildings(rng, n_bld, slon, slat, spop)
    routes = make_routes(rng, n_rt)
    t_make = time.time() - t0

    front_wkb = wkb_line(flon, flat)
    front_env = env_of(flon, flat)
    polys = []
    for side, ring in (("A", ring_a), ("B", ring_b)):
        xs, ys = zip(*ring)
        polys.append((side, wkb_polygon(ring), env_of(xs, ys)))
    route_rows = [(wkb_line(xs, ys), env_of(xs, ys), name, cls) for name, cls, xs, ys in routes]
    pt = struct.Struct("<BIdd")
    bpts = [pt.pack(1, 1, x, y) for x, y in zip(blon.tolist(), blat.tolist())]
    spts = [pt.pack(1, 1, x, y) for x, y in zip(slon.tolist(), slat.tolist())]

    def pt_env(lon, lat):
        return np.stack([lon, lat, lon, lat], axis=1)

    for kind in ("gpkg", "sqlite"):
        if kind == "sqlite" and a.no_spatialite:
            continue
        path = os.path.join(out, f"donbas.{kind}")
        tmp = path + ".tmp"
        if os.path.exists(tmp):
            os.remove(tmp)
        con = sqlite3.connect(tmp, isolation_level=None)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-2000000")
        if kind == "sqlite":
            con.enable_load_extension(True)
            con.load_extension("mod_spatialite")
            con.execute("SELECT InitSpatialMetadata(1)")  # commits on its own
        if kind == "gpkg":
            gpkg_init(con)  # executescript commits: before BEGIN
        con.execute("BEGIN")
        if kind == "gpkg":
            gpkg_table(con, "front", "LINESTRING", [("name", "TEXT")],
                       [(gpb(front_wkb, front_env), "front")], [front_env])
            gpkg_table(con, "control", "POLYGON",
                       [("side", "TEXT"), ("source", "TEXT"), ("date", "TEXT"), ("status", "TEXT")],
                       [(gpb(w, e), s, "bench", "2024-10-08", "controlled") for s, w, e in polys],
                       [e for _, _, e in polys])
            gpkg_table(con, "settlements", "POINT", [("name", "TEXT"), ("population", "INTEGER")],
                       [(GPB_POINT_HEAD + p, n, int(q)) for p, n, q in zip(spts, snames, spop)],
                       pt_env(slon, slat))
            gpkg_table(con, "buildings", "POINT", [("name", "TEXT")],
                       ((GPB_POINT_HEAD + p, f"b{i + 1}") for i, p in enumerate(bpts)), pt_env(blon, blat))
            gpkg_table(con, "routes", "LINESTRING", [("name", "TEXT"), ("class", "TEXT")],
                       [(gpb(w, e), n, c) for w, e, n, c in route_rows], [r[1] for r in route_rows])
        else:
            spatialite_table(con, "front", "LINESTRING", [("name", "TEXT")],
                             [(spl(front_wkb, front_env), "front")])
            spatialite_table(con, "control", "POLYGON",
                             [("side", "TEXT"), ("source", "TEXT"), ("date", "TEXT"), ("status", "TEXT")],
                             [(spl(w, e), s, "bench", "2024-10-08", "controlled") for s, w, e in polys])
            spatialite_table(con, "settlements", "POINT", [("name", "TEXT"), ("population", "INTEGER")],
                             [(spl(p, (x, y, x, y)), n, int(q))
                              for p, x, y, n, q in zip(spts, slon.tolist(), slat.tolist(), snames, spop)])
            spatialite_table(con, "buildings", "POINT", [("name", "TEXT")],
                             ((spl(p, (x, y, x, y)), f"b{i + 1}")
                              for i, (p, x, y) in enumerate(zip(bpts, blon.tolist(), blat.tolist()))),
                             index=a.index_buildings)
            spatialite_table(con, "routes", "LINESTRING", [("name", "TEXT"), ("class", "TEXT")],
                             [(spl(w, e), n, c) for w, e, n, c in route_rows])
        if con.in_transaction:
            con.execute("COMMIT")
        con.close()
        if kind == "gpkg":
            gpkg_rtrees(tmp, ("front", "control", "settlements", "routes")
                        + (("buildings",) if a.index_buildings else ()))
        os.replace(tmp, path)
    print(f"gen: scale {a.scale:g}: front {FRONT_VERTICES} vertices "
          f"({GEOD.line_length(flon, flat) / 1000:.1f} km), settlements {n_set}, buildings {n_bld}, "
          f"routes {n_rt}; made in {t_make:.1f} s, written in {time.time() - t0 - t_make:.1f} s -> {out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
