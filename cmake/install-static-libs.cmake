# Install-time step of cmake/install.cmake: fills the static library's link
# needs, which cargo reported when it built libsigx.a (one line of linker
# flags in SIGX_STATIC_LIBS_FILE, see cmake/cargo-build.cmake), into
# sigxTargets.cmake and sigx.pc, configured from the templates that
# configuration left in SIGX_INSTALL_GEN_DIR.
if(NOT EXISTS "${SIGX_STATIC_LIBS_FILE}")
  message(FATAL_ERROR "${SIGX_STATIC_LIBS_FILE} is missing: build the project before installing it")
endif()
file(STRINGS "${SIGX_STATIC_LIBS_FILE}" _flags LIMIT_COUNT 1)
string(STRIP "${_flags}" SIGX_PC_LIBS_PRIVATE)                    # sigx.pc: "-lutil -lrt ..."
separate_arguments(SIGX_STATIC_LINK_LIBS UNIX_COMMAND "${SIGX_PC_LIBS_PRIVATE}")  # CMake: -lutil;-lrt;...
configure_file("${SIGX_INSTALL_GEN_DIR}/sigxTargets.cmake.in" "${SIGX_INSTALL_GEN_DIR}/sigxTargets.cmake" @ONLY)
configure_file("${SIGX_INSTALL_GEN_DIR}/sigx.pc.in" "${SIGX_INSTALL_GEN_DIR}/sigx.pc" @ONLY)
