"""SIGINT (Ctrl-C) and SIGTERM, turned into a clean stop at a safe point.

A signal only records the request; the run stops at the next safe point (:func:`check`,
called between blocks and tables in the main thread), never inside pyarrow or a rename.
Inside :func:`critical` (the switch of the output folder) even that waits until the switch
is complete, so the folder always holds a whole output. A second signal outside a critical
section stops at once.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):  # like KeyboardInterrupt: not an Exception
    """The run was asked to stop; ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


class _State:
    requested: int | None = None
    critical = 0


def _handler(signum: int, frame: object) -> None:
    again = _State.requested is not None
    _State.requested = signum
    if again and not _State.critical:
        raise Interrupted(signum)


def install() -> None:
    """Route SIGINT and SIGTERM through this module (call from the main thread); a signal
    already noted stays noted."""
    for sig in SIGNALS:
        signal.signal(sig, _handler)


def requested() -> int | None:
    """The signal asked for, if any."""
    return _State.requested


def check() -> None:
    """A safe point: stop here if a signal asked for it (main thread only)."""
    if (
        _State.requested is not None
        and not _State.critical
        and threading.current_thread() is threading.main_thread()
    ):
        raise Interrupted(_State.requested)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A section no signal cuts short; a stop asked for meanwhile waits for its end."""
    _State.critical += 1
    try:
        yield
    finally:
        _State.critical -= 1
