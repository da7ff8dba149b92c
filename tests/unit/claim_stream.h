// A claims input for the readers' tests that is read as a stream, never as a whole text: the
// readers split it in chunks this small, so segments and lines straddle chunk boundaries.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/formats/claim_source.h"

namespace warrant::testing {

class ChunkedClaimStream final : public ClaimStream {
 public:
  ChunkedClaimStream(std::string text, bool reopens) : text_(std::move(text)), reopens_(reopens) {}

  std::istream* Open() override {
    if (opened_ && !reopens_)
      return nullptr;
    opened_ = true;
    streams_.push_back(std::make_unique<std::istringstream>(text_));
    return streams_.back().get();
  }

  bool Reopens() const override { return reopens_; }

  size_t ChunkBytes() const override { return 7; }  // X12 takes 256 at least

 private:
  std::string text_;
  bool reopens_;
  bool opened_ = false;
  std::vector<std::unique_ptr<std::istringstream>> streams_;  // every one given stays readable
};

}  // namespace warrant::testing
