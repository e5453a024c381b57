#!/usr/bin/python3
"""bench/compare_builds.py - Frontline's CLI on T2-T5 (the commands of
tasks.py's FrontlineCLI) with two builds side by side in one run, CPU time
(user + sys, /usr/bin/time) best of N, the builds' runs interleaved so that
the machine's load falls on both alike.

  /usr/bin/python3 bench/compare_builds.py OLD_BUILD NEW_BUILD [--scale 0.1] [--repeat 3]

Data: bench/data/s<scale>/donbas.gpkg (bench/gen.py --scale S). Prints one
line per task: old and new CPU seconds and the change in per cent."""
import argparse
import os
import subprocess
import tempfile

DIST = [5000, 10000, 20000, 40000]


def args_for(task, g):
    return {
        "T2": ["settlement-status", "--settlements", g + ":settlements", "--control", g + ":control",
               "--front", g + ":front"],
        "T3": ["nearest-route", "--settlements", g + ":settlements", "--routes", g + ":routes"],
        "T4": ["bands", "--front", g + ":front", "--distances", ",".join(map(str, DIST))],
        "T5": ["route-exposure", "--routes", g + ":routes", "--front", g + ":front",
               "--distances", "20000"],
    }[task]


def cpu(build, task, g, work):
    out = os.path.join(work, "%s.gpkg" % task)
    if os.path.exists(out):
        os.remove(out)
    tfile = os.path.join(work, "time.txt")
    cmd = ["/usr/bin/time", "-f", "%U %S", "-o", tfile, os.path.join(build, "bin", "frontline"),
           "--quiet", "run"] + args_for(task, g) + ["--output", out]
    subprocess.run(cmd, check=True, env=dict(os.environ, FL_THREADS="0"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    u, s = open(tfile).read().split()[-2:]
    return float(u) + float(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--scale", default="0.1")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tasks", default="T2,T3,T4,T5")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    g = os.path.join(here, "data", "s" + a.scale, "donbas.gpkg")
    with tempfile.TemporaryDirectory() as work:
        for task in a.tasks.split(","):
            best = {"old": [], "new": []}
            for _ in range(a.repeat):
                for key in ("old", "new"):
                    best[key].append(cpu(getattr(a, key), task, g, work))
            o, n = min(best["old"]), min(best["new"])
            print("%s scale %s: old %.2f s, new %.2f s CPU (best of %d; runs old %s, new %s): %+.1f %%"
                  % (task, a.scale, o, n, a.repeat, " ".join("%.2f" % v for v in best["old"]),
                     " ".join("%.2f" % v for v in best["new"]), 100 * (n - o) / o), flush=True)


if __name__ == "__main__":
    main()
