// Code systems: normalisation, validation messages, packing order, prefixes and LOINC checks.
#include "runtime/core/code.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/catch.h"
#include "tests/unit/test_values.h"

namespace warrant {
namespace {

using test::Hcpcs;
using test::Icd;
using test::P;

std::string Norm(CodeSystem system, std::string_view text) {
  const CodeResult<CodeText> result = Normalize(system, text);
  return result.ok() ? result.value.str() : std::string("<invalid>");
}

CodeError ErrorOf(CodeSystem system, std::string_view text) {
  return Normalize(system, text).error;
}

std::string Why(CodeSystem system, std::string_view text) {
  return Validate(system, text).value_or("<valid>");
}

std::string Display(uint64_t packed) {
  const std::optional<CodeText> text = Unpack(packed);
  return text ? text->str() : std::string("<none>");
}

CodeInterval Prefix(CodeSystem system, std::string_view prefix) {
  const CodeResult<CodeInterval> result = PrefixInterval(system, prefix);
  if (!result.ok()) {
    FAIL("not a valid prefix: " << std::string(prefix));
  }
  return result.value;
}

bool In(CodeInterval interval, uint64_t packed) {
  return interval.lo <= packed && packed <= interval.hi;
}

TEST_CASE("code: system names", "[code]") {
  for (CodeSystem system : kBuiltinCodeSystems) {
    CHECK(SystemFromName(SystemName(system)) == system);
  }
  CHECK(SystemName(CodeSystem::Icd10cm) == "icd10cm");
  CHECK(SystemName(CodeSystem::Hcpcs) == "hcpcs");
  CHECK(SystemName(CodeSystem::Loinc) == "loinc");
  CHECK(SystemName(CodeSystem::Pos) == "pos");
  CHECK(SystemName(CodeSystem::Modifier) == "modifier");
  CHECK_FALSE(SystemFromName("ICD10CM").has_value());
  CHECK_FALSE(SystemFromName("cpt").has_value());
  CHECK_FALSE(SystemFromName("").has_value());
}

TEST_CASE("code: ICD-10-CM normalisation", "[code][icd]") {
  const auto icd = CodeSystem::Icd10cm;
  CHECK(Norm(icd, "E11.9") == "E119");
  CHECK(Norm(icd, "e119") == "E119");
  CHECK(Norm(icd, "E119") == "E119");
  CHECK(Norm(icd, "e11.9") == "E119");
  CHECK(Norm(icd, "E11") == "E11");
  CHECK(Norm(icd, "U07.1") == "U071");
  CHECK(Norm(icd, "Z86.0101") == "Z860101");
  CHECK(Norm(icd, "S52.521A") == "S52521A");  // 7 characters with an extension
  CHECK(Norm(icd, "T14.91XA") == "T1491XA");  // placeholder X
  CHECK(Norm(icd, "C4A.0") == "C4A0");        // a letter in third place
  CHECK(Norm(icd, "Z3A.10") == "Z3A10");
  CHECK(Norm(icd, "O24.01") == "O2401");
}

TEST_CASE("code: ICD-10-CM invalid codes and their reasons", "[code][icd]") {
  const auto icd = CodeSystem::Icd10cm;
  CHECK(ErrorOf(icd, "E1.19") == CodeError::MisplacedDot);
  CHECK(Why(icd, "E1.19") ==
        "`E1.19` is not a valid ICD-10-CM code: a dot goes after the third character");
  CHECK(ErrorOf(icd, "E119.") == CodeError::MisplacedDot);
  CHECK(ErrorOf(icd, "E11..9") == CodeError::MisplacedDot);
  CHECK(ErrorOf(icd, ".E119") == CodeError::MisplacedDot);
  CHECK(ErrorOf(icd, "E11.") == CodeError::DotAtEnd);
  CHECK(ErrorOf(icd, "") == CodeError::Empty);
  CHECK(ErrorOf(icd, "E1") == CodeError::TooShort);
  CHECK(ErrorOf(icd, "E11.12345") == CodeError::TooLong);
  CHECK(ErrorOf(icd, "E1112345") == CodeError::TooLong);
  CHECK(ErrorOf(icd, "111.9") == CodeError::ExpectedLetter);
  CHECK(ErrorOf(icd, "EE1.9") == CodeError::ExpectedDigit);
  // FY2026's QA0 category has a letter second (the only chapter that does).
  CHECK(Normalize(icd, "QA0.0").ok());
  CHECK(Normalize(icd, "QA00101").ok());
  CHECK(ErrorOf(icd, "E11,9") == CodeError::BadCharacter);
  CHECK(ErrorOf(icd, " E119") == CodeError::BadCharacter);
  CHECK(ErrorOf(icd, "E119 ") == CodeError::BadCharacter);
  CHECK(ErrorOf(icd, "E11-9") == CodeError::BadCharacter);

  CHECK(Why(icd, "E11.9") == "<valid>");
  CHECK(Why(icd, "E11.") ==
        "`E11.` is not a valid ICD-10-CM code: a dot must be followed by more characters");
  CHECK(Why(icd, "E11.12345") ==
        "`E11.12345` is not a valid ICD-10-CM code: it has 8 characters but ICD-10-CM codes have "
        "3 to 7, not counting the dot");
  CHECK(Why(icd, "E1") ==
        "`E1` is not a valid ICD-10-CM code: it has 2 characters but "
        "ICD-10-CM codes have 3 to 7, not counting the dot");
  CHECK(Why(icd, "111.9") ==
        "`111.9` is not a valid ICD-10-CM code: the first character must be a letter");
  CHECK(Why(icd, "EE1.9") ==
        "`EE1.9` is not a valid ICD-10-CM code: the second character must be a digit");
  CHECK(Why(icd, "E11 9") ==
        "`E11 9` is not a valid ICD-10-CM code: a space is not a letter or digit");
  CHECK(Why(icd, "E11\x01") ==
        "`E11\\x01` is not a valid ICD-10-CM code: `\\x01` is not a letter or digit");
  CHECK(Why(icd, "") == "`` is not a valid ICD-10-CM code: it is empty");
  // The reason alone, for messages that already quote the code (even one holding ": ").
  CHECK(ValidateReason(icd, "E1.19") == "a dot goes after the third character");
  CHECK(ValidateReason(icd, "E1: 9") == "`:` is not a letter or digit");
  CHECK(ValidateReason(icd, "E11.9") == std::nullopt);
  CHECK(ValidatePrefixReason(icd, "E1.*") == "a dot goes after the third character");
  CHECK(ValidatePrefixReason(icd, "E11.*") == std::nullopt);
}

TEST_CASE("code: HCPCS and CPT", "[code][hcpcs]") {
  const auto hcpcs = CodeSystem::Hcpcs;
  for (const char* code : {"82270", "99213", "00100", "G0328", "A0021", "V5010", "0001U", "0075T",
                           "3044F", "0002M", "J3490"}) {
    INFO(code);
    CHECK(Norm(hcpcs, code) == code);
  }
  CHECK(Norm(hcpcs, "g0328") == "G0328");
  CHECK(Norm(hcpcs, "0001u") == "0001U");
  CHECK(ErrorOf(hcpcs, "8227") == CodeError::TooShort);
  CHECK(ErrorOf(hcpcs, "822700") == CodeError::TooLong);
  CHECK(ErrorOf(hcpcs, "G-328") == CodeError::BadCharacter);
  CHECK(ErrorOf(hcpcs, "") == CodeError::Empty);
  for (const char* code :
       {"W1234", "Z1234", "G03A8", "0001X", "0001A", "ABCDE", "GG328", "1234G"}) {
    INFO(code);
    CHECK(ErrorOf(hcpcs, code) == CodeError::BadShape);
  }
  CHECK(Why(hcpcs, "W1234") ==
        "`W1234` is not a valid HCPCS code: HCPCS Level II codes start with a letter from A to V");
  CHECK(Why(hcpcs, "G03A8") ==
        "`G03A8` is not a valid HCPCS code: expected 5 digits (CPT), 4 digits and F, M, T or U "
        "(CPT Category II, MAAA, Category III, PLA), or a letter A to V and 4 digits (HCPCS Level "
        "II)");
  CHECK(Why(hcpcs, "8227") ==
        "`8227` is not a valid HCPCS code: it has 4 characters but HCPCS and CPT codes have "
        "exactly 5");
}

TEST_CASE("code: LOINC check digits", "[code][loinc]") {
  const auto loinc = CodeSystem::Loinc;
  for (const char* code : {"4548-4", "2703-7", "59408-5", "4544-3", "72166-2", "1-8", "100000-9"}) {
    INFO(code);
    CHECK(Norm(loinc, code) == code);
  }
  CHECK(ErrorOf(loinc, "4548-3") == CodeError::CheckDigit);
  CHECK(Why(loinc, "4548-3") == "`4548-3` is not a valid LOINC code: its check digit should be 4");
  CHECK(ErrorOf(loinc, "59408-4") == CodeError::CheckDigit);
  CHECK(ErrorOf(loinc, "4548") == CodeError::BadShape);
  CHECK(ErrorOf(loinc, "4548-") == CodeError::BadShape);
  CHECK(ErrorOf(loinc, "-4") == CodeError::BadShape);
  CHECK(ErrorOf(loinc, "4548-44") == CodeError::BadShape);
  CHECK(ErrorOf(loinc, "45-48-4") == CodeError::BadShape);
  CHECK(ErrorOf(loinc, "04548-4") == CodeError::LeadingZero);
  CHECK(ErrorOf(loinc, "12345678-6") == CodeError::TooLong);
  CHECK(ErrorOf(loinc, "LOINC|4548-4") == CodeError::BadCharacter);
  CHECK(ErrorOf(loinc, "4548-x") == CodeError::BadCharacter);
  CHECK(ErrorOf(loinc, "") == CodeError::Empty);
  CHECK(Why(loinc, "4548") ==
        "`4548` is not a valid LOINC code: a LOINC code is digits, a dash and a check digit, e.g. "
        "`4548-4`");

  // Exactly one check digit fits each number, and changing any one digit of the number is
  // caught (the point of a mod-10 check).
  for (int number = 1; number < 30000; ++number) {
    const std::string digits = std::to_string(number);
    int valid = 0;
    for (char check = '0'; check <= '9'; ++check) {
      if (Normalize(loinc, digits + "-" + check).ok()) {
        ++valid;
      }
    }
    if (valid != 1) {
      FAIL(number << " has " << valid << " valid check digits");
    }
  }
}

TEST_CASE("code: place of service and modifiers", "[code]") {
  const auto pos = CodeSystem::Pos;
  const auto modifier = CodeSystem::Modifier;
  for (const char* code : {"01", "02", "10", "11", "21", "81", "99"}) {
    CHECK(Norm(pos, code) == code);
  }
  CHECK(ErrorOf(pos, "00") == CodeError::OutOfRange);
  CHECK(ErrorOf(pos, "1") == CodeError::TooShort);
  CHECK(ErrorOf(pos, "111") == CodeError::TooLong);
  CHECK(ErrorOf(pos, "1A") == CodeError::BadCharacter);
  CHECK(
      Why(pos, "00") ==
      "`00` is not a valid place of service code: place of service codes are two digits, 01 to 99");
  CHECK(Why(pos, "1A") == "`1A` is not a valid place of service code: `A` is not a digit");

  for (const char* code : {"25", "59", "KX", "GA", "GZ", "XE", "TC", "76", "RT", "E1", "F9"}) {
    CHECK(Norm(modifier, code) == code);
  }
  CHECK(Norm(modifier, "kx") == "KX");
  CHECK(ErrorOf(modifier, "K") == CodeError::TooShort);
  CHECK(ErrorOf(modifier, "KXX") == CodeError::TooLong);
  CHECK(ErrorOf(modifier, "K-") == CodeError::BadCharacter);
  CHECK(
      Why(modifier, "KXX") ==
      "`KXX` is not a valid modifier code: modifiers are two letters or digits, e.g. `25` or `KX`");
}

TEST_CASE("code: ICD-10-CM packed order", "[code][icd]") {
  // Shorter codes before their descendants, digits before letters.
  const char* ordered[] = {"A00",    "E10.9", "E11",    "E11.0",   "E11.00",   "E11.01", "E11.1",
                           "E11.9",  "E11.A", "E11.Z",  "E12",     "E12.0",    "O24.01", "O24.011",
                           "O24.02", "U07.1", "Z86.01", "Z86.010", "Z86.0100", "Z86.011"};
  for (size_t i = 1; i < std::size(ordered); ++i) {
    INFO(ordered[i - 1] << " < " << ordered[i]);
    CHECK(Icd(ordered[i - 1]) < Icd(ordered[i]));
  }
  CHECK(Icd("E11") < Icd("E110"));
  CHECK(Icd("E110") < Icd("E1100"));
  CHECK(Icd("E1100") < Icd("E111"));
  CHECK(Icd("E111") < Icd("E119"));
  CHECK(Icd("E119") < Icd("E12"));
  CHECK(Icd("E11.9") == Icd("E119"));
  CHECK(Icd("e11.9") == Icd("E119"));
}

// Random syntactically valid ICD-10-CM codes (canonical form) for the property tests.
std::vector<std::string> RandomIcdCodes(size_t count) {
  std::mt19937 rng(20240229);
  const std::string letters = "ABEIOUZ";  // few letters, so codes share prefixes often
  const std::string alnum = "0129AXZ";
  std::vector<std::string> codes;
  for (size_t n = 0; n < count; ++n) {
    std::string code;
    code += letters[rng() % letters.size()];
    code += "159"[rng() % 3];
    code += alnum[rng() % alnum.size()];
    const size_t extra = rng() % 5;
    for (size_t i = 0; i < extra; ++i) {
      code += alnum[rng() % alnum.size()];
    }
    codes.push_back(code);
  }
  return codes;
}

// The intended order: character by character, end of code < digits < letters.
bool CodeLess(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& s, size_t i) {
    return i < s.size() ? (s[i] <= '9' ? 1 + s[i] - '0' : 11 + s[i] - 'A') : 0;
  };
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (rank(a, i) != rank(b, i)) {
      return rank(a, i) < rank(b, i);
    }
  }
  return false;
}

