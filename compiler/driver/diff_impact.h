// The impact side of `warrant diff`: every claim decided by the old and the new criteria, and
// the lines whose decision or reason differs, counted by transition ("covered -> denied
// frequency") with example claims. Memory is bounded: at most kMaxTransitions distinct
// transitions (the rest counted as "(other)") and `examples` claims kept for each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "compiler/driver/decision_record.h"
#include "runtime/engine/engine.h"

namespace warrant::driver {

struct TransitionExample {
  std::string claim;                     // the claim's id ("" when it has none)
  int64_t line = 0;                      // 1-based claim line; 0 for a claim one side refused
  std::string claim_json;                // kept for --explain-examples only
  std::string old_explain, new_explain;  // filled by ExplainExamples
};

struct Transition {
  std::string from, to;  // "covered", "denied frequency", "refused R0706"
  uint64_t lines = 0;
  std::vector<TransitionExample> examples;
};

struct ImpactData {
  static constexpr size_t kMaxTransitions = 1000;

  std::string input;
  uint64_t claims = 0;          // claims read (decided or refused)
  uint64_t lines = 0;           // claim lines decided by both
  uint64_t changed_lines = 0;   // lines (or refused claims) whose headline differs
  uint64_t changed_claims = 0;  // claims with at least one
  uint64_t refused = 0;         // claims both refused (malformed records)
  std::array<uint64_t, kDecisionCount> old_decisions{}, new_decisions{};  // by Decision
  std::vector<Transition> transitions;  // most lines first, then by name; "(other)" last
};

struct ImpactOptions {
  size_t examples = 3;
  bool keep_claims = false;  // keep each example's claim text (for ExplainExamples)
};

// Reads NDJSON claims from `in` and compares the decisions. False when reading failed (the
// stream's error is for the caller to report).
bool MeasureImpact(const Engine& old_engine, const Engine& new_engine, std::istream& in,
                   const ImpactOptions& options, ImpactData& data);

// Fills each example's old and new explanation (text, or JSON with `json`) of its line.
void ExplainExamples(const Engine& old_engine, const Engine& new_engine, bool json,
                     ImpactData& data);

}  // namespace warrant::driver
