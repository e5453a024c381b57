# shellcheck shell=bash
# tests/sql/lib.sh - helpers shared by the SQL tests (sourced, not run).
#
# Every test is run as:  bash test_x.sh MODULE SAMPLE_DATA FRONTLINE SOURCE_DIR
# MODULE is build/bin/mod_frontline.so. The hosts are the real sqlite3 and
# spatialite shells (and GDAL); mod_spatialite is loaded first. Expected
# values come from elsewhere (pyproj, hand geometry, SpatiaLite) and say so.
# Exit status: 0 all checks passed, 1 a check failed, 77 mod_spatialite is
# not available.
# With FL_SANITIZE=1 (scripts/test.sh --sanitize) the module is built with
# ASan/UBSan but the hosts are not: they run with both runtimes preloaded
# and leak detection on; lsan.supp names the hosts' own leaks only.

set -u
MOD=${1:?usage: $0 MODULE SAMPLE_DATA FRONTLINE SOURCE_DIR}
SAMPLE=${2:?usage: $0 MODULE SAMPLE_DATA FRONTLINE SOURCE_DIR}
FRONTLINE=${3:-}
SRC=${4:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=/usr/bin/python3   # has pyproj and osgeo; the python3 first on PATH may not
export LC_ALL=C
MOD=$(realpath -m "$MOD") SAMPLE=$(realpath -m "$SAMPLE")
[ -n "$FRONTLINE" ] && FRONTLINE=$(realpath -m "$FRONTLINE")
MODNOEXT=${MOD%.so}

FAILS=0
CHECKS=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fl_sql.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

skip() { echo "SKIP: $*"; exit 77; }
pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

HOSTENV=()
if [ "${FL_SANITIZE:-0}" = 1 ]; then
  HOSTENV=(env "LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
           "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23"
           "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
           "LSAN_OPTIONS=suppressions=$SRC/tests/sql/lsan.supp:print_suppressions=0")
fi

# spl_shell ARGS...: the spatialite shell, reading SQL from stdin. Under
# FL_SANITIZE the shell deadlocks at exit in libp11-kit's destructor
# (freelocale under the ASan preload; seen with no Frontline code loaded), so
# there the sqlite3 shell stands in, with mod_spatialite loaded first.
spl_shell() {
  if [ "${FL_SANITIZE:-0}" = 1 ]; then
    { echo ".load mod_spatialite"; cat; } | "${HOSTENV[@]}" sqlite3 "$@"
  else
    spatialite "$@"
  fi
}

# PYENV: environment for /usr/bin/python3 as a host. Python's own allocations
# at exit show up as leaks under LeakSanitizer and a suppression would match
# any stack through the interpreter (Frontline's too), so leaks are checked in
# the sqlite3 shell and Python runs with ASan/UBSan but without leak checks.
PYENV=()
if [ "${FL_SANITIZE:-0}" = 1 ]; then
  PYENV=(env "LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
         "ASAN_OPTIONS=detect_leaks=0:exitcode=23" "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
fi

# The tests skip only when mod_spatialite itself cannot be loaded.
sqlite3 :memory: "SELECT load_extension('mod_spatialite');" >/dev/null 2>&1 ||
  skip "mod_spatialite cannot be loaded into sqlite3 (install libsqlite3-mod-spatialite)"
[ -f "$MOD" ] || { echo "FAIL: no module $MOD"; exit 1; }

# q DB SQL: run SQL in the sqlite3 shell with both extensions loaded; sets
# RC, OUT and ERR (file names). Output is list mode, '|' between columns.
q() {
  OUT=$TMP/stdout ERR=$TMP/stderr
  { printf ".bail on\nSELECT load_extension('mod_spatialite');\n"
    printf "SELECT load_extension('%s');\n.headers off\n" "$MOD"
    printf '%s\n' "$2"; } | "${HOSTENV[@]}" sqlite3 -batch "$1" >"$OUT" 2>"$ERR"
  RC=$?
  # load_extension prints one empty line per call
  sed -i '1,2{/^$/d}' "$OUT"
  LAST="sqlite3: $2"
  # A sanitizer report fails the check even where an SQL error was expected.
  if grep -qE "ERROR: (Leak|Address)Sanitizer|runtime error:" "$ERR"; then
    fail "sanitizer report for: $2"
    grep -E "Sanitizer|runtime error|#[0-9]+ " "$ERR" | head -20 | sed 's/^/  | /'
  fi
}

# val DB SQL: the output of q (first line).
val() { q "$1" "$2"; head -1 "$OUT"; }

expect_rc() {
  if [ "$RC" -eq "$1" ]; then pass; else
    fail "$LAST: exit $RC, expected $1"
    sed 's/^/  stderr: /' "$ERR" | head -5
  fi
}

expect_eq() { if [ "$1" = "$2" ]; then pass; else fail "$3: got '$1', expected '$2'"; fi; }

# expect_in FILE TEXT: TEXT (fixed string) occurs in FILE.
expect_in() {
  if grep -qF -- "$2" "$1"; then pass; else
    fail "$LAST: expected '$2' in $(basename "$1"); got:"
    head -c 600 "$1" | sed 's/^/  | /'
  fi
}

# expect_near GOT WANT ABS_TOL REL_TOL WHAT: |GOT-WANT| <= max(ABS, REL*|WANT|).
expect_near() {
  if awk -v g="$1" -v w="$2" -v a="$3" -v r="$4" 'BEGIN {
       if (g == "" || g !~ /^[-+0-9.eE]+$/) exit 1
       d = g - w; if (d < 0) d = -d; t = r * (w < 0 ? -w : w); if (t < a) t = a
       exit !(d <= t) }'; then pass; else fail "$5: got '$1', expected $2 (tol max($3, $4 rel))"; fi
}

# gis_db FORMAT FILE: a SpatiaLite ('SQLite') or GeoPackage ('GPKG') database
# with every layer of sample_data/, made by ogr2ogr (no Frontline code).
gis_db() {
  local fmt=$1 out=$2 opt=()
  [ "$fmt" = SQLite ] && opt=(-dsco SPATIALITE=YES)
  for l in settlements settlements_polygons control front routes mask; do
    if [ -f "$out" ]; then
      ogr2ogr -f "$fmt" -update "$out" "$SAMPLE/$l.geojson" -nln "$l" 2>>"$TMP/ogr.log" || return 1
    else
      ogr2ogr -f "$fmt" "${opt[@]}" "$out" "$SAMPLE/$l.geojson" -nln "$l" 2>>"$TMP/ogr.log" || return 1
    fi
  done
}

finish() {
  echo "$CHECKS checks, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
