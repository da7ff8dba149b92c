// Trust in packs and pack roots: `run` decides only with packs that pass the verifier, a pack of
// another format version is refused naming the supported one, and imports, `load` paths and
// directory walks cannot reach files outside the pack root, including through symbolic links.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "compiler/compile.h"
#include "compiler/driver/driver.h"
#include "runtime/pack/pack.h"
#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

constexpr const char* kPolicy = R"(policy "P" version 1 "t" effective 2024-01-01
codeset fobt: hcpcs = [82270, G0328]
rule r "r" applies to line where line.code in fobt {
  require any h in history where h.code in fobt else deny frequency "needs a prior test"
}
)";

constexpr const char* kTrustClaim =
    R"({"id": "C1", "service_date": "2024-03-01", "lines": [{"code": "82270"}], "history": [{"code": "G0328", "date": "2023-01-01"}]})"
    "\n";

// A fresh directory with `outside/` and `root/` beside each other.
class Dirs {
 public:
  Dirs() {
    static int counter = 0;
    base_ = fs::temp_directory_path() /
            ("warrant_trust_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(base_ / "root");
    fs::create_directories(base_ / "outside");
  }

  ~Dirs() {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  fs::path root() const { return base_ / "root"; }

  fs::path outside() const { return base_ / "outside"; }

  fs::path Write(const fs::path& path, const std::string& text) const {
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  fs::path base_;
};

struct Result {
  int exit = 0;
  std::string out, err;
};

Result Warrant(const std::vector<std::string>& args) {
  std::istringstream in;
  std::ostringstream out, err;
  Result r;
  r.exit = driver::Run(args, in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::vector<uint8_t> CompilePack(const Dirs& dirs, Program* program = nullptr) {
  auto c = Compile({dirs.Write(dirs.root() / "p.warrant", kPolicy).string()});
  REQUIRE(c->ok);
  if (program)
    *program = c->program;
  return WritePack(c->program);
}

void WriteBytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

TEST_CASE("trust: run decides with a pack that passes the verifier", "[trust]") {
  Dirs dirs;
  WriteBytes(dirs.root() / "ok.wpk", CompilePack(dirs));
  const fs::path claims = dirs.Write(dirs.root() / "claims.ndjson", kTrustClaim);
  const Result r = Warrant({"run", (dirs.root() / "ok.wpk").string(), claims.string()});
  CHECK(r.exit == 0);
  CHECK_THAT(r.out, Contains("\"decision\":\"covered\""));
}

TEST_CASE("trust: a pack is known by its magic bytes, whatever its file name", "[trust]") {
  Dirs dirs;
  const fs::path claims = dirs.Write(dirs.root() / "claims.ndjson", kTrustClaim);
  for (const char* name : {"rules.pack", "rules", "rules.warrant"}) {
    DYNAMIC_SECTION(name) {
      const fs::path pack = dirs.root() / name;
      WriteBytes(pack, CompilePack(dirs));
      fs::remove(dirs.root() / "p.warrant");
      const Result run = Warrant({"run", pack.string(), claims.string()});
      CHECK(run.exit == 0);
      CHECK_THAT(run.out, Contains("\"decision\":\"covered\""));
      CHECK(run.err.find("NUL") == std::string::npos);
      const Result explain = Warrant({"explain", pack.string(), claims.string()});
      CHECK(explain.exit == 0);
      CHECK_THAT(explain.out, Contains("C1"));
      const Result disasm = Warrant({"disasm", pack.string()});
      CHECK(disasm.exit == 0);
      CHECK_THAT(disasm.out, Contains("rule"));
      const Result list = Warrant({"terminology", "list", pack.string()});
      CHECK(list.err.find("NUL") == std::string::npos);
    }
  }
}

TEST_CASE("trust: a pack named to a compiling command says it is a pack, not criteria", "[trust]") {
  Dirs dirs;
  const fs::path pack = dirs.root() / "rules.pack";
  WriteBytes(pack, CompilePack(dirs));
  const Result r = Warrant({"check", pack.string()});
  CHECK(r.exit != 0);
  CHECK_THAT(r.err, Contains("NUL byte"));
  CHECK_THAT(r.err, Contains("this is a rule pack, not criteria"));
}

TEST_CASE("trust: explain refuses a pack whose accumulator is not below its loop", "[trust]") {
  // The reproduction: the rule's `acc_any` moved to slot slots - 3 of a rule given 8 slots. The
  // operands are in range, but the traced loop reads slot acc + 3, which no run of this rule set:
  // `explain` showed freed memory or another claim's id. The verifier now refuses the pack.
  Dirs dirs;
  Program program;
  CompilePack(dirs, &program);
  RuleData& rule = program.rules[0];
  rule.slots = 8;
  bool moved = false;
  for (uint32_t pc = rule.applies_code; pc < rule.code_end;) {
    const Instruction ins = *DecodeAt(program.code, pc);
    if (ins.op == Op::AccAny) {
      program.code[pc + 1] = static_cast<uint8_t>(rule.slots - 3);
      moved = true;
    }
    pc += ins.size;
  }
  REQUIRE(moved);
  WriteBytes(dirs.root() / "acc.wpk", WritePack(program));
  const fs::path claims = dirs.Write(dirs.root() / "claims.ndjson", kTrustClaim);
  const Result r = Warrant({"explain", (dirs.root() / "acc.wpk").string(), claims.string()});
  CHECK(r.exit == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Contains("pack failed verification"));
  CHECK_THAT(r.err, Contains("accumulates into slot 5, but the loop around it starts at slot 1"));
}

TEST_CASE("trust: the pack does not depend on the order its files are named in", "[trust]") {
  Dirs dirs;
  fs::create_directories(dirs.root() / "a");
  fs::create_directories(dirs.root() / "b");
  const std::string a = dirs.Write(dirs.root() / "a" / "p.warrant", kPolicy).string();
  const std::string b = dirs.Write(dirs.root() / "b" / "q.warrant",
                                   "policy \"Q\" version 1 \"q\" effective 2024-01-01\n"
                                   "codeset dm: icd10cm = load \"codes.csv\" column \"code\"\n")
                            .string();
  dirs.Write(dirs.root() / "b" / "codes.csv", "code\nE11.9\n");
  const std::string c = dirs.Write(dirs.root() / "a" / "c.warrant",
                                   "policy \"C\" version 1 \"c\" effective 2024-01-01\n")
                            .string();
  std::vector<std::vector<uint8_t>> packs;
  for (const std::vector<std::string>& order : std::vector<std::vector<std::string>>{
           {a, b, c}, {b, a, c}, {c, b, a}, {(dirs.root() / "b").string(), a, c}}) {
    auto compiled = Compile(order);
    INFO(order[0] << " first");
    REQUIRE(compiled->ok);  // the CSV beside a later file is under the common root
    packs.push_back(WritePack(compiled->program));
  }
  for (size_t k = 1; k < packs.size(); ++k)
    CHECK(packs[k] == packs[0]);
}

TEST_CASE("trust: run refuses a pack with a valid hash that fails verification", "[trust]") {
  Dirs dirs;
  Program program;
  CompilePack(dirs, &program);
  // The rule's code replaced by `jump` to itself: the hash is right (WritePack computes it), the
  // program would never end.
  const auto at = static_cast<uint32_t>(program.code.size());
  AppendInstruction(program.code, Op::Jump, -5);
  AppendInstruction(program.code, Op::Return);
  program.rules[0].applies_code = at;
  program.rules[0].code_end = static_cast<uint32_t>(program.code.size());
  WriteBytes(dirs.root() / "loop.wpk", WritePack(program));
  const fs::path claims = dirs.Write(dirs.root() / "claims.ndjson", kTrustClaim);

  const Result r = Warrant({"run", (dirs.root() / "loop.wpk").string(), claims.string()});
  CHECK(r.exit != 0);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Contains("pack failed verification"));
  CHECK_THAT(r.err, Contains("is not a loop's closing jump"));
}

TEST_CASE("trust: run refuses a pack of another format version, naming the supported one",
          "[trust]") {
  Dirs dirs;
  std::vector<uint8_t> bytes = CompilePack(dirs);
  const uint16_t next = kPackFormatVersion + 1;
  bytes[8] = static_cast<uint8_t>(next);  // u16 format version, little-endian (pack.cpp)
  bytes[9] = static_cast<uint8_t>(next >> 8);
  WriteBytes(dirs.root() / "next.wpk", bytes);
  const fs::path claims = dirs.Write(dirs.root() / "claims.ndjson", kTrustClaim);
  const Result r = Warrant({"run", (dirs.root() / "next.wpk").string(), claims.string()});
  CHECK(r.exit != 0);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Contains("pack format version " + std::to_string(next) +
                             " is not supported; this warrant reads version " +
                             std::to_string(kPackFormatVersion)));
}

TEST_CASE("trust: an import through a symbolic link out of the root is refused", "[trust]") {
  Dirs dirs;
  dirs.Write(dirs.outside() / "secret.warrant", "codeset s: hcpcs = [82270]\n");
  fs::create_symlink(dirs.outside() / "secret.warrant", dirs.root() / "link.warrant");
  const fs::path main = dirs.Write(dirs.root() / "main.warrant",
                                   "policy \"P\" version 1 \"t\" effective 2024-01-01\n"
                                   "import \"link.warrant\" as s\n");
  const Result r = Warrant({"check", main.string()});
  CHECK(r.exit == 1);
  CHECK_THAT(r.err, Contains("error[E0210]: `link.warrant` is outside the pack root"));
}

TEST_CASE("trust: a load through a symbolic link out of the root is refused", "[trust]") {
  Dirs dirs;
  dirs.Write(dirs.outside() / "codes.csv", "code\n82270\n");
  fs::create_symlink(dirs.outside(), dirs.root() / "data");
  const fs::path main = dirs.Write(dirs.root() / "main.warrant",
                                   "policy \"P\" version 1 \"t\" effective 2024-01-01\n"
                                   "codeset c: hcpcs = load \"data/codes.csv\" column \"code\"\n");
  const Result r = Warrant({"check", main.string()});
  CHECK(r.exit == 1);
  CHECK_THAT(r.err, Contains("error[E0210]: `data/codes.csv` is outside the pack root"));
}

TEST_CASE("trust: a directory's symbolic link to an outside file is not compiled", "[trust]") {
  Dirs dirs;
  dirs.Write(dirs.root() / "p.warrant", kPolicy);
  dirs.Write(dirs.outside() / "other.warrant", "this is not even valid source\n");
  fs::create_symlink(dirs.outside() / "other.warrant", dirs.root() / "z.warrant");
  const Result r = Warrant({"check", dirs.root().string()});
  CHECK(r.exit == 1);
  CHECK_THAT(r.err, Contains("error[E0001]: cannot read"));
  CHECK_THAT(r.err, Contains("z.warrant`: it is a link to a file outside the directory"));
  CHECK_THAT(r.err, !Contains("not even valid"));
}

}  // namespace
}  // namespace warrant
