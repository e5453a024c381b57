/*
 * interrupt.c - cancellation that reaches inside GEOS calls.
 *
 * GEOS 3.11 has one process-wide interrupt callback and one process-wide
 * "interrupt requested" flag (GEOS_interruptRegisterCallback,
 * GEOS_interruptRequest; per-context ones came in 3.14). Frontline registers
 * one callback, once, chained to any callback registered before it. Around a
 * long GEOS call a thread names its fl_ctx as the thread's current one
 * (fl__interrupt_enter); the callback, which GEOS calls on the thread doing
 * the work, requests the interrupt only when that ctx should stop: its cancel
 * flag is set, its deadline has passed (the SQL face bounds a call's time)
 * or the host's poll says stop (the SQL face's sqlite3_interrupt()).
 *
 * The request is a global flag, so another thread's GEOS call may see it
 * first and fail with "InterruptedException" although its own ctx was not
 * cancelled. FL__GEOS_CALL therefore runs a call whose failure was such a
 * spurious interrupt once more; the cancelled thread keeps asking until its
 * own call stops. (tests/unit/check_interrupt.c runs two threads, one
 * cancelled, one not.)
 * Not here: cancel between features (fl__progress in ctx.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "fl_internal.h"

static _Thread_local fl_ctx *current;
static GEOSInterruptCallback *previous;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define POLL_EVERY_S 0.01

int fl__should_stop(fl_ctx *ctx) {
  if (!ctx) return 0;
  if (ctx->cancel && *ctx->cancel) return 1;
  if (ctx->polled_stop) return 1;
  if (!ctx->poll && ctx->deadline_s <= 0) return 0;
  double t = now_s();
  if (ctx->poll && t - ctx->last_poll_s >= POLL_EVERY_S) {
    ctx->last_poll_s = t;
    if (ctx->poll(ctx->poll_user)) return ctx->polled_stop = 1;
  }
  return ctx->deadline_s > 0 && t > ctx->deadline_s;
}

fl_status fl__stop_check(fl_ctx *ctx, const char *what) {
  if (!fl__should_stop(ctx)) return FL_OK;
  snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "InterruptedException: Interrupted!");
  return fl__fail_geos(ctx, what); /* its words for each reason to stop */
}

static void on_interrupt(void) {
  if (fl__should_stop(current)) GEOS_interruptRequest();
  if (previous) previous();
}

static int installed;

static void install(void) {
  previous = GEOS_interruptRegisterCallback(on_interrupt);
  installed = 1;
}

/* The library holding on_interrupt may be unloaded while GEOS stays (SQLite
 * dlcloses mod_frontline at sqlite3_close; mod_spatialite keeps GEOS):
 * GEOS must not call into unmapped code. Put the previous callback back,
 * unless someone registered on top of ours (then theirs stays). */
__attribute__((destructor)) static void uninstall(void) {
  if (!installed) return;
  GEOSInterruptCallback *top = GEOS_interruptRegisterCallback(previous);
  if (top != on_interrupt) GEOS_interruptRegisterCallback(top);
  installed = 0;
}

fl_ctx *fl__interrupt_enter(fl_ctx *ctx) {
  pthread_once(&once, install);
  fl_ctx *old = current;
  current = ctx;
  return old;
}

void fl__interrupt_leave(fl_ctx *old) { current = old; }

void fl__interrupt_forget(fl_ctx *ctx) {
  if (current == ctx) current = NULL;
}

int fl__interrupt_spurious(fl_ctx *ctx) {
  return strstr(ctx->geos_msg, "Interrupted") != NULL && !fl__should_stop(ctx);
}

void fl__set_deadline(fl_ctx *ctx, double seconds) {
  ctx->deadline_s = seconds > 0 ? now_s() + seconds : 0;
  ctx->deadline_len_s = seconds;
}

void fl_ctx_set_time_limit(fl_ctx *ctx, double seconds) {
  if (ctx) fl__set_deadline(ctx, seconds);
}

void fl_ctx_set_interrupt_poll(fl_ctx *ctx, fl_poll_fn poll, void *user) {
  if (!ctx) return;
  ctx->poll = poll;
  ctx->poll_user = user;
  ctx->last_poll_s = now_s(); /* the first poll after POLL_EVERY_S: short calls never poll */
  ctx->polled_stop = 0;
  if (poll) fl__interrupt_enter(ctx); /* as fl_ctx_set_progress: GEOS calls may ask */
}
