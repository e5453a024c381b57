#!/usr/bin/python3
"""tests/oracles/compare_claims_oracle.py - the figures of `frontline run
compare-claims` on one-sided sources (DeepStateMap and ISW publish only the
occupied ground), worked out with OGR overlays and pyproj geodesic areas only
(no Frontline code):

  RU(s, d) = occupied(s, d) n AOI          UA(s, d) = AOI - occupied(s, d)
  paired   : dates within TOL days and one is the other's closest date of
             its source (ties: the earlier date)
  RU per a only : area(RU(a) - occupied(b))    (a gives RU, b gives UA)
  RU per b only : area(RU(b) - occupied(a))

  holders  : OGR point in polygon per snapshot (inside occupied: RU, else UA)
  combined : two sources, majority: the common holder, or 'disputed'
  claims   : confirmed at the first reference date >= claim date - TOL whose
             holder is the claimed side; else contradicted when the last
             reference date counts and shows the other side; else not_confirmed

Usage: compare_claims_oracle.py CONTROL.gpkg AOI.geojson TOL [OUT.gpkg PLACES CLAIMS REF]
       compare_claims_oracle.py --grey RAW_STATUS.geojson ONE_SIDED.geojson AOI.geojson OUT.gpkg
The --grey form: DeepStateMap's raw polygons with their grey zone
(occupied, occupied_before_2022 -> RU; unknown_grey_zone -> contested; the
rest of the AOI UA) against a one-sided source (RU inside, UA outside), the
four sums RU/UA, UA/RU, contested/RU, contested/UA of a run with
--min-area-km2 0.
CONTROL holds the sources' occupied polygons with fields source, date. With
OUT, compares every disagreement sum within 0.1 % + 0.01 km², every
holder, combined holder and agreement of settlement_agreement, and every
claim verdict, and exits 1 on a difference.
"""
import datetime
import sys

from osgeo import ogr
from pyproj import Geod

ogr.UseExceptions()
G = Geod(ellps="WGS84")


def km2(g):
    if g is None or g.IsEmpty():
        return 0.0
    g = g.Clone()
    g.FlattenTo2D()
    polys = [g] if g.GetGeometryType() == ogr.wkbPolygon else \
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


def day(d):
    return datetime.date.fromisoformat(d.replace("/", "-")[:10])


def iso(v):
    """A date as OGR gives it ('2024/11/03' for a Date field) in ISO form."""
    return v.replace("/", "-") if isinstance(v, str) else v


def snapshots(path):
    ds = ogr.Open(path)
    out = {}
    for f in ds.GetLayer(0):
        k = (f.GetField("source"), str(f.GetField("date")).replace("/", "-"))
        g = f.GetGeometryRef().Clone().MakeValid()
        out[k] = g if k not in out else out[k].Union(g)
    return out


def aoi_of(path):
    ds = ogr.Open(path)
    g = None
    for f in ds.GetLayer(0):
        h = f.GetGeometryRef().Clone()
        g = h if g is None else g.Union(h)
    return g


def pairs(snaps, tol):
    keys = sorted(snaps, key=lambda k: (k[1], k[0]))

    def closest(k, src):
        best = None
        for o in keys:
            if o[0] == src and (best is None or abs((day(o[1]) - day(k[1])).days) <
                                abs((day(best[1]) - day(k[1])).days)):
                best = o
        return best

    out = []
    for a in keys:
        for b in keys:
            if a[0] >= b[0] or abs((day(a[1]) - day(b[1])).days) > tol:
                continue
            if closest(a, b[0]) == b or closest(b, a[0]) == a:
                out.append((a, b))
    return out


def disagreement(snaps, aoi, tol):
    rows = {}
    for a, b in pairs(snaps, tol):
        ra, rb = snaps[a].Intersection(aoi), snaps[b].Intersection(aoi)
        rows[(a[0], "RU", a[1], b[0], "UA", b[1])] = km2(ra.Difference(snaps[b]))
        rows[(a[0], "UA", a[1], b[0], "RU", b[1])] = km2(rb.Difference(snaps[a]))
    return rows


def compare_disagreement(want, ds):
    have = {}
    for f in ds.GetLayerByName("disagreement"):
        k = tuple(iso(f.GetField(x)) for x in ("source_a", "side_a", "date_a", "source_b",
                                               "side_b", "date_b"))
        have[k] = have.get(k, 0.0) + f.GetField("area_km2")
    bad = 0
    for k, w in sorted(want.items()):
        h = have.get(k, 0.0)
        ok = abs(h - w) <= 0.001 * w + 0.01
        print("%s %s %s vs %s %s %s: frontline %10.3f oracle %10.3f km2%s"
              % (k + (h, w, "" if ok else "  DIFF")))
        bad += not ok
    for k in set(have) - set(want):
        if have[k] > 0.01:
            print("DIFF extra row", k, have[k])
            bad += 1
    return bad


def holder(snaps, src, date, p):
    return "RU" if snaps[(src, date)].Contains(p) else "UA"


