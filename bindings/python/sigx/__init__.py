# SPDX-License-Identifier: MIT OR Apache-2.0
"""POSIX signals for Python, through libsigx (ctypes, no compiled parts).

What this adds to Python's own ``signal`` module:

* Any thread may install, wait and dispatch; ``signal.signal`` works only
  in the main thread, and Python handlers run only there.
* Every delivery is kept as a record: who sent it (``pid``, ``uid``), the
  ``sigqueue`` value, the ``si_code``, a process-wide sequence number and a
  timestamp. Real-time signals are counted without loss, and anything dropped
  because a queue was full is reported, never lost silently.
* A file descriptor for ``selectors``/``asyncio`` loops, usable in any
  thread (``signal.set_wakeup_fd`` is for the main thread only).

Quick use::

    import signal, sigx
    sigx.install(signal.SIGTERM)
    info = sigx.wait(signal.SIGTERM, timeout=5.0)   # None on timeout
    if info is not None:
        print(info.name, "from pid", info.pid)
    sigx.uninstall(signal.SIGTERM)

Signals may be given as ints, ``signal.Signals`` members or names
(``"SIGINT"``, ``"INT"``, ``"SIGRTMIN+2"``); a set of signals as one of those
or an iterable of them. Durations are seconds (float).

Living with Python's own handlers:

* The interpreter catches SIGINT itself (to raise KeyboardInterrupt), and
  ``signal.signal`` installs more. ``sigx.install`` replaces whatever is in
  place at the C level, so Python no longer sees that signal;
  ``sigx.uninstall`` puts back exactly the handler that was there, Python's
  included. ``install(..., chain=True)`` records the signal *and* calls
  Python's handler. ``signal.getsignal`` does not know about sigx and keeps
  reporting the old Python handler. Don't use ``signal.signal`` and sigx for
  the same signal at once: whoever calls ``sigaction`` last wins.
* ctypes releases the GIL for every call, so a thread blocked in ``wait`` or
  ``dispatch`` does not hold up the others. In the main thread those calls
  wake every 0.1 s to let Python run its own pending handlers, so that
  Ctrl+C still raises KeyboardInterrupt while the main thread waits.
* ``interrupt=True`` makes the C library's blocking calls fail with EINTR;
  Python itself retries such calls (PEP 475), so it matters for C code only.
* After ``os.fork()`` the child starts with empty queues and zero figures,
  and the same installed signals, except those installed with
  ``fork_reset=True``: the child gets back the handler sigx replaced. A
  ``multiprocessing`` pool forked after ``install(SIGTERM)`` otherwise has
  workers that record SIGTERM instead of dying of it, and
  ``pool.terminate()`` hangs; ``install(SIGTERM, fork_reset=True)`` or
  ``Pool(initializer=sigx.uninstall, initargs=(signal.SIGTERM,))`` avoids it.

Errors raise ``SigxError`` subclasses (see ``Status``); waiting that times
out returns ``None`` (``wait``) or 0 (``dispatch``) instead of raising.

Where the library comes from, first match wins: the environment variable
``SIGX_LIBRARY`` (a path); the copy installed with this package (``pip
install``, a wheel, or ``cmake --install``: see ``sigx/_build.py``); the
system loader (``libsigx.so.0``). The library must have this module's major
and minor version (``sigx_version()``), else importing fails and says which
library was found. ``sigx.aio`` adds asyncio.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import enum
import itertools
import math
import os
import re
import sys
import threading
import time
import traceback
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple, Union

__all__ = [
    "SigxError", "InvalidSignal", "Uncatchable", "Forbidden", "InvalidArgument",
    "Timeout", "NotInstalled", "SigxOSError", "NoMemory", "Unsupported", "Busy",
    "InternalError", "NotFound", "Displaced", "Status", "Action", "Info", "Stats", "SignalMask",
    "install", "uninstall", "ignore", "default", "is_installed", "is_catchable",
    "set_capacity", "wait", "fd", "drain", "on", "dispatch", "alarm",
    "block", "blocked", "unblock", "setmask", "kernel_pending", "send",
    "raise_signal", "reraise", "name", "number", "describe", "default_action",
    "valid_signals", "rtmin", "rtmax", "stats", "strerror", "version",
    "INTERRUPT", "ONESHOT", "CHAIN", "FORK_RESET",
    "watch_child", "unwatch_child",
    "Disposition", "DispositionKind", "Sender", "disposition", "displaced", "filter", "refused",
    "Clock", "Timer",
]

# --- Loading the library ----------------------------------------------------

_HERE = os.path.dirname(os.path.abspath(__file__))


def _own_version() -> str:
    """The version this module belongs to.

    Installed (pip, wheel, cmake --install): sigx/_build.py, written by the
    build from the project's version. In a source checkout
    (bindings/python/sigx): the root Cargo.toml, where the version is set.
    """
    try:
        from . import _build
        return str(_build.VERSION)
    except ImportError:
        pass
    manifest = os.path.join(_HERE, os.pardir, os.pardir, os.pardir, "Cargo.toml")
    try:
        with open(manifest, encoding="utf-8") as f:
            match = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.MULTILINE)
    except OSError:
        match = None
    if match is None:
        raise ImportError("sigx: cannot tell which libsigx version this module belongs to: "
                          f"no sigx/_build.py and no version in {os.path.normpath(manifest)}")
    return match.group(1)


__version__ = _own_version()


def _candidates() -> List[str]:
    """Where to look for libsigx, in order (see the module's docstring)."""
    path = os.environ.get("SIGX_LIBRARY")
    if path:
        return [path]
    found = []
    try:
        from . import _build
        if _build.LIBRARY:
            found.append(os.path.normpath(os.path.join(_HERE, _build.LIBRARY)))
    except ImportError:
        pass
    system = ctypes.util.find_library("sigx")
    return found + ([system] if system else []) + ["libsigx.so.0"]


def _load() -> ctypes.CDLL:
    tried = []
    for candidate in _candidates():
        try:
            return ctypes.CDLL(candidate, use_errno=True)
        except OSError as exc:
            if os.environ.get("SIGX_LIBRARY"):
                raise ImportError(f"sigx: cannot load SIGX_LIBRARY={candidate!r}: {exc}") from exc
            tried.append(f"{candidate}: {exc}")
    raise ImportError(
        "sigx: libsigx not found; install the package (pip install libsigx, or "
        "pip install bindings/python from a source tree), or set SIGX_LIBRARY to the "
        "path of libsigx.so.0 (tried " + "; ".join(tried) + ")")


def _major_minor(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


def _check_version(lib: ctypes.CDLL) -> Tuple[int, ...]:
    """The library's (major, minor); ImportError unless they are this module's."""
    try:
        func = lib.sigx_version
    except AttributeError as exc:
        raise ImportError(f"sigx: {lib._name} is not libsigx (no sigx_version)") from exc
    func.restype, func.argtypes = ctypes.c_char_p, []
    have = (func() or b"?").decode("ascii", "replace")
    if _major_minor(have) != _major_minor(__version__) or len(_major_minor(have)) != 2:
        want = ".".join(str(n) for n in _major_minor(__version__))
        raise ImportError(
            f"sigx: {lib._name} is libsigx {have}, but this sigx module ({__version__}) "
            f"needs libsigx {want}.x; set SIGX_LIBRARY to a libsigx {want} library or "
            "reinstall the package")
    return _major_minor(have)


_lib = _load()
_LIB_VERSION = _check_version(_lib)

# --- C types ------------------------------------------------------------------


class _CInfo(ctypes.Structure):
    """struct sigx_info (64 bytes, fixed layout)."""

    _fields_ = [
        ("signo", ctypes.c_int32),
        ("code", ctypes.c_int32),
        ("pid", ctypes.c_int32),
        ("uid", ctypes.c_uint32),
        ("status", ctypes.c_int32),
        ("reserved0", ctypes.c_int32),
        ("value", ctypes.c_uint64),
        ("seq", ctypes.c_uint64),
        ("time_ns", ctypes.c_uint64),
        ("dropped", ctypes.c_uint64),
        ("reserved1", ctypes.c_uint64),
    ]


class _CStats(ctypes.Structure):
    """struct sigx_stats."""

    _fields_ = [
        ("delivered", ctypes.c_uint64),
        ("dropped", ctypes.c_uint64),
        ("queued", ctypes.c_uint64),
        ("high_water", ctypes.c_uint64),
    ]


class _CDisposition(ctypes.Structure):
    """struct sigx_disposition."""

    _fields_ = [
        ("kind", ctypes.c_int32),
        ("sigx_flags", ctypes.c_uint32),
        ("sa_flags", ctypes.c_uint64),
        ("sa_mask", ctypes.c_uint64),
        ("handler", ctypes.c_uint64),
        ("module", ctypes.c_char_p),
        ("reserved", ctypes.c_uint64 * 3),
    ]


if ctypes.sizeof(_CDisposition) != 64:  # the header checks the same at compile time
    raise ImportError(f"sigx: sigx_disposition mirrors as {ctypes.sizeof(_CDisposition)} bytes, not 64")

if ctypes.sizeof(_CInfo) != 64:  # the header checks the same at compile time
    raise ImportError(f"sigx: sigx_info mirrors as {ctypes.sizeof(_CInfo)} bytes, not 64")

_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.POINTER(_CInfo), ctypes.c_void_p)
_NO_CALLBACK = _CALLBACK()  # NULL
_RELEASE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_u64p = ctypes.POINTER(ctypes.c_uint64)
_int, _u32, _u64, _i64, _str = (ctypes.c_int, ctypes.c_uint32, ctypes.c_uint64,
                                ctypes.c_int64, ctypes.c_char_p)

# Every function of include/sigx.h: name -> (restype, argtypes).
_PROTOTYPES = {
    "sigx_alarm": (_int, [_u64, _u64, _u64p]),
    "sigx_on": (_int, [_int, _CALLBACK, ctypes.c_void_p]),
    "sigx_dispatch": (_int, [_i64]),
    "sigx_install": (_int, [_int, _u32]),
    "sigx_uninstall": (_int, [_int]),
    "sigx_ignore": (_int, [_int]),
    "sigx_default": (_int, [_int]),
    "sigx_is_installed": (_int, [_int]),
    "sigx_set_capacity": (_int, [_int, _u32]),
    "sigx_name": (_str, [_int]),
    "sigx_number": (_int, [_str]),
    "sigx_describe": (_str, [_int]),
    "sigx_default_action": (_int, [_int]),
    "sigx_rtmin": (_int, []),
    "sigx_rtmax": (_int, []),
    "sigx_valid_signals": (_u64, []),
    "sigx_is_catchable": (_int, [_int]),
    "sigx_version": (_str, []),
    "sigx_block": (_int, [_u64, _u64p]),
    "sigx_unblock": (_int, [_u64, _u64p]),
    "sigx_setmask": (_int, [_u64, _u64p]),
    "sigx_kernel_pending": (_int, [_u64p]),
    "sigx_send": (_int, [_int, _int, _u64]),
    "sigx_raise": (_int, [_int]),
    "sigx_reraise": (_int, [_int]),
    "sigx_strerror": (_str, [_int]),
    "sigx_wait": (_int, [_u64, ctypes.POINTER(_CInfo), _i64]),
    "sigx_fd": (_int, []),
    "sigx_stats_get": (_int, [_int, ctypes.POINTER(_CStats)]),
    # 0.2
    "sigx_fd_mask": (_int, [_u64]),
    "sigx_on_release": (_int, [_int, _CALLBACK, ctypes.c_void_p, _RELEASE]),
    "sigx_child_watch": (_int, [_int, _u32]),
    "sigx_child_unwatch": (_int, [_int]),
    "sigx_disposition_get": (_int, [_int, ctypes.POINTER(_CDisposition)]),
    "sigx_displaced": (_u64, []),
    "sigx_filter": (_int, [_int, _u32]),
    "sigx_refused": (_int, [_int, _u64p]),
    "sigx_timer_create": (_int, [_int, _int, _u32, _u64, ctypes.POINTER(ctypes.c_int)]),
    "sigx_timer_set": (_int, [_int, _u64, _u64, _u32]),
    "sigx_timer_get": (_int, [_int, _u64p, _u64p]),
    "sigx_timer_delete": (_int, [_int]),
}
# Functions a 0.1 library lacks; this module uses them where the library has
# them (a 0.1 library is accepted only while this module's version is 0.1).
_SINCE_0_2 = {"sigx_fd_mask", "sigx_on_release", "sigx_child_watch", "sigx_child_unwatch",
              "sigx_disposition_get", "sigx_displaced", "sigx_filter", "sigx_refused",
              "sigx_timer_create", "sigx_timer_set", "sigx_timer_get", "sigx_timer_delete"}

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    try:
        _func = getattr(_lib, _name)
    except AttributeError as _exc:
        if _name in _SINCE_0_2 and _LIB_VERSION < (0, 2):
            continue
        raise ImportError(f"sigx: {_lib._name} has no {_name}") from _exc
    _func.restype = _restype
    _func.argtypes = _argtypes
del _name, _restype, _argtypes, _func
_HAS_0_2 = _LIB_VERSION >= (0, 2)

_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1
_U64_MAX = 2 ** 64 - 1
_ALL = _U64_MAX

# Flags of sigx_install.
INTERRUPT = 1
ONESHOT = 2
CHAIN = 4
FORK_RESET = 8

# si_code values (Linux) found in Info.code.
SI_USER = 0
SI_KERNEL = 0x80
SI_QUEUE = -1
SI_TIMER = -2
SI_MESGQ = -3
SI_ASYNCIO = -4
SI_SIGIO = -5
SI_TKILL = -6
# si_code values of SIGCHLD records (Info.code).
CLD_EXITED = 1
CLD_KILLED = 2
CLD_DUMPED = 3
CLD_TRAPPED = 4
CLD_STOPPED = 5
CLD_CONTINUED = 6

# --- Statuses and errors ------------------------------------------------------


class Status(enum.IntEnum):
    """The library's status codes (enum sigx_status)."""

    OK = 0
    ERR_SIGNAL = -1
    ERR_UNCATCHABLE = -2
    ERR_FORBIDDEN = -3
    ERR_ARGUMENT = -4
    ERR_TIMEOUT = -5
    ERR_NOT_INSTALLED = -6
    ERR_SYSTEM = -7
    ERR_NO_MEMORY = -8
    ERR_UNSUPPORTED = -9
    ERR_BUSY = -10
    ERR_INTERNAL = -11
    ERR_NOT_FOUND = -12
    ERR_DISPLACED = -13


class Action(enum.IntEnum):
    """What the kernel does with a signal nobody catches (enum sigx_action)."""

    TERMINATE = 0
    CORE = 1
    IGNORE = 2
    STOP = 3
    CONTINUE = 4


def strerror(status: int) -> str:
    """The library's sentence for a status code (a generic one if unknown)."""
    if not _INT_MIN <= status <= _INT_MAX:
        status = _INT_MIN  # not a status either way; keeps ctypes from wrapping
    return _lib.sigx_strerror(status).decode("utf-8", "replace")


class SigxError(Exception):
    """A sigx call failed. ``status`` is the ``Status``; ``context`` names the call."""

    def __init__(self, status: int, context: Optional[str] = None) -> None:
        self.status = _status(status)
        self.context = context
        text = strerror(status)
        super().__init__(f"{context}: {text}" if context else text)


class InvalidSignal(SigxError, ValueError):
    """Not a valid signal number or name on this system (ERR_SIGNAL)."""


class Uncatchable(SigxError):
    """SIGKILL or SIGSTOP, which nobody can catch, block or ignore (ERR_UNCATCHABLE)."""


class Forbidden(SigxError):
    """A fault signal or one the C library reserves (ERR_FORBIDDEN)."""


class InvalidArgument(SigxError, ValueError):
    """A bad argument: flags, timeout, empty set or name, capacity (ERR_ARGUMENT)."""


class Timeout(SigxError, TimeoutError):
    """ERR_TIMEOUT. Not raised by ``wait`` or ``dispatch``, which return instead."""


class NotInstalled(SigxError):
    """The call needs a signal that sigx has installed (ERR_NOT_INSTALLED)."""


class SigxOSError(SigxError, OSError):
    """A system call failed (ERR_SYSTEM); ``errno`` says why."""

    def __init__(self, status: int, context: Optional[str] = None, errno: int = 0) -> None:
        self.status = _status(status)
        self.context = context
        text = os.strerror(errno) if errno else strerror(status)
        OSError.__init__(self, errno, f"{context}: {text}" if context else text)


class NoMemory(SigxError, MemoryError):
    """Allocation failed (ERR_NO_MEMORY)."""


class Unsupported(SigxError):
    """Not available on this platform (ERR_UNSUPPORTED)."""


class Busy(SigxError):
    """The signal is in use in a way that forbids the change (ERR_BUSY)."""


class InternalError(SigxError):
    """A bug in sigx (ERR_INTERNAL): please report it."""


class NotFound(SigxError):
    """No such timer, or no such watched or waitable child (ERR_NOT_FOUND)."""


class Displaced(SigxError):
    """Other code replaced sigx's handler for this signal; sigx left it in place (ERR_DISPLACED)."""


_ERRORS = {
    Status.ERR_SIGNAL: InvalidSignal,
    Status.ERR_UNCATCHABLE: Uncatchable,
    Status.ERR_FORBIDDEN: Forbidden,
    Status.ERR_ARGUMENT: InvalidArgument,
    Status.ERR_TIMEOUT: Timeout,
    Status.ERR_NOT_INSTALLED: NotInstalled,
    Status.ERR_SYSTEM: SigxOSError,
    Status.ERR_NO_MEMORY: NoMemory,
    Status.ERR_UNSUPPORTED: Unsupported,
    Status.ERR_BUSY: Busy,
    Status.ERR_INTERNAL: InternalError,
    Status.ERR_NOT_FOUND: NotFound,
    Status.ERR_DISPLACED: Displaced,
}


def _status(value: int) -> Union[Status, int]:
    try:
        return Status(value)
    except ValueError:
        return value


Context = Union[str, Callable[[], str]]  # what failed; a callable is formatted only on error


def _error(rc: int, context: Context) -> SigxError:
    """The exception for a negative status; call right after the failing call (errno)."""
    err = ctypes.get_errno()
    text = context() if callable(context) else context
    cls = _ERRORS.get(rc, SigxError)  # type: ignore[call-overload]
    if cls is SigxOSError:
        return SigxOSError(rc, text, err)
    return cls(rc, text)


def _check(rc: int, context: Context) -> int:
    if rc < 0:
        raise _error(rc, context)
    return rc


# --- Converting arguments -----------------------------------------------------

SignalLike = Union[int, str, bytes]
SignalSet = Union[SignalLike, Iterable[SignalLike]]


def _signo(sig: SignalLike) -> int:
    """A signal number from an int, a signal.Signals member or a name."""
    if isinstance(sig, bool):
        raise TypeError("a signal is an int, a signal.Signals member or a name, not a bool")
    if isinstance(sig, int):
        n = int(sig)
        if not _INT_MIN <= n <= _INT_MAX:  # ctypes would silently wrap it
            raise InvalidSignal(Status.ERR_SIGNAL, f"signal {n}")
        return n
    if isinstance(sig, (str, bytes)):
        return number(sig)
    raise TypeError("a signal is an int, a signal.Signals member or a name such as "
                    f"'SIGINT', not {type(sig).__name__}")


def _label(n: int) -> str:
    text = _lib.sigx_name(n) if _INT_MIN <= n <= _INT_MAX else None
    return text.decode() if text else str(n)


def _mask(signals: Optional[SignalSet]) -> int:
    """A uint64 mask from one signal or an iterable of them; None means all."""
    if signals is None:
        return _ALL
    items = (signals,) if isinstance(signals, (int, str, bytes)) else signals
    mask = 0
    for sig in items:
        n = _signo(sig)
        if not 1 <= n <= 64:
            raise InvalidSignal(Status.ERR_SIGNAL, f"signal {n}")
        mask |= 1 << (n - 1)
    return mask


def _set(mask: int) -> Set[int]:
    return {bit + 1 for bit in range(64) if mask >> bit & 1}


def _millis(seconds: float, what: str) -> int:
    """Whole milliseconds, rounded up so that a tiny positive duration stays positive."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} is a number of seconds, not {type(seconds).__name__}")
    if math.isnan(seconds) or seconds < 0:
        raise ValueError(f"{what} must be >= 0 seconds, not {seconds!r}")
    if math.isinf(seconds):
        return -1
    return min(math.ceil(seconds * 1000), 2 ** 63 - 1)


def _timeout_ms(timeout: Optional[float]) -> int:
    return -1 if timeout is None else _millis(timeout, "timeout")


# --- Records and figures ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Info:
    """One delivered signal, as sigx's handler saw it.

    ``code`` is the ``si_code`` (``SI_USER``, ``SI_QUEUE``, ``SI_TKILL``, ...);
    ``pid``/``uid`` identify the sender (``SIGCHLD``: the child) where the
    kernel says, else 0; ``status`` is SIGCHLD's exit code or signal;
    ``value`` the ``sigqueue`` value; ``seq`` the process-wide delivery number;
    ``time_ns`` the ``CLOCK_MONOTONIC`` time of delivery (comparable with
    ``time.monotonic_ns()``); ``dropped`` how many deliveries of this signal
    a full queue lost since the previous record of it was taken (each loss
    is reported once, by the next record taken; gaps in ``seq`` show where).

    The details come from the kernel, which keeps them in a per-user queue
    (RLIMIT_SIGPENDING, shared by all processes of the user). While that is
    full, a standard signal sent with ``sigqueue`` or to a thread, or a
    real-time one sent with ``kill``, still arrives but without details:
    ``code == SI_USER`` and ``pid``, ``uid``, ``value`` all 0. A real-time
    signal sent with ``send``/``raise_signal`` fails with EAGAIN instead, and
    a standard one sent with ``kill`` always keeps its details.
    """

    signo: int
    code: int
    pid: int
    uid: int
    status: int
    value: int
    seq: int
    time_ns: int
    dropped: int

    @property
    def name(self) -> str:
        """The signal's name, e.g. ``"SIGINT"`` or ``"SIGRTMIN+2"``."""
        return name(self.signo)

    @classmethod
    def _from_c(cls, raw: _CInfo) -> "Info":
        return cls(raw.signo, raw.code, raw.pid, raw.uid, raw.status, raw.value,
                   raw.seq, raw.time_ns, raw.dropped)


@dataclasses.dataclass(frozen=True)
class Stats:
    """Delivery figures: deliveries seen, lost to a full queue, queued now, most ever queued."""

    delivered: int
    dropped: int
    queued: int
    high_water: int


# --- Installing ---------------------------------------------------------------


def install(sig: SignalLike, interrupt: bool = False, oneshot: bool = False,
            chain: bool = False, fork_reset: bool = False) -> None:
    """Catch ``sig`` with sigx: each delivery is queued for ``wait``/``drain``/``dispatch``.

    This replaces the handler in place, Python's own included (SIGINT's
    KeyboardInterrupt, ``signal.signal`` handlers); ``uninstall`` puts it back.
    ``interrupt``: blocking C calls fail with EINTR (no ``SA_RESTART``).
    ``oneshot``: the kernel resets to the default after the first delivery.
    ``chain``: after recording, also call the handler that was there before
    (for SIGINT: Python still raises KeyboardInterrupt).
    ``fork_reset``: a child made by ``fork`` (``os.fork``, ``multiprocessing``'s
    fork start method) gets back the handler sigx replaced, so pool workers
    die of SIGTERM as usual instead of recording it (``SIGX_FORK_RESET``,
    libsigx 0.2). Installing again updates the flags.
    """
    n = _signo(sig)
    flags = ((INTERRUPT if interrupt else 0) | (ONESHOT if oneshot else 0)
             | (CHAIN if chain else 0) | (FORK_RESET if fork_reset else 0))
    _check(_lib.sigx_install(n, flags), lambda: f"install({_label(n)})")


def uninstall(sig: SignalLike) -> None:
    """Put back the handler that was there before sigx first changed ``sig``.

    For SIGINT that is normally Python's, so Ctrl+C raises KeyboardInterrupt
    again. Removes the callback from ``on``; records already queued stay
    queued. Raises ``NotInstalled`` if sigx has nothing to put back.
    """
    n = _signo(sig)
    _check(_lib.sigx_uninstall(n), lambda: f"uninstall({_label(n)})")


def ignore(sig: SignalLike) -> None:
    """Ignore ``sig`` (``SIG_IGN``); ``uninstall`` puts back the previous handler."""
    n = _signo(sig)
    _check(_lib.sigx_ignore(n), lambda: f"ignore({_label(n)})")


def default(sig: SignalLike) -> None:
    """Give ``sig`` its default action (``SIG_DFL``); ``uninstall`` puts back the old handler."""
    n = _signo(sig)
    _check(_lib.sigx_default(n), lambda: f"default({_label(n)})")


def is_installed(sig: SignalLike) -> bool:
    """Whether sigx's handler catches ``sig`` now (False after a oneshot delivery)."""
    n = _signo(sig)
    return _check(_lib.sigx_is_installed(n), lambda: f"is_installed({_label(n)})") == 1


def is_catchable(sig: SignalLike) -> bool:
    """Whether ``install`` may accept ``sig`` (False for SIGKILL, SIGSTOP and the fault signals)."""
    n = _signo(sig)
    return _check(_lib.sigx_is_catchable(n), lambda: f"is_catchable({_label(n)})") == 1


def set_capacity(sig: SignalLike, records: int) -> None:
    """How many records the queue of ``sig`` keeps (1..1048576; default 65536 in libsigx 0.2).

    Only while sigx does not catch ``sig`` and nothing of it is queued, else
    ``Busy``: call it before ``install``. ``sig == 0`` sets the default for
    every signal whose capacity was never set.
    """
    n = _signo(sig)
    if isinstance(records, bool) or not isinstance(records, int):
        raise TypeError(f"records is an int, not {type(records).__name__}")
    if not 0 <= records < 2 ** 32:  # ctypes would silently wrap it
        raise InvalidArgument(Status.ERR_ARGUMENT, f"set_capacity({_label(n)}, {records})")
    _check(_lib.sigx_set_capacity(n, records), lambda: f"set_capacity({_label(n)}, {records})")


# --- Waiting ------------------------------------------------------------------

_SLICE_MS = 100  # how often a main-thread wait lets Python run its own handlers


def _blocking(call: Callable[[int], int], timeout_ms: int) -> int:
    """Run a blocking sigx call with ``timeout_ms``.

    Outside the main thread: one call. In the main thread: slices of at most
    _SLICE_MS, returning to the interpreter in between so that Python's
    pending signal handlers run (KeyboardInterrupt surfaces from here).
    """
    if timeout_ms == 0 or threading.current_thread() is not threading.main_thread():
        return call(timeout_ms)
    deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000
    while True:
        if deadline is None:
            step = _SLICE_MS
        else:
            step = max(0, min(_SLICE_MS, math.ceil((deadline - time.monotonic()) * 1000)))
        rc = call(step)
        if rc != Status.ERR_TIMEOUT or step == 0:
            return rc
        if deadline is not None and time.monotonic() >= deadline:
            return rc


def wait(signals: Optional[SignalSet] = None, timeout: Optional[float] = None) -> Optional[Info]:
    """Take the oldest queued record of one of ``signals``; None if ``timeout`` passed.

    ``signals``: one signal or an iterable of them (None: any signal).
    ``timeout``: seconds; None waits forever, 0 only polls. Any thread may
    wait, and each record goes to exactly one waiter. Raises
    ``NotInstalled`` if none of ``signals`` is installed or queued (so it
    cannot hang forever by mistake).
    """
    return _take(_mask(signals), _timeout_ms(timeout))


def _take(mask: int, timeout_ms: int) -> Optional[Info]:
    raw = _CInfo()
    rc = _blocking(lambda t: _lib.sigx_wait(mask, ctypes.byref(raw), t), timeout_ms)
    if rc == Status.ERR_TIMEOUT:
        return None
    _check(rc, "wait")
    return Info._from_c(raw)


def fd(signals: Optional[SignalSet] = None) -> int:
    """A descriptor that polls readable while records of ``signals`` are queued.

    For ``selectors``, ``select``/``poll`` and asyncio loops (``sigx.aio`` is
    built on it). ``signals``: one signal or an iterable of them; None means
    any signal (``sigx_fd()``); otherwise the descriptor is readable only
    while a record of one of them is queued (``sigx_fd_mask()``, libsigx
    0.2), whatever else is queued. The same set gives the same descriptor.
    When it is readable, consume with ``drain(signals)``. Don't read or close
    it; it lives as long as the process, and keeps its number in a forked
    child.

    A blocked signal (``block``) stays pending in the kernel, which keeps
    every delivery of a flood; the descriptor polls readable for it too, and
    ``drain`` takes it from there. Blocking the signal in every thread and
    draining in one is the lossless way through a flood.
    """
    mask = _mask(signals)
    if mask != _ALL and not _HAS_0_2:
        raise Unsupported(Status.ERR_UNSUPPORTED, "fd(signals) needs libsigx 0.2 (sigx_fd_mask)")
    return _fd_for(mask)


def _fd_for(mask: int) -> int:
    """sigx_fd_mask(mask); with a 0.1 library, sigx_fd() whatever the mask."""
    if mask == _ALL or not _HAS_0_2:
        return _check(_lib.sigx_fd(), "fd")
    return _check(_lib.sigx_fd_mask(mask), lambda: f"fd({sorted(_set(mask))})")


def drain(signals: Optional[SignalSet] = None) -> Iterator[Info]:
    """Yield every record of ``signals`` (None: all) queued now, without blocking.

    For event loops, after ``fd()`` polled readable. Ends when nothing is
    left, also when none of ``signals`` is installed.
    """
    mask = _mask(signals)

    def records() -> Iterator[Info]:
        raw = _CInfo()
        while True:
            rc = _lib.sigx_wait(mask, ctypes.byref(raw), 0)
            if rc in (Status.ERR_TIMEOUT, Status.ERR_NOT_INSTALLED):
                return
            _check(rc, "drain")
            yield Info._from_c(raw)

    return records()


# --- Callbacks ----------------------------------------------------------------
#
# A ctypes callback object must stay alive while the library may call it.
# Each registration goes through sigx_on_release with a key as `user`: the
# library calls _released(key) exactly once, when that registration can no
# longer run (replaced or removed, and no run in progress), and only then is
# the ctypes object dropped. A 0.1 library has no sigx_on_release: there the
# objects are kept for the life of the process.

_callbacks: Dict[int, object] = {}  # key -> ctypes callback the library may still call
_keys = itertools.count(1)
_errors = threading.local()  # exceptions raised by callbacks, per dispatching thread


def _released(user: Optional[int]) -> None:
    _callbacks.pop(user or 0, None)


_RELEASED = _RELEASE(_released)  # lives as long as the module


def _callback_errors() -> List[BaseException]:
    if not hasattr(_errors, "list"):
        _errors.list = []
    return _errors.list


def _trampoline(fn: Callable[[Info], object]):
    def call(info_p, _user):
        try:
            fn(Info._from_c(info_p.contents))
        except BaseException as exc:  # re-raised by dispatch() in this thread
            _callback_errors().append(exc)
    return _CALLBACK(call)


def on(sig: SignalLike, fn: Optional[Callable[[Info], object]]) -> None:
    """Call ``fn(info)`` from ``dispatch()`` for each delivery of ``sig``.

    Installs ``sig`` (flags 0) if sigx does not catch it yet. ``fn=None``
    removes the callback and leaves the signal installed. A new ``fn``
    replaces the old one. ``fn`` runs in normal context in the thread calling
    ``dispatch``, so it may do anything, including calling ``on`` and
    ``uninstall`` for its own signal; an exception it raises comes out of
    ``dispatch``.
    """
    n = _signo(sig)
    if fn is not None and not callable(fn):
        raise TypeError(f"fn must be callable or None, not {type(fn).__name__}")
    context = lambda: f"on({_label(n)})"  # noqa: E731
    if fn is None:  # the library releases the old registration's object
        _check(_lib.sigx_on(n, _NO_CALLBACK, None), context)
        return
    thunk = _trampoline(fn)
    key = next(_keys)
    _callbacks[key] = thunk
    if _HAS_0_2:
        rc = _lib.sigx_on_release(n, thunk, key, _RELEASED)
    else:
        rc = _lib.sigx_on(n, thunk, None)
    if rc < 0:
        _callbacks.pop(key, None)  # never registered
        raise _error(rc, context)


def dispatch(timeout: Optional[float] = None) -> int:
    """Wait for deliveries of signals with a callback, run their callbacks here.

    Runs the callbacks of every such record queued when the first arrived,
    oldest first, and returns how many ran; 0 if ``timeout`` (seconds, None:
    forever) passed. If a callback raised, the others still ran and the first
    exception is raised here. Raises ``NotInstalled`` if no callback is
    registered.
    """
    ms = _timeout_ms(timeout)
    errors = _callback_errors()
    try:
        rc = _blocking(_lib.sigx_dispatch, ms)
        error = _error(rc, "dispatch") if rc < 0 and rc != Status.ERR_TIMEOUT else None
    finally:
        errors, _errors.list = list(errors), []
    if errors:
        for extra in errors[1:]:
            sys.stderr.write("sigx: a callback also raised (dispatch raises the first):\n")
            traceback.print_exception(type(extra), extra, extra.__traceback__)
        raise errors[0]
    if error is not None:
        raise error
    return 0 if rc == Status.ERR_TIMEOUT else rc


# --- Alarms -------------------------------------------------------------------


def alarm(delay: float, interval: float = 0) -> float:
    """SIGALRM after ``delay`` seconds, then every ``interval`` (0: once).

    Returns what was left of the previous alarm, in seconds (0 if none).
    ``delay == 0`` cancels. Install SIGALRM (or ``on`` it) first: an uncaught
    SIGALRM ends the process. Shares the one timer with ``signal.alarm`` and
    ``signal.setitimer(ITIMER_REAL)``. Resolution: milliseconds, rounded up.
    """
    delay_ms = _millis(delay, "delay")
    interval_ms = _millis(interval, "interval")
    if delay_ms < 0 or interval_ms < 0:
        raise ValueError("alarm durations must be finite")
    remaining = ctypes.c_uint64()
    _check(_lib.sigx_alarm(delay_ms, interval_ms, ctypes.byref(remaining)), "alarm")
    return remaining.value / 1000


# --- Blocking (per thread) ----------------------------------------------------


class SignalMask(frozenset):
    """A thread's blocked set before a change; ``with`` puts it back on exit.

    Returned by ``block``, ``unblock`` and ``setmask``. Masks are per
    thread: leave the ``with`` block in the thread that entered it.
    """

    def __enter__(self) -> "SignalMask":
        return self

    def __exit__(self, *exc_info) -> None:
        setmask(self)

    def __repr__(self) -> str:
        return f"SignalMask({sorted(self)!r})"


def _mask_call(func, signals: SignalSet, context: str) -> SignalMask:
    old = ctypes.c_uint64()
    _check(func(_mask(signals), ctypes.byref(old)), context)
    return SignalMask(_set(old.value))


def block(signals: SignalSet) -> SignalMask:
    """Block ``signals`` on this thread (``pthread_sigmask``); returns the previous mask.

    A blocked signal stays pending in the kernel and is recorded when
    unblocked. ``with sigx.block(sig): ...`` restores the mask on exit.
    SIGKILL, SIGSTOP and the C library's reserved signals are left alone.
    Only this thread is affected: a signal sent to the whole process (Ctrl+C,
    ``os.kill``) may still be handled at once by another thread that does
    not block it.
    """
    return _mask_call(_lib.sigx_block, signals, "block")


def blocked(signals: SignalSet) -> SignalMask:
    """``with sigx.blocked(signal.SIGINT): ...`` defers those signals to the end of the block.

    The same as ``block``, for reading in a ``with`` statement.
    """
    return block(signals)


def unblock(signals: SignalSet) -> SignalMask:
    """Unblock ``signals`` on this thread; pending ones are delivered before it returns."""
    return _mask_call(_lib.sigx_unblock, signals, "unblock")


def setmask(signals: SignalSet) -> SignalMask:
    """Block exactly ``signals`` on this thread (``()`` unblocks all); returns the previous mask."""
    return _mask_call(_lib.sigx_setmask, signals, "setmask")


def kernel_pending() -> Set[int]:
    """Blocked signals the kernel holds for this thread or the process (``sigpending``)."""
    mask = ctypes.c_uint64()
    _check(_lib.sigx_kernel_pending(ctypes.byref(mask)), "kernel_pending")
    return _set(mask.value)


# --- Sending ------------------------------------------------------------------


def send(pid: int, sig: SignalLike, value: int = 0) -> None:
    """Send ``sig`` with ``value`` to process ``pid`` (``sigqueue``).

    The receiver sees ``code == SI_QUEUE`` and ``value`` (an int that fits
    in 64 bits; negative ones are sent as two's complement). ``sig == 0``
    only checks that ``pid`` exists. Raises ``SigxOSError`` with errno ESRCH,
    EPERM, or EAGAIN when the kernel's queue of pending signals is full
    (real-time signals only: retry; a standard signal is then delivered
    without its details, see ``Info``).
    """
    n = _signo(sig)
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise TypeError(f"pid is an int, not {type(pid).__name__}")
    if not _INT_MIN <= pid <= _INT_MAX:
        raise InvalidArgument(Status.ERR_ARGUMENT, f"send(pid={pid})")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"value is an int, not {type(value).__name__}")
    if not -(2 ** 63) <= value <= _U64_MAX:
        raise InvalidArgument(Status.ERR_ARGUMENT, f"send(value={value})")
    _check(_lib.sigx_send(pid, n, value & _U64_MAX), lambda: f"send({pid}, {_label(n)})")


