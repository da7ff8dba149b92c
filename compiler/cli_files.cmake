# Writes the files generated from the CLI's option tables (cmake -P): the man page and the bash and
# zsh completion scripts, by running the built `warrant`.
# Arguments: -DWARRANT=<binary> -DDIR=<output directory>
cmake_minimum_required(VERSION 3.25)

function(generate file)
  execute_process(COMMAND ${WARRANT} ${ARGN} OUTPUT_FILE ${DIR}/${file}.tmp RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "warrant ${ARGN} failed (exit ${rc})")
  endif()
  file(RENAME ${DIR}/${file}.tmp ${DIR}/${file})
endfunction()

generate(warrant.1 man)
generate(warrant.bash completions bash)
generate(_warrant completions zsh)
