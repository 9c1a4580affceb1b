"""Bosch BME280 driver: temperature, pressure and humidity over I2C.

The driver is handed its bus (anything with ``readfrom_mem_into`` and ``writeto_mem``, such
as ``machine.I2C``) and imports nothing hardware-specific, so it runs on the host against a
fake bus. Measurements use forced mode (the datasheet's "weather monitoring" setting: one
conversion per read, x1 oversampling, filter off) and the datasheet's integer compensation:
``BME280_compensate_T_int32``, ``BME280_compensate_P_int64`` and
``BME280_compensate_H_int32`` (datasheet section 4.2.3).

``read()`` returns integers only, so nothing depends on the ESP32's single-precision floats:
temperature in 0.01 degC, pressure in Pa (= 0.01 hPa), relative humidity in 0.01 %.
"""
import struct
import time

from micropython import const

ADDRESS_PRIMARY = const(0x76)
ADDRESS_SECONDARY = const(0x77)
CHIP_ID = const(0x60)

_REG_CALIB00 = const(0x88)  # 0x88..0x9F: T1..P9 (24 bytes), 0xA1: H1
_REG_CALIB_H1 = const(0xA1)
_REG_CALIB26 = const(0xE1)  # 0xE1..0xE7: H2..H6 (7 bytes)
_REG_ID = const(0xD0)
_REG_RESET = const(0xE0)
_REG_CTRL_HUM = const(0xF2)
_REG_STATUS = const(0xF3)
_REG_CTRL_MEAS = const(0xF4)
_REG_CONFIG = const(0xF5)
_REG_DATA = const(0xF7)  # press msb/lsb/xlsb, temp msb/lsb/xlsb, hum msb/lsb

_STATUS_MEASURING = const(0x08)
_OSRS_X1 = const(0x01)
_MODE_FORCED = const(0x01)
_MEASURE_POLLS = const(25)  # x 2 ms; a x1/x1/x1 conversion takes at most 9.3 ms


class Calibration:
    """Trimming parameters as the datasheet names them (dig_T1 ... dig_H6)."""

    def __init__(self, block_88, h1, block_e1):
        (self.T1, self.T2, self.T3, self.P1, self.P2, self.P3, self.P4, self.P5, self.P6,
         self.P7, self.P8, self.P9) = struct.unpack("<HhhHhhhhhhhh", block_88)
        self.H1 = h1
        self.H2, self.H3 = struct.unpack("<hB", block_e1[0:3])
        e4 = block_e1[3] - 256 if block_e1[3] > 127 else block_e1[3]
        e6 = block_e1[5] - 256 if block_e1[5] > 127 else block_e1[5]
        self.H4 = (e4 << 4) | (block_e1[4] & 0x0F)
        self.H5 = (e6 << 4) | (block_e1[4] >> 4)
        self.H6 = block_e1[6] - 256 if block_e1[6] > 127 else block_e1[6]


def t_fine(adc_t, cal):
    var1 = (((adc_t >> 3) - (cal.T1 << 1)) * cal.T2) >> 11
    var2 = (((((adc_t >> 4) - cal.T1) * ((adc_t >> 4) - cal.T1)) >> 12) * cal.T3) >> 14
    return var1 + var2


def compensate_temperature(fine):
    """0.01 degC, e.g. 5123 = 51.23 degC."""
    return (fine * 5 + 128) >> 8


def compensate_pressure(adc_p, fine, cal):
    """Pa in Q24.8, e.g. 24674867 = 24674867 / 256 Pa = 963.862 hPa; 0 if uncalibrated."""
    var1 = fine - 128000
    var2 = var1 * var1 * cal.P6
    var2 = var2 + ((var1 * cal.P5) << 17)
    var2 = var2 + (cal.P4 << 35)
    var1 = ((var1 * var1 * cal.P3) >> 8) + ((var1 * cal.P2) << 12)
    var1 = (((1 << 47) + var1) * cal.P1) >> 33
    if var1 == 0:
        return 0  # avoid division by zero (datasheet)
    p = 1048576 - adc_p
    num = ((p << 31) - var2) * 3125
    q = abs(num) // abs(var1)  # C's int64 division truncates towards zero; // would floor
    p = q if (num < 0) == (var1 < 0) else -q
    var1 = (cal.P9 * (p >> 13) * (p >> 13)) >> 25
    var2 = (cal.P8 * p) >> 19
    return ((p + var1 + var2) >> 8) + (cal.P7 << 4)


