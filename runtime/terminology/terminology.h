// Terminology: which codes exist, are billable, and what they are called, by date of service.
//
// A CodeSystemVersion is one imported release of one code system (ICD-10-CM FY2026, HCPCS 2019,
// the POS list) in force over an inclusive date interval; a Terminology holds several and
// answers for the version in force on a date by binary search over sorted packed codes: no
// hashing, no allocation, safe from many threads once loaded. Importing CMS files is
// term_import.h, the .wterm bytes terminology_serialize.h. This module does not decide coverage:
// when no version is loaded for a date, the answer is unknown, not guessed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/date.h"

namespace warrant {

struct CodeSystemVersion {
  CodeSystem system = CodeSystem::Icd10cm;
  std::string name;     // "icd10cm FY2026", "hcpcs 2019", "pos"
  Day from = kMinDay;   // first day this version is in force
  Day until = kMaxDay;  // last day (inclusive); open-ended versions use kMinDay .. kMaxDay
  std::array<uint8_t, 32> source_sha256{};  // of the imported file, as a pack records it
  std::vector<uint64_t> codes;              // packed, strictly increasing, all of `system`
  std::vector<uint8_t> billable;            // parallel to `codes`: 1 billable, 0 header (ICD-10-CM)
  // Short titles, concatenated: title i is titles[title_offsets[i] .. title_offsets[i + 1]).
  // One string instead of 98k small ones keeps the version a handful of allocations.
  std::string titles;
  std::vector<uint32_t> title_offsets;  // codes.size() + 1 entries, the first 0

  size_t size() const { return codes.size(); }

  bool Covers(Day dos) const { return from <= dos && dos <= until; }

  // The index of `packed` in `codes`.
  std::optional<size_t> Find(uint64_t packed) const;
  std::string_view Title(size_t index) const;
  // The codes of this version inside `interval`, in code order (a slice of `codes`).
  std::span<const uint64_t> CodesIn(CodeInterval interval) const;

  friend bool operator==(const CodeSystemVersion&, const CodeSystemVersion&) = default;
};

// Why `version` is not well formed (unsorted or foreign codes, packings that are not codes,
// mismatched parallel vectors, from > until, a bad name), or nullopt. Import and deserialization
// both end here, so a Terminology only ever holds versions that pass.
std::optional<std::string> CheckVersion(const CodeSystemVersion& version);

class Terminology {
 public:
  // Adds a version; an error (and nothing added) if it fails CheckVersion or its dates overlap a
  // version of the same system already held.
  [[nodiscard]] std::optional<std::string> Add(CodeSystemVersion version);

  // The version of `system` in force on `dos`, or nullptr.
  const CodeSystemVersion* VersionAt(CodeSystem system, Day dos) const;

  // False also when no version of the code's system covers `dos`: ask VersionAt to tell apart.
  bool Exists(uint64_t packed, Day dos) const;
  // nullopt when no version of the code's system covers `dos` (the VM's unknown); otherwise
  // whether the code is in that version and billable. Headers (E11, Z86.010) are not billable;
  // every code of a system without headers (HCPCS, POS, modifiers) is.
  std::optional<bool> Billable(uint64_t packed, Day dos) const;
  // The short title, or "" when the code is not in the version in force.
  std::string_view Description(uint64_t packed, Day dos) const;

  // The codes of the version in force on `dos` within `interval` (all of one system: the
  // interval's lo decides which), headers included, in code order. Empty if no version.
  std::span<const uint64_t> ExpandRange(CodeInterval interval, Day dos) const;
  // The same for a prefix as written in source (`E11.*`: the strict descendants, not E11).
  // The error is the prefix's (PrefixInterval); an unloaded date gives an empty span.
  CodeResult<std::span<const uint64_t>> ExpandPrefix(CodeSystem system, std::string_view prefix,
                                                     Day dos) const;
  // ExpandRange without the headers. Allocates the result.
  std::vector<uint64_t> ExpandBillable(CodeInterval interval, Day dos) const;

  // Sorted by system, then `from`; no two of one system overlap.
  std::span<const CodeSystemVersion> versions() const { return versions_; }

  friend bool operator==(const Terminology&, const Terminology&) = default;

 private:
  struct Hit {
    const CodeSystemVersion* version = nullptr;
    std::optional<size_t> index;
  };

  Hit Lookup(uint64_t packed, Day dos) const;

  std::vector<CodeSystemVersion> versions_;
};

}  // namespace warrant
