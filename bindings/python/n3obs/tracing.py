"""Tracing in OpenTelemetry's shapes on libn3obs.so's spans.

The current span lives in a ContextVar, so each asyncio task and each thread (started with
contextvars.copy_context().run, as with OpenTelemetry) sees its own parent. That ContextVar
is also the C library's current span: importing this module installs it as libn3obs.so's
context storage (n3obs_set_context_storage, in n3obs._hot), so C code called from Python
(an extension, ctypes) that starts a span without a parent gets the Python span as parent,
a histogram observation inside a sampled Python span carries its exemplar, and a span that
C code makes current (n3obs_span_make_current) is Python's current span until C closes its
scope. Spans started here still pass their parent to C explicitly (n3obs_span_opts.parent,
or N3OBS_SPAN_ROOT), which costs C no lookup.
"""
from __future__ import annotations

import asyncio
import atexit
import contextvars
import enum
import functools
import itertools
import threading
import traceback
from dataclasses import dataclass, field
from typing import (Any, Callable, Dict, List, Mapping, MutableMapping, Optional,
                    Sequence, Tuple, TypeVar, Union)

from . import _lifecycle
from ._core import check, decode, encode, ffi, hot, lib, make_error

F = TypeVar("F", bound=Callable[..., Any])
AttributeValue = Union[str, bool, int, float, Sequence[str], Sequence[bool], Sequence[int],
                       Sequence[float]]
Attributes = Optional[Mapping[str, AttributeValue]]

_OK = 0
_SHUTDOWN = lib.N3OBS_E_SHUTDOWN
_NOT_INITIALIZED = lib.N3OBS_E_NOT_INITIALIZED
_MISUSE = lib.N3OBS_E_MISUSE
_ROOT = lib.N3OBS_SPAN_ROOT
_NULL = ffi.NULL
_span_start = lib.n3obs_span_start
_start_root = hot.n3py_span_start_root
_start_child = hot.n3py_span_start_child
_start_status = hot.n3py_span_start_status
_span_end_now = hot.n3py_span_end
_set_str = hot.n3py_span_set_string
_set_int = hot.n3py_span_set_int
_set_double = hot.n3py_span_set_double
_set_bool = hot.n3py_span_set_bool
_get_context = lib.n3obs_span_get_context
_ffi_buffer = ffi.buffer
_from_bytes = int.from_bytes
_new_object = object.__new__


class SpanKind(enum.IntEnum):
    """Span kinds with OTLP's numbers (the C values)."""
    INTERNAL = 1
    SERVER = 2
    CLIENT = 3
    PRODUCER = 4
    CONSUMER = 5


_INTERNAL = SpanKind.INTERNAL


class StatusCode(enum.IntEnum):
    UNSET = 0
    OK = 1
    ERROR = 2


@dataclass(frozen=True)
class Status:
    """A span status, as opentelemetry.trace.Status."""
    status_code: StatusCode = StatusCode.UNSET
    description: Optional[str] = None

    @property
    def is_ok(self) -> bool:
        return self.status_code != StatusCode.ERROR


@dataclass(frozen=True)
class SpanContext:
    """What identifies a span across processes; ids are ints, as in OpenTelemetry."""
    trace_id: int
    span_id: int
    is_remote: bool = False
    trace_flags: int = 0
    trace_state: str = ""

    @property
    def is_valid(self) -> bool:
        return self.trace_id != 0 and self.span_id != 0

    @property
    def sampled(self) -> bool:
        return bool(self.trace_flags & 1)

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id:032x}-{self.span_id:016x}-{self.trace_flags & 0xff:02x}"


INVALID_SPAN_CONTEXT = SpanContext(0, 0)


def _kind(kind: Any) -> int:
    if type(kind) is SpanKind:
        return kind.value
    if kind is None:
        return 1
    name = getattr(kind, "name", None)  # opentelemetry.trace.SpanKind works too
    if name is not None and name in SpanKind.__members__:
        return SpanKind[name].value
    try:
        return SpanKind(kind).value
    except ValueError:
        raise ValueError(f"n3obs: unknown span kind {kind!r}") from None


# ---- attributes -------------------------------------------------------------------------

