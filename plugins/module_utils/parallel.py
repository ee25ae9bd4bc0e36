# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded parallel work whose exceptions reach the calling thread."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
from concurrent.futures import ThreadPoolExecutor


def bounded_map(func, items, workers):
    """Yield ``func(item)`` for each item, in order, with at most ``workers`` calls in flight.

    Lazy: only ``workers`` results are ahead of the consumer, so a caller that streams pages
    never holds the whole fleet. An exception in a worker is re-raised here, in the caller's
    thread, and the pending calls are cancelled.
    """
    items = iter(items)
    if workers <= 1:
        for item in items:
            yield func(item)
        return
    pending = collections.deque()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for item in items:
                pending.append(pool.submit(func, item))
                if len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


_DONE = object()


def prefetch(iterable, depth=2):
    """Iterate ``iterable`` in a worker thread, up to ``depth`` items ahead of the consumer.

    Lets an inventory plugin add the hosts of one page while the next pages are fetched.
    An exception in the worker is re-raised in the consumer's thread, at the point it occurs.
    """
    import queue
    import threading

    items = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def produce():
        try:
            for item in iterable:
                if stop.is_set():
                    return
                items.put((item, None))
        except BaseException as exc:  # pylint: disable=broad-except; handed to the consumer
            items.put((None, exc))
            return
        items.put((_DONE, None))

    worker = threading.Thread(target=produce, name='mdmkit-prefetch', daemon=True)
    worker.start()
    try:
        while True:
            item, error = items.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while not items.empty():  # unblock a producer waiting on a full queue
            items.get_nowait()
