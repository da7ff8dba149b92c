#include "runtime/formats/fhir_claim.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "runtime/core/code.h"
#include "runtime/core/text.h"

namespace warrant::fhir {
namespace {

using namespace std::string_view_literals;

// A provider as the record gives it: a checked NPI, or the identifier as sent when it is not one.
struct Provider {
  std::string npi;
  std::string unread_npi;
  std::string taxonomy;
  std::string unread_taxonomy;
  std::string specialty;

  bool empty() const { return npi.empty() && unread_npi.empty(); }
};

constexpr std::string_view kBlueButtonVariables = "https://bluebutton.cms.gov/resources/variables/";

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Whether an Identifier is an NPI: by its system, its CARIN/v2 type, or a Blue Button variable
// that holds one (carr_clm_blg_npi_num, ...).
bool IsNpiIdentifier(Element identifier) {
  const std::string_view system = StringMember(identifier, "system").value_or("");
  if (system == "http://hl7.org/fhir/sid/us-npi" || EndsWith(system, "npi_num"))
    return true;
  if (const auto type = Member(identifier, "type")) {
    if (const auto codings = ArrayMember(*type, "coding")) {
      for (Element c : *codings) {
        const std::string_view code = StringMember(c, "code").value_or("");
        if (code == "npi" || code == "NPI")
          return true;
      }
    }
  }
  return false;
}

// nullopt when `text` is a valid code of `system`, else why not. Pack's fast paths answer the
// valid ones; only an invalid code pays for Validate's analysis.
std::optional<std::string> Check(CodeSystem system, std::string_view text) {
  if (Pack(system, text))
    return std::nullopt;
  return Validate(system, text)
      .value_or(fmt::format("`{}` is not a valid {}", OneLine(text, 40), SystemNoun(system)));
}

void AppendInt(std::string& out, int64_t n) {
  char digits[24];
  out.append(digits,
             static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, n).ptr - digits));
}

// Keys to look up together, indexed by their size: a member's key is compared only with the keys
// of its size.
template <size_t N>
struct KeySet {
  static_assert(N <= 32);
  std::array<std::string_view, N> keys;
  std::array<std::array<char, 32>, N> padded{};  // keys[i], zero-padded: compared a word at a time
  std::array<uint32_t, 32> by_size{};            // bit i: keys[i] has that size

  constexpr explicit KeySet(const std::array<std::string_view, N>& k) : keys(k) {
    for (size_t i = 0; i < N; ++i) {
      if (keys[i].empty() || keys[i].size() >= by_size.size())
        throw "a key of 1 to 31 bytes";  // not constant: the table does not compile
      by_size[keys[i].size()] |= uint32_t{1} << i;
      for (size_t b = 0; b < keys[i].size(); ++b)
        padded[i][b] = keys[i][b];
    }
  }
};

// Whether a member's key of `size` (1 to 31) bytes equals `want` (a KeySet's padded key of that
// size). The key is in simdjson's string buffer, which stays readable for more than 32 bytes past
// a string's start (its capacity has SIMDJSON_PADDING beyond what the strings of the input take),
// so it is compared a word at a time, without a memcmp call.
inline bool SameKey(const char* key, const std::array<char, 32>& want, size_t size) {
  uint64_t a = 0, b = 0;
  std::memcpy(&a, key, 8);
  std::memcpy(&b, want.data(), 8);
  if (size < 8)
    a &= (uint64_t{1} << (8 * size)) - 1;  // `want` is zero past its end
  if (a != b)
    return false;  // most keys of a size differ in their first bytes
  return size <= 8 || std::memcmp(key + 8, want.data() + 8, size - 8) == 0;
}

// The members of an object named by `keys`, in one pass over its fields (each at_key scans them
// all; an item is read with a dozen keys). The first of a key counts, as at_key finds it.
template <size_t N>
std::array<std::optional<Element>, N> Members(Element e, const KeySet<N>& keys) {
  std::array<std::optional<Element>, N> out{};
  Object object;
  if (e.get(object) != simdjson::SUCCESS)
    return out;
  for (const auto field : object) {
    const std::string_view key = field.key;
    if (key.size() >= keys.by_size.size())
      continue;
    for (uint32_t m = keys.by_size[key.size()]; m != 0; m &= m - 1) {
      const auto i = static_cast<size_t>(std::countr_zero(m));
      if (SameKey(key.data(), keys.padded[i], key.size())) {
        if (!out[i])
          out[i] = field.value;
        break;
      }
    }
  }
  return out;
}

