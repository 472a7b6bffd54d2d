# SPDX-License-Identifier: MIT OR Apache-2.0
"""Signals in asyncio, on whichever thread runs the loop.

::

    import asyncio, signal, sigx, sigx.aio

    async def main():
        sigx.install(signal.SIGHUP)
        info = await sigx.aio.wait(signal.SIGHUP, timeout=60)    # None on timeout
        async for info in sigx.aio.records(signal.SIGHUP):       # forever, one by one
            print("reload asked by pid", info.pid)

    async def serve():
        async with sigx.aio.graceful_shutdown() as stop:         # SIGTERM, SIGINT
            async with asyncio.TaskGroup() as tg:                # Python 3.11+
                tg.create_task(listener())
                tg.create_task(worker())
        if stop.info is not None:
            print(f"stopped by {stop.info.name} from pid {stop.info.pid}")

Everything here is built on ``loop.add_reader(sigx.fd(signals))``: the
descriptor polls readable while a record of those signals is queued, and the
reader takes it with a non-blocking ``sigx.wait``. Each record goes to one
waiter, in any thread, in any loop, as ``sigx.wait`` promises.

Compared with ``loop.add_signal_handler``:

* ``add_signal_handler`` works only in the main thread's loop (it is built
  on ``signal.set_wakeup_fd``); these work in a loop on any thread, and
  several loops in several threads can wait for signals at once.
* ``add_signal_handler`` calls back with no arguments: who sent the signal
  is lost. Here every record says who sent it (``pid``, ``uid``), the
  ``sigqueue`` value, the ``si_code``, and how many were dropped.
* ``add_signal_handler`` coalesces: many deliveries between two loop turns
  may run the handler once. Here each delivery is a record, real-time
  signals included (up to the queue's capacity; beyond, drops are counted).
* The signals must be caught by sigx (``sigx.install`` or ``sigx.on``);
  ``add_signal_handler`` and sigx must not share a signal (whoever calls
  ``sigaction`` last wins). ``graceful_shutdown`` installs and uninstalls
  its signals itself.

The loop must be a selector loop (the default on Linux; ``uvloop`` works
too): ``add_reader`` is what these need.
"""

from __future__ import annotations

import asyncio
import signal as _signal
import sys
import weakref
from typing import AsyncIterator, Dict, Iterable, List, Optional, Sequence

import sigx
from sigx import Info, SignalSet

__all__ = ["wait", "records", "graceful_shutdown", "Shutdown"]


