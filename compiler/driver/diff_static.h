// The static side of `warrant diff`: what differs between two compiled programs — policy
// versions added or removed, their titles, citations and effective dates, rules added, removed
// or changed (by their source text, with the lines that changed), codes added to or removed
// from codesets (with descriptions from the terminology when present), table rows and reasons'
// remittance codes. It reads Programs only and decides no claim (the impact is diff_impact.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/pack/program.h"
#include "runtime/terminology/terminology.h"

namespace warrant::driver {

// "added", "removed" or "changed".
struct FieldChange {
  std::string field;  // "title", "source", "effective", "until"
  std::string before, after;
};

struct RuleChange {
  std::string name;
  std::string kind;
  std::string title;
  std::vector<FieldChange> fields;
  // For a changed rule, its source lines only the old one has and only the new one has, as an
  // ordered line diff: ("-", text) or ("+", text).
  std::vector<std::pair<char, std::string>> lines;
};

struct PolicyChange {
  std::string id;
  int64_t version = 0;
  std::string kind;
  std::string title;
  std::string effective;  // "2023-01-01" (or "2023-01-01 .. 2024-12-31")
  std::vector<FieldChange> fields;
  std::vector<RuleChange> rules;  // a changed version's rules that differ
};

struct CodeChange {
  std::string code;  // "G0328", or "E11.00 .. E11.9" for a range
  std::string description;
};

struct CodesetChange {
  std::string name;  // "medicare/ncd_210_3_fobt_v2.warrant: fobt"
  std::string kind;
  std::vector<CodeChange> added, removed;
};

struct TableChange {
  std::string name;
  std::string kind;
  std::vector<std::string> added, removed, changed;  // row keys
};

// A file's top-level `let` declarations that differ (the values rules share: a threshold
// written once), as an ordered line diff of their first lines.
struct LetChange {
  std::string file;
  std::vector<std::pair<char, std::string>> lines;
};

struct StaticDiff {
  std::vector<PolicyChange> policies;
  std::vector<CodesetChange> codesets;
  std::vector<TableChange> tables;
  std::vector<FieldChange> reasons;  // field: the reason's name; before/after its codes
  std::vector<LetChange> lets;

  bool empty() const {
    return policies.empty() && codesets.empty() && tables.empty() && reasons.empty() &&
           lets.empty();
  }
};

// `old_terms` / `new_terms` describe codes (either may be null).
StaticDiff CompareStatic(const Program& old_program, const Terminology* old_terms,
                         const Program& new_program, const Terminology* new_terms);

}  // namespace warrant::driver
