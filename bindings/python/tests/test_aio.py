# SPDX-License-Identifier: MIT OR Apache-2.0
"""Tests for sigx.aio: asyncio loops in the main thread and in others.

As in test_sigx.py, every test runs in a forked child, waits are generous
and nothing asserts timing.
"""

import asyncio
import os
import signal
import subprocess
import sys
import threading

import pytest

from conftest import forked
from test_sigx import send_retrying

import sigx
import sigx.aio

LONG = 30.0


def run_in_thread(coroutine_function):
    """asyncio.run(coroutine_function()) in a new thread; returns its result or raises."""
    outcome = {}

    def main():
        try:
            outcome["result"] = asyncio.run(coroutine_function())
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc

    worker = threading.Thread(target=main, name="loop-thread")
    worker.start()
    worker.join(LONG * 2)
    assert not worker.is_alive(), "the loop thread did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@forked
def test_wait_on_the_main_thread_loop():
    rt = sigx.rtmin() + 8

    async def main():
        sigx.install(rt)
        assert await sigx.aio.wait(rt, timeout=0) is None
        assert await sigx.aio.wait(rt, timeout=0.05) is None
        waiter = asyncio.ensure_future(sigx.aio.wait(rt, timeout=LONG))
        await asyncio.sleep(0)  # the waiter is now waiting on the descriptor
        send_retrying(os.getpid(), rt, 11)
        info = await waiter
        assert (info.signo, info.value, info.pid) == (rt, 11, os.getpid())
        # Already queued: returned without waiting.
        send_retrying(os.getpid(), rt, 12)
        assert (await sigx.aio.wait([rt, "USR2"])).value == 12
        with pytest.raises(sigx.NotInstalled):
            await sigx.aio.wait("USR2")
        sigx.uninstall(rt)

    asyncio.run(main())
    assert threading.current_thread() is threading.main_thread()


@forked
def test_records_in_a_loop_on_another_thread():
    # loop.add_signal_handler would refuse here: it needs the main thread.
    rt = sigx.rtmin() + 9
    sigx.install(rt)
    ready = threading.Event()

    async def collect():
        got = []
        ready.set()
        async for info in sigx.aio.records(rt):
            got.append((info.seq, info.value, info.pid, threading.current_thread().name))
            if len(got) == 3:
                break
        return got

    def send_when_ready():
        assert ready.wait(LONG)
        for value in (1, 2, 3):
            send_retrying(os.getpid(), rt, value)

    sender = threading.Thread(target=send_when_ready)
    sender.start()
    got = run_in_thread(collect)
    sender.join(LONG)
    # Oldest first, by seq. (Not necessarily in the order sent: with several
    # threads, two deliveries may run the handler in two threads at once.)
    assert [seq for seq, *_ in got] == sorted(seq for seq, *_ in got)
    assert sorted(rest for _, *rest in got) == [[v, os.getpid(), "loop-thread"] for v in (1, 2, 3)]
    sigx.uninstall(rt)


@forked
def test_waiters_share_records_and_a_cancelled_waiter_takes_none():
    sig = signal.SIGUSR1

    async def main():
        sigx.install(sig)
        first = asyncio.ensure_future(sigx.aio.wait(sig, timeout=LONG))
        second = asyncio.ensure_future(sigx.aio.wait(sig, timeout=LONG))
        gone = asyncio.ensure_future(sigx.aio.wait(sig, timeout=LONG))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        sigx.raise_signal(sig)
        sigx.raise_signal(sig)
        a, b = await asyncio.gather(first, second)
        assert {a.signo, b.signo} == {sig} and a.seq != b.seq
        assert gone.cancelled()
        # A waiter cancelled after its record came takes nothing: the record
        # is still there.
        waiter = asyncio.ensure_future(sigx.aio.wait(sig, timeout=LONG))
        await asyncio.sleep(0)  # waiting on the descriptor now
        sigx.raise_signal(sig)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert sigx.wait(sig, timeout=0) is not None
        sigx.uninstall(sig)

    asyncio.run(main())


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.TaskGroup is Python 3.11+")
@forked
def test_graceful_shutdown_cancels_a_task_group_on_sigterm_from_another_process():
    cleaned = []

    async def work(name):
        try:
            await asyncio.sleep(LONG * 10)
        finally:
            cleaned.append(name)

    async def main():
        async with sigx.aio.graceful_shutdown() as stop:
            assert sigx.is_installed(signal.SIGTERM) and sigx.is_installed(signal.SIGINT)
            async with asyncio.TaskGroup() as tg:
                tg.create_task(work("a"))
                tg.create_task(work("b"))
                await asyncio.sleep(0)  # both tasks are waiting now
                kill = subprocess.Popen([sys.executable, "-c",
                                         f"import os, signal; os.kill({os.getpid()}, signal.SIGTERM)"])
        kill.wait(LONG)
        await asyncio.sleep(0)  # the cancellation stayed inside the block
        return stop, kill.pid

    stop, sender = asyncio.run(main())
    assert sorted(cleaned) == ["a", "b"]
    assert stop.requested and stop.info.signo == signal.SIGTERM
    assert stop.info.pid == sender and stop.info.code == sigx.SI_USER
    # The block put the signals back: Python's own handling again.
    assert not sigx.is_installed(signal.SIGTERM) and not sigx.is_installed(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@forked
def test_graceful_shutdown_of_given_tasks_in_a_loop_on_another_thread():
    ready = threading.Event()

    async def main():
        async def work():
            await asyncio.sleep(LONG * 10)

        tasks = [asyncio.ensure_future(work()) for _ in range(2)]
        async with sigx.aio.graceful_shutdown(tasks=tasks) as stop:
            ready.set()
            results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results), results
        return stop

    def interrupt():
        assert ready.wait(LONG)
        os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=interrupt)
    sender.start()
    stop = run_in_thread(main)
    sender.join(LONG)
    assert stop.info.signo == signal.SIGINT and stop.info.pid == os.getpid()


@forked
def test_graceful_shutdown_without_a_signal():
    async def main():
        async with sigx.aio.graceful_shutdown(signals=["SIGHUP"]) as stop:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.01)  # no stray cancellation
        return stop

    stop = asyncio.run(main())
    assert stop.info is None and not stop.requested
    assert not sigx.is_installed("SIGHUP")
