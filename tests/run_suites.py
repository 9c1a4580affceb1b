#!/usr/bin/env python3
"""Run the project's test suites and end with one line: `N passed, M failed`.

A suite is an executable `tests/suites/NN-name.sh`. It is run from the repository root with
  RESULTS_DIR  build/test-results/<name>/  — where it must leave JUnit XML (one file or many)
  ROOT         the repository root
and must exit non-zero when something failed. Its output goes to build/test-logs/<name>.log;
the tail is shown when it fails. A suite that exits non-zero without a failing test case in its
XML, or that leaves no test case at all, is recorded as one failed case: nothing fails quietly.

    tests/run_suites.py                 # every suite, in name order
    tests/run_suites.py lint java       # only suites whose name contains one of the words

Suites named together in SIDE_BY_SIDE start together when all are selected (at the first one's
place in the order): molecule and kube spend most of their time waiting on containers and API
servers; the others are single-threaded Python work with no timing in their assertions (lint,
syntax checks, template rendering, argument validation), so two cores run them at once. Suites
with timing-sensitive tests (java, firmware, e2e, the container smoke tests) run alone.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import junit  # noqa: E402  (the sibling module)

SUITES = ROOT / "tests" / "suites"
RESULTS = ROOT / "build" / "test-results"
LOGS = ROOT / "build" / "test-logs"
SUITE_TIMEOUT_S = int(os.environ.get("SUITE_TIMEOUT_S", "1500"))
# The end-to-end suite has taken 1,083-1,362 s on 2 cores (its outage tests wait on real timeouts).
LONGER_TIMEOUTS_S = {"e2e": 2400}
TAIL_LINES = 80
SIDE_BY_SIDE = [("lint", "contract", "syntax"), ("ansible", "manifests"), ("molecule", "kube")]


def suite_name(path: Path) -> str:
    stem = path.stem
    return stem.split("-", 1)[1] if "-" in stem and stem.split("-", 1)[0].isdigit() else stem


def run_suite(path: Path) -> None:
    name = suite_name(path)
    out = RESULTS / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    env = dict(os.environ, RESULTS_DIR=str(out), ROOT=str(ROOT))
    timeout = max(SUITE_TIMEOUT_S, LONGER_TIMEOUTS_S.get(name, 0))
    print(f"==> suite {name}", flush=True)
    start = time.monotonic()
    with log.open("w", encoding="utf-8") as sink:
        try:
            code = subprocess.run([str(path)], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  timeout=timeout, start_new_session=True).returncode
        except subprocess.TimeoutExpired:
            code = 124
            sink.write(f"\nsuite timed out after {timeout}s\n")
    seconds = time.monotonic() - start
    passed, failed, skipped = (sum(v[i] for v in junit.count(out).values()) for i in range(3))
    if code != 0 and failed == 0:
        junit.write_case(out, name, "suite exit status", seconds,
                         f"suite {name} exited {code} without a failing test case; see {log}")
        failed += 1
    elif code == 0 and passed + failed + skipped == 0:
        junit.write_case(out, name, "suite ran no test", seconds, f"suite {name} left no JUnit XML in {out}")
        failed += 1
    verdict = "ok" if failed == 0 else "FAILED"
    print(f"<== suite {name}: {verdict} ({passed} passed, {failed} failed, {skipped} skipped) in {seconds:.0f}s",
          flush=True)
    if failed:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        print("\n".join(f"    | {line}" for line in lines[-TAIL_LINES:]), flush=True)


def main(argv: list[str]) -> int:
    suites = sorted(p for p in SUITES.glob("*.sh") if os.access(p, os.X_OK))
    if argv:
        suites = [p for p in suites if any(word in suite_name(p) for word in argv)]
    else:
        shutil.rmtree(RESULTS, ignore_errors=True)
    if not suites:
        print(f"no suite matches {argv}", file=sys.stderr)
        return 2
    started = time.monotonic()
    by_name = {suite_name(p): p for p in suites}
    done: set[str] = set()
    for path in suites:
        name = suite_name(path)
        if name in done:
            continue
        group = next((g for g in SIDE_BY_SIDE if name in g and all(n in by_name for n in g)), (name,))
        threads = [threading.Thread(target=run_suite, args=(by_name[n],)) for n in group]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.update(group)
    print(f"\nall suites in {time.monotonic() - started:.0f}s; logs in {LOGS.relative_to(ROOT)}/")
    return junit.summarize(RESULTS, {suite_name(p) for p in suites})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
