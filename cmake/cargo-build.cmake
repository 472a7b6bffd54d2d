# Build step of the sigx_cargo target (cmake -P, run on every build from the
# source directory; the variables come from CMakeLists.txt):
#
#  1. cargo builds the library crate PACKAGE with profile PROFILE into
#     TARGET_DIR, asking rustc for the static library's native link needs
#     (cargo replays that note when the crate is up to date).
#  2. The static library is copied to STATIC, and the shared library is
#     linked from it by LINK_SHARED (abi/link-shared.sh: cargo's own cdylib
#     cannot carry the symbol versions of VERSION_SCRIPT) into SHARED_REAL,
#     with the SHARED_SONAME and SHARED_LINK links; each only when its
#     inputs changed, so that an up-to-date build touches nothing.
#  3. STATIC_LIBS_FILE gets those link needs as one line of linker flags,
#     without -lgcc_s: the C compiler driver links libgcc itself (libgcc_s
#     or, with -static, libgcc_eh), and naming the shared one breaks -static.
foreach(var CARGO PACKAGE PROFILE TARGET_DIR CARGO_OUT CARGO_SHARED CARGO_STATIC
            SHARED_REAL SHARED_SONAME SHARED_LINK STATIC STATIC_LIBS_FILE
            CC LINK_SHARED VERSION_SCRIPT SONAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "cargo-build.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(
  COMMAND "${CARGO}" rustc -p "${PACKAGE}" --lib --profile "${PROFILE}"
          --target-dir "${TARGET_DIR}" -- --print native-static-libs
  RESULT_VARIABLE rc
  ERROR_VARIABLE log)
# Show cargo's output, less the note meant for us.
string(REGEX REPLACE "note: link against the following native artifacts[^\n]*\n\n?" "" shown "${log}")
string(REGEX REPLACE "note: native-static-libs:[^\n]*\n\n?" "" shown "${shown}")
string(STRIP "${shown}" shown)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${shown}\ncargo failed (${rc})")
endif()
if(shown)
  message("${shown}")
endif()

function(copy_if_changed from to)
  if(NOT EXISTS "${from}")
    message(FATAL_ERROR "cargo built no ${from}")
  endif()
  get_filename_component(dir "${to}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${from}" "${to}"
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot copy ${from} to ${to}")
  endif()
endfunction()

function(link_if_missing target link)
  get_filename_component(name "${target}" NAME)
  if(IS_SYMLINK "${link}")
    file(READ_SYMLINK "${link}" current)
    if(current STREQUAL name)
      return()
    endif()
  endif()
  file(REMOVE "${link}")
  file(CREATE_LINK "${name}" "${link}" SYMBOLIC)
endfunction()

# The static library without debug sections (the parts of Rust's standard
# library it bundles carry theirs: 7.6 MB -> 3 MB), made aside and copied
# only when it differs.
if(STRIP AND NOT PROFILE STREQUAL "dev")
  copy_if_changed("${CARGO_OUT}/${CARGO_STATIC}" "${TARGET_DIR}/libsigx.a.unstripped")
  execute_process(COMMAND "${STRIP}" --strip-debug -o "${TARGET_DIR}/libsigx.a.stripped" "${TARGET_DIR}/libsigx.a.unstripped"
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${STRIP} --strip-debug ${STATIC} failed (${rc})")
  endif()
  copy_if_changed("${TARGET_DIR}/libsigx.a.stripped" "${STATIC}")
else()
  copy_if_changed("${CARGO_OUT}/${CARGO_STATIC}" "${STATIC}")
endif()

# "note: native-static-libs: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
set(all_words "")
if(log MATCHES "note: native-static-libs:([^\n]*)")
  string(STRIP "${CMAKE_MATCH_1}" flags)
  separate_arguments(words UNIX_COMMAND "${flags}")
  set(all_words ${words})
  list(REMOVE_ITEM words -lgcc_s)
  list(JOIN words " " flags)
  set(old "")
  if(EXISTS "${STATIC_LIBS_FILE}")
    file(READ "${STATIC_LIBS_FILE}" old)
  endif()
  if(NOT old STREQUAL "${flags}\n")
    file(WRITE "${STATIC_LIBS_FILE}" "${flags}\n")
  endif()
elseif(NOT EXISTS "${STATIC_LIBS_FILE}")
  message(FATAL_ERROR "cargo did not report the static library's native-static-libs")
endif()

# The shared library, from the static one, when either changed.
if(NOT EXISTS "${SHARED_REAL}" OR "${STATIC}" IS_NEWER_THAN "${SHARED_REAL}"
   OR "${VERSION_SCRIPT}" IS_NEWER_THAN "${SHARED_REAL}"
   OR "${LINK_SHARED}" IS_NEWER_THAN "${SHARED_REAL}")
  if(NOT all_words)
    file(READ "${STATIC_LIBS_FILE}" flags)
    string(STRIP "${flags}" flags)
    separate_arguments(all_words UNIX_COMMAND "${flags} -lgcc_s")
  endif()
  if(PROFILE STREQUAL "dev")
    set(keep --keep-debug)
  else()
    set(keep "")
  endif()
  execute_process(
    COMMAND bash "${LINK_SHARED}" "${CC}" "${STATIC}" "${VERSION_SCRIPT}" "${SONAME}"
            "${SHARED_REAL}" ${keep} ${all_words}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "linking ${SHARED_REAL} failed (${rc})")
  endif()
endif()
link_if_missing("${SHARED_REAL}" "${SHARED_SONAME}")
link_if_missing("${SHARED_SONAME}" "${SHARED_LINK}")
