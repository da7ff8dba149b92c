# Writes OUT, a C++ file holding every stdlib/criteria/*.warrant as a string, sorted by name
# (run at build time: cmake -DDIR=... -DOUT=... -P std_sources.cmake).
file(GLOB files RELATIVE ${DIR} ${DIR}/*.warrant)
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  file(READ ${DIR}/${name} text)
  string(FIND "${text}" ")WARRANT_STD\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter )WARRANT_STD\"")
  endif()
  string(APPEND body "    {\"std/${name}\", R\"WARRANT_STD(${text})WARRANT_STD\"},\n")
endforeach()
set(content "// Generated from stdlib/criteria/*.warrant by stdlib/std_sources.cmake: do not edit.
#include \"stdlib/std_sources.h\"


namespace warrant::stdlib {
namespace {

const StdSource kSources[] = {
${body}};

}  // namespace

std::span<const StdSource> StdSources() { return kSources; }

std::optional<std::string_view> FindStdSource(std::string_view path) {
  for (const StdSource& s : kSources) {
    if (s.path == path) return s.text;
  }
  return std::nullopt;
}

}  // namespace warrant::stdlib
")
# Rewrite only on change, so the library is not rebuilt for nothing.
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE ${OUT} "${content}")
