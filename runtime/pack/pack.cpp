// The pack format, version 4. All integers little-endian; no padding, no pointers.
//
//   offset  size  header
//   0       8     magic "WRNTPACK"
//   8       2     u16 format version (4)
//   10      8     u64 InstructionSetHash() of the writer
//   18      32    SHA-256 of bytes [50, end): everything after this field
//   50      4     u32 section count (14)
//   54      12*n  section table: u32 id, u32 offset (from the start of the file), u32 length
//
// Sections follow in id order, back to back, the last ending at the end of the file; every byte
// belongs to exactly one field. Section ids: 1 code, 2 constants, 3 codesets, 4 tables,
// 5 reasons, 6 outcomes, 7 rules, 8 policies, 9 schema, 10 sources, 11 spans, 12 terminology,
// 13 terminology_data, 14 debug.
//
// Each record's fields are listed once, in the `Fields` functions below, and each section's in
// WARRANT_PACK_SECTIONS, in stored order; the writer, the reader and the minimum-size count all
// walk those lists. A field is stored by its type: a list (std::vector) is a u32 count then its
// elements; a string is a u32 byte length then the bytes; a Day or other i32 is 4 bytes, a u16
// 2, a u32 4, an i64 or u64 8; an enum (Tag, OutcomeKind, StatementKind, CodesetMemberKind) or a
// bool is a u8; a sha256 is 32 raw bytes; a Span is u32 begin, end; a CodeInterval is u64 lo,
// hi; a Codeset is Codeset::AppendTo's bytes (u32 count, then u64 lo, hi per interval); a record
// is its fields. Sections:
//   code              the bytecode, raw (its length is the section's)
//   constants         list of Constant
//   codesets          list of Codeset, then list of string codeset_names
//   tables .. policies  list of TableData, ReasonData, OutcomeData, RuleData, PolicyData
//   schema            StoredSchema: list of StoredRecord (name, doc), list of enums (each a list
//                     of string values), list of StoredField, list of StoredSystem (name,
//                     title, uri: the code systems the pack declares, on prefix bytes 128 on);
//                     the base records and fields come first and must be this warrant's
//                     (runtime/records/schema.def)
//   sources           list of SourceData (name, text, sha256 of the text, line starts)
//   spans             list of SpanEntry
//   terminology       list of TerminologyData
//   terminology_data  Program::terminology_blob, raw (runtime/terminology/terminology_serialize.h
//                     checks it when an Engine loads it; here it is opaque bytes under the hash)
//   debug             DebugTables: list of StatementDebug, list of u32 not_in, list of
//                     CodesetDebug (runtime/pack/debug_tables.h checks them after the verifier)
//
// A reader of version 4 refuses any other version, section count or layout: a format change
// bumps the version rather than relying on readers skipping what they do not know.
// Version 1 had no debug section and no line starts in sources; version 2 stored a list of
// facts where version 3 stores the claim schema (with the facts in it); version 4 adds the
// declared code systems to the schema.
#include "runtime/pack/pack.h"

#include <concepts>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/core.h>

#include "runtime/core/bytes.h"
#include "runtime/core/sha256.h"
#include "runtime/pack/debug_tables.h"
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

// The sections, in id order (ids count from 1): each one's name and the Program fields it holds,
// in stored order. `io` is the writer or the reader; `p` the Program.
#define WARRANT_PACK_SECTIONS(X)                          \
  X("code", io.Raw(p.code))                               \
  X("constants", io(p.constants))                         \
  X("codesets", io(p.codesets, p.codeset_names))          \
  X("tables", io(p.tables))                               \
  X("reasons", io(p.reasons))                             \
  X("outcomes", io(p.outcomes))                           \
  X("rules", io(p.rules))                                 \
  X("policies", io(p.policies))                           \
  X("schema", io.Schema(p.schema))                        \
  X("sources", io(p.sources); io.CheckSources(p.sources)) \
  X("spans", io(p.spans))                                 \
  X("terminology", io(p.terminology))                     \
  X("terminology_data", io.Raw(p.terminology_blob))       \
  X("debug", io(p.debug))

