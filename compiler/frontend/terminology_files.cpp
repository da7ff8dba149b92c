#include "compiler/frontend/terminology_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include <fmt/format.h>

#include "compiler/cms/term_import.h"
#include "runtime/terminology/terminology_serialize.h"

namespace warrant::frontend {
namespace fs = std::filesystem;

namespace {

enum class Kind { Unknown, Wterm, Icd10cmOrder, HcpcsAnweb, Pos };

Kind KindOf(const fs::path& path, int* year) {
  std::string name = path.filename().string();
  std::smatch m;
  if (path.extension() == ".wterm")
    return Kind::Wterm;
  static const std::regex kIcd("icd10cm_order_(\\d{4})\\.txt");
  static const std::regex kHcpcs("HCPC(\\d{4})_.*ANWEB.*\\.txt", std::regex::icase);
  static const std::regex kPos("place_of_service.*\\.csv");
  if (std::regex_match(name, m, kIcd)) {
    *year = std::stoi(m[1]);
    return Kind::Icd10cmOrder;
  }
  if (std::regex_match(name, m, kHcpcs)) {
    *year = std::stoi(m[1]);
    return Kind::HcpcsAnweb;
  }
  if (std::regex_match(name, kPos))
    return Kind::Pos;
  return Kind::Unknown;
}

bool AddResult(ImportResult result, Terminology& out, std::string& error) {
  if (!result.ok()) {
    error = result.ErrorText();
    while (!error.empty() && error.back() == '\n')
      error.pop_back();
    return false;
  }
  for (CodeSystemVersion& v : result.versions) {
    if (auto problem = out.Add(std::move(v))) {
      error = fmt::format("{}: {}", result.source, *problem);
      return false;
    }
  }
  return true;
}

bool LoadFile(const fs::path& path, Kind kind, int year, Terminology& out, std::string& error) {
  switch (kind) {
    case Kind::Wterm: {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        error = fmt::format("cannot read `{}`", path.string());
        return false;
      }
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      TerminologyDecode decoded = DeserializeTerminology(bytes);
      if (!decoded.ok()) {
        error =
            fmt::format("`{}` is not a usable terminology file: {}", path.string(), decoded.error);
        return false;
      }
      for (const CodeSystemVersion& v : decoded.terminology.versions()) {
        if (auto problem = out.Add(v)) {
          error = fmt::format("{}: {}", path.string(), *problem);
          return false;
        }
      }
      return true;
    }
    case Kind::Icd10cmOrder:
      return AddResult(ImportIcd10cmOrderFile(path.string(), year), out, error);
    case Kind::HcpcsAnweb:
      return AddResult(ImportHcpcsAnwebFile(path.string(), year), out, error);
    case Kind::Pos:
      return AddResult(ImportPosFile(path.string()), out, error);
    case Kind::Unknown:
      break;
  }
  error = fmt::format(
      "`{}` is not a terminology file warrant recognises (a .wterm file, icd10cm_order_YYYY.txt, "
      "HCPCYYYY_..._ANWEB.txt or place_of_service.csv)",
      path.string());
  return false;
}

}  // namespace

bool LoadTerminology(const std::vector<std::string>& paths, Terminology& out, std::string& error) {
  for (const std::string& p : paths) {
    fs::path path(p);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        int year = 0;
        if (entry.is_regular_file() && KindOf(entry.path(), &year) != Kind::Unknown) {
          files.push_back(entry.path());
        }
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        error = fmt::format("`{}` holds no terminology files", p);
        return false;
      }
      for (const fs::path& file : files) {
        int year = 0;
        Kind kind = KindOf(file, &year);
        if (!LoadFile(file, kind, year, out, error))
          return false;
      }
      continue;
    }
    if (!fs::exists(path, ec)) {
      error = fmt::format("cannot find terminology `{}`", p);
      return false;
    }
    int year = 0;
    Kind kind = KindOf(path, &year);  // sets `year`: keep it out of the call's arguments
    if (!LoadFile(path, kind, year, out, error))
      return false;
  }
  return true;
}

std::vector<std::string> DefaultTerminologyPaths() {
  std::vector<std::string> paths;
  const char* env = std::getenv("WARRANT_TERMINOLOGY");
  if (!env)
    return paths;
  std::string value(env);
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t colon = value.find(':', pos);
    if (colon == std::string::npos)
      colon = value.size();
    if (colon > pos)
      paths.push_back(value.substr(pos, colon - pos));
    pos = colon + 1;
  }
  return paths;
}

}  // namespace warrant::frontend
