#include "runtime/formats/fhir_response.h"

#include <array>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "runtime/core/text.h"
#include "runtime/formats/fhir_json.h"

namespace warrant {
namespace {

using fhir::Element;

constexpr std::string_view kCarcSystem = "https://x12.org/codes/claim-adjustment-reason-codes";
constexpr std::string_view kRarcSystem = "https://x12.org/codes/remittance-advice-remark-codes";

// A FHIR id: [A-Za-z0-9\-\.]{1,64}.
bool IsFhirId(std::string_view s) {
  if (s.empty() || s.size() > 64)
    return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok)
      return false;
  }
  return true;
}

void Coding(std::string& out, std::string_view system, std::string_view code) {
  out += "{\"coding\":[{\"system\":\"";
  out += system;
  out += "\",\"code\":";
  AppendJsonString(out, code);
  out += "}]}";
}

struct Note {
  size_t number;
  std::string text;
};

class Writer {
 public:
  Writer(const ClaimResponseInput& in, std::string& out) : in_(in), out_(out) {}

  void Write() {
    std::vector<Element> records;
    // Each record's document must stay alive while the response is written: one parser a line.
    std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;
    std::string_view text = in_.decisions;
    std::string problem;
    while (!text.empty()) {
      const size_t end = text.find('\n');
      const std::string_view line = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
      if (line.empty())
        continue;
      auto parser = std::make_unique<simdjson::dom::parser>();
      Element e;
      if (parser->parse(line.data(), line.size()).get(e) != simdjson::SUCCESS) {
        problem = "a decision record is not JSON";
        break;
      }
      records.push_back(e);
      parsers.push_back(std::move(parser));
    }
    if (problem.empty() && records.empty())
      problem = "no decision record";
    std::string_view claim;
    if (!records.empty())
      claim = fhir::StringMember(records[0], "claim").value_or("");
    Header(claim);
    if (!problem.empty()) {
      Error("warrant", problem);
      return Close();
    }
    if (const auto error = fhir::Member(records[0], "error"); error && error->is_object()) {
      const Element e = *error;
      std::string message(fhir::StringMember(e, "message").value_or(""));
      if (const auto field = fhir::StringMember(e, "field"))
        message = fmt::format("{} ({})", message, *field);
      Error(fhir::StringMember(e, "code").value_or("error"), message);
      return Close();
    }
    Items(records);
    Close();
  }

 private:
  void Header(std::string_view claim) {
    std::string& o = out_;
    o += "{\"resourceType\":\"ClaimResponse\"";
    if (IsFhirId(claim))
      o += fmt::format(",\"id\":\"{}\"", claim);
    o += ",\"extension\":[{\"url\":\"";
    o += kFhirPackExtension;
    o += "\",\"valueString\":";
    AppendJsonString(o, in_.pack.empty() ? std::string_view("unknown") : in_.pack);
    o += "}]";
    if (!claim.empty()) {
      o += ",\"identifier\":[{\"system\":\"urn:warrant:fhir:claim-id\",\"value\":";
      AppendJsonString(o, claim);
      o += "}]";
    }
    o += ",\"status\":\"active\",\"type\":";
    Coding(o, "http://terminology.hl7.org/CodeSystem/claim-type",
           in_.claim_type == "institutional" ? "institutional" : "professional");
    o += ",\"use\":\"claim\",\"patient\":";
    if (in_.patient_id.empty()) {
      o += "{\"display\":\"unknown\"}";
    } else {
      o += "{\"identifier\":{\"value\":";
      AppendJsonString(o, in_.patient_id);
      o += "}}";
    }
    o += ",\"created\":";
    AppendJsonString(o, in_.created);
    o += ",\"insurer\":{\"display\":\"unknown\"},\"request\":{";
    if (IsFhirId(claim))
      o += fmt::format("\"reference\":\"Claim/{}\",", claim);
    o += "\"identifier\":{\"system\":\"urn:warrant:fhir:claim-id\",\"value\":";
    AppendJsonString(o, claim.empty() ? std::string_view("unknown") : claim);
    o += "}}";
  }

  void Error(std::string_view code, std::string_view message) {
    std::string& o = out_;
    o += ",\"outcome\":\"error\",\"disposition\":";
    AppendJsonString(o, message.empty() ? std::string_view("error") : message);
    o += ",\"error\":[{\"code\":{\"coding\":[{\"system\":\"";
    o += kFhirRecordErrorSystem;
    o += "\",\"code\":";
    AppendJsonString(o, code.empty() ? std::string_view("error") : code);
    o += "}],\"text\":";
    AppendJsonString(o, message.empty() ? std::string_view("error") : message);
    o += "}}]";
  }

