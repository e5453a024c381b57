#!/usr/bin/env bash
# bench/sql_share.sh - the SQL face on containment over a join (issue 13):
# FL_Share and FL_ControlStatus of N buildings against the bench's control
# (two 1.6 MB polygons of 100,000 vertices each), in the sqlite3 shell, CPU
# time of each statement (.timer), beside what SQLite itself needs to hand
# the control blob over once per row (length(substr(c.geom, 1, 1) ||
# b.geom): the same join, the whole blob read into a value per row, no
# Frontline call; it counts no row, the text being cut at the blob's first
# zero byte, but the blob is read all the same).
#   bash bench/sql_share.sh [MODULE] [N] [SCALE]
# MODULE: mod_frontline (default build/bin/mod_frontline.so); N: buildings
# (default 10000); data: bench/data/s<SCALE>/donbas.sqlite (gen.py --scale,
# default 0.1). Rows per second = 2 N (two control rows) / CPU seconds over a
# join; N / CPU seconds with the control named (FL_Holder: one row per building).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mod=${1:-$here/../build/bin/mod_frontline.so}
n=${2:-10000}
db=$here/data/s${3:-0.1}/donbas.sqlite
[ -f "$db" ] || { echo "no $db: run /usr/bin/python3 bench/gen.py --scale ${3:-0.1}" >&2; exit 1; }
sqlite3 "$db" <<SQL
.load mod_spatialite
.load ${mod%.so}
PRAGMA cache_size = -262144;
PRAGMA temp.cache_size = -262144;
CREATE TEMP TABLE b AS SELECT pk_uid AS id, geom FROM buildings ORDER BY pk_uid LIMIT $n;
CREATE TEMP TABLE a AS SELECT side, geom FROM control;
SELECT 'control blobs (bytes)', group_concat(length(geom)) FROM a;
.timer on
SELECT 'floor: SQLite hands the blob over', count(*) FROM a c CROSS JOIN b WHERE length(substr(c.geom, 1, 1) || b.geom) > 0;
SELECT 'FL_Share, join column', c.side, count(*) FROM a c CROSS JOIN b WHERE FL_Share(b.geom, c.geom) > 0 GROUP BY c.side;
SELECT 'FL_Share, scalar subquery', count(*) FROM b WHERE FL_Share(b.geom, (SELECT geom FROM a WHERE side = 'A')) > 0;
SELECT 'FL_ControlStatus, join column', h, count(*) FROM (SELECT FL_ControlStatus(b.geom, c.geom, c.side) AS h FROM b CROSS JOIN a c GROUP BY b.rowid) GROUP BY h;
SELECT 'FL_Holder, the control named', h, count(*) FROM (SELECT FL_Holder(geom, 'a', 'side', 'geom') AS h FROM b) GROUP BY h;
SELECT 'FL_Share, the control named', count(*) FROM b WHERE FL_Share(geom, 'a', 'A', 'side', 'geom') > 0;
SELECT 'FL_Holder, the control named, whole buildings table', h, count(*) FROM (SELECT FL_Holder(geom, 'control') AS h FROM buildings) GROUP BY h;
SELECT 'floor: SQLite reads every building', count(*) FROM buildings WHERE length(geom) > 0;
SQL