def raise_signal(sig: SignalLike) -> None:
    """Send ``sig`` to the calling thread; a caught one is recorded before this returns."""
    n = _signo(sig)
    _check(_lib.sigx_raise(n), lambda: f"raise_signal({_label(n)})")


def reraise(sig: SignalLike) -> None:
    """Die of ``sig`` the proper way after cleaning up (default action, unblocked, raised).

    The parent then sees "killed by signal" (a shell prints 128 + N). Returns
    only if the default action does not end the process (ignore, stop).
    """
    n = _signo(sig)
    _check(_lib.sigx_reraise(n), lambda: f"reraise({_label(n)})")


# --- Looking signals up -------------------------------------------------------


def name(sig: SignalLike) -> str:
    """``"SIGINT"``; real-time signals as ``kill -l`` spells them (``"SIGRTMIN+2"``)."""
    n = _signo(sig)
    text = _lib.sigx_name(n)
    if text is None:
        raise InvalidSignal(Status.ERR_SIGNAL, f"name({n})")
    return text.decode()


def number(sig: SignalLike) -> int:
    """The number of a signal name: ``"SIGINT"``, ``"INT"``, ``"sigint"``, ``"2"``, ``"RTMIN+3"``.

    An int or ``signal.Signals`` member is checked and returned as an int.
    """
    if isinstance(sig, (str, bytes)):
        raw = sig.encode("utf-8", "replace") if isinstance(sig, str) else sig
        if b"\0" in raw:
            raise InvalidSignal(Status.ERR_SIGNAL, f"number({sig!r})")
        return _check(_lib.sigx_number(raw), f"number({sig!r})")
    n = _signo(sig)
    if _lib.sigx_name(n) is None:
        raise InvalidSignal(Status.ERR_SIGNAL, f"number({n})")
    return n