enum ItemKey : size_t {
  kSequence,
  kProduct,
  kModifier,
  kQuantity,
  kServicedDate,
  kServicedPeriod,
  kLocation,
  kDxSequence,
  kNet,
  kUnitPrice,
  kAdjudication,
  kRevenue,
  kDetail,
  kItemKeyCount,
};

enum ClaimKey : size_t {
  kId,
  kIdentifier,
  kContained,
  kPatient,
  kType,
  kSupportingInfo,
  kFacility,
  kBillablePeriod,
  kProvider,
  kCareTeam,
  kReferral,
  kDiagnosis,
  kItem,
  kClaimKeyCount,
};

constexpr KeySet<kClaimKeyCount> kClaimKeys(std::array<std::string_view, kClaimKeyCount>{
    "id", "identifier", "contained", "patient", "type", "supportingInfo", "facility",
    "billablePeriod", "provider", "careTeam", "referral", "diagnosis", "item"});

constexpr KeySet<kItemKeyCount> kItemKeys(std::array<std::string_view, kItemKeyCount>{
    "sequence", "productOrService", "modifier", "quantity", "servicedDate", "servicedPeriod",
    "locationCodeableConcept", "diagnosisSequence", "net", "unitPrice", "adjudication", "revenue",
    "detail"});

class ClaimMapper {
 public:
  ClaimMapper(Element resource, std::string_view path, const ResourceIndex& index,
              MapMemory& memory, ConvertedClaim& out, const std::function<void()>* before_lookup)
      : before_lookup_(before_lookup),
        resource_(resource),
        path_(path),
        index_(index),
        memory_(memory),
        out_(out),
        top_(Members(resource, kClaimKeys)),
        pointer_of_(memory.pointers) {
    pointer_of_.clear();
  }

  std::optional<Array> TopArray(ClaimKey key) const {
    Array a;
    if (!top_[key] || top_[key]->get(a) != simdjson::SUCCESS)
      return std::nullopt;
    return a;
  }

  std::optional<std::string_view> TopString(ClaimKey key) const {
    std::string_view s;
    if (!top_[key] || top_[key]->get(s) != simdjson::SUCCESS)
      return std::nullopt;
    return s;
  }

  void Map() {
    if (!MapAll()) {
      out_.json.clear();
      out_.item_sequences.clear();
    }
  }

 private:
  // The path of a member of the resource: "entry[2].resource.item[0]".
  std::string At(std::string_view member) const {
    if (path_.empty())
      return std::string(member);
    return fmt::format("{}.{}", path_, member);
  }

  // Check of a code simdjson parsed (its string buffer is padded: the cache reads 8 bytes).
  std::optional<std::string> CheckParsed(CodeSystem system, std::string_view text) {
    if (memory_.codes.Pack(system, text))
      return std::nullopt;
    return Check(system, text);
  }

  // DatePart through the reader's cache of months.
  std::optional<std::string_view> Date(std::string_view text) {
    if (text.size() < 10 || (text.size() > 10 && text[10] != 'T'))
      return std::nullopt;
    const std::string_view date = text.substr(0, 10);
    if (!memory_.dates.Parse(date))
      return std::nullopt;
    return date;
  }

  bool Fail(std::string_view member, std::string_view why) {
    out_.error = fmt::format("{}: {}", At(member), why);
    return false;
  }

  bool MapAll() {
    if (const auto id = TopString(kId)) {
      out_.id = std::string(*id);
    } else if (const auto ids = TopArray(kIdentifier)) {
      for (Element identifier : *ids) {
        if (const auto value = StringMember(identifier, "value")) {
          out_.id = std::string(*value);
          break;
        }
      }
    }
    std::string& j = out_.json;
    j = "{\"id\":";
    AppendJsonString(j, out_.id);
    return Patient() && ClaimType() && BillType() && ServiceDate() && Providers() && Diagnoses() &&
           Items() && Finish();
  }

  // The resource a Reference names: contained ("#id"), else the document's ("Type/id", fullUrl).
  std::optional<Element> Resolve(std::string_view reference) const {
    if (reference.starts_with('#')) {
      if (const auto contained = TopArray(kContained)) {
        for (Element r : *contained) {
          if (StringMember(r, "id") == reference.substr(1))
            return r;
        }
      }
      return std::nullopt;
    }
    if (before_lookup_)
      (*before_lookup_)();
    auto it = index_.find(std::string(reference));
    if (it == index_.end()) {
      const size_t history = reference.find("/_history/");
      if (history != std::string_view::npos)
        it = index_.find(std::string(reference.substr(0, history)));
    }
    if (it == index_.end())
      return std::nullopt;
    return it->second;
  }

