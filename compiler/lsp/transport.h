// The language server's framing over a byte stream: `Content-Length: N` headers, a blank line,
// then N bytes of JSON (the LSP base protocol). Nothing here parses the JSON.
//
// A frame whose header has no usable length is reported as Malformed and the reader looks for
// the next `Content-Length:` header, so garbage on the stream costs an error, not the session.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

namespace warrant::lsp {

// Larger messages are refused (their bytes are skipped).
inline constexpr size_t kMaxMessageBytes = size_t{64} << 20;

enum class ReadStatus : uint8_t {
  Message,    // `body` holds one message
  Malformed,  // a frame without a usable Content-Length (or too large); `problem` says why
  End,        // the stream ended
};

// Reads the next frame.
ReadStatus ReadMessage(std::istream& in, std::string& body, std::string& problem);

// Writes one frame and flushes.
void WriteMessage(std::ostream& out, std::string_view body);

// True when more bytes can be read from `in` without waiting.
bool InputPending(std::istream& in);

}  // namespace warrant::lsp
