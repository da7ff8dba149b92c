#include "compiler/cms/zip_archive.h"

#include <zip.h>

#include <fmt/core.h>

namespace warrant {

struct ZipArchive::Handle {
  zip_t* zip = nullptr;

  ~Handle() {
    if (zip != nullptr)
      zip_discard(zip);  // opened read-only: nothing to write back
  }
};

ZipArchive::ZipArchive(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

ZipArchive::~ZipArchive() = default;

std::unique_ptr<ZipArchive> ZipArchive::Open(const std::string& path, std::string& error) {
  int code = 0;
  auto handle = std::make_unique<Handle>();
  handle->zip = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (handle->zip == nullptr) {
    zip_error_t reason;
    zip_error_init_with_code(&reason, code);
    error = zip_error_strerror(&reason);
    zip_error_fini(&reason);
    return nullptr;
  }
  std::unique_ptr<ZipArchive> archive(new ZipArchive(std::move(handle)));
  const zip_int64_t count = zip_get_num_entries(archive->handle_->zip, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive->handle_->zip, static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        (stat.valid & ZIP_STAT_NAME) == 0) {
      error = fmt::format("entry {}: {}", i + 1, zip_strerror(archive->handle_->zip));
      return nullptr;
    }
    ZipMember member;
    member.name = stat.name;
    member.size = (stat.valid & ZIP_STAT_SIZE) != 0 ? stat.size : 0;
    archive->members_.push_back(std::move(member));
  }
  return archive;
}

bool ZipArchive::Read(size_t index, uint64_t max_bytes, std::string& out,
                      std::string& error) const {
  out.clear();
  if (index >= members_.size()) {
    error = "no such entry";
    return false;
  }
  const ZipMember& member = members_[index];
  if (member.size > max_bytes) {
    error = fmt::format("`{}` has {} bytes, more than the {} read", member.name, member.size,
                        max_bytes);
    return false;
  }
  zip_file_t* file = zip_fopen_index(handle_->zip, index, 0);
  if (file == nullptr) {
    error = fmt::format("cannot open `{}`: {}", member.name, zip_strerror(handle_->zip));
    return false;
  }
  out.reserve(member.size);
  char buffer[1 << 16];
  bool ok = true;
  for (;;) {
    const zip_int64_t got = zip_fread(file, buffer, sizeof buffer);
    if (got < 0) {
      error = fmt::format("cannot read `{}`: {}", member.name, zip_file_strerror(file));
      ok = false;
      break;
    }
    if (got == 0)
      break;
    if (out.size() + static_cast<uint64_t>(got) > max_bytes) {
      error = fmt::format("`{}` inflates to more than {} bytes", member.name, max_bytes);
      ok = false;
      break;
    }
    out.append(buffer, static_cast<size_t>(got));
  }
  zip_fclose(file);
  if (!ok)
    out.clear();
  return ok;
}

}  // namespace warrant
