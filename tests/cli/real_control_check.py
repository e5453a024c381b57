#!/usr/bin/python3
"""Check Frontline's answers on one real control layer against the
independent oracle tests/oracles/control_data_oracle.py (OGR + pyproj).

usage: real_control_check.py STATUS.gpkg FRONT.gpkg CONTROL FIELD VALUES SIDE OTHER NAME=LON,LAT ...

- each named place's row in STATUS (found by its point) has side SIDE when
  the oracle's OGR containment puts it inside the ground, else OTHER, and
  dist_to_front_m within max(1 m, 0.1 %) of the oracle's geodesic distance;
- every line of FRONT lies on the ground's boundary (within 1e-6 deg): no
  front inside one side's ground.
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
        out.append((g.GetX(), g.GetY(), f.GetField("side"), f.GetField("dist_to_front_m")))
    return out


def main(argv):
    status, front, control, field, values, side, other = argv[1:8]
    places = argv[8:]
    u = oracle.ground(control, field, set(values.split(",")))
    rs = list(oracle.rings(u, 0.01))
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
        _, _, s, d = match[0]
        inside = u.Contains(ogr.CreateGeometryFromWkt("POINT (%r %r)" % p))
        want_side = side if inside else other
        want_d = oracle.dist(p, rs)
        if s != want_side:
            print("FAIL: %s: side %s, OGR containment says %s" % (name, s, want_side))
            fails += 1
        if d is None or abs(d - want_d) > max(1.0, 0.001 * want_d):
            print("FAIL: %s: dist_to_front_m %s, oracle %.2f" % (name, d, want_d))
            fails += 1
    boundary = ogr.Geometry(ogr.wkbMultiLineString)
    for ring in rs:
        line = ogr.Geometry(ogr.wkbLineString)
        for x, y in ring:
            line.AddPoint_2D(x, y)
        boundary.AddGeometry(line)
    ds = ogr.Open(front)
    for f in ds.GetLayerByName("frontline"):
        off = f.GetGeometryRef().Difference(boundary.Buffer(1e-6)).Length()
        if off > 1e-6:
            print("FAIL: %.6f deg of front off the ground's boundary" % off)
            fails += 1
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
