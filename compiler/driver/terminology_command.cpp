// `warrant terminology import|list` and `warrant codeset show`: the code-system versions a pack
// is built with, and what a codeset means on a given date of service.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>

#include <fmt/format.h>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/frontend/terminology_files.h"
#include "runtime/core/code.h"
#include "runtime/core/sha256.h"
#include "runtime/engine/engine.h"
#include "runtime/terminology/terminology_serialize.h"

namespace warrant::driver {
namespace {

std::string DayText(Day d) {
  if (d <= kMinDay)
    return "-";
  if (d >= kMaxDay)
    return "open";
  DateText t = FormatDate(d);
  return std::string(t.view());
}

void ListVersions(const Terminology& terminology, std::ostream& out) {
  out << fmt::format("{:<20} {:>10}  {:>10}  {:>7}  {:>8}  {}\n", "version", "from", "until",
                     "codes", "billable", "source sha256");
  for (const CodeSystemVersion& v : terminology.versions()) {
    size_t billable = static_cast<size_t>(std::count(v.billable.begin(), v.billable.end(), 1));
    out << fmt::format("{:<20} {:>10}  {:>10}  {:>7}  {:>8}  {}\n", v.name, DayText(v.from),
                       DayText(v.until), v.codes.size(),
                       v.billable.empty() ? std::string("-") : std::to_string(billable),
                       HexDigest(v.source_sha256).substr(0, 16));
  }
}

int Import(const Options& options, std::ostream& out, std::ostream& err) {
  if (options.output.empty()) {
    err << "warrant terminology import: name the file to write with `-o codes.wterm`\n";
    return 2;
  }
  Terminology terminology;
  std::string error;
  std::vector<std::string> inputs(options.inputs.begin() + 1, options.inputs.end());
  for (const std::string& input : inputs) {
    if (SameFile(options.output, input)) {
      err << fmt::format(
          "warrant terminology import: `-o {}` names the input `{}`; write the "
          "terminology to another file\n",
          options.output, input);
      return 2;
    }
  }
  if (!frontend::LoadTerminology(inputs, terminology, error)) {
    PrintPlain(err, diag::DiagCode::TerminologyLoad, error);
    return 1;
  }
  std::vector<uint8_t> bytes = SerializeTerminology(terminology);
  std::string why;
  if (!WriteWholeFile(options.output,
                      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                      why)) {
    PrintPlain(err, diag::DiagCode::CannotWrite, options.output, why);
    return kExitIo;
  }
  ListVersions(terminology, out);
  out << fmt::format("wrote {}: {} bytes\n", options.output, bytes.size());
  return 0;
}

int List(const Options& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.inputs[1];
  if (IsPackFile(path)) {
    int status = 1;
    auto engine = LoadEngine(path, options, out, err, status);
    if (!engine)
      return status;
    if (!engine->terminology()) {
      out << "the pack was built without terminology\n";
      return 0;
    }
    ListVersions(*engine->terminology(), out);
    return 0;
  }
  Terminology terminology;
  std::string error;
  std::vector<std::string> inputs(options.inputs.begin() + 1, options.inputs.end());
  if (!frontend::LoadTerminology(inputs, terminology, error)) {
    PrintPlain(err, diag::DiagCode::TerminologyLoad, error);
    return 1;
  }
  ListVersions(terminology, out);
  return 0;
}

}  // namespace

int RunTerminology(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  const std::string& verb = options.inputs[0];
  if (verb == "import" && options.inputs.size() >= 2)
    return Import(options, out, err);
  if (verb == "list" && options.inputs.size() >= 2)
    return List(options, out, err);
  err << "usage: warrant terminology import <files|dirs>... -o codes.wterm\n"
         "       warrant terminology list <codes.wterm|pack.wpk|files|dirs>...\n";
  return 2;
}

int RunCodeset(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  if (options.inputs.size() != 3 || options.inputs[0] != "show") {
    err << "usage: warrant codeset show NAME <dir|files> [--as-of YYYY-MM-DD] [--terminology "
           "PATH]\n";
    return 2;
  }
  const std::string& name = options.inputs[1];
  auto c = Compile({options.inputs[2]}, MakeCompileOptions(options, true));
  ReportDiagnostics(*c, options, out, err);
  if (!c->ok)
    return 1;
  const Program& program = c->program;
  std::vector<uint32_t> matches;
  for (uint32_t i = 0; i < program.codeset_names.size(); ++i) {
    if (program.codeset_names[i] == name)
      matches.push_back(i);
  }
  if (matches.empty()) {
    err << fmt::format("error: the pack has no codeset `{}`\n", name);
    std::string names;
    for (const std::string& n : program.codeset_names)
      names += (names.empty() ? "" : ", ") + n;
    err << "   = help: its codesets are " << names << '\n';
    return 1;
  }
  Day as_of = 0;
  bool dated = !options.as_of.empty();
  if (dated) {
    auto d = ParseDate(options.as_of);
    if (!d) {
      err << fmt::format("warrant codeset: `{}` is not a date (YYYY-MM-DD)\n", options.as_of);
      return 2;
    }
    as_of = *d;
  }
  for (uint32_t index : matches) {
    const Codeset& set = program.codesets[index];
    out << fmt::format("codeset {}: {} interval{}\n", name, set.size(), set.size() == 1 ? "" : "s");
    for (const CodeInterval& iv : set.intervals()) {
      auto lo = Unpack(iv.lo);
      auto hi = Unpack(iv.hi);
      bool known_version =
          dated && c->terminology.VersionAt(SystemOf(iv.lo).value_or(CodeSystem::Icd10cm), as_of);
      if (!known_version) {
        if (iv.lo == iv.hi) {
          out << "  " << (lo ? std::string(lo->view()) : fmt::format("#{:x}", iv.lo)) << '\n';
        } else {
          out << "  " << (lo ? std::string(lo->view()) : fmt::format("#{:x}", iv.lo)) << " .. "
              << (hi ? std::string(hi->view()) : fmt::format("#{:x}", iv.hi)) << '\n';
        }
        continue;
      }
      for (uint64_t code : c->terminology.ExpandRange(iv, as_of)) {
        auto text = Unpack(code);
        std::optional<bool> billable = c->terminology.Billable(code, as_of);
        out << fmt::format("  {:<9} {}{}\n", text ? std::string(text->view()) : "?",
                           billable && !*billable ? "(header) " : "",
                           c->terminology.Description(code, as_of));
      }
    }
  }
  return 0;
}

}  // namespace warrant::driver
