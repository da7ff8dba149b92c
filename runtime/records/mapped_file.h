// MappedFile: a regular file's bytes mapped read-only into memory, for readers that would
// otherwise copy the whole input out of the page cache (`warrant run` over an NDJSON file).
//
// Only a regular, non-empty file the kernel will map is mapped: a pipe, a terminal, a file that
// reports no size (most of /proc) or one on a file system that refuses mmap is left to the
// caller's stream reader. Pages a reader is done with can be given back (Drop), so the resident
// size stays flat however long the file is; dropping a page that is still read only costs a fresh
// fault, never wrong bytes.
//
// A file another process truncates while it is mapped would end this one (SIGBUS on the pages
// past its new end). A process-wide SIGBUS handler, installed with the first mapping, puts zero
// pages in place of the lost ones instead and marks the mapping truncated(): its reader sees
// zeros, which no claim is made of, and the caller reports the file as unreadable. A fault outside
// every live mapping goes to the handler that was there before. It does not parse anything.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace warrant {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path`; false, with the mapping left empty, when it is not a file that can be mapped (or
  // kMaxMapped files are mapped already).
  bool Open(const std::string& path);

  std::string_view text() const { return {data_, size_}; }

  bool mapped() const { return data_ != nullptr; }

  // The file shrank while it was mapped: some of text() reads as zeros, not as the file's bytes.
  bool truncated() const;

  // Gives back the pages of [begin, end) of the file, the page `end` falls in excepted (unless it
  // is the file's end): consecutive ranges give back every page once.
  void Drop(size_t begin, size_t end) const;

  // Files mapped at once in a process.
  static constexpr size_t kMaxMapped = 16;

 private:
  void Close();

  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t guard_ = kMaxMapped;  // this mapping's entry in the SIGBUS handler's table
};

}  // namespace warrant
