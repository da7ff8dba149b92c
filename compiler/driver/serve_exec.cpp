// `warrant serve` in the `warrant` program: hands the command line to `warrant-serve`, the same
// driver with the HTTP service linked in (serve_command.cpp), by exec, so the process, its id and
// its standard streams stay the caller's. `warrant` itself does not link cpp-httplib, OpenSSL's
// TLS or the compression libraries behind it: every other command starts without loading them.
//
// The program is looked for beside `warrant` (the build tree) and then in the install layout's
// libexec directory (WARRANT_SERVE_DIR, relative to the binary directory).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"

#ifndef WARRANT_SERVE_DIR
#define WARRANT_SERVE_DIR "../libexec/warrant"
#endif

namespace warrant::driver {

namespace {

constexpr const char* kServeProgram = "warrant-serve";

std::vector<std::filesystem::path> ServeCandidates() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return {};
  const std::filesystem::path dir = self.parent_path();
  return {dir / kServeProgram, (dir / WARRANT_SERVE_DIR / kServeProgram).lexically_normal()};
}

}  // namespace

int RunServe(const Options& options, std::istream& /*in*/, std::ostream& out, std::ostream& err) {
  const std::vector<std::filesystem::path> candidates = ServeCandidates();
  std::string looked;
  int reason = ENOENT;
  for (const std::filesystem::path& program : candidates) {
    const std::string path = program.string();
    looked += (looked.empty() ? "" : ", ") + path;
    if (::access(path.c_str(), X_OK) != 0) {
      if (errno != ENOENT)
        reason = errno;
      continue;
    }
    std::vector<std::string> args = options.command_line;
    args.insert(args.begin(), path);
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    out.flush();
    err.flush();
    ::execv(path.c_str(), argv.data());
    reason = errno;  // only reached when the exec failed
  }
  err << "warrant serve: cannot start the service program `" << kServeProgram
      << "`: " << std::strerror(reason) << " (looked for "
      << (looked.empty() ? std::string("it beside this program") : looked) << ")\n"
      << "help: `warrant serve` runs `" << kServeProgram
      << "`, installed with `warrant` (the build tree's compiler/ directory, or "
      << WARRANT_SERVE_DIR << " beside the install's bin/)\n";
  return kExitIo;
}

}  // namespace warrant::driver
