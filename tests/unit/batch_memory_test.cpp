// ByteArena and ViewIndex (runtime/history/batch_memory.h): copies stay where they were put until
// Clear, and the index finds every key it was given, across growth and after Clear.
#include "runtime/history/batch_memory.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("a byte arena's copies stay valid and unchanged as more are made", "[history]") {
  ByteArena arena;
  std::vector<std::pair<std::string_view, std::string>> copies;
  for (int i = 0; i < 5000; ++i) {
    // Small copies fill blocks; every 997th is larger than a block and gets its own.
    const std::string text = i % 997 == 0 ? std::string(70000 + static_cast<size_t>(i), 'x')
                                          : "claim-" + std::to_string(i);
    copies.emplace_back(arena.Copy(text), text);
  }
  for (const auto& [view, text] : copies)
    CHECK(view == text);
  CHECK(arena.Copy("").empty());
  arena.Clear();
  // After Clear the kept blocks are reused: new copies read back as written.
  const std::string_view a = arena.Copy("after");
  const std::string_view b = arena.Copy(std::string(100000, 'y'));
  CHECK(a == "after");
  CHECK(b == std::string(100000, 'y'));
}

TEST_CASE("a view index finds every key given it, across growth and Clear", "[history]") {
  ByteArena arena;
  ViewIndex index;
  CHECK(index.empty());
  CHECK(index.Find("absent") == nullptr);
  for (uint32_t i = 0; i < 3000; ++i) {
    const auto [value, fresh] = index.Insert(arena.Copy("P" + std::to_string(i)), i);
    CHECK(fresh);
    CHECK(*value == i);
  }
  CHECK(index.size() == 3000);
  for (uint32_t i = 0; i < 3000; ++i) {
    const uint32_t* value = index.Find("P" + std::to_string(i));
    REQUIRE(value != nullptr);
    CHECK(*value == i);
  }
  // A key given again keeps its value, which the caller may change in place.
  auto [value, fresh] = index.Insert("P7", 99);
  CHECK_FALSE(fresh);
  CHECK(*value == 7);
  *value = 70;
  CHECK(*index.Find("P7") == 70);
  CHECK(index.Find("P3000") == nullptr);
  CHECK(index.Find("P") == nullptr);
  // The empty text is a key like any other.
  CHECK(index.Find("") == nullptr);
  CHECK(index.Insert("", 5).second);
  CHECK(*index.Find("") == 5);
  index.Clear();
  CHECK(index.empty());
  CHECK(index.Find("P7") == nullptr);
  CHECK(index.Find("") == nullptr);
  CHECK(index.Insert("P7", 1).second);
  CHECK(*index.Find("P7") == 1);
}

TEST_CASE("a view index's hash spreads ids that differ only in their last characters",
          "[history]") {
  // Claim and patient ids are mostly numbered: in a table of 8,192 slots, 4,096 such ids must
  // land in nearly as many slots, or every look-up probes a long run.
  std::vector<bool> used(8192);
  size_t distinct = 0;
  for (int i = 0; i < 4096; ++i) {
    const size_t slot = ViewIndex::Hash(fmt::format("E{:07}", i)) & 8191;
    distinct += used[slot] ? 0 : 1;
    used[slot] = true;
  }
  CHECK(distinct > 3000);  // random slots would give about 3,220
}

}  // namespace
}  // namespace warrant
