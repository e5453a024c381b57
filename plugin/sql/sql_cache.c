/*
 * sql_cache.c - the per-connection, content-keyed cache of decoded geometry
 * arguments.
 *
 * Why: SQLite keeps auxdata between rows only for literal and bound
 * arguments. A front passed as a join column or a scalar subquery (the usual
 * way) arrives as a fresh value on every row, so without this cache it would
 * be decoded, projected, indexed and prepared once per row.
 *
 * How: the key is a hash of the blob's length and of up to ~600 bytes
 * sampled across it (cheap even for a 2 MB front), confirmed by the length
 * and a full memcmp. Entries form a most-recently-used list bounded in count
 * (MAX_ENTRIES) and in blob bytes (MAX_BYTES); a blob larger than MAX_BYTES
 * is decoded but not kept. Entries are reference counted, so eviction never
 * frees one that a running call, an auxdata slot or an aggregate still uses.
 * The index, prepared ground (fl_ground: prepared geometry and point grid)
 * and area are built on first need only.
 * Not here: reading arguments and raising errors (sql_geom_arg.c).
 */
#include "sql_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 32
#define MAX_BYTES ((size_t)256 << 20)
#define SAMPLE_STEPS 512

/* FNV-1a over the length, the first and last 32 bytes and SAMPLE_STEPS bytes
 * spread evenly in between. Collisions only cost a memcmp. */
static uint64_t sampled_hash(const unsigned char *p, size_t n) {
  uint64_t h = 1469598103934665603u;
#define MIX(byte) (h = (h ^ (uint64_t)(byte)) * 1099511628211u)
  for (int k = 0; k < 8; k++) MIX((n >> (8 * k)) & 0xff);
  if (n <= 64 + SAMPLE_STEPS) {
    for (size_t i = 0; i < n; i++) MIX(p[i]);
    return h;
  }
  for (size_t i = 0; i < 32; i++) MIX(p[i]);
  for (size_t i = 0; i < 32; i++) MIX(p[n - 32 + i]);
  size_t step = (n - 64) / SAMPLE_STEPS;
  for (size_t i = 0; i < SAMPLE_STEPS; i++) MIX(p[32 + i * step]);
#undef MIX
  return h;
}

static void unlink_entry(flsql_state *st, flsql_geom *g) {
  if (g->prev) g->prev->next = g->next;
  else st->mru = g->next;
  if (g->next) g->next->prev = g->prev;
  g->prev = g->next = NULL;
  st->n_entries--;
  st->n_bytes -= g->n;
}

static void push_front(flsql_state *st, flsql_geom *g) {
  g->prev = NULL;
  g->next = st->mru;
  if (st->mru) st->mru->prev = g;
  st->mru = g;
  st->n_entries++;
  st->n_bytes += g->n;
}

static void free_entry(flsql_geom *g) {
  GEOSContextHandle_t h = fl_ctx_geos(g->state->ctx);
  fl_ground_free(g->state->ctx, g->ground); /* before its base geometry */
  fl_dist_index_destroy(g->state->ctx, g->index);
  if (g->lonlat) GEOSGeom_destroy_r(h, g->lonlat);
  fl_free(g->memo.blob);
  free(g->bytes);
  free(g);
}

void flsql_geom_release(flsql_geom *g) {
  if (g && --g->refs == 0) free_entry(g);
}

void flsql_geom_release_v(void *g) { flsql_geom_release(g); }

/* Drop the cache's reference on an entry (it stays alive while used). */
static void evict(flsql_state *st, flsql_geom *g) {
  unlink_entry(st, g);
  flsql_geom_release(g);
}

void flsql_cache_clear(flsql_state *st) {
  while (st->mru) evict(st, st->mru);
}

static fl_status decode(flsql_state *st, const unsigned char *blob, size_t n, flsql_geom *g) {
  fl_ctx *ctx = st->ctx;
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *native = NULL;
  fl_status rc = fl_geom_from_blob(ctx, blob, n, &native, &g->srid, &g->kind);
  if (rc) return rc;
  if (g->kind != FL_BLOB_SPATIALITE && g->kind != FL_BLOB_GPKG) {
    GEOSGeom_destroy_r(h, native);
    fl_ctx_clear_error(ctx);
    return FL_E_ARG; /* plain WKB: no SRID; sql_geom_arg.c says so */
  }
  g->dim = -1;
  if (GEOSisEmpty_r(h, native) == 1) { /* GeoPackage can hold an empty geometry */
    GEOSGeom_destroy_r(h, native);
    return FL_OK;
  }
  rc = fl_geom_to_lonlat(ctx, native, g->srid, &g->lonlat);
  GEOSGeom_destroy_r(h, native);
  if (rc) return rc;
  g->dim = GEOSGeom_getDimensions_r(h, g->lonlat);
  g->n_coords = GEOSGetNumCoordinates_r(h, g->lonlat);
  return FL_OK;
}

fl_status flsql_cache_get(flsql_state *st, const unsigned char *blob, size_t n,
                          flsql_geom **out, int *srid) {
  *out = NULL;
  *srid = 0;
  uint64_t hash = sampled_hash(blob, n);
  for (flsql_geom *g = st->mru; g; g = g->next) {
    if (g->hash != hash || g->n != n || memcmp(g->bytes, blob, n) != 0) continue;
    if (g != st->mru) { /* move to the front */
      unlink_entry(st, g);
      push_front(st, g);
    }
    g->refs++;
    g->uses++;
    *srid = g->srid;
    *out = g;
    return FL_OK;
  }
  flsql_geom *g = calloc(1, sizeof *g);
  if (!g) return FL_E_NOMEM;
  g->refs = 1;
  g->state = st;
  g->hash = hash;
  g->n = n;
  g->area_km2 = -1;
  g->uses = 1;
  fl_status rc = decode(st, blob, n, g);
  *srid = g->srid;
  if (rc) {
    free_entry(g);
    return rc;
  }
  if (n <= MAX_BYTES) {
    g->bytes = malloc(n ? n : 1);
    if (g->bytes) {
      memcpy(g->bytes, blob, n);
      while (st->mru && (st->n_entries >= MAX_ENTRIES || st->n_bytes + n > MAX_BYTES)) {
        flsql_geom *last = st->mru;
        while (last->next) last = last->next;
        evict(st, last);
      }
      g->refs++; /* the cache's own reference */
      push_front(st, g);
    }
  }
  *out = g;
  return FL_OK;
}

const fl_dist_index *flsql_geom_index(flsql_geom *g) {
  if (!g->index && g->lonlat) {
    const GEOSGeometry *items[1] = {g->lonlat};
    if (fl_dist_index_create(g->state->ctx, items, 1, &g->index)) g->index = NULL;
  }
  return g->index;
}

const fl_ground *flsql_geom_ground(flsql_geom *g) {
  if (!g->ground && g->lonlat && fl_ground_prepare(g->state->ctx, g->lonlat, &g->ground))
    g->ground = NULL;
  return g->ground;
}

double flsql_geom_area_km2(flsql_geom *g) {
  if (g->area_km2 < 0 && g->lonlat) {
    double a = 0;
    if (fl_area_km2(g->state->ctx, g->lonlat, &a) == FL_OK) g->area_km2 = a;
  }
  return g->area_km2;
}
