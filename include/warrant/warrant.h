// The public C++ API of Warrant: load a compiled rule pack, decide claims, explain decisions.
//
//   warrant::api::Engine engine = warrant::api::Engine::FromFile("rules.wpk");
//   warrant::api::Session session(engine);           // one per thread
//   std::string out;
//   session.Decide(R"({"id":"c1",...})", out);        // NDJSON decision records, as `warrant run`
//   std::string all = engine.DecideNdjson(text, 4);  // a batch on 4 threads, in input order
//
// This is the only header `cmake --install` ships. It includes nothing of the runtime's own
// headers (an Engine holds them behind a pointer), so the runtime can change its types without
// breaking or recompiling embedders. It does not compile criteria (that is the `warrant` CLI's
// job, and the Python package's `warrant.build`), read X12 or FHIR, or keep a history store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warrant::api {

// A failure with a stable code: R07xx for a malformed claim record (docs/diagnostics.md),
// E0001 for a file that cannot be read, E0005 for a pack that is corrupt or unsupported, and the
// compiler's E/W codes for criteria that do not compile.
class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}

  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

enum class ExplainFormat { Text, Json };

// A loaded, verified rule pack. Immutable and cheap to copy (copies share the pack); safe to use
// from any number of threads.
class Engine {
 public:
  // Verifies the pack before use; throws Error (E0005) if it is corrupt or unsupported.
  static Engine FromPack(std::span<const std::uint8_t> bytes);
  // Reads and loads a .wpk file; throws Error (E0001 or E0005).
  static Engine FromFile(const std::string& path);

  // The pack's hash ("sha256:..."), as every decision record carries it.
  const std::string& PackHash() const;

  // Decides every non-blank line of an NDJSON text on `jobs` threads (one Session each) and
  // returns the decision records in input order: the bytes `warrant run` writes for the same
  // input, error records for malformed lines included. Never throws for a bad line.
  // `errors`, when given, receives the number of malformed lines.
  std::string DecideNdjson(std::string_view ndjson, int jobs = 1,
                           std::uint64_t* errors = nullptr) const;
  // The same, handing the records to `write` piece by piece, in input order, instead of
  // building them whole (the Python package writes them straight into the bytes it returns).
  // The threads find the lines themselves, a chunk of the text each. `write` is called from
  // the deciding threads (the caller's among them), never two calls at once; an exception from
  // it stops the work and is rethrown here. Returns the number of malformed lines.
  std::uint64_t DecideNdjson(std::string_view ndjson, int jobs,
                             const std::function<void(std::string_view)>& write) const;

  struct Impl;

 private:
  explicit Engine(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  friend class Session;
  std::shared_ptr<const Impl> impl_;
};

// One thread's evaluator: reuses its buffers from claim to claim. Not thread-safe; create one per
// thread. Keeps its Engine's pack alive.
class Session {
 public:
  explicit Session(const Engine& engine);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Decides one claim (its JSON text) and appends one JSON object per claim line, each ending
  // in '\n', to `out`. Throws Error (R07xx) if the record is malformed; nothing is appended then.
  void Decide(std::string_view claim_json, std::string& out);

  // Decides one claim with a trace and returns its explanation: the text report of
  // `warrant explain`, or its JSON object (docs/explain.md). Throws Error (R07xx).
  std::string Explain(std::string_view claim_json, ExplainFormat format = ExplainFormat::Text);

  // With strict on, a claim field the schema does not declare is an error (R0717).
  void SetStrict(bool on);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace warrant::api
