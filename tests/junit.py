#!/usr/bin/env python3
"""JUnit XML glue for `make test`.

Every test suite of the project leaves JUnit XML under build/test-results/<suite>/; this tool
writes such files for checks that are single commands (linters, syntax checks) and sums all of
them into the one summary line `make test` ends with.

    junit.py run --out DIR --name NAME -- CMD ARGS...   # run CMD, record one test case
    junit.py summary DIR                                # print per-suite counts + "N passed, M failed"
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

TAIL_CHARS = 8000
# Characters XML 1.0 cannot carry (terminal colour codes, NULs in tool output).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def write_case(out: Path, suite: str, name: str, seconds: float, failure: str | None) -> Path:
    """Write a one-case JUnit file; `failure` is the failure text or None for a pass."""
    out.mkdir(parents=True, exist_ok=True)
    body = ""
    if failure is not None:
        failure = _XML_INVALID.sub("", failure)
        body = f"<failure message={quoteattr(failure.strip().splitlines()[-1][:200] if failure.strip() else 'failed')}>" \
               f"{escape(failure[-TAIL_CHARS:])}</failure>"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuite name={quoteattr(suite)} tests="1" failures="{1 if failure is not None else 0}" '
        f'errors="0" skipped="0" time="{seconds:.3f}">\n'
        f'  <testcase classname={quoteattr(suite)} name={quoteattr(name)} time="{seconds:.3f}">{body}</testcase>\n'
        "</testsuite>\n"
    )
    path = out / f"check-{_safe_name(name)}.xml"
    path.write_text(xml, encoding="utf-8")
    return path


def cmd_run(args: argparse.Namespace) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        print("junit.py run: no command given", file=sys.stderr)
        return 2
    start = time.monotonic()
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    sys.stdout.write(proc.stdout)
    failure = None
    if proc.returncode != 0:
        failure = f"`{' '.join(command)}` exited {proc.returncode}\n{proc.stdout}"
    write_case(Path(args.out), args.suite or Path(args.out).name, args.name, seconds, failure)
    return proc.returncode


def count(results: Path) -> dict[str, list[int]]:
    """Per suite directory: [passed, failed, skipped] over every test case in its XML files."""
    per_suite: dict[str, list[int]] = {}
    for xml in sorted(results.rglob("*.xml")):
        suite = xml.relative_to(results).parts[0] if xml.parent != results else xml.stem
        try:
            root = ET.parse(xml).getroot()
        except ET.ParseError as exc:
            print(f"junit.py: unreadable {xml}: {exc}", file=sys.stderr)
            per_suite.setdefault(suite, [0, 0, 0])[1] += 1
            continue
        cases = root.iter("testcase")
        totals = per_suite.setdefault(suite, [0, 0, 0])
        for case in cases:
            if case.find("failure") is not None or case.find("error") is not None:
                totals[1] += 1
            elif case.find("skipped") is not None:
                totals[2] += 1
            else:
                totals[0] += 1
    return per_suite


def failed_cases(results: Path, suites: set[str] | None = None) -> list[str]:
    names = []
    for xml in sorted(results.rglob("*.xml")):
        if suites is not None and xml.relative_to(results).parts[0] not in suites:
            continue
        try:
            root = ET.parse(xml).getroot()
        except ET.ParseError:
            continue
        for case in root.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                names.append(f"{case.get('classname', '?')} :: {case.get('name', '?')}")
    return names


def cmd_summary(args: argparse.Namespace) -> int:
    return summarize(Path(args.dir))


def summarize(results: Path, suites: set[str] | None = None) -> int:
    """Print per-suite counts and the closing `N passed, M failed` line; 1 when anything failed.

    With `suites`, only those suites' directories count (results of suites not run this time stay out).
    """
    per_suite = count(results) if results.exists() else {}
    if suites is not None:
        per_suite = {name: totals for name, totals in per_suite.items() if name in suites}
    passed = sum(v[0] for v in per_suite.values())
    failed = sum(v[1] for v in per_suite.values())
    skipped = sum(v[2] for v in per_suite.values())
    print()
    print(f"{'suite':<28} {'passed':>7} {'failed':>7} {'skipped':>8}")
    for suite, (p, f, s) in sorted(per_suite.items()):
        print(f"{suite:<28} {p:>7} {f:>7} {s:>8}")
    for name in failed_cases(results, suites) if failed else []:
        print(f"FAILED {name}")
    print()
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed or passed == 0 else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="run a command and record it as one test case")
    run.add_argument("--out", required=True, help="directory for the JUnit XML file")
    run.add_argument("--name", required=True, help="test case name")
    run.add_argument("--suite", help="suite name (default: the --out directory's name)")
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(func=cmd_run)
    summary = sub.add_parser("summary", help="sum every JUnit XML below DIR")
    summary.add_argument("dir")
    summary.set_defaults(func=cmd_summary)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
