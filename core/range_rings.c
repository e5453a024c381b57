/*
 * range_rings.c - geodesic range rings, fans and radials around positions
 * (fl_range_rings(), DESIGN.md question 9).
 *
 * Rules, cited as (RR1)..(RR5) in tests and docs/tools/range-rings.md:
 *   (RR1) the ranges of a position come from, in this order: the weapons
 *         table joined on its weapon field (one ring per matching row,
 *         min_m..max_m); else its max field (min field, default 0, to max,
 *         split every interval when the interval field is set and > 0); else
 *         the constant distances (0..d1, d1..d2, ...);
 *   (RR2) every vertex of a ring lies at its range, by geod_direct on WGS84;
 *         arcs have a vertex at least every 1 degree of bearing, so the
 *         lon/lat polygon stays within max(1 m, 0.1 %) of the range between
 *         vertices (the chord's sagitta is 3.8e-5 of the range);
 *   (RR3) a sector runs clockwise from bearing_start to bearing_end;
 *         start == end (mod 360) is a full ring; an inner range of 0 makes a
 *         sector a fan closed at the position;
 *   (RR4) a NULL, non-numeric, negative or non-finite range, min >= max, a
 *         weapon with no row in the table, a ring reaching within 1 degree of
 *         a pole or crossing the antimeridian: an error naming the feature and
 *         field, never a guess;
 *   (RR5) outputs are in the positions' CRS; area_km2 is geodesic.
 * Not here: the tool's parameters (plugin/abi/tool_range_rings.c).
 */
#include <math.h>

#include "fl_geodesy.h"
#include "fl_internal.h"
#include "frontline/fl_elevation.h"

#define RR_STEP_DEG 1.0      /* (RR2) largest bearing step along an arc      */
#define RR_RADIAL_STEP_M 1000.0
#define RR_MAX_RINGS 10000   /* per position: beyond this an interval is a typo */

void fl_range_rings_opts_init(fl_range_rings_opts *o) {
  memset(o, 0, sizeof *o);
  o->weapon_field = "weapon";
  o->weapons_name_field = "name";
  o->weapons_min_field = "min_m";
  o->weapons_max_field = "max_m";
  o->name_field = "name";
}

typedef struct rr_ring {
  double inner, outer;
  const char *weapon; /* borrowed from the weapons layer, or NULL */
} rr_ring;

typedef struct rr_state {
  fl_ctx *ctx;
  const fl_layer *pos;
  const fl_range_rings_opts *o;
  int f_min, f_max, f_int, f_b0, f_b1, f_weapon, f_name;
  int w_name, w_min, w_max;
  fl_layer *rings, *radials;
  int r_fid, r_name, r_ring, r_weapon, r_in, r_out, r_b0, r_b1, r_area;
  int d_fid, d_name, d_bearing, d_len;
  rr_ring *buf;
  size_t n_buf, cap_buf;
} rr_state;

/* Field index of an optional field name; -2 when named but missing. */
static int field_of(const fl_layer *l, const char *name) {
  if (!name || !*name) return -1;
  int i = fl_layer_field_index(l, name);
  return i < 0 ? -2 : i;
}

static fl_status need_field(rr_state *s, const fl_layer *l, const char *param, const char *name,
                            int idx) {
  if (idx != -2) return FL_OK;
  return fl__fail(s->ctx, FL_E_FIELD, "@{%s} names no field of layer '%s': there is no field '%s'",
                  param, l->name ? l->name : "", name);
}

/* Number in a field of a feature: FL_OK with *v, or an error (RR4). NULL
 * gives *is_null when allowed. */
static fl_status num_of(rr_state *s, const fl_layer *l, const fl_feature *f, int field,
                        const char *param, int *is_null, double *v) {
  const fl_value *x = &f->values[field];
  if (x->is_null) {
    if (is_null) {
      *is_null = 1;
      return FL_OK;
    }
    return fl__fail(s->ctx, FL_E_FIELD, "layer '%s', feature %lld, field '%s' (@{%s}) is NULL",
                    l->name, (long long)f->fid, l->fields[field].name, param);
  }
  if (is_null) *is_null = 0;
  if (l->fields[field].type == FL_FIELD_INTEGER) *v = (double)x->i;
  else if (l->fields[field].type == FL_FIELD_REAL) *v = x->d;
  else {
    char *end = NULL;
    *v = x->s ? strtod(x->s, &end) : NAN;
    if (!x->s || end == x->s || *end) *v = NAN;
  }
  if (!isfinite(*v))
    return fl__fail(s->ctx, FL_E_FIELD,
                    "layer '%s', feature %lld, field '%s' (@{%s}) is not a finite number",
                    l->name, (long long)f->fid, l->fields[field].name, param);
  return FL_OK;
}