  bool Patient() {
    const auto patient = top_[kPatient];
    if (!patient)
      return true;  // unknown: a rule that reads the patient says so
    const std::string_view reference = StringMember(*patient, "reference").value_or("");
    std::string id(ReferenceId(reference));
    std::optional<Element> resolved;
    if (!reference.empty())
      resolved = Resolve(reference);
    // The resolved Patient's members, in one pass over them.
    constexpr KeySet<3> kPatientKeys(
        std::array<std::string_view, 3>{"identifier", "birthDate", "gender"});
    const auto members =
        resolved ? Members(*resolved, kPatientKeys) : std::array<std::optional<Element>, 3>{};
    Array ids;
    if (reference.starts_with('#') && members[0] && members[0]->get(ids) == simdjson::SUCCESS) {
      // A contained Patient's id is local to the claim; its identifier (an MBI) names the person.
      for (Element identifier : ids) {
        if (const auto value = StringMember(identifier, "value")) {
          id = std::string(*value);
          break;
        }
      }
    }
    if (id.empty()) {
      if (const auto identifier = Member(*patient, "identifier"))
        id = std::string(StringMember(*identifier, "value").value_or(""));
    }
    std::string& j = out_.json;
    j += ",\"patient\":{"sv;
    bool first = true;
    auto member = [&](std::string_view key, std::string_view value) {
      j += first ? "\""sv : ",\""sv;
      first = false;
      j += key;
      j += "\":"sv;
      AppendJsonString(j, value);
    };
    if (!id.empty())
      member("id", id);
    std::string_view birth, gender;
    // A partial birth date ("1975") stays unknown: Warrant's dates are whole days.
    if (members[1] && members[1]->get(birth) == simdjson::SUCCESS) {
      if (const auto date = Date(birth))
        member("birth_date", *date);
    }
    if (members[2] && members[2]->get(gender) == simdjson::SUCCESS)
      member("sex", gender == "male" ? "M" : gender == "female" ? "F" : "U");
    j += '}';
    return true;
  }

  bool ClaimType() {
    const auto type = top_[kType];
    const auto codings = type ? ArrayMember(*type, "coding") : std::nullopt;
    if (!codings)
      return true;
    size_t i = 0;
    for (Element c : *codings) {
      const auto [system, code] = SystemAndCode(c);
      if (KnownSystem(system) == System::ClaimType) {
        if (code != "professional" && code != "institutional") {
          return Fail(fmt::format("type.coding[{}]", i),
                      fmt::format("claim type `{}`: Warrant decides professional and "
                                  "institutional claims",
                                  OneLine(code, 40)));
        }
        out_.json += ",\"claim_type\":\""sv;
        out_.json += code;
        out_.json += '"';
        return true;
      }
      ++i;
    }
    return true;
  }

  void Frequency(char digit) {
    const char* word = digit == '1'   ? "original"
                       : digit == '7' ? "replacement"
                       : digit == '8' ? "void"
                                      : nullptr;
    if (word)
      out_.json += fmt::format(",\"frequency\":\"{}\"", word);
  }

  // A Blue Button variable's code from an extension list: url ".../variables/NAME".
  static std::string_view VariableCode(Element holder, std::string_view name) {
    const auto extensions = ArrayMember(holder, "extension");
    if (!extensions)
      return {};
    for (Element e : *extensions) {
      const std::string_view url = StringMember(e, "url").value_or("");
      if (url.starts_with(kBlueButtonVariables) &&
          url.substr(kBlueButtonVariables.size()) == name) {
        if (const auto coding = Member(e, "valueCoding"))
          return StringMember(*coding, "code").value_or("");
      }
    }
    return {};
  }

  // The type of bill: a NUBC coding in supportingInfo (CARIN "typeofbill"), or Blue Button's three
  // parts (facility type, service classification, frequency). The frequency comes with it.
  bool BillType() {
    std::string_view frequency;
    if (const auto infos = TopArray(kSupportingInfo)) {
      size_t i = 0;
      for (Element info : *infos) {
        const auto code = Member(info, "code");
        const auto codings = code ? ArrayMember(*code, "coding") : std::nullopt;
        if (!codings) {
          ++i;
          continue;
        }
        for (Element c : *codings) {
          const auto [system, value] = SystemAndCode(c);
          if (KnownSystem(system) == System::TypeOfBill) {
            if (auto why = Check(CodeSystem::BillType, value))
              return Fail(fmt::format("supportingInfo[{}].code", i), *why);
            out_.json += ",\"bill_type\":"sv;
            AppendJsonString(out_.json, value);
            Frequency(value.back());
            return true;
          }
          if (system == "https://bluebutton.cms.gov/resources/variables/clm_freq_cd")
            frequency = value;
        }
        ++i;
      }
    }
    const auto facility = top_[kFacility];
    const std::string_view type = facility ? VariableCode(*facility, "clm_fac_type_cd") : "";
    // Only with a facility type: the extension list is not scanned for claims without one.
    const std::string_view kind =
        type.size() == 1 ? VariableCode(resource_, "clm_srvc_clsfctn_type_cd") : "";
    if (type.size() == 1 && kind.size() == 1 && frequency.size() == 1) {
      const std::string bill = fmt::format("{}{}{}", type, kind, frequency);
      if (!Check(CodeSystem::BillType, bill))
        out_.json += fmt::format(",\"bill_type\":\"{}\"", bill);
    }
    if (frequency.size() == 1)
      Frequency(frequency[0]);
    return true;
  }

