#include "compiler/compile.h"

#include "compiler/codegen/codegen.h"

namespace warrant {

std::unique_ptr<Compilation> Compile(const std::vector<std::string>& inputs, bool generate) {
  auto c = std::make_unique<Compilation>();
  frontend::Load(inputs, c->sources, c->sink);
  c->checked = check::Check(c->sources, c->sink);
  if (c->sink.has_errors()) return c;
  if (generate && !codegen::Generate(c->sources, c->checked, c->program, c->sink)) return c;
  c->ok = !c->sink.has_errors();
  return c;
}

}  // namespace warrant