static fl_status push_ring(rr_state *s, double inner, double outer, const char *weapon) {
  if (s->n_buf == s->cap_buf) {
    size_t cap = s->cap_buf ? s->cap_buf * 2 : 16;
    rr_ring *p = realloc(s->buf, cap * sizeof *p);
    if (!p) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for range rings");
    s->buf = p;
    s->cap_buf = cap;
  }
  s->buf[s->n_buf++] = (rr_ring){inner, outer, weapon};
  return FL_OK;
}

static fl_status check_range(rr_state *s, const fl_feature *f, double inner, double outer,
                             const char *what) {
  if (inner < 0 || outer <= inner || outer > 1e7)
    return fl__fail(s->ctx, FL_E_ARG,
                    "layer '%s', feature %lld: %s range %g-%g m is not 0 <= minimum < maximum "
                    "<= 10,000 km",
                    s->pos->name, (long long)f->fid, what, inner, outer);
  return FL_OK;
}

/* (RR1) from the weapons table. */
static fl_status rings_from_weapons(rr_state *s, const fl_feature *f) {
  const fl_layer *w = s->o->weapons;
  const char *want = fl_value_text(s->pos, f, s->f_weapon);
  if (f->values[s->f_weapon].is_null || !*want)
    return fl__fail(s->ctx, FL_E_FIELD, "layer '%s', feature %lld, field '%s' (@{weapon_field}) "
                    "is empty: name a weapon of the weapons table",
                    s->pos->name, (long long)f->fid, s->pos->fields[s->f_weapon].name);
  char wanted[256];
  snprintf(wanted, sizeof wanted, "%s", want);
  fl_status st;
  for (size_t k = 0; k < w->n_features; k++) {
    const fl_feature *row = &w->features[k];
    if (row->values[s->w_name].is_null || strcmp(fl_value_text(w, row, s->w_name), wanted)) continue;
    double lo = 0, hi;
    int lo_null = 0;
    if ((st = num_of(s, w, row, s->w_min, "weapons_min_field", &lo_null, &lo))) return st;
    if (lo_null) lo = 0;
    if ((st = num_of(s, w, row, s->w_max, "weapons_max_field", NULL, &hi))) return st;
    if ((st = check_range(s, f, lo, hi, "weapon"))) return st;
    const char *name = w->features[k].values[s->w_name].s;
    if ((st = push_ring(s, lo, hi, name))) return st;
  }
  if (!s->n_buf)
    return fl__fail(s->ctx, FL_E_FIELD, "layer '%s', feature %lld: weapon '%s' has no row in the "
                    "weapons table '%s'",
                    s->pos->name, (long long)f->fid, wanted, w->name);
  return FL_OK;
}

/* (RR1) from the per-feature fields. */
static fl_status rings_from_fields(rr_state *s, const fl_feature *f) {
  double lo = 0, hi, step = 0;
  int null_lo = 0, null_step = 1;
  fl_status st;
  if (s->f_min >= 0 && (st = num_of(s, s->pos, f, s->f_min, "min_field", &null_lo, &lo))) return st;
  if (null_lo) lo = 0;
  if ((st = num_of(s, s->pos, f, s->f_max, "max_field", NULL, &hi))) return st;
  if ((st = check_range(s, f, lo, hi, "the"))) return st;
  if (s->f_int >= 0 && (st = num_of(s, s->pos, f, s->f_int, "interval_field", &null_step, &step)))
    return st;
  if (null_step || step <= 0) return push_ring(s, lo, hi, NULL);
  if ((hi - lo) / step > RR_MAX_RINGS)
    return fl__fail(s->ctx, FL_E_ARG, "layer '%s', feature %lld: interval %g m gives more than "
                    "%d rings", s->pos->name, (long long)f->fid, step, RR_MAX_RINGS);
  for (double a = lo; a < hi - 1e-9 * hi; a += step)
    if ((st = push_ring(s, a, fmin(a + step, hi), NULL))) return st;
  return FL_OK;
}

