"""Bounded, preallocated FIFO of readings for store-and-forward.

Each reading is packed into a fixed 10-byte slot of one bytearray allocated at start-up, so a
full queue costs exactly ``capacity * 10`` bytes (3,600 readings = 1 h at 1/s: 36,000 bytes) and
never fragments the heap: epoch seconds (32 bits), temperature in 0.01 degC (16 bits, signed),
and humidity in 0.01 % (0..10,000: 14 bits) with pressure in Pa (< 131,072 Pa: 17 bits) in one
32-bit word. ``seq`` is not stored: readings enter in ``seq`` order and leave only
from the head, so the queue always holds a contiguous run of seqs starting at ``head_seq``.
When the queue is full the oldest reading is overwritten and counted in ``dropped``.
"""
import struct

from micropython import const

SLOT = const(10)
_FORMAT = "<IhI"  # epoch seconds, temperature 0.01 degC, humidity << 17 | pressure Pa
_PRESSURE_BITS = const(17)
_PRESSURE_MASK = const(0x1FFFF)
_HUMIDITY_MAX = const(0x3FFF)


class ReadingQueue:
    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("queue capacity must be >= 1")
        self.capacity = capacity
        self._buf = bytearray(capacity * SLOT)
        self._head = 0  # slot of the oldest reading
        self._len = 0
        self.head_seq = 0  # seq of the oldest reading (of the next one when empty)
        self.dropped = 0

    def __len__(self):
        return self._len

    def push(self, seq, epoch, temperature, humidity, pressure):
        """Append reading ``seq`` (the one after the newest queued); when full, drop the oldest.
        Returns True if one was dropped."""
        if not (0 <= humidity <= _HUMIDITY_MAX and 0 <= pressure <= _PRESSURE_MASK and -32768 <= temperature < 32768):
            raise ValueError("reading does not fit a slot: %d %d %d" % (temperature, humidity, pressure))
        if self._len == 0:
            self.head_seq = seq
        elif seq != self.head_seq + self._len:
            raise ValueError("seq %d does not follow %d" % (seq, self.head_seq + self._len - 1))
        dropped = self._len == self.capacity
        if dropped:
            self._head = (self._head + 1) % self.capacity
            self._len -= 1
            self.head_seq += 1
            self.dropped += 1
        slot = (self._head + self._len) % self.capacity
        struct.pack_into(_FORMAT, self._buf, slot * SLOT, epoch, temperature,
                         (humidity << _PRESSURE_BITS) | pressure)
        self._len += 1
        return dropped

    def peek(self, index):
        """The reading ``index`` places after the oldest: (seq, epoch, t, h, p)."""
        if not 0 <= index < self._len:
            raise IndexError("queue index out of range")
        epoch, t, hp = struct.unpack_from(_FORMAT, self._buf, ((self._head + index) % self.capacity) * SLOT)
        return self.head_seq + index, epoch, t, hp >> _PRESSURE_BITS, hp & _PRESSURE_MASK

    def discard(self, count):
        """Remove the ``count`` oldest readings (after they were delivered or settled)."""
        count = min(count, self._len)
        self._head = (self._head + count) % self.capacity
        self._len -= count
        self.head_seq += count
        return count
