// warrant_lsp_bench: what one keystroke costs the language server, in-process.
//
//   warrant_lsp_bench FILE.warrant [--runs N]
//
// Times (CPU time), as medians of N runs: parsing the file (grammar and AST), loading it (parse
// plus the directory walk) and checking it, building the symbol index, and the whole analysis the
// server redoes after an edit (compiler/lsp/workspace.h), for the file opened from its directory.
// bench/lsp_keystrokes.py measures the same through the protocol. Not part of the test suite.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "compiler/ast/parse_file.h"
#include "compiler/check/check.h"
#include "compiler/frontend/sources.h"
#include "compiler/lsp/document.h"
#include "compiler/lsp/index.h"
#include "compiler/lsp/workspace.h"

namespace {

// CPU time of this process: the machines the benchmark runs on are shared, and wall time there
// measures the neighbours as much as the code.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;

  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return time_point(duration(ts.tv_sec * 1000000000LL + ts.tv_nsec));
  }
};

template <typename F>
double MedianMs(int runs, F&& f) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    f();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::cerr << "usage: warrant_lsp_bench FILE.warrant [--runs N]\n";
    return 2;
  }
  fs::path file = fs::weakly_canonical(argv[1]);
  int runs = argc >= 4 && std::string(argv[2]) == "--runs" ? std::stoi(argv[3]) : 21;
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));

  double parse = MedianMs(runs, [&] {
    warrant::SourceManager sources;
    warrant::FileId id = sources.Add("f", text);
    warrant::ast::Ast ast;
    warrant::diag::DiagSink sink;
    warrant::ast::ParseFile(id, sources.Get(id), ast, sink);
  });
  double load = 0, check = 0, index = 0;
  {
    std::vector<double> loads, checks, indexes;
    for (int i = 0; i < runs; ++i) {
      warrant::frontend::Sources sources;
      warrant::diag::DiagSink sink;
      auto t0 = Clock::now();
      warrant::frontend::Load({file.string()}, sources, sink);
      auto t1 = Clock::now();
      warrant::check::CheckedProgram checked = warrant::check::Check(sources, sink);
      auto t2 = Clock::now();
      warrant::lsp::Index built = warrant::lsp::Index::Build(sources, checked);
      auto t3 = Clock::now();
      loads.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      checks.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
      indexes.push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
    }
    for (auto* v : {&loads, &checks, &indexes})
      std::sort(v->begin(), v->end());
    load = loads[loads.size() / 2];
    check = checks[checks.size() / 2];
    index = indexes[indexes.size() / 2];
  }
  warrant::lsp::Workspace workspace(nullptr);
  workspace.SetFolders({file.parent_path()});
  std::string uri = warrant::lsp::UriOfPath(file);
  workspace.Open(uri, 1, text);
  double analysis = MedianMs(runs, [&] {
    workspace.Touch(uri);
    workspace.Analyzed(*workspace.PackOf(uri));
  });
  std::cout << "file: " << file.filename().string() << ", " << lines << " lines, " << text.size()
            << " bytes; CPU time, medians of " << runs << " runs (ms)\n"
            << "  parse (grammar + AST)        " << parse << "\n"
            << "  load (walk, read, parse)     " << load << "\n"
            << "  check                        " << check << "\n"
            << "  symbol index                 " << index << "\n"
            << "  analysis after an edit       " << analysis << "\n";
  return 0;
}
