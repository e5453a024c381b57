#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate (and check) the Toretsk-sector sample data of Frontline.

    /usr/bin/python3 make_sample.py           write every file next to this script
    /usr/bin/python3 make_sample.py --check   validate the files, print a report

Writing needs only the standard library plus osgeo.ogr (one polygon
intersection); checking uses osgeo.ogr and pyproj.

All control lines and routes below are hand-placed approximations for
demonstration (see README.md); settlement points come from GeoNames
(CC BY 4.0) where GeoNames has the place.
"""

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Sector extent (also the mask)
# ---------------------------------------------------------------------------
XMIN, XMAX, YMIN, YMAX = 37.45, 38.25, 48.20, 48.70
EDGE_STEP = 0.05  # extent edges are densified so that they stay close to
                  # the parallels/meridians whatever projection a tool uses

SOURCES = ("source_ua", "source_ru")
DATES = ("2024-10-15", "2025-02-15")

# ---------------------------------------------------------------------------
# Settlements: (name, lon, lat, population, origin)
#   origin 'geonames': coordinates and population from GeoNames (CC BY 4.0)
#   origin 'approx'   : GeoNames has no entry; position hand-placed from
#                       public maps/encyclopedia entries (about +-1-2 km),
#                       population an approximate pre-war (2001-census-era)
#                       figure.
# ---------------------------------------------------------------------------
SETTLEMENTS = [
    ("Toretsk", 37.84780, 48.39477, 30914, "geonames"),
    ("Chasiv Yar", 37.83409, 48.58768, 12250, "geonames"),
    ("Kostiantynivka", 37.70594, 48.52728, 67350, "geonames"),
    ("Horlivka", 38.01709, 48.29986, 239828, "geonames"),
    ("Bakhmut", 37.99886, 48.59419, 80500, "geonames"),
    ("Niu-York", 37.84114, 48.33027, 9735, "geonames"),
    ("Pivnichne", 37.90935, 48.39785, 11747, "geonames"),
    ("Druzhba", 37.91028, 48.41000, 1860, "approx"),
    ("Shcherbynivka", 37.79102, 48.39489, 3868, "geonames"),
    ("Zalizne", 37.88550, 48.37083, 4928, "geonames"),
    ("Leonidivka", 37.79500, 48.35000, 250, "approx"),
    ("Krymske", 37.80500, 48.44000, 350, "approx"),
    ("Dachne", 37.76000, 48.40000, 250, "approx"),
    ("Kurdiumivka", 37.95717, 48.46997, 821, "geonames"),
    ("Ivanopillia", 37.76328, 48.47334, 1466, "geonames"),
    ("Ozarianivka", 37.95240, 48.45213, 413, "geonames"),
    ("Shumy", 37.93361, 48.38083, 95, "approx"),
    ("Pivdenne", 37.92638, 48.35645, 1404, "geonames"),
    ("Kalynivka", 37.81500, 48.62500, 600, "approx"),
    ("Klishchiivka", 37.95972, 48.52897, 404, "geonames"),
    ("Ivanivske", 37.91742, 48.57218, 1732, "geonames"),
    ("Predtechyne", 37.84000, 48.54800, 700, "approx"),
    ("Bila Hora", 37.88800, 48.51500, 350, "approx"),
    ("Stupochky", 37.86200, 48.53000, 550, "approx"),
    ("Oleksandro-Shultyne", 37.93500, 48.43700, 300, "approx"),
    ("Zaitseve", 38.02945, 48.39478, 3995, "geonames"),
    ("Holmivskyi", 38.08203, 48.40394, 6750, "geonames"),
    ("Mykolaivka", 37.72000, 48.48000, 1000, "approx"),
    ("Dyliivka", 37.80000, 48.45500, 1000, "approx"),
    ("Novoselivka", 38.13510, 48.16622, 260, "geonames"),
    ("Nelipivka", 37.82500, 48.35700, 1100, "approx"),
    ("Novospaske", 37.78328, 48.38733, 1009, "geonames"),
    ("Katerynivka", 37.75611, 48.41924, 670, "geonames"),
    ("Kleban-Byk", 37.76498, 48.42598, 468, "geonames"),
    ("Druzhkivka", 37.52537, 48.61995, 53977, "geonames"),
    ("Oleksiievo-Druzhkivka", 37.60941, 48.57909, 7959, "geonames"),
    ("Novodmytrivka", 37.73680, 48.55246, 415, "geonames"),
    ("Stinky", 37.73877, 48.57927, 265, "geonames"),
    ("Yablunivka", 37.61444, 48.42128, 300, "geonames"),
    ("Stara Mykolaivka", 37.68157, 48.32804, 496, "geonames"),
    ("Keramik", 37.68477, 48.25248, 469, "geonames"),
    ("Novobakhmutivka", 37.61917, 48.22576, 890, "geonames"),
    ("Verkhnotoretske", 37.87345, 48.22400, 2819, "geonames"),
    ("Ozerianivka", 37.97252, 48.27370, 1154, "geonames"),
    ("Opytne", 38.01744, 48.55620, 1983, "geonames"),
    ("Yahidne", 37.97962, 48.62710, 250, "geonames"),
    ("Krasna Hora", 38.02217, 48.66282, 635, "geonames"),
    ("Soledar", 38.07098, 48.69210, 10490, "geonames"),
    ("Svitlodarsk", 38.22331, 48.43374, 11127, "geonames"),
    ("Yenakiieve", 38.20403, 48.23857, 76673, "geonames"),
]

# Hand-drawn approximate built-up outlines (not traced from any map layer).
SETTLEMENT_POLYGONS = {
    "Toretsk": [
        (37.818, 48.398), (37.822, 48.386), (37.832, 48.377), (37.845, 48.374),
        (37.858, 48.376), (37.867, 48.383), (37.872, 48.393), (37.871, 48.404),
        (37.864, 48.412), (37.852, 48.417), (37.838, 48.416), (37.827, 48.411),
        (37.820, 48.405)],
    "Chasiv Yar": [
        (37.802, 48.590), (37.806, 48.578), (37.815, 48.570), (37.828, 48.566),
        (37.843, 48.567), (37.856, 48.571), (37.866, 48.578), (37.868, 48.590),
        (37.864, 48.601), (37.852, 48.609), (37.836, 48.612), (37.820, 48.608),
        (37.808, 48.600)],
    "Kostiantynivka": [
        (37.640, 48.548), (37.652, 48.532), (37.665, 48.515), (37.680, 48.500),
        (37.697, 48.488), (37.715, 48.486), (37.735, 48.495), (37.755, 48.505),
        (37.768, 48.518), (37.765, 48.532), (37.748, 48.545), (37.728, 48.556),
        (37.705, 48.562), (37.680, 48.563), (37.658, 48.560)],
    "Bakhmut": [
        (37.955, 48.590), (37.962, 48.572), (37.978, 48.562), (37.998, 48.555),
        (38.018, 48.558), (38.035, 48.568), (38.045, 48.585), (38.040, 48.603),
        (38.030, 48.617), (38.012, 48.628), (37.995, 48.632), (37.978, 48.625),
        (37.963, 48.608)],
    "Horlivka": [
        (37.970, 48.300), (37.985, 48.272), (38.005, 48.250), (38.035, 48.240),
        (38.070, 48.245), (38.105, 48.262), (38.130, 48.285), (38.135, 48.315),
        (38.120, 48.340), (38.090, 48.355), (38.055, 48.360), (38.020, 48.352),
        (37.992, 48.335), (37.975, 48.318)],
    "Niu-York": [
        (37.815, 48.328), (37.820, 48.315), (37.830, 48.305), (37.845, 48.300),
        (37.860, 48.303), (37.868, 48.312), (37.866, 48.325), (37.858, 48.335),
        (37.845, 48.340), (37.830, 48.339), (37.820, 48.335)],
}

# ---------------------------------------------------------------------------
# Lines of contact, hand-placed. Each runs from the west edge of the extent
# (south-west) to its north edge; the RU side is on the right-hand side
# (east/south) when walking along the line.
# ---------------------------------------------------------------------------
S_OCT = [(37.450, 48.286), (37.488, 48.283), (37.522, 48.288), (37.558, 48.295),
         (37.598, 48.287), (37.640, 48.277), (37.688, 48.268), (37.735, 48.262),
         (37.771, 48.268), (37.803, 48.276), (37.797, 48.300), (37.800, 48.325),
         (37.812, 48.343)]
TOR_OCT_UA = [(37.832, 48.350), (37.850, 48.354), (37.872, 48.351), (37.898, 48.362),
              (37.901, 48.378), (37.890, 48.392), (37.893, 48.402), (37.925, 48.405),
              (37.944, 48.418), (37.947, 48.432), (37.940, 48.446), (37.944, 48.462),
              (37.963, 48.465), (37.968, 48.478), (37.975, 48.492), (37.985, 48.510)]
TOR_OCT_RU = [(37.815, 48.355), (37.822, 48.366), (37.842, 48.367), (37.862, 48.366),
              (37.873, 48.373), (37.880, 48.385), (37.882, 48.397), (37.893, 48.403),
              (37.925, 48.407), (37.928, 48.425), (37.926, 48.442), (37.940, 48.448),
              (37.944, 48.462), (37.963, 48.465), (37.968, 48.478), (37.975, 48.492),
              (37.985, 48.510)]
MID_OCT = [(37.970, 48.516), (37.955, 48.521), (37.938, 48.538), (37.922, 48.552),
           (37.905, 48.560)]
CY_OCT_UA = [(37.884, 48.565), (37.875, 48.577), (37.874, 48.592), (37.867, 48.604),
             (37.857, 48.614)]
CY_OCT_RU = [(37.878, 48.566), (37.860, 48.575), (37.854, 48.588), (37.851, 48.600),
             (37.849, 48.612)]
N_OCT = [(37.855, 48.628), (37.872, 48.638), (37.889, 48.647), (37.895, 48.661),
         (37.907, 48.671), (37.911, 48.687), (37.918, 48.700)]

S_FEB = [(37.450, 48.290), (37.478, 48.293), (37.487, 48.318), (37.520, 48.327),
         (37.562, 48.311), (37.600, 48.290), (37.640, 48.278), (37.688, 48.268),
         (37.735, 48.262), (37.771, 48.268), (37.804, 48.277), (37.796, 48.300)]
TOR_FEB_UA = [(37.799, 48.328), (37.812, 48.345), (37.825, 48.366), (37.838, 48.376),
              (37.855, 48.379), (37.864, 48.388), (37.866, 48.400), (37.868, 48.412),
              (37.880, 48.420), (37.905, 48.426), (37.925, 48.440), (37.933, 48.452),
              (37.944, 48.460), (37.962, 48.463), (37.967, 48.477), (37.962, 48.492),
              (37.955, 48.505), (37.942, 48.512)]
TOR_FEB_RU = [(37.791, 48.328), (37.787, 48.345), (37.786, 48.357), (37.799, 48.366),
              (37.805, 48.380), (37.807, 48.395), (37.809, 48.410), (37.818, 48.426),
              (37.845, 48.430), (37.870, 48.428), (37.900, 48.434), (37.922, 48.446),
              (37.938, 48.462), (37.944, 48.478), (37.958, 48.492), (37.955, 48.505),
              (37.942, 48.512)]
MID_FEB = [(37.925, 48.528), (37.900, 48.541), (37.876, 48.552), (37.860, 48.563)]
CY_FEB_UA = [(37.848, 48.572), (37.842, 48.582), (37.840, 48.594), (37.842, 48.606),
             (37.846, 48.616)]
CY_FEB_RU = [(37.845, 48.570), (37.830, 48.578), (37.826, 48.592), (37.832, 48.606),
             (37.842, 48.614)]
N_FEB = [(37.846, 48.628), (37.862, 48.638), (37.886, 48.643), (37.893, 48.657),
         (37.885, 48.672), (37.905, 48.683), (37.915, 48.700)]

FRONT = {
    ("source_ua", "2024-10-15"): S_OCT + TOR_OCT_UA + MID_OCT + CY_OCT_UA + N_OCT,
    ("source_ru", "2024-10-15"): S_OCT + TOR_OCT_RU + MID_OCT + CY_OCT_RU + N_OCT,
    ("source_ua", "2025-02-15"): S_FEB + TOR_FEB_UA + MID_FEB + CY_FEB_UA + N_FEB,
    ("source_ru", "2025-02-15"): S_FEB + TOR_FEB_RU + MID_FEB + CY_FEB_RU + N_FEB,
}

# Deliberate digitising imperfections along the contact line: the UA or RU
# copy of the line is moved sideways over a stretch (vertices selected by a
# lon/lat window).  Offset in metres, positive = towards the RU side.
#   moving the UA copy towards RU  -> overlap;  away -> gap
#   moving the RU copy towards RU  -> gap;      away -> overlap
# (side, (lon_min, lon_max, lat_min, lat_max), offset_m)
IMPERFECTIONS = {
    ("source_ua", "2024-10-15"): [
        ("RU", (37.50, 37.57, 48.20, 48.30), +50.0),    # gap     ~50 m
        ("UA", (37.96, 38.00, 48.47, 48.52), +80.0),    # overlap ~80 m
        ("RU", (37.88, 37.92, 48.66, 48.695), +25.0),   # gap     ~25 m
    ],
    ("source_ru", "2024-10-15"): [
        ("UA", (37.59, 37.65, 48.20, 48.30), -70.0),    # gap     ~70 m
        ("RU", (37.93, 37.97, 48.445, 48.47), -110.0),  # overlap ~110 m
        ("UA", (37.86, 37.90, 48.635, 48.665), +35.0),  # overlap ~35 m
    ],
    ("source_ua", "2025-02-15"): [
        ("RU", (37.86, 37.93, 48.52, 48.56), +90.0),    # gap     ~90 m
        ("UA", (37.47, 37.53, 48.20, 48.33), +50.0),    # overlap ~50 m
        ("RU", (37.88, 37.91, 48.65, 48.69), -20.0),    # overlap ~20 m
    ],
    ("source_ru", "2025-02-15"): [
        ("UA", (37.94, 37.97, 48.46, 48.50), -140.0),   # gap     ~140 m
        ("RU", (37.68, 37.74, 48.20, 48.30), -70.0),    # overlap ~70 m
        ("UA", (37.88, 37.90, 48.64, 48.68), +30.0),    # overlap ~30 m
    ],
}

# Grey zone polygon: source_ua 2025-02-15, eastern part of Toretsk, clipped to
# the UA polygon (so the UA rows' union is unchanged).
CONTESTED_BOX = (37.853, 37.880, 48.377, 48.416)

# ---------------------------------------------------------------------------
# Routes (hand-placed through the towns they serve; approximate alignment)
# (name, class, ref, [(lon, lat), ...])
# ---------------------------------------------------------------------------
ROUTES = [
    ("H-20 Kostiantynivka–Druzhkivka", "road", "H-20", [
        (37.714, 48.496), (37.698, 48.507), (37.684, 48.517), (37.674, 48.527),
        (37.668, 48.543), (37.656, 48.550), (37.645, 48.561), (37.625, 48.572),
        (37.608, 48.582), (37.590, 48.596), (37.565, 48.612), (37.548, 48.630),
        (37.540, 48.648), (37.548, 48.665), (37.558, 48.685), (37.561, 48.700)]),
    ("H-20 Kostiantynivka–Donetsk (south)", "road", "H-20", [
        (37.714, 48.496), (37.706, 48.489), (37.700, 48.470), (37.697, 48.445),
        (37.693, 48.420), (37.690, 48.395), (37.688, 48.370), (37.685, 48.345),
        (37.683, 48.320), (37.680, 48.295), (37.676, 48.270), (37.672, 48.245),
        (37.668, 48.222), (37.664, 48.200)]),
    ("H-32 Kostiantynivka–Pokrovsk (west)", "road", "H-32", [
        (37.703, 48.487), (37.680, 48.475), (37.650, 48.462), (37.620, 48.450),
        (37.590, 48.440), (37.560, 48.428), (37.530, 48.415), (37.500, 48.402),
        (37.475, 48.390), (37.450, 48.380)]),
    ("H-32 (T-0504) Kostiantynivka–Chasiv Yar–Bakhmut", "road", "H-32", [
        (37.714, 48.496), (37.734, 48.511), (37.753, 48.518), (37.779, 48.527),
        (37.795, 48.535), (37.812, 48.541), (37.826, 48.546), (37.842, 48.550),
        (37.852, 48.555), (37.875, 48.560), (37.900, 48.566), (37.917, 48.572),
        (37.940, 48.574), (37.961, 48.574), (37.973, 48.586), (37.986, 48.593),
        (38.000, 48.594)]),
    ("O-0506 Chasiv Yar–Bakhmut (via Khromove)", "road", "O-0506", [
        (37.834, 48.588), (37.850, 48.592), (37.858, 48.595), (37.873, 48.597),
        (37.888, 48.599), (37.905, 48.598), (37.925, 48.596), (37.945, 48.594),
        (37.955, 48.593), (37.975, 48.591), (37.990, 48.594)]),
    ("Chasiv Yar–Kostiantynivka local road", "road", None, [
        (37.834, 48.588), (37.820, 48.583), (37.805, 48.577), (37.790, 48.572),
        (37.772, 48.566), (37.755, 48.560), (37.737, 48.552), (37.725, 48.547),
        (37.713, 48.542)]),
    ("O-0519 Kostiantynivka–Pivnichne", "road", "O-0519", [
        (37.745, 48.507), (37.759, 48.503), (37.781, 48.497), (37.805, 48.487),
        (37.828, 48.472), (37.850, 48.456), (37.870, 48.440), (37.887, 48.424),
        (37.901, 48.409), (37.905, 48.398)]),
    ("O-0524 Kostiantynivka–Shcherbynivka–Toretsk", "road", "O-0524", [
        (37.706, 48.489), (37.718, 48.476), (37.732, 48.462), (37.748, 48.448),
        (37.764, 48.435), (37.780, 48.424), (37.787, 48.416), (37.782, 48.410),
        (37.778, 48.404), (37.792, 48.403), (37.806, 48.403), (37.819, 48.406),
        (37.827, 48.406), (37.845, 48.397)]),
    ("T-0516 Toretsk–Horlivka", "road", "T-0516", [
        (37.815, 48.413), (37.825, 48.407), (37.848, 48.402), (37.870, 48.401),
        (37.895, 48.402), (37.926, 48.402), (37.939, 48.400), (37.958, 48.395),
        (37.968, 48.399), (37.975, 48.397), (37.990, 48.380), (38.005, 48.360),
        (38.015, 48.340), (38.020, 48.320), (38.017, 48.300)]),
    ("T-0513 Siversk–Bakhmut–Horlivka", "road", "T-0513", [
        (37.985, 48.700), (37.993, 48.670), (37.995, 48.645), (37.998, 48.620),
        (38.000, 48.597), (38.010, 48.569), (38.014, 48.550), (38.005, 48.520),
        (37.995, 48.490), (37.985, 48.460), (37.975, 48.430), (37.972, 48.402),
        (37.985, 48.375), (38.005, 48.345), (38.017, 48.315)]),
    ("M-03 Sloviansk–Bakhmut–Debaltseve", "road", "M-03", [
        (37.940, 48.700), (37.960, 48.680), (37.985, 48.655), (38.000, 48.635),
        (38.010, 48.615), (38.030, 48.598), (38.045, 48.575), (38.070, 48.548),
        (38.095, 48.525), (38.130, 48.500), (38.170, 48.478), (38.210, 48.460),
        (38.250, 48.443)]),
    ("T-1302 Bakhmut–Soledar", "road", "T-1302", [
        (38.012, 48.595), (38.015, 48.605), (38.021, 48.611), (38.035, 48.622),
        (38.055, 48.633), (38.080, 48.645), (38.100, 48.658), (38.112, 48.668),
        (38.118, 48.680), (38.125, 48.692), (38.130, 48.700)]),
    ("Kostiantynivka–Druzhkivka railway", "rail", None, [
        (37.690, 48.528), (37.672, 48.540), (37.655, 48.552), (37.638, 48.563),
        (37.622, 48.574), (37.610, 48.584), (37.595, 48.596), (37.575, 48.608),
        (37.558, 48.622), (37.545, 48.637), (37.535, 48.652), (37.528, 48.668),
        (37.525, 48.685), (37.523, 48.700)]),
    ("Kostiantynivka–Chasiv Yar–Bakhmut railway", "rail", None, [
        (37.690, 48.528), (37.705, 48.540), (37.722, 48.552), (37.742, 48.563),
        (37.762, 48.574), (37.785, 48.584), (37.810, 48.592), (37.826, 48.595),
        (37.850, 48.598), (37.880, 48.602), (37.910, 48.603), (37.940, 48.601),
        (37.965, 48.599), (37.987, 48.598), (37.995, 48.610), (37.997, 48.625),
        (37.992, 48.637), (37.990, 48.660), (37.992, 48.680), (37.995, 48.700)]),
    ("Kostiantynivka–Shcherbynivka–Mykytivka railway", "rail", None, [
        (37.690, 48.528), (37.700, 48.510), (37.712, 48.492), (37.728, 48.472),
        (37.745, 48.452), (37.762, 48.432), (37.778, 48.412), (37.790, 48.396),
        (37.805, 48.385), (37.825, 48.378), (37.845, 48.372), (37.865, 48.368),
        (37.885, 48.366), (37.906, 48.368), (37.930, 48.365), (37.960, 48.362),
        (37.990, 48.358), (38.015, 48.356), (38.045, 48.348)]),
    ("Mykytivka–Maiorsk–Bakhmut railway", "rail", None, [
        (38.045, 48.348), (38.025, 48.362), (38.005, 48.378), (37.985, 48.392),
        (37.975, 48.402), (37.978, 48.430), (37.985, 48.460), (37.992, 48.490),
        (37.998, 48.520), (38.002, 48.550), (37.995, 48.575), (37.987, 48.598)]),
]


# ---------------------------------------------------------------------------
# Geometry helpers (plain Python)
# ---------------------------------------------------------------------------
def signed_area(ring):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        a += x1 * y2 - x2 * y1
    return a / 2.0


def ccw(ring):
    """Closed ring, counter-clockwise (RFC 7946 exterior ring)."""
    if ring[0] != ring[-1]:
        ring = ring + [ring[0]]
    return ring if signed_area(ring) > 0 else ring[::-1]


def steps(a, b, step):
    """Values strictly between a and b on the grid of `step`."""
    out = []
    lo, hi = min(a, b), max(a, b)
    k = math.floor(lo / step + 1e-9) + 1
    while k * step < hi - 1e-9:
        out.append(round(k * step, 6))
        k += 1
    return out if a < b else out[::-1]


def offset_line(line, window, off_m):
    """Move the interior vertices inside `window` sideways by off_m metres
    (positive = right-hand side of the walking direction)."""
    x0, x1, y0, y1 = window
    out = list(line)
    for i in range(1, len(line) - 1):
        x, y = line[i]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        kx = 111320.0 * math.cos(math.radians(y))
        ky = 110574.0
        tx = (line[i + 1][0] - line[i - 1][0]) * kx
        ty = (line[i + 1][1] - line[i - 1][1]) * ky
        n = math.hypot(tx, ty)
        nx, ny = ty / n, -tx / n  # right-hand normal
        out[i] = (x + off_m * nx / kx, y + off_m * ny / ky)
    return out


def side_polygon(line, side):
    """Close the contact line with the extent edges: UA = north-west part,
    RU = south-east part.  The line starts on the west edge and ends on the
    north edge."""
    (sx, sy), (ex, ey) = line[0], line[-1]
    assert abs(sx - XMIN) < 1e-9 and abs(ey - YMAX) < 1e-9, (line[0], line[-1])
    ring = list(line)
    if side == "UA":
        ring += [(x, YMAX) for x in steps(ex, XMIN, EDGE_STEP)]
        ring.append((XMIN, YMAX))
        ring += [(XMIN, y) for y in steps(YMAX, sy, EDGE_STEP)]
    else:
        ring += [(x, YMAX) for x in steps(ex, XMAX, EDGE_STEP)]
        ring.append((XMAX, YMAX))
        ring += [(XMAX, y) for y in steps(YMAX, YMIN, EDGE_STEP)]
        ring.append((XMAX, YMIN))
        ring += [(x, YMIN) for x in steps(XMAX, XMIN, EDGE_STEP)]
        ring.append((XMIN, YMIN))
        ring += [(XMIN, y) for y in steps(YMIN, sy, EDGE_STEP)]
    ring.append(ring[0])
    return ccw([(round(x, 6), round(y, 6)) for x, y in ring])


def extent_ring():
    ring = [(XMIN, YMIN)] + [(x, YMIN) for x in steps(XMIN, XMAX, EDGE_STEP)]
    ring += [(XMAX, YMIN)] + [(XMAX, y) for y in steps(YMIN, YMAX, EDGE_STEP)]
    ring += [(XMAX, YMAX)] + [(x, YMAX) for x in steps(XMAX, XMIN, EDGE_STEP)]
    ring += [(XMIN, YMAX)] + [(XMIN, y) for y in steps(YMAX, YMIN, EDGE_STEP)]
    ring.append((XMIN, YMIN))
    return ccw([(round(x, 6), round(y, 6)) for x, y in ring])


def coords(ring):
    return [[x, y] for x, y in ring]


def contested_ring(ua_ring):
    from osgeo import ogr
    x0, x1, y0, y1 = CONTESTED_BOX
    box = ogr.CreateGeometryFromJson(json.dumps({
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}))
    ua = ogr.CreateGeometryFromJson(json.dumps({
        "type": "Polygon", "coordinates": [coords(ua_ring)]}))
    g = box.Intersection(ua)
    assert g.GetGeometryName() == "POLYGON", g.GetGeometryName()
    r = g.GetGeometryRef(0)
    ring = [(round(r.GetX(i), 6), round(r.GetY(i), 6))
            for i in range(r.GetPointCount())]
    # drop repeated points left by rounding
    clean = [ring[0]]
    for p in ring[1:]:
        if p != clean[-1]:
            clean.append(p)
    return ccw(clean)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def feature(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}


def write_fc(relpath, name, features):
    path = os.path.join(HERE, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lines = ['{', '"type": "FeatureCollection",', '"name": "%s",' % name,
             '"features": [']
    body = [json.dumps(f, ensure_ascii=False, separators=(",", ":"))
            for f in features]
    lines.append(",\n".join(body)) if body else None
    lines += [']', '}']
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def build():
    # settlements (points)
    feats = []
    for i, (name, x, y, pop, _origin) in enumerate(SETTLEMENTS, 1):
        feats.append(feature({"id": i, "name": name, "population": pop},
                             {"type": "Point", "coordinates": [x, y]}))
    write_fc("settlements.geojson", "settlements", feats)

    # settlement polygons (same ids as the points)
    ids = {s[0]: (i, s[3]) for i, s in enumerate(SETTLEMENTS, 1)}
    feats = []
    for name, ring in SETTLEMENT_POLYGONS.items():
        sid, pop = ids[name]
        feats.append(feature({"id": sid, "name": name, "population": pop},
                             {"type": "Polygon", "coordinates": [coords(ccw(ring))]}))
    write_fc("settlements_polygons.geojson", "settlements_polygons", feats)

    # control + front
    control, ru_only, fronts = [], [], []
    for date in DATES:
        for source in SOURCES:
            line = FRONT[(source, date)]
            copies = {"UA": list(line), "RU": list(line)}
            for side, window, off in IMPERFECTIONS[(source, date)]:
                copies[side] = offset_line(copies[side], window, off)
            for side in ("UA", "RU"):
                ring = side_polygon(copies[side], side)
                props = {"side": side, "source": source, "date": date,
                         "status": "controlled"}
                geom = {"type": "Polygon", "coordinates": [coords(ring)]}
                control.append(feature(props, geom))
                if source == "source_ru" and side == "RU":
                    # occupied-area-only layer, written as MultiPolygon like
                    # most public occupied-area layers
                    ru_only.append(feature(dict(props), {
                        "type": "MultiPolygon", "coordinates": [[coords(ring)]]}))
                if source == "source_ua" and date == "2025-02-15" and side == "UA":
                    cring = contested_ring(ring)
                    contested = feature(
                        {"side": "UA", "source": source, "date": date,
                         "status": "contested"},
                        {"type": "Polygon", "coordinates": [coords(cring)]})
            fronts.append(feature({"source": source, "date": date},
                                  {"type": "LineString", "coordinates": coords(line)}))
    control.append(contested)
    write_fc("control.geojson", "control", control)
    write_fc("control_ru_only.geojson", "control_ru_only", ru_only)
    write_fc("front.geojson", "front", fronts)

    # routes
    feats = []
    for i, (name, cls, ref, pts) in enumerate(ROUTES, 1):
        feats.append(feature({"id": i, "name": name, "class": cls, "ref": ref},
                             {"type": "LineString", "coordinates": coords(pts)}))
    write_fc("routes.geojson", "routes", feats)

    # mask
    write_fc("mask.geojson", "mask", [feature(
        {"name": "Toretsk sector"},
        {"type": "Polygon", "coordinates": [coords(extent_ring())]})])

    # bad-input fixtures
    bow = [[37.90, 48.40], [38.00, 48.50], [38.00, 48.40], [37.90, 48.50], [37.90, 48.40]]
    ok = [[37.60, 48.40], [37.70, 48.40], [37.70, 48.50], [37.60, 48.50], [37.60, 48.40]]
    write_fc("invalid/bowtie_control.geojson", "bowtie_control", [
        feature({"side": "UA", "source": "source_ua", "date": "2025-02-15",
                 "status": "controlled"}, {"type": "Polygon", "coordinates": [ok]}),
        feature({"side": "RU", "source": "source_ua", "date": "2025-02-15",
                 "status": "controlled"}, {"type": "Polygon", "coordinates": [bow]}),
    ])
    write_fc("invalid/empty.geojson", "empty", [])
    write_fc("invalid/bad_lonlat.geojson", "bad_lonlat", [
        feature({"id": 1, "name": "Toretsk", "population": 30914},
                {"type": "Point", "coordinates": [37.8478, 48.39477]}),
        feature({"id": 2, "name": "Toretsk (bad longitude)", "population": 30914},
                {"type": "Point", "coordinates": [237.8478, 48.39477]}),
    ])
    write_fc("invalid/null_side.geojson", "null_side", [
        feature({"side": "UA", "source": "source_ua", "date": "2025-02-15",
                 "status": "controlled"}, {"type": "Polygon", "coordinates": [ok]}),
        feature({"side": None, "source": "source_ua", "date": "2025-02-15",
                 "status": "controlled"},
                {"type": "Polygon", "coordinates": [[[37.90, 48.40], [38.00, 48.40],
                                                     [38.00, 48.50], [37.90, 48.50],
                                                     [37.90, 48.40]]]}),
    ])


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------
def check():
    from osgeo import gdal, ogr, osr
    from pyproj import Geod
    ogr.UseExceptions()
    geod = Geod(ellps="WGS84")

    def area_km2(g):
        if g is None or g.IsEmpty():
            return 0.0
        name = g.GetGeometryName()
        if name in ("MULTIPOLYGON", "GEOMETRYCOLLECTION"):
            return sum(area_km2(g.GetGeometryRef(i)) for i in range(g.GetGeometryCount()))
        if name != "POLYGON":
            return 0.0
        tot = 0.0
        for k in range(g.GetGeometryCount()):
            r = g.GetGeometryRef(k)
            xs = [r.GetX(i) for i in range(r.GetPointCount())]
            ys = [r.GetY(i) for i in range(r.GetPointCount())]
            a = abs(geod.polygon_area_perimeter(xs, ys)[0]) / 1e6
            tot += a if k == 0 else -a
        return tot

    def load(rel):
        ds = ogr.Open(os.path.join(HERE, rel))
        lyr = ds.GetLayer(0)
        feats = []
        for f in lyr:
            props = f.items()
            if isinstance(props.get("date"), str):  # GDAL reads ISO dates as Date
                props["date"] = props["date"].replace("/", "-")
            feats.append((props, f.GetGeometryRef().Clone() if f.GetGeometryRef() else None))
        srs = lyr.GetSpatialRef()
        epsg = None
        if srs is not None:
            srs.AutoIdentifyEPSG()
            epsg = srs.GetAuthorityCode(None)
        return lyr.GetName(), ogr.GeometryTypeToName(lyr.GetGeomType()), epsg, feats

    ok = True

    def expect(cond, msg):
        nonlocal ok
        print(("  ok   " if cond else "  FAIL ") + msg)
        ok = ok and bool(cond)

    files = ["settlements.geojson", "settlements_polygons.geojson", "control.geojson",
             "control_ru_only.geojson", "front.geojson", "routes.geojson", "mask.geojson",
             "invalid/bowtie_control.geojson", "invalid/empty.geojson",
             "invalid/bad_lonlat.geojson", "invalid/null_side.geojson"]
    print("files:")
    layers = {}
    for rel in files:
        name, gtype, epsg, feats = load(rel)
        layers[rel] = feats
        size = os.path.getsize(os.path.join(HERE, rel))
        print("  %-34s %-14s EPSG:%s  %3d features  %6d bytes"
              % (rel, gtype, epsg, len(feats), size))
        expect(epsg == "4326", rel + " CRS is EPSG:4326")
        if not rel.startswith("invalid/"):
            for props, g in feats:
                if g.GetGeometryName() in ("POLYGON", "MULTIPOLYGON"):
                    expect(g.IsValid(), "%s %s valid" % (rel, props))
    expect(os.path.getsize(os.path.join(HERE, "settlements.geojson")) < 10240,
           "settlements.geojson < 10 KB")
    expect(os.path.getsize(os.path.join(HERE, "control.geojson")) < 40960,
           "control.geojson < 40 KB")
    bow = layers["invalid/bowtie_control.geojson"]
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # the bow-tie warning is expected
    bow_valid = [g.IsValid() for _, g in bow]
    gdal.PopErrorHandler()
    expect(bow_valid == [True, False],
           "bowtie_control: feature 0 valid, feature 1 invalid")
    for props, g in layers["routes.geojson"]:
        expect(8 <= g.GetPointCount() <= 20, "route %d has %d vertices"
               % (props["id"], g.GetPointCount()))

    mask = layers["mask.geojson"][0][1]
    ext_area = area_km2(mask)
    print("extent area %.2f km2" % ext_area)

    control = layers["control.geojson"]
    settlements = layers["settlements.geojson"]
    spolys = layers["settlements_polygons.geojson"]
    fronts = {(p["source"], p["date"]): g for p, g in layers["front.geojson"]}

    # local metric frame for distances
    aeqd = osr.SpatialReference()
    aeqd.ImportFromProj4("+proj=aeqd +lat_0=48.45 +lon_0=37.85 +ellps=WGS84 +units=m")
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    tr = osr.CoordinateTransformation(wgs, aeqd)

    def to_m(g):
        g = g.Clone()
        g.Transform(tr)
        return g

    toretsk = ogr.CreateGeometryFromWkt("POINT (37.8478 48.3948)")
    status = {}
    print("per source/date:")
    for date in DATES:
        for source in SOURCES:
            rows = [(p, g) for p, g in control if p["source"] == source and p["date"] == date]
            ua = [g for p, g in rows if p["side"] == "UA" and p["status"] == "controlled"]
            ru = [g for p, g in rows if p["side"] == "RU" and p["status"] == "controlled"]
            expect(len(ua) == 1 and len(ru) == 1, "%s %s: one UA + one RU polygon" % (source, date))
            ua, ru = ua[0], ru[0]
            ov = area_km2(ua.Intersection(ru))
            union = ua.Union(ru)
            gap = area_km2(mask.Difference(union))
            outside = area_km2(union.Difference(mask))
            print("  %s %s: UA %.1f km2, RU %.1f km2, overlap %.3f km2, gap %.3f km2, "
                  "outside extent %.4f km2" % (source, date, area_km2(ua), area_km2(ru),
                                               ov, gap, outside))
            expect(0.0 < ov < 1.0, "overlap is a sliver (0 < %.3f < 1 km2)" % ov)
            expect(0.0 < gap < 1.0, "gap is a sliver (0 < %.3f < 1 km2)" % gap)
            expect(outside < 1e-3, "nothing outside the extent")
            # contact line lies between the two copies: within 150 m of both
            fm = to_m(fronts[(source, date)])
            expect(to_m(ua.Boundary()).Distance(fm) < 1.0 and to_m(ru.Boundary()).Distance(fm) < 1.0,
                   "front touches both polygon boundaries")
            ft = to_m(fronts[(source, date)])
            for name_ in ("UA", "RU"):
                b = to_m((ua if name_ == "UA" else ru).Boundary())
                # Hausdorff-ish: max distance from front vertices to boundary
                mx = max(b.Distance(ogr.CreateGeometryFromWkt(
                    "POINT (%f %f)" % (ft.GetX(i), ft.GetY(i)))) for i in range(ft.GetPointCount()))
                expect(mx <= 150.5, "front vertices within 150 m of %s boundary (max %.0f m)" % (name_, mx))
            if date == "2025-02-15":
                tgt = ru if source == "source_ru" else ua
                expect(tgt.Contains(toretsk), "Toretsk point inside %s polygon"
                       % ("RU" if source == "source_ru" else "UA"))
            for p, g in rows:
                if p["status"] == "contested":
                    print("  contested polygon: %.2f km2, inside UA: %.3f km2, on RU: %.4f km2"
                          % (area_km2(g), area_km2(g.Intersection(ua)), area_km2(g.Intersection(ru))))
                    expect(not g.Contains(toretsk), "Toretsk centre point not in contested polygon")
            for sp, sg in settlements:
                s = "none"
                if ua.Contains(sg) and ru.Contains(sg):
                    s = "BOTH"
                elif ua.Contains(sg):
                    s = "UA"
                elif ru.Contains(sg):
                    s = "RU"
                d = to_m(sg).Distance(fm)
                status.setdefault(sp["name"], {})[(source, date)] = (s, d)
            for sp, sg in spolys:
                a = area_km2(sg)
                print("    %-15s share UA %.2f  RU %.2f  (%.1f km2)"
                      % (sp["name"], area_km2(sg.Intersection(ua)) / a,
                         area_km2(sg.Intersection(ru)) / a, a))

    if True:
        print("settlement side (distance to that front, km):")
        hdr = "  %-22s" % "name" + "".join("%-18s" % ("%s %s" % (s[7:], d[:7]))
                                            for d in DATES for s in SOURCES)
        print(hdr)
        for sp, _ in settlements:
            st = status[sp["name"]]
            print("  %-22s" % sp["name"] + "".join(
                "%-18s" % ("%s %5.1f" % (st[(s, d)][0], st[(s, d)][1] / 1000))
                for d in DATES for s in SOURCES))
    # expectations from the brief
    st = status
    for d in DATES:
        for s in SOURCES:
            expect(st["Bakhmut"][(s, d)][0] == "RU", "Bakhmut RU %s %s" % (s, d))
            expect(st["Horlivka"][(s, d)][0] == "RU", "Horlivka RU %s %s" % (s, d))
            expect(st["Kostiantynivka"][(s, d)][0] == "UA", "Kostiantynivka UA %s %s" % (s, d))
    for s in SOURCES:
        d = st["Toretsk"][(s, "2024-10-15")]
        expect(d[0] == "UA" and 2000 <= d[1] <= 4000,
               "Toretsk UA, front %.1f km away, %s 2024-10-15" % (d[1] / 1000, s))
    print("RESULT:", "all checks passed" if ok else "SOME CHECKS FAILED")
    return ok


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(0 if check() else 1)
    build()
    print("written to", HERE)
