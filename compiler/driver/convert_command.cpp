// `warrant convert`: the claims of an X12 837 or FHIR input as Warrant sees them, one JSON
// record per line on standard output; a claim that cannot be read, and an envelope or document
// error, on standard error with where it is.
#include <fmt/format.h>

#include "compiler/driver/claims_input.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/driver/record_message.h"
#include "runtime/core/text.h"
#include "runtime/formats/claim_input.h"

namespace warrant::driver {

int RunConvert(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string name = options.inputs[0];
  std::string text;
  if (!ReadClaimsText(name, in, text, err))
    return kExitIo;
  const InputFormat format = ChooseFormat(options.input_format, text);
  if (format == InputFormat::Ndjson) {
    err << fmt::format(
        "warrant convert: {} is not X12 837 (it would start with ISA) nor FHIR (a JSON object "
        "with a resourceType); name its format with --from x12|fhir\n",
        TerminalText(name));
    return 1;
  }
  const ConvertedInput input = ConvertClaims(format, text, name);
  std::string output;
  size_t errors = 0;
  for (const ConvertedClaim& claim : input.claims) {
    if (claim.error.empty()) {
      output += claim.json;
      output += '\n';
    } else {
      err << RecordErrorLine(name, claim.line, ConversionError(claim));
      ++errors;
    }
  }
  out << output;
  PrintInputProblems(err, input.problems);
  return errors > 0 || !input.problems.empty() ? 1 : 0;
}

}  // namespace warrant::driver
