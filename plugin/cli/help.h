/*
 * help.h - text the `frontline` command prints about itself and the tools,
 * generated from the plugin's descriptors.
 */
#ifndef FL_CLI_HELP_H
#define FL_CLI_HELP_H

#include <stdio.h>

#include "host.h"

/* The option spelling of a parameter name: "snap_m" -> "snap-m". */
void fl_cli_option_name(const char *param, char *out, size_t n);
/* Spell in place the parameter tokens "@{snap_m}" of a message from the
 * plugin (plugin.h, "Messages") as options: "--snap-m". */
void fl_cli_spell_params(char *text, size_t cap);
void fl_cli_usage(FILE *f);
void fl_cli_list(FILE *f, const fl_host *h);
void fl_cli_tool_help(FILE *f, const fl_host *h, const fl_tool_desc *t);

#endif
