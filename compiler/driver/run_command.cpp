// `warrant run`: decide every claim of an NDJSON stream, in input order, on N threads.
//
// The main thread reads lines into batches; workers (each with its own Session) decide a batch
// into its own output buffer; the main thread writes finished batches strictly in order, so the
// output is byte-identical whatever -j is. A malformed line yields its error record in place and
// a message on stderr; nothing else is lost.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/terminal.h"
#include "runtime/engine/engine.h"
#include "runtime/explain/explain.h"
#include "runtime/records/ndjson.h"

namespace warrant::driver {
namespace {

constexpr size_t kBatchLines = 1024;
constexpr size_t kMaxErrorMessages = 20;

struct Counts {
  uint64_t claims = 0;
  uint64_t lines = 0;
  uint64_t errors = 0;
  std::array<uint64_t, 6> decisions{};

  void Add(const Counts& o) {
    claims += o.claims;
    lines += o.lines;
    errors += o.errors;
    for (size_t i = 0; i < decisions.size(); ++i)
      decisions[i] += o.decisions[i];
  }
};

struct Batch {
  std::string text;               // the lines, each followed by kJsonPadding bytes
  std::vector<size_t> ends;       // end offset of each line in `text` (its padding follows)
  std::vector<uint64_t> numbers;  // 1-based input line numbers
  std::vector<bool> truncated;    // longer than the reader's line limit
  std::string output;
  std::string messages;  // stderr text for malformed lines
  Counts counts;
  bool done = false;

