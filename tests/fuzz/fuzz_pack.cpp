// Pack bytes -> read, verify, load into an Engine, disassemble. The input's hash field is
// rewritten first, so mutations get past the SHA-256 and exercise the layout checks and the
// verifier: what a hand-crafted pack with a valid hash can do.
#include <sstream>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/pack/disasm.h"
#include "runtime/pack/pack.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  warrant::fuzz::Seal(bytes);
  warrant::PackResult read = warrant::ReadPack(bytes);
  if (!read.ok())
    return 0;
  std::ostringstream listing;
  warrant::Disassemble(read.program, listing);
  std::string error;
  auto engine = warrant::Engine::FromPack(bytes, &error);
  return 0;
}
