#include "runtime/formats/fhir_json.h"

#include <array>
#include <bit>
#include <cstdint>
#include <utility>

#include "runtime/core/date.h"

namespace warrant::fhir {

std::optional<Element> Member(Element e, std::string_view key) {
  Object object;
  if (e.get(object) != simdjson::SUCCESS)
    return std::nullopt;
  Element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS)
    return std::nullopt;
  return value;
}

std::optional<std::string_view> StringMember(Element e, std::string_view key) {
  const std::optional<Element> m = Member(e, key);
  std::string_view s;
  if (!m || m->get(s) != simdjson::SUCCESS)
    return std::nullopt;
  return s;
}

std::optional<Array> ArrayMember(Element e, std::string_view key) {
  const std::optional<Element> m = Member(e, key);
  Array a;
  if (!m || m->get(a) != simdjson::SUCCESS)
    return std::nullopt;
  return a;
}

std::optional<Object> ObjectMember(Element e, std::string_view key) {
  const std::optional<Element> m = Member(e, key);
  Object o;
  if (!m || m->get(o) != simdjson::SUCCESS)
    return std::nullopt;
  return o;
}

std::optional<double> NumberMember(Element e, std::string_view key) {
  const std::optional<Element> m = Member(e, key);
  if (!m || !m->is_number())
    return std::nullopt;
  double d = 0;
  if (m->get_double().get(d) != simdjson::SUCCESS) {
    int64_t i = 0;
    uint64_t u = 0;
    if (m->get_int64().get(i) == simdjson::SUCCESS)
      d = static_cast<double>(i);
    else if (m->get_uint64().get(u) == simdjson::SUCCESS)
      d = static_cast<double>(u);
    else
      return std::nullopt;
  }
  return d;
}

CodingParts SystemAndCode(Element coding) {
  CodingParts parts;
  Object object;
  if (coding.get(object) != simdjson::SUCCESS)
    return parts;
  bool system_seen = false, code_seen = false;  // the first of a key counts, as at_key finds it
  for (const auto field : object) {
    if (!system_seen && field.key == "system") {
      system_seen = true;
      if (field.value.get(parts.system) != simdjson::SUCCESS)
        parts.system = {};
    } else if (!code_seen && field.key == "code") {
      code_seen = true;
      if (field.value.get(parts.code) != simdjson::SUCCESS)
        parts.code = {};
    }
    if (system_seen && code_seen)
      break;
  }
  return parts;
}

std::string_view JsonTypeNoun(Element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

namespace {

constexpr std::array<std::pair<std::string_view, System>, 24> kSystems = {{
    {"http://hl7.org/fhir/sid/icd-10-cm", System::Icd10},
    {"http://hl7.org/fhir/sid/icd-10", System::Icd10},
    {"urn:oid:2.16.840.1.113883.6.90", System::Icd10},
    {"http://hl7.org/fhir/sid/icd-9-cm", System::Icd9},
    {"http://hl7.org/fhir/sid/icd-9", System::Icd9},
    {"http://www.cms.gov/Medicare/Coding/ICD9", System::Icd9},
    {"urn:oid:2.16.840.1.113883.6.103", System::Icd9},
    {"https://bluebutton.cms.gov/resources/codesystem/hcpcs", System::Procedure},
    {"http://www.ama-assn.org/go/cpt", System::Procedure},
    {"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", System::Procedure},
    {"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", System::Procedure},
    {"urn:oid:2.16.840.1.113883.6.12", System::Procedure},
    {"urn:oid:2.16.840.1.113883.6.285", System::Procedure},
    {"https://bluebutton.cms.gov/resources/variables/line_place_of_srvc_cd",
     System::PlaceOfService},
    {"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
     System::PlaceOfService},
    {"http://terminology.hl7.org/CodeSystem/CMSPlaceofServiceCodes", System::PlaceOfService},
    {"https://bluebutton.cms.gov/resources/variables/rev_cntr", System::Revenue},
    {"https://www.nubc.org/CodeSystem/RevenueCodes", System::Revenue},
    {"http://www.nubc.org/CodeSystem/RevenueCodes", System::Revenue},
    {"https://bluebutton.cms.gov/resources/variables/fiss/rev-cd", System::Revenue},
    {"http://hl7.org/fhir/sid/ndc", System::Ndc},
    {"http://terminology.hl7.org/CodeSystem/claim-type", System::ClaimType},
    {"https://www.nubc.org/CodeSystem/TypeOfBill", System::TypeOfBill},
    {"http://www.nubc.org/CodeSystem/TypeOfBill", System::TypeOfBill},
}};

// Bit i: kSystems[i]'s uri has that size. Every coding asks, so a uri is compared only with the
// known ones of its size.
constexpr size_t kMaxUri = 96;

constexpr std::array<uint32_t, kMaxUri> SystemsBySize() {
  std::array<uint32_t, kMaxUri> by_size{};
  static_assert(kSystems.size() <= 32);
  for (size_t i = 0; i < kSystems.size(); ++i) {
    if (kSystems[i].first.size() >= kMaxUri)
      throw "a uri shorter than kMaxUri";  // not constant: the table does not compile
    by_size[kSystems[i].first.size()] |= uint32_t{1} << i;
  }
  return by_size;
}

constexpr std::array<uint32_t, kMaxUri> kSystemsBySize = SystemsBySize();

}  // namespace

System KnownSystem(std::string_view uri) {
  if (uri.size() >= kMaxUri)
    return System::Unknown;
  for (uint32_t m = kSystemsBySize[uri.size()]; m != 0; m &= m - 1) {
    const auto& [known, system] = kSystems[static_cast<size_t>(std::countr_zero(m))];
    if (uri == known)
      return system;
  }
  return System::Unknown;
}

std::string SystemCode(Element coding) {
  std::string out(StringMember(coding, "system").value_or(""));
  out += '|';
  out += StringMember(coding, "code").value_or("");
  return out;
}

std::string_view ReferenceId(std::string_view reference) {
  if (reference.starts_with('#'))
    return reference.substr(1);
  const size_t history = reference.find("/_history/");
  if (history != std::string_view::npos)
    reference = reference.substr(0, history);
  const size_t slash = reference.rfind('/');
  return slash == std::string_view::npos ? reference : reference.substr(slash + 1);
}

std::optional<std::string_view> DatePart(std::string_view text) {
  if (text.size() < 10 || (text.size() > 10 && text[10] != 'T'))
    return std::nullopt;
  const std::string_view date = text.substr(0, 10);
  if (!ParseDate(date))
    return std::nullopt;
  return date;
}

}  // namespace warrant::fhir