TEST_CASE("code: ICD-10-CM order and prefix properties on random codes", "[code][icd]") {
  const std::vector<std::string> codes = RandomIcdCodes(3000);
  std::vector<uint64_t> packed;
  for (const std::string& code : codes) {
    packed.push_back(Icd(code));
  }
  for (size_t i = 0; i + 1 < codes.size(); ++i) {
    const std::string& a = codes[i];
    const std::string& b = codes[i + 1];
    if (CodeLess(a, b) != (packed[i] < packed[i + 1]) || (a == b) != (packed[i] == packed[i + 1])) {
      FAIL("order disagrees for " << a << " and " << b);
    }
  }
  // Every prefix of every code: the interval holds exactly the codes that start with the
  // prefix and are longer.
  for (size_t i = 0; i < 200; ++i) {
    const std::string& code = codes[i];
    for (size_t length = 1; length < code.size(); ++length) {
      const std::string prefix = code.substr(0, length);
      const CodeInterval interval = Prefix(CodeSystem::Icd10cm, prefix);
      for (size_t j = 0; j < codes.size(); ++j) {
        const std::string& other = codes[j];
        const bool descends = other.size() > prefix.size() && other.compare(0, length, prefix) == 0;
        if (In(interval, packed[j]) != descends) {
          FAIL("prefix " << prefix << " vs " << other);
        }
      }
    }
  }
}

