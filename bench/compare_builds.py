#!/usr/bin/python3
"""bench/compare_builds.py - Frontline's CLI on T2-T5 (the commands of
tasks.py's FrontlineCLI) with two builds side by side in one run, CPU time
(user + sys, /usr/bin/time) best of N, the builds' runs interleaved so that
the machine's load falls on both alike.

  /usr/bin/python3 bench/compare_builds.py OLD_BUILD NEW_BUILD [MORE_BUILDS...] [--scale 0.1] [--repeat 3]
      [--threads 0]   (FL_THREADS: 0 every core; 1 vs 2 compares threads, with wall times)

Data: bench/data/s<scale>/donbas.gpkg (bench/gen.py --scale S). Prints one
line per task and build: CPU seconds and the change from the first build in
per cent, and the best wall time (meaningful only on an idle machine)."""
import argparse
import os
import subprocess
import tempfile

from tasks import cli_args  # the commands of the bench itself


def cpu(build, task, g, work, threads="0"):
    """(CPU seconds, wall seconds) of one run."""
    out = os.path.join(work, "%s.gpkg" % task)
    if os.path.exists(out):
        os.remove(out)
    tfile = os.path.join(work, "time.txt")
    cmd = ["/usr/bin/time", "-f", "%U %S %e", "-o", tfile, os.path.join(build, "bin", "frontline"),
           "--quiet", "run"] + cli_args(task, g) + ["--output", out]
    subprocess.run(cmd, check=True, env=dict(os.environ, FL_THREADS=threads),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    u, s, e = open(tfile).read().split()[-3:]
    return float(u) + float(s), float(e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="+")
    ap.add_argument("--scale", default="0.1")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tasks", default="T2,T3,T4,T5")
    ap.add_argument("--threads", default="0", help="FL_THREADS, or a list: 1,2")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    g = os.path.join(here, "data", "s" + a.scale, "donbas.gpkg")
    with tempfile.TemporaryDirectory() as work:
        runs_of = [(b, t) for b in a.builds for t in a.threads.split(",")]
        for task in a.tasks.split(","):
            runs = {k: [] for k in runs_of}
            for _ in range(a.repeat):
                for b, t in runs_of:
                    runs[(b, t)].append(cpu(b, task, g, work, t))
            base = min(c for c, _ in runs[runs_of[0]])
            for k in runs_of:
                best = min(c for c, _ in runs[k])
                wall = min(w for _, w in runs[k])
                print("%s scale %s %-28s threads %s best %.2f s CPU (runs %s) %+.1f %%, wall %.2f s" % (
                    task, a.scale, k[0], k[1], best, " ".join("%.2f" % c for c, _ in runs[k]),
                    100 * (best - base) / base, wall), flush=True)


if __name__ == "__main__":
    main()
