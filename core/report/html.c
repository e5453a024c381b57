/*
 * html.c - the HTML report: one self-contained page (inline CSS, SVG and a
 * small sorting script; nothing fetched from the network) with the inputs,
 * the map, the charts, the tables and the run's warnings, laid out to print
 * on A4 from a browser (print style sheet: no page break inside a figure or
 * a table row, headers repeated).
 * Rules:
 *   (H1) every text from the data is escaped (fl__rb_text);
 *   (H2) charts only where they say something: a time series needs two dates;
 *   (H3) the page holds no date or time of its own, so that the same run gives
 *        the same file.
 * Not here: the map (map.c), the charts (charts.c), the tables (tables.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl_internal.h"
#include "fl_report.h"
#include "fl_style.h"
#include "report_internal.h"

const fl_layer *fl__report_layer(const fl__report_in *in, const char *name) {
  for (size_t i = 0; i < in->n_layers; i++)
    if (in->layers[i] && in->layers[i]->name && !strcmp(in->layers[i]->name, name))
      return in->layers[i];
  return NULL;
}

static const char *const css =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1a1a1a;margin:0;"
    "background:#fafafa}"
    "main{max-width:1040px;margin:0 auto;padding:18px 20px 40px;background:#fff}"
    "h1{font-size:22px;margin:4px 0 2px}h2{font-size:17px;margin:26px 0 8px;border-bottom:"
    "2px solid #7a0019;padding-bottom:3px}h3{font-size:14px;margin:16px 0 6px}"
    ".sub{color:#555;margin:0 0 10px;font-size:13px}"
    "figure{margin:8px 0;break-inside:avoid;page-break-inside:avoid}"
    "figure svg{max-width:100%;height:auto;border:1px solid #ccc}"
    "figcaption{font-size:12px;color:#555;margin-top:3px}"
    ".charts{display:flex;flex-wrap:wrap;gap:10px}.charts svg{border:1px solid #e3e3e3}"
    "table{border-collapse:collapse;font-size:12px;margin:4px 0 10px;width:100%}"
    "th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "th{background:#f1ede6;cursor:pointer;user-select:none;position:sticky;top:0}"
    "th.sorted-asc::after{content:' \\25B2'}th.sorted-desc::after{content:' \\25BC'}"
    "tr:nth-child(even) td{background:#fbfaf7}"
    ".swatch{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:5px;"
    "vertical-align:-1px}"
    ".warn li{color:#8a4b00}.muted{color:#777}"
    "dl.inputs{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:13px}"
    "dl.inputs dt{font-weight:bold}dl.inputs dd{margin:0;word-break:break-all}"
    "details pre{font-size:11px;white-space:pre-wrap}"
    "@media print{@page{size:A4;margin:12mm}body{background:#fff}main{max-width:none;padding:0}"
    "h2{break-after:avoid;page-break-after:avoid}tr{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}th{position:static}details{display:none}"
    ".charts{gap:4px}.charts svg{width:49%;height:auto}}";

/* Click a header to sort its table; numbers (data-v) as numbers. */
static const char *const script =
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){"
    "var asc=!th.classList.contains('sorted-asc');"
    "t.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc')});"
    "th.classList.add(asc?'sorted-asc':'sorted-desc');var b=t.tBodies[0];"
    "var rows=Array.prototype.slice.call(b.rows);rows.sort(function(a,c){"
    "var x=a.cells[i],y=c.cells[i],u=x.getAttribute('data-v'),v=y.getAttribute('data-v');"
    "var r=(u!==null&&v!==null)?(parseFloat(u)-parseFloat(v)):x.textContent.localeCompare("
    "y.textContent);return asc?r:-r});rows.forEach(function(r){b.appendChild(r)})})})});";

static void inputs(fl__rbuf *b, const fl__report_in *in) {
  if (!in->n_inputs) return;
  fl__rb_printf(b, "<h2 id=\"sources\">Sources</h2>\n<dl class=\"inputs\">\n");
  for (size_t i = 0; i < in->n_inputs; i++) {
    const char *s = in->inputs[i], *colon = strstr(s, ": ");
    fl__rb_printf(b, "<dt>");
    if (colon) {
      char role[64];
      snprintf(role, sizeof role, "%.*s", (int)(colon - s < 63 ? colon - s : 63), s);
      fl__rb_text(b, role);
      s = colon + 2;
    }
    fl__rb_printf(b, "</dt><dd>");
    fl__rb_text(b, s);
    fl__rb_printf(b, "</dd>\n");
  }
  fl__rb_printf(b, "</dl>\n");
}

static void warnings(fl__rbuf *b, fl_ctx *ctx) {
  size_t n = fl_ctx_warning_count(ctx);
  fl__rb_printf(b, "<h2 id=\"warnings\">Warnings of the run</h2>\n");
  if (!n) {
    fl__rb_printf(b, "<p class=\"muted\">None: no hole was closed, no island dropped, no front "
                     "in pieces.</p>\n");
    return;
  }
  fl__rb_printf(b, "<ul class=\"warn\">\n");
  for (size_t i = 0; i < n; i++) {
    const char *w = fl_ctx_warning(ctx, i);
    if (!w) continue;
    fl__rb_printf(b, "<li>");
    fl__rb_text(b, w);
    fl__rb_printf(b, "</li>\n");
  }
  fl__rb_printf(b, "</ul>\n");
}

static void text_report(fl__rbuf *b, const char *text) {
  if (!text || !*text) return;
  fl__rb_printf(b, "<details><summary>The run's text report</summary><pre>");
  fl__rb_text(b, text);
  fl__rb_printf(b, "</pre></details>\n");
}

fl_status fl__report_html(fl_ctx *ctx, const fl__report_in *in, char **out) {
  fl__rbuf b = {0};
  const char *tool = in->tool ? in->tool : "analyze";
  int change = !strcmp(tool, "change");
  *out = NULL;
  fl__rb_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"Frontline %s\">\n<title>Frontline: %s</title>\n"
                    "<style>%s</style>\n</head>\n<body>\n<main>\n",
                fl_version(), change ? "what changed" : "front report", css);
  fl__rb_printf(&b, "<h1>%s</h1>\n", change ? "What changed" : "Front report");
  fl__report_subtitle(&b, in);
  fl__rb_printf(&b, "<h2 id=\"map-section\">Map</h2>\n<figure>\n");
  fl_status st = fl__report_map(ctx, in, 1000, 700, 0, &b);
  if (st) {
    fl__rb_free(&b);
    return st;
  }
  fl__rb_printf(&b, "<figcaption>Azimuthal equidistant projection centred on the area; "
                    "distances and areas are geodesic (WGS84).</figcaption>\n</figure>\n");
  fl__report_charts(&b, in);
  fl__report_tables(&b, in);
  inputs(&b, in);
  warnings(&b, ctx);
  text_report(&b, in->text_report);
  fl__rb_printf(&b, "<p class=\"muted\">Made with Frontline %s.</p>\n</main>\n<script>%s</script>\n"
                    "</body>\n</html>\n",
                fl_version(), script);
  if (b.oom) {
    fl__rb_free(&b);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory writing the report");
  }
  *out = b.p;
  return FL_OK;
}
