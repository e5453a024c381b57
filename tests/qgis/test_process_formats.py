"""test_process_formats.py - qgis_process takes the formats of issue 14 as
input layers and hands them to the library by their OGR source: KMZ,
FlatGeobuf, CSV with a WKT column (and a .prj), ESRI JSON, GeoJSONSeq,
SpatiaLite and GeoPackage (the Shapefile and PostGIS runs are in
test_process_ogr_source.py and test_pyqgis_postgis.py). For each, the
settlements are written from sample_data/settlements.geojson by ogr2ogr, and
nearest-route through QGIS must give the rows the CLI gives on the same file
(compare_outputs) and, for every settlement, the distance the CLI gives on the
GeoJSON itself, to the bit (the expected values come from the GeoJSON run, not
from the format under test)."""
import json
import os
import sqlite3
import subprocess

import qgistest as T

T.require_qgis()
tmp = T.tmpdir("process_formats")
env = T.qgis_env(os.path.join(tmp, "profile"))
src = T.sample("settlements.geojson")


def ogr2ogr(*args):
    p = subprocess.run(["ogr2ogr"] + list(args), capture_output=True, text=True)
    return T.check(p.returncode == 0, "ogr2ogr %s: %s" % (" ".join(args), p.stderr[-300:]))


def esri_json(path):
    with open(src) as fh:
        g = json.load(fh)
    props = g["features"][0]["properties"]
    fields = [{"name": k, "type": "esriFieldTypeString" if isinstance(v, str)
               else "esriFieldTypeDouble"} for k, v in props.items()]
    feats = [{"attributes": f["properties"],
              "geometry": {"x": f["geometry"]["coordinates"][0],
                           "y": f["geometry"]["coordinates"][1]}} for f in g["features"]]
    with open(path, "w") as fh:
        json.dump({"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": 4326},
                   "fields": fields, "features": feats}, fh)
    return True


def distances(path):
    """name -> dist_m of a nearest-route output."""
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT name, dist_m FROM nearest_route"))
    finally:
        con.close()


inputs = {
    "KMZ": (os.path.join(tmp, "s.kmz"), lambda p: ogr2ogr("-f", "LIBKML", p, src)),
    "FlatGeobuf": (os.path.join(tmp, "s.fgb"), lambda p: ogr2ogr("-f", "FlatGeobuf", p, src)),
    "CSV": (os.path.join(tmp, "s.csv"),
            lambda p: ogr2ogr("-f", "CSV", "-lco", "GEOMETRY=AS_WKT", p, src)
            and ogr2ogr("-f", "ESRI Shapefile", os.path.join(tmp, "prj"), src)),
    "ESRIJSON": (os.path.join(tmp, "s_esri.json"), esri_json),
    "GeoJSONSeq": (os.path.join(tmp, "s.geojsonl"), lambda p: ogr2ogr("-f", "GeoJSONSeq", p, src)),
    "SpatiaLite": (os.path.join(tmp, "s.sqlite"),
                   lambda p: ogr2ogr("-f", "SQLite", "-dsco", "SPATIALITE=YES", p, src)),
    "GeoPackage": (os.path.join(tmp, "s.gpkg"), lambda p: ogr2ogr("-f", "GPKG", p, src)),
}

ref = os.path.join(tmp, "ref.gpkg")
rc, _, err = T.cli("run", "nearest-route", "--settlements", src, "--routes",
                   T.sample("routes.geojson"), "--output", ref, "--overwrite")
T.check(rc == 0, "CLI on the GeoJSON: %s" % err)
want = distances(ref) if rc == 0 else {}
T.check(len(want) == 50, "reference: %d settlements" % len(want))

for label, (path, make) in inputs.items():
    if not make(path):
        continue
    if label == "CSV":  # the CRS of a CSV comes from a .prj beside it
        with open(os.path.join(tmp, "prj", "settlements.prj")) as a, \
                open(path[:-4] + ".prj", "w") as b:
            b.write(a.read())
    cli_out = os.path.join(tmp, "cli_%s.gpkg" % label)
    rc, _, err = T.cli("run", "nearest-route", "--settlements", path, "--routes",
                       T.sample("routes.geojson"), "--output", cli_out, "--overwrite")
    if not T.check(rc == 0, "%s: CLI: %s" % (label, err)):
        continue
    out = os.path.join(tmp, "qgis_%s.gpkg" % label)
    rc, _, so, se = T.qgis_process(env, "run", "frontline:nearestroute",
                                   "--settlements=" + path,
                                   "--routes=" + T.sample("routes.geojson"), "--output=" + out)
    if not T.check(rc == 0, "%s: qgis_process: %s %s" % (label, so[-300:], se[-300:])):
        continue
    T.compare_outputs(cli_out, out, label)
    got = distances(out)
    bad = sorted(n for n in want if got.get(n) != want[n])
    T.check(not bad, "%s: distances differ from the GeoJSON's for %s" % (label, bad[:5]))
    print("%s: %d distances equal to the GeoJSON run's" % (label, len(want) - len(bad)))
T.finish()
