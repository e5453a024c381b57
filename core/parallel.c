/*
 * parallel.c - run a per-feature loop on every core.
 *
 * GEOS and PROJ contexts are single-threaded, so each worker thread gets its
 * own fl_ctx (and scratch, e.g. its own prepared geometries). Items are
 * handed out in chunks from an atomic counter. Only the calling thread talks
 * to the host: it reports progress and polls the cancel flag; a failure or a
 * cancel in any thread stops the others at their next chunk.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "fl_prep.h"

#define CHUNK 16 /* most items per hand-out; fewer when there are few items */
#define HAND_OUTS 64 /* hand-outs per thread at least, up to CHUNK items each */

typedef struct pool {
  size_t n;
  size_t chunk; /* items per hand-out */
  fl__item_fn fn;
  void *shared;
  fl__scratch_new_fn scratch_new;
  fl__scratch_free_fn scratch_free;
  atomic_size_t next;
  atomic_size_t done;
  atomic_int stop;
  pthread_mutex_t lock;
  fl_status status;             /* first failure */
  char errmsg[FL_ERRMSG_LEN];
} pool;

static void record_failure(pool *p, fl_ctx *wctx, fl_status st) {
  pthread_mutex_lock(&p->lock);
  if (p->status == FL_OK) {
    p->status = st;
    memcpy(p->errmsg, wctx->errmsg, sizeof p->errmsg);
  }
  pthread_mutex_unlock(&p->lock);
  atomic_store(&p->stop, 1);
}

/* Work chunks until none is left. main_ctx: the caller's context (progress). */
static void work(pool *p, fl_ctx *wctx, void *scratch, fl_ctx *main_ctx, double prog0,
                 double prog1) {
  for (;;) {
    if (atomic_load(&p->stop)) return;
    size_t chunk = p->chunk;
    size_t begin = atomic_fetch_add(&p->next, chunk);
    if (begin >= p->n) return;
    size_t end = begin + chunk < p->n ? begin + chunk : p->n;
    for (size_t i = begin; i < end; i++) {
      fl_status st = p->fn(wctx, i, p->shared, scratch);
      if (st) {
        record_failure(p, wctx, st);
        return;
      }
    }
    size_t done = atomic_fetch_add(&p->done, end - begin) + (end - begin);
    if (main_ctx) {
      fl_status st = fl__progress(main_ctx, prog0 + (prog1 - prog0) * (double)done / (double)p->n);
      if (st) {
        record_failure(p, main_ctx, st);
        return;
      }
    } else if (wctx->cancel && *wctx->cancel) {
      atomic_store(&p->stop, 1);
      return;
    }
  }
}

typedef struct worker {
  pool *p;
  fl_ctx *ctx;
  pthread_t thread;
  int started;
} worker;

static void *worker_main(void *arg) {
  worker *w = arg;
  fl__cxx_warm_up(w->ctx); /* this thread's C++ exception state, while memory is there */
  fl_ctx *old = fl__interrupt_enter(w->ctx); /* its GEOS calls stop on cancel */
  void *scratch = w->p->scratch_new ? w->p->scratch_new(w->ctx, w->p->shared) : NULL;
  if (w->p->scratch_new && !scratch) {
    fl__fail(w->ctx, FL_E_NOMEM, "out of memory starting a worker thread");
    record_failure(w->p, w->ctx, FL_E_NOMEM);
    return NULL;
  }
  work(w->p, w->ctx, scratch, NULL, 0, 0);
  if (w->p->scratch_free) w->p->scratch_free(w->ctx, scratch);
  fl__interrupt_leave(old);
  return NULL;
}

fl_status fl__parallel_for(fl_ctx *ctx, size_t n, fl__item_fn fn, void *shared,
                           fl__scratch_new_fn scratch_new, fl__scratch_free_fn scratch_free,
                           double prog0, double prog1) {
  if (n == 0) return fl__progress(ctx, prog1);
  pool p;
  memset(&p, 0, sizeof p);
  p.n = n;
  p.fn = fn;
  p.shared = shared;
  p.scratch_new = scratch_new;
  p.scratch_free = scratch_free;
  atomic_init(&p.next, 0);
  atomic_init(&p.done, 0);
  atomic_init(&p.stop, 0);
  pthread_mutex_init(&p.lock, NULL);

  int n_threads = fl__threads_for(ctx, n);
  /* few, costly items (observers of a viewshed) one at a time, so that no
   * thread is left with a last chunk of them while the others wait */
  p.chunk = n / ((size_t)HAND_OUTS * (size_t)n_threads);
  p.chunk = p.chunk < 1 ? 1 : p.chunk > CHUNK ? CHUNK : p.chunk;
  worker *workers = n_threads > 1 ? calloc((size_t)n_threads - 1, sizeof *workers) : NULL;
  int n_workers = workers ? n_threads - 1 : 0;
  for (int i = 0; i < n_workers; i++) {
    workers[i].p = &p;
    workers[i].ctx = fl_ctx_create();
    if (!workers[i].ctx) continue;
    fl__ctx_inherit(workers[i].ctx, ctx);
    if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) == 0)
      workers[i].started = 1;
  }
  void *scratch = scratch_new ? scratch_new(ctx, shared) : NULL;
  if (scratch_new && !scratch) {
    fl__fail(ctx, FL_E_NOMEM, "out of memory");
    record_failure(&p, ctx, FL_E_NOMEM);
  } else {
    work(&p, ctx, scratch, ctx, prog0, prog1);
  }
  if (scratch_free && scratch) scratch_free(ctx, scratch);
  for (int i = 0; i < n_workers; i++) {
    if (workers[i].started) pthread_join(workers[i].thread, NULL);
    if (workers[i].ctx) {
      for (size_t k = 0; k < workers[i].ctx->n_warnings; k++)
        fl__warn(ctx, "%s", workers[i].ctx->warnings[k]);
      fl_ctx_destroy(workers[i].ctx);
    }
  }
  free(workers);
  pthread_mutex_destroy(&p.lock);
  if (p.status) {
    return fl__fail(ctx, p.status, "%s", p.errmsg);
  }
  return fl__progress(ctx, prog1);
}
