// Source-side limits too large for a golden case file: the 16-bit operand tables (E0504) and the
// CSV files `load` reads (E0317: size, rows, not a regular file). Each input is built on the fly
// in a temporary directory. docs/limits.md lists every limit.
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include "compiler/compile.h"
#include "compiler/frontend/csv.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("warrant_limits_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }

  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The messages of all error diagnostics of compiling `file`.
std::string Errors(const fs::path& file) {
  auto c = Compile({file.string()});
  std::string all;
  for (const diag::Diagnostic& d : c->sink.diagnostics()) {
    if (d.severity == diag::Severity::Error)
      all += d.message + "\n";
  }
  return all;
}

TEST_CASE("limits: more than 60,000 facts is E0504", "[limits]") {
  TempDir dir;
  {
    std::ofstream out(dir.path() / "many.warrant");
    out << "policy \"P\" version 1 \"t\" effective 2024-01-01\n";
    for (int k = 0; k <= 60'000; ++k)
      out << fmt::format("fact f{}: bool \"d\"\n", k);
  }
  auto c = Compile({(dir.path() / "many.warrant").string()});
  REQUIRE(c->sink.has_errors());
  const diag::Diagnostic& d = c->sink.diagnostics().back();
  CHECK(d.code == diag::DiagCode::TooManyEntries);
  CHECK(d.message == "the pack needs 60001 facts, more than the limit of 60000");
  CHECK(d.help == "split the criteria into several packs");
  CHECK_FALSE(d.located);
}

TEST_CASE("limits: a loaded CSV over its size or row limit, or not a file, is E0317", "[limits]") {
  TempDir dir;
  const fs::path source = dir.path() / "p.warrant";
  std::ofstream(source) << "policy \"P\" version 1 \"t\" effective 2024-01-01\n"
                           "codeset c: hcpcs = load \"codes.csv\" column \"code\"\n";
  const fs::path csv = dir.path() / "codes.csv";

  SECTION("rows") {
    {
      std::ofstream out(csv);
      out << "code\n";
      for (size_t k = 0; k <= frontend::kMaxCsvRows; ++k)
        out << "82270\n";
    }
    CHECK(Errors(source) ==
          "cannot load `codes.csv`: it has more than the limit of 1000000 rows\n");
  }
  SECTION("bytes") {
    std::ofstream(csv) << "code\n82270\n";
    fs::resize_file(csv, frontend::kMaxCsvBytes + 1);  // sparse: nothing is written
    CHECK(Errors(source) ==
          "cannot load `codes.csv`: the file is larger than the limit of 64 MiB\n");
  }
  SECTION("a FIFO, which would block") {
    REQUIRE(::mkfifo(csv.c_str(), 0600) == 0);
    CHECK(Errors(source) == "cannot load `codes.csv`: it is not a regular file\n");
  }
}

}  // namespace
}  // namespace warrant