// Pack has a one-pass path for upper-case ICD-10-CM with its dot and for 5-character HCPCS;
// lower case always takes the full analysis, so the two spellings check one path against the
// other on every code (and on texts that are not codes).
std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

TEST_CASE("code: the fast packing agrees with the full analysis", "[code]") {
  std::vector<std::string> icd;
  for (const std::string& code : RandomIcdCodes(3000)) {
    icd.push_back(code.size() > 3 ? code.substr(0, 3) + "." + code.substr(3) : code);
  }
  for (const char* odd : {"E11.", "E1.1", "E11.65.", "Q9A.1", "QA0.1", "E11.12345", "e11.9",
                          "E11..9", "1E1.9", "E1A", "E1"}) {
    icd.push_back(odd);
  }
  for (const std::string& code : icd) {
    INFO(code);
    CHECK(Pack(CodeSystem::Icd10cm, code) == Pack(CodeSystem::Icd10cm, Lower(code)));
    CHECK(Pack(CodeSystem::Icd10cm, code).has_value() ==
          !Validate(CodeSystem::Icd10cm, code).has_value());
  }
  std::mt19937 rng(7);
  const std::string alphabet = "0159AGJVWXZ";
  for (int n = 0; n < 5000; ++n) {
    std::string code;
    const size_t length = 4 + rng() % 3;
    for (size_t i = 0; i < length; ++i) {
      code += alphabet[rng() % alphabet.size()];
    }
    INFO(code);
    CHECK(Pack(CodeSystem::Hcpcs, code) == Pack(CodeSystem::Hcpcs, Lower(code)));
    CHECK(Pack(CodeSystem::Hcpcs, code).has_value() ==
          !Validate(CodeSystem::Hcpcs, code).has_value());
  }
  // Every system, against the full analysis alone: random texts over each system's characters
  // (and a few that are not), of lengths around the valid ones.
  const std::pair<CodeSystem, std::string> alphabets[] = {{CodeSystem::Icd10cm, "EZQA019.x-"},
                                                          {CodeSystem::Hcpcs, "0159GJTaF.-"},
                                                          {CodeSystem::Loinc, "0123456789--a"},
                                                          {CodeSystem::Pos, "0019a-"},
                                                          {CodeSystem::Modifier, "25RTrt9-_"}};
  for (const auto& [system, chars] : alphabets) {
    for (int n = 0; n < 20000; ++n) {
      std::string code;
      const size_t length = rng() % 10;
      for (size_t i = 0; i < length; ++i)
        code += chars[rng() % chars.size()];
      INFO(SystemNoun(system) << ": " << code);
      CHECK(Pack(system, code) == PackAnalyzed(system, code));
    }
  }
  for (const char* loinc : {"4548-4", "2345-7", "2345-8", "0345-7", "12345678-9", "1234567-0", "-4",
                            "4548-", "45-48-4", "LOINC|4548-4"}) {
    INFO(loinc);
    CHECK(Pack(CodeSystem::Loinc, loinc) == PackAnalyzed(CodeSystem::Loinc, loinc));
  }
  CHECK(Display(Hcpcs("99213")) == "99213");
  CHECK(Display(Hcpcs("G0438")) == "G0438");
  CHECK(Display(Icd("E11.65")) == "E11.65");
}

