/*
 * gpkg_rtree.c - bulk-load a GeoPackage R*Tree index (rtree_<table>_geom).
 *
 * Inserting a million boxes one by one into SQLite's rtree module costs
 * ~10 us each (every insert descends the tree and may split nodes), most of
 * the time of writing a large point layer. Here the tree is packed at once
 * (sort-tile-recursive) and its three shadow tables are written directly, in
 * the format of SQLite's ext/rtree/rtree.c:
 *   <name>_node(nodeno INTEGER PRIMARY KEY, data): node 1 is the root; data is
 *     a 16-bit big-endian depth (root only; 0 when the root is a leaf), a
 *     16-bit big-endian cell count, then cells of an 8-byte big-endian id
 *     (feature id in leaves, child node number above) and minx, maxx, miny,
 *     maxy as big-endian 32-bit floats rounded outwards; every node blob has
 *     the root's length, which fixes the node size for later connections;
 *   <name>_rowid(rowid INTEGER PRIMARY KEY, nodeno): the leaf of each id,
 *     inserted in the caller's (ascending id) order: in tree order the
 *     table's B-tree inserts land at random and cost several times more;
 *   <name>_parent(nodeno INTEGER PRIMARY KEY, parentnode): every non-root node.
 * The caller creates the virtual table (which makes the empty shadow tables
 * and an empty root) and must not have inserted through it. The result
 * passes SQLite's rtreecheck(). Not here: the rows themselves (gpkg_write.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

#define MAX_CELLS 51            /* RTREE_MAXCELLS of rtree.c */
#define CELL_BYTES 24           /* 8-byte id + 4 float32 coordinates */
#define NODE_BYTES (4 + CELL_BYTES * MAX_CELLS)

typedef struct box {
  float minx, maxx, miny, maxy;
  int64_t id;                   /* feature id, or node number one level up */
  size_t pos;                   /* leaves: index in the caller's arrays */
} box;

static float down(double d) {
  float f = (float)d;
  return (double)f > d ? nextafterf(f, -INFINITY) : f;
}

static float up(double d) {
  float f = (float)d;
  return (double)f < d ? nextafterf(f, INFINITY) : f;
}

static int cmp_x(const void *a, const void *b) {
  const box *p = a, *q = b;
  float u = p->minx + p->maxx, v = q->minx + q->maxx;
  return (u > v) - (u < v);
}

static int cmp_y(const void *a, const void *b) {
  const box *p = a, *q = b;
  float u = p->miny + p->maxy, v = q->miny + q->maxy;
  return (u > v) - (u < v);
}

/* Sort-tile-recursive order: vertical slices by x, each sorted by y. */
static void str_order(box *b, size_t n) {
  size_t n_nodes = (n + MAX_CELLS - 1) / MAX_CELLS;
  size_t n_slices = (size_t)ceil(sqrt((double)n_nodes));
  size_t per_slice = n_slices ? ((n_nodes + n_slices - 1) / n_slices) * MAX_CELLS : n;
  qsort(b, n, sizeof *b, cmp_x);
  for (size_t s = 0; s < n; s += per_slice)
    qsort(b + s, n - s < per_slice ? n - s : per_slice, sizeof *b, cmp_y);
}

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static void put64(unsigned char *p, int64_t v) {
  uint64_t u = (uint64_t)v;
  for (int i = 7; i >= 0; i--, u >>= 8) p[i] = (unsigned char)u;
}

static void putf(unsigned char *p, float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  p[0] = (unsigned char)(u >> 24);
  p[1] = (unsigned char)(u >> 16);
  p[2] = (unsigned char)(u >> 8);
  p[3] = (unsigned char)u;
}

typedef struct loader {
  sqlite3 *db;
  sqlite3_stmt *node, *rowid, *parent;
  int64_t *leaf_of;             /* [pos]: the leaf node of each box */
} loader;

