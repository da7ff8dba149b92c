// The pack format, version 1. All integers little-endian; no padding, no pointers.
//
//   offset  size  header
//   0       8     magic "WRNTPACK"
//   8       2     u16 format version (1)
//   10      8     u64 InstructionSetHash() of the writer
//   18      32    SHA-256 of bytes [50, end): everything after this field
//   50      4     u32 section count (13)
//   54      12*n  section table: u32 id, u32 offset (from the start of the file), u32 length
//
// Sections follow in id order, back to back, the last ending at the end of the file; every byte
// belongs to exactly one field. Section ids: 1 code, 2 constants, 3 codesets, 4 tables,
// 5 reasons, 6 outcomes, 7 rules, 8 policies, 9 schema, 10 sources, 11 spans, 12 terminology,
// 13 terminology_data.
// Inside a section, a list is a u32 count then its elements; a string is a u32 byte length then
// the bytes; a Day is an i32; a Tag, OutcomeKind or bool is a u8; a sha256 is 32 raw bytes.
//   code         the bytecode, raw (its length is the section's)
//   constants    list of constant: u8 tag, u8 sub, i64 i, string text, list of u32 items
//   codesets     list of Codeset::AppendTo bytes; then list of string names
//   tables       list of: string name, u8 key_tag, list of i64 int_keys, list of string
//                string_keys, list of string columns, u8 record_valued, list of constant cells
//   reasons      list of: string name, group, carc, list of string rarcs, string description,
//                alt_group, u32 alt_code, u32 alt_code_end, u16 alt_slots, u16 alt_max_stack
//   outcomes     list of: u8 kind, u32 reason, string message, u8 unknown_kind,
//                u32 unknown_reason, string unknown_message, u32 rule, file, begin, end
//   rules        list of: string name, title, u32 policy, Day from, until, u32 applies_code,
//                code_end, u16 slots, max_stack, u32 file, begin, end, index_codeset
//   policies     list of: string id, i64 version, string title, source, Day from, until,
//                u32 first_rule, rule_count, file
//   schema       list of records: string name, doc; list of enums: list of string values;
//                list of fields: u16 record, string name, type (u8 kind, u8 elem, u8 system,
//                u16 record, u16 one_of, i64 min, i64 max), u8 absent, string default_text,
//                string doc, u8 flags (1: a base field, 2: a Claim member). The base records and
//                fields come first and must be this warrant's (runtime/records/schema.def).
//   sources      list of: string name, string text, sha256 of text
//   spans        list of: u32 pc, file, begin, end
//   terminology  list of: string name, sha256
//   terminology_data  Program::terminology_blob, raw (runtime/terminology/terminology_serialize.h
//   checks
//                it when an Engine loads it; here it is opaque bytes under the pack hash)
//
// A reader of version 1 refuses any other version, section count or layout: a format change
// bumps the version rather than relying on readers skipping what they do not know.
#include "runtime/pack/pack.h"

#include <cstring>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "runtime/core/sha256.h"
#include "runtime/pack/verify.h"
#include "runtime/records/schema.h"