def describe(sig: SignalLike) -> str:
    """A short description: ``"Interrupt"`` (the C library's ``strsignal`` text)."""
    n = _signo(sig)
    text = _lib.sigx_describe(n)
    if text is None:
        raise InvalidSignal(Status.ERR_SIGNAL, f"describe({n})")
    return text.decode()


def default_action(sig: SignalLike) -> Action:
    """What the kernel does with ``sig`` if nobody catches it."""
    n = _signo(sig)
    return Action(_check(_lib.sigx_default_action(n), f"default_action({n})"))


def valid_signals() -> Set[int]:
    """Every valid signal number (like ``signal.valid_signals()``; 32 and 33 excluded on glibc)."""
    return _set(_lib.sigx_valid_signals())


def rtmin() -> int:
    """The C library's SIGRTMIN (34 on glibc)."""
    return _lib.sigx_rtmin()


def rtmax() -> int:
    """The C library's SIGRTMAX (64 on Linux)."""
    return _lib.sigx_rtmax()


# --- Figures and version ------------------------------------------------------


def stats(sig: SignalLike = 0) -> Stats:
    """Delivery figures for ``sig``, or summed over all signals for 0."""
    n = _signo(sig)
    raw = _CStats()
    _check(_lib.sigx_stats_get(n, ctypes.byref(raw)), lambda: f"stats({_label(n)})")
    return Stats(raw.delivered, raw.dropped, raw.queued, raw.high_water)


