"""test_report.py - the HTML report and the map picture, checked from outside.

Modes (one ctest entry each):
  browser  analyze --report on sample_data/, opened in Debian's chromium
           headless: the DOM after scripts ran (tables, the map's layers, the
           charts' bars) and a screenshot's pixels (a held settlement's colour
           at its place, the front's colour along the front);
  png      analyze --map .png: size, not blank, colours at known places;
  change   change --report and --map .svg: charts of held and gained km²;
  errors   bad extensions, an existing file without --overwrite.
Expected values come from elsewhere: positions from pyproj with the
projection the SVG names (data-projection) and the affine it states
(data-affine), settlements and areas from the GeoPackage read with OGR.
Images are decoded with GDAL (PNG driver), not with the code under test.
Exit 0 passed, 1 failed, 77 skipped.
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

CLI = os.environ.get("FL_CLI", "")
SAMPLE = os.environ.get("FL_SAMPLE_DATA", "")
TMP = os.environ.get("FL_REPORT_TMP", "/tmp/fl_report_tests")
SKIP = 77
_checks = [0, 0]

RU, UA, FRONT, BACKGROUND = (0xe3, 0x1a, 0x1c), (0x1f, 0x78, 0xb4), (0x7a, 0x00, 0x19), (0xf4, 0xf1, 0xea)


def check(ok, what):
    _checks[0] += 1
    if not ok:
        _checks[1] += 1
        print("FAIL: %s" % what)
    return ok


def finish():
    print("%d checks, %d failed" % tuple(_checks))
    sys.exit(1 if _checks[1] else 0)


def skip(why):
    print("SKIP: %s" % why)
    sys.exit(SKIP)


def run(*args):
    env = dict(os.environ)
    if any(a.endswith(".png") for a in args):
        # Rendering libraries' process-wide caches (render_libs.supp says why).
        supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_libs.supp")
        env["LSAN_OPTIONS"] = "suppressions=%s%s" % (
            supp, (":" + env["LSAN_OPTIONS"]) if env.get("LSAN_OPTIONS") else "")
    p = subprocess.run([CLI] + list(args), capture_output=True, text=True, timeout=600,
                       stdin=subprocess.DEVNULL, env=env)
    return p.returncode, p.stdout, p.stderr


def sample(name):
    return os.path.join(SAMPLE, name)


def analyze(out_dir, *extra):
    gpkg = os.path.join(out_dir, "an.gpkg")
    rc, out, err = run("run", "analyze", "--settlements", sample("settlements.geojson"),
                       "--control", sample("control.geojson"), "--routes",
                       sample("routes.geojson"), "--mask", sample("mask.geojson"),
                       "--output", gpkg, "--overwrite", *extra)
    check(rc == 0, "analyze ran (rc %d: %s)" % (rc, err.strip()))
    return gpkg


# ---- Independent geometry: pyproj and OGR --------------------------------------

def svg_frame(svg_attrs):
    """pyproj transformer lon/lat -> map metres, and the affine to pixels."""
    from pyproj import CRS, Transformer
    crs = CRS.from_proj4(svg_attrs["data-projection"].replace(" +type=crs", ""))
    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    ox, oy, scale, x0, y0 = (float(v) for v in svg_attrs["data-affine"].split())

    def px(lon, lat):
        x, y = t.transform(lon, lat)
        return ox + (x - x0) * scale, oy + (y0 - y) * scale
    return px


def main_rows(gpkg, layer, source, date):
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName(layer)
    rows = []
    for f in lyr:
        if f.GetField("source") == source and str(f.GetField("date")).replace("/", "-") == date:
            g = f.GetGeometryRef()
            rows.append(({k: f.GetField(k) for k in f.keys()}, g.Clone() if g else None))
    return rows


def settlement_lonlat(name):
    import json
    with open(sample("settlements.geojson")) as fh:
        for feat in json.load(fh)["features"]:
            if feat["properties"]["name"] == name:
                return feat["geometry"]["coordinates"]
    raise KeyError(name)


def read_png(path):
    """(width, height, pixel(x, y) -> (r, g, b)) through GDAL's PNG driver."""
    from osgeo import gdal
    ds = gdal.Open(path)
    bands = [ds.GetRasterBand(i + 1).ReadAsArray() for i in range(min(3, ds.RasterCount))]

    def pixel(x, y):
        x, y = int(round(x)), int(round(y))
        if not (0 <= x < ds.RasterXSize and 0 <= y < ds.RasterYSize):
            return None
        return tuple(int(b[y, x]) for b in bands)
    return ds.RasterXSize, ds.RasterYSize, pixel, bands


def near(c, want, tol=40):
    return c is not None and all(abs(a - b) <= tol for a, b in zip(c, want))


