// Writers for an Explanation (runtime/explain/explain.h): text for people, JSON for programs, and a
// self-contained HTML report for one claim. All three are deterministic and allocate only the
// output; none of them decides or re-evaluates anything. The JSON schema is documented in
// docs/explain.md and only grows (fields are added, never renamed or removed).
#pragma once

#include <string>
#include <string_view>

#include "runtime/explain/explain.h"

namespace warrant {

struct ExplainTextOptions {
  bool trace = false;  // every rule's statements and values beneath each line's answer
  bool color = false;  // ANSI colour (the caller decides: a terminal, NO_COLOR unset)
};

// The report an analyst or a provider reads, answer first: per line the decision and each
// finding with its reason, CARC/RARC and group, the policy's citation, what would change it and
// the values that decided it. With `trace`, then the policy versions in force and each rule with
// its statements marked ✓ (true), ✗ (false) or ? (unknown) and the values beneath them; a loop
// shows the elements that decided it.
void WriteExplainText(const Explanation& x, std::string& out,
                      const ExplainTextOptions& options = {});

// Which of `steps` a trace shows: every step but a loop's elements that did not decide it (those
// after which its quantifier's result did not change); `hidden[i]` counts the elements left out
// after step i.
std::vector<bool> ShownSteps(const std::vector<ExplainStep>& steps, std::vector<size_t>* hidden);

// The mark of a step's value in the text and HTML views: ✓ (true), ✗ (false), ? (unknown), and
// = for any other value.
const char* ValueMark(const std::string& value);

// A step with its values in place of its operands: `73 >= 45`, `82270 in fobt`,
// `month_start(2023-03-01)`; "" when the kind has no such form.
std::string StepWithValues(const ExplainStep& step);

// One JSON object per claim (no trailing newline).
void WriteExplainJson(const Explanation& x, std::string& out);

// The evidence of one finding as a JSON array (the `evidence` of `run --explain`).
void WriteEvidenceJson(const std::vector<ExplainStep>& evidence, std::string& out);

// A whole HTML page: the claim (its JSON text as given), each line's decision and its trace
// beside excerpts of the criteria's source. No scripts or styles are loaded from anywhere.
void WriteExplainHtml(const Explanation& x, std::string_view claim_json, std::string& out);

}  // namespace warrant
