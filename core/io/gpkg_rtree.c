/*
 * gpkg_rtree.c - bulk-load a GeoPackage R*Tree index (rtree_<table>_geom).
 *
 * Inserting a million boxes one by one into SQLite's rtree module costs
 * ~10 us each (every insert descends the tree and may split nodes), most of
 * the time of writing a large point layer. Here the tree is packed at once
 * (sort-tile-recursive, by the packer the distance index uses: rtree.c) and
 * its three shadow tables are written directly, in
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
#include "fl_rtree.h"

#define MAX_CELLS 51            /* RTREE_MAXCELLS of rtree.c */
#define CELL_BYTES 24           /* 8-byte id + 4 float32 coordinates */
#define NODE_BYTES (4 + CELL_BYTES * MAX_CELLS)

typedef struct box {           /* a cell as it is written */
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

void fl__gpkg_box_set(fl__gpkg_box *b, double minx, double maxx, double miny, double maxy) {
  b->minx = down(minx);
  b->maxx = up(maxx);
  b->miny = down(miny);
  b->maxy = up(maxy);
}

static void box_of(const void *items, size_t i, double *b) {
  const fl__gpkg_box *x = (const fl__gpkg_box *)items + i;
  b[0] = x->minx;
  b[1] = x->miny;
  b[2] = x->maxx;
  b[3] = x->maxy;
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
  const int64_t *ids;           /* [pos]: the feature of each box */
  uint32_t *leaf_of;            /* [pos]: the leaf node of each box (node numbers are
                                   below the boxes' count + 2) */
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
      L->leaf_of[b[i].pos] = (uint32_t)nodeno;
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

/* Node numbers: the root is node 1, the others count from 2 in the
 * packer's order (leaves first, level by level). */
static int64_t node_no(const fl__rtree *t, size_t k) {
  return k == t->root ? 1 : (int64_t)k + 2;
}

/* Writes node k of the packed tree t over the boxes b. */
static int write_tree_node(loader *L, const fl__rtree *t, const fl__gpkg_box *b, size_t k) {
  const fl__rtree_node *nd = &t->nodes[k];
  int depth = k == t->root ? (int)t->levels - 1 : 0;
  box cells[MAX_CELLS];
  if (nd->leaf) {
    for (uint32_t i = 0; i < nd->count; i++) {
      const fl__gpkg_box *x = &b[nd->first + i];
      cells[i] = (box){x->minx, x->maxx, x->miny, x->maxy, L->ids[x->pos], x->pos};
    }
    return write_node(L, node_no(t, k), depth, cells, nd->count, 1);
  }
  for (uint32_t i = 0; i < nd->count; i++) {
    const fl__rtree_node *c = &t->nodes[nd->first + i];
    /* the bounds of float boxes: exact as floats */
    cells[i] = (box){(float)c->minx, (float)c->maxx, (float)c->miny, (float)c->maxy,
                     node_no(t, nd->first + i), 0};
  }
  return write_node(L, node_no(t, k), depth, cells, nd->count, 0);
}

/* Packs the boxes (shared packer, rtree.c) and writes every node. */
static int pack(loader *L, fl__gpkg_box *b, size_t n) {
  fl__rtree t;
  if (fl__rtree_pack(&t, b, n, sizeof *b, box_of, MAX_CELLS, MAX_CELLS)) return -1;
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < t.n_nodes; k++) rc = write_tree_node(L, &t, b, k);
  fl__rtree_free(&t);
  return rc;
}

/* The <name>_rowid rows (ids[i], leaf_of[i]) in the caller's order,
 * ROWID_BATCH rows per INSERT (the rest one by one): a statement per row
 * cost as much as packing and writing the nodes. */
#define ROWID_BATCH 128 /* 256 parameters: below every SQLite's limit (999) */
static int write_rowids(sqlite3 *db, const char *name, sqlite3_stmt *one, const int64_t *ids,
                        const uint32_t *leaf_of, size_t n) {
  sqlite3_stmt *many = NULL;
  size_t i = 0;
  if (n >= ROWID_BATCH) {
    char *sql = sqlite3_mprintf("INSERT INTO \"%w_rowid\" (rowid, nodeno) VALUES (?, ?)", name);
    for (int r = 1; sql && r < ROWID_BATCH; r++) {
      char *longer = sqlite3_mprintf("%s, (?, ?)", sql);
      sqlite3_free(sql);
      sql = longer;
    }
    int ok = sql && sqlite3_prepare_v2(db, sql, -1, &many, NULL) == SQLITE_OK;
    sqlite3_free(sql);
    if (!ok) {
      sqlite3_finalize(many);
      return -1;
    }
    for (; i + ROWID_BATCH <= n; i += ROWID_BATCH) {
      for (int r = 0; r < ROWID_BATCH; r++) {
        sqlite3_bind_int64(many, 2 * r + 1, ids[i + (size_t)r]);
        sqlite3_bind_int64(many, 2 * r + 2, leaf_of[i + (size_t)r]);
      }
      if (step(many)) break;
    }
    sqlite3_finalize(many);
    if (i + ROWID_BATCH <= n) return -1; /* a batch failed */
  }
  for (; i < n; i++) {
    sqlite3_bind_int64(one, 1, ids[i]);
    sqlite3_bind_int64(one, 2, leaf_of[i]);
    if (step(one)) return -1;
  }
  return 0;
}

int fl__gpkg_rtree_load(sqlite3 *db, const char *name, const int64_t *ids, fl__gpkg_box *b,
                        size_t n) {
  if (n == 0) return 0; /* the empty root made by CREATE VIRTUAL TABLE stays */
  if (n >= UINT32_MAX - 2) return -1;
  for (size_t i = 0; i < n; i++) b[i].pos = (uint32_t)i;
  loader L = {db, NULL, NULL, NULL, ids, malloc(n * sizeof(uint32_t))};
  char *s1 = sqlite3_mprintf("INSERT OR REPLACE INTO \"%w_node\" (nodeno, data) VALUES (?, ?)", name);
  char *s2 = sqlite3_mprintf("INSERT INTO \"%w_rowid\" (rowid, nodeno) VALUES (?, ?)", name);
  char *s3 = sqlite3_mprintf("INSERT INTO \"%w_parent\" (nodeno, parentnode) VALUES (?, ?)", name);
  int rc = -1;
  if (s1 && s2 && s3 && sqlite3_prepare_v2(db, s1, -1, &L.node, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, s2, -1, &L.rowid, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, s3, -1, &L.parent, NULL) == SQLITE_OK && L.leaf_of)
    rc = pack(&L, b, n);
  if (rc == 0) rc = write_rowids(db, name, L.rowid, ids, L.leaf_of, n);
  sqlite3_finalize(L.node);
  sqlite3_finalize(L.rowid);
  sqlite3_finalize(L.parent);
  sqlite3_free(s1);
  sqlite3_free(s2);
  sqlite3_free(s3);
  free(L.leaf_of);
  return rc;
}