TEST_CASE("code: ICD-10-CM prefix intervals", "[code][icd]") {
  const CodeInterval e11 = Prefix(CodeSystem::Icd10cm, "E11.");
  CHECK(Prefix(CodeSystem::Icd10cm, "E11") == e11);
  CHECK(Prefix(CodeSystem::Icd10cm, "E11.*") == e11);
  CHECK(Prefix(CodeSystem::Icd10cm, "E11*") == e11);
  CHECK(Prefix(CodeSystem::Icd10cm, "e11.*") == e11);
  for (const char* code : {"E11.0", "E11.00", "E11.9", "E119", "E11.65", "E11.3551", "E11.A",
                           "E11.ZZZZ", "E11.0000"}) {
    INFO(code);
    CHECK(In(e11, Icd(code)));
  }
  for (const char* code : {"E11", "E12", "E10.9", "E12.0", "E111X"}) {
    INFO(code);
    CHECK(In(e11, Icd(code)) == (std::string(code) == "E111X"));
  }
  CHECK_FALSE(In(e11, Icd("E11")));
  CHECK_FALSE(In(e11, Icd("E12")));

  const CodeInterval z8601 = Prefix(CodeSystem::Icd10cm, "Z86.01*");
  CHECK(In(z8601, Icd("Z86.010")));
  CHECK(In(z8601, Icd("Z86.0101")));
  CHECK_FALSE(In(z8601, Icd("Z86.01")));
  CHECK_FALSE(In(z8601, Icd("Z86.02")));
  CHECK_FALSE(In(z8601, Icd("Z86.1")));

  const CodeInterval e = Prefix(CodeSystem::Icd10cm, "E");
  CHECK(In(e, Icd("E00")));
  CHECK(In(e, Icd("E89.89")));
  CHECK_FALSE(In(e, Icd("D89.9")));
  CHECK_FALSE(In(e, Icd("F01.50")));

  CHECK(PrefixInterval(CodeSystem::Icd10cm, "E1.*").error == CodeError::MisplacedDot);
  CHECK(PrefixInterval(CodeSystem::Icd10cm, "1E1.*").error == CodeError::ExpectedLetter);
  CHECK(PrefixInterval(CodeSystem::Icd10cm, "T14.91XA*").error == CodeError::PrefixTooLong);
  CHECK(PrefixInterval(CodeSystem::Icd10cm, "*").error == CodeError::Empty);
  CHECK(PrefixInterval(CodeSystem::Icd10cm, "E11.**").error == CodeError::BadCharacter);
  CHECK(ValidatePrefix(CodeSystem::Icd10cm, "E11.*") == std::nullopt);
  CHECK(ValidatePrefix(CodeSystem::Icd10cm, "E1.*") ==
        "`E1.*` is not a valid ICD-10-CM prefix: a dot goes after the third character");
  CHECK(ValidatePrefix(CodeSystem::Icd10cm, "T14.91XA*") ==
        "`T14.91XA*` is not a valid ICD-10-CM prefix: a prefix has at most 6 characters, not "
        "counting the dot; to match one code, write it without `*`");
}

