// What the fuzz targets share: a pack compiled once from the examples (the engine most inputs
// run against), a way to make edited pack bytes pass the hash check so mutations reach the
// decoder and the verifier, and the per-record work every target ends with (decide, format).
// It is linked only into the libFuzzer executables (tests/fuzz/CMakeLists.txt).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/engine.h"

namespace warrant::fuzz {

// The pack of examples/medicare and examples/payer, compiled on first use (aborts if the examples
// stop compiling: the fuzzers would silently lose their main engine otherwise).
const std::vector<uint8_t>& ExamplePack();
const Engine& ExampleEngine();

// Rewrites the SHA-256 field of a pack (layout: runtime/pack/pack.cpp) over its current bytes.
// Packs shorter than the header are left alone; the reader refuses them anyway.
void Seal(std::span<uint8_t> bytes);

// Decodes and decides one record against `engine`, formatting decisions or the error record as
// `run` would, and checks what must hold for any input: a decided claim has one decision per
// line. Returns the output, so callers can compare runs.
std::string DecideRecord(const Engine& engine, std::string_view json);

}  // namespace warrant::fuzz