def best_near(pixel, x, y, want, radius=1, tol=40):
    """Some pixel within radius of (x, y) has colour want (antialiased edges)."""
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            if near(pixel(x + dx, y + dy), want, tol):
                return True
    return False


def svg_elements(html):
    """Every inline <svg> of the page, parsed as XML (the page itself is HTML)."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


# ---- Modes ------------------------------------------------------------------------

def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(path, *args):
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", "--user-data-dir=" + os.path.join(TMP, "chromium")]
    p = subprocess.run(cmd + list(args) + ["file://" + path], capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout


def mode_browser(d):
    if not chromium():
        skip("chromium is not installed (Debian: apt-get install chromium); the report's "
             "browser test needs it")
    gpkg = analyze(d, "--report", os.path.join(d, "an.html"))
    report = os.path.join(d, "an.html")
    html = open(report, encoding="utf-8").read()
    check("http://" not in html.replace("http://www.w3.org/2000/svg", "") and
          "https://" not in html, "the report fetches nothing (no http(s) URL)")
    # A copy that records where the map landed on the page, for the pixel checks.
    probe = os.path.join(d, "probe.html")
    with open(probe, "w", encoding="utf-8") as fh:
        fh.write(html.replace("</body>", "<script>var r=document.getElementById('map')"
                              ".getBoundingClientRect();document.body.setAttribute('data-map',"
                              "[r.left,r.top,r.width,r.height].join(' '));</script></body>"))
    rc, dom = browser(probe, "--window-size=1100,1400", "--dump-dom")
    check(rc == 0 and "<table" in dom, "chromium dumped the DOM (rc %d)" % rc)
    ns = "{http://www.w3.org/2000/svg}"
    svgs = svg_elements(html)
    maps = [e for e in svgs if e.get("id") == "map"]
    check(len(maps) == 1, "the map is an inline <svg id='map'>")
    if not maps:
        finish()
    svg = maps[0]
    groups = {g.get("id"): g for g in svg.iter(ns + "g") if g.get("id")}
    for gid in ("layer-bands", "layer-routes", "layer-fronts", "layer-settlements",
                "layer-labels", "legend", "scale-bar", "north-arrow"):
        check(gid in groups, "map layer %s present" % gid)
    # Main claim: the latest date, first source (map.c M2).
    src, date = "source_ru", "2025-02-15"
    bands = main_rows(gpkg, "bands", src, date)
    st = main_rows(gpkg, "settlement_status", src, date)
    check(len(groups["layer-bands"].findall(ns + "path")) == len(bands) == 4,
          "4 band paths (%d)" % len(groups["layer-bands"].findall(ns + "path")))
    circles = groups["layer-settlements"].findall(ns + "circle")
    check(len(circles) == len(st) == 50, "50 settlements drawn (%d)" % len(circles))
    labels = [t.text for t in groups["layer-labels"].findall(ns + "text")]
    check(len(labels) == 12 and "Horlivka" in labels and "Toretsk" in labels,
          "the 12 largest labelled: %s" % labels)
    fronts = groups["layer-fronts"].findall(ns + "path")
    check(len(fronts) == 4 and sum("latest" in p.get("class") for p in fronts) == 2,
          "4 fronts, the latest of each source bold")
    # Toretsk placed where pyproj puts it.
    px = svg_frame(svg.attrib)
    lon, lat = settlement_lonlat("Toretsk")
    tx, ty = px(lon, lat)
    tor = [c for c in circles if c.get("data-name") == "Toretsk"][0]
    check(abs(float(tor.get("cx")) - tx) < 0.2 and abs(float(tor.get("cy")) - ty) < 0.2,
          "Toretsk at (%.1f, %.1f), pyproj (%.1f, %.1f)" % (float(tor.get("cx")),
                                                           float(tor.get("cy")), tx, ty))
    holder = [r[0]["side"] for r in st if r[0]["name"] == "Toretsk"][0]
    check(tor.get("data-side") == holder == "RU", "Toretsk held by %s" % holder)
    # Scale bar: its length in px is its km at the map's scale.
    sb = groups["scale-bar"]
    km = float(sb.get("data-km"))
    rects = sb.findall(ns + "rect")
    bar = float(rects[1].get("width")) + float(rects[2].get("width"))
    check(abs(bar - km * float(svg.get("data-scale-px-per-km"))) < 0.2, "scale bar length")
    # Charts: one bar per band, each the band's area.
    bars = [r for e in svgs for r in e.iter(ns + "rect") if r.get("class") == "bar"]
    want = sorted(round(r[0]["area_km2"], 3) for r in bands)
    got = sorted(round(float(b.get("data-value")), 3) for b in bars)
    check(got == want, "band bars %s, areas %s" % (got, want))
    check(len([e for e in svgs if "lines" in (e.get("class") or "")]) >= 1,
          "a chart over the two dates")
    # Tables: settlements within the bands, routes merged by name.
    tables = dom.count("<table")
    check(tables >= 4, "settlements, routes, fronts and bands tables (%d)" % tables)
    in_bands = [r for r in st if r[0]["band"] is not None]
    check(("Settlements within the bands (%d)" % len(in_bands)) in html, "settlement count")
    routes = main_rows(gpkg, "route_exposure", src, date)
    keys = set()
    for r, _ in routes:
        keys.add(("n", r["name"], r["class"]) if r["name"] else
                 ("r", r["ref"], r["class"]) if r["ref"] else ("c", r["class"]))
    check(("Routes (%d, pieces merged" % len(keys)) in html, "routes merged: %d" % len(keys))
    check(dom.count("<tr>") >= len(in_bands) + len(keys), "table rows in the DOM")
    check('class="sortable"' in dom and "sorted-asc" in html, "tables sortable")
    m = re.search(r'data-map="([-0-9. ]+)"', dom)
    check(m is not None, "the map's place on the page")
    if not m:
        finish()
    left, top, width, height = (float(v) for v in m.group(1).split())
    k = width / float(svg.get("width"))
    # Screenshot: tall enough to hold the whole map.
    shot = os.path.join(d, "shot.png")
    h = int(top + height + 40)
    rc, _ = browser(probe, "--window-size=1100,%d" % h, "--screenshot=" + shot)
    check(rc == 0 and os.path.exists(shot), "chromium took a screenshot")
    W, H, pixel, _ = read_png(shot)
    check((W, H) == (1100, h), "screenshot %dx%d" % (W, H))
    check(best_near(pixel, left + tx * k, top + ty * k, RU, 1),
          "Toretsk's pixel is RU red: %s" % (pixel(left + tx * k, top + ty * k),))
    # The front: vertices of the latest source_ru front, away from the other
    # source's front and from settlements, show the front colour.
    fr = main_rows(gpkg, "frontline", src, date)
    pts, hits = 0, 0
    for _, g in fr:
        for i in range(0, g.GetPointCount() if g.GetGeometryCount() == 0 else 0, 3):
            x, y = px(g.GetX(i), g.GetY(i))
            pts += 1
            hits += best_near(pixel, left + x * k, top + y * k, FRONT, 1, 45)
        for j in range(g.GetGeometryCount()):
            part = g.GetGeometryRef(j)
            for i in range(0, part.GetPointCount(), 3):
                x, y = px(part.GetX(i), part.GetY(i))
                pts += 1
                hits += best_near(pixel, left + x * k, top + y * k, FRONT, 1, 45)
    check(pts > 5 and hits >= 0.6 * pts, "front colour at %d of %d front vertices" % (hits, pts))
    # Printing: chromium's print to PDF (the print style sheet, A4) gives a
    # PDF of a few pages.
    pdf = os.path.join(d, "an.pdf")
    rc, _ = browser(report, "--no-pdf-header-footer", "--print-to-pdf=" + pdf)
    data = open(pdf, "rb").read() if os.path.exists(pdf) else b""
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    check(data.startswith(b"%PDF-") and 2 <= pages <= 12, "printed to PDF: %d pages" % pages)
    finish()


def mode_png(d):
    svg_path, png_path = os.path.join(d, "map.svg"), os.path.join(d, "map.png")
    analyze(d, "--map", svg_path)
    analyze(d, "--map", png_path)
    svg = ET.parse(svg_path).getroot()
    check(svg.get("width") == "1200" and svg.get("height") == "850", "SVG map 1200 x 850")
    W, H, pixel, bands = read_png(png_path)
    check((W, H) == (1800, 1275), "PNG map 1800 x 1275 (%d x %d)" % (W, H))
    import numpy as np
    rgb = np.stack(bands[:3], axis=-1).reshape(-1, 3)
    colours = len(np.unique(rgb[:: 7], axis=0))
    check(colours > 50, "not blank: %d colours" % colours)
    check(near(pixel(W - 2, H // 2), BACKGROUND, 3), "background at the right edge %s"
          % (pixel(W - 2, H // 2),))
    # The scale: the pixel distance of two settlements over the stated px per km
    # is their geodesic distance (pyproj Geod, WGS84) to 0.5 % (the azimuthal
    # equidistant map is true along lines through its centre, close elsewhere).
    from pyproj import Geod
    ns = "{http://www.w3.org/2000/svg}"
    circ = {c.get("data-name"): c for c in svg.iter(ns + "circle") if c.get("data-name")}
    (lo1, la1), (lo2, la2) = settlement_lonlat("Toretsk"), settlement_lonlat("Kostiantynivka")
    _, _, d_m = Geod(ellps="WGS84").inv(lo1, la1, lo2, la2)
    dpx = ((float(circ["Toretsk"].get("cx")) - float(circ["Kostiantynivka"].get("cx"))) ** 2 +
           (float(circ["Toretsk"].get("cy")) - float(circ["Kostiantynivka"].get("cy"))) ** 2) ** 0.5
    d_map = dpx / float(svg.get("data-scale-px-per-km")) * 1000
    check(abs(d_map - d_m) <= 0.005 * d_m, "Toretsk-Kostiantynivka on the map %.0f m, "
          "geodesic %.0f m" % (d_map, d_m))
    px = svg_frame(svg.attrib)
    for name, want in (("Toretsk", RU), ("Kostiantynivka", UA), ("Horlivka", RU)):
        x, y = px(*settlement_lonlat(name))
        check(best_near(pixel, x * 1.5, y * 1.5, want, 1),
              "%s's pixel %s" % (name, pixel(x * 1.5, y * 1.5)))
    finish()


def mode_change(d):
    report, svg_path = os.path.join(d, "ch.html"), os.path.join(d, "ch.svg")
    rc, out, err = run("run", "change", "--control", sample("control.geojson"), "--settlements",
                       sample("settlements.geojson"), "--output", os.path.join(d, "ch.gpkg"),
                       "--report", report, "--map", svg_path)
    check(rc == 0, "change ran (rc %d: %s)" % (rc, err.strip()))
    html = open(report, encoding="utf-8").read()
    svgs = svg_elements(html)
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text for e in svgs for t in e.iter(ns + "text") if t.get("class") == "chart-title"]
    check(any(t.startswith("Area held per side") for t in titles) and
          any(t.startswith("Ground gained per period") for t in titles), "charts %s" % titles)
    # Gained km² per period: bars equal the sums of area_change by date_to and side_to.
    from osgeo import ogr
    ds = ogr.Open(os.path.join(d, "ch.gpkg"))
    want = {}
    for f in ds.GetLayerByName("area_change"):
        k = (f.GetField("source"), str(f.GetField("date_to")).replace("/", "-"), f.GetField("side_to"))
        want[k] = want.get(k, 0) + f.GetField("area_km2")
    bars = [r for e in svgs for r in e.iter(ns + "rect") if r.get("class") == "bar"]
    got = sorted(round(float(b.get("data-value")), 2) for b in bars)
    check(got == sorted(round(v, 2) for v in want.values()), "gained bars %s vs %s" % (got, want))
    svg = ET.parse(svg_path).getroot()
    changes = [g for g in svg.iter(ns + "g") if g.get("id") == "layer-changes"]
    check(changes and len(changes[0].findall(ns + "path")) == ds.GetLayerByName("area_change").GetFeatureCount(),
          "one path per changed polygon")
    finish()


def mode_errors(d):
    out = os.path.join(d, "e.gpkg")
    base = ["run", "analyze", "--settlements", sample("settlements.geojson"), "--control",
            sample("control.geojson"), "--output", out]
    rc, _, err = run(*base, "--report", os.path.join(d, "r.txt"))
    check(rc == 1 and "--report must be a file name ending in .html" in err, "bad report: %s" % err)
    rc, _, err = run(*base, "--report", os.path.join(d, "r.png"))
    check(rc == 1 and "--report must be a file name ending in .html, got" in err,
          "png report refused: %s" % err)
    rc, _, err = run(*base, "--map", os.path.join(d, "m.html"))
    check(rc == 1 and "--map must be a file name ending in .png or .svg" in err, "bad map: %s" % err)
    check(not os.path.exists(out), "nothing written on a bad argument")
    existing = os.path.join(d, "old.html")
    with open(existing, "w") as fh:
        fh.write("keep")
    rc, _, err = run(*base, "--report", existing)
    check(rc == 1 and "--report '%s' exists; pass --overwrite to replace it" % existing in err,
          "existing report kept: %s" % err)
    check(open(existing).read() == "keep" and not os.path.exists(out),
          "the existing report untouched, no output written")
    rc, _, err = run(*base, "--report", existing, "--overwrite")
    check(rc == 0 and open(existing).read().startswith("<!DOCTYPE html>"), "--overwrite replaces")
    leftovers = [f for f in os.listdir(d) if ".tmp-" in f]
    check(not leftovers, "no temporary files left: %s" % leftovers)
    finish()


def main():
    if not CLI or not os.path.exists(CLI):
        check(False, "FL_CLI names the frontline binary (%r)" % CLI)
        finish()
    mode = sys.argv[1] if len(sys.argv) > 1 else "browser"
    d = os.path.join(TMP, mode)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    {"browser": mode_browser, "png": mode_png, "change": mode_change,
     "errors": mode_errors}[mode](d)


if __name__ == "__main__":
    main()
