"""Helpers of the end-to-end suite: the playbook, supervisord, HQ's topic, the sensors' log, polling.

Everything here talks to the real processes the local mode runs; nothing is simulated except the
sensors' hardware (the firmware runs under MicroPython in the simulator).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, TypeVar

import yaml

ROOT = Path(__file__).resolve().parents[2]
# The suite's extra variables; bench/local.sh points this at its own file.
VARS_FILE = Path(os.environ.get("LOCAL_E2E_VARS", ROOT / "tests" / "e2e" / "e2e-vars.yml"))
T = TypeVar("T")


def e2e_vars() -> dict:
    return yaml.safe_load(VARS_FILE.read_text())


VARS = e2e_vars()
BASE = Path(VARS["local_base_dir"].replace("{{ local_repo_dir }}", str(ROOT)))
WINDOW_S = int(VARS["pipeline_window_seconds"])
GRACE_S = int(VARS["pipeline_grace_seconds"])
SITE = "local"


def java() -> str:
    home = os.environ.get("JAVA_HOME") or subprocess.check_output([str(ROOT / "scripts" / "java-home.sh")], text=True).strip()
    return str(Path(home) / "bin" / "java")


def poll(what: str, check: Callable[[], T], timeout: float, interval: float = 1.0) -> T:
    """Call `check` until it returns something truthy; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            last = check()
            if last:
                return last  # type: ignore[return-value]
        except (OSError, ValueError, urllib.error.URLError) as exc:  # a service still starting
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last result: {str(last)[:2000]}")
        time.sleep(interval)


# ---- the playbook -------------------------------------------------------------------------------
@dataclass
class PlayResult:
    rc: int
    output: str
    seconds: float

    @property
    def changed(self) -> int:
        m = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", self.output)
        assert m, f"no PLAY RECAP in the output:\n{self.output[-3000:]}"
        return int(m.group(1))


def playbook(*extra: str, timeout: float = 600) -> PlayResult:
    return playbooks(extra, timeout=timeout)[0]


def playbooks(*runs: Iterable[str], timeout: float = 600) -> list[PlayResult]:
    """Run the playbook once per argument list, all at once, and wait for every run. Only for runs
    that change nothing (a second run, check mode): each gets its own fact cache, nothing else."""
    cmds = [["ansible-playbook", "site.yml", "-i", "inventory/local", "-e", f"@{VARS_FILE}", *extra] for extra in runs]
    start = time.monotonic()
    procs = []
    for i, cmd in enumerate(cmds):
        env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
        if i:
            env["ANSIBLE_CACHE_PLUGIN_CONNECTION"] = str(ROOT / "build" / f"ansible-facts-{i}")
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True))
    results = []
    try:
        for cmd, proc in zip(cmds, procs):
            out, _ = proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - start)))
            results.append(PlayResult(proc.returncode, out, time.monotonic() - start))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    log = ROOT / "build" / "test-logs" / "e2e-playbook.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as fh:
        for cmd, result in zip(cmds, results):
            fh.write(f"\n===== {' '.join(cmd)}\n{result.output}")
    return results


# ---- supervisord --------------------------------------------------------------------------------
class Supervisor:
    def __init__(self, base: Path = BASE) -> None:
        self.conf = base / "supervisor" / "supervisord.conf"
        self.ctl = str(ROOT / ".venv" / "bin" / "supervisorctl")

    def run(self, *args: str) -> str:
        proc = subprocess.run([self.ctl, "-c", str(self.conf), *args], capture_output=True, text=True, timeout=120)
        return proc.stdout

    def status(self) -> dict[str, str]:
        states = {}
        for line in self.run("status").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                states[parts[0]] = parts[1]
        return states

    def pid(self, program: str) -> int:
        out = self.run("pid", program).strip()
        assert out.isdigit() and int(out) > 0, f"{program} has no pid: {out!r}"
        return int(out)

    def kill9(self, program: str) -> int:
        """SIGKILL the program's process (supervisord restarts it, as it would after a crash)."""
        pid = self.pid(program)
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_running(self, program: str, timeout: float = 120, other_than: int | None = None) -> int:
        def running() -> int | None:
            if self.status().get(program) != "RUNNING":
                return None
            pid = self.pid(program)
            return pid if pid != other_than else None
        return poll(f"{program} RUNNING", running, timeout)


