/*
 * temp.c - the temporary file beside an output (source.c's W1, W2, W5).
 *
 * A writer creates path + ".tmp-XXXXXX" exclusively and holds an flock() on
 * it until the finished file is moved into place (SQLite's own locks are
 * POSIX record locks, which flock() does not touch). A run killed while
 * writing (kill -9, a second Ctrl-C) leaves its temporary file behind, no
 * longer locked: the next run to the same target finds it by name, takes
 * its lock without waiting and removes it, with its -journal, -wal and -shm
 * files. A file that is locked belongs to a live writer and is kept; one
 * younger than 2 s is kept too (created, not yet locked).
 * Not here: the formats (gpkg_write.c, spatialite_io.c, geojson_write.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fl_io_internal.h"

/* (W1): create path + ".tmp-XXXXXX" exclusively, mode 0666 less the umask. */
fl_status fl__temp_create(fl_ctx *ctx, const char *path, char **tmp, int *lock_fd) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static _Thread_local uint64_t counter;
  size_t n = strlen(path) + 12;
  char *t = malloc(n);
  if (!t) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
               (uint64_t)(uintptr_t)t;
  for (int attempt = 0; attempt < 100; attempt++) {
    x += 0x9E3779B97F4A7C15ull * ++counter;
    uint64_t r = x;
    char suffix[7];
    for (int i = 0; i < 6; i++) {
      r ^= r >> 33;
      r *= 0xFF51AFD7ED558CCDull;
      r ^= r >> 29;
      suffix[i] = alphabet[r % 36];
    }
    suffix[6] = '\0';
    snprintf(t, n, "%s.tmp-%s", path, suffix);
    int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      (void)flock(fd, LOCK_EX); /* (W5): held until the output is in place */
      *lock_fd = fd;
      *tmp = t;
      return FL_OK;
    }
    if (errno != EEXIST) {
      int e = errno;
      free(t);
      return fl__fail(ctx, FL_E_IO, "cannot create a temporary file beside '%s' (%s)", path,
                      strerror(e));
    }
  }
  free(t);
  return fl__fail(ctx, FL_E_IO, "cannot find a free temporary name beside '%s'", path);
}

/* (W2) */
void fl__temp_remove(const char *tmp) {
  static const char *const extra[] = {"-journal", "-wal", "-shm"};
  unlink(tmp);
  size_t n = strlen(tmp) + 10;
  char *s = malloc(n);
  if (!s) return;
  for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
    snprintf(s, n, "%s%s", tmp, extra[i]);
    unlink(s);
  }
  free(s);
}


/* A name that fl__temp_create could have made for base: base.tmp-[a-z0-9]{6}. */
static int is_temp_name(const char *name, const char *base) {
  size_t nb = strlen(base);
  if (strncmp(name, base, nb) != 0 || strncmp(name + nb, ".tmp-", 5) != 0) return 0;
  const char *s = name + nb + 5;
  for (int i = 0; i < 6; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))) return 0;
  return s[6] == '\0';
}

void fl__temp_sweep(fl_ctx *ctx, const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t nd = slash ? (size_t)(slash - path) : 0;
  char *dir = malloc(nd + 2);
  if (!dir) return;
  if (slash) {
    memcpy(dir, path, nd ? nd : 1);
    dir[nd ? nd : 1] = '\0';
  } else {
    strcpy(dir, ".");
  }
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (!is_temp_name(e->d_name, base)) continue;
    size_t n = strlen(dir) + strlen(e->d_name) + 2;
    char *full = malloc(n);
    if (!full) break;
    snprintf(full, n, "%s/%s", dir, e->d_name);
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &sb) == 0 &&
        S_ISREG(sb.st_mode) && time(NULL) - sb.st_mtime >= 2) {
      fl__temp_remove(full);
      fl__warn(ctx, "removed '%s', the temporary file of an earlier run to '%s' that was "
               "stopped while writing", full, path);
    }
    if (fd >= 0) close(fd);
    free(full);
  }
  if (d) closedir(d);
  free(dir);
}
