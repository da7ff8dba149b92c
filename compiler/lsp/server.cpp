#include "compiler/lsp/server.h"

#include <exception>
#include <istream>
#include <ostream>

#include <fmt/format.h>

#include "compiler/frontend/terminology_files.h"
#include "compiler/lsp/features.h"
#include "compiler/lsp/transport.h"

namespace warrant::lsp {
namespace fs = std::filesystem;

Server::Server(std::ostream& out, std::ostream& log, const Terminology* terminology,
               std::string version)
    : out_(out), log_(log), version_(std::move(version)), workspace_(terminology) {}

void Server::Send(const Json& message) {
  WriteMessage(out_, Write(message));
}

void Server::Reply(const Json& id, Json result) {
  Send(Json::Object({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}));
}

void Server::ReplyError(const Json& id, int code, std::string_view message) {
  Send(Json::Object({{"jsonrpc", "2.0"},
                     {"id", id},
                     {"error", Json::Object({{"code", code}, {"message", message}})}}));
}

void Server::ShowMessage(int type, std::string_view message) {
  Send(Json::Object({{"jsonrpc", "2.0"},
                     {"method", "window/showMessage"},
                     {"params", Json::Object({{"type", type}, {"message", message}})}}));
}

void Server::HandleMalformed(std::string_view problem) {
  ReplyError(Json(), kParseError, fmt::format("unreadable message: {}", problem));
}

void Server::Handle(std::string_view body) {
  std::string error;
  std::optional<Json> message = ParseJson(body, error);
  if (!message) {
    ReplyError(Json(), kParseError, fmt::format("the message is not JSON: {}", error));
    return;
  }
  if (!message->is_object()) {
    ReplyError(Json(), kInvalidRequest, "a message must be a JSON object");
    return;
  }
  const Json& id = (*message)["id"];
  bool request = message->Has("id");
  if (request && !id.is_number() && !id.is_string() && !id.is_null()) {
    ReplyError(Json(), kInvalidRequest, "a request's `id` must be a number or a string");
    return;
  }
  const Json& method_json = (*message)["method"];
  if (!method_json.is_string()) {
    // A response to a request of ours (we send none) or something else: answer only requests.
    if (request && !message->Has("result") && !message->Has("error"))
      ReplyError(id, kInvalidRequest, "a request needs a `method`");
    return;
  }
  const std::string& method = method_json.String("method");
  const Json& params = (*message)["params"];
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ && method != "initialize") {
    if (request)
      ReplyError(id, kServerNotInitialized, "the server is not initialized");
    return;
  }
  if (shut_down_) {
    if (request)
      ReplyError(id, kInvalidRequest, "the server is shut down");
    return;
  }
  // Every handler runs under this catch-all: a failure answers one request, never ends the
  // session.
  try {
    bool found = false;
    Json result = Dispatch(method, params, found);
    if (!found) {
      if (request)
        ReplyError(id, kMethodNotFound, fmt::format("unknown method `{}`", method));
      return;
    }
    if (request)
      Reply(id, std::move(result));
  } catch (const JsonTypeError& e) {
    if (request)
      ReplyError(id, kInvalidParams, fmt::format("invalid params for `{}`: {}", method, e.what()));
    else
      log_ << "warrant lsp: invalid params for " << method << ": " << e.what() << '\n';
  } catch (const std::exception& e) {
    if (request)
      ReplyError(id, kInternalError, fmt::format("`{}` failed: {}", method, e.what()));
    else
      log_ << "warrant lsp: " << method << " failed: " << e.what() << '\n';
  } catch (...) {
    if (request)
      ReplyError(id, kInternalError, fmt::format("`{}` failed", method));
    else
      log_ << "warrant lsp: " << method << " failed\n";
  }
}

Json Server::Dispatch(std::string_view method, const Json& params, bool& found) {
  static const std::pair<std::string_view, Handler> kHandlers[] = {
      {"initialize", &Server::Initialize},
      {"shutdown", &Server::Shutdown},
      {"textDocument/didOpen", &Server::DidOpen},
      {"textDocument/didChange", &Server::DidChange},
      {"textDocument/didClose", &Server::DidClose},
      {"textDocument/didSave", &Server::DidSave},
      {"workspace/didChangeWatchedFiles", &Server::DidChangeWatchedFiles},
      {"textDocument/hover", &Server::Hover},
      {"textDocument/definition", &Server::Definition},
      {"textDocument/references", &Server::References},
      {"textDocument/completion", &Server::Completion},
      {"textDocument/documentSymbol", &Server::DocumentSymbol},
      {"textDocument/formatting", &Server::Formatting},
      {"textDocument/codeAction", &Server::CodeAction},
  };
  for (const auto& [name, handler] : kHandlers) {
    if (name == method) {
      found = true;
      return (this->*handler)(params);
    }
  }
  // Notifications the server has no use for (`initialized`, `$/cancelRequest`, settings).
  if (method == "initialized" || method.starts_with("$/") ||
      method == "workspace/didChangeConfiguration" ||
      method == "workspace/didChangeWorkspaceFolders") {
    found = true;
  }
  return Json();
}

