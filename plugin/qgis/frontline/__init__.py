"""Frontline: conflict geography on the WGS84 ellipsoid, as QGIS Processing
algorithms. QGIS calls classFactory() (iface is None under qgis_process)."""


def classFactory(iface):
    from .plugin import FrontlinePlugin
    return FrontlinePlugin(iface)