def version() -> str:
    """The library's version, e.g. ``"0.2.0"`` (its major and minor are this module's)."""
    return _lib.sigx_version().decode()


# --- Children: one record per exit -------------------------------------------


def _need_0_2(what: str) -> None:
    if not _HAS_0_2:
        raise Unsupported(Status.ERR_UNSUPPORTED, f"{what} (library {_lib.sigx_version().decode()})")


def watch_child(pid: int, reap: bool = False) -> None:
    """Report the exit of child ``pid`` exactly once, as a SIGCHLD record.

    The kernel merges SIGCHLD when children exit close together; after this,
    sigx returns exactly one record for this child's exit (``code``
    CLD_EXITED, CLD_KILLED or CLD_DUMPED, ``pid``, ``status``) through
    ``wait``, ``fd``/``drain`` and ``on``/``dispatch``, even if the child
    exited before the call. SIGCHLD must be installed first (``install`` or
    ``on``), else ``NotInstalled``.

    ``reap=True`` reaps the child when its record is taken (no zombie, the
    record is the only report). With ``subprocess.Popen`` keep the default
    ``reap=False``, so that ``Popen.wait()`` and ``Popen.poll()`` still get
    the return code; call it right after ``Popen()``. Raises ``NotFound``
    for a pid that is not a child of this process (or was reaped already),
    ``Unsupported`` on kernels without pidfds (before Linux 5.4).
    """
    _need_0_2("watch_child")
    _check(_lib.sigx_child_watch(_c_pid(pid), 1 if reap else 0), lambda: f"watch_child({pid})")


