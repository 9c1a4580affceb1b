"""The bounded store-and-forward queue."""
from ringqueue import SLOT, ReadingQueue


def test_fifo_order_and_values_survive_packing():
    q = ReadingQueue(4)
    q.push(0, 1795546136, -1234, 10000, 98159)
    q.push(1, 1795546137, 8500, 0, 110000)
    q.push(2, 1795546138, -32768, 16383, 131071)  # the extremes of a slot
    assert len(q) == 3
    assert q.peek(0) == (0, 1795546136, -1234, 10000, 98159)
    assert q.peek(1) == (1, 1795546137, 8500, 0, 110000)
    assert q.peek(2) == (2, 1795546138, -32768, 16383, 131071)


def test_seq_must_follow_and_values_must_fit():
    q = ReadingQueue(4)
    q.push(5, 1, 0, 0, 0)
    for bad in ((7, 1, 0, 0, 0), (6, 1, 0, 16384, 0), (6, 1, 0, 0, 131072), (6, 1, 40000, 0, 0)):
        try:
            q.push(*bad)
        except ValueError:
            pass
        else:
            raise AssertionError(bad)
    assert len(q) == 1 and q.peek(0)[0] == 5


def test_overflow_drops_the_oldest_and_counts():
    q = ReadingQueue(3)
    for seq in range(7):
        q.push(seq, 1000 + seq, 0, 0, 0)
    assert len(q) == 3
    assert q.dropped == 4
    assert [q.peek(i)[0] for i in range(3)] == [4, 5, 6]


def test_discard_and_wraparound_keep_order():
    q = ReadingQueue(5)
    seq = 0
    expected = []
    for rnd in range(20):
        for _ in range(3):
            q.push(seq, seq, 0, 0, 0)
            expected.append(seq)
            seq += 1
        expected = expected[-5:]
        got = [q.peek(i)[0] for i in range(len(q))]
        assert got == expected, (rnd, got, expected)
        n = q.discard(2)
        expected = expected[n:]
    assert q.discard(100) == len(expected)
    assert len(q) == 0


def test_storage_is_preallocated():
    q = ReadingQueue(600)
    assert len(q._buf) == 600 * SLOT == 6000
    buf = q._buf
    for seq in range(2000):
        q.push(seq, seq, 0, 0, 0)
    assert q._buf is buf and len(buf) == 6000


def test_peek_out_of_range_raises():
    q = ReadingQueue(2)
    try:
        q.peek(0)
    except IndexError:
        pass
    else:
        raise AssertionError("empty queue")
