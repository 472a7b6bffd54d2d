# Reliability suites with needs of their own (included by c-tests/CMakeLists.txt).

# --- test_safety_handler: the async-signal-safety shim ----------------------
# asig_shim interposes malloc & co., pthread_mutex_lock/trylock and futex
# waits. It is linked into the test before libc, so every object's calls
# (libsigx.so's included) reach it first; see c-tests/shim/asig_shim.c.
if(TARGET test_safety_handler)
  add_library(sigx_asig_shim SHARED "${CMAKE_CURRENT_SOURCE_DIR}/shim/asig_shim.c")
  set_target_properties(sigx_asig_shim PROPERTIES
    C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF
    C_VISIBILITY_PRESET hidden)
  target_compile_definitions(sigx_asig_shim PRIVATE _GNU_SOURCE)
  target_compile_options(sigx_asig_shim PRIVATE -Wall -Wextra -Wpedantic -Werror)
  target_link_libraries(sigx_asig_shim PRIVATE ${CMAKE_DL_LIBS})
  target_link_libraries(test_safety_handler PRIVATE sigx_asig_shim)
  if(SIGX_SANITIZE)
    # ASan and TSan replace malloc themselves and their runtime comes first
    # in the link order, so the shim never sees a call: the self-test would
    # fail for a reason that says nothing about sigx.
    set_tests_properties(test_safety_handler PROPERTIES DISABLED TRUE)
  endif()
endif()

# --- Time limits -----------------------------------------------------------
# The floods finish in seconds on an idle machine, but their senders pace
# themselves against the user's RLIMIT_SIGPENDING budget, which other
# programs of the same user share; give them room rather than flake.
foreach(t test_stress_flood test_stress_concurrency test_stress_fork
          test_safety_handler test_safety_errno)
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES TIMEOUT 300)
  endif()
endforeach()
