#!/usr/bin/env bash
# Regenerate tests/fuzz/corpus/: the fuzzer's seed corpus of real geometry
# blobs, each written by the real tool that makes it in the field:
#   spatialite_*  SpatiaLite 5.0.1 SQL (sqlite3 + mod_spatialite): plain,
#                 CompressGeometry() and TinyPoint blobs
#   gpkg_*        GeoPackage rows written by `ogr2ogr -f GPKG` (GDAL) from
#                 sample_data/*.geojson and from small WKT tables (Z, M, ZM,
#                 empty), and SpatiaLite's AsGPB()
#   gpkgenv_*     GDAL GPB blobs with the envelope rewritten to codes 2, 3, 4
#                 (xyz, xym, xyzm): no tool here writes those, readers must
#                 still skip them (GeoPackage 1.2, 2.1.3)
#   wkb_*         SpatiaLite AsBinary()/AsEWKB() and GDAL (Python osgeo.ogr)
#                 ExportToWkb/ExportToIsoWkb in both byte orders
# Usage: tests/fuzz/make_corpus.sh   (needs sqlite3, mod_spatialite, ogr2ogr,
# /usr/bin/python3 with osgeo; rewrites every file in corpus/).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
out=$PWD/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f "$out"/*.bin
mkdir -p "$out"

# ---- SpatiaLite ------------------------------------------------------------
# name|WKT: each becomes a plain blob, and lines/polygons also a compressed one.
geoms=(
  "point_xy|POINT(37.8478 48.3948)"
  "point_xyz|POINTZ(37.8478 48.3948 120)"
  "point_xym|POINTM(37.8478 48.3948 7)"
  "point_xyzm|POINTZM(37.8478 48.3948 120 7)"
  "line_xy|LINESTRING(37.80 48.30, 37.85 48.35, 37.90 48.33, 38.00 48.40)"
  "line_xyz|LINESTRINGZ(37.80 48.30 1, 37.85 48.35 2, 37.90 48.33 3, 38.00 48.40 4)"
  "line_xym|LINESTRINGM(37.80 48.30 1, 37.85 48.35 2, 37.90 48.33 3)"
  "line_xyzm|LINESTRINGZM(37.80 48.30 1 9, 37.85 48.35 2 8, 37.90 48.33 3 7)"
  "polygon_xy|POLYGON((37.7 48.2, 38.0 48.2, 38.0 48.5, 37.7 48.5, 37.7 48.2), (37.8 48.3, 37.9 48.3, 37.9 48.4, 37.8 48.3))"
  "polygon_xyz|POLYGONZ((37.7 48.2 1, 38.0 48.2 2, 38.0 48.5 3, 37.7 48.5 4, 37.7 48.2 1))"
  "polygon_xym|POLYGONM((37.7 48.2 1, 38.0 48.2 2, 38.0 48.5 3, 37.7 48.2 1))"
  "polygon_xyzm|POLYGONZM((37.7 48.2 1 5, 38.0 48.2 2 6, 38.0 48.5 3 7, 37.7 48.2 1 5))"
  "multipoint_xy|MULTIPOINT(37.8 48.3, 37.9 48.4, 38.0 48.5)"
  "multipoint_xyz|MULTIPOINTZ(37.8 48.3 1, 37.9 48.4 2)"
  "multiline_xy|MULTILINESTRING((37.8 48.3, 37.9 48.4, 38.0 48.4), (38.1 48.5, 38.2 48.6))"
  "multiline_xyzm|MULTILINESTRINGZM((37.8 48.3 1 2, 37.9 48.4 3 4, 38.0 48.4 5 6), (38.1 48.5 1 1, 38.2 48.6 2 2))"
  "multipolygon_xy|MULTIPOLYGON(((37.7 48.2, 38.0 48.2, 38.0 48.5, 37.7 48.2)), ((38.1 48.1, 38.3 48.1, 38.3 48.3, 38.1 48.1), (38.2 48.15, 38.25 48.15, 38.25 48.2, 38.2 48.15)))"
  "multipolygon_xyz|MULTIPOLYGONZ(((37.7 48.2 1, 38.0 48.2 1, 38.0 48.5 1, 37.7 48.2 1)))"
  "collection_xy|GEOMETRYCOLLECTION(POINT(37.8 48.3), LINESTRING(37.8 48.3, 37.9 48.4, 38.0 48.4), POLYGON((37.7 48.2, 38.0 48.2, 38.0 48.5, 37.7 48.2)))"
  "collection_xyzm|GEOMETRYCOLLECTIONZM(POINTZM(37.8 48.3 1 2), LINESTRINGZM(37.8 48.3 1 2, 37.9 48.4 3 4, 38.0 48.4 5 6))"
)
sql="SELECT load_extension('mod_spatialite');"
for e in "${geoms[@]}"; do
  name=${e%%|*} wkt=${e#*|}
  g="GeomFromText('$wkt', 4326)"
  sql+="SELECT writefile('$out/spatialite_$name.bin', $g);"
  case $name in
    line* | polygon* | multiline* | multipolygon* | collection*)
      sql+="SELECT writefile('$out/spatialite_compressed_$name.bin', CompressGeometry($g));" ;;
  esac
  case $name in # AsBinary: XY and XYZM suffice (GDAL covers the rest below)
    *_xy | *_xyzm) sql+="SELECT writefile('$out/wkb_spatialite_$name.bin', AsBinary($g));" ;;
  esac
done
# Big-endian SpatiaLite blobs are not written by SpatiaLite on x86; a projected
# SRID and MakePoint's path are.
sql+="SELECT writefile('$out/spatialite_makepoint_32637.bin', MakePoint(411006.345, 5350340.723, 32637));"
sql+="SELECT writefile('$out/spatialite_geomfromwkb_nosrid.bin', GeomFromWKB(X'0101000000000000000000F03F0000000000000040'));"
sql+="SELECT writefile('$out/gpkg_spatialite_asgpb_point_xym.bin', AsGPB(GeomFromText('POINTM(1 2 3)', 4326)));"
sql+="SELECT writefile('$out/gpkg_spatialite_asgpb_polygon_xyz.bin', AsGPB(GeomFromText('POLYGONZ((0 0 1, 1 0 2, 1 1 3, 0 0 1))', 4326)));"
sql+="SELECT EnableTinyPoint();"
sql+="SELECT writefile('$out/spatialite_tinypoint_xy.bin', MakePoint(37.8478, 48.3948, 4326));"
sql+="SELECT writefile('$out/spatialite_tinypoint_xyz.bin', MakePointZ(37.8478, 48.3948, 120, 4326));"
sql+="SELECT writefile('$out/spatialite_tinypoint_xym.bin', MakePointM(37.8478, 48.3948, 7, 4326));"
sql+="SELECT writefile('$out/spatialite_tinypoint_xyzm.bin', MakePointZM(37.8478, 48.3948, 120, 7, 4326));"
sqlite3 :memory: "$sql" >/dev/null
# EWKB with the SRID flag (SpatiaLite returns it as hex text).
sqlite3 :memory: "SELECT load_extension('mod_spatialite');" \
  "SELECT AsEWKB(GeomFromText('POINTZ(37.8478 48.3948 120)', 4326));" | tail -n1 |
  xxd -r -p >"$out/wkb_spatialite_ewkb_point_xyz_srid.bin"

# ---- GeoPackage (GDAL) ------------------------------------------------------
# The smallest geometry of every sample layer, as GDAL writes them.
for f in "$root"/sample_data/*.geojson; do
  layer=$(basename "$f" .geojson)
  ogr2ogr -f GPKG "$tmp/$layer.gpkg" "$f" -nln t
  sqlite3 "$tmp/$layer.gpkg" \
    "SELECT writefile('$out/gpkg_sample_${layer}_' || rowid || '.bin', geom) FROM t
       WHERE geom IS NOT NULL ORDER BY length(geom), rowid LIMIT 1;" >/dev/null
done
# Small WKT tables, one per dimension, through GDAL's CSV reader.
dims=(xy xyz xym xyzm)
nlt=(GEOMETRY GEOMETRYZ GEOMETRYM GEOMETRYZM)
sfx=("" " Z" " M" " ZM")
for i in 0 1 2 3; do
  d=${dims[$i]} s=${sfx[$i]}
  c() { # coordinate tuple with as many ordinates as the dimension needs
    case $d in xy) echo "$1 $2" ;; xyz) echo "$1 $2 10" ;; xym) echo "$1 $2 20" ;; *) echo "$1 $2 10 20" ;; esac
  }
  {
    echo 'id,name,wkt'
    echo "1,point,\"POINT$s ($(c 37.8 48.3))\""
    echo "2,line,\"LINESTRING$s ($(c 37.8 48.3), $(c 37.9 48.4), $(c 38 48.4))\""
    echo "3,polygon,\"POLYGON$s (($(c 37.7 48.2), $(c 38 48.2), $(c 38 48.5), $(c 37.7 48.2)))\""
    echo "4,multipoint,\"MULTIPOINT$s (($(c 37.8 48.3)), ($(c 37.9 48.4)))\""
    echo "5,multiline,\"MULTILINESTRING$s (($(c 37.8 48.3), $(c 37.9 48.4)), ($(c 38 48.4), $(c 38.1 48.5)))\""
    echo "6,multipolygon,\"MULTIPOLYGON$s ((($(c 37.7 48.2), $(c 38 48.2), $(c 38 48.5), $(c 37.7 48.2))))\""
    echo "7,collection,\"GEOMETRYCOLLECTION$s (POINT$s ($(c 37.8 48.3)), LINESTRING$s ($(c 37.8 48.3), $(c 37.9 48.4)))\""
  } >"$tmp/wkt_$d.csv"
  ogr2ogr -f GPKG "$tmp/wkt_$d.gpkg" "$tmp/wkt_$d.csv" -oo GEOM_POSSIBLE_NAMES=wkt \
    -oo KEEP_GEOM_COLUMNS=NO -nlt "${nlt[$i]}" -a_srs EPSG:4326 -nln t
  sqlite3 "$tmp/wkt_$d.gpkg" \
    "SELECT writefile('$out/gpkg_' || name || '_$d.bin', geom) FROM t WHERE geom IS NOT NULL;" >/dev/null
done

# ---- GDAL through its Python API -------------------------------------------
/usr/bin/python3 - "$out" "$tmp" <<'PY'
import struct, sys
from osgeo import ogr, osr
out, tmp = sys.argv[1], sys.argv[2]
# Empty geometries: ogr2ogr's CSV reader drops them, so write them with the
# same GPKG driver directly (GDAL sets the empty flag, no envelope).
ds = ogr.GetDriverByName("GPKG").CreateDataSource(f"{tmp}/empty.gpkg")
srs = osr.SpatialReference()
srs.ImportFromEPSG(4326)
layer = ds.CreateLayer("t", srs, ogr.wkbUnknown)
empties = {"point_empty_xy": "POINT EMPTY", "point_empty_xyz": "POINT Z EMPTY",
           "line_empty_xy": "LINESTRING EMPTY", "polygon_empty_xyz": "POLYGON Z EMPTY",
           "multipolygon_empty_xy": "MULTIPOLYGON EMPTY",
           "collection_empty_xy": "GEOMETRYCOLLECTION EMPTY"}
for wkt in empties.values():
    f = ogr.Feature(layer.GetLayerDefn())
    f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
    layer.CreateFeature(f)
ds = None
PY
sqlite3 "$tmp/empty.gpkg" "SELECT writefile('$out/gpkg_' || CASE fid
    WHEN 1 THEN 'point_empty_xy' WHEN 2 THEN 'point_empty_xyz' WHEN 3 THEN 'line_empty_xy'
    WHEN 4 THEN 'polygon_empty_xyz' WHEN 5 THEN 'multipolygon_empty_xy'
    ELSE 'collection_empty_xy' END || '.bin', geom) FROM t;" >/dev/null

# ---- Derived: GPB envelope codes 3 and 4, WKB from GDAL ---------------------
/usr/bin/python3 - "$out" <<'PY'
import struct, sys
from osgeo import ogr
out = sys.argv[1]
# GDAL writes envelope code 1 (xy) or 2 (xyz, for Z geometries) and never
# 3 (xym) or 4 (xyzm): append the m range to its xym and xyzm polygons.
for src_name, want_code, m_range in (("xym", 1, (20, 20)), ("xyzm", 2, (20, 20))):
    src = open(f"{out}/gpkg_polygon_{src_name}.bin", "rb").read()
    flags = src[3]
    assert (flags >> 1) & 7 == want_code, f"GDAL wrote envelope code {(flags >> 1) & 7}"
    env_len = 32 if want_code == 1 else 48
    head, env, wkb = src[:8], src[8:8 + env_len], src[8 + env_len:]
    code = want_code + 2
    b = bytearray(head)
    b[3] = (flags & ~0x0E) | (code << 1)
    open(f"{out}/gpkgenv_{code}_polygon_{src_name}.bin", "wb").write(
        bytes(b) + env + struct.pack("<2d", *m_range) + wkb)
# A big-endian GPB header (flags bit 0 clear) around GDAL's big-endian WKB.
g = ogr.CreateGeometryFromWkt("LINESTRING (37.8 48.3, 37.9 48.4)")
minx, maxx, miny, maxy = g.GetEnvelope()
open(f"{out}/gpkgenv_1_bigendian_line.bin", "wb").write(
    b"GP\x00\x02" + struct.pack(">i4d", 4326, minx, maxx, miny, maxy) + g.ExportToWkb(ogr.wkbXDR))
# A big-endian WKB line that carries SpatiaLite's marks by chance (0x00
# first, 0x7C at offset 38, 0xFE last): detection must fall back to WKB.
def with_byte(v, i, b):
    raw = bytearray(struct.pack(">d", v))
    raw[i] = b
    return struct.unpack(">d", bytes(raw))[0]
y2 = with_byte(48.4, 5, 0x7C)   # offset 9 + 3 * 8 + 5 = 38
y3 = with_byte(48.5, 7, 0xFE)   # the last byte of the blob
g = ogr.CreateGeometryFromWkt(f"LINESTRING (37.8 48.3, 37.9 {y2!r}, 38.0 {y3!r})")
b = g.ExportToWkb(ogr.wkbXDR)
assert b[0] == 0 and b[38] == 0x7C and b[-1] == 0xFE, "look-alike lost its marks"
open(f"{out}/wkb_gdal_be_spatialite_lookalike.bin", "wb").write(b)
# GDAL's WKB writers: old-style (0x80000000 Z) and ISO, both byte orders.
for name, wkt in (("point_xyz", "POINT Z (37.8 48.3 1)"),
                  ("line_xyzm", "LINESTRING ZM (37.8 48.3 1 2, 37.9 48.4 3 4)"),
                  ("polygon_xy", "POLYGON ((37.7 48.2, 38 48.2, 38 48.5, 37.7 48.2))"),
                  ("multipolygon_xyz", "MULTIPOLYGON Z (((37.7 48.2 1, 38 48.2 1, 38 48.5 1, 37.7 48.2 1)))"),
                  ("collection_xym", "GEOMETRYCOLLECTION M (POINT M (1 2 3), LINESTRING M (1 2 3, 4 5 6))"),
                  ("point_empty", "POINT EMPTY"),
                  ("collection_empty", "GEOMETRYCOLLECTION EMPTY")):
    g = ogr.CreateGeometryFromWkt(wkt)
    open(f"{out}/wkb_gdal_iso_le_{name}.bin", "wb").write(g.ExportToIsoWkb(ogr.wkbNDR))
    if name.endswith(("xyz", "xym", "xyzm")):
        open(f"{out}/wkb_gdal_iso_be_{name}.bin", "wb").write(g.ExportToIsoWkb(ogr.wkbXDR))
        open(f"{out}/wkb_gdal_ext_be_{name}.bin", "wb").write(g.ExportToWkb(ogr.wkbXDR))
PY
n=$(find "$out" -name "*.bin" | wc -l)
kb=$(du -sk "$out" | cut -f1)
echo "corpus: $n files, ${kb} KB in $out"
