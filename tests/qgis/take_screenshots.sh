#!/usr/bin/env bash
# Start the real desktop QGIS under Xvfb with the Frontline plugin installed
# (by plugin/qgis/install.sh) into a throw-away profile, run
# gui_screenshots.py inside it, and leave the PNGs in OUT_DIR.
#   take_screenshots.sh STAGED_PLUGIN_DIR SAMPLE_DATA OUT_DIR WORK_DIR
# e.g. bash tests/qgis/take_screenshots.sh build/qgis/plugins/frontline sample_data docs/img /tmp/fl_gui
# Exit 77 when xvfb-run or qgis is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugin=${1:?usage: take_screenshots.sh STAGED_PLUGIN_DIR SAMPLE_DATA OUT_DIR WORK_DIR}
sample=$(cd "${2:?}" && pwd)
out=${3:?}
work=${4:?}
command -v xvfb-run >/dev/null || { echo "SKIP: xvfb-run not found (apt-get install xvfb)"; exit 77; }
command -v qgis >/dev/null || { echo "SKIP: qgis not found (apt-get install qgis)"; exit 77; }
mkdir -p "$out" "$work"
out=$(cd "$out" && pwd)
work=$(cd "$work" && pwd)
rm -rf "$work/profiles" "$work/report.json"
bash "$here/../../plugin/qgis/install.sh" "$plugin" "$work/profiles/default" >/dev/null
export FL_SHOT_DIR=$out FL_SHOT_WORK=$work FL_SAMPLE_DATA=$sample
export PYTHONDONTWRITEBYTECODE=1 LC_ALL=C.UTF-8
unset FRONTLINE_PLUGIN QGIS_PLUGINPATH QT_QPA_PLATFORM
timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" \
  qgis --noversioncheck --nologo --profiles-path "$work" --code "$here/gui_screenshots.py" \
  >"$work/qgis.log" 2>&1 || true
test -f "$work/report.json" || { echo "QGIS wrote no report; log:"; tail -30 "$work/qgis.log"; exit 1; }
cat "$work/report.json"