def compensate_humidity(adc_h, fine, cal):
    """%RH in Q22.10, e.g. 47445 = 47445 / 1024 = 46.333 %RH."""
    v = fine - 76800
    v = (((((adc_h << 14) - (cal.H4 << 20) - (cal.H5 * v)) + 16384) >> 15)
         * (((((((v * cal.H6) >> 10) * (((v * cal.H3) >> 11) + 32768)) >> 10) + 2097152)
             * cal.H2 + 8192) >> 14))
    v = v - (((((v >> 15) * (v >> 15)) >> 7) * cal.H1) >> 4)
    v = 0 if v < 0 else v
    v = 419430400 if v > 419430400 else v
    return v >> 12


class BME280:
    """A BME280 on an I2C bus. ``read()`` -> (centi_degc, pascal, centi_percent_rh)."""

    def __init__(self, i2c, address=ADDRESS_PRIMARY, sleep_ms=None):
        self._i2c = i2c
        self._address = address
        self._sleep_ms = sleep_ms or time.sleep_ms
        self._one = bytearray(1)
        self._data = bytearray(8)
        chip = self._read_byte(_REG_ID)
        if chip != CHIP_ID:
            raise OSError("BME280 not found at 0x%02x (chip id 0x%02x)" % (address, chip))
        block_88 = bytearray(24)
        block_e1 = bytearray(7)
        i2c.readfrom_mem_into(address, _REG_CALIB00, block_88)
        i2c.readfrom_mem_into(address, _REG_CALIB26, block_e1)
        self.calibration = Calibration(block_88, self._read_byte(_REG_CALIB_H1), block_e1)
        self._write_byte(_REG_CONFIG, 0x00)  # filter off, SPI 3-wire off

    def _read_byte(self, reg):
        self._i2c.readfrom_mem_into(self._address, reg, self._one)
        return self._one[0]

    def _write_byte(self, reg, value):
        self._one[0] = value
        self._i2c.writeto_mem(self._address, reg, self._one)

    def read_raw(self):
        """Trigger one forced-mode conversion and return (adc_t, adc_p, adc_h)."""
        self._write_byte(_REG_CTRL_HUM, _OSRS_X1)  # takes effect with the ctrl_meas write
        self._write_byte(_REG_CTRL_MEAS, (_OSRS_X1 << 5) | (_OSRS_X1 << 2) | _MODE_FORCED)
        for _ in range(_MEASURE_POLLS):
            if not self._read_byte(_REG_STATUS) & _STATUS_MEASURING:
                break
            self._sleep_ms(2)
        else:
            raise OSError("BME280 conversion did not finish")
        d = self._data
        self._i2c.readfrom_mem_into(self._address, _REG_DATA, d)
        adc_p = (d[0] << 12) | (d[1] << 4) | (d[2] >> 4)
        adc_t = (d[3] << 12) | (d[4] << 4) | (d[5] >> 4)
        adc_h = (d[6] << 8) | d[7]
        return adc_t, adc_p, adc_h

    def read(self):
        """One measurement: (temperature 0.01 degC, pressure Pa, humidity 0.01 %RH)."""
        adc_t, adc_p, adc_h = self.read_raw()
        cal = self.calibration
        fine = t_fine(adc_t, cal)
        pressure_q24_8 = compensate_pressure(adc_p, fine, cal)
        humidity_q22_10 = compensate_humidity(adc_h, fine, cal)
        return (compensate_temperature(fine), (pressure_q24_8 + 128) >> 8,
                (humidity_q22_10 * 100 + 512) >> 10)
