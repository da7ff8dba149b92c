// Deciding claims by two engines and counting what changes.
#include "compiler/driver/diff_impact.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "runtime/core/text.h"
#include "runtime/explain/explain.h"
#include "runtime/explain/explain_render.h"
#include "runtime/records/ndjson.h"

namespace warrant::driver {
namespace {

// One side's view of a claim: the headline of each line, or that the claim was refused.
struct Side {
  bool refused = false;
  std::string error;               // "refused R0706"
  std::string claim;               // the claim's id, as the record or the error names it
  std::vector<std::string> lines;  // headlines, by line
  std::vector<Decision> decisions;
};

void DecideSide(Session& session, DecisionReader& reader, const NdjsonLine& line, Side& side,
                std::string& scratch) {
  side.lines.clear();
  side.decisions.clear();
  RecordError error;
  side.refused = !session.Evaluate(line, error);
  side.claim.clear();
  if (side.refused) {
    side.error = fmt::format("refused {}", RecordErrorId(error.code));
    side.claim = error.claim_id;
    return;
  }
  scratch.clear();
  session.AppendDecisions(scratch);
  size_t pos = 0;
  while (pos < scratch.size()) {
    size_t nl = scratch.find('\n', pos);
    if (nl == std::string::npos)
      nl = scratch.size();
    const DecisionRecord& r = reader.Parse(std::string_view(scratch).substr(pos, nl - pos), false);
    side.lines.push_back(r.kind == DecisionRecord::Kind::Decision ? Headline(r) : "(unreadable)");
    if (side.claim.empty())
      side.claim = r.claim;
    side.decisions.push_back(r.decision);
    pos = nl + 1;
  }
}

class Counter {
 public:
  Counter(ImpactData& data, const ImpactOptions& options) : data_(data), options_(options) {}

  void Add(const std::string& from, const std::string& to, std::string_view claim, int64_t line,
           std::string_view claim_json) {
    ++data_.changed_lines;
    const std::string key = from + '\x1f' + to;
    auto it = index_.find(key);
    Transition* t = nullptr;
    if (it != index_.end()) {
      t = &data_.transitions[it->second];
    } else if (index_.size() < ImpactData::kMaxTransitions) {
      index_.emplace(key, data_.transitions.size());
      data_.transitions.push_back({from, to, 0, {}});
      t = &data_.transitions.back();
    } else {
      ++other_;
      return;
    }
    ++t->lines;
    if (t->examples.size() < options_.examples) {
      t->examples.push_back({std::string(claim),
                             line,
                             options_.keep_claims ? std::string(claim_json) : std::string(),
                             {},
                             {}});
    }
  }

  void Finish() {
    std::sort(data_.transitions.begin(), data_.transitions.end(),
              [](const Transition& a, const Transition& b) {
                if (a.lines != b.lines)
                  return a.lines > b.lines;
                return a.from != b.from ? a.from < b.from : a.to < b.to;
              });
    if (other_)
      data_.transitions.push_back({"(other)", "(other)", other_, {}});
  }

 private:
  ImpactData& data_;
  const ImpactOptions& options_;
  std::map<std::string, size_t> index_;
  uint64_t other_ = 0;
};

}  // namespace

bool MeasureImpact(const Engine& old_engine, const Engine& new_engine, std::istream& in,
                   const ImpactOptions& options, ImpactData& data) {
  Session old_session(old_engine), new_session(new_engine);
  DecisionReader old_reader, new_reader;
  Side before, after;
  std::string scratch;
  Counter counter(data, options);
  NdjsonReader reader(in);
  NdjsonLine line;
  while (reader.Next(line)) {
    ++data.claims;
    DecideSide(old_session, old_reader, line, before, scratch);
    DecideSide(new_session, new_reader, line, after, scratch);
    const std::string& claim_id = before.refused ? after.claim : before.claim;
    const uint64_t changed_before = data.changed_lines;
    if (before.refused && after.refused) {
      ++data.refused;
      if (before.error != after.error)
        counter.Add(before.error, after.error, claim_id, 0, line.text);
    } else if (before.refused || after.refused) {
      const Side& decided = before.refused ? after : before;
      for (size_t l = 0; l < decided.lines.size(); ++l) {
        if (before.refused)
          counter.Add(before.error, decided.lines[l], claim_id, static_cast<int64_t>(l + 1),
                      line.text);
        else
          counter.Add(decided.lines[l], after.error, claim_id, static_cast<int64_t>(l + 1),
                      line.text);
      }
    } else {
      const size_t n = std::min(before.lines.size(), after.lines.size());
      data.lines += n;
      for (size_t l = 0; l < n; ++l) {
        ++data.old_decisions[static_cast<size_t>(before.decisions[l])];
        ++data.new_decisions[static_cast<size_t>(after.decisions[l])];
        if (before.lines[l] != after.lines[l]) {
          counter.Add(before.lines[l], after.lines[l], claim_id, static_cast<int64_t>(l + 1),
                      line.text);
        }
      }
    }
    if (data.changed_lines != changed_before)
      ++data.changed_claims;
  }
  counter.Finish();
  return !reader.failed();
}

void ExplainExamples(const Engine& old_engine, const Engine& new_engine, bool json,
                     ImpactData& data) {
  Session old_session(old_engine), new_session(new_engine);
  const Explainer old_explainer(old_engine), new_explainer(new_engine);
  TraceRecorder recorder;
  auto explain = [&](Session& session, const Explainer& explainer, const TransitionExample& ex,
                     std::string& out) {
    recorder.Clear();
    RecordError error;
    if (!session.Evaluate(ex.claim_json, error, &recorder)) {
      out = fmt::format("refused: {} {}", RecordErrorId(error.code), error.message);
      if (json)
        out = JsonString(out);
      return;
    }
    ExplainOptions options;
    options.only_line = static_cast<uint32_t>(ex.line);
    const Explanation x =
        Explain(explainer, session.claim(), session.decision(), recorder.events(), options);
    out.clear();
    if (json)
      WriteExplainJson(x, out);
    else
      WriteExplainText(x, out);
  };
  for (Transition& t : data.transitions) {
    for (TransitionExample& ex : t.examples) {
      if (ex.claim_json.empty())
        continue;
      explain(old_session, old_explainer, ex, ex.old_explain);
      explain(new_session, new_explainer, ex, ex.new_explain);
    }
  }
}

}  // namespace warrant::driver