_ARRAY_TYPES = {str: (lib.N3OBS_VALUE_STRING_ARRAY, "const char *[]"),
                bool: (lib.N3OBS_VALUE_BOOL_ARRAY, "int32_t[]"),
                int: (lib.N3OBS_VALUE_INT64_ARRAY, "int64_t[]"),
                float: (lib.N3OBS_VALUE_DOUBLE_ARRAY, "double[]")}


def _fill_value(v: Any, value: Any, keep: list) -> None:
    if isinstance(value, bool):
        v.type = lib.N3OBS_VALUE_BOOL
        v.bool_value = 1 if value else 0
    elif isinstance(value, int):
        v.type = lib.N3OBS_VALUE_INT64
        v.int_value = value
    elif isinstance(value, float):
        v.type = lib.N3OBS_VALUE_DOUBLE
        v.double_value = value
    elif isinstance(value, str):
        v.type = lib.N3OBS_VALUE_STRING
        b = ffi.new("char[]", encode(value))
        keep.append(b)
        v.string_value = b
    elif isinstance(value, (list, tuple)):
        types = {bool if isinstance(x, bool) else int if isinstance(x, int) else
                 float if isinstance(x, float) else str if isinstance(x, str) else type(x)
                 for x in value}
        if types == {int, float}:
            types = {float}
        t = types.pop() if len(types) == 1 else (str if not types else None)
        if t not in _ARRAY_TYPES:
            raise TypeError("n3obs: an attribute array must hold str, bool, int or float "
                            f"items of one type, got {sorted(x.__name__ for x in types | {t} if x)}")
        code, ctype = _ARRAY_TYPES[t]
        if t is str:
            items = [ffi.new("char[]", encode(x)) for x in value]
            keep.append(items)
            arr = ffi.new(ctype, items)
        elif t is bool:
            arr = ffi.new(ctype, [1 if x else 0 for x in value])
        else:
            arr = ffi.new(ctype, [t(x) for x in value])
        keep.append(arr)
        v.type = code
        v.array = arr
        v.array_count = len(value)
    else:
        raise TypeError(f"n3obs: attribute values must be str, bool, int, float or a "
                        f"sequence of one of them, not {type(value).__name__}")


def _attributes(attrs: Attributes, keep: list) -> Tuple[Any, int]:
    if not attrs:
        return _NULL, 0
    arr = ffi.new("n3obs_attribute[]", len(attrs))
    for i, (k, value) in enumerate(attrs.items()):
        kb = ffi.new("char[]", encode(k, "attribute key"))
        keep.append(kb)
        arr[i].key = kb
        _fill_value(arr[i].value, value, keep)
    keep.append(arr)
    return arr, len(attrs)


def _decode_value(v: Any) -> Any:
    t = v.type
    if t == lib.N3OBS_VALUE_STRING:
        return decode(v.string_value)
    if t == lib.N3OBS_VALUE_INT64:
        return v.int_value
    if t == lib.N3OBS_VALUE_DOUBLE:
        return v.double_value
    if t == lib.N3OBS_VALUE_BOOL:
        return bool(v.bool_value)
    n = v.array_count
    if t == lib.N3OBS_VALUE_STRING_ARRAY:
        a = ffi.cast("const char *const *", v.array)
        return tuple(decode(a[i]) for i in range(n))
    if t == lib.N3OBS_VALUE_INT64_ARRAY:
        return tuple(ffi.cast("const int64_t *", v.array)[0:n])
    if t == lib.N3OBS_VALUE_DOUBLE_ARRAY:
        return tuple(ffi.cast("const double *", v.array)[0:n])
    if t == lib.N3OBS_VALUE_BOOL_ARRAY:
        return tuple(bool(x) for x in ffi.cast("const int32_t *", v.array)[0:n])
    return None


def _decode_attributes(arr: Any, n: int) -> Dict[str, Any]:
    return {decode(arr[i].key): _decode_value(arr[i].value) for i in range(n)}


# ---- spans ------------------------------------------------------------------------------

_tls = threading.local()


def _thread_buffers() -> Tuple[Any, Any, Any, Any]:
    """Per-thread buffers: n3obs_span_opts for the starts that are not the common one,
    the out pointer, the thread's span context that every start fills (n3py_span_context
    of n3obs._hot, also opts.context_out here) and a bytes view of that context. The GIL
    is released during n3obs._native's calls, so the buffers cannot be shared."""
    ctx = hot.n3py_span_context()
    opts = ffi.new("n3obs_span_opts *")
    opts.size = ffi.sizeof("n3obs_span_opts")
    opts.context_out = ctx
    out = ffi.new("n3obs_span **")
    b = (opts, out, ctx, _ffi_buffer(ctx))
    _tls.b = b
    return b


