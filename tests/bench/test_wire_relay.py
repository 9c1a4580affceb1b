"""The benchmark's byte-counting relay (bench/wire_relay.py): every payload byte is relayed and
counted in its direction, a closed side closes the other, and a refused upstream costs nothing."""
from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from wire_relay import WireRelay  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def echo_server(replies: bytes) -> tuple[int, socket.socket]:
    """Reads 1,000 bytes, then answers `replies` and closes."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = server.accept()
        got = b""
        while len(got) < 1000:
            got += conn.recv(4096)
        conn.sendall(replies)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1], server


def wait_for(check, timeout: float = 5) -> None:
    end = time.time() + timeout
    while time.time() < end and not check():
        time.sleep(0.02)


def test_it_relays_and_counts_each_direction():
    upstream, server = echo_server(b"y" * 70_000)
    relay = WireRelay(free_port(), upstream)
    try:
        with socket.create_connection(("127.0.0.1", relay.port)) as c:
            c.sendall(b"x" * 1000)
            got = b""
            while chunk := c.recv(65536):  # the server's close reaches the client through the relay
                got += chunk
        assert got == b"y" * 70_000
        wait_for(lambda: relay.counts.snapshot().down == 70_000)
        counts = relay.counts.snapshot()
        assert (counts.up, counts.down, counts.connections) == (1000, 70_000, 1)
    finally:
        relay.close()
        server.close()


def test_a_refused_upstream_is_a_closed_connection_and_counts_nothing():
    relay = WireRelay(free_port(), free_port())  # nothing listens upstream
    try:
        with socket.create_connection(("127.0.0.1", relay.port)) as c:
            c.settimeout(5)
            assert c.recv(10) == b""
        counts = relay.counts.snapshot()
        assert (counts.up, counts.down, counts.connections) == (0, 0, 0)
    finally:
        relay.close()
