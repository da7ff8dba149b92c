// Codesets: member forms, merging, set algebra against a brute-force model, serialization.
#include "runtime/core/codeset.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "runtime/core/code.h"
#include "tests/unit/catch.h"
#include "tests/unit/test_values.h"

namespace warrant {
namespace {

using test::Hcpcs;
using test::Icd;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

CodeInterval IcdPrefix(std::string_view prefix) {
  return PrefixInterval(CodeSystem::Icd10cm, prefix).value;
}

Codeset Of(std::initializer_list<CodeInterval> intervals) {
  CodesetBuilder builder;
  for (CodeInterval interval : intervals) {
    REQUIRE(builder.AddInterval(interval));
  }
  return builder.Build();
}

std::vector<CodeInterval> Intervals(const Codeset& set) {
  return {set.intervals().begin(), set.intervals().end()};
}

TEST_CASE("codeset: exact codes, dotted or not", "[codeset]") {
  CodesetBuilder builder;
  builder.AddCode(Hcpcs("82270"));
  builder.AddCode(Hcpcs("G0328"));
  const Codeset fobt = builder.Build();
  CHECK(fobt.size() == 2);
  CHECK(fobt.Contains(Hcpcs("82270")));
  CHECK(fobt.Contains(Hcpcs("g0328")));
  CHECK_FALSE(fobt.Contains(Hcpcs("82271")));
  CHECK_FALSE(fobt.Contains(Hcpcs("G0327")));
  CHECK_FALSE(fobt.Contains(Icd("E11.9")));  // another system's code is never a member

  CodesetBuilder dx;
  dx.AddCode(Icd("E11.9"));  // as a policy prints it
  dx.AddCode(Icd("Z1211"));  // as a claim carries it
  const Codeset set = dx.Build();
  CHECK(set.Contains(Icd("E119")));
  CHECK(set.Contains(Icd("E11.9")));
  CHECK(set.Contains(Icd("Z12.11")));
  CHECK(set.Contains(Icd("z1211")));
  CHECK_FALSE(set.Contains(Icd("E11")));
  CHECK_FALSE(set.Contains(Icd("E11.91")));
}

TEST_CASE("codeset: prefixes and ranges", "[codeset]") {
  // codeset diabetes_dx: icd10cm = [E08.*, E09.*, E10.*, E11.*, E13.*, O24.01 .. O24.03]
  CodesetBuilder builder;
  for (const char* prefix : {"E08.*", "E09.*", "E10.*", "E11.*", "E13.*"}) {
    REQUIRE(builder.AddInterval(IcdPrefix(prefix)));
  }
  REQUIRE(builder.AddInterval({Icd("O24.01"), Icd("O24.03")}));
  const Codeset diabetes = builder.Build();

  for (const char* code : {"E08.00", "E0900", "E10.10", "E11.9", "E119", "E11.65", "E13.9",
                           "O24.01", "O24.011", "O24.019", "O24.02", "O24.03"}) {
    INFO(code);
    CHECK(diabetes.Contains(Icd(code)));
  }
  for (const char* code : {"E08", "E11", "E12", "E12.9", "E13", "E14.9", "O24.0", "O24.04",
                           "O24.031", "O24.1", "E07.9", "Z13.1"}) {
    INFO(code);
    CHECK_FALSE(diabetes.Contains(Icd(code)));
  }
  // E08.* through E11.* are separated by the headers E09, E10 and E11, which are not members.
  CHECK(diabetes.size() == 6);
}

TEST_CASE("codeset: overlapping and adjacent members merge", "[codeset]") {
  CHECK(Intervals(Of({{10, 20}, {15, 30}})) == std::vector<CodeInterval>{{10, 30}});
  CHECK(Intervals(Of({{10, 20}, {21, 30}})) == std::vector<CodeInterval>{{10, 30}});
  CHECK(Intervals(Of({{10, 20}, {22, 30}})) == std::vector<CodeInterval>{{10, 20}, {22, 30}});
  CHECK(Intervals(Of({{15, 30}, {10, 20}, {12, 12}})) == std::vector<CodeInterval>{{10, 30}});
  CHECK(Intervals(Of({{10, 40}, {15, 20}})) == std::vector<CodeInterval>{{10, 40}});
  CHECK(Intervals(Of({{5, 5}, {5, 5}, {6, 6}, {4, 4}})) == std::vector<CodeInterval>{{4, 6}});
  CHECK(Intervals(Of({{kMax - 1, kMax}, {kMax, kMax}, {0, 0}})) ==
        std::vector<CodeInterval>{{0, 0}, {kMax - 1, kMax}});
  CHECK(Intervals(Of({{0, kMax}, {7, 9}})) == std::vector<CodeInterval>{{0, kMax}});
  CHECK(Of({}).empty());
  CHECK_FALSE(Of({}).Contains(0));

  // A header, its descendants and the next header's descendants collapse into one interval.
  CodesetBuilder builder;
  builder.AddCode(Icd("E11"));
  REQUIRE(builder.AddInterval(IcdPrefix("E11.*")));
  builder.AddCode(Icd("E12"));
  REQUIRE(builder.AddInterval(IcdPrefix("E12.*")));
  const Codeset set = builder.Build();
  CHECK(set.size() == 1);
  CHECK(set.Contains(Icd("E11")));
  CHECK(set.Contains(Icd("E12.9")));
  CHECK_FALSE(set.Contains(Icd("E10.9")));
  CHECK_FALSE(set.Contains(Icd("E13")));

  CodesetBuilder reversed;
  CHECK_FALSE(reversed.AddInterval({20, 10}));
  CHECK(reversed.Build().empty());
}

TEST_CASE("codeset: union and difference", "[codeset]") {
  const Codeset a = Of({{10, 20}, {40, 50}});
  const Codeset b = Of({{21, 25}, {45, 60}, {100, 100}});
  CHECK(Intervals(Codeset::Union(a, b)) ==
        std::vector<CodeInterval>{{10, 25}, {40, 60}, {100, 100}});
  CHECK(Intervals(Codeset::Difference(a, b)) == std::vector<CodeInterval>{{10, 20}, {40, 44}});
  CHECK(Intervals(Codeset::Difference(b, a)) ==
        std::vector<CodeInterval>{{21, 25}, {51, 60}, {100, 100}});

  // A cut in the middle splits an interval; cuts at the edges trim it.
  CHECK(Intervals(Codeset::Difference(Of({{10, 20}}), Of({{15, 15}}))) ==
        std::vector<CodeInterval>{{10, 14}, {16, 20}});
  CHECK(Intervals(Codeset::Difference(Of({{10, 20}}), Of({{10, 10}, {20, 20}}))) ==
        std::vector<CodeInterval>{{11, 19}});
  CHECK(Intervals(Codeset::Difference(Of({{10, 20}}), Of({{12, 13}, {15, 16}, {18, 30}}))) ==
        std::vector<CodeInterval>{{10, 11}, {14, 14}, {17, 17}});
  // One cut spanning several intervals.
  CHECK(Intervals(Codeset::Difference(Of({{10, 20}, {30, 40}, {50, 60}}), Of({{15, 55}}))) ==
        std::vector<CodeInterval>{{10, 14}, {56, 60}});
  CHECK(Codeset::Difference(Of({{10, 20}}), Of({{0, kMax}})).empty());
  CHECK(Codeset::Difference(Of({{0, kMax}}), Of({{0, kMax}})).empty());
  CHECK(Intervals(Codeset::Difference(Of({{0, kMax}}), Of({{0, 0}, {kMax, kMax}}))) ==
        std::vector<CodeInterval>{{1, kMax - 1}});
  CHECK(Codeset::Difference(Of({}), a).empty());
  CHECK(Codeset::Difference(a, Of({})) == a);
  CHECK(Codeset::Union(a, Of({})) == a);

  // codeset screening: icd10cm = diabetes_dx + [Z13.1] - [E11.9]
  CodesetBuilder dx;
  REQUIRE(dx.AddInterval(IcdPrefix("E11.*")));
  CodesetBuilder extra;
  extra.AddCode(Icd("Z13.1"));
  CodesetBuilder cut;
  cut.AddCode(Icd("E11.9"));
  const Codeset screening =
      Codeset::Difference(Codeset::Union(dx.Build(), extra.Build()), cut.Build());
  CHECK(screening.Contains(Icd("E11.8")));
  CHECK(screening.Contains(Icd("E11.65")));
  CHECK(screening.Contains(Icd("Z131")));
  CHECK_FALSE(screening.Contains(Icd("E11.9")));
  CHECK_FALSE(screening.Contains(Icd("E119")));
  CHECK(screening.Contains(Icd("E11.91")));  // only the exact code was removed
}

// Random sets over a small universe, checked value by value against std::set.
std::set<uint64_t> Model(const Codeset& set, uint64_t universe) {
  std::set<uint64_t> values;
  for (uint64_t v = 0; v < universe; ++v) {
    if (set.Contains(v)) {
      values.insert(v);
    }
  }
  return values;
}

TEST_CASE("codeset: algebra agrees with a brute-force model", "[codeset]") {
  constexpr uint64_t kUniverse = 120;
  std::mt19937_64 rng(7);
  auto random_set = [&](std::set<uint64_t>& model) {
    CodesetBuilder builder;
    const int members = static_cast<int>(rng() % 8);
    for (int i = 0; i < members; ++i) {
      const uint64_t lo = rng() % kUniverse;
      const uint64_t hi = std::min(kUniverse - 1, lo + rng() % 15);
      REQUIRE(builder.AddInterval({lo, hi}));
      for (uint64_t v = lo; v <= hi; ++v) {
        model.insert(v);
      }
    }
    return builder.Build();
  };
  for (int round = 0; round < 2000; ++round) {
    std::set<uint64_t> model_a, model_b;
    const Codeset a = random_set(model_a);
    const Codeset b = random_set(model_b);
    REQUIRE(Model(a, kUniverse) == model_a);

    std::set<uint64_t> both = model_a;
    both.insert(model_b.begin(), model_b.end());
    std::set<uint64_t> only_a;
    for (uint64_t v : model_a) {
      if (model_b.count(v) == 0) {
        only_a.insert(v);
      }
    }
    const Codeset u = Codeset::Union(a, b);
    const Codeset d = Codeset::Difference(a, b);
    REQUIRE(Model(u, kUniverse) == both);
    REQUIRE(Model(d, kUniverse) == only_a);
    // Canonical: sorted, disjoint, never adjacent; so equal sets are equal objects.
    for (const Codeset* set : {&a, &u, &d}) {
      const auto intervals = set->intervals();
      for (size_t i = 0; i < intervals.size(); ++i) {
        REQUIRE(intervals[i].lo <= intervals[i].hi);
        if (i > 0) {
          REQUIRE(intervals[i - 1].hi + 1 < intervals[i].lo);
        }
      }
    }
    REQUIRE(Codeset::Union(a, b) == Codeset::Union(b, a));
    REQUIRE(Codeset::Union(d, b) == u);
    const CodesetDecode decoded = Codeset::Deserialize(u.Serialize());
    REQUIRE(decoded.ok());
    REQUIRE(decoded.codeset == u);
  }
}

TEST_CASE("codeset: membership agrees with a scan of the intervals, at every edge", "[codeset]") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 3000; ++round) {
    CodesetBuilder builder;
    const int members = static_cast<int>(rng() % 40);  // empty sets and sets of many intervals
    for (int i = 0; i < members; ++i) {
      const uint64_t lo = rng() % 2000;
      REQUIRE(builder.AddInterval({lo, lo + rng() % 20}));
    }
    if (rng() % 10 == 0)  // the ends of the value range
      REQUIRE(builder.AddInterval({kMax - rng() % 5, kMax}));
    if (rng() % 10 == 0)
      REQUIRE(builder.AddInterval({0, rng() % 5}));
    const Codeset set = builder.Build();
    auto scan = [&](uint64_t v) {
      for (const CodeInterval& i : set.intervals()) {
        if (i.lo <= v && v <= i.hi)
          return true;
      }
      return false;
    };
    std::vector<uint64_t> probes = {0, 1, kMax, kMax - 1, rng() % 2100};
    for (const CodeInterval& i : set.intervals()) {
      for (uint64_t v : {i.lo - 1, i.lo, i.lo + 1, i.hi - 1, i.hi, i.hi + 1})
        probes.push_back(v);
    }
    for (uint64_t v : probes) {
      INFO("round " << round << " value " << v);
      REQUIRE(set.Contains(v) == scan(v));
    }
  }
}

