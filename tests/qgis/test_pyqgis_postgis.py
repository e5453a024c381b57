"""test_pyqgis_postgis.py - a PostGIS layer as input to a Frontline algorithm.

Starts a throw-away PostgreSQL server with PostGIS (initdb in a temporary
directory, loopback only, trust authentication; run as the `postgres` user
when the test runs as root, since PostgreSQL refuses root), loads the sample
settlements into it with ogr2ogr, and runs frontline:settlementstatus through
processing.run with the settlements as a QGIS "postgres" layer. The provider
must hand that layer over as a temporary GeoPackage; the result must equal
what the CLI writes for the sample GeoJSON. The server is stopped and its
directory removed whatever happens.

Skipped (77) when PostgreSQL or PostGIS is not installed (Debian:
postgresql-15-postgis-3), or QGIS is absent."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile

import qgistest as T

T.require_qgis(process=False)


def pg_bin():
    """The newest PostgreSQL bin directory with initdb and pg_ctl, or None."""
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: int(d.split("/")[-2]) if d.split("/")[-2].isdigit() else 0)
    for d in reversed(dirs):
        if all(os.access(os.path.join(d, t), os.X_OK) for t in ("initdb", "pg_ctl", "psql")):
            return d
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


bindir = pg_bin()
if bindir is None:
    T.skip("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install "
           "postgresql-15-postgis-3 to test PostGIS inputs")
version = bindir.split("/")[-2]
if not glob.glob("/usr/share/postgresql/%s/extension/postgis.control" % version):
    T.skip("PostGIS is not installed for PostgreSQL %s; install postgresql-%s-postgis-3"
           % (version, version))

as_root = os.geteuid() == 0
if as_root:
    try:
        import pwd
        pwd.getpwnam("postgres")
    except KeyError:
        T.skip("running as root and there is no 'postgres' user to run the server as")


def as_server_user(cmd):
    return ["runuser", "-u", "postgres", "--"] + cmd if as_root else cmd


tmp = T.tmpdir("pyqgis_postgis")
pgroot = tempfile.mkdtemp(prefix="fl_pg_")
os.chmod(pgroot, 0o755)
datadir = os.path.join(pgroot, "data")
if as_root:
    shutil.chown(pgroot, "postgres", "postgres")
port = free_port()
env = dict(os.environ, LC_ALL="C.UTF-8")
started = False
app = None


def run(cmd, what):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL, cwd=pgroot)
    if p.returncode != 0:
        T.check(False, "%s: %s %s" % (what, p.stdout[-500:], p.stderr[-500:]))
        raise RuntimeError(what)
    return p.stdout


try:
    run(as_server_user([os.path.join(bindir, "initdb"), "-D", datadir, "-A", "trust", "-U",
                        "postgres", "-E", "UTF8"]), "initdb")
    run(as_server_user([os.path.join(bindir, "pg_ctl"), "-D", datadir, "-w", "-l",
                        os.path.join(pgroot, "log"), "-o",
                        "-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s"
                        % (port, pgroot), "start"]), "pg_ctl start")
    started = True
    conn = "host=127.0.0.1 port=%d dbname=postgres user=postgres" % port
    run([os.path.join(bindir, "psql"), "-q", "-h", "127.0.0.1", "-p", str(port), "-U",
         "postgres", "-d", "postgres", "-c", "CREATE EXTENSION postgis"], "CREATE EXTENSION")
    run(["ogr2ogr", "-f", "PostgreSQL", "PG:" + conn, T.sample("settlements.geojson"),
         "-nln", "settlements", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid"],
        "ogr2ogr into PostGIS")

    app, plugin = T.start_pyqgis(os.path.join(tmp, "profile"))
    import processing  # noqa: E402
    from qgis.core import QgsDataSourceUri, QgsProcessingFeedback, QgsVectorLayer  # noqa: E402

    uri = QgsDataSourceUri()
    uri.setConnection("127.0.0.1", str(port), "postgres", "postgres", "")
    uri.setDataSource("public", "settlements", "geom", "", "fid")
    layer = QgsVectorLayer(uri.uri(False), "settlements_postgis", "postgres")
    T.check(layer.isValid() and layer.featureCount() == 50,
            "the PostGIS layer opens in QGIS with the 50 settlements (valid=%s, count=%s)"
            % (layer.isValid(), layer.featureCount()))
    T.check(layer.crs().authid() == "EPSG:4326", "its CRS is %s" % layer.crs().authid())

    class Recorder(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.texts = []

        def pushDebugInfo(self, text):
            self.texts.append(text)
            super().pushDebugInfo(text)

    fb = Recorder()
    out = os.path.join(tmp, "status_postgis.gpkg")
    res = processing.run("frontline:settlementstatus",
                         {"settlements": layer, "control": T.sample("control.geojson"),
                          "front": T.sample("front.geojson"), "output": out}, feedback=fb)
    passed = [t for t in fb.texts if t.startswith("settlements = ")]
    T.check(passed and passed[0].startswith("settlements = PG:") and
            passed[0].endswith(":settlements") and ".gpkg" not in passed[0],
            "the PostGIS layer reached the library by its OGR source, not copied: %s" % passed)
    T.check(res.get("output") == out, "result output %r" % res.get("output"))

    cli_out = os.path.join(tmp, "status_cli.gpkg")
    rc, _, err = T.cli("run", "settlement-status", "--settlements",
                       T.sample("settlements.geojson"), "--control", T.sample("control.geojson"),
                       "--front", T.sample("front.geojson"), "--output", cli_out, "--overwrite")
    T.check(rc == 0, "CLI settlement-status: %s" % err)
    T.compare_outputs(cli_out, out, "postgis layer")
    del layer
except RuntimeError:
    pass
finally:
    if started:
        subprocess.run(as_server_user([os.path.join(bindir, "pg_ctl"), "-D", datadir, "-m",
                                       "fast", "-w", "stop"]),
                       env=env, capture_output=True, timeout=120, cwd=pgroot)
    shutil.rmtree(pgroot, ignore_errors=True)

if app is not None:
    T.stop_pyqgis(app, globals())
T.finish()
