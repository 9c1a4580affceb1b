"""Fake ``network`` module: a station interface that associates on connect()."""
STA_IF = 0
STAT_GOT_IP = 1010
instances = []


class WLAN:
    def __init__(self, interface):
        self.interface = interface
        self.is_active = False
        self.connected = False
        self.connects = []
        instances.append(self)

    def active(self, on=None):
        if on is not None:
            self.is_active = on
        return self.is_active

    def connect(self, ssid, psk):
        if not self.is_active:
            raise OSError("STA not active")
        self.connects.append((ssid, psk))
        self.connected = True

    def isconnected(self):
        return self.connected

    def disconnect(self):
        self.connected = False

    def status(self):
        return STAT_GOT_IP if self.connected else 1001
