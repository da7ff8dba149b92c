#include "runtime/terminology/terminology.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/core.h>

namespace warrant {
namespace {

constexpr size_t kMaxNameBytes = 255;  // the .wterm form stores the length in one byte

bool IsBuiltin(CodeSystem system) {
  return std::find(std::begin(kBuiltinCodeSystems), std::end(kBuiltinCodeSystems), system) !=
         std::end(kBuiltinCodeSystems);
}

// Versions are kept sorted by this key, so the one in force is found by one binary search.
bool Before(const CodeSystemVersion& v, CodeSystem system, Day day) {
  return v.system != system ? v.system < system : v.from < day;
}

}  // namespace

std::optional<size_t> CodeSystemVersion::Find(uint64_t packed) const {
  const auto it = std::lower_bound(codes.begin(), codes.end(), packed);
  if (it == codes.end() || *it != packed)
    return std::nullopt;
  return static_cast<size_t>(it - codes.begin());
}

std::string_view CodeSystemVersion::Title(size_t index) const {
  return std::string_view(titles).substr(title_offsets[index],
                                         title_offsets[index + 1] - title_offsets[index]);
}

std::span<const uint64_t> CodeSystemVersion::CodesIn(CodeInterval interval) const {
  if (interval.lo > interval.hi)
    return {};
  const auto lo = std::lower_bound(codes.begin(), codes.end(), interval.lo);
  const auto hi = std::upper_bound(lo, codes.end(), interval.hi);
  return {lo, hi};
}

std::optional<std::string> CheckVersion(const CodeSystemVersion& v) {
  if (!IsBuiltin(v.system)) {
    return fmt::format("unknown code system {}", static_cast<int>(v.system));
  }
  if (v.name.empty() || v.name.size() > kMaxNameBytes) {
    return fmt::format("a version name has 1 to {} characters", kMaxNameBytes);
  }
  for (char c : v.name) {
    if (c < 0x20 || c > 0x7e)
      return fmt::format("version name `{}` is not printable ASCII", v.name);
  }
  if (!IsInRange(v.from) || !IsInRange(v.until) || v.from > v.until) {
    return fmt::format("{}: the validity {} .. {} is not a date interval", v.name,
                       FormatDate(v.from).view(), FormatDate(v.until).view());
  }
  const size_t n = v.codes.size();
  if (v.billable.size() != n || v.title_offsets.size() != n + 1) {
    return fmt::format("{}: {} codes but {} billable flags and {} title offsets", v.name, n,
                       v.billable.size(), v.title_offsets.size());
  }
  if (v.title_offsets[0] != 0 || v.title_offsets[n] != v.titles.size()) {
    return fmt::format("{}: the title offsets do not span the titles", v.name);
  }
  for (size_t i = 0; i < n; ++i) {
    if (v.title_offsets[i] > v.title_offsets[i + 1]) {
      return fmt::format("{}: title offset {} decreases", v.name, i + 1);
    }
    if (v.billable[i] > 1)
      return fmt::format("{}: billable flag {} is not 0 or 1", v.name, i);
    if (i > 0 && v.codes[i] <= v.codes[i - 1]) {
      return fmt::format("{}: code {} is not after the one before", v.name, i);
    }
    if (SystemOf(v.codes[i]) != v.system) {
      return fmt::format("{}: code {} belongs to another system", v.name, i);
    }
    // Only real codes: an interval bound or garbage would make Exists answer for a non-code.
    if (!Unpack(v.codes[i])) {
      return fmt::format("{}: code {} (0x{:016x}) is not a valid {}", v.name, i, v.codes[i],
                         SystemNoun(v.system));
    }
  }
  return std::nullopt;
}

std::optional<std::string> Terminology::Add(CodeSystemVersion version) {
  if (std::optional<std::string> error = CheckVersion(version))
    return error;
  const auto at = std::lower_bound(versions_.begin(), versions_.end(), version,
                                   [](const CodeSystemVersion& a, const CodeSystemVersion& b) {
                                     return Before(a, b.system, b.from);
                                   });
  // Only the neighbours can overlap: versions of one system are disjoint and sorted.
  if (at != versions_.end() && at->system == version.system && at->from <= version.until) {
    return fmt::format("{} ({} .. {}) overlaps {} ({} .. {})", version.name,
                       FormatDate(version.from).view(), FormatDate(version.until).view(), at->name,
                       FormatDate(at->from).view(), FormatDate(at->until).view());
  }
  if (at != versions_.begin()) {
    const CodeSystemVersion& prev = *std::prev(at);
    if (prev.system == version.system && prev.until >= version.from) {
      return fmt::format("{} ({} .. {}) overlaps {} ({} .. {})", version.name,
                         FormatDate(version.from).view(), FormatDate(version.until).view(),
                         prev.name, FormatDate(prev.from).view(), FormatDate(prev.until).view());
    }
  }
  versions_.insert(at, std::move(version));
  return std::nullopt;
}

const CodeSystemVersion* Terminology::VersionAt(CodeSystem system, Day dos) const {
  // The first version starting after `dos`; only the one before it can be in force.
  const auto after =
      std::upper_bound(versions_.begin(), versions_.end(), std::pair{system, dos},
                       [](const std::pair<CodeSystem, Day>& key, const CodeSystemVersion& v) {
                         return v.system != key.first ? key.first < v.system : key.second < v.from;
                       });
  if (after == versions_.begin())
    return nullptr;
  const CodeSystemVersion& v = *std::prev(after);
  return v.system == system && v.Covers(dos) ? &v : nullptr;
}

Terminology::Hit Terminology::Lookup(uint64_t packed, Day dos) const {
  const std::optional<CodeSystem> system = SystemOf(packed);
  if (!system)
    return {};
  const CodeSystemVersion* version = VersionAt(*system, dos);
  if (version == nullptr)
    return {};
  return {version, version->Find(packed)};
}

bool Terminology::Exists(uint64_t packed, Day dos) const {
  return Lookup(packed, dos).index.has_value();
}

std::optional<bool> Terminology::Billable(uint64_t packed, Day dos) const {
  const Hit hit = Lookup(packed, dos);
  if (hit.version == nullptr)
    return std::nullopt;
  return hit.index && hit.version->billable[*hit.index] != 0;
}

std::string_view Terminology::Description(uint64_t packed, Day dos) const {
  const Hit hit = Lookup(packed, dos);
  return hit.index ? hit.version->Title(*hit.index) : std::string_view();
}

std::span<const uint64_t> Terminology::ExpandRange(CodeInterval interval, Day dos) const {
  const std::optional<CodeSystem> system = SystemOf(interval.lo);
  if (!system)
    return {};
  const CodeSystemVersion* version = VersionAt(*system, dos);
  return version == nullptr ? std::span<const uint64_t>() : version->CodesIn(interval);
}

CodeResult<std::span<const uint64_t>> Terminology::ExpandPrefix(CodeSystem system,
                                                                std::string_view prefix,
                                                                Day dos) const {
  const CodeResult<CodeInterval> interval = PrefixInterval(system, prefix);
  if (!interval.ok())
    return {{}, interval.error};
  return {ExpandRange(interval.value, dos), CodeError::None};
}

std::vector<uint64_t> Terminology::ExpandBillable(CodeInterval interval, Day dos) const {
  std::vector<uint64_t> out;
  const std::span<const uint64_t> codes = ExpandRange(interval, dos);
  if (codes.empty())
    return out;
  // `codes` is a slice of the version's vector, so its offset indexes the parallel flags.
  const CodeSystemVersion& version = *VersionAt(*SystemOf(interval.lo), dos);
  const size_t first = static_cast<size_t>(codes.data() - version.codes.data());
  for (size_t i = 0; i < codes.size(); ++i) {
    if (version.billable[first + i] != 0)
      out.push_back(codes[i]);
  }
  return out;
}

}  // namespace warrant
