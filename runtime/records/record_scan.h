// The fast path of RecordDecoder: a claim written the common way, decoded straight from its bytes.
//
// Claims in a batch are nearly always plain: fields of the pack's schema (the base fields, its
// extensions, its facts), each once, with strings that hold no escapes and no bytes beyond ASCII,
// integers and plain decimals, and perhaps fields the schema does not know in the base records
// (checked to be JSON, stepped over and reported, as the full path does). ScanClaim reads exactly
// that shape in one pass over the text, with no structural index: each object's keys are looked up
// in the schema's key table (runtime/records/schema.h) and each value is read by its field's type;
// a run of keys it does not know, written as the previous object of its kind wrote it, is checked
// against that run's shape (RunShape) rather than token by token.
// Anything else (an escape, a non-ASCII byte, null in a schema field, a repeated key, an
// observation's context, a bad code, date or amount, a value out of bounds, a limit reached, an
// unknown key inside a declared record or the facts, text that is not JSON) makes it give up, and
// the caller decodes the record again with the full, checked path, which also says what is wrong.
// So it never accepts a record the full path would refuse, and the Claims are the same
// (tests/unit/record_scan_test.cpp compares both paths). The defaults and cross-field checks that
// follow the object (RecordDecoder's Finish) are not here.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/records/record.h"
#include "runtime/records/schema.h"

namespace warrant {

// Packed codes of recently read code texts of up to 8 bytes. The same few hundred diagnosis and
// procedure codes fill most records, and a hit costs less than packing. Owned by one decoder.
class CodeCache {
 public:
  // Pack(system, text) (runtime/core/code.h). `text` must have 8 readable bytes from its start.
  std::optional<uint64_t> Pack(CodeSystem system, std::string_view text) {
    const size_t size = text.size();
    if (size - 1 >= 8)  // empty, or longer than a word
      return warrant::Pack(system, text);
    uint64_t word = 0;
    std::memcpy(&word, text.data(), 8);
    if (size < 8)
      word &= (uint64_t{1} << (8 * size)) - 1;
    const auto sys = static_cast<uint8_t>(system);
    Entry& e = entries_[((word + sys) * 0x9E3779B97F4A7C15u) >> (64 - kBits)];
    if (e.text == word && e.size == size && e.system == sys)
      return e.packed;
    return Miss(e, system, text, word);
  }

 private:
  static constexpr unsigned kBits = 10;

  struct Entry {
    uint64_t text = 0;  // the text's bytes, zero-padded
    uint64_t packed = 0;
    uint8_t system = 0;
    uint8_t size = 0;  // 0: empty
  };

  // Packs `text` and remembers it in `e` when it fits.
  [[gnu::noinline]] static std::optional<uint64_t> Miss(Entry& e, CodeSystem system,
                                                        std::string_view text, uint64_t word);

  std::array<Entry, size_t{1} << kBits> entries_{};
};

// Dates of recently read months. Dates in a batch fall in few months, and a month's first day
// and length, once known, turn `YYYY-MM-DD` into a day number with two digits and one bound
// check; a miss parses the month once. Owned by one decoder.
class DateCache {
 public:
  // ParseDate(text) (runtime/core/date.h). `text` must have 8 readable bytes from its start.
  std::optional<Day> Parse(std::string_view text) {
    if (text.size() != 10)
      return std::nullopt;
    uint64_t head = 0;
    std::memcpy(&head, text.data(), 8);
    Entry* e = &entries_[(head * 0x9E3779B97F4A7C15u) >> (64 - kBits)];
    if (e->head != head && !Fill(*e, head, text))
      return std::nullopt;
    const uint32_t d0 = static_cast<uint32_t>(static_cast<unsigned char>(text[8])) - uint32_t{'0'};
    const uint32_t d1 = static_cast<uint32_t>(static_cast<unsigned char>(text[9])) - uint32_t{'0'};
    const uint32_t d = d0 * 10 + d1;
    if (d0 > 9 || d1 > 9 || d == 0 || d > e->days)
      return std::nullopt;
    return e->first + static_cast<Day>(d - 1);
  }

