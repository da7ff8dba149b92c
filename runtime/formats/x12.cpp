// The X12 837 reader: not written yet; every input is refused as a whole.
#include "runtime/formats/claim_source.h"

namespace warrant {

std::vector<std::string> ReadX12(std::string_view, std::string_view name, const ClaimSink&) {
  return {std::string(name) + ": this warrant cannot read X12 837 yet"};
}

}  // namespace warrant