def unwatch_child(pid: int) -> None:
    """Stop watching child ``pid`` (``NotFound`` if it is not watched)."""
    _need_0_2("unwatch_child")
    _check(_lib.sigx_child_unwatch(_c_pid(pid)), lambda: f"unwatch_child({pid})")


def _c_pid(pid: int) -> int:
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise TypeError(f"pid must be an int, not {type(pid).__name__}")
    if not _INT_MIN <= pid <= _INT_MAX:
        raise InvalidArgument(Status.ERR_ARGUMENT, f"pid {pid}")
    return pid


# --- Hosts: who owns a signal, and who may send it ----------------------------


class DispositionKind(enum.IntEnum):
    """What handles a signal now (enum sigx_disposition_kind)."""

    DEFAULT = 0
    IGNORE = 1
    SIGX = 2
    FOREIGN = 3


class Sender(enum.Flag):
    """Senders sigx may accept a signal from (``filter``): SIGX_FROM_*."""

    KERNEL = 1
    SELF = 2
    PARENT = 4
    ROOT = 8
    SAME_USER = 16
    ANY = 31


@dataclasses.dataclass(frozen=True)
class Disposition:
    """A signal's disposition as the kernel has it now, whoever set it.

    ``sigx_flags`` are the install flags when ``kind`` is SIGX; ``handler``
    and ``module`` (the executable or shared object holding it) describe a
    FOREIGN handler (``module`` is libsigx's path for SIGX)."""

    kind: DispositionKind
    sigx_flags: int
    sa_flags: int
    sa_mask: FrozenSet[int]
    handler: Optional[int]
    module: Optional[str]


