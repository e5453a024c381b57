#!/usr/bin/python3
"""qgis_tasks.py - one benchmark task with QGIS 3.22's native Processing
algorithms, as an analyst would chain them (best practice: reproject to a
metric CRS, UTM 37N, then measure; lengths and areas on the WGS84 ellipsoid
with QgsDistanceArea). Writes the answer rows as JSON for tasks.py.

  T1 native:joinattributesbylocation (intersects, first match) buildings x control
  T2 native:reprojectlayer x2, native:joinbynearest settlements -> front
  T3 native:reprojectlayer x2, native:joinbynearest settlements -> routes
  T4 native:reprojectlayer, native:buffer x4 (dissolved), native:difference x3
  T5 native:reprojectlayer x2, native:buffer, native:clip; ellipsoidal lengths
  CHANGE (bench_change.py) per pair of consecutive dates of a series, side B:
     native:difference both ways, km² by QgsDistanceArea on the WGS84
     ellipsoid in the layer's CRS (EPSG:4326), as `$area` measures

Usage: /usr/bin/python3 qgis_tasks.py TASK donbas.gpkg WORKDIR out.json
       /usr/bin/python3 qgis_tasks.py CHANGE series.gpkg WORKDIR out.json SIDE_B
Not here: timing and checking (tasks.py).
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsDistanceArea,  # noqa: E402
                       QgsProject, QgsVectorLayer)

UTM = "EPSG:32637"


def change_rows(run, gpkg, side):
    """[date_from, date_to, gained_km2, lost_km2] per consecutive pair."""
    lyr = QgsVectorLayer(f"{gpkg}|layername=series", "series", "ogr")
    def iso(v):  # a string, or a QDate when the field is typed DATE
        return v.toString("yyyy-MM-dd") if hasattr(v, "toString") else str(v)

    dates = sorted({iso(f["date"]) for f in lyr.getFeatures()})
    da = QgsDistanceArea()  # $area: ellipsoidal, in the layer's own CRS
    da.setSourceCrs(lyr.crs(), QgsProject.instance().transformContext())
    da.setEllipsoid("WGS84")

    def one(date):
        return QgsVectorLayer(f"{gpkg}|layername=series|subset=\"side\" = '{side}' AND "
                              f"\"date\" = '{date}'", date, "ogr")

    def km2(layer):
        return sum(da.measureArea(f.geometry()) for f in layer.getFeatures()) / 1e6

    rows = []
    for d0, d1 in zip(dates, dates[1:]):
        b0, b1 = one(d0), one(d1)
        gained = run("native:difference", {"INPUT": b1, "OVERLAY": b0, "OUTPUT": "memory:"})
        lost = run("native:difference", {"INPUT": b0, "OVERLAY": b1, "OUTPUT": "memory:"})
        rows.append([d0, d1, km2(gained), km2(lost)])
    return rows


def main():
    task, gpkg, work, out = sys.argv[1:5]
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing
    Processing.initialize()

    def layer(name):
        return f"{gpkg}|layername={name}"

    def run(alg, params):
        return processing.run(alg, params)["OUTPUT"]

    def utm(name):
        return run("native:reprojectlayer", {"INPUT": layer(name), "TARGET_CRS": UTM, "OUTPUT": "memory:"})

    da = QgsDistanceArea()
    da.setSourceCrs(QgsCoordinateReferenceSystem(UTM), QgsProject.instance().transformContext())
    da.setEllipsoid("WGS84")
    rows = []
    if task == "T1":
        res = run("native:joinattributesbylocation",
                  {"INPUT": layer("buildings"), "JOIN": layer("control"), "PREDICATE": [0],
                   "JOIN_FIELDS": ["side"], "METHOD": 1, "DISCARD_NONMATCHING": False, "PREFIX": "",
                   "OUTPUT": os.path.join(work, "t1_qgis.gpkg")})
        lyr = QgsVectorLayer(res, "t1", "ogr")
        counts = {}
        for f in lyr.getFeatures():
            counts[f["side"]] = counts.get(f["side"], 0) + 1
        rows = [(k, v) for k, v in counts.items() if k is not None]
    elif task in ("T2", "T3"):
        other = "front" if task == "T2" else "routes"
        res = run("native:joinbynearest",
                  {"INPUT": utm("settlements"), "INPUT_2": utm(other), "FIELDS_TO_COPY": ["name"],
                   "DISCARD_NONMATCHING": False, "PREFIX": "n_", "NEIGHBORS": 1,
                   "OUTPUT": os.path.join(work, f"{task}_qgis.gpkg")})
        lyr = QgsVectorLayer(res, task, "ogr")
        for f in lyr.getFeatures():
            if task == "T2":
                rows.append((f["name"], f["distance"]))
            else:
                rows.append((f["name"], f["n_name"], f["distance"]))
    elif task == "T4":
        front = utm("front")
        bufs = [run("native:buffer", {"INPUT": front, "DISTANCE": d, "SEGMENTS": 8, "END_CAP_STYLE": 0,
                                      "JOIN_STYLE": 0, "MITER_LIMIT": 2, "DISSOLVE": True,
                                      "OUTPUT": "memory:"}) for d in (5000, 10000, 20000, 40000)]
        rings = [bufs[0]] + [run("native:difference", {"INPUT": bufs[i], "OVERLAY": bufs[i - 1],
                                                       "OUTPUT": "memory:"}) for i in range(1, 4)]
        for k, ring in enumerate(rings):
            rows.append((k, sum(da.measureArea(f.geometry()) for f in ring.getFeatures()) / 1e6))
    elif task == "CHANGE":
        rows = change_rows(run, gpkg, sys.argv[5])
    elif task == "T5":
        zone = run("native:buffer", {"INPUT": utm("front"), "DISTANCE": 20000, "SEGMENTS": 8,
                                     "END_CAP_STYLE": 0, "JOIN_STYLE": 0, "MITER_LIMIT": 2,
                                     "DISSOLVE": True, "OUTPUT": "memory:"})
        routes = utm("routes")
        clipped = run("native:clip", {"INPUT": routes, "OVERLAY": zone, "OUTPUT": "memory:"})
        km = {}
        for f in clipped.getFeatures():
            km[f["name"]] = km.get(f["name"], 0.0) + da.measureLength(f.geometry()) / 1000.0
        rows = [(f["name"], km.get(f["name"], 0.0)) for f in routes.getFeatures()]
    with open(out, "w") as fh:
        json.dump(rows, fh)
    # QGIS 3.22 may crash in exitQgis() once file layers were opened (exit 139);
    # the answer is written, so leave without tearing down
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
