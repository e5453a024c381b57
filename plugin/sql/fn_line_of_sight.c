/*
 * fn_line_of_sight.c - FL_LineOfSight(observer, target, dem_path, obs_h, tgt_h
 * [, refraction]): can the observer see the target over a DEM? Returns JSON
 * text: {"visible":1,"dist_m":...,"angle_deg":...,"obs_z":...,"tgt_z":...,
 * "block_lon":...,"block_lat":...,"block_z":...,"block_dist_m":...} (the
 * block_* members null when visible); json_extract() reads it.
 *
 * mod_frontline does not link GDAL (DESIGN.md section 4). The DEM is read by
 * Frontline's full library (libfrontline.so.0, core/raster/ with GDAL),
 * loaded with dlopen() at the first call, with its own fl_ctx; when it
 * cannot be loaded the call fails with one sentence saying where it looked.
 * Rules:
 *   (S1) NULL in any argument gives NULL out; observer and target are points
 *        of one SRID (any CRS), heights >= 0 metres above the ground;
 *   (S2) the sight line, distance, angle and obstruction are
 *        fl_line_of_sight()'s (docs/tools/line-of-sight.md, L1-L4), with
 *        refraction 0.13 unless given;
 *   (S3) the last DEM read is kept per connection and read again when its
 *        path, size or modification time changes;
 *   (S4) the call stops on sqlite3_interrupt() or a progress handler's stop
 *        (sql_work.c; the library's context polls the connection as
 *        st->ctx does) and fails with SQLite's "interrupted"; it is bounded
 *        by the connection's limit los_samples (FL_SetLimit, copied to the
 *        library's context at each call) and by the time limit.
 * Not here: the line of sight (core/raster/los.c).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sql_internal.h"

#define LOS_LIB "libfrontline.so." FLSQL_STR(FL_VERSION_MAJOR)
#define FLSQL_STR2(x) #x
#define FLSQL_STR(x) FLSQL_STR2(x)

struct flsql_los {
  void *dl;
  fl_ctx *(*ctx_create)(void);
  void (*ctx_destroy)(fl_ctx *);
  const char *(*errmsg)(const fl_ctx *);
  fl_status (*dem_open)(fl_ctx *, const char *, fl_dem **);
  void (*dem_destroy)(fl_dem *);
  fl_status (*los)(fl_ctx *, const fl_dem *, double, double, double, double, double, double,
                   double, fl_los_result *);
  void (*set_poll)(fl_ctx *, fl_poll_fn, void *);
  void (*set_time_limit)(fl_ctx *, double);
  fl_status (*set_limit)(fl_ctx *, const char *, double);
  fl_ctx *ctx;          /* the loaded library's own context */
  fl_dem *dem;          /* (S3) */
  char *path;
  off_t size;
  struct timespec mtime;
  char where[1024];     /* where the library was looked for */
};

void flsql_los_free(flsql_los *l) {
  if (!l) return;
  if (l->dem) l->dem_destroy(l->dem);
  if (l->ctx) l->ctx_destroy(l->ctx);
  if (l->dl) dlclose(l->dl);
  free(l->path);
  free(l);
}

/* The directory of this module, for a library installed beside it. */
static void module_dir(char *buf, size_t n) {
  Dl_info info;
  buf[0] = 0;
  if (dladdr((void *)module_dir, &info) && info.dli_fname) {
    snprintf(buf, n, "%s", info.dli_fname);
    char *slash = strrchr(buf, '/');
    if (slash) *slash = 0;
    else buf[0] = 0;
  }
}

static int try_open(flsql_los *l, const char *path) {
  size_t k = strlen(l->where);
  snprintf(l->where + k, sizeof l->where - k, "%s%s", k ? ", " : "", path);
  l->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  return l->dl != NULL;
}

/* FRONTLINE_RASTER_LIB, beside this module, one level up (lib/ when the
 * module is in lib/frontline/), the build tree's core/, the loader's path. */
static int load(flsql_los *l) {
  char dir[700], path[900];
  const char *env = getenv("FRONTLINE_RASTER_LIB");
  module_dir(dir, sizeof dir);
  if (env && *env && try_open(l, env)) return 1;
  if (dir[0]) {
    static const char *const rel[] = {"", "/..", "/../core"};
    for (size_t i = 0; i < 3; i++) {
      snprintf(path, sizeof path, "%s%s/%s", dir, rel[i], LOS_LIB);
      if (try_open(l, path)) return 1;
    }
  }
  return try_open(l, LOS_LIB);
}

