/*
 * dist_index_pieces.c - how finely the distance index cuts long edges, and
 * how far a query edge's frame image may stray from its chord.
 *
 * In the azimuthal equidistant frame (crs.c) a geodesic that does not pass
 * through the centre is drawn as a curve. On the sphere its curvature is at
 * most the radial gradient of the log of the across-radius stretch
 * k(rho) = x / sin x (x = rho / R): (1/x - cot x) / R, about rho / (3 R^2)
 * near the centre. A curve of curvature kappa over a chord of length L stays
 * within L^2 kappa / 8 of the chord. Pieces are cut so that this, with a
 * factor of 2 for the ellipsoid and rounding, is at most FL__PIECE_SAG_M
 * (2 cm): then the chords of the pieces bound the edge, and a frame bound
 * less FL__PIECE_SAG_M is a bound on the edge itself. Edges of the common
 * case (metres to a few km near the frame's centre) stay one piece.
 */
#include <math.h>
#include "fl_dist_index.h"

#define EARTH_R_M 6371008.8
#define SAFETY 2.0
#define MAX_X 3.0 /* beyond 3 R from the centre the bound is taken at 3 R */

/* Bound on the frame curvature of a geodesic within rho_m of the centre. */
static double curvature_bound(double rho_m) {
  double x = fmin(rho_m / EARTH_R_M, MAX_X);
  double c = x < 0.1 ? x / 3.0 + x * x * x / 45.0 : 1.0 / x - cos(x) / sin(x);
  return SAFETY * fmax(c, 1e-9) / EARTH_R_M;
}

size_t fl__index_piece_count(double rho_m, double len_m) {
  if (!(len_m > 0.0)) return 1;
  double kappa = curvature_bound(rho_m + 0.5 * len_m);
  double max_len = sqrt(8.0 * FL__PIECE_SAG_M / kappa);
  if (len_m <= max_len) return 1;
  double n = ceil(len_m / max_len);
  return n > 1e6 ? (size_t)1000000 : (size_t)n;
}

double fl__index_qseg_margin(const fl__frame *f, double alon, double alat, double blon,
                             double blat, double ax, double ay, double bx, double by) {
  double len = hypot(bx - ax, by - ay);
  double rho = fmax(hypot(ax, ay), hypot(bx, by));
  double sag = len * len * curvature_bound(rho + 0.5 * len) / 8.0;
  double base = 1.0 + 1e-3 * len; /* the stretch bound's rounding, as before */
  if (sag < 0.01 * base) return base;
  /* a long edge: measure its midpoint too, take the larger */
  double s12, az1, az2, mlat, mlon, mx, my;
  geod_inverse(f->geod, alat, alon, blat, blon, &s12, &az1, &az2);
  geod_direct(f->geod, alat, alon, az1, 0.5 * s12, &mlat, &mlon, &az2);
  fl__frame_fwd(f, mlon, mlat, &mx, &my);
  double vx = bx - ax, vy = by - ay;
  double off = len > 0 ? fabs((mx - ax) * vy - (my - ay) * vx) / len : hypot(mx - ax, my - ay);
  return base + fmax(sag, 2.0 * off);
}
