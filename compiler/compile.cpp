#include "compiler/compile.h"

#include <set>

#include <fmt/format.h>

#include "compiler/codegen/codegen.h"
#include "compiler/frontend/terminology_files.h"
#include "runtime/terminology/terminology_serialize.h"
#include "stdlib/stdlib.h"

namespace warrant {
namespace {

// W0603 once, at the first call of `billable`/`exists`, when no terminology is loaded: without
// it every such call is unknown (the line pends) or false, which a build should not do silently.
void WarnWithoutTerminology(Compilation& c) {
  const std::span<const stdlib::BuiltinInfo> builtins = stdlib::Builtins();
  const check::Ref* first = nullptr;
  ast::ExprId first_id = 0;
  size_t calls = 0;
  std::set<uint32_t> files;
  for (ast::ExprId id = 0; id < c.checked.expr_refs.size(); ++id) {
    const check::Ref& ref = c.checked.expr_refs[id];
    if (ref.kind != check::RefKind::Builtin || ref.index >= builtins.size())
      continue;
    const BuiltinId builtin = builtins[ref.index].id;
    if (builtin != BuiltinId::Billable && builtin != BuiltinId::Exists)
      continue;
    ++calls;
    files.insert(ref.file);
    if (first == nullptr) {
      first = &ref;
      first_id = id;
    }
  }
  if (first == nullptr)
    return;
  const ast::Expr& call = c.sources.ast.expr(first_id);
  const bool billable = builtins[first->index].id == BuiltinId::Billable;
  diag::Diagnostic& d = c.sink.Emit(
      diag::DiagCode::NoTerminology, c.sources.ast.files[first->file].file, call.name_span,
      call.text, billable ? "every call is unknown, so its line pends" : "every call is false");
  d.help = fmt::format(
      "pass `--terminology` a CMS zip, order file or .wterm file (or a directory of them), or "
      "name it in warrant.toml: `terminology = \"...\"`; {} call{} in {} file{} need{} it",
      calls, calls == 1 ? "" : "s", files.size(), files.size() == 1 ? "" : "s",
      calls == 1 ? "s" : "");
}

}  // namespace

std::unique_ptr<Compilation> Compile(const std::vector<std::string>& inputs,
                                     const CompileOptions& options) {
  auto c = std::make_unique<Compilation>();
  auto phase = [&](std::string_view name) {
    if (options.on_phase)
      options.on_phase(name);
  };
  phase("reading sources");
  frontend::Load(inputs, c->sources, c->sink);
  if (!options.terminology.empty()) {
    phase("loading terminology");
    std::string error;
    if (!frontend::LoadTerminology(options.terminology, c->terminology, error)) {
      FileId id = c->sources.files.Add("<terminology>", "");
      c->sources.paths.emplace_back();
      c->sink.Emit(diag::DiagCode::TerminologyLoad, id, Span{}, error).located = false;
    }
  }
  phase("checking");
  c->checked = check::Check(c->sources, c->sink,
                            c->terminology.versions().empty() ? nullptr : &c->terminology,
                            options.strict_given);
  if (c->sink.has_errors())
    return c;
  if (c->terminology.versions().empty())
    WarnWithoutTerminology(*c);
  if (options.generate) {
    phase("generating");
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
