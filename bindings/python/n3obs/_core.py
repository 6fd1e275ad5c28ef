"""The native library, the ABI check and the status-to-exception mapping.

``lib`` is the whole C API (n3obs._native); ``hot`` the calls made per recorded value and
per span, which keep the GIL because they never block (see _hot.c).

Every other module calls C through ``lib`` and turns a failing status into an exception
with ``check`` (or ``raise_status`` on the rare failure path of a hot function).
"""
from __future__ import annotations

import re
from typing import Dict, NoReturn, Type


def _explain_import_failure(error: ImportError) -> str:
    """What to do about a native extension that does not load, from the loader's message."""
    text = str(error)
    missing = re.search(r"(lib[\w.+-]+?\.so[\w.]*): cannot open shared object file", text)
    name = missing.group(1) if missing else ""
    if name.startswith(("libswift", "libFoundation", "libdispatch", "libBlocksRuntime")):
        return (f"n3obs: libn3obs.so needs the Swift runtime library {name}, which this machine "
                "does not have where the library looks for it ({text}). Install the Swift "
                "toolchain the package was built with, or put its usr/lib/swift/linux folder "
                "on LD_LIBRARY_PATH").replace("{text}", text)
    if name.startswith("libn3obs"):
        return (f"n3obs: {name} is missing from the installed package ({text}); reinstall it "
                "with `pip install bindings/python` after `swift build -c release`")
    return (f"n3obs: the native extension could not be loaded ({text}); reinstall with "
            "`pip install bindings/python` after `swift build -c release`")


try:
    from ._native import ffi, lib
    from ._hot import lib as hot  # the non-blocking per-value and per-span calls
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError(_explain_import_failure(e)) from e

#: The ABI this binding's cdef describes (include/n3obs.h at the time _cdef.h was written).
BINDING_ABI_VERSION = 1


def _check_abi(library_abi: "int | None" = None) -> None:
    """Raises ImportError unless libn3obs.so's ABI is the one this binding was built for
    (library_abi: for tests; None reads the loaded library's)."""
    if library_abi is None:
        library_abi = lib.n3obs_abi_version()
    header_abi = lib.N3OBS_ABI_VERSION
    if library_abi != BINDING_ABI_VERSION or header_abi != BINDING_ABI_VERSION:
        raise ImportError(
            f"n3obs: libn3obs.so {ffi.string(lib.n3obs_version()).decode()} has ABI "
            f"{library_abi}, but this binding was built for ABI {BINDING_ABI_VERSION} "
            f"(header at build time: {header_abi}); rebuild the binding with "
            "`pip install bindings/python` against the same library")


_check_abi()


class Error(Exception):
    """An n3obs call failed. ``status`` is the C status code, ``message`` the C message
    (n3obs_error_last) and ``function`` the C function that failed, when known."""

    def __init__(self, status: int, message: str, function: str = "") -> None:
        self.status = status
        self.message = message
        self.function = function
        super().__init__(message or errstr(status))


class InvalidArgumentError(Error, ValueError):
    """N3OBS_E_INVALID_ARGUMENT"""


class InvalidNameError(Error, ValueError):
    """N3OBS_E_INVALID_NAME"""


class LabelCountError(Error, ValueError):
    """N3OBS_E_LABEL_COUNT"""


class ConflictError(Error, ValueError):
    """N3OBS_E_CONFLICT: a family or check of that name exists with another shape."""


class NotInitializedError(Error):
    """N3OBS_E_NOT_INITIALIZED"""


class ShutdownError(Error):
    """N3OBS_E_SHUTDOWN: n3obs.shutdown() was called; it is final for the process."""


class MisuseError(Error):
    """N3OBS_E_MISUSE: a stale handle, a span ended twice, ..."""


class InvalidUTF8Error(Error, ValueError):
    """N3OBS_E_INVALID_UTF8"""


