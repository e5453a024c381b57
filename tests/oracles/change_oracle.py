#!/usr/bin/python3
"""tests/oracles/change_oracle.py - the figures of `frontline run change` on
the DeepStateMap monthly series, worked out with OGR overlays and pyproj
geodesic areas only (no Frontline code):

  gained(t0, t1) = area(occupied(t1) - occupied(t0))   UA -> occupied
  lost(t0, t1)   = area(occupied(t0) - occupied(t1))   occupied -> UA
  held(t)        = area(occupied(t))

  settlement changes: each place's holder per date by OGR point in polygon
                     (inside occupied(t): occupied, else UA), a change where
                     it differs from the date before

Usage: change_oracle.py SERIES.geojson [frontline_output.gpkg [PLACES.geojson]]
With the output file, compares each pair and date within 0.1 % + 0.01 km²
(and, with the places, the set of settlement changes exactly) and exits 1 on
a difference.
"""
import sys

from osgeo import ogr
from pyproj import Geod

ogr.UseExceptions()
G = Geod(ellps="WGS84")



def iso(f, field):
    """A date field as YYYY-MM-DD (OGR gives DATE fields as YYYY/MM/DD)."""
    v = f.GetField(field)
    return None if v is None else str(v).replace("/", "-")

def km2(g):
    if g is None or g.IsEmpty():
        return 0.0
    g = g.Clone()
    g.FlattenTo2D()
    t = g.GetGeometryType()
    polys = [g] if t == ogr.wkbPolygon else \
        [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())
         if g.GetGeometryRef(i).GetGeometryType() == ogr.wkbPolygon]
    total = 0.0
    for p in polys:
        for r in range(p.GetGeometryCount()):
            ring = p.GetGeometryRef(r)
            xs = [ring.GetX(i) for i in range(ring.GetPointCount())]
            ys = [ring.GetY(i) for i in range(ring.GetPointCount())]
            a = abs(G.polygon_area_perimeter(xs, ys)[0])
            total += a if r == 0 else -a
    return total / 1e6


def series(path):
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    out = {}
    for f in lyr:
        d = str(f.GetField("date")).replace("/", "-")
        g = f.GetGeometryRef().Clone().MakeValid()
        out[d] = g if d not in out else out[d].Union(g)
    return sorted(out.items())


def place_changes(s, path):
    out = set()
    ds = ogr.Open(path)  # kept: a layer outlives no dataset
    for f in ds.GetLayer(0):
        p = f.GetGeometryRef()
        prev = None
        for d, g in s:
            h = "occupied" if g.Contains(p) else "UA"
            if prev and prev[1] != h:
                out.add((f.GetField("name"), p.GetX(), prev[1], h, prev[0], d))
            prev = (d, h)
    return out


def compare_places(s, ds, path):
    want = place_changes(s, path)
    # keyed by name and the date pair (names repeat: the longitude tells
    # places of one name apart in the oracle; here the pair is unique)
    want = set(w[:1] + w[2:] for w in want)
    have = set()
    for f in ds.GetLayerByName("settlement_changes"):
        have.add((f.GetField("name"), f.GetField("from_side"), f.GetField("to_side"),
                  iso(f, "last_date_old"), iso(f, "first_date_new")))
    print("settlement changes: frontline %d, oracle %d" % (len(have), len(want)))
    for x in sorted(want - have):
        print("DIFF missing", x)
    for x in sorted(have - want):
        print("DIFF extra", x)
    return len(want ^ have)


def main():
    s = series(sys.argv[1])
    rows = []
    for (d0, g0), (d1, g1) in zip(s, s[1:]):
        rows.append((d0, d1, km2(g1.Difference(g0)), km2(g0.Difference(g1))))
    held = {d: km2(g) for d, g in s}
    tg = sum(r[2] for r in rows)
    tl = sum(r[3] for r in rows)
    for d0, d1, g, l in rows:
        print("%s..%s gained %9.3f lost %8.3f net %9.3f km2" % (d0, d1, g, l, g - l))
    print("total gained %.3f lost %.3f net %.3f km2" % (tg, tl, tg - tl))
    if len(sys.argv) < 3:
        return 0
    ds = ogr.Open(sys.argv[2])
    got = {}
    for f in ds.GetLayerByName("area_change"):
        k = (iso(f, "date_from"), iso(f, "date_to"), f.GetField("side_from"),
             f.GetField("side_to"))
        got[k] = got.get(k, 0.0) + f.GetField("area_km2")
    bad = 0
    for d0, d1, g, l in rows:
        for want, sides in ((g, ("UA", "occupied")), (l, ("occupied", "UA"))):
            have = got.get((d0, d1) + sides, 0.0)
            if abs(have - want) > 0.001 * want + 0.01:
                print("DIFF %s..%s %s->%s: frontline %.3f, oracle %.3f" % ((d0, d1) + sides +
                                                                           (have, want)))
                bad += 1
    for f in ds.GetLayerByName("held_series"):
        if f.GetField("side") == "occupied":
            want = held[iso(f, "date")]
            if abs(f.GetField("area_km2") - want) > 0.001 * want + 0.01:
                print("DIFF held %s: frontline %.3f, oracle %.3f" % (iso(f, "date"),
                                                                     f.GetField("area_km2"), want))
                bad += 1
    if len(sys.argv) > 3:
        bad += compare_places(s, ds, sys.argv[3])
    print("%d differences" % bad)
    return 1 if bad else 0


sys.exit(main())
