#!/usr/bin/env bash
# tests/sql/test_low_memory.sh - out of memory in the SQL face is an SQL
# error of one sentence, never an abort (exit 127 or 134), a crash or a wrong
# number (issue 17): mod_frontline in the sqlite3 shell under several
# address-space limits (ulimit -v), buffering, measuring and taking the
# distance of a 200,000-vertex line. Where a limit leaves enough memory the
# numbers must be those of the run without a limit. Below ~80 MB the shell
# cannot even map mod_spatialite's libraries ("failed to map segment", the
# loader's own sentence); those limits are reported, not failed.
. "$(dirname "$0")/lib.sh"
# ASan reserves terabytes of address space for its shadow: no ulimit -v there.
{ [ "${FL_SANITIZE:-0}" = 1 ] || ldd "$MOD" 2>/dev/null | grep -q libasan; } &&
  skip "built with AddressSanitizer"
DB=$TMP/big.sqlite
sqlite3 "$DB" "SELECT load_extension('mod_spatialite'); CREATE TABLE t(g BLOB);
INSERT INTO t SELECT MakeLine(MakePoint(37.0 + 2.0 * value / 200000,
  48.3 + 0.05 * sin(value * 0.01) + 0.001 * sin(value * 0.7), 4326)) FROM generate_series(0, 199999);" \
  >/dev/null 2>"$TMP/mk.err" || { fail "could not write the 200,000-vertex line: $(head -c 300 "$TMP/mk.err")"; exit 1; }
SQL="SELECT printf('%.6f', FL_Area(FL_Buffer(g, 20000))) FROM t;
SELECT printf('%.6f', FL_Length(g)) FROM t;
SELECT printf('%.6f', FL_Distance(g, MakePoint(37.5, 49, 4326))) FROM t;"
run_limited() { # KB: sets RC, OUT, ERR
  OUT=$TMP/o_$1 ERR=$TMP/e_$1
  (ulimit -v "$1"
   { printf ".bail on\nSELECT load_extension('mod_spatialite');\nSELECT load_extension('%s');\n" "$MOD"
     printf '%s\n' "$SQL"; } | exec sqlite3 -batch "$DB") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  sed -i '/^$/d' "$OUT"
}
q "$DB" "$SQL"
expect_rc 0
cp "$OUT" "$TMP/want"
[ "$(wc -l <"$TMP/want")" -eq 3 ] && pass || fail "the run without a limit gave $(cat "$TMP/want")"
for kb in 60000 80000 90000 95000 100000 105000 110000 120000 160000 250000; do
  run_limited "$kb"
  lines=$(grep -c . "$ERR")
  if grep -q "failed to map segment" "$ERR" && [ "$RC" -eq 1 ]; then
    echo "ulimit -v $kb: the shell cannot map its libraries: $(head -c 200 "$ERR")"
    pass
  elif [ "$RC" -eq 0 ] || { [ "$RC" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "out of memory" "$ERR"; }; then
    echo "ulimit -v $kb: exit $RC, $(wc -l <"$OUT") of 3 answers${lines:+; $(head -c 200 "$ERR")}"
    pass
  else
    fail "ulimit -v $kb: exit $RC, stderr: $(head -c 400 "$ERR")"
  fi
  # Every answer printed is the unlimited run's (never a wrong number).
  head -n "$(wc -l <"$OUT")" "$TMP/want" | cmp -s - "$OUT" && pass ||
    fail "ulimit -v $kb: answers $(tr '\n' ' ' <"$OUT") differ from $(tr '\n' ' ' <"$TMP/want")"
done
finish
