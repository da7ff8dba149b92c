// Claim sources: what every reader of a claim format other than Warrant's NDJSON produces.
//
// A reader (x12.h, fhir.h) turns each claim it finds into one Warrant JSON record (the format of
// docs/language.md §9), so decoding, the claim schema and the record errors stay in one place
// (runtime/records). A claim the reader cannot turn into a record still comes out, as an error
// located in the input, and reading goes on with the next claim. This module knows formats by
// their first bytes; it does not decode records or decide anything.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warrant {

#define WARRANT_INPUT_FORMATS(X)                                  \
  X(Ndjson, "ndjson", "Warrant claims, one JSON object per line") \
  X(X12, "x12", "X12 837 professional or institutional claims")   \
  X(Fhir, "fhir", "FHIR R4 Claim or ExplanationOfBenefit resources, a Bundle, or NDJSON of them")

enum class InputFormat : uint8_t {
#define WARRANT_INPUT_FORMAT_ENUM(Name, Word, Doc) Name,
  WARRANT_INPUT_FORMATS(WARRANT_INPUT_FORMAT_ENUM)
#undef WARRANT_INPUT_FORMAT_ENUM
};

// "ndjson", "x12", "fhir".
std::string_view InputFormatName(InputFormat format);
// The format a word names, for --input-format.
std::optional<InputFormat> InputFormatNamed(std::string_view word);

// The format of an input from its first bytes: `ISA` (after any blanks and a byte-order mark) is
// X12; a JSON object whose first key is "resourceType", or that has one at its top level within
// `head`, is FHIR; anything else is Warrant NDJSON.
InputFormat SniffFormat(std::string_view head);

// One claim as a reader found it.
struct ConvertedClaim {
  std::string json;   // a Warrant claim record; empty when `error` is set
  std::string id;     // the claim's id as the input gives it ("" when it has none)
  std::string where;  // where it is: "ST 0001, segment 12 (CLM)", "entry[2].resource"
  uint64_t line = 0;  // the input line it starts on (1-based), 0 when the format has none
  std::string error;  // set: the claim could not be read; the message says where and why
  // FHIR: each record line's Claim.item.sequence, in line order (what a ClaimResponse's
  // item.itemSequence names); empty for formats whose lines have no number of their own.
  std::vector<uint32_t> item_sequences;
};

// Receives each claim in input order; returning false stops the reader.
using ClaimSink = std::function<bool(ConvertedClaim&)>;

// Reads every claim of `text`, a whole input in `format` (not Ndjson: that is read line by line
// by runtime/records/ndjson.h), into `sink` in input order. `name` names the input in messages.
// Problems that are not one claim's (an X12 envelope error, a document that is not FHIR) are
// returned, each located; every claim read before them has gone to the sink.
std::vector<std::string> ReadClaims(InputFormat format, std::string_view text,
                                    std::string_view name, const ClaimSink& sink);

// A claims input read as a stream rather than held whole. A reader that reads it twice (FHIR
// NDJSON: the resources claims reference are found first) opens it again.
class ClaimStream {
 public:
  virtual ~ClaimStream() = default;
  // The input from its first byte. The first call always gives it; a later one gives it again
  // when Reopens(), else null. The first stream stays readable while a later one is read (FHIR
  // NDJSON reads the input again part way through reading it).
  virtual std::istream* Open() = 0;
  // Whether Open gives the input more than once (a file does; standard input, a pipe do not).
  virtual bool Reopens() const = 0;

  // The whole input when it is in memory anyway (then readers take it from there).
  virtual std::optional<std::string_view> Whole() const { return std::nullopt; }

  // How much a reader reads at a time (more for a longer line or segment).
  virtual size_t ChunkBytes() const { return size_t{1} << 20; }
};

// A ClaimStream over text held in memory.
class TextClaimStream final : public ClaimStream {
 public:
  explicit TextClaimStream(std::string_view text);
  ~TextClaimStream() override;
  std::istream* Open() override;

  bool Reopens() const override { return true; }

  std::optional<std::string_view> Whole() const override { return text_; }

 private:
  std::string_view text_;
  std::vector<std::unique_ptr<std::streambuf>> buffers_;  // one each stream given, kept
  std::vector<std::unique_ptr<std::istream>> streams_;
};

// ReadClaims over a stream, holding a chunk of it at a time: X12 segment by segment, FHIR NDJSON
// line by line (read twice when it Reopens: the referenced resources first). A FHIR document (a
// Bundle, a single resource) is held whole, and so is FHIR that cannot be read twice.
std::vector<std::string> ReadClaims(InputFormat format, ClaimStream& input, std::string_view name,
                                    const ClaimSink& sink);

// The readers ReadClaims dispatches to (x12.cpp, fhir.cpp), with the same contract.
std::vector<std::string> ReadX12(std::string_view text, std::string_view name,
                                 const ClaimSink& sink);
std::vector<std::string> ReadX12(std::istream& in, std::string_view name, const ClaimSink& sink,
                                 size_t chunk_bytes = size_t{1} << 20);
std::vector<std::string> ReadFhir(std::string_view text, std::string_view name,
                                  const ClaimSink& sink);
std::vector<std::string> ReadFhir(ClaimStream& input, std::string_view name, const ClaimSink& sink);

}  // namespace warrant