static flsql_los *los_get(sqlite3_context *c, flsql_state *st, const char *fn) {
  if (st->los) return st->los;
  flsql_los *l = calloc(1, sizeof *l);
  if (!l) { flsql_error(c, fn, "out of memory"); return NULL; }
  if (!load(l)) {
    flsql_error(c, fn, "needs Frontline's raster library %s (GDAL), not found in %s; install "
                "it or set FRONTLINE_RASTER_LIB to its path", LOS_LIB, l->where);
    flsql_los_free(l);
    return NULL;
  }
  *(void **)&l->ctx_create = dlsym(l->dl, "fl_ctx_create");
  *(void **)&l->ctx_destroy = dlsym(l->dl, "fl_ctx_destroy");
  *(void **)&l->errmsg = dlsym(l->dl, "fl_ctx_errmsg");
  *(void **)&l->dem_open = dlsym(l->dl, "fl_dem_open");
  *(void **)&l->dem_destroy = dlsym(l->dl, "fl_dem_destroy");
  *(void **)&l->los = dlsym(l->dl, "fl_line_of_sight");
  *(void **)&l->set_poll = dlsym(l->dl, "fl_ctx_set_interrupt_poll");
  *(void **)&l->set_time_limit = dlsym(l->dl, "fl_ctx_set_time_limit");
  *(void **)&l->set_limit = dlsym(l->dl, "fl_ctx_set_limit");
  if (!l->ctx_create || !l->ctx_destroy || !l->errmsg || !l->dem_open || !l->dem_destroy ||
      !l->los || !l->set_poll || !l->set_time_limit || !l->set_limit ||
      !(l->ctx = l->ctx_create())) {
    flsql_error(c, fn, "the raster library %s lacks the DEM functions (an older version?)",
                l->where);
    l->ctx_destroy = l->ctx_destroy && l->ctx ? l->ctx_destroy : NULL;
    if (!l->ctx_destroy) l->ctx = NULL;
    flsql_los_free(l);
    return NULL;
  }
  st->los = l;
  return l;
}

/* (S3) the DEM at path, read again when it changed. */
static const fl_dem *dem_get(sqlite3_context *c, flsql_los *l, const char *fn, const char *path) {
  struct stat sb;
  int have = stat(path, &sb) == 0;
  if (l->dem && have && strcmp(l->path, path) == 0 && l->size == sb.st_size &&
      l->mtime.tv_sec == sb.st_mtim.tv_sec && l->mtime.tv_nsec == sb.st_mtim.tv_nsec)
    return l->dem;
  if (l->dem) l->dem_destroy(l->dem);
  free(l->path);
  l->dem = NULL;
  l->path = NULL;
  fl_dem *d = NULL;
  if (l->dem_open(l->ctx, path, &d) != FL_OK) {
    flsql_error(c, fn, "argument 3 (dem_path): %s", l->errmsg(l->ctx));
    return NULL;
  }
  l->path = strdup(path);
  if (!l->path) { l->dem_destroy(d); flsql_error(c, fn, "out of memory"); return NULL; }
  l->dem = d;
  l->size = have ? sb.st_size : -1;
  if (have) l->mtime = sb.st_mtim;
  return d;
}

static int height_arg(sqlite3_context *c, sqlite3_value **argv, int i, const char *name,
                      double lo, double *out) {
  int t = sqlite3_value_type(argv[i]);
  if (t == SQLITE_NULL) return FLSQL_NULL;
  double v = sqlite3_value_double(argv[i]);
  if ((t != SQLITE_INTEGER && t != SQLITE_FLOAT) || !isfinite(v) || v < lo || v > 1e5) {
    flsql_error(c, "FL_LineOfSight", "argument %d (%s) must be a number from %g to 100000, got "
                "'%s'", i + 1, name, lo, (const char *)sqlite3_value_text(argv[i]));
    return FLSQL_ERR;
  }
  *out = v;
  return FLSQL_OK;
}

static int point_xy(sqlite3_context *c, flsql_state *st, const flsql_geom *g, int i,
                    const char *name, double *lon, double *lat) {
  GEOSContextHandle_t h = fl_ctx_geos(st->ctx);
  if (GEOSGeomTypeId_r(h, g->lonlat) != GEOS_POINT || GEOSGeomGetX_r(h, g->lonlat, lon) != 1 ||
      GEOSGeomGetY_r(h, g->lonlat, lat) != 1) {
    flsql_error(c, "FL_LineOfSight", "argument %d (%s) must be a point", i + 1, name);
    return FLSQL_ERR;
  }
  return FLSQL_OK;
}

