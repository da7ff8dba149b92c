// What the CLI does differently when a person watches: colour and progress bars.
//
// Both are for a terminal only: a stream counts as one when it is the process's std::cout or
// std::cerr and that file descriptor is a tty, so the golden tests (string streams) and anything
// piped or redirected get plain, deterministic text. Colour also honours NO_COLOR
// (https://no-color.org) and TERM=dumb. Nothing here decides what is printed, only how.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace warrant::driver {

// `stream` is std::cout or std::cerr and writes to a terminal.
bool IsTerminal(const std::ostream& stream);

// IsTerminal, and neither NO_COLOR (non-empty) nor TERM=dumb is set.
bool UseColor(const std::ostream& stream);

enum class Color : uint8_t { Red, Yellow, Green, Cyan, Bold };

// `text` wrapped in the escape sequences for `color` (and bold), or `text` itself when `enabled`
// is false.
std::string Paint(std::string_view text, Color color, bool enabled);

// A one-line progress bar redrawn in place on `err`: "[=====     ]  40% <note>". It draws only
// when enabled, not before `kDelay` has passed (quick runs stay silent), and at most every
// `kInterval`; Finish() erases it (a later Advance() draws it again). Advance() is cheap when
// nothing is drawn, so hot loops may call it for every item; `note` is called only when the bar is
// redrawn.
class Progress {
 public:
  static constexpr std::chrono::milliseconds kDelay{300};
  static constexpr std::chrono::milliseconds kInterval{200};

  // `total` units make 100% (0: the bar shows only the note).
  Progress(std::ostream& err, bool enabled, uint64_t total);

  // Starts counting again towards a new total (after the phases, the items).
  void Restart(uint64_t total) {
    total_ = total;
    done_ = 0;
  }

  ~Progress() { Finish(); }

  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  template <typename Note>
  void Advance(uint64_t units, Note&& note) {
    done_ += units;
    if (enabled_ && Due())
      Draw(note());
  }

  // Shows `note` (a phase: "checking") without advancing, if a redraw is due.
  void Phase(std::string_view note) {
    if (enabled_ && Due())
      Draw(note);
  }

  void Finish();

 private:
  bool Due();
  void Draw(std::string_view note);

  std::ostream& err_;
  bool enabled_;
  uint64_t total_;
  uint64_t done_ = 0;
  size_t drawn_width_ = 0;  // 0: nothing on the line
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace warrant::driver
