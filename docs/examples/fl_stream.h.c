/* A custom sink: count the rows settlement-status would write, per status,
 * instead of writing a file. Build: cc count.c -lfrontline -lgeos_c -lproj
 * Run: ./count buildings.gpkg:buildings control.geojson */
#include <stdio.h>
#include <string.h>
#include "frontline/frontline.h"

typedef struct counter { size_t rows, held; } counter;

static fl_status begin(fl_ctx *ctx, void *self, const fl_layer *schema) {
  (void)ctx, (void)schema;
  memset(self, 0, sizeof(counter));
  return FL_OK;
}
static fl_status write_rows(fl_ctx *ctx, void *self, const fl_chunk *c) {
  counter *n = self; /* on the calling thread, chunks in input order */
  int status = fl_layer_field_index(c->rows, "status");
  for (size_t i = 0; i < c->rows->n_features; i++, n->rows++)
    if (!strcmp(fl_value_text(c->rows, &c->rows->features[i], status), "held")) n->held++;
  (void)ctx;
  return FL_OK;
}
static fl_status commit(fl_ctx *ctx, void *self) {
  counter *n = self;
  (void)ctx;
  printf("%zu rows, %zu held\n", n->rows, n->held);
  return FL_OK;
}
static void abandon(fl_ctx *ctx, void *self) { (void)ctx, (void)self; }
static const fl_sink_ops counter_ops = {begin, write_rows, commit, abandon};

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  fl_ctx *ctx = fl_ctx_create();
  fl_options o;
  fl_options_init(&o);
  o.skip_front_distance = 1; /* containment only */
  fl_source src;
  fl_layer *control = NULL;
  counter n;
  fl_sink sink = {&counter_ops, &n};
  int whole = 0;
  fl_status st = fl_source_open(ctx, argv[1], FL_SOURCE_POINTS_XY, &src);
  if (!st) {
    st = fl_layer_read(ctx, argv[2], &control);
    if (!st) st = fl_settlement_status_stream(ctx, &src, control, NULL, &o, &sink, NULL, &whole);
    src.ops->close(ctx, src.self);
  }
  if (whole) fprintf(stderr, "not a stream: use fl_settlement_status()\n");
  if (st) fprintf(stderr, "%s\n", fl_ctx_errmsg(ctx));
  fl_layer_destroy(ctx, control);
  fl_ctx_destroy(ctx);
  return st || whole;
}
