// W0711: two policies in force on the same date that decide the same code differently — one
// covers a line the other denies or rejects — shown by a witness claim.
//
// Only policies whose every rule names the codes it applies to (`applies to line where
// line.code in S and ...`, a list of codes, or `line.code == "X"`) are compared, pairwise, on the
// codes both name and the dates both are in force: an edit that applies to every line (a
// diagnosis validity check, a table of unit limits) is meant to decide differently from the
// policies it is layered on. The search is bounded and deterministic. Its candidate claims have
// one line and vary what the two policies test: a few codes both name, the first day both are in
// force and the days around each date their conditions compare with, the ages around each age
// they compare with (birth dates are computed), the patient's sex if they test it, no diagnosis
// or one from each diagnosis codeset they test, the units around each limit, no modifier or
// each modifier they test, and each boolean fact they read as true and as false. At most
// kMaxCandidates claims per pair of versions are decided, with the real engine, by each policy
// alone (as `warrant test` does); the first claim one covers and the other denies or rejects is
// printed as JSON in the warning's help.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lint/intervals.h"
#include "compiler/lint/linter.h"
#include "runtime/core/date.h"
#include "runtime/core/text.h"
#include "runtime/engine/engine.h"

namespace warrant::lint {
namespace {

using ast::ExprId;
using ast::ExprKind;
using Op = ast::Operator;

constexpr size_t kMaxCandidates = 4096;
constexpr size_t kMaxCodes = 4;
constexpr size_t kMaxPerDimension = 8;

// What two policies test, gathered from their rules.
struct Probes {
  std::set<int64_t> ages, units;
  std::set<Day> dates;
  std::set<std::string> sexes, modifiers, diagnoses, bool_facts;
};

class ConflictFinder {
 public:
  explicit ConflictFinder(Linter& l) : l_(l) {}

  void Run() {
    // Every version whose rules all name their codes, with those codes.
    struct Version {
      const check::Policy* policy;
      const check::PolicyVersion* version;
      Codeset codes;
    };

    std::vector<Version> versions;
    for (const check::Policy& policy : l_.checked.policies) {
      for (const check::PolicyVersion& v : policy.versions) {
        if (std::optional<Codeset> codes = Coverage(v.file))
          versions.push_back({&policy, &v, std::move(*codes)});
      }
    }
    std::set<std::pair<const check::Policy*, const check::Policy*>> reported;
    for (size_t i = 0; i < versions.size(); ++i) {
      for (size_t j = i + 1; j < versions.size(); ++j) {
        const Version& a = versions[i];
        const Version& b = versions[j];
        if (a.policy == b.policy || reported.count({a.policy, b.policy}))
          continue;
        Day from = std::max(a.version->from, b.version->from);
        Day until = std::min(a.version->until, b.version->until);
        if (from > until)
          continue;
        Codeset shared = Codeset::Difference(a.codes, Codeset::Difference(a.codes, b.codes));
        if (shared.empty())
          continue;
        if (Search(*a.policy, *a.version, *b.policy, *b.version, shared, from, until))
          reported.insert({a.policy, b.policy});
      }
    }
  }

 private:
  bool IsLineField(ExprId id, std::string_view field) const {
    const ast::Expr& e = l_.ast.expr(id);
    if (e.kind != ExprKind::Field || e.text != field)
      return false;
    const ast::Expr& base = l_.ast.expr(e.a);
    return base.kind == ExprKind::NameRef && base.text == "line" &&
           l_.checked.expr_refs[e.a].kind == check::RefKind::Scope;
  }

  bool IsScope(ExprId id, std::string_view name) const {
    const ast::Expr& e = l_.ast.expr(id);
    return e.kind == ExprKind::NameRef && e.text == name &&
           l_.checked.expr_refs[id].kind == check::RefKind::Scope;
  }

  // The HCPCS codes of a list literal of strings.
  std::optional<Codeset> LiteralCodes(ExprId list) const {
    const ast::Expr& e = l_.ast.expr(list);
    CodesetBuilder builder;
    if (e.kind == ExprKind::String) {
      std::optional<uint64_t> packed = Pack(CodeSystem::Hcpcs, e.text);
      if (!packed)
        return std::nullopt;
      builder.AddCode(*packed);
      return builder.Build();
    }
    if (e.kind != ExprKind::List)
      return std::nullopt;
    for (ExprId item : e.list) {
      const ast::Expr& x = l_.ast.expr(item);
      std::optional<uint64_t> packed =
          x.kind == ExprKind::String ? Pack(CodeSystem::Hcpcs, x.text) : std::nullopt;
      if (!packed)
        return std::nullopt;
      builder.AddCode(*packed);
    }
    return builder.Build();
  }

