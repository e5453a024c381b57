#!/usr/bin/env bash
# tests/cli/test_memory_flat.sh - settlement-status on a GeoPackage of points
# (bench T1's path) keeps its peak resident memory flat in the number of
# points: from 100,000 to 500,000 points it may grow by at most 200 bytes a
# point (measured: ~120, the R*Tree's boxes gathered and packed at the end and
# SQLite's 16 MB page cache filling); holding every layer in memory, as
# before the stream, took ~1,140 bytes a point (issue 13).
# Not a timing. Skipped under AddressSanitizer, whose shadow memory distorts RSS.
. "$(dirname "$0")/lib.sh"
ldd "$FRONTLINE" 2>/dev/null | grep -q libasan && skip "built with AddressSanitizer"
[ "${FL_SANITIZE:-0}" = 1 ] && skip "sanitizer build"
small=$("$PY" "$(dirname "$0")/memory_flat.py" "$FRONTLINE" "$TMP" 100000) || fail "100k: $small"
large=$("$PY" "$(dirname "$0")/memory_flat.py" "$FRONTLINE" "$TMP" 500000) || fail "500k: $large"
set -- $small
kb_small=$1 rows_small=$2
set -- $large
kb_large=$1 rows_large=$2
[ "$rows_small" = 100000 ] && [ "$rows_large" = 500000 ] && pass || fail "rows: $rows_small, $rows_large"
per_point=$(( (kb_large - kb_small) * 1024 / 400000 ))
echo "peak RSS: 100k points ${kb_small} KB, 500k points ${kb_large} KB: ${per_point} bytes a point"
[ "$per_point" -le 200 ] && pass || fail "peak RSS grows by $per_point bytes a point (at most 200)"
finish
