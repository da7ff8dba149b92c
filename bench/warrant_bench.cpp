// warrant_bench: the in-process measurements of bench/run (docs/performance.md).
//
//   warrant_bench eval   PACK NDJSON [--runs N] [--jobs J] [--trace off|null]
//       Decodes every record once into Claims (untimed, reported as decode_s), then times
//       Session::Decide over all of them: the evaluation cost alone, through the library API.
//       --trace null passes a TraceSink whose methods do nothing, to price the trace hooks.
//       --resident N decodes only N records taken evenly across the file, few enough for their
//       decoded Claims to stay in the CPU's caches, and decides them over and over, as many
//       decisions per pass as the whole file has records: the evaluator without the memory
//       traffic of 100,000 decoded claims (`warrant run` decides each claim just after decoding
//       it, while it is in cache).
//   warrant_bench floor  NDJSON [--runs N] [--jobs J]
//       Reads the file and parses every line with simdjson's DOM parser (parse_many, without its
//       stage-1 helper thread), evaluating nothing: what any JSON-in, JSON-out engine pays at
//       least.
//   warrant_bench dom    NDJSON [--runs N]
//       Loads the file into memory once (untimed), then times simdjson's DOM parser over it on one
//       thread (parse_many, its stage-1 helper thread off) visiting every value of every record:
//       a bare parse of the same bytes from memory, the floor the end-to-end target is set against.
//   warrant_bench decode PACK NDJSON [--runs N]
//       Times RecordDecoder alone over the file in memory (for profiling the decoder).
//
// Prints one JSON object per mode on stdout: {"mode", "jobs", "claims", "lines", "runs": [s...],
// "median_s", "claims_per_s", ...}. With --jobs J the claims (or the file) are split into J
// contiguous parts, one thread each; the time is the wall time of the slowest. Not part of the
// test suite; bench/run drives it.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "runtime/engine/engine.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"
#include "runtime/vm/trace.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string mode;
  std::string pack;
  std::string data;
  int runs = 5;
  int jobs = 1;
  bool null_trace = false;
  bool both_traces = false;  // --trace both: off and null passes interleaved
  size_t resident = 0;       // eval --resident N: N claims sampled across the file, repeated
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr
      << "warrant_bench: " << problem << "\n"
      << "usage: warrant_bench eval PACK NDJSON [--runs N] [--jobs J] [--trace off|null|both]\n"
      << "                         [--resident N]\n"
      << "       warrant_bench floor NDJSON [--runs N] [--jobs J]\n"
      << "       warrant_bench dom NDJSON [--runs N]\n"
      << "       warrant_bench decode PACK NDJSON [--runs N]\n";
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--runs") {
      a.runs = std::max(1, std::stoi(value()));
    } else if (arg == "--jobs" || arg == "-j") {
      a.jobs = std::max(1, std::stoi(value()));
    } else if (arg == "--resident") {
      a.resident = static_cast<size_t>(std::max(1, std::stoi(value())));
    } else if (arg == "--trace") {
      std::string t = value();
      if (t != "off" && t != "null" && t != "both")
        Usage("--trace is off, null or both");
      a.null_trace = t == "null";
      a.both_traces = t == "both";
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty())
    Usage("no mode");
  a.mode = positional[0];
  if (a.mode == "floor" || a.mode == "dom") {
    if (positional.size() != 2)
      Usage(a.mode + " takes NDJSON");
    a.data = positional[1];
  } else if (a.mode == "eval" || a.mode == "decode") {
    if (positional.size() != 3)
      Usage(a.mode + " takes PACK NDJSON");
    a.pack = positional[1];
    a.data = positional[2];
  } else {
    Usage("unknown mode " + a.mode);
  }
  return a;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "warrant_bench: cannot read " << path << "\n";
    std::exit(1);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The lines of an NDJSON text (no blank lines in the workload).
std::vector<std::string_view> Lines(const std::string& text) {
  std::vector<std::string_view> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos)
      end = text.size();
    if (end > begin)
      lines.emplace_back(text.data() + begin, end - begin);
    begin = end + 1;
  }
  return lines;
}

