// Whole-text integer parsing for command-line values (compiler/base/integer.h).
#include "compiler/base/integer.h"

#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("integer: the whole text is one integer in range", "[integer]") {
  CHECK(ParseInteger("4", 1, 256) == 4);
  CHECK(ParseInteger("256", 1, 256) == 256);
  CHECK(ParseInteger("-3", -5, 5) == -3);
  CHECK_FALSE(ParseInteger("0", 1, 256).has_value());
  CHECK_FALSE(ParseInteger("257", 1, 256).has_value());
  CHECK_FALSE(ParseInteger("", 1, 256).has_value());
  CHECK_FALSE(ParseInteger("4x", 1, 256).has_value());
  CHECK_FALSE(ParseInteger(" 4", 1, 256).has_value());
  CHECK_FALSE(ParseInteger("+4", 1, 256).has_value());
  CHECK_FALSE(ParseInteger("4.0", 1, 256).has_value());
  CHECK_FALSE(ParseInteger("99999999999999999999999", 1, 256).has_value());  // out of int64
}

}  // namespace
}  // namespace warrant