// Sets of Codeset::kIndexFrom intervals or more search a bucket of their intervals only: sets of
// every size around that line and up to thousands of intervals, over spans from a few thousand
// values to the whole range, probed at every interval edge and at random, built and read back.
TEST_CASE("codeset: large sets (the bucket index) agree with a scan", "[codeset]") {
  std::mt19937_64 rng(23);
  for (int round = 0; round < 300; ++round) {
    if (!test::Sampled(static_cast<size_t>(round)))
      continue;
    CodesetBuilder builder;
    const size_t target =
        round < 40 ? Codeset::kIndexFrom - 4 + static_cast<size_t>(round % 8) : 16 + rng() % 3000;
    const int spread_bits = 12 + static_cast<int>(rng() % 52);  // spans up to 2^63
    const uint64_t origin = rng() % 3 == 0 ? 0 : rng() >> 8;
    const uint64_t spread = uint64_t{1} << spread_bits;
    for (size_t i = 0; i < target; ++i) {
      const uint64_t lo = origin + rng() % spread;
      const uint64_t width = rng() % 4 == 0 ? rng() % (spread / 64 + 1) : rng() % 3;
      REQUIRE(builder.AddInterval({lo, lo > kMax - width ? kMax : lo + width}));
    }
    if (rng() % 8 == 0)
      REQUIRE(builder.AddInterval({kMax - rng() % 5, kMax}));
    const Codeset set = builder.Build();
    const std::span<const CodeInterval> intervals = set.intervals();
    // The last interval starting at or before v, found by std::upper_bound over all of them.
    auto scan = [&](uint64_t v) {
      auto after = std::upper_bound(intervals.begin(), intervals.end(), v,
                                    [](uint64_t x, const CodeInterval& i) { return x < i.lo; });
      return after != intervals.begin() && v <= std::prev(after)->hi;
    };
    std::vector<uint64_t> probes = {0, kMax, origin, origin + spread};
    for (const CodeInterval& i : intervals) {
      for (uint64_t v : {i.lo - 1, i.lo, i.lo + 1, i.hi - 1, i.hi, i.hi + 1})
        probes.push_back(v);
    }
    for (int k = 0; k < 2000; ++k)
      probes.push_back(origin + rng() % spread);
    const CodesetDecode back = Codeset::Deserialize(set.Serialize());
    REQUIRE(back.ok());
    REQUIRE(back.codeset == set);
    for (uint64_t v : probes) {
      INFO("round " << round << ", " << intervals.size() << " intervals, value " << v);
      const bool expected = scan(v);
      REQUIRE(set.Contains(v) == expected);
      REQUIRE(back.codeset.Contains(v) == expected);
    }
  }
}