static fl_status rings_of(rr_state *s, const fl_feature *f) {
  s->n_buf = 0;
  if (s->o->weapons) return rings_from_weapons(s, f);
  if (s->f_max >= 0) return rings_from_fields(s, f);
  for (size_t k = 0; k < s->o->n_dist; k++) {
    fl_status st = push_ring(s, k ? s->o->dist_m[k - 1] : 0.0, s->o->dist_m[k], NULL);
    if (st) return st;
  }
  return FL_OK;
}

/* Bearings of the sector of a feature (RR3); *full when a whole circle. */
static fl_status sector_of(rr_state *s, const fl_feature *f, double *b0, double *b1, int *full) {
  *b0 = s->o->bearing_start;
  *b1 = s->o->bearing_end;
  fl_status st;
  int n0 = 1, n1 = 1;
  double v;
  if (s->f_b0 >= 0 && (st = num_of(s, s->pos, f, s->f_b0, "bearing_start_field", &n0, &v))) return st;
  if (!n0) *b0 = v;
  if (s->f_b1 >= 0 && (st = num_of(s, s->pos, f, s->f_b1, "bearing_end_field", &n1, &v))) return st;
  if (!n1) *b1 = v;
  *b0 = fmod(fmod(*b0, 360.0) + 360.0, 360.0);
  *b1 = fmod(fmod(*b1, 360.0) + 360.0, 360.0);
  *full = fabs(*b1 - *b0) < 1e-9;
  if (*b1 <= *b0 && !*full) *b1 += 360.0;
  if (*full) *b1 = *b0 + 360.0;
  return FL_OK;
}

/* Append the arc at range r from bearing a0 to a1 (either direction) to xy. */
static void arc(const struct geod_geodesic *g, double lon, double lat, double r, double a0,
                double a1, double *xy, size_t *n) {
  int steps = (int)ceil(fabs(a1 - a0) / RR_STEP_DEG - 1e-9);
  if (steps < 1) steps = 1;
  for (int i = 0; i <= steps; i++) {
    double az = a0 + (a1 - a0) * i / steps, la, lo;
    geod_direct(g, lat, lon, az, r, &la, &lo, NULL);
    xy[2 * *n] = lo;
    xy[2 * *n + 1] = la;
    (*n)++;
  }
}

static GEOSGeometry *ring_of(fl_ctx *ctx, const double *xy, size_t n) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)(n + 1), 2);
  if (!cs) return NULL;
  for (size_t i = 0; i <= n; i++) {
    size_t j = i == n ? 0 : i;
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, xy[2 * j], xy[2 * j + 1]);
  }
  return GEOSGeom_createLinearRing_r(h, cs);
}

/* (RR4) the ring must keep off the poles and the antimeridian. */
static fl_status check_lonlat(rr_state *s, const fl_feature *f, double lon, const double *xy,
                              size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fabs(xy[2 * i + 1]) > 89.0 || fabs(xy[2 * i] - lon) > 170.0 ||
        fabs(xy[2 * i]) > 180.0)
      return fl__fail(s->ctx, FL_E_GEOM, "layer '%s', feature %lld: a range ring reaches a pole "
                      "or crosses the antimeridian, which range rings do not support",
                      s->pos->name, (long long)f->fid);
  return FL_OK;
}

