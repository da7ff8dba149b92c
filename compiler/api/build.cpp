// warrant::api::Build (include/warrant/build.h): Compile, then WritePack.
#include "warrant/build.h"

#include <sstream>

#include "compiler/compile.h"
#include "compiler/diag/render.h"
#include "runtime/pack/pack.h"

namespace warrant::api {

std::vector<std::uint8_t> Build(const std::vector<std::string>& inputs,
                                const std::vector<std::string>& terminology) {
  CompileOptions options;
  options.terminology = terminology;
  auto c = Compile(inputs, options);
  if (!c->ok) {
    const std::vector<diag::Diagnostic> diags = c->sink.Sorted();
    std::string code = "E0000";
    for (const diag::Diagnostic& d : diags) {
      if (d.severity == diag::Severity::Error) {
        code = std::string(diag::Info(d.code).code);
        break;
      }
    }
    std::ostringstream text;
    diag::RenderText(c->sources.files, diags, text, false);
    throw Error(code, text.str());
  }
  return WritePack(c->program);
}

}  // namespace warrant::api
