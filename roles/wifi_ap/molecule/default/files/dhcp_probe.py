"""Runs inside the network namespace "sensor": sends a DHCPDISCOVER on sensor0, as an ESP32 joining
the WiFi would, and prints the offer as JSON (offered address, DNS, NTP and router options)."""
import json
import os
import socket
import struct
import sys

IFACE = sys.argv[1].encode()
MAC = bytes.fromhex("02005e000001")
XID = int.from_bytes(os.urandom(4), "big")

discover = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 1, 1, 6, 0, XID, 0, 0x8000,
                       b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4, MAC.ljust(16, b"\0"),
                       b"\0" * 64, b"\0" * 128, 0x63825363)
discover += bytes([53, 1, 1, 55, 4, 1, 3, 6, 42, 255])

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IFACE)
    s.bind(("0.0.0.0", 68))
    s.settimeout(5)
    s.sendto(discover, ("255.255.255.255", 67))
    while True:
        data, _ = s.recvfrom(2048)
        if len(data) > 240 and struct.unpack("!I", data[4:8])[0] == XID:
            break

options, i = {}, 240
while i < len(data) and data[i] != 255:
    if data[i] == 0:
        i += 1
        continue
    code, length = data[i], data[i + 1]
    options[code] = data[i + 2:i + 2 + length]
    i += 2 + length


def addresses(code):
    raw = options.get(code)
    return None if raw is None else [socket.inet_ntoa(raw[j:j + 4]) for j in range(0, len(raw), 4)]


print(json.dumps({
    "message_type": options.get(53, b"\0")[0],
    "offered": socket.inet_ntoa(data[16:20]),
    "netmask": addresses(1),
    "router": addresses(3),
    "dns": addresses(6),
    "ntp": addresses(42),
}))