namespace warrant {
namespace {

constexpr size_t kVersionAt = 8;
constexpr size_t kInstructionSetAt = 10;
constexpr size_t kHashAt = 18;
constexpr size_t kHashedFrom = 50;  // the SHA-256 covers [kHashedFrom, end)
constexpr size_t kSectionCountAt = 50;
constexpr size_t kSectionTableAt = 54;
constexpr size_t kSectionEntryBytes = 12;

enum class SectionId : uint32_t {
  Code = 1,
  Constants,
  Codesets,
  Tables,
  Reasons,
  Outcomes,
  Rules,
  Policies,
  Schema,
  Sources,
  Spans,
  Terminology,
  TerminologyData,
};
constexpr uint32_t kSectionCount = 13;
constexpr size_t kHeaderBytes = kSectionTableAt + kSectionCount * kSectionEntryBytes;

// The last enumerator of each enum stored as a byte: a reader rejects anything above it.
constexpr auto kLastTag = Tag::Record;
constexpr auto kLastOutcomeKind = static_cast<OutcomeKind>(kOutcomeKindCount - 1);

// ---- instruction set hash ---------------------------------------------------------------------

// FNV-1a, 64-bit: enough to tell instruction sets apart (this is not a security boundary; the
// SHA-256 below is the integrity check).
constexpr uint64_t Fnv(uint64_t hash, std::string_view text) {
  for (char c : text) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  // A separator, so ("ab", "c") and ("a", "bc") differ.
  hash ^= 0xFF;
  return hash * 0x100000001b3ULL;
}

constexpr uint64_t Fnv(uint64_t hash, int64_t number) {
  char digits[24] = {};
  size_t size = 0;
  uint64_t magnitude = number < 0 ? 0 - static_cast<uint64_t>(number) : number;
  do {
    digits[size++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (number < 0)
    digits[size++] = '-';
  return Fnv(hash, std::string_view(digits, size));
}

// An instruction's operand widths as one word: "None", "U8", "U16I32", ...
constexpr uint64_t FnvOperands(uint64_t hash, const OpInfo& info) {
  constexpr std::string_view kNames[] = {"None", "U8", "U16", "I32"};
  std::string_view first = kNames[static_cast<size_t>(info.operands[0].width)];
  std::string_view second = info.operands[1].width == Width::None
                                ? ""
                                : kNames[static_cast<size_t>(info.operands[1].width)];
  char word[8] = {};
  size_t size = 0;
  for (std::string_view part : {first, second}) {
    for (char c : part)
      word[size++] = c;
  }
  return Fnv(hash, std::string_view(word, size));
}

// Each opcode's mnemonic, operand widths and stack delta (Call's counted as 0: its real delta
// comes from builtins.def, hashed below), then the tables the operands index. The same words
// the table has always hashed, so a pack stays loadable while its instruction set is unchanged.
constexpr uint64_t ComputeInstructionSetHash() {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const OpInfo& info : kOpInfos) {
    const int delta = info.pops == kPopsArity ? 0 : info.pushes - info.pops;
    hash = Fnv(FnvOperands(Fnv(hash, info.mnemonic), info), delta);
  }
  hash = Fnv(hash, "builtins");
#define WARRANT_BUILTIN(Name, Surface, Signature, Doc) hash = Fnv(Fnv(hash, Surface), Signature);
#include "runtime/pack/builtins.def"
#undef WARRANT_BUILTIN
  hash = Fnv(hash, "fields");
#define WARRANT_RECORD(Record, Doc)
#define WARRANT_FIELD(Record, Field, Type, Absent, Doc) \
  hash = Fnv(Fnv(Fnv(hash, #Record "." #Field), Type), Absent);
#define WARRANT_DATA(Record, Field, Type, Absent, Doc) \
  hash = Fnv(Fnv(Fnv(Fnv(hash, "data"), #Record "." #Field), Type), Absent);
#include "runtime/records/schema.def"
#undef WARRANT_RECORD
#undef WARRANT_FIELD
#undef WARRANT_DATA
  hash = Fnv(hash, "scopes");
#define WARRANT_SCOPE(Name, Type, Doc) hash = Fnv(Fnv(hash, #Name), Type);
#include "runtime/pack/scope.def"
#undef WARRANT_SCOPE
  return hash;
}

constexpr uint64_t kInstructionSetHash = ComputeInstructionSetHash();

// ---- writing -----------------------------------------------------------------------------------

uint32_t Checked32(size_t n) {
  if (n > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error(fmt::format("pack field of {} exceeds the format's 32-bit sizes", n));
  }
  return static_cast<uint32_t>(n);
}

class ByteWriter {
 public:
  std::vector<uint8_t>& bytes() { return out_; }

  void U8(uint8_t v) { out_.push_back(v); }

  void U16(uint16_t v) { Le(v, 2); }

  void U32(uint32_t v) { Le(v, 4); }

  void U64(uint64_t v) { Le(v, 8); }

  void I32(int32_t v) { Le(static_cast<uint32_t>(v), 4); }

  void I64(int64_t v) { Le(static_cast<uint64_t>(v), 8); }

  void Count(size_t n) { U32(Checked32(n)); }

  void Bytes(std::span<const uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }

  void String(std::string_view text) {
    Count(text.size());
    out_.insert(out_.end(), text.begin(), text.end());
  }

  void Strings(const std::vector<std::string>& texts) {
    Count(texts.size());
    for (const std::string& text : texts)
      String(text);
  }

  void PutAt(size_t at, uint64_t v, size_t count) {
    for (size_t i = 0; i < count; ++i)
      out_[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }

 private:
  void Le(uint64_t v, size_t count) {
    for (size_t i = 0; i < count; ++i)
      out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }

  std::vector<uint8_t> out_;
};

void WriteConstant(ByteWriter& w, const Constant& c) {
  w.U8(static_cast<uint8_t>(c.tag));
  w.U8(c.sub);
  w.I64(c.i);
  w.String(c.text);
  w.Count(c.items.size());
  for (uint32_t item : c.items)
    w.U32(item);
}

void WriteCode(ByteWriter& w, const Program& p) {
  w.Bytes(p.code);
}

void WriteConstants(ByteWriter& w, const Program& p) {
  w.Count(p.constants.size());
  for (const Constant& c : p.constants)
    WriteConstant(w, c);
}

void WriteCodesets(ByteWriter& w, const Program& p) {
  w.Count(p.codesets.size());
  for (const Codeset& set : p.codesets)
    set.AppendTo(w.bytes());
  w.Strings(p.codeset_names);
}

void WriteTables(ByteWriter& w, const Program& p) {
  w.Count(p.tables.size());
  for (const TableData& t : p.tables) {
    w.String(t.name);
    w.U8(static_cast<uint8_t>(t.key_tag));
    w.Count(t.int_keys.size());
    for (int64_t key : t.int_keys)
      w.I64(key);
    w.Strings(t.string_keys);
    w.Strings(t.columns);
    w.U8(t.record_valued ? 1 : 0);
    w.Count(t.cells.size());
    for (const Constant& c : t.cells)
      WriteConstant(w, c);
  }
}

void WriteReasons(ByteWriter& w, const Program& p) {
  w.Count(p.reasons.size());
  for (const ReasonData& r : p.reasons) {
    w.String(r.name);
    w.String(r.group);
    w.String(r.carc);
    w.Strings(r.rarcs);
    w.String(r.description);
    w.String(r.alt_group);
    w.U32(r.alt_code);
    w.U32(r.alt_code_end);
    w.U16(r.alt_slots);
    w.U16(r.alt_max_stack);
  }
}

void WriteOutcomes(ByteWriter& w, const Program& p) {
  w.Count(p.outcomes.size());
  for (const OutcomeData& o : p.outcomes) {
    w.U8(static_cast<uint8_t>(o.kind));
    w.U32(o.reason);
    w.String(o.message);
    w.U8(static_cast<uint8_t>(o.unknown_kind));
    w.U32(o.unknown_reason);
    w.String(o.unknown_message);
    w.U32(o.rule);
    w.U32(o.file);
    w.U32(o.begin);
    w.U32(o.end);
  }
}

void WriteRules(ByteWriter& w, const Program& p) {
  w.Count(p.rules.size());
  for (const RuleData& r : p.rules) {
    w.String(r.name);
    w.String(r.title);
    w.U32(r.policy);
    w.I32(r.from);
    w.I32(r.until);
    w.U32(r.applies_code);
    w.U32(r.code_end);
    w.U16(r.slots);
    w.U16(r.max_stack);
    w.U32(r.file);
    w.U32(r.begin);
    w.U32(r.end);
    w.U32(r.index_codeset);
  }
}

void WritePolicies(ByteWriter& w, const Program& p) {
  w.Count(p.policies.size());
  for (const PolicyData& policy : p.policies) {
    w.String(policy.id);
    w.I64(policy.version);
    w.String(policy.title);
    w.String(policy.source);
    w.I32(policy.from);
    w.I32(policy.until);
    w.U32(policy.first_rule);
    w.U32(policy.rule_count);
    w.U32(policy.file);
  }
}

void WriteSchema(ByteWriter& w, const Program& p) {
  const Schema& s = p.schema;
  w.Count(s.records().size());
  for (const RecordDef& r : s.records()) {
    w.String(r.name);
    w.String(r.doc);
  }
  w.Count(s.enums().size());
  for (const std::vector<std::string>& values : s.enums())
    w.Strings(values);
  w.Count(s.fields().size());
  for (const FieldDef& f : s.fields()) {
    w.U16(f.record);
    w.String(f.name);
    w.U8(static_cast<uint8_t>(f.type.kind));
    w.U8(static_cast<uint8_t>(f.type.elem));
    w.U8(static_cast<uint8_t>(f.type.system));
    w.U16(f.type.record);
    w.U16(f.type.one_of);
    w.I64(f.type.min);
    w.I64(f.type.max);
    w.U8(static_cast<uint8_t>(f.absent));
    w.String(f.default_text);
    w.String(f.doc);
    w.U8(static_cast<uint8_t>((f.base ? 1 : 0) | (f.slot == kNoIndex16 ? 2 : 0)));
  }
}

void WriteSources(ByteWriter& w, const Program& p) {
  w.Count(p.sources.size());
  for (const SourceData& s : p.sources) {
    w.String(s.name);
    w.String(s.text);
    w.Bytes(s.sha256);
  }
}

void WriteSpans(ByteWriter& w, const Program& p) {
  w.Count(p.spans.size());
  for (const SpanEntry& s : p.spans) {
    w.U32(s.pc);
    w.U32(s.file);
    w.U32(s.begin);
    w.U32(s.end);
  }
}

void WriteTerminologyData(ByteWriter& w, const Program& p) {
  w.Bytes(p.terminology_blob);
}

void WriteTerminology(ByteWriter& w, const Program& p) {
  w.Count(p.terminology.size());
  for (const TerminologyData& t : p.terminology) {
    w.String(t.name);
    w.Bytes(t.sha256);
  }
}

// ---- reading -----------------------------------------------------------------------------------

// Reads fields from one section. The first failure sticks: later reads return zeros and move
// nothing, so decoding loops end quickly and the first message is the one reported.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool ok() const { return error_.empty(); }

  const std::string& error() const { return error_; }

  size_t remaining() const { return bytes_.size() - at_; }

  void Fail(std::string message) {
    if (ok())
      error_ = std::move(message);
  }

  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }

  uint16_t U16() { return static_cast<uint16_t>(Le(2)); }

  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }

  int32_t I32() { return static_cast<int32_t>(static_cast<uint32_t>(Le(4))); }

  int64_t I64() { return static_cast<int64_t>(Le(8)); }

  bool Bool() {
    const uint8_t v = U8();
    if (v > 1)
      Fail(fmt::format("a flag at byte {} is {}, not 0 or 1", at_ - 1, v));
    return v == 1;
  }

  // A u32 count of elements that take at least `min_bytes` each: a count the remaining bytes
  // cannot hold fails here, before anything is allocated for it.
  uint32_t Count(size_t min_bytes) {
    const size_t at = at_;
    const uint32_t n = U32();
    if (ok() && n > remaining() / min_bytes) {
      Fail(fmt::format("a count of {} at byte {} needs at least {} bytes, only {} remain", n, at,
                       n * static_cast<uint64_t>(min_bytes), remaining()));
      return 0;
    }
    return n;
  }

  std::span<const uint8_t> Take(size_t n) {
    if (!ok())
      return {};
    if (n > remaining()) {
      Fail(fmt::format("{} bytes at byte {} run past the end ({} remain)", n, at_, remaining()));
      return {};
    }
    std::span<const uint8_t> taken = bytes_.subspan(at_, n);
    at_ += n;
    return taken;
  }

  std::string String() {
    const uint32_t n = Count(1);
    std::span<const uint8_t> text = Take(n);
    return std::string(text.begin(), text.end());
  }

  std::vector<std::string> Strings() {
    std::vector<std::string> texts;
    const uint32_t n = Count(4);
    texts.reserve(n);
    for (uint32_t i = 0; i < n && ok(); ++i)
      texts.push_back(String());
    return texts;
  }

  std::array<uint8_t, 32> Sha() {
    std::array<uint8_t, 32> sha{};
    std::span<const uint8_t> bytes = Take(sha.size());
    if (!bytes.empty())
      std::memcpy(sha.data(), bytes.data(), sha.size());
    return sha;
  }

  std::span<const uint8_t> Rest() { return Take(remaining()); }

  // The unread bytes, without consuming them.
  std::span<const uint8_t> Peek() const { return ok() ? bytes_.subspan(at_) : bytes_.last(0); }

 private:
  uint64_t Le(size_t count) {
    if (!ok())
      return 0;
    if (remaining() < count) {
      Fail(fmt::format("truncated at byte {}: {} more bytes needed, {} remain", at_, count,
                       remaining()));
      return 0;
    }
    uint64_t value = 0;
    for (size_t i = count; i-- > 0;)
      value = (value << 8) | bytes_[at_ + i];
    at_ += count;
    return value;
  }

  std::span<const uint8_t> bytes_;
  size_t at_ = 0;
  std::string error_;
};

// Smallest encodings, for ByteReader::Count.
constexpr size_t kMinConstantBytes = 1 + 1 + 8 + 4 + 4;
constexpr size_t kMinTableBytes = 4 + 1 + 4 + 4 + 4 + 1 + 4;
constexpr size_t kMinReasonBytes = 6 * 4 + 4 + 4 + 2 + 2;
constexpr size_t kMinOutcomeBytes = 1 + 4 + 4 + 1 + 4 + 4 + 4 * 4;
constexpr size_t kMinRuleBytes = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 2 + 2 + 4 * 4;
constexpr size_t kMinPolicyBytes = 4 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 4;
constexpr size_t kMinRecordDefBytes = 4 + 4;
constexpr size_t kMinEnumBytes = 4;
constexpr size_t kMinFieldDefBytes = 2 + 4 + 3 + 2 + 2 + 8 + 8 + 1 + 4 + 4 + 1;
constexpr size_t kMinSourceBytes = 4 + 4 + 32;
constexpr size_t kSpanBytes = 16;
constexpr size_t kMinTerminologyBytes = 4 + 32;
constexpr size_t kMinCodesetBytes = 4;

Tag ReadTag(ByteReader& r) {
  const uint8_t v = r.U8();
  if (v > static_cast<uint8_t>(kLastTag)) {
    r.Fail(fmt::format("value tag {} is not a tag", v));
    return Tag::None;
  }
  return static_cast<Tag>(v);
}

OutcomeKind ReadOutcomeKind(ByteReader& r) {
  const uint8_t v = r.U8();
  if (v > static_cast<uint8_t>(kLastOutcomeKind)) {
    r.Fail(fmt::format("outcome kind {} is not an outcome kind", v));
    return OutcomeKind::Deny;
  }
  return static_cast<OutcomeKind>(v);
}

Constant ReadConstant(ByteReader& r) {
  Constant c;
  c.tag = ReadTag(r);
  c.sub = r.U8();
  c.i = r.I64();
  c.text = r.String();
  const uint32_t n = r.Count(4);
  c.items.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k)
    c.items.push_back(r.U32());
  return c;
}

void ReadCode(ByteReader& r, Program& p) {
  std::span<const uint8_t> code = r.Rest();
  p.code.assign(code.begin(), code.end());
}

void ReadConstants(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinConstantBytes);
  p.constants.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k)
    p.constants.push_back(ReadConstant(r));
}

void ReadCodesets(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinCodesetBytes);
  p.codesets.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    // Deserialize checks its own count against the bytes it is given.
    size_t consumed = 0;
    CodesetDecode decoded = Codeset::Deserialize(r.Peek(), &consumed);
    if (!decoded.ok()) {
      r.Fail(fmt::format("codeset {}: {}", k, decoded.error));
      return;
    }
    r.Take(consumed);
    p.codesets.push_back(std::move(decoded.codeset));
  }
  p.codeset_names = r.Strings();
}

void ReadTables(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinTableBytes);
  p.tables.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    TableData t;
    t.name = r.String();
    t.key_tag = ReadTag(r);
    const uint32_t keys = r.Count(8);
    t.int_keys.reserve(keys);
    for (uint32_t i = 0; i < keys && r.ok(); ++i)
      t.int_keys.push_back(r.I64());
    t.string_keys = r.Strings();
    t.columns = r.Strings();
    t.record_valued = r.Bool();
    const uint32_t cells = r.Count(kMinConstantBytes);
    t.cells.reserve(cells);
    for (uint32_t i = 0; i < cells && r.ok(); ++i)
      t.cells.push_back(ReadConstant(r));
    p.tables.push_back(std::move(t));
  }
}

