#include "tests/fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "compiler/compile.h"
#include "runtime/core/sha256.h"
#include "runtime/pack/pack.h"

namespace warrant::fuzz {
namespace {

// runtime/pack/pack.cpp: the hash sits at byte 18 and covers everything from byte 50.
constexpr size_t kHashAt = 18;
constexpr size_t kHashedFrom = 50;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "fuzz setup: %s\n", why.c_str());
  std::abort();
}

}  // namespace

const std::vector<uint8_t>& ExamplePack() {
  static const std::vector<uint8_t> bytes = [] {
    // examples/payer declares a code system, so observation codes `acme_lab|...` decode;
    // tests/fuzz/schema extends every base record, so claims of an extended schema do too.
    auto c = Compile({std::string(WARRANT_SOURCE_DIR) + "/examples/medicare",
                      std::string(WARRANT_SOURCE_DIR) + "/examples/payer",
                      std::string(WARRANT_SOURCE_DIR) + "/tests/fuzz/schema"});
    if (!c->ok)
      Die("examples/medicare, examples/payer and tests/fuzz/schema do not compile");
    return WritePack(c->program);
  }();
  return bytes;
}

const Engine& ExampleEngine() {
  static const std::unique_ptr<Engine> engine = [] {
    std::string error;
    auto e = Engine::FromPack(ExamplePack(), &error);
    if (!e)
      Die("the examples' pack does not load: " + error);
    return e;
  }();
  return *engine;
}

void Seal(std::span<uint8_t> bytes) {
  if (bytes.size() < kHashedFrom)
    return;
  const Sha256Digest digest = Sha256(bytes.subspan(kHashedFrom));
  std::copy(digest.begin(), digest.end(), bytes.begin() + kHashAt);
}

std::string DecideRecord(const Engine& engine, std::string_view json) {
  Session session(engine);
  RecordError error;
  std::string out;
  if (session.Evaluate(json, error)) {
    session.AppendDecisions(out);
    if (session.decision().lines.size() != session.claim().lines.size()) {
      Die("a decided claim has a different number of decisions than lines");
    }
  } else {
    session.AppendError(error, 1, out);
  }
  if (out.empty() || out.back() != '\n')
    Die("a record produced no output line");
  return out;
}

}  // namespace warrant::fuzz
