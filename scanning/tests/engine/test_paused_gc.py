"""The collector is paused for a scan and left as it was found, survivors promoted unexamined."""
from __future__ import annotations

import gc
import threading

from scanning.engine import paused_gc


def in_oldest_generation(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects(generation=2))


def test_a_scan_pauses_the_collector_and_promotes_what_it_keeps() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        kept = [[i] for i in range(5000)]  # lists are tracked: each one counts as an allocation
        assert gc.get_count()[0] >= 5000
    assert gc.isenabled()
    # no young collection is owed for the scan's allocations: they were counted off...
    assert gc.get_count()[0] < 700
    # ...and what the scan kept went straight to the oldest generation
    assert in_oldest_generation(kept) and in_oldest_generation(kept[-1])


def test_nested_and_concurrent_pauses_end_with_the_outermost() -> None:
    inner_done = threading.Event()

    def other_scan() -> None:
        with paused_gc():
            inner_done.wait(5)

    with paused_gc():
        thread = threading.Thread(target=other_scan)
        thread.start()
        with paused_gc():
            pass
        assert not gc.isenabled()  # the nested pause ended, the outer one did not
    assert not gc.isenabled()  # the other thread's scan still runs
    inner_done.set()
    thread.join()
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_someone_else_froze_stay_frozen() -> None:
    """A pre-forking server freezes its heap before forking; a scan must not thaw it."""
    heap = [[0]]
    gc.freeze()
    try:
        with paused_gc():
            _ = [[i] for i in range(100)]
        # still in the permanent generation, which no generation lists (the count may drift as
        # other frozen objects die, so it is not compared)
        assert gc.get_freeze_count() > 0
        assert not any(o is heap for generation in range(3) for o in gc.get_objects(generation=generation))
    finally:
        gc.unfreeze()
    assert in_oldest_generation(heap)
