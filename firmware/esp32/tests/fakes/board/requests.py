"""Fake MicroPython ``requests``: records each call, answers from a script, and tracks that
every response is closed."""
import errno

calls = []
responses = []  # scripted: (status, text) or an exception instance; default 200 with offsets
opened = []


class Response:
    def __init__(self, status, text, fail_on_read=False):
        self.status_code = status
        self._text = text
        self._fail_on_read = fail_on_read
        self.closed = False
        opened.append(self)

    @property
    def text(self):
        if self._fail_on_read:
            raise OSError(errno.ECONNRESET)
        return self._text

    def close(self):
        self.closed = True


def post(url, data=None, json=None, headers=None, timeout=None):
    calls.append({"url": url, "data": data, "headers": headers, "timeout": timeout})
    if responses:
        answer = responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return Response(*answer)
    n = data.count('"key"')
    return Response(200, '{"offsets":[' + ",".join(['{"partition":0,"offset":0}'] * n) + "]}")
