# SPDX-License-Identifier: MIT OR Apache-2.0
"""Tests for the sigx Python binding.

Every test that changes signal state runs in a forked child (see
conftest.forked), so it may change it freely. Waits use generous timeouts
and the tests assert behaviour, never timing.
"""

import errno
import gc
import inspect
import os
import select
import re
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import BINDING_DIR, INSTALLED, SOURCE_ROOT, forked

import sigx

LONG = 30.0  # seconds: "this will surely have happened by then"

# What only a libsigx 0.2 library can do (sigx_on_release, sigx_fd_mask,
# SIGX_FORK_RESET). Once this module is 0.2 it refuses a 0.1 library, so
# these run wherever the suite runs.
needs_0_2 = pytest.mark.skipif(not sigx._HAS_0_2, reason="needs libsigx 0.2")


# The kernel's count of pending signals is per user, shared with every other
# process of ours (parallel test runs, floods). While it is full, real-time
# signals sent with sigqueue/tgkill fail with EAGAIN, and standard signals
# sent with sigqueue/tgkill arrive without their details (code SI_USER, pid
# 0); only standard signals sent with kill() always keep them. So tests that
# check details use real-time signals with send_retrying, or os.kill; see
# test_full_kernel_queue_fails_or_loses_details.
def send_retrying(pid, sig, value=0):
    deadline = time.monotonic() + 60
    while True:
        try:
            return sigx.send(pid, sig, value)
        except sigx.SigxOSError as exc:  # EAGAIN: the kernel's queue is full for now
            if exc.errno != errno.EAGAIN or time.monotonic() > deadline:
                raise
            time.sleep(0.001)  # a retry pause, not synchronisation


def child_env():
    """The environment for a child Python that must import the same sigx."""
    env = dict(os.environ)
    if not INSTALLED:
        env["PYTHONPATH"] = BINDING_DIR + os.pathsep + env.get("PYTHONPATH", "")
    return env


# --- Surface --------------------------------------------------------------


def cargo_version():
    with open(os.path.join(SOURCE_ROOT, "Cargo.toml"), encoding="utf-8") as f:
        return re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.MULTILINE).group(1)


def test_version_and_layout():
    # The module's version is the project's (Cargo.toml); the library's has
    # the same major and minor.
    assert sigx.__version__ == cargo_version()
    assert sigx.version().split(".")[:2] == sigx.__version__.split(".")[:2]
    import ctypes
    assert ctypes.sizeof(sigx._CInfo) == 64
    assert ctypes.sizeof(sigx._CStats) == 32
    for func in sigx._PROTOTYPES:
        if func in sigx._SINCE_0_2 and not sigx._HAS_0_2:
            continue
        assert getattr(sigx._lib, func).argtypes is not None, func


def header_text():
    with open(os.path.join(SOURCE_ROOT, "include", "sigx.h"), encoding="utf-8") as f:
        text = f.read()
    return re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)  # no comments


def squeeze(c):
    return re.sub(r"\s*\*\s*", "*", re.sub(r"\s+", " ", c.strip()))


