// ZipArchive: members listed as stored, read whole, the size cap enforced while inflating, and
// clear errors for files that are not zip archives. Archives are written with libzip itself.
#include "compiler/cms/zip_archive.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <zip.h>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

namespace fs = std::filesystem;

fs::path TempPath(const std::string& name) {
  return fs::temp_directory_path() /
         ("warrant_zip_test_" + std::to_string(::getpid()) + "_" + name);
}

// Writes a zip holding `members` (name, content) to `path`.
void WriteZip(const fs::path& path,
              const std::vector<std::pair<std::string, std::string>>& members) {
  int code = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  REQUIRE(zip != nullptr);
  for (const auto& [name, content] : members) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    REQUIRE(source != nullptr);
    REQUIRE(zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
  }
  REQUIRE(zip_close(zip) == 0);  // the buffers must live until here: zip_close compresses them
}

TEST_CASE("zip: members are listed in stored order and read whole", "[zip]") {
  const fs::path path = TempPath("ok.zip");
  const std::string big(200000, 'x');  // several reads of the 64 KiB buffer
  WriteZip(path, {{"readme.pdf", "%PDF"}, {"icd10cm_order_2026.txt", big}});
  std::string error;
  auto zip = ZipArchive::Open(path.string(), error);
  REQUIRE(zip != nullptr);
  REQUIRE(zip->members().size() == 2);
  CHECK(zip->members()[0].name == "readme.pdf");
  CHECK(zip->members()[1].name == "icd10cm_order_2026.txt");
  CHECK(zip->members()[1].size == big.size());
  std::string text;
  REQUIRE(zip->Read(1, 1 << 20, text, error));
  CHECK(text == big);
  REQUIRE(zip->Read(0, 1 << 20, text, error));
  CHECK(text == "%PDF");
  CHECK_FALSE(zip->Read(2, 1 << 20, text, error));
  fs::remove(path);
}

TEST_CASE("zip: a member larger than the cap is refused, not read", "[zip]") {
  const fs::path path = TempPath("big.zip");
  WriteZip(path, {{"icd10cm_order_2026.txt", std::string(100000, 'x')}});
  std::string error;
  auto zip = ZipArchive::Open(path.string(), error);
  REQUIRE(zip != nullptr);
  std::string text = "stale";
  CHECK_FALSE(zip->Read(0, 1000, text, error));
  CHECK(text.empty());
  CHECK(error.find("icd10cm_order_2026.txt") != std::string::npos);
  CHECK(error.find("1000") != std::string::npos);
  fs::remove(path);
}

TEST_CASE("zip: files that are not zip archives are refused with a reason", "[zip]") {
  std::string error;
  CHECK(ZipArchive::Open(TempPath("missing.zip").string(), error) == nullptr);
  CHECK_FALSE(error.empty());

  const fs::path path = TempPath("text.zip");
  std::ofstream(path) << "PK but not an archive\n";
  error.clear();
  CHECK(ZipArchive::Open(path.string(), error) == nullptr);
  CHECK(error == "Not a zip archive");
  fs::remove(path);
}

}  // namespace
}  // namespace warrant