  bool ServiceDate() {
    const auto period = top_[kBillablePeriod];
    const auto start = period ? StringMember(*period, "start") : std::nullopt;
    if (!start)
      return true;  // the lines' own dates, or R0710 from the decoder
    const auto date = Date(*start);
    if (!date) {
      return Fail("billablePeriod.start",
                  fmt::format("`{}` is not a whole date (YYYY-MM-DD)", OneLine(*start, 40)));
    }
    out_.json += ",\"service_date\":\""sv;
    out_.json += *date;
    out_.json += '"';
    return true;
  }

  // A provider from a Reference: its identifier, or the identifiers of the resource it names.
  Provider ProviderOf(Element reference) const {
    Provider p;
    auto take = [&](Element identifier) {
      if (!p.empty() || !IsNpiIdentifier(identifier))
        return;
      const std::string_view value = StringMember(identifier, "value").value_or("");
      if (value.empty())
        return;
      (Check(CodeSystem::Npi, value) ? p.unread_npi : p.npi) = std::string(value);
    };
    if (const auto identifier = Member(reference, "identifier"))
      take(*identifier);
    if (p.empty()) {
      if (const auto ref = StringMember(reference, "reference")) {
        if (const auto resolved = Resolve(*ref)) {
          if (const auto ids = ArrayMember(*resolved, "identifier")) {
            for (Element identifier : *ids)
              take(identifier);
          }
        }
      }
    }
    return p;
  }

  void WriteProvider(std::string_view field, const Provider& p) {
    if (p.empty())
      return;
    std::string& j = out_.json;
    j += ",\""sv;
    j += field;
    j += "\":{"sv;
    if (!p.npi.empty()) {
      j += "\"npi\":\""sv;
      j += p.npi;
      j += '"';
    } else {
      j += "\"unread_npi\":"sv;
      AppendJsonString(j, p.unread_npi);
    }
    if (!p.taxonomy.empty()) {
      j += ",\"taxonomy\":\""sv;
      j += p.taxonomy;
      j += '"';
    } else if (!p.unread_taxonomy.empty()) {
      j += ",\"unread_taxonomy\":"sv;
      AppendJsonString(j, p.unread_taxonomy);
    }
    if (!p.specialty.empty()) {
      j += ",\"specialty\":"sv;
      AppendJsonString(j, p.specialty);
    }
    j += '}';
  }

  // billing: `provider`; rendering, referring: careTeam by role (CARIN and FHIR role codes, the
  // first member of the most specific role); referring also from an EOB's `referral`.
  bool Providers() {
    if (const auto provider = top_[kProvider])
      WriteProvider("billing_provider", ProviderOf(*provider));
    Provider rendering, referring;
    int rendering_rank = 0;
    if (const auto team = TopArray(kCareTeam)) {
      for (Element member : *team) {
        const auto role = Member(member, "role");
        const auto codings = role ? ArrayMember(*role, "coding") : std::nullopt;
        const auto who = Member(member, "provider");
        if (!codings || !who)
          continue;
        for (Element c : *codings) {
          const std::string_view code = StringMember(c, "code").value_or("");
          const int rank = code == "rendering" || code == "performing" ? 3
                           : code == "primary"                         ? 2
                           : code == "attending"                       ? 1
                                                                       : 0;
          if (rank > rendering_rank) {
            Provider p = ProviderOf(*who);
            if (!p.empty()) {
              Taxonomy(member, p);
              rendering = std::move(p);
              rendering_rank = rank;
            }
          } else if (code == "referring" && referring.empty()) {
            referring = ProviderOf(*who);
          }
        }
      }
    }
    if (referring.empty()) {
      if (const auto referral = top_[kReferral])
        referring = ProviderOf(*referral);
    }
    WriteProvider("rendering_provider", rendering);
    WriteProvider("referring_provider", referring);
    return true;
  }