TEST_CASE("codeset: serialization round trip and byte layout", "[codeset]") {
  const Codeset set = Of({{1, 2}, {0x0102030405060708, 0x1112131415161718}});
  const std::vector<uint8_t> bytes = set.Serialize();
  REQUIRE(bytes.size() == 4 + 2 * 16);
  CHECK(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 4) == std::vector<uint8_t>{2, 0, 0, 0});
  CHECK(std::vector<uint8_t>(bytes.begin() + 20, bytes.begin() + 28) ==
        std::vector<uint8_t>{8, 7, 6, 5, 4, 3, 2, 1});
  const CodesetDecode decoded = Codeset::Deserialize(bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded.codeset == set);
  CHECK(decoded.codeset.Contains(0x0102030405060709));

  const CodesetDecode empty = Codeset::Deserialize(Codeset().Serialize());
  REQUIRE(empty.ok());
  CHECK(empty.codeset.empty());

  // Several codesets back to back, as in a pack section.
  std::vector<uint8_t> stream;
  set.AppendTo(stream);
  Of({{7, 9}}).AppendTo(stream);
  size_t consumed = 0;
  const CodesetDecode first = Codeset::Deserialize(stream, &consumed);
  REQUIRE(first.ok());
  CHECK(first.codeset == set);
  CHECK(consumed == bytes.size());
  const CodesetDecode second =
      Codeset::Deserialize(std::span<const uint8_t>(stream).subspan(consumed), &consumed);
  REQUIRE(second.ok());
  CHECK(second.codeset == Of({{7, 9}}));
  CHECK(consumed == 4 + 16);
}

