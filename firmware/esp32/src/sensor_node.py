"""The sensor's main loop: sample, queue, forward (``bridge_client``), show state, feed the dog.

Nothing here touches ``machine`` or ``network``: the hardware and the network are handed in
(a BME280 driver, a WLAN-like object, an NTP setter, an HTTP transport, an LED pin, a
watchdog), and time comes from a clock object, so the whole loop runs on the host under the
MicroPython WebAssembly port with fakes at those seams.

``tick()`` keeps WiFi up, keeps the clock set, takes a reading when due (never before the
clock was set), shows the state on the LED and feeds the watchdog if the loop is healthy;
``flush()`` sends the oldest queued readings as one batch when the bridge is not in back-off.
``run()`` runs both concurrently on the board; ``step()`` runs them one after the other (tests).

Identity of a reading (contract/README.md): ``bootId`` (8 hex characters from ``os.urandom``,
new on every boot) and ``seq`` (0, 1, 2 ... per boot; a resend carries the same pair).
"""
import binascii
import os
import time

from micropython import const

from bridge_client import BridgeClient
from netlink import Backoff, TimeSync, WifiLink, iso8601
from ringqueue import ReadingQueue

LED_OK = const(0)
LED_NO_WIFI = const(1)
LED_NO_TIME = const(2)
LED_BACKLOG = const(3)
LED_FAULT = const(4)


def new_boot_id(urandom):
    """8 hex characters from ``urandom`` (``os.urandom``: the ESP32's hardware RNG)."""
    return binascii.hexlify(urandom(4)).decode()


