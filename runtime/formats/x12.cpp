// The X12 837 reader (005010X222A1 professional, 005010X223A2 institutional): walks the
// envelopes (ISA/GS/ST, checked against IEA/GE/SE), the HL levels (20 billing provider,
// 22 subscriber, 23 patient) and each CLM with its loops, and turns every CLM into one Warrant
// claim record (x12_claim.h). docs/formats.md maps each segment and element it reads.
//
// A problem inside a claim makes that claim an error located by its segment; a problem in an
// envelope is returned once every claim before it has gone to the sink. Segments the mapping
// does not name are skipped (addresses, payers, other-payer loops, adjudication).
#include <charconv>
#include <cstring>
#include <optional>

#include "runtime/formats/claim_source.h"
#include "runtime/formats/x12_claim.h"
#include "runtime/formats/x12_segments.h"

namespace warrant {
namespace {

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view text) {
  if (text.empty())
    return false;
  for (const char c : text) {
    if (!IsDigit(c))
      return false;
  }
  return true;
}

// An X12 decimal (R type: "12.25", "-5", ".5") as JSON, or nullopt.
std::optional<std::string> DecimalJson(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view unsigned_text = text.substr(negative ? 1 : 0);
  const size_t dot = unsigned_text.find('.');
  const std::string_view whole = unsigned_text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : unsigned_text.substr(dot + 1);
  auto digits = [](std::string_view part) {
    for (const char c : part) {
      if (!IsDigit(c))
        return false;
    }
    return true;
  };
  if (!digits(whole) || !digits(fraction) || whole.size() + fraction.size() == 0 ||
      whole.size() + fraction.size() > 18)
    return std::nullopt;
  std::string out;
  if (negative)
    out += '-';
  if (whole.empty())
    out += '0';
  out += whole;
  if (!fraction.empty()) {
    out += '.';
    out += fraction;
  }
  return out;
}

// A whole quantity ("2", "2.0") as a JSON integer, or nullopt.
std::optional<std::string> WholeJson(std::string_view text) {
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    for (const char c : fraction) {
      if (c != '0')
        return std::nullopt;
    }
  }
  if (!AllDigits(whole) || whole.size() > 18)
    return std::nullopt;
  while (whole.size() > 1 && whole.front() == '0')
    whole.remove_prefix(1);
  return std::string(whole);
}

// CCYYMMDD as YYYY-MM-DD (the calendar check is the schema's), or nullopt.
std::optional<std::string> D8Date(std::string_view text) {
  if (text.size() != 8 || !AllDigits(text))
    return std::nullopt;
  std::string date(10, '-');  // fits the string's own buffer: no allocation
  std::memcpy(date.data(), text.data(), 4);
  std::memcpy(date.data() + 5, text.data() + 4, 2);
  std::memcpy(date.data() + 8, text.data() + 6, 2);
  return date;
}

// An ICD-10-CM code as HI writes it (E1165) with its dot (E11.65).
std::string WithDot(std::string_view code) {
  if (code.size() <= 3 || code.find('.') != std::string_view::npos)
    return std::string(code);
  std::string dotted;
  dotted.reserve(code.size() + 1);
  dotted.append(code.data(), 3);
  dotted += '.';
  dotted.append(code.data() + 3, code.size() - 3);
  return dotted;
}

// A segment id of up to three bytes as one number (its length in the top byte); 0 for longer.
constexpr uint32_t IdCode(std::string_view id) {
  if (id.size() > 3)
    return 0;
  uint32_t code = static_cast<uint32_t>(id.size()) << 24;
  for (size_t i = 0; i < id.size(); ++i)
    code |= static_cast<uint32_t>(static_cast<unsigned char>(id[i])) << (8 * i);
  return code;
}

std::string Quote(std::string_view text) {
  return "`" + std::string(text) + "`";
}

// A claim-level problem: the message names the element; the reader adds where.
struct Problem {
  std::string message;
};

