#!/usr/bin/env bash
# tests/cli/test_progress.sh - every tool shows its progress on a terminal
# ("frontline TOOL: NN%" on stderr, ending at 100 %), and prints none on a pipe
# or with --quiet (rule C4 of plugin/cli/main.c; issue 16). The terminal is
# a pseudo-terminal made by script(1).
. "$(dirname "$0")/lib.sh"
need_sample front.geojson
command -v script >/dev/null || skip "script(1) not installed (bsdutils)"
S=$SAMPLE
declare -A ARGS=(
  [bands]="--front $S/front.geojson --mask $S/mask.geojson"
  [frontline]="--control $S/control.geojson"
  [settlement-status]="--settlements $S/settlements.geojson --control $S/control.geojson"
  [route-exposure]="--routes $S/routes.geojson --front $S/front.geojson"
  [nearest-route]="--settlements $S/settlements.geojson --routes $S/routes.geojson"
  [analyze]="--settlements $S/settlements.geojson --control $S/control.geojson --routes $S/routes.geojson"
  [range-rings]="--positions $S/positions.geojson --distances 3000,9000"
  [line-of-sight]="--dem $S/dem_toretsk.tif --observers $S/positions.geojson --targets $S/settlements.geojson --max-range-m 12000"
  [viewshed]="--dem $S/dem_toretsk.tif --observers $S/positions.geojson --max-range-m 8000"
  [change]="--control $S/control.geojson"
  [compare-claims]="--control $S/control.geojson --settlements $S/settlements.geojson"
  [high-ground]="--dem $S/dem_toretsk.tif --min-prominence-m 5"
)
# Every tool the CLI lists has a case here: a new tool must add one.
tools=$("$FRONTLINE" list 2>/dev/null | awk 'NF && $1 !~ /:$/ {print $1}' | grep -E '^[a-z-]+$')
[ -n "$tools" ] && pass || fail "frontline list gave no tools"
for t in $tools; do
  [ -n "${ARGS[$t]:-}" ] && pass || fail "no progress case for tool '$t'"
done
k=0
for t in "${!ARGS[@]}"; do
  k=$((k + 1))
  cmd="$FRONTLINE run $t ${ARGS[$t]} --output $TMP/p$k.gpkg"
  # On a terminal: progress on stderr (script(1) merges it into its log).
  script -qec "$cmd" /dev/null </dev/null >"$TMP/tty.log" 2>&1
  grep -q "frontline $t: 100%" "$TMP/tty.log" && pass ||
    fail "$t on a terminal: no progress reaching 100% ($(tr '\r' '\n' <"$TMP/tty.log" | tail -n 2 | tr '\n' ' '))"
  # On a pipe: none.
  rm -f "$TMP/p$k.gpkg"
  $cmd 2>"$TMP/pipe.err" | cat >/dev/null
  grep -q "%" "$TMP/pipe.err" && fail "$t on a pipe printed progress: $(head -c 200 "$TMP/pipe.err")" || pass
  # --quiet on a terminal: none.
  rm -f "$TMP/p$k.gpkg"
  script -qec "$FRONTLINE --quiet run $t ${ARGS[$t]} --output $TMP/p$k.gpkg" /dev/null </dev/null >"$TMP/q.log" 2>&1
  grep -q "frontline $t: " "$TMP/q.log" && fail "$t --quiet printed progress" || pass
  rm -f "$TMP/p$k.gpkg"
done
finish
