"""Network and time: exponential back-off, the WiFi station link, NTP, the device clock.

The WLAN and NTP objects are handed in (``network.WLAN``, ``ntptime`` on the board; fakes on the
host); time comes from ``time.ticks_*`` and a clock object.
"""
import time


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


def iso8601(epoch):
    t = time.gmtime(epoch)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (t[0], t[1], t[2], t[3], t[4], t[5])