constexpr uint32_t kSectionCount = 0
#define WARRANT_COUNT_SECTION(name, fields) +1
    WARRANT_PACK_SECTIONS(WARRANT_COUNT_SECTION)
#undef WARRANT_COUNT_SECTION
    ;
constexpr size_t kHeaderBytes = kSectionTableAt + kSectionCount * kSectionEntryBytes;

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

// ---- the records, each described once ---------------------------------------------------------

// The stored fields of each record, in order. `io` is the writer, the reader or the minimum-size
// counter below: adding a field to a record is adding it here.
template <class IO>
void Fields(IO& io, Constant& c) {
  io(c.tag, c.sub, c.i, c.text, c.items);
}

template <class IO>
void Fields(IO& io, TableData& t) {
  io(t.name, t.key_tag, t.int_keys, t.string_keys, t.columns, t.record_valued, t.cells);
}

template <class IO>
void Fields(IO& io, ReasonData& r) {
  io(r.name, r.group, r.carc, r.rarcs, r.description, r.alt_group, r.alt_code, r.alt_code_end,
     r.alt_slots, r.alt_max_stack);
}

template <class IO>
void Fields(IO& io, OutcomeData& o) {
  io(o.kind, o.reason, o.message, o.unknown_kind, o.unknown_reason, o.unknown_message, o.rule,
     o.file, o.begin, o.end);
}

template <class IO>
void Fields(IO& io, RuleData& r) {
  io(r.name, r.title, r.policy, r.from, r.until, r.applies_code, r.code_end, r.slots, r.max_stack,
     r.file, r.begin, r.end, r.index_codeset);
}

template <class IO>
void Fields(IO& io, PolicyData& p) {
  io(p.id, p.version, p.title, p.source, p.from, p.until, p.first_rule, p.rule_count, p.file);
}

// The schema as stored: Schema rebuilds its derived tables (slots, key tables, initial values)
// when read, so only what was declared is kept.
struct StoredRecord {
  std::string name;
  std::string doc;
};

struct StoredField {
  uint16_t record = 0;
  std::string name;
  uint8_t kind = 0;
  uint8_t elem = 0;
  uint8_t system = 0;
  uint16_t type_record = 0;
  uint16_t one_of = 0;
  int64_t min = 0;
  int64_t max = 0;
  uint8_t absent = 0;
  std::string default_text;
  std::string doc;
  uint8_t flags = 0;  // 1: a base field; 2: a Claim member
};

struct StoredSystem {
  std::string name;
  std::string title;
  std::string uri;
};

struct StoredSchema {
  std::vector<StoredRecord> records;
  std::vector<std::vector<std::string>> enums;
  std::vector<StoredField> fields;
  std::vector<StoredSystem> systems;
};

template <class IO>
void Fields(IO& io, StoredSystem& c) {
  io(c.name, c.title, c.uri);
}

template <class IO>
void Fields(IO& io, StoredRecord& r) {
  io(r.name, r.doc);
}

template <class IO>
void Fields(IO& io, StoredField& f) {
  io(f.record, f.name, f.kind, f.elem, f.system, f.type_record, f.one_of, f.min, f.max, f.absent,
     f.default_text, f.doc, f.flags);
}

template <class IO>
void Fields(IO& io, StoredSchema& s) {
  io(s.records, s.enums, s.fields, s.systems);
}