void ReadReasons(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinReasonBytes);
  p.reasons.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    ReasonData reason;
    reason.name = r.String();
    reason.group = r.String();
    reason.carc = r.String();
    reason.rarcs = r.Strings();
    reason.description = r.String();
    reason.alt_group = r.String();
    reason.alt_code = r.U32();
    reason.alt_code_end = r.U32();
    reason.alt_slots = r.U16();
    reason.alt_max_stack = r.U16();
    p.reasons.push_back(std::move(reason));
  }
}

void ReadOutcomes(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinOutcomeBytes);
  p.outcomes.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    OutcomeData o;
    o.kind = ReadOutcomeKind(r);
    o.reason = r.U32();
    o.message = r.String();
    o.unknown_kind = ReadOutcomeKind(r);
    o.unknown_reason = r.U32();
    o.unknown_message = r.String();
    o.rule = r.U32();
    o.file = r.U32();
    o.begin = r.U32();
    o.end = r.U32();
    p.outcomes.push_back(std::move(o));
  }
}

void ReadRules(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinRuleBytes);
  p.rules.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    RuleData rule;
    rule.name = r.String();
    rule.title = r.String();
    rule.policy = r.U32();
    rule.from = r.I32();
    rule.until = r.I32();
    rule.applies_code = r.U32();
    rule.code_end = r.U32();
    rule.slots = r.U16();
    rule.max_stack = r.U16();
    rule.file = r.U32();
    rule.begin = r.U32();
    rule.end = r.U32();
    rule.index_codeset = r.U32();
    p.rules.push_back(std::move(rule));
  }
}

