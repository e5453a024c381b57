/*
 * write_cause.c - why a write failed, in words a user can act on, and
 * SpatiaLite's own stderr lines kept out of the user's terminal.
 *
 * A full disk shows up as SQLite's SQLITE_FULL ("database or disk is full"),
 * as errno ENOSPC from stdio, or - inside a SpatiaLite SQL function, which
 * reports failure as 0 and prints its reasons with fprintf(stderr) whatever
 * the connection's settings - only as those printed lines. So the writers
 * run SpatiaLite's functions with stderr (fd 2) sent to a temporary file
 * (fl__stderr_capture_*), keep its first line, and say "disk full" when any
 * sign of it is there, else quote SpatiaLite's line as the cause. fd 2 is
 * process-wide: a mutex keeps two writers from interleaving their captures.
 * Not here: the writers (gpkg_write.c, spatialite_io.c, geojson_write.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

static pthread_mutex_t capture_lock = PTHREAD_MUTEX_INITIALIZER;

void fl__stderr_capture_begin(fl__stderr_capture *c) {
  pthread_mutex_lock(&capture_lock);
  c->text[0] = '\0';
  c->file = NULL;
  fflush(stderr);
  c->saved = dup(STDERR_FILENO);
  if (c->saved < 0) return;
  c->file = tmpfile();
  int fd = c->file ? fileno(c->file) : -1;
  if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
    if (c->file) fclose(c->file);
    c->file = NULL;
    close(c->saved);
    c->saved = -1;
  }
}

void fl__stderr_capture_end(fl__stderr_capture *c) {
  if (c->saved >= 0) {
    fflush(stderr);
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    c->saved = -1;
  }
  if (c->file) {
    char line[sizeof c->text];
    rewind(c->file);
    while (!c->text[0] && fgets(line, sizeof line, c->file)) {
      char *p = line + strspn(line, " \t\r\n");
      p[strcspn(p, "\r\n")] = '\0';
      snprintf(c->text, sizeof c->text, "%s", p);
    }
    fclose(c->file);
    c->file = NULL;
  }
  fl__msg_clean(c->text);
  pthread_mutex_unlock(&capture_lock);
}

int fl__write_disk_full(sqlite3 *db, const char *captured) {
  if (db && (sqlite3_errcode(db) == SQLITE_FULL || sqlite3_system_errno(db) == ENOSPC)) return 1;
  return captured && (strstr(captured, "disk is full") || strstr(captured, "No space left"));
}