StoredSchema Store(const Schema& s) {
  StoredSchema out;
  for (const RecordDef& r : s.records())
    out.records.push_back({r.name, r.doc});
  out.enums.assign(s.enums().begin(), s.enums().end());
  for (const CodeSystemDef& c : s.systems())
    out.systems.push_back({c.name, c.title, c.uri});
  for (const FieldDef& f : s.fields()) {
    out.fields.push_back({f.record, f.name, static_cast<uint8_t>(f.type.kind),
                          static_cast<uint8_t>(f.type.elem), static_cast<uint8_t>(f.type.system),
                          f.type.record, f.type.one_of, f.type.min, f.type.max,
                          static_cast<uint8_t>(f.absent), f.default_text, f.doc,
                          static_cast<uint8_t>((f.base ? 1 : 0) | (f.slot == kNoIndex16 ? 2 : 0))});
  }
  return out;
}

// The schema rebuilt from its stored form through Schema's own checks; its base part must be
// this warrant's, since FieldId and RecordId number it into the code. A problem is returned.
std::string Rebuild(StoredSchema& stored, Schema& out) {
  Schema s;
  for (StoredRecord& r : stored.records)
    s.AddRecord(std::move(r.name), std::move(r.doc));
  for (std::vector<std::string>& values : stored.enums)
    s.AddEnum(std::move(values));
  if (s.enums().size() != stored.enums.size())
    return "a list of values appears twice";
  // Declared before the fields, whose types may name them; Finish checks them.
  for (StoredSystem& c : stored.systems)
    s.AddSystem({std::move(c.name), std::move(c.title), std::move(c.uri)});
  for (size_t k = 0; k < stored.fields.size(); ++k) {
    StoredField& in = stored.fields[k];
    if (in.record >= s.records().size() || in.kind > static_cast<uint8_t>(Kind::Map) ||
        in.elem > static_cast<uint8_t>(Kind::Map) ||
        in.absent > static_cast<uint8_t>(Absence::FromClaim) || in.flags > 3) {
      return fmt::format("field {} `{}` is malformed", k, in.name);
    }
    FieldDef f;
    f.name = std::move(in.name);
    f.type.kind = static_cast<Kind>(in.kind);
    f.type.elem = static_cast<Kind>(in.elem);
    f.type.system = static_cast<CodeSystem>(in.system);
    f.type.record = in.type_record;
    f.type.one_of = in.one_of;
    f.type.min = in.min;
    f.type.max = in.max;
    f.absent = static_cast<Absence>(in.absent);
    f.default_text = std::move(in.default_text);
    f.doc = std::move(in.doc);
    f.base = (in.flags & 1) != 0;
    f.slot = (in.flags & 2) != 0 ? kNoIndex16 : 0;
    s.AddField(in.record, std::move(f));
  }
  if (std::optional<std::string> problem = s.Finish())
    return *problem;
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
    return "its base records and fields are not this warrant's";
  out = std::move(s);
  return "";
}

template <class IO>
void Fields(IO& io, SourceData& s) {
  io(s.name, s.text, s.sha256, s.line_starts);
}

template <class IO>
void Fields(IO& io, SpanEntry& s) {
  io(s.pc, s.file, s.begin, s.end);
}

template <class IO>
void Fields(IO& io, TerminologyData& t) {
  io(t.name, t.sha256);
}

template <class IO>
void Fields(IO& io, Span& s) {
  io(s.begin, s.end);
}

template <class IO>
void Fields(IO& io, StatementDebug& s) {
  io(s.pc, s.kind, s.site, s.file, s.span, s.head, s.condition, s.name, s.name_span);
}

template <class IO>
void Fields(IO& io, CodeInterval& c) {
  io(c.lo, c.hi);
}

template <class IO>
void Fields(IO& io, CodesetMemberDebug& m) {
  io(m.kind, m.text, m.span, m.codes, m.index);
}

template <class IO>
void Fields(IO& io, CodesetDebug& c) {
  io(c.file, c.span, c.codes, c.members, c.loads);
}

template <class IO>
void Fields(IO& io, DebugTables& d) {
  io(d.statements, d.not_in, d.codesets);
}

template <class T>
concept Record = requires(T& record, int& io) {
  Fields(io, record);
};

