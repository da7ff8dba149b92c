// Finding and loading the terminology a pack is built with: `--terminology PATH` arguments.
//
// A path may be a `.wterm` file (written by `warrant terminology import`), a CMS release file
// recognised by its name — `icd10cm_order_YYYY.txt` (ICD-10-CM fiscal year YYYY),
// `HCPCYYYY_*ANWEB*.txt` (HCPCS Level II, calendar year YYYY), `place_of_service*.csv` — a
// `.zip` as CMS publishes it (its members recognised by those names are read in place), or a
// directory, whose recognised files are loaded in name order; a zip member that the directory also
// holds extracted is read from the extracted file only. This module reads files; the lookups
// themselves are in runtime/terminology/terminology.h.
#pragma once

#include <string>
#include <vector>

#include "runtime/terminology/terminology.h"

namespace warrant::frontend {

// Adds every version found under `paths` to `out`. False with `error` naming the file (and
// line) on the first problem.
bool LoadTerminology(const std::vector<std::string>& paths, Terminology& out, std::string& error);

// The paths named by the WARRANT_TERMINOLOGY environment variable (colon-separated), if set.
std::vector<std::string> DefaultTerminologyPaths();

}  // namespace warrant::frontend
