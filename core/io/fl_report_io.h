/*
 * fl_report_io.h - writing a whole document file (file_write.c), for the
 * report and map outputs (core/report/, plugin/abi/). Internal: fl__ names.
 */
#ifndef FL_REPORT_IO_H
#define FL_REPORT_IO_H

#include <stddef.h>
#include "frontline/fl_ctx.h"

/* FL_OK when path can be written: absent, or a file and overwrite set.
 * Otherwise FL_E_EXISTS (message names @{param} and @{overwrite}), FL_E_IO, FL_E_ARG. */
fl_status fl__file_check_new(fl_ctx *ctx, const char *path, int overwrite, const char *param);

/* Write n bytes (borrowed) as the file path, atomically (temporary file,
 * then link or rename); an existing file is replaced only with overwrite.
 * @return FL_OK, FL_E_EXISTS, FL_E_IO, FL_E_NOMEM. */
fl_status fl__file_write(fl_ctx *ctx, const char *path, const void *data, size_t n,
                         int overwrite, const char *param);

#endif
