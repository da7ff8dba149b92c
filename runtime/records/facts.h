// FactData: one documentation fact a pack declares (`fact pack_years: decimal`), as the record
// decoder checks a claim's `facts` object against it and the pack stores it.
#pragma once

#include <string>
#include <vector>

#include "runtime/core/value.h"

namespace warrant {

struct FactData {
  std::string name;
  Tag tag = Tag::Bool;  // Bool, Int, Decimal, String, Date
  std::vector<std::string> one_of;
};

}  // namespace warrant
