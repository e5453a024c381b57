/*
 * host.c - finding, opening and checking libfrontline_plugin.so.
 *
 * Rules, cited below as (H1)..(H4):
 *   (H1) search order: $FRONTLINE_PLUGIN (a file, or a directory holding
 *        the library); the directory of the executable; ../lib/frontline/
 *        relative to it. An explicit $FRONTLINE_PLUGIN that fails is final;
 *   (H2) every dlsym result is checked;
 *   (H3) a plugin that does not serve our ABI major is refused in one
 *        sentence saying which major each side speaks;
 *   (H4) the table and descriptor sizes must be at least what this host
 *        reads; descriptors are walked with the plugin's own sizes.
 * Not here: the commands (main.c).
 */
#include "host.h"

#include <ctype.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void append(char *dst, size_t n, const char *fmt, const char *a, const char *b) {
  size_t used = strlen(dst);
  if (used < n) snprintf(dst + used, n - used, fmt, a, b);
}

/* The directory of the running executable, or "" when unknown. */
static void exe_dir(char *out, size_t n) {
  char buf[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", buf, sizeof buf - 1);
  out[0] = '\0';
  if (len <= 0) return;
  buf[len] = '\0';
  char *slash = strrchr(buf, '/');
  if (!slash) return;
  *slash = '\0';
  snprintf(out, n, "%s", buf[0] ? buf : "/");
}

/* Try one path; on failure append why to tried. (H2, H3, H4) */
static int try_open(fl_host *h, const char *path, char *tried, size_t tried_len) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    append(tried, tried_len, "%s%s (not found)", *tried ? "; " : "", path);
    return 0;
  }
  dlerror();
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *e = dlerror();
    char why[512];
    snprintf(why, sizeof why, "%s (%s)", path, e ? e : "dlopen failed");
    append(tried, tried_len, "%s%s", *tried ? "; " : "", why);
    return 0;
  }
  dlerror();
  void *sym = dlsym(lib, FL_PLUGIN_ENTRY);
  const char *e = dlerror();
  if (!sym || e) {
    char why[512];
    snprintf(why, sizeof why, "%s (no symbol %s: not a Frontline plugin)", path,
             FL_PLUGIN_ENTRY);
    append(tried, tried_len, "%s%s", *tried ? "; " : "", why);
    dlclose(lib);
    return 0;
  }
  fl_plugin_query_fn query;
  memcpy(&query, &sym, sizeof query); /* object pointer to function pointer, as POSIX allows */
  const fl_plugin_api *api = query(FL_PLUGIN_ABI_MAJOR);
  char why[512];
  if (!api) {
    unsigned other = 0;
    for (unsigned m = 0; m < 64 && !other; m++)
      if (m != FL_PLUGIN_ABI_MAJOR && query(m)) other = m;
    if (other)
      snprintf(why, sizeof why,
               "%s (the plugin speaks ABI major %u, this frontline speaks %u: install "
               "matching versions)",
               path, other, (unsigned)FL_PLUGIN_ABI_MAJOR);
    else
      snprintf(why, sizeof why, "%s (the plugin does not serve ABI major %u)", path,
               (unsigned)FL_PLUGIN_ABI_MAJOR);
  } else if (api->abi_major != FL_PLUGIN_ABI_MAJOR) {
    snprintf(why, sizeof why, "%s (the plugin answered with ABI major %u, expected %u)", path,
             (unsigned)api->abi_major, (unsigned)FL_PLUGIN_ABI_MAJOR);
    api = NULL;
  } else if (api->struct_size < offsetof(fl_plugin_api, run) + sizeof api->run ||
             api->tool_desc_size < sizeof(fl_tool_desc) ||
             api->param_desc_size < sizeof(fl_param_desc) || !api->tool_count ||
             !api->tool_at || !api->run) {
    snprintf(why, sizeof why,
             "%s (its tables are smaller than ABI %u.0 defines: a damaged or foreign build)",
             path, (unsigned)FL_PLUGIN_ABI_MAJOR);
    api = NULL;
  }
  if (!api) {
    append(tried, tried_len, "%s%s", *tried ? "; " : "", why);
    dlclose(lib);
    return 0;
  }
  h->handle = lib;
  h->api = api;
  snprintf(h->path, sizeof h->path, "%s", path);
  return 1;
}