// The enums stored as a byte: the last valid value, and how the reader names a bad one.
template <class E>
struct StoredEnum;

#define WARRANT_STORED_ENUM(E, Last, Name, What) \
  template <>                                    \
  struct StoredEnum<E> {                         \
    static constexpr E kLast = Last;             \
    static constexpr const char* kName = Name;   \
    static constexpr const char* kWhat = What;   \
  };

WARRANT_STORED_ENUM(Tag, Tag::Record, "value tag", "a tag")
WARRANT_STORED_ENUM(OutcomeKind, static_cast<OutcomeKind>(kOutcomeKindCount - 1), "outcome kind",
                    "an outcome kind")
WARRANT_STORED_ENUM(StatementKind, StatementKind::Emit, "statement kind", "a statement kind")
WARRANT_STORED_ENUM(CodesetMemberKind, CodesetMemberKind::Load, "codeset member kind",
                    "a codeset member kind")
#undef WARRANT_STORED_ENUM

template <class T>
concept Enum = std::is_enum_v<T> && requires {
  StoredEnum<T>::kLast;
};

// ---- writing -----------------------------------------------------------------------------------

uint32_t Checked32(size_t n) {
  if (n > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error(fmt::format("pack field of {} exceeds the format's 32-bit sizes", n));
  }
  return static_cast<uint32_t>(n);
}

class Writer {
 public:
  std::vector<uint8_t>& bytes() { return out_; }

  template <class... T>
  void operator()(T&... fields) {
    (Put(fields), ...);
  }

  void Raw(const std::vector<uint8_t>& bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }

  void CheckSources(const std::vector<SourceData>&) {}

  void Schema(const warrant::Schema& schema) {
    StoredSchema stored = Store(schema);
    Put(stored);
  }

  void PutAt(size_t at, uint64_t v, size_t count) {
    for (size_t i = 0; i < count; ++i)
      out_[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }

  void Le(uint64_t v, size_t count) {
    for (size_t i = 0; i < count; ++i)
      out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }

 private:
  void Put(uint8_t v) { Le(v, 1); }

  void Put(uint16_t v) { Le(v, 2); }

  void Put(uint32_t v) { Le(v, 4); }

  void Put(int32_t v) { Le(static_cast<uint32_t>(v), 4); }

  void Put(int64_t v) { Le(static_cast<uint64_t>(v), 8); }

  void Put(uint64_t v) { Le(v, 8); }

  void Put(bool v) { Le(v ? 1 : 0, 1); }

  template <Enum E>
  void Put(E v) {
    Le(static_cast<uint8_t>(v), 1);
  }

  void Put(const std::string& text) {
    Le(Checked32(text.size()), 4);
    out_.insert(out_.end(), text.begin(), text.end());
  }

  void Put(const std::array<uint8_t, 32>& sha) { out_.insert(out_.end(), sha.begin(), sha.end()); }

  void Put(const Codeset& set) { set.AppendTo(out_); }

  template <class T>
  void Put(std::vector<T>& list) {
    Le(Checked32(list.size()), 4);
    for (T& element : list)
      Put(element);
  }

  template <Record T>
  void Put(T& record) {
    Fields(*this, record);
  }

  std::vector<uint8_t> out_;
};

// ---- reading -----------------------------------------------------------------------------------

// Reads fields from one section. The first failure sticks: later reads return zeros and move
// nothing, so decoding loops end quickly and the first message is the one reported.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool ok() const { return error_.empty(); }

  const std::string& error() const { return error_; }

  size_t remaining() const { return bytes_.size() - at_; }

  size_t at() const { return at_; }

  void Fail(std::string message) {
    if (ok())
      error_ = std::move(message);
  }

