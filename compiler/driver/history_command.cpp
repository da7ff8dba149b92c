// `warrant history import|show|export`: the claim-history store `run --history` reads and
// records (runtime/history/, docs/history.md). Import reads history records, or X12 837 and FHIR
// inputs converted as `run` converts them; it is one transaction: a bad record leaves the store as
// it was, and the message names the file and line.
#include <filesystem>
#include <istream>
#include <ostream>

#include <fmt/format.h>

#include "compiler/driver/claims_input.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "runtime/core/text.h"
#include "runtime/formats/claim_input.h"
#include "runtime/history/history_records.h"
#include "runtime/history/sqlite_history.h"

namespace warrant::driver {
namespace {

std::unique_ptr<SqliteHistory> OpenStore(const Options& options, std::string_view verb,
                                         SqliteHistory::Mode mode, std::ostream& err, int& status) {
  if (options.history.empty()) {
    err << fmt::format("warrant history {}: name the store with --history FILE\n", verb);
    status = 2;
    return nullptr;
  }
  std::string why;
  auto store = SqliteHistory::Open(options.history, mode, why);
  if (!store) {
    err << fmt::format("warrant history {}: {}\n", verb, why);
    status = kExitIo;
  }
  return store;
}

int ImportAll(const Options& options, std::istream& in, std::ostream& err) {
  int status = 0;
  auto store = OpenStore(options, "import", SqliteHistory::Mode::Write, err, status);
  if (!store)
    return status;
  std::string why;
  if (!store->Begin(why)) {
    err << "warrant history import: " << why << '\n';
    return kExitIo;
  }
  uint64_t claims = 0, lines = 0;
  ClaimHistory record;
  for (size_t i = 1; i < options.inputs.size(); ++i) {
    const std::string& name = options.inputs[i];
    InputFile file;
    std::istream* input = &in;
    if (name != "-") {
      if (!file.Open(name, why)) {
        PrintPlain(err, diag::DiagCode::CannotReadFile, name, why);
        return kExitIo;
      }
      input = &file.stream();
    }
    const std::string shown = name == "-" ? "<stdin>" : name;
    std::string text;
    if (!ReadAll(*input, text, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, shown, why);
      return kExitIo;
    }
    auto add = [&](const std::string& where, std::string_view json,
                   std::string_view default_status) {
      if (!ReadHistoryRecord(json, record, why, default_status)) {
        err << fmt::format("{}: not a history record: {}; nothing was imported\n",
                           TerminalText(where), TerminalText(why));
        return 1;
      }
      if (!default_status.empty()) {
        // An adjudicated line allowed nothing was not paid.
        for (HistoryLine& l : record.lines) {
          if (l.allowed == "0")
            l.status = "denied";
        }
      }
      if (!store->Record(record, why)) {
        err << "warrant history import: " << why << '\n';
        return kExitIo;
      }
      ++claims;
      lines += record.lines.size();
      return 0;
    };
    const InputFormat format = ChooseFormat(options.input_format, text);
    if (format != InputFormat::Ndjson) {
      // Claims and ExplanationOfBenefits carry no status of ours: each line is paid, unless
      // its allowed amount is 0.
      ConvertedInput converted = ConvertClaims(format, text, shown);
      for (const std::string& problem : converted.problems) {
        err << TerminalText(problem) << "; nothing was imported\n";
        return 1;
      }
      for (const ConvertedClaim& c : converted.claims) {
        const std::string where = fmt::format("{}:{}", shown, c.line);
        if (!c.error.empty()) {
          err << fmt::format("{}: {}; nothing was imported\n", TerminalText(where),
                             TerminalText(c.error));
          return 1;
        }
        if (const int failed = add(where, c.json, "paid"))
          return failed;
      }
      continue;
    }
    uint64_t number = 0;
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('\n', begin);
      if (end == std::string::npos)
        end = text.size();
      ++number;
      const std::string_view line = std::string_view(text).substr(begin, end - begin);
      begin = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos)
        continue;
      if (const int failed = add(fmt::format("{}:{}", shown, number), line, ""))
        return failed;
    }
  }
  if (!store->Commit(why)) {
    err << "warrant history import: " << why << '\n';
    return kExitIo;
  }
  err << fmt::format("warrant history import: {} claim{}, {} line{} into {}\n", claims,
                     claims == 1 ? "" : "s", lines, lines == 1 ? "" : "s", options.history);
  return 0;
}

