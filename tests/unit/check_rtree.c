/*
 * check_rtree.c - the shared packed R-tree (core/rtree.c): every item packed
 * once under boxes that cover it; the depth-first and best-first walkers
 * find what a brute-force scan finds, on trees whose nodes hold far more
 * pending children than the old fixed 512-entry stacks could (a wide node of
 * identical boxes, a deep binary tree, hundreds of equal bounds pending).
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include "fl_rtree.h"
#include "fl_test.h"

typedef struct item {
  double minx, miny, maxx, maxy;
  uint32_t id;
} item;

static void item_box(const void *items, size_t i, double *b) {
  const item *it = (const item *)items + i;
  b[0] = it->minx;
  b[1] = it->miny;
  b[2] = it->maxx;
  b[3] = it->maxy;
}

/* n items: the first n_same are the same box (10,10)-(11,11), the others a
 * grid of unit boxes. */
static item *make_items(size_t n, size_t n_same) {
  item *it = malloc(n * sizeof *it);
  ck_assert_ptr_nonnull(it);
  for (size_t i = 0; i < n; i++) {
    double x = i < n_same ? 10 : (double)(i % 97) * 3.0, y = i < n_same ? 10 : (double)(i / 97) * 3.0;
    it[i] = (item){x, y, x + 1, y + 1, (uint32_t)i};
  }
  return it;
}

typedef struct query {
  const item *items;
  double minx, miny, maxx, maxy; /* a box; minx > maxx: everything */
  size_t n;                      /* items found */
  unsigned char *seen;           /* per id: times found */
} query;

static int overlaps(const query *q, double minx, double miny, double maxx, double maxy) {
  return q->minx > q->maxx ||
         !(maxx < q->minx || minx > q->maxx || maxy < q->miny || miny > q->maxy);
}

static int q_skip(const fl__rtree_node *nd, void *user) {
  const query *q = user;
  return !overlaps(q, nd->minx, nd->miny, nd->maxx, nd->maxy);
}

static int q_leaf(const fl__rtree_node *nd, void *user) {
  query *q = user;
  for (uint32_t k = nd->first; k < nd->first + nd->count; k++) {
    const item *it = &q->items[k];
    if (!overlaps(q, it->minx, it->miny, it->maxx, it->maxy)) continue;
    q->n++;
    if (q->seen) q->seen[it->id]++;
  }
  return 0;
}

static size_t brute(const item *it, size_t n, const query *q) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += overlaps(q, it[i].minx, it[i].miny, it[i].maxx, it[i].maxy);
  return c;
}

/* Each node covers its children (or items), and the leaves hold every item
 * once. */
static void check_cover(const fl__rtree *t, const item *it, size_t n) {
  size_t items = 0;
  for (size_t k = 0; k < t->n_nodes; k++) {
    const fl__rtree_node *nd = &t->nodes[k];
    for (uint32_t c = nd->first; c < nd->first + nd->count; c++) {
      double b[4];
      if (nd->leaf) item_box(it, c, b);
      else b[0] = t->nodes[c].minx, b[1] = t->nodes[c].miny, b[2] = t->nodes[c].maxx,
           b[3] = t->nodes[c].maxy;
      ck_assert(b[0] >= nd->minx && b[1] >= nd->miny && b[2] <= nd->maxx && b[3] <= nd->maxy);
    }
    if (nd->leaf) items += nd->count;
  }
  ck_assert_uint_eq(items, n);
  ck_assert_uint_eq(t->root, t->n_nodes - 1);
}

/* 3,000 identical boxes under one node of up to 1,000 children: the root
 * holds 750 leaves at once, 238 more than the old walkers' 512-entry stack
 * kept (they dropped the rest without a word). Every item is found exactly
 * once, and a window query finds what a scan finds. */