class StatusLed:
    """One LED: off = delivering; steady on = bridge unreachable, readings queue up;
    slow blink = no WiFi; fast blink = waiting for the clock; very fast = sensor fault."""

    _PERIOD_MS = {LED_NO_WIFI: 1000, LED_NO_TIME: 250, LED_FAULT: 100}

    def __init__(self, pin, active_low=False):
        self._pin = pin
        self._active_low = active_low
        self._lit = None
        self.state = None

    def show(self, state, now):
        self.state = state
        period = self._PERIOD_MS.get(state)
        if period is None:
            lit = state == LED_BACKLOG
        else:
            lit = (now // (period // 2)) % 2 == 0
        if lit != self._lit:
            self._lit = lit
            self._pin.value(int(lit) ^ int(self._active_low))


class SensorNode:
    def __init__(self, settings, sensor, clock, wlan, ntp, transport, led=None, wdt=None, log=print,
                 urandom=None):
        self.settings = settings
        self._sensor = sensor
        self._clock = clock
        self._led = led
        self._wdt = wdt
        self._log = log
        s = settings
        self.boot_id = new_boot_id(urandom or os.urandom)
        self.wifi = WifiLink(wlan, s.wifi_ssid, s.wifi_psk, s.wifi_connect_timeout_ms,
                             Backoff(s.backoff_initial_ms, s.backoff_max_ms), self._tag)
        self.time = TimeSync(ntp, clock, s.ntp_resync_s * 1000,
                             Backoff(s.backoff_initial_ms, s.backoff_max_ms), self._tag)
        self.bridge = Backoff(s.backoff_initial_ms, s.backoff_max_ms)
        self.queue = ReadingQueue(s.queue_capacity)
        self.client = BridgeClient(s, transport, self.queue, clock, self.boot_id, self.bridge,
                                   self._error, iso8601)
        self._next_sample = None
        self.sampling = True  # False: only drain the queue (simulator shutdown, tests)
        self.seq = 0
        self.sensor_errors = 0
        self.unsynced_skips = 0
        self.missed = 0  # sampling slots lost because the loop was blocked
        self._sensor_faults = 0  # consecutive
        self.last_error = None
        self._tag("boot %s" % self.boot_id)

    # what the bridge client counts, read through the node
    @property
    def delivered(self):
        return self.client.delivered

    @property
    def rejected(self):
        return self.client.rejected

    @property
    def send_failures(self):
        return self.client.send_failures

    @property
    def requests(self):
        return self.client.requests

    # ---- the loop ------------------------------------------------------------------------
    async def run(self):
        """Forever: a ticker (WiFi, NTP, sampling, LED, watchdog) and a sender draining the
        queue. With a non-blocking transport a slow bridge never delays a reading; with the
        board's blocking ``requests`` the sender holds the loop for at most HTTP_TIMEOUT_S."""
        import asyncio

        sender = asyncio.create_task(self.sender())
        try:
            while True:
                self.tick()
                await asyncio.sleep_ms(max(1, self.next_wait_ms(backlog=False)))
        finally:  # cancelled (a test, a shutdown): the sender stops with the ticker
            sender.cancel()

    async def sender(self):
        import asyncio

        while True:
            now = self._clock.ticks_ms()
            if self.wifi.up and len(self.queue) and self.bridge.ready(now):
                await self.flush(now)
                await asyncio.sleep_ms(1)  # let the ticker run between batches
            else:
                await asyncio.sleep_ms(max(10, min(250, self.bridge.wait_ms(now))))

    async def step(self):
        """One sequential iteration: tick, then send one batch if due (tests drive this)."""
        now, online = self.tick()
        if online and len(self.queue) and self.bridge.ready(now):
            await self.flush(now)

    async def flush(self, now):
        await self.client.flush(now)

    def tick(self):
        now = self._clock.ticks_ms()
        online = self.wifi.poll(now)
        if self.time.poll(now, online):
            self._next_sample = now  # first reading as soon as the clock is set
        if self.sampling and (self._next_sample is None or time.ticks_diff(now, self._next_sample) >= 0):
            self.sample(now)
        self._show(now, online)
        if self._wdt is not None and self.healthy():
            self._wdt.feed()
        return now, online

    def next_wait_ms(self, backlog=True):
        """How long the loop may sleep: until the next sample or, when it also sends
        (``backlog``, the sequential ``step()``), until the bridge may be tried again."""
        now = self._clock.ticks_ms()
        wait = 250
        if self.sampling and self._next_sample is not None:
            wait = max(0, time.ticks_diff(self._next_sample, now))
        elif self.sampling:
            wait = 0
        if backlog and self.wifi.up and len(self.queue):
            wait = min(wait, self.bridge.wait_ms(now))
        return min(wait, 250)  # LED blink granularity; WiFi/NTP polls

    def healthy(self):
        """Sensor answering and no request stuck beyond 4 x HTTP_TIMEOUT_S: else the watchdog
        is starved and resets the board."""
        if self._sensor_faults >= self.settings.sensor_fault_limit:
            return False
        since = self.client.in_flight_since
        return since is None or time.ticks_diff(self._clock.ticks_ms(), since) < self.settings.http_timeout_s * 4000

    # ---- sampling ------------------------------------------------------------------------
    def sample(self, now):
        interval = self.settings.interval_ms
        if self._next_sample is None:
            self._next_sample = now
        self._next_sample = time.ticks_add(self._next_sample, interval)
        behind = time.ticks_diff(now, self._next_sample)
        if behind >= 0:  # the loop was held up (a blocking request): realign, count the gap
            self.missed += behind // interval + 1
            self._next_sample = time.ticks_add(now, interval)
        if not self.time.synced:
            self.unsynced_skips += 1
            return False
        try:
            temperature, pressure, humidity = self._sensor.read()
            self.queue.push(self.seq, self._clock.epoch(), temperature, humidity, pressure)
        except (OSError, ValueError) as exc:  # ValueError: a value no slot can hold (a broken chip)
            self.sensor_errors += 1
            self._sensor_faults += 1
            self._error("sensor: %r" % (exc,))
            return False
        self._sensor_faults = 0
        self.seq += 1
        return True

    # ---- state ---------------------------------------------------------------------------
    def _show(self, now, online):
        if self._led is None:
            return
        if not self.healthy():
            state = LED_FAULT
        elif not online:
            state = LED_NO_WIFI
        elif not self.time.synced:
            state = LED_NO_TIME
        elif self.bridge.failures:
            state = LED_BACKLOG
        else:
            state = LED_OK
        self._led.show(state, now)

    def status(self):
        c = self.client
        return {"sensorId": self.settings.sensor_id, "bootId": self.boot_id, "seq": self.seq,
                "queued": len(self.queue), "delivered": c.delivered, "dropped": self.queue.dropped,
                "rejected": c.rejected, "resent": c.resent, "sendFailures": c.send_failures,
                "sensorErrors": self.sensor_errors, "unsyncedSkips": self.unsynced_skips,
                "missed": self.missed, "requests": c.requests, "wifiUp": self.wifi.up,
                "clockSet": self.time.synced, "lastError": self.last_error}

    def _error(self, message, last_error=None):
        self.last_error = last_error or message
        self._tag(message)

    def _tag(self, message):
        self._log("[%s] %s" % (self.settings.sensor_id, message))