class TooLongError(Error, ValueError):
    """N3OBS_E_TOO_LONG"""


class InvalidValueError(Error, ValueError):
    """N3OBS_E_INVALID_VALUE: NaN, infinity, a negative counter increment."""


class ConfigError(Error, ValueError):
    """N3OBS_E_CONFIG"""


class PluginError(Error):
    """An exporter plugin could not be loaded (the message names the file)."""


class PluginNotFoundError(PluginError):
    """N3OBS_E_PLUGIN_NOT_FOUND"""


class TimeoutError(Error):  # noqa: A001 - the name n3obs.TimeoutError is intended
    """N3OBS_E_TIMEOUT: a flush or shutdown did not finish in time."""


class NoMemoryError(Error, MemoryError):
    """N3OBS_E_NO_MEMORY"""


# One entry per N3OBS_E_* of n3obs.h: tests/test_status_list.py fails when they differ.
_BY_STATUS: Dict[int, Type[Error]] = {
    lib.N3OBS_E_INVALID_ARGUMENT: InvalidArgumentError,
    lib.N3OBS_E_INVALID_NAME: InvalidNameError,
    lib.N3OBS_E_LABEL_COUNT: LabelCountError,
    lib.N3OBS_E_CONFLICT: ConflictError,
    lib.N3OBS_E_NOT_INITIALIZED: NotInitializedError,
    lib.N3OBS_E_SHUTDOWN: ShutdownError,
    lib.N3OBS_E_MISUSE: MisuseError,
    lib.N3OBS_E_NO_MEMORY: NoMemoryError,
    lib.N3OBS_E_INVALID_UTF8: InvalidUTF8Error,
    lib.N3OBS_E_TOO_LONG: TooLongError,
    lib.N3OBS_E_INVALID_VALUE: InvalidValueError,
    lib.N3OBS_E_CONFIG: ConfigError,
    lib.N3OBS_E_PLUGIN_NOT_FOUND: PluginNotFoundError,
    lib.N3OBS_E_PLUGIN_NOT_LOADABLE: PluginError,
    lib.N3OBS_E_PLUGIN_NO_ENTRY: PluginError,
    lib.N3OBS_E_PLUGIN_ABI: PluginError,
    lib.N3OBS_E_PLUGIN_REFUSED: PluginError,
    lib.N3OBS_E_PLUGIN_TABLE: PluginError,
    lib.N3OBS_E_PLUGIN_UNSAFE: PluginError,
    lib.N3OBS_E_TIMEOUT: TimeoutError,
}


def errstr(status: int) -> str:
    """The C library's short description of a status code."""
    return ffi.string(lib.n3obs_errstr(status)).decode("utf-8", "replace")


def error_last() -> str:
    """n3obs_error_last() of the calling thread."""
    return ffi.string(lib.n3obs_error_last()).decode("utf-8", "replace")


def make_error(status: int, function: str = "") -> Error:
    """The exception for a failed status; call on the thread that made the C call, before
    any other n3obs call, so that the message is the call's own."""
    return _BY_STATUS.get(status, Error)(status, error_last(), function)


def raise_status(status: int, function: str = "") -> NoReturn:
    raise make_error(status, function)


def check(status: int, function: str = "") -> None:
    if status:
        raise make_error(status, function)


def encode(value: str, what: str = "value") -> bytes:
    """str -> UTF-8 bytes for a const char *; other types are a TypeError, as in
    prometheus_client; lone surrogates are a ValueError (UnicodeEncodeError)."""
    if type(value) is str:
        return value.encode("utf-8")
    if isinstance(value, str):
        return str.encode(value, "utf-8")
    raise TypeError(f"n3obs: {what} must be a str, not {type(value).__name__}")


def decode(cstr) -> str:  # type: ignore[no-untyped-def]
    if cstr == ffi.NULL:
        return ""
    return ffi.string(cstr).decode("utf-8", "replace")
