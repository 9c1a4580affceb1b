"""The sensor's main loop: sample, queue, forward to the Strimzi Kafka Bridge.

Nothing here touches ``machine`` or ``network``: the hardware and the network are handed in
(a BME280 driver, a WLAN-like object, an NTP setter, an HTTP transport, an LED pin, a
watchdog), and time comes from a clock object, so the whole loop runs on the host under the
MicroPython WebAssembly port with fakes at those seams.

``tick()`` keeps WiFi up (connect with timeout and exponential back-off), keeps the clock
set (NTP at boot, periodic resync), takes a reading when due (never before the clock was set),
shows the state on the LED and feeds the watchdog if the loop is healthy; ``flush()`` sends
the oldest queued readings as one batch when the bridge is not in back-off. ``run()`` runs
both concurrently on the board; ``step()`` runs them one after the other (tests).
"""
import errno
import json
import time

from micropython import const

from ringqueue import ReadingQueue

CONTENT_TYPE = "application/vnd.kafka.json.v2+json"
ACCEPT = "application/vnd.kafka.v2+json"
HEADERS = {"Content-Type": CONTENT_TYPE, "Accept": ACCEPT}

RETRY_STATUSES = (408, 429)
POISON_STATUSES = (400, 413, 422)  # this request cannot succeed as it is: isolate the bad record

LED_OK = const(0)
LED_NO_WIFI = const(1)
LED_NO_TIME = const(2)
LED_BACKLOG = const(3)
LED_FAULT = const(4)


class Settings:
    """The device configuration (``config.py``, rendered by the firmware role) with defaults."""

    DEFAULTS = {
        "TOPIC": "sensor-data",
        "SITE": "",
        "LATITUDE": 0.0,
        "LONGITUDE": 0.0,
        "I2C_ID": 0,
        "I2C_SDA": 19,
        "I2C_SCL": 23,
        "I2C_FREQ": 100000,
        "BME280_ADDRESS": 0x76,
        "INTERVAL_MS": 1000,
        "QUEUE_CAPACITY": 900,
        "BATCH_MAX": 50,
        "HTTP_TIMEOUT_S": 5,
        "NTP_SERVER": "pool.ntp.org",
        "NTP_RESYNC_S": 3600,
        "WIFI_CONNECT_TIMEOUT_MS": 15000,
        "BACKOFF_INITIAL_MS": 1000,
        "BACKOFF_MAX_MS": 60000,
        "LED_PIN": 22,
        "LED_ACTIVE_LOW": True,
        "WDT_TIMEOUT_MS": 60000,
        "SENSOR_FAULT_LIMIT": 10,
    }
    REQUIRED = ("WIFI_SSID", "WIFI_PSK", "BRIDGE_URL", "SENSOR_ID")

    def __init__(self, **values):
        for key in self.REQUIRED:
            if not values.get(key):
                raise ValueError("config: %s is required" % key)
        for key, value in self.DEFAULTS.items():
            values.setdefault(key, value)
        for key, value in values.items():
            setattr(self, key.lower(), value)
        for ch in self.sensor_id:
            if not (ch.isalpha() or ch.isdigit() or ch in "-_."):
                raise ValueError("config: SENSOR_ID may hold letters, digits, '-', '_', '.' only")
        if self.interval_ms < 10 or self.queue_capacity < 1 or self.batch_max < 1:
            raise ValueError("config: INTERVAL_MS >= 10, QUEUE_CAPACITY >= 1, BATCH_MAX >= 1")
        self.produce_url = self.bridge_url.rstrip("/") + "/topics/" + self.topic

    @classmethod
    def from_module(cls, module):
        return cls(**{k: getattr(module, k) for k in dir(module) if k.isupper()})


class Backoff:
    """Exponential back-off on a ticks_ms clock: initial, x2 per failure, capped."""

    def __init__(self, initial_ms, max_ms):
        self.initial_ms = initial_ms
        self.max_ms = max_ms
        self.delay_ms = 0
        self.failures = 0
        self._until = None

    def ready(self, now):
        return self._until is None or time.ticks_diff(now, self._until) >= 0

    def fail(self, now, at_least_ms=0):
        self.failures += 1
        self.delay_ms = min(self.max_ms, max(at_least_ms, self.delay_ms * 2 or self.initial_ms))
        self._until = time.ticks_add(now, self.delay_ms)

    def ok(self):
        self.failures = 0
        self.delay_ms = 0
        self._until = None

    def wait_ms(self, now):
        return 0 if self._until is None else max(0, time.ticks_diff(self._until, now))


