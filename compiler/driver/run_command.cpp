// `warrant run`: decide every claim of an NDJSON stream, in input order, on N threads.
//
// Plain NDJSON (a file or standard input) without --history is read in chunks (a file is mapped)
// that the workers split and decide themselves (run_chunks.h). This file keeps the line batches,
// for the inputs that need them:
// - An X12 837 or FHIR input is converted claim by claim as it is decided
//   (runtime/formats/claim_input.h): each claim goes through the batches the moment its reader
//   gives it, carrying where it is in the input so a record error names it. No converted claim
//   outlives its batch, and the reader converts while the workers decide (with -j 1 too: one
//   worker thread beside the reader).
// - With --history a claim may read any earlier claim of its patient: the claims are decided one
//   after another, in input order, a batch read ahead so the store reads its patients together.
//
// The main thread reads lines into batches; workers (each with its own Session) decide a batch
// into its own output buffer; batches are written strictly in input order, so the output is
// byte-identical whatever -j is, and the bytes the chunks write for the same NDJSON. A malformed
// line yields its error record in place and a message on stderr; nothing else is lost.
// With --output-format=fhir each claim's decision records (or its error record) are rewritten as
// one FHIR R4 ClaimResponse (runtime/formats/fhir_response.h) before they join the batch's output.
//
// Memory is bounded in bytes, not lines: a batch closes at kBatchLines lines or kBatchBytes of
// input, a line over the record limit is refused without being copied, at most 2 * N batches are
// in flight, and no batch (nor one claim of many lines and findings) holds more than about
// kSpillBytes of output: past it the worker waits until every earlier batch is written, then
// writes what it has (a spill) and goes on.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "compiler/driver/claims_input.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/file_io.h"
#include "compiler/driver/record_message.h"
#include "compiler/driver/run_chunks.h"
#include "compiler/driver/run_claim.h"
#include "compiler/driver/terminal.h"
#include "runtime/core/text.h"
#include "runtime/engine/engine.h"
#include "runtime/formats/claim_input.h"
#include "runtime/history/sqlite_history.h"
#include "runtime/records/mapped_file.h"
#include "runtime/records/ndjson.h"
#include "runtime/records/record_json.h"

namespace warrant::driver {
namespace {

constexpr size_t kBatchLines = 1024;
constexpr size_t kBatchBytes = size_t{1} << 20;  // input text per batch (one record may exceed it)

struct Batch {
  uint64_t seq = 0;               // the batch's place in the output
  std::string text;               // the lines, each followed by kJsonPadding bytes
  std::vector<size_t> ends;       // end offset of each line in `text` (its padding follows)
  std::vector<uint64_t> numbers;  // 1-based input line numbers
  std::vector<bool> too_large;    // over the record limit: refused, its text not kept
  // Each line's claim of an X12 or FHIR input (its json is in `text`), empty for NDJSON. Only
  // the first ends.size() are the batch's: the rest are kept for their buffers.
  std::vector<ConvertedClaim> converted;
  std::string output;
  std::string messages;  // stderr text for malformed lines
  Counts counts;
  bool done = false;

  // Appends a line (and the claim it holds when converted) to the batch.
  void Add(const NdjsonLine& next, const ConvertedClaim* claim) {
    // A line over the record limit is refused whatever it holds: it is not copied.
    const bool over = next.truncated || next.text.size() > kMaxRecordBytes;
    if (!over)
      text.append(next.text);
    ends.push_back(text.size());
    text.append(kJsonPadding, ' ');  // what simdjson may read past the line's end
    numbers.push_back(next.number);
    too_large.push_back(over);
    if (claim) {
      // Copied into a kept slot (its buffers reused), without the json the text holds.
      const size_t i = ends.size() - 1;
      if (converted.size() <= i)
        converted.emplace_back();
      ConvertedClaim& kept = converted[i];
      kept.id = claim->id;
      kept.where = claim->where;
      kept.line = claim->line;
      kept.error = claim->error;
      kept.item_sequences = claim->item_sequences;
    }
  }