# n3obs_span_context: flags at 4, trace id at 8..24, span id at 24..32, tracestate from 32.
def _raw_context(b: Tuple[Any, Any, Any, Any]) -> bytes:
    """The context in the thread's buffer b[2] as its first 33 bytes (plus the tracestate
    after them when there is one): one copy, turned into a SpanContext only when asked
    for."""
    raw = b[3][0:33]
    if raw[32]:
        raw = raw + ffi.string(b[2].tracestate)[1:]
    return raw


def _capture_raw(h: Any) -> Optional[bytes]:
    """The context of live span h, as _raw_context returns it (None if h is not live)."""
    try:
        b = _tls.b
    except AttributeError:
        b = _thread_buffers()
    if _get_context(h, b[2]):
        return None
    return _raw_context(b)


def _context_from_raw(raw: bytes) -> SpanContext:
    return SpanContext(_from_bytes(raw[8:24], "big"), _from_bytes(raw[24:32], "big"), False,
                       raw[4], raw[32:].decode() if raw[32] else "")


class Span:
    """A span of libn3obs.so. Methods on an ended span do nothing, as in OpenTelemetry."""

    __slots__ = ("_h", "_raw", "name")

    def __init__(self, handle: Any, name: str) -> None:
        self._h = handle
        self._raw: Optional[bytes] = None
        self.name = name

    def _failed(self, status: int, function: str) -> None:
        if self._h is _NULL or status == _SHUTDOWN:
            return  # ended (or SDK shut down): ignored, as OpenTelemetry does
        raise make_error(status, function)

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        t = type(value)
        try:
            k = key.encode()
        except AttributeError:
            raise TypeError(f"n3obs: attribute keys are str, not {type(key).__name__}") from None
        if t is str:
            status = _set_str(self._h, k, value.encode())  # type: ignore[union-attr]
        elif t is int:
            status = _set_int(self._h, k, value)
        elif t is float:
            status = _set_double(self._h, k, value)
        elif t is bool:
            status = _set_bool(self._h, k, 1 if value else 0)
        else:
            self.set_attributes({key: value})
            return
        if status:
            self._failed(status, "n3obs_span_set_attribute")

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        keep: list = []
        arr, n = _attributes(attributes, keep)
        status = lib.n3obs_span_set_attributes(self._h, arr, n)
        if status:
            self._failed(status, "n3obs_span_set_attributes")

    def add_event(self, name: str, attributes: Attributes = None,
                  timestamp: Optional[int] = None) -> None:
        """Adds an event; timestamp in Unix nanoseconds (None: now)."""
        keep: list = []
        arr, n = _attributes(attributes, keep)
        status = lib.n3obs_span_add_event(self._h, encode(name, "event name"), timestamp or 0, arr, n)
        if status:
            self._failed(status, "n3obs_span_add_event")

    def add_link(self, context: SpanContext, attributes: Attributes = None) -> None:
        keep: list = []
        link = _link(context, attributes, keep)
        status = lib.n3obs_span_add_link(self._h, link)
        if status:
            self._failed(status, "n3obs_span_add_link")

    def set_status(self, status: Union[Status, StatusCode], description: Optional[str] = None) -> None:
        """set_status(Status(StatusCode.ERROR, "why")) or set_status(StatusCode.ERROR, "why").
        OK is final; a description is kept only with ERROR."""
        if isinstance(status, Status):
            code, description = status.status_code, status.description if description is None else description
        else:
            code = status
        value = getattr(code, "value", code)
        if not isinstance(value, int):
            value = StatusCode[getattr(code, "name", str(code))].value
        d = encode(description, "description") if description else _NULL
        st = lib.n3obs_span_set_status(self._h, value, d)
        if st:
            self._failed(st, "n3obs_span_set_status")

    def record_exception(self, exception: BaseException, attributes: Attributes = None,
                         timestamp: Optional[int] = None, escaped: bool = False) -> None:
        """Records an ``exception`` event (exception.type, .message, .stacktrace); does not
        set the status."""
        etype = type(exception).__qualname__
        module = type(exception).__module__
        if module not in ("builtins", "__main__"):
            etype = f"{module}.{etype}"
        message = str(exception)
        stack = "".join(traceback.format_exception(type(exception), exception,
                                                   exception.__traceback__))
        if attributes or timestamp or escaped:
            attrs: Dict[str, AttributeValue] = {"exception.type": etype,
                                                "exception.message": message,
                                                "exception.stacktrace": stack}
            if escaped:
                attrs["exception.escaped"] = True
            attrs.update(attributes or {})
            self.add_event("exception", attrs, timestamp)
            return
        st = lib.n3obs_span_record_exception(self._h, encode(etype), encode(message),
                                             encode(stack))
        if st:
            self._failed(st, "n3obs_span_record_exception")

    def update_name(self, name: str) -> None:
        st = lib.n3obs_span_update_name(self._h, encode(name, "name"))
        if st:
            self._failed(st, "n3obs_span_update_name")
        else:
            self.name = name

    def is_recording(self) -> bool:
        """True while the span is live and sampled."""
        if self._h is _NULL:
            return False
        r = lib.n3obs_span_is_recording(self._h)
        return r == 1

    def get_span_context(self) -> SpanContext:
        """The span's context; still available after the span ended."""
        if self._raw is None and self._h is not _NULL:
            self._raw = _capture_raw(self._h)
        return _context_from_raw(self._raw) if self._raw is not None else INVALID_SPAN_CONTEXT

    def end(self, end_time: Optional[int] = None) -> None:
        """Ends the span (end_time in Unix nanoseconds, None: now). Ending twice does
        nothing."""
        h = self._h
        if h is _NULL:
            return
        # Keep the context: a task or thread that copied this span's context may start a
        # child after the span ended (then the child names it as a remote-style parent).
        if self._raw is None:
            self._raw = _capture_raw(h)
        self._h = _NULL
        status = lib.n3obs_span_end(h, end_time) if end_time else _span_end_now(h)
        if status and status != _SHUTDOWN and status != _MISUSE:
            raise make_error(status, "n3obs_span_end")

    @property
    def is_ended(self) -> bool:
        return self._h is _NULL

    def __enter__(self) -> "Span":
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        if exc is not None and self._h is not _NULL:
            self.record_exception(exc)
            self.set_status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}")
        self.end()

    def __repr__(self) -> str:
        c = self.get_span_context()
        return f"<n3obs.Span {self.name!r} trace_id={c.trace_id:032x} span_id={c.span_id:016x}>"


