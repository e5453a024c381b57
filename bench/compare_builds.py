#!/usr/bin/python3
"""bench/compare_builds.py - Frontline's CLI on T2-T5 (the commands of
tasks.py's FrontlineCLI) with two builds side by side in one run, CPU time
(user + sys, /usr/bin/time) best of N, the builds' runs interleaved so that
the machine's load falls on both alike.

  /usr/bin/python3 bench/compare_builds.py OLD_BUILD NEW_BUILD [MORE_BUILDS...] [--scale 0.1] [--repeat 3]

Data: bench/data/s<scale>/donbas.gpkg (bench/gen.py --scale S). Prints one
line per task and build: CPU seconds and the change from the first build in
per cent."""
import argparse
import os
import subprocess
import tempfile

from tasks import cli_args  # the commands of the bench itself


def cpu(build, task, g, work):
    out = os.path.join(work, "%s.gpkg" % task)
    if os.path.exists(out):
        os.remove(out)
    tfile = os.path.join(work, "time.txt")
    cmd = ["/usr/bin/time", "-f", "%U %S", "-o", tfile, os.path.join(build, "bin", "frontline"),
           "--quiet", "run"] + cli_args(task, g) + ["--output", out]
    subprocess.run(cmd, check=True, env=dict(os.environ, FL_THREADS="0"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    u, s = open(tfile).read().split()[-2:]
    return float(u) + float(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="+")
    ap.add_argument("--scale", default="0.1")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tasks", default="T2,T3,T4,T5")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    g = os.path.join(here, "data", "s" + a.scale, "donbas.gpkg")
    with tempfile.TemporaryDirectory() as work:
        for task in a.tasks.split(","):
            runs = {b: [] for b in a.builds}
            for _ in range(a.repeat):
                for b in a.builds:
                    runs[b].append(cpu(b, task, g, work))
            base = min(runs[a.builds[0]])
            for b in a.builds:
                best = min(runs[b])
                print("%s scale %s %-28s best %.2f s CPU (runs %s) %+.1f %%" % (
                    task, a.scale, b, best, " ".join("%.2f" % v for v in runs[b]),
                    100 * (best - base) / base), flush=True)


if __name__ == "__main__":
    main()
