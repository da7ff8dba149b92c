// warrant_terminology_bench: how long terminology takes to load and to answer.
//
//   warrant_terminology_bench ICD10CM_ORDER_FILE [--runs N]
//
// Measures, each a median of N passes: importing the CMS order file (parsing the fixed-width
// text), serializing it to the compact .wterm form, reading the .wterm back (what loading a pack
// with embedded terminology does), and the two look-ups the VM makes — `billable(dx)` and
// `exists(code)` — over a shuffled mix of the file's own codes and codes it does not hold, in
// nanoseconds per look-up. Each look-up is one binary search over the version in force; the
// comparison row is a std::lower_bound over the same sorted codes, the floor for that search.
// Prints a table; built only on request (`--target warrant_terminology_bench`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "compiler/cms/term_import.h"
#include "runtime/core/code.h"
#include "runtime/core/date.h"
#include "runtime/terminology/terminology.h"
#include "runtime/terminology/terminology_serialize.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: warrant_terminology_bench ICD10CM_ORDER_FILE [--runs N]\n");
    return 2;
  }
  std::string path = argv[1];
  int runs = 5;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs")
      runs = std::max(1, std::atoi(argv[i + 1]));
  }
  // The fiscal year from the file name (icd10cm_order_2026.txt), as `terminology import` does.
  int32_t fy = 2026;
  size_t digits = path.find_last_of("0123456789");
  if (digits != std::string::npos && digits >= 3)
    fy = std::atoi(path.substr(digits - 3, 4).c_str());

  std::vector<double> import_s, serialize_s, load_s;
  warrant::Terminology terminology;
  std::vector<uint8_t> bytes;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    warrant::ImportResult imported = warrant::ImportIcd10cmOrderFile(path, fy);
    auto t1 = Clock::now();
    if (!imported.ok() || imported.versions.empty()) {
      std::fprintf(stderr, "%s", imported.ErrorText().c_str());
      return 1;
    }
    import_s.push_back(Seconds(t0, t1));
    warrant::Terminology t;
    if (auto problem = t.Add(std::move(imported.versions.front()))) {
      std::fprintf(stderr, "%s\n", problem->c_str());
      return 1;
    }
    auto t2 = Clock::now();
    bytes = warrant::SerializeTerminology(t);
    auto t3 = Clock::now();
    serialize_s.push_back(Seconds(t2, t3));
    auto t4 = Clock::now();
    warrant::TerminologyDecode decoded = warrant::DeserializeTerminology(bytes);
    auto t5 = Clock::now();
    if (!decoded.ok()) {
      std::fprintf(stderr, "%s\n", decoded.error.c_str());
      return 1;
    }
    load_s.push_back(Seconds(t4, t5));
    terminology = std::move(decoded.terminology);
  }

  // Look-ups on a date in the fiscal year: the file's codes and as many it does not hold.
  warrant::Day dos = *warrant::ParseDate(std::to_string(fy) + "-03-15");
  const warrant::CodeSystemVersion* version =
      terminology.VersionAt(warrant::CodeSystem::Icd10cm, dos);
  if (!version) {
    std::fprintf(stderr, "no version in force on %d-03-15\n", fy);
    return 1;
  }
  std::vector<uint64_t> probes(version->codes.begin(), version->codes.end());
  std::mt19937_64 rng(42);
  size_t known = probes.size();
  for (size_t i = 0; i < known; ++i) {
    uint64_t c = version->codes[i] + 1;  // mostly not a code the version holds
    probes.push_back(c);
  }
  std::shuffle(probes.begin(), probes.end(), rng);

  auto per_lookup = [&](auto&& f) {
    std::vector<double> ns;
    size_t sink = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = Clock::now();
      for (uint64_t c : probes)
        sink += f(c);
      auto t1 = Clock::now();
      ns.push_back(Seconds(t0, t1) * 1e9 / static_cast<double>(probes.size()));
    }
    if (sink == 42)
      std::puts("");  // keep the loop
    return Median(ns);
  };
  double billable_ns = per_lookup([&](uint64_t c) {
    std::optional<bool> b = terminology.Billable(c, dos);
    return b && *b ? 1 : 0;
  });
  double exists_ns = per_lookup([&](uint64_t c) { return terminology.Exists(c, dos) ? 1 : 0; });
  double floor_ns = per_lookup([&](uint64_t c) {
    return std::binary_search(version->codes.begin(), version->codes.end(), c) ? 1 : 0;
  });

  std::printf("terminology: %s (%zu codes, %zu bytes as .wterm), median of %d\n", path.c_str(),
              version->codes.size(), bytes.size(), runs);
  std::printf("| step | median |\n|---|---|\n");
  std::printf("| import the CMS order file | %.1f ms |\n", Median(import_s) * 1e3);
  std::printf("| serialize to .wterm | %.1f ms |\n", Median(serialize_s) * 1e3);
  std::printf("| load .wterm (as a pack load does) | %.1f ms |\n", Median(load_s) * 1e3);
  std::printf("| billable(dx), %zu look-ups | %.1f ns each |\n", probes.size(), billable_ns);
  std::printf("| exists(code) | %.1f ns each |\n", exists_ns);
  std::printf("| std::binary_search over the same codes (floor) | %.1f ns each |\n", floor_ns);
  return 0;
}