# ---- Kafka --------------------------------------------------------------------------------------
def kafka_tool(main_class: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", f"-Dlog4j2.configurationFile={BASE}/kafka/log4j2.yaml",
           "-cp", str(ROOT / "build" / "kafka" / "libs" / "*"), main_class, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


# Every listener of the local brokers is mTLS with ACLs: the certificates local_kafka issues per cluster.
TLS = BASE / "kafka" / "tls"


def admin_config(cluster: str) -> Path:
    """Client properties of the playbook's admin identity (a super user) on `cluster` (edge or hq)."""
    return TLS / cluster / "admin.properties"


def client_config(cluster: str, user: str, tls_dir: Path | None = None) -> Path:
    """Client properties of Kafka user `user` (its certificate from `cluster`'s CA, or from `tls_dir`)."""
    src = tls_dir or TLS / cluster
    out = BASE.parent / "clients" / f"{cluster}-{user}.properties"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"security.protocol=SSL\nssl.keystore.type=PEM\nssl.keystore.location={src}/{user}.pem\n"
                   f"ssl.truststore.type=PEM\nssl.truststore.location={TLS / cluster}/ca.crt\n")
    return out


def kafka_tool_source(source: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """A single-file Java program (e.g. KafkaProbe.java) on the Kafka jars' classpath."""
    cmd = [java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", f"-Dlog4j2.configurationFile={BASE}/kafka/log4j2.yaml",
           "-cp", str(ROOT / "build" / "kafka" / "libs" / "*"), str(source), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


class TopicTail:
    """A console consumer (Kafka's own tool) reading a topic from the beginning for the whole session,
    read_committed, printing key, timestamp and value; the test reads its output file."""

    def __init__(self, bootstrap: str, topic: str, out: Path, config: Path) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        self._fh = out.open("w")
        self.proc = subprocess.Popen(
            [java(), "-Xmx256m", f"-Dlog4j2.configurationFile={BASE}/kafka/log4j2.yaml",
             "-cp", str(ROOT / "build" / "kafka" / "libs" / "*"), "org.apache.kafka.tools.consumer.ConsoleConsumer",
             "--bootstrap-server", bootstrap, "--command-config", str(config), "--topic", topic, "--from-beginning",
             "--isolation-level", "read_committed", "--group", f"e2e-tail-{os.getpid()}-{int(time.time())}",
             "--formatter-property", "print.key=true", "--formatter-property", "print.timestamp=true",
             "--formatter-property", "key.separator=\t"],
            stdout=self._fh, stderr=subprocess.DEVNULL, start_new_session=True)

    def records(self) -> list[dict]:
        """Every aggregate read so far, with `_received` = when this consumer wrote it (file mtime granularity
        is too coarse, so the line's position is all we keep) and `_timestamp` = the record timestamp."""
        self._fh.flush()
        recs = []
        for line in self.out.read_text().splitlines():
            parts = line.split("\t", 2)
            if len(parts) != 3 or not parts[0].startswith("CreateTime:"):
                continue
            try:
                value = json.loads(parts[2])
            except json.JSONDecodeError:
                continue
            value["_key"] = parts[1]
            value["_timestamp_ms"] = int(parts[0].split(":", 1)[1])
            recs.append(value)
        return recs

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._fh.close()


# ---- windows ------------------------------------------------------------------------------------
def parse_ts(value: str) -> float:
    value = value.strip().replace(" ", "T")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def window_start(epoch_s: float) -> int:
    return int(epoch_s // WINDOW_S) * WINDOW_S


def iso(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sent_readings(path: Path) -> list[dict]:
    """The readings the simulated sensors delivered (their --sent-log: one JSON object per line)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line being written
        reading = rec.get("value", rec) if isinstance(rec, dict) else None
        if isinstance(reading, dict) and "sensorId" in reading and "timestamp" in reading:
            out.append(reading)
    return out


def sent_windows(readings: Iterable[dict], before: float | None = None, after: float | None = None) -> set[tuple[str, int]]:
    """(sensor, windowStart) of the readings, only windows that start at/after `after` and end at/before `before`."""
    keys = set()
    for r in readings:
        start = window_start(parse_ts(r["timestamp"]))
        if before is not None and start + WINDOW_S > before:
            continue
        if after is not None and start < after:
            continue
        keys.add((r["sensorId"], start))
    return keys


def hq_windows(records: Iterable[dict]) -> list[tuple[str, int]]:
    return [(r["sensorId"], int(parse_ts(r["windowStart"]))) for r in records if "sensorId" in r and "windowStart" in r]


# ---- HTTP ---------------------------------------------------------------------------------------
def get_json(url: str, timeout: float = 10) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


def process_cmdlines() -> dict[int, str]:
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                out[int(d.name)] = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
    return out
