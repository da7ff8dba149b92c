// ChunkRecords: the records one chunk of NDJSON decided, with the error records of its malformed
// lines still to be written. Their input line numbers need the count of the lines before the
// chunk, known only when the chunk's turn to be written comes (OrderedChunks). Shared by the
// library's DecideNdjson and `warrant run`'s chunk reader; it neither decides nor writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/records/record_json.h"

namespace warrant {

struct ChunkRecords {
  struct Malformed {
    size_t at = 0;      // where in `out` its error record goes
    uint64_t line = 0;  // 1-based within the chunk
    RecordError error;
  };

  std::string out;  // the decided records, in order
  std::vector<Malformed> malformed;

  void Clear() {
    out.clear();
    malformed.clear();
  }

  // The chunk's output in input order: piece(text) for each run of decided records, error(m)
  // for each malformed line between them.
  template <typename Piece, typename Error>
  void Replay(Piece&& piece, Error&& error) const {
    size_t from = 0;
    for (const Malformed& m : malformed) {
      if (m.at > from)
        piece(std::string_view(out).substr(from, m.at - from));
      error(m);
      from = m.at;
    }
    if (out.size() > from)
      piece(std::string_view(out).substr(from));
  }
};

}  // namespace warrant
