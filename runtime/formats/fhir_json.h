// Reading FHIR R4 JSON: small accessors over simdjson's DOM for what every FHIR element is made
// of (objects, arrays, strings, Coding, CodeableConcept, Reference), and the code systems the
// reader knows by URI. Nothing here writes a Warrant record or decides what a claim means.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace warrant::fhir {

using Element = simdjson::dom::element;
using Array = simdjson::dom::array;
using Object = simdjson::dom::object;

// The member `key` of `e` when `e` is an object that has it, else nullopt.
std::optional<Element> Member(Element e, std::string_view key);
// The member as a string / array / object, nullopt when absent or of another JSON type.
std::optional<std::string_view> StringMember(Element e, std::string_view key);
std::optional<Array> ArrayMember(Element e, std::string_view key);
std::optional<Object> ObjectMember(Element e, std::string_view key);
// A number member as a double (an integer or a decimal), nullopt otherwise.
std::optional<double> NumberMember(Element e, std::string_view key);

// A Coding's system and code, each "" when absent or not a string (as StringMember(...).value_or
// ("") gives them), read in one pass over its members rather than a lookup each.
struct CodingParts {
  std::string_view system;
  std::string_view code;
};

CodingParts SystemAndCode(Element coding);

// What a JSON value is, for messages: "a string", "an array", ...
std::string_view JsonTypeNoun(Element e);

// The code systems a coding can be in, as far as the reader is concerned.
enum class System {
  Unknown,    // kept as "SYSTEM|CODE" in the record's unread_codings
  Icd10,      // ICD-10-CM, or WHO ICD-10 (same syntax; read as ICD-10-CM)
  Icd9,       // refused: Warrant decides ICD-10-CM claims
  Procedure,  // HCPCS Level I (CPT) and Level II
  PlaceOfService,
  Revenue,
  Ndc,
  ClaimType,   // http://terminology.hl7.org/CodeSystem/claim-type
  TypeOfBill,  // NUBC type of bill
};

System KnownSystem(std::string_view uri);

// "SYSTEM|CODE" (or "|CODE" with no system), how an unread coding is kept.
std::string SystemCode(Element coding);

// The id a reference names: "Patient/123" -> "123", "#p1" -> "p1",
// "http://x/fhir/Patient/123/_history/2" -> "123". Empty when there is none.
std::string_view ReferenceId(std::string_view reference);

// A FHIR date or dateTime as a Warrant date (its first ten characters); nullopt for a partial
// date ("2024", "2024-05") or anything that is not one.
std::optional<std::string_view> DatePart(std::string_view text);

}  // namespace warrant::fhir
