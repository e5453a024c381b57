#!/usr/bin/env bash
# bench/sql_front.sh - the SQL face on the distance to a big front (issue 13):
# FL_Distance of every settlement to the bench's front (one 100,000-vertex
# line, a 1.6 MB blob) given as a scalar subquery, as a join column and named
# as a table, in the sqlite3 shell, CPU time of each statement (.timer),
# beside what SQLite itself needs to hand the front's blob to a function once
# per row in the first two shapes (length(substr(front, 1, 1)): the whole
# blob made a function argument, no Frontline call).
#   bash bench/sql_front.sh [MODULE] [SCALE]
# MODULE: mod_frontline (default build/bin/mod_frontline.so); data:
# bench/data/s<SCALE>/donbas.sqlite (gen.py --scale, default 1: 30,000 settlements).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mod=${1:-$here/../build/bin/mod_frontline.so}
db=$here/data/s${2:-1}/donbas.sqlite
[ -f "$db" ] || { echo "no $db: run /usr/bin/python3 bench/gen.py --scale ${2:-1}" >&2; exit 1; }
sqlite3 "$db" <<SQL
.load mod_spatialite
.load ${mod%.so}
PRAGMA cache_size = -262144;
SELECT 'front blob (bytes)', length(geom) FROM front;
SELECT 'settlements', count(*) FROM settlements;
.timer on
SELECT 'floor, scalar subquery', sum(length(substr((SELECT geom FROM front), 1, 1))) FROM settlements;
SELECT 'floor, join column', sum(length(substr(f.geom, 1, 1))) FROM settlements s CROSS JOIN front f;
SELECT 'FL_Distance, scalar subquery', sum(FL_Distance(geom, (SELECT geom FROM front))) FROM settlements;
SELECT 'FL_Distance, join column', sum(FL_Distance(s.geom, f.geom)) FROM settlements s CROSS JOIN front f;
SELECT 'FL_Distance, front named', sum(FL_Distance(geom, 'front', 'geom')) FROM settlements;
SQL
