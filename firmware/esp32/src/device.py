"""Wires the sensor node to the ESP32's hardware. The only module that imports ``machine``,
``network`` and ``ntptime``; ``main.py`` calls ``run()``."""
import asyncio
import os
import sys
import time

import machine
import network
import ntptime

import config
from bme280 import BME280
from netlink import SystemClock
from sensor_node import SensorNode, StatusLed
from settings import Settings
from transport import RequestsTransport

try:
    import requests
except ImportError:  # older firmware images ship it as urequests
    import urequests as requests


class Watchdog:
    """machine.WDT starts on the first feed, so a slow boot (WiFi, NTP) cannot trip it."""

    def __init__(self, timeout_ms):
        self._timeout_ms = timeout_ms
        self._wdt = None

    def feed(self):
        if self._wdt is None:
            self._wdt = machine.WDT(timeout=self._timeout_ms)
        self._wdt.feed()


def build(settings=None, urandom=None):
    settings = settings or Settings.from_module(config)
    led_pin = machine.Pin(settings.led_pin, machine.Pin.OUT)
    i2c = machine.I2C(settings.i2c_id, sda=machine.Pin(settings.i2c_sda),
                      scl=machine.Pin(settings.i2c_scl), freq=settings.i2c_freq)
    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    ntptime.host = settings.ntp_server
    return SensorNode(
        settings,
        BME280(i2c, settings.bme280_address),
        SystemClock(),
        wlan,
        ntptime,
        RequestsTransport(requests, settings.http_timeout_s),
        led=StatusLed(led_pin, settings.led_active_low),
        wdt=Watchdog(settings.wdt_timeout_ms) if settings.wdt_timeout_ms else None,
        urandom=urandom or os.urandom,  # the hardware RNG: a new bootId on every boot
    )


def run():
    try:
        asyncio.run(build().run())
    except Exception as exc:  # noqa: BLE001 - last resort: log, then a clean reboot
        sys.print_exception(exc)
        time.sleep(10)
        machine.reset()