  uint64_t Le(size_t count) {
    if (!ok())
      return 0;
    if (remaining() < count) {
      Fail(fmt::format("truncated at byte {}: {} more bytes needed, {} remain", at_, count,
                       remaining()));
      return 0;
    }
    const uint64_t value = ReadLe(bytes_, at_, count);
    at_ += count;
    return value;
  }

  // A u32 count of elements that take at least `min_bytes` each: a count the remaining bytes
  // cannot hold fails here, before anything is allocated for it.
  uint32_t Count(size_t min_bytes) {
    const size_t at = at_;
    const auto n = static_cast<uint32_t>(Le(4));
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

  // The unread bytes, without consuming them.
  std::span<const uint8_t> Peek() const { return ok() ? bytes_.subspan(at_) : bytes_.last(0); }

 private:
  std::span<const uint8_t> bytes_;
  size_t at_ = 0;
  std::string error_;
};

// The fewest bytes a value of each stored type takes: a list's count is checked against it.
class MinSize {
 public:
  size_t bytes = 0;

  template <class... T>
  void operator()(T&... fields) {
    (Put(fields), ...);
  }

  void Put(uint8_t) { bytes += 1; }

  void Put(uint16_t) { bytes += 2; }

  void Put(uint32_t) { bytes += 4; }

  void Put(int32_t) { bytes += 4; }

  void Put(int64_t) { bytes += 8; }

  void Put(uint64_t) { bytes += 8; }

  void Put(bool) { bytes += 1; }

  template <Enum E>
  void Put(E) {
    bytes += 1;
  }

  void Put(std::string&) { bytes += 4; }

  void Put(std::array<uint8_t, 32>&) { bytes += 32; }

  void Put(Codeset&) { bytes += 4; }

  template <class T>
  void Put(std::vector<T>&) {
    bytes += 4;
  }

  template <Record T>
  void Put(T& record) {
    Fields(*this, record);
  }
};

template <class T>
size_t MinBytes() {
  static const size_t bytes = [] {
    MinSize size;
    T value{};
    size.Put(value);
    return size.bytes;
  }();
  return bytes;
}

class Reader {
 public:
  explicit Reader(ByteReader& r) : r_(r) {}

  template <class... T>
  void operator()(T&... fields) {
    (Get(fields), ...);
  }

  void Raw(std::vector<uint8_t>& bytes) {
    std::span<const uint8_t> rest = r_.Take(r_.remaining());
    bytes.assign(rest.begin(), rest.end());
  }

  void Schema(warrant::Schema& schema) {
    StoredSchema stored;
    Get(stored);
    if (!r_.ok())
      return;
    if (std::string problem = Rebuild(stored, schema); !problem.empty())
      r_.Fail(problem);
  }

  void CheckSources(const std::vector<SourceData>& sources) {
    for (const SourceData& source : sources) {
      if (r_.ok() && source.sha256 != Sha256(source.text)) {
        r_.Fail(fmt::format("source `{}`: the stored sha256 does not match its text", source.name));
      }
    }
  }

 private:
  void Get(uint8_t& v) { v = static_cast<uint8_t>(r_.Le(1)); }

  void Get(uint16_t& v) { v = static_cast<uint16_t>(r_.Le(2)); }

  void Get(uint32_t& v) { v = static_cast<uint32_t>(r_.Le(4)); }

  void Get(int32_t& v) { v = static_cast<int32_t>(static_cast<uint32_t>(r_.Le(4))); }

  void Get(int64_t& v) { v = static_cast<int64_t>(r_.Le(8)); }

  void Get(uint64_t& v) { v = r_.Le(8); }

  void Get(bool& v) {
    const auto byte = static_cast<uint8_t>(r_.Le(1));
    if (byte > 1)
      r_.Fail(fmt::format("a flag at byte {} is {}, not 0 or 1", r_.at() - 1, byte));
    v = byte == 1;
  }