  bool Full() const { return ends.size() >= kBatchLines || text.size() >= kBatchBytes; }

  // Line `i` as read, its text in place (padded). `begin`: where it starts, from the line before.
  NdjsonLine Line(size_t i, size_t& begin) const {
    const NdjsonLine line{std::string_view(text.data() + begin, ends[i] - begin), numbers[i],
                          too_large[i]};
    begin = ends[i] + kJsonPadding;
    return line;
  }

  // The claim line `i` holds when the input is converted, else null.
  const ConvertedClaim* Converted(size_t i) const {
    return converted.empty() ? nullptr : &converted[i];
  }

  // Empty again for the next lines, keeping every buffer's capacity up to a few batches' worth
  // (one huge record should not pin its size in every spare batch).
  void Reset() {
    for (std::string* buffer : {&text, &output, &messages}) {
      buffer->clear();
      if (buffer->capacity() > 4 * kBatchBytes)
        std::string().swap(*buffer);
    }
    ends.clear();
    numbers.clear();
    too_large.clear();
    counts = Counts();
    done = false;
  }
};

// Decides one line into the batch's output, spilling through `spill` when it grows past
// kSpillBytes; a malformed line yields its error record in place and a message.
// `converted` is the line's claim when the input is X12 or FHIR (null for NDJSON).
void Process(Session& session, Evidence& evidence, const NdjsonLine& line,
             const ConvertedClaim* converted, const std::string& input_name, Batch& batch,
             const Session::Spill& spill, const FhirOutput& fhir) {
  RecordError error;
  if (DecideClaim(session, evidence, line, converted, batch.output, batch.counts, spill, fhir,
                  error))
    return;
  if (!session.history_failure().empty())
    return;  // the store failed: the run stops (RunRun), this claim undecided
  AppendErrorRecord(session, error, line.number, converted, fhir, batch.output);
  batch.counts.errors++;
  batch.messages += RecordErrorLine(input_name, line.number, error);
}

}  // namespace

int RunRun(const Options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  // Opening the output truncates it: naming the claims or the pack there would destroy them.
  for (const std::string& input : options.inputs) {
    if (!options.output.empty() && input != "-" && SameFile(options.output, input)) {
      err << fmt::format(
          "warrant run: `-o {}` names the input `{}`; writing there would empty it before it is "
          "read (write the decisions to another file)\n",
          options.output, input);
      return 2;
    }
  }
  if (options.fhir_output && options.explain) {
    err << "warrant run: --explain adds evidence to NDJSON decisions; a ClaimResponse "
           "(--output-format fhir) has no place for it (use one or the other)\n";
    return 2;
  }
  HistoryStatuses statuses;
  for (const std::string& assignment : options.history_status) {
    std::string problem;
    if (!statuses.Set(assignment, problem)) {
      err << "warrant run: --history-status: " << problem << '\n';
      return 2;
    }
  }
  if (!options.history_status.empty() && options.history.empty()) {
    err << "warrant run: --history-status says how decided lines are recorded in a history "
           "store; name one with --history FILE\n";
    return 2;
  }
  int status = 1;
  auto engine = LoadEngine(options.inputs[0], options, out, err, status);
  if (!engine)
    return status;
  // The whole run is one transaction: killed part way, it leaves the store as it was, and
  // running it again decides every claim as an uninterrupted run would.
  std::unique_ptr<SqliteHistory> store;
  if (!options.history.empty()) {
    std::string why;
    // How long to wait for another writer: WARRANT_HISTORY_BUSY_MS, else 10 s.
    int busy_ms = 10000;
    if (const char* wait = std::getenv("WARRANT_HISTORY_BUSY_MS"); wait && *wait)
      busy_ms = static_cast<int>(std::clamp(std::strtol(wait, nullptr, 10), 0L, 3600000L));
    store = SqliteHistory::Open(options.history, SqliteHistory::Mode::Write, why, busy_ms);
    if (!store || !store->Begin(why)) {
      err << "warrant run: " << why << '\n';
      return kExitIo;
    }
  }
  std::string history_failure;

  std::string input_name = options.inputs.size() > 1 ? options.inputs[1] : "-";
  InputFile file;
  std::istream* input = &in;
  uint64_t input_bytes = 0;
  if (input_name != "-") {
    std::string why;
    if (!file.Open(input_name, why)) {
      PrintPlain(err, diag::DiagCode::CannotReadFile, input_name, why);
      return kExitIo;
    }
    input = &file.stream();
    std::error_code ec;
    input_bytes = std::filesystem::file_size(input_name, ec);
    if (ec)
      input_bytes = 0;
  } else {
    input_name = "<stdin>";
  }
  OutputFile out_file;
  std::ostream* output = &out;
  const std::string output_name = options.output.empty() ? "<stdout>" : options.output;
  if (!options.output.empty()) {
    std::string why;
    if (!out_file.Open(options.output, why)) {
      PrintPlain(err, diag::DiagCode::CannotWrite, options.output, why);
      return kExitIo;
    }
    output = &out_file.stream();
  }

  auto start = std::chrono::steady_clock::now();
  Counts total;
  Writer writer(*output, err);

  FhirOutput fhir;
  if (options.fhir_output) {
    fhir.on = true;
    fhir.created = FhirCreated();
    fhir.pack = engine->pack_hash();
  }

  // Prepared once and shared by every thread.
  std::unique_ptr<Explainer> explainer;
  if (options.explain)
    explainer = std::make_unique<Explainer>(*engine);

  // Every format is read as a stream, X12 and FHIR converted as their claims are decided (a FHIR
  // document, and FHIR from standard input, are held whole: ClaimStream).
  SniffedInput sniffed(*input, options.input_format);
  std::vector<std::string> problems;  // an X12 or FHIR input's envelope or document errors
  const bool converting = sniffed.format() != InputFormat::Ndjson;
  SniffedClaimStream converting_input(sniffed, input == &in ? "" : input_name);
  // A progress bar only for a person watching a file being processed (as NDJSON: it counts the
  // bytes of the lines decided).
  Progress progress(err, options.progress && input_bytes > 0 && !converting && IsTerminal(err),
                    input_bytes);

  // NDJSON without a history store goes to the workers in chunks of the input (run_chunks.h);
  // the line batches below read X12 and FHIR, and feed a history store in input order.
  // WARRANT_RUN_READER=lines sends NDJSON through the line batches too, and =stream reads a file
  // in chunks instead of mapping it, so that tests can compare the readers' output byte for byte.
  const char* reader_choice = std::getenv("WARRANT_RUN_READER");
  const bool chunked =
      !store && !converting && !(reader_choice && std::string_view(reader_choice) == "lines");
  std::optional<NdjsonReader> reader;
  if (!chunked)
    reader.emplace(sniffed.stream());
  bool chunks_read_failed = false;
  std::string read_why;  // why reading failed, when the stream cannot say
  NdjsonLine line;
  std::map<std::string, uint64_t> ignored;  // every session's ignored fields, by path
  auto add_ignored = [&](const Session& session) {
    for (const auto& [path, count] : session.IgnoredFields())
      ignored[path] += count;
  };
  // A JSON array (a pretty-printed one spans many lines) is refused line by line as malformed
  // records, like any other bad line; say once, first, what the input should be instead.
  const bool any_line = !converting && !chunked && reader->Next(line);
  if (any_line && !line.truncated && StartsAsJsonArray(line.text))
    PrintPlain(err, diag::DiagCode::ClaimsNotNdjson, input_name);
  // Calls `each(line, converted)` for every line or converted claim in input order, until it
  // returns false. `converted` is the claim `line` holds, null for NDJSON.
  auto for_each_line = [&](auto&& each) {
    if (converting) {
      problems =
          ReadClaims(sniffed.format(), converting_input, input_name, [&](ConvertedClaim& claim) {
            const NdjsonLine converted_line{claim.json, claim.line,
                                            claim.json.size() > kMaxRecordBytes};
            return each(converted_line, &claim);
          });
      return;
    }
    if (any_line && !each(line, static_cast<ConvertedClaim*>(nullptr)))
      return;
    while (reader->Next(line)) {
      if (!each(line, static_cast<ConvertedClaim*>(nullptr)))
        return;
    }
  };
  // With a history store a claim may read the lines of any earlier one of its patient: claims
  // are decided one after another, in input order, whatever -j is. Otherwise a converted input
  // goes through the batches even with -j 1: its reader (this thread) converts the next claims
  // while the one worker decides the last ones.
  if (chunked) {
    const ChunkedRun run{*engine, explainer.get(), fhir, options.strict, options.jobs, input_name};
    // A named regular file is mapped rather than read: no copy out of the page cache, and no
    // thread waits for another's read (WARRANT_RUN_READER=stream reads it instead, for the tests).
    // The run decides the file as it was when mapped. One that shrinks under the run reads as
    // zeros past its new end (MappedFile) and fails the run, as a failed read does.
    MappedFile mapped;
    const bool map =
        input != &in && !(reader_choice && std::string_view(reader_choice) == "stream");
    total = RunChunks(run, sniffed.stream(), map && mapped.Map(file.fd()) ? &mapped : nullptr,
                      writer, progress, err, ignored, chunks_read_failed);
    switch (mapped.Check()) {
      case MappedFile::Change::None:
        break;
      case MappedFile::Change::Grew:
        err << fmt::format(
            "warrant run: `{}` grew while it was read: the lines added after the run started "
            "were not decided\n",
            input_name);
        break;
      case MappedFile::Change::Shrank:
        read_why = "the file shrank while it was read (another program truncated or rewrote it)";
        break;
      case MappedFile::Change::Unreadable:
        read_why = "part of it could not be read (an I/O error, or another program rewrote it)";
        break;
    }
  } else if (store) {
    // Lines are read two batches ahead of deciding them: the store reads a batch's patients
    // together (Prefetch) instead of one search per claim, and, given the next batch's, reads
    // those while this batch is decided. Claims are still decided one after another, in input
    // order.
    Session session(*engine);
    session.SetStrict(options.strict);
    session.SetDecodeAll(explainer != nullptr);  // --explain: evidence may show any field
    session.SetHistory(store.get(), &statuses);
    Evidence evidence(explainer.get());
    Batch current, ahead, batch;  // the lines to decide, the lines read after them; the output
    const Session::Spill spill = [&](std::string&) { writer.Write(batch.output, batch.messages); };
    // Each batch's patient ids, read from its lines' text (a hint); `next` is `ahead`'s.
    std::vector<std::string> patients, next;
    size_t patients_n = 0, next_n = 0;
    auto peek = [](const Batch& lines, std::vector<std::string>& ids) {
      ids.resize(std::max(ids.size(), lines.ends.size()));
      size_t n = 0, begin = 0;
      for (size_t i = 0; i < lines.ends.size(); ++i) {
        const NdjsonLine text = lines.Line(i, begin);
        if (!text.truncated && PeekPatientId(text.text, ids[n]))
          ++n;
      }
      return n;
    };
    patients_n = peek(current, patients);
    // Decides `current`, whose patients are `patients`; `ahead` holds the lines after it.
    auto decide_current = [&] {
      next_n = peek(ahead, next);
      std::string why;
      if (!store->PrefetchWithNext(std::span(patients.data(), patients_n),
                                   std::span(next.data(), next_n), why)) {
        history_failure = why;
        return false;
      }
      size_t begin = 0;
      for (size_t i = 0; i < current.ends.size(); ++i) {
        Process(session, evidence, current.Line(i, begin), current.Converted(i), input_name, batch,
                spill, fhir);
        if (!session.history_failure().empty()) {
          history_failure = session.history_failure();
          return false;
        }
        if (batch.output.size() > kSpillBytes)
          writer.Write(batch.output, batch.messages);
        if (writer.failed())
          return false;
      }
      current.Reset();
      std::swap(current, ahead);
      std::swap(patients, next);
      patients_n = next_n;
      return true;
    };
    bool going = true;
    for_each_line([&](const NdjsonLine& read, const ConvertedClaim* converted) {
      ahead.Add(read, converted);
      progress.Advance(read.text.size() + 1, [&] {
        return fmt::format("{} claims", total.claims + batch.counts.claims);
      });
      if (ahead.Full()) {
        if (current.ends.empty()) {  // the first batch: read on
          std::swap(current, ahead);
          patients_n = peek(current, patients);
        } else {
          going = decide_current();
        }
      }
      return going;
    });
    while (going && !current.ends.empty())
      going = decide_current();
    if (going && !ahead.ends.empty()) {  // fewer lines than a batch in all
      std::swap(current, ahead);
      patients_n = peek(current, patients);
      going = decide_current();
    }
    writer.Write(batch.output, batch.messages);
    total.Add(batch.counts);
    add_ignored(session);
  } else if (options.jobs <= 1 && !converting) {
    Session session(*engine);
    session.SetStrict(options.strict);
    session.SetDecodeAll(explainer != nullptr);  // --explain: evidence may show any field
    Evidence evidence(explainer.get());
    Batch batch;
    const Session::Spill spill = [&](std::string&) { writer.Write(batch.output, batch.messages); };
    for_each_line([&](const NdjsonLine& next, const ConvertedClaim* converted) {
      Process(session, evidence, next, converted, input_name, batch, spill, fhir);
      progress.Advance(next.text.size() + 1, [&] {
        return fmt::format("{} claims", total.claims + batch.counts.claims);
      });
      if (batch.output.size() > kSpillBytes)
        writer.Write(batch.output, batch.messages);
      return !writer.failed();
    });
    writer.Write(batch.output, batch.messages);
    total.Add(batch.counts);
    add_ignored(session);
  } else {
    std::mutex mutex;
    std::condition_variable work_ready, progressed;  // progressed: a batch done, or written
    std::deque<Batch*> todo;
    bool closing = false;
    uint64_t written = 0;  // batches written whole, in order: the seq whose turn it is to write
    std::vector<std::thread> workers;
    // A worker whose batch outgrew kSpillBytes writes it once every earlier batch is written
    // (the main thread writes the rest when the batch is done, so the two never overlap).
    auto spill_when_turn = [&](Batch& batch) {
      {
        std::unique_lock lock(mutex);
        progressed.wait(lock, [&] { return written == batch.seq || writer.failed(); });
      }
      writer.Write(batch.output, batch.messages);
    };
    const int workers_wanted = std::max(options.jobs, 1);
    for (int w = 0; w < workers_wanted; ++w) {
      workers.emplace_back([&] {
        Session session(*engine);
        session.SetStrict(options.strict);
        session.SetDecodeAll(explainer != nullptr);  // --explain: evidence may show any field
        Evidence evidence(explainer.get());
        for (;;) {
          Batch* batch;
          {
            std::unique_lock lock(mutex);
            work_ready.wait(lock, [&] { return closing || !todo.empty(); });
            if (todo.empty()) {
              add_ignored(session);
              return;
            }
            batch = todo.front();
            todo.pop_front();
          }
          const Session::Spill spill = [&](std::string&) { spill_when_turn(*batch); };
          size_t begin = 0;
          for (size_t i = 0; i < batch->ends.size() && !writer.failed(); ++i) {
            // Padded in the batch: parsed in place, without a copy.
            const NdjsonLine in_place = batch->Line(i, begin);
            Process(session, evidence, in_place, batch->Converted(i), input_name, *batch, spill,
                    fhir);
            if (batch->output.size() > kSpillBytes)
              spill_when_turn(*batch);
          }
          {
            std::lock_guard lock(mutex);
            batch->done = true;
          }
          progressed.notify_all();
        }
      });
    }
    std::deque<std::unique_ptr<Batch>> inflight;
    // Written batches are reused: fresh ones would grow their buffers (and fault in new pages)
    // for every batch.
    std::vector<std::unique_ptr<Batch>> spare;
    auto flush_front = [&] {
      Batch* front = inflight.front().get();
      {
        std::unique_lock lock(mutex);
        progressed.wait(lock, [&] { return front->done; });
      }
      writer.Write(front->output, front->messages);
      total.Add(front->counts);
      {
        std::lock_guard lock(mutex);
        written = front->seq + 1;
      }
      progressed.notify_all();
      front->Reset();
      spare.push_back(std::move(inflight.front()));
      inflight.pop_front();
    };
    auto front_done = [&] {
      std::lock_guard lock(mutex);
      return !inflight.empty() && inflight.front()->done;
    };
    uint64_t next_seq = 0;
    auto current = std::make_unique<Batch>();
    auto submit = [&] {
      Batch* raw = current.get();
      raw->seq = next_seq++;
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
      // Write what is finished now rather than when the window is full, so a worker waiting to
      // spill is not kept waiting.
      while (inflight.size() > static_cast<size_t>(workers_wanted) * 2 || front_done())
        flush_front();
    };
    for_each_line([&](const NdjsonLine& next, const ConvertedClaim* converted) {
      current->Add(next, converted);
      progress.Advance(next.text.size() + 1,
                       [&] { return fmt::format("{} claims", total.claims); });
      if (current->Full())
        submit();
      return !writer.failed();
    });
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
  if (!history_failure.empty()) {
    // Nothing this run recorded is kept (the store rolls back as it closes).
    err << "warrant run: " << history_failure
        << "; the claims before it were decided, and the store is as it was before the run\n";
    return kExitIo;
  }
  std::string why;
  if (writer.failed() || !*output || !out_file.Close(why)) {
    PrintPlain(err, diag::DiagCode::CannotWrite, output_name,
               why.empty() ? WriteError(*output) : why);
    return kExitIo;
  }
  // Recorded only once the decisions are written.
  if (store && !store->Commit(why)) {
    err << "warrant run: " << why << '\n';
    return kExitIo;
  }
  const bool read_failed =
      (reader ? reader->failed() : chunks_read_failed) || ReadFailed(*input) || !read_why.empty();
  // Envelope and document errors: every claim before them is decided above.
  PrintInputProblems(err, problems);
  if (read_failed) {
    // What was read before the failure is decided and written; the rest of the input is not.
    PrintPlain(err, diag::DiagCode::CannotReadFile, input_name,
               read_why.empty() ? ReadError(*input) : read_why);
  }

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (total.errors > writer.messages_shown()) {
    err << fmt::format("... and {} more malformed records (see the error records in the output)\n",
                       total.errors - writer.messages_shown());
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
  if (!ignored.empty()) {
    // Fields no rule can read: a misspelt `modifiers` would otherwise decide silently.
    std::string list;
    for (const auto& [path, count] : ignored)
      list += fmt::format("{}{} \u00d7{}", list.empty() ? "" : ", ", path, count);
    err << fmt::format("warrant run: ignored fields: {} (--strict makes them record errors)\n",
                       TerminalText(list));
  }
  if (engine->terminology() == nullptr && UsesTerminology(engine->program())) {
    err << "warrant run: the pack has no terminology: billable() and exists() had no code-set "
           "version to answer from (build it with --terminology or a warrant.toml)\n";
  }
  if (read_failed)
    return kExitIo;
  if (!problems.empty())
    return 1;
  // Some malformed records among decided claims are the input's business (their error records
  // are in the output); a run that decided nothing from records it read failed.
  return total.claims == 0 && total.errors > 0 ? 1 : 0;
}

}  // namespace warrant::driver
