# The Python binding's pytest suite (bindings/python/tests) as one CTest
# case, label "python", run against the library built here. It fails with
# "pip install pytest" when pytest is missing, and fails too when no Python
# interpreter was found: CI must not skip it silently.
find_package(Python3 COMPONENTS Interpreter)
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
