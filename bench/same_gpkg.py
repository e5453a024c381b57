#!/usr/bin/python3
"""same_gpkg.py - are two GeoPackages the same, row by row?

Compares every feature table's rows (fid, geometry blob byte for byte, every
value and its SQLite type), its declared CREATE TABLE, gpkg_contents (all
but last_change), gpkg_geometry_columns, gpkg_spatial_ref_sys,
gpkg_extensions, the R*Tree index rows, and layer_styles (all but
update_time). Prints the first difference and exits 1; 0 when the same.
Usage: /usr/bin/python3 bench/same_gpkg.py A.gpkg B.gpkg
"""
import sqlite3
import sys


def rows(db, sql):
    return [tuple((type(v).__name__, v) for v in r) for r in db.execute(sql)]


def tables(db):
    return [r[0] for r in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")]


def queries(db):
    yield "layers", "SELECT table_name FROM gpkg_contents ORDER BY table_name"
    yield "contents", ("SELECT table_name, data_type, identifier, description, min_x, min_y, "
                       "max_x, max_y, srs_id FROM gpkg_contents ORDER BY table_name")
    yield "geometry_columns", "SELECT * FROM gpkg_geometry_columns ORDER BY table_name"
    yield "srs", "SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id"
    yield "extensions", "SELECT * FROM gpkg_extensions ORDER BY table_name, extension_name"
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'layer_styles'").fetchone():
        yield "styles", ("SELECT f_table_name, f_geometry_column, styleName, styleQML, "
                         "useAsDefault, description FROM layer_styles ORDER BY f_table_name")
    for t in tables(db):
        q = t.replace('"', '""')
        yield f"schema of {t}", f"SELECT sql FROM sqlite_master WHERE name = '{t}'"
        yield f"rows of {t}", f'SELECT * FROM "{q}" ORDER BY fid'
        yield f"rtree of {t}", f'SELECT * FROM "rtree_{q}_geom" ORDER BY id'


def main():
    a, b = (sqlite3.connect(f"file:{p}?mode=ro", uri=True) for p in sys.argv[1:3])
    n = 0
    for (what, qa), (_, qb) in zip(queries(a), queries(b)):
        ra, rb = rows(a, qa), rows(b, qb)
        if len(ra) != len(rb):
            print(f"{what}: {len(ra)} rows against {len(rb)}")
            return 1
        for i, (x, y) in enumerate(zip(ra, rb)):
            if x != y:
                print(f"{what}, row {i + 1}:\n  {x}\n  {y}")
                return 1
        n += len(ra)
    print(f"same: {n} rows compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
