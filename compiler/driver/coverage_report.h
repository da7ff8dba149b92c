// The coverage report of `warrant test --coverage`: text (per file, rule and requirement, with
// marks) or JSON (schema in docs/authoring.md), and the summary `--min-coverage` checks.
//
// A requirement is every condition the VM consumes: a rule's `applies to`, each `require`, each
// `when` and each `OUTCOME when`. Its true/false/unknown counts and the findings of its declared
// outcomes come from a CoverageSink (runtime/explain/coverage.h); this module maps sites to source
// lines and prints. Percentages are rounded down to one decimal, so a printed 95.0% really is >=
// 95%.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "compiler/driver/test_expect.h"
#include "runtime/explain/coverage.h"

namespace warrant::driver {

struct CoverageTotals {
  uint32_t requirements = 0;
  uint32_t seen_true = 0, seen_false = 0, seen_unknown = 0;
  uint32_t outcomes = 0, fired = 0;  // declared outcomes (`else`, direct, `if unknown`)
};

CoverageTotals Totals(const Program& program, const CoverageSink& coverage);

// "97.4%": n/d rounded down to one decimal; 100.0% when d is 0.
std::string Percent(uint32_t n, uint32_t d);
// n/d >= tenths/1000 exactly (tenths of a percent: 95% is 950).
bool AtLeast(uint32_t n, uint32_t d, uint32_t tenths);

// "requirement coverage: true 97.4% (75/77), false ...; outcomes 23/25"
std::string SummaryLine(const CoverageTotals& totals);

void PrintCoverageText(const Program& program, const ProgramSources& sources,
                       const CoverageSink& coverage, std::ostream& out);

// The JSON document (one line, then '\n') with the test counts.
std::string CoverageJson(const Program& program, const ProgramSources& sources,
                         const CoverageSink& coverage, size_t passed, size_t failed);

}  // namespace warrant::driver
