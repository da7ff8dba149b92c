// The HTTP service's parts that need no socket (service/): the listen address, bearer tokens,
// the metrics text, and decide/explain replies against the engine's own output.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/engine/engine.h"
#include "service/auth.h"
#include "service/metrics.h"
#include "service/routes.h"
#include "service/serve.h"
#include "tests/unit/catch.h"
#include "tests/unit/scratch_dir.h"

namespace warrant::service {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPolicy = R"(policy "FOBT" version 1 "Screening FOBT"
  effective 2000-01-01
codeset fobt: hcpcs = [82270, G0328]
rule age_rule "Age 50" applies to line where line.code in fobt {
  require age >= 50 else deny age "age 50 or older"
}
)";

constexpr const char* kServiceClaim =
    R"({"id":"C1","patient":{"id":"P1","birth_date":"1990-01-01","sex":"F"},)"
    R"("service_date":"2025-03-10","diagnoses":["Z12.11"],)"
    R"("lines":[{"code":"G0328","units":1},{"code":"99213","units":1}]})";

std::shared_ptr<const Engine> CompileEngine() {
  return test::EngineOf(kPolicy);
}

TEST_CASE("service: --listen addresses", "[service]") {
  std::string host, problem;
  int port = -1;
  CHECK(ParseListen("127.0.0.1:8080", host, port, problem));
  CHECK((host == "127.0.0.1" && port == 8080));
  CHECK(ParseListen("[::1]:0", host, port, problem));
  CHECK((host == "::1" && port == 0));
  CHECK(ParseListen("0.0.0.0:65535", host, port, problem));
  for (const char* bad :
       {"8080", ":8080", "127.0.0.1:", "127.0.0.1:65536", "::1:80", "127.0.0.1:80x", "[::1:80"}) {
    INFO(bad);
    CHECK_FALSE(ParseListen(bad, host, port, problem));
    CHECK(problem.find("HOST:PORT") != std::string::npos);
  }
}

TEST_CASE("service: bearer tokens", "[service]") {
  const fs::path file = fs::temp_directory_path() / ("warrant_token_" + std::to_string(::getpid()));
  std::ofstream(file) << "  abc123  \nsecond line\n";
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  TokenDigest token{};
  std::string problem, warning;
  REQUIRE(LoadToken(file.string(), token, problem, warning));
  CHECK(warning.empty());
  CHECK(Authorized("Bearer abc123", token));
  CHECK(Authorized("bearer abc123", token));
  CHECK_FALSE(Authorized("Bearer abc1234", token));
  CHECK_FALSE(Authorized("Bearer abc12", token));
  CHECK_FALSE(Authorized("Bearer second line", token));
  CHECK_FALSE(Authorized("Basic abc123", token));
  CHECK_FALSE(Authorized("", token));
  fs::permissions(file, fs::perms::others_read, fs::perm_options::add);
  REQUIRE(LoadToken(file.string(), token, problem, warning));
  CHECK(warning.find("readable by others") != std::string::npos);
  std::ofstream(file) << "\n";
  CHECK_FALSE(LoadToken(file.string(), token, problem, warning));
  fs::remove(file);
  CHECK_FALSE(LoadToken(file.string(), token, problem, warning));
  CHECK(problem.find("cannot read") != std::string::npos);
}

TEST_CASE("service: metrics text", "[service]") {
  CHECK(RouteOf("/v1/decide") == Route::Decide);
  CHECK(RouteOf("/v1/decide/") == Route::Other);
  CHECK(RouteMethod(Route::Healthz) == "GET");
  Metrics metrics;
  metrics.CountRequest(Route::Decide, 200, 200'000);    // 0.2 ms
  metrics.CountRequest(Route::Decide, 200, 3'000'000);  // 3 ms
  metrics.CountRequest(Route::Other, 404, 10'000);
  metrics.CountDecision(Decision::Denied);
  metrics.CountReload(false);
  const std::string text = metrics.Render("sha256:ab");
  CHECK(text.find("warrant_http_requests_total{route=\"/v1/decide\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("warrant_http_requests_total{route=\"other\",status=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("warrant_http_request_duration_seconds_bucket{le=\"0.0001\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("warrant_http_request_duration_seconds_bucket{le=\"0.00025\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("warrant_http_request_duration_seconds_bucket{le=\"0.005\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("warrant_http_request_duration_seconds_count 3\n") != std::string::npos);
  CHECK(text.find("warrant_decisions_total{decision=\"denied\"} 1\n") != std::string::npos);
  CHECK(text.find("warrant_decisions_total{decision=\"covered\"} 0\n") != std::string::npos);
  CHECK(text.find("warrant_pack_reloads_total{result=\"error\"} 1\n") != std::string::npos);
  CHECK(text.find("warrant_pack_info{pack_hash=\"sha256:ab\"} 1\n") != std::string::npos);
}

TEST_CASE("service: decide and explain replies", "[service]") {
  std::shared_ptr<const Engine> engine = CompileEngine();
  Session session(*engine);
  RecordError error;
  REQUIRE(session.Evaluate(kServiceClaim, error));
  std::string records;
  session.AppendDecisions(records);

  Worker worker;
  Metrics metrics;
  Reply ndjson =
      Decide(engine, worker, kServiceClaim, "application/json", "application/x-ndjson", metrics);
  CHECK(ndjson.status == 200);
  CHECK(ndjson.content_type == "application/x-ndjson");
  CHECK(ndjson.body == records);
  Session* first = &worker.SessionFor(engine);

  Reply array = Decide(engine, worker, kServiceClaim, "", "", metrics);
  CHECK(array.status == 200);
  const size_t newline = records.find('\n');
  CHECK(array.body == "[" + records.substr(0, newline) + "," +
                          records.substr(newline + 1, records.size() - newline - 2) + "]\n");
  CHECK(&worker.SessionFor(engine) == first);  // reused while the pack stays
  const std::string text = metrics.Render("x");
  CHECK(text.find("warrant_decisions_total{decision=\"denied\"} 2\n") != std::string::npos);
  CHECK(text.find("warrant_decisions_total{decision=\"not_applicable\"} 2\n") != std::string::npos);

  Reply bad = Decide(engine, worker, R"({"id":"C2","lines":[)", "", "", metrics);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("\"code\":\"R0701\"") != std::string::npos);
  Reply wrong = Decide(engine, worker,
                       R"({"id":"C3","service_date":"2025-01-01","lines":[{"code":"G0328",)"
                       R"("units":"two"}]})",
                       "", "", metrics);
  CHECK(wrong.status == 400);
  CHECK(wrong.body.find("\"code\":\"R0703\"") != std::string::npos);
  CHECK(wrong.body.find("\"field\":\"lines[0].units\"") != std::string::npos);
  Reply x12 = Decide(engine, worker, "ISA*00*bad", "application/edi-x12", "", metrics);
  CHECK(x12.status == 400);
  CHECK(x12.body.find("\"code\":\"R0718\"") != std::string::npos);

  Reply json = Explain(engine, worker, kServiceClaim, "", "");
  CHECK(json.status == 200);
  CHECK(json.body.find("\"age_rule\"") != std::string::npos);
  Reply plain = Explain(engine, worker, kServiceClaim, "", "text/plain");
  CHECK(plain.content_type.rfind("text/plain", 0) == 0);
  CHECK(plain.body.find("age_rule") != std::string::npos);

  // A new pack: the worker makes a new session for it.
  std::shared_ptr<const Engine> other = CompileEngine();
  CHECK(Decide(other, worker, kServiceClaim, "", "application/x-ndjson", metrics).body == records);
}

}  // namespace
}  // namespace warrant::service
