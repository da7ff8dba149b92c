// Option parsing shared by every command, and the helpers commands share: diagnostics output and
// loading an engine from a pack or from sources.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "compiler/base/integer.h"
#include "compiler/compile.h"
#include "compiler/diag/render.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/frontend/terminology_files.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/pack.h"

namespace warrant::driver {
namespace {

bool Allowed(const std::string& allowed, std::string_view name) {
  size_t pos = 0;
  while (pos <= allowed.size()) {
    size_t comma = allowed.find(',', pos);
    if (comma == std::string::npos)
      comma = allowed.size();
    if (allowed.compare(pos, comma - pos, name) == 0)
      return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

bool ParseOptions(const std::vector<std::string>& args, const std::string& allowed,
                  Options& options, std::string& problem) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value_of = [&](std::string_view name, std::string& value) {
      // `-o FILE`, `-oFILE`, `--output=FILE`, `--output FILE`
      if (i + 1 >= args.size()) {
        problem = fmt::format("`{}` needs a value", name);
        return false;
      }
      value = args[++i];
      return true;
    };
    std::string value;
    if (a.rfind("--dump=", 0) == 0 && Allowed(allowed, "dump")) {
      options.dump = a.substr(7);
      if (options.dump != "ast" && options.dump != "checked" && options.dump != "bytecode") {
        problem = fmt::format("unknown dump `{}` (use ast, checked or bytecode)", options.dump);
        return false;
      }
    } else if (a.rfind("--diagnostics=", 0) == 0 && Allowed(allowed, "diagnostics")) {
      std::string format = a.substr(14);
      if (format != "json" && format != "text") {
        problem = fmt::format("unknown diagnostics format `{}` (use text or json)", format);
        return false;
      }
      options.json_diagnostics = format == "json";
    } else if ((a == "-o" || a == "--output") && Allowed(allowed, "o")) {
      if (!value_of(a, options.output))
        return false;
    } else if (a.rfind("--output=", 0) == 0 && Allowed(allowed, "o")) {
      options.output = a.substr(9);
    } else if ((a == "-j" || a == "--jobs" || (a.rfind("-j", 0) == 0 && a.size() > 2)) &&
               Allowed(allowed, "j")) {
      if (a.size() > 2 && a[1] == 'j') {
        value = a.substr(2);
      } else if (!value_of(a, value)) {
        return false;
      }
      const std::optional<int64_t> jobs = ParseInteger(value, 1, 256);
      if (!jobs) {
        problem = fmt::format("`-j` takes a number of threads from 1 to 256, not `{}`", value);
        return false;
      }
      options.jobs = static_cast<int>(*jobs);
    } else if (a == "--terminology" && Allowed(allowed, "terminology")) {
      if (!value_of(a, value))
        return false;
      options.terminology.push_back(value);
    } else if (a.rfind("--terminology=", 0) == 0 && Allowed(allowed, "terminology")) {
      options.terminology.push_back(a.substr(14));
    } else if (a == "--as-of" && Allowed(allowed, "as-of")) {
      if (!value_of(a, options.as_of))
        return false;
    } else if (a.rfind("--as-of=", 0) == 0 && Allowed(allowed, "as-of")) {
      options.as_of = a.substr(8);
    } else if (a.rfind("--filter=", 0) == 0 && Allowed(allowed, "filter")) {
      options.filter = a.substr(9);
    } else if (a == "--claim" && Allowed(allowed, "claim")) {
      if (!value_of(a, options.claim_id))
        return false;
    } else if (a.rfind("--claim=", 0) == 0 && Allowed(allowed, "claim")) {
      options.claim_id = a.substr(8);
    } else if (a == "--line" && Allowed(allowed, "line")) {
      if (!value_of(a, options.explain_line))
        return false;
    } else if (a.rfind("--line=", 0) == 0 && Allowed(allowed, "line")) {
      options.explain_line = a.substr(7);
    } else if (a == "--json" && Allowed(allowed, "json")) {
      options.json_output = true;
    } else if (a == "--html" && Allowed(allowed, "html")) {
      if (!value_of(a, options.html))
        return false;
    } else if (a.rfind("--html=", 0) == 0 && Allowed(allowed, "html")) {
      options.html = a.substr(7);
    } else if (a == "--tests" && Allowed(allowed, "tests")) {
      options.explain_tests = true;
    } else if (a == "--explain" && Allowed(allowed, "explain")) {
      options.explain = true;
    } else if (a == "--deny-warnings" && Allowed(allowed, "deny-warnings")) {
      options.deny_warnings = true;
    } else if ((a == "--junit" || a.rfind("--junit=", 0) == 0) && Allowed(allowed, "junit")) {
      if (a == "--junit") {
        if (!value_of(a, options.junit))
          return false;
      } else {
        options.junit = a.substr(8);
      }
    } else if ((a == "--coverage" || a.rfind("--coverage=", 0) == 0) &&
               Allowed(allowed, "coverage")) {
      options.coverage = a == "--coverage" ? "text" : a.substr(11);
      if (options.coverage != "text" && options.coverage != "json") {
        problem = fmt::format("unknown coverage format `{}` (use text or json)", options.coverage);
        return false;
      }
    } else if ((a == "--min-coverage" || a.rfind("--min-coverage=", 0) == 0) &&
               Allowed(allowed, "coverage")) {
      if (a == "--min-coverage") {
        if (!value_of(a, value))
          return false;
      } else {
        value = a.substr(15);
      }
      // A percentage with at most one decimal, kept in tenths so the comparison is exact.
      int tenths = -1;
      size_t dot = value.find('.');
      std::string whole = value.substr(0, dot);
      std::string frac = dot == std::string::npos ? "0" : value.substr(dot + 1);
      auto digits = [](const std::string& t) {
        return !t.empty() && t.size() <= 3 &&
               t.find_first_not_of("0123456789") == std::string::npos;
      };
      if (digits(whole) && digits(frac) && frac.size() == 1) {
        tenths = std::stoi(whole) * 10 + (frac[0] - '0');
      }
      if (tenths < 0 || tenths > 1000) {
        problem = fmt::format(
            "`--min-coverage` takes a percentage from 0 to 100 (e.g. 95 or "
            "97.5), not `{}`",
            value);
        return false;
      }
      options.min_coverage = tenths;
    } else if (a == "--check" && Allowed(allowed, "check")) {
      options.check = true;
    } else if (a == "--no-progress" && Allowed(allowed, "j")) {
      options.progress = false;
    } else if (a.size() > 1 && a[0] == '-') {
      problem = fmt::format("unknown option `{}`", a);
      return false;
    } else {
      options.inputs.push_back(a);
    }
  }
  return true;
}

CompileOptions MakeCompileOptions(const Options& options, bool generate) {
  CompileOptions compile;
  compile.generate = generate;
  compile.terminology = options.terminology;
  if (compile.terminology.empty())
    compile.terminology = frontend::DefaultTerminologyPaths();
  return compile;
}

void ReportDiagnostics(const Compilation& c, const Options& options, std::ostream& out,
                       std::ostream& err) {
  std::vector<diag::Diagnostic> diags = c.sink.Sorted();
  if (options.json_diagnostics) {
    diag::RenderJson(c.sources.files, diags, out);
    return;
  }
  diag::RenderText(c.sources.files, diags, err);
  size_t errors = c.sink.error_count();
  size_t warnings = diags.size() - errors;
  if (errors) {
    err << fmt::format(
        "{} error{}{}\n", errors, errors == 1 ? "" : "s",
        warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
  }
}

std::unique_ptr<Engine> LoadEngine(const std::string& path, const Options& options,
                                   std::ostream& out, std::ostream& err, int& status) {
  status = 1;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && path.size() > 4 &&
      path.compare(path.size() - 4, 4, ".wpk") == 0) {
    std::string bytes, why;
    if (!ReadWholeFile(path, bytes, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, path, why);
      status = kExitIo;
      return nullptr;
    }
    std::string problem;
    auto engine = Engine::FromPack(
        std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), &problem);
    if (!engine)
      PrintPlain(err, diag::DiagCode::UnusablePack, path, problem);
    return engine;
  }
  auto c = Compile({path}, MakeCompileOptions(options, true));
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return nullptr;
  std::string problem;
  auto engine = Engine::FromProgram(std::move(c->program), &problem);
  if (!engine)
    err << problem << '\n';
  return engine;
}

}  // namespace warrant::driver
