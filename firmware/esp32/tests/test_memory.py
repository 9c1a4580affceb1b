"""Store-and-forward within an ESP32's heap: a LOLIN32 Lite (no PSRAM) leaves MicroPython about
100 KB. With a full queue (1 h of readings) and a full batch in flight, what the firmware holds
must fit, with room for the interpreter's own work.

This port's heap grows on demand (it starts at the harness's 100 KB and is not capped), so the
test measures instead of relying on a MemoryError: gc.mem_alloc() after a collection between
top-level calls (what stays live), and gc.mem_alloc() inside the request (this port collects
nothing inside a running call, so it is an upper bound: live data plus every byte the encoding
allocated on the way)."""
import errno
import gc

HEAP_BYTES = 100 * 1024  # what MicroPython gets on a LOLIN32 Lite without PSRAM


class CapturingTransport:
    """Holds the last body as the board's stack would while the request is out; the device
    then gives up (ETIMEDOUT): the outcome is unknown, the batch stays queued."""

    def __init__(self):
        self.down = True
        self.in_flight = None
        self.alloc_in_flight = None
        self.posts = 0

    async def post(self, url, headers, body):
        self.posts += 1
        if self.down:
            raise OSError(errno.ECONNREFUSED)
        self.in_flight = body
        self.alloc_in_flight = gc.mem_alloc()
        raise OSError(errno.ETIMEDOUT)


def test_a_full_hour_queue_and_a_full_batch_fit_in_an_esp32_heap():
    transport = CapturingTransport()
    state = {}

    def baseline():
        gc.collect()
        state["empty"] = gc.mem_alloc()

    def import_firmware():  # the firmware's modules: their bytecode is in RAM on the board too
        import bme280, bridge_client, netlink, ringqueue, sensor_node, settings, transport  # noqa: F401

    def measure_code():
        gc.collect()
        state["code"] = gc.mem_alloc()

    def import_harness():  # the test's own modules (not on the board): measured apart
        import seams  # noqa: F401

    def measure_harness():
        gc.collect()
        state["harness"] = gc.mem_alloc()

    def build():
        from seams import Rig

        state["rig"] = Rig(transport=transport, QUEUE_CAPACITY=3600, BACKOFF_MAX_MS=60000)

    def measure_built():
        gc.collect()
        state["built"] = gc.mem_alloc()

    async def fill():  # more than an hour with the bridge unreachable: the queue is full
        rig = state["rig"]
        await rig.boot()
        await rig.run_for(3610 * 1000, tick_ms=1000)
        rig.logs.clear()

    def measure_full():
        gc.collect()
        state["full"] = gc.mem_alloc()

    async def send():  # the bridge is back: a full batch goes out, and the device times out
        transport.down = False
        rig = state["rig"]
        rig.node.bridge.ok()
        await rig.node.step()

    def measure_in_flight():
        gc.collect()
        state["in_flight"] = gc.mem_alloc()

    def check():
        rig = state["rig"]
        node = rig.node
        assert len(node.queue) == 3600 and node.queue.dropped > 0, node.status()
        assert transport.in_flight.count('"bootId"') == node.settings.batch_max == 25, "a full batch in flight"
        assert node.client.resent == 0 and len(node.queue) == 3600  # unknown outcome: kept
        queue_bytes = len(node.queue._buf)
        code = state["code"] - state["empty"]
        node_full = state["full"] - state["harness"]
        flight = state["in_flight"] - state["full"]
        peak = transport.alloc_in_flight - state["full"]
        print("firmware on the heap: modules %d B + node with a full queue %d B (queue %d B) + a batch in "
              "flight %d B (body %d B; %d B at most while encoding) = %d B live, %d B at the worst moment" % (
                  code, node_full, queue_bytes, flight, len(transport.in_flight), peak,
                  code + node_full + flight, code + node_full + peak))
        assert queue_bytes == 3600 * 10
        # live: the modules' bytecode, the loop, the full queue and the batch body
        assert code + node_full + flight < HEAP_BYTES * 80 // 100, state
        # (the worst-moment figure is an upper bound only: the board collects during the
        # encoding, this port cannot; it is reported, not asserted)

    return [baseline, baseline, import_firmware, measure_code, measure_code, import_harness, measure_harness,
            measure_harness, build, measure_built, measure_built, fill, measure_full, measure_full, send, measure_in_flight, check]
