/*
 * fl_rtree.h - internal: the packed R-tree shared by the distance index
 * (dist_index*.c) and the GeoPackage R*Tree writer (io/gpkg_rtree.c).
 *
 * One packer (sort-tile-recursive, built once, read-only afterwards, so
 * threads may share it) and one walker in two orders (depth-first and
 * best-first), each with a prune callback. The walkers keep their pending
 * nodes on stacks and heaps that grow: no child is ever dropped, whatever
 * the fan-out or the depth; out of memory is reported, never skipped.
 */
#ifndef FL_RTREE_H
#define FL_RTREE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fl__rtree_node {
  double minx, miny, maxx, maxy;
  uint32_t first, count; /* children (inner node) or items (leaf) */
  uint32_t leaf;         /* nonzero: first, count are items */
  uint32_t pad;
} fl__rtree_node;

/* Nodes bottom-up, level by level: the leaves first (leaf k covers items
 * [k * leaf_size, ...)), the root last. */
typedef struct fl__rtree {
  fl__rtree_node *nodes; /* malloc'd, owned by the tree */
  size_t n_nodes;
  size_t n_leaves;
  size_t root;           /* n_nodes - 1 */
  size_t levels;         /* 1 when the root is a leaf */
} fl__rtree;

/* Box of items[i] (the caller's array, i in its current order):
 * box[0..3] = minx, miny, maxx, maxy. */
typedef void (*fl__rtree_box_fn)(const void *items, size_t i, double *box);

/* Pack n >= 1 items of size bytes each: the items are reordered in place
 * (sort-tile-recursive: slabs by the x of their boxes' centres, then y within
 * a slab; ties keep the input order) and t gets the nodes, leaf_size items
 * per leaf and node_size children per inner node (both >= 2). n < 2^32.
 * Returns 0, or -1 when out of memory (t is then empty). */
int fl__rtree_pack(fl__rtree *t, void *items, size_t n, size_t size, fl__rtree_box_fn box,
                   size_t leaf_size, size_t node_size);

/* Free the nodes; t may be zeroed or packed. */
void fl__rtree_free(fl__rtree *t);

/* A node callback: nonzero prunes (skip) or stops the walk (leaf). */
typedef int (*fl__rtree_fn)(const fl__rtree_node *nd, void *user);

/* Depth-first walk from the root: skip(nd) (may be NULL) nonzero prunes nd
 * and its subtree; leaf(nd) visits a leaf not pruned. Children are visited
 * last to first. Returns 1 when leaf() stopped the walk, 0 when it ended,
 * -1 when out of memory (nothing was dropped silently). */
int fl__rtree_dfs(const fl__rtree *t, fl__rtree_fn skip, fl__rtree_fn leaf, void *user);

/* Best-first walk: nodes in the order of a lower bound of what they hold.
 * limit(user) is the current pruning limit (it may shrink as leaves are
 * visited); bound(nd, limit, user) a lower bound of nd (the limit is the one
 * of the node being expanded); a node whose bound exceeds the limit is not
 * visited, and the walk ends when the nearest pending one does. leaf(nd)
 * visits a leaf; nonzero stops the walk. Returns as fl__rtree_dfs(). */
typedef struct fl__rtree_order {
  double (*limit)(void *user);
  double (*bound)(const fl__rtree_node *nd, double limit, void *user);
  fl__rtree_fn leaf;
} fl__rtree_order;

int fl__rtree_best_first(const fl__rtree *t, const fl__rtree_order *o, void *user);

#endif
