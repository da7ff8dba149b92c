// The three forms of `warrant diff`: text for the terminal, JSON, and a self-contained HTML page
// (the impact as an inline SVG chart). Deterministic functions of the static diff and, when
// claims were given, the impact.
#pragma once

#include <string>

#include "compiler/driver/diff_impact.h"
#include "compiler/driver/diff_static.h"

namespace warrant::driver {

struct DiffView {
  std::string old_name, new_name;
  StaticDiff changes;
  const ImpactData* impact = nullptr;  // null without claims
};

void WriteDiffText(const DiffView& view, std::string& out);
void WriteDiffJson(const DiffView& view, std::string& out);
void WriteDiffHtml(const DiffView& view, std::string& out);

}  // namespace warrant::driver
