"""Runs inside the network namespace "sensor" (a client on the AP's WiFi subnet) and prints, as
JSON, what such a client can reach on the access point: DNS, NTP and TCP ports."""
import json
import random
import socket
import struct
import sys

AP = sys.argv[1]
NAME = sys.argv[2]
TCP_PORTS = [int(p) for p in sys.argv[3].split(",")]


def dns_a(server, name):
    qid = random.randrange(65536)
    query = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    query += struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(query, (server, 53))
        data, _ = s.recvfrom(512)
    rid, flags, _, ancount, _, _ = struct.unpack(">HHHHHH", data[:12])
    if rid != qid or ancount == 0:
        return None
    # the answer's RDATA of an A record is the last 4 bytes of this short response
    return socket.inet_ntoa(data[-4:])


def ntp_stratum(server):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(b"\x23" + 47 * b"\0", (server, 123))
        data, _ = s.recvfrom(512)
    return data[1]


def tcp_open(server, port):
    try:
        with socket.create_connection((server, port), timeout=3):
            return True
    except OSError:
        return False


result = {}
try:
    result["dns"] = dns_a(AP, NAME)
except OSError as e:
    result["dns"] = "error: %s" % e
try:
    result["ntp_stratum"] = ntp_stratum(AP)
except OSError as e:
    result["ntp_stratum"] = "error: %s" % e
result["tcp"] = {str(p): tcp_open(AP, p) for p in TCP_PORTS}
print(json.dumps(result))
