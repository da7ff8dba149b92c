// fhir_bench: FHIR R4 input against Warrant NDJSON on the same claims, in one process and run
// (docs/performance.md, "FHIR input"). Not part of the test suite.
//
//   fhir_bench PACK CLAIMS.fhir.ndjson CLAIMS.ndjson [--runs N] [--profile]
//
// CLAIMS.fhir.ndjson is bench/ndjson_to_fhir.py's conversion of CLAIMS.ndjson. Three passes,
// interleaved, each a median of N after a warm-up, each ending with the decisions appended to an
// output buffer (what `warrant run` writes), on one thread:
//   fhir      ReadFhir over the FHIR text, every converted record decoded and decided
//   same      the records ReadFhir produced, as NDJSON, decoded and decided: the same claim
//             content without the FHIR reading (FHIR carries no history or observations)
//   ndjson    CLAIMS.ndjson as the workload has it (with history and observations)
// --profile runs the fhir pass alone, N times (for perf record). Prints one JSON object: claims,
// the three medians, claims/s and the ratios fhir/same and fhir/ndjson of the rates (1.0 = as
// fast).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/formats/fhir.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "fhir_bench: cannot read " << path << "\n";
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Pass {
  size_t claims = 0;
  size_t errors = 0;
  size_t bytes = 0;  // decisions written
};

void Decide(warrant::Session& session, std::string_view json, std::string& out, Pass& p) {
  warrant::RecordError error;
  if (session.Evaluate(json, error)) {
    session.AppendDecisions(out);
    ++p.claims;
  } else {
    session.AppendError(error, 0, out);
    ++p.errors;
  }
}

Pass Ndjson(warrant::Session& session, std::string_view text, std::string& out) {
  Pass p;
  out.clear();
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty())
      Decide(session, line, out, p);
  }
  p.bytes = out.size();
  return p;
}

Pass Fhir(warrant::Session& session, std::string_view text, std::string& out) {
  Pass p;
  out.clear();
  warrant::ReadFhir(text, "bench", [&](warrant::ConvertedClaim& c) {
    if (c.error.empty())
      Decide(session, c.json, out, p);
    else
      ++p.errors;
    return true;
  });
  p.bytes = out.size();
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: fhir_bench PACK CLAIMS.fhir.ndjson CLAIMS.ndjson [--runs N]\n";
    return 2;
  }
  int runs = 5;
  bool profile = false;
  for (int i = 4; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc)
      runs = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--profile")
      profile = true;
  }
  const std::string pack = ReadFile(argv[1]);
  std::string why;
  auto engine = warrant::Engine::FromPack(
      std::span(reinterpret_cast<const uint8_t*>(pack.data()), pack.size()), &why);
  if (!engine) {
    std::cerr << "fhir_bench: " << why << "\n";
    return 2;
  }
  const std::string fhir = ReadFile(argv[2]);
  const std::string ndjson = ReadFile(argv[3]);
  std::string same;
  warrant::ReadFhir(fhir, "bench", [&](warrant::ConvertedClaim& c) {
    if (c.error.empty()) {
      same += c.json;
      same += '\n';
    }
    return true;
  });
  warrant::Session session(*engine);
  std::string out;
  if (profile) {
    size_t claims = 0;
    for (int r = 0; r < runs; ++r)
      claims += Fhir(session, fhir, out).claims;
    std::printf("{\"claims\":%zu}\n", claims);
    return 0;
  }
  std::vector<double> t_fhir, t_same, t_ndjson, ratios, ratios_ndjson;
  Pass pf, ps, pn;
  for (int r = -1; r < runs; ++r) {  // r = -1: warm-up
    auto t0 = Clock::now();
    pf = Fhir(session, fhir, out);
    auto t1 = Clock::now();
    ps = Ndjson(session, same, out);
    auto t2 = Clock::now();
    pn = Ndjson(session, ndjson, out);
    auto t3 = Clock::now();
    if (r < 0)
      continue;
    t_fhir.push_back(std::chrono::duration<double>(t1 - t0).count());
    t_same.push_back(std::chrono::duration<double>(t2 - t1).count());
    t_ndjson.push_back(std::chrono::duration<double>(t3 - t2).count());
    ratios.push_back(t_same.back() / t_fhir.back());
    ratios_ndjson.push_back(t_ndjson.back() / t_fhir.back());
  }
  const double f = Median(t_fhir), s = Median(t_same), n = Median(t_ndjson);
  std::printf(
      "{\"claims\":%zu,\"fhir_errors\":%zu,\"runs\":%d,\"fhir_bytes\":%zu,\"ndjson_bytes\":%zu,"
      "\"fhir_s\":%.4f,\"same_s\":%.4f,\"ndjson_s\":%.4f,\"fhir_claims_per_s\":%.0f,"
      "\"same_claims_per_s\":%.0f,\"ndjson_claims_per_s\":%.0f,\"fhir_vs_same\":%.3f,"
      "\"fhir_vs_ndjson\":%.3f,\"median_run_ratio_fhir_vs_same\":%.3f,"
      "\"median_run_ratio_fhir_vs_ndjson\":%.3f}\n",
      pf.claims, pf.errors, runs, fhir.size(), ndjson.size(), f, s, n, pf.claims / f, ps.claims / s,
      pn.claims / n, s / f, n / f, Median(ratios), Median(ratios_ndjson));
  return 0;
}
