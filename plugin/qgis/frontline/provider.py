"""provider.py - the Frontline Processing provider (id 'frontline').

Finds and loads the plugin library, and adds one algorithm per tool it
describes. The library is looked for, first match wins:
  1. the environment variable FRONTLINE_PLUGIN (a path to the .so);
  2. the provider setting "Frontline plugin library" (Settings > Options >
     Processing > Providers > Frontline);
  3. lib/libfrontline_plugin.so inside this plugin folder (the plugin zip
     ships it there).
When the chosen library cannot be loaded the provider still loads, with no
algorithms, and says why (message log tab "Frontline", and the provider's
warning text); fix the setting and press OK in the options dialog to reload.

Not here: the algorithm (algorithm.py), the ctypes mirror (abi.py).
"""
import os

from qgis.PyQt.QtGui import QIcon
from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider

from . import abi
from .algorithm import FrontlineAlgorithm

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))
LIBRARY_NAME = "libfrontline_plugin.so"
BUNDLED_LIBRARY = os.path.join(PLUGIN_DIR, "lib", LIBRARY_NAME)
ENV_VAR = "FRONTLINE_PLUGIN"
SETTING = "FRONTLINE_LIBRARY"
LOG_TAG = "Frontline"


def _setting_value():
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        return ProcessingConfig.getSetting(SETTING) or ""
    except Exception:  # Processing not initialised (bare PyQGIS scripts)
        return ""


def find_library():
    """(path, how it was chosen). The first configured place wins."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env, "environment variable %s" % ENV_VAR
    setting = str(_setting_value()).strip()
    if setting:
        return setting, "Processing setting 'Frontline plugin library'"
    return BUNDLED_LIBRARY, "library inside the plugin folder"


def load_library():
    """(abi.Library or None, error sentence or None)."""
    path, how = find_library()
    try:
        return abi.load(path), None
    except abi.AbiError as e:
        return None, ("Frontline has no algorithms: its plugin library could not be loaded "
                      "(%s): %s. Set the library's path in Settings > Options > Processing > "
                      "Providers > Frontline > Frontline plugin library, or in the environment "
                      "variable %s, or reinstall the plugin zip, which ships it as lib/%s."
                      % (how, e, ENV_VAR, LIBRARY_NAME))


class FrontlineProvider(QgsProcessingProvider):
    def __init__(self):
        super().__init__()
        self.library = None
        self.load_error = None
        self._icon = QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))

    def id(self):
        return "frontline"

    def name(self):
        return "Frontline"

    def longName(self):
        if self.library:
            return "Frontline %s (plugin ABI %d.%d)" % (self.library.version,
                                                        self.library.abi_major,
                                                        self.library.abi_minor)
        return "Frontline (plugin library not loaded)"

    def versionInfo(self):
        return self.library.version if self.library else ""

    def icon(self):
        return self._icon

    def svgIconPath(self):
        return os.path.join(PLUGIN_DIR, "icon.svg")

    def warningMessage(self):
        return self.load_error or ""

    def load(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig, Setting
            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(Setting(
                self.name(), SETTING,
                "Frontline plugin library (%s; empty: the one inside the plugin)" % LIBRARY_NAME,
                "", valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        except ImportError:
            pass
        self.refreshAlgorithms()
        return True

    def unload(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig
            ProcessingConfig.removeSetting(SETTING)
        except ImportError:
            pass

    def loadAlgorithms(self):
        self.library, self.load_error = load_library()
        if self.load_error:
            QgsMessageLog.logMessage(self.load_error, LOG_TAG, Qgis.Warning)
            return
        for tool in self.library.tools:
            self.addAlgorithm(FrontlineAlgorithm(self.library, tool, self._icon))

    # Outputs: the library writes GeoPackage, SpatiaLite and GeoJSON files.
    def supportsNonFileBasedOutput(self):
        return False

    def supportedOutputVectorLayerExtensions(self):
        return ["gpkg", "sqlite", "geojson"]

    def defaultVectorFileExtension(self, hasGeometry=True):
        return "gpkg"
