#!/usr/bin/env bash
# tests/sql/test_docs.sh - docs/sql.md stays true: every FL_* function and
# table-valued function the module registers has a "### FL_..." section, and
# the worked example runs as printed: its sh block (ogr2ogr) in a scratch
# directory, then its SQL block pasted into the spatialite shell, with
# `SELECT load_extension('mod_frontline')` finding the module by its bare
# name (LD_LIBRARY_PATH), as it would once installed. The numbers themselves
# are checked against pyproj in test_functions.py; here the shape is checked.
. "$(dirname "$0")/lib.sh"
DOC=$SRC/docs/sql.md
[ -f "$DOC" ] || { echo "FAIL: no $DOC"; exit 1; }

# Every registered name has a section.
q ":memory:" "SELECT DISTINCT name FROM pragma_function_list WHERE name LIKE 'fl\_%' ESCAPE '\\'
UNION SELECT name FROM pragma_module_list WHERE name LIKE 'fl\_%' ESCAPE '\\';"
LAST="list of FL_ names"
expect_rc 0
n=0
while read -r name; do
  [ -n "$name" ] || continue
  n=$((n + 1))
  if grep -qi "^### $name\b" "$DOC"; then pass; else fail "docs/sql.md has no '### $name' section"; fi
done <"$OUT"
expect_eq "$n" 18 "FL_ names registered (8 functions of DESIGN.md + FL_Bands + FL_NearestRoute + FL_Area, FL_Length, FL_Depth + FL_RangeRings, FL_LineOfSight + FL_SetLimit, FL_Limit + FL_Holder)"

# The worked example: the first sh and sql blocks after its heading.
block() {
  awk -v kind="$1" '/^## Worked example/ { on = 1 } on && $0 == "```" kind { inb = 1; next }
    inb && /^```/ { exit } inb { print }' "$DOC"
}
block sh >"$TMP/example.sh"
block sql >"$TMP/example.sql"
[ -s "$TMP/example.sh" ] && [ -s "$TMP/example.sql" ] && pass || fail "worked example blocks not found"
mkdir -p "$TMP/work"
ln -s "$SAMPLE" "$TMP/work/sample_data"
(cd "$TMP/work" && bash -e "$TMP/example.sh") >"$TMP/sh.out" 2>&1
RC=$?; LAST="worked example, sh block"
expect_rc 0
OUT=$TMP/stdout ERR=$TMP/stderr
(cd "$TMP/work" && LD_LIBRARY_PATH="$(dirname "$MOD")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  spl_shell -bail sample.sqlite <"$TMP/example.sql" >"$OUT" 2>"$ERR")
RC=$?; LAST="worked example, SQL block in the spatialite shell"
expect_rc 0
if grep -qiE "error|no such" "$ERR"; then fail "$LAST: $(head -3 "$ERR")"; else pass; fi
# Shape of the output: 5 + 6 + 4 + 3 + 3 + 6 rows of two or more columns
# (the line-of-contact length is one column).
expect_eq "$(grep -c '|' "$OUT")" 27 "rows with columns printed by the example"
expect_eq "$(grep -c '|POLYGON$' "$OUT")" 4 "FL_Bands rows in the example"
finish
