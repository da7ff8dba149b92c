// The language server's parts: JSON, framing, positions and edits, URIs, and the server fed
// whole sessions (and garbage) in-process through Serve(). The scripted client over pipes is
// tests/lsp/test_lsp.py.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/lsp/document.h"
#include "compiler/lsp/json.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/transport.h"
#include "tests/unit/catch.h"

namespace warrant::lsp {
namespace {

namespace fs = std::filesystem;

std::string Frame(std::string_view body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Every message the server wrote, parsed.
std::vector<Json> Messages(const std::string& output) {
  std::istringstream in(output);
  std::vector<Json> out;
  std::string body, problem;
  while (ReadMessage(in, body, problem) == ReadStatus::Message) {
    std::string error;
    std::optional<Json> json = ParseJson(body, error);
    REQUIRE(json);
    out.push_back(std::move(*json));
  }
  return out;
}

const Json* ResponseTo(const std::vector<Json>& messages, int64_t id) {
  for (const Json& m : messages) {
    if (m["id"].is_number() && m["id"].Int("id") == id && !m.Has("method"))
      return &m;
  }
  return nullptr;
}

struct Session {
  std::string input;
  std::string output;
  std::string log;
  int exit_code = -1;

  void Send(std::string_view json) { input += Frame(json); }

  void Run() {
    std::istringstream in(input);
    std::ostringstream out, err;
    exit_code = Serve(in, out, err, ServerOptions{});
    output = out.str();
    log = err.str();
  }
};

TEST_CASE("lsp json: parse, read and write", "[lsp]") {
  std::string error;
  std::optional<Json> j = ParseJson(
      R"({"a": [1, -2, 2.5, "x\n\u00e9", true, null, {"b": {}}], "n": 12345678901})", error);
  REQUIRE(j);
  CHECK(Write(*j) == R"({"a":[1,-2,2.5,"x\né",true,null,{"b":{}}],"n":12345678901})");
  CHECK((*j)["a"].Items("a")[3].String("s") == "x\n\xC3\xA9");
  CHECK((*j)["n"].Int("n") == 12345678901);
  CHECK((*j)["missing"].is_null());
  CHECK((*j)["a"]["not an object"].is_null());
  CHECK_THROWS_AS((*j)["a"].String("a"), JsonTypeError);
  CHECK_THROWS_AS((*j)["a"].Items("a")[2].Int("a[2]"), JsonTypeError);
  CHECK_FALSE(ParseJson("{\"a\": ", error));
  CHECK_FALSE(ParseJson("", error));
  CHECK_FALSE(ParseJson("\xFF", error));
  Json built = Json::Object({{"z", 1}, {"a", "b"}});
  built.Set("z", 2).Set("c", Json::Array({nullptr, false}));
  CHECK(Write(built) == R"({"z":2,"a":"b","c":[null,false]})");
}

TEST_CASE("lsp transport: frames, garbage and the end", "[lsp]") {
  std::istringstream in(Frame("{}") + "content-length: 2\n\n[]" + "Content-Type: x\r\n\r\n" +
                        "Content-Length: nine\r\n\r\n" +
                        "junk before it Content-Length: 4\r\n\r\nnull" +
                        "Content-Length: 99\r\n\r\nab");
  std::string body, problem;
  CHECK(ReadMessage(in, body, problem) == ReadStatus::Message);
  CHECK(body == "{}");
  CHECK(ReadMessage(in, body, problem) == ReadStatus::Message);
  CHECK(body == "[]");
  CHECK(ReadMessage(in, body, problem) == ReadStatus::Malformed);
  CHECK(problem == "the message has no Content-Length header");
  CHECK(ReadMessage(in, body, problem) == ReadStatus::Malformed);
  CHECK(ReadMessage(in, body, problem) == ReadStatus::Message);
  CHECK(body == "null");
  CHECK(ReadMessage(in, body, problem) == ReadStatus::End);  // cut short
  std::ostringstream out;
  WriteMessage(out, "{\"a\":1}");
  CHECK(out.str() == "Content-Length: 7\r\n\r\n{\"a\":1}");
}

TEST_CASE("lsp positions: UTF-16 characters and byte offsets", "[lsp]") {
  // `é` is 2 bytes and 1 UTF-16 unit; U+1F600 is 4 bytes and 2 units.
  std::string text = "ab\n\xC3\xA9x\xF0\x9F\x98\x80y\nlast";
  LineIndex lines(text);
  CHECK(lines.Offset(Position{0, 1}) == 1);
  CHECK(lines.Offset(Position{1, 1}) == 5);    // after é
  CHECK(lines.Offset(Position{1, 2}) == 6);    // after x
  CHECK(lines.Offset(Position{1, 4}) == 10);   // after the emoji
  CHECK(lines.Offset(Position{1, 99}) == 11);  // the end of the line
  CHECK(lines.Offset(Position{9, 0}) == text.size());
  CHECK(lines.PositionOf(10).line == 1);
  CHECK(lines.PositionOf(10).character == 4);
  CHECK(lines.PositionOf(12).line == 2);
  CHECK(lines.PositionOf(12).character == 0);

  Document doc("file:///a.warrant", 1, text);
  doc.Apply(Range{Position{1, 2}, Position{1, 4}}, "Z");  // replaces the emoji
  CHECK(doc.text() == "ab\n\xC3\xA9xZy\nlast");
  doc.Apply(Range{Position{2, 4}, Position{2, 4}}, "!\n");
  CHECK(doc.text() == "ab\n\xC3\xA9xZy\nlast!\n");
  doc.Apply(std::nullopt, "all new");
  CHECK(doc.text() == "all new");
}

TEST_CASE("lsp uris", "[lsp]") {
  CHECK(PathOfUri("file:///tmp/a%20b/c.warrant") == fs::path("/tmp/a b/c.warrant"));
  CHECK(PathOfUri("file://localhost/x") == fs::path("/x"));
  CHECK_FALSE(PathOfUri("untitled:Untitled-1"));
  CHECK_FALSE(PathOfUri("file://elsewhere/x"));
  CHECK(UriOfPath("/tmp/a b/é.warrant") == "file:///tmp/a%20b/%C3%A9.warrant");
  CHECK(PathOfUri(UriOfPath("/tmp/a b/é.warrant")) == fs::path("/tmp/a b/é.warrant"));
}

TEST_CASE("lsp server: a session in-process", "[lsp]") {
  fs::path dir = fs::temp_directory_path() / "warrant_lsp_unit";
  fs::create_directories(dir);
  fs::path file = dir / "a.warrant";
  std::string text =
      "policy \"P\" version 1 \"t\" effective 2024-01-01\n"
      "rule r applies to line where line.code in [\"G0328\"] {\n"
      "  require age >= 45 else deny agee \"too young\"\n"
      "}\n";
  std::string uri = UriOfPath(file);
  // A Server directly, publishing after each message as Serve() does when the client waits.
  std::ostringstream out, err;
  Server server(out, err, nullptr, "test");
  Session s;
  s.Send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":")" + UriOfPath(dir) +
         R"("}})");
  s.Send(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")" +
         uri + R"(","version":3,"text":)" + Write(Json(text)) + "}}}");
  s.Send(
      R"({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":")" +
      uri + R"("},"position":{"line":2,"character":11}}})");
  s.Send(R"({"jsonrpc":"2.0","id":3,"method":"shutdown"})");
  s.Send(R"({"jsonrpc":"2.0","method":"exit"})");
  std::istringstream frames(s.input);
  std::string body, problem;
  while (ReadMessage(frames, body, problem) == ReadStatus::Message) {
    server.Handle(body);
    if (!server.exited())
      server.Publish();
  }
  CHECK(server.exited());
  CHECK(server.exit_code() == 0);
  std::vector<Json> messages = Messages(out.str());
  const Json* init = ResponseTo(messages, 1);
  REQUIRE(init);
  CHECK((*init)["result"]["serverInfo"]["name"].String("name") == "warrant");
  const Json* hover = ResponseTo(messages, 2);
  REQUIRE(hover);
  CHECK((*hover)["result"]["contents"]["value"].String("value").find("`age`: int") !=
        std::string::npos);
  // The diagnostics of the open document, with their code, help and version.
  bool published = false;
  for (const Json& m : messages) {
    if (m["method"].is_string() && m["method"].String("m") == "textDocument/publishDiagnostics") {
      CHECK(m["params"]["uri"].String("uri") == uri);
      CHECK(m["params"]["version"].Int("version") == 3);
      const auto& diags = m["params"]["diagnostics"].Items("diagnostics");
      REQUIRE(diags.size() == 1);
      CHECK(diags[0]["code"].String("code") == "E0205");
      CHECK(diags[0]["message"].String("message").find("help: did you mean `age`?") !=
            std::string::npos);
      published = true;
    }
  }
  CHECK(published);
  fs::remove_all(dir);
}

