#!/usr/bin/python3
"""memory_flat.py - peak resident memory of settlement-status on n points.

Writes a GeoPackage of n points (GPB blobs written here byte by byte, a
name per point) scattered over two control polygons (side A west of lon 38,
B east of it), runs `frontline run settlement-status --front-distance false`
(bench T1's path) as a child, and prints "<peak RSS in KB> <rows> <A> <B>"
from wait4()'s rusage and the output. The holder of each point follows from
its longitude, so the counts are checked here too.
Usage: memory_flat.py FRONTLINE WORKDIR N
"""
import json
import os
import random
import sqlite3
import struct
import subprocess
import sys


def points_gpkg(path, n):
    db = sqlite3.connect(path)
    db.executescript("""
      PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
        organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
      INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, 'undefined', NULL);
      CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
        description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL,
        srs_id INTEGER);
      INSERT INTO gpkg_contents VALUES ('pts', 'features', 'pts', '', '', 37, 48, 39, 49, 4326);
      CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
        geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
      INSERT INTO gpkg_geometry_columns VALUES ('pts', 'geom', 'POINT', 4326, 0, 0);
      CREATE TABLE pts (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, name TEXT);
    """)
    rnd = random.Random(13)
    east = 0

    def rows():
        nonlocal east
        for i in range(n):
            x, y = 37.0 + 2.0 * rnd.random(), 48.0 + rnd.random()
            if abs(x - 38.0) < 1e-6:
                x += 1e-5
            east += x > 38.0
            blob = b"GP\x00\x01" + struct.pack("<i", 4326) + struct.pack("<BIdd", 1, 1, x, y)
            yield (blob, f"building {i}")

    db.executemany("INSERT INTO pts (geom, name) VALUES (?, ?)", rows())
    db.commit()
    db.close()
    return n - east, east


def control_geojson(path):
    def poly(x0, x1):
        return {"type": "Polygon", "coordinates": [[[x0, 47.5], [x1, 47.5], [x1, 49.5],
                                                    [x0, 49.5], [x0, 47.5]]]}
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"side": "A"}, "geometry": poly(36.5, 38.0)},
        {"type": "Feature", "properties": {"side": "B"}, "geometry": poly(38.0, 39.5)}]}
    with open(path, "w") as f:
        json.dump(fc, f)


def main():
    exe, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pts, ctl, out = (os.path.join(work, f"{k}_{n}.{e}") for k, e in
                     (("pts", "gpkg"), ("control", "geojson"), ("out", "gpkg")))
    west, east = points_gpkg(pts, n)
    control_geojson(ctl)
    p = subprocess.Popen([exe, "--quiet", "--json", "run", "settlement-status", "--settlements",
                          pts + ":pts", "--control", ctl, "--front-distance", "false",
                          "--output", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    so, se = p.communicate()
    if p.returncode != 0:
        sys.exit(f"frontline failed ({p.returncode}): {se.decode()[:400]}")
    db = sqlite3.connect(out)
    a = db.execute("SELECT count(*) FROM settlement_status WHERE side = 'A'").fetchone()[0]
    b = db.execute("SELECT count(*) FROM settlement_status WHERE side = 'B'").fetchone()[0]
    rows = db.execute("SELECT count(*) FROM settlement_status").fetchone()[0]
    if (a, b) != (west, east):
        sys.exit(f"holders: A {a}, B {b}; expected A {west}, B {east} from the longitudes")
    print(peak_kb(p), rows, a, b)


_rusage = {}


def peak_kb(p):
    return _rusage[p.pid]


if __name__ == "__main__":
    # Popen.communicate() reaps the child; wait4 must come first: wrap waitpid.
    _waitpid = os.waitpid

    def waitpid(pid, options):
        if options == 0 and pid > 0:
            r_pid, status, usage = os.wait4(pid, options)
            _rusage[r_pid] = usage.ru_maxrss
            return r_pid, status
        return _waitpid(pid, options)

    os.waitpid = waitpid
    main()
