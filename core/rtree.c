/*
 * rtree.c - the packed R-tree (fl_rtree.h): one sort-tile-recursive packer,
 * one depth-first and one best-first walker, both on growable stacks.
 *
 * The packer sorts small keys (a box centre and the item's position), not
 * the items themselves, by radix (the order of qsort with a comparison of
 * centre, then position, at a fraction of its cost: 1M boxes of a
 * GeoPackage R*Tree), then moves each item once along the cycles of the
 * permutation: an item may be large (a distance index segment is 72 bytes).
 * Each level above the leaves is packed the same way from the boxes of the
 * level below.
 */
#include "fl_rtree.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- packing ---------------------------------------------------------------- */

/* A sort key: a coordinate of twice the box centre as an unsigned integer
 * in the doubles' order, and the item's position before sorting. */
typedef struct key {
  uint64_t k;
  uint32_t i;
} key;

/* v's order among doubles as an unsigned integer (-0 and +0 alike, as the
 * comparison of doubles has them). */
static uint64_t ordered(double v) {
  v += 0.0;
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return (u >> 63) ? ~u : u | 0x8000000000000000ull;
}

static int cmp_pos(const void *a, const void *b) {
  uint32_t p = ((const key *)a)->i, q = ((const key *)b)->i;
  return (p > q) - (p < q);
}

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)
#define RADIX_PASSES 6 /* 6 x 11 >= 64 */

/* Sorts k[0..n) by (k, i), tmp: n scratch keys. A stable least significant
 * digit first radix sort by k (a digit that all keys share is skipped), then
 * runs of equal k put in order of i (they come in the order they were in). */
static void sort_keys(key *k, key *tmp, size_t n) {
  static const size_t zero[RADIX];
  size_t count[RADIX_PASSES][RADIX];
  for (int p = 0; p < RADIX_PASSES; p++) memcpy(count[p], zero, sizeof zero);
  for (size_t j = 0; j < n; j++)
    for (int p = 0; p < RADIX_PASSES; p++) count[p][(k[j].k >> (p * RADIX_BITS)) & (RADIX - 1)]++;
  key *src = k, *dst = tmp;
  for (int p = 0; p < RADIX_PASSES; p++) {
    size_t *c = count[p], sum = 0;
    if (c[(src[0].k >> (p * RADIX_BITS)) & (RADIX - 1)] == n) continue; /* one digit for all */
    for (size_t d = 0; d < RADIX; d++) {
      size_t m = c[d];
      c[d] = sum;
      sum += m;
    }
    for (size_t j = 0; j < n; j++) dst[c[(src[j].k >> (p * RADIX_BITS)) & (RADIX - 1)]++] = src[j];
    key *t = src;
    src = dst;
    dst = t;
  }
  if (src != k) memcpy(k, src, n * sizeof *k);
  for (size_t a = 0, b; a < n; a = b) { /* ties: by position */
    for (b = a + 1; b < n && k[b].k == k[a].k; b++) {}
    if (b - a > 16) {
      qsort(k + a, b - a, sizeof *k, cmp_pos);
      continue;
    }
    for (size_t m = a + 1; m < b; m++) { /* insertion sort */
      key x = k[m];
      size_t j = m;
      for (; j > a && k[j - 1].i > x.i; j--) k[j] = k[j - 1];
      k[j] = x;
    }
  }
}

/* Sort-tile-recursive order of n items: slabs by the x of their centres,
 * then by y within each slab, per_group items to a node; ties keep the
 * input order. ord[j]: the position before sorting of the item that goes
 * to j. k, tmp: n scratch keys. */
static void str_sort(const void *items, fl__rtree_box_fn box, size_t n, size_t per_group,
                     key *k, key *tmp, uint32_t *ord) {
  for (size_t i = 0; i < n; i++) {
    double b[4];
    box(items, i, b);
    k[i] = (key){ordered(b[0] + b[2]), (uint32_t)i};
  }
  sort_keys(k, tmp, n);
  for (size_t j = 0; j < n; j++) ord[j] = k[j].i;
  size_t groups = (n + per_group - 1) / per_group;
  size_t slabs = (size_t)ceil(sqrt((double)groups));
  size_t per_slab = slabs * per_group;
  for (size_t s = 0; s < n; s += per_slab) {
    size_t m = n - s < per_slab ? n - s : per_slab;
    for (size_t j = 0; j < m; j++) {
      double b[4];
      box(items, ord[s + j], b);
      k[j] = (key){ordered(b[1] + b[3]), ord[s + j]};
    }
    sort_keys(k, tmp, m);
    for (size_t j = 0; j < m; j++) ord[s + j] = k[j].i;
  }
}

