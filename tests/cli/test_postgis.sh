#!/usr/bin/env bash
# tests/cli/test_postgis.sh - PostGIS through OGR's connection strings
# (issue 14): a throw-away cluster (initdb in a temporary directory, run as
# the 'postgres' user when the test runs as root, on a free port), the sample
# loaded by ogr2ogr, settlement-status reading 'PG:...:table' for both
# inputs; its answers equal those from the GeoPackage copies of the same
# layers, to the bit. Skips when PostgreSQL or PostGIS is not installed.
. "$(dirname "$0")/lib.sh"
need_sample settlements.geojson
command -v ogr2ogr >/dev/null || skip "ogr2ogr not installed (gdal-bin)"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] ||
  skip "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)"
ver=$(basename "$(dirname "$bindir")")
[ -f "/usr/share/postgresql/$ver/extension/postgis.control" ] ||
  skip "PostGIS is not installed for PostgreSQL $ver (postgresql-$ver-postgis-3)"
as_server() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root and there is no 'postgres' user"
  as_server() { runuser -u postgres -- "$@"; }
fi
pg=$(mktemp -d /tmp/fl_pg.XXXXXX)
chmod 755 "$pg"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg"
port=$($PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
stop() {
  as_server "$bindir/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$pg" "$TMP"
}
trap stop EXIT
as_server "$bindir/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 >"$TMP/initdb.log" 2>&1 ||
  { cat "$TMP/initdb.log"; fail "initdb"; finish; }
as_server "$bindir/pg_ctl" -D "$pg/data" -w -l "$pg/log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg" start >/dev/null ||
  { fail "pg_ctl start: $(tail -3 "$pg/log")"; finish; }
conn="host=127.0.0.1 port=$port dbname=postgres user=postgres"
"$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE EXTENSION postgis" ||
  { fail "CREATE EXTENSION postgis"; finish; }
for t in settlements control; do
  ogr2ogr -f PostgreSQL "PG:$conn" "$SAMPLE/$t.geojson" -nln "$t" -lco GEOMETRY_NAME=geom \
    -lco FID=fid 2>"$TMP/ogr.err" || fail "ogr2ogr $t into PostGIS: $(cat "$TMP/ogr.err")"
  ogr2ogr -f GPKG "$TMP/$t.gpkg" "$SAMPLE/$t.geojson" -nln "$t" 2>/dev/null
done

Q="SELECT name, source, date, side, status, quote(dist_to_front_m), quote(share_UA),
   quote(share_RU), band FROM settlement_status ORDER BY name, source, date, dist_to_front_m"
run run settlement-status --settlements "$TMP/settlements.gpkg:settlements" \
  --control "$TMP/control.gpkg:control" --output "$TMP/ref.gpkg"
expect_rc 0
ref=$(sqlite3 "$TMP/ref.gpkg" "$Q")
[ "$(printf '%s\n' "$ref" | wc -l)" -eq 200 ] && pass || fail "GeoPackage answers: not 200 rows"
run run settlement-status --settlements "PG:$conn:settlements" --control "PG:$conn:control" \
  --output "$TMP/pg.gpkg"
expect_rc 0
[ "$(sqlite3 "$TMP/pg.gpkg" "$Q")" = "$ref" ] && pass || fail "PostGIS answers differ from the GeoPackage's"
# The layer name is what OGR lists ('public.x' is the same table); a missing one is one sentence.
run run settlement-status --settlements "PG:$conn:nosuch" --control "PG:$conn:control" \
  --output "$TMP/x.gpkg"
expect_rc 1
expect_in "$ERR" "has no layer 'nosuch'"
expect_no_file "$TMP/x.gpkg"
finish
