"""Plausible weather for a simulated sensor: a seasonal and a daily temperature curve for its
latitude/longitude, humidity that falls as it warms, pressure for its altitude with slow
fronts, and a little seeded noise (identical on every host for the same seed)."""
import math
import time

_TWO_PI = 2 * math.pi


class Prng:
    """xorshift32: tiny and deterministic."""

    def __init__(self, seed):
        self._s = (seed * 2654435761 + 1) & 0xFFFFFFFF or 1

    def next(self):
        s = self._s
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        self._s = s
        return s / 4294967296.0  # [0, 1)

    def noise(self):
        return self.next() + self.next() + self.next() - 1.5  # ~N(0, 0.5)


class Weather:
    def __init__(self, latitude, longitude, seed=1, altitude_m=250):
        self.latitude = latitude
        self.longitude = longitude
        self._rng = Prng(seed)
        self._phase = self._rng.next() * _TWO_PI
        self._drift = 0.0
        self._base_pressure = 1013.25 * (1 - 2.25577e-5 * altitude_m) ** 5.25588

    def at(self, epoch):
        """(temperature degC, relative humidity %, pressure hPa) at a Unix-epoch second."""
        t = time.gmtime(int(epoch))
        yday, hour = t[7], t[3] + t[4] / 60 + t[5] / 3600
        mean = 27.0 - 0.42 * abs(self.latitude)
        season = 9.0 * math.cos(_TWO_PI * (yday - 200) / 365.25)
        if self.latitude < 0:
            season = -season
        solar_hour = (hour + self.longitude / 15.0) % 24
        daily = 4.0 * math.cos(_TWO_PI * (solar_hour - 15.0) / 24)
        self._drift = 0.98 * self._drift + 0.05 * self._rng.noise()
        temperature = mean + season + daily + self._drift
        humidity = min(98.0, max(15.0, 70.0 - 3.5 * daily - 2.0 * self._drift + self._rng.noise()))
        front = 6.0 * math.sin(_TWO_PI * epoch / (5 * 86400) + self._phase)
        pressure = self._base_pressure + front + 0.1 * self._rng.noise()
        return temperature, humidity, pressure