START_TEST(test_wide_node_of_identical_boxes) {
  enum { N = 4000, SAME = 3000 };
  item *it = make_items(N, SAME);
  fl__rtree t;
  ck_assert_int_eq(fl__rtree_pack(&t, it, N, sizeof *it, item_box, 4, 1000), 0);
  check_cover(&t, it, N);
  ck_assert_uint_eq(t.levels, 2);
  ck_assert_uint_eq(t.nodes[t.root].count, N / 4);
  unsigned char *seen = calloc(N, 1);
  query all = {it, 1, 1, 0, 0, 0, seen};
  ck_assert_int_eq(fl__rtree_dfs(&t, q_skip, q_leaf, &all), 0);
  ck_assert_uint_eq(all.n, N);
  for (size_t i = 0; i < N; i++) ck_assert_uint_eq(seen[i], 1);
  query win = {it, 9.5, 9.5, 30.5, 12.5, 0, NULL};
  ck_assert_int_eq(fl__rtree_dfs(&t, q_skip, q_leaf, &win), 0);
  ck_assert_uint_eq(win.n, brute(it, N, &win));
  ck_assert_uint_ge(win.n, SAME);
  free(seen);
  fl__rtree_free(&t);
  free(it);
}
END_TEST

/* A binary tree of 100,000 items (17 levels): every item found once. */
START_TEST(test_deep_binary_tree) {
  enum { N = 100000 };
  item *it = make_items(N, 700);
  fl__rtree t;
  ck_assert_int_eq(fl__rtree_pack(&t, it, N, sizeof *it, item_box, 2, 2), 0);
  check_cover(&t, it, N);
  ck_assert_uint_ge(t.levels, 17);
  query all = {it, 1, 1, 0, 0, 0, NULL};
  ck_assert_int_eq(fl__rtree_dfs(&t, NULL, q_leaf, &all), 0);
  ck_assert_uint_eq(all.n, N);
  query win = {it, 50, 50, 120, 300, 0, NULL};
  ck_assert_int_eq(fl__rtree_dfs(&t, q_skip, q_leaf, &win), 0);
  ck_assert_uint_eq(win.n, brute(it, N, &win));
  fl__rtree_free(&t);
  free(it);
}
END_TEST

/* Best-first nearest box to a point: the identical boxes all tie, so
 * hundreds of nodes of one bound are pending at once. */
typedef struct nearest {
  const item *items;
  double px, py, best;
  size_t n_best, leaves;
} nearest;

static double box_dist(double minx, double miny, double maxx, double maxy, double px, double py) {
  double dx = px < minx ? minx - px : (px > maxx ? px - maxx : 0.0);
  double dy = py < miny ? miny - py : (py > maxy ? py - maxy : 0.0);
  return sqrt(dx * dx + dy * dy);
}

static double n_limit(void *user) {
  return ((const nearest *)user)->best;
}

static double n_bound(const fl__rtree_node *nd, double limit, void *user) {
  (void)limit;
  const nearest *w = user;
  return box_dist(nd->minx, nd->miny, nd->maxx, nd->maxy, w->px, w->py);
}

static int n_leaf(const fl__rtree_node *nd, void *user) {
  nearest *w = user;
  w->leaves++;
  for (uint32_t k = nd->first; k < nd->first + nd->count; k++) {
    const item *it = &w->items[k];
    double d = box_dist(it->minx, it->miny, it->maxx, it->maxy, w->px, w->py);
    if (d < w->best) w->best = d, w->n_best = 0;
    if (d == w->best) w->n_best++;
  }
  return 0;
}

START_TEST(test_best_first_with_ties) {
  enum { N = 5000, SAME = 2000 };
  item *it = make_items(N, SAME);
  fl__rtree t;
  ck_assert_int_eq(fl__rtree_pack(&t, it, N, sizeof *it, item_box, 2, 8), 0);
  static const fl__rtree_order order = {n_limit, n_bound, n_leaf};
  double pts[][2] = {{10.5, 7.0}, {200.0, 100.0}, {-5.0, -5.0}, {10.5, 10.5}};
  for (size_t p = 0; p < sizeof pts / sizeof pts[0]; p++) {
    nearest w = {it, pts[p][0], pts[p][1], DBL_MAX, 0, 0};
    ck_assert_int_eq(fl__rtree_best_first(&t, &order, &w), 0);
    double want = DBL_MAX;
    size_t n_want = 0;
    for (size_t i = 0; i < N; i++) {
      double d = box_dist(it[i].minx, it[i].miny, it[i].maxx, it[i].maxy, w.px, w.py);
      if (d < want) want = d, n_want = 0;
      if (d == want) n_want++;
    }
    ck_assert_double_eq(w.best, want);
    /* every item at the best distance is seen: ties are never pruned */
    ck_assert_uint_eq(w.n_best, n_want);
    ck_assert_uint_lt(w.leaves, t.n_leaves); /* and the walk did prune */
  }
  fl__rtree_free(&t);
  free(it);
}
END_TEST