/* Move items so that position j holds the item that was at ord[j], one
 * cycle of the permutation at a time (tmp holds one item). done: n flags. */
static void permute(char *items, size_t size, const uint32_t *ord, size_t n, unsigned char *done,
                    char *tmp) {
  memset(done, 0, n);
  for (size_t s = 0; s < n; s++) {
    if (done[s] || ord[s] == s) continue;
    memcpy(tmp, items + s * size, size);
    size_t j = s;
    for (;;) {
      size_t from = ord[j];
      done[j] = 1;
      if (from == s) {
        memcpy(items + j * size, tmp, size);
        break;
      }
      memcpy(items + j * size, items + from * size, size);
      j = from;
    }
  }
}

static void node_box(const void *items, size_t i, double *box) {
  const fl__rtree_node *nd = (const fl__rtree_node *)items + i;
  box[0] = nd->minx;
  box[1] = nd->miny;
  box[2] = nd->maxx;
  box[3] = nd->maxy;
}

/* Sort n items (or nodes) into STR order. */
static int order(void *items, size_t n, size_t size, fl__rtree_box_fn box, size_t per_group) {
  if (n <= per_group) return 0;
  key *k = malloc(n * sizeof *k), *tmp = malloc(n * sizeof *tmp);
  uint32_t *ord = malloc(n * sizeof *ord);
  unsigned char *done = malloc(n);
  char *one = malloc(size);
  int rc = -1;
  if (k && tmp && ord && done && one) {
    str_sort(items, box, n, per_group, k, tmp, ord);
    permute(items, size, ord, n, done, one);
    rc = 0;
  }
  free(k);
  free(tmp);
  free(ord);
  free(done);
  free(one);
  return rc;
}

/* Node nd covers entries [first, first + count) of a level whose boxes box()
 * gives. */
static void cover(fl__rtree_node *nd, const void *level, fl__rtree_box_fn box, size_t first,
                  size_t count, int leaf) {
  nd->first = (uint32_t)first;
  nd->count = (uint32_t)count;
  nd->leaf = (uint32_t)leaf;
  nd->pad = 0;
  nd->minx = nd->miny = DBL_MAX;
  nd->maxx = nd->maxy = -DBL_MAX;
  for (size_t k = first; k < first + count; k++) {
    double b[4];
    box(level, k, b);
    nd->minx = fmin(nd->minx, b[0]);
    nd->miny = fmin(nd->miny, b[1]);
    nd->maxx = fmax(nd->maxx, b[2]);
    nd->maxy = fmax(nd->maxy, b[3]);
  }
}

/* One level of parents for the n entries of a level, appended at out. */
static size_t make_parents(fl__rtree_node *out, const void *level, fl__rtree_box_fn box,
                           size_t n, size_t per, int leaf) {
  size_t parents = (n + per - 1) / per;
  for (size_t i = 0; i < parents; i++)
    cover(&out[i], level, box, i * per, n - i * per < per ? n - i * per : per, leaf);
  return parents;
}

int fl__rtree_pack(fl__rtree *t, void *items, size_t n, size_t size, fl__rtree_box_fn box,
                   size_t leaf_size, size_t node_size) {
  memset(t, 0, sizeof *t);
  if (n == 0 || leaf_size < 2 || node_size < 2 || n >= UINT32_MAX) return -1;
  if (order(items, n, size, box, leaf_size)) return -1;
  size_t n_leaves = (n + leaf_size - 1) / leaf_size;
  /* each level above has at most half the nodes of the one below, plus one */
  size_t cap = 2 * n_leaves + 64;
  t->nodes = malloc(cap * sizeof *t->nodes);
  if (!t->nodes) return -1;
  make_parents(t->nodes, items, box, n, leaf_size, 1);
  size_t level_start = 0, level_n = n_leaves, total = n_leaves, levels = 1;
  while (level_n > 1) {
    fl__rtree_node *level = t->nodes + level_start;
    if (order(level, level_n, sizeof *level, node_box, node_size)) {
      fl__rtree_free(t);
      return -1;
    }
    size_t parents = make_parents(t->nodes + total, level, node_box, level_n, node_size, 0);
    /* cover() counts children from their level's start */
    for (size_t i = 0; i < parents; i++) t->nodes[total + i].first += (uint32_t)level_start;
    level_start = total;
    total += parents;
    level_n = parents;
    levels++;
  }
  t->n_nodes = total;
  t->n_leaves = n_leaves;
  t->root = total - 1;
  t->levels = levels;
  return 0;
}