class _Readable:
    """One loop's interest in one descriptor (add_reader allows one callback per fd).

    When the descriptor polls readable, every waiting future is woken and
    the reader is removed; each woken waiter takes a record itself (so a
    cancelled waiter never takes one) and waits again if another was faster.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int) -> None:
        self.loop = loop
        self.fd = fd
        self.futures: List["asyncio.Future[None]"] = []
        self.closed = False
        loop.add_reader(fd, self._ready)

    def _ready(self) -> None:
        futures, self.futures = self.futures, []
        self._close()
        for future in futures:
            if not future.done():
                future.set_result(None)

    def _close(self) -> None:
        if not self.closed:
            self.closed = True
            self.loop.remove_reader(self.fd)
            per_loop = _readers.get(self.loop)
            if per_loop is not None and per_loop.get(self.fd) is self:
                del per_loop[self.fd]

    def discard(self, future: "asyncio.Future[None]") -> None:
        if future in self.futures:
            self.futures.remove(future)
        if not self.futures:
            self._close()


# loop -> {fd: _Readable}
_readers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[int, _Readable]]" = \
    weakref.WeakKeyDictionary()


async def _readable(fd: int, timeout: Optional[float]) -> None:
    """Return when ``fd`` polls readable, or after ``timeout`` seconds (None: no limit)."""
    loop = asyncio.get_running_loop()
    per_loop = _readers.setdefault(loop, {})
    reader = per_loop.get(fd)
    if reader is None:
        reader = per_loop[fd] = _Readable(loop, fd)
    future: "asyncio.Future[None]" = loop.create_future()
    reader.futures.append(future)
    try:
        await asyncio.wait_for(future, timeout)
    except asyncio.TimeoutError:
        pass
    finally:
        reader.discard(future)


async def wait(signals: Optional[SignalSet] = None, timeout: Optional[float] = None) -> Optional[Info]:
    """Take the oldest queued record of one of ``signals``; None if ``timeout`` passed.

    The asyncio form of ``sigx.wait``: the loop keeps running meanwhile.
    ``signals``: one signal or an iterable of them (None: any). ``timeout``:
    seconds, None waits forever. Raises ``sigx.NotInstalled`` if none of
    ``signals`` is installed or queued (checked first, and again after each
    wake-up). A record is taken only by the waiter it is returned to, so
    cancelling a waiting task (or ``asyncio.wait_for`` around it) loses
    nothing.
    """
    mask = sigx._mask(signals)
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + max(0.0, timeout)
    fd = sigx._fd_for(mask)
    while True:
        info = sigx._take(mask, 0)
        if info is not None:
            return info
        left = None if deadline is None else deadline - loop.time()
        if left is not None and left <= 0:
            return None
        await _readable(fd, left)


async def records(signals: Optional[SignalSet] = None) -> AsyncIterator[Info]:
    """``async for info in sigx.aio.records(sig):`` every record of ``signals``, oldest first.

    Never ends by itself; leave with ``break`` or by cancelling the task.
    Raises ``sigx.NotInstalled`` if none of ``signals`` is installed or
    queued when it next waits.
    """
    while True:
        info = await wait(signals)
        assert info is not None  # no timeout
        yield info


class Shutdown:
    """The async context manager returned by ``graceful_shutdown``.

    ``info`` is the record of the signal that asked for the shutdown (its
    ``name``, the sender's ``pid`` and ``uid``), None while none came.
    """

    def __init__(self, signals: Sequence[sigx.SignalLike],
                 tasks: Optional[Iterable["asyncio.Task[object]"]]) -> None:
        self.signals = tuple(sigx._signo(s) for s in signals)
        self.info: Optional[Info] = None
        self._tasks = list(tasks) if tasks is not None else None
        self._host: Optional["asyncio.Task[object]"] = None
        self._watch: Optional["asyncio.Task[Optional[Info]]"] = None
        self._installed: List[int] = []
        self._active = False
        self._cancelled_host = False

    @property
    def requested(self) -> bool:
        """Whether a shutdown signal came."""
        return self.info is not None

    async def __aenter__(self) -> "Shutdown":
        for signo in self.signals:
            if not sigx.is_installed(signo):
                sigx.install(signo)
                self._installed.append(signo)
        self._host = asyncio.current_task()
        self._active = True
        self._watch = asyncio.get_running_loop().create_task(wait(self.signals))
        self._watch.add_done_callback(self._fired)
        return self

    def _fired(self, watch: "asyncio.Task[Optional[Info]]") -> None:
        if watch.cancelled() or watch.exception() is not None or not self._active:
            return
        self.info = watch.result()
        if self._tasks is not None:
            for task in self._tasks:
                task.cancel()
        elif self._host is not None:
            self._cancelled_host = True
            self._host.cancel()

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        self._active = False
        watch = self._watch
        if watch is not None and not watch.done():
            watch.cancel()
        for signo in self._installed:
            sigx.uninstall(signo)
        self._installed = []
        if watch is not None and watch.done() and not watch.cancelled() \
                and watch.exception() is not None:
            raise watch.exception()  # type: ignore[misc]
        if self._cancelled_host and exc_type is asyncio.CancelledError:
            # Our cancellation: the body is over; don't let it cancel the caller.
            if sys.version_info >= (3, 11) and self._host is not None:
                self._host.uncancel()
            return True
        return False


def graceful_shutdown(signals: Sequence[sigx.SignalLike] = (_signal.SIGTERM, _signal.SIGINT),
                      tasks: Optional[Iterable["asyncio.Task[object]"]] = None) -> Shutdown:
    """``async with sigx.aio.graceful_shutdown() as stop:`` cancel the work on SIGTERM/SIGINT.

    When one of ``signals`` arrives while the block runs, the task running
    the block is cancelled: an ``asyncio.TaskGroup`` inside it cancels its
    tasks and waits for them (their ``finally`` clauses and ``except
    CancelledError`` run), and the block ends without raising. With
    ``tasks``, those tasks are cancelled instead and the block goes on (it
    should then wait for them). ``stop.info`` says which signal came and who
    sent it; None if the block ended first.

    The signals are installed on entry (unless sigx catches them already)
    and uninstalled on exit, so Python's own SIGINT handling comes back.
    Works in a loop on any thread.
    """
    return Shutdown(signals, tasks)
