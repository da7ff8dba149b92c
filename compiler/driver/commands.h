// The subcommands of the `warrant` CLI and the options they share.
//
// Each command is a function from parsed options and streams to an exit code; driver.cpp holds
// the table that names them. Commands print nothing but through the given streams.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace warrant::driver {

struct Options {
  std::vector<std::string> inputs;  // positional arguments
  std::string dump;                 // --dump=ast|checked
  bool json_diagnostics = false;    // --diagnostics=json
};

// Parses `--name=value` options and positional inputs; false with `problem` set on a usage error.
bool ParseOptions(const std::vector<std::string>& args, Options& options, std::string& problem);

int RunCheck(const Options& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace warrant::driver
