"""What the binding does around os.fork().

libn3obs.so makes fork() wait until no thread runs its code, and restarts what a child
needs (health workers, each exporter with its configuration) when the child first uses it;
see "fork()" in include/n3obs.h. So everything works in a child. The binding's own Python lock is taken before fork and released in both
processes, so a child never inherits it held by another thread.
"""
from __future__ import annotations

import os
import threading

from . import _lifecycle


def _before() -> None:
    _lifecycle._lock.acquire()


def _after_in_parent() -> None:
    _lifecycle._lock.release()


def _after_in_child() -> None:
    _lifecycle._lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before, after_in_parent=_after_in_parent,
                        after_in_child=_after_in_child)
