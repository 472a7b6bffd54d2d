# The Python package `sigx` (bindings/python/sigx, ctypes, no compiled parts),
# component "Python", installed two ways:
#
# * `cmake --install`: into <prefix>/${SIGX_PYTHON_INSTALL_DIR}/sigx, finding
#   the installed libsigx.so.N through a path relative to itself (the prefix
#   stays relocatable). The default, lib/python3/dist-packages, is where
#   Debian's python3 looks for a /usr prefix; for any other prefix add that
#   directory to PYTHONPATH, or set SIGX_PYTHON_INSTALL_DIR. For a venv or a
#   user install, `pip install ./bindings/python` is simpler.
# * a wheel (scikit-build-core runs this project with SKBUILD set; see
#   bindings/python/pyproject.toml): the package at the wheel's root with its
#   own copy of the library as sigx/libsigx.so.N.
#
# Included by the top-level CMakeLists.txt after install.cmake.
option(SIGX_INSTALL_PYTHON "cmake --install installs the Python package sigx" ON)
set(SIGX_PYTHON_INSTALL_DIR "lib/python3/dist-packages" CACHE STRING
  "Where cmake --install puts the Python package sigx (relative to the prefix, or absolute)")

set(_sigx_py_src "${PROJECT_SOURCE_DIR}/bindings/python/sigx")
set(_sigx_py_soname "libsigx.so.${SIGX_SOVERSION}")
if(SKBUILD)
  set(_sigx_py_dest sigx)
  set(SIGX_PYTHON_LIBRARY "${_sigx_py_soname}")
  install(FILES "${SIGX_SHARED_REAL}" DESTINATION sigx RENAME "${_sigx_py_soname}"
    PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE
    COMPONENT Python)
elseif(SIGX_INSTALL_PYTHON)
  set(_sigx_py_dest "${SIGX_PYTHON_INSTALL_DIR}/sigx")
  if(IS_ABSOLUTE "${_sigx_py_dest}" OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(SIGX_PYTHON_LIBRARY "") # not relocatable either way: leave it to the loader
  else()
    file(RELATIVE_PATH SIGX_PYTHON_LIBRARY "/P/${_sigx_py_dest}" "/P/${CMAKE_INSTALL_LIBDIR}/${_sigx_py_soname}")
  endif()
else()
  return()
endif()

configure_file("${_sigx_py_src}/_build.py.in" "${PROJECT_BINARY_DIR}/python/sigx/_build.py" @ONLY)
install(FILES
  "${_sigx_py_src}/__init__.py"
  "${_sigx_py_src}/aio.py"
  "${_sigx_py_src}/py.typed"
  "${PROJECT_BINARY_DIR}/python/sigx/_build.py"
  DESTINATION "${_sigx_py_dest}"
  COMPONENT Python)