  // Empty again for the next lines, keeping every buffer's capacity.
  void Reset() {
    text.clear();
    ends.clear();
    numbers.clear();
    truncated.clear();
    output.clear();
    messages.clear();
    counts = Counts();
    done = false;
  }
};

// With --explain each worker keeps a recorder. A claim is first decided untraced; only one with
// findings is decided again under the recorder (decisions are deterministic, so the trace is of
// the same decision), and its explanation holds the findings' evidence only. Most lines have no
// finding, so batch runs pay little for the evidence.
struct Evidence {
  const Explainer* explainer = nullptr;  // null: no --explain
  TraceRecorder recorder;
};

// Decides one line into the batch's output. `in_place`, when given, is the same line as the
// reader yielded it (padded), so the decoder parses it without a copy.
void Process(Session& session, Evidence& evidence, std::string_view json, uint64_t number,
             const std::string& input_name, Batch& batch, const NdjsonLine* in_place = nullptr) {
  RecordError error;
  if (!(in_place ? session.Evaluate(*in_place, error) : session.Evaluate(json, error))) {
    session.AppendError(error, number, batch.output);
    batch.counts.errors++;
    batch.messages += fmt::format(
        "{}:{}: error[{}]: {}{}\n", input_name, number, RecordErrorId(error.code),
        error.claim_id.empty() ? "" : "claim `" + error.claim_id + "`: ", error.message);
    return;
  }
  if (evidence.explainer && !session.decision().findings.empty()) {
    evidence.recorder.Clear();
    session.Decide(session.claim(), &evidence.recorder);
    ExplainOptions evidence_only;
    evidence_only.steps = false;
    Explanation x = Explain(*evidence.explainer, session.claim(), session.decision(),
                            evidence.recorder.events(), evidence_only);
    EvidenceNotes notes(x);
    session.AppendDecisions(batch.output, &notes);
  } else {
    session.AppendDecisions(batch.output);
  }
  batch.counts.claims++;
  for (const LineDecision& line : session.decision().lines) {
    batch.counts.lines++;
    batch.counts.decisions[static_cast<size_t>(line.decision)]++;
  }
}

// A line over the reader's limit is refused whole, as a record that is too large.
void RefuseTooLarge(const Session& session, uint64_t number, const std::string& input_name,
                    Batch& batch) {
  RecordError error;
  error.code = RecordErrorCode::TooLarge;
  error.message = "the record is larger than the input line limit";
  session.AppendError(error, number, batch.output);
  batch.counts.errors++;
  batch.messages += fmt::format("{}:{}: error[{}]: {}\n", input_name, number,
                                RecordErrorId(error.code), error.message);
}

void ProcessBatch(Session& session, Evidence& evidence, const std::string& input_name,
                  Batch& batch) {
  size_t begin = 0;
  for (size_t i = 0; i < batch.ends.size(); ++i) {
    std::string_view json(batch.text.data() + begin, batch.ends[i] - begin);
    if (batch.truncated[i]) {
      RefuseTooLarge(session, batch.numbers[i], input_name, batch);
    } else {
      const NdjsonLine in_place{json, batch.numbers[i], false};  // padded: parsed without a copy
      Process(session, evidence, json, batch.numbers[i], input_name, batch, &in_place);
    }
    begin = batch.ends[i] + kJsonPadding;
  }
}

}  // namespace

int RunRun(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  auto engine = LoadEngine(options.inputs[0], options, out, err);
  if (!engine)
    return 1;

  std::string input_name = options.inputs.size() > 1 ? options.inputs[1] : "-";
  std::ifstream file;
  std::istream* input = &in;
  uint64_t input_bytes = 0;
  if (input_name != "-") {
    file.open(input_name, std::ios::binary);
    if (!file) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, input_name, std::strerror(errno));
      return 1;
    }
    input = &file;
    std::error_code ec;
    input_bytes = std::filesystem::file_size(input_name, ec);
    if (ec)
      input_bytes = 0;
  } else {
    input_name = "<stdin>";
  }
  std::ofstream out_file;
  std::ostream* output = &out;
  if (!options.output.empty()) {
    out_file.open(options.output, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.output, std::strerror(errno));
      return 1;
    }
    output = &out_file;
  }
  // A progress bar only for a person watching a file being processed.
  Progress progress(err, options.progress && input_bytes > 0 && IsTerminal(err), input_bytes);

  auto start = std::chrono::steady_clock::now();
  Counts total;
  size_t messages_shown = 0;
  auto write_batch = [&](Batch& batch) {
    output->write(batch.output.data(), static_cast<std::streamsize>(batch.output.size()));
    if (!batch.messages.empty()) {
      size_t pos = 0;
      while (pos < batch.messages.size() && messages_shown < kMaxErrorMessages) {
        size_t end = batch.messages.find('\n', pos);
        err << batch.messages.substr(pos, end - pos + 1);
        pos = end + 1;
        ++messages_shown;
      }
    }
    total.Add(batch.counts);
  };

  // Prepared once and shared by every thread.
  std::unique_ptr<Explainer> explainer;
  if (options.explain)
    explainer = std::make_unique<Explainer>(*engine);

  NdjsonReader reader(*input);
  NdjsonLine line;
  if (options.jobs <= 1) {
    Session session(*engine);
    Evidence evidence;
    evidence.explainer = explainer.get();
    Batch batch;
    while (reader.Next(line)) {
      if (line.truncated) {
        RefuseTooLarge(session, line.number, input_name, batch);
      } else {
        Process(session, evidence, line.text, line.number, input_name, batch, &line);
      }
      progress.Advance(line.text.size() + 1, [&] {
        return fmt::format("{} claims", total.claims + batch.counts.claims);
      });
      if (batch.output.size() > (1u << 20)) {
        write_batch(batch);
        batch.output.clear();  // keeps its capacity
        batch.messages.clear();
        batch.counts = Counts();
      }
    }
    write_batch(batch);
  } else {
    std::mutex mutex;
    std::condition_variable work_ready, batch_done;
    std::deque<Batch*> todo;
    bool closing = false;
    std::vector<std::thread> workers;
    for (int w = 0; w < options.jobs; ++w) {
      workers.emplace_back([&] {
        Session session(*engine);
        Evidence evidence;
        evidence.explainer = explainer.get();
        for (;;) {
          Batch* batch;
          {
            std::unique_lock lock(mutex);
            work_ready.wait(lock, [&] { return closing || !todo.empty(); });
            if (todo.empty())
              return;
            batch = todo.front();
            todo.pop_front();
          }
          ProcessBatch(session, evidence, input_name, *batch);
          {
            std::lock_guard lock(mutex);
            batch->done = true;
          }
          batch_done.notify_all();
        }
      });
    }
    std::deque<std::unique_ptr<Batch>> inflight;
    // Written batches are reused: fresh ones would grow their buffers (and fault in new pages)
    // for every 1,024 lines.
    std::vector<std::unique_ptr<Batch>> spare;
    auto flush_front = [&] {
      Batch* front = inflight.front().get();
      {
        std::unique_lock lock(mutex);
        batch_done.wait(lock, [&] { return front->done; });
      }
      write_batch(*front);
      front->Reset();
      spare.push_back(std::move(inflight.front()));
      inflight.pop_front();
    };
    auto current = std::make_unique<Batch>();
    auto submit = [&] {
      Batch* raw = current.get();
      inflight.push_back(std::move(current));
      {
        std::lock_guard lock(mutex);
        todo.push_back(raw);
      }
      work_ready.notify_one();
      if (spare.empty()) {
        current = std::make_unique<Batch>();
      } else {
        current = std::move(spare.back());
        spare.pop_back();
      }
      while (inflight.size() > static_cast<size_t>(options.jobs) * 2)
        flush_front();
    };
    while (reader.Next(line)) {
      if (!line.truncated)
        current->text.append(line.text);
      current->ends.push_back(current->text.size());
      current->text.append(kJsonPadding, ' ');  // what simdjson may read past the line's end
      current->numbers.push_back(line.number);
      current->truncated.push_back(line.truncated);
      progress.Advance(line.text.size() + 1,
                       [&] { return fmt::format("{} claims", total.claims); });
      if (current->ends.size() >= kBatchLines)
        submit();
    }
    if (!current->ends.empty())
      submit();
    while (!inflight.empty())
      flush_front();
    {
      std::lock_guard lock(mutex);
      closing = true;
    }
    work_ready.notify_all();
    for (std::thread& t : workers)
      t.join();
  }
  output->flush();
  progress.Finish();
  if (reader.failed())
    PrintPlain(err, diag::DiagCode::CannotReadFile, input_name, "a read failed");

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (total.errors > messages_shown) {
    err << fmt::format("... and {} more malformed records (see the error records in the output)\n",
                       total.errors - messages_shown);
  }
  err << fmt::format(
      "warrant run: {} claim{}, {} line{}: {} covered, {} denied, {} pended, {} bundled, {} "
      "rejected, "
      "{} not applicable; {} error{}; {:.0f} claims/s\n",
      total.claims, total.claims == 1 ? "" : "s", total.lines, total.lines == 1 ? "" : "s",
      total.decisions[static_cast<size_t>(Decision::Covered)],
      total.decisions[static_cast<size_t>(Decision::Denied)],
      total.decisions[static_cast<size_t>(Decision::Pended)],
      total.decisions[static_cast<size_t>(Decision::Bundled)],
      total.decisions[static_cast<size_t>(Decision::Rejected)],
      total.decisions[static_cast<size_t>(Decision::NotApplicable)], total.errors,
      total.errors == 1 ? "" : "s",
      seconds > 0 ? static_cast<double>(total.claims) / seconds : 0.0);
  if (engine->terminology() == nullptr && UsesTerminology(engine->program())) {
    err << "warrant run: the pack has no terminology: billable() and exists() had no code-set "
           "version to answer from (build it with --terminology or a warrant.toml)\n";
  }
  return 0;
}

}  // namespace warrant::driver
