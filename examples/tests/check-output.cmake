# Runs one example and checks how it ended and what it printed.
#
#   cmake -DPROGRAM=<exe> -DEXPECTED=<file> [-DEXIT=0] -P check-output.cmake
#
# EXPECTED holds one regular expression (CMake syntax) per line; blank lines
# and lines starting with "# " are skipped. Each expression must match the
# program's standard output somewhere after the match of the one before, so
# the file also fixes the order. A line starting with "~" must match
# somewhere, in any order; one starting with "!" must match nowhere. "\n" in
# an expression stands for a line break. (Expressions cannot contain ";":
# CMake would split the line there.)
# EXIT is the expected exit status (default 0).
if(NOT DEFINED EXIT)
  set(EXIT 0)
endif()

execute_process(COMMAND "${PROGRAM}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 100)
message("---- ${PROGRAM}: stdout ----\n${out}---- stderr ----\n${err}---- exit: ${status} ----")

set(failures "")
if(NOT "${status}" STREQUAL "${EXIT}")
  string(APPEND failures "exit status is '${status}', expected '${EXIT}'\n")
endif()

file(STRINGS "${EXPECTED}" lines ENCODING UTF-8)
set(rest "${out}")
foreach(line IN LISTS lines)
  if(line STREQUAL "" OR line MATCHES "^# ")
    continue()
  endif()
  string(REPLACE "\\n" "\n" line "${line}")
  if(line MATCHES "^~(.*)$")
    set(any "${CMAKE_MATCH_1}")
    if(NOT out MATCHES "${any}")
      string(APPEND failures "no match for: ${any}\n")
    endif()
    continue()
  endif()
  if(line MATCHES "^!(.*)$")
    set(bad "${CMAKE_MATCH_1}")
    if(out MATCHES "${bad}")
      string(APPEND failures "output must not match: ${bad}\n")
    endif()
    continue()
  endif()
  string(REGEX MATCH "${line}" found "${rest}")
  if(found STREQUAL "")
    string(APPEND failures "no match (in order) for: ${line}\n")
    continue()
  endif()
  # Carry on after this match.
  string(FIND "${rest}" "${found}" at)
  string(LENGTH "${found}" len)
  math(EXPR at "${at} + ${len}")
  string(SUBSTRING "${rest}" ${at} -1 rest)
endforeach()

if(failures)
  message(FATAL_ERROR "${failures}")
endif()
message("all expectations met")