// ---- Lifecycle ---------------------------------------------------------------------------------

Json Server::Initialize(const Json& params) {
  std::vector<fs::path> folders;
  if (params["workspaceFolders"].is_array()) {
    for (const Json& folder : params["workspaceFolders"].Items("workspaceFolders")) {
      if (auto path = PathOfUri(folder["uri"].String("workspaceFolders[].uri")))
        folders.push_back(*path);
    }
  } else if (params["rootUri"].is_string()) {
    if (auto path = PathOfUri(params["rootUri"].String("rootUri")))
      folders.push_back(*path);
  } else if (params["rootPath"].is_string()) {
    folders.emplace_back(params["rootPath"].String("rootPath"));
  }
  workspace_.SetFolders(folders);
  initialized_ = true;
  Json capabilities = Json::Object(
      {{"positionEncoding", "utf-16"},
       {"textDocumentSync", Json::Object({{"openClose", true},
                                          {"change", 2},  // incremental
                                          {"save", Json::Object({{"includeText", false}})}})},
       {"hoverProvider", true},
       {"definitionProvider", true},
       {"referencesProvider", true},
       {"completionProvider", Json::Object({{"triggerCharacters", Json::Array({"."})}})},
       {"documentSymbolProvider", true},
       {"documentFormattingProvider", true},
       {"codeActionProvider", Json::Object({{"codeActionKinds", Json::Array({"quickfix"})}})}});
  return Json::Object({{"capabilities", std::move(capabilities)},
                       {"serverInfo", Json::Object({{"name", "warrant"}, {"version", version_}})}});
}

Json Server::Shutdown(const Json&) {
  shut_down_ = true;
  return Json();
}

// ---- Documents ---------------------------------------------------------------------------------

Json Server::DidOpen(const Json& params) {
  const Json& doc = params["textDocument"];
  const std::string& uri = doc["uri"].String("textDocument.uri");
  int64_t version = doc["version"].is_null() ? 0 : doc["version"].Int("textDocument.version");
  if (!workspace_.Open(uri, version, doc["text"].String("textDocument.text")))
    log_ << "warrant lsp: not a local file: " << uri << '\n';
  return Json();
}

Json Server::DidChange(const Json& params) {
  const Json& doc = params["textDocument"];
  const std::string& uri = doc["uri"].String("textDocument.uri");
  Document* document = workspace_.Find(uri);
  if (!document)
    return Json();
  for (const Json& change : params["contentChanges"].Items("contentChanges")) {
    std::optional<Range> range;
    if (change.Has("range"))
      range = RangeFrom(change["range"]);
    document->Apply(range, change["text"].String("contentChanges[].text"));
  }
  if (!doc["version"].is_null())
    document->set_version(doc["version"].Int("textDocument.version"));
  workspace_.Touch(uri);
  return Json();
}

Json Server::DidClose(const Json& params) {
  workspace_.Close(params["textDocument"]["uri"].String("textDocument.uri"));
  return Json();
}

Json Server::DidSave(const Json&) {
  workspace_.TouchAll();  // files that import the saved one read it from the disk
  return Json();
}

Json Server::DidChangeWatchedFiles(const Json&) {
  workspace_.TouchAll();
  return Json();
}

std::string Server::UriFrom(const fs::path& path) const {
  return workspace_.UriOf(path);
}

void Server::Publish() {
  for (const fs::path& root : workspace_.Orphans()) {
    for (Workspace::Pack* pack : workspace_.Packs()) {
      if (pack->scope.root != root)
        continue;
      for (const std::string& uri : pack->published) {
        published_.erase(uri);
        Send(Json::Object(
            {{"jsonrpc", "2.0"},
             {"method", "textDocument/publishDiagnostics"},
             {"params", Json::Object({{"uri", uri}, {"diagnostics", Json::Array()}})}}));
      }
    }
    workspace_.Drop(root);
  }
  UriFor uri_for = [this](const fs::path& path) { return UriFrom(path); };
  for (Workspace::Pack* pack : workspace_.Packs()) {
    Analysis* analysis = nullptr;
    try {
      analysis = &workspace_.Analyzed(*pack);
    } catch (const std::exception& e) {
      log_ << "warrant lsp: analysing " << pack->scope.root << " failed: " << e.what() << '\n';
      pack->dirty = false;
      continue;
    }
    // A request may have brought the analysis up to date already; publish each one once.
    if (pack->published_generation == pack->generation)
      continue;
    pack->published_generation = pack->generation;
    std::set<std::string> now;
    for (const auto& [path, diags] : analysis->ByFile()) {
      std::string uri = UriFrom(path);
      now.insert(uri);
      Json list = Json::Array();
      for (const diag::Diagnostic* d : diags)
        list.Push(DiagnosticJson(*analysis, *d, uri_for));
      Json params = Json::Object({{"uri", uri}, {"diagnostics", std::move(list)}});
      const Document* document = workspace_.Find(uri);
      if (document)
        params.Set("version", document->version());
      std::string key = Write(params["diagnostics"]);
      // Open documents always hear about their new version; other files only of a change.
      std::string sent = key + (document ? fmt::format("@{}", document->version()) : "");
      auto it = published_.find(uri);
      if (it != published_.end() && it->second == sent)
        continue;
      published_[uri] = sent;
      Send(Json::Object({{"jsonrpc", "2.0"},
                         {"method", "textDocument/publishDiagnostics"},
                         {"params", std::move(params)}}));
    }
    // Files that left the pack (deleted, or no longer under an open file's directory).
    for (const std::string& uri : pack->published) {
      if (now.count(uri))
        continue;
      published_.erase(uri);
      Send(
          Json::Object({{"jsonrpc", "2.0"},
                        {"method", "textDocument/publishDiagnostics"},
                        {"params", Json::Object({{"uri", uri}, {"diagnostics", Json::Array()}})}}));
    }
    pack->published = std::move(now);
  }
}

