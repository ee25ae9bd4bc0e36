# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bounded_map and prefetch: order, bounded work ahead, worker errors in the caller's thread."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map, prefetch


class PageError(Exception):
    pass


class Source:
    """An iterable of pages that records how far it was read, and from which thread."""

    def __init__(self, count, fail_at=None, delay=0.0):
        self.count, self.fail_at, self.delay = count, fail_at, delay
        self.started = 0  # next() calls begun: a real source sends a request here
        self.threads = set()
        self.closed = False

    def __iter__(self):
        try:
            for index in range(self.count):
                self.started += 1
                self.threads.add(threading.current_thread().name)
                if self.delay:
                    time.sleep(self.delay)
                if index == self.fail_at:
                    raise PageError('page %d failed' % index)
                yield index
        finally:
            self.closed = True


def wait_until(condition, timeout=2.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    return condition()


# ---- prefetch ---------------------------------------------------------------------------

def test_prefetch_yields_every_item_in_order_from_a_worker_thread():
    source = Source(50)
    assert list(prefetch(source, depth=3)) == list(range(50))
    assert threading.current_thread().name not in source.threads
    assert source.closed


@pytest.mark.parametrize('depth', [1, 2, 4])
def test_prefetch_reads_at_most_depth_items_ahead_of_the_consumer(depth):
    source = Source(20)
    stream = prefetch(source, depth=depth)
    received = 0
    for _item in stream:
        received += 1
        # the consumer is slow: give the worker every chance to run ahead
        wait_until(lambda: source.started >= received + depth, timeout=0.1)
        assert source.started - received <= depth
    assert received == 20


def test_prefetch_reraises_a_worker_error_after_the_items_fetched_before_it():
    source = Source(10, fail_at=3)
    stream = prefetch(source, depth=2)
    received = []
    with pytest.raises(PageError, match='page 3 failed'):
        for item in stream:
            received.append(item)
    assert received == [0, 1, 2]
    assert threading.current_thread().name not in source.threads


def test_prefetch_stops_fetching_when_the_consumer_stops():
    source = Source(100)
    stream = prefetch(source, depth=2)
    assert next(stream) == 0
    assert wait_until(lambda: source.started == 3)  # the one taken, and two ahead
    stream.close()
    assert wait_until(lambda: source.closed)
    assert source.started == 3


def test_prefetch_stops_fetching_when_the_consumer_fails():
    source = Source(100)

    def populate():
        for item in prefetch(source, depth=2):
            if item == 1:
                raise ValueError('bad host')

    with pytest.raises(ValueError, match='bad host'):
        populate()
    assert wait_until(lambda: source.closed)
    assert source.started <= 4


def test_prefetch_of_nothing():
    assert list(prefetch(iter([]), depth=2)) == []


# ---- bounded_map ------------------------------------------------------------------------

class Tracker:
    """A function that records how many calls run at once."""

    def __init__(self, fail_on=None):
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.calls = []
        self.fail_on = fail_on

    def __call__(self, item):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.calls.append(item)
        try:
            time.sleep(0.02 if item % 3 == 0 else 0.005)  # later items often finish first
            if item == self.fail_on:
                raise PageError('item %d failed' % item)
            return item * 10
        finally:
            with self.lock:
                self.running -= 1


@pytest.mark.parametrize('workers', [1, 2, 5])
def test_bounded_map_keeps_the_order_of_the_items(workers):
    assert list(bounded_map(Tracker(), range(30), workers)) == [i * 10 for i in range(30)]


@pytest.mark.parametrize('workers', [2, 4])
def test_bounded_map_runs_at_most_workers_calls_at_once(workers):
    tracker = Tracker()
    list(bounded_map(tracker, range(40), workers))
    assert 1 < tracker.most <= workers


def test_bounded_map_takes_items_lazily():
    taken = []

    def items():
        for index in range(1000):
            taken.append(index)
            yield index

    results = bounded_map(Tracker(), items(), 4)
    assert [next(results), next(results), next(results)] == [0, 10, 20]
    assert len(taken) <= 3 + 4
    results.close()


def test_bounded_map_reraises_a_worker_error_in_the_caller_after_earlier_results():
    tracker = Tracker(fail_on=7)
    received = []
    with pytest.raises(PageError, match='item 7 failed'):
        for result in bounded_map(tracker, range(100), 3):
            received.append(result)
    assert received == [i * 10 for i in range(7)]
    assert max(tracker.calls) < 7 + 3  # nothing started beyond the calls in flight
    assert tracker.running == 0  # the calls in flight finished before the error reached the caller
