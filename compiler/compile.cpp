#include "compiler/compile.h"

#include "compiler/codegen/codegen.h"
#include "compiler/frontend/terminology_files.h"
#include "runtime/terminology/terminology_serialize.h"

namespace warrant {

std::unique_ptr<Compilation> Compile(const std::vector<std::string>& inputs,
                                     const CompileOptions& options) {
  auto c = std::make_unique<Compilation>();
  frontend::Load(inputs, c->sources, c->sink);
  if (!options.terminology.empty()) {
    std::string error;
    if (!frontend::LoadTerminology(options.terminology, c->terminology, error)) {
      FileId id = c->sources.files.Add("<terminology>", "");
      c->sources.paths.emplace_back();
      c->sink.Emit(diag::DiagCode::TerminologyLoad, id, Span{}, error).located = false;
    }
  }
  c->checked = check::Check(c->sources, c->sink,
                            c->terminology.versions().empty() ? nullptr : &c->terminology);
  if (c->sink.has_errors())
    return c;
  if (options.generate) {
    if (!codegen::Generate(c->sources, c->checked, c->program, c->sink))
      return c;
    if (!c->terminology.versions().empty()) {
      c->program.terminology_blob = SerializeTerminology(c->terminology);
      for (const CodeSystemVersion& v : c->terminology.versions()) {
        c->program.terminology.push_back(TerminologyData{v.name, v.source_sha256});
      }
    }
  }
  c->ok = !c->sink.has_errors();
  return c;
}

}  // namespace warrant