  template <Enum E>
  void Get(E& v) {
    const auto byte = static_cast<uint8_t>(r_.Le(1));
    if (byte > static_cast<uint8_t>(StoredEnum<E>::kLast)) {
      r_.Fail(fmt::format("{} {} is not {}", StoredEnum<E>::kName, byte, StoredEnum<E>::kWhat));
      v = E{};
      return;
    }
    v = static_cast<E>(byte);
  }

  void Get(std::string& text) {
    std::span<const uint8_t> bytes = r_.Take(r_.Count(1));
    text.assign(bytes.begin(), bytes.end());
  }

  void Get(std::array<uint8_t, 32>& sha) {
    std::span<const uint8_t> bytes = r_.Take(sha.size());
    if (!bytes.empty())
      std::memcpy(sha.data(), bytes.data(), sha.size());
  }

  void Get(Codeset& set) {
    // Deserialize checks its own count against the bytes it is given.
    const size_t at = r_.at();
    size_t consumed = 0;
    CodesetDecode decoded = Codeset::Deserialize(r_.Peek(), &consumed);
    if (!decoded.ok()) {
      r_.Fail(fmt::format("the codeset at byte {}: {}", at, decoded.error));
      return;
    }
    r_.Take(consumed);
    set = std::move(decoded.codeset);
  }

  template <class T>
  void Get(std::vector<T>& list) {
    const uint32_t n = r_.Count(MinBytes<T>());
    list.clear();
    list.reserve(n);
    for (uint32_t k = 0; k < n && r_.ok(); ++k) {
      T element{};
      Get(element);
      list.push_back(std::move(element));
    }
  }

  template <Record T>
  void Get(T& record) {
    Fields(*this, record);
  }

  ByteReader& r_;
};

struct SectionCodec {
  const char* name;
  void (*write)(Writer&, Program&);
  void (*read)(Reader&, Program&);
};

#define WARRANT_SECTION_CODEC(name, fields) \
  {name, [](Writer& io, Program& p) { fields; }, [](Reader& io, Program& p) { fields; }},

// In id order: the order sections are written in and must be read in.
constexpr SectionCodec kSections[] = {WARRANT_PACK_SECTIONS(WARRANT_SECTION_CODEC)};
#undef WARRANT_SECTION_CODEC
#undef WARRANT_PACK_SECTIONS
static_assert(sizeof(kSections) / sizeof(kSections[0]) == kSectionCount);

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

  Writer w;
  for (char c : kPackMagic)
    w.Le(static_cast<uint8_t>(c), 1);
  w.Le(kPackFormatVersion, 2);
  w.Le(kInstructionSetHash, 8);
  for (size_t i = 0; i < 32; ++i)
    w.Le(0, 1);  // the hash, filled in last
  w.Le(kSectionCount, 4);
  for (size_t i = 0; i < kSectionCount * kSectionEntryBytes; ++i)
    w.Le(0, 1);

  for (uint32_t i = 0; i < kSectionCount; ++i) {
    const size_t begin = w.bytes().size();
    kSections[i].write(w, program);
    const size_t entry = kSectionTableAt + i * kSectionEntryBytes;
    w.PutAt(entry, i + 1, 4);
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
    ByteReader bytes_of_section(ranges[i]);
    Reader reader(bytes_of_section);
    kSections[i].read(reader, result.program);
    if (bytes_of_section.ok() && bytes_of_section.remaining() != 0) {
      bytes_of_section.Fail(
          fmt::format("{} unexpected bytes at the end", bytes_of_section.remaining()));
    }
    if (!bytes_of_section.ok()) {
      result.error =
          fmt::format("pack section {}: {}", kSections[i].name, bytes_of_section.error());
      result.program = Program();
      return result;
    }
  }
  result.program.hash = hash;
  std::string problem = Verify(result.program);
  if (problem.empty())
    problem = VerifyDebugTables(result.program);
  if (!problem.empty()) {
    result.error = "pack failed verification: " + problem;
    result.program = Program();
  }
  return result;
}

}  // namespace warrant
