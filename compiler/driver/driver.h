// The `warrant` command line as a library function: argv in, exit code out.
//
// `main` is a thin shell over Run(); tests call Run() in-process with string streams, so the CLI
// path is what the golden tests exercise. Exit codes: 0 success, 1 errors in the input (or
// failed tests), 2 usage errors, 3 I/O errors (driver/file_io.h kExitIo; README.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace warrant::driver {

// `args` excludes the program name: {"check", "examples"}.
int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err);

}  // namespace warrant::driver
