#!/usr/bin/env bash
# tests/sql/test_errors.sh - bad input raises an SQL error that names the
# function and the argument (sql_geom_arg.c rules A1-A2); NULL in gives NULL
# out; nothing crashes the sqlite3 shell (and, under FL_SANITIZE, nothing
# leaks: every statement here runs with LeakSanitizer on).
. "$(dirname "$0")/lib.sh"

DB=$TMP/e.sqlite
P="MakePoint(37.8, 48.4, 4326)"
L="GeomFromText('LINESTRING(37.6 48.3, 37.9 48.3)', 4326)"
A="BuildMbr(37.6, 48.3, 37.9, 48.5, 4326)"

# err SQL TEXT: the statement fails and stderr holds TEXT.
err() {
  q "$DB" "$1"
  if [ "$RC" -ne 0 ] && grep -qF -- "$2" "$ERR"; then pass; else
    fail "$1: expected an error with '$2', got rc $RC: $(head -c 300 "$ERR") $(head -c 100 "$OUT")"
  fi
}
# null SQL: the statement prints one empty value (NULL).
null() {
  q "$DB" "$1"
  if [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "" ]; then pass; else
    fail "$1: expected NULL, got rc $RC '$(head -c 200 "$OUT")' $(head -c 200 "$ERR")"
  fi
}

err "SELECT FL_Buffer($P, -5);" "FL_Buffer: argument 2 (metres) must not be negative, got -5"
err "SELECT FL_Buffer($P, 'abc');" "FL_Buffer: argument 2 (metres) must be a number of metres, got text 'abc'"
err "SELECT FL_Buffer($P, 1e999);" "FL_Buffer: argument 2 (metres) must be a finite number"
err "SELECT FL_Buffer($L, 100, 'up');" "FL_Buffer: argument 3 (side) must be 'both', 'left' or 'right', got 'up'"
err "SELECT FL_Buffer($L, 100, 3);" "FL_Buffer: argument 3 (side) must be 'both', 'left' or 'right', got an integer"
err "SELECT FL_Buffer(x'0001020304', 100);" "FL_Buffer: argument 1 (geom) is not a SpatiaLite or GeoPackage geometry blob (length 5)"
err "SELECT FL_Buffer(zeroblob(0), 100);" "FL_Buffer: argument 1 (geom) is not a SpatiaLite or GeoPackage geometry blob (length 0)"
err "SELECT FL_Buffer('POINT(1 2)', 100);" "FL_Buffer: argument 1 (geom) must be a geometry blob, got text"
err "SELECT FL_Buffer(42, 100);" "FL_Buffer: argument 1 (geom) must be a geometry blob, got an integer"
err "SELECT FL_Buffer(AsBinary($P), 100);" "FL_Buffer: argument 1 (geom) is plain WKB, which has no SRID"
err "SELECT FL_Buffer(MakePoint(1, 2), 100);" "FL_Buffer: argument 1 (geom) has no SRID (0)"
err "SELECT FL_Buffer(MakePoint(1, 2, 999999), 100);" "FL_Buffer: argument 1 (geom) has SRID 999999, which is not a coordinate system PROJ knows"
err "SELECT FL_Distance($P, MakePoint(1, 2, 3857));" "FL_Distance: arguments 1 and 2 have different SRIDs (4326 and 3857)"
err "SELECT FL_Distance($P, x'00');" "FL_Distance: argument 2 (b) is not a SpatiaLite or GeoPackage geometry blob (length 1)"
err "SELECT FL_Distance(MakePoint(200, 95, 4326), $P);" "FL_Distance: argument 1 (a) (SRID 4326)"
err "SELECT FL_Band($L, 5000, 1000);" "FL_Band: argument 2 (inner_m) must not exceed argument 3 (outer_m), got 5000 > 1000"
err "SELECT FL_Band($L, -1, 1000);" "FL_Band: argument 2 (inner_m) must not be negative, got -1"
err "SELECT FL_Band($L, 0, 1000, 'middle');" "FL_Band: argument 4 (side) must be 'both', 'left' or 'right', got 'middle'"
err "SELECT FL_Share($P, $L);" "FL_Share: argument 2 (control) must be a polygon or multipolygon"
err "SELECT FL_Share($P, AsGPB(MakePoint(1, 2, 3857)));" "FL_Share: arguments 1 and 2 have different SRIDs (4326 and 3857)"
err "SELECT FL_ControlStatus($P, $A, 'UA', 2);" "FL_ControlStatus: argument 4: split_share must be at least 0.5 and at most 1, got 2"
err "SELECT FL_ControlStatus($P, $A, 7);" "FL_ControlStatus: argument 3 (side) must be text"
err "SELECT FL_ControlStatus(g, $A, 'UA') FROM (SELECT $P AS g UNION ALL SELECT MakePoint(37.7, 48.4, 4326));" \
  "FL_ControlStatus: argument 1 (settlement) must be the same on every row of a group"
