"""Bounded, preallocated FIFO of readings for store-and-forward.

Each reading is packed into a fixed 16-byte slot of one bytearray allocated at start-up, so a
full queue costs exactly ``capacity * 16`` bytes and never fragments the heap. When the queue
is full the oldest reading is overwritten and counted in ``dropped``.
"""
import struct

from micropython import const

SLOT = const(16)
_FORMAT = "<IIhHI"  # seq, epoch seconds, temperature 0.01 degC, humidity 0.01 %, pressure Pa


class ReadingQueue:
    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("queue capacity must be >= 1")
        self.capacity = capacity
        self._buf = bytearray(capacity * SLOT)
        self._head = 0  # slot of the oldest reading
        self._len = 0
        self.dropped = 0

    def __len__(self):
        return self._len

    def push(self, seq, epoch, temperature, humidity, pressure):
        """Append a reading; when full, drop the oldest. Returns True if one was dropped."""
        dropped = self._len == self.capacity
        if dropped:
            self._head = (self._head + 1) % self.capacity
            self._len -= 1
            self.dropped += 1
        slot = (self._head + self._len) % self.capacity
        struct.pack_into(_FORMAT, self._buf, slot * SLOT, seq, epoch, temperature, humidity, pressure)
        self._len += 1
        return dropped

    def peek(self, index):
        """The reading ``index`` places after the oldest: (seq, epoch, t, h, p)."""
        if not 0 <= index < self._len:
            raise IndexError("queue index out of range")
        return struct.unpack_from(_FORMAT, self._buf, ((self._head + index) % self.capacity) * SLOT)

    def discard(self, count):
        """Remove the ``count`` oldest readings (after they were delivered or settled)."""
        count = min(count, self._len)
        self._head = (self._head + count) % self.capacity
        self._len -= count
        return count
