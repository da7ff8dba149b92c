// Reading the members of a zip archive (libzip), as CMS publishes its code-set releases.
//
// Only what the terminology loader needs: list the members, read one into memory with a size cap.
// Nothing is extracted to disk, written or modified; every failure is a message, never a throw.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace warrant {

struct ZipMember {
  std::string name;   // as stored, e.g. "icd10cm_order_2026.txt" or "dir/file.txt"
  uint64_t size = 0;  // uncompressed bytes, as the archive states them
};

class ZipArchive {
 public:
  // Nullptr with `error` set (libzip's reason) when `path` cannot be opened as a zip archive.
  static std::unique_ptr<ZipArchive> Open(const std::string& path, std::string& error);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::vector<ZipMember>& members() const { return members_; }

  // Reads member `index` into `out`. False with `error` set when it cannot be read or holds more
  // than `max_bytes` (checked while inflating, whatever size the archive claims).
  bool Read(size_t index, uint64_t max_bytes, std::string& out, std::string& error) const;

 private:
  struct Handle;
  explicit ZipArchive(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
  std::vector<ZipMember> members_;
};

}  // namespace warrant
