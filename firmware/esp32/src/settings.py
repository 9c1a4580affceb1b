"""The device configuration: ``config.py`` (rendered by the firmware role) checked, with defaults.

One concern: which values the loop runs with. Nothing here touches hardware or the network.
"""

DEFAULTS = {
    "TOPIC": "sensor-data",
    "SITE": "",
    "LATITUDE": 0.0,
    "LONGITUDE": 0.0,
    "I2C_ID": 0,
    "I2C_SDA": 19,
    "I2C_SCL": 23,
    "I2C_FREQ": 100000,
    "BME280_ADDRESS": 0x76,
    "INTERVAL_MS": 1000,
    # 1 h at one reading per second, 10 bytes each (36,000 bytes of RAM): see ringqueue.py
    "QUEUE_CAPACITY": 3600,
    "BATCH_MAX": 25,
    # Longer than the bridge's producer takes to settle a batch (delivery.timeout.ms, 6 s), so a
    # normal answer arrives before the device gives up: roles/edge_pipeline/README.md
    # "Ingestion: timeouts, resends and de-duplication".
    "HTTP_TIMEOUT_S": 10,
    "NTP_SERVER": "pool.ntp.org",
    "NTP_RESYNC_S": 3600,
    "WIFI_CONNECT_TIMEOUT_MS": 15000,
    "BACKOFF_INITIAL_MS": 1000,
    "BACKOFF_MAX_MS": 60000,
    "LED_PIN": 22,
    "LED_ACTIVE_LOW": True,
    "WDT_TIMEOUT_MS": 60000,
    "SENSOR_FAULT_LIMIT": 10,
}
REQUIRED = ("WIFI_SSID", "WIFI_PSK", "BRIDGE_URL", "SENSOR_ID")


def is_identifier(text):
    """The contract's identifier: letters, digits, '-', '_', '.'; 1..128 characters."""
    if not 1 <= len(text) <= 128:
        return False
    for ch in text:
        if not (ch.isalpha() or ch.isdigit() or ch in "-_."):
            return False
    return True


class Settings:
    DEFAULTS = DEFAULTS
    REQUIRED = REQUIRED

    def __init__(self, **values):
        for key in REQUIRED:
            if not values.get(key):
                raise ValueError("config: %s is required" % key)
        for key, value in DEFAULTS.items():
            values.setdefault(key, value)
        for key, value in values.items():
            setattr(self, key.lower(), value)
        if not is_identifier(self.sensor_id):
            raise ValueError("config: SENSOR_ID may hold letters, digits, '-', '_', '.' only (1..128)")
        if self.interval_ms < 10 or self.queue_capacity < 1 or self.batch_max < 1:
            raise ValueError("config: INTERVAL_MS >= 10, QUEUE_CAPACITY >= 1, BATCH_MAX >= 1")
        if self.batch_max > self.queue_capacity:
            raise ValueError("config: BATCH_MAX must not exceed QUEUE_CAPACITY")
        self.produce_url = self.bridge_url.rstrip("/") + "/topics/" + self.topic

    @classmethod
    def from_module(cls, module):
        return cls(**{k: getattr(module, k) for k in dir(module) if k.isupper()})
