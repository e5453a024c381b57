#!/usr/bin/env bash
# tests/cli/test_analyze.sh - `frontline run analyze`: every result layer in
# ONE GeoPackage, and the report as the summary (text or Markdown).
# Counts by hand: 50 settlements x 4 control groups (2 sources x 2 dates) =
# 200 settlement_status rows; 50 nearest_route rows; 4 contact lines (one per
# group); bands 4 per group = 16.
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson control.geojson routes.geojson mask.geojson

out=$TMP/toretsk.gpkg
run run analyze --settlements "$SAMPLE/settlements.geojson" --control "$SAMPLE/control.geojson" \
  --routes "$SAMPLE/routes.geojson" --mask "$SAMPLE/mask.geojson" --output "$out"
expect_rc 0
expect_eq "$(layers "$out" | tr '\n' ' ')" "bands frontline nearest_route route_exposure settlement_status " "layers in one GeoPackage"
expect_eq "$(count "$out" settlement_status)" 200 "settlement_status rows"
expect_eq "$(count "$out" nearest_route)" 50 "nearest_route rows"
expect_eq "$(count "$out" frontline)" 4 "frontline rows"
expect_eq "$(count "$out" bands)" 16 "bands rows"
expect_in "$OUT" "Toretsk"
expect_in "$OUT" "5 layers written to $out."
expect_not_in "$OUT" "# "   # plain text by default

# Markdown report; filters to one group.
run run analyze --settlements "$SAMPLE/settlements.geojson" --control "$SAMPLE/control.geojson" \
  --routes "$SAMPLE/routes.geojson" --source source_ua --date 2024-10-15 --format md \
  --output "$TMP/md.gpkg"
expect_rc 0
expect_in "$OUT" "# Frontline report"
expect_in "$OUT" "| Toretsk"
expect_eq "$(count "$TMP/md.gpkg" settlement_status)" 50 "settlement_status rows, one group"
expect_eq "$(sql "$TMP/md.gpkg" "SELECT side FROM settlement_status WHERE name='Toretsk'")" UA "Toretsk holder (oracle: UA)"

# Without routes, the route layers are left out.
run run analyze --settlements "$SAMPLE/settlements.geojson" --control "$SAMPLE/control.geojson" \
  --output "$TMP/noroutes.gpkg"
expect_rc 0
expect_eq "$(layers "$TMP/noroutes.gpkg" | tr '\n' ' ')" "bands frontline settlement_status " "layers without routes"

run run analyze --settlements "$SAMPLE/settlements.geojson" --control "$SAMPLE/control.geojson" \
  --format html --output "$TMP/x.gpkg"
expect_rc 1; expect_in "$ERR" "format must be one of 'text', 'md', got 'html'"
expect_no_file "$TMP/x.gpkg"
# 65 dates of one source: the report's tables show 64 and say so; the layer keeps all 65.
$PY - "$SAMPLE/control.geojson" "$TMP/dates65.geojson" <<'PY'
import json, sys, datetime
d = json.load(open(sys.argv[1]))
one = [f for f in d["features"] if f["properties"]["source"] == "source_ua"
       and f["properties"]["date"] == "2024-10-15"]
out = []
for k in range(65):
    day = (datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * k)).isoformat()
    for f in one:
        g = json.loads(json.dumps(f))
        g["properties"]["date"] = day
        out.append(g)
json.dump({"type": "FeatureCollection", "features": out}, open(sys.argv[2], "w"))
PY
run run analyze --settlements "$SAMPLE/settlements.geojson" --control "$TMP/dates65.geojson" \
  --format md --output "$TMP/d65.gpkg"
expect_rc 0
expect_in "$OUT" "show only the first 64 claim dates and 16 sources met"
expect_eq "$(grep -c '^## Settlements as of' "$OUT")" 64 "report sections"
expect_eq "$(sql "$TMP/d65.gpkg" "SELECT count(DISTINCT date) FROM settlement_status")" 65 "dates in the layer"
finish
