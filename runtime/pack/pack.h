// Pack files: a Program as deterministic, hashed bytes (`*.wpk`), and back.
//
// WritePack lays every field out explicitly (little-endian, fixed widths, vectors in their
// order), so the same Program always gives the same bytes; each record's fields are listed once
// and both the writer and the reader walk that list. ReadPack trusts nothing: it checks the
// header, the SHA-256 and every count and length before reading or allocating, then runs the
// verifier (runtime/pack/verify.h) and checks the debug tables (runtime/pack/debug_tables.h), so
// a Program it returns is safe to execute and to explain. The layout is documented in pack.cpp.
// This module does not compile, optimise or execute anything.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/pack/program.h"

namespace warrant {

inline constexpr std::string_view kPackMagic = "WRNTPACK";
// The one format version this build reads and writes.
inline constexpr uint16_t kPackFormatVersion = 4;

// Serialises `program`. Fills in what is a function of the rest: each source's sha256 (of its
// text) and `program.hash` (the SHA-256 of the bytes after the header's hash field). Writes any
// Program, verified or not. Throws std::length_error if a count, a length or the pack itself
// would exceed 4 GiB - 1 (the format's offsets are 32-bit).
std::vector<uint8_t> WritePack(Program& program);

struct PackResult {
  Program program;
  std::string error;  // empty on success

  bool ok() const { return error.empty(); }
};

// Decodes and verifies a pack. On failure `error` says what is wrong in one sentence, e.g.
// "pack format version 3 is not supported; this warrant reads version 2". Never reads outside
// `bytes`, and allocates at most a small multiple of `bytes.size()`.
PackResult ReadPack(std::span<const uint8_t> bytes);

// A hash of everything bytecode operands are numbered by: the opcode table (mnemonics, operand
// formats, stack deltas, in encoding order) and the builtin, schema field and scope tables.
// Packs record it; a pack built with a different table is refused rather than misread.
uint64_t InstructionSetHash();

}  // namespace warrant
