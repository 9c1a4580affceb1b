"""HTTP transport for the ESP32: MicroPython's ``requests`` (``urequests``) module.

``post()`` is a coroutine so the loop can also run with a non-blocking transport (the
simulator's); here the request itself blocks for at most ``timeout_s``. Every response is
closed, whatever its status and even when reading its body fails.
"""


class RequestsTransport:
    def __init__(self, requests, timeout_s):
        self._requests = requests
        self._timeout_s = timeout_s

    async def post(self, url, headers, body):
        response = self._requests.post(url, data=body, headers=headers, timeout=self._timeout_s)
        try:
            return response.status_code, response.text
        finally:
            response.close()