  // The codes a rule applies to, when its `applies to` names them in a top-level conjunct.
  std::optional<Codeset> RuleCodes(ExprId applies) const {
    const ast::Expr& e = l_.ast.expr(applies);
    if (e.kind == ExprKind::Binary && e.op == Op::And) {
      if (auto a = RuleCodes(e.a))
        return a;
      return RuleCodes(e.b);
    }
    if (e.kind != ExprKind::Binary || !IsLineField(e.a, "code"))
      return std::nullopt;
    if (e.op == Op::In) {
      if (std::optional<check::Ref> set = l_.NamedCodeset(e.b))
        return l_.CodesetOf(*set);
      return LiteralCodes(e.b);
    }
    if (e.op == Op::Eq)
      return LiteralCodes(e.b);
    return std::nullopt;
  }

  std::optional<Codeset> Coverage(uint32_t file) const {
    const ast::File& f = l_.ast.files[file];
    if (f.rules.empty())
      return std::nullopt;
    Codeset all;
    for (const ast::Rule& rule : f.rules) {
      std::optional<Codeset> codes = RuleCodes(rule.applies);
      if (!codes)
        return std::nullopt;
      all = Codeset::Union(all, *codes);
    }
    return all;
  }

  // A few members of `set`, as text: the first valid code of each of its first intervals.
  static std::vector<std::string> Samples(const Codeset& set, size_t limit) {
    std::vector<std::string> out;
    for (const CodeInterval& interval : set.intervals()) {
      for (uint64_t packed = interval.lo; packed <= interval.hi && packed < interval.lo + 64;
           ++packed) {
        if (std::optional<CodeText> text = Unpack(packed)) {
          out.push_back(text->str());
          break;
        }
      }
      if (out.size() >= limit)
        break;
    }
    return out;
  }

  void Gather(uint32_t file, Probes& probes) {
    const ast::File& f = l_.ast.files[file];
    for (const ast::Rule& rule : f.rules) {
      Expr(rule.applies, probes, 0);
      Stmts(rule.body, probes);
    }
  }

  void Stmts(const std::vector<ast::StmtId>& body, Probes& probes) {
    for (ast::StmtId sid : body) {
      const ast::Stmt& s = l_.ast.stmt(sid);
      Expr(s.a, probes, 0);
      Stmts(s.body, probes);
    }
  }

  void Expr(ExprId id, Probes& probes, int depth) {
    if (id == ast::kNone || depth > 256)
      return;
    const ast::Expr& e = l_.ast.expr(id);
    if (std::optional<Comparison> c = AsComparison(l_, id)) {
      for (int64_t v : c->constants) {
        if (IsScope(c->subject, "age")) {
          for (int64_t a : {v - 1, v, v + 1})
            probes.ages.insert(std::clamp<int64_t>(a, 0, 120));
        } else if (IsLineField(c->subject, "units")) {
          for (int64_t u : {v - 1, v, v + 1})
            probes.units.insert(std::clamp<int64_t>(u, 1, 999));
        } else if (IsScope(c->subject, "service_date") || IsLineField(c->subject, "date")) {
          probes.dates.insert(static_cast<Day>(v - 1));
          probes.dates.insert(static_cast<Day>(v));
        }
      }
    }
    if (e.kind == ExprKind::Binary && (e.op == Op::Eq || e.op == Op::Ne)) {
      for (auto [field, value] : {std::pair{e.a, e.b}, std::pair{e.b, e.a}}) {
        const ast::Expr& fe = l_.ast.expr(field);
        const ast::Expr& ve = l_.ast.expr(value);
        if (fe.kind == ExprKind::Field && fe.text == "sex" && ve.kind == ExprKind::String)
          probes.sexes.insert(ve.text);
      }
    }
    if (e.kind == ExprKind::Binary && (e.op == Op::In || e.op == Op::NotIn)) {
      const ast::Expr& subject = l_.ast.expr(e.a);
      if (subject.kind == ExprKind::String && IsLineField(e.b, "modifiers"))
        probes.modifiers.insert(subject.text);
      if (std::optional<check::Ref> set = l_.NamedCodeset(e.b)) {
        if (l_.checked.codeset_systems[set->file][set->index] == CodeSystem::Icd10cm) {
          for (const std::string& code : Samples(l_.CodesetOf(*set), 1))
            probes.diagnoses.insert(code);
        }
      }
    }
    if (e.kind == ExprKind::Field && l_.checked.expr_refs[id].kind == check::RefKind::Fact &&
        l_.checked.types.Kind(l_.checked.expr_types[id]) == check::TypeKind::Bool) {
      probes.bool_facts.insert(e.text);
    }
    if (e.kind == ExprKind::NameRef) {
      if (auto let = l_.LetValue(id); let && visited_lets_.insert(let->second).second)
        Expr(let->second, probes, depth + 1);
      return;
    }
    Expr(e.a, probes, depth + 1);
    Expr(e.b, probes, depth + 1);
    Expr(e.c, probes, depth + 1);
    for (ExprId item : e.list)
      Expr(item, probes, depth + 1);
  }

