// MappedFile: only a non-empty regular file is mapped (by path or by an open descriptor, from its
// start); a file that shrinks under its mapping reads as zeros past its new end instead of ending
// the process with SIGBUS, and Check says it shrank (or grew); a SIGBUS from a mapping it does not
// own, or one sent by kill, still ends the process as before.
#include "runtime/records/mapped_file.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant {
namespace {

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Waits for `child` and checks it was ended by SIGBUS: killed by it, or (a sanitizer's own SIGBUS
// handler, the one before ours, reports the signal and exits) exited with none of the codes the
// child uses to say it went on: `went_on`, and 0.
void CheckEndedBySigbus(pid_t child, std::initializer_list<int> went_on) {
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  if (WIFSIGNALED(status)) {
    CHECK(WTERMSIG(status) == SIGBUS);
    return;
  }
  const int code = WEXITSTATUS(status);
  CHECK(code != 0);
  for (int c : went_on)
    CHECK(code != c);
}

}  // namespace

TEST_CASE("Mapped file: only a non-empty regular file is mapped", "[mapped_file]") {
  test::ScratchDir dir("mapped");
  WriteFile(dir.File("empty"), "");
  WriteFile(dir.File("one"), "{}");
  MappedFile file;
  CHECK_FALSE(file.Open(dir.File("missing")));
  CHECK_FALSE(file.Open(dir.File("empty")));
  CHECK_FALSE(file.Open(dir.path()));  // a directory
  CHECK_FALSE(file.mapped());
  REQUIRE(file.Open(dir.File("one")));
  CHECK(file.text() == "{}");
  file.Drop(0, 2);
  CHECK(file.text() == "{}");  // given back, read again from the file
  CHECK(file.Check() == MappedFile::Change::None);

  // By descriptor: from the file's start whatever the offset; the descriptor stays the caller's.
  const int fd = open(dir.File("one").c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(lseek(fd, 1, SEEK_SET) == 1);
  REQUIRE(file.Map(fd));
  CHECK(file.text() == "{}");
  REQUIRE(close(fd) == 0);
  CHECK(file.text() == "{}");
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  CHECK_FALSE(file.Map(pipe_fds[0]));
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  CHECK_FALSE(file.Map(-1));
}

TEST_CASE("Mapped file: a file that grows, or shrinks within its last page, is told by Check",
          "[mapped_file]") {
  test::ScratchDir dir("mapped");
  WriteFile(dir.File("f"), std::string(1000, 'a'));
  MappedFile file;
  REQUIRE(file.Open(dir.File("f")));
  std::ofstream(dir.File("f"), std::ios::binary | std::ios::app) << "more";
  CHECK(file.Check() == MappedFile::Change::Grew);
  CHECK(file.text() == std::string(1000, 'a'));  // the file as it was
  std::filesystem::resize_file(dir.File("f"), 900);
  CHECK(file.text()[950] == 0);  // the same page: zeros, no fault
  CHECK(file.Check() == MappedFile::Change::Shrank);
}

TEST_CASE("Mapped file: a file truncated under the mapping reads as zeros, marked truncated",
          "[mapped_file]") {
  test::ScratchDir dir("mapped");
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const std::string bytes(5 * page + 100, 'a');
  WriteFile(dir.File("shrinks"), bytes);
  WriteFile(dir.File("stays"), bytes);
  MappedFile shrinks, stays;
  REQUIRE(shrinks.Open(dir.File("shrinks")));
  REQUIRE(stays.Open(dir.File("stays")));
  CHECK(shrinks.text()[3 * page] == 'a');  // faulted in before the truncation
  std::filesystem::resize_file(dir.File("shrinks"), page + 10);
  CHECK(shrinks.text()[page + 5] == 'a');  // still in the file
  CHECK(shrinks.text()[3 * page] == 0);    // past its end now: a zero, not SIGBUS
  CHECK(shrinks.Check() == MappedFile::Change::Shrank);
  CHECK(shrinks.text()[5 * page + 99] == 0);
  CHECK(stays.text() == bytes);
  CHECK(stays.Check() == MappedFile::Change::None);
  // Cut and grown back past its old size: the lost pages are zeros, and Check says so.
  std::filesystem::resize_file(dir.File("shrinks"), 9 * page);
  CHECK(shrinks.Check() == MappedFile::Change::Unreadable);
  // A mapping made after another's fault starts clean in the entry the first one freed.
  shrinks.Drop(0, shrinks.text().size());
  REQUIRE(shrinks.Open(dir.File("stays")));
  CHECK(shrinks.Check() == MappedFile::Change::None);
  CHECK(shrinks.text() == bytes);
}

TEST_CASE("Mapped file: a SIGBUS from a mapping it does not own still ends the process",
          "[mapped_file]") {
  test::ScratchDir dir("mapped");
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  WriteFile(dir.File("ours"), std::string(page, 'a'));
  WriteFile(dir.File("theirs"), std::string(4 * page, 'b'));
  MappedFile ours;
  REQUIRE(ours.Open(dir.File("ours")));  // the handler is installed
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int fd = open(dir.File("theirs").c_str(), O_RDWR);
    auto* p = static_cast<volatile char*>(mmap(nullptr, 4 * page, PROT_READ, MAP_SHARED, fd, 0));
    if (ftruncate(fd, 0) != 0)
      _exit(2);
    const char c = p[2 * page];  // SIGBUS: not a MappedFile's
    _exit(c == 0 ? 3 : 4);
  }
  CheckEndedBySigbus(child, {2, 3, 4});
}

TEST_CASE("Mapped file: a SIGBUS sent by kill still ends the process", "[mapped_file]") {
  test::ScratchDir dir("mapped");
  WriteFile(dir.File("ours"), "{}");
  MappedFile ours;
  REQUIRE(ours.Open(dir.File("ours")));  // the handler is installed
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    kill(getpid(), SIGBUS);
    _exit(5);
  }
  CheckEndedBySigbus(child, {5});
}

}  // namespace warrant