// Where a segment is: its envelopes' control numbers and its position in the transaction set.
struct EnvelopeState {
  std::string isa;  // ISA13
  std::string gs;   // GS06
  std::string st;   // ST02
  bool in_isa = false, in_gs = false, in_st = false;
  bool skip_st = false;  // a transaction set that is not an 837
  bool institutional = false;
  uint64_t isa_line = 0, gs_line = 0, st_line = 0;
  uint64_t groups = 0;        // GS in this ISA
  uint64_t transactions = 0;  // ST in this GS
  uint64_t segments = 0;      // segments of this ST so far, ST included
  uint64_t outside = 0;       // segments counted outside any ST (for positions there)
};

// Which loop an NM1, PRV, DMG or DTP belongs to.
enum class Loop { Header, BillingProvider, Subscriber, Payer, Patient, Claim, OtherPayer, Line };

class X12Reader {
 public:
  X12Reader(std::string_view text, std::string_view name, const ClaimSink& sink)
      : tokens_(text), name_(name), sink_(sink) {}

  X12Reader(std::istream& in, size_t chunk_bytes, std::string_view name, const ClaimSink& sink)
      : tokens_(in, chunk_bytes), name_(name), sink_(sink) {}

  std::vector<std::string> Run() {
    X12Segment segment;
    while (!stopped_ && tokens_.Next(segment))
      Segment(segment);
    if (stopped_)
      return problems_;
    Flush();
    if (tokens_.read_failed())
      problems_.push_back(std::string(name_) + ": reading the input failed part way");
    if (!tokens_.error().empty())
      Envelope(tokens_.error_line(), tokens_.error());
    const uint64_t end_line = segment.line;
    if (env_.in_st)
      Envelope(end_line, "the input ends inside transaction set ST " + env_.st + " (no SE)");
    if (env_.in_gs)
      Envelope(end_line, "the input ends inside functional group GS " + env_.gs + " (no GE)");
    if (env_.in_isa)
      Envelope(end_line, "the input ends inside interchange ISA " + env_.isa + " (no IEA)");
    if (!seen_isa_ && tokens_.error().empty())
      problems_.push_back(std::string(name_) + ": the input holds no X12 interchange");
    return problems_;
  }

 private:
  // "ISA 000000905, GS 1, ST 0001, segment 17 (SV1)".
  std::string Where(const X12Segment& segment) const {
    std::string where;
    AppendWhere(segment, where);
    return where;
  }

  // The same, appended to `where` (every claim's location: no temporary strings).
  void AppendWhere(const X12Segment& segment, std::string& where) const {
    auto number = [&](uint64_t n) {
      char digits[24];
      const auto result = std::to_chars(digits, digits + sizeof digits, n);
      where.append(digits, result.ptr);
    };
    if (env_.in_isa) {
      where += "ISA ";
      where += env_.isa;
      where += ", ";
    }
    if (env_.in_gs) {
      where += "GS ";
      where += env_.gs;
      where += ", ";
    }
    if (env_.in_st) {
      where += "ST ";
      where += env_.st;
      where += ", segment ";
      number(env_.segments);
    } else {
      where += "segment ";
      number(env_.outside);
      where += " of the interchange";
    }
    if (segment.id().empty())
      return;
    where += " (";
    where += segment.id().substr(0, 8);
    where += ')';
  }

  void Envelope(uint64_t line, const std::string& message) {
    problems_.push_back(std::string(name_) + ":" + std::to_string(line) + ": " + message);
  }

  void Envelope(const X12Segment& segment, const std::string& message) {
    Envelope(segment.line, Where(segment) + ": " + message);
  }

