#include "compiler/frontend/terminology_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "compiler/cms/term_import.h"
#include "compiler/cms/zip_archive.h"
#include "runtime/terminology/terminology_serialize.h"

namespace warrant::frontend {
namespace fs = std::filesystem;

namespace {

enum class Kind { Unknown, Wterm, Zip, Icd10cmOrder, HcpcsAnweb, Pos };

// A zip member is read whole into memory; this is also the importers' own limit.
constexpr uint64_t kMaxMemberBytes = uint64_t{1} << 30;

Kind KindOf(const fs::path& path, int* year) {
  std::string name = path.filename().string();
  std::smatch m;
  if (path.extension() == ".wterm")
    return Kind::Wterm;
  if (path.extension() == ".zip")
    return Kind::Zip;
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

// The importer for one CMS release file's text.
ImportResult ImportText(Kind kind, int year, std::string_view text) {
  switch (kind) {
    case Kind::Icd10cmOrder:
      return ImportIcd10cmOrder(text, year);
    case Kind::HcpcsAnweb:
      return ImportHcpcsAnweb(text, year);
    default:
      return ImportPos(text);
  }
}

// A CMS release zip as published: every member recognised by its name is imported, except those
// in `skip` (the directory beside the zip holds them extracted, and they are loaded from there).
bool LoadZip(const fs::path& path, const std::set<std::string>& skip, Terminology& out,
             std::string& error) {
  std::string why;
  std::unique_ptr<ZipArchive> zip = ZipArchive::Open(path.string(), why);
  if (!zip) {
    error = fmt::format("`{}` is not a readable zip archive: {}", path.string(), why);
    return false;
  }
  size_t recognised = 0;
  std::string text;
  for (size_t i = 0; i < zip->members().size(); ++i) {
    const fs::path member(zip->members()[i].name);
    int year = 0;
    const Kind kind = KindOf(member, &year);
    if (kind == Kind::Unknown || kind == Kind::Wterm || kind == Kind::Zip)
      continue;
    ++recognised;
    if (skip.count(member.filename().string()))
      continue;
    const std::string source = fmt::format("{}/{}", path.string(), member.string());
    if (!zip->Read(i, kMaxMemberBytes, text, why)) {
      error = fmt::format("{}: {}", path.string(), why);
      return false;
    }
    ImportResult result = ImportText(kind, year, text);
    result.source = source;
    if (!AddResult(std::move(result), out, error))
      return false;
  }
  if (recognised == 0) {
    std::string names;
    for (const ZipMember& m : zip->members())
      names += fmt::format("{}{}", names.empty() ? "" : ", ", m.name);
    error = fmt::format(
        "`{}` holds no CMS release file warrant reads (icd10cm_order_YYYY.txt, "
        "HCPCYYYY_..._ANWEB.txt or place_of_service.csv); it holds {}",
        path.string(), names.empty() ? "nothing" : names);
    return false;
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
    case Kind::Zip:
      return LoadZip(path, {}, out, error);
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
      "HCPCYYYY_..._ANWEB.txt, place_of_service.csv or a CMS zip holding one)",
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
      std::set<std::string> extracted;
      for (const fs::path& file : files)
        extracted.insert(file.filename().string());
      for (const fs::path& file : files) {
        int year = 0;
        Kind kind = KindOf(file, &year);
        const bool ok = kind == Kind::Zip ? LoadZip(file, extracted, out, error)
                                          : LoadFile(file, kind, year, out, error);
        if (!ok)
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