def test_header_matches_the_binding():
    # Every function the module binds is declared in include/sigx.h with the
    # same return type and parameters; the constants and structures it
    # mirrors have the header's values and fields. (The header may declare
    # functions the module does not bind.)
    import ctypes
    text = header_text()
    declared = {m.group(2): (squeeze(m.group(1)), m.group(3))
                for m in re.finditer(r"^([A-Za-z_][\w \t*]*?)\b(sigx_\w+)\((.*?)\);",
                                     text, re.MULTILINE | re.DOTALL)}
    c_type = {
        ctypes.c_int: r"int \w+", ctypes.c_uint32: r"uint32_t \w+", ctypes.c_uint64: r"uint64_t \w+",
        ctypes.c_int64: r"int64_t \w+", ctypes.c_char_p: r"const char\*\w+",
        ctypes.c_void_p: r"void\*\w+", ctypes.POINTER(ctypes.c_uint64): r"uint64_t\*\w+",
        ctypes.POINTER(sigx._CInfo): r"(const )?(struct )?sigx_info\*\w+",
        ctypes.POINTER(sigx._CStats): r"(struct )?sigx_stats\*\w+",
        sigx._CALLBACK: r"sigx_callback \w+",
        sigx._RELEASE: r"sigx_release \w+",
        ctypes.POINTER(sigx._CDisposition): r"(struct )?sigx_disposition\*\w+",
        ctypes.POINTER(ctypes.c_int): r"int\*\w+",
    }
    c_return = {ctypes.c_int: "int", ctypes.c_uint64: "uint64_t", ctypes.c_char_p: "const char*"}
    bound = [f for f in sigx._PROTOTYPES if f in declared or f not in sigx._SINCE_0_2]
    assert bound, "no function found in sigx.h"
    for func in bound:
        assert func in declared, f"{func} is not declared in include/sigx.h"
        restype, argtypes = sigx._PROTOTYPES[func]
        ret, params = declared[func]
        assert ret == c_return[restype], (func, ret)
        params = [squeeze(p) for p in params.split(",")] if params.strip() != "void" else []
        assert len(params) == len(argtypes), (func, params)
        for param, argtype in zip(params, argtypes):
            assert re.fullmatch(c_type[argtype], param), (func, param, argtype)

    def define(name):
        m = re.search(rf"^#define {name} (\S+)", text, re.MULTILINE)
        return int(m.group(1)) if m else None

    assert define("SIGX_INTERRUPT") == sigx.INTERRUPT
    assert define("SIGX_ONESHOT") == sigx.ONESHOT
    assert define("SIGX_CHAIN") == sigx.CHAIN
    assert define("SIGX_FORK_RESET") in (None, sigx.FORK_RESET)  # None: a 0.1 header
    assert (define("SIGX_VERSION_MAJOR"), define("SIGX_VERSION_MINOR")) == \
        tuple(int(x) for x in sigx.__version__.split(".")[:2])
    statuses = dict(re.findall(r"^\s*SIGX_(OK|ERR_\w+) = (-?\d+),?$", text, re.MULTILINE))
    assert statuses and {k: int(v) for k, v in statuses.items()} == \
        {m.name: m.value for m in sigx.Status if m.name in statuses}
    assert set(statuses) <= {m.name for m in sigx.Status}, "a status the module lacks"
    actions = dict(re.findall(r"^\s*SIGX_ACTION_(\w+) = (\d+),?$", text, re.MULTILINE))
    assert {k: int(v) for k, v in actions.items()} == {m.name: m.value for m in sigx.Action}
    c_fields = {"int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64}
    for struct, mirror in (("sigx_info", sigx._CInfo), ("sigx_stats", sigx._CStats)):
        body = re.search(rf"typedef struct {struct} \{{(.*?)\}}", text, re.DOTALL).group(1)
        fields = re.findall(r"(\w+) (\w+);", body)
        assert [(n, c_fields[t]) for t, n in fields] == list(mirror._fields_), struct


@pytest.mark.skipif(not INSTALLED, reason="for an installed package (SIGX_TEST_INSTALLED=1)")
def test_installed_package_is_the_one_imported():
    # check_package.sh runs the suite in a venv with the package installed,
    # no SIGX_LIBRARY, no PYTHONPATH: the package and its own library are used.
    assert "SIGX_LIBRARY" not in os.environ
    here = os.path.dirname(sigx.__file__)
    assert not here.startswith(BINDING_DIR), sigx.__file__
    assert here.startswith(sys.prefix), (here, sys.prefix)
    from sigx import _build
    assert _build.VERSION == sigx.__version__
    assert os.path.samefile(sigx._lib._name, os.path.join(here, _build.LIBRARY))
    assert os.path.isfile(os.path.join(here, "py.typed"))


def test_refuses_a_library_of_another_minor_version(tmp_path):
    # A stand-in library whose sigx_version() says 0.99.0.
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    src = tmp_path / "fake.c"
    src.write_text('const char *sigx_version(void) { return "0.99.0"; }\n')
    lib = tmp_path / "libsigx-fake.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    env = child_env()
    env["SIGX_LIBRARY"] = str(lib)
    proc = subprocess.run([sys.executable, "-c", "import sigx"], env=env, cwd=str(tmp_path),
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode != 0
    want = ".".join(sigx.__version__.split(".")[:2])
    assert "ImportError" in proc.stderr and "libsigx 0.99.0" in proc.stderr, proc.stderr
    assert f"needs libsigx {want}.x" in proc.stderr, proc.stderr


def test_library_override_errors_clearly():
    env = child_env()
    env["SIGX_LIBRARY"] = "/nonexistent/libsigx.so.0"
    proc = subprocess.run([sys.executable, "-c", "import sigx"], env=env,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr and "SIGX_LIBRARY" in proc.stderr


@forked
def test_names_round_trip():
    valid = sigx.valid_signals()
    assert valid == {int(s) for s in signal.valid_signals()}
    assert 32 not in valid and 33 not in valid
    assert sigx.rtmin() == signal.SIGRTMIN and sigx.rtmax() == signal.SIGRTMAX
    for n in valid:
        text = sigx.name(n)
        assert sigx.number(text) == n
        assert sigx.number(text[3:]) == n          # without "SIG"
        assert sigx.number(text.lower()) == n
        assert sigx.number(str(n)) == n
        assert sigx.number(text.encode()) == n
        assert sigx.describe(n) == signal.strsignal(n)
        assert isinstance(sigx.default_action(n), sigx.Action)
    for member in signal.Signals:
        if int(member) in valid and not member.name.startswith("SIGRT"):
            assert sigx.name(member) == member.name
    assert sigx.name(sigx.rtmin() + 2) == "SIGRTMIN+2"
    assert sigx.number("RTMAX-1") == sigx.rtmax() - 1
    assert sigx.number(signal.SIGINT) == 2
    assert sigx.default_action("SIGCHLD") is sigx.Action.IGNORE
    assert sigx.default_action(signal.SIGSEGV) is sigx.Action.CORE
    assert sigx.default_action("STOP") is sigx.Action.STOP
    assert sigx.default_action("CONT") is sigx.Action.CONTINUE
    assert sigx.default_action("TERM") is sigx.Action.TERMINATE
    assert sigx.is_catchable("USR1") and not sigx.is_catchable("KILL")
    assert not sigx.is_catchable(signal.SIGSEGV)
    for bad in (0, -1, 32, 33, 65, 2 ** 40):
        with pytest.raises(sigx.InvalidSignal):
            sigx.name(bad)
        with pytest.raises(sigx.InvalidSignal):
            sigx.describe(bad)
    for bad in ("SIGNOPE", "SIGINT\0", "32", "SIGRTMIN+31", "ÜBER"):
        with pytest.raises(sigx.InvalidSignal):
            sigx.number(bad)
    with pytest.raises(sigx.InvalidArgument):
        sigx.number("")
    with pytest.raises(TypeError):
        sigx.name(2.0)
    with pytest.raises(TypeError):
        sigx.install(True)


@forked
def test_errors_map_to_classes():
    cases = [
        (lambda: sigx.install(signal.SIGKILL), sigx.Uncatchable, sigx.Status.ERR_UNCATCHABLE),
        (lambda: sigx.install("STOP"), sigx.Uncatchable, sigx.Status.ERR_UNCATCHABLE),
        (lambda: sigx.install(signal.SIGSEGV), sigx.Forbidden, sigx.Status.ERR_FORBIDDEN),
        (lambda: sigx.install(32), sigx.Forbidden, sigx.Status.ERR_FORBIDDEN),
        (lambda: sigx.install(0), sigx.InvalidSignal, sigx.Status.ERR_SIGNAL),
        (lambda: sigx.install(99), sigx.InvalidSignal, sigx.Status.ERR_SIGNAL),
        (lambda: sigx.install(2 ** 32 + 2), sigx.InvalidSignal, sigx.Status.ERR_SIGNAL),
        (lambda: sigx.uninstall("USR2"), sigx.NotInstalled, sigx.Status.ERR_NOT_INSTALLED),
        (lambda: sigx.wait("USR2", timeout=0), sigx.NotInstalled, sigx.Status.ERR_NOT_INSTALLED),
        (lambda: sigx.wait([], timeout=0), sigx.InvalidArgument, sigx.Status.ERR_ARGUMENT),
        (lambda: sigx.dispatch(0), sigx.NotInstalled, sigx.Status.ERR_NOT_INSTALLED),
        (lambda: sigx.set_capacity("USR2", 0), sigx.InvalidArgument, sigx.Status.ERR_ARGUMENT),
        (lambda: sigx.set_capacity("USR2", 2 ** 32 + 8), sigx.InvalidArgument,
         sigx.Status.ERR_ARGUMENT),
        (lambda: sigx.stats(33), sigx.InvalidSignal, sigx.Status.ERR_SIGNAL),
        (lambda: sigx.block(99), sigx.InvalidSignal, sigx.Status.ERR_SIGNAL),
    ]
    for call, cls, status in cases:
        with pytest.raises(cls) as caught:
            call()
        assert isinstance(caught.value, sigx.SigxError)
        assert caught.value.status == status
        assert sigx.strerror(status) in str(caught.value)
    assert issubclass(sigx.InvalidSignal, ValueError)
    assert issubclass(sigx.InvalidArgument, ValueError)

    sigx.install("USR1")
    with pytest.raises(sigx.Busy):
        sigx.set_capacity("USR1", 16)
    sigx.uninstall("USR1")

    # A system error is also an OSError carrying errno.
    with open("/proc/sys/kernel/pid_max") as f:
        no_such_pid = int(f.read()) + 1  # above any pid the kernel hands out
    with pytest.raises(sigx.SigxOSError) as caught:
        sigx.send(no_such_pid, signal.SIGUSR1)
    assert isinstance(caught.value, OSError)
    assert caught.value.errno == errno.ESRCH
    assert caught.value.status == sigx.Status.ERR_SYSTEM
    with pytest.raises(ProcessLookupError):  # what os.kill raises for the same
        os.kill(no_such_pid, 0)

    # Python-side argument checks.
    with pytest.raises(ValueError):
        sigx.wait("USR1", timeout=-1)
    with pytest.raises(ValueError):
        sigx.alarm(-0.5)
    with pytest.raises(TypeError):
        sigx.on("USR1", 42)
    with pytest.raises(sigx.InvalidArgument):
        sigx.send(os.getpid(), 0, value=2 ** 64)


# --- What Python's signal module cannot do ----------------------------------


@forked
def test_wait_in_a_non_main_thread():
    results = {}
    ready = threading.Barrier(3)

    def waiter(sig):
        try:
            # Python's signal module refuses to work here ...
            with pytest.raises(ValueError):
                signal.signal(sig, signal.SIG_IGN)
            # ... sigx does not.
            sigx.install(sig)
            ready.wait(LONG)
            results[sig] = sigx.wait(sig, timeout=LONG)
        except BaseException as exc:  # reported below
            results[sig] = exc

    rt = sigx.rtmin() + 4
    threads = [threading.Thread(target=waiter, args=(s,)) for s in (rt, signal.SIGUSR2)]
    for t in threads:
        t.start()
    ready.wait(LONG)
    os.kill(os.getpid(), signal.SIGUSR2)  # to the process: any thread may run the handler
    send_retrying(os.getpid(), rt, value=7)
    for t in threads:
        t.join(LONG)
        assert not t.is_alive()
    queued, usr2 = results[rt], results[signal.SIGUSR2]
    assert isinstance(queued, sigx.Info), queued
    assert isinstance(usr2, sigx.Info), usr2
    assert (queued.signo, queued.code, queued.value, queued.pid) == (
        rt, sigx.SI_QUEUE, 7, os.getpid())
    assert (usr2.signo, usr2.code, usr2.pid) == (signal.SIGUSR2, sigx.SI_USER, os.getpid())
    assert queued.name == "SIGRTMIN+4" and usr2.name == "SIGUSR2"


@forked
def test_sender_pid_and_uid_on_every_delivery():
    rt = sigx.rtmin() + 1
    sigx.install(rt)
    sigx.install(signal.SIGUSR1)
    env = child_env()
    me = os.getpid()
    seen = []

    def check(sig, pid, code, value):
        info = sigx.wait(sig, timeout=LONG)
        assert info is not None
        assert pid != me
        assert (info.signo, info.pid, info.uid, info.code, info.value) == (
            sig, pid, os.getuid(), code, value)
        seen.append(info)

    # 1. Another program, with os.kill (SI_USER).
    code = f"import os; os.kill({me}, {int(signal.SIGUSR1)})"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    assert proc.wait() == 0
    check(signal.SIGUSR1, proc.pid, sigx.SI_USER, 0)

    # 2. Another program, with sigx.send (SI_QUEUE and a value).
    helper = inspect.getsource(send_retrying)
    code = f"import errno, sigx, time\n{helper}\nsend_retrying({me}, {rt}, 1234)\n"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    assert proc.wait() == 0
    check(rt, proc.pid, sigx.SI_QUEUE, 1234)

    # 3. A forked child of ours.
    child = os.fork()
    if child == 0:
        try:
            send_retrying(me, rt, 99)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    check(rt, child, sigx.SI_QUEUE, 99)

    assert sigx.wait([rt, signal.SIGUSR1], timeout=0) is None
    assert [r.seq for r in seen] == sorted(r.seq for r in seen)
    figures = sigx.stats(rt)
    assert (figures.delivered, figures.dropped, figures.queued) == (2, 0, 0)
    sigx.uninstall(rt)
    sigx.uninstall(signal.SIGUSR1)


@forked
def test_lossless_realtime_counting():
    count = 5000
    sig = sigx.name(sigx.rtmin() + 2)  # "SIGRTMIN+2"
    sigx.set_capacity(sig, 8192)  # room for all, even if the kernel delivers them in one burst
    sigx.install(sig)
    me = os.getpid()
    child = os.fork()
    if child == 0:
        code = 1
        try:
            for value in range(count):
                send_retrying(me, sig, value)  # EAGAIN: the kernel's queue is full for now
            code = 0
        finally:
            os._exit(code)
    records = []
    for _ in range(count):
        info = sigx.wait(sig, timeout=LONG)
        assert info is not None, f"only {len(records)} of {count} arrived"
        records.append(info)
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert sigx.wait(sig, timeout=0) is None

    values = [r.value for r in records]
    assert sorted(values) == list(range(count))  # each exactly once
    assert values == list(range(count))          # one sender, one queue: in order
    assert all(r.pid == child and r.uid == os.getuid() and r.code == sigx.SI_QUEUE for r in records)
    assert all(r.dropped == 0 for r in records)
    seqs = [r.seq for r in records]
    assert seqs == sorted(seqs) and len(set(seqs)) == count
    figures = sigx.stats(sig)
    assert (figures.delivered, figures.dropped, figures.queued) == (count, 0, 0)
    assert 1 <= figures.high_water <= 8192
    sigx.uninstall(sig)


# --- Callbacks ----------------------------------------------------------------


@forked
def test_on_and_dispatch_run_python_callbacks():
    seen = []
    rt = sigx.rtmin() + 6
    sigx.on(rt, lambda info: seen.append(("a", info.signo, info.value)))
    gc.collect()  # the binding keeps the ctypes callback alive, not the caller
    send_retrying(os.getpid(), rt, 5)
    assert sigx.dispatch(timeout=LONG) == 1
    assert seen == [("a", rt, 5)]

    # Replacing the callback; raise_signal records before it returns.
    sigx.on(rt, lambda info: seen.append(("b", info.value)))
    send_retrying(os.getpid(), rt, 6)
    assert sigx.dispatch(timeout=LONG) == 1
    assert seen[-1] == ("b", 6)
    sigx.uninstall(rt)

    # An exception in a callback comes out of dispatch.
    def fails(info):
        raise RuntimeError(f"from {info.name}")

    sigx.on("USR1", fails)
    sigx.raise_signal("USR1")  # recorded before it returns
    with pytest.raises(RuntimeError, match="from SIGUSR1"):
        sigx.dispatch(timeout=LONG)

    # A callback may remove itself while it runs.
    def once(info):
        seen.append(("once", info.signo))
        sigx.on(info.signo, None)

    sigx.on("USR1", once)
    sigx.raise_signal("USR1")
    assert sigx.dispatch(timeout=LONG) == 1
    gc.collect()
    assert seen[-1] == ("once", signal.SIGUSR1)
    assert sigx.is_installed("USR1")  # removing the callback leaves the signal caught
    with pytest.raises(sigx.NotInstalled):  # no callback left
        sigx.dispatch(timeout=0)

    # Timeout: 0, not an exception.
    sigx.on("USR2", lambda info: seen.append("usr2"))
    assert sigx.dispatch(timeout=0) == 0
    assert sigx.dispatch(timeout=0.05) == 0

    # Dispatching in another thread.
    ran_in = []
    sigx.on("USR2", lambda info: ran_in.append(threading.current_thread().name))
    sigx.raise_signal("USR2")
    worker = threading.Thread(target=sigx.dispatch, args=(LONG,), name="dispatcher")
    worker.start()
    worker.join(LONG)
    assert ran_in == ["dispatcher"]
    sigx.uninstall("USR1")
    sigx.uninstall("USR2")
    if sigx._HAS_0_2:
        assert not sigx._callbacks  # every ctypes callback released


@forked
def test_callbacks_changed_from_many_threads():
    # Registration from several threads at once must never free a ctypes
    # callback the library may still call.
    sig = signal.SIGUSR1
    hits = []
    stop = threading.Event()

    def churn(tag):
        while not stop.is_set():
            sigx.on(sig, lambda info, tag=tag: hits.append(tag))

    workers = [threading.Thread(target=churn, args=(i,)) for i in range(3)]
    for w in workers:
        w.start()
    try:
        for _ in range(200):
            sigx.raise_signal(sig)
            sigx.dispatch(timeout=LONG)
    finally:
        stop.set()
        for w in workers:
            w.join(LONG)
    assert len(hits) == 200
    sigx.on(sig, None)
    if sigx._HAS_0_2:
        assert not sigx._callbacks  # the library released every replaced one
    sigx.uninstall(sig)


@needs_0_2
@forked
def test_callback_objects_released_when_the_library_says():
    # The binding keeps each ctypes callback until sigx_on_release's release
    # function says the library can no longer call it.
    sig = signal.SIGUSR1
    seen = []
    sigx.on(sig, lambda info: seen.append("a"))
    assert len(sigx._callbacks) == 1
    sigx.on(sig, lambda info: seen.append("b"))  # a is not running: released at once
    assert len(sigx._callbacks) == 1
    gc.collect()
    sigx.raise_signal(sig)
    assert sigx.dispatch(timeout=LONG) == 1
    assert seen == ["b"]

    def replace_self(info):
        seen.append("self")
        sigx.on(sig, lambda info: seen.append("after"))
        gc.collect()
        assert len(sigx._callbacks) == 2  # this one is running: still kept

    sigx.on(sig, replace_self)
    sigx.raise_signal(sig)
    assert sigx.dispatch(timeout=LONG) == 1
    assert len(sigx._callbacks) == 1  # released when its run ended
    gc.collect()
    sigx.raise_signal(sig)
    assert sigx.dispatch(timeout=LONG) == 1
    assert seen[-2:] == ["self", "after"]
    sigx.uninstall(sig)
    assert not sigx._callbacks
    with pytest.raises(sigx.Uncatchable):
        sigx.on(signal.SIGKILL, print)  # never registered: nothing kept
    assert not sigx._callbacks


# --- Event loops ----------------------------------------------------------------


@forked
def test_fd_with_selectors_and_poll():
    sigx.install("USR1")
    sigx.install("USR2")
    descriptor = sigx.fd()
    assert descriptor == sigx.fd() >= 0
    with selectors.DefaultSelector() as sel:
        sel.register(descriptor, selectors.EVENT_READ)
        assert sel.select(timeout=0) == []
        sigx.raise_signal("USR2")
        sigx.raise_signal("USR1")
        assert len(sel.select(timeout=LONG)) == 1
        got = list(sigx.drain())
        assert [i.signo for i in got] == [signal.SIGUSR2, signal.SIGUSR1]  # oldest first
        assert got[0].seq < got[1].seq
        assert sel.select(timeout=0) == []  # drained: no longer readable
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    sigx.raise_signal("USR1")
    sigx.raise_signal("USR2")
    assert poller.poll(LONG * 1000)
    assert [i.signo for i in sigx.drain("USR2")] == [signal.SIGUSR2]  # others stay queued
    assert poller.poll(0)
    assert [i.signo for i in sigx.drain(["USR1", "USR2"])] == [signal.SIGUSR1]
    assert poller.poll(0) == []
    sigx.uninstall("USR1")
    sigx.uninstall("USR2")
    assert list(sigx.drain("USR1")) == []  # nothing installed: just ends


@needs_0_2
@forked
def test_fd_for_a_set_of_signals():
    sigx.install("USR1")
    sigx.install("USR2")
    only_usr1 = sigx.fd("USR1")
    assert only_usr1 == sigx.fd(["USR1"]) == sigx.fd({signal.SIGUSR1}) >= 0
    assert only_usr1 != sigx.fd()
    poller = select.poll()
    poller.register(only_usr1, select.POLLIN)
    sigx.raise_signal("USR2")
    assert poller.poll(0) == []                    # queued, but not one of ours
    assert select.select([sigx.fd()], [], [], 0)[0]  # the descriptor for all sees it
    sigx.raise_signal("USR1")
    assert poller.poll(LONG * 1000)
    assert [i.signo for i in sigx.drain("USR1")] == [signal.SIGUSR1]
    assert poller.poll(0) == []
    assert [i.signo for i in sigx.drain("USR2")] == [signal.SIGUSR2]
    with pytest.raises(sigx.InvalidSignal):
        sigx.fd([0])
    sigx.uninstall("USR1")
    sigx.uninstall("USR2")


@forked
def test_asyncio_reader_in_a_non_main_thread():
    # asyncio's own add_signal_handler needs the main thread; sigx.fd() does not.
    import asyncio

    rt = sigx.rtmin() + 7
    sigx.install(rt)
    result = {}

    def run_loop():
        async def first_record():
            loop = asyncio.get_running_loop()
            got = loop.create_future()

            def readable():
                for info in sigx.drain(rt):
                    if not got.done():
                        got.set_result(info)

            loop.add_reader(sigx.fd(), readable)
            try:
                started.set()
                return await asyncio.wait_for(got, LONG)
            finally:
                loop.remove_reader(sigx.fd())

        try:
            result["info"] = asyncio.run(first_record())
        except BaseException as exc:
            result["info"] = exc
            started.set()

    started = threading.Event()
    worker = threading.Thread(target=run_loop)
    worker.start()
    assert started.wait(LONG)
    send_retrying(os.getpid(), rt, 42)
    worker.join(LONG)
    info = result["info"]
    assert isinstance(info, sigx.Info), info
    assert (info.signo, info.value) == (rt, 42)
    sigx.uninstall(rt)


# --- Masks ------------------------------------------------------------------------


@forked
def test_blocked_defers_delivery():
    sigx.install("USR1")
    with sigx.blocked(signal.SIGUSR1) as before:
        assert signal.SIGUSR1 not in before
        sigx.raise_signal(signal.SIGUSR1)
        assert signal.SIGUSR1 in sigx.kernel_pending()
        assert sigx.stats("USR1").delivered == 0
        # This thread blocks it, so a wait takes it from the kernel, and the
        # mask stays as it is.
        info = sigx.wait("USR1", timeout=0)
        assert info is not None and info.signo == signal.SIGUSR1
        assert sigx.kernel_pending() == set()
        assert signal.SIGUSR1 in sigx.block([])
        sigx.raise_signal(signal.SIGUSR1)
    # Leaving the block unblocked it, and the handler ran before that returned.
    assert sigx.kernel_pending() == set()
    info = sigx.wait("USR1", timeout=0)
    assert info is not None and info.signo == signal.SIGUSR1

    old = sigx.block(["USR1", "USR2"])
    assert set(sigx.block([])) >= {signal.SIGUSR1, signal.SIGUSR2}
    sigx.unblock("USR2")
    assert set(sigx.setmask(old)) == {signal.SIGUSR1}
    assert set(sigx.block(())) == set(old)
    # Python agrees about this thread's mask.
    with sigx.block(signal.SIGUSR2):
        assert signal.SIGUSR2 in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.SIGUSR2 not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    sigx.uninstall("USR1")


# --- Alarms -----------------------------------------------------------------------


@forked
def test_alarm_delivers_sigalrm():
    sigx.install(signal.SIGALRM)
    assert sigx.alarm(0.01) == 0
    info = sigx.wait(signal.SIGALRM, timeout=LONG)
    assert info is not None and info.signo == signal.SIGALRM
    assert info.code == 0x80  # SI_KERNEL: the timer
    sigx.alarm(LONG)
    left = sigx.alarm(0)  # cancel, and see what was left
    assert 0 < left <= LONG
    assert sigx.alarm(0) == 0
    # A repeating alarm.
    sigx.alarm(0.01, interval=0.01)
    for _ in range(3):
        assert sigx.wait(signal.SIGALRM, timeout=LONG) is not None
    sigx.alarm(0)
    sigx.uninstall(signal.SIGALRM)


# --- Living with Python's own handlers --------------------------------------------


@forked
def test_install_replaces_and_uninstall_restores_python_sigint():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    sigx.install(signal.SIGINT)
    sigx.raise_signal(signal.SIGINT)  # no KeyboardInterrupt: sigx has it
    assert sigx.wait(signal.SIGINT, timeout=0).signo == signal.SIGINT
    sigx.uninstall(signal.SIGINT)
    assert not sigx.is_installed(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        sigx.raise_signal(signal.SIGINT)
        for _ in range(1000):  # the interpreter raises it at the next check
            pass


@forked
def test_chain_also_runs_python_handler():
    calls = []
    signal.signal(signal.SIGUSR1, lambda signo, frame: calls.append(signo))
    sigx.install(signal.SIGUSR1, chain=True)
    sigx.raise_signal(signal.SIGUSR1)
    for _ in range(1000):  # Python runs its handler between bytecodes
        pass
    assert calls == [signal.SIGUSR1]
    assert sigx.wait(signal.SIGUSR1, timeout=0) is not None

    sigx.install(signal.SIGINT, chain=True)
    with pytest.raises(KeyboardInterrupt):
        sigx.raise_signal(signal.SIGINT)
        for _ in range(1000):
            pass
    assert sigx.wait(signal.SIGINT, timeout=0) is not None  # recorded as well
    sigx.uninstall(signal.SIGINT)
    sigx.uninstall(signal.SIGUSR1)
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)


def in_sigx_call(thread_ident):
    """Whether that thread is inside a blocking sigx call (its top Python frame is there)."""
    frame = sys._current_frames().get(thread_ident)
    return (frame is not None and frame.f_code.co_filename == sigx.__file__
            and frame.f_code.co_name in ("<lambda>", "_blocking"))


@forked
def test_main_thread_wait_still_gets_keyboard_interrupt():
    # The C call ignores EINTR, so without the binding's slicing a
    # main-thread wait would never let Python raise KeyboardInterrupt.
    sigx.install("USR1")
    main = threading.get_ident()

    def interrupt_when_waiting():
        deadline = time.monotonic() + LONG
        while not in_sigx_call(main) and time.monotonic() < deadline:
            time.sleep(0.001)  # polling a condition, with a deadline
        os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=interrupt_when_waiting)
    sender.start()
    with pytest.raises(KeyboardInterrupt) as caught:
        sigx.wait("USR1")  # forever: only Ctrl+C ends it
    assert any(entry.name == "_blocking" for entry in caught.traceback)
    sender.join(LONG)
    sigx.uninstall("USR1")


# --- Smaller things ---------------------------------------------------------------


@forked
def test_wait_timeouts_and_flags():
    sigx.install("USR1", oneshot=True)
    assert sigx.wait("USR1", timeout=0) is None
    assert sigx.wait("USR1", timeout=0.02) is None
    assert sigx.wait(["USR1", signal.SIGUSR2], timeout=0) is None
    sigx.raise_signal("USR1")
    assert not sigx.is_installed("USR1")  # oneshot: back to the default now
    assert sigx.wait(None, timeout=0).signo == signal.SIGUSR1
    sigx.install("USR1", interrupt=True)
    assert sigx.is_installed("USR1")
    sigx.uninstall("USR1")
    assert sigx.stats() == sigx.Stats(delivered=1, dropped=0, queued=0, high_water=1)


@forked
def test_ignore_default_and_full_queue():
    sigx.ignore("USR1")
    os.kill(os.getpid(), signal.SIGUSR1)  # ignored: we live
    sigx.uninstall("USR1")
    sigx.default(signal.SIGCHLD)
    sigx.uninstall(signal.SIGCHLD)

    sig = sigx.rtmin() + 3
    sigx.set_capacity(sig, 2)
    sigx.install(sig)
    for value in range(5):
        send_retrying(os.getpid(), sig, value)
    figures = sigx.stats(sig)
    assert (figures.delivered, figures.dropped, figures.queued) == (5, 3, 2)
    first, second = sigx.wait(sig, 0), sigx.wait(sig, 0)
    send_retrying(os.getpid(), sig, 5)
    third = sigx.wait(sig, 0)
    assert [r.value for r in (first, second, third)] == [0, 1, 5]
    # The losses are reported by the next record returned, never hidden,
    # and the gap in seq shows where they were.
    assert [r.dropped for r in (first, second, third)] == [3, 0, 0]
    assert third.seq - second.seq == 4
    sigx.uninstall(sig)


@forked
def test_full_kernel_queue_fails_or_loses_details():
    # With our own RLIMIT_SIGPENDING at 0 the kernel's queue is always full:
    # what a user sees when a flood (of any process of the same user) fills it.
    import resource

    rt = sigx.rtmin() + 5
    for sig in ("USR1", "USR2", rt):
        sigx.install(sig)
    soft, hard = resource.getrlimit(resource.RLIMIT_SIGPENDING)
    resource.setrlimit(resource.RLIMIT_SIGPENDING, (0, hard))
    try:
        os.kill(os.getpid(), signal.SIGUSR1)   # kill() of a standard signal: details kept
        with pytest.raises(sigx.SigxOSError) as caught:
            sigx.send(os.getpid(), rt, 1)      # sigqueue of a real-time one: EAGAIN
        assert caught.value.errno == errno.EAGAIN
        with pytest.raises(sigx.SigxOSError) as caught:
            sigx.raise_signal(rt)
        assert caught.value.errno == errno.EAGAIN
        sigx.send(os.getpid(), "USR2", 2)      # sigqueue of a standard one: details lost
    finally:
        resource.setrlimit(resource.RLIMIT_SIGPENDING, (soft, hard))
    kept = sigx.wait("USR1", timeout=LONG)
    assert (kept.code, kept.pid, kept.uid) == (sigx.SI_USER, os.getpid(), os.getuid())
    lost = sigx.wait("USR2", timeout=LONG)
    assert (lost.code, lost.pid, lost.value) == (sigx.SI_USER, 0, 0)
    assert sigx.wait(rt, timeout=0) is None
    assert sigx.stats(rt).delivered == 0
    for sig in ("USR1", "USR2", rt):
        sigx.uninstall(sig)


def test_reraise_dies_of_the_signal():
    code = ("import signal, sigx\n"
            "sigx.install(signal.SIGTERM)\n"
            "sigx.raise_signal(signal.SIGTERM)\n"
            "assert sigx.wait(signal.SIGTERM, 0) is not None\n"
            "sigx.reraise(signal.SIGTERM)\n"
            "raise SystemExit('still alive')\n")
    proc = subprocess.run([sys.executable, "-c", code], env=child_env())
    assert proc.returncode == -signal.SIGTERM


@forked
def test_fork_child_starts_clean():
    sigx.install("USR1")
    sigx.raise_signal("USR1")
    child = os.fork()
    if child == 0:
        ok = (sigx.stats("USR1").delivered == 0 and sigx.wait("USR1", 0) is None
              and sigx.is_installed("USR1"))
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert sigx.wait("USR1", 0) is not None  # ours is still here
    sigx.uninstall("USR1")


# --- fork and multiprocessing ------------------------------------------------------


def forked_child_after_ready(body):
    """Fork; the child writes one byte once it is ready, then runs ``body()``.

    Returns the child's pid once it is ready.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        code = 1
        try:
            os.write(write_end, b"r")
            code = body()
        finally:
            os._exit(code)
    os.close(write_end)
    assert os.read(read_end, 1) == b"r"
    os.close(read_end)
    return child


@forked
def test_without_fork_reset_a_forked_child_records_sigterm():
    # The pitfall: a child forked after install(SIGTERM) keeps sigx's handler,
    # so SIGTERM is recorded there instead of ending it.
    sigx.install(signal.SIGTERM)

    def child():
        info = sigx.wait(signal.SIGTERM, timeout=LONG)
        return 42 if info is not None and info.pid == os.getppid() else 1

    pid = forked_child_after_ready(child)
    os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 42
    sigx.uninstall(signal.SIGTERM)


@needs_0_2
@forked
def test_fork_reset_child_dies_of_sigterm():
    sigx.install(signal.SIGTERM, fork_reset=True)

    def child():
        time.sleep(LONG)  # waits to be killed (not synchronisation)
        return 3

    pid = forked_child_after_ready(child)
    os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    assert sigx.is_installed(signal.SIGTERM)  # the parent keeps it
    os.kill(os.getpid(), signal.SIGTERM)
    assert sigx.wait(signal.SIGTERM, timeout=LONG).pid == os.getpid()
    sigx.uninstall(signal.SIGTERM)


def pool_terminates_in_time(pool, limit=5.0):
    """pool.terminate() + join() within ``limit`` seconds (the bound issue #16 sets).

    On a hang the workers are killed with SIGKILL so that the test can end.
    """
    assert pool.map(abs, [-1, -2, -3]) == [1, 2, 3]  # the workers run
    done = threading.Event()

    def stop():
        pool.terminate()
        pool.join()
        done.set()

    threading.Thread(target=stop, daemon=True).start()
    if done.wait(limit):
        return True
    for worker in pool._pool:
        if worker.pid:
            os.kill(worker.pid, signal.SIGKILL)
    done.wait(LONG)
    return False


@needs_0_2
@forked
def test_pool_forked_after_install_with_fork_reset_terminates():
    import multiprocessing

    sigx.install(signal.SIGTERM, fork_reset=True)
    pool = multiprocessing.get_context("fork").Pool(2)
    assert pool_terminates_in_time(pool), "pool.terminate() hung: workers kept sigx's SIGTERM handler"
    sigx.uninstall(signal.SIGTERM)


def _uninstall_then_report(sig, ready):
    sigx.uninstall(sig)
    ready.put(os.getpid())


@forked
def test_pool_with_uninstall_initializer_terminates():
    import multiprocessing

    sigx.install(signal.SIGTERM)
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Queue()
    pool = ctx.Pool(2, initializer=_uninstall_then_report, initargs=(signal.SIGTERM, ready))
    # A worker that has not run its initializer yet still has sigx's handler:
    # a SIGTERM then would be recorded, not fatal. Wait until both have.
    for _ in range(2):
        ready.get(timeout=LONG)
    assert pool_terminates_in_time(pool), "pool.terminate() hung"
    sigx.uninstall(signal.SIGTERM)


# --- Children (issue #14) ---------------------------------------------------------


@forked
def test_watch_child_popen_100():
    # 100 subprocess.Popen children, half exiting with a code, half killed by
    # SIGTERM: exactly one record each, whatever the kernel merged, and with
    # reap=False Popen.wait() still gets every return code.
    sigx.install(signal.SIGCHLD)
    procs = []
    for i in range(100):
        if i % 2:
            p = subprocess.Popen(["sleep", "30"])
        else:
            p = subprocess.Popen(["sh", "-c", f"exit {i % 50}"])
        sigx.watch_child(p.pid)
        procs.append(p)
    for i, p in enumerate(procs):
        if i % 2:
            p.terminate()
    want = {p.pid: ((sigx.CLD_KILLED, signal.SIGTERM) if i % 2 else (sigx.CLD_EXITED, i % 50))
            for i, p in enumerate(procs)}
    got = {}
    deadline = time.monotonic() + LONG
    while len(got) < len(want) and time.monotonic() < deadline:
        info = sigx.wait(signal.SIGCHLD, timeout=1.0)
        if info is None or info.pid not in want:
            continue
        assert info.pid not in got, f"second record for {info.pid}"
        got[info.pid] = (info.code, info.status)
    assert got == want
    assert sigx.wait(signal.SIGCHLD, timeout=0.2) is None  # nothing more
    for i, p in enumerate(procs):
        assert p.wait(timeout=LONG) == (-signal.SIGTERM if i % 2 else i % 50)
        with pytest.raises(sigx.NotFound):
            sigx.unwatch_child(p.pid)
    sigx.uninstall(signal.SIGCHLD)


@forked
def test_watch_child_errors_and_reap():
    with pytest.raises(sigx.NotInstalled):
        sigx.watch_child(os.getpid())
    sigx.install(signal.SIGCHLD)
    with pytest.raises(sigx.InvalidArgument):
        sigx.watch_child(0)
    with pytest.raises(sigx.NotFound):
        sigx.watch_child(1)  # init is nobody's child here
    p = subprocess.Popen(["sh", "-c", "exit 7"])
    sigx.watch_child(p.pid, reap=True)
    info = sigx.wait(signal.SIGCHLD, timeout=LONG)
    while info is not None and info.pid != p.pid:
        info = sigx.wait(signal.SIGCHLD, timeout=LONG)
    assert info is not None and (info.code, info.status) == (sigx.CLD_EXITED, 7)
    with pytest.raises(ChildProcessError):  # sigx reaped it
        os.waitpid(p.pid, 0)
    sigx.uninstall(signal.SIGCHLD)


# --- Hosts (issue #15) -------------------------------------------------------------


@forked
def test_disposition_kinds():
    assert sigx.disposition(signal.SIGKILL).kind == sigx.DispositionKind.DEFAULT
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    assert sigx.disposition(signal.SIGUSR2).kind == sigx.DispositionKind.IGNORE
    sigx.install(signal.SIGUSR1, interrupt=True)
    d = sigx.disposition(signal.SIGUSR1)
    assert d.kind == sigx.DispositionKind.SIGX and d.sigx_flags == sigx.INTERRUPT
    assert d.module and "libsigx" in d.module
    sigx.uninstall(signal.SIGUSR1)
    signal.signal(signal.SIGUSR1, lambda *a: None)  # Python's C handler
    d = sigx.disposition(signal.SIGUSR1)
    assert d.kind == sigx.DispositionKind.FOREIGN and d.handler
    assert d.module  # the interpreter or its _signal module


@forked
def test_displaced_signal_is_left_to_its_new_owner():
    sigx.install(signal.SIGUSR2)
    assert sigx.displaced() == set()
    def mine(*_):
        pass
    signal.signal(signal.SIGUSR2, mine)  # other code takes it
    assert sigx.displaced() == {signal.SIGUSR2}
    assert not sigx.is_installed(signal.SIGUSR2)
    with pytest.raises(sigx.NotInstalled):
        sigx.wait(signal.SIGUSR2, timeout=LONG)  # not a hang
    with pytest.raises(sigx.Displaced):
        sigx.uninstall(signal.SIGUSR2)
    assert signal.getsignal(signal.SIGUSR2) is mine  # left in place
    sigx.install(signal.SIGUSR2)  # takes it back
    assert sigx.displaced() == set()
    sigx.uninstall(signal.SIGUSR2)  # restores the displacer
    assert sigx.disposition(signal.SIGUSR2).kind == sigx.DispositionKind.FOREIGN


@forked
def test_filter_refuses_and_counts():
    sigx.install(signal.SIGUSR1)
    sigx.filter(signal.SIGUSR1, accept=sigx.Sender.PARENT)
    os.kill(os.getpid(), signal.SIGUSR1)  # from self: refused
    assert sigx.wait(signal.SIGUSR1, timeout=0.2) is None
    assert sigx.refused(signal.SIGUSR1) == 1
    assert sigx.refused() >= 1
    sigx.filter(signal.SIGUSR1, accept=sigx.Sender.SELF | sigx.Sender.PARENT)
    os.kill(os.getpid(), signal.SIGUSR1)
    info = sigx.wait(signal.SIGUSR1, timeout=LONG)
    assert info is not None and info.pid == os.getpid()
    with pytest.raises(TypeError):
        sigx.filter(signal.SIGUSR1, accept=3)
    sigx.uninstall(signal.SIGUSR1)
    with pytest.raises(sigx.NotInstalled):
        sigx.filter(signal.SIGUSR1, accept=sigx.Sender.ANY)


# --- Timers (issue #13) -------------------------------------------------------------


@forked
def test_timer_records_carry_cookie_and_overrun():
    sigx.install(signal.SIGALRM)
    with sigx.Timer(signal.SIGALRM, clock=sigx.Clock.MONOTONIC, cookie=77) as t:
        assert t.id > 0 and t.get() == (0.0, 0.0)
        t.set(0.01)
        info = sigx.wait(signal.SIGALRM, timeout=LONG)
        assert info is not None and info.code == sigx.SI_TIMER and info.value == 77
        assert (info.pid, info.uid) == (0, 0)
        # Periodic while the signal stays blocked: expiries pile up as overruns.
        with sigx.blocked(signal.SIGALRM):
            t.set(0.002, interval=0.002)
            remaining, interval = t.get()
            assert 0 < remaining <= 0.002 and interval == pytest.approx(0.002)
            time.sleep(0.1)
            info = sigx.wait(signal.SIGALRM, timeout=LONG)  # from the kernel
        t.set(0)  # disarm
        assert info is not None and info.status > 0
        timer_id = t.id
    with pytest.raises(sigx.NotFound):
        t.id
    # Ids are never reused.
    with sigx.Timer(signal.SIGALRM) as t2:
        assert t2.id > timer_id
    sigx.uninstall(signal.SIGALRM)


@forked
def test_timer_clocks_and_errors():
    sigx.install(signal.SIGUSR1)
    for clock in sigx.Clock:
        with sigx.Timer(signal.SIGUSR1, clock=clock, cookie=int(clock)) as t:
            if clock == sigx.Clock.REALTIME:
                t.set(time.time() + 0.01, absolute=True)
            else:
                t.set(0.001)
            deadline = time.monotonic() + LONG
            info = None
            while info is None and time.monotonic() < deadline:
                if clock in (sigx.Clock.PROCESS_CPU, sigx.Clock.THREAD_CPU):
                    sum(range(20000))  # burn CPU until it expires
                info = sigx.wait(signal.SIGUSR1, timeout=0.001)
            assert info is not None and info.value == int(clock), clock
    with pytest.raises(sigx.InvalidArgument):
        sigx.Timer(signal.SIGUSR1, clock=9)
    with pytest.raises(sigx.InvalidSignal):
        sigx.Timer(0)
    with pytest.raises(sigx.Uncatchable):
        sigx.Timer(signal.SIGKILL)
    with pytest.raises(sigx.InvalidArgument):
        with sigx.Timer(signal.SIGUSR1) as t:
            t.set(-1)
    sigx.uninstall(signal.SIGUSR1)


@forked
def test_thread_timer_dies_with_its_thread():
    sigx.install(signal.SIGUSR2)
    made = {}

    def worker():
        t = sigx.Timer(signal.SIGUSR2, thread=True)
        made["id"] = t.id
        made["timer"] = t

    th = threading.Thread(target=worker)
    th.start()
    th.join()
    # join() returns when the Python thread is done, which may be a moment
    # before its OS thread runs the exit destructors that delete the timer.
    deadline = time.monotonic() + LONG
    while True:
        try:
            made["timer"].get()
        except sigx.NotFound:
            break  # deleted when its thread exited
        assert time.monotonic() < deadline, "thread timer outlived its thread"
        time.sleep(0.001)
    made["timer"].delete()  # no error: it is gone already
    sigx.uninstall(signal.SIGUSR2)
