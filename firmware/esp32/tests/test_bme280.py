"""The BME280 driver against the datasheet's integer compensation and worked example."""
import errno

import bme280
from bme280 import BME280
from bme280_sim import DATASHEET_ADC_P, DATASHEET_ADC_T, SimulatedBme280


def _driver(chip):
    return BME280(chip, sleep_ms=lambda ms: None)


def test_datasheet_worked_example_temperature_and_pressure():
    # BMP280/BME280 datasheet worked example: adc_T 519888 -> t_fine 128422, 25.08 degC;
    # adc_P 415148 -> 100653.27 Pa. The published int64 formula gives 25767233 (Q24.8),
    # 0.02 Pa from the figure printed beside it; the datasheet allows integer rounding.
    chip = SimulatedBme280()
    cal = _driver(chip).calibration
    fine = bme280.t_fine(DATASHEET_ADC_T, cal)
    assert fine == 128422, fine
    assert bme280.compensate_temperature(fine) == 2508
    p = bme280.compensate_pressure(DATASHEET_ADC_P, fine, cal)
    assert p == 25767233, p
    assert abs(p / 256 - 100653.27) < 0.05, p / 256


def test_calibration_is_parsed_from_the_register_layout():
    chip = SimulatedBme280(h=(75, 362, 0, 313, -50, -30))
    cal = _driver(chip).calibration
    assert (cal.T1, cal.T2, cal.T3) == (27504, 26435, -1000)
    assert (cal.P1, cal.P2, cal.P3, cal.P4, cal.P5) == (36477, -10685, 3024, 2855, 140)
    assert (cal.P6, cal.P7, cal.P8, cal.P9) == (-7, 15500, -14600, 6000)
    # H4/H5 share register 0xE5 as 12-bit values; negative H5/H6 must keep their sign
    assert (cal.H1, cal.H2, cal.H3, cal.H4, cal.H5, cal.H6) == (75, 362, 0, 313, -50, -30)


def _humidity_double(adc_h, fine, c):
    # The datasheet's floating-point formula (BME280_compensate_H_double), the reference for H.
    v = fine - 76800.0
    v = (adc_h - (c.H4 * 64.0 + c.H5 / 16384.0 * v)) * (
        c.H2 / 65536.0 * (1.0 + c.H6 / 67108864.0 * v * (1.0 + c.H3 / 67108864.0 * v)))
    v = v * (1.0 - c.H1 * v / 524288.0)
    return min(100.0, max(0.0, v))


def test_humidity_integer_compensation_matches_the_double_formula():
    cal = _driver(SimulatedBme280()).calibration
    for adc_t in (400000, DATASHEET_ADC_T, 560000):
        fine = bme280.t_fine(adc_t, cal)
        for adc_h in (22000, 26000, 30000, 34000, 38000):
            got = bme280.compensate_humidity(adc_h, fine, cal) / 1024
            want = _humidity_double(adc_h, fine, cal)
            assert abs(got - want) < 0.05, (adc_t, adc_h, got, want)
    # clamped to 0..100 %RH like the datasheet
    fine = bme280.t_fine(DATASHEET_ADC_T, cal)
    assert bme280.compensate_humidity(0, fine, cal) == 0
    assert bme280.compensate_humidity(0xFFFF, fine, cal) == 100 << 10


def test_read_triggers_a_forced_conversion_and_returns_integer_units():
    chip = SimulatedBme280()
    chip.raw = (DATASHEET_ADC_T, DATASHEET_ADC_P, 30000)
    sensor = _driver(chip)
    chip.writes.clear()
    temperature, pressure, humidity = sensor.read()
    assert temperature == 2508  # 0.01 degC
    assert pressure == (25767233 + 128) >> 8 == 100653  # Pa
    want_h = bme280.compensate_humidity(30000, 128422, sensor.calibration)
    assert humidity == (want_h * 100 + 512) >> 10
    # ctrl_hum (x1) must be written before ctrl_meas (x1/x1, forced) for it to take effect
    assert chip.writes == [(0xF2, b"\x01"), (0xF4, bytes([0b00100101]))], chip.writes
    assert chip.conversions == 1


def test_read_waits_while_the_chip_is_measuring():
    chip = SimulatedBme280()
    slept = []
    sensor = BME280(chip, sleep_ms=slept.append)
    chip.busy_polls = 3
    sensor.read()
    assert slept == [2, 2, 2]
    chip.busy_polls = 1000  # never finishes: a bounded wait, then an error
    try:
        sensor.read()
    except OSError as exc:
        assert "did not finish" in str(exc)
    else:
        raise AssertionError("a conversion that never ends must raise")


def test_missing_chip_and_bus_errors_raise_oserror():
    chip = SimulatedBme280(address=0x77)
    try:
        BME280(chip, address=0x76)
    except OSError as exc:
        assert exc.errno == errno.ENODEV
    else:
        raise AssertionError("no chip at 0x76")
    chip.regs[0xD0] = 0x58  # a BMP280 (no humidity) is not accepted
    try:
        BME280(chip, address=0x77)
    except OSError as exc:
        assert "chip id 0x58" in str(exc)
    else:
        raise AssertionError("wrong chip id")


def test_simulated_environment_round_trips_through_the_driver():
    chip = SimulatedBme280()
    sensor = _driver(chip)
    for t, h, p in ((20.57, 54.87, 981.59), (-12.3, 91.0, 1030.2), (35.0, 20.5, 950.0)):
        chip.set_environment(t, h, p)
        temperature, pressure, humidity = sensor.read()
        assert abs(temperature - t * 100) <= 1, (temperature, t)
        assert abs(humidity - h * 100) <= 1, (humidity, h)
        assert abs(pressure - p * 100) <= 1, (pressure, p)