// Process CPU seconds (user + system, all threads): on a shared machine wall time also counts
// the time other processes held the cores.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs `part(j)` for j in [0, jobs) on `jobs` threads (the caller's thread is one of them).
template <typename F>
double TimeParallel(int jobs, F&& part) {
  auto start = Clock::now();
  if (jobs == 1) {
    part(0);
  } else {
    std::vector<std::thread> threads;
    for (int j = 1; j < jobs; ++j)
      threads.emplace_back([&, j] { part(j); });
    part(0);
    for (std::thread& t : threads)
      t.join();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Report(const Args& a, const std::string& mode, size_t claims, size_t lines,
            const std::vector<double>& runs, const std::vector<double>& cpu, std::string extra) {
  extra += ",\"cpu_runs\":[";
  for (size_t i = 0; i < cpu.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.6f", i ? "," : "", cpu[i]);
    extra += buf;
  }
  extra += "]";
  double median = Median(runs);
  std::string out = "{\"mode\":\"" + mode + "\",\"jobs\":" + std::to_string(a.jobs) +
                    ",\"claims\":" + std::to_string(claims) +
                    ",\"lines\":" + std::to_string(lines) + ",\"runs\":[";
  for (size_t i = 0; i < runs.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.6f", i ? "," : "", runs[i]);
    out += buf;
  }
  char tail[128];
  std::snprintf(tail, sizeof tail, "],\"median_s\":%.6f,\"claims_per_s\":%.1f", median,
                static_cast<double>(claims) / median);
  out += tail;
  out += extra;
  out += "}\n";
  std::cout << out << std::flush;
}

std::unique_ptr<warrant::Engine> LoadPack(const std::string& path) {
  std::string bytes = ReadFile(path);
  std::string error;
  auto engine = warrant::Engine::FromPack(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      &error);
  if (!engine) {
    std::cerr << "warrant_bench: " << path << ": " << error << "\n";
    std::exit(1);
  }
  return engine;
}

// Decodes every line; exits on a malformed record (the workload has none).
std::vector<warrant::Claim> DecodeAll(const warrant::Engine& engine,
                                      const std::vector<std::string_view>& lines) {
  warrant::RecordDecoder decoder(engine.program().schema);
  std::vector<warrant::Claim> claims(lines.size());
  warrant::RecordError error;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!decoder.Decode(lines[i], claims[i], error)) {
      std::cerr << "warrant_bench: record " << i + 1 << ": " << error.message << "\n";
      std::exit(1);
    }
  }
  return claims;
}

class NullTrace final : public warrant::TraceSink {
 public:
  void RuleStart(uint32_t, uint32_t) override {}

  void RuleEnd(uint32_t, bool) override {}

  void Condition(uint32_t, const warrant::Value&) override {}
};

