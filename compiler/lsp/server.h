// `warrant lsp`: a Language Server Protocol server over a pair of streams (JSON-RPC 2.0).
//
// Serve() reads frames (transport.h) and hands each to a Server, which answers requests and
// tracks open documents (workspace.h). After a batch of messages, when no more input is waiting,
// the packs whose documents changed are analysed again and their diagnostics published, so a
// burst of keystrokes costs one analysis. Every handler runs under a catch-all: malformed JSON is
// answered with -32700, an unknown method with -32601, bad parameters with -32602 and any other
// failure with -32603; the session goes on. Single-threaded.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/lsp/json.h"
#include "compiler/lsp/workspace.h"
#include "runtime/terminology/terminology.h"

namespace warrant::lsp {

struct ServerOptions {
  std::vector<std::string> terminology;  // paths (frontend/terminology_files.h)
  std::string version;                   // reported as serverInfo.version
};

// JSON-RPC error codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;

class Server {
 public:
  // `terminology` may be nullptr (hover then shows no code descriptions).
  Server(std::ostream& out, std::ostream& log, const Terminology* terminology, std::string version);

  // One message's JSON text.
  void Handle(std::string_view body);
  // A frame that could not be read.
  void HandleMalformed(std::string_view problem);
  // Analyses the packs that changed since the last call and publishes their diagnostics.
  void Publish();
  // A message for the user (window/showMessage), e.g. a terminology that failed to load.
  void ShowMessage(int type, std::string_view message);

  bool exited() const { return exited_; }

  // The process exit code after `exit`: 0 when `shutdown` came first, 1 otherwise.
  int exit_code() const { return shut_down_ ? 0 : 1; }

 private:
  using Handler = Json (Server::*)(const Json& params);

  void Send(const Json& message);
  void Reply(const Json& id, Json result);
  void ReplyError(const Json& id, int code, std::string_view message);
  Json Dispatch(std::string_view method, const Json& params, bool& found);

  // Requests and notifications.
  Json Initialize(const Json& params);
  Json Shutdown(const Json& params);
  Json DidOpen(const Json& params);
  Json DidChange(const Json& params);
  Json DidClose(const Json& params);
  Json DidSave(const Json& params);
  Json DidChangeWatchedFiles(const Json& params);
  Json Hover(const Json& params);
  Json Definition(const Json& params);
  Json References(const Json& params);
  Json Completion(const Json& params);
  Json DocumentSymbol(const Json& params);
  Json Formatting(const Json& params);
  Json CodeAction(const Json& params);

  // The analysis of the document a request names and the document's file in it; nullptr when
  // the document is not open.
  struct Target {
    Analysis* analysis = nullptr;
    FileId fid = 0;
    const Document* document = nullptr;
  };

  Target Resolve(const Json& params);
  uint32_t OffsetIn(const Target& target, const Json& position) const;
  std::string UriFrom(const std::filesystem::path& path) const;

  std::ostream& out_;
  std::ostream& log_;
  std::string version_;
  Workspace workspace_;
  bool initialized_ = false;
  bool shut_down_ = false;
  bool exited_ = false;
  std::map<std::string, std::string> published_;  // URI -> the diagnostics last sent
};

// Runs a server on `in` and `out` until `exit` or the end of input; returns the exit code.
// `log` receives what the server cannot send to the client (standard error).
int Serve(std::istream& in, std::ostream& out, std::ostream& log, const ServerOptions& options);

}  // namespace warrant::lsp
