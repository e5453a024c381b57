/*
 * rtree.c - the packed R-tree (fl_rtree.h): one sort-tile-recursive packer,
 * one depth-first and one best-first walker, both on growable stacks.
 *
 * The packer sorts small keys (a box centre and the item's position), not
 * the items themselves, then moves each item once along the cycles of the
 * permutation: an item may be large (a distance index segment is 72 bytes)
 * and the keys sort faster. Each level above the leaves is packed the same
 * way from the boxes of the level below.
 */
#include "fl_rtree.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- packing ---------------------------------------------------------------- */

typedef struct key {
  double cx, cy; /* twice the box centre */
  uint32_t i;    /* position before sorting */
} key;

/* The keys are sorted through pointers: glibc's qsort moves 8-byte
 * elements fastest (a 24-byte key cost twice the instructions). */
static int cmp_key_x(const void *a, const void *b) {
  const key *p = *(const key *const *)a, *q = *(const key *const *)b;
  if (p->cx != q->cx) return p->cx < q->cx ? -1 : 1;
  return (p->i > q->i) - (p->i < q->i);
}

static int cmp_key_y(const void *a, const void *b) {
  const key *p = *(const key *const *)a, *q = *(const key *const *)b;
  if (p->cy != q->cy) return p->cy < q->cy ? -1 : 1;
  return (p->i > q->i) - (p->i < q->i);
}

/* Sort-tile-recursive order of keys: slabs by x, then y within each slab,
 * per_group keys to a node. */
static void str_sort(const key **k, size_t n, size_t per_group) {
  if (n <= per_group) return;
  qsort(k, n, sizeof *k, cmp_key_x);
  size_t groups = (n + per_group - 1) / per_group;
  size_t slabs = (size_t)ceil(sqrt((double)groups));
  size_t per_slab = slabs * per_group;
  for (size_t i = 0; i < n; i += per_slab)
    qsort(k + i, n - i < per_slab ? n - i : per_slab, sizeof *k, cmp_key_y);
}

/* Move items so that position j holds the item that was at k[j]->i, one
 * cycle of the permutation at a time (tmp holds one item). done: n flags. */
static void permute(char *items, size_t size, const key *const *k, size_t n, unsigned char *done,
                    char *tmp) {
  memset(done, 0, n);
  for (size_t s = 0; s < n; s++) {
    if (done[s] || k[s]->i == s) continue;
    memcpy(tmp, items + s * size, size);
    size_t j = s;
    for (;;) {
      size_t from = k[j]->i;
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
  key *k = malloc(n * sizeof *k);
  const key **pk = malloc(n * sizeof *pk);
  unsigned char *done = malloc(n);
  char *tmp = malloc(size);
  int rc = -1;
  if (k && pk && done && tmp) {
    for (size_t i = 0; i < n; i++) {
      double b[4];
      box(items, i, b);
      k[i] = (key){b[0] + b[2], b[1] + b[3], (uint32_t)i};
      pk[i] = &k[i];
    }
    str_sort(pk, n, per_group);
    permute(items, size, pk, n, done, tmp);
    rc = 0;
  }
  free(k);
  free(pk);
  free(done);
  free(tmp);
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