  void Segment(const X12Segment& s) {
    const std::string_view id = s.id();
    const uint32_t code = IdCode(id);  // compared as one number, not as text
    if (env_.in_st)
      ++env_.segments;
    else
      ++env_.outside;
    if (code == IdCode("ISA"))
      return Isa(s);
    if (code == IdCode("IEA"))
      return Iea(s);
    if (code == IdCode("GS"))
      return Gs(s);
    if (code == IdCode("GE"))
      return Ge(s);
    if (code == IdCode("ST"))
      return St(s);
    if (code == IdCode("SE"))
      return Se(s);
    if (!env_.in_st) {
      Envelope(s, "a segment outside any transaction set (ST ... SE); skipped");
      return;
    }
    if (env_.skip_st)
      return;
    if (!IsX12SegmentId(id)) {
      Taint(s, Quote(s.text.substr(0, 24)) + " does not start with a segment id");
      return;
    }
    if (code == IdCode("HL"))
      return Hl(s);
    if (code == IdCode("CLM"))
      return Clm(s);
    if (claim_ && !claim_error_.empty())
      return;  // the claim is already refused: the rest of it is skipped
    std::optional<Problem> problem;
    if (code == IdCode("NM1"))
      problem = Nm1(s);
    else if (code == IdCode("PRV"))
      problem = Prv(s);
    else if (code == IdCode("DMG"))
      problem = Dmg(s);
    else if (code == IdCode("SBR"))
      problem = Sbr();
    else if (claim_ && code == IdCode("HI"))
      problem = Hi(s);
    else if (claim_ && code == IdCode("LX"))
      problem = Lx(s);
    else if (claim_ && code == IdCode("SV1"))
      problem = Sv1(s);
    else if (claim_ && code == IdCode("SV2"))
      problem = Sv2(s);
    else if (claim_ && code == IdCode("DTP"))
      problem = Dtp(s);
    else if (claim_ && code == IdCode("LIN"))
      problem = Lin(s);
    else if (claim_ && code == IdCode("CTP"))
      problem = Ctp(s);
    else if (claim_ && code == IdCode("REF") && loop_ == Loop::Claim && s.Element(1) == "F8")
      claim_->original_id = std::string(s.Element(2));  // the claim a 7 or 8 replaces or voids
    else if (claim_ && code == IdCode("SVD"))
      loop_ = Loop::OtherPayer;  // 2430 line adjudication: nothing of it is read
    if (problem)
      Fail(s, problem->message);
  }

  // --- envelopes ------------------------------------------------------------------------------

  void Isa(const X12Segment& s) {
    seen_isa_ = true;
    if (env_.in_st) {
      Flush();
      Envelope(s, "ISA before the SE of transaction set ST " + env_.st);
    }
    if (env_.in_gs)
      Envelope(s, "ISA before the GE of functional group GS " + env_.gs);
    if (env_.in_isa)
      Envelope(s, "ISA before the IEA of interchange ISA " + env_.isa);
    env_ = {};
    env_.outside = 1;
    env_.in_isa = true;
    env_.isa_line = s.line;
    if (s.elements.size() != 17)
      Envelope(s, "the ISA has " + std::to_string(s.elements.size() - 1) +
                      " elements, not 16 (ISA01 ... ISA16)");
    env_.isa = std::string(s.Element(13));
    if (!AllDigits(env_.isa) || env_.isa.size() != 9)
      Envelope(s, "ISA13 (the interchange control number) " + Quote(env_.isa) + " is not 9 digits");
  }

  void Iea(const X12Segment& s) {
    if (env_.in_st) {
      Flush();
      Envelope(s, "IEA before the SE of transaction set ST " + env_.st);
      env_.in_st = false;
    }
    if (env_.in_gs) {
      Envelope(s, "IEA before the GE of functional group GS " + env_.gs);
      env_.in_gs = false;
    }
    if (!env_.in_isa) {
      Envelope(s, "IEA without an ISA");
      return;
    }
    if (s.Element(1) != std::to_string(env_.groups))
      Envelope(s, "IEA01 says " + Quote(s.Element(1)) + " functional groups, the interchange has " +
                      std::to_string(env_.groups));
    if (s.Element(2) != env_.isa)
      Envelope(s, "IEA02 " + Quote(s.Element(2)) + " is not the ISA13 control number " +
                      Quote(env_.isa));
    env_.in_isa = false;
  }