int Eval(const Args& a) {
  auto engine = LoadPack(a.pack);
  std::string text = ReadFile(a.data);
  std::vector<std::string_view> lines = Lines(text);
  size_t repeat = 1;
  if (a.resident > 0 && a.resident < lines.size()) {
    std::vector<std::string_view> sample;
    for (size_t k = 0; k < a.resident; ++k)
      sample.push_back(lines[k * lines.size() / a.resident]);
    repeat = lines.size() / a.resident;
    lines = std::move(sample);
  }
  auto t0 = Clock::now();
  std::vector<warrant::Claim> claims = DecodeAll(*engine, lines);
  double decode_s = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t n_lines = 0;
  for (const warrant::Claim& c : claims)
    n_lines += c.lines.size();

  std::vector<std::unique_ptr<warrant::Session>> sessions;
  for (int j = 0; j < a.jobs; ++j)
    sessions.push_back(std::make_unique<warrant::Session>(*engine));
  // Per-thread tallies: they make the decisions observable (so nothing is optimised away) and
  // must be identical on every pass.
  std::vector<std::array<uint64_t, 6>> tally(static_cast<size_t>(a.jobs));
  NullTrace null_trace;
  bool use_null = a.null_trace;
  auto part = [&](int j) {
    size_t n = claims.size();
    size_t begin = n * static_cast<size_t>(j) / static_cast<size_t>(a.jobs);
    size_t end = n * static_cast<size_t>(j + 1) / static_cast<size_t>(a.jobs);
    warrant::Session& session = *sessions[static_cast<size_t>(j)];
    std::array<uint64_t, 6> counts{};
    warrant::TraceSink* trace = use_null ? &null_trace : nullptr;
    for (size_t rep = 0; rep < repeat; ++rep) {
      for (size_t i = begin; i < end; ++i) {
        session.Decide(claims[i], trace);
        for (const warrant::LineDecision& d : session.decision().lines)
          counts[static_cast<size_t>(d.decision)]++;
      }
    }
    tally[static_cast<size_t>(j)] = counts;
  };
  TimeParallel(a.jobs, part);  // warm-up
  std::array<uint64_t, 6> first{};
  for (const auto& t : tally)
    for (size_t k = 0; k < 6; ++k)
      first[k] += t[k];
  // With --trace both, passes alternate between no sink and the no-op sink, so both see the
  // same machine load.
  std::vector<bool> modes = {a.null_trace};
  if (a.both_traces)
    modes = {false, true};
  std::vector<std::vector<double>> runs(modes.size()), cpu(modes.size());
  for (int r = 0; r < a.runs; ++r) {
    for (size_t m = 0; m < modes.size(); ++m) {
      use_null = modes[m];
      double c0 = CpuSeconds();
      runs[m].push_back(TimeParallel(a.jobs, part));
      cpu[m].push_back(CpuSeconds() - c0);
      std::array<uint64_t, 6> sum{};
      for (const auto& t : tally)
        for (size_t k = 0; k < 6; ++k)
          sum[k] += t[k];
      if (sum != first) {
        std::cerr << "warrant_bench: decisions differ between passes\n";
        return 1;
      }
    }
  }
  for (size_t m = 0; m < modes.size(); ++m) {
    char extra[256];
    std::snprintf(
        extra, sizeof extra,
        ",\"trace\":\"%s\",\"decode_s\":%.6f,\"decisions\":{\"not_applicable\":%llu,"
        "\"covered\":%llu,\"pended\":%llu,\"bundled\":%llu,\"denied\":%llu,\"rejected\":%llu}",
        modes[m] ? "null" : "off", decode_s, static_cast<unsigned long long>(first[0]),
        static_cast<unsigned long long>(first[1]), static_cast<unsigned long long>(first[2]),
        static_cast<unsigned long long>(first[3]), static_cast<unsigned long long>(first[4]),
        static_cast<unsigned long long>(first[5]));
    // claims: the decisions made per pass (each resident claim `repeat` times).
    Report(a, modes[m] ? "eval-null-trace" : "eval", claims.size() * repeat, n_lines * repeat,
           runs[m], cpu[m], std::string(extra) + ",\"resident\":" + std::to_string(a.resident));
  }
  return 0;
}

// Runs `pass` once to warm up, then `a.runs` times, recording each run's wall and CPU seconds.
template <class Pass>
void TimePasses(const Args& a, Pass&& pass, std::vector<double>& runs, std::vector<double>& cpu) {
  pass();
  for (int r = 0; r < a.runs; ++r) {
    const double c0 = CpuSeconds();
    const auto start = Clock::now();
    pass();
    runs.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    cpu.push_back(CpuSeconds() - c0);
  }
}

// Parses the NDJSON documents in `size` bytes at `data` (readable padding after them) and calls
// `each` with each document's root; a simdjson error ends the program.
template <class Each>
void ForEachDocument(simdjson::dom::parser& parser, const char* data, size_t size, Each&& each) {
  simdjson::dom::document_stream stream;
  if (parser.parse_many(reinterpret_cast<const uint8_t*>(data), size, size_t{1} << 20)
          .get(stream)) {
    std::cerr << "warrant_bench: simdjson refused the input\n";
    std::exit(1);
  }
  for (auto doc : stream) {
    simdjson::dom::element e;
    if (doc.get(e)) {
      std::cerr << "warrant_bench: simdjson: " << simdjson::error_message(doc.error()) << "\n";
      std::exit(1);
    }
    each(e);
  }
}

int Decode(const Args& a) {
  auto engine = LoadPack(a.pack);
  std::string text = ReadFile(a.data);
  std::vector<std::string_view> lines = Lines(text);
  warrant::RecordDecoder decoder(engine->program().schema);
  warrant::Claim claim;
  warrant::RecordError error;
  size_t n_lines = 0;
  auto pass = [&] {
    n_lines = 0;
    for (std::string_view line : lines) {
      if (!decoder.Decode(line, claim, error)) {
        std::cerr << "warrant_bench: " << error.message << "\n";
        std::exit(1);
      }
      n_lines += claim.lines.size();
    }
  };
  std::vector<double> runs, cpu;
  TimePasses(a, pass, runs, cpu);
  Report(a, "decode", lines.size(), n_lines, runs, cpu, "");
  return 0;
}

