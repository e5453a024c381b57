#!/usr/bin/python3
"""tests/sql/test_functions.py - every FL_* function on SpatiaLite AND
GeoPackage tables made by ogr2ogr from sample_data/, in /usr/bin/python3's
sqlite3, against values worked out without Frontline:

  FL_Distance       pyproj Geod to the front densified along geodesics (sqltest.Lines);
                    also in EPSG:32637 and EPSG:3857 copies (same metres expected)
  FL_Buffer         every vertex of the buffer at the distance (pyproj); side by hand
                    (left of an eastward line lies north); blob kind and SRID kept
  FL_Band/FL_Bands  band vertices between inner and outer (pyproj); area_km2 against
                    pyproj's geodesic area of the returned geometry
  FL_Share          points: OGR point in polygon; polygons: OGR intersection in
                    an azimuthal equidistant frame, area ratio
  FL_RouteExposure  route densified every 20 m, each piece's distance to the front by
                    pyproj, crossings bisected
  FL_Frontline      every vertex within snap_m of both sides' ground (pyproj)
  FL_NearestRoute   brute force over every route (pyproj)
Tolerances: max(1 m, 0.1 %) as DESIGN.md section 4 asks, unless said otherwise.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqltest as T  # noqa: E402
from sqltest import G, check, near  # noqa: E402

DBS = {"sl": T.gis_db("SQLite", "sample.sqlite"), "gpkg": T.gis_db("GPKG", "sample.gpkg")}
UA1015 = "source = 'source_ua' AND replace(date, '/', '-') = '2024-10-15'"

# Oracle inputs, straight from the GeoJSON files with OGR.
def layer_rows(name):
    ds = T.ogr.Open(os.path.join(T.SAMPLE, name + ".geojson"))
    lyr = ds.GetLayer(0)
    rows = []
    for f in lyr:
        rows.append((f.items(), f.GetGeometryRef().Clone()))
    return rows

FRONT = [g for p, g in layer_rows("front")
         if p["source"] == "source_ua" and str(p["date"]).replace("/", "-") == "2024-10-15"][0]
FRONT_LINES = T.Lines(T.parts(FRONT), 10.0)
SETTLEMENTS = {p["name"]: g for p, g in layer_rows("settlements")}
ROUTES = {p["id"]: g for p, g in layer_rows("routes")}


def for_kind(kind):
    con = T.connect(DBS[kind])
    gc = T.geom_col(kind)
    tag = "[%s] " % kind

    # ---- FL_Distance: every settlement to the front, join column form ----
    rows = con.execute(
        "SELECT s.name, FL_Distance(s.{g}, f.{g}) FROM settlements s, front f WHERE f.{w}"
        .format(g=gc, w=UA1015)).fetchall()
    check(len(rows) == 50, tag + "50 settlements x 1 front, got %d" % len(rows))
    for name, d in rows:
        p = SETTLEMENTS[name]
        near(d, FRONT_LINES.dist(p.GetX(), p.GetY()), tag + "FL_Distance(%s, front)" % name)
    by_name = dict(rows)
    # scalar subquery form and the arguments swapped give the same metres
    rows2 = dict(con.execute(
        "SELECT name, FL_Distance((SELECT {g} FROM front WHERE {w}), {g}) FROM settlements"
        .format(g=gc, w=UA1015)).fetchall())
    check(all(abs(rows2[n] - by_name[n]) < 1e-6 for n in by_name),
          tag + "FL_Distance: subquery and swapped arguments give the join's values")
    # a bound parameter (auxdata path)
    fblob = con.execute("SELECT %s FROM front WHERE %s" % (gc, UA1015)).fetchone()[0]
    rows3 = dict(con.execute("SELECT name, FL_Distance(%s, ?) FROM settlements" % gc,
                             (fblob,)).fetchall())
    check(all(abs(rows3[n] - by_name[n]) < 1e-6 for n in by_name),
          tag + "FL_Distance: bound-parameter front gives the join's values")

    # other CRSs: the metres do not depend on the SRID of the input
    if kind == "sl":
        for srid in (32637, 3857):
            got = dict(con.execute(
                "SELECT name, FL_Distance(ST_Transform(s.{g}, {s}), ST_Transform(f.{g}, {s})) "
                "FROM settlements s, front f WHERE f.{w}".format(g=gc, s=srid, w=UA1015)).fetchall())
            worst = max(abs(got[n] - by_name[n]) / max(1.0, 0.001 * by_name[n]) for n in got)
            check(worst <= 1.0, tag + "FL_Distance in EPSG:%d within tolerance of EPSG:4326 "
                  "(worst %.2f of tolerance)" % (srid, worst))

    # ---- FL_Buffer: vertices at the distance, kind and SRID kept ----------
    tor = "(SELECT %s FROM settlements WHERE name = 'Toretsk')" % gc
    b, srid = con.execute("SELECT FL_Buffer(%s, 2500), ST_SRID(%s)" % (tor, tor)).fetchone()
    check(b is not None, tag + "FL_Buffer(Toretsk, 2500) not NULL")
    gpb = con.execute("SELECT IsValidGPB(?)", (b,)).fetchone()[0]
    check(gpb == (1 if kind == "gpkg" else 0), tag + "FL_Buffer returns the input's blob kind")
    out_srid = con.execute("SELECT SRID(CASE WHEN IsValidGPB(?1) THEN GeomFromGPB(?1) ELSE ?1 END)",
                           (b,)).fetchone()[0]
    check(out_srid == 4326, tag + "FL_Buffer keeps SRID 4326, got %r" % out_srid)
    t = SETTLEMENTS["Toretsk"]
    ring = T.parts(T.ogr_geom(con, b))[0]
    worst = max(abs(G.inv(t.GetX(), t.GetY(), x, y)[2] - 2500) for x, y in ring)
    check(worst <= 2.5, tag + "FL_Buffer vertices at 2500 m (pyproj), worst %.3f m" % worst)

    # side: an eastward line; left lies north, right south (hand geometry)
    line = "GeomFromText('LINESTRING(37.6 48.4, 37.7 48.4)', 4326)"
    if kind == "gpkg":
        line = "AsGPB(%s)" % line
    # The line is a geodesic, which bows about 1.2 m north of the parallel
    # between its ends; allow 2e-5 degrees (about 2 m) for that.
    edge = T.Lines([[(37.6, 48.4), (37.7, 48.4)]], 5.0)
    for side, sign in (("left", 1), ("right", -1)):
        g = T.ogr_geom(con, con.execute("SELECT FL_Buffer(%s, 1000, '%s')" % (line, side)).fetchone()[0])
        verts = T.parts(g)[0]
        check(all(sign * (y - 48.4) >= -2e-5 for _, y in verts),
              tag + "FL_Buffer side '%s' lies on the %s" % (side, "north" if sign > 0 else "south"))
        far = max(edge.dist(x, y) for x, y in verts)
        near(far, 1000, tag + "FL_Buffer side '%s' reaches 1000 m from the line (pyproj)" % side)

    # ---- FL_Band and FL_Bands ------------------------------------------------
    band = con.execute("SELECT FL_Band(%s, 5000, 10000) FROM front WHERE %s" % (gc, UA1015)).fetchone()[0]
    bg = T.ogr_geom(con, band)
    pts = [p for r in T.parts(bg) for p in r]
    ds = [FRONT_LINES.dist(x, y) for x, y in pts[::max(1, len(pts) // 300)]]
    check(min(ds) >= 5000 - 5 and max(ds) <= 10000 + 10,
          tag + "FL_Band 5-10 km vertices between 5000 and 10000 m from the front "
          "(pyproj; got %.1f..%.1f)" % (min(ds), max(ds)))
    bands = con.execute("SELECT band, inner_m, outer_m, area_km2, geometry FROM "
                        "FL_Bands((SELECT %s FROM front WHERE %s), '5000,10000,20000')"
                        % (gc, UA1015)).fetchall()
    check([r[:3] for r in bands] == [(0, 0.0, 5000.0), (1, 5000.0, 10000.0), (2, 10000.0, 20000.0)],
          tag + "FL_Bands rows: %r" % [r[:3] for r in bands])
    for k, inner, outer, area, geom in bands:
        near(area, T.geodesic_area_km2(T.ogr_geom(con, geom)),
             tag + "FL_Bands band %d area_km2 vs pyproj area of its geometry" % k, 0.001, 0.001)
    check(T.wkt(con, bands[1][4]) == T.wkt(con, band),
          tag + "FL_Bands band 1 equals FL_Band(front, 5000, 10000)")
    one = con.execute("SELECT count(*) FROM FL_Bands((SELECT %s FROM front WHERE %s), 7000, 'left')"
                      % (gc, UA1015)).fetchone()[0]
    check(one == 1, tag + "FL_Bands with one number and a side gives one band")

    # ---- FL_Share -------------------------------------------------------------
    # Points: OGR's point-in-polygon on the GeoJSON (boundary counts as inside).
    # (SpatiaLite's ST_Intersects would do too, but its prepared-geometry cache
    # reads past a blob's end under AddressSanitizer: mod_spatialite 5.0.1.)
    got = con.execute(
        "SELECT s.name, c.side, FL_Share(s.{g}, c.{g}) FROM settlements s, control c "
        "WHERE c.source = 'source_ua' AND replace(c.date, '/', '-') = '2024-10-15'".format(g=gc))
    got = got.fetchall()
    check(len(got) == 100, tag + "FL_Share rows")
    ctrl = {p["side"]: g for p, g in layer_rows("control")
            if p["source"] == "source_ua" and str(p["date"]).replace("/", "-") == "2024-10-15"}
    bad = [(n, side) for n, side, share in got
           if share != (1.0 if ctrl[side].Intersects(SETTLEMENTS[n]) else 0.0)]
    check(not bad, tag + "FL_Share of points equals OGR's point in polygon; differs for %r" % bad[:5])
    polys = con.execute(
        "SELECT s.name, c.side, FL_Share(s.geom_s, c.geom_c) FROM (SELECT name, {g} AS geom_s "
        "FROM settlements_polygons) s, (SELECT side, {g} AS geom_c FROM control WHERE {w}) c"
        .format(g=gc, w=UA1015)).fetchall()
    polys_src = {p["name"]: g for p, g in layer_rows("settlements_polygons")}
    for name, side, share in polys:
        sg = polys_src[name]
        c = sg.Centroid()
        srs = T.osr_aeqd(c.GetX(), c.GetY())
        a, b2 = T.project(sg, srs), T.project(ctrl[side], srs)
        want = a.Intersection(b2).GetArea() / a.GetArea()
        near(share, want, tag + "FL_Share(%s polygon, %s)" % (name, side), 0.002, 0)

    # ---- FL_RouteExposure -----------------------------------------------------
    rows = con.execute("SELECT r.id, FL_RouteExposure(r.{g}, f.{g}, 5000, 10000), "
                       "FL_RouteExposure(r.{g}, f.{g}, 0, 5000) FROM routes r, front f WHERE f.{w}"
                       .format(g=gc, w=UA1015)).fetchall()
    check(len(rows) == 16, tag + "FL_RouteExposure rows")
    for rid, m510, m05 in rows:
        want510, want05 = route_in_band(ROUTES[rid], [(5000, 10000), (0, 5000)])
        near(m510, want510, tag + "FL_RouteExposure(route %d, 5-10 km), m" % rid)
        near(m05, want05, tag + "FL_RouteExposure(route %d, 0-5 km), m" % rid)

    # ---- FL_Frontline ---------------------------------------------------------
    fl = con.execute(
        "SELECT FL_Frontline((SELECT {g} FROM control WHERE side = 'UA' AND {w}), "
        "(SELECT {g} FROM control WHERE side = 'RU' AND {w}), 500)".format(g=gc, w=UA1015)).fetchone()[0]
    check(fl is not None, tag + "FL_Frontline not NULL")
    if fl is not None:
        lg = T.ogr_geom(con, fl)
        ua, ru = [T.Lines(T.parts(ctrl[s]), 10.0) for s in ("UA", "RU")]
        verts = [p for part in T.parts(lg) for p in part]
        worst = 0.0
        for x, y in verts[:: max(1, len(verts) // 200)]:
            pt = T.ogr.Geometry(T.ogr.wkbPoint)
            pt.AddPoint_2D(x, y)
            for side, lines in (("UA", ua), ("RU", ru)):
                d = 0.0 if ctrl[side].Intersects(pt) else lines.dist(x, y)
                worst = max(worst, d)
        check(worst <= 501, tag + "FL_Frontline vertices within 500 m of both sides (worst %.1f m)" % worst)

    # ---- FL_NearestRoute --------------------------------------------------------
    rows = con.execute("SELECT s.name, n.route_rowid, n.dist_m, n.geometry, r.id FROM settlements s, "
                       "FL_NearestRoute(s.{g}, 'routes') n JOIN routes r ON r.rowid = n.route_rowid"
                       .format(g=gc)).fetchall()
    check(len(rows) == 50, tag + "FL_NearestRoute rows: %d" % len(rows))
    rlines = {rid: T.Lines(T.parts(g), 10.0) for rid, g in ROUTES.items()}
    for name, rowid, dist, line, rid in rows:
        p = SETTLEMENTS[name]
        ds = {k: l.dist(p.GetX(), p.GetY()) for k, l in rlines.items()}
        best = min(ds.values())
        near(dist, best, tag + "FL_NearestRoute(%s) dist_m" % name)
        check(ds[rid] - best <= max(1.0, 0.001 * best),
              tag + "FL_NearestRoute(%s): route %d at %.1f m, nearest is %.1f m" % (name, rid, ds[rid], best))
        lp = T.parts(T.ogr_geom(con, line))[0]
        steps = [G.inv(a[0], a[1], b[0], b[1])[2] for a, b in zip(lp, lp[1:])]
        near(G.inv(lp[0][0], lp[0][1], lp[-1][0], lp[-1][1])[2], dist,
             tag + "FL_NearestRoute(%s) connecting line, end to end" % name)
        near(sum(steps), dist, tag + "FL_NearestRoute(%s) connecting line length" % name)
        check(max(steps) <= 1000.001 and len(lp) >= 2 + int(dist // 1000.001),
              tag + "FL_NearestRoute(%s) connecting line: %d vertices over %.0f m, a vertex at "
              "least every 1,000 m (a geodesic)" % (name, len(lp), dist))
    con.close()


def route_in_band(route, bands):
    """Metres of a lon/lat route whose distance to FRONT lies in each [inner, outer)."""
    out = [0.0] * len(bands)
    for coords in T.parts(route):
        pts = T.densify(coords, 100.0)
        d = [FRONT_LINES.dist(x, y) for x, y in pts]
        for (x0, y0), (x1, y1), d0, d1 in zip(pts, pts[1:], d, d[1:]):
            az, _, seg = G.inv(x0, y0, x1, y1)
            for k, (lo, hi) in enumerate(bands):
                # length of [0, seg] with distance in [lo, hi): cut the 100 m piece
                # where its end distances say it crosses lo or hi (bisection on
                # the distance of points on the piece), then test each part
                def cut(level):
                    a, b = 0.0, seg
                    for _ in range(30):
                        m = (a + b) / 2
                        lon, lat, _ = G.fwd(x0, y0, az, m)
                        if (FRONT_LINES.dist(lon, lat) < level) == (d0 < level):
                            a = m
                        else:
                            b = m
                    return (a + b) / 2
                cuts = [0.0]
                for level in (lo, hi):
                    if level > 0 and (d0 < level) != (d1 < level):
                        cuts.append(cut(level))
                cuts.append(seg)
                cuts.sort()
                for s0, s1 in zip(cuts, cuts[1:]):
                    lon, lat, _ = G.fwd(x0, y0, az, (s0 + s1) / 2)
                    dm = FRONT_LINES.dist(lon, lat)
                    if lo <= dm < hi:
                        out[k] += s1 - s0
    return out


def cache_keys():
    """The per-connection cache keys on content (sql_cache.c): two 5,000-vertex
    fronts with the same length and MBR that differ in one vertex in the middle
    (not among the bytes the hash samples) must not be confused, whether they
    come as a join column, a scalar subquery or a bound parameter. Oracle:
    pyproj to each front densified every 2 m."""
    con = T.connect()
    con.execute("SELECT InitSpatialMetadata(1)")  # spatial_ref_sys for ST_Transform
    base = [(37.0, 48.41)] + [(37.0 + i * 0.0002, 48.4) for i in range(1, 5000)]
    bent = list(base)
    bent[2500] = (bent[2500][0], 48.405)
    con.execute("CREATE TABLE f(id INTEGER PRIMARY KEY, g BLOB)")
    for i, coords in ((1, base), (2, bent)):
        con.execute("INSERT INTO f VALUES (?, GeomFromText(?, 4326))",
                    (i, "LINESTRING(%s)" % ",".join("%.7f %.7f" % c for c in coords)))
    n = con.execute("SELECT length(g) FROM f WHERE id = 1").fetchone()[0]
    same = con.execute("SELECT (SELECT length(g) FROM f WHERE id = 2) = ?1 AND "
                       "(SELECT substr(g, 1, 39) FROM f WHERE id = 1) = "
                       "(SELECT substr(g, 1, 39) FROM f WHERE id = 2)", (n,)).fetchone()[0]
    check(same == 1, "cache test: both fronts have one length and one header (MBR)")
    pt = (37.5003, 48.403)
    want = {1: T.Lines([base], 2.0).dist(*pt), 2: T.Lines([bent], 2.0).dist(*pt)}
    check(abs(want[1] - want[2]) > 100, "cache test: the fronts are far apart at the point")
    P = "MakePoint(%r, %r, 4326)" % pt
    for rnd in range(2):  # twice: the second round finds both in the cache
        rows = con.execute("SELECT f.id, FL_Distance(%s, f.g) FROM f, (SELECT 1 UNION ALL SELECT 2) "
                           "ORDER BY 1" % P).fetchall()
        for fid, d in rows:
            near(d, want[fid], "cache test round %d: join, front %d" % (rnd, fid))
        for fid in (1, 2, 1):
            d = con.execute("SELECT FL_Distance(%s, (SELECT g FROM f WHERE id = ?))" % P, (fid,)).fetchone()[0]
            near(d, want[fid], "cache test round %d: subquery, front %d" % (rnd, fid))
            blob = con.execute("SELECT g FROM f WHERE id = ?", (fid,)).fetchone()[0]
            d = con.execute("SELECT FL_Distance(?, %s)" % P, (blob,)).fetchone()[0]
            near(d, want[fid], "cache test round %d: bound, front %d" % (rnd, fid))
    # Other SRIDs: results keep the SRID; bands have the same area in 3857 and 4326.
    srid = con.execute("SELECT SRID(FL_Buffer(ST_Transform(%s, 32637), 500))" % P).fetchone()[0]
    check(srid == 32637, "FL_Buffer in EPSG:32637 keeps SRID 32637, got %r" % srid)
    a4326, a3857 = [con.execute("SELECT area_km2 FROM FL_Bands(%s, '3000')" % g).fetchone()[0]
                    for g in ("(SELECT g FROM f WHERE id = 1)",
                              "ST_Transform((SELECT g FROM f WHERE id = 1), 3857)")]
    near(a3857, a4326, "FL_Bands area in EPSG:3857 vs EPSG:4326, km2", 0, 0.001)
    con.close()


cache_keys()
for kind in ("sl", "gpkg"):
    for_kind(kind)
T.finish()