int fl_host_open(fl_host *h, char *err, size_t err_len) {
  char tried[4096] = "", path[PATH_MAX + 64], dir[PATH_MAX];
  memset(h, 0, sizeof *h);

  const char *env = getenv("FRONTLINE_PLUGIN"); /* (H1) */
  if (env && *env) {
    struct stat sb;
    if (stat(env, &sb) == 0 && S_ISDIR(sb.st_mode))
      snprintf(path, sizeof path, "%s/%s", env, FL_CLI_PLUGIN_NAME);
    else
      snprintf(path, sizeof path, "%s", env);
    if (try_open(h, path, tried, sizeof tried)) return 0;
    snprintf(err, err_len, "cannot load the Frontline plugin named by FRONTLINE_PLUGIN: %s",
             tried);
    return 1;
  }
  exe_dir(dir, sizeof dir);
  if (dir[0]) {
    snprintf(path, sizeof path, "%s/%s", dir, FL_CLI_PLUGIN_NAME);
    if (try_open(h, path, tried, sizeof tried)) return 0;
    snprintf(path, sizeof path, "%s/../lib/frontline/%s", dir, FL_CLI_PLUGIN_NAME);
    if (try_open(h, path, tried, sizeof tried)) return 0;
  } else {
    append(tried, sizeof tried, "%s%s", *tried ? "; " : "",
           "the executable's directory (unknown: /proc/self/exe unreadable)");
  }
  if (strstr(tried, "failed to map segment") || strstr(tried, "Cannot allocate memory"))
    snprintf(err, err_len, /* the loader ran out of address space (ulimit -v) */
             "out of memory loading the Frontline plugin %s (%s); raise the memory limit",
             FL_CLI_PLUGIN_NAME, tried);
  else
    snprintf(err, err_len,
             "cannot find the Frontline plugin %s; looked in: $FRONTLINE_PLUGIN (not set); %s. "
             "Set FRONTLINE_PLUGIN to the library's path",
             FL_CLI_PLUGIN_NAME, tried);
  return 1;
}

void fl_host_close(fl_host *h) {
  if (h->handle) dlclose(h->handle);
  memset(h, 0, sizeof *h);
}

int32_t fl_host_tool_count(const fl_host *h) {
  int32_t n = h->api->tool_count();
  return n < 0 ? 0 : n;
}

const fl_tool_desc *fl_host_tool(const fl_host *h, int32_t index) {
  return h->api->tool_at(index);
}

const fl_tool_desc *fl_host_find_tool(const fl_host *h, const char *id) {
  for (int32_t i = 0; i < fl_host_tool_count(h); i++) {
    const fl_tool_desc *t = fl_host_tool(h, i);
    if (t && t->id && strcmp(t->id, id) == 0) return t;
  }
  return NULL;
}

/* (H4): the plugin's stride, not ours. */
const fl_param_desc *fl_host_param(const fl_host *h, const fl_tool_desc *t, int32_t index) {
  if (!t->params || index < 0 || index >= t->n_params) return NULL;
  return (const fl_param_desc *)((const char *)t->params +
                                 (size_t)index * h->api->param_desc_size);
}

static int same_name(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
    if (x != y) return 0;
  }
  return *a == *b;
}

const fl_param_desc *fl_host_find_param(const fl_host *h, const fl_tool_desc *t,
                                        const char *name) {
  for (int32_t i = 0; i < t->n_params; i++) {
    const fl_param_desc *p = fl_host_param(h, t, i);
    if (p && p->name && same_name(p->name, name)) return p;
  }
  return NULL;
}

static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return (size_t)-1;
  size_t prev[64], cur[64];
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      char x = a[i - 1] == '-' ? '_' : (char)tolower((unsigned char)a[i - 1]);
      char y = b[j - 1] == '-' ? '_' : (char)tolower((unsigned char)b[j - 1]);
      size_t best = prev[j - 1] + (x != y);
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      cur[j] = best;
    }
    memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
  }
  return prev[lb];
}

const char *fl_host_closest(const char *word, const char *const *candidates, size_t n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1, lw = strlen(word);
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(word, candidates[i]);
    if (lw >= 3 && strncmp(candidates[i], word, lw) == 0 && d > 1) d = 1;
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  size_t limit = lw <= 4 ? 1 : lw <= 8 ? 2 : 3;
  return best_d <= limit ? best : NULL;
}