 private:
  static constexpr unsigned kBits = 11;  // birth dates span decades

  struct Entry {
    uint64_t head = 0;  // "YYYY-MM-" (0: empty)
    Day first = 0;      // the month's first day
    uint32_t days = 0;  // its length
  };

  // Stores the month `head` names in `e`; false if it is not one.
  [[gnu::noinline]] static bool Fill(Entry& e, uint64_t head, std::string_view text);

  std::array<Entry, size_t{1} << kBits> entries_{};
};

// Where the keys of the base records were last seen. The records of a batch write their keys in
// one order, so the scanner first compares the input with the key found at the same member index
// of the record's previous object, as written compactly (`"code":`), in one 16-byte compare (two
// for a key longer than that); only a miss reads the key and looks it up in the record's key
// table. A key the record does not know (a feed's names, addresses, payer blocks) is remembered
// the same way, so the next object's copy of it is known to be unknown without a look-up. Owned
// by one decoder, for one schema.
class KeyOrder {
 public:
  explicit KeyOrder(const Schema& schema);

  // Member indexes guessed per object; keys, known or not, of at most 32 bytes with their quotes
  // and colon.
  static constexpr size_t kMembers = 48;
  // A guess naming the unknown key remembered at its member index.
  static constexpr uint16_t kUnknown = kNoIndex16 - 1;

  static constexpr uint32_t kNoPattern = UINT32_MAX;

  struct UnknownToken {
    std::array<char, 32> bytes{};  // `"payer":`, zero-padded
    uint32_t mask = 0;             // one bit per byte of the token
    uint8_t size = 0;
    // The key's path pattern in the decoder's IgnoredTable once it has interned it (kNoPattern
    // until then), so a key seen again costs no look-up.
    uint32_t pattern = kNoPattern;
  };

  // The unknown key last seen at `member` of an object of `record`.
  UnknownToken& unknown(RecordId record, size_t member) {
    return unknown_[static_cast<size_t>(record)][member];
  }

  struct Token {
    std::array<char, 32> bytes{};  // `"code":`, zero-padded
    uint32_t mask = 0;             // one bit per byte of the token
    uint8_t size = 0;              // 0: the key is too long to guess
  };

  // The position last seen at `member` of an object of `record` (kNoIndex16: none).
  uint16_t& guess(RecordId record, size_t member) {
    return guesses_[static_cast<size_t>(record)][member];
  }

  const Token& token(RecordId record, uint16_t position) const {
    return tokens_[static_cast<size_t>(record)][position];
  }

 private:
  std::array<std::array<uint16_t, kMembers>, static_cast<size_t>(RecordId::kCount)> guesses_;
  std::array<std::vector<Token>, static_cast<size_t>(RecordId::kCount)> tokens_;
  std::array<std::array<UnknownToken, kMembers>, static_cast<size_t>(RecordId::kCount)> unknown_;
};

// A run of remembered unknown members (Scanner::SkipUnknownRun) as an object of its record last
// wrote it: its text with each scalar value cut out. A feed writes its extra fields the same way
// in every record, the same keys in the same order, nested alike, with values of the same kinds,
// so the next object's run is checked against the bytes between the values (keys, colons,
// commas, brackets: many tokens in one compare) and only the values are read. A run written
// otherwise is read token by token as before, and after two misses in a row the shape is made
// again from it. A value that was the same in the first kLearn runs that had the shape (a
// country, a version, a flag) becomes part of the bytes, and is no longer read on its own; a
// string value whose length was the same becomes a wild part of them (Step::wild).
class RunShape {
 public:
  // What follows a step's bytes: a string's rest (its opening quote ends the bytes), a number,
  // `true`, `false` or `null`, or nothing (the last step).
  enum class Value : uint8_t { kString, kScalar, kEnd };