void ReadPolicies(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinPolicyBytes);
  p.policies.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    PolicyData policy;
    policy.id = r.String();
    policy.version = r.I64();
    policy.title = r.String();
    policy.source = r.String();
    policy.from = r.I32();
    policy.until = r.I32();
    policy.first_rule = r.U32();
    policy.rule_count = r.U32();
    policy.file = r.U32();
    p.policies.push_back(std::move(policy));
  }
}

// The schema, rebuilt through Schema's own checks; its base part must be this warrant's.
void ReadSchema(ByteReader& r, Program& p) {
  Schema s;
  const uint32_t records = r.Count(kMinRecordDefBytes);
  for (uint32_t k = 0; k < records && r.ok(); ++k) {
    std::string name = r.String();
    std::string doc = r.String();
    s.AddRecord(std::move(name), std::move(doc));
  }
  const uint32_t enums = r.Count(kMinEnumBytes);
  for (uint32_t k = 0; k < enums && r.ok(); ++k)
    s.AddEnum(r.Strings());
  if (s.enums().size() != enums && r.ok())
    return r.Fail("schema: a list of values appears twice");
  const uint32_t fields = r.Count(kMinFieldDefBytes);
  for (uint32_t k = 0; k < fields && r.ok(); ++k) {
    FieldDef f;
    const uint16_t record = r.U16();
    f.name = r.String();
    const uint8_t kind = r.U8();
    const uint8_t elem = r.U8();
    f.type.system = static_cast<CodeSystem>(r.U8());
    f.type.record = r.U16();
    f.type.one_of = r.U16();
    f.type.min = r.I64();
    f.type.max = r.I64();
    const uint8_t absent = r.U8();
    f.default_text = r.String();
    f.doc = r.String();
    const uint8_t flags = r.U8();
    if (!r.ok())
      return;
    if (record >= s.records().size() || kind > static_cast<uint8_t>(Kind::Map) ||
        elem > static_cast<uint8_t>(Kind::Map) ||
        absent > static_cast<uint8_t>(Absence::FromClaim) || flags > 3) {
      return r.Fail(fmt::format("schema: field {} `{}` is malformed", k, f.name));
    }
    f.type.kind = static_cast<Kind>(kind);
    f.type.elem = static_cast<Kind>(elem);
    f.absent = static_cast<Absence>(absent);
    f.base = (flags & 1) != 0;
    f.slot = (flags & 2) != 0 ? kNoIndex16 : 0;
    s.AddField(record, std::move(f));
  }
  if (!r.ok())
    return;
  if (std::optional<std::string> problem = s.Finish())
    return r.Fail("schema: " + *problem);
  // The base part is numbered into this warrant's code (FieldId, RecordId): it must match.
  const Schema& base = Schema::Base();
  bool same =
      s.records().size() >= base.records().size() && s.fields().size() >= base.fields().size();
  for (size_t i = 0; same && i < base.records().size(); ++i)
    same = s.records()[i].name == base.records()[i].name;
  for (size_t i = 0; same && i < base.fields().size(); ++i) {
    const FieldDef& a = s.fields()[i];
    const FieldDef& b = base.fields()[i];
    same = a.name == b.name && a.record == b.record && a.type == b.type && a.absent == b.absent &&
           a.base && (a.slot == kNoIndex16) == (b.slot == kNoIndex16);
  }
  for (size_t i = base.fields().size(); same && i < s.fields().size(); ++i)
    same = !s.fields()[i].base;
  if (!same)
    return r.Fail("schema: its base records and fields are not this warrant's");
  p.schema = std::move(s);
}

