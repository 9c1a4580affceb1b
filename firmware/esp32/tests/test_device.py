"""The board wiring (device.py) with fake machine/network/ntptime/requests modules, and the
requests transport: exact call, timeout, and every response closed."""
import errno
import time

import harness
from seams import host_urandom


def _write_config(**extra):
    lines = {
        "WIFI_SSID": "edge-sensors", "WIFI_PSK": "correct-horse", "BRIDGE_URL": "http://10.42.0.1:8080",
        "SENSOR_ID": "brno-roof", "SITE": "brno", "LATITUDE": 49.1951, "LONGITUDE": 16.6068,
        "I2C_SDA": 21, "I2C_SCL": 22, "LED_PIN": 5, "NTP_SERVER": "10.42.0.1", "WDT_TIMEOUT_MS": 30000,
        "HTTP_TIMEOUT_S": 7,
    }
    lines.update(extra)
    harness.write_file("/lib/config.py", "".join("%s = %r\n" % kv for kv in lines.items()))


async def test_device_wires_the_board_and_sends_through_requests():
    _write_config()
    import device
    import machine
    import network
    import ntptime
    import requests

    node = device.build(urandom=host_urandom)
    assert ("I2C", 0, 21, 22, 100000) in machine.calls
    assert ("Pin", 5, machine.Pin.OUT) in machine.calls
    wlan = network.instances[-1]
    assert wlan.interface == network.STA_IF and wlan.is_active
    assert ntptime.host == "10.42.0.1"
    for _ in range(20):
        await node.step()
        if requests.calls:
            break
        time.sleep_ms(60)
    assert wlan.connects == [("edge-sensors", "correct-horse")]
    assert ntptime.calls == ["10.42.0.1"]
    call = requests.calls[0]
    assert call["url"] == "http://10.42.0.1:8080/topics/sensor-data"
    assert call["headers"]["Content-Type"] == "application/vnd.kafka.json.v2+json"
    assert call["timeout"] == 7
    assert '"sensorId":"brno-roof"' in call["data"] and '"latitude":49.1951' in call["data"]
    assert all(r.closed for r in requests.opened)
    assert node.delivered == 1
    # the watchdog starts with the first healthy iteration and is fed on each one
    assert machine.WDT.instances and machine.WDT.instances[0].timeout == 30000
    assert machine.WDT.instances[0].feeds >= 1


async def test_every_response_is_closed_whatever_happens():
    import requests
    from transport import RequestsTransport

    t = RequestsTransport(requests, 5)
    requests.responses[:] = [(200, '{"offsets":[]}'), (503, "busy"), (404, "nope")]
    assert await t.post("http://b/topics/t", {"Content-Type": "x"}, "{}") == (200, '{"offsets":[]}')
    assert await t.post("http://b/topics/t", {}, "{}") == (503, "busy")
    assert await t.post("http://b/topics/t", {}, "{}") == (404, "nope")
    broken = requests.Response(200, "", fail_on_read=True)
    requests.opened.remove(broken)

    def post_broken(*args, **kwargs):
        requests.opened.append(broken)
        return broken

    t2 = RequestsTransport(type("R", (), {"post": staticmethod(post_broken)}), 5)
    try:
        await t2.post("http://b/topics/t", {}, "{}")
    except OSError as exc:
        assert exc.errno == errno.ECONNRESET
    else:
        raise AssertionError("a failed read must raise")
    assert len(requests.opened) == 4
    assert all(r.closed for r in requests.opened), [r.closed for r in requests.opened]
    assert [c["timeout"] for c in requests.calls] == [5, 5, 5]


async def test_connection_errors_from_requests_keep_the_readings():
    _write_config(BACKOFF_INITIAL_MS=10)
    import device
    import requests

    requests.responses[:] = [OSError(errno.ECONNREFUSED), OSError(errno.ETIMEDOUT), (500, "err")]
    node = device.build(urandom=host_urandom)
    for _ in range(200):
        await node.step()
        if node.delivered:
            break
        time.sleep_ms(10)
    assert node.send_failures == 3, node.status()
    assert node.delivered >= 1 and len(node.queue) == 0
