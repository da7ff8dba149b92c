# Runs a command and checks its exit code and output: the CLI smoke tests that spawn the real
# `warrant` binary (registered in tests/CMakeLists.txt). Unlike PASS_REGULAR_EXPRESSION alone,
# this checks the exit code and each stream separately.
#   cmake -DEXPECT_EXIT=N [-DEXPECT_STDOUT=REGEX] [-DEXPECT_STDERR=REGEX] -P smoke.cmake -- CMD ARGS...
# The regexes are CMake regexes, matched against the stream with trailing whitespace removed.
set(command "")
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "smoke.cmake: no command after --")
endif()

# stdin is /dev/null so a command that unexpectedly reads input fails fast instead of hanging.
execute_process(COMMAND ${command} INPUT_FILE /dev/null
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE exit_code)
string(STRIP "${out}" out)
string(STRIP "${err}" err)
string(JOIN " " shown ${command})

set(problems "")
if(NOT "${exit_code}" STREQUAL "${EXPECT_EXIT}")
  string(APPEND problems "exit code: expected ${EXPECT_EXIT}, actual ${exit_code}\n")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  string(APPEND problems "stdout does not match the regex: ${EXPECT_STDOUT}\n")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  string(APPEND problems "stderr does not match the regex: ${EXPECT_STDERR}\n")
endif()
if(problems)
  message(FATAL_ERROR "${shown}\n${problems}--- stdout ---\n${out}\n--- stderr ---\n${err}")
endif()
message(STATUS "ok: ${shown}")
