#!/usr/bin/env bash
# tests/cli/test_low_memory.sh - out of memory is one sentence and exit 1,
# never an abort (exit 127 or 134) or a crash, at several address-space
# limits (ulimit -v), from reading a 200,000-vertex front to buffering it
# (issue 17).
. "$(dirname "$0")/lib.sh"
# ASan reserves terabytes of address space for its shadow: no ulimit -v there.
ldd "$FRONTLINE" 2>/dev/null | grep -q libasan && skip "built with AddressSanitizer"
"$PY" -c "
import json, math
n = 200000
c = [[37.0 + 2.0 * i / n, 48.3 + 0.05 * math.sin(i * 0.01) + 0.001 * math.sin(i * 0.7)]
     for i in range(n)]
json.dump({'type': 'FeatureCollection', 'features': [{'type': 'Feature', 'properties': {},
           'geometry': {'type': 'LineString', 'coordinates': c}}]}, open('$TMP/big.geojson', 'w'))
" || fail "could not write the big front"
for kb in 50000 70000 90000 120000 160000 250000; do
  (ulimit -v "$kb"; exec "$FRONTLINE" run bands --front "$TMP/big.geojson" \
    --distances 5000,20000 --output "$TMP/out_$kb.gpkg" -q) >"$TMP/o" 2>"$TMP/e" </dev/null
  rc=$?
  lines=$(wc -l <"$TMP/e")
  if [ "$rc" -eq 0 ]; then
    pass # enough memory after all
  elif [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q '^frontline: error: .*out of memory' "$TMP/e"; then
    pass
  else
    fail "ulimit -v $kb: exit $rc, stderr: $(head -c 400 "$TMP/e")"
  fi
  ls "$TMP" | grep -q "out_$kb.gpkg.tmp-" && fail "ulimit -v $kb left a temporary file" || pass
done
finish