#: A span that records nothing (no current span, or the SDK is shut down).
INVALID_SPAN = Span(_NULL, "")

_current: contextvars.ContextVar[Optional[Span]] = contextvars.ContextVar(
    "n3obs_current_span", default=None)
_get_current = _current.get
_set_current = _current.set
_reset_current = _current.reset
# Span blocks open in any context (use_span included); read by libn3obs.so as a hint that
# an observation outside every block need not look for an exemplar. Changed under the GIL.
_open_blocks = hot.n3py_open_blocks_counter()


# ---- the C library's side of the current span (n3obs._hot's context storage) ----

_C_TOKEN = 1 << 63   # tokens given to C: never a scope token of the C library's own stacks
_c_scopes: Dict[int, contextvars.Token] = {}
_c_scope_numbers = itertools.count(1)


def _attach_from_c(handle: int, raw: bytes) -> int:
    """n3obs_span_make_current from C code: the C span becomes Python's current span."""
    span = Span(ffi.cast("n3obs_span *", handle), "")
    span._raw = raw
    token = _C_TOKEN | next(_c_scope_numbers)
    _c_scopes[token] = _set_current(span)
    _open_blocks[0] += 1
    return token


def _detach_from_c(token: int) -> bool:
    """n3obs_scope_close from C code; False when the token is not one given to C here."""
    t = _c_scopes.pop(token, None)
    if t is None:
        return False
    _open_blocks[0] -= 1
    try:
        _reset_current(t)
    except ValueError:  # closed in another context than it was opened in
        _set_current(None if t.old_value is contextvars.Token.MISSING else t.old_value)
    return True


def _handle_of(span: Span) -> int:
    return int(ffi.cast("uintptr_t", span._h))


