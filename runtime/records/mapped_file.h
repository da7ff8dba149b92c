// MappedFile: a regular file's bytes mapped read-only into memory, for readers that would
// otherwise copy the whole input out of the page cache (`warrant run` over an NDJSON file).
//
// Only a regular, non-empty file the kernel will map is mapped: a pipe, a terminal, a device, a
// file that reports no size (most of /proc) or one on a file system that refuses mmap is left to
// the caller's stream reader. The mapping is the file as it was when mapped: lines appended later
// are not in it (Check says the file grew). Pages a reader is done with can be given back (Drop),
// so the resident size stays flat however long the file is; dropping a page that is still read
// only costs a fresh fault, never wrong bytes.
//
// A file another process truncates while it is mapped would end this one (SIGBUS on the pages
// past its new end), and so would a page the disk cannot give. A process-wide SIGBUS handler,
// installed with the first mapping, puts zero pages in place of such pages of its own mappings
// instead, and notes it: their reader sees zeros, which no claim is made of, and Check tells the
// caller the file shrank or could not be read. Any other SIGBUS (another mapping's, or one sent by
// kill) gets what it would have got without this handler. It does not parse anything.
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

  // Maps the file open on `fd` (from its start, whatever its offset); `fd` stays the caller's.
  // False, with nothing mapped, when it is not a file that can be mapped (or kMaxMapped files are
  // mapped already).
  bool Map(int fd);
  // The same for the file at `path`, which is opened only if it is a regular file.
  bool Open(const std::string& path);

  std::string_view text() const { return {data_, size_}; }

  bool mapped() const { return data_ != nullptr; }

  // What happened to the file since it was mapped, as far as it can be told now.
  enum class Change {
    None,
    Grew,        // longer now: the bytes past the mapping were not read
    Shrank,      // shorter now: the mapping reads zeros past the file's new end
    Unreadable,  // a page could not be read (an I/O error, or the file was cut and regrown)
  };
  Change Check() const;

  // Gives back the pages of [begin, end) of the file, the page `end` falls in excepted (unless it
  // is the file's end): consecutive ranges give back every page once.
  void Drop(size_t begin, size_t end) const;

  // Files mapped at once in a process.
  static constexpr size_t kMaxMapped = 16;

 private:
  void Close();

  const char* data_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1;                // a descriptor of its own, for Check
  size_t guard_ = kMaxMapped;  // this mapping's entry in the SIGBUS handler's table
};

}  // namespace warrant