int Import(const Options& options, std::istream& in, std::ostream& err) {
  for (size_t i = 1; i < options.inputs.size(); ++i) {
    if (options.inputs[i] != "-" && !options.history.empty() &&
        SameFile(options.inputs[i], options.history)) {
      err << fmt::format("warrant history import: `{}` is the store itself\n", options.inputs[i]);
      return 2;
    }
  }
  std::error_code ec;
  const bool existed = !options.history.empty() && std::filesystem::exists(options.history, ec);
  const int status = ImportAll(options, in, err);
  // A store this import created and nothing went into is not left behind.
  if (status != 0 && status != 2 && !existed && !options.history.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(options.history + suffix, ec);
  }
  return status;
}

std::string Codes(const std::optional<std::vector<std::string>>& codes) {
  if (!codes)
    return "?";
  if (codes->empty())
    return "-";
  std::string out;
  for (const std::string& c : *codes)
    out += (out.empty() ? "" : ",") + c;
  return out;
}

int Show(const Options& options, std::ostream& out, std::ostream& err) {
  int status = 0;
  auto store = OpenStore(options, "show", SqliteHistory::Mode::Read, err, status);
  if (!store)
    return status;
  const std::string& patient = options.inputs[1];
  std::string why;
  std::string text;
  if (options.json_output) {
    std::vector<ClaimHistory> claims;
    if (!store->PatientClaims(patient, claims, why)) {
      err << "warrant history show: " << why << '\n';
      return kExitIo;
    }
    for (const ClaimHistory& c : claims)
      AppendHistoryRecord(c, text);
    if (claims.empty()) {
      err << fmt::format("warrant history show: no stored claim of patient `{}` in {}\n",
                         TerminalText(patient), options.history);
      return 1;
    }
    out << text;
    return 0;
  }
  // As a claim's decision sees them: by date, claim and line.
  std::vector<HistoryLine> lines;
  if (!store->Load(patient, lines, why)) {
    err << "warrant history show: " << why << '\n';
    return kExitIo;
  }
  if (lines.empty()) {
    err << fmt::format("warrant history show: no stored claim of patient `{}` in {}\n",
                       TerminalText(patient), options.history);
    return 1;
  }
  text += fmt::format("{:<10}  {:<6}  {:<8}  {:<16}  {:>4}  {:>5}  {:<10}  {}\n", "date", "code",
                      "status", "claim", "line", "units", "modifiers", "dx");
  for (const HistoryLine& l : lines) {
    text += fmt::format("{:<10}  {:<6}  {:<8}  {:<16}  {:>4}  {:>5}  {:<10}  {}\n",
                        l.date.empty() ? "?" : l.date, l.code, TerminalText(l.status),
                        TerminalText(l.claim), l.line, l.units, Codes(l.modifiers), Codes(l.dx));
  }
  out << text;
  return 0;
}

int Export(const Options& options, std::ostream& out, std::ostream& err) {
  int status = 0;
  auto store = OpenStore(options, "export", SqliteHistory::Mode::Read, err, status);
  if (!store)
    return status;
  OutputFile out_file;
  std::ostream* output = &out;
  std::string why;
  if (!options.output.empty()) {
    if (SameFile(options.output, options.history)) {
      err << fmt::format("warrant history export: `-o {}` is the store itself\n", options.output);
      return 2;
    }
    if (!out_file.Open(options.output, why)) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.output, why);
      return kExitIo;
    }
    output = &out_file.stream();
  }
  std::string text;
  const bool ok = store->ForEachClaim(
      [&](const ClaimHistory& c) {
        AppendHistoryRecord(c, text);
        if (text.size() > (size_t{1} << 20)) {
          output->write(text.data(), static_cast<std::streamsize>(text.size()));
          text.clear();
        }
        return static_cast<bool>(*output);
      },
      why);
  if (!ok) {
    err << "warrant history export: " << why << '\n';
    return kExitIo;
  }
  output->write(text.data(), static_cast<std::streamsize>(text.size()));
  output->flush();
  if (!*output || !out_file.Close(why)) {
    PrintPlain(err, diag::DiagCode::CannotWrite,
               options.output.empty() ? "<stdout>" : options.output,
               why.empty() ? WriteError(*output) : why);
    return kExitIo;
  }
  return 0;
}

}  // namespace

int RunHistory(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  const std::string& verb = options.inputs[0];
  if (verb == "import")
    return Import(options, in, err);
  if (verb == "show")
    return Show(options, out, err);
  return Export(options, out, err);
}

}  // namespace warrant::driver
