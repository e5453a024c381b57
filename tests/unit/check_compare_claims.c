/*
 * check_compare_claims.c - fl_disagreement(), fl_settlement_agreement() and
 * fl_claims_check() on hand-made control layers whose answers follow by
 * hand. Areas from pyproj (Geod WGS84 polygon_area_perimeter of the box
 * corners, lat 48.0-48.5):
 *   box 37.40-37.50 E   412.889060 km²
 *   box 37.45-37.50 E   206.444556 km²
 * Tolerance 1e-3 km² (max(0.001 km², 0.1 %) of issue 12).
 */
#include "fl_test.h"
#include "frontline/fl_compare.h"

static fl_ctx *ctx;

static void setup(void) { ctx = fl_ctx_create(); }
static void teardown(void) { fl_ctx_destroy(ctx); }

#define BOX(x0, x1) "POLYGON((" #x0 " 48.0, " #x1 " 48.0, " #x1 " 48.5, " #x0 " 48.5, " #x0 " 48.0))"
#define D1 "2024-07-01"
#define D2 "2024-08-01"
#define D3 "2024-09-01"

static void add(fl_layer *l, const char *wkt, const char *side, const char *source,
                const char *date) {
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1,
                                  wkt ? fl_test_wkt(ctx, wkt) : NULL);
  ck_assert_ptr_nonnull(f);
  if (side) fl_feature_set_text(l, f, fl_layer_field_index(l, "side"), side);
  if (source) fl_feature_set_text(l, f, fl_layer_field_index(l, "source"), source);
  if (date) fl_feature_set_text(l, f, fl_layer_field_index(l, "date"), date);
}

static fl_layer *layer(const char *name, const char *type) {
  fl_layer *l = fl_layer_new(name, 4326, type);
  fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  fl_layer_add_field(l, "source", FL_FIELD_TEXT);
  fl_layer_add_field(l, "date", FL_FIELD_TEXT);
  return l;
}

static const char *txt(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  return f->values[i].is_null ? "(null)" : fl_value_text(l, f, i);
}

static double real(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_int_ge(i, 0);
  ck_assert(!f->values[i].is_null);
  return l->fields[i].type == FL_FIELD_REAL ? f->values[i].d : (double)f->values[i].i;
}

/* s1: ua 37.0-37.5, ru 37.5-38.0 on D1; s2: ua 37.0-37.4, ru 37.4-38.0 two
 * days later. */
static fl_layer *two_sources(void) {
  fl_layer *l = layer("control", "POLYGON");
  add(l, BOX(37.0, 37.5), "ua", "s1", D1);
  add(l, BOX(37.5, 38.0), "ru", "s1", D1);
  add(l, BOX(37.0, 37.4), "ua", "s2", "2024-07-03");
  add(l, BOX(37.4, 38.0), "ru", "s2", "2024-07-03");
  return l;
}

/* (P1) 2 days apart: no pair at tolerance 0; at 2 days, one row: the strip
 * 37.4-37.5 that s1 gives ua and s2 ru. */
