/*
 * tool_report.c - the report and map outputs of analyze and change (ABI
 * 1.2, FL_PARAM_DOC_OUT): checks before the run, and writing after the
 * layers are in place.
 * Rules:
 *   (R1) report: .html or .htm; map: .png or .svg; any other name is refused
 *        before any work, as is an existing file without overwrite;
 *   (R2) the documents are written after the layers, each atomically (a
 *        failure leaves no half file, and the layers stay written);
 *   (R3) the report lists the input layers as given (parameter titles).
 * Not here: the page and the map (core/report/), PNG (render.c, plugin/render/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fl_report.h"
#include "fl_report_io.h"
#include "plugin_internal.h"

#define MAP_W 1200
#define MAP_H 850
#define PNG_SCALE 1.5

static int ends_ci(const char *s, const char *ext) {
  size_t n = strlen(s), e = strlen(ext);
  return n > e && strcasecmp(s + n - e, ext) == 0;
}

fl_status flp_report_check(flp_run *r) {
  const char *rep = flp_arg_text(r, "report"), *map = flp_arg_text(r, "map");
  int ow = flp_arg_bool(r, "overwrite");
  if (rep && !ends_ci(rep, ".html") && !ends_ci(rep, ".htm")) /* (R1) */
    return flp_fail(r, FL_E_ARG, "@{report} must be a file name ending in .html, got '%s'", rep);
  if (map && !ends_ci(map, ".png") && !ends_ci(map, ".svg"))
    return flp_fail(r, FL_E_ARG, "@{map} must be a file name ending in .png or .svg, got '%s'",
                    map);
  const char *out = flp_arg_text(r, "output");
  if (out && ((rep && !strcmp(rep, out)) || (map && !strcmp(map, out)) ||
              (rep && map && !strcmp(rep, map))))
    return flp_fail(r, FL_E_ARG, "@{report}, @{map} and @{output} must be different files");
  fl_ctx_clear_error(r->ctx);
  if (rep && fl__file_check_new(r->ctx, rep, ow, "report"))
    return flp_fail_ctx(r, fl_ctx_status(r->ctx), NULL);
  if (map && fl__file_check_new(r->ctx, map, ow, "map"))
    return flp_fail_ctx(r, fl_ctx_status(r->ctx), NULL);
  return FL_OK;
}

/* (R3) */
static size_t input_lines(flp_run *r, char lines[][600], const char **ptrs, size_t max) {
  const fl_tool_desc *t = &r->tool->desc;
  size_t n = 0;
  for (int32_t i = 0; i < t->n_params && n < max; i++) {
    const fl_param_desc *p = &t->params[i];
    if (p->type != FL_PARAM_LAYER || !r->args[i].present || !r->args[i].text) continue;
    snprintf(lines[n], 600, "%s: %s", p->title, r->args[i].text);
    ptrs[n] = lines[n];
    n++;
  }
  return n;
}

static fl_status write_doc(flp_run *r, const char *param, const char *path, const void *data,
                           size_t n) {
  fl_ctx_clear_error(r->ctx);
  fl_status st = fl__file_write(r->ctx, path, data, n, flp_arg_bool(r, "overwrite"), param);
  if (!st) return FL_OK;
  if (st == FL_E_EXISTS) return flp_fail_ctx(r, st, "");
  char prefix[FLP_ERR_LEN];
  snprintf(prefix, sizeof prefix, "@{%s}: could not write '%s'", param, path);
  return flp_fail_ctx(r, st, prefix);
}

static fl_status write_map(flp_run *r, const fl__report_in *in, const char *path) {
  fl__rbuf b = {0};
  fl_ctx_clear_error(r->ctx);
  fl_status st = fl__report_map(r->ctx, in, MAP_W, MAP_H, 1, &b);
  if (st) {
    fl__rb_free(&b);
    return flp_fail_ctx(r, st, "@{map}");
  }
  if (ends_ci(path, ".svg")) {
    st = write_doc(r, "map", path, b.p, b.n);
  } else {
    unsigned char *png = NULL;
    size_t np = 0;
    char err[512];
    st = flp_render_png(b.p, b.n, PNG_SCALE, &png, &np, err, sizeof err);
    if (st)
      flp_fail(r, st, "@{map}: %s", err);
    else
      st = write_doc(r, "map", path, png, np);
    free(png);
  }
  fl__rb_free(&b);
  if (!st) flp_say(r, "Map written to %s.", path);
  return st;
}

fl_status flp_report_write(flp_run *r, const fl_layer *const *layers, size_t n,
                           const char *text_report, const fl_layer *control,
                           const fl_options *opts) {
  const char *rep = flp_arg_text(r, "report"), *map = flp_arg_text(r, "map");
  if (!rep && !map) return FL_OK;
  char lines[16][600];
  const char *ptrs[16];
  fl__report_in in = {.tool = r->tool->desc.id, .layers = layers, .n_layers = n,
                      .inputs = ptrs, .text_report = text_report, .control = control,
                      .opts = opts};
  in.n_inputs = input_lines(r, lines, ptrs, 16);
  fl_status st;
  if (rep) { /* (R2) */
    char *html = NULL;
    fl_ctx_clear_error(r->ctx);
    if ((st = fl__report_html(r->ctx, &in, &html))) return flp_fail_ctx(r, st, "@{report}");
    st = write_doc(r, "report", rep, html, strlen(html));
    free(html);
    if (st) return st;
    flp_say(r, "Report written to %s.", rep);
    flp_json_str(r, "report_file", rep);
  }
  if (map) {
    if ((st = write_map(r, &in, map))) return st;
    flp_json_str(r, "map_file", map);
  }
  return FL_OK;
}
