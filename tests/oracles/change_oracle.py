#!/usr/bin/python3
"""tests/oracles/change_oracle.py - the figures of `frontline run change` on
a one-sided series (DeepStateMap monthly, ISW), worked out with OGR overlays
and pyproj geodesic areas only (no Frontline code). Edges are straight in
lon/lat (the series are clipped to the box 37.0-38.8 E, 47.9-48.9 N along
its parallels): every geometry is segmentized in lon/lat to 0.005 deg before
the overlays, so that pyproj's geodesic edges follow them (rule C5 of
docs/tools/change.md). With --raw, no segmentizing: each edge as a geodesic.

  gained(t0, t1) = area(occupied(t1) - occupied(t0))   UA -> occupied
  lost(t0, t1)   = area(occupied(t0) - occupied(t1))   occupied -> UA
  held(t)        = area(occupied(t)), UA: area(box - occupied(t))
  per sector s:  the same intersected with s (change_summary rows)

  settlement changes: each place's holder per date by OGR point in polygon
                     (inside occupied(t): occupied, else UA), a change where
                     it differs from the date before

Usage: change_oracle.py [--raw] [--sectors S.geojson] [--span D0..D1] SERIES.geojson
                        [frontline_output.gpkg [PLACES.geojson]]
With --span (the dates --from/--to pick, e.g. 2024-11-01..2025-03-01), only
the dates from D0 to D1 count: the output of `change --from/--to` is then
compared on its held_series and settlement changes (its one period's
area_change is checked by the CLI test against figures of its own).
With the output file, compares each pair and date (area_change, held_series
both sides, change_summary with its sector rows) within max(0.001 km²,
0.1 %) (and, with the places, the set of settlement changes exactly) and
exits 1 on a difference.
"""
import sys

from osgeo import ogr
from pyproj import Geod

ogr.UseExceptions()
G = Geod(ellps="WGS84")
RAW = "--raw" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--raw"]
SECTORS = None
if "--sectors" in ARGS:
    i = ARGS.index("--sectors")
    SECTORS = ARGS[i + 1]
    del ARGS[i:i + 2]
SPAN = None
if "--span" in ARGS:
    i = ARGS.index("--span")
    SPAN = ARGS[i + 1].split("..")
    del ARGS[i:i + 2]
BOX = ogr.CreateGeometryFromWkt("POLYGON((37 47.9,38.8 47.9,38.8 48.9,37 48.9,37 47.9))")


def dense(g):
    g = g.Clone()
    if not RAW:
        g.Segmentize(0.005)
    return g


def tol(want):
    return max(0.001, 0.001 * abs(want))



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
        g = dense(f.GetGeometryRef()).MakeValid()
        out[d] = g if d not in out else out[d].Union(g)
    items = sorted(out.items())
    if SPAN:
        items = [(d, g) for d, g in items if SPAN[0] <= d <= SPAN[1]]
    return items


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


def sectors():
    if not SECTORS:
        return []
    ds = ogr.Open(SECTORS)
    return [(f.GetField("name"), dense(f.GetGeometryRef())) for f in ds.GetLayer(0)]


def compare_summary(ds, rows, secs):
    """change_summary: occupied's gained/lost per pair, whole area and sector."""
    want = {}
    for d0, d1, g, l, parts in rows:
        want[(d0, d1, None)] = (g, l)
        for name, pg, pl in parts:
            want[(d0, d1, name)] = (pg, pl)
    bad = 0
    seen = 0
    for f in ds.GetLayerByName("change_summary"):
        if f.GetField("side") != "occupied":
            continue
        k = (iso(f, "date_from"), iso(f, "date_to"), f.GetField("sector"))
        if k not in want:
            continue
        seen += 1
        g, l = want[k]
        for name, w in (("gained_km2", g), ("lost_km2", l), ("net_km2", g - l)):
            if abs(f.GetField(name) - w) > tol(w):
                print("DIFF summary %s %s: frontline %.4f, oracle %.4f" % (k, name,
                                                                        f.GetField(name), w))
                bad += 1
    if seen != len(want):
        print("DIFF summary: %d of %d rows found" % (seen, len(want)))
        bad += 1
    print("summary rows checked: %d" % seen)
    return bad


def main():
    s = series(ARGS[0])
    secs = sectors()
    box = dense(BOX)
    rows = []
    for (d0, g0), (d1, g1) in zip(s, s[1:]):
        gain, loss = g1.Difference(g0), g0.Difference(g1)
        parts = [(n, km2(gain.Intersection(sg)), km2(loss.Intersection(sg))) for n, sg in secs]
        rows.append((d0, d1, km2(gain), km2(loss), parts))
    held = {d: km2(g) for d, g in s}
    held_ua = {d: km2(box.Difference(g)) for d, g in s}
    tg = sum(r[2] for r in rows)
    tl = sum(r[3] for r in rows)
    for d0, d1, g, l, parts in rows:
        print("%s..%s gained %9.3f lost %8.3f net %9.3f km2%s" % (
            d0, d1, g, l, g - l, "".join("  %s %+.3f" % (n, pg - pl) for n, pg, pl in parts)))
    print("total gained %.3f lost %.3f net %.3f km2" % (tg, tl, tg - tl))
    if len(ARGS) < 2:
        return 0
    ds = ogr.Open(ARGS[1])
    got = {}
    for f in ds.GetLayerByName("area_change"):
        k = (iso(f, "date_from"), iso(f, "date_to"), f.GetField("side_from"),
             f.GetField("side_to"))
        got[k] = got.get(k, 0.0) + f.GetField("area_km2")
    bad = 0
    for d0, d1, g, l, _ in ([] if SPAN else rows):
        for want, sides in ((g, ("UA", "occupied")), (l, ("occupied", "UA"))):
            have = got.get((d0, d1) + sides, 0.0)
            if abs(have - want) > tol(want):
                print("DIFF %s..%s %s->%s: frontline %.4f, oracle %.4f" % ((d0, d1) + sides +
                                                                           (have, want)))
                bad += 1
    for f in ds.GetLayerByName("held_series"):
        side = f.GetField("side")
        want = (held if side == "occupied" else held_ua)[iso(f, "date")]
        if abs(f.GetField("area_km2") - want) > tol(want):
            print("DIFF held %s %s: frontline %.4f, oracle %.4f" % (
                iso(f, "date"), side, f.GetField("area_km2"), want))
            bad += 1
    if ds.GetLayerByName("change_summary") is not None and not SPAN:
        bad += compare_summary(ds, rows, secs)
    if len(ARGS) > 2:
        bad += compare_places(s, ds, ARGS[2])
    print("%d differences" % bad)
    return 1 if bad else 0


sys.exit(main())
