# The Python binding's pytest suite (bindings/python/tests), label "python":
#
#   python_bindings  the module in the source tree against the library built
#                    here (SIGX_LIBRARY)
#   python_package   the package as users get it: a wheel built by pip from
#                    this tree, installed in a fresh venv without cargo, the
#                    suite run against it; and `pip install bindings/python`
#                    in another venv (bindings/python/tests/check_package.sh;
#                    needs scikit-build-core from PyPI or pip's cache)
#
# They fail with "pip install pytest" when pytest is missing, and fail too
# when no Python interpreter was found: CI must not skip them silently.
find_package(Python3 COMPONENTS Interpreter)
find_program(SIGX_BASH bash)
set(SIGX_PYTHON_DIR "${PROJECT_SOURCE_DIR}/bindings/python")
if(Python3_Interpreter_FOUND)
  add_test(NAME python_bindings
    COMMAND "${Python3_EXECUTABLE}" "${SIGX_PYTHON_DIR}/run_pytest.py" -q "${SIGX_PYTHON_DIR}/tests")
else()
  set(_sigx_no_python "${CMAKE_CURRENT_BINARY_DIR}/python_missing.cmake")
  file(WRITE "${_sigx_no_python}"
    "message(FATAL_ERROR \"python_bindings: no Python 3 interpreter was found at configure time\")\n")
  add_test(NAME python_bindings COMMAND "${CMAKE_COMMAND}" -P "${_sigx_no_python}")
endif()
set_tests_properties(python_bindings PROPERTIES
  LABELS python
  TIMEOUT 600
  REQUIRED_FILES "${SIGX_SHARED_REAL}"
  ENVIRONMENT "SIGX_LIBRARY=${SIGX_SHARED_REAL};PYTHONDONTWRITEBYTECODE=1")

if(Python3_Interpreter_FOUND)
  add_test(NAME python_package
    COMMAND "${SIGX_BASH}" "${SIGX_PYTHON_DIR}/tests/check_package.sh" --python "${Python3_EXECUTABLE}"
            --source "${PROJECT_SOURCE_DIR}" --work "${CMAKE_CURRENT_BINARY_DIR}/python-package")
else()
  add_test(NAME python_package COMMAND "${CMAKE_COMMAND}" -P "${_sigx_no_python}")
endif()
set_tests_properties(python_package PROPERTIES LABELS python TIMEOUT 900)
# The suite floods real-time signals (test_lossless_realtime_counting), which
# fills the user's pending-signal queue for everyone: run alone, as the C
# floods do.
set_tests_properties(python_bindings python_package PROPERTIES RUN_SERIAL TRUE)