void ReadSources(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinSourceBytes);
  p.sources.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    SourceData source;
    source.name = r.String();
    source.text = r.String();
    source.sha256 = r.Sha();
    if (r.ok() && source.sha256 != Sha256(source.text)) {
      r.Fail(fmt::format("source `{}`: the stored sha256 does not match its text", source.name));
    }
    p.sources.push_back(std::move(source));
  }
}

void ReadSpans(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kSpanBytes);
  p.spans.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    SpanEntry span;
    span.pc = r.U32();
    span.file = r.U32();
    span.begin = r.U32();
    span.end = r.U32();
    p.spans.push_back(span);
  }
}

void ReadTerminologyData(ByteReader& r, Program& p) {
  std::span<const uint8_t> blob = r.Rest();
  p.terminology_blob.assign(blob.begin(), blob.end());
}

void ReadTerminology(ByteReader& r, Program& p) {
  const uint32_t n = r.Count(kMinTerminologyBytes);
  p.terminology.reserve(n);
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    TerminologyData t;
    t.name = r.String();
    t.sha256 = r.Sha();
    p.terminology.push_back(std::move(t));
  }
}

struct SectionCodec {
  SectionId id;
  const char* name;
  void (*write)(ByteWriter&, const Program&);
  void (*read)(ByteReader&, Program&);
};

