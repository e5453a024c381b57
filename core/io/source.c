/*
 * source.c - data-source strings, and the dispatch of fl_layer_read(),
 * fl_layer_list() and fl_layers_write() to the format files.
 *
 * Data sources: "path.gpkg:layer", "path.gpkg" (when it has exactly one
 * layer), "path.sqlite:table" (also .db, .spatialite, .sqlite3),
 * "path.geojson" / "path.json"; QGIS's "path|layername=x" is accepted too.
 * A file with another extension is recognised by its first bytes; any other
 * vector format GDAL/OGR reads goes to ogr_read.c: "path.shp", "path.kml:layer",
 * "path.fgb", "path.csv", ESRI JSON, GeoJSONSeq, GDAL's /vsi paths ("/vsizip/
 * a.zip/b.shp") and database connections ("PG:dbname=x host=y:table").
 * Outputs: .gpkg, .sqlite, .geojson by their own writers; .fgb, .kml, .csv,
 * .geojsonl and .gml through OGR (ogr_write.c). Rules for writing, cited below:
 *   (W1) the output is built under a temporary name beside the target
 *        (path + ".tmp-XXXXXX") and moved into place only when complete;
 *   (W2) on any failure (or cancel) the temporary file is removed;
 *   (W3) an existing target is refused with FL_E_EXISTS unless overwrite;
 *        without overwrite the move is a link(), which cannot replace a file
 *        that appeared meanwhile;
 *   (W4) a missing directory is FL_E_IO naming the directory;
 *   (W5) the temporary file of a run killed while writing is removed by the
 *        next run to the same target; a live writer's is kept (temp.c);
 *   (W6) a format named by its OGR driver (fl_write_opts.format: GPKG,
 *        SQLite, GeoJSON, FlatGeobuf, KML, CSV, GeoJSONSeq, GML, ESRI
 *        Shapefile) is chosen over the extension.
 * Open options (fl_read_opts.open_options) send an input through OGR
 * whatever its format: they are OGR's, and the own readers have none.
 *   (S1) so does a filter, QGIS's "|subset=SQL" at the end of a data-source
 *        string ("x.gpkg|layername=a|subset=\"pop\" > 1000"): OGR applies it
 *        as the layer's attribute filter, in the data source's SQL dialect.
 * Not here: the formats themselves (gpkg_*.c, spatialite_io.c, geojson*.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

/* ---- Small helpers shared by the io files ------------------------------- */

static const char *ext_of(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? dot + 1 : "";
}

fl__format fl__format_of_path(const char *path) {
  const char *e = ext_of(path);
  if (strcasecmp(e, "gpkg") == 0) return FL__FMT_GPKG;
  if (strcasecmp(e, "sqlite") == 0 || strcasecmp(e, "db") == 0 ||
      strcasecmp(e, "spatialite") == 0 || strcasecmp(e, "sqlite3") == 0)
    return FL__FMT_SPATIALITE;
  if (strcasecmp(e, "geojson") == 0 || strcasecmp(e, "json") == 0) return FL__FMT_GEOJSON;
  return FL__FMT_UNKNOWN;
}

char *fl__path_stem(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  char *s = malloc(n + 1);
  if (!s) return NULL;
  memcpy(s, base, n);
  s[n] = '\0';
  return s;
}

fl_status fl__strv_push(fl_ctx *ctx, char ***v, size_t *n, const char *s) {
  char **nv = realloc(*v, (*n + 2) * sizeof *nv);
  if (!nv) return fl__fail(ctx, FL_E_NOMEM, "out of memory listing layers");
  *v = nv;
  nv[*n] = fl__strdup(s);
  if (!nv[*n]) {
    nv[*n] = NULL;
    return fl__fail(ctx, FL_E_NOMEM, "out of memory listing layers");
  }
  nv[++*n] = NULL;
  return FL_OK;
}

/* "'a', 'b', 'c'" into buf, cut with "..." when it does not fit; the count. */
static size_t join_names(char *buf, size_t cap, char *const *names) {
  size_t used = 0, k = 0;
  buf[0] = '\0';
  for (; names && names[k]; k++) {
    int w = snprintf(buf + used, cap - used, "%s'%s'", k ? ", " : "", names[k]);
    if (w < 0 || (size_t)w >= cap - used) {
      snprintf(buf + cap - 4, 4, "...");
      while (names[k]) k++;
      break;
    }
    used += (size_t)w;
  }
  return k;
}

