"""Fakes at the hardware/network seam for tests under MicroPython (WebAssembly port).

Only what cannot run here is faked: the clock (virtual, so 10,000 loop iterations take no real
time), the WiFi radio, NTP, the LED pin, the watchdog and the bridge (the harness's bridge test
double, reached in-process through the ``harness`` JS module). The BME280 is the register-level
simulation from sim/py/bme280_sim.py, read by the real driver.
"""
import binascii
import errno
import json
import time

from bme280 import BME280
from bme280_sim import SimulatedBme280
from sensor_node import SensorNode
from settings import Settings

import harness

# 2026-11-24T18:48:56Z on the host port's 1970 epoch.
TRUE_EPOCH = 1795546136
UNSET_EPOCH = 946684800  # an ESP32 RTC that nobody set: 2000-01-01


def host_urandom(n):
    """Random bytes from the host (this port has no os.urandom; the ESP32's is its hardware RNG)."""
    return binascii.unhexlify(harness.random_hex(n))


class VirtualClock:
    def __init__(self, true_epoch=TRUE_EPOCH):
        self.ticks = 0
        self._true_epoch = true_epoch
        self.set = False
        self._min_valid = time.mktime((2025, 1, 1, 0, 0, 0, 0, 0))

    def ticks_ms(self):
        return self.ticks

    def epoch(self):
        base = self._true_epoch if self.set else UNSET_EPOCH
        return base + self.ticks // 1000

    def min_valid_epoch(self):
        return self._min_valid

    def advance(self, ms):
        self.ticks += ms


class FakeNtp:
    def __init__(self, clock):
        self.clock = clock
        self.calls = 0
        self.failing = False

    def settime(self):
        self.calls += 1
        if self.failing:
            raise OSError(errno.ETIMEDOUT)
        self.clock.set = True


class FakeWlan:
    """Connects on the first ``connect()`` unless ``reachable`` is False."""

    def __init__(self):
        self.reachable = True
        self.connected = False
        self.connects = []
        self.disconnects = 0

    def isconnected(self):
        return self.connected and self.reachable

    def connect(self, ssid, psk):
        self.connects.append((ssid, psk))
        self.connected = self.reachable

    def disconnect(self):
        self.disconnects += 1
        self.connected = False

    def status(self):
        return 1010 if self.isconnected() else 1001

    def active(self, *args):
        return True


class FakePin:
    def __init__(self):
        self.values = []

    def value(self, v=None):
        if v is None:
            return self.values[-1] if self.values else 0
        self.values.append(v)


class FakeWdt:
    def __init__(self):
        self.feeds = 0

    def feed(self):
        self.feeds += 1


class DoubleTransport:
    """The bridge test double, in-process: same validation and answers as over HTTP."""

    def __init__(self):
        self.posts = []

    async def post(self, url, headers, body):
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        self.posts.append((url, headers, body))
        answer = await harness.bridge_handle("POST", "/" + path, json.dumps(headers), body)
        if answer.errno:
            raise OSError(getattr(errno, answer.errno))
        return answer.status, answer.body


class LoopbackTransport:
    """A pure-Python bridge stand-in for the memory test: no JS objects cross into the heap
    being measured. Counts what it accepted; ``down`` refuses connections."""

    def __init__(self):
        self.down = False
        self.accepted = 0
        self.last_seq = -1

    async def post(self, url, headers, body):
        if self.down:
            raise OSError(errno.ECONNREFUSED)
        records = json.loads(body)["records"]
        for r in records:
            assert r["value"]["seq"] == self.last_seq + 1, (r["value"]["seq"], self.last_seq)
            self.last_seq += 1
        self.accepted += len(records)
        return 200, '{"offsets":[' + ",".join('{"partition":0,"offset":%d}' % (self.accepted - len(records) + i)
                                              for i in range(len(records))) + "]}"


CONFIG = {
    "WIFI_SSID": "edge-sensors",
    "WIFI_PSK": "correct-horse",
    "BRIDGE_URL": "http://10.42.0.1:8080",
    "SENSOR_ID": "prague-balcony",
    "SITE": "prague",
    "LATITUDE": 50.0755,
    "LONGITUDE": 14.4378,
    "NTP_SERVER": "10.42.0.1",
}


class Rig:
    """A SensorNode wired to fakes, driven by a virtual clock."""

    def __init__(self, transport=None, **overrides):
        values = dict(CONFIG)
        values.update(overrides)
        self.settings = Settings(**values)
        self.clock = VirtualClock()
        self.ntp = FakeNtp(self.clock)
        self.wlan = FakeWlan()
        self.chip = SimulatedBme280()
        self.chip.set_environment(20.57, 54.87, 981.59)
        self.transport = transport or DoubleTransport()
        self.led_pin = FakePin()
        self.wdt = FakeWdt()
        self.logs = []
        from sensor_node import StatusLed

        self.led = StatusLed(self.led_pin, active_low=False)
        self.node = SensorNode(self.settings, BME280(self.chip, sleep_ms=lambda ms: None), self.clock,
                               self.wlan, self.ntp, self.transport, led=self.led, wdt=self.wdt,
                               log=self.logs.append, urandom=host_urandom)

    async def boot(self):
        """Run until WiFi is up and the clock is set (the first reading is taken then)."""
        for _ in range(100):
            await self.node.step()
            if self.node.wifi.up and self.node.time.synced:
                return
            self.clock.advance(max(1, self.node.next_wait_ms()))
        raise AssertionError("did not come online: %r" % (self.node.status(),))

    async def run_for(self, ms, tick_ms=None):
        """Step the loop like node.run() would, for ``ms`` of virtual time."""
        end = self.clock.ticks + ms
        while self.clock.ticks < end:
            await self.node.step()
            wait = self.node.next_wait_ms() if tick_ms is None else tick_ms
            self.clock.advance(max(1, min(wait, end - self.clock.ticks)))

    def received(self):
        return json.loads(harness.bridge_received("sensor-data"))


def bodies(transport):
    return [json.loads(body) for (_, _, body) in transport.posts]
