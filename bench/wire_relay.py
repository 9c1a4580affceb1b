"""A loopback TCP relay that counts the bytes crossing it, per direction: what a site's WAN link
carries between the edge's processes and HQ's Kafka listener. bench/local.py points HQ's advertised
listener for the edges at it, so every connection MirrorMaker 2 opens to HQ (bootstrap, then the
broker's advertised address) passes through it.

What is counted is TCP payload: the TLS records, handshakes included, both ways. Not counted: the
IP and TCP headers (about 52 bytes per segment on a real link, more with a VPN), and nothing of
what the edge sends elsewhere (monitoring's remote write, NTP, DNS)."""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field


@dataclass
class Counts:
    """Bytes edge -> HQ (`up`), HQ -> edge (`down`), and connections opened, since the relay started."""
    up: int = 0
    down: int = 0
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def snapshot(self) -> "Counts":
        with self.lock:
            return Counts(self.up, self.down, self.connections)

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(self.up - other.up, self.down - other.down, self.connections - other.connections)


class WireRelay:
    """Listens on 127.0.0.1:`port` and relays every connection to 127.0.0.1:`target_port`."""

    def __init__(self, port: int, target_port: int) -> None:
        self.port, self.target_port = port, target_port
        self.counts = Counts()
        self._server = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self._stop = threading.Event()
        threading.Thread(target=self._accept, name="wire-relay", daemon=True).start()

    def _accept(self) -> None:
        self._server.settimeout(0.5)
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()  # HQ is down: the edge sees a refused connection, as over a real link
                continue
            upstream.settimeout(None)
            with self.counts.lock:
                self.counts.connections += 1
            for src, dst, attr in ((client, upstream, "up"), (upstream, client, "down")):
                threading.Thread(target=self._pump, args=(src, dst, attr), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, attr: str) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
                with self.counts.lock:
                    setattr(self.counts, attr, getattr(self.counts, attr) + len(data))
        except OSError:
            pass
        finally:
            for s in (src, dst):  # one side closed or failed: close both, as a TCP proxy does
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self._stop.set()
        self._server.close()
