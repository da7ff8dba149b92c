// A test's own directory under the system's temporary directory, removed with it (also when the
// test fails), and engines compiled from criteria texts written there. For unit tests only.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/engine/engine.h"
#include "runtime/pack/pack.h"
#include "tests/unit/catch.h"

namespace warrant::test {

class ScratchDir {
 public:
  // `tag` names the directory (warrant_<tag>_<pid>_<n>), unique per process and instance.
  explicit ScratchDir(std::string_view tag) {
    static int counter = 0;
    root_ = std::filesystem::temp_directory_path() /
            ("warrant_" + std::string(tag) + "_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    std::filesystem::create_directories(root_);
  }

  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string path() const { return root_.string(); }

  std::string File(const std::string& name) const { return (root_ / name).string(); }

  // Writes `text` to file `name` in the directory; its path.
  std::string Write(const std::string& name, std::string_view text) const {
    std::ofstream(root_ / name) << text;
    return File(name);
  }

 private:
  std::filesystem::path root_;
};

// The engine of criteria `text`, compiled and loaded through its pack bytes as `warrant run`
// loads a pack; REQUIREs both to succeed.
inline std::unique_ptr<Engine> EngineOf(std::string_view text) {
  ScratchDir dir("criteria");
  dir.Write("criteria.warrant", text);
  auto compiled = Compile({dir.path()});
  REQUIRE(compiled->ok);
  std::string error;
  auto engine = Engine::FromPack(WritePack(compiled->program), &error);
  REQUIRE(engine);
  return engine;
}

}  // namespace warrant::test
