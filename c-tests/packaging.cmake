# Packaging tests (label "packaging"): what a user of an installed sigx sees.
# They reuse the library the build made (nothing here runs cargo), so build
# first:
#
#   cmake --build build && ctest --test-dir build -L packaging --output-on-failure
#
#   packaging_cmake_rebuild        a scratch tree rebuilds after Cargo.lock/.rs/Cargo.toml
#                                  changes, and not otherwise; Debug builds cargo's dev profile
#   packaging_abi                  exported symbols = sigx.h's functions, all sigx_*;
#                                  soname, NODELETE, no RPATH/TEXTREL/exec stack
#   packaging_header_<cc>_<std>    sigx.h alone, and every part of it, compiled
#                                  pedantically as C99/C11 and C++11/C++17
#   packaging_header_macros        header_all.c uses every SIGX_ macro of sigx.h
#   packaging_install_layout       cmake --install: files, links, relocatable files
#   packaging_find_package         find_package versions, components, damaged install
#   packaging_consumer_cmake       c-tests/consumer via find_package, shared and static
#   packaging_consumer_pkgconfig   the consumer via pkg-config, shared and static
#   packaging_static_exe           cc -static hello.c $(pkg-config --static --libs sigx)
#   packaging_python_module        the installed Python package uses the installed library
#   packaging_libdir_*             the same with CMAKE_INSTALL_LIBDIR=lib64, lib/<arch>
#   packaging_abi_baseline         abidiff against abi/sigx-0.1.0.abi: additions only;
#                                  0.1.0's functions @@SIGX_0.1, later ones in later nodes
#   packaging_old_binary           a program built against an installed 0.1.0 (built
#                                  from git history) runs against this build's library
#   packaging_version              Cargo.toml, sigx.h, sigx_version(), CMake, sigx.pc,
#                                  the file names, `sigx --version` and Python agree
# packaging_abi_baseline and packaging_old_binary run cargo (their own target
# dirs under the build tree), the others reuse what the build made.
# Scripts and the probe project live in c-tests/packaging/.
find_program(SIGX_BASH bash)
if(NOT SIGX_BASH)
  message(WARNING "bash not found: the packaging tests are not registered")
  return()
endif()

set(_pkg_scripts "${CMAKE_CURRENT_SOURCE_DIR}/packaging")
set(_pkg_work "${CMAKE_CURRENT_BINARY_DIR}/packaging")
set(_pkg_tests "")

# --- Exported ABI -----------------------------------------------------------------
add_test(NAME packaging_abi
  COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_abi.sh" "${SIGX_SHARED_REAL}" "${SIGX_STATIC}"
          "${PROJECT_SOURCE_DIR}/include/sigx.h" "libsigx.so.${SIGX_SOVERSION}" "${CMAKE_C_COMPILER}")
list(APPEND _pkg_tests packaging_abi)

# --- ABI stability: the 0.1.0 baseline, and a program built against 0.1.0 ---------
add_test(NAME packaging_abi_baseline
  COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_abi_baseline.sh"
          --baseline "${PROJECT_SOURCE_DIR}/abi/sigx-0.1.0.abi" --shipped "${SIGX_SHARED_REAL}"
          --source "${PROJECT_SOURCE_DIR}" --work "${_pkg_work}/abi_baseline" --cargo "${CARGO}")
add_test(NAME packaging_old_binary
  COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_old_binary.sh"
          --source "${PROJECT_SOURCE_DIR}" --work "${_pkg_work}/old_binary" --new-lib "${SIGX_LIB_DIR}"
          --new-version "${PROJECT_VERSION}" --commit 7e0c7db --cmake "${CMAKE_COMMAND}"
          --cc "${CMAKE_C_COMPILER}" --cargo "${CARGO}")
list(APPEND _pkg_tests packaging_abi_baseline packaging_old_binary)

# --- One version ------------------------------------------------------------------
find_package(Python3 COMPONENTS Interpreter QUIET)
# sigx.pc.in: configured now with everything but the static link needs,
# which the install step fills in (sigx.pc exists only after an install).
add_test(NAME packaging_version
  COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_version.sh"
          --source "${PROJECT_SOURCE_DIR}" --cmake-version "${PROJECT_VERSION}"
          --lib "${SIGX_SHARED_REAL}" --pc "${PROJECT_BINARY_DIR}/sigx-install/sigx.pc.in"
          --config-version "${PROJECT_BINARY_DIR}/sigx-install/sigxConfigVersion.cmake"
          --cli "${SIGX_CLI}" --cc "${CMAKE_C_COMPILER}" --python "${Python3_EXECUTABLE}"
          --work "${_pkg_work}/version")
list(APPEND _pkg_tests packaging_version)

# --- The build itself ------------------------------------------------------------------
# A scratch copy of the sources is configured, built, changed and rebuilt.
add_test(NAME packaging_cmake_rebuild
  COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_rebuild.sh" --cmake "${CMAKE_COMMAND}"
          --source "${PROJECT_SOURCE_DIR}" --work "${_pkg_work}/packaging_cmake_rebuild"
          --rust-source "${SIGX_CARGO_ROOT_SOURCE}")
list(APPEND _pkg_tests packaging_cmake_rebuild)

# --- Header quality -----------------------------------------------------------------
# gcc and g++ are required (a missing one fails its tests with a message
# saying so); clang and clang++ are used when they are installed.
function(_sigx_header_tests tag program required)
  find_program(SIGX_HEADER_CC_${tag} ${program})
  set(cc "${SIGX_HEADER_CC_${tag}}")
  if(NOT cc)
    if(NOT required)
      return()
    endif()
    set(cc "${program}") # check_header.sh reports it missing
  endif()
  foreach(std IN LISTS ARGN)
    string(REPLACE "+" "x" std_name "${std}")
    set(name packaging_header_${tag}_${std_name})
    add_test(NAME ${name}
      COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_header.sh" "${cc}" "${std}"
              "${PROJECT_SOURCE_DIR}/include" "${CMAKE_CURRENT_SOURCE_DIR}/header" "${_pkg_work}/${name}")
    list(APPEND _pkg_tests ${name})
  endforeach()
  set(_pkg_tests "${_pkg_tests}" PARENT_SCOPE)
