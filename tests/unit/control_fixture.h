/*
 * control_fixture.h - the fixture shared by check_control_data.c and
 * check_control_fronts.c: one context (two threads), layers built from WKT,
 * field readers and the warning search. Included once per test program.
 */
#ifndef FL_CONTROL_FIXTURE_H
#define FL_CONTROL_FIXTURE_H

#include "fl_test.h"

static fl_ctx *ctx;
static GEOSContextHandle_t h;

static void setup(void) {
  ctx = fl_ctx_create();
  h = fl_ctx_geos(ctx);
  fl_ctx_set_threads(ctx, 2);
}

static void teardown(void) { fl_ctx_destroy(ctx); }

static fl_feature *add(fl_layer *l, const char *wkt) {
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, fl_test_wkt(ctx, wkt));
  ck_assert_ptr_nonnull(f);
  return f;
}

static fl_feature *add_text(fl_layer *l, const char *wkt, const char *field, const char *value) {
  fl_feature *f = add(l, wkt);
  fl_feature_set_text(l, f, fl_layer_field_index(l, field), value);
  return f;
}

static double real(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  ck_assert_msg(!f->values[i].is_null, "field %s is NULL", field);
  return l->fields[i].type == FL_FIELD_REAL ? f->values[i].d : (double)f->values[i].i;
}

static const char *txt(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  return f->values[i].is_null ? NULL : fl_value_text(l, f, i);
}

static int has_warning(const char *needle) {
  for (size_t i = 0; i < fl_ctx_warning_count(ctx); i++)
    if (strstr(fl_ctx_warning(ctx, i), needle)) return 1;
  return 0;
}

#define BOX(x0, x1) "POLYGON((" #x0 " 48.0, " #x1 " 48.0, " #x1 " 48.5, " #x0 " 48.5, " #x0 " 48.0))"

#endif
