#include "compiler/driver/terminal.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

namespace warrant::driver {

bool IsTerminal(const std::ostream& stream) {
  if (&stream == &std::cout)
    return ::isatty(1) != 0;
  if (&stream == &std::cerr)
    return ::isatty(2) != 0;
  return false;
}

bool UseColor(const std::ostream& stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0')
    return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb")
    return false;
  return IsTerminal(stream);
}

std::string Paint(std::string_view text, Color color, bool enabled) {
  if (!enabled)
    return std::string(text);
  std::string_view code;
  switch (color) {
    case Color::Red:
      code = "1;31";
      break;
    case Color::Yellow:
      code = "1;33";
      break;
    case Color::Green:
      code = "1;32";
      break;
    case Color::Cyan:
      code = "1;36";
      break;
    case Color::Bold:
      code = "1";
      break;
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

Progress::Progress(std::ostream& err, bool enabled, uint64_t total)
    : err_(err), enabled_(enabled), total_(total), start_(std::chrono::steady_clock::now()) {}

bool Progress::Due() {
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < kDelay || now - last_ < kInterval)
    return false;
  last_ = now;
  return true;
}

void Progress::Draw(std::string_view note) {
  constexpr int kWidth = 30;
  std::string line;
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kWidth);
    line =
        fmt::format("[{}{}] {:3.0f}% {}", std::string(static_cast<size_t>(filled), '='),
                    std::string(static_cast<size_t>(kWidth - filled), ' '), fraction * 100, note);
  } else {
    line = fmt::format("[{}] {}", std::string(kWidth, '.'), note);
  }
  // Pad over what the previous, longer line left behind.
  const size_t width = line.size();
  if (width < drawn_width_)
    line.append(drawn_width_ - width, ' ');
  err_ << '\r' << line << std::flush;
  drawn_width_ = std::max(width, drawn_width_);
}

void Progress::Finish() {
  if (drawn_width_ > 0)
    err_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
  drawn_width_ = 0;
}

}  // namespace warrant::driver