endfunction()
_sigx_header_tests(gcc gcc TRUE c99 c11)
_sigx_header_tests(gxx g++ TRUE c++11 c++17)
_sigx_header_tests(clang clang FALSE c99 c11)
_sigx_header_tests(clangxx clang++ FALSE c++11 c++17)
add_test(NAME packaging_header_macros
  COMMAND "${SIGX_BASH}" "${_pkg_scripts}/check_header.sh" --macros
          "${PROJECT_SOURCE_DIR}/include/sigx.h" "${CMAKE_CURRENT_SOURCE_DIR}/header/header_all.c")
list(APPEND _pkg_tests packaging_header_macros)

# --- Install, then use the installed prefix ------------------------------------------
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(STATUS "packaging: absolute CMAKE_INSTALL_LIBDIR/INCLUDEDIR, so the install is not relocatable: install tests skipped")
  set_tests_properties(${_pkg_tests} PROPERTIES LABELS packaging TIMEOUT 120)
  return()
endif()
file(RELATIVE_PATH _pkg_lib_subdir "${PROJECT_BINARY_DIR}" "${SIGX_LIB_DIR}")
# The sigx command: its place in the build tree and in the prefix.
set(_pkg_cli_arg "")
if(SIGX_CLI)
  file(RELATIVE_PATH _pkg_cli_built "${PROJECT_BINARY_DIR}" "${SIGX_CLI}")
  set(_pkg_cli_arg --cli "${_pkg_cli_built}" --bindir "${CMAKE_INSTALL_BINDIR}")
endif()
# A /usr or / prefix legitimately appears in the config (CMake's "/usr move" code).
set(_pkg_prefix_arg "")
if(NOT CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")
  set(_pkg_prefix_arg --configured-prefix "${CMAKE_INSTALL_PREFIX}")
endif()
# The Python package (cmake/python.cmake) is part of the install.
set(_pkg_python_args "")
set(_pkg_py_check "")
if(SIGX_INSTALL_PYTHON AND NOT IS_ABSOLUTE "${SIGX_PYTHON_INSTALL_DIR}")
  find_package(Python3 COMPONENTS Interpreter)
  set(_pkg_python_args --python-dir "${SIGX_PYTHON_INSTALL_DIR}")
  set(_pkg_py_check ",python")
  if(Python3_Interpreter_FOUND)
    list(APPEND _pkg_python_args --python "${Python3_EXECUTABLE}")
  endif()
endif()
function(_sigx_install_test name checks)
  add_test(NAME ${name}
    COMMAND "${SIGX_BASH}" "${_pkg_scripts}/install_and_consume.sh"
      --cmake "${CMAKE_COMMAND}" --source "${PROJECT_SOURCE_DIR}" --build "${PROJECT_BINARY_DIR}"
      --work "${_pkg_work}/${name}" --cc "${CMAKE_C_COMPILER}" --libdir "${CMAKE_INSTALL_LIBDIR}"
      --static-libs-file "${SIGX_STATIC_LIBS_FILE}" --lib-subdir "${_pkg_lib_subdir}"
      --version "${PROJECT_VERSION}" --soversion "${SIGX_SOVERSION}"
      ${_pkg_cli_arg} ${_pkg_prefix_arg} ${_pkg_python_args} --check "${checks}" ${ARGN})
  set(_pkg_tests ${_pkg_tests} ${name} PARENT_SCOPE)
endfunction()
_sigx_install_test(packaging_install_layout layout)
_sigx_install_test(packaging_find_package find-package)
_sigx_install_test(packaging_consumer_cmake cmake)
_sigx_install_test(packaging_consumer_pkgconfig pkg-config)
_sigx_install_test(packaging_static_exe static-exe)
if(_pkg_python_args)
  _sigx_install_test(packaging_python_module python)
endif()
# Where CMake does not search lib64 (Debian), a lib64 prefix is found through sigx_DIR.
get_property(_pkg_lib64_searched GLOBAL PROPERTY FIND_LIBRARY_USE_LIB64_PATHS)
if(_pkg_lib64_searched)
  set(_pkg_find_lib64 prefix)
else()
  set(_pkg_find_lib64 sigx_DIR)
endif()
if(NOT CMAKE_INSTALL_LIBDIR STREQUAL "lib64")
  _sigx_install_test(packaging_libdir_lib64 layout,cmake,pkg-config${_pkg_py_check}
    --reconfigure-libdir lib64 --find-with ${_pkg_find_lib64})
endif()
# find_package searches lib/<arch>/cmake only for the consumer's own <arch>.
if(CMAKE_LIBRARY_ARCHITECTURE)
  _sigx_install_test(packaging_libdir_multiarch layout,cmake,pkg-config${_pkg_py_check}
    --reconfigure-libdir "lib/${CMAKE_LIBRARY_ARCHITECTURE}")
endif()

set_tests_properties(${_pkg_tests} PROPERTIES LABELS packaging TIMEOUT 120)
set_tests_properties(packaging_consumer_cmake packaging_consumer_pkgconfig packaging_find_package
  packaging_abi_baseline packaging_old_binary
  PROPERTIES TIMEOUT 300)
foreach(name packaging_libdir_lib64 packaging_libdir_multiarch)
  if(TEST ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
  endif()
endforeach()
