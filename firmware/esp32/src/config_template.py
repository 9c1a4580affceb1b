# Device configuration: the firmware role renders config.py from its template
# (roles/firmware/templates/config.py.j2) with the inventory's values and the vaulted WiFi
# credentials. This file only documents the keys; a real config.py is never committed.
WIFI_SSID = "edge-sensors"
WIFI_PSK = "set-by-ansible-vault"
BRIDGE_URL = "http://10.42.0.1:8080"
TOPIC = "sensor-data"
SENSOR_ID = "prague-balcony"
SITE = "prague"
LATITUDE = 50.0755
LONGITUDE = 14.4378
I2C_ID = 0
I2C_SDA = 19
I2C_SCL = 23
I2C_FREQ = 100000
BME280_ADDRESS = 0x76
INTERVAL_MS = 1000
QUEUE_CAPACITY = 3600
BATCH_MAX = 25
HTTP_TIMEOUT_S = 10
NTP_SERVER = "10.42.0.1"
NTP_RESYNC_S = 3600
WIFI_CONNECT_TIMEOUT_MS = 15000
BACKOFF_INITIAL_MS = 1000
BACKOFF_MAX_MS = 60000
LED_PIN = 22
LED_ACTIVE_LOW = True
WDT_TIMEOUT_MS = 60000
SENSOR_FAULT_LIMIT = 10
