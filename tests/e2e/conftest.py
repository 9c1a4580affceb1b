"""Session fixture of the end-to-end suite: the local mode brought up from nothing with the real
playbook (its own directory and ports, 10-second windows), torn down with state=absent at the end."""
from __future__ import annotations

import shutil
import time

import pytest

import lib

# The modules share one deployment and run in this order; the tear-down test runs last of all.
MODULE_ORDER = ["test_local_pipeline.py", "test_authorizer.py", "test_ingest_exactly_once.py"]


def pytest_collection_modifyitems(items):
    def rank(item):
        module = item.path.name
        return (item.name.startswith("test_zz_"),
                MODULE_ORDER.index(module) if module in MODULE_ORDER else len(MODULE_ORDER))
    items.sort(key=rank)  # stable: the order within a module stays the file's


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    return {}


@pytest.fixture(scope="session")
def deployment(timings):
    """The running local pipeline. Tear-down stops it and checks that no process is left behind."""
    shutil.rmtree(lib.BASE, ignore_errors=True)
    start = time.monotonic()
    # From nothing, including both clusters' CAs and a certificate per Kafka user: on a busy 2-core
    # machine this first run alone has taken more than 10 minutes.
    first = lib.playbook(timeout=1500)
    timings["first_run_s"] = time.monotonic() - start
    tail = None
    try:
        assert first.rc == 0, f"first playbook run failed:\n{first.output[-6000:]}"
        tail = lib.TopicTail(f"127.0.0.1:{lib.VARS['local_kafka_hq_port']}", f"{lib.SITE}.sensor-data-aggregated",
                             lib.BASE.parent / "hq-aggregates.txt", lib.admin_config("hq"))
        yield {"first": first, "tail": tail, "supervisor": lib.Supervisor()}
    finally:
        if tail is not None:
            tail.stop()
        stop = lib.playbook("-e", "local_state=absent")
        timings["stop_s"] = stop.seconds
        assert stop.rc == 0, f"state=absent run failed:\n{stop.output[-4000:]}"