def compare_agreement(snaps, ds, places):
    pts = {}
    pds = ogr.Open(places)
    for i, f in enumerate(pds.GetLayer(0)):
        pts[i + 1] = f.GetGeometryRef().Clone()  # Frontline: 1-based position
    sources = sorted({k[0] for k in snaps})
    bad = n = 0
    for f in ds.GetLayerByName("settlement_agreement"):
        p = pts[f.GetField("settlement_fid")]
        votes = []
        for s in sources:
            d = f.GetField("date_" + s)
            if d is None:
                continue
            want = holder(snaps, s, d.replace("/", "-"), p)
            votes.append(want)
            n += 1
            if f.GetField("holder_" + s) != want:
                print("DIFF %s %s on %s: frontline %s, oracle %s"
                      % (f.GetField("name"), s, d, f.GetField("holder_" + s), want))
                bad += 1
        comb = votes[0] if len(set(votes)) == 1 else "disputed"
        agree = None if len(votes) < 2 else int(len(set(votes)) == 1)
        if f.GetField("combined") != comb or f.GetField("agree") != agree:
            print("DIFF %s %s: combined %s/%s agree %s/%s" % (
                f.GetField("name"), f.GetField("date"), f.GetField("combined"), comb,
                f.GetField("agree"), agree))
            bad += 1
    print("settlement holders checked: %d, combined rows: %d"
          % (n, ds.GetLayerByName("settlement_agreement").GetFeatureCount()))
    return bad


def verdict(snaps, ref, tol, p, side, cdate):
    dates = sorted(d for s, d in snaps if s == ref)
    counts = [d for d in dates if day(d) >= day(cdate) - datetime.timedelta(days=tol)]
    for d in counts:
        if holder(snaps, ref, d, p) == side:
            return "confirmed", d, (day(d) - day(cdate)).days
    last = dates[-1]
    if counts and counts[-1] == last and holder(snaps, ref, last, p) != side:
        return "contradicted", None, None
    return "not_confirmed", None, None


def compare_claims(snaps, ds, places, claims, ref, tol):
    by_name = {}
    pds = ogr.Open(places)
    for f in pds.GetLayer(0):
        by_name.setdefault(f.GetField("name").lower(), []).append(f.GetGeometryRef().Clone())
    cds = ogr.Open(claims)
    have = {f.GetField("claim_fid"): f for f in ds.GetLayerByName("claims")}
    bad = 0
    for c in cds.GetLayer(0):
        g = c.GetGeometryRef()
        p = g.Clone() if g is not None else by_name[c.GetField("settlement").lower()][0]
        want = verdict(snaps, ref, tol, p, c.GetField("side"), c.GetField("date"))
        h = have[c.GetFID()]
        got = (h.GetField("status"), iso(h.GetField("confirmed_date")), h.GetField("lag_days"))
        print("claim %d %s %s %s: frontline %s, oracle %s" % (
            c.GetFID(), c.GetField("settlement"), c.GetField("side"), c.GetField("date"),
            got, want))
        if got != want:
            print("DIFF claim %d" % c.GetFID())
            bad += 1
    return bad


def union(path, keep=lambda f: True):
    ds = ogr.Open(path)
    g = None
    for f in ds.GetLayer(0):
        if keep(f):
            h = f.GetGeometryRef().Clone().MakeValid()
            g = h if g is None else g.Union(h)
    return g


def grey(raw, other, aoi_path, out):
    aoi = aoi_of(aoi_path)
    ru = union(raw, lambda f: f.GetField("status") in ("occupied", "occupied_before_2022"))
    zone = union(raw, lambda f: f.GetField("status") == "unknown_grey_zone")
    ru, zone, o = ru.Intersection(aoi), zone.Intersection(aoi), union(other).Intersection(aoi)
    want = {("RU", "UA"): km2(ru.Difference(o)),
            ("UA", "RU"): km2(o.Difference(ru).Difference(zone)),
            ("contested", "RU"): km2(zone.Intersection(o)),
            ("contested", "UA"): km2(zone.Difference(o))}
    ds = ogr.Open(out)
    have = {}
    for f in ds.GetLayerByName("disagreement"):
        k = (f.GetField("side_a"), f.GetField("side_b"))
        have[k] = have.get(k, 0.0) + f.GetField("area_km2")
    bad = 0
    for k, w in sorted(want.items()):
        h = have.get(k, 0.0)
        ok = abs(h - w) <= 0.001 * w + 0.01
        print("%s/%s: frontline %.4f oracle %.4f km2%s" % (k + (h, w, "" if ok else "  DIFF")))
        bad += not ok
    return 1 if bad else 0


def main():
    if sys.argv[1] == "--grey":
        return grey(*sys.argv[2:6])
    snaps = snapshots(sys.argv[1])
    aoi = aoi_of(sys.argv[2])
    tol = int(sys.argv[3])
    want = disagreement(snaps, aoi, tol)
    if len(sys.argv) < 5:
        for k, v in sorted(want.items()):
            print("%s %s %s vs %s %s %s: %.4f km2" % (k + (v,)))
        return 0
    ds = ogr.Open(sys.argv[4])
    bad = compare_disagreement(want, ds)
    bad += compare_agreement(snaps, ds, sys.argv[5])
    bad += compare_claims(snaps, ds, sys.argv[5], sys.argv[6], sys.argv[7], tol)
    print("%d differences" % bad)
    return 1 if bad else 0


sys.exit(main())