// In id order: the order sections are written in and must be read in.
constexpr SectionCodec kSections[] = {
    {SectionId::Code, "code", WriteCode, ReadCode},
    {SectionId::Constants, "constants", WriteConstants, ReadConstants},
    {SectionId::Codesets, "codesets", WriteCodesets, ReadCodesets},
    {SectionId::Tables, "tables", WriteTables, ReadTables},
    {SectionId::Reasons, "reasons", WriteReasons, ReadReasons},
    {SectionId::Outcomes, "outcomes", WriteOutcomes, ReadOutcomes},
    {SectionId::Rules, "rules", WriteRules, ReadRules},
    {SectionId::Policies, "policies", WritePolicies, ReadPolicies},
    {SectionId::Schema, "schema", WriteSchema, ReadSchema},
    {SectionId::Sources, "sources", WriteSources, ReadSources},
    {SectionId::Spans, "spans", WriteSpans, ReadSpans},
    {SectionId::Terminology, "terminology", WriteTerminology, ReadTerminology},
    {SectionId::TerminologyData, "terminology_data", WriteTerminologyData, ReadTerminologyData},
};
static_assert(sizeof(kSections) / sizeof(kSections[0]) == kSectionCount);

constexpr bool SectionsInIdOrder() {
  for (uint32_t i = 0; i < kSectionCount; ++i) {
    if (static_cast<uint32_t>(kSections[i].id) != i + 1)
      return false;
  }
  return true;
}

