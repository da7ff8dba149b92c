// Bounded counters for the run views.
#include "compiler/driver/tally.h"

#include <algorithm>

namespace warrant::driver {

void Tally::Add(std::string_view key, Decision decision) {
  auto it = rows_.find(key);
  TallyRow* row = nullptr;
  if (it != rows_.end()) {
    row = &it->second;
  } else if (rows_.size() < max_keys_) {
    row = &rows_.emplace(std::string(key), TallyRow{std::string(key)}).first->second;
  } else {
    row = &other_;
  }
  ++row->lines;
  ++row->by_decision[static_cast<size_t>(decision)];
}

std::vector<TallyRow> Tally::Rows() const {
  std::vector<TallyRow> rows;
  rows.reserve(rows_.size() + 1);
  for (const auto& [key, row] : rows_)
    rows.push_back(row);
  std::sort(rows.begin(), rows.end(), [](const TallyRow& a, const TallyRow& b) {
    return a.lines != b.lines ? a.lines > b.lines : a.key < b.key;
  });
  if (other_.lines)
    rows.push_back(other_);
  return rows;
}

bool LineKeys::First(std::string_view key) {
  if (std::find(keys_.begin(), keys_.end(), key) != keys_.end())
    return false;
  keys_.emplace_back(key);
  return true;
}

}  // namespace warrant::driver