  void Gs(const X12Segment& s) {
    if (env_.in_st) {
      Flush();
      Envelope(s, "GS before the SE of transaction set ST " + env_.st);
      env_.in_st = false;
    }
    if (env_.in_gs)
      Envelope(s, "GS before the GE of functional group GS " + env_.gs);
    if (!env_.in_isa)
      Envelope(s, "GS outside an interchange (no ISA before it)");
    env_.in_gs = true;
    env_.gs = std::string(s.Element(6));
    env_.gs_line = s.line;
    env_.transactions = 0;
    env_.groups++;
    env_.institutional = s.Element(8).find("X223") != std::string_view::npos;
  }

  void Ge(const X12Segment& s) {
    if (env_.in_st) {
      Flush();
      Envelope(s, "GE before the SE of transaction set ST " + env_.st);
      env_.in_st = false;
    }
    if (!env_.in_gs) {
      Envelope(s, "GE without a GS");
      return;
    }
    if (s.Element(1) != std::to_string(env_.transactions))
      Envelope(s, "GE01 says " + Quote(s.Element(1)) + " transaction sets, the group has " +
                      std::to_string(env_.transactions));
    if (s.Element(2) != env_.gs)
      Envelope(s,
               "GE02 " + Quote(s.Element(2)) + " is not the GS06 control number " + Quote(env_.gs));
    env_.in_gs = false;
  }

  void St(const X12Segment& s) {
    if (env_.in_st) {
      Flush();
      Envelope(s, "ST before the SE of transaction set ST " + env_.st);
    }
    if (!env_.in_gs)
      Envelope(s, "ST outside a functional group (no GS before it)");
    env_.in_st = true;
    env_.st = std::string(s.Element(2));
    env_.st_line = s.line;
    env_.segments = 1;
    env_.transactions++;
    env_.skip_st = s.Element(1) != "837";
    if (env_.skip_st)
      Envelope(s, "transaction set " + Quote(s.Element(1)) + " is not an 837 claim; skipped");
    if (!s.Element(3).empty())
      env_.institutional = s.Element(3).find("X223") != std::string_view::npos;
    ResetLevels(0);
  }

  void Se(const X12Segment& s) {
    Flush();
    if (!env_.in_st) {
      Envelope(s, "SE without an ST");
      return;
    }
    if (s.Element(1) != std::to_string(env_.segments))
      Envelope(s, "SE01 says " + Quote(s.Element(1)) + " segments, the transaction set has " +
                      std::to_string(env_.segments) + " (ST and SE included)");
    if (s.Element(2) != env_.st)
      Envelope(s,
               "SE02 " + Quote(s.Element(2)) + " is not the ST02 control number " + Quote(env_.st));
    env_.in_st = false;
    env_.skip_st = false;
  }

  // --- hierarchy ------------------------------------------------------------------------------

  // Levels: 0 the transaction's header, 1 billing provider (20), 2 subscriber (22), 3 patient (23).
  void ResetLevels(int from) {
    for (int level = from; level < 4; ++level)
      taint_[level].clear();
    if (from <= 1)
      billing_ = {};
    if (from <= 2) {
      subscriber_ = {};
      patient_ = {};
      has_patient_ = false;
    }
    if (from <= 3) {
      patient_ = {};
      has_patient_ = false;
    }
    level_ = from;
    if (from == 0)
      loop_ = Loop::Header;
  }

  // A malformed segment outside any claim: the claims under its level are refused, naming it.
  void Taint(const X12Segment& s, const std::string& message) {
    if (claim_) {
      Fail(s, message);
      return;
    }
    if (level_ == 0)  // the submitter and receiver: no claim reads them
      Envelope(s, message);
    else if (taint_[level_].empty())
      taint_[level_] = Where(s) + ": " + message;
  }