class WifiLink:
    """Non-blocking station connect: a connect that has not succeeded within the timeout is
    abandoned and retried after an exponentially growing pause."""

    def __init__(self, wlan, ssid, psk, timeout_ms, backoff, log):
        self._wlan = wlan
        self._ssid = ssid
        self._psk = psk
        self._timeout_ms = timeout_ms
        self.backoff = backoff
        self._log = log
        self._since = None  # ticks of the pending connect
        self.up = False
        self.attempts = 0

    def poll(self, now):
        if self._wlan.isconnected():
            if not self.up:
                self._log("wifi up after %d attempt(s)" % self.attempts)
                self.up = True
                self._since = None
                self.backoff.ok()
            return True
        if self.up:
            self._log("wifi lost")
            self.up = False
        if self._since is not None:
            if time.ticks_diff(now, self._since) < self._timeout_ms:
                return False
            self._log("wifi connect timed out (status %s)" % (self._wlan.status(),))
            self._since = None
            self._disconnect()
            self.backoff.fail(now)
            return False
        if self.backoff.ready(now):
            self.attempts += 1
            try:
                self._wlan.connect(self._ssid, self._psk)
                self._since = now
            except OSError as exc:
                self._log("wifi connect failed: %r" % (exc,))
                self.backoff.fail(now)
        return False

    def _disconnect(self):
        try:
            self._wlan.disconnect()
        except OSError as exc:
            self._log("wifi disconnect failed: %r" % (exc,))


class TimeSync:
    """Sets the clock by NTP once WiFi is up, then every ``resync_ms``; failures back off."""

    def __init__(self, ntp, clock, resync_ms, backoff, log):
        self._ntp = ntp
        self._clock = clock
        self._resync_ms = resync_ms
        self.backoff = backoff
        self._log = log
        self.synced = False
        self.syncs = 0
        self._last = None

    def poll(self, now, online):
        """Returns True when this call set the clock for the first time."""
        due = not self.synced or time.ticks_diff(now, self._last) >= self._resync_ms
        if not (online and due and self.backoff.ready(now)):
            return False
        try:
            self._ntp.settime()
        except (OSError, ValueError, OverflowError) as exc:
            self._log("ntp failed: %r" % (exc,))
            self.backoff.fail(now)
            return False
        if self._clock.epoch() < self._clock.min_valid_epoch():
            self._log("ntp answered an implausible time; not trusting the clock")
            self.backoff.fail(now)
            return False
        first = not self.synced
        if first:
            self._log("clock set: %s" % iso8601(self._clock.epoch()))
        self.synced = True
        self.syncs += 1
        self._last = now
        self.backoff.ok()
        return first


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


def iso8601(epoch):
    t = time.gmtime(epoch)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (t[0], t[1], t[2], t[3], t[4], t[5])


