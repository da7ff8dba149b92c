#include "compiler/lsp/transport.h"

#include <cctype>
#include <charconv>

namespace warrant::lsp {
namespace {

constexpr std::string_view kLengthHeader = "content-length:";

// The header line's length value, if it is a Content-Length header (the name in any case; garbage
// before it on the line is ignored, so a frame lost in the middle of a line is found again).
bool ParseLength(std::string_view line, size_t& length, bool& valid) {
  std::string lower(line);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lower.find(kLengthHeader);
  if (at == std::string::npos)
    return false;
  std::string_view value = line.substr(at + kLengthHeader.size());
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
    value.remove_suffix(1);
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
  valid = ec == std::errc() && end == value.data() + value.size() && !value.empty();
  return true;
}

}  // namespace

ReadStatus ReadMessage(std::istream& in, std::string& body, std::string& problem) {
  body.clear();
  bool have_length = false, valid = false, any_header = false;
  size_t length = 0;
  std::string line;
  while (true) {
    if (!std::getline(in, line))
      return ReadStatus::End;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty()) {
      if (!any_header)
        continue;  // stray blank lines between frames
      break;
    }
    any_header = true;
    size_t value = 0;
    bool ok = false;
    if (ParseLength(line, value, ok)) {
      have_length = true;
      valid = ok;
      length = value;
    }
  }
  if (!have_length || !valid) {
    problem = have_length ? "the Content-Length header is not a number"
                          : "the message has no Content-Length header";
    return ReadStatus::Malformed;
  }
  if (length > kMaxMessageBytes) {
    in.ignore(static_cast<std::streamsize>(length));
    problem = "the message is larger than 64 MiB";
    return in ? ReadStatus::Malformed : ReadStatus::End;
  }
  body.resize(length);
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<size_t>(in.gcount()) != length)
    return ReadStatus::End;
  return ReadStatus::Message;
}

void WriteMessage(std::ostream& out, std::string_view body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

bool InputPending(std::istream& in) {
  std::streambuf* buffer = in.rdbuf();
  return buffer != nullptr && buffer->in_avail() > 0;
}

}  // namespace warrant::lsp