void PutU64(std::vector<uint8_t>& bytes, size_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

TEST_CASE("codeset: corrupt bytes are rejected, not trusted", "[codeset]") {
  const std::vector<uint8_t> good = Of({{10, 20}, {30, 40}}).Serialize();
  REQUIRE(Codeset::Deserialize(good).ok());

  // Every truncation, including an empty buffer.
  for (size_t size = 0; size < good.size(); ++size) {
    INFO("truncated to " << size);
    const CodesetDecode decoded = Codeset::Deserialize(std::span<const uint8_t>(good.data(), size));
    CHECK_FALSE(decoded.ok());
    CHECK(decoded.codeset.empty());
  }
  std::vector<uint8_t> trailing = good;
  trailing.push_back(0);
  CHECK(Codeset::Deserialize(trailing).error == "1 unexpected bytes after the codeset");

  // A huge count with few bytes must not allocate or read past the end.
  const std::vector<uint8_t> huge = {0xff, 0xff, 0xff, 0xff, 1, 2, 3};
  CHECK(Codeset::Deserialize(huge).error ==
        "codeset truncated: 4294967295 intervals need 68719476724 bytes, only 7 remain");

  std::vector<uint8_t> reversed = good;
  PutU64(reversed, 4, 21);  // lo 21 > hi 20
  CHECK(Codeset::Deserialize(reversed).error == "codeset interval 0 is reversed (lo > hi)");

  std::vector<uint8_t> unsorted = good;
  PutU64(unsorted, 20, 1);  // second interval [1, 40] starts before the first
  CHECK_FALSE(Codeset::Deserialize(unsorted).ok());

  std::vector<uint8_t> overlapping = good;
  PutU64(overlapping, 20, 15);  // [10, 20] then [15, 40]
  CHECK(Codeset::Deserialize(overlapping).error ==
        "codeset interval 1 is out of order, overlaps or touches the one before");

  std::vector<uint8_t> adjacent = good;
  PutU64(adjacent, 20, 21);  // [10, 20] then [21, 40]: not canonical, Build would merge them
  CHECK_FALSE(Codeset::Deserialize(adjacent).ok());

  std::vector<uint8_t> after_max = Of({{5, kMax}}).Serialize();
  after_max[0] = 2;
  after_max.resize(4 + 32);
  PutU64(after_max, 20, 0);
  PutU64(after_max, 28, 0);
  CHECK_FALSE(Codeset::Deserialize(after_max).ok());

  // Random corruption never crashes; whatever decodes is canonical.
  std::mt19937 rng(99);
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < flips; ++i) {
      bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    const CodesetDecode decoded = Codeset::Deserialize(bytes);
    if (decoded.ok()) {
      REQUIRE(Codeset::Deserialize(decoded.codeset.Serialize()).ok());
    }
  }
}

}  // namespace
}  // namespace warrant