  static void Taxonomy(Element member, Provider& p) {
    const auto qualification = Member(member, "qualification");
    const auto codings = qualification ? ArrayMember(*qualification, "coding") : std::nullopt;
    if (!codings)
      return;
    for (Element c : *codings) {
      const auto [system, code] = SystemAndCode(c);
      if (system == "http://nucc.org/provider-taxonomy" && p.taxonomy.empty() &&
          p.unread_taxonomy.empty()) {
        (Check(CodeSystem::Taxonomy, code) ? p.unread_taxonomy : p.taxonomy) = std::string(code);
      } else if (system == "https://bluebutton.cms.gov/resources/variables/prvdr_spclty" &&
                 p.specialty.empty()) {
        p.specialty = std::string(code);  // Medicare's specialty code, as the schema's string
      }
    }
  }

  // diagnosis[] by sequence: the ICD-10-CM (or ICD-10) coding of each. A diagnosis without one
  // cannot be kept in the list without moving every pointer after it, so it fails the claim.
  bool Diagnoses() {
    const auto list = TopArray(kDiagnosis);
    if (!list)
      return true;

    using Dx = MapMemory::Diagnosis;
    std::vector<Dx>& dx = memory_.diagnoses;
    dx.clear();
    size_t i = 0;
    for (Element d : *list) {
      const auto at = [&] { return fmt::format("diagnosis[{}]", i); };
      constexpr KeySet<2> kKeys(
          std::array<std::string_view, 2>{"sequence", "diagnosisCodeableConcept"});
      const auto members = Members(d, kKeys);
      int64_t sequence = 0;
      const auto& seq = members[0];
      if (!seq || seq->get_int64().get(sequence) != simdjson::SUCCESS || sequence < 1)
        return Fail(at() + ".sequence", "expected a positive integer");
      const auto& concept_ = members[1];
      const auto codings = concept_ ? ArrayMember(*concept_, "coding") : std::nullopt;
      if (!codings) {
        return Fail(at(), Member(d, "diagnosisReference")
                              ? "a diagnosisReference: Warrant reads coded diagnoses "
                                "(diagnosisCodeableConcept)"
                              : "no diagnosisCodeableConcept.coding");
      }
      std::optional<std::string_view> code;
      std::string icd9, others;
      size_t k = 0, found_at = 0;
      for (Element c : *codings) {
        const CodingParts parts = SystemAndCode(c);
        const System system = KnownSystem(parts.system);
        if (system == System::Icd10 && !code) {
          code = parts.code;
          found_at = k;
        } else if (system == System::Icd9 && icd9.empty()) {
          icd9 = SystemCode(c);
        } else if (system != System::Icd10) {
          unread_.push_back(SystemCode(c));
          others += others.empty() ? "" : ", ";
          others += OneLine(SystemCode(c), 80);
        }
        ++k;
      }
      if (!code) {
        if (!icd9.empty()) {
          return Fail(
              at() + ".diagnosisCodeableConcept",
              fmt::format("an ICD-9 diagnosis (`{}`): Warrant reads ICD-10-CM", OneLine(icd9, 80)));
        }
        return Fail(at() + ".diagnosisCodeableConcept",
                    others.empty() ? std::string("no coding")
                                   : fmt::format("no ICD-10-CM coding (found `{}`)", others));
      }
      if (auto why = CheckParsed(CodeSystem::Icd10cm, *code)) {
        return Fail(fmt::format("{}.diagnosisCodeableConcept.coding[{}].code", at(), found_at),
                    *why);
      }
      dx.push_back({sequence, i, *code});
      ++i;
    }
    // Nearly always in order already: stable_sort would take a buffer from the heap regardless.
    const auto by_sequence = [](const Dx& a, const Dx& b) { return a.sequence < b.sequence; };
    if (!std::is_sorted(dx.begin(), dx.end(), by_sequence))
      std::stable_sort(dx.begin(), dx.end(), by_sequence);
    std::string& j = out_.json;
    j += ",\"diagnoses\":["sv;
    for (size_t n = 0; n < dx.size(); ++n) {
      if (n > 0 && dx[n].sequence == dx[n - 1].sequence) {
        return Fail(fmt::format("diagnosis[{}].sequence", dx[n].index),
                    fmt::format("sequence {} is given twice", dx[n].sequence));
      }
      j += n ? ",\""sv : "\""sv;
      j += dx[n].code;  // Validate let through letters, digits and a dot only
      j += '"';
      pointer_of_.emplace_back(dx[n].sequence, static_cast<int>(n + 1));
    }
    j += ']';
    return true;
  }

