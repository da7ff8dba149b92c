// `warrant schema`: the claim schema a pack reads — the base records of schema.def plus the
// pack's `extend` fields and facts — as a listing (runtime/records/schema_listing.h) or, with
// --json-schema, as the JSON Schema of the claim JSON (runtime/records/json_schema.h).
//
// The schema comes from a pack file (as stored in it), from criteria (checked in memory, as
// `warrant check` would, but only errors are reported: warnings are `check`'s business), or, for
// a directory that holds no `.warrant` file, from schema.def alone, so a producer can get the
// base schema without any criteria.
#include <filesystem>
#include <ostream>
#include <span>

#include "compiler/compile.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "runtime/pack/pack.h"
#include "runtime/records/json_schema.h"
#include "runtime/records/schema_listing.h"

namespace warrant::driver {
namespace {

namespace fs = std::filesystem;

// Whether `path` is a directory with no `.warrant` file at any depth (the walk Load does).
bool DirectoryWithoutCriteria(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec))
    return false;
  for (auto it = fs::recursive_directory_iterator(
           path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".warrant")
      return false;
  }
  return !ec;
}

void Print(const Schema& schema, const Options& options, std::ostream& out) {
  out << (options.json_schema ? JsonSchema(schema) : SchemaListing(schema));
}

}  // namespace

int RunSchema(const Options& options, std::istream&, std::ostream& out, std::ostream& err) {
  const std::string input = options.inputs.empty() ? "." : options.inputs.front();
  if (IsPackFile(input)) {
    std::string bytes, why;
    if (!ReadWholeFile(input, bytes, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, input, why);
      return kExitIo;
    }
    PackResult pack =
        ReadPack(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if (!pack.ok()) {
      PrintPlain(err, diag::DiagCode::UnusablePack, input, pack.error);
      return 1;
    }
    Print(pack.program.schema, options, out);
    return 0;
  }
  if (DirectoryWithoutCriteria(input)) {
    Print(Schema::Base(), options, out);
    return 0;
  }
  CompileOptions compile;  // no terminology: the schema does not depend on it
  compile.generate = false;
  auto c = Compile({input}, compile);
  if (!c->ok) {
    ReportDiagnostics(*c, options, out, err);
    return 1;
  }
  Print(c->checked.schema, options, out);
  return 0;
}

}  // namespace warrant::driver
