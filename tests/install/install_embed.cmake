# The installed C++ package works for an embedder (cmake -P): `cmake --install --prefix` into a
# scratch tree, then examples/embed built two ways against it (a separate CMake project with
# CMAKE_PREFIX_PATH, and one compiler command from pkg-config), and both programs' decisions of
# examples/claims.ndjson compared with `warrant run`'s; the installed header must include no
# runtime header; the installed `warrant serve` finds `warrant-serve` in libexec.
# Arguments: -DBUILD=<build dir> -DWARRANT=<cli> -DROOT=<repo root> -DWORK=<scratch dir>
#            -DCXX=<c++ compiler> -DSANITIZE=<the build's WARRANT_SANITIZE, comma-separated>
cmake_minimum_required(VERSION 3.25)

# An instrumented archive (the ASan build) needs the sanitizers' runtimes at link time.
set(sanitize_flags)
string(REPLACE "," ";" sanitizers "${SANITIZE}")
foreach(sanitizer IN LISTS sanitizers)
  list(APPEND sanitize_flags -fsanitize=${sanitizer})
endforeach()
string(JOIN " " sanitize_link ${sanitize_flags})  # one string: "-fsanitize=a -fsanitize=b"

function(run_step name)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (exit ${rc}):\n${out}\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(prefix ${WORK}/prefix)
run_step("install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})

file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
if(NOT headers STREQUAL "warrant/warrant.h")
  message(FATAL_ERROR "installed headers: '${headers}', expected only warrant/warrant.h")
endif()
file(STRINGS ${prefix}/include/warrant/warrant.h includes REGEX "#include \"")
if(includes)
  message(FATAL_ERROR "the installed header includes project headers: ${includes}")
endif()

run_step("build the pack" ${WARRANT} build ${ROOT}/examples -o ${WORK}/examples.wpk)
run_step("warrant run" ${WARRANT} run ${WORK}/examples.wpk ${ROOT}/examples/claims.ndjson
         -o ${WORK}/cli.ndjson)
file(READ ${WORK}/cli.ndjson expected)
string(FIND "${expected}" "\"decision\"" any)
if(any EQUAL -1)
  message(FATAL_ERROR "warrant run decided nothing:\n${expected}")
endif()

# The installed `warrant serve` runs libexec/warrant/warrant-serve: a `--listen` it cannot use is
# refused by the service's own parser, which only `warrant-serve` links.
execute_process(COMMAND ${prefix}/bin/warrant serve ${WORK}/examples.wpk --listen nowhere
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "`--listen` takes HOST:PORT")
  message(FATAL_ERROR "installed `warrant serve` did not reach warrant-serve (exit ${rc}):\n${err}")
endif()
# A `warrant` copied without it says what is missing and where it looked, and exits 3.
file(COPY ${prefix}/bin/warrant DESTINATION ${WORK}/alone)
execute_process(COMMAND ${WORK}/alone/warrant serve ${WORK}/examples.wpk
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3 OR NOT err MATCHES "cannot start the service program `warrant-serve`.*alone/warrant-serve")
  message(FATAL_ERROR "`warrant serve` without warrant-serve: exit ${rc}:\n${err}")
endif()

# A separate CMake project: find_package(Warrant) from the installed tree only.
run_step("configure examples/embed" ${CMAKE_COMMAND} -S ${ROOT}/examples/embed -B ${WORK}/embed
         -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release
         "-DCMAKE_EXE_LINKER_FLAGS=${sanitize_link}")
run_step("build examples/embed" ${CMAKE_COMMAND} --build ${WORK}/embed)

# One compiler command from pkg-config.
file(GLOB_RECURSE pc_file ${prefix}/*/warrant.pc)
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir}
                        pkg-config --cflags --libs warrant
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags ERROR_VARIABLE err
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs warrant failed:\n${err}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run_step("compile with pkg-config flags" ${CXX} -O1 ${sanitize_flags} ${ROOT}/examples/embed/main.cpp ${flags}
         -o ${WORK}/embed_pc)

foreach(program ${WORK}/embed/warrant_embed ${WORK}/embed_pc)
  foreach(mode each jobs)
    set(args)
    if(mode STREQUAL "jobs")
      set(args --jobs 2)
    endif()
    execute_process(COMMAND ${program} ${WORK}/examples.wpk ${args}
                    INPUT_FILE ${ROOT}/examples/claims.ndjson
                    RESULT_VARIABLE rc OUTPUT_VARIABLE got ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT got STREQUAL expected)
      message(FATAL_ERROR "${program} (${mode}) exited ${rc}, stderr:\n${err}\n"
                          "its decisions differ from warrant run's:\n${got}")
    endif()
  endforeach()
endforeach()
message(STATUS "installed package: CMake and pkg-config builds decide as warrant run")