TEST_CASE("code: HCPCS order keeps the three bands apart", "[code][hcpcs]") {
  const char* ordered[] = {"00100", "01999", "82270", "99202", "99499", "0001F",
                           "3044F", "9007F", "0002M", "0075T", "0100T", "0001U",
                           "0300U", "A0021", "G0101", "G0328", "G0438", "V5010"};
  for (size_t i = 1; i < std::size(ordered); ++i) {
    INFO(ordered[i - 1] << " < " << ordered[i]);
    CHECK(Hcpcs(ordered[i - 1]) < Hcpcs(ordered[i]));
  }
  // The anesthesia range 00100 .. 01999 does not pick up Category III code 0100T.
  const CodeInterval anesthesia{Hcpcs("00100"), Hcpcs("01999")};
  CHECK(In(anesthesia, Hcpcs("00520")));
  CHECK_FALSE(In(anesthesia, Hcpcs("0100T")));
  CHECK_FALSE(In(anesthesia, Hcpcs("0150U")));

  const CodeInterval g04 = Prefix(CodeSystem::Hcpcs, "G04*");
  CHECK(In(g04, Hcpcs("G0438")));
  CHECK(In(g04, Hcpcs("G0400")));
  CHECK_FALSE(In(g04, Hcpcs("G0500")));
  CHECK_FALSE(In(g04, Hcpcs("G0399")));
  const CodeInterval e_m = Prefix(CodeSystem::Hcpcs, "992");
  CHECK(In(e_m, Hcpcs("99213")));
  CHECK_FALSE(In(e_m, Hcpcs("99300")));
  CHECK_FALSE(In(e_m, Hcpcs("9920F")));  // a digit prefix selects Category I only
  CHECK(PrefixInterval(CodeSystem::Hcpcs, "82270*").error == CodeError::PrefixTooLong);
  CHECK(PrefixInterval(CodeSystem::Hcpcs, "W1*").error == CodeError::BadShape);
  CHECK(PrefixInterval(CodeSystem::Hcpcs, "0001*").ok());
}