err "SELECT FL_RouteExposure($P, $L, 0, 5000);" "FL_RouteExposure: argument 1 (route) must be a line or multiline"
err "SELECT FL_RouteExposure($L, $L, 6000, 5000);" "FL_RouteExposure: argument 3 (inner_m) must not exceed argument 4 (outer_m)"
err "SELECT FL_RouteExposure($L, $L, 0, 'far');" "FL_RouteExposure: argument 4 (outer_m) must be a number of metres, got text 'far'"
err "SELECT FL_Frontline($A, $L);" "FL_Frontline: argument 2 (control_b) must be a polygon or multipolygon"
err "SELECT FL_Frontline($A, $A, -3);" "FL_Frontline: argument 3 (snap_m) must not be negative, got -3"
err "SELECT * FROM FL_Bands($L, '5000,1000');" "FL_Bands: argument 2 (distances) must be metres > 0, comma-separated and strictly increasing"
err "SELECT * FROM FL_Bands($L, 'abc');" "FL_Bands: argument 2 (distances) must be metres > 0"
err "SELECT * FROM FL_Bands($L, '5000', 'up');" "FL_Bands: argument 3 (side) must be 'both', 'left' or 'right', got 'up'"
err "SELECT * FROM FL_Bands(x'01', '5000');" "FL_Bands: argument 1 (front) is not a SpatiaLite or GeoPackage geometry blob (length 1)"
err "SELECT * FROM FL_Bands($L);" "FL_Bands: needs its first two arguments, as in FL_Bands(front, distances [, side])"
err "SELECT * FROM FL_NearestRoute($P, 'no_such_table');" "FL_NearestRoute: table 'no_such_table' has no geometry column registered"
err "SELECT * FROM FL_NearestRoute($P, 'no_such_table', 'geom');" "FL_NearestRoute: cannot read column 'geom' of table 'no_such_table' (arguments 2 and 3)"
err "CREATE TABLE r(g); INSERT INTO r VALUES ($L), ('text'); SELECT * FROM FL_NearestRoute($P, 'r', 'g');" \
  "FL_NearestRoute: table 'r', rowid 2: column 'g' is not a SpatiaLite or GeoPackage geometry blob"
err "CREATE TABLE r2(g); INSERT INTO r2 VALUES (SetSRID($L, 3857)); SELECT * FROM FL_NearestRoute($P, 'r2', 'g');" \
  "FL_NearestRoute: argument 1 (geom) has SRID 4326 but the routes of 'r2' have SRID 3857"
err "SELECT * FROM FL_NearestRoute($P, 42);" "FL_NearestRoute: argument 2 (routes_table) must be the name of a table"
err "SELECT FL_Version(1);" "wrong number of arguments to function FL_Version()"
# A table named in an argument (sql_table.c): one sentence per bad name or row.
err "SELECT FL_Holder($P, 'no_such_table');" "FL_Holder: argument 2 (control_table): no table or view 'no_such_table' in this database"
err "CREATE TABLE c1(side, g); INSERT INTO c1 VALUES ('UA', $A), ('RU', 'text'); SELECT FL_Holder($P, 'c1', 'side', 'g');" \
  "FL_Holder: table 'c1', rowid 2: column 'g' is not a SpatiaLite or GeoPackage geometry blob"