/* Bad arguments are refused, not packed. */
START_TEST(test_pack_refuses) {
  item one = {0, 0, 1, 1, 0};
  fl__rtree t;
  ck_assert_int_eq(fl__rtree_pack(&t, &one, 0, sizeof one, item_box, 8, 8), -1);
  ck_assert_int_eq(fl__rtree_pack(&t, &one, 1, sizeof one, item_box, 1, 8), -1);
  ck_assert_int_eq(fl__rtree_pack(&t, &one, 1, sizeof one, item_box, 8, 8), 0);
  ck_assert_uint_eq(t.n_nodes, 1);
  ck_assert(t.nodes[0].leaf);
  fl__rtree_free(&t);
}
END_TEST

/* The packer's order is sort-tile-recursive with ties in input order, as
 * qsort with a comparison of (centre, position) gives it: here with
 * negative and zero centres (-0 equal to +0), long runs of equal x and of
 * equal y (a slab's keys arrive with such ties out of input order). */
typedef struct ref_key {
  double c;
  uint32_t i;
} ref_key;

static int ref_cmp(const void *a, const void *b) {
  const ref_key *p = a, *q = b;
  if (p->c != q->c) return p->c < q->c ? -1 : 1;
  return (p->i > q->i) - (p->i < q->i);
}

START_TEST(test_pack_order) {
  enum { N = 6000, LEAF = 4 };
  item *it = malloc(N * sizeof *it), *orig = malloc(N * sizeof *orig);
  ref_key *r = malloc(N * sizeof *r);
  ck_assert(it && orig && r);
  uint32_t seed = 12345;
  for (size_t i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    double x = (double)(int)(seed % 2001u) - 1000.0, y = (double)(int)((seed >> 11) % 3u) - 1.0;
    if (i % 5 == 0) x = i % 10 ? 0.0 : -0.0;  /* -0 + -0 = -0 as a centre */
    if (i % 7 == 0) y = (double)(i % 3) * 1e-300;
    if (i >= 4000) { x = -7.5; y = -(double)(i % 50); } /* a run of one x */
    it[i] = (item){x, y, x, y, (uint32_t)i};
  }
  memcpy(orig, it, N * sizeof *it);
  for (uint32_t i = 0; i < N; i++) r[i] = (ref_key){orig[i].minx + orig[i].maxx, i};
  qsort(r, N, sizeof *r, ref_cmp);
  size_t groups = (N + LEAF - 1) / LEAF, slabs = (size_t)ceil(sqrt((double)groups));
  size_t per_slab = slabs * LEAF;
  for (size_t s0 = 0; s0 < N; s0 += per_slab) {
    size_t m = N - s0 < per_slab ? N - s0 : per_slab;
    for (size_t j = 0; j < m; j++) r[s0 + j].c = orig[r[s0 + j].i].miny + orig[r[s0 + j].i].maxy;
    qsort(r + s0, m, sizeof *r, ref_cmp);
  }
  fl__rtree t;
  ck_assert_int_eq(fl__rtree_pack(&t, it, N, sizeof *it, item_box, LEAF, 100000), 0);
  for (size_t j = 0; j < N; j++) ck_assert_uint_eq(it[j].id, r[j].i);
  fl__rtree_free(&t);
  free(it);
  free(orig);
  free(r);
}
END_TEST

int main(void) {
  Suite *s = suite_create("rtree");
  TCase *tc = tcase_create("rtree");
  tcase_add_test(tc, test_wide_node_of_identical_boxes);
  tcase_add_test(tc, test_deep_binary_tree);
  tcase_add_test(tc, test_best_first_with_ties);
  tcase_add_test(tc, test_pack_refuses);
  tcase_add_test(tc, test_pack_order);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