TEST_CASE("code: LOINC packs by number; other prefixes", "[code][loinc]") {
  const auto loinc = CodeSystem::Loinc;
  CHECK(P(loinc, "2703-7") < P(loinc, "4544-3"));
  CHECK(P(loinc, "4544-3") < P(loinc, "4548-4"));
  CHECK(P(loinc, "4548-4") < P(loinc, "59408-5"));
  CHECK(P(loinc, "59408-5") < P(loinc, "100000-9"));
  CHECK(PrefixInterval(loinc, "4548*").error == CodeError::PrefixNotSupported);
  CHECK(ValidatePrefix(loinc, "4548*") ==
        "`4548*` is not a valid LOINC prefix: LOINC codes have no hierarchy; list the codes");

  const CodeInterval x_mods = Prefix(CodeSystem::Modifier, "X*");
  CHECK(In(x_mods, P(CodeSystem::Modifier, "XE")));
  CHECK(In(x_mods, P(CodeSystem::Modifier, "XU")));
  CHECK_FALSE(In(x_mods, P(CodeSystem::Modifier, "GA")));
  CHECK(PrefixInterval(CodeSystem::Modifier, "XE*").error == CodeError::PrefixTooLong);
  const CodeInterval pos_0 = Prefix(CodeSystem::Pos, "0");
  CHECK(In(pos_0, P(CodeSystem::Pos, "02")));
  CHECK_FALSE(In(pos_0, P(CodeSystem::Pos, "10")));
}

TEST_CASE("code: systems never share packed values", "[code]") {
  CHECK(P(CodeSystem::Pos, "11") != P(CodeSystem::Modifier, "11"));
  CHECK(SystemOf(P(CodeSystem::Pos, "11")) == CodeSystem::Pos);
  CHECK(SystemOf(Icd("E11.9")) == CodeSystem::Icd10cm);
  CHECK(SystemOf(Hcpcs("G0328")) == CodeSystem::Hcpcs);
  CHECK(SystemOf(P(CodeSystem::Loinc, "4548-4")) == CodeSystem::Loinc);
  CHECK(SystemOf(P(CodeSystem::Modifier, "KX")) == CodeSystem::Modifier);
  CHECK_FALSE(SystemOf(uint64_t{20} << 56).has_value());
  // 128..255 are the systems a pack declares; whether one is declared is the schema's to say.
  CHECK(SystemOf(*Pack(static_cast<CodeSystem>(200), "AHI")) == static_cast<CodeSystem>(200));
  CHECK(P(static_cast<CodeSystem>(128), "AHI") != P(static_cast<CodeSystem>(129), "AHI"));
  // Every ICD-10-CM code is below every HCPCS code.
  CHECK(Prefix(CodeSystem::Icd10cm, "Z").hi < Hcpcs("00100"));
}

TEST_CASE("code: Unpack gives the display form", "[code]") {
  CHECK(Display(Icd("E119")) == "E11.9");
  CHECK(Display(Icd("E11")) == "E11");
  CHECK(Display(Icd("s52521a")) == "S52.521A");
  CHECK(Display(Hcpcs("G0328")) == "G0328");
  CHECK(Display(Hcpcs("0001U")) == "0001U");
  CHECK(Display(Hcpcs("3044F")) == "3044F");
  CHECK(Display(Hcpcs("99213")) == "99213");
  CHECK(Display(P(CodeSystem::Loinc, "59408-5")) == "59408-5");
  CHECK(Display(P(CodeSystem::Pos, "02")) == "02");
  CHECK(Display(P(CodeSystem::Modifier, "kx")) == "KX");
  for (const std::string& code : RandomIcdCodes(500)) {
    if (Norm(CodeSystem::Icd10cm, Display(Icd(code))) != code) {
      FAIL("round trip of " << code);
    }
  }
  // Interval bounds and garbage are not codes.
  const CodeInterval e11 = Prefix(CodeSystem::Icd10cm, "E11");
  CHECK(Display(e11.lo) == "<none>");
  CHECK(Display(e11.hi) == "<none>");
  CHECK(Display(0) == "<none>");
  CHECK(Display(~uint64_t{0}) == "<none>");
  CHECK(Display(uint64_t{5} << 56) == "<none>");
  CHECK(Display(P(CodeSystem::Loinc, "4548-4") + 1) == "<none>");    // wrong check digit
  CHECK(Display(Hcpcs("G0328") | (uint64_t{3} << 30)) == "<none>");  // no such band
}