  void Hl(const X12Segment& s) {
    Flush();
    const std::string_view code = s.Element(3);
    if (code == "20") {
      ResetLevels(1);
      loop_ = Loop::BillingProvider;
    } else if (code == "22") {
      ResetLevels(2);
      loop_ = Loop::Subscriber;
    } else if (code == "23") {
      ResetLevels(3);
      has_patient_ = true;
      loop_ = Loop::Patient;
    } else {
      Taint(s, "HL03 " + Quote(code) +
                   " is not a level of an 837 (20 billing provider, 22 subscriber, 23 patient)");
    }
  }

  // --- the claim ------------------------------------------------------------------------------

  void Clm(const X12Segment& s) {
    Flush();
    // One claim object for the whole input: its strings and vectors keep their capacity.
    claim_ = &claim_storage_;
    Clear(*claim_);
    claim_error_.clear();
    claim_where_.clear();
    AppendWhere(s, claim_where_);
    claim_line_ = s.line;
    loop_ = Loop::Claim;
    X12Claim& claim = *claim_;
    claim.id = std::string(s.Element(1));
    claim.institutional = env_.institutional;
    claim.billing = billing_;
    const X12Person& person = has_patient_ ? patient_ : subscriber_;
    claim.patient = person;
    if (claim.patient.id.empty())
      claim.patient.id = subscriber_.id;
    for (const std::string& taint : taint_) {
      if (!taint.empty() && claim_error_.empty())
        claim_error_ = taint;
    }
    if (!claim_error_.empty())
      return;
    if (claim.id.empty())
      return Fail(s, "CLM01 (the claim id) is empty");
    const std::vector<std::string_view>& clm05 = Components(s.Element(5));
    const std::string_view facility = clm05[0];
    const std::string_view frequency = clm05.size() > 2 ? clm05[2] : std::string_view();
    if (frequency == "1")
      claim.frequency = "original";
    else if (frequency == "7")
      claim.frequency = "replacement";
    else if (frequency == "8")
      claim.frequency = "void";
    if (claim.institutional) {
      if (!facility.empty() || !frequency.empty())
        claim.bill_type = std::string(facility) + std::string(frequency);
    } else {
      claim.place_of_service = std::string(facility);
    }
  }

  void Fail(const X12Segment& s, const std::string& message) {
    if (!claim_) {
      Taint(s, message);
      return;
    }
    if (claim_error_.empty())
      claim_error_ = Where(s) + ": " + message;
  }

  static void Clear(X12Provider& provider) {
    provider.npi.clear();
    provider.taxonomy.clear();
  }

  static void Clear(X12Claim& claim) {
    claim.id.clear();
    claim.institutional = false;
    claim.place_of_service.clear();
    claim.bill_type.clear();
    claim.frequency.clear();
    claim.original_id.clear();
    claim.statement_date.clear();
    claim.patient.id.clear();
    claim.patient.birth_date.clear();
    claim.patient.sex.clear();
    for (X12Provider* provider :
         {&claim.billing, &claim.rendering, &claim.referring, &claim.ordering})
      Clear(*provider);
    claim.diagnoses.clear();
    claim.lines.clear();
  }

  void Flush() {
    if (!claim_)
      return;
    // Reused from one claim to the next (the sink may move from it).
    ConvertedClaim& out = converted_;
    out.id = claim_->id;
    out.where = claim_where_;
    out.line = claim_line_;
    out.json.clear();
    out.error.clear();
    out.item_sequences.clear();
    if (claim_error_.empty())
      AppendX12ClaimJson(*claim_, out.json);
    else
      out.error = claim_error_;
    claim_ = nullptr;
    claim_error_.clear();
    loop_ = Loop::OtherPayer;  // until the next HL or CLM, segments belong to no claim
    if (!sink_(out))
      stopped_ = true;
  }

  // The components of a composite element (X12Components), in a vector reused by every call:
  // valid until the next call.
  const std::vector<std::string_view>& Components(std::string_view element) {
    X12Components(element, tokens_.delimiters().component, parts_);
    return parts_;
  }

