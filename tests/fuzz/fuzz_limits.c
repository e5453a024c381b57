/*
 * fuzz_limits.c - fuzz target for the text of the named work limits
 * (fl_ctx_set_limits(), core/limits.c K2-K3), the reader behind the CLI's
 * --limit and the plugin hosts' FL_LIMITS.
 *
 * Checks, for any input (cut at its first NUL):
 *   - FL_OK or FL_E_ARG, nothing else, and never a crash;
 *   - on FL_E_ARG: one non-empty sentence, and every limit as it was;
 *   - on FL_OK: every limit finite, > 0 and at most 1e15, and the limits
 *     the text does not name as they were.
 * Replayed by ctest over tests/fuzz/limits (replay.c); run.sh fuzz_limits.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frontline/frontline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_blob_cleanup(void);
void fuzz_blob_set_name(const char *name);
void fuzz_blob_set_full(int on);

static fl_ctx *ctx;
static const char *input_name = "(input)";

void fuzz_blob_set_name(const char *name) { input_name = name; }
void fuzz_blob_set_full(int on) { (void)on; }
void fuzz_blob_cleanup(void) {
  fl_ctx_destroy(ctx);
  ctx = NULL;
}

#define CHECK(cond, ...)                                      \
  do {                                                        \
    if (!(cond)) {                                            \
      fprintf(stderr, "fuzz_limits: %s: ", input_name);       \
      fprintf(stderr, __VA_ARGS__);                           \
      fprintf(stderr, "\n");                                  \
      abort();                                                \
    }                                                         \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) ctx = fl_ctx_create();
  CHECK(ctx != NULL, "cannot create a context");
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  double before[16], after[16];
  size_t n = 0;
  for (; fl_limit_name(n) && n < 16; n++) {
    fl_ctx_set_limit(ctx, fl_limit_name(n), fl_limit_default(n));
    fl_ctx_limit(ctx, fl_limit_name(n), &before[n]);
  }
  fl_ctx_clear_error(ctx);
  fl_status st = fl_ctx_set_limits(ctx, text);
  CHECK(st == FL_OK || st == FL_E_ARG, "status %s", fl_status_name(st));
  for (size_t i = 0; i < n; i++) fl_ctx_limit(ctx, fl_limit_name(i), &after[i]);
  for (size_t i = 0; i < n; i++) {
    if (st) {
      CHECK(after[i] == before[i], "refused text changed %s", fl_limit_name(i));
    } else {
      CHECK(isfinite(after[i]) && after[i] > 0 && after[i] <= 1e15, "%s set to %g",
            fl_limit_name(i), after[i]);
      CHECK(after[i] == before[i] || strstr(text, fl_limit_name(i)),
            "%s changed though the text does not name it", fl_limit_name(i));
    }
  }
  if (st) {
    const char *m = fl_ctx_errmsg(ctx);
    CHECK(m[0] && !strchr(m, '\n'), "refusal without one sentence: '%s'", m);
  }
  free(text);
  return 0;
}
