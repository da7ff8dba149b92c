// DecideNdjsonText against the line splitting of `warrant run` (NdjsonReader, one Session, in
// order): the same bytes whatever the chunk size (lines straddling every boundary) and the
// number of threads, error records numbered by input line; a failing writer stops the work.
#include "runtime/engine/ndjson_text.h"

#include <sstream>
#include <stdexcept>

#include "runtime/records/ndjson.h"
#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant {
namespace {

constexpr const char* kPolicy = R"(policy "FOBT" version 1 "Screening FOBT"
  effective 2000-01-01
codeset fobt: hcpcs = [82270, G0328]
rule age_rule "Age 50" applies to line where line.code in fobt {
  require age >= 50 else deny age "age 50 or older"
}
)";

std::unique_ptr<Engine> MakeEngine() {
  return test::EngineOf(kPolicy);
}

// What `warrant run` writes: the stream split by NdjsonReader, each line decided in turn.
std::string AsRun(const Engine& engine, const std::string& text) {
  std::istringstream in(text);
  NdjsonReader reader(in);
  Session session(engine);
  NdjsonLine line;
  RecordError error;
  std::string out;
  while (reader.Next(line)) {
    if (session.Evaluate(line, error)) {
      session.AppendDecisions(out);
    } else {
      session.AppendError(error, line.number, out);
    }
  }
  return out;
}

std::string ClaimText(int i) {
  const char* code = i % 3 == 0 ? "82270" : "G0328";
  const int year = i % 2 == 0 ? 1950 : 1990;
  return "{\"id\":\"c" + std::to_string(i) + "\",\"patient\":{\"birth_date\":\"" +
         std::to_string(year) +
         "-01-01\"},\"service_date\":\"2024-05-01\",\"lines\":[{\"code\":\"" + code + "\"}" +
         (i % 4 == 0 ? ",{\"code\":\"99213\"}" : "") + "]}";
}

// A byte order mark, CRLF, blank and whitespace-only lines, malformed lines, no final newline.
std::string MixedInput() {
  std::string text = "\xEF\xBB\xBF" + ClaimText(0) + "\r\n\r\n";
  for (int i = 1; i < 40; ++i) {
    text += ClaimText(i);
    text += i % 5 == 0 ? "\r\n" : "\n";
    if (i % 7 == 0)
      text += " \t\n";
    if (i % 11 == 0)
      text += "{\"id\":\"bad" + std::to_string(i) + "\",\"lines\":3}\n";
    if (i % 13 == 0)
      text += "not json\n\n";
  }
  text += ClaimText(40);  // no newline
  return text;
}

std::string Decide(const Engine& engine, const std::string& text, int jobs, size_t chunk_bytes,
                   uint64_t* malformed = nullptr) {
  std::string out;
  const uint64_t bad = DecideNdjsonText(
      engine, text, jobs, [&](std::string_view piece) { out += piece; }, chunk_bytes);
  if (malformed)
    *malformed = bad;
  return out;
}

}  // namespace

TEST_CASE("NDJSON text: the same bytes as `run` for every chunk size and thread count",
          "[ndjson_text]") {
  auto engine = MakeEngine();
  const std::string text = MixedInput();
  const std::string expected = AsRun(*engine, text);
  REQUIRE(expected.find("\"input_line\":") != std::string::npos);
  REQUIRE(expected.find("\"claim\":\"c40\"") != std::string::npos);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{64}, size_t{150},
                       size_t{333}, size_t{4096}, kNdjsonChunkBytes}) {
    for (int jobs : {1, 2, 3, 8}) {
      INFO("chunk " << chunk << ", jobs " << jobs);
      uint64_t malformed = 0;
      CHECK(Decide(*engine, text, jobs, chunk, &malformed) == expected);
      CHECK(malformed == 6);  // 3 of `"lines":3` and 3 of `not json`
    }
  }
}

TEST_CASE("NDJSON text: empty and blank inputs write nothing", "[ndjson_text]") {
  auto engine = MakeEngine();
  for (const std::string text : {"", "\n", " \t\r\n\n", "\xEF\xBB\xBF\n"}) {
    for (int jobs : {1, 2}) {
      bool called = false;
      const uint64_t bad = DecideNdjsonText(
          *engine, text, jobs, [&](std::string_view) { called = true; }, 1);
      CHECK_FALSE(called);
      CHECK(bad == 0);
    }
  }
}

TEST_CASE(
    "NDJSON text: a line over the reader's 16 MiB is refused as `run` refuses it, blank or not",
    "[ndjson_text]") {
  auto engine = MakeEngine();
  const size_t over = NdjsonReader::kDefaultMaxLineBytes + 5;
  for (char fill : {' ', 'x'}) {
    const std::string text =
        ClaimText(1) + "\n" + std::string(over, fill) + "\n" + ClaimText(2) + "\n";
    const std::string expected = AsRun(*engine, text);
    INFO("fill '" << fill << "'");
    REQUIRE(expected.find("\"input_line\":2,") != std::string::npos);
    for (int jobs : {1, 2}) {
      uint64_t malformed = 0;
      CHECK(Decide(*engine, text, jobs, kNdjsonChunkBytes, &malformed) == expected);
      CHECK(malformed == 1);
    }
  }
}

TEST_CASE("NDJSON text: a malformed line is numbered after every line before its chunk",
          "[ndjson_text]") {
  auto engine = MakeEngine();
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += (i == 250 ? std::string("{broken") : ClaimText(i)) + (i % 9 == 0 ? "\n\n" : "\n");
  const std::string out = Decide(*engine, text, 3, 97);
  CHECK(out == AsRun(*engine, text));
  CHECK(out.find("\"input_line\":279,") != std::string::npos);  // 250 lines + 28 blank ones before
}

TEST_CASE("NDJSON text: an exception from the writer stops the work and is rethrown",
          "[ndjson_text]") {
  auto engine = MakeEngine();
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += ClaimText(i) + "\n";
  for (int jobs : {1, 2, 4}) {
    size_t calls = 0;
    auto failing = [&](std::string_view) {
      if (++calls == 3)
        throw std::runtime_error("disk full");
    };
    CHECK_THROWS_WITH(DecideNdjsonText(*engine, text, jobs, failing, 1000), "disk full");
    CHECK(calls == 3);
  }
}

}  // namespace warrant
