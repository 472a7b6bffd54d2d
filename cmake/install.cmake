# Installation of what the top-level CMakeLists builds through cargo:
#
#   <prefix>/<bindir>/sigx (the command, unless SIGX_BUILD_CLI is OFF)
#   <prefix>/<includedir>/sigx.h
#   <prefix>/<libdir>/libsigx.so.X.Y.Z, libsigx.so.X -> ..., libsigx.so -> ...
#   <prefix>/<libdir>/libsigx.a
#   <prefix>/<libdir>/cmake/sigx/sigx{Config,ConfigVersion,Targets}.cmake
#   <prefix>/<libdir>/pkgconfig/sigx.pc
#
# Everything installed is relocatable: the CMake files find the prefix from
# their own location (configure_package_config_file), and sigx.pc from
# ${pcfiledir}. The prefix given to `cmake --install --prefix P` is therefore
# never written into any file.
#
# Components: "Runtime" (the versioned shared library and its soname link),
# "Development" (everything else), for packagers who split the two.
#
# Included by the top-level CMakeLists.txt after the imported targets exist;
# uses SIGX_SHARED_REAL, SIGX_SHARED_SONAME, SIGX_SHARED_LINK, SIGX_STATIC,
# SIGX_SOVERSION and SIGX_STATIC_LIBS_FILE from there.
include(CMakePackageConfigHelpers)

set(SIGX_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/sigx")
set(SIGX_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
set(_sigx_gen "${PROJECT_BINARY_DIR}/sigx-install")

# File names only; the config, the .pc file and the tests share them.
get_filename_component(SIGX_SHARED_REAL_NAME "${SIGX_SHARED_REAL}" NAME)
get_filename_component(SIGX_SHARED_SONAME_NAME "${SIGX_SHARED_SONAME}" NAME)
get_filename_component(SIGX_SHARED_LINK_NAME "${SIGX_SHARED_LINK}" NAME)
get_filename_component(SIGX_STATIC_NAME "${SIGX_STATIC}" NAME)

# --- The files ----------------------------------------------------------------
# install(FILES) copies a symlink as a symlink, so the two links keep pointing
# at the versioned file next to them.
install(FILES "${SIGX_SHARED_REAL}" "${SIGX_SHARED_SONAME}"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE
  COMPONENT Runtime)
install(FILES "${SIGX_SHARED_LINK}" "${SIGX_STATIC}"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  COMPONENT Development)
if(SIGX_CLI)
  install(PROGRAMS "${SIGX_CLI}" DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT Runtime)
endif()
install(FILES "${PROJECT_SOURCE_DIR}/include/sigx.h"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT Development)

# --- CMake package: sigxConfig.cmake, sigxConfigVersion.cmake, sigxTargets.cmake
# The targets are IMPORTED (cargo builds the library, not CMake), so they
# cannot go through install(EXPORT); sigxTargets.cmake declares them by hand.
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/sigxConfig.cmake.in"
  "${_sigx_gen}/sigxConfig.cmake"
  INSTALL_DESTINATION "${SIGX_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR
  NO_SET_AND_CHECK_MACRO)
# The static library's link needs are known only after cargo has built it
# (SIGX_STATIC_LIBS_FILE), so sigxTargets.cmake and sigx.pc are configured in
# two passes: now, everything else (the placeholders stay), and at install
# time, the link needs (cmake/install-static-libs.cmake).
set(SIGX_STATIC_LINK_LIBS "@SIGX_STATIC_LINK_LIBS@")
configure_file("${PROJECT_SOURCE_DIR}/cmake/sigxTargets.cmake.in"
  "${_sigx_gen}/sigxTargets.cmake.in" @ONLY)
# Every release of a major version only adds to the previous ones (the
# packaging_abi_baseline test proves it against 0.1.0's ABI), so a request for
# X.Y accepts any installed X.Y'.z with Y'.z >= Y: find_package(sigx 0.1) and
# find_package(sigx 0.2) find 0.2.x; 0.3 and 1.0 do not. That is CMake's
# SameMajorVersion, for 0.x too (SameMinorVersion would refuse 0.1 requests).
write_basic_package_version_file("${_sigx_gen}/sigxConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)

# --- pkg-config -----------------------------------------------------------------
# prefix is computed from ${pcfiledir}: one ".." per component of the .pc
# directory ("lib/pkgconfig" -> ../.., "lib/x86_64-linux-gnu/pkgconfig" ->
# ../../..). An absolute includedir or libdir is written as it is (and then
# that part is not relocatable, as the user asked).
function(_sigx_pc_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${SIGX_INSTALL_PKGCONFIGDIR}")
  set(SIGX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(TO_CMAKE_PATH "${SIGX_INSTALL_PKGCONFIGDIR}" _sigx_pcdir)
  string(REGEX REPLACE "/+$" "" _sigx_pcdir "${_sigx_pcdir}")
  string(REGEX REPLACE "[^/]+" ".." _sigx_up "${_sigx_pcdir}")
  string(REGEX REPLACE "/+" "/" _sigx_up "${_sigx_up}")
  set(SIGX_PC_PREFIX "\${pcfiledir}/${_sigx_up}")
endif()
_sigx_pc_dir(SIGX_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
_sigx_pc_dir(SIGX_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
set(SIGX_PC_LIBS_PRIVATE "@SIGX_PC_LIBS_PRIVATE@")
configure_file("${PROJECT_SOURCE_DIR}/cmake/sigx.pc.in" "${_sigx_gen}/sigx.pc.in" @ONLY)
install(CODE "
  set(SIGX_STATIC_LIBS_FILE \"${SIGX_STATIC_LIBS_FILE}\")
  set(SIGX_INSTALL_GEN_DIR \"${_sigx_gen}\")
  include(\"${PROJECT_SOURCE_DIR}/cmake/install-static-libs.cmake\")"
  COMPONENT Development)
install(FILES "${_sigx_gen}/sigx.pc"
  DESTINATION "${SIGX_INSTALL_PKGCONFIGDIR}"
  COMPONENT Development)
install(FILES
  "${_sigx_gen}/sigxConfig.cmake"
  "${_sigx_gen}/sigxConfigVersion.cmake"
  "${_sigx_gen}/sigxTargets.cmake"
  DESTINATION "${SIGX_INSTALL_CMAKEDIR}"
  COMPONENT Development)