TEST_CASE("lsp server: errors answer one message and the session goes on", "[lsp]") {
  Session s;
  s.Send(R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}})");
  s.Send(R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{}})");
  s.Send(R"({"jsonrpc":"2.0","id":3,"method":"nope"})");
  s.Send(R"({"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":7}})");
  s.Send(R"({"jsonrpc":"2.0","id":5,"method":)");
  s.Send(R"({"jsonrpc":"2.0","id":[1],"method":"shutdown"})");
  s.Send(R"({"jsonrpc":"2.0","method":"nope/notification"})");
  s.input += "Content-Length: x\r\n\r\n";
  s.Send(R"({"jsonrpc":"2.0","id":6,"method":"shutdown"})");
  s.Run();
  CHECK(s.exit_code == 1);  // the input ended without `exit`
  std::vector<Json> messages = Messages(s.output);
  auto code = [&](int64_t id) {
    const Json* m = ResponseTo(messages, id);
    return m && m->Has("error") ? (*m)["error"]["code"].Int("code") : 0;
  };
  CHECK(code(1) == kServerNotInitialized);
  CHECK(code(2) == 0);
  CHECK(code(3) == kMethodNotFound);
  CHECK(code(4) == kInvalidParams);
  CHECK(code(6) == 0);
  int parse_errors = 0, invalid = 0;
  for (const Json& m : messages) {
    if (m.Has("id") && m["id"].is_null()) {
      int64_t c = m["error"]["code"].Int("code");
      parse_errors += c == kParseError ? 1 : 0;
      invalid += c == kInvalidRequest ? 1 : 0;
    }
  }
  CHECK(parse_errors == 2);  // the cut JSON and the bad Content-Length
  CHECK(invalid == 1);       // the array id
}