  // An amount as a record writes money; false (and a failure at `at`) when it is not one.
  bool Amount(double value, std::string& text, const std::string& at) {
    if (MoneyText(value, text))
      return true;
    return Fail(at, fmt::format("{} is not an amount in dollars and cents", value));
  }

  static bool MoneyText(double value, std::string& text) {
    const double cents = std::round(value * 100);
    if (!std::isfinite(value) || value < 0 || std::fabs(value * 100 - cents) > 1e-6 || cents > 9e15)
      return false;
    const auto c = static_cast<int64_t>(cents);
    // "{}.{:02}" of the cents, without a format call per amount.
    text.clear();
    AppendInt(text, c / 100);
    text += '.';
    text += static_cast<char>('0' + c % 100 / 10);
    text += static_cast<char>('0' + c % 10);
    return true;
  }

  static bool IsAdjudication(Element adjudication, std::string_view code) {
    const auto category = Member(adjudication, "category");
    const auto codings = category ? ArrayMember(*category, "coding") : std::nullopt;
    if (!codings)
      return false;
    for (Element c : *codings) {
      if (StringMember(c, "system") == "http://terminology.hl7.org/CodeSystem/adjudication" &&
          StringMember(c, "code") == code)
        return true;
    }
    return false;
  }

  bool Items() {
    const auto items = TopArray(kItem);
    if (!items || items->size() == 0)
      return Fail("item", "the claim has no item (no service line to decide)");
    std::string& j = out_.json;
    j += ",\"lines\":["sv;
    size_t i = 0;
    for (Element item : *items) {
      if (i)
        j += ',';
      std::string at = "item[";
      AppendInt(at, static_cast<int64_t>(i));
      at += ']';
      if (!Item(item, at))
        return false;
      ++i;
    }
    j += ']';
    return true;
  }

  // "item[2].modifier[1]": built only for a message.
  static std::string Path(std::string_view at, std::string_view member, size_t index = SIZE_MAX) {
    std::string path(at);
    path += '.';
    path += member;
    if (index != SIZE_MAX)
      path += fmt::format("[{}]", index);
    return path;
  }

  // The first coding of `concept_` in `known` (checked as `wanted`) into `code`; the others go
  // to `unread`. `at`, `member`, `index` name `concept_` in messages.
  bool Code(Element concept_, std::string_view at, std::string_view member, size_t index,
            CodeSystem wanted, System known, std::string_view& code,
            std::vector<std::string>& unread) {
    const auto codings = ArrayMember(concept_, "coding");
    if (!codings)
      return Fail(Path(at, member, index), "no coding");
    size_t k = 0;
    for (Element c : *codings) {
      const CodingParts parts = code.empty() ? SystemAndCode(c) : CodingParts{};
      if (code.empty() && KnownSystem(parts.system) == known) {
        const std::string_view text = parts.code;
        if (auto why = CheckParsed(wanted, text))
          return Fail(fmt::format("{}.coding[{}].code", Path(at, member, index), k), *why);
        code = text;
      } else {
        unread.push_back(SystemCode(c));
      }
      ++k;
    }
    return true;
  }

