# The benchmark workload at small N (cmake -P): 2,000 claims from shared/bench/gen.py (seed 42),
# the rule pack converted by bench/rules_to_warrant.py and built, `warrant run` compared with
# shared/bench/reference.py line by line (decision, and the CARC of the first finding of a denial).
# bench/run does the same at 100,000 claims.
# Arguments: -DWARRANT=<binary> -DPYTHON=<python3> -DROOT=<repo root> -DSHARED_BENCH=<dir>
#            -DWORK=<scratch dir>
cmake_minimum_required(VERSION 3.25)

function(run_step name)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${ROOT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (exit ${rc}):\n${out}\n${err}")
  endif()
  set(step_out "${out}" PARENT_SCOPE)
endfunction()

# Without the shared workload the check cannot run: say so in the words ctest's
# SKIP_REGULAR_EXPRESSION turns into "skipped" (tests/CMakeLists.txt).
if(NOT EXISTS "${SHARED_BENCH}/gen.py" OR NOT EXISTS "${SHARED_BENCH}/reference.py")
  message(NOTICE "SKIPPED: the benchmark workload is not at ${SHARED_BENCH} "
                 "(../shared/bench beside the repository, or -DWARRANT_SHARED_BENCH=DIR)")
  return()
endif()
if(NOT PYTHON)
  message(NOTICE "SKIPPED: python3 is not installed")
  return()
endif()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
run_step("gen.py" ${PYTHON} ${SHARED_BENCH}/gen.py --n 2000 --seed 42 --out ${WORK}/data)
run_step("reference.py" ${PYTHON} ${SHARED_BENCH}/reference.py --rules ${WORK}/data/rules.json
         --data ${WORK}/data/encounters.ndjson --out ${WORK}/expected.ndjson)
run_step("rules_to_warrant.py" ${PYTHON} ${ROOT}/bench/rules_to_warrant.py
         ${WORK}/data/rules.json ${WORK}/pack)
run_step("warrant build" ${WARRANT} build ${WORK}/pack -o ${WORK}/bench.wpk)
run_step("warrant run" ${WARRANT} run ${WORK}/bench.wpk ${WORK}/data/encounters.ndjson
         -o ${WORK}/decisions.ndjson)
run_step("compare.py" ${PYTHON} ${ROOT}/bench/compare.py ${WORK}/decisions.ndjson
         ${WORK}/expected.ndjson)
message(STATUS "${step_out}")