class Context:
    """A parent for new spans: a span of this process, a remote span context (from
    extract), or nothing (new spans start a trace). Use it as ``context=``."""

    __slots__ = ("span", "remote", "_c")

    def __init__(self, span: Optional[Span] = None, remote: Optional[SpanContext] = None,
                 _c: Any = None) -> None:
        self.span = span
        self.remote = remote
        self._c = _c

    def __repr__(self) -> str:
        return f"n3obs.Context(span={self.span!r}, remote={self.remote!r})"


def _context_struct(sc: SpanContext) -> Any:
    c = ffi.new("n3obs_span_context *")
    c.size = ffi.sizeof("n3obs_span_context")
    c.trace_flags = sc.trace_flags & 0xff
    c.is_remote = 1
    ffi.memmove(c.trace_id, sc.trace_id.to_bytes(16, "big"), 16)
    ffi.memmove(c.span_id, sc.span_id.to_bytes(8, "big"), 8)
    ts = sc.trace_state.encode()[: lib.N3OBS_MAX_TRACESTATE_LEN]
    ffi.memmove(c.tracestate, ts, len(ts))
    return c


def _link(sc: SpanContext, attributes: Attributes, keep: list) -> Any:
    link = ffi.new("n3obs_link *")
    ffi.memmove(link.trace_id, sc.trace_id.to_bytes(16, "big"), 16)
    ffi.memmove(link.span_id, sc.span_id.to_bytes(8, "big"), 8)
    link.trace_flags = sc.trace_flags & 0xff
    if sc.trace_state:
        b = ffi.new("char[]", sc.trace_state.encode())
        keep.append(b)
        link.tracestate = b
    link.attributes, link.attribute_count = _attributes(attributes, keep)
    keep.append(link)
    return link


def get_current_span() -> Span:
    """The current span of this context, or INVALID_SPAN."""
    return _get_current() or INVALID_SPAN


def set_span_in_context(span: Span) -> Context:
    return Context(span=span)


def get_current_context() -> Context:
    """The current parent as a Context (to hand to another thread or process)."""
    return Context(span=_get_current())


def _start(span: Span, context: Optional[Context], kind: Any, attributes: Attributes,
           links: Optional[Sequence[Any]], start_time: Optional[int]) -> None:
    """Starts the C span for the not yet started ``span`` (its name is span.name): fills
    span._h and span._raw. When the SDK is shut down the span stays a no-op."""
    try:
        b = _tls.b
    except AttributeError:
        b = _thread_buffers()
    name = span.name
    parent = _get_current() if context is None else context.span
    if (kind is _INTERNAL and attributes is None and links is None and start_time is None
            and (parent is None or parent._h is not _NULL)
            and (parent is not None or context is None or context._c is None)):
        # the common start: one call of n3obs._hot
        try:
            bname = name.encode()
        except AttributeError:
            raise TypeError(f"n3obs: span names are str, not {type(name).__name__}") from None
        h = _start_root(bname) if parent is None else _start_child(bname, parent._h)
        if h:
            span._h = h
            span._raw = _raw_context(b)
            return
        return _start_failed(span, _start_status(), parent, context, kind, attributes, links,
                             start_time)
    kind_value = 1 if kind is None else _kind(kind)
    try:
        bname = name.encode()
    except AttributeError:
        raise TypeError(f"n3obs: span names are str, not {type(name).__name__}") from None
    opts, out = b[0], b[1]
    keep: list = []  # owners of every buffer the struct points to, until the call returns
    try:
        if parent is not None and parent._h is not _NULL:
            opts.parent = parent._h
        elif parent is not None:  # an ended local parent: the context it saved
            sc = parent.get_span_context()
            if sc.is_valid:
                c = _context_struct(sc)
                keep.append(c)
                opts.remote_parent = c
            else:
                opts.flags = _ROOT
        elif context is not None and context._c is not None:
            opts.remote_parent = context._c
        else:
            opts.flags = _ROOT
        opts.kind = kind_value
        if attributes:
            opts.attributes, opts.attribute_count = _attributes(attributes, keep)
        if links:
            arr = ffi.new("n3obs_link[]", len(links))
            for i, l in enumerate(links):
                sc2, la = (l, None) if isinstance(l, SpanContext) else (
                    getattr(l, "context", None), getattr(l, "attributes", None))
                arr[i] = _link(sc2, la, keep)[0]
            keep.append(arr)
            opts.links, opts.link_count = arr, len(links)
        opts.start_time_unix_nano = start_time or 0
        status = _span_start(out, bname, opts)
    finally:  # leave the shared struct empty for the next start
        opts.kind = 0
        opts.parent = _NULL
        opts.remote_parent = _NULL
        opts.flags = 0
        opts.attributes, opts.attribute_count = _NULL, 0
        opts.links, opts.link_count = _NULL, 0
        opts.start_time_unix_nano = 0
    if status:
        return _start_failed(span, status, parent, context, kind, attributes, links, start_time)
    span._h = out[0]
    span._raw = _raw_context(b)


