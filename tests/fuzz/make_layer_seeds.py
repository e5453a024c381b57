#!/usr/bin/python3
"""make_layer_seeds.py - writes the seed inputs of the layer-reader fuzz
targets (fuzz_layer.c) into tests/fuzz/layers/{geojson,gpkg,sqlite}/.

GeoJSON seeds are small hand-written collections; GeoPackage and SpatiaLite
seeds are minimal databases (512-byte pages, only the tables the readers
consult) holding real blobs from tests/fuzz/corpus/, so that the fuzzer
mutates files of a few kilobytes. Run with /usr/bin/python3 (plain sqlite3).
"""
import json, os, sqlite3, sys

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "layers")
corpus = os.path.join(here, "corpus")

def blob(name):
    with open(os.path.join(corpus, name), "rb") as f:
        return f.read()

def geojson():
    d = os.path.join(out, "geojson"); os.makedirs(d, exist_ok=True)
    seeds = {
        "line.geojson": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": 1, "properties": {"name": "a", "side": "UA", "n": 2.5},
             "geometry": {"type": "LineString", "coordinates": [[37.8, 48.3], [37.9, 48.4]]}}]},
        "polygon_crs.geojson": {"type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}},
            "features": [{"type": "Feature", "properties": {"side": "RU"}, "geometry": {
                "type": "Polygon", "coordinates": [[[411000, 5350000], [412000, 5350000],
                                                    [412000, 5351000], [411000, 5350000]]]}}]},
        "multi.geojson": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": None, "geometry": {"type": "MultiPoint",
             "coordinates": [[37.8, 48.3], [37.81, 48.31, 100]]}},
            {"type": "Feature", "properties": {"x": True}, "geometry": {"type": "GeometryCollection",
             "geometries": [{"type": "Point", "coordinates": [1, 2]},
                            {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]}]}}]},
        "feature.geojson": {"type": "Feature", "properties": {"k": [1, {"a": "b"}]},
                            "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]]]}},
        "point.geojson": {"type": "Point", "coordinates": [37.8, 48.3]},
    }
    for name, obj in seeds.items():
        with open(os.path.join(d, name), "w") as f:
            json.dump(obj, f)

def small_db(path):
    if os.path.exists(path): os.remove(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size = 512")
    return con

def finish(con):
    con.commit(); con.execute("VACUUM"); con.close()

def gpkg():
    d = os.path.join(out, "gpkg"); os.makedirs(d, exist_ok=True)
    sets = {"lines.gpkg": ("LINESTRING", 4326, ["gpkg_sample_front_1.bin", "gpkg_line_xyz.bin"]),
            "polygons.gpkg": ("MULTIPOLYGON", 4326, ["gpkg_sample_control_1.bin", "gpkg_polygon_xy.bin"]),
            "points_32637.gpkg": ("POINT", 32637, ["gpkg_point_xy.bin", "gpkg_point_empty_xy.bin"])}
    for name, (gtype, srid, blobs) in sets.items():
        con = small_db(os.path.join(d, name))
        con.executescript("""
          CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
          CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
            description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL,
            srs_id INTEGER);
          CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
            geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
          CREATE TABLE t (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT, side TEXT, n REAL);
        """)
        con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('x', ?, 'EPSG', ?, 'undefined', '')",
                    (srid, srid))
        con.execute("INSERT INTO gpkg_contents VALUES ('t','features','t','','',0,0,0,0,?)", (srid,))
        con.execute("INSERT INTO gpkg_geometry_columns VALUES ('t','geom',?,?,0,0)", (gtype, srid))
        for i, b in enumerate(blobs):
            con.execute("INSERT INTO t VALUES (?,?,?,?,?)", (i + 1, blob(b), "n%d" % i, "UA", 1.5))
        finish(con)

def spatialite():
    d = os.path.join(out, "sqlite"); os.makedirs(d, exist_ok=True)
    sets = {"lines.sqlite": ("LINESTRING", 2, 4326, ["spatialite_line_xy.bin",
                                                     "spatialite_compressed_line_xyz.bin"]),
            "polygons.sqlite": ("POLYGON", 3, 4326, ["spatialite_polygon_xy.bin",
                                                     "spatialite_compressed_polygon_xym.bin"]),
            "points.sqlite": ("POINT", 1, 32637, ["spatialite_makepoint_32637.bin",
                                                  "spatialite_tinypoint_xy.bin"])}
    for name, (gtype, code, srid, blobs) in sets.items():
        con = small_db(os.path.join(d, name))
        con.executescript("""
          CREATE TABLE geometry_columns (f_table_name TEXT, f_geometry_column TEXT,
            geometry_type INTEGER, coord_dimension INTEGER, srid INTEGER, spatial_index_enabled INTEGER);
          CREATE TABLE t (pk INTEGER PRIMARY KEY, geom BLOB, name TEXT, side TEXT);
        """)
        con.execute("INSERT INTO geometry_columns VALUES ('t','geom',?,2,?,0)", (code, srid))
        for i, b in enumerate(blobs):
            con.execute("INSERT INTO t VALUES (?,?,?,?)", (i + 1, blob(b), "n%d" % i, "RU"))
        finish(con)

geojson(); gpkg(); spatialite()