  X12Line* CurrentLine() { return claim_->lines.empty() ? nullptr : &claim_->lines.back(); }

  // The provider an NM1 or PRV of the current loop names, or null for one the mapping skips.
  X12Provider* ProviderFor(std::string_view entity) {
    if (loop_ == Loop::Claim || loop_ == Loop::Line) {
      X12Line* line = loop_ == Loop::Line ? CurrentLine() : nullptr;
      if (entity == "82")
        return line ? &line->rendering : &claim_->rendering;
      if (entity == "DN")
        return line ? &line->referring : &claim_->referring;
      if (entity == "DK")
        return line ? &line->ordering : &claim_->ordering;
      return nullptr;
    }
    if (loop_ == Loop::BillingProvider && entity == "85")
      return &billing_;
    return nullptr;
  }

  std::optional<Problem> Nm1(const X12Segment& s) {
    const std::string_view entity = s.Element(1);
    if (!claim_) {
      if (entity == "IL" && (loop_ == Loop::Subscriber || loop_ == Loop::Payer)) {
        loop_ = Loop::Subscriber;
        subscriber_.id = std::string(s.Element(9));
      } else if (entity == "QC" && loop_ == Loop::Patient) {
        patient_.id = std::string(s.Element(9));
      } else if (entity == "PR") {
        loop_ = Loop::Payer;
      }
    }
    if (loop_ == Loop::OtherPayer || loop_ == Loop::Header)
      return std::nullopt;
    X12Provider* provider = ProviderFor(entity);
    if (provider == nullptr)
      return std::nullopt;
    if (s.Element(8) == "XX")
      provider->npi = std::string(s.Element(9));
    return std::nullopt;
  }

  std::optional<Problem> Prv(const X12Segment& s) {
    const std::string_view role = s.Element(1);
    X12Provider* provider = nullptr;
    if (role == "BI" && loop_ == Loop::BillingProvider)
      provider = &billing_;
    else if (role == "PE" && claim_)
      provider = ProviderFor("82");
    else if (role == "RF" && claim_)
      provider = ProviderFor("DN");
    if (provider != nullptr && s.Element(2) == "PXC")
      provider->taxonomy = std::string(s.Element(3));
    return std::nullopt;
  }

  std::optional<Problem> Dmg(const X12Segment& s) {
    X12Person* person = nullptr;
    if (!claim_ && loop_ == Loop::Subscriber)
      person = &subscriber_;
    else if (!claim_ && loop_ == Loop::Patient)
      person = &patient_;
    if (person == nullptr)
      return std::nullopt;
    if (s.Element(1) != "D8")
      return Problem{"DMG01 " + Quote(s.Element(1)) + " is not D8 (a birth date CCYYMMDD)"};
    const std::optional<std::string> date = D8Date(s.Element(2));
    if (!date)
      return Problem{"DMG02 (the birth date) " + Quote(s.Element(2)) + " is not CCYYMMDD"};
    person->birth_date = *date;
    person->sex = std::string(s.Element(3));
    return std::nullopt;
  }

  std::optional<Problem> Sbr() {
    if (claim_)
      loop_ = Loop::OtherPayer;  // 2320: other subscribers, up to the first LX
    return std::nullopt;
  }