def _start_failed(span: Span, status: int, parent: Optional[Span], context: Optional[Context],
                  kind: Any, attributes: Attributes, links: Optional[Sequence[Any]],
                  start_time: Optional[int]) -> None:
    if status == _NOT_INITIALIZED:
        _lifecycle.ensure_started()
        return _start(span, context, kind, attributes, links, start_time)
    if status == _SHUTDOWN:
        return  # the span stays a no-op
    if status == _MISUSE and parent is not None and parent._raw is not None:
        # the parent ended meanwhile (on another thread, or in the C code that made it
        # current): use the context it saved
        parent._h = _NULL
        return _start(span, Context(span=parent), kind, attributes, links, start_time)
    raise make_error(status, "n3obs_span_start")


def start_span(name: str, context: Optional[Context] = None, kind: Any = SpanKind.INTERNAL,
               attributes: Attributes = None, links: Optional[Sequence[Any]] = None,
               start_time: Optional[int] = None) -> Span:
    """Starts a span without making it current; its parent is context's, else the
    current span. End it with span.end() (or use it as a context manager)."""
    span = Span(_NULL, name)
    _start(span, context, kind, attributes, links, start_time)
    return span


class start_as_current_span(Span):  # noqa: N801 - OpenTelemetry's name
    """``with start_as_current_span("op") as span:`` or ``@start_as_current_span("op")``
    on a sync or async function. An exception leaving the block is recorded on the span
    and sets its status to ERROR, then propagates.

    A class rather than a function returning a context manager: the object made by the
    call is the span the block starts, so a block costs one object and one call fewer.
    Entered once (as with OpenTelemetry's); every call of a decorated function makes a
    new one."""

    __slots__ = ("_opts", "_token")

    def __init__(self, name: str, context: Optional[Context] = None, kind: Any = _INTERNAL,
                 attributes: Attributes = None, links: Optional[Sequence[Any]] = None,
                 start_time: Optional[int] = None, record_exception: bool = True,
                 set_status_on_exception: bool = True, end_on_exit: bool = True) -> None:
        self._h = _NULL  # not started yet: every span method is a no-op until __enter__
        self._raw = None
        self.name = name
        if (context is None and kind is _INTERNAL and attributes is None and links is None
                and start_time is None and record_exception is True
                and set_status_on_exception is True and end_on_exit is True):
            self._opts: Optional[tuple] = None
        else:
            self._opts = (context, kind, attributes, links, start_time, record_exception,
                          set_status_on_exception, end_on_exit)

    @classmethod
    def _with_opts(cls, name: str, opts: Optional[tuple]) -> "start_as_current_span":
        """A new block object with the options of another (for each decorated call)."""
        span = _new_object(cls)
        span._h = _NULL
        span._raw = None
        span.name = name
        span._opts = opts
        return span

    def __enter__(self) -> Span:
        if self._raw is not None:
            raise RuntimeError("n3obs: a start_as_current_span(...) block can be entered "
                               "once; call start_as_current_span again for a new span")
        o = self._opts
        if o is None:
            # the common block, inlined: a root span or a child of a live current span
            parent = _get_current()
            try:
                name = self.name.encode()
            except AttributeError:
                raise TypeError(f"n3obs: span names are str, not "
                                f"{type(self.name).__name__}") from None
            if parent is None:
                h = _start_root(name)
            elif parent._h is not _NULL:
                h = _start_child(name, parent._h)
            else:  # an ended parent: the general path uses the context it saved
                h = None
            if h:
                self._h = h
                try:
                    raw = _tls.b[3][0:33]
                except AttributeError:
                    raw = _thread_buffers()[3][0:33]
                self._raw = raw if not raw[32] else _raw_context(_tls.b)
                self._token = _set_current(self)
                _open_blocks[0] += 1
                return self
            if h is None:
                _start(self, None, _INTERNAL, None, None, None)
            else:
                _start_failed(self, _start_status(), parent, None, _INTERNAL, None, None, None)
        else:
            _start(self, o[0], o[1], o[2], o[3], o[4])
        self._token = _set_current(self)
        _open_blocks[0] += 1
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        o = self._opts
        try:
            if exc is not None and self._h is not _NULL:
                if o is None or o[5]:
                    self.record_exception(exc)
                if o is None or o[6]:
                    self.set_status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}")
            if o is None or o[7]:
                h = self._h
                if h is not _NULL:  # Span.end, inlined (the context is already saved)
                    self._h = _NULL
                    status = _span_end_now(h)
                    if status and status != _SHUTDOWN and status != _MISUSE:
                        raise make_error(status, "n3obs_span_end")
        finally:
            _open_blocks[0] -= 1
            try:
                _reset_current(self._token)
            except ValueError:  # exited in another context than it was entered in
                pass

    def __call__(self, func: F) -> F:
        name, opts, again = self.name, self._opts, self._with_opts
        if asyncio.iscoroutinefunction(func):
            @functools.wraps(func)
            async def awrapper(*args: Any, **kwargs: Any) -> Any:
                with again(name, opts):
                    return await func(*args, **kwargs)
            return awrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with again(name, opts):
                return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]