  bool Item(Element item, const std::string& at) {
    std::string& j = out_.json;
    const auto f = Members(item, kItemKeys);
    int64_t sequence = 0;
    if (const auto& seq = f[kSequence]) {
      if (seq->get_int64().get(sequence) != simdjson::SUCCESS || sequence < 1 ||
          sequence > UINT32_MAX)
        return Fail(at + ".sequence", "expected a positive integer");
    }
    out_.item_sequences.push_back(static_cast<uint32_t>(sequence));
    std::vector<std::string> unread;
    std::string_view code;
    const auto& product = f[kProduct];
    if (!product)
      return Fail(at, "no productOrService (the line's procedure code)");
    if (!Code(*product, at, "productOrService", SIZE_MAX, CodeSystem::Hcpcs, System::Procedure,
              code, unread))
      return false;
    if (code.empty()) {
      std::string found;
      for (const std::string& u : unread)
        found += (found.empty() ? "" : ", ") + OneLine(u, 80);
      return Fail(at + ".productOrService",
                  found.empty() ? std::string("no HCPCS or CPT coding")
                                : fmt::format("no HCPCS or CPT coding (found `{}`)", found));
    }
    j += "{\"code\":\""sv;
    j += code;
    j += '"';

    if (Array modifiers; f[kModifier] && f[kModifier]->get(modifiers) == simdjson::SUCCESS) {
      j += ",\"modifiers\":["sv;
      size_t m = 0, written = 0;
      for (Element modifier : modifiers) {
        std::string_view mod;
        if (!Code(modifier, at, "modifier", m, CodeSystem::Modifier, System::Procedure, mod,
                  unread))
          return false;
        if (!mod.empty()) {
          j += written++ ? ",\""sv : "\""sv;
          j += mod;
          j += '"';
        }
        ++m;
      }
      j += ']';
    }

    if (const auto& quantity = f[kQuantity]) {
      if (const auto value = NumberMember(*quantity, "value")) {
        if (*value < 1 || *value > 9999999 || *value != std::floor(*value)) {
          return Fail(at + ".quantity.value",
                      fmt::format("{} is not a whole number of units from 1 to 9999999", *value));
        }
        j += ",\"units\":"sv;
        AppendInt(j, static_cast<int64_t>(*value));
      }
    }

    std::optional<std::string_view> date;
    std::string_view date_at;
    std::string_view served;
    if (f[kServicedDate] && f[kServicedDate]->get(served) == simdjson::SUCCESS) {
      date = served;
      date_at = "servicedDate";
    } else if (const auto& period = f[kServicedPeriod]) {
      date = StringMember(*period, "start");
      date_at = "servicedPeriod.start";
      if (!date) {
        date = StringMember(*period, "end");
        date_at = "servicedPeriod.end";
      }
    }
    if (date) {
      const auto day = Date(*date);
      if (!day)
        return Fail(Path(at, date_at),
                    fmt::format("`{}` is not a whole date (YYYY-MM-DD)", OneLine(*date, 40)));
      j += ",\"date\":\""sv;
      j += *day;
      j += '"';
    }

    if (const auto& location = f[kLocation]) {
      std::string_view pos;
      if (!Code(*location, at, "locationCodeableConcept", SIZE_MAX, CodeSystem::Pos,
                System::PlaceOfService, pos, unread))
        return false;
      if (!pos.empty()) {
        j += ",\"place_of_service\":\""sv;
        j += pos;
        j += '"';
        if (claim_pos_.empty())
          claim_pos_ = pos;
      }
    }

    if (Array sequences; f[kDxSequence] && f[kDxSequence]->get(sequences) == simdjson::SUCCESS) {
      j += ",\"dx_pointers\":["sv;
      size_t k = 0;
      for (Element s : sequences) {
        int64_t n = 0;
        const auto found = s.get_int64().get(n) == simdjson::SUCCESS
                               ? std::find_if(pointer_of_.begin(), pointer_of_.end(),
                                              [&](const auto& p) { return p.first == n; })
                               : pointer_of_.end();
        if (found == pointer_of_.end()) {
          return Fail(fmt::format("{}.diagnosisSequence[{}]", at, k),
                      "does not name the sequence of one of the claim's diagnoses");
        }
        if (k)
          j += ',';
        AppendInt(j, found->second);
        ++k;
      }
      j += ']';
    }

    std::string charge, allowed;
    if (const auto& net = f[kNet]) {
      if (const auto value = NumberMember(*net, "value")) {
        if (!Amount(*value, charge, at + ".net.value"))
          return false;
      }
    } else if (const auto& price = f[kUnitPrice]) {
      if (const auto value = NumberMember(*price, "value")) {
        const auto& quantity = f[kQuantity];
        const double units = quantity ? NumberMember(*quantity, "value").value_or(1) : 1;
        if (!Amount(*value * units, charge, at + ".unitPrice.value"))
          return false;
      }
    }
    if (Array adjudications;
        f[kAdjudication] && f[kAdjudication]->get(adjudications) == simdjson::SUCCESS) {
      size_t k = 0;
      for (Element a : adjudications) {
        const size_t index = k++;
        const auto amount = Member(a, "amount");
        if (!amount)
          continue;
        double value = 0;
        if (const auto v = NumberMember(*amount, "value"))
          value = *v;
        else
          continue;
        std::string* into = charge.empty() && IsAdjudication(a, "submitted")   ? &charge
                            : allowed.empty() && IsAdjudication(a, "eligible") ? &allowed
                                                                               : nullptr;
        if (into && !MoneyText(value, *into)) {
          return Fail(fmt::format("{}.adjudication[{}].amount.value", at, index),
                      fmt::format("{} is not an amount in dollars and cents", value));
        }
      }
    }
    if (!charge.empty()) {
      j += ",\"charge\":"sv;
      j += charge;
    }
    if (!allowed.empty()) {
      j += ",\"allowed\":"sv;
      j += allowed;
    }

    if (const auto& revenue = f[kRevenue]) {
      std::string_view code_text;
      if (!Code(*revenue, at, "revenue", SIZE_MAX, CodeSystem::Revenue, System::Revenue, code_text,
                unread))
        return false;
      if (!code_text.empty()) {
        j += ",\"revenue_code\":\""sv;
        j += code_text;
        j += '"';
      }
    }

    if (!Drug(f[kDetail], *product, at, unread))
      return false;

    if (!unread.empty()) {
      j += ",\"unread_codings\":["sv;
      for (size_t u = 0; u < unread.size(); ++u) {
        if (u)
          j += ',';
        AppendJsonString(j, unread[u]);
      }
      j += ']';
    }
    j += '}';
    return true;
  }

