/*
 * fl_ogr.h - what ogr_read.c and ogr_arrow.c share: one read of an OGR layer
 * into a Frontline layer. Internal to core/io; includes GDAL's headers.
 */
#ifndef FL_OGR_H
#define FL_OGR_H

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "fl_io_internal.h"

typedef struct fl__ogr_job {
  fl_ctx *ctx;
  const char *source;
  fl_layer *out;                          /* fields made (ogr_read.c add_fields) */
  OGRCoordinateTransformationH to_lonlat; /* (O2) NULL: keep the data's CRS */
  int *field_of;                          /* OGR field -> layer field */
  /* (O8) NULL: keep every feature; else called with each batch read, after
   * which the batch's features are freed (fl__ogr_scan). */
  fl_status (*on_batch)(fl_ctx *ctx, const fl_layer *batch, void *user);
  void *user;
  /* (O10) GeoPackage rules (gpkg_read.c): Z kept, dates and date-times as
   * TEXT, the SRID given by gpkg_srid (>= 0) instead of OGR's CRS. */
  int gpkg;
  int gpkg_srid;
  /* (O10) The fields in the table's order and types (gpkg_read.c R2),
   * borrowed, or NULL; short [out]: 1, with nothing read, when OGR does not
   * read one of them (a declared type it does not know, as VARCHAR(10)). */
  const fl_layer *schema;
  int short_of_fields;
} fl__ogr_job;

/* (O4) One geometry from OGR into GEOS the way every read path does it:
 * linearised, reprojected when j->to_lonlat, flattened to 2D (not with
 * j->gpkg: Z kept, M dropped), empty -> NULL.
 * g borrowed; fid for messages. */
fl_status fl__ogr_geom(fl__ogr_job *j, OGRGeometryH g, long long fid, GEOSGeometry **out);
/* FL_E_GEOM for feature fid's geometry; of a GeoPackage (O10) as gpkg_read.c
 * R3 words it, with the blob reader's reason when blob_said. */
fl_status fl__ogr_geom_fail(fl__ogr_job *j, long long fid, int blob_said);

/*
 * (O7) Read the layer through OGR's Arrow stream (RFC 86, GDAL 3.6) in
 * batches into j->out. *unsupported [out] 1, with nothing read, when a field
 * type has no column reader here (date-times, lists, binary): the caller then
 * reads feature by feature. FL_OK, FL_E_GEOM, FL_E_NOMEM, FL_E_IO,
 * FL_E_CANCEL.
 */
fl_status fl__ogr_arrow_read(fl__ogr_job *j, OGRLayerH l, int *unsupported);
/* 1 (the default): ogr_read.c reads in batches; 0: feature by feature (for
 * the benchmark that compares them). */
extern int fl__ogr_batches;

/*
 * (O8) Read a data source's layer through OGR in batches without keeping it:
 * on_batch gets each batch (a layer of at most 65,536 features, borrowed for
 * the call); a failure it returns stops the read. Memory holds one batch.
 */
fl_status fl__ogr_scan(fl_ctx *ctx, const char *source,
                       fl_status (*on_batch)(fl_ctx *, const fl_layer *, void *), void *user);

#endif