_CurrentSpan = start_as_current_span


class use_span:  # noqa: N801 - OpenTelemetry's name
    """Makes an existing span current for a block (ending it on exit only if asked)."""

    def __init__(self, span: Span, end_on_exit: bool = False, record_exception: bool = True,
                 set_status_on_exception: bool = True) -> None:
        self._span = span
        self._end = end_on_exit
        self._record = record_exception
        self._status = set_status_on_exception

    def __enter__(self) -> Span:
        self._token = _set_current(self._span)
        _open_blocks[0] += 1
        return self._span

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        try:
            if exc is not None and self._span._h is not _NULL:
                if self._record:
                    self._span.record_exception(exc)
                if self._status:
                    self._span.set_status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}")
            if self._end:
                self._span.end()
        finally:
            _open_blocks[0] -= 1
            _reset_current(self._token)


class Tracer:
    """OpenTelemetry's Tracer shape. The instrumentation scope (name, version) is kept on
    the object only: libn3obs.so has one tracer per process."""

    def __init__(self, name: str = "", version: Optional[str] = None) -> None:
        self.name = name
        self.version = version

    start_span = staticmethod(start_span)
    start_as_current_span = staticmethod(start_as_current_span)


def get_tracer(name: str = "", version: Optional[str] = None, *args: Any, **kwargs: Any) -> Tracer:
    return Tracer(name, version)


# ---- propagation ------------------------------------------------------------------------

def _header(carrier: Mapping[str, Any], key: str) -> Optional[str]:
    value = carrier.get(key)
    if value is None:
        for k, v in carrier.items():
            if isinstance(k, str) and k.lower() == key:
                value = v
                break
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value)


def extract(carrier: Mapping[str, Any], context: Optional[Context] = None) -> Context:
    """Reads W3C traceparent/tracestate (keys matched case-insensitively) into a Context
    for ``context=``. Without a valid traceparent: ``context`` if given, else an empty
    Context (new spans then start a trace)."""
    tp = _header(carrier, "traceparent")
    ts = _header(carrier, "tracestate")
    c = ffi.new("n3obs_span_context *")
    c.size = ffi.sizeof("n3obs_span_context")
    status = lib.n3obs_trace_context_extract(
        c, tp.encode("utf-8", "replace") if tp is not None else _NULL,
        ts.encode("utf-8", "replace") if ts is not None else _NULL)
    if status == lib.N3OBS_E_INVALID_VALUE:
        return context if context is not None else Context()
    check(status, "n3obs_trace_context_extract")
    sc = SpanContext(_from_bytes(ffi.buffer(c.trace_id), "big"),
                     _from_bytes(ffi.buffer(c.span_id), "big"), True, c.trace_flags,
                     ffi.string(c.tracestate).decode())
    return Context(remote=sc, _c=c)


