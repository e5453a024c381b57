/*
 * check_split_range.c - the split share (rule S2) is core's alone: every
 * tool that takes split_share advertises core's range and default through
 * the plugin ABI (the QGIS provider and the CLI read these), core accepts
 * exactly that range (its ends included, the next double outside refused),
 * and fl_options_init() gives the same default. FL_ControlStatus checks its
 * argument with the same core call (tests/sql/test_settlement_status.sh).
 * Usage: check_split_range PLUGIN.so (or $FL_PLUGIN_PATH).
 */
#include <check.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontline/frontline.h"
#include "frontline/plugin.h"

static const char *plugin_path;

START_TEST(advertised_range_is_cores) {
  void *lib = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
  ck_assert_msg(lib != NULL, "dlopen(%s): %s", plugin_path, dlerror());
  void *sym = dlsym(lib, FL_PLUGIN_ENTRY);
  ck_assert_ptr_nonnull(sym);
  fl_plugin_query_fn query;
  memcpy(&query, &sym, sizeof query);
  const fl_plugin_api *api = query(FL_PLUGIN_ABI_MAJOR);
  ck_assert_ptr_nonnull(api);
  int seen = 0;
  for (int32_t k = 0; k < api->tool_count(); k++) {
    const fl_tool_desc *t = api->tool_at(k);
    for (int32_t i = 0; i < t->n_params; i++) {
      const fl_param_desc *p =
          (const fl_param_desc *)((const char *)t->params + (size_t)i * api->param_desc_size);
      if (strcmp(p->name, "split_share") != 0) continue;
      seen++;
      ck_assert_msg(p->min_value == FL_SPLIT_SHARE_MIN && p->max_value == FL_SPLIT_SHARE_MAX,
                    "%s: split_share advertised [%g, %g], core accepts [%g, %g]", t->id,
                    p->min_value, p->max_value, FL_SPLIT_SHARE_MIN, FL_SPLIT_SHARE_MAX);
      ck_assert_msg(p->default_text && strtod(p->default_text, NULL) == FL_DEFAULT_SPLIT_SHARE,
                    "%s: split_share default '%s', core's %g", t->id, p->default_text,
                    FL_DEFAULT_SPLIT_SHARE);
    }
  }
  ck_assert_msg(seen >= 2, "split_share found on %d tools (settlement-status, analyze)", seen);
  dlclose(lib);
}
END_TEST

START_TEST(core_accepts_exactly_the_range) {
  fl_ctx *ctx = fl_ctx_create();
  ck_assert_int_eq(fl_holding_check_split(ctx, FL_SPLIT_SHARE_MIN), FL_OK);
  ck_assert_int_eq(fl_holding_check_split(ctx, FL_SPLIT_SHARE_MAX), FL_OK);
  ck_assert_int_eq(fl_holding_check_split(ctx, FL_DEFAULT_SPLIT_SHARE), FL_OK);
  ck_assert_int_eq(fl_holding_check_split(ctx, nextafter(FL_SPLIT_SHARE_MIN, 0)), FL_E_ARG);
  ck_assert_int_eq(fl_holding_check_split(ctx, nextafter(FL_SPLIT_SHARE_MAX, 2)), FL_E_ARG);
  ck_assert_int_eq(fl_holding_check_split(ctx, NAN), FL_E_ARG);
  fl_options o;
  fl_options_init(&o);
  ck_assert(o.split_share == FL_DEFAULT_SPLIT_SHARE);
  fl_ctx_destroy(ctx);
}
END_TEST

int main(int argc, char **argv) {
  plugin_path = argc > 1 ? argv[1] : getenv("FL_PLUGIN_PATH");
  if (!plugin_path) {
    fprintf(stderr, "usage: %s PLUGIN.so (or set FL_PLUGIN_PATH)\n", argv[0]);
    return 2;
  }
  Suite *s = suite_create("split_range");
  TCase *tc = tcase_create("range");
  tcase_add_test(tc, advertised_range_is_cores);
  tcase_add_test(tc, core_accepts_exactly_the_range);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
