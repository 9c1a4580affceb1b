"""The firmware against the bridge test double over real HTTP (the simulator's transport)."""
import json

import harness
from seams import Rig


class HttpTransport:
    async def post(self, url, headers, body):
        r = await harness.http_post(url, json.dumps(headers), body)
        if r.errno:
            import errno

            raise OSError(getattr(errno, r.errno))
        return r.status, r.body


async def test_batches_arrive_over_http_as_the_bridge_expects():
    rig = Rig(transport=HttpTransport(), BRIDGE_URL=harness.bridge_url())
    await rig.boot()
    await rig.run_for(5000)
    requests = json.loads(harness.bridge_requests())
    assert requests[0]["method"] == "POST" and requests[0]["path"] == "/topics/sensor-data"
    assert requests[0]["headers"]["content-type"] == "application/vnd.kafka.json.v2+json"
    assert requests[0]["headers"]["accept"] == "application/vnd.kafka.v2+json"
    received = rig.received()
    assert [r["value"]["seq"] for r in received] == list(range(rig.node.seq))
    assert all(r["key"] == "prague-balcony" for r in received)
    value = received[0]["value"]
    assert sorted(value) == sorted(["sensorId", "bootId", "seq", "timestamp", "temperature", "humidity",
                                    "pressure", "latitude", "longitude"])
    assert -60 <= value["temperature"] <= 85 and 0 <= value["humidity"] <= 100
    assert 300 <= value["pressure"] <= 1100


async def test_bridge_restart_over_http_loses_and_duplicates_nothing():
    rig = Rig(transport=HttpTransport(), BRIDGE_URL=harness.bridge_url(), BACKOFF_MAX_MS=4000)
    await rig.boot()
    await rig.run_for(3000)
    await harness.bridge_close()  # the port is closed: connection refused
    await rig.run_for(40000)
    assert rig.node.send_failures >= 5 and len(rig.node.queue) >= 39
    assert rig.node.last_error == "bridge unreachable: ECONNREFUSED", rig.node.last_error
    await harness.bridge_listen()
    await rig.run_for(10000)
    seqs = [r["value"]["seq"] for r in rig.received()]
    assert seqs == list(range(rig.node.seq)), seqs
    assert len(rig.node.queue) == 0
