"""Fake ``ntptime``: records the server; the host clock is already right."""
host = "pool.ntp.org"
calls = []


def settime():
    calls.append(host)
