/*
 * read_probe.c - read one layer through one of Frontline's read paths and
 * print what was read and what it cost, as one JSON line:
 *   {"mode":..., "features":N, "checksum":"...", "cpu_s":..., "maxrss_kb":...}
 * Used by bench/read_speed.sh (the paths side by side) and by
 * tests/io/test_read_memory.sh (peak memory at two sizes).
 *
 *   read_probe own SOURCE          fl_layer_read(): what the CLI reads with (a
 *                                  GeoPackage: OGR's batches, gpkg_read.c R5)
 *   read_probe gpkg-cursor SOURCE  a GeoPackage by the SQLite cursor (the own
 *                                  reader before R5)
 *   read_probe ogr-features SOURCE OGR, feature by feature
 *   read_probe ogr-batches SOURCE  OGR's Arrow stream, in batches
 *   read_probe ogr-scan SOURCE     OGR's Arrow stream, each batch dropped
 *                                  after it is summed (no layer kept)
 *   read_probe write-own SOURCE OUT  SOURCE read by its own reader, written to
 *                                  OUT (.gpkg or .geojson) by Frontline's writer
 *   read_probe write-ogr SOURCE OUT  the same written by OGR's writer of that
 *                                  format (ogr_write.c rule OW5)
 *                                  (the write alone is timed)
 * The checksum is the count, the sum of the point coordinates and of the
 * feature ids: equal checksums mean the same points were read.
 * Exit 0, or 1 with the library's sentence on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <sqlite3.h>
#include "fl_ogr.h"

static double cpu_s(struct rusage *u) {
  return (double)u->ru_utime.tv_sec + (double)u->ru_utime.tv_usec / 1e6 +
         (double)u->ru_stime.tv_sec + (double)u->ru_stime.tv_usec / 1e6;
}

typedef struct sums {
  long long n;
  double x, y, fid;
} sums;

static void add_layer(fl_ctx *ctx, const fl_layer *l, sums *s) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    double x = 0, y = 0;
    if (f->geom && GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT) {
      GEOSGeomGetX_r(h, f->geom, &x);
      GEOSGeomGetY_r(h, f->geom, &y);
    }
    s->n++;
    s->x += x;
    s->y += y;
    s->fid += (double)f->fid;
  }
}

static fl_status on_batch(fl_ctx *ctx, const fl_layer *l, void *user) {
  add_layer(ctx, l, user);
  return FL_OK;
}

/* Read source (not timed: *u0 is taken after), write it to out. */
static fl_status write_mode(fl_ctx *ctx, const char *mode, const char *source, const char *out,
                            struct rusage *u0, sums *s) {
  fl_layer *l = NULL;
  fl_status st = fl_layer_read(ctx, source, &l);
  if (st) return st;
  add_layer(ctx, l, s);
  const fl_layer *one[1] = {l};
  getrusage(RUSAGE_SELF, u0);
  if (strcmp(mode, "write-own") == 0) {
    fl_write_opts wo = {.overwrite = 1, .format = NULL};
    st = fl_layers_write(ctx, out, one, 1, &wo);
  } else {
    const char *dot = strrchr(out, '.');
    int w = dot ? fl__ogr_writer_own(dot + 1) : -1;
    FILE *f = fopen(out, "wb");
    if (f) fclose(f);
    st = w < 0 ? fl__fail(ctx, FL_E_ARG, "write-ogr writes .gpkg or .geojson")
               : fl__ogr_write(ctx, w, out, out, one, 1);
  }
  fl_layer_destroy(ctx, l);
  return st;
}

/* A GeoPackage layer read whole by the SQLite cursor (sql_cursor.c), the
 * reader fl_layer_read() used for GeoPackages before they went through OGR. */
static fl_status cursor_read(fl_ctx *ctx, const char *source, fl_layer **out) {
  char *path = NULL, *layer = NULL, *table = NULL, *geom_col = NULL, *geom_type = NULL;
  int srid = 0;
  sqlite3 *db = NULL;
  fl_status st = fl__split_source(ctx, source, &path, &layer);
  if (!st) st = fl__gpkg_open_ro(ctx, path, &db);
  if (!st) st = fl__gpkg_layer_meta(ctx, db, path, layer, &table, &geom_col, &srid, &geom_type);
  if (!st) st = fl__sql_read_table(ctx, db, table, geom_col, srid, geom_type, source, out);
  sqlite3_close(db);
  free(path), free(layer), free(table), free(geom_col), free(geom_type);
  return st;
}

int main(int argc, char **argv) {
  if (argc != 3 && !(argc == 4 && strncmp(argv[1], "write-", 6) == 0)) {
    fprintf(stderr, "usage: %s own|gpkg-cursor|ogr-features|ogr-batches|ogr-scan SOURCE\n"
                    "       %s write-own|write-ogr SOURCE OUT\n", argv[0], argv[0]);
    return 2;
  }
  const char *mode = argv[1], *source = argv[2];
  fl_ctx *ctx = fl_ctx_create();
  if (!ctx) return 1;
  struct rusage u0, u1;
  getrusage(RUSAGE_SELF, &u0);
  fl_layer *l = NULL;
  sums s = {0, 0, 0, 0};
  fl_status st;
  if (strncmp(mode, "write-", 6) == 0) {
    st = write_mode(ctx, mode, source, argv[3], &u0, &s);
  } else if (strcmp(mode, "own") == 0) {
    st = fl_layer_read(ctx, source, &l);
  } else if (strcmp(mode, "gpkg-cursor") == 0) {
    st = cursor_read(ctx, source, &l);
  } else if (strcmp(mode, "ogr-scan") == 0) {
    st = fl__ogr_scan(ctx, source, on_batch, &s);
  } else {
    fl__ogr_batches = strcmp(mode, "ogr-batches") == 0;
    char *path = strdup(source), *colon = strrchr(path, ':');
    const char *layer = NULL;
    if (colon) {
      *colon = '\0';
      layer = colon + 1;
    }
    st = fl__ogr_read(ctx, path, layer, source, NULL, NULL, &l);
    free(path);
  }
  if (st == FL_OK && l) add_layer(ctx, l, &s);
  getrusage(RUSAGE_SELF, &u1);
  if (st != FL_OK) {
    fprintf(stderr, "read_probe: %s\n", fl_ctx_errmsg(ctx));
    fl_ctx_destroy(ctx);
    return 1;
  }
  printf("{\"mode\":\"%s\",\"features\":%lld,\"checksum\":\"%lld %.17g %.17g %.17g\","
         "\"cpu_s\":%.3f,\"maxrss_kb\":%ld}\n",
         mode, s.n, s.n, s.x, s.y, s.fid, cpu_s(&u1) - cpu_s(&u0), u1.ru_maxrss);
  fl_layer_destroy(ctx, l);
  fl_ctx_destroy(ctx);
  return 0;
}
