"""Runs the real firmware loop (sensor_node.SensorNode + the bme280 driver) as simulated sensors.

Only the seams differ from the board: a register-level BME280 whose readings follow a weather
model for the sensor's location, a WLAN that is up unless the run simulates a WiFi outage, an
NTP that trusts the host clock, and an HTTP transport over the host's network (``simhost``, a
JS module the Node runner registers).
"""
import asyncio
import binascii
import errno
import json
import time

import simhost
from bme280 import BME280
from bme280_sim import SimulatedBme280
from netlink import SystemClock
from sensor_node import SensorNode
from settings import Settings
from weather import Weather


class FetchTransport:
    """POST through the host (fetch or the Kafka producer); failures become OSError(errno)."""

    async def post(self, url, headers, body):
        answer = await simhost.post(url, json.dumps(headers), body)
        if answer.errno:
            raise OSError(getattr(errno, answer.errno, errno.EIO))
        return answer.status, answer.body


class SimWlan:
    def __init__(self):
        self._joined = False

    def active(self, *args):
        return True

    def connect(self, ssid, psk):
        self._joined = simhost.wifi_up()

    def isconnected(self):
        if self._joined and not simhost.wifi_up():
            self._joined = False
        return self._joined

    def disconnect(self):
        self._joined = False

    def status(self):
        return 1010 if self._joined else 1001


class HostNtp:
    def settime(self):
        pass  # the host's clock is already set; SystemClock reads it


class HostClock(SystemClock):
    pass


def build(spec):
    settings = Settings(**spec["config"])
    chip = SimulatedBme280()
    weather = Weather(settings.latitude, settings.longitude, spec["seed"], spec.get("altitude", 250))
    clock = HostClock()
    chip.on_convert = lambda c: c.set_environment(*weather.at(clock.epoch()))
    return SensorNode(settings, BME280(chip, sleep_ms=lambda ms: None), clock, SimWlan(), HostNtp(),
                      FetchTransport(), log=simhost.log,
                      urandom=lambda n: binascii.unhexlify(simhost.random_hex(n)))


async def run_one(spec, count, stats_ms, drain_ms, finished):
    """The board's run(): a ticker and a sender task, plus stopping, draining and restarts.

    A restart (``simhost.restart_requested``: the simulator's control endpoint) is what a reset
    does to the board: the RAM queue is gone, a new bootId, seq from 0."""
    node = build(spec)
    sender = asyncio.create_task(node.sender())
    last_report = time.ticks_ms()
    boots = 1
    previous = {"delivered": 0, "dropped": 0, "rejected": 0, "lost_on_restart": 0}
    while not simhost.stopping() and not (count and node.seq >= count):
        if simhost.restart_requested(node.settings.sensor_id):
            sender.cancel()
            for k in ("delivered", "dropped", "rejected"):
                previous[k] += node.status()[k]
            previous["lost_on_restart"] += len(node.queue)
            simhost.log("[%s] restart: boot %s ends at seq %d with %d queued (lost)" % (
                node.settings.sensor_id, node.boot_id, node.seq, len(node.queue)))
            node = build(spec)
            boots += 1
            sender = asyncio.create_task(node.sender())
        node.tick()
        if time.ticks_diff(time.ticks_ms(), last_report) >= stats_ms:
            last_report = time.ticks_ms()
            simhost.report(json.dumps(node.status()))
        await asyncio.sleep_ms(max(1, node.next_wait_ms(backlog=False)))
    node.sampling = False  # stop measuring; deliver what is queued, within drain_ms
    drain_start = time.ticks_ms()
    while len(node.queue) and time.ticks_diff(time.ticks_ms(), drain_start) < drain_ms:
        node.tick()
        await asyncio.sleep_ms(100)
    sender.cancel()
    status = node.status()
    for k in ("delivered", "dropped", "rejected"):
        status[k] += previous[k]
    status["lostOnRestart"] = previous["lost_on_restart"]
    status["boots"] = boots
    simhost.report(json.dumps(status))
    finished.append(status)


async def run_all(specs_json, count, stats_ms, drain_ms):
    finished = []
    specs = json.loads(specs_json)
    await asyncio.gather(*[run_one(spec, count, stats_ms, drain_ms, finished) for spec in specs])
    order = [spec["config"]["SENSOR_ID"] for spec in specs]
    finished.sort(key=lambda st: order.index(st["sensorId"]))
    return json.dumps(finished)
