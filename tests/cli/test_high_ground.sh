#!/usr/bin/env bash
# tests/cli/test_high_ground.sh - `frontline run high-ground` on the synthetic
# sample DEM: peaks and prominence (H1-H4), kept on a side's ground and in a
# band from the front (P1-P3); and viewshed observers kept the same way.
# Oracles: tests/cli/prominence_oracle.py (key cols by level-set labelling
# with scipy, another method than the code's flooding; 0.01 m); OGR for the
# side's ground and the distance to the front in an azimuthal equidistant
# frame centred on each peak (max(2 m, 0.1 %)).
. "$(dirname "$0")/lib.sh"
need_sample dem_toretsk.tif control.geojson front.geojson positions.geojson
HERE=$(dirname "$0")
DEM=$SAMPLE/dem_toretsk.tif

out=$TMP/hg.gpkg
run run high-ground --dem "$DEM" --min-prominence-m 10 --output "$out" --json
expect_rc 0; json_ok "$OUT"
expect_eq "$(count "$out" high_ground)" 5 "peaks of prominence >= 10 m"
expect_eq "$(sql "$out" "SELECT count(*) FROM high_ground WHERE prominence_m < 10 OR abs(height_m - col_m - prominence_m) > 0.011")" 0 "prominence = height - col, >= 10"
ogrinfo -ro -q "$out" -dialect SQLite -sql "SELECT ST_X(geom), ST_Y(geom), height_m, col_m, prominence_m FROM high_ground" |
  awk -F' = ' '/ = /{printf "%s ", $2; if (++n % 5 == 0) print ""}' >"$TMP/peaks.txt"
expect_eq "$(wc -l <"$TMP/peaks.txt")" 5 "peak rows"
while read -r x y h c p; do
  read -r oh oc op < <($PY "$HERE/prominence_oracle.py" "$DEM" "$x" "$y")
  expect_near "$h" "$oh" 0.01 0 "height of the peak at $x $y"
  expect_near "$c" "$oc" 0.01 0 "key col of the peak at $x $y"
  expect_near "$p" "$op" 0.01 0 "prominence of the peak at $x $y"
done <"$TMP/peaks.txt"
# Most prominent first.
expect_eq "$(sql "$out" "SELECT count(*) FROM high_ground a, high_ground b WHERE a.fid < b.fid AND a.prominence_m < b.prominence_m")" 0 "sorted by prominence"
run run high-ground --dem "$DEM" --min-prominence-m 100 --output "$TMP/hg100.gpkg"
expect_rc 0; expect_eq "$(count "$TMP/hg100.gpkg" high_ground)" 1 "one peak of prominence >= 100 m"

# On UA's ground of one claim, 1-10 km from that claim's front.
SEL=(--control "$SAMPLE/control.geojson" --held-by UA --front "$SAMPLE/front.geojson"
     --source source_ua --date 2024-10-15 --min-distance-m 1000 --max-distance-m 10000)
run run high-ground --dem "$DEM" --min-prominence-m 5 "${SEL[@]}" --output "$TMP/sel.gpkg"
expect_rc 0
run run high-ground --dem "$DEM" --min-prominence-m 5 --output "$TMP/all.gpkg"
want=$($PY - "$TMP/all.gpkg" "$SAMPLE/control.geojson" "$SAMPLE/front.geojson" <<'PYEOF'
import sys
from osgeo import ogr, osr
ogr.UseExceptions()
peaks, ctl, front = (ogr.Open(p) for p in sys.argv[1:4])
ll = osr.SpatialReference(); ll.ImportFromEPSG(4326)
ll.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
def claim(ds, where):
    lyr = ds.GetLayer(0); lyr.SetAttributeFilter(where)
    return [f.GetGeometryRef().Clone() for f in lyr]
flt = "source = 'source_ua' AND date = '2024/10/15'"
ground = claim(ctl, flt + " AND side = 'UA'")
lines = claim(front, flt)
assert ground and lines, "oracle: the claim is empty"
kept = []
for f in peaks.GetLayer(0):
    p = f.GetGeometryRef()
    if not any(g.Intersects(p) for g in ground):
        continue
    aeqd = osr.SpatialReference()
    aeqd.ImportFromProj4("+proj=aeqd +lat_0=%r +lon_0=%r +ellps=WGS84" % (p.GetY(), p.GetX()))
    tr = osr.CoordinateTransformation(ll, aeqd)
    q = p.Clone(); q.Transform(tr)
    d = []
    for l in lines:
        m = l.Clone(); m.Segmentize(0.001); m.Transform(tr); d.append(m.Distance(q))
    if 1000 <= min(d) <= 10000:
        kept.append("%.6f" % min(d))
print(" ".join(kept))
PYEOF
)
got=$(ogrinfo -ro -q "$TMP/sel.gpkg" -dialect SQLite -sql "SELECT printf('%.6f', dist_to_front_m) d FROM high_ground ORDER BY fid" | awk -F' = ' '/ = /{printf "%s ", $2}')
set -- $want
expect_eq "$(count "$TMP/sel.gpkg" high_ground)" "$#" "peaks on UA ground 1-10 km from the front (OGR: $want)"
for d in $got; do
  ok=0; for w in $want; do awk -v a="$d" -v b="$w" 'BEGIN{e=a-b; if(e<0)e=-e; m=b*0.001; if(m<2)m=2; exit !(e<=m)}' && ok=1; done
  if [ $ok = 1 ]; then pass; else fail "dist_to_front_m $d not among the oracle's $want"; fi
done
# Errors.
run run high-ground --dem "$DEM" --held-by UA --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "--held-by needs the control layer"
run run high-ground --dem "$DEM" --max-distance-m 5000 --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "--min-distance-m and --max-distance-m need the front: pass --front"
run run high-ground --dem "$DEM" --control "$SAMPLE/control.geojson" --held-by UA --output "$TMP/e.gpkg"
expect_rc 1; expect_in "$ERR" "holds"; expect_in "$ERR" "claims (source, date); pick one with --source and --date"
expect_no_file "$TMP/e.gpkg"

# Viewshed observers kept the same way: only the positions in the band.
run run viewshed --dem "$DEM" --observers "$SAMPLE/positions.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --min-distance-m 3000 --max-range-m 3000 --output "$TMP/v.tif"
expect_rc 0; expect_in "$OUT" "of 3 observers kept in the band from the front"
run run viewshed --dem "$DEM" --observers "$SAMPLE/positions.geojson" --front "$SAMPLE/front.geojson" \
  --source source_ua --date 2024-10-15 --min-distance-m 900000 --output "$TMP/v2.tif"
expect_rc 1; expect_in "$ERR" "no observer of --observers is left"
finish
