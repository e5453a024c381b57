# shellcheck shell=bash
# tests/cli/lib.sh - helpers shared by the CLI tests (sourced, not run).
#
# Every test script is run as:  bash test_x.sh FRONTLINE SAMPLE_DATA [REAL_DATA]
# It runs the real `frontline` binary, checks exit codes, stdout/stderr, and
# opens the outputs with ogrinfo. Expected numbers come from
# tests/cli/oracle.py (pyproj + OGR, no Frontline code) and say so beside them.
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (ctest
# SKIP_RETURN_CODE).

set -u
FRONTLINE=${1:?usage: $0 FRONTLINE SAMPLE_DATA [REAL_DATA]}
SAMPLE=${2:?usage: $0 FRONTLINE SAMPLE_DATA [REAL_DATA]}
# shellcheck disable=SC2034  # REAL is used by test_real_data.sh
REAL=${3:-}
PY=/usr/bin/python3   # has pyproj and osgeo; the python3 first on PATH may not
export LC_ALL=C

FAILS=0
CHECKS=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fl_cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

skip() { echo "SKIP: $*"; exit 77; }
pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# run ARGS...: run frontline; sets RC, and OUT / ERR (file names of stdout/stderr).
run() {
  OUT=$TMP/stdout ERR=$TMP/stderr
  "$FRONTLINE" "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  LAST="frontline $*"
}

expect_rc() {
  if [ "$RC" -eq "$1" ]; then pass; else
    fail "$LAST: exit $RC, expected $1"
    sed 's/^/  stderr: /' "$ERR" | head -5
  fi
}

# expect_in FILE TEXT: TEXT (fixed string) occurs in FILE.
expect_in() {
  if grep -qF -- "$2" "$1"; then pass; else
    fail "$LAST: expected '$2' in $(basename "$1"); got:"
    head -c 600 "$1" | sed 's/^/  | /'
  fi
}

expect_not_in() {
  if grep -qF -- "$2" "$1"; then fail "$LAST: did not expect '$2' in $(basename "$1")"; else pass; fi
}

expect_empty() {
  if [ -s "$1" ]; then fail "$LAST: expected empty $(basename "$1"), got: $(head -c 300 "$1")"; else pass; fi
}

expect_file() { if [ -f "$1" ]; then pass; else fail "$LAST: no file $1"; fi; }
expect_no_file() { if [ -e "$1" ]; then fail "$LAST: $1 should not exist"; else pass; fi; }

# sql FILE SQL: the first value of the first row (SQLite dialect on any source).
sql() {
  ogrinfo -ro -q "$1" -dialect SQLite -sql "$2" 2>/dev/null |
    awk -F' = ' '/ = /{print $2; exit}'
}

# count FILE LAYER: feature count as ogrinfo reports it ("" when the layer is missing).
count() {
  ogrinfo -ro -so "$1" "$2" 2>/dev/null | awk -F': ' '/^Feature Count/{print $2}'
}

# layers FILE: the layer names, one a line, sorted; a GeoPackage's
# layer_styles table (the QGIS styles, not a result) is left out.
layers() {
  ogrinfo -ro -q "$1" 2>/dev/null | sed -n 's/^[0-9]*: \([^ ]*\).*/\1/p' | grep -vx layer_styles | sort
}

# layer1 FILE: the first layer's name (a GeoJSON layer is named by its "name" member).
layer1() { layers "$1" | head -1; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  if [ "$1" = "$2" ]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}

# expect_near ACTUAL EXPECTED ABS_TOL REL_TOL WHAT: |a-e| <= max(abs, rel*|e|).
expect_near() {
  if awk -v a="$1" -v e="$2" -v t="$3" -v r="$4" 'BEGIN {
        if (a == "" || a !~ /^-?[0-9.eE+-]+$/) exit 1
        d = a - e; if (d < 0) d = -d; m = (e < 0 ? -e : e) * r; if (m < t) m = t
        exit !(d <= m) }'; then pass; else
    fail "$5: got '$1', expected $2 (tolerance max($3, $4 x expected))"
  fi
}

# json_ok FILE: the file parses as JSON.
json_ok() {
  if $PY -m json.tool "$1" >/dev/null 2>&1; then pass; else
    fail "$LAST: output is not JSON: $(head -c 300 "$1")"
  fi
}

# json_get FILE EXPR: a Python expression on the parsed object d.
json_get() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

finish() {
  if [ "$FAILS" -gt 0 ]; then
    echo "$(basename "$0"): $FAILS of $CHECKS checks failed"
    exit 1
  fi
  echo "$(basename "$0"): all $CHECKS checks passed"
  exit 0
}

need_sample() {
  for f in "$@"; do [ -r "$SAMPLE/$f" ] || skip "sample_data/$f is missing"; done
}