def inject(carrier: MutableMapping[str, str], context: Optional[Context] = None) -> None:
    """Writes traceparent (and tracestate when there is one) of the current span, or of
    context's, into carrier. Writes nothing when there is no span."""
    span = _get_current() if context is None else context.span
    if span is not None and span._h is not _NULL:
        tp = ffi.new("char[]", lib.N3OBS_TRACEPARENT_SIZE)
        ts = ffi.new("char[]", lib.N3OBS_MAX_TRACESTATE_LEN + 1)
        status = lib.n3obs_trace_context_inject(span._h, tp, lib.N3OBS_TRACEPARENT_SIZE, ts,
                                                lib.N3OBS_MAX_TRACESTATE_LEN + 1)
        if status == 0:
            traceparent, tracestate = ffi.string(tp).decode(), ffi.string(ts).decode()
            if traceparent:
                carrier["traceparent"] = traceparent
                if tracestate:
                    carrier["tracestate"] = tracestate
            return
        if status not in (_SHUTDOWN, _MISUSE):
            raise make_error(status, "n3obs_trace_context_inject")
    sc = span.get_span_context() if span is not None else (context.remote if context is not None else None)
    if sc is not None and sc.is_valid:
        carrier["traceparent"] = sc.traceparent
        if sc.trace_state:
            carrier["tracestate"] = sc.trace_state


# ---- ended spans as data ----------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    name: str
    time_unix_nano: int
    attributes: Dict[str, Any]
    dropped_attributes_count: int = 0


@dataclass(frozen=True)
class Link:
    context: SpanContext
    attributes: Dict[str, Any]
    dropped_attributes_count: int = 0


@dataclass(frozen=True)
class SpanData:
    """An ended span, as n3obs_spans_drain (and exporters) see it."""
    name: str
    kind: SpanKind
    context: SpanContext
    parent_span_id: int            # 0 for a root span
    parent_is_remote: bool
    status: Status
    start_time_unix_nano: int
    end_time_unix_nano: int
    attributes: Dict[str, Any] = field(default_factory=dict)
    events: List[Event] = field(default_factory=list)
    links: List[Link] = field(default_factory=list)
    dropped_attributes_count: int = 0
    dropped_events_count: int = 0
    dropped_links_count: int = 0

    @property
    def trace_id(self) -> int:
        return self.context.trace_id

    @property
    def span_id(self) -> int:
        return self.context.span_id


def _id(b: Any) -> int:
    return _from_bytes(ffi.buffer(b), "big")


def drain_spans(max_spans: int = 0) -> List[SpanData]:
    """Takes ended spans out of the export queue (n3obs_spans_drain; 0: all there are).
    With no exporter loaded, ended spans wait there; this is how a program or a test reads
    them."""
    out = ffi.new("n3obs_span_batch **")
    check(lib.n3obs_spans_drain(out, max_spans), "n3obs_spans_drain")
    batch = out[0]
    try:
        result = []
        for i in range(batch.span_count):
            s = batch.spans[i]
            events = [Event(decode(e.name), e.time_unix_nano,
                            _decode_attributes(e.attributes, e.attribute_count),
                            e.dropped_attributes_count)
                      for e in (s.events[j] for j in range(s.event_count))]
            links = [Link(SpanContext(_id(l.trace_id), _id(l.span_id), True, l.trace_flags,
                                      decode(l.tracestate)),
                          _decode_attributes(l.attributes, l.attribute_count),
                          l.dropped_attributes_count)
                     for l in (s.links[j] for j in range(s.link_count))]
            result.append(SpanData(
                decode(s.name), SpanKind(s.kind),
                SpanContext(_id(s.trace_id), _id(s.span_id), False, s.trace_flags,
                            decode(s.tracestate)),
                _id(s.parent_span_id), bool(s.parent_is_remote),
                Status(StatusCode(s.status_code), decode(s.status_description) or None),
                s.start_time_unix_nano, s.end_time_unix_nano,
                _decode_attributes(s.attributes, s.attribute_count), events, links,
                s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count))
        return result
    finally:
        lib.n3obs_span_batch_free(batch)


def spans_dropped() -> int:
    """Ended sampled spans dropped because the queue was full, since init."""
    out = ffi.new("uint64_t *")
    check(lib.n3obs_spans_dropped(out), "n3obs_spans_dropped")
    return int(out[0])


# The ContextVar above is the C library's current span from now on; at exit, before the
# interpreter goes, the C library goes back to its per-thread stacks.
if hot.n3py_context_storage_install() != 0:
    raise ImportError("n3obs: could not install the context storage: " + ffi.string(lib.n3obs_error_last()).decode())
atexit.register(hot.n3py_context_storage_remove)