err "CREATE TABLE c2(side, g); INSERT INTO c2 VALUES ('UA', $A); SELECT FL_Holder($P, 'c2', 'sid', 'g');" \
  "FL_Holder: table 'c2' has no column 'sid' (argument 3, side_column)"
err "CREATE TABLE c3(side, g); INSERT INTO c3 VALUES ('UA', $L); SELECT FL_Share($P, 'c3', 'UA', 'side', 'g');" \
  "FL_Share: table 'c3': control layer 'c3' (c3), feature 1: expected polygons, got LineString"
err "CREATE TABLE c4(side, g); INSERT INTO c4 VALUES ('UA', $A); SELECT FL_Share($P, 'c4', 'RU', 'side', 'g');" \
  "FL_Share: argument 3 (side): table 'c4' has no rows of side 'RU'"
err "CREATE TABLE f1(g); INSERT INTO f1 VALUES (SetSRID($L, 3857)); SELECT FL_Distance($P, 'f1', 'g');" \
  "FL_Distance: argument 1 (a) has SRID 4326 but the rows of 'f1' have SRID 3857"
err "CREATE TABLE f2(g); SELECT FL_RouteExposure($L, 'f2', 0, 5, 'g');" \
  "FL_RouteExposure: table 'f2' has no row with a geometry to measure to"

# NULL in gives NULL out (A1), for every argument position.
null "SELECT FL_Distance(NULL, $P);"
null "SELECT FL_Distance($P, NULL);"
null "SELECT FL_Buffer(NULL, 5);"
null "SELECT FL_Buffer($P, NULL);"
null "SELECT FL_Buffer($L, 5, NULL);"
null "SELECT FL_Band($L, NULL, 5);"
null "SELECT FL_Band($L, 0, NULL);"
null "SELECT FL_Band(NULL, 0, 5);"
null "SELECT FL_Share(NULL, $A);"
null "SELECT FL_Share($P, NULL);"
null "SELECT FL_ControlStatus(NULL, $A, 'UA');"
null "SELECT FL_ControlStatus($P, NULL, 'UA');"
null "SELECT FL_ControlStatus($P, $A, NULL);"
null "SELECT FL_ControlStatus(g, $A, 'UA') FROM (SELECT $P AS g) WHERE 0;"
null "SELECT FL_RouteExposure(NULL, $L, 0, 5);"
null "SELECT FL_RouteExposure($L, NULL, 0, 5);"
null "SELECT FL_RouteExposure($L, $L, NULL, 5);"
null "SELECT FL_Holder(NULL, 'c2');"
null "SELECT FL_Holder($P, NULL);"
null "SELECT FL_Share($P, 'c2', NULL);"
null "SELECT FL_Distance($P, NULL, 'g');"
null "SELECT FL_Frontline(NULL, $A);"
null "SELECT FL_Frontline($A, $A, NULL);"
# An empty GeoPackage geometry counts as NULL; an empty result is NULL.
# (a GeoPackage POINT EMPTY: header with the empty flag, WKB point of NaNs)
null "SELECT FL_Distance(x'47500011E61000000101000000000000000000F87F000000000000F87F', $P);"
null "SELECT FL_Band($L, 500, 500);"
q "$DB" "SELECT count(*) FROM FL_Bands(NULL, '5000'); SELECT count(*) FROM FL_Bands($L, NULL); SELECT count(*) FROM FL_NearestRoute(NULL, 'r');"
LAST="FL_Bands / FL_NearestRoute with NULL arguments"
expect_rc 0
expect_eq "$(tr '\n' ' ' <"$OUT")" "0 0 0 " "rows of table-valued functions with NULL arguments"

# The shell survives a garbage blob in every geometry position of every
# function (the blob readers themselves are fuzzed in tests/fuzz).
for g in "x'00'" "x'0001E6100000'" "x'47500001E6100000'" "randomblob(64)" "x'0001E61000000000000000000000000000000000000000000000000000000000000000000000007C01000000FE'"; do
  q "$DB" "SELECT FL_Distance($g, $P);"
  expect_in "$ERR" "FL_Distance: argument 1 (a)"
  q "$DB" "SELECT FL_RouteExposure($L, $g, 0, 5);"
  expect_in "$ERR" "FL_RouteExposure: argument 2 (front)"
done
finish