  void Items(const std::vector<Element>& records) {
    std::string items;
    std::vector<Note> notes;
    bool pended = false, rejected = false;
    std::array<size_t, 6> counts{};
    constexpr std::array<std::string_view, 6> kDecisions = {
        "covered", "denied", "pended", "bundled", "rejected", "not_applicable"};
    for (size_t l = 0; l < records.size(); ++l) {
      const Element r = records[l];
      const std::string_view decision = fhir::StringMember(r, "decision").value_or("unknown");
      for (size_t d = 0; d < kDecisions.size(); ++d)
        counts[d] += decision == kDecisions[d];
      pended = pended || decision == "pended";
      rejected = rejected || decision == "rejected";
      const uint64_t sequence = l < in_.item_sequences.size() && in_.item_sequences[l] > 0
                                    ? in_.item_sequences[l]
                                    : l + 1;
      items += l ? "," : "";
      items += fmt::format("{{\"itemSequence\":{}", sequence);
      std::string adjudication = "[{\"category\":";
      Coding(adjudication, kFhirDecisionSystem, decision);
      adjudication += '}';
      std::vector<size_t> numbers;
      if (const auto findings = fhir::ArrayMember(r, "findings")) {
        for (Element f : *findings) {
          const std::string_view outcome = fhir::StringMember(f, "outcome").value_or("finding");
          const std::string_view carc = fhir::StringMember(f, "carc").value_or("");
          adjudication += ",{";
          std::string_view group, reason = carc;
          if (const size_t dash = carc.find('-'); dash != std::string_view::npos) {
            group = carc.substr(0, dash);
            reason = carc.substr(dash + 1);
          }
          if (!group.empty()) {
            adjudication += "\"extension\":[{\"url\":\"";
            adjudication += kFhirCarcGroupExtension;
            adjudication += "\",\"valueCode\":";
            AppendJsonString(adjudication, group);
            adjudication += "}],";
          }
          adjudication += "\"category\":";
          Coding(adjudication, kFhirOutcomeSystem, outcome);
          if (!reason.empty()) {
            adjudication += ",\"reason\":";
            Coding(adjudication, kCarcSystem, reason);
          }
          adjudication += '}';
          if (const auto rarcs = fhir::ArrayMember(f, "rarc")) {
            for (Element rarc : *rarcs) {
              std::string_view code;
              if (rarc.get(code) != simdjson::SUCCESS || code.empty())
                continue;
              adjudication += ",{\"category\":";
              Coding(adjudication, kFhirOutcomeSystem, "remark");
              adjudication += ",\"reason\":";
              Coding(adjudication, kRarcSystem, code);
              adjudication += '}';
            }
          }
          std::string text(fhir::StringMember(f, "message").value_or(outcome));
          const std::string_view policy = fhir::StringMember(f, "policy").value_or("");
          const std::string_view rule = fhir::StringMember(f, "rule").value_or("");
          if (!policy.empty() || !rule.empty())
            text += fmt::format(" ({}{}{})", policy,
                                !policy.empty() && !rule.empty() ? ", rule " : "", rule);
          numbers.push_back(notes.size() + 1);
          notes.push_back({notes.size() + 1, std::move(text)});
        }
      }
      adjudication += ']';
      if (!numbers.empty()) {
        items += ",\"noteNumber\":[";
        for (size_t n = 0; n < numbers.size(); ++n)
          items += fmt::format("{}{}", n ? "," : "", numbers[n]);
        items += ']';
      }
      items += ",\"adjudication\":";
      items += adjudication;
      items += '}';
    }
    std::string& o = out_;
    o += ",\"outcome\":\"";
    o += rejected ? "partial" : pended ? "queued" : "complete";
    std::string disposition;
    for (size_t d = 0; d < kDecisions.size(); ++d) {
      if (counts[d]) {
        disposition +=
            fmt::format("{}{} {}", disposition.empty() ? "" : ", ", counts[d],
                        kDecisions[d] == "not_applicable" ? "not applicable" : kDecisions[d]);
      }
    }
    o += "\",\"disposition\":";
    AppendJsonString(o, fmt::format("{} line{}: {}", records.size(), records.size() == 1 ? "" : "s",
                                    disposition));
    o += ",\"item\":[";
    o += items;
    o += ']';
    if (!notes.empty()) {
      o += ",\"processNote\":[";
      for (size_t n = 0; n < notes.size(); ++n) {
        o += fmt::format("{}{{\"number\":{},\"type\":\"display\",\"text\":", n ? "," : "",
                         notes[n].number);
        AppendJsonString(o, notes[n].text);
        o += '}';
      }
      o += ']';
    }
  }

  void Close() { out_ += "}\n"; }

  const ClaimResponseInput& in_;
  std::string& out_;
};

}  // namespace

void AppendClaimResponse(const ClaimResponseInput& input, std::string& out) {
  Writer(input, out).Write();
}

}  // namespace warrant
