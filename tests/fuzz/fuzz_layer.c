/*
 * fuzz_layer.c - libFuzzer target for the CLI's layer readers: the bytes of
 * a whole input file (GeoJSON, GeoPackage or SpatiaLite database, chosen at
 * build time by FUZZ_EXT) are written to a scratch file and read with
 * fl_layer_read(), as `frontline run` reads --front, --control, ...
 *
 * The contract checked on every input:
 *   (L1) a failure leaves *out NULL and a message that is one sentence:
 *        non-empty, valid UTF-8, no control characters (a newline, a raw
 *        byte of the input or a NUL would garble the host's one-line error);
 *   (L2) a layer read is then prepared as every analysis prepares its
 *        inputs (fl__prep_layer, any geometry class); a failure obeys (L1);
 *   (L3) a prepared layer holds only finite lon/lat coordinates
 *        (-180..180, -90..90): nothing else may reach a measurement.
 * A violation prints what broke and aborts, so libFuzzer saves the input.
 * replay.c runs the same function over files without libFuzzer (ctest:
 * fuzz_<format>_replay over tests/fuzz/layers/<format>/).
 * Not here: the geometry blobs themselves (fuzz_blob.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fl_crs.h"
#include "fl_prep.h"

#ifndef FUZZ_EXT
#define FUZZ_EXT "geojson"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_blob_cleanup(void);
void fuzz_blob_set_name(const char *name);
void fuzz_blob_set_full(int on);

static fl_ctx *ctx;
static char path[256];
static const char *input_name = "input";

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "fuzz_layer(" FUZZ_EXT "): %s: check failed at line %d: ", \
              input_name, __LINE__);                                           \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      abort();                                                                 \
    }                                                                          \
  } while (0)

void fuzz_blob_set_name(const char *name) { input_name = name; }
void fuzz_blob_set_full(int on) { (void)on; }

void fuzz_blob_cleanup(void) {
  if (path[0]) unlink(path);
  fl_ctx_destroy(ctx);
  ctx = NULL;
}

/* Length of the UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  size_t n = s[0] >= 0xF0 && s[0] < 0xF5 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (s[0] >= 0xF8) return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}

/* (L1) */
static void check_message(const char *stage) {
  const unsigned char *m = (const unsigned char *)fl_ctx_errmsg(ctx);
  CHECK(m && m[0], "%s failed with no message", stage);
  for (size_t i = 0; m[i];) {
    CHECK(m[i] >= 0x20 && m[i] != 0x7f, "%s: control byte 0x%02x at %zu in message '%s'", stage,
          m[i], i, (const char *)m);
    size_t n = utf8_len(m + i);
    CHECK(n > 0, "%s: invalid UTF-8 at byte %zu of message '%s'", stage, i, (const char *)m);
    i += n;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) {
    ctx = fl_ctx_create();
    if (!ctx) abort();
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/fl_fuzz_%ld." FUZZ_EXT, tmp && tmp[0] ? tmp : "/tmp",
             (long)getpid());
  }
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  fclose(f);

  fl_layer *l = (fl_layer *)(uintptr_t)1;
  fl_ctx_clear_error(ctx);
  fl_status st = fl_layer_read(ctx, path, &l);
  if (st) {
    CHECK(l == NULL, "a failed read left a layer");
    check_message("read");
    return 0;
  }
  CHECK(l != NULL, "a read that succeeded gave no layer");
  fl__prepped p;
  st = fl__prep_layer(ctx, l, "front", FL__WANT_POINT | FL__WANT_LINE | FL__WANT_POLYGON, &p);
  if (st) {
    check_message("prepare");
  } else {
    GEOSContextHandle_t h = fl_ctx_geos(ctx);
    for (size_t i = 0; i < p.n; i++) {
      double x, y;
      CHECK(!p.lonlat[i] || !fl__lonlat_bad(h, p.lonlat[i], &x, &y),
            "(L3) feature %zu holds (%.9g, %.9g) after preparation", i, x, y);
    }
    fl__prep_free(ctx, &p);
  }
  fl_layer_destroy(ctx, l);
  return 0;
}