  std::optional<Problem> Hi(const X12Segment& s) {
    if (loop_ != Loop::Claim)
      return std::nullopt;
    for (size_t i = 1; i < s.elements.size(); ++i) {
      if (s.elements[i].empty())
        continue;
      const std::vector<std::string_view>& parts = Components(s.elements[i]);
      const std::string_view qualifier = parts[0];
      // "HI01": built only for a message.
      const auto element = [i] {
        return "HI" + std::string(i < 10 ? "0" : "") + std::to_string(i);
      };
      if (qualifier == "BK" || qualifier == "BF" || qualifier == "BJ" || qualifier == "BN" ||
          qualifier == "PR") {
        return Problem{element() + " qualifier " + Quote(qualifier) +
                       " marks an ICD-9-CM code; Warrant reads ICD-10-CM diagnoses (ABK, ABF)"};
      }
      if (qualifier != "ABK" && qualifier != "ABF")
        continue;  // admitting, reason for visit, external cause, codes of other kinds
      if (parts.size() < 2 || parts[1].empty())
        return Problem{element() + " " + Quote(s.elements[i]) + " has no diagnosis code after " +
                       Quote(qualifier)};
      if (qualifier == "ABK" && !claim_->diagnoses.empty())
        return Problem{element() + ": a principal diagnosis (ABK) after other diagnoses"};
      claim_->diagnoses.push_back(WithDot(parts[1]));
    }
    return std::nullopt;
  }

  std::optional<Problem> Lx(const X12Segment& s) {
    loop_ = Loop::Line;
    const std::string expected = std::to_string(claim_->lines.size() + 1);
    if (s.Element(1) != expected)
      return Problem{"LX01 " + Quote(s.Element(1)) + " is not " + expected +
                     ": service lines are numbered 1, 2, ... in order, and decisions name each "
                     "line by that number"};
    claim_->lines.emplace_back();
    return std::nullopt;
  }

  // HC:code:mod1..mod4 into the line.
  std::optional<Problem> Procedure(const std::string& element, std::string_view value,
                                   X12Line& line) {
    const std::vector<std::string_view>& parts = Components(value);
    if (parts[0] != "HC")
      return Problem{element + " qualifier " + Quote(parts[0]) +
                     " is not HC (HCPCS or CPT); Warrant decides HCPCS procedure codes"};
    if (parts.size() < 2 || parts[1].empty())
      return Problem{element + " has no procedure code after HC"};
    line.code = std::string(parts[1]);
    for (size_t i = 2; i < parts.size() && i < 6; ++i) {
      if (!parts[i].empty())
        line.modifiers.emplace_back(parts[i]);
    }
    return std::nullopt;
  }

  // The charge and units of SV1 (SV102..SV104) or SV2 (SV203..SV205); `first` numbers the
  // charge element.
  std::optional<Problem> Amounts(const X12Segment& s, size_t first, X12Line& line) {
    auto name = [&](size_t offset) {
      return std::string(s.id()) + "0" + std::to_string(first + offset);
    };
    const std::string_view charge = s.Element(first);
    const std::string_view basis = s.Element(first + 1);
    const std::string_view quantity = s.Element(first + 2);
    if (!charge.empty()) {
      std::optional<std::string> json = DecimalJson(charge);
      if (!json)
        return Problem{name(0) + " (the charge) " + Quote(charge) + " is not a number"};
      line.charge = *json;
    }
    if (!quantity.empty()) {
      if (basis != "UN" && basis != "MJ" && basis != "DA")
        return Problem{name(1) + " (the unit basis) " + Quote(basis) + " is not UN, MJ or DA"};
      std::optional<std::string> units = WholeJson(quantity);
      if (!units)
        return Problem{name(2) + " (the units) " + Quote(quantity) + " is not a whole number"};
      line.units = *units;
    }
    return std::nullopt;
  }

  std::optional<Problem> Sv1(const X12Segment& s) {
    X12Line* line = loop_ == Loop::Line ? CurrentLine() : nullptr;
    if (line == nullptr)
      return Problem{"SV1 outside a service line (no LX before it)"};
    if (auto problem = Procedure("SV101", s.Element(1), *line))
      return problem;
    if (auto problem = Amounts(s, 2, *line))
      return problem;
    line->place_of_service = std::string(s.Element(5));
    for (const std::string_view pointer : Components(s.Element(7))) {
      if (pointer.empty())
        continue;
      if (!AllDigits(pointer) || pointer.size() > 2)
        return Problem{"SV107 (the diagnosis pointers) " + Quote(s.Element(7)) +
                       " holds a pointer that is not a number from 1 to 12"};
      line->dx_pointers.emplace_back(pointer);
    }
    return std::nullopt;
  }