void fl__rtree_free(fl__rtree *t) {
  free(t->nodes);
  memset(t, 0, sizeof *t);
}

/* ---- depth-first walk ---------------------------------------------------------- */

typedef struct stack {
  uint32_t *a;
  size_t n, cap;
  uint32_t local[256];
} stack;

static int stack_reserve(stack *s, size_t more) {
  if (s->n + more <= s->cap) return 0;
  size_t cap = s->cap;
  while (cap < s->n + more) cap *= 2;
  uint32_t *a = malloc(cap * sizeof *a);
  if (!a) return -1;
  memcpy(a, s->a, s->n * sizeof *a);
  if (s->a != s->local) free(s->a);
  s->a = a;
  s->cap = cap;
  return 0;
}

int fl__rtree_dfs(const fl__rtree *t, fl__rtree_fn skip, fl__rtree_fn leaf, void *user) {
  if (!t->n_nodes) return 0;
  stack s;
  s.a = s.local;
  s.n = 0;
  s.cap = sizeof s.local / sizeof s.local[0];
  s.a[s.n++] = (uint32_t)t->root;
  int rc = 0;
  while (s.n && !rc) {
    const fl__rtree_node *nd = &t->nodes[s.a[--s.n]];
    if (skip && skip(nd, user)) continue;
    if (nd->leaf) {
      rc = leaf(nd, user) ? 1 : 0;
      continue;
    }
    if (stack_reserve(&s, nd->count)) {
      rc = -1;
      break;
    }
    for (uint32_t k = 0; k < nd->count; k++) s.a[s.n++] = nd->first + k;
  }
  if (s.a != s.local) free(s.a);
  return rc;
}

/* ---- best-first walk ----------------------------------------------------------- */

typedef struct heap_entry {
  double key;
  uint32_t node;
} heap_entry;

typedef struct heap {
  heap_entry *a;
  size_t n, cap;
  heap_entry local[128];
} heap;

static int heap_push(heap *h, double key, uint32_t nd) {
  if (h->n == h->cap) {
    size_t cap = h->cap * 2;
    heap_entry *a = malloc(cap * sizeof *a);
    if (!a) return -1;
    memcpy(a, h->a, h->n * sizeof *a);
    if (h->a != h->local) free(h->a);
    h->a = a;
    h->cap = cap;
  }
  size_t i = h->n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (h->a[p].key <= key) break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i].key = key;
  h->a[i].node = nd;
  return 0;
}

static heap_entry heap_pop(heap *h) {
  heap_entry top = h->a[0], last = h->a[--h->n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->a[c + 1].key < h->a[c].key) c++;
    if (h->a[c].key >= last.key) break;
    h->a[i] = h->a[c];
    i = c;
  }
  if (h->n) h->a[i] = last;
  return top;
}

/* Push the children of nd whose bound is within limit. */
static int expand(const fl__rtree *t, const fl__rtree_order *o, const fl__rtree_node *nd,
                  double limit, heap *h, void *user) {
  for (uint32_t k = 0; k < nd->count; k++) {
    uint32_t c = nd->first + k;
    double lb = o->bound(&t->nodes[c], limit, user);
    if (lb <= limit && heap_push(h, lb, c)) return -1;
  }
  return 0;
}

int fl__rtree_best_first(const fl__rtree *t, const fl__rtree_order *o, void *user) {
  if (!t->n_nodes) return 0;
  heap h;
  h.a = h.local;
  h.n = 0;
  h.cap = sizeof h.local / sizeof h.local[0];
  int rc = heap_push(&h, 0.0, (uint32_t)t->root); /* fits the local array: never fails */
  while (h.n && !rc) {
    heap_entry e = heap_pop(&h);
    double limit = o->limit(user);
    if (e.key > limit) break;
    const fl__rtree_node *nd = &t->nodes[e.node];
    if (nd->leaf)
      rc = o->leaf(nd, user) ? 1 : 0;
    else
      rc = expand(t, o, nd, limit, &h, user);
  }
  if (h.a != h.local) free(h.a);
  return rc;
}
