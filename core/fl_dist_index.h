/*
 * fl_dist_index.h - internal: the distance index shared by its parts:
 * dist_index.c (building: edges cut into pieces, packed in an R-tree, rtree.c),
 * dist_index_pieces.c (how long a piece may be; margins for query edges),
 * dist_index_walk.c (point queries: frame estimates, best-first walk, areas),
 * dist_index_query.c (lines and polygons as queries, crossings, back-measure).
 */
#ifndef FL_DIST_INDEX_H
#define FL_DIST_INDEX_H

#include <stdint.h>
#include "fl_crs.h"
#include "fl_geodesy.h"
#include "fl_rtree.h"

#define LEAF_SIZE 8
#define NODE_SIZE 8

/* A piece of an indexed edge: its frame image, a curve, lies within
 * FL__PIECE_SAG_M of the chord (x0,y0)-(x1,y1) that the tree and the
 * estimates use (dist_index_pieces.c). */
#define FL__PIECE_SAG_M 0.02

typedef struct seg {
  double x0, y0, x1, y1;         /* frame metres */
  double lon0, lat0, lon1, lat1; /* degrees */
  uint32_t item;
  uint32_t is_area;              /* ring of a polygon item */
} seg;

/* A node of the tree: its first, count are segments in a leaf. */
typedef fl__rtree_node node;

struct fl_dist_index {
  fl__frame frame;
  seg *segs;
  size_t n_segs;
  fl__rtree tree;                /* over segs, in the tree's order */
  size_t n_items;
  unsigned char *item_is_area;
  int has_areas;                /* some item is a polygon */
};

typedef int (*accept_fn)(size_t item, void *user);

/* Depth-first walk of the index's tree (fl__rtree_dfs), the one walker of
 * the containment, segment and crossing queries: skip(node) nonzero prunes
 * a node; leaf(node) visits a leaf and returns nonzero to stop the walk.
 * Returns 1 when a leaf stopped it, 0 when it ended, -1 when out of memory. */
typedef fl__rtree_fn fl__node_fn;
static inline int fl__index_dfs(const fl_dist_index *idx, fl__node_fn skip, fl__node_fn leaf,
                                void *user) {
  return fl__rtree_dfs(&idx->tree, skip, leaf, user);
}

/* Whether a geometry has a polygon part. */
int fl__index_has_area(GEOSContextHandle_t h, const GEOSGeometry *g);

/* Number of equal geodesic pieces to cut the edge AB into (>= 1) so that
 * each piece's frame image lies within FL__PIECE_SAG_M of its chord; rho_m
 * is the larger frame radius of A and B, len_m the frame length of AB. */
size_t fl__index_piece_count(double rho_m, double len_m);

/* Metres to take off a frame lower bound measured to the chord of a query
 * edge AB (lon/lat, frame ends given) for its frame image being a curve. */
double fl__index_qseg_margin(const fl__frame *f, double alon, double alat, double blon,
                             double blat, double ax, double ay, double bx, double by);

/* Estimated distance from P to the frame segment (x0,y0)-(x1,y1), with the
 * frame's stretch removed (dist_index_walk.c). */
double fl__index_segment_estimate(double x0, double y0, double x1, double y1, double px,
                                  double py);

#endif