// ---- Requests on a document --------------------------------------------------------------------

Server::Target Server::Resolve(const Json& params) {
  const std::string& uri = params["textDocument"]["uri"].String("textDocument.uri");
  Target target;
  target.document = workspace_.Find(uri);
  Workspace::Pack* pack = workspace_.PackOf(uri);
  std::optional<fs::path> path = workspace_.PathOf(uri);
  if (!target.document || !pack || !path)
    return Target{};
  Analysis& analysis = workspace_.Analyzed(*pack);
  std::optional<FileId> fid = analysis.FileOf(*path);
  if (!fid)
    return Target{};
  target.analysis = &analysis;
  target.fid = *fid;
  return target;
}

uint32_t Server::OffsetIn(const Target& target, const Json& position) const {
  LineIndex lines(target.analysis->sources.files.Get(target.fid).text());
  return lines.Offset(PositionFrom(position));
}

Json Server::Hover(const Json& params) {
  Target t = Resolve(params);
  if (!t.analysis)
    return Json();
  return lsp::Hover(*t.analysis, t.fid, OffsetIn(t, params["position"]));
}

Json Server::Definition(const Json& params) {
  Target t = Resolve(params);
  if (!t.analysis)
    return Json();
  UriFor uri_for = [this](const fs::path& path) { return UriFrom(path); };
  return lsp::Definition(*t.analysis, t.fid, OffsetIn(t, params["position"]), uri_for);
}

Json Server::References(const Json& params) {
  Target t = Resolve(params);
  if (!t.analysis)
    return Json::Array();
  bool declaration = params["context"]["includeDeclaration"].is_null()
                         ? true
                         : params["context"]["includeDeclaration"].Bool("includeDeclaration");
  UriFor uri_for = [this](const fs::path& path) { return UriFrom(path); };
  return lsp::References(*t.analysis, t.fid, OffsetIn(t, params["position"]), declaration, uri_for);
}

Json Server::Completion(const Json& params) {
  Target t = Resolve(params);
  if (!t.analysis)
    return Json::Array();
  return lsp::Completion(*t.analysis, t.fid, t.analysis->sources.files.Get(t.fid).text(),
                         OffsetIn(t, params["position"]));
}

Json Server::DocumentSymbol(const Json& params) {
  Target t = Resolve(params);
  if (!t.analysis)
    return Json::Array();
  return lsp::DocumentSymbols(*t.analysis, t.fid);
}

Json Server::Formatting(const Json& params) {
  const Document* document =
      workspace_.Find(params["textDocument"]["uri"].String("textDocument.uri"));
  if (!document)
    return Json::Array();
  return lsp::Formatting(document->text());
}

Json Server::CodeAction(const Json& params) {
  Target t = Resolve(params);
  if (!t.analysis)
    return Json::Array();
  UriFor uri_for = [this](const fs::path& path) { return UriFrom(path); };
  return lsp::CodeActions(*t.analysis, t.fid, RangeFrom(params["range"]), uri_for);
}

// ---- The loop ----------------------------------------------------------------------------------

int Serve(std::istream& in, std::ostream& out, std::ostream& log, const ServerOptions& options) {
  Terminology terminology;
  std::string terminology_error;
  bool have_terminology = false;
  if (!options.terminology.empty()) {
    have_terminology =
        frontend::LoadTerminology(options.terminology, terminology, terminology_error);
  }
  Server server(out, log, have_terminology ? &terminology : nullptr, options.version);
  if (!terminology_error.empty()) {
    log << "warrant lsp: cannot load the terminology: " << terminology_error << '\n';
  }
  bool warned = terminology_error.empty();
  std::string body, problem;
  while (!server.exited()) {
    ReadStatus status = ReadMessage(in, body, problem);
    if (status == ReadStatus::End)
      break;
    if (status == ReadStatus::Malformed) {
      server.HandleMalformed(problem);
      continue;
    }
    server.Handle(body);
    if (!warned) {
      server.ShowMessage(1, "warrant: cannot load the terminology: " + terminology_error);
      warned = true;
    }
    if (!server.exited() && !InputPending(in))
      server.Publish();
  }
  return server.exited() ? server.exit_code() : 1;
}

}  // namespace warrant::lsp