  static std::string Birth(Day on, int64_t age) {
    std::optional<Day> birth = AddYears(on, -age);
    if (!birth)
      return "1950-01-01";
    // Clamping (Feb 29) can make the age one less: step back a day until it is right.
    for (int i = 0; i < 3 && AgeOn(*birth, on) < age; ++i)
      *birth -= 1;
    return FormatDate(*birth).str();
  }

  template <typename T>
  static std::vector<T> Limit(const std::set<T>& values, T fallback) {
    std::vector<T> out(values.begin(), values.end());
    if (out.empty())
      out.push_back(fallback);
    if (out.size() > kMaxPerDimension)
      out.resize(kMaxPerDimension);
    return out;
  }

  bool Search(const check::Policy& p, const check::PolicyVersion& pv, const check::Policy& q,
              const check::PolicyVersion& qv, const Codeset& shared, Day from, Day until) {
    Probes probes;
    visited_lets_.clear();
    Gather(pv.file, probes);
    Gather(qv.file, probes);
    Day first = std::max<Day>(from, kMinDay);
    Day last = std::min<Day>(until, kMaxDay);
    std::set<Day> dates;
    for (Day d : probes.dates) {
      if (d >= first && d <= last)
        dates.insert(d);
    }
    std::vector<Day> date_values = Limit(dates, first);
    if (!dates.count(first)) {
      date_values.insert(date_values.begin(), first);
      if (date_values.size() > kMaxPerDimension)
        date_values.pop_back();
    }
    std::vector<std::string> codes = Samples(shared, kMaxCodes);
    std::vector<int64_t> ages = Limit(probes.ages, int64_t{70});
    std::vector<std::string> sexes = Limit(probes.sexes, std::string("F"));
    std::vector<int64_t> units = Limit(probes.units, int64_t{1});
    std::vector<std::string> dx = {""};
    for (const std::string& d : probes.diagnoses) {
      if (dx.size() < kMaxPerDimension)
        dx.push_back(d);
    }
    std::vector<std::string> mods = {""};
    for (const std::string& m : probes.modifiers) {
      if (mods.size() < kMaxPerDimension)
        mods.push_back(m);
    }
    std::vector<std::string> facts(probes.bool_facts.begin(), probes.bool_facts.end());
    if (facts.size() > 3)
      facts.resize(3);  // 2^3 combinations
    size_t fact_combos = size_t{1} << facts.size();

    // Mixed radix, the first dimension slowest.
    std::vector<size_t> radix = {codes.size(), date_values.size(), ages.size(), sexes.size(),
                                 dx.size(),    units.size(),       mods.size(), fact_combos};
    size_t total = 1;
    for (size_t r : radix)
      total = std::min(kMaxCandidates, total * std::max<size_t>(r, 1));
    if (codes.empty())
      return false;
    if (!GetEngine())
      return false;
    Session session(*engine_);
    for (size_t n = 0; n < total; ++n) {
      std::vector<size_t> at(radix.size());
      size_t rest = n;
      for (size_t k = radix.size(); k-- > 0;) {
        at[k] = rest % radix[k];
        rest /= radix[k];
      }
      Day dos = date_values[at[1]];
      std::string claim = "{\"patient\": {\"birth_date\": ";
      AppendJsonString(claim, Birth(dos, ages[at[2]]));
      claim += ", \"sex\": ";
      AppendJsonString(claim, sexes[at[3]]);
      claim += "}, \"service_date\": ";
      AppendJsonString(claim, FormatDate(dos).str());
      claim += ", \"diagnoses\": [";
      if (!dx[at[4]].empty())
        AppendJsonString(claim, dx[at[4]]);
      claim += "], \"lines\": [{\"code\": ";
      AppendJsonString(claim, codes[at[0]]);
      claim += fmt::format(", \"units\": {}, \"modifiers\": [", units[at[5]]);
      if (!mods[at[6]].empty())
        AppendJsonString(claim, mods[at[6]]);
      claim += "]}]";
      if (!facts.empty()) {
        claim += ", \"facts\": {";
        for (size_t k = 0; k < facts.size(); ++k) {
          claim += k ? ", " : "";
          AppendJsonString(claim, facts[k]);
          claim += (at[7] >> k) & 1 ? ": true" : ": false";
        }
        claim += "}";
      }
      claim += "}";
      std::optional<Outcome> a = Decide(session, p.id, claim);
      std::optional<Outcome> b = Decide(session, q.id, claim);
      if (!a || !b)
        continue;
      bool conflict = (a->covered && b->refused) || (b->covered && a->refused);
      if (!conflict)
        continue;
      Report(p, pv, *a, q, qv, *b, codes[at[0]], dos, claim);
      return true;
    }
    return false;
  }

