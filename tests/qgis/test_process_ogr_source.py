"""test_process_ogr_source.py - qgis_process hands input layers to the library
by their OGR source (issue 14): a Shapefile, and a GeoPackage
layer with a subset string ('path|layername=x|subset=...'), given on the
qgis_process command line. The filtered run writes exactly the settlements
the filter keeps (expected from the GeoJSON with Python, not from
Frontline), the same rows as the CLI writes for the same data-source string;
the Shapefile run equals the CLI's on the GeoJSON."""
import json
import os
import subprocess

import qgistest as T

T.require_qgis()
tmp = T.tmpdir("process_ogr_source")
env = T.qgis_env(os.path.join(tmp, "profile"))

gpkg = os.path.join(tmp, "inputs.gpkg")
shp = os.path.join(tmp, "routes.shp")
for cmd in (["ogr2ogr", "-f", "GPKG", gpkg, T.sample("settlements.geojson"), "-nln", "places"],
            ["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", shp,
             T.sample("routes.geojson")]):
    p = subprocess.run(cmd, capture_output=True, text=True)
    T.check(p.returncode == 0, "%s: %s" % (" ".join(cmd), p.stderr[-300:]))

with open(T.sample("settlements.geojson")) as fh:
    want = sorted(f["properties"]["name"] for f in json.load(fh)["features"]
                  if f["properties"]["population"] > 20000)
source = gpkg + '|layername=places|subset="population" > 20000'
out = os.path.join(tmp, "filtered.gpkg")
rc, res, so, se = T.qgis_process(env, "run", "frontline:nearestroute",
                                 "--settlements=" + source, "--routes=" + shp,
                                 "--output=" + out)
T.check(rc == 0, "qgis_process with a subset string: %s %s" % (so[-300:], se[-300:]))
got = T.read_layers(out) if rc == 0 else {}
rows = got.get("nearest_route", (None, []))[1] if got else []
ids = sorted(r[1].get("name") for r in rows)
T.check(len(want) > 0 and ids == want, "filtered settlements %s, expected %s" % (ids, want))

cli_out = os.path.join(tmp, "filtered_cli.gpkg")
rc, _, err = T.cli("run", "nearest-route", "--settlements", source, "--routes", shp,
                   "--output", cli_out, "--overwrite")
T.check(rc == 0, "CLI with the same data-source string: %s" % err)
if rc == 0 and got:
    T.compare_outputs(cli_out, out, "subset string")

ref = os.path.join(tmp, "ref_cli.gpkg")
rc, _, err = T.cli("run", "nearest-route", "--settlements", T.sample("settlements.geojson"),
                   "--routes", T.sample("routes.geojson"), "--output", ref, "--overwrite")
T.check(rc == 0, "CLI on the GeoJSON: %s" % err)
out = os.path.join(tmp, "shp.gpkg")
rc, res, so, se = T.qgis_process(env, "run", "frontline:nearestroute",
                                 "--settlements=" + T.sample("settlements.geojson"),
                                 "--routes=" + shp, "--output=" + out)
T.check(rc == 0, "qgis_process with a Shapefile: %s" % se[-300:])
if rc == 0:
    T.compare_outputs(ref, out, "shapefile")
T.finish()