TEST_CASE("code: ranges end at the code or, where the system says so, below it", "[code]") {
  // ICD-10-CM: `E08 .. E13` takes every code under E13 (code_systems.def: Descendants).
  const std::optional<CodeInterval> icd = RangeInterval(CodeSystem::Icd10cm, "E08", "E13");
  REQUIRE(icd.has_value());
  CHECK(In(*icd, Icd("E08")));
  CHECK(In(*icd, Icd("E13.9")));
  CHECK(In(*icd, Icd("E13.10")));
  CHECK_FALSE(In(*icd, Icd("E14")));
  CHECK_FALSE(In(*icd, Icd("E07.9")));
  // HCPCS: the range stops at its upper code.
  const std::optional<CodeInterval> hcpcs = RangeInterval(CodeSystem::Hcpcs, "99201", "99215");
  REQUIRE(hcpcs.has_value());
  CHECK(*hcpcs == CodeInterval{Hcpcs("99201"), Hcpcs("99215")});
  CHECK_FALSE(RangeInterval(CodeSystem::Hcpcs, "99201", "9921").has_value());
  CHECK_FALSE(RangeInterval(static_cast<CodeSystem>(20), "A", "B").has_value());
}

TEST_CASE("code: prefix bytes without a system are refused", "[code]") {
  const auto unknown = static_cast<CodeSystem>(20);
  CHECK_FALSE(Normalize(unknown, "AHI").ok());
  CHECK_FALSE(Pack(unknown, "AHI").has_value());
  CHECK(Validate(unknown, "AHI").has_value());
  CHECK_FALSE(PrefixInterval(unknown, "A*").ok());
  CHECK(Display((uint64_t{20} << 56) | 5) == "<none>");
}

TEST_CASE("code: the syntax of the systems a pack declares", "[code]") {
  const auto local = static_cast<CodeSystem>(kFirstDeclaredSystem);
  CHECK(IsDeclaredSystem(local));
  CHECK_FALSE(IsDeclaredSystem(CodeSystem::BillType));
  // 1 to 9 letters, digits, `-` or `.`, letters upper-cased.
  CHECK(Norm(local, "sl0001") == "SL0001");
  CHECK(Norm(local, "A") == "A");
  CHECK(Norm(local, "SLP-12.3") == "SLP-12.3");
  CHECK(Norm(local, "123456789") == "123456789");
  CHECK_FALSE(Normalize(local, "").ok());
  CHECK_FALSE(Normalize(local, "1234567890").ok());
  CHECK_FALSE(Normalize(local, "SL_1").ok());
  CHECK_FALSE(Normalize(local, "SL 1").ok());
  CHECK(Validate(local, "SL_1") ==
        "`SL_1` is not a valid code of a declared system: `_` is not a letter, digit, `-` or `.`");
  CHECK(Display(P(local, "sl-1.2")) == "SL-1.2");
  CHECK(PackAnalyzed(local, "SL0001") == Pack(local, "SL0001"));
  // Character order, a code before its descendants, digits before letters.
  CHECK(P(local, "SL") < P(local, "SL0"));
  CHECK(P(local, "SL0") < P(local, "SL01"));
  CHECK(P(local, "SL9") < P(local, "SLA"));
  CHECK(P(local, "SL0001") < P(local, "SL0002"));
  // Prefixes and ranges.
  const CodeInterval sl = Prefix(local, "SL*");
  CHECK(In(sl, P(local, "SL0001")));
  CHECK(In(sl, P(local, "SL.ZZZZZZ")));
  CHECK_FALSE(In(sl, P(local, "SL")));
  CHECK_FALSE(In(sl, P(local, "SM")));
  CHECK_FALSE(PrefixInterval(local, "123456789*").ok());
  const std::optional<CodeInterval> range = RangeInterval(local, "SL0001", "SL0009");
  REQUIRE(range.has_value());
  CHECK(In(*range, P(local, "SL0005")));
  CHECK_FALSE(In(*range, P(local, "SL0010")));
  // Every packing of a valid code unpacks to it; nothing else does.
  CHECK(Display(P(local, "SL0001") + 1) == "<none>");
}