  struct Step {
    uint32_t size;  // bytes of `text` the input must repeat
    uint32_t last;  // a bit per byte of them in the last 32 compared (RepeatsAt)
    Value value;
    // Whether some of the bytes are wild (`wild_`): the inside of a string value that kept its
    // length in the runs the shape learned from (an identifier, a phone number, a timestamp, a
    // postal code). Such a value is part of the step, its closing quote one of the bytes to
    // repeat, and the input may hold any plain string byte where it is wild (not a quote, a
    // backslash, a control or a non-ASCII byte: those are read as any other). A value of another
    // length does not match.
    bool wild = false;
  };

  // Made from `text`, a run of `patterns.size()` members the token path accepted; false (and
  // empty) when it is not written compactly, or too long to keep.
  [[gnu::cold]] bool Make(std::string_view text, std::vector<uint32_t> patterns);
  void Clear();

  bool empty() const { return steps_.empty(); }

  // The end of the run at `p` if it has this shape (nullptr: it has not); 64 bytes past `end`
  // must be readable. `wide`: with AVX2's compares where the processor has them (the outcome is
  // the same either way).
  const char* Match(const char* p, const char* end, bool wide = true) const;

  // Pattern ids of the members, in order.
  const std::vector<uint32_t>& patterns() const { return patterns_; }

  // Whether to try the shape on this run: not while it waits after repeated misses.
  bool Due() {
    if (wait_ == 0)
      return true;
    --wait_;
    return false;
  }

  void Matched() { misses_ = 0; }

  // Whether the shape is still learning which values repeat (Learn).
  bool learning() const { return !source_.empty(); }

  // After a match of the run `text` while learning: notes which values are those of the run the
  // shape was made from; after kLearn runs, those that always were become part of the bytes.
  [[gnu::cold]] void Learn(std::string_view text);

  // A run that did not match: after two in a row the shape is made again from the run (Stale);
  // after more, it waits ever longer before it is tried, so a feed whose runs differ from
  // record to record pays little for it.
  void Missed() {
    ++misses_;
    if (misses_ > 2)
      wait_ = uint32_t{1} << std::min<uint32_t>(misses_ - 2, 10);
  }

  bool Stale() const { return empty() || misses_ >= 2; }

 private:
  static constexpr size_t kMaxText = 16 << 10;
  // Runs a value must repeat in before it is part of the bytes: a value that takes one of a few
  // values (a flag, a status) seldom repeats in all of them, and would make runs miss.
  static constexpr uint32_t kLearn = 8;

  // Where each step's value lies in `text` (after its bytes) as Match reads it; false if the run
  // does not have the shape.
  [[gnu::cold]] bool Values(std::string_view text, std::vector<std::string_view>& out) const;
  // The shape again, with the values `same` marks part of the bytes, and the string values
  // `same_width` marks wild parts of them.
  [[gnu::cold]] void Fold(const std::vector<bool>& same, const std::vector<bool>& same_width);
  void AddStep(std::string& text, std::string_view bytes, Value value);
  // Likewise, `wild` marking the wild bytes (0xFF) of `bytes`.
  void AddStep(std::string& text, std::string& wild, std::string_view bytes,
               std::string_view wild_bytes, Value value);

  // The run the shape was made from, without the padding `source_` keeps after it.
  std::string_view Source() const { return {source_.data(), source_.size() - 32}; }

  std::string text_;  // the steps' bytes, then 32 zero bytes (a compare reads 32 at a time)
  // Byte for byte beside `text_`: 0xFF where a byte is wild (from Fold, once the shape has
  // learned), else 0; all zero before.
  std::string wild_;
  std::vector<Step> steps_;
  std::vector<uint32_t> patterns_;
  uint32_t misses_ = 0;
  uint32_t wait_ = 0;
  // While learning: the run the shape was made from (then 32 zero bytes), whether each step's
  // value has been the same in every run since, and how many runs that was.
  std::string source_;
  std::vector<bool> same_;
  std::vector<bool> same_width_;  // likewise, whether each value's length has been the same
  uint32_t learned_ = 0;
};

// What the scanner keeps from record to record.
struct ScanMemory {
  explicit ScanMemory(const Schema& schema);

