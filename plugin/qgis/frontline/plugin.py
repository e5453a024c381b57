"""plugin.py - the QGIS plugin object: registers the Frontline Processing
provider. qgis_process calls initProcessing() only; desktop QGIS calls
initGui(), which does the same and also tells the user, in the message bar,
when the plugin library could not be loaded.
Not here: the provider (provider.py)."""
from qgis.core import Qgis, QgsApplication

from .provider import FrontlineProvider


class FrontlinePlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        if self.provider is None:
            self.provider = FrontlineProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()
        if self.iface is not None and self.provider.load_error:
            self.iface.messageBar().pushMessage("Frontline", self.provider.load_error,
                                                Qgis.Warning, 0)

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
