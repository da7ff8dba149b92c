#include "compiler/cms/zip_archive.h"

#include <dlfcn.h>
#include <string>
#include <zip.h>

#include <fmt/core.h>

namespace warrant {
namespace {

// libzip, loaded when an archive is first opened rather than by every start of the program:
// libzip pulls in libcrypto, whose shared library binds its 4,000 symbols at load, and only
// `terms import` of a zip needs it. The functions are libzip's own, typed by its header.
struct Libzip {
#define WARRANT_LIBZIP_FUNCTIONS(X) \
  X(zip_discard)                    \
  X(zip_error_fini)                 \
  X(zip_error_init_with_code)       \
  X(zip_error_strerror)             \
  X(zip_fclose)                     \
  X(zip_file_strerror)              \
  X(zip_fopen_index)                \
  X(zip_fread)                      \
  X(zip_get_num_entries)            \
  X(zip_open)                       \
  X(zip_stat_index)                 \
  X(zip_stat_init)                  \
  X(zip_strerror)
#define WARRANT_LIBZIP_POINTER(name) decltype(&::name) name = nullptr;
  WARRANT_LIBZIP_FUNCTIONS(WARRANT_LIBZIP_POINTER)
#undef WARRANT_LIBZIP_POINTER
  std::string error;  // why it could not be loaded; empty when it was
};

const Libzip& LoadLibzip() {
  static const Libzip libzip = [] {
    Libzip z;
    // The runtime library's name (libzip4), then the development link, should a build have
    // another major version.
    void* library = nullptr;
    std::string first_reason;  // the runtime library's: it says why an installed one fails
    for (const char* name : {"libzip.so.4", "libzip.so"}) {
      if ((library = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr)
        break;
      const char* why = dlerror();
      if (first_reason.empty())
        first_reason = why != nullptr ? why : "not found";
    }
    if (library == nullptr) {
      z.error =
          fmt::format("libzip cannot be loaded ({}): install the libzip4 package", first_reason);
      return z;
    }
#define WARRANT_LIBZIP_SYMBOL(name)                                    \
  z.name = reinterpret_cast<decltype(&::name)>(dlsym(library, #name)); \
  if (z.name == nullptr && z.error.empty())                            \
    z.error = "libzip lacks " #name;
    WARRANT_LIBZIP_FUNCTIONS(WARRANT_LIBZIP_SYMBOL)
#undef WARRANT_LIBZIP_SYMBOL
    return z;  // the library stays loaded for the life of the process
  }();
  return libzip;
}

}  // namespace

struct ZipArchive::Handle {
  zip_t* zip = nullptr;

  ~Handle() {
    if (zip != nullptr)
      LoadLibzip().zip_discard(zip);  // opened read-only: nothing to write back
  }
};

ZipArchive::ZipArchive(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

ZipArchive::~ZipArchive() = default;

std::unique_ptr<ZipArchive> ZipArchive::Open(const std::string& path, std::string& error) {
  int code = 0;
  auto handle = std::make_unique<Handle>();
  const Libzip& z = LoadLibzip();
  if (!z.error.empty()) {
    error = z.error;
    return nullptr;
  }
  handle->zip = z.zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (handle->zip == nullptr) {
    zip_error_t reason;
    z.zip_error_init_with_code(&reason, code);
    error = z.zip_error_strerror(&reason);
    z.zip_error_fini(&reason);
    return nullptr;
  }
  std::unique_ptr<ZipArchive> archive(new ZipArchive(std::move(handle)));
  const zip_int64_t count = z.zip_get_num_entries(archive->handle_->zip, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    z.zip_stat_init(&stat);
    if (z.zip_stat_index(archive->handle_->zip, static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        (stat.valid & ZIP_STAT_NAME) == 0) {
      error = fmt::format("entry {}: {}", i + 1, z.zip_strerror(archive->handle_->zip));
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
  const Libzip& z = LoadLibzip();
  zip_file_t* file = z.zip_fopen_index(handle_->zip, index, 0);
  if (file == nullptr) {
    error = fmt::format("cannot open `{}`: {}", member.name, z.zip_strerror(handle_->zip));
    return false;
  }
  out.reserve(member.size);
  char buffer[1 << 16];
  bool ok = true;
  for (;;) {
    const zip_int64_t got = z.zip_fread(file, buffer, sizeof buffer);
    if (got < 0) {
      error = fmt::format("cannot read `{}`: {}", member.name, z.zip_file_strerror(file));
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
  z.zip_fclose(file);
  if (!ok)
    out.clear();
  return ok;
}

}  // namespace warrant
