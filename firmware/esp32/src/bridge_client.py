"""The bridge client: encodes queued readings as Strimzi Kafka Bridge produce requests and
settles the queue from the answer (``POST {BRIDGE_URL}/topics/{TOPIC}``, see contract/).

What an answer means (the real bridge 1.1.0, shared/RECIPES.md):
- 200 with one ``offsets`` entry per record, in record order; an entry is either
  ``{"partition":..,"offset":..}`` (written) or ``{"error_code":..,"message":..}``. Written
  records leave the queue from the head; at the first entry that failed for a passing reason
  (404 "not present in metadata", a delivery timeout, 5xx ...) the rest stays queued and is
  retried after back-off. A record refused for what it is (too large, invalid topic) is dropped
  and counted as ``rejected``.
- No answer (timeout, connection reset): UNKNOWN, not failed: the bridge may still write the
  batch later. The batch stays queued and is resent with the same bootId/seq; the aggregator
  counts the repeat once (contract/README.md). ``resent`` counts such records.
- 400/413/422: this request cannot succeed as it is: the next requests carry one record each
  until the refused one is found and dropped (``rejected``).
- 5xx/408/429: keep everything, back off. 401/403/404/405/415: wrong BRIDGE_URL/TOPIC, keep
  everything, retry slowly.
"""
import errno
import json

CONTENT_TYPE = "application/vnd.kafka.json.v2+json"
ACCEPT = "application/vnd.kafka.v2+json"
HEADERS = {"Content-Type": CONTENT_TYPE, "Accept": ACCEPT}

RETRY_STATUSES = (408, 429)
POISON_STATUSES = (400, 413, 422)  # this request cannot succeed as it is: isolate the bad record
# Per-record failures that a resend cannot cure (the record itself is at fault).
_PERMANENT_HINTS = ("too large", "larger than", "invalid topic", "serializ")


def fixed2(hundredths):
    """An integer in hundredths as a JSON number with two decimals (no float rounding)."""
    sign = "-" if hundredths < 0 else ""
    hundredths = abs(hundredths)
    return "%s%d.%02d" % (sign, hundredths // 100, hundredths % 100)


def coordinate(value):
    return "%.4f" % value  # ~11 m; exact on both float widths


def record_failure_is_permanent(code, message):
    if code in POISON_STATUSES:
        return True
    text = str(message).lower()
    for hint in _PERMANENT_HINTS:
        if hint in text:
            return True
    return False


class BridgeClient:
    def __init__(self, settings, transport, queue, clock, boot_id, backoff, report, iso8601):
        self.settings = settings
        self.queue = queue
        self.backoff = backoff
        self._transport = transport
        self._clock = clock
        self._report = report  # (reason, log=True): the node keeps last_error and logs
        self._iso8601 = iso8601
        key = json.dumps(settings.sensor_id)
        self._record_head = '{"key":%s,"value":{"sensorId":%s,"bootId":"%s","seq":' % (key, key, boot_id)
        self._record_tail = ',"latitude":%s,"longitude":%s}}' % (coordinate(settings.latitude),
                                                                  coordinate(settings.longitude))
        self._batch_limit = settings.batch_max
        self._unknown_end = 0  # seqs below this were sent once with an unknown outcome
        self.delivered = 0
        self.rejected = 0
        self.resent = 0
        self.send_failures = 0
        self.requests = 0
        self.in_flight_since = None  # ticks when the pending request started

    def encode(self, count):
        """The bridge request body for the ``count`` oldest queued readings."""
        parts = ['{"records":[']
        for i in range(count):
            seq, epoch, temperature, humidity, pressure = self.queue.peek(i)
            parts.append("%s%s%d,\"timestamp\":\"%s\",\"temperature\":%s,\"humidity\":%s,\"pressure\":%s%s" % (
                "," if i else "", self._record_head, seq, self._iso8601(epoch), fixed2(temperature),
                fixed2(humidity), fixed2(pressure), self._record_tail))
        parts.append("]}")
        return "".join(parts)

    async def flush(self, now):
        count = min(len(self.queue), self._batch_limit)
        first = self.queue.head_seq
        body = self.encode(count)
        self.requests += 1
        if first < self._unknown_end:
            self.resent += min(count, self._unknown_end - first)
        self.in_flight_since = now
        try:
            status, text = await self._transport.post(self.settings.produce_url, HEADERS, body)
        except OSError as exc:
            body = None
            reason = describe_oserror(exc)
            if reason in _UNKNOWN_OUTCOME:  # the request may have been read: the bridge may write it
                self._unknown_end = max(self._unknown_end, first + count)
            self._fail(self._clock.ticks_ms(), "bridge unreachable: %s" % (reason,))
            return
        finally:
            self.in_flight_since = None
        body = None
        now = self._clock.ticks_ms()
        # Readings pushed while the request was out may have overflowed the queue and pushed
        # out the oldest of this batch: those are no longer at the head to discard.
        gone = min(count, self.queue.head_seq - first)
        if status == 200:
            self._settle(now, count, gone, text)
        elif status in POISON_STATUSES:
            if count - gone > 1:
                self._batch_limit = 1  # resend one by one to find the record it refuses
                self._report("bridge refused a batch (%d); isolating" % status)
            elif count - gone == 1:
                self.queue.discard(1)
                self.rejected += 1
                self._report("bridge rejected a reading: %d %s" % (status, text[:120]))
        elif status >= 500 or status in RETRY_STATUSES:
            self._fail(now, "bridge answered %d" % status)
        else:  # 401/403/404/405/415...: configuration; keep everything, retry slowly
            self._fail(now, "bridge answered %d: check BRIDGE_URL/TOPIC" % status,
                       at_least_ms=self.settings.backoff_max_ms)

    def _settle(self, now, count, gone, text):
        try:
            offsets = json.loads(text)["offsets"]
        except (ValueError, KeyError, TypeError):
            offsets = None
        if not isinstance(offsets, list) or len(offsets) != count:
            # a 200 that does not say what became of each record: unknown, resend (de-duplicated)
            self._unknown_end = max(self._unknown_end, self.queue.head_seq + count - gone)
            self._fail(now, "bridge answered 200 without one offset per record")
            return
        failed = 0
        for i in range(count):
            entry = offsets[i]
            code = entry.get("error_code") if isinstance(entry, dict) else None
            if i < gone:  # already pushed out of the queue by an overflow
                continue
            if code is None:
                self.queue.discard(1)
                self.delivered += 1
                continue
            message = entry.get("message", "")
            if record_failure_is_permanent(code, message):
                self.queue.discard(1)
                self.rejected += 1
                failed += 1
                self._report("bridge rejected seq %d: %s %s" % (self.queue.head_seq - 1, code, str(message)[:80]))
                continue
            # not written now, may succeed later: keep it and everything after it, in order
            self._fail(now, "bridge could not write %d of %d records: %s %s" % (
                count - i, count, code, str(message)[:80]))
            return
        if failed:
            self._report("bridge rejected %d of %d records" % (failed, count))
        self._batch_limit = self.settings.batch_max
        self.backoff.ok()

    def _fail(self, now, reason, at_least_ms=0):
        self.send_failures += 1
        self.backoff.fail(now, at_least_ms)
        self._report("%s; %d queued, retry in %d ms" % (reason, len(self.queue), self.backoff.delay_ms),
                     reason)


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
# The request may have reached the bridge: whether it was written is unknown.
_UNKNOWN_OUTCOME = ("ETIMEDOUT", "ECONNRESET", "ECONNABORTED")
