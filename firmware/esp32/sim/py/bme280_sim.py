"""A BME280 at register level on a simulated I2C bus, for tests and the simulator.

It holds calibration parameters in the chip's register layout and answers forced-mode
conversions with raw ADC values, so the real driver (``bme280.py``) parses, triggers and
compensates exactly as on the board. ``set_environment()`` turns physical values into the raw
ADC values that the datasheet compensation maps back to them (by bisection).
"""
import errno
import struct

from bme280 import (CHIP_ID, Calibration, compensate_humidity, compensate_pressure,
                    compensate_temperature, t_fine)

# T and P: the BMP280/BME280 datasheet's worked example; H: typical values of real chips.
DATASHEET_T = (27504, 26435, -1000)
DATASHEET_P = (36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000)
TYPICAL_H = (75, 362, 0, 313, 50, 30)
DATASHEET_ADC_T = 519888
DATASHEET_ADC_P = 415148


def _bisect(lo, hi, value_of, target, increasing):
    while lo < hi:
        mid = (lo + hi) // 2
        below = value_of(mid) < target if increasing else value_of(mid) > target
        if below:
            lo = mid + 1
        else:
            hi = mid
    return lo


class SimulatedBme280:
    def __init__(self, address=0x76, t=DATASHEET_T, p=DATASHEET_P, h=TYPICAL_H):
        self.address = address
        self.regs = bytearray(256)
        self.regs[0xD0] = CHIP_ID
        struct.pack_into("<HhhHhhhhhhhh", self.regs, 0x88, *(t + p))
        h1, h2, h3, h4, h5, h6 = h
        self.regs[0xA1] = h1
        struct.pack_into("<hB", self.regs, 0xE1, h2, h3)
        self.regs[0xE4] = (h4 >> 4) & 0xFF
        self.regs[0xE5] = (h4 & 0x0F) | ((h5 & 0x0F) << 4)
        self.regs[0xE6] = (h5 >> 4) & 0xFF
        self.regs[0xE7] = h6 & 0xFF
        self.calibration = Calibration(self.regs[0x88:0xA0], h1, self.regs[0xE1:0xE8])
        self.raw = (DATASHEET_ADC_T, DATASHEET_ADC_P, 30000)
        self.conversions = 0
        self.busy_polls = 0  # status reads that report "measuring" after a trigger
        self.fail_next = 0  # bus transactions that fail with EIO (a loose wire)
        self.writes = []
        self.on_convert = None  # callback before each conversion (the simulator's weather)

    # -- the I2C bus interface the driver uses (machine.I2C) --
    def readfrom_mem_into(self, addr, reg, buf):
        self._check(addr)
        if reg == 0xF3:
            measuring = self.busy_polls > 0
            self.busy_polls -= measuring
            self.regs[0xF3] = 0x08 if measuring else 0x00
        for i in range(len(buf)):
            buf[i] = self.regs[reg + i]

    def writeto_mem(self, addr, reg, buf):
        self._check(addr)
        for i in range(len(buf)):
            self.regs[reg + i] = buf[i]
        if len(self.writes) < 64:
            self.writes.append((reg, bytes(buf)))
        if reg == 0xF4 and buf[0] & 0x03 == 0x01:  # forced mode: one conversion
            self._convert()

    def _check(self, addr):
        if addr != self.address:
            raise OSError(errno.ENODEV)
        if self.fail_next:
            self.fail_next -= 1
            raise OSError(errno.EIO)

    def _convert(self):
        if self.on_convert is not None:
            self.on_convert(self)
        self.conversions += 1
        adc_t, adc_p, adc_h = self.raw
        r = self.regs
        r[0xF7], r[0xF8], r[0xF9] = (adc_p >> 12) & 0xFF, (adc_p >> 4) & 0xFF, (adc_p & 0x0F) << 4
        r[0xFA], r[0xFB], r[0xFC] = (adc_t >> 12) & 0xFF, (adc_t >> 4) & 0xFF, (adc_t & 0x0F) << 4
        r[0xFD], r[0xFE] = (adc_h >> 8) & 0xFF, adc_h & 0xFF

    # -- what the simulated chip measures --
    def set_environment(self, temperature_c, humidity_pct, pressure_hpa):
        cal = self.calibration
        adc_t = _bisect(0, (1 << 20) - 1, lambda a: compensate_temperature(t_fine(a, cal)),
                        round(temperature_c * 100), True)
        fine = t_fine(adc_t, cal)
        adc_p = _bisect(0, (1 << 20) - 1, lambda a: compensate_pressure(a, fine, cal),
                        round(pressure_hpa * 100 * 256), False)
        adc_h = _bisect(0, 0xFFFF, lambda a: compensate_humidity(a, fine, cal),
                        round(humidity_pct * 1024), True)
        self.raw = (adc_t, adc_p, adc_h)