def disposition(sig: SignalLike) -> Disposition:
    """Ask the kernel what handles ``sig`` now (SIGKILL and SIGSTOP included)."""
    _need_0_2("disposition")
    n = _signo(sig)
    raw = _CDisposition()
    _check(_lib.sigx_disposition_get(n, ctypes.byref(raw)), lambda: f"disposition({_label(n)})")
    return Disposition(
        kind=DispositionKind(raw.kind),
        sigx_flags=raw.sigx_flags,
        sa_flags=raw.sa_flags,
        sa_mask=frozenset(_set(raw.sa_mask)),
        handler=raw.handler or None,
        module=os.fsdecode(raw.module) if raw.module else None,
    )


def displaced() -> Set[int]:
    """Signals sigx installed whose handler other code has replaced since."""
    _need_0_2("displaced")
    return _set(_lib.sigx_displaced())


def filter(sig: SignalLike, accept: Sender = Sender.ANY) -> None:  # noqa: A001 (API name)
    """Accept deliveries of ``sig`` only from the given senders.

    A delivery that matches none of ``accept`` is refused: not recorded, no
    callback, no chained or default action, only counted (``refused``).
    ``Sender.ANY`` (the default) accepts everyone again. ``sig`` must be
    installed (``NotInstalled``). A sender of the same user can fake its
    identity with ``sigqueue``: this stops mistakes (a stray ``pkill``), not
    a hostile process of the same user.
    """
    _need_0_2("filter")
    if not isinstance(accept, Sender):
        raise TypeError(f"accept must be a sigx.Sender, not {type(accept).__name__}")
    n = _signo(sig)
    _check(_lib.sigx_filter(n, accept.value), lambda: f"filter({_label(n)})")