TEST_CASE("lsp server: garbage frames never end the session", "[lsp]") {
  std::mt19937 rng(7);
  Session s;
  s.Send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  const char* pieces[] = {"{",          "}",
                          "[",          "]",
                          "\"",         ":",
                          ",",          "\"id\"",
                          "\"method\"", "1",
                          "null",       "\"textDocument/hover\"",
                          "\"params\"", "\"position\"",
                          "\xFF",       "\n"};
  for (int i = 0; i < 500; ++i) {
    std::string body;
    int n = static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k)
      body += pieces[rng() % std::size(pieces)];
    if (rng() % 5 == 0) {
      s.input += "Content-Length: " + std::to_string(rng() % 50) + "\r\n\r\n" + body;
    } else {
      s.Send(body);
    }
  }
  // Resynchronise on the next header, whatever the garbage did to the framing.
  s.input += "\r\n\r\n";
  s.Send(R"({"jsonrpc":"2.0","id":77,"method":"shutdown"})");
  s.Send(R"({"jsonrpc":"2.0","method":"exit"})");
  s.Run();
  std::vector<Json> messages = Messages(s.output);
  CHECK(ResponseTo(messages, 77));
  CHECK(s.exit_code == 0);
}

TEST_CASE("lsp server: random edits of the examples, with requests everywhere", "[lsp]") {
  // Every analysis of a half-broken file, and every request on it, must answer (or fail with a
  // JSON-RPC error) without bringing the session down. Run under the sanitizers too.
  fs::path examples = fs::path(WARRANT_SOURCE_DIR) / "examples/medicare";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().extension() == ".warrant")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 3);
  std::mt19937 rng(11);
  std::ostringstream out, err;
  Server server(out, err, nullptr, "test");
  server.Handle(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":")" +
                UriOfPath(examples) + R"("}})");
  const char* inserts[] = {"(",     ")",     "{",  "}",  "[", "]", "\"",    "=",
                           ".",     ",",     " ",  "\n", "x", "1", "line.", "deny ",
                           "when ", "E11.9", "/*", "//", "-", ":"};
  int64_t id = 2;
  for (size_t k = 0; k < 3; ++k) {
    std::ifstream in(files[k]);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string uri = UriOfPath(files[k]);
    server.Handle(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":)"
                  R"({"uri":")" +
                  uri + R"(","version":1,"text":)" + Write(Json(text)) + "}}}");
    for (int round = 0; round < 60; ++round) {
      if (!test::Sampled(static_cast<size_t>(round)))
        continue;
      // A random edit: delete a few bytes or insert a fragment, on ASCII boundaries.
      size_t at = rng() % (text.size() + 1);
      while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
        ++at;
      LineIndex lines(text);
      Position p = lines.PositionOf(static_cast<uint32_t>(at));
      std::string insert = rng() % 3 == 0 ? "" : inserts[rng() % std::size(inserts)];
      size_t remove = insert.empty() ? 1 + rng() % 4 : 0;
      size_t end = std::min(text.size(), at + remove);
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        ++end;
      Position q = lines.PositionOf(static_cast<uint32_t>(end));
      text.replace(at, end - at, insert);
      Json change = Json::Object(
          {{"range",
            Json::Object({{"start", Json::Object({{"line", p.line}, {"character", p.character}})},
                          {"end", Json::Object({{"line", q.line}, {"character", q.character}})}})},
           {"text", insert}});
      server.Handle(Write(Json::Object(
          {{"jsonrpc", "2.0"},
           {"method", "textDocument/didChange"},
           {"params",
            Json::Object({{"textDocument", Json::Object({{"uri", uri}, {"version", round + 2}})},
                          {"contentChanges", Json::Array({change})}})}})));
      server.Publish();
      for (const char* method :
           {"textDocument/hover", "textDocument/completion", "textDocument/definition",
            "textDocument/references", "textDocument/codeAction", "textDocument/documentSymbol"}) {
        uint32_t line =
            static_cast<uint32_t>(rng() % (std::count(text.begin(), text.end(), '\n') + 1));
        Json position = Json::Object({{"line", line}, {"character", rng() % 60}});
        Json params =
            Json::Object({{"textDocument", Json::Object({{"uri", uri}})},
                          {"position", position},
                          {"range", Json::Object({{"start", position}, {"end", position}})},
                          {"context", Json::Object({{"includeDeclaration", true}})}});
        server.Handle(Write(Json::Object(
            {{"jsonrpc", "2.0"}, {"id", id++}, {"method", method}, {"params", params}})));
      }
    }
  }
  std::vector<Json> messages = Messages(out.str());
  int answers = 0, failures = 0;
  for (const Json& m : messages) {
    if (m.Has("id") && m["id"].is_number() && m["id"].Int("id") >= 2) {
      ++answers;
      failures += m.Has("error") ? 1 : 0;
    }
  }
  CHECK(answers == id - 2);
  CHECK(failures == 0);
  CHECK(err.str().empty());
}

}  // namespace
}  // namespace warrant::lsp