  CodeCache codes;
  DateCache dates;
  KeyOrder keys;
  // Per global field number: a generic field nothing reads whose value has no check beyond its
  // JSON type (a string of no fixed values, or a list of such strings). The scanner checks such a
  // value as it would a stored one and steps over it, leaving the field as if absent (its
  // initial value); the full path still decodes it. Empty: every field is decoded.
  std::vector<bool> unread;
  // Whether a run of members whose keys are remembered unknown ones is read in one loop rather
  // than member by member; the outcome is the same either way. Off is for the tests that compare
  // the two, and for measuring.
  bool bulk = true;
  // Whether such a run is first checked against its shape (RunShape); likewise.
  bool shapes = true;
  // Whether that check uses AVX2 where the processor has it (RunShape::Match); likewise.
  bool wide = true;
  // Per base record: whether an object of it written compactly in its usual order (a history
  // entry `{"code":"C","date":"D"}`; a line `{"code":..,"modifiers":[..],"units":..}`, an
  // observation `{"code":..,"value":..,"unit":..,"date":..}` and a patient
  // `{"id":..,"birth_date":..,"sex":..}`, the later members optional) is read by fixed compares
  // of its keys rather than member by member (likewise). Set where the schema reads those keys as
  // the base fields they name, as the base schema does.
  std::array<bool, static_cast<size_t>(RecordId::kCount)> compact{};
  // Positions in the patient record of `id`, `birth_date` and `sex`, the members the compact
  // patient reads before the member loop takes the rest.
  std::array<uint16_t, 3> patient_members{};
  // Per base record and member index: the shape of the run last read from there (null: none).
  std::array<std::array<std::unique_ptr<RunShape>, KeyOrder::kMembers>,
             static_cast<size_t>(RecordId::kCount)>
      runs;
};

// The `unread` set of ScanMemory for a decoder whose reader reads the fields `read` says (per
// global field number; empty: all of them): the generic fields it does not read whose values
// the fast path can check without decoding them.
std::vector<bool> UnreadFields(const Schema& schema, const std::vector<bool>& read);

// A key of a base record that the schema does not know, as the scanner found it, whose path
// pattern the scanner does not know: the decoder looks it up.
struct ScannedKey {
  uint8_t record;        // the base record's RecordId
  std::string_view key;  // views the record's text
  // The remembered unknown key it matched or was remembered as (null: none). Another key may
  // take the same member index later in the record, so check that it still names `key`.
  KeyOrder::UnknownToken* token;
  uint32_t slot;  // its place in ScanClaim's `patterns`
};

// Decodes `data[0, size)` into `out`, whose claim and patient slots and facts the caller has set
// up (it is otherwise empty); false when the record is not of the plain shape. The path patterns
// of the keys the schema does not know are appended to `patterns`, in input order, as the
// scanner matched them with remembered keys, or KeyOrder::kNoPattern for a key it also appends
// to `ignored`; `memory` must be for `schema`; `scratch` is working
// space. At least 48 bytes after `data + size` must be readable (NdjsonReader's padding,
// kJsonPadding, is 64).
bool ScanClaim(const Schema& schema, const char* data, size_t size, Claim& out, ScanMemory& memory,
               std::vector<uint32_t>& scratch, std::vector<ScannedKey>& ignored,
               std::vector<uint32_t>& patterns);

// A record's code text without the system it may name: observation codes are written
// `LOINC|4548-4` by the test conventions and `http://loinc.org|4548-4` as FHIR tokens. Both
// decoding paths read codes through this.
std::string_view RecordCodeText(CodeSystem system, std::string_view text);

// An observation's code (`observation.code`) split at its system: a bare code is LOINC;
// `SYSTEM|CODE` names LOINC (`LOINC`, `http://loinc.org`) or a system the schema declares, by its
// name or uri (`payer_local|SL0001`). `system` is nullopt when `qualifier` names neither. Both
// decoding paths read observation codes through this.
struct ObservationCodeText {
  std::optional<CodeSystem> system;
  std::string_view code;
  std::string_view qualifier;  // the text before `|`, or empty
};

ObservationCodeText SplitObservationCode(const Schema& schema, std::string_view text);

}  // namespace warrant