static int step(sqlite3_stmt *s) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes one node; its cells are b[0..n). */
static int write_node(loader *L, int64_t nodeno, int depth, const box *b, size_t n, int leaf) {
  unsigned char blob[NODE_BYTES];
  memset(blob, 0, sizeof blob);
  if (nodeno == 1) put16(blob, (unsigned)depth);
  put16(blob + 2, (unsigned)n);
  for (size_t i = 0; i < n; i++) {
    unsigned char *c = blob + 4 + i * CELL_BYTES;
    put64(c, b[i].id);
    putf(c + 8, b[i].minx);
    putf(c + 12, b[i].maxx);
    putf(c + 16, b[i].miny);
    putf(c + 20, b[i].maxy);
    if (leaf) {
      L->leaf_of[b[i].pos] = nodeno;
    } else {
      sqlite3_bind_int64(L->parent, 1, b[i].id);
      sqlite3_bind_int64(L->parent, 2, nodeno);
      if (step(L->parent)) return -1;
    }
  }
  sqlite3_bind_int64(L->node, 1, nodeno);
  sqlite3_bind_blob(L->node, 2, blob, (int)sizeof blob, SQLITE_TRANSIENT);
  return step(L->node);
}

static int pack(loader *L, box *level, size_t n) {
  /* Levels bottom-up; the top level is written as node 1. Node numbers
   * below the root count from 2 in the order the nodes are made. */
  int64_t next = 2;
  int depth = 0, leaf = 1;
  for (;;) {
    if (n <= MAX_CELLS) return write_node(L, 1, depth, level, n, leaf);
    str_order(level, n);
    size_t n_up = (n + MAX_CELLS - 1) / MAX_CELLS;
    box *up_level = malloc(n_up * sizeof *up_level);
    if (!up_level) return -1;
    for (size_t k = 0; k < n_up; k++) {
      const box *c = level + k * MAX_CELLS;
      size_t m = n - k * MAX_CELLS < MAX_CELLS ? n - k * MAX_CELLS : MAX_CELLS;
      box u = c[0];
      for (size_t i = 1; i < m; i++) {
        u.minx = fminf(u.minx, c[i].minx);
        u.maxx = fmaxf(u.maxx, c[i].maxx);
        u.miny = fminf(u.miny, c[i].miny);
        u.maxy = fmaxf(u.maxy, c[i].maxy);
      }
      u.id = next++;
      if (write_node(L, u.id, 0, c, m, leaf)) { free(up_level); return -1; }
      up_level[k] = u;
    }
    if (!leaf) free(level);
    level = up_level;
    n = n_up;
    leaf = 0;
    depth++;
    if (n <= MAX_CELLS) {
      int rc = write_node(L, 1, depth, level, n, 0);
      free(level);
      return rc;
    }
  }
}

int fl__gpkg_rtree_load(sqlite3 *db, const char *name, const int64_t *ids, const double *ext,
                        size_t n) {
  if (n == 0) return 0; /* the empty root made by CREATE VIRTUAL TABLE stays */
  box *b = malloc(n * sizeof *b);
  if (!b) return -1;
  for (size_t i = 0; i < n; i++) {
    b[i].minx = down(ext[4 * i]);
    b[i].maxx = up(ext[4 * i + 1]);
    b[i].miny = down(ext[4 * i + 2]);
    b[i].maxy = up(ext[4 * i + 3]);
    b[i].id = ids[i];
    b[i].pos = i;
  }
  loader L = {db, NULL, NULL, NULL, malloc(n * sizeof(int64_t))};
  char *s1 = sqlite3_mprintf("INSERT OR REPLACE INTO \"%w_node\" (nodeno, data) VALUES (?, ?)", name);
  char *s2 = sqlite3_mprintf("INSERT INTO \"%w_rowid\" (rowid, nodeno) VALUES (?, ?)", name);
  char *s3 = sqlite3_mprintf("INSERT INTO \"%w_parent\" (nodeno, parentnode) VALUES (?, ?)", name);
  int rc = -1;
  if (s1 && s2 && s3 && sqlite3_prepare_v2(db, s1, -1, &L.node, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, s2, -1, &L.rowid, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, s3, -1, &L.parent, NULL) == SQLITE_OK && L.leaf_of)
    rc = pack(&L, b, n);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    sqlite3_bind_int64(L.rowid, 1, ids[i]);
    sqlite3_bind_int64(L.rowid, 2, L.leaf_of[i]);
    rc = step(L.rowid);
  }
  sqlite3_finalize(L.node);
  sqlite3_finalize(L.rowid);
  sqlite3_finalize(L.parent);
  sqlite3_free(s1);
  sqlite3_free(s2);
  sqlite3_free(s3);
  free(L.leaf_of);
  free(b);
  return rc;
}