/* The lon/lat polygon of one ring (RR2, RR3). */
static fl_status ring_polygon(rr_state *s, const fl_feature *f, double lon, double lat,
                             const rr_ring *rg, double b0, double b1, int full,
                             GEOSGeometry **out) {
  GEOSContextHandle_t h = s->ctx->geos;
  const struct geod_geodesic *g = &s->ctx->geod;
  size_t cap = 2 * ((size_t)ceil(360.0 / RR_STEP_DEG) + 4), n = 0, m = 0;
  double *xy = malloc(2 * cap * sizeof *xy), *hole = malloc(cap * sizeof *hole);
  GEOSGeometry *shell = NULL, *in = NULL;
  fl_status st = FL_OK;
  if (!xy || !hole) {
    st = fl__fail(s->ctx, FL_E_NOMEM, "out of memory for a range ring");
    goto done;
  }
  if (full) {
    arc(g, lon, lat, rg->outer, 0.0, 360.0 - RR_STEP_DEG, xy, &n);
    if (rg->inner > 0) arc(g, lon, lat, rg->inner, 360.0 - RR_STEP_DEG, 0.0, hole, &m);
  } else {
    arc(g, lon, lat, rg->outer, b0, b1, xy, &n);
    if (rg->inner > 0) arc(g, lon, lat, rg->inner, b1, b0, xy, &n);
    else {
      xy[2 * n] = lon;
      xy[2 * n + 1] = lat;
      n++;
    }
  }
  if ((st = check_lonlat(s, f, lon, xy, n)) || (st = check_lonlat(s, f, lon, hole, m))) goto done;
  shell = ring_of(s->ctx, xy, n);
  in = m ? ring_of(s->ctx, hole, m) : NULL;
  if (!shell || (m && !in)) {
    st = fl__fail_geos(s->ctx, "range ring");
    goto done;
  }
  GEOSGeometry *holes[1] = {in};
  *out = GEOSGeom_createPolygon_r(h, shell, in ? holes : NULL, in ? 1u : 0u);
  shell = in = NULL;
  if (!*out) st = fl__fail_geos(s->ctx, "range ring");
done:
  if (shell) GEOSGeom_destroy_r(h, shell);
  if (in) GEOSGeom_destroy_r(h, in);
  free(xy);
  free(hole);
  return st;
}

static fl_status emit_ring(rr_state *s, const fl_feature *f, const char *name, int k,
                           GEOSGeometry *ll, double b0, double b1, int full) {
  double km2 = 0;
  GEOSGeometry *g = NULL;
  fl_status st = fl_area_km2(s->ctx, ll, &km2);
  if (!st) st = fl_geom_from_lonlat(s->ctx, ll, s->pos->srid, &g);
  GEOSGeom_destroy_r(s->ctx->geos, ll);
  if (st) return st;
  fl_feature *o = fl_layer_append(s->ctx, s->rings, (int64_t)s->rings->n_features + 1, g);
  if (!o) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for range rings");
  fl_feature_set_int(s->rings, o, s->r_fid, f->fid);
  if (name) fl_feature_set_text(s->rings, o, s->r_name, name);
  fl_feature_set_int(s->rings, o, s->r_ring, k);
  if (s->buf[k].weapon) fl_feature_set_text(s->rings, o, s->r_weapon, s->buf[k].weapon);
  fl_feature_set_real(s->rings, o, s->r_in, s->buf[k].inner);
  fl_feature_set_real(s->rings, o, s->r_out, s->buf[k].outer);
  fl_feature_set_real(s->rings, o, s->r_b0, full ? 0.0 : b0);
  fl_feature_set_real(s->rings, o, s->r_b1, full ? 360.0 : fmod(b1, 360.0));
  return fl_feature_set_real(s->rings, o, s->r_area, km2);
}

/* One radial from the position along bearing az to range r, densified. */
static fl_status emit_radial(rr_state *s, const fl_feature *f, const char *name, double lon,
                             double lat, double az, double r) {
  GEOSContextHandle_t h = s->ctx->geos;
  int steps = (int)ceil(r / RR_RADIAL_STEP_M);
  if (steps < 1) steps = 1;
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)steps + 1, 2);
  if (!cs) return fl__fail_geos(s->ctx, "radial");
  for (int i = 0; i <= steps; i++) {
    double la, lo;
    geod_direct(&s->ctx->geod, lat, lon, az, r * i / steps, &la, &lo, NULL);
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, lo, la);
  }
  GEOSGeometry *ll = GEOSGeom_createLineString_r(h, cs), *g = NULL;
  if (!ll) return fl__fail_geos(s->ctx, "radial");
  fl_status st = fl_geom_from_lonlat(s->ctx, ll, s->pos->srid, &g);
  GEOSGeom_destroy_r(h, ll);
  if (st) return st;
  fl_feature *o = fl_layer_append(s->ctx, s->radials, (int64_t)s->radials->n_features + 1, g);
  if (!o) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for radials");
  fl_feature_set_int(s->radials, o, s->d_fid, f->fid);
  if (name) fl_feature_set_text(s->radials, o, s->d_name, name);
  fl_feature_set_real(s->radials, o, s->d_bearing, fmod(az, 360.0));
  return fl_feature_set_real(s->radials, o, s->d_len, r);
}