fl_status fl__fail_no_layer(fl_ctx *ctx, const char *what, const char *path, const char *name,
                            char *const *layers) {
  char list[600];
  if (join_names(list, sizeof list, layers) == 0)
    return fl__fail(ctx, FL_E_LAYER, "%s '%s' has no layer '%s'; it has no layers at all", what,
                    path, name);
  return fl__fail(ctx, FL_E_LAYER, "%s '%s' has no layer '%s'; its layers are: %s", what, path,
                  name, list);
}

fl_status fl__write_progress(fl_ctx *ctx, size_t done, size_t total) {
  return fl__progress(ctx, total ? (double)done / (double)total : 1.0);
}

/* ---- Reading ------------------------------------------------------------ */

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* An OGR database connection ("PG:dbname=..."), read by ogr_read.c only. */
static int is_connection(const char *source) {
  static const char *const prefixes[] = {"PG:", "MYSQL:", "MSSQL:", "OCI:", "WFS:"};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncasecmp(source, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

/* Whether the part of source before byte i names a data source that can
 * hold layers: a file that exists or a connection with a body. */
static int layer_prefix(const char *source, size_t i) {
  char *prefix = malloc(i + 1);
  if (!prefix) return 0;
  memcpy(prefix, source, i);
  prefix[i] = '\0';
  fl__format f = fl__format_of_path(prefix);
  int ok = f == FL__FMT_GPKG || f == FL__FMT_SPATIALITE || file_exists(prefix) ||
           (is_connection(prefix) && strchr(prefix, ':')[1] != '\0') ||
           strncmp(prefix, "/vsi", 4) == 0;
  free(prefix);
  return ok;
}

/* Split a data-source string into a path and an optional layer name. */
fl_status fl__split_source(fl_ctx *ctx, const char *source, char **path, char **layer) {
  const char *bar = strstr(source, "|layername=");
  size_t plen = strlen(source);
  const char *lname = NULL;
  if (bar) {
    plen = (size_t)(bar - source);
    lname = bar + strlen("|layername=");
  } else if (!file_exists(source)) {
    /* The last ':' whose left part names a database, a file or a connection. */
    for (size_t i = plen; i-- > 0;) {
      if (source[i] != ':') continue;
      if (layer_prefix(source, i)) {
        plen = i;
        lname = source + i + 1;
        break;
      }
    }
  }
  *path = malloc(plen + 1);
  *layer = lname ? fl__strdup(lname) : NULL;
  if (!*path || (lname && !*layer)) {
    free(*path);
    free(*layer);
    *path = *layer = NULL;
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  memcpy(*path, source, plen);
  (*path)[plen] = '\0';
  if (lname && !*lname) {
    free(*layer);
    *layer = NULL;
  }
  return FL_OK;
}

/* (S1) QGIS's "|subset=SQL" (the rest of the string) split off as a filter,
 * then path and layer as fl__split_source() gives them. */
static fl_status split_subset(fl_ctx *ctx, const char *source, char **path, char **layer,
                              char **where) {
  const char *sub = strstr(source, "|subset=");
  *where = NULL;
  if (!sub) return fl__split_source(ctx, source, path, layer);
  size_t n = (size_t)(sub - source);
  char *head = malloc(n + 1);
  *where = fl__strdup(sub + strlen("|subset="));
  if (!head || !*where) {
    free(head);
    free(*where);
    *where = NULL;
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  memcpy(head, source, n);
  head[n] = '\0';
  fl_status st = fl__split_source(ctx, head, path, layer);
  free(head);
  if (st || **where) return st;
  free(*where); /* an empty subset: no filter */
  *where = NULL;
  return FL_OK;
}

int fl_source_same_file(const char *source, const char *path) {
  struct stat a, b;
  if (!source || !path || stat(path, &b) != 0) return 0;
  const char *bar = strstr(source, "|layername="), *sub = strstr(source, "|subset=");
  if (!bar || (sub && sub < bar)) bar = sub; /* (S1) */
  size_t n = bar ? (size_t)(bar - source) : strlen(source);
  char *p = malloc(n + 1);
  if (!p) return 0;
  memcpy(p, source, n);
  p[n] = '\0';
  int same = 0;
  for (;;) { /* the whole string, then every prefix ending before a ':' */
    if (stat(p, &a) == 0 && S_ISREG(a.st_mode)) {
      same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
      break;
    }
    char *colon = strrchr(p, ':');
    if (bar || !colon) break;
    *colon = '\0';
  }
  free(p);
  return same;
}

/* Format of an existing file: GeoPackage or SpatiaLite by its tables, GeoJSON
 * by a leading '{'. The extension decides only between the two SQLite kinds
 * when the content does not. */
static fl__format sniff(const char *path) {
  unsigned char head[16] = {0};
  FILE *f = fopen(path, "rb");
  if (!f) return FL__FMT_UNKNOWN;
  size_t got = fread(head, 1, sizeof head, f);
  fclose(f);
  if (got == 16 && memcmp(head, "SQLite format 3", 16) == 0) {
    sqlite3 *db = NULL;
    fl__format r = fl__format_of_path(path) == FL__FMT_GPKG ? FL__FMT_GPKG : FL__FMT_SPATIALITE;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
      int gpkg = fl__sql_has_table(db, "gpkg_contents");
      int spl = fl__sql_has_table(db, "geometry_columns");
      if (gpkg && !spl) r = FL__FMT_GPKG;
      if (spl && !gpkg) r = FL__FMT_SPATIALITE;
    }
    sqlite3_close(db);
    return r;
  }
  for (size_t i = 0; i < got; i++) {
    if (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r') continue;
    if (head[i] == '{' || (head[i] == 0xEF && i + 2 < got && head[i + 1] == 0xBB))
      return FL__FMT_GEOJSON;
    break;
  }
  return fl__format_of_path(path);
}

static fl_status list_path(fl_ctx *ctx, const char *path, fl__format f, char ***out) {
  switch (f) {
  case FL__FMT_GPKG: return fl__gpkg_list(ctx, path, out);
  case FL__FMT_SPATIALITE: return fl__spatialite_list(ctx, path, out);
  case FL__FMT_GEOJSON: {
    char *name = NULL;
    fl_status st = fl__geojson_name(ctx, path, &name);
    if (st) return st;
    char **v = NULL;
    size_t n = 0;
    st = fl__strv_push(ctx, &v, &n, name);
    free(name);
    if (st) {
      fl_strv_free(v);
      return st;
    }
    *out = v;
    return FL_OK;
  }
  default:
    if (fl__ogr_driver(path)) return fl__ogr_list(ctx, path, out);
    return fl__fail(ctx, FL_E_LAYER,
                    "'%s' is neither a GeoPackage, a SpatiaLite database, GeoJSON nor another "
                    "vector format GDAL/OGR reads (Shapefile, KML, FlatGeobuf, CSV, ...)",
                    path);
  }
}

/* JSON that is not GeoJSON but a format OGR reads (ESRI JSON, GeoJSON
 * sequences): read through OGR. TopoJSON stays with the GeoJSON reader, which
 * says what is wrong with a "Topology" more plainly. */
static int by_ogr(const char *path) {
  const char *d = fl__ogr_driver(path);
  return d && (strcmp(d, "ESRIJSON") == 0 || strcmp(d, "GeoJSONSeq") == 0);
}

static fl_status check_file(fl_ctx *ctx, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    return fl__fail(ctx, FL_E_LAYER, "file '%s' does not exist (%s)", path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fl__fail(ctx, FL_E_LAYER, "'%s' is not a regular file", path);
  if (access(path, R_OK) != 0)
    return fl__fail(ctx, FL_E_IO, "file '%s' cannot be read (%s)", path, strerror(errno));
  return FL_OK;
}

fl_status fl_layer_read(fl_ctx *ctx, const char *source, fl_layer **out) {
  return fl_layer_read_opts(ctx, source, NULL, out);
}

/* A path alone names a GeoPackage or SpatiaLite file's layer only when the
 * file has exactly one: its name into *layer; none, or several (named in
 * the message), is an error. */
static fl_status only_layer(fl_ctx *ctx, const char *path, fl__format f, char **layer) {
  char **names = NULL;
  fl_status st = list_path(ctx, path, f, &names);
  if (st != FL_OK) return st;
  size_t k = 0;
  while (names[k]) k++;
  if (k == 1) {
    *layer = fl__strdup(names[0]);
    if (!*layer) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  } else if (k == 0) {
    st = fl__fail(ctx, FL_E_LAYER, "%s '%s' has no layers",
                  f == FL__FMT_GPKG ? "GeoPackage" : "SpatiaLite database", path);
  } else {
    char list[600];
    join_names(list, sizeof list, names);
    st = fl__fail(ctx, FL_E_LAYER, "%s '%s' has %zu layers (%s); name one, as in '%s:%s'",
                  f == FL__FMT_GPKG ? "GeoPackage" : "SpatiaLite database", path, k, list, path,
                  names[0]);
  }
  fl_strv_free(names);
  return st;
}

/* The layer of source (split into path, *layer and where) into *l, by the
 * reader its kind wants: OGR for connections, /vsi paths, open options and
 * subsets (S1) and the formats only OGR reads; Frontline's own GeoJSON,
 * GeoPackage and SpatiaLite readers otherwise. *layer may be set here. */
static fl_status read_path(fl_ctx *ctx, const char *source, const char *path, char **layer,
                           const char *where, const char *const *oo, fl_layer **l) {
  fl_status st;
  if (is_connection(path) || strncmp(path, "/vsi", 4) == 0)
    return fl__ogr_read(ctx, path, *layer, source, oo, where, l);
  if ((st = check_file(ctx, path)) != FL_OK) return st;
  if (oo || where) /* (S1) */
    return fl__ogr_read(ctx, path, *layer, source, oo, where, l);
  fl__format f = sniff(path);
  if (f == FL__FMT_GEOJSON && !by_ogr(path)) return fl__geojson_read(ctx, path, source, l);
  if (f != FL__FMT_GPKG && f != FL__FMT_SPATIALITE) {
    if (f == FL__FMT_GEOJSON || fl__ogr_driver(path))
      return fl__ogr_read(ctx, path, *layer, source, NULL, NULL, l);
    return list_path(ctx, path, f, NULL); /* fails with the message */
  }
  if (!*layer && (st = only_layer(ctx, path, f, layer)) != FL_OK) return st;
  if (f == FL__FMT_GPKG) return fl__gpkg_read(ctx, path, *layer, source, l);
  return fl__spatialite_read(ctx, path, *layer, source, l);
}

fl_status fl_layer_read_opts(fl_ctx *ctx, const char *source, const fl_read_opts *opts,
                             fl_layer **out) {
  if (!out) return fl__fail(ctx, FL_E_ARG, "fl_layer_read() needs an output pointer");
  const char *const *oo = opts && opts->open_options && opts->open_options[0]
                              ? opts->open_options : NULL;
  *out = NULL;
  if (!source || !*source) return fl__fail(ctx, FL_E_ARG, "the data-source string is empty");
  char *path = NULL, *layer = NULL, *where = NULL;
  fl_status st = split_subset(ctx, source, &path, &layer, &where);
  if (st) return st;
  fl_layer *l = NULL;
  st = read_path(ctx, source, path, &layer, where, oo, &l);
  free(path);
  free(layer);
  free(where);
  if (st == FL_OK && l) {
    char *src = fl__strdup(source);
    if (!src) {
      fl_layer_destroy(ctx, l);
      return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    }
    free(l->source);
    l->source = src;
    *out = l;
  } else if (l) {
    fl_layer_destroy(ctx, l);
  }
  return st;
}

fl_status fl_layer_list(fl_ctx *ctx, const char *path, char ***out) {
  if (!out) return fl__fail(ctx, FL_E_ARG, "fl_layer_list() needs an output pointer");
  *out = NULL;
  if (!path || !*path) return fl__fail(ctx, FL_E_ARG, "the path is empty");
  fl_status st = check_file(ctx, path);
  if (st) return st;
  return list_path(ctx, path, sniff(path), out);
}

/* ---- Writing ------------------------------------------------------------ */

/* (W4): the directory of path must exist. */
static fl_status check_dir(fl_ctx *ctx, const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return FL_OK; /* the current directory */
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *dir = malloc(n + 1);
  if (!dir) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  memcpy(dir, path, n);
  dir[n] = '\0';
  struct stat st;
  fl_status r = FL_OK;
  if (stat(dir, &st) != 0)
    r = fl__fail(ctx, FL_E_IO, "directory '%s' of output '%s' does not exist; create it first",
                 dir, path);
  else if (!S_ISDIR(st.st_mode))
    r = fl__fail(ctx, FL_E_IO, "'%s' in output '%s' is not a directory", dir, path);
  free(dir);
  return r;
}

static void sync_path(const char *path, int directory) {
  int fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

static fl_status check_layers(fl_ctx *ctx, const char *path, fl__format f,
                              const fl_layer *const *layers, size_t n) {
  if (n == 0 || !layers)
    return fl__fail(ctx, FL_E_ARG, "no layers to write to '%s'", path);
  if (f == FL__FMT_GEOJSON && n != 1)
    return fl__fail(ctx, FL_E_ARG,
                    "GeoJSON output '%s' holds exactly one layer, but %zu were given; write a "
                    ".gpkg instead",
                    path, n);
  for (size_t i = 0; i < n; i++) {
    const fl_layer *l = layers[i];
    if (!l) return fl__fail(ctx, FL_E_ARG, "layer %zu of %zu to write to '%s' is NULL", i + 1, n, path);
    if (!l->name || !*l->name)
      return fl__fail(ctx, FL_E_ARG, "layer %zu of %zu to write to '%s' has no name", i + 1, n,
                      path);
    for (size_t k = 0; k < l->n_fields; k++)
      if (!l->fields[k].name || !*l->fields[k].name)
        return fl__fail(ctx, FL_E_ARG, "layer '%s': field %zu has no name", l->name, k + 1);
    for (size_t j = 0; j < i; j++)
      if (strcasecmp(layers[j]->name, l->name) == 0)
        return fl__fail(ctx, FL_E_ARG,
                        "two layers to write to '%s' are both named '%s'; names must differ "
                        "(case-insensitively)",
                        path, l->name);
  }
  return FL_OK;
}

int fl_output_writable(const char *path) {
  return path && (fl__format_of_path(path) != FL__FMT_UNKNOWN || fl__ogr_writer(path, NULL) >= 0);
}

const char *fl_output_extensions(void) {
  return ".gpkg, .sqlite, .geojson, .fgb, .kml, .csv, .geojsonl, .gml, .shz or .shp.zip";
}

const char *fl_output_formats(void) {
  return "GPKG, SQLite, GeoJSON, FlatGeobuf, KML, CSV, GeoJSONSeq, GML or ESRI Shapefile";
}

/* (W6) Frontline's own writers by their OGR driver names. */
static fl__format own_format_named(const char *format) {
  if (strcasecmp(format, "GPKG") == 0) return FL__FMT_GPKG;
  if (strcasecmp(format, "SQLite") == 0) return FL__FMT_SPATIALITE;
  if (strcasecmp(format, "GeoJSON") == 0) return FL__FMT_GEOJSON;
  return FL__FMT_UNKNOWN;
}

/* (W6) The writer of an output: the named format (an OGR driver short name)
 * over the extension. *f: one of Frontline's own formats, or UNKNOWN and
 * *ogr >= 0 an OGR writer; FL_E_ARG naming the output when there is none. */
static fl_status output_writer(fl_ctx *ctx, const char *path, const char *format, fl__format *f,
                               int *ogr, int *one_layer) {
  *ogr = -1;
  *one_layer = 0;
  if (!format || !*format) {
    *f = fl__format_of_path(path);
    if (*f == FL__FMT_UNKNOWN) *ogr = fl__ogr_writer(path, one_layer);
    if (*f == FL__FMT_UNKNOWN && *ogr < 0)
      return fl__fail(ctx, FL_E_ARG, "output '%s' has an unknown extension; use %s", path,
                      fl_output_extensions());
    return FL_OK;
  }
  *f = own_format_named(format);
  if (*f != FL__FMT_UNKNOWN) return FL_OK;
  *ogr = fl__ogr_writer_named(format, path, one_layer);
  if (*ogr == -2)
    return fl__fail(ctx, FL_E_ARG, "output '%s': a Shapefile is written as one zip file; "
                    "name it .shz (one layer) or .shp.zip", path);
  if (*ogr < 0)
    return fl__fail(ctx, FL_E_ARG, "output format '%s' is not one Frontline writes; use %s",
                    format, fl_output_formats());
  return FL_OK;
}

int fl_output_writable_as(const char *path, const char *format) {
  if (!path || !*path) return 0;
  if (!format || !*format) return fl_output_writable(path);
  if (own_format_named(format) != FL__FMT_UNKNOWN) return 1;
  return fl__ogr_writer_named(format, path, NULL) >= 0;
}

fl_status fl_layers_write(fl_ctx *ctx, const char *path, const fl_layer *const *layers, size_t n,
                          const fl_write_opts *opts) {
  int overwrite = opts && opts->overwrite;
  if (!path || !*path) return fl__fail(ctx, FL_E_ARG, "the output path is empty");
  fl__format f;
  int ogr, one_layer;
  fl_status st = output_writer(ctx, path, opts ? opts->format : NULL, &f, &ogr, &one_layer);
  if (st) return st;
  st = check_layers(ctx, path, f, layers, n);
  if (!st && one_layer && n != 1)
    st = fl__fail(ctx, FL_E_ARG, "output '%s' holds exactly one layer, but %zu were given; "
                  "write a .gpkg instead", path, n);
  if (st) return st;
  char *tmp = NULL;
  int lock_fd = -1;
  if ((st = fl__output_begin(ctx, path, overwrite, &tmp, &lock_fd)) != FL_OK) return st;
  switch (f) {
  case FL__FMT_GPKG: st = fl__gpkg_write(ctx, tmp, path, layers, n); break;
  case FL__FMT_SPATIALITE: st = fl__spatialite_write(ctx, tmp, path, layers, n); break;
  case FL__FMT_GEOJSON: st = fl__geojson_write(ctx, tmp, path, layers[0]); break;
  default: st = fl__ogr_write(ctx, ogr, tmp, path, layers, n); break;
  }
  return fl__output_finish(ctx, path, overwrite, tmp, lock_fd, st);
}

fl_status fl__output_begin(fl_ctx *ctx, const char *path, int overwrite, char **tmp,
                           int *lock_fd) {
  fl_status st;
  *tmp = NULL;
  *lock_fd = -1;
  if ((st = check_dir(ctx, path)) != FL_OK) return st;
  struct stat sb;
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return fl__fail(ctx, FL_E_IO, "output '%s' is a directory", path);
    if (!overwrite) /* (W3) */
      return fl__fail(ctx, FL_E_EXISTS, "output '%s' exists; pass @{overwrite} to replace it",
                      path);
  }
  fl__temp_sweep(ctx, path); /* (W5) */
  return fl__temp_create(ctx, path, tmp, lock_fd);
}

fl_status fl__output_finish(fl_ctx *ctx, const char *path, int overwrite, char *tmp, int lock_fd,
                            fl_status st) {
  struct stat sb;
  if (st == FL_OK) st = fl__progress(ctx, 1.0); /* a last chance to cancel */
  if (st == FL_OK) {
    sync_path(tmp, 0);
    if (overwrite) {
      if (rename(tmp, path) != 0)
        st = fl__fail(ctx, FL_E_IO, "cannot move the finished output into place as '%s' (%s)",
                      path, strerror(errno));
    } else if (link(tmp, path) == 0) { /* (W3): fails if the target appeared meanwhile */
      unlink(tmp);
    } else if (errno == EEXIST) {
      st = fl__fail(ctx, FL_E_EXISTS, "output '%s' exists; pass @{overwrite} to replace it", path);
    } else if (stat(path, &sb) == 0) {
      st = fl__fail(ctx, FL_E_EXISTS, "output '%s' exists; pass @{overwrite} to replace it", path);
    } else if (rename(tmp, path) != 0) { /* file systems without hard links */
      st = fl__fail(ctx, FL_E_IO, "cannot move the finished output into place as '%s' (%s)",
                    path, strerror(errno));
    }
  }
  if (st) {
    fl__temp_remove(tmp); /* (W2) */
  } else {
    char *slash = strrchr(tmp, '/');
    if (slash) {
      *slash = '\0';
      sync_path(slash == tmp ? "/" : tmp, 1);
    } else {
      sync_path(".", 1);
    }
  }
  if (lock_fd >= 0) close(lock_fd); /* (W5): the temporary file is no longer ours */
  free(tmp);
  return st;
}