static_assert(SectionsInIdOrder());

uint64_t ReadLe(std::span<const uint8_t> bytes, size_t at, size_t count) {
  uint64_t value = 0;
  for (size_t i = count; i-- > 0;)
    value = (value << 8) | bytes[at + i];
  return value;
}

// Checks the header and section table; on success fills `ranges` with each section's bytes.
std::string ReadHeader(std::span<const uint8_t> bytes,
                       std::array<std::span<const uint8_t>, kSectionCount>& ranges,
                       std::array<uint8_t, 32>& hash) {
  if (bytes.size() < kPackMagic.size() ||
      std::memcmp(bytes.data(), kPackMagic.data(), kPackMagic.size()) != 0) {
    return "not a warrant pack: it does not start with \"WRNTPACK\"";
  }
  if (bytes.size() < kInstructionSetAt) {
    return fmt::format("pack truncated: {} bytes, the header needs {}", bytes.size(), kHeaderBytes);
  }
  const auto version = static_cast<uint16_t>(ReadLe(bytes, kVersionAt, 2));
  if (version != kPackFormatVersion) {
    return fmt::format("pack format version {} is not supported; this warrant reads version {}",
                       version, kPackFormatVersion);
  }
  if (bytes.size() < kHeaderBytes) {
    return fmt::format("pack truncated: {} bytes, the header needs {}", bytes.size(), kHeaderBytes);
  }
  const uint64_t instruction_set = ReadLe(bytes, kInstructionSetAt, 8);
  if (instruction_set != kInstructionSetHash) {
    return fmt::format(
        "pack was built for a different instruction set (table hash {:016x}, this warrant has "
        "{:016x}); rebuild it with this warrant",
        instruction_set, kInstructionSetHash);
  }
  hash = Sha256(bytes.subspan(kHashedFrom));
  if (std::memcmp(hash.data(), bytes.data() + kHashAt, hash.size()) != 0) {
    return "pack is corrupt or truncated: its sha256 does not match its contents";
  }
  // The hash matched, so what follows was written by a writer, but not necessarily by ours:
  // the layout is still checked field by field.
  const uint64_t count = ReadLe(bytes, kSectionCountAt, 4);
  if (count != kSectionCount) {
    return fmt::format("pack has {} sections; format version {} has {}", count, kPackFormatVersion,
                       kSectionCount);
  }
  uint64_t expected = kHeaderBytes;
  for (uint32_t i = 0; i < kSectionCount; ++i) {
    const size_t entry = kSectionTableAt + i * kSectionEntryBytes;
    const uint64_t id = ReadLe(bytes, entry, 4);
    const uint64_t offset = ReadLe(bytes, entry + 4, 4);
    const uint64_t length = ReadLe(bytes, entry + 8, 4);
    if (id != i + 1) {
      return fmt::format("pack section table entry {} has id {}, expected {} ({})", i, id, i + 1,
                         kSections[i].name);
    }
    if (offset != expected || length > bytes.size() - offset) {
      return fmt::format("pack section {} at {} (+{}) is not where the layout puts it ({})",
                         kSections[i].name, offset, length, expected);
    }
    ranges[i] = bytes.subspan(offset, length);
    expected = offset + length;
  }
  if (expected != bytes.size()) {
    return fmt::format("pack has {} bytes after its last section", bytes.size() - expected);
  }
  return "";
}

}  // namespace

