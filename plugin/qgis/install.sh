#!/usr/bin/env bash
# Install the Frontline QGIS plugin into a QGIS profile and enable it.
#   install.sh PLUGIN_DIR [PROFILE_DIR]
# PLUGIN_DIR: a staged plugin folder (build/qgis/plugins/frontline, with
# lib/libfrontline_plugin.so) or the plugin zip. PROFILE_DIR defaults to
# ~/.local/share/QGIS/QGIS3/profiles/default. The plugin lands in
# PROFILE_DIR/python/plugins/frontline (an older copy there is replaced) and
# PROFILE_DIR/QGIS/QGIS3.ini gets [PythonPlugins] frontline=true, so it is on
# at the next start of QGIS (and in qgis_process). Close QGIS first.
set -euo pipefail
src=${1:?usage: install.sh PLUGIN_DIR_OR_ZIP [PROFILE_DIR]}
profile=${2:-$HOME/.local/share/QGIS/QGIS3/profiles/default}
dest=$profile/python/plugins/frontline

if [ -f "$src" ] && [ "${src##*.}" = zip ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  /usr/bin/python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$src" "$tmp"
  src=$tmp/frontline
fi
if [ ! -f "$src/metadata.txt" ] || [ ! -f "$src/lib/libfrontline_plugin.so" ]; then
  echo "install.sh: $src is not a staged Frontline plugin (needs metadata.txt and" \
       "lib/libfrontline_plugin.so); build it first: cmake --build build --target qgis_plugin" >&2
  exit 1
fi

mkdir -p "$profile/python/plugins" "$profile/QGIS"
rm -rf "$dest"
cp -R "$src" "$dest"
rm -rf "$dest/__pycache__"
chmod 755 "$dest/lib/libfrontline_plugin.so"
[ ! -f "$dest/lib/libfrontline_render.so" ] || chmod 755 "$dest/lib/libfrontline_render.so"

# Enable it through Qt's own settings writer, so the rest of QGIS3.ini is kept.
if /usr/bin/python3 - "$profile/QGIS/QGIS3.ini" <<'PY' 2>/dev/null; then
import sys
from PyQt5.QtCore import QSettings
s = QSettings(sys.argv[1], QSettings.IniFormat)
s.setValue("PythonPlugins/frontline", True)
s.sync()
sys.exit(0 if s.status() == QSettings.NoError else 1)
PY
  echo "Installed the Frontline QGIS plugin in $dest and enabled it."
else
  echo "Installed the Frontline QGIS plugin in $dest; enable it in QGIS under" \
       "Plugins > Manage and Install Plugins > Installed (tick Frontline)."
fi