def refused(sig: Optional[SignalLike] = None) -> int:
    """Deliveries of ``sig`` refused by its filter (all signals for None)."""
    _need_0_2("refused")
    n = 0 if sig is None else _signo(sig)
    out = ctypes.c_uint64()
    _check(_lib.sigx_refused(n, ctypes.byref(out)), lambda: f"refused({_label(n) if n else 'all'})")
    return out.value


# --- Timers ----------------------------------------------------------------------


class Clock(enum.IntEnum):
    """The clock a ``Timer`` runs on (enum sigx_clock)."""

    MONOTONIC = 0
    REALTIME = 1  # wall clock: with absolute=True, a calendar time that follows clock changes
    BOOTTIME = 2  # counts suspend
    PROCESS_CPU = 3  # CPU time of the whole process (what ITIMER_PROF measures)
    THREAD_CPU = 4  # CPU time of the creating thread


def _ns(seconds: float, what: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {type(seconds).__name__}")
    if not seconds >= 0 or seconds * 1e9 > _U64_MAX:
        raise InvalidArgument(Status.ERR_ARGUMENT, f"{what} {seconds!r}")
    return int(round(seconds * 1e9))


class Timer:
    """A POSIX timer that sends ``sig`` when it expires, on any ``Clock``.

    Records of its expiries have ``code == SI_TIMER``, ``value == cookie``
    and ``status`` = the overrun count (expirations that happened while the
    previous one was still pending). ``thread=True`` sends the signal to the
    creating thread only (so an ``interrupt=True`` signal interrupts that
    thread's C calls); such a timer is deleted when its thread exits. It
    starts disarmed: ``set()`` arms it. As a context manager it is deleted on
    exit. A forked child has none of its parent's timers.

        sigx.install(signal.SIGALRM)
        with sigx.Timer(signal.SIGALRM, clock=sigx.Clock.MONOTONIC, cookie=7) as t:
            t.set(0.5, interval=0.5)         # first after 0.5 s, then every 0.5 s
            info = sigx.wait(signal.SIGALRM)  # info.value == 7
    """

    def __init__(self, sig: SignalLike, *, clock: Clock = Clock.MONOTONIC,
                 thread: bool = False, cookie: int = 0) -> None:
        _need_0_2("Timer")
        n = _signo(sig)
        if not isinstance(clock, int) or isinstance(clock, bool):
            raise TypeError(f"clock must be a sigx.Clock, not {type(clock).__name__}")
        if isinstance(cookie, bool) or not isinstance(cookie, int) or not 0 <= cookie <= _U64_MAX:
            raise InvalidArgument(Status.ERR_ARGUMENT, f"cookie {cookie!r}")
        out = ctypes.c_int()
        _check(_lib.sigx_timer_create(n, int(clock), 1 if thread else 0, cookie, ctypes.byref(out)),
               lambda: f"Timer({_label(n)})")
        self._id: Optional[int] = out.value
        self.signo = n
        self.clock = Clock(clock)
        self.cookie = cookie

    @property
    def id(self) -> int:
        """The library's timer id (positive, never reused)."""
        if self._id is None:
            raise NotFound(Status.ERR_NOT_FOUND, "Timer: deleted")
        return self._id

    def set(self, first: float, interval: float = 0.0, absolute: bool = False) -> None:
        """Arm: first expiry after ``first`` seconds (0 disarms), then every
        ``interval`` seconds if non-zero. ``absolute=True``: ``first`` is a
        time on the timer's clock (e.g. ``time.time()`` + 10 on REALTIME)."""
        tid = self.id
        _check(_lib.sigx_timer_set(tid, _ns(first, "first"), _ns(interval, "interval"),
                                   1 if absolute else 0), lambda: f"Timer.set({tid})")

    def get(self) -> Tuple[float, float]:
        """(seconds until the next expiry, 0 if disarmed; the interval)."""
        tid = self.id
        remaining, interval = ctypes.c_uint64(), ctypes.c_uint64()
        _check(_lib.sigx_timer_get(tid, ctypes.byref(remaining), ctypes.byref(interval)),
               lambda: f"Timer.get({tid})")
        return remaining.value / 1e9, interval.value / 1e9

    def delete(self) -> None:
        """Delete the timer (a pending signal it sent stays pending)."""
        if self._id is None:
            return
        tid, self._id = self._id, None
        rc = _lib.sigx_timer_delete(tid)
        if rc != Status.ERR_NOT_FOUND:  # gone already (its thread exited)
            _check(rc, lambda: f"Timer.delete({tid})")

    def __enter__(self) -> "Timer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.delete()

    def __repr__(self) -> str:
        return f"<sigx.Timer id={self._id} {_label(self.signo)} {self.clock.name} cookie={self.cookie}>"