static void result_json(sqlite3_context *c, const fl_los_result *r) {
  char *s;
  if (r->visible)
    s = sqlite3_mprintf("{\"visible\":1,\"dist_m\":%.3f,\"angle_deg\":%.6f,\"obs_z\":%.3f,"
                        "\"tgt_z\":%.3f,\"block_lon\":null,\"block_lat\":null,\"block_z\":null,"
                        "\"block_dist_m\":null}", r->dist_m, r->angle_deg, r->obs_z, r->tgt_z);
  else
    s = sqlite3_mprintf("{\"visible\":0,\"dist_m\":%.3f,\"angle_deg\":%.6f,\"obs_z\":%.3f,"
                        "\"tgt_z\":%.3f,\"block_lon\":%.8f,\"block_lat\":%.8f,\"block_z\":%.3f,"
                        "\"block_dist_m\":%.3f}", r->dist_m, r->angle_deg, r->obs_z, r->tgt_z,
                        r->block_lon, r->block_lat, r->block_z, r->block_dist_m);
  if (!s) sqlite3_result_error_nomem(c);
  else sqlite3_result_text(c, s, -1, sqlite3_free);
}

static void fn_line_of_sight(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_LineOfSight";
  flsql_state *st = sqlite3_user_data(c);
  double obs_h = 0, tgt_h = 0, k = FL_REFRACTION_DEFAULT, ox, oy, tx, ty;
  for (int i = 0; i < argc; i++) /* (S1) */
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return;
  if (height_arg(c, argv, 3, "obs_h", 0, &obs_h) != FLSQL_OK ||
      height_arg(c, argv, 4, "tgt_h", 0, &tgt_h) != FLSQL_OK)
    return;
  if (argc == 6 && height_arg(c, argv, 5, "refraction", -1, &k) != FLSQL_OK) return;
  if (k > 1) {
    flsql_error(c, fn, "argument 6 (refraction) must lie between -1 and 1, got %g", k);
    return;
  }
  const char *path = (const char *)sqlite3_value_text(argv[2]);
  if (!path || !*path) {
    flsql_error(c, fn, "argument 3 (dem_path) must be the path of a raster file");
    return;
  }
  flsql_geom *o = NULL, *t = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "observer", &o) != FLSQL_OK) return;
  if (flsql_geom_arg(c, argv, 1, fn, "target", &t) != FLSQL_OK) goto done;
  if (flsql_same_srid(c, fn, 0, o, 1, t) != FLSQL_OK ||
      point_xy(c, st, o, 0, "observer", &ox, &oy) != FLSQL_OK ||
      point_xy(c, st, t, 1, "target", &tx, &ty) != FLSQL_OK)
    goto done;
  flsql_los *l = los_get(c, st, fn);
  const fl_dem *dem = l ? dem_get(c, l, fn, path) : NULL;
  if (!dem) goto done;
  fl_los_result r;
  double samples = 0;
  fl_ctx_limit(st->ctx, "los_samples", &samples); /* (S4) */
  l->set_limit(l->ctx, "los_samples", samples);
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  l->set_poll(l->ctx, flsql_work_interrupted, st);
  l->set_time_limit(l->ctx, FLSQL_TIME_LIMIT_S);
  fl_status s = l->los(l->ctx, dem, ox, oy, obs_h, tx, ty, tgt_h, k, &r);
  l->set_time_limit(l->ctx, 0);
  l->set_poll(l->ctx, NULL, NULL);
  flsql_work_end(st);
  if (s == FL_E_CANCEL) {
    sqlite3_result_error_code(c, SQLITE_INTERRUPT);
    goto done;
  }
  if (s != FL_OK) {
    flsql_error(c, fn, "%s", l->errmsg(l->ctx));
    goto done;
  }
  free(r.profile);
  result_json(c, &r);
done:
  flsql_geom_release(o);
  flsql_geom_release(t);
}

int flsql_register_line_of_sight(sqlite3 *db, flsql_state *st) {
  /* Not deterministic: the DEM file may change between calls. */
  int rc = flsql_create_function(db, st, "FL_LineOfSight", 5, SQLITE_UTF8, fn_line_of_sight,
                                 NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_LineOfSight", 6, SQLITE_UTF8, fn_line_of_sight,
                               NULL, NULL);
  return rc;
}
