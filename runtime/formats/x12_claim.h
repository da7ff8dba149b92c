// One X12 837 claim as the reader gathers it (the CLM and its loops, with the billing provider,
// subscriber and patient of the HL levels above it), and its Warrant JSON record. Values are
// kept as X12 gives them, converted only in form (CCYYMMDD to YYYY-MM-DD, E1165 to E11.65);
// whether they are valid is the claim schema's to say, when the record is decoded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace warrant {

struct X12Provider {
  std::string npi;       // NM109 when NM108 is XX
  std::string taxonomy;  // PRV03 when PRV02 is PXC
};

struct X12Person {
  std::string id;          // NM109 of NM1*IL or NM1*QC
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // DMG03
};

struct X12Line {
  std::string code;
  std::vector<std::string> modifiers;
  std::string charge;  // a JSON number
  std::string units;   // a JSON integer; "" when absent (the schema's default, 1)
  std::vector<std::string> dx_pointers;
  std::string date;
  std::string place_of_service;
  std::string revenue_code;
  std::string ndc, drug_quantity, drug_unit;
  X12Provider rendering, referring, ordering;
};

struct X12Claim {
  std::string id;
  bool institutional = false;
  std::string place_of_service;  // 837P CLM05-1
  std::string bill_type;         // 837I CLM05-1 + CLM05-3
  std::string frequency;         // original, replacement, void
  std::string original_id;       // REF*F8 of loop 2300: the payer's control number of the claim
                                 // a replacement or void takes the place of
  std::string statement_date;    // 837I DTP*434, its first date
  X12Person patient;
  X12Provider billing, rendering, referring, ordering;
  std::vector<std::string> diagnoses;  // with the dot
  std::vector<X12Line> lines;
};

// The claim as one line of Warrant JSON (docs/language.md §9).
std::string X12ClaimJson(const X12Claim& claim);
// The same, appended to `out`.
void AppendX12ClaimJson(const X12Claim& claim, std::string& out);

}  // namespace warrant