static fl_status do_position(rr_state *s, const fl_feature *f, double lon, double lat) {
  double b0, b1, far = 0;
  int full;
  fl_status st;
  const char *name = s->f_name >= 0 && !f->values[s->f_name].is_null
                         ? f->values[s->f_name].s ? f->values[s->f_name].s
                                                  : fl_value_text(s->pos, f, s->f_name)
                         : NULL;
  char name_copy[256];
  if (name) {
    snprintf(name_copy, sizeof name_copy, "%s", name);
    name = name_copy;
  }
  if ((st = rings_of(s, f)) || (st = sector_of(s, f, &b0, &b1, &full))) return st;
  for (size_t k = 0; k < s->n_buf; k++) {
    GEOSGeometry *ll = NULL;
    if ((st = ring_polygon(s, f, lon, lat, &s->buf[k], b0, b1, full, &ll))) return st;
    if ((st = emit_ring(s, f, name, (int)k, ll, b0, b1, full))) return st;
    far = fmax(far, s->buf[k].outer);
  }
  for (int i = 0; s->radials && i < s->o->n_radials && far > 0; i++) {
    int n = s->o->n_radials;
    double az = full ? b0 + 360.0 * i / n : n == 1 ? (b0 + b1) / 2 : b0 + (b1 - b0) * i / (n - 1);
    if ((st = emit_radial(s, f, name, lon, lat, az, far))) return st;
  }
  return FL_OK;
}

static fl_status do_feature(rr_state *s, const fl_feature *f) {
  GEOSContextHandle_t h = s->ctx->geos;
  if (!f->geom || GEOSisEmpty_r(h, f->geom)) return FL_OK;
  int t = GEOSGeomTypeId_r(h, f->geom);
  if (t != GEOS_POINT && t != GEOS_MULTIPOINT)
    return fl__fail(s->ctx, FL_E_GEOM, "layer '%s', feature %lld is not a point: range rings "
                    "are drawn around points", s->pos->name, (long long)f->fid);
  GEOSGeometry *ll = NULL;
  fl_status st = fl_geom_to_lonlat(s->ctx, f->geom, s->pos->srid, &ll);
  if (st) return st;
  int n = GEOSGetNumGeometries_r(h, ll);
  for (int i = 0; i < n && !st; i++) {
    double lon, lat;
    const GEOSGeometry *p = GEOSGetGeometryN_r(h, ll, i);
    if (GEOSisEmpty_r(h, p) || !GEOSGeomGetX_r(h, p, &lon) || !GEOSGeomGetY_r(h, p, &lat))
      continue;
    st = do_position(s, f, lon, lat);
  }
  GEOSGeom_destroy_r(h, ll);
  return st;
}

static fl_status setup_fields(rr_state *s) {
  const fl_range_rings_opts *o = s->o;
  const fl_layer *p = s->pos;
  fl_status st;
  s->f_min = field_of(p, o->min_field);
  s->f_max = field_of(p, o->max_field);
  s->f_int = field_of(p, o->interval_field);
  s->f_b0 = field_of(p, o->bearing_start_field);
  s->f_b1 = field_of(p, o->bearing_end_field);
  s->f_name = field_of(p, o->name_field);
  if (s->f_name == -2) s->f_name = -1; /* the name is optional */
  if ((st = need_field(s, p, "min_field", o->min_field, s->f_min)) ||
      (st = need_field(s, p, "max_field", o->max_field, s->f_max)) ||
      (st = need_field(s, p, "interval_field", o->interval_field, s->f_int)) ||
      (st = need_field(s, p, "bearing_start_field", o->bearing_start_field, s->f_b0)) ||
      (st = need_field(s, p, "bearing_end_field", o->bearing_end_field, s->f_b1)))
    return st;
  if (o->weapons) {
    const fl_layer *w = o->weapons;
    s->f_weapon = field_of(p, o->weapon_field);
    s->w_name = field_of(w, o->weapons_name_field);
    s->w_min = field_of(w, o->weapons_min_field);
    s->w_max = field_of(w, o->weapons_max_field);
    if ((st = need_field(s, p, "weapon_field", o->weapon_field, s->f_weapon)) ||
        (st = need_field(s, w, "weapons_name_field", o->weapons_name_field, s->w_name)) ||
        (st = need_field(s, w, "weapons_min_field", o->weapons_min_field, s->w_min)) ||
        (st = need_field(s, w, "weapons_max_field", o->weapons_max_field, s->w_max)))
      return st;
    if (s->f_weapon < 0 || s->w_name < 0 || s->w_max < 0)
      return fl__fail(s->ctx, FL_E_ARG, "@{weapons} needs @{weapon_field}, @{weapons_name_field} "
                      "and @{weapons_max_field}");
  } else if (s->f_max < 0) {
    if (!o->n_dist)
      return fl__fail(s->ctx, FL_E_ARG, "no ranges: pass @{distances}, @{max_field} or @{weapons}");
    for (size_t k = 0; k < o->n_dist; k++)
      if (!isfinite(o->dist_m[k]) || o->dist_m[k] <= (k ? o->dist_m[k - 1] : 0) ||
          o->dist_m[k] > 1e7)
        return fl__fail(s->ctx, FL_E_ARG, "@{distances} must be strictly increasing, > 0 and "
                        "<= 10,000 km");
  }
  if (!isfinite(o->bearing_start) || !isfinite(o->bearing_end))
    return fl__fail(s->ctx, FL_E_ARG, "@{bearing_start} and @{bearing_end} must be finite");
  if (o->n_radials < 0 || o->n_radials > 360)
    return fl__fail(s->ctx, FL_E_ARG, "@{radials} must be between 0 and 360");
  return FL_OK;
}

