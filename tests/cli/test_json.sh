#!/usr/bin/env bash
# tests/cli/test_json.sh - --json summaries parse (python3 -m json.tool) and
# agree with the files; --quiet prints nothing; no progress off a terminal.
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson control.geojson front.geojson routes.geojson

S=$SAMPLE
declare -A ARGS=(
  [bands]="--front $S/front.geojson"
  [frontline]="--control $S/control.geojson"
  [settlement-status]="--settlements $S/settlements.geojson --control $S/control.geojson"
  [route-exposure]="--routes $S/routes.geojson --front $S/front.geojson"
  [nearest-route]="--settlements $S/settlements.geojson --routes $S/routes.geojson"
  [analyze]="--settlements $S/settlements.geojson --control $S/control.geojson"
)
for tool in bands frontline settlement-status route-exposure nearest-route analyze; do
  out=$TMP/$tool.gpkg
  # shellcheck disable=SC2086  # ARGS holds several words by design
  run --json run "$tool" ${ARGS[$tool]} --output "$out"
  expect_rc 0
  json_ok "$OUT"
  expect_eq "$(json_get "$OUT" "d['tool']")" "$tool" "$tool: tool"
  expect_eq "$(json_get "$OUT" "d['output']")" "$out" "$tool: output"
  expect_eq "$(json_get "$OUT" "type(d['warnings']).__name__")" list "$tool: warnings"
  expect_empty "$ERR"
  if [ "$tool" != analyze ]; then
    layer=${tool//-/_}
    expect_eq "$(json_get "$OUT" "d['features']")" "$(count "$out" "$layer")" "$tool: features = rows in $layer"
  else
    expect_eq "$(json_get "$OUT" "d['layers']['settlement_status']")" "$(count "$out" settlement_status)" "analyze: layers.settlement_status"
    expect_eq "$(json_get "$OUT" "len(d['report']) > 0")" True "analyze: report"
  fi
done

# --json also after the tool id; errors as JSON on stdout, the sentence on stderr.
run run frontline --control "$S/control.geojson" --snap-m abc --output "$TMP/e.gpkg" --json
expect_rc 1
json_ok "$OUT"
expect_eq "$(json_get "$OUT" "d['ok']")" False "error: ok"
expect_eq "$(json_get "$OUT" "d['error']")" "--snap-m must be a number between 0 and 1000000, got 'abc'" "error: sentence"
expect_in "$ERR" "frontline: error: --snap-m must be a number between 0 and 1000000, got 'abc'"

# --quiet: nothing on stdout or stderr, the file written.
run --quiet run bands --front "$S/front.geojson" --output "$TMP/q.gpkg"
expect_rc 0; expect_empty "$OUT"; expect_empty "$ERR"; expect_file "$TMP/q.gpkg"
run run bands -q --front "$S/front.geojson" --output "$TMP/q2.gpkg"
expect_rc 0; expect_empty "$OUT"
finish