uint64_t InstructionSetHash() {
  return kInstructionSetHash;
}

std::vector<uint8_t> WritePack(Program& program) {
  for (SourceData& source : program.sources)
    source.sha256 = Sha256(source.text);

  ByteWriter w;
  for (char c : kPackMagic)
    w.U8(static_cast<uint8_t>(c));
  w.U16(kPackFormatVersion);
  w.U64(kInstructionSetHash);
  for (size_t i = 0; i < 32; ++i)
    w.U8(0);  // the hash, filled in last
  w.U32(kSectionCount);
  for (size_t i = 0; i < kSectionCount * kSectionEntryBytes; ++i)
    w.U8(0);

  for (uint32_t i = 0; i < kSectionCount; ++i) {
    const size_t begin = w.bytes().size();
    kSections[i].write(w, program);
    const size_t entry = kSectionTableAt + i * kSectionEntryBytes;
    w.PutAt(entry, static_cast<uint32_t>(kSections[i].id), 4);
    w.PutAt(entry + 4, Checked32(begin), 4);
    w.PutAt(entry + 8, Checked32(w.bytes().size() - begin), 4);
  }
  Checked32(w.bytes().size());

  std::vector<uint8_t> bytes = std::move(w.bytes());
  program.hash = Sha256(std::span<const uint8_t>(bytes).subspan(kHashedFrom));
  std::memcpy(bytes.data() + kHashAt, program.hash.data(), program.hash.size());
  return bytes;
}

PackResult ReadPack(std::span<const uint8_t> bytes) {
  PackResult result;
  std::array<std::span<const uint8_t>, kSectionCount> ranges;
  std::array<uint8_t, 32> hash{};
  result.error = ReadHeader(bytes, ranges, hash);
  if (!result.ok())
    return result;

  for (uint32_t i = 0; i < kSectionCount; ++i) {
    ByteReader reader(ranges[i]);
    kSections[i].read(reader, result.program);
    if (reader.ok() && reader.remaining() != 0) {
      reader.Fail(fmt::format("{} unexpected bytes at the end", reader.remaining()));
    }
    if (!reader.ok()) {
      result.error = fmt::format("pack section {}: {}", kSections[i].name, reader.error());
      result.program = Program();
      return result;
    }
  }
  result.program.hash = hash;
  std::string problem = Verify(result.program);
  if (!problem.empty()) {
    result.error = "pack failed verification: " + problem;
    result.program = Program();
  }
  return result;
}

}  // namespace warrant
