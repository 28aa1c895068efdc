"""A hang guard for tests: a generous process timeout, never a measure of speed.

A test that waits for ever (a FIFO read without O_NONBLOCK, a loop that never ends) would
hold CI until its own timeout, saying nothing. Inside `hang_guard` a watchdog thread of
`faulthandler` ends the whole test process after HANG_SECONDS, printing every thread's
traceback. It takes no signal (the prose sandbox's timer uses SIGALRM) and never fails a test
that merely runs slowly on a busy machine: how long bounded work takes is `make bench`'s to
measure (bench/bounded.py).
"""

from __future__ import annotations

import faulthandler
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Far beyond anything a test here takes on a loaded machine (the slowest corpus case takes a
# few seconds), so only a real hang reaches it.
HANG_SECONDS = 300


@contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """End the process with every thread's traceback (which names the test) if the block
    runs past `seconds`."""
    faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__ or sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