int Floor(const Args& a) {
  size_t n_claims = 0;
  std::vector<size_t> docs(static_cast<size_t>(a.jobs));
  std::vector<simdjson::dom::parser> parsers(static_cast<size_t>(a.jobs));
#ifdef SIMDJSON_THREADS_ENABLED
  // parse_many would run stage 1 of the next batch on a second thread: one thread per part.
  for (simdjson::dom::parser& p : parsers)
    p.threaded = false;
#endif
  auto pass = [&] {
    // The file read is part of the floor: `warrant run` reads it too.
    simdjson::padded_string text;
    if (simdjson::padded_string::load(a.data).get(text)) {
      std::cerr << "warrant_bench: cannot read " << a.data << "\n";
      std::exit(1);
    }
    std::string_view all(text.data(), text.size());
    std::vector<size_t> cut = {0};
    for (int j = 1; j < a.jobs; ++j) {
      size_t at = all.find('\n', all.size() * static_cast<size_t>(j) / static_cast<size_t>(a.jobs));
      cut.push_back(at == std::string_view::npos ? all.size() : at + 1);
    }
    cut.push_back(all.size());
    return TimeParallel(a.jobs, [&](int j) {
      size_t begin = cut[static_cast<size_t>(j)], end = cut[static_cast<size_t>(j) + 1];
      size_t count = 0;
      // Parts after the first start at a line boundary inside the padded buffer, so the bytes
      // after `end` are readable.
      ForEachDocument(parsers[static_cast<size_t>(j)], all.data() + begin, end - begin,
                      [&](simdjson::dom::element) { ++count; });
      docs[static_cast<size_t>(j)] = count;
    });
  };
  std::vector<double> runs, cpu;
  TimePasses(a, pass, runs, cpu);
  for (size_t d : docs)
    n_claims += d;
  Report(a, "floor", n_claims, 0, runs, cpu, "");
  return 0;
}

// Visits every value under `e`; returns a count the compiler cannot drop (strings add their
// length, numbers and literals one).
size_t Visit(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array array;
      size_t n = 1;
      if (!e.get(array)) {
        for (simdjson::dom::element item : array)
          n += Visit(item);
      }
      return n;
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object object;
      size_t n = 1;
      if (!e.get(object)) {
        for (simdjson::dom::key_value_pair member : object)
          n += member.key.size() + Visit(member.value);
      }
      return n;
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view text;
      return e.get(text) ? 0 : text.size();
    }
    case simdjson::dom::element_type::INT64: {
      int64_t n = 0;
      return e.get(n) ? 0 : static_cast<size_t>(n & 1) + 1;
    }
    case simdjson::dom::element_type::UINT64: {
      uint64_t n = 0;
      return e.get(n) ? 0 : static_cast<size_t>(n & 1) + 1;
    }
    case simdjson::dom::element_type::DOUBLE: {
      double d = 0;
      return e.get(d) ? 0 : (d > 0 ? 2 : 1);
    }
    case simdjson::dom::element_type::BOOL: {
      bool b = false;
      return e.get(b) ? 0 : (b ? 2 : 1);
    }
    case simdjson::dom::element_type::NULL_VALUE:
      return 1;
  }
  return 0;
}

int Dom(const Args& a) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(a.data).get(text)) {
    std::cerr << "warrant_bench: cannot read " << a.data << "\n";
    std::exit(1);
  }
  simdjson::dom::parser parser;
#ifdef SIMDJSON_THREADS_ENABLED
  parser.threaded = false;
#endif
  size_t docs = 0, visited = 0;
  auto pass = [&] {
    docs = 0;
    visited = 0;
    ForEachDocument(parser, text.data(), text.size(), [&](simdjson::dom::element e) {
      visited += Visit(e);
      ++docs;
    });
  };
  std::vector<double> runs, cpu;
  TimePasses(a, pass, runs, cpu);
  Report(a, "dom", docs, 0, runs, cpu, ",\"visited\":" + std::to_string(visited));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = Parse(argc, argv);
  if (a.mode == "eval")
    return Eval(a);
  if (a.mode == "decode")
    return Decode(a);
  if (a.mode == "dom")
    return Dom(a);
  return Floor(a);
}