static fl_status make_outputs(rr_state *s) {
  fl_layer *r = s->rings = fl_layer_new("range_rings", s->pos->srid, "POLYGON");
  if (!r) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for range rings");
  s->r_fid = fl_layer_add_field(r, "position_fid", FL_FIELD_INTEGER);
  s->r_name = fl_layer_add_field(r, "name", FL_FIELD_TEXT);
  s->r_ring = fl_layer_add_field(r, "ring", FL_FIELD_INTEGER);
  s->r_weapon = fl_layer_add_field(r, "weapon", FL_FIELD_TEXT);
  s->r_in = fl_layer_add_field(r, "inner_m", FL_FIELD_REAL);
  s->r_out = fl_layer_add_field(r, "outer_m", FL_FIELD_REAL);
  s->r_b0 = fl_layer_add_field(r, "bearing_start", FL_FIELD_REAL);
  s->r_b1 = fl_layer_add_field(r, "bearing_end", FL_FIELD_REAL);
  s->r_area = fl_layer_add_field(r, "area_km2", FL_FIELD_REAL);
  if (s->r_area < 0) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for range rings");
  if (s->o->n_radials <= 0) return FL_OK;
  fl_layer *d = s->radials = fl_layer_new("range_radials", s->pos->srid, "LINESTRING");
  if (!d) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for radials");
  s->d_fid = fl_layer_add_field(d, "position_fid", FL_FIELD_INTEGER);
  s->d_name = fl_layer_add_field(d, "name", FL_FIELD_TEXT);
  s->d_bearing = fl_layer_add_field(d, "bearing", FL_FIELD_REAL);
  s->d_len = fl_layer_add_field(d, "length_m", FL_FIELD_REAL);
  if (s->d_len < 0) return fl__fail(s->ctx, FL_E_NOMEM, "out of memory for radials");
  return FL_OK;
}

fl_status fl_range_rings(fl_ctx *ctx, const fl_layer *positions, const fl_range_rings_opts *opts,
                         fl_layer **rings, fl_layer **radials) {
  if (rings) *rings = NULL;
  if (radials) *radials = NULL;
  if (!ctx) return FL_E_ARG;
  if (!positions || !opts || !rings) return fl__fail(ctx, FL_E_ARG, "fl_range_rings: NULL argument");
  rr_state s = {.ctx = ctx, .pos = positions, .o = opts};
  fl_status st = setup_fields(&s);
  if (!st) st = make_outputs(&s);
  for (size_t i = 0; !st && i < positions->n_features; i++) {
    st = do_feature(&s, &positions->features[i]);
    if (!st) st = fl__progress(ctx, (double)(i + 1) / (double)positions->n_features);
  }
  free(s.buf);
  if (st) {
    fl_layer_destroy(ctx, s.rings);
    fl_layer_destroy(ctx, s.radials);
    return st;
  }
  *rings = s.rings;
  if (radials) *radials = s.radials;
  else fl_layer_destroy(ctx, s.radials);
  return FL_OK;
}