def fixed2(hundredths):
    """An integer in hundredths as a JSON number with two decimals (no float rounding)."""
    sign = "-" if hundredths < 0 else ""
    hundredths = abs(hundredths)
    return "%s%d.%02d" % (sign, hundredths // 100, hundredths % 100)


def coordinate(value):
    return "%.4f" % value  # ~11 m; exact on both float widths


class SensorNode:
    def __init__(self, settings, sensor, clock, wlan, ntp, transport, led=None, wdt=None, log=print):
        self.settings = settings
        self._sensor = sensor
        self._clock = clock
        self._transport = transport
        self._led = led
        self._wdt = wdt
        self._log = log
        s = settings
        self.wifi = WifiLink(wlan, s.wifi_ssid, s.wifi_psk, s.wifi_connect_timeout_ms,
                             Backoff(s.backoff_initial_ms, s.backoff_max_ms), self._tag)
        self.time = TimeSync(ntp, clock, s.ntp_resync_s * 1000,
                             Backoff(s.backoff_initial_ms, s.backoff_max_ms), self._tag)
        self.bridge = Backoff(s.backoff_initial_ms, s.backoff_max_ms)
        self.queue = ReadingQueue(s.queue_capacity)
        self._batch_limit = s.batch_max
        key = json.dumps(s.sensor_id)
        self._record_head = '{"key":%s,"value":{"sensorId":%s,"seq":' % (key, key)
        self._record_tail = ',"latitude":%s,"longitude":%s}}' % (coordinate(s.latitude),
                                                                  coordinate(s.longitude))
        self._next_sample = None
        self.sampling = True  # False: only drain the queue (simulator shutdown, tests)
        self.seq = 0
        self.delivered = 0
        self.rejected = 0
        self.send_failures = 0
        self.sensor_errors = 0
        self.unsynced_skips = 0
        self.missed = 0  # sampling slots lost because the loop was blocked
        self.requests = 0
        self._sensor_faults = 0  # consecutive
        self._in_flight_since = None  # ticks when the pending request started
        self.last_error = None

    # ---- the loop ------------------------------------------------------------------------
    async def run(self):
        """Forever: a ticker (WiFi, NTP, sampling, LED, watchdog) and a sender draining the
        queue. With a non-blocking transport a slow bridge never delays a reading; with the
        board's blocking ``requests`` the sender holds the loop for at most HTTP_TIMEOUT_S."""
        import asyncio

        asyncio.create_task(self.sender())
        while True:
            self.tick()
            await asyncio.sleep_ms(max(1, self.next_wait_ms(backlog=False)))

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
        since = self._in_flight_since
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
        except OSError as exc:
            self.sensor_errors += 1
            self._sensor_faults += 1
            self.last_error = "sensor: %r" % (exc,)
            self._tag(self.last_error)
            return False
        self._sensor_faults = 0
        self.queue.push(self.seq, self._clock.epoch(), temperature, humidity, pressure)
        self.seq += 1
        return True

    # ---- forwarding ----------------------------------------------------------------------
    def encode(self, count):
        """The bridge request body for the ``count`` oldest queued readings."""
        parts = ['{"records":[']
        for i in range(count):
            seq, epoch, temperature, humidity, pressure = self.queue.peek(i)
            parts.append("%s%s%d,\"timestamp\":\"%s\",\"temperature\":%s,\"humidity\":%s,\"pressure\":%s%s" % (
                "," if i else "", self._record_head, seq, iso8601(epoch), fixed2(temperature),
                fixed2(humidity), fixed2(pressure), self._record_tail))
        parts.append("]}")
        return "".join(parts)

    async def flush(self, now):
        count = min(len(self.queue), self._batch_limit)
        body = self.encode(count)
        self.requests += 1
        dropped_before = self.queue.dropped
        self._in_flight_since = now
        try:
            status, text = await self._transport.post(self.settings.produce_url, HEADERS, body)
        except OSError as exc:
            self._fail(self._clock.ticks_ms(), "bridge unreachable: %s" % (describe_oserror(exc),))
            return
        finally:
            self._in_flight_since = None
        now = self._clock.ticks_ms()
        # Readings pushed while the request was out may have overflowed the queue and pushed
        # out some of this batch (the oldest): those are no longer at the head to discard.
        count -= min(count, self.queue.dropped - dropped_before)
        if status == 200:
            self._settle(now, count, text)
        elif status in POISON_STATUSES:
            if count > 1:
                self._batch_limit = 1  # resend one by one to find the record it refuses
                self._tag("bridge refused a batch (%d); isolating" % status)
            elif count:
                self.queue.discard(1)
                self.rejected += 1
                self.last_error = "bridge rejected a reading: %d %s" % (status, text[:120])
                self._tag(self.last_error)
        elif status >= 500 or status in RETRY_STATUSES:
            self._fail(now, "bridge answered %d" % status)
        else:  # 401/403/404/405/415...: configuration; keep everything, retry slowly
            self._fail(now, "bridge answered %d: check BRIDGE_URL/TOPIC" % status,
                       at_least_ms=self.settings.backoff_max_ms)

    def _settle(self, now, count, text):
        try:
            offsets = json.loads(text)["offsets"]
        except (ValueError, KeyError, TypeError):
            offsets = None  # accepted (200) without a readable body: counted as delivered
        failed = 0
        retriable = 0
        if offsets:
            for entry in offsets[:count]:
                code = entry.get("error_code") if isinstance(entry, dict) else None
                if code is not None:
                    failed += 1
                    retriable += code >= 500
        if retriable == count:  # nothing was written: same as a 5xx
            self._fail(now, "bridge could not write any record")
            return
        self.queue.discard(count)
        self.delivered += count - failed
        self.rejected += failed
        if failed:
            self.last_error = "bridge rejected %d of %d records" % (failed, count)
            self._tag(self.last_error)
        self._batch_limit = self.settings.batch_max
        self.bridge.ok()

    def _fail(self, now, reason, at_least_ms=0):
        self.send_failures += 1
        self.bridge.fail(now, at_least_ms)
        self.last_error = reason
        self._tag("%s; %d queued, retry in %d ms" % (reason, len(self.queue), self.bridge.delay_ms))

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
        return {"sensorId": self.settings.sensor_id, "seq": self.seq, "queued": len(self.queue),
                "delivered": self.delivered, "dropped": self.queue.dropped, "rejected": self.rejected,
                "sendFailures": self.send_failures, "sensorErrors": self.sensor_errors,
                "unsyncedSkips": self.unsynced_skips, "missed": self.missed, "requests": self.requests,
                "wifiUp": self.wifi.up, "clockSet": self.time.synced, "lastError": self.last_error}

    def _tag(self, message):
        self._log("[%s] %s" % (self.settings.sensor_id, message))


def describe_oserror(exc):
    """A short reason for a failed request; errno values compared with ``errno`` constants."""
    code = exc.errno if isinstance(exc.errno, int) else None
    if code is not None and code < 0:
        return "DNS lookup failed (%d)" % code  # getaddrinfo on the ESP32 port
    for name in _NETWORK_ERRNOS:
        if code == getattr(errno, name):
            return name
    return repr(exc)


_NETWORK_ERRNOS = ("ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "ECONNABORTED", "ENOTCONN")


class SystemClock:
    """The device clock: ``time.ticks_ms`` for scheduling, the RTC (set by NTP) for timestamps."""

    def __init__(self):
        self._min_valid = time.mktime((2025, 1, 1, 0, 0, 0, 0, 0))

    def ticks_ms(self):
        return time.ticks_ms()

    def epoch(self):
        return int(time.time())

    def min_valid_epoch(self):
        return self._min_valid
