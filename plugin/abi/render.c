/*
 * render.c - PNG maps through libfrontline_render.so (plugin/render/), loaded
 * from the directory of this library the first time a PNG is asked for and
 * kept loaded (GLib, which it brings, does not support being unloaded).
 * Not here: the rendering itself (plugin/render/render_png.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr */
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_internal.h"

typedef int (*render_fn)(const char *, size_t, double, unsigned char **, size_t *, char *,
                         size_t);
typedef void (*free_fn)(void *);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static render_fn render;
static free_fn render_free;

/* The module beside this library: <dir of libfrontline_plugin.so>/libfrontline_render.so. */
static int load(char *err, size_t errlen) {
  Dl_info info;
  char path[4096];
  if (!dladdr((void *)&load, &info) || !info.dli_fname) {
    snprintf(err, errlen, "the plugin library cannot find its own directory");
    return 0;
  }
  const char *slash = strrchr(info.dli_fname, '/');
  snprintf(path, sizeof path, "%.*slibfrontline_render.so",
           slash ? (int)(slash - info.dli_fname + 1) : 0, info.dli_fname);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!h) {
    snprintf(err, errlen, "PNG maps need %s (built with librsvg and cairo): %s; write an .svg "
             "map instead", path, dlerror());
    return 0;
  }
  render = (render_fn)(uintptr_t)dlsym(h, "fl_render_svg_png");
  render_free = (free_fn)(uintptr_t)dlsym(h, "fl_render_free");
  if (!render || !render_free) {
    render = NULL;
    snprintf(err, errlen, "%s lacks fl_render_svg_png; rebuild Frontline", path);
    return 0;
  }
  return 1;
}

fl_status flp_render_png(const char *svg, size_t n, double scale, unsigned char **png,
                         size_t *png_n, char *errbuf, size_t errlen) {
  *png = NULL;
  *png_n = 0;
  pthread_mutex_lock(&lock);
  int ok = render || load(errbuf, errlen);
  pthread_mutex_unlock(&lock);
  if (!ok) return FL_E_IO;
  unsigned char *p = NULL;
  size_t np = 0;
  int st = render(svg, n, scale, &p, &np, errbuf, errlen);
  if (st) return (fl_status)st;
  /* A copy in this library's heap, so that free() here is right. */
  *png = malloc(np ? np : 1);
  if (!*png) {
    render_free(p);
    snprintf(errbuf, errlen, "out of memory copying the PNG map");
    return FL_E_NOMEM;
  }
  memcpy(*png, p, np);
  *png_n = np;
  render_free(p);
  return FL_OK;
}
