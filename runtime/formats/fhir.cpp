// The FHIR R4 reader: not written yet; every input is refused as a whole.
#include "runtime/formats/claim_source.h"

namespace warrant {

std::vector<std::string> ReadFhir(std::string_view, std::string_view name, const ClaimSink&) {
  return {std::string(name) + ": this warrant cannot read FHIR R4 yet"};
}

}  // namespace warrant
