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
    """Iterate ``iterable`` in a worker thread, at most ``depth`` items ahead of the consumer.

    Lets an inventory plugin add the hosts of one page while the next pages are fetched. The
    worker asks ``iterable`` for the next item only while fewer than ``depth`` fetched items
    wait for the consumer, so no more than ``depth`` pages are held beyond the one being used.
    An exception in the worker is re-raised in the consumer's thread, after the items fetched
    before it. When the consumer stops early, the worker fetches nothing more and closes
    ``iterable``. (``merge`` of one iterable, which keeps its order.)
    """
    return merge([iterable], depth=depth)


def merge(iterables, depth=2):
    """Iterate several iterables at once, each in its own worker thread, and yield their items
    as they arrive, whichever iterable they come from (each one's own order is kept).

    Each worker fetches at most ``depth`` items ahead of the consumer (it asks for the next item
    only while fewer than ``depth`` of its items wait), an exception in a worker is re-raised in the consumer's thread, and when the
    consumer stops early the workers fetch nothing more and close their iterables. Lets one
    listing be read from both ends at once and its pages used as they come.
    """
    import queue
    import threading

    fetched = queue.Queue()
    stop = threading.Event()
    sources = [(iterable, threading.Semaphore(max(1, depth))) for iterable in iterables]

    def produce(iterable, free_slots):
        iterator = iter(iterable)
        try:
            while True:
                free_slots.acquire()
                if stop.is_set():
                    return
                try:
                    item = next(iterator)
                except StopIteration:
                    fetched.put((_DONE, None, None))
                    return
                fetched.put((item, None, free_slots))
        except BaseException as exc:  # pylint: disable=broad-except; handed to the consumer
            fetched.put((None, exc, None))
        finally:
            close = getattr(iterator, 'close', None)
            if close is not None:
                close()

    for number, (iterable, free_slots) in enumerate(sources):
        threading.Thread(target=produce, args=(iterable, free_slots), name='mdmkit-merge-%d' % number,
                         daemon=True).start()
    running = len(sources)
    try:
        while running:
            item, error, free_slots = fetched.get()
            if error is not None:
                raise error
            if item is _DONE:
                running -= 1
                continue
            free_slots.release()
            yield item
    finally:
        stop.set()
        for dummy, free_slots in sources:
            free_slots.release()  # wake a worker waiting for a slot, so that it sees ``stop``
