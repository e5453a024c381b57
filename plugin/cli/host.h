/*
 * host.h - how the `frontline` command finds and opens the plugin library.
 *
 * The CLI is a pure host of the plugin ABI (include/frontline/plugin.h): it
 * knows nothing of any tool, and reads every tool and parameter from the
 * descriptors. Descriptor arrays are walked with the plugin's own element
 * sizes (param_desc_size), so a plugin of a later ABI minor with longer
 * descriptors still reads right.
 * Not here: the commands (main.c), the help text (help.c).
 */
#ifndef FL_CLI_HOST_H
#define FL_CLI_HOST_H

#include <stddef.h>

#include "frontline/plugin.h"

#define FL_CLI_PLUGIN_NAME "libfrontline_plugin.so"

typedef struct fl_host {
  void *handle;                /* from dlopen                                     */
  const fl_plugin_api *api;    /* static in the plugin                            */
  char path[4096];             /* the library that was opened                     */
} fl_host;

/* Find, open and check the plugin. Search order: $FRONTLINE_PLUGIN; beside the
 * executable; ../lib/frontline/ relative to the executable. On failure returns
 * nonzero with one sentence in err naming every place it looked. */
int fl_host_open(fl_host *h, char *err, size_t err_len);
void fl_host_close(fl_host *h);

int32_t fl_host_tool_count(const fl_host *h);
const fl_tool_desc *fl_host_tool(const fl_host *h, int32_t index);
const fl_tool_desc *fl_host_find_tool(const fl_host *h, const char *id);
const fl_param_desc *fl_host_param(const fl_host *h, const fl_tool_desc *t, int32_t index);
/* The parameter of t called name ('-' and '_' alike), or NULL. */
const fl_param_desc *fl_host_find_param(const fl_host *h, const fl_tool_desc *t,
                                        const char *name);
/* The candidate closest to word (edit distance), or NULL when none is close. */
const char *fl_host_closest(const char *word, const char *const *candidates, size_t n);

#endif
