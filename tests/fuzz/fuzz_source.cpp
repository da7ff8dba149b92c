// Source text -> parse, check, generate; a program that compiles must pack, read back and pass
// the verifier (the code generator and the verifier agree), and disassemble.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/pack/disasm.h"
#include "runtime/pack/pack.h"

namespace {

namespace fs = std::filesystem;

// Each input is written to one file in a private directory, which is also the pack root, so
// imports and `load` paths resolve (or are refused) inside it.
const fs::path& InputPath() {
  static const fs::path path = [] {
    fs::path dir =
        fs::temp_directory_path() / ("warrant_fuzz_source_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / "fuzz.warrant";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(InputPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto c = warrant::Compile({InputPath().string()});
  if (!c->ok)
    return 0;
  std::vector<uint8_t> bytes = warrant::WritePack(c->program);
  warrant::PackResult read = warrant::ReadPack(bytes);
  if (!read.ok()) {
    std::fprintf(stderr, "a compiled program does not read back: %s\n", read.error.c_str());
    std::abort();
  }
  std::ostringstream listing;
  warrant::Disassemble(read.program, listing);
  return 0;
}
