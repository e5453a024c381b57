/*
 * file_write.c - a document (the HTML report, an SVG or PNG map) written
 * whole, with the rules of the layer writers (source.c):
 *   (F1) an existing file is replaced only with overwrite;
 *   (F2) the bytes go to a temporary file beside the target (temp.c), which
 *        is synced and then linked (no overwrite) or renamed (overwrite) into
 *        place: a reader never sees half a file, and a failure leaves none.
 * Not here: what the documents hold (core/report/).
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fl_io_internal.h"
#include "fl_report_io.h"

fl_status fl__file_check_new(fl_ctx *ctx, const char *path, int overwrite, const char *param) {
  struct stat sb;
  if (!path || !*path) return fl__fail(ctx, FL_E_ARG, "@{%s} is empty", param);
  const char *slash = strrchr(path, '/');
  if (slash && slash != path) {
    char *dir = strndup(path, (size_t)(slash - path));
    if (!dir) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    int ok = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
    fl_status st = ok ? FL_OK
                      : fl__fail(ctx, FL_E_IO, "@{%s} '%s': the directory '%s' does not exist",
                                 param, path, dir);
    free(dir);
    if (st) return st;
  }
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) return fl__fail(ctx, FL_E_IO, "@{%s} '%s' is a directory", param, path);
    if (!overwrite) /* (F1) */
      return fl__fail(ctx, FL_E_EXISTS, "@{%s} '%s' exists; pass @{overwrite} to replace it",
                      param, path);
  }
  return FL_OK;
}

static fl_status write_all(fl_ctx *ctx, int fd, const char *path, const void *data, size_t n) {
  const char *p = data;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      return fl__fail(ctx, FL_E_IO, "writing '%s' failed (%s)", path,
                      w < 0 ? strerror(errno) : "no space written");
    p += w;
    n -= (size_t)w;
  }
  if (fsync(fd) != 0 && errno != EINVAL)
    return fl__fail(ctx, FL_E_IO, "writing '%s' failed (%s)", path, strerror(errno));
  return FL_OK;
}

fl_status fl__file_write(fl_ctx *ctx, const char *path, const void *data, size_t n,
                         int overwrite, const char *param) {
  fl_status st = fl__file_check_new(ctx, path, overwrite, param);
  if (st) return st;
  fl__temp_sweep(ctx, path);
  char *tmp = NULL;
  int fd = -1;
  if ((st = fl__temp_create(ctx, path, &tmp, &fd)) != FL_OK) return st; /* (F2) */
  st = write_all(ctx, fd, path, data, n);
  if (!st) {
    if (overwrite) {
      if (rename(tmp, path) != 0)
        st = fl__fail(ctx, FL_E_IO, "cannot move the finished file into place as '%s' (%s)",
                      path, strerror(errno));
    } else if (link(tmp, path) == 0) {
      unlink(tmp);
    } else if (errno == EEXIST) {
      st = fl__fail(ctx, FL_E_EXISTS, "@{%s} '%s' exists; pass @{overwrite} to replace it",
                    param, path);
    } else if (rename(tmp, path) != 0) { /* file systems without hard links */
      st = fl__fail(ctx, FL_E_IO, "cannot move the finished file into place as '%s' (%s)", path,
                    strerror(errno));
    }
  }
  if (st) fl__temp_remove(tmp);
  close(fd);
  free(tmp);
  return st;
}
