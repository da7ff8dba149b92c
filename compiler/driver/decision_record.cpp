// Reads `warrant run`'s decision records back with simdjson's DOM parser.
#include "compiler/driver/decision_record.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace warrant::driver {
namespace {

using simdjson::dom::element;

std::string_view StringOr(element object, std::string_view key, std::string_view fallback = {}) {
  std::string_view text;
  if (object[key].get_string().get(text))
    return fallback;
  return text;
}

bool ReadFinding(element e, FindingRecord& f) {
  if (!e.is_object())
    return false;
  f.outcome = StringOr(e, "outcome");
  if (f.outcome.empty())
    return false;
  f.reason = StringOr(e, "reason");
  f.carc = StringOr(e, "carc");
  f.rarcs.clear();
  simdjson::dom::array rarcs;
  if (!e["rarc"].get_array().get(rarcs)) {
    for (element r : rarcs) {
      std::string_view text;
      if (!r.get_string().get(text))
        f.rarcs.push_back(text);
    }
  }
  f.message = StringOr(e, "message");
  f.policy = StringOr(e, "policy");
  int64_t version = 0;
  f.version = e["version"].get_int64().get(version) ? 0 : version;
  f.rule = StringOr(e, "rule");
  return true;
}

}  // namespace

DecisionReader::DecisionReader() : parser_(std::make_unique<simdjson::dom::parser>()) {}

DecisionReader::~DecisionReader() = default;

const DecisionRecord& DecisionReader::Parse(std::string_view text, bool padded) {
  DecisionRecord& r = record_;
  r.kind = DecisionRecord::Kind::Malformed;
  r.claim = r.code = r.service_date = r.error_code = {};
  r.line = 0;
  r.decision = Decision::NotApplicable;
  r.findings.clear();
  r.problem.clear();

  element doc;
  if (auto error = parser_->parse(text.data(), text.size(), !padded).get(doc)) {
    r.problem = fmt::format("not JSON ({})", simdjson::error_message(error));
    return r;
  }
  if (!doc.is_object()) {
    r.problem = "not a JSON object";
    return r;
  }
  r.claim = StringOr(doc, "claim");
  element error_member;
  if (!doc["error"].get(error_member)) {
    r.error_code = StringOr(error_member, "code");
    if (r.error_code.empty()) {
      r.problem = "an error record without an error code";
      return r;
    }
    r.kind = DecisionRecord::Kind::Error;
    return r;
  }
  std::string_view decision;
  if (doc["decision"].get_string().get(decision)) {
    r.problem = "no `decision`";
    return r;
  }
  const std::optional<Decision> d = DecisionFromName(decision);
  if (!d) {
    r.problem = fmt::format("unknown decision `{}`", decision);
    return r;
  }
  r.decision = *d;
  if (doc["line"].get_int64().get(r.line) || r.line < 1) {
    r.problem = "no line number";
    return r;
  }
  r.code = StringOr(doc, "code");
  r.service_date = StringOr(doc, "service_date");
  simdjson::dom::array findings;
  if (doc["findings"].get_array().get(findings)) {
    r.problem = "no `findings` list";
    return r;
  }
  for (element f : findings) {
    r.findings.emplace_back();
    if (!ReadFinding(f, r.findings.back())) {
      r.findings.clear();
      r.problem = "a finding without an outcome";
      return r;
    }
  }
  r.kind = DecisionRecord::Kind::Decision;
  return r;
}

const FindingRecord* DecidingFinding(const DecisionRecord& record) {
  for (const FindingRecord& f : record.findings) {
    const std::optional<OutcomeKind> kind = OutcomeFromWord(f.outcome);
    if (kind && *kind != OutcomeKind::Flag && DecisionOf(*kind) == record.decision)
      return &f;
  }
  return nullptr;
}

std::string Headline(const DecisionRecord& record) {
  std::string text = DecisionName(record.decision);
  if (const FindingRecord* f = DecidingFinding(record)) {
    const std::string_view why = f->reason.empty() ? f->rule : f->reason;
    if (!why.empty())
      text += fmt::format(" {}", why);
  }
  return text;
}

const std::vector<Decision>& ReportOrder() {
  static const std::vector<Decision> order = {Decision::Covered,  Decision::Pended,
                                              Decision::Bundled,  Decision::Denied,
                                              Decision::Rejected, Decision::NotApplicable};
  return order;
}

}  // namespace warrant::driver