TEST_CASE("code: NDC, 11 digits 5-4-2, the 10-digit forms padded", "[code]") {
  const auto ndc = CodeSystem::Ndc;
  CHECK(Display(P(ndc, "00002-1433-80")) == "00002-1433-80");
  CHECK(P(ndc, "00002143380") == P(ndc, "00002-1433-80"));
  CHECK(P(ndc, "0002-1433-80") == P(ndc, "00002-1433-80"));  // 4-4-2
  CHECK(P(ndc, "50242-040-62") == P(ndc, "50242-0040-62"));  // 5-3-2
  CHECK(P(ndc, "60575-4112-1") == P(ndc, "60575-4112-01"));  // 5-4-1
  CHECK(PackAnalyzed(ndc, "00002-1433-80") == Pack(ndc, "00002-1433-80"));
  CHECK(ErrorOf(ndc, "0002143380") == CodeError::BadShape);  // 10 digits: which segment?
  CHECK(Why(ndc, "0002143380") ==
        "`0002143380` is not a valid NDC: a 10-digit NDC needs its hyphens (4-4-2, 5-3-2 or 5-4-1) "
        "to say which segment takes the leading zero");
  CHECK(ErrorOf(ndc, "0002-143-80") == CodeError::BadShape);  // two short segments
  CHECK(ErrorOf(ndc, "00002-1433-8-0") == CodeError::BadShape);
  CHECK(ErrorOf(ndc, "00002-1433-8A") == CodeError::BadCharacter);
  const CodeInterval labeler = Prefix(ndc, "00002*");
  CHECK(In(labeler, P(ndc, "00002-1433-80")));
  CHECK_FALSE(In(labeler, P(ndc, "00003-0000-00")));
  CHECK(In(Prefix(ndc, "00002-1433*"), P(ndc, "00002-1433-01")));
}

TEST_CASE("code: NPI, 10 digits with the 80840 Luhn check digit", "[code]") {
  const auto npi = CodeSystem::Npi;
  CHECK(Display(P(npi, "1234567893")) == "1234567893");  // CMS's example NPI
  CHECK(ErrorOf(npi, "1234567890") == CodeError::CheckDigit);
  CHECK(Why(npi, "1234567890") ==
        "`1234567890` is not a valid NPI: its check digit should be 3 (Luhn over 80840 and the "
        "first nine digits)");
  CHECK(ErrorOf(npi, "123456789") == CodeError::TooShort);
  CHECK(Why(npi, "123456789") == "`123456789` is not a valid NPI: an NPI is 10 digits");
  CHECK(ErrorOf(npi, "12345678X3") == CodeError::BadCharacter);
}

TEST_CASE("code: provider taxonomy, revenue codes and types of bill", "[code]") {
  const auto taxonomy = CodeSystem::Taxonomy;
  CHECK(Display(P(taxonomy, "207q00000x")) == "207Q00000X");
  CHECK(ErrorOf(taxonomy, "207Q00000") == CodeError::TooShort);
  CHECK(ErrorOf(taxonomy, "207Q000001") == CodeError::BadShape);  // does not end in X
  CHECK(In(Prefix(taxonomy, "207Q*"), P(taxonomy, "207QA0505X")));
  CHECK_FALSE(In(Prefix(taxonomy, "207Q*"), P(taxonomy, "207R00000X")));

  const auto revenue = CodeSystem::Revenue;
  CHECK(Display(P(revenue, "0450")) == "0450");
  CHECK(P(revenue, "450") == P(revenue, "0450"));
  CHECK(ErrorOf(revenue, "45") == CodeError::TooShort);
  CHECK(In(Prefix(revenue, "045*"), P(revenue, "0456")));
  CHECK_FALSE(In(Prefix(revenue, "045*"), P(revenue, "0460")));

  const auto bill = CodeSystem::BillType;
  CHECK(Display(P(bill, "131")) == "131");
  CHECK(P(bill, "0131") == P(bill, "131"));
  CHECK(ErrorOf(bill, "031") == CodeError::BadShape);
  CHECK(ErrorOf(bill, "1311") == CodeError::TooLong);
  CHECK(In(Prefix(bill, "13*"), P(bill, "137")));
  CHECK(In(Prefix(bill, "013*"), P(bill, "131")));
  CHECK_FALSE(In(Prefix(bill, "13*"), P(bill, "141")));
}

}  // namespace
}  // namespace warrant
