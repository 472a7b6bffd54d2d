# SPDX-License-Identifier: MIT OR Apache-2.0
"""Chooses which sigx the tests import, and gives them a `forked` decorator.

By default the tests import the package in this source tree
(bindings/python/sigx), with the library from SIGX_LIBRARY or the loader.
With SIGX_TEST_INSTALLED=1 they import the installed package (pip, a wheel)
and check that it is not this source tree (see bindings/python/tests/
check_package.sh).

Signal dispositions, masks and queues belong to the whole process, and
pytest runs every test in one process, so each test body runs in a forked
child; the parent reports the child's traceback.
"""

import functools
import os
import select
import sys
import time
import traceback

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING_DIR = os.path.dirname(HERE)
SOURCE_ROOT = os.path.dirname(os.path.dirname(BINDING_DIR))
INSTALLED = os.environ.get("SIGX_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, BINDING_DIR)

CHILD_DEADLINE = 120.0  # seconds; a hang fails the test instead of the whole run


def forked(test):
    """Run ``test`` in a forked child; an exception there fails the test here."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            os.close(read_end)
            code = 0
            try:
                test(*args, **kwargs)
            except BaseException:
                code = 1
                data = traceback.format_exc().encode()
                while data:
                    data = data[os.write(write_end, data):]
            finally:
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except Exception:
                        pass
                os._exit(code)
        os.close(write_end)
        report = b""
        deadline = time.monotonic() + CHILD_DEADLINE
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    pytest.fail(f"forked test still running after {CHILD_DEADLINE:.0f} s; killed")
                ready, _, _ = select.select([read_end], [], [], left)
                if ready:
                    chunk = os.read(read_end, 65536)
                    if not chunk:
                        break
                    report += chunk
        finally:
            os.close(read_end)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            pytest.fail(f"forked test killed by signal {os.WTERMSIG(status)}\n{report.decode()}")
        if os.WEXITSTATUS(status) != 0:
            pytest.fail("forked test failed:\n" + report.decode(), pytrace=False)

    return run
