# The bundled examples as an integration test (cmake -P): every `test` block passes; building the
# pack twice gives identical bytes; `run -j 1`, `-j 2` and `-j 8` give byte-identical decisions and
# one output line per claim line.
# The terminology is the bundled CMS releases named by examples/warrant.toml: no flags, as a user
# runs them.
# Arguments: -DWARRANT=<binary> -DROOT=<repo root> -DWORK=<scratch dir>
cmake_minimum_required(VERSION 3.25)

function(run_step name)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${ROOT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (exit ${rc}):\n${out}\n${err}")
  endif()
  set(step_out "${out}" PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY ${WORK})
run_step("warrant test examples" ${WARRANT} test examples)
message(STATUS "${step_out}")

run_step("first build" ${WARRANT} build examples -o ${WORK}/a.wpk)
run_step("second build" ${WARRANT} build examples -o ${WORK}/b.wpk)
# The pack embeds the bundled releases although no flag named them.
run_step("terminology list" ${WARRANT} terminology list ${WORK}/a.wpk)
foreach(version "icd10cm FY2025" "icd10cm FY2026")
  string(FIND "${step_out}" "${version}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the examples' pack does not hold ${version}:\n${step_out}")
  endif()
endforeach()

file(SHA256 ${WORK}/a.wpk hash_a)
file(SHA256 ${WORK}/b.wpk hash_b)
if(NOT hash_a STREQUAL hash_b)
  message(FATAL_ERROR "building the examples twice gave different packs")
endif()

run_step("run -j 1" ${WARRANT} run ${WORK}/a.wpk examples/claims.ndjson -o ${WORK}/j1.ndjson)
run_step("run -j 2" ${WARRANT} run ${WORK}/a.wpk examples/claims.ndjson -j 2 -o ${WORK}/j2.ndjson)
run_step("run -j 8" ${WARRANT} run ${WORK}/a.wpk examples/claims.ndjson -j 8 -o ${WORK}/j8.ndjson)
file(SHA256 ${WORK}/j1.ndjson out_1)
foreach(jobs 2 8)
  file(SHA256 ${WORK}/j${jobs}.ndjson out_n)
  if(NOT out_1 STREQUAL out_n)
    message(FATAL_ERROR "run -j 1 and run -j ${jobs} gave different output")
  endif()
endforeach()

# One decision per claim line: count the lines of every claim in the input.
file(STRINGS ${ROOT}/examples/claims.ndjson claims)
set(expected 0)
foreach(claim IN LISTS claims)
  string(JSON n ERROR_VARIABLE json_error LENGTH "${claim}" lines)
  if(NOT json_error)
    math(EXPR expected "${expected} + ${n}")
  endif()
endforeach()
file(STRINGS ${WORK}/j1.ndjson decisions)
list(LENGTH decisions got)
if(NOT got EQUAL expected)
  message(FATAL_ERROR "expected ${expected} decisions, got ${got}")
endif()
message(STATUS "examples: ${got} decisions, identical for -j 1, 2 and 8; pack ${hash_a}")

# Claim history kept in a store (examples/history): two FOBT claims of one patient six months
# apart; the second is denied for frequency, and explain names the stored line and its claim.
file(REMOVE ${WORK}/history.db ${WORK}/history.db-wal ${WORK}/history.db-shm)
run_step("run --history" ${WARRANT} run ${WORK}/a.wpk examples/history/claims.ndjson
         --history ${WORK}/history.db)
string(REGEX MATCH "\"claim\":\"CLM-HIST-01\"[^\n]*\"decision\":\"covered\"" first "${step_out}")
string(REGEX MATCH "\"claim\":\"CLM-HIST-02\"[^\n]*\"decision\":\"denied\"[^\n]*\"reason\":\"frequency\""
       second "${step_out}")
if(NOT first OR NOT second)
  message(FATAL_ERROR "run --history: expected CLM-HIST-01 covered, CLM-HIST-02 denied for "
                      "frequency:\n${step_out}")
endif()
run_step("explain --history" ${WARRANT} explain ${WORK}/a.wpk examples/history/claims.ndjson
         --claim CLM-HIST-02 --history ${WORK}/history.db)
string(FIND "${step_out}" "claim \"CLM-HIST-01\" line 1" named)
if(named EQUAL -1)
  message(FATAL_ERROR "explain --history does not name the stored line's claim:\n${step_out}")
endif()
message(STATUS "examples/history: the second FOBT denied; explain names CLM-HIST-01 line 1")
