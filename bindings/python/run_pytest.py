# SPDX-License-Identifier: MIT OR Apache-2.0
"""Run the binding's pytest suite (used by CTest: c-tests/python.cmake).

Fails, rather than skips, when pytest is missing: `pip install pytest`.
Arguments are passed to pytest.
"""

import sys

try:
    import pytest
except ImportError:
    sys.exit(f"pytest is not installed for {sys.executable}: pip install pytest")

sys.exit(pytest.main(["-p", "no:cacheprovider"] + sys.argv[1:]))