  // The drug of a line: the first NDC of item.detail[] (with its quantity), else the NDC
  // extension Blue Button puts on productOrService. An NDC that is not one is kept unread.
  bool Drug(const std::optional<Element>& detail_member, Element product, const std::string& at,
            std::vector<std::string>& unread) {
    std::string& j = out_.json;
    if (Array details; detail_member && detail_member->get(details) == simdjson::SUCCESS) {
      size_t k = 0;
      for (Element detail : details) {
        const auto detail_product = Member(detail, "productOrService");
        const auto codings = detail_product ? ArrayMember(*detail_product, "coding") : std::nullopt;
        if (!codings) {
          ++k;
          continue;
        }
        for (Element c : *codings) {
          const auto [system, ndc] = SystemAndCode(c);
          if (KnownSystem(system) != System::Ndc)
            continue;
          if (auto why = Check(CodeSystem::Ndc, ndc))
            return Fail(fmt::format("{}.detail[{}].productOrService", at, k), *why);
          j += ",\"ndc\":"sv;
          AppendJsonString(j, ndc);
          if (const auto quantity = Member(detail, "quantity"))
            DrugQuantity(*quantity, fmt::format("{}.detail[{}].quantity", at, k));
          return out_.error.empty();
        }
        ++k;
      }
    }
    if (const auto extensions = ArrayMember(product, "extension")) {
      for (Element e : *extensions) {
        if (StringMember(e, "url") != "http://hl7.org/fhir/sid/ndc")
          continue;
        const auto coding = Member(e, "valueCoding");
        const std::string_view ndc =
            coding ? StringMember(*coding, "code").value_or("") : std::string_view();
        if (!Check(CodeSystem::Ndc, ndc)) {
          j += ",\"ndc\":"sv;
          AppendJsonString(j, ndc);
        } else if (coding) {
          unread.push_back(SystemCode(*coding));
        }
        break;
      }
    }
    return true;
  }

  void DrugQuantity(Element quantity, const std::string& at) {
    const auto value = NumberMember(quantity, "value");
    if (!value)
      return;
    if (*value < 0 || *value > 1e12) {
      Fail(at + ".value", fmt::format("{} is not a drug quantity", *value));
      return;
    }
    out_.json += fmt::format(",\"drug_quantity\":{}", *value);
    const std::string_view code = StringMember(quantity, "code").value_or("");
    constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
        {"UN", "UN"}, {"ML", "ML"}, {"GR", "GR"},   {"F2", "F2"},   {"ME", "ME"},     {"mL", "ML"},
        {"g", "GR"},  {"mg", "ME"}, {"[iU]", "F2"}, {"[IU]", "F2"}, {"{unit}", "UN"}, {"1", "UN"}};
    for (const auto& [ucum, unit] : kUnits) {
      if (code == ucum) {
        out_.json += fmt::format(",\"drug_unit\":\"{}\"", unit);
        break;
      }
    }
  }

  bool Finish() {
    std::string& j = out_.json;
    if (!claim_pos_.empty()) {
      j += ",\"place_of_service\":\""sv;
      j += claim_pos_;
      j += '"';
    }
    if (!unread_.empty()) {
      j += ",\"unread_codings\":["sv;
      for (size_t u = 0; u < unread_.size(); ++u) {
        if (u)
          j += ',';
        AppendJsonString(j, unread_[u]);
      }
      j += ']';
    }
    j += '}';
    return true;
  }

  const std::function<void()>* before_lookup_;
  Element resource_;
  std::string_view path_;
  const ResourceIndex& index_;
  MapMemory& memory_;
  ConvertedClaim& out_;
  std::array<std::optional<Element>, kClaimKeyCount> top_;
  std::vector<std::pair<int64_t, int>>& pointer_of_;  // diagnosis sequence -> 1-based pointer
  std::vector<std::string> unread_;                   // the claim's unread diagnosis codings
  std::string_view claim_pos_;                        // the first line's place of service
};

}  // namespace

void MapClaim(Element resource, std::string_view path, const ResourceIndex& index,
              MapMemory& memory, ConvertedClaim& out, const std::function<void()>* before_lookup) {
  ClaimMapper(resource, path, index, memory, out, before_lookup).Map();
}

}  // namespace warrant::fhir
