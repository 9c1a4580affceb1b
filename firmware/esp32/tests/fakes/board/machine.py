"""Fake ``machine`` module (the board's hardware API): records what the firmware asked for."""
import sys

_seams = sys.modules.get("seams")
calls = []


class Pin:
    OUT = 1
    IN = 0

    def __init__(self, pin_id, mode=-1):
        self.id = pin_id
        self.mode = mode
        self.values = []
        calls.append(("Pin", pin_id, mode))

    def value(self, v=None):
        if v is None:
            return self.values[-1] if self.values else 0
        self.values.append(v)


class I2C:
    """Answers like a BME280 on the bus (the register-level simulation)."""

    def __init__(self, bus_id, sda=None, scl=None, freq=400000):
        from bme280_sim import SimulatedBme280

        calls.append(("I2C", bus_id, sda.id, scl.id, freq))
        self._chip = SimulatedBme280()
        self._chip.set_environment(21.5, 48.0, 990.0)

    def readfrom_mem_into(self, addr, reg, buf):
        self._chip.readfrom_mem_into(addr, reg, buf)

    def writeto_mem(self, addr, reg, buf):
        self._chip.writeto_mem(addr, reg, buf)


class WDT:
    instances = []

    def __init__(self, id=0, timeout=5000):
        self.timeout = timeout
        self.feeds = 0
        WDT.instances.append(self)
        calls.append(("WDT", timeout))

    def feed(self):
        self.feeds += 1


def reset():
    calls.append(("reset",))
    raise SystemExit("machine.reset()")
