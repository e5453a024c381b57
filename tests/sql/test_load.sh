#!/usr/bin/env bash
# tests/sql/test_load.sh - mod_frontline loads in every host the issue names:
# `SELECT load_extension('mod_frontline')` after mod_spatialite in the sqlite3
# shell (entry point found from the file name, twice is harmless), the
# spatialite shell, and /usr/bin/python3's sqlite3; only the entry point is
# exported.
. "$(dirname "$0")/lib.sh"

# Exported symbols: only the entry point (STYLE.md 5.10).
syms=$(nm -D --defined-only "$MOD" | awk '{print $3}' | sort | tr '\n' ' ')
expect_eq "$syms" "sqlite3_modfrontline_init " "exported symbols of $(basename "$MOD")"

# sqlite3 shell, by SQL, with and without .so, three times (idempotent init).
# A bare name is found as dlopen finds libraries: here via LD_LIBRARY_PATH,
# once installed beside mod_spatialite without it.
cd "$(dirname "$MOD")" || exit 1
OUT=$TMP/out ERR=$TMP/err
printf "%s\n" "SELECT load_extension('mod_spatialite');" "SELECT load_extension('mod_frontline');" \
  "SELECT load_extension('./mod_frontline.so');" "SELECT load_extension('$MODNOEXT');" \
  "SELECT FL_Version();" |
  LD_LIBRARY_PATH="$(dirname "$MOD")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "${HOSTENV[@]}" sqlite3 -batch :memory: >"$OUT" 2>"$ERR"
RC=$?; LAST="sqlite3 load_extension x3"
expect_rc 0
# frontline.h: FL_VERSION_MAJOR.MINOR.PATCH (read from the header, not the module)
hdr=$(awk '/#define FL_VERSION_(MAJOR|MINOR|PATCH) /{printf "%s%s", sep, $3; sep="."}' \
      "$SRC/include/frontline/frontline.h")
expect_eq "$(grep -v '^$' "$OUT")" "$hdr" "FL_Version() after loading three times"
cd - >/dev/null || exit 1

# The shell's .load command, mod_frontline before mod_spatialite too.
printf ".load %s\n.load mod_spatialite\nSELECT FL_Distance(MakePoint(0,0,4326), MakePoint(1,0,4326));\n" \
  "$MODNOEXT" | "${HOSTENV[@]}" sqlite3 -batch :memory: >"$OUT" 2>"$ERR"
RC=$?; LAST="sqlite3 .load (frontline first)"
expect_rc 0
# (0,0)-(1,0) on WGS84 = 111319.49 m (geod_inverse; pyproj Geod gives the same)
expect_near "$(cat "$OUT")" 111319.49 1 0.001 "FL_Distance of one degree of the equator"

# A wrong entry point name is refused by SQLite (it derives the name from the file).
cp "$MOD" "$TMP/other-name.so"
printf "SELECT load_extension('%s');\n" "$TMP/other-name.so" |
  "${HOSTENV[@]}" sqlite3 -batch :memory: >"$OUT" 2>"$ERR"
RC=$?; LAST="sqlite3 load other-name.so"
expect_in "$ERR" "sqlite3_othername_init"

# spatialite shell: it reads SQL from stdin (it refuses SQL as an argument).
if command -v spatialite >/dev/null; then
  printf ".load %s\nSELECT FL_Version();\nSELECT round(FL_Distance(MakePoint(37.8475,48.3978,4326), MakePoint(37.7056,48.5277,4326)), 1);\n" \
    "$MOD" | spl_shell -batch :memory: >"$OUT" 2>"$ERR"
  RC=$?; LAST="spatialite shell"
  expect_rc 0
  expect_in "$OUT" "$hdr"
  # Toretsk -> Kostiantynivka, approximate centres: pyproj Geod(WGS84).inv = 17854.46 m
  want=$($PY -c "from pyproj import Geod; print(Geod(ellps='WGS84').inv(37.8475,48.3978,37.7056,48.5277)[2])")
  expect_near "$(tail -1 "$OUT")" "$want" 1 0.001 "spatialite shell FL_Distance"
else
  fail "spatialite shell not installed"
fi

# Python's sqlite3 (the system python; pyenv's has no enable_load_extension).
"${PYENV[@]}" $PY - "$MOD" >"$OUT" 2>"$ERR" <<'PYEOF'
import sqlite3, sys
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.load_extension("mod_spatialite")
con.load_extension(sys.argv[1][:-3])
con.execute("SELECT load_extension(?)", (sys.argv[1],))   # second load: harmless
print(con.execute("SELECT FL_Version()").fetchone()[0])
print(con.execute("SELECT FL_Distance(MakePoint(0,0,4326), MakePoint(0,1,4326))").fetchone()[0])
con.close()
PYEOF
RC=$?; LAST="python3 sqlite3"
expect_rc 0
expect_in "$OUT" "$hdr"
# (0,0)-(0,1) on WGS84: pyproj Geod
want=$($PY -c "from pyproj import Geod; print(Geod(ellps='WGS84').inv(0,0,0,1)[2])")
expect_near "$(tail -1 "$OUT")" "$want" 1 0.001 "python FL_Distance one degree of meridian"
finish
