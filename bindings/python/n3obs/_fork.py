"""What the binding does around os.fork().

libn3obs.so has no fork support yet: its threads (the export pipeline, the health check
workers, the health monitor) do not exist in a child, and it offers no hook to restart
them. What survives fork, and keeps working in the child, is everything that runs on the
caller's thread: recording metrics, collect(), starting and ending spans, drain_spans(),
inject/extract. What needs the SDK's threads would hang in the child (health reports wait
forever for workers that are gone; force_flush and shutdown wait for the export thread),
so in a child those calls raise ForkError at once instead, and the exit-time shutdown is
skipped (the parent owns the exporters).

The binding's own Python locks are taken before fork and released in both processes, so
a child never inherits one held by another thread.
"""
from __future__ import annotations

import os
import threading

from . import _lifecycle
from ._core import Error

_forked_from: int = 0


class ForkError(Error):
    """This process was forked from one where n3obs ran; the call needs the SDK's threads,
    which libn3obs.so cannot restart in a child yet."""

    def __init__(self, function: str) -> None:
        super().__init__(-1, f"{function}: this process was forked (from pid {_forked_from}) "
                         "after n3obs started; libn3obs.so's threads (export pipeline, "
                         "health workers) do not survive fork and the library has no "
                         "hook to restart them, so this call is refused instead of hanging",
                         function)


def in_forked_child() -> bool:
    return _forked_from != 0


def refuse_in_child(function: str) -> None:
    if _forked_from:
        raise ForkError(function)


def _before() -> None:
    _lifecycle._lock.acquire()


def _after_in_parent() -> None:
    _lifecycle._lock.release()


def _after_in_child() -> None:
    global _forked_from
    _lifecycle._lock = threading.RLock()
    if _lifecycle.is_running():
        _forked_from = os.getppid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before, after_in_parent=_after_in_parent,
                        after_in_child=_after_in_child)