  struct Outcome {
    bool covered = false;  // the policy's rules applied and found nothing
    bool refused = false;  // denied or rejected
    std::string text;      // "covers it", "denies it (`age`)"
  };

  std::optional<Outcome> Decide(Session& session, const std::string& policy,
                                const std::string& claim) {
    RecordError error;
    session.SetPolicyFilter(policy);
    if (!session.Evaluate(claim, error))
      return std::nullopt;
    const ClaimDecision& d = session.decision();
    if (d.lines.empty() || d.lines[0].rules_applied == 0)
      return std::nullopt;
    const LineDecision& line = d.lines[0];
    Outcome out;
    out.covered = line.decision == Decision::Covered;
    out.refused = line.decision == Decision::Denied || line.decision == Decision::Rejected;
    if (out.covered) {
      out.text = "covers line 1";
    } else {
      out.text = fmt::format("{} line 1", line.decision == Decision::Denied ? "denies" : "rejects");
      if (line.finding_count > 0) {
        uint32_t reason = engine_->ReasonOf(d.findings[line.first_finding]);
        if (reason != UINT32_MAX)
          out.text += fmt::format(" (`{}`)", engine_->program().reasons[reason].name);
      }
    }
    return out;
  }

  const Engine* GetEngine() {
    if (!engine_ && !engine_failed_) {
      std::string problem;
      engine_ = Engine::FromProgram(l_.program, &problem);
      engine_failed_ = !engine_;
    }
    return engine_.get();
  }

  void Report(const check::Policy& p, const check::PolicyVersion& pv, const Outcome& a,
              const check::Policy& q, const check::PolicyVersion& qv, const Outcome& b,
              const std::string& code, Day dos, const std::string& claim) {
    const ast::PolicyHeader& qh = *l_.ast.files[qv.file].policy;
    const ast::PolicyHeader& ph = *l_.ast.files[pv.file].policy;
    auto& d = l_.Emit(diag::DiagCode::ConflictingPolicies, qv.file, qh.id.span, p.id, q.id,
                      fmt::format("`{}` on {}", code, FormatDate(dos).str()));
    d.notes.push_back({l_.Fid(pv.file), ph.id.span,
                       fmt::format("policy `{}` version {} is here", p.id, pv.version)});
    d.help = fmt::format(
        "for this claim `{}` {} and `{}` {}: {}; make the criteria agree, or narrow one "
        "policy's codes or dates (if both are meant, as an edit layered on a coverage policy, "
        "say so with `// warrant: allow W0711`)",
        p.id, a.text, q.id, b.text, claim);
  }

  Linter& l_;
  std::unique_ptr<Engine> engine_;
  bool engine_failed_ = false;
  std::set<ExprId> visited_lets_;
};

}  // namespace

void LintConflicts(Linter& l) {
  ConflictFinder(l).Run();
}

}  // namespace warrant::lint