  std::optional<Problem> Sv2(const X12Segment& s) {
    X12Line* line = loop_ == Loop::Line ? CurrentLine() : nullptr;
    if (line == nullptr)
      return Problem{"SV2 outside a service line (no LX before it)"};
    line->revenue_code = std::string(s.Element(1));
    if (!s.Element(2).empty()) {
      if (auto problem = Procedure("SV202", s.Element(2), *line))
        return problem;
    }
    return Amounts(s, 3, *line);
  }

  std::optional<Problem> Dtp(const X12Segment& s) {
    const std::string_view qualifier = s.Element(1);
    std::string* target = nullptr;
    if (qualifier == "472" && loop_ == Loop::Line && CurrentLine())
      target = &CurrentLine()->date;
    else if (qualifier == "434" && loop_ == Loop::Claim)
      target = &claim_->statement_date;
    if (target == nullptr)
      return std::nullopt;
    const std::string_view format = s.Element(2);
    const std::string_view value = s.Element(3);
    std::optional<std::string> date;
    if (format == "D8")
      date = D8Date(value);
    else if (format == "RD8" && value.size() == 17 && value[8] == '-' && D8Date(value.substr(9)))
      date = D8Date(value.substr(0, 8));
    else if (format != "RD8")
      return Problem{"DTP02 " + Quote(format) + " is not D8 or RD8"};
    if (!date)
      return Problem{"DTP03 " + Quote(value) + " is not a " +
                     (format == "D8" ? "date CCYYMMDD" : "range CCYYMMDD-CCYYMMDD")};
    *target = *date;
    return std::nullopt;
  }

  std::optional<Problem> Lin(const X12Segment& s) {
    X12Line* line = loop_ == Loop::Line ? CurrentLine() : nullptr;
    if (line == nullptr)
      return std::nullopt;
    if (s.Element(2) != "N4")
      return Problem{"LIN02 " + Quote(s.Element(2)) + " is not N4 (an NDC in 5-4-2 form)"};
    line->ndc = std::string(s.Element(3));
    return std::nullopt;
  }

  std::optional<Problem> Ctp(const X12Segment& s) {
    X12Line* line = loop_ == Loop::Line ? CurrentLine() : nullptr;
    if (line == nullptr || line->ndc.empty())
      return std::nullopt;
    std::optional<std::string> quantity = DecimalJson(s.Element(4));
    if (!quantity)
      return Problem{"CTP04 (the drug quantity) " + Quote(s.Element(4)) + " is not a number"};
    line->drug_quantity = *quantity;
    line->drug_unit = std::string(Components(s.Element(5))[0]);
    return std::nullopt;
  }

  X12Tokenizer tokens_;
  std::string_view name_;
  const ClaimSink& sink_;
  std::vector<std::string> problems_;
  bool stopped_ = false;
  bool seen_isa_ = false;
  EnvelopeState env_;

  int level_ = 0;
  std::string taint_[4];
  X12Provider billing_;
  X12Person subscriber_, patient_;
  bool has_patient_ = false;
  Loop loop_ = Loop::Header;

  X12Claim* claim_ = nullptr;  // the claim being read (claim_storage_), null between claims
  X12Claim claim_storage_;
  ConvertedClaim converted_;
  std::vector<std::string_view> parts_;  // Components()
  std::string claim_error_;
  std::string claim_where_;
  uint64_t claim_line_ = 0;
};

}  // namespace

std::vector<std::string> ReadX12(std::string_view text, std::string_view name,
                                 const ClaimSink& sink) {
  return X12Reader(text, name, sink).Run();
}

std::vector<std::string> ReadX12(std::istream& in, std::string_view name, const ClaimSink& sink,
                                 size_t chunk_bytes) {
  return X12Reader(in, chunk_bytes, name, sink).Run();
}

}  // namespace warrant
