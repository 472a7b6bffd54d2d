# The test_host_* tests need "other code" that replaces sigx's handler from a
# shared object of its own, so that sigx_disposition.module can be checked
# against a known path: libsigx_test_foreign.so, linked into those tests.
add_library(sigx_test_foreign SHARED "${CMAKE_CURRENT_SOURCE_DIR}/host/foreign.c")
set_target_properties(sigx_test_foreign PROPERTIES
  OUTPUT_NAME sigx_test_foreign C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
target_link_libraries(sigx_test_foreign PRIVATE sigx_c_flags)
foreach(name test_host_disposition test_host_displaced)
  if(TARGET ${name})
    target_link_libraries(${name} PRIVATE sigx_test_foreign)
    target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/host")
    target_compile_definitions(${name} PRIVATE
      SIGX_TEST_FOREIGN_NAME="$<TARGET_FILE_NAME:sigx_test_foreign>")
  endif()
endforeach()
