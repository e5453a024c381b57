#!/usr/bin/python3
"""Check Frontline's answers on one real control layer against the
independent oracle tests/oracles/control_data_oracle.py (OGR + pyproj).

usage: real_control_check.py STATUS.gpkg FRONT.gpkg CONTROL FIELD VALUES SIDE OTHER
                              [--grey GREY_VALUES] NAME=LON,LAT ...

The grounds are the oracle's one_sided(): SIDE holds the features of VALUES,
a grey zone those of GREY_VALUES, OTHER the rest of the README's box; OTHER's
slivers below 0.01 km2 are filled.
- each named place's row in STATUS (found by its point) has side SIDE when
  the oracle's OGR containment puts it inside SIDE's ground, status
  'contested' at 0 m inside the grey zone, else side OTHER; dist_to_front_m
  within max(1 m, 0.1 %) of the oracle's geodesic distance to its own side's
  edge (SIDE's boundary; OTHER's: the boundary of SIDE's ground and the zone);
- every line of FRONT lies on the boundary of the ground whose edge it is,
  as published or with the slivers filled (within 1e-6 deg; edges are
  geodesics, those along a parallel straight in lon/lat): no front inside
  one side's ground.
Prints one line per failed check; exit 1 when any failed."""
import os
import sys
from osgeo import ogr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracles"))
import control_data_oracle as oracle  # noqa: E402

ogr.UseExceptions()


def rows(path, layer):
    ds = ogr.Open(path)
    out = []
    for f in ds.GetLayerByName(layer):
        g = f.GetGeometryRef()
        out.append((g.GetX(), g.GetY(), f.GetField("side"), f.GetField("status"),
                    f.GetField("dist_to_front_m")))
    return out


def boundary_of(rs):
    """The rings as lines, each edge followed along its geodesic (pyproj,
    every 100 m), edges along a parallel straight in lon/lat, as drawn."""
    b = ogr.Geometry(ogr.wkbMultiLineString)
    for ring in rs:
        line = ogr.Geometry(ogr.wkbLineString)
        line.AddPoint_2D(*ring[0])
        for a, c in zip(ring, ring[1:]):
            n = int(oracle.g.inv(a[0], a[1], c[0], c[1])[2] / 100.0)
            if a[1] != c[1] and n > 0:
                for x, y in oracle.g.npts(a[0], a[1], c[0], c[1], n):
                    line.AddPoint_2D(x, y)
            line.AddPoint_2D(*c)
        b.AddGeometry(line)
    return b


def main(argv):
    status, front, control, field, values, side, other = argv[1:8]
    places = argv[8:]
    grey_values = None
    if places[:1] == ["--grey"]:
        grey_values, places = set(places[1].split(",")), places[2:]
    u, u_f, all_f, grey = oracle.one_sided(control, field, set(values.split(",")), grey_values, 0.01)
    rs_side = list(oracle.rings(u_f, 0.01))
    rs_other = list(oracle.rings(all_f, 0.01)) if grey is not None else rs_side
    fails = 0
    got = rows(status, "settlement_status")
    for arg in places:
        name, ll = arg.rsplit("=", 1)
        p = tuple(float(v) for v in ll.split(","))
        match = [r for r in got if abs(r[0] - p[0]) < 1e-6 and abs(r[1] - p[1]) < 1e-6]
        if len(match) != 1:
            print("FAIL: %s: %d rows at %r" % (name, len(match), p))
            fails += 1
            continue
        _, _, s, st, d = match[0]
        pt = ogr.CreateGeometryFromWkt("POINT (%r %r)" % p)
        if u.Contains(pt):
            want_side, want_d = side, oracle.dist(p, rs_side)
        elif grey is not None and grey.Contains(pt):
            want_side, want_d = None, 0.0
        else:
            want_side, want_d = other, oracle.dist(p, rs_other)
        if (want_side is None and st != "contested") or (want_side is not None and s != want_side):
            print("FAIL: %s: side %s (%s), OGR containment says %s" % (name, s, st, want_side or "contested"))
            fails += 1
        if d is None or abs(d - want_d) > max(1.0, 0.001 * want_d):
            print("FAIL: %s: dist_to_front_m %s, oracle %.2f" % (name, d, want_d))
            fails += 1
    # A front lies on its ground's boundary as published or as the slivers
    # filled leave it (the two differ by a sliver's width, ~2 m at most here).
    pub = u if grey is None else u.Union(grey)
    b_side = boundary_of(rs_side + list(oracle.rings(u, 0.01))).Buffer(1e-6)
    b_other = boundary_of(rs_other + list(oracle.rings(pub, 0.01))).Buffer(1e-6)
    ds = ogr.Open(front)
    for f in ds.GetLayerByName("frontline"):
        edge = f.GetField("edge")
        if edge == "centre":
            continue
        b = b_other if edge == other else b_side
        off = f.GetGeometryRef().Difference(b).Length()
        if off > 1e-6:
            print("FAIL: %.6f deg of front (edge %s) off the ground's boundary" % (off, edge))
            fails += 1
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