START_TEST(test_disagreement_date_tolerance) {
  fl_layer *l = two_sources();
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_disagreement(ctx, l, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 0);
  ck_assert_msg(fl_ctx_warning_count(ctx) == 1 &&
                    strstr(fl_ctx_warning(ctx, 0), "nothing was compared"),
                "no pair: one warning that says so");
  fl_layer_destroy(ctx, out);
  o.date_tolerance_days = 2;
  ck_assert_int_eq(fl_disagreement(ctx, l, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 1);
  const fl_feature *f = &out->features[0];
  ck_assert_str_eq(txt(out, f, "source_a"), "s1");
  ck_assert_str_eq(txt(out, f, "side_a"), "ua");
  ck_assert_str_eq(txt(out, f, "date_a"), D1);
  ck_assert_str_eq(txt(out, f, "source_b"), "s2");
  ck_assert_str_eq(txt(out, f, "side_b"), "ru");
  ck_assert_str_eq(txt(out, f, "date_b"), "2024-07-03");
  FL_ASSERT_NEAR(real(out, f, "days_apart"), 2, 0, "days");
  FL_ASSERT_NEAR(real(out, f, "area_km2"), 412.889060, 1e-3, "km2");
  fl_layer_destroy(ctx, out);
  o.date_tolerance_days = -1;
  ck_assert_int_eq(fl_disagreement(ctx, l, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "date_tolerance_days");
  fl_layer_destroy(ctx, l);
}
END_TEST

/* (R2) (D3) one-sided sources, each with its own area of interest: s2's
 * area ends at 37.45 E, so it says nothing on 37.40-37.45 and only the strip
 * 37.45-37.50 is disagreement. */
START_TEST(test_disagreement_own_aoi) {
  fl_layer *l = layer("control", "POLYGON");
  add(l, BOX(37.5, 38.0), "ru", "s1", D1);
  add(l, BOX(37.4, 38.0), "ru", "s2", D1);
  fl_layer *aoi = layer("aoi", "POLYGON");
  add(aoi, BOX(37.0, 38.0), NULL, "s1", NULL);
  add(aoi, BOX(37.45, 38.0), NULL, "s2", NULL);
  fl_options o;
  fl_options_init(&o);
  o.other_side = "ua";
  o.aoi = aoi;
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_disagreement(ctx, l, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 1);
  const fl_feature *f = &out->features[0];
  ck_assert_str_eq(txt(out, f, "side_a"), "ua");
  ck_assert_str_eq(txt(out, f, "side_b"), "ru");
  FL_ASSERT_NEAR(real(out, f, "area_km2"), 206.444556, 1e-3, "km2");
  fl_layer_destroy(ctx, out);
  /* an area of interest with the source field but none for s2: an error */
  fl_layer *aoi1 = layer("aoi", "POLYGON");
  add(aoi1, BOX(37.0, 38.0), NULL, "s1", NULL);
  o.aoi = aoi1;
  ck_assert_int_eq(fl_disagreement(ctx, l, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "source 's2' has no area of interest");
  fl_layer_destroy(ctx, aoi1);
  fl_layer_destroy(ctx, aoi);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* (D2) a grey zone is a value: s2 maps 37.4-37.5 to contested. */
START_TEST(test_disagreement_grey_zone) {
  fl_layer *l = layer("control", "POLYGON");
  add(l, BOX(37.0, 37.5), "ua", "s1", D1);
  add(l, BOX(37.5, 38.0), "ru", "s1", D1);
  add(l, BOX(37.0, 37.4), "ua", "s2", D1);
  add(l, BOX(37.4, 37.5), "grey", "s2", D1);
  add(l, BOX(37.5, 38.0), "ru", "s2", D1);
  fl_options o;
  fl_options_init(&o);
  o.side_map = "ua=ua;ru=ru;grey=contested";
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_disagreement(ctx, l, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 1);
  ck_assert_str_eq(txt(out, &out->features[0], "side_a"), "ua");
  ck_assert_str_eq(txt(out, &out->features[0], "side_b"), "contested");
  FL_ASSERT_NEAR(real(out, &out->features[0], "area_km2"), 412.889060, 1e-3, "km2");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* s1 ua 37.0-37.5 / ru beyond; s2 ua 37.0-37.4 / ru beyond; s3 maps only ru
 * 37.6-38.0 (no other side: unknown elsewhere). D1 and D2 the same; on D3
 * s1 and s2 both give 37.4-38.0 to ru. A = 37.45 E, B = 37.2 E, E = 37.7 E. */
static fl_layer *three_sources(void) {
  fl_layer *l = layer("control", "POLYGON");
  const char *dates[2] = {D1, D2};
  for (int d = 0; d < 2; d++) {
    add(l, BOX(37.0, 37.5), "ua", "s1", dates[d]);
    add(l, BOX(37.5, 38.0), "ru", "s1", dates[d]);
    add(l, BOX(37.0, 37.4), "ua", "s2", dates[d]);
    add(l, BOX(37.4, 38.0), "ru", "s2", dates[d]);
    add(l, BOX(37.6, 38.0), "ru", "s3", dates[d]);
  }
  add(l, BOX(37.0, 37.4), "ua", "s1", D3);
  add(l, BOX(37.4, 38.0), "ru", "s1", D3);
  add(l, BOX(37.0, 37.4), "ua", "s2", D3);
  add(l, BOX(37.4, 38.0), "ru", "s2", D3);
  return l;
}

static fl_layer *places(void) {
  fl_layer *s = fl_layer_new("settlements", 4326, "POINT");
  int fn = fl_layer_add_field(s, "name", FL_FIELD_TEXT);
  const char *pts[4] = {"POINT(37.45 48.25)", "POINT(37.2 48.25)", "POINT(37.7 48.25)",
                        "POINT(37.3 48.25)"};
  const char *names[4] = {"A", "B", "E", "B"};
  for (int k = 0; k < 4; k++) {
    fl_feature *f = fl_layer_append(ctx, s, 10 + k, fl_test_wkt(ctx, pts[k]));
    fl_feature_set_text(s, f, fn, names[k]);
  }
  return s;
}

/* The row of settlement fid on date. */
static const fl_feature *row(const fl_layer *out, int64_t fid, const char *date) {
  for (size_t k = 0; k < out->n_features; k++) {
    const fl_feature *f = &out->features[k];
    if (real(out, f, "settlement_fid") == (double)fid && !strcmp(txt(out, f, "date"), date))
      return f;
  }
  ck_abort_msg("no row for settlement %lld on %s", (long long)fid, date);
  return NULL;
}

/* (A3) (A4) (A5) majority, ties, unknown, disputed_since. */
START_TEST(test_agreement_majority) {
  fl_layer *l = three_sources(), *s = places(), *out = NULL;
  fl_options o;
  fl_options_init(&o);
  ck_assert_int_eq(fl_settlement_agreement(ctx, s, l, &o, NULL, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 4 * 3); /* 4 places x 3 dates */
  const fl_feature *a1 = row(out, 10, D1), *a2 = row(out, 10, D2), *a3 = row(out, 10, D3);
  ck_assert_str_eq(txt(out, a1, "holder_s1"), "ua");
  ck_assert_str_eq(txt(out, a1, "holder_s2"), "ru");
  ck_assert_str_eq(txt(out, a1, "holder_s3"), "unknown");
  ck_assert_str_eq(txt(out, a1, "combined"), "disputed"); /* 1 ua, 1 ru: a tie */
  FL_ASSERT_NEAR(real(out, a1, "agree"), 0, 0, "agree");
  ck_assert_str_eq(txt(out, a1, "disputed_since"), D1);
  ck_assert_str_eq(txt(out, a2, "disputed_since"), D1);
  ck_assert_str_eq(txt(out, a3, "combined"), "ru");
  ck_assert_str_eq(txt(out, a3, "holder_s3"), "(null)"); /* no snapshot: no vote */
  ck_assert_str_eq(txt(out, a3, "disputed_since"), "(null)");
  const fl_feature *b = row(out, 11, D1);
  ck_assert_str_eq(txt(out, b, "combined"), "ua"); /* s3's unknown is no vote */
  FL_ASSERT_NEAR(real(out, b, "agree"), 1, 0, "agree");
  const fl_feature *e = row(out, 12, D1);
  ck_assert_str_eq(txt(out, e, "combined"), "ru");
  ck_assert_str_eq(txt(out, e, "name"), "E");
  fl_layer_destroy(ctx, out);
  /* a tie goes to the named source */
  ck_assert_int_eq(fl_settlement_agreement(ctx, s, l, &o, "majority:s2", &out), FL_OK);
  ck_assert_str_eq(txt(out, row(out, 10, D1), "combined"), "ru");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, s);
  fl_layer_destroy(ctx, l);
}
END_TEST

START_TEST(test_agreement_priority_and_bad_rules) {
  fl_layer *l = three_sources(), *s = places(), *out = NULL;
  fl_options o;
  fl_options_init(&o);
  /* s3 says unknown at A: the next listed source decides */
  ck_assert_int_eq(fl_settlement_agreement(ctx, s, l, &o, "priority:s3,s1", &out), FL_OK);
  ck_assert_str_eq(txt(out, row(out, 10, D1), "combined"), "ua");
  ck_assert_str_eq(txt(out, row(out, 12, D1), "combined"), "ru");
  fl_layer_destroy(ctx, out);
  out = NULL;
  ck_assert_int_eq(fl_settlement_agreement(ctx, s, l, &o, "vote", &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "'majority', 'majority:SOURCE' or 'priority:SOURCE,SOURCE,...'");
  ck_assert_ptr_null(out);
  ck_assert_int_eq(fl_settlement_agreement(ctx, s, l, &o, "priority:s1,s9", &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "source 's9', which the control layer does not hold; its sources are "
                         "'s1', 's2', 's3'");
  ck_assert_int_eq(fl_settlement_agreement(ctx, s, l, &o, "majority:s1,s2", &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "takes one source");
  fl_layer_destroy(ctx, s);
  fl_layer_destroy(ctx, l);
}
END_TEST

static fl_layer *claims_layer(void) {
  fl_layer *c = layer("claims", "POINT");
  fl_layer_add_field(c, "settlement", FL_FIELD_TEXT);
  fl_layer_add_field(c, "claimant", FL_FIELD_TEXT);
  return c;
}

static void claim(fl_layer *c, const char *wkt, const char *place, const char *side,
                  const char *date) {
  add(c, wkt, side, NULL, date);
  fl_feature *f = &c->features[c->n_features - 1];
  if (place) fl_feature_set_text(c, f, fl_layer_field_index(c, "settlement"), place);
  fl_feature_set_text(c, f, fl_layer_field_index(c, "claimant"), "x");
}

/* (K1)-(K4) against s1: A is ua on D1, D2 and ru on D3. */
START_TEST(test_claims_verdicts) {
  fl_layer *l = three_sources(), *s = places(), *c = claims_layer(), *out = NULL;
  claim(c, NULL, "a", "ru", "2024-07-15");               /* confirmed D3, 48 days */
  claim(c, "POINT(37.2 48.25)", "west", "ru", D1);        /* ua to the end: contradicted */
  claim(c, NULL, "E", "ua", "2024-10-01");                /* after the last date */
  claim(c, "POINT(37.45 48.25)", NULL, "ua", D2);         /* confirmed D2, lag 0 */
  fl_options o;
  fl_options_init(&o);
  fl_claims_fields cf = {NULL, NULL, NULL, NULL};
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 4);
  const fl_feature *f = &out->features[0];
  ck_assert_str_eq(txt(out, f, "status"), "confirmed");
  ck_assert_str_eq(txt(out, f, "confirmed_date"), D3);
  FL_ASSERT_NEAR(real(out, f, "lag_days"), 48, 0, "days");
  FL_ASSERT_NEAR(real(out, f, "settlement_fid"), 10, 0, "fid");
  ck_assert_str_eq(txt(out, f, "name"), "A");
  f = &out->features[1];
  ck_assert_str_eq(txt(out, f, "status"), "contradicted");
  ck_assert_str_eq(txt(out, f, "as_of_date"), D3);
  ck_assert_str_eq(txt(out, f, "reference_holder"), "ua");
  ck_assert_str_eq(txt(out, f, "settlement_fid"), "(null)");
  f = &out->features[2];
  ck_assert_str_eq(txt(out, f, "status"), "not_confirmed");
  ck_assert_str_eq(txt(out, f, "as_of_date"), D3);
  f = &out->features[3];
  ck_assert_str_eq(txt(out, f, "status"), "confirmed");
  FL_ASSERT_NEAR(real(out, f, "lag_days"), 0, 0, "days");
  fl_layer_destroy(ctx, out);
  /* with a tolerance of 92 days the last date counts for the late claim */
  o.date_tolerance_days = 92;
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_OK);
  ck_assert_str_eq(txt(out, &out->features[2], "status"), "contradicted");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, c);
  fl_layer_destroy(ctx, s);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* (K1) rows are features: a name two settlements share is refused, with
 * their ids; an unknown name and an unknown reference too. */
START_TEST(test_claims_bad_input) {
  fl_layer *l = three_sources(), *s = places(), *c = claims_layer(), *out = NULL;
  claim(c, NULL, "B", "ru", D1);
  fl_options o;
  fl_options_init(&o);
  fl_claims_fields cf = {NULL, NULL, NULL, NULL};
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "more than one settlement of layer 'settlements' is named 'B' "
                         "(feature ids 11, 13)");
  fl_feature_set_text(c, &c->features[0], fl_layer_field_index(c, "settlement"), "Nowhere");
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "no settlement of layer 'settlements' is named 'Nowhere'");
  fl_feature_set_text(c, &c->features[0], fl_layer_field_index(c, "settlement"), "A");
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s7", &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "reference 's7' must name a source of control layer 'control'");
  fl_feature_set_text(c, &c->features[0], fl_layer_field_index(c, "side"), "Russia");
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_E_FIELD); /* (K5) */
  FL_ASSERT_MSG_HAS(ctx, "field 'side' is 'Russia', which is no side of reference 's1' "
                         "(its sides: ru, ua, contested)");
  fl_feature_set_text(c, &c->features[0], fl_layer_field_index(c, "side"), "RU");
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_OK); /* case ignored */
  ck_assert_str_eq(txt(out, &out->features[0], "status"), "confirmed");
  fl_layer_destroy(ctx, out);
  out = NULL;
  fl_feature_set_text(c, &c->features[0], fl_layer_field_index(c, "date"), "July");
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_E_FIELD);
  FL_ASSERT_MSG_HAS(ctx, "field 'date' is not a date");
  cf.side = "claimed";
  ck_assert_int_eq(fl_claims_check(ctx, c, &cf, s, l, &o, "s1", &out), FL_E_FIELD);
  FL_ASSERT_MSG_HAS(ctx, "claimed");
  ck_assert_ptr_null(out);
  fl_layer_destroy(ctx, c);
  fl_layer_destroy(ctx, s);
  fl_layer_destroy(ctx, l);
}
END_TEST

int main(void) {
  Suite *s = suite_create("compare_claims");
  TCase *tc = tcase_create("compare_claims");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_disagreement_date_tolerance);
  tcase_add_test(tc, test_disagreement_own_aoi);
  tcase_add_test(tc, test_disagreement_grey_zone);
  tcase_add_test(tc, test_agreement_majority);
  tcase_add_test(tc, test_agreement_priority_and_bad_rules);
  tcase_add_test(tc, test_claims_verdicts);
  tcase_add_test(tc, test_claims_bad_input);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
