// What the language server answers, each as the LSP result object (compiler/lsp/json.h).
//
// Every function reads one Analysis of the pack (workspace.h) and returns the `result` of its
// request: diagnostics (diagnostics.cpp), code actions from diagnostics' fixes (diagnostics.cpp),
// hover (hover.cpp), definition, references and document symbols (navigate.cpp), completion
// (completion.cpp) and formatting (format.cpp). Positions are converted here; nothing here reads
// or writes the stream.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/lsp/document.h"
#include "compiler/lsp/json.h"
#include "compiler/lsp/workspace.h"

namespace warrant::lsp {

// The URI that names a file (the open document's own URI when it is open).
using UriFor = std::function<std::string(const std::filesystem::path&)>;

Json ToJson(Position position);
Json ToJson(const Range& range);
Position PositionFrom(const Json& json);  // throws JsonTypeError
Range RangeFrom(const Json& json);

// An LSP Diagnostic for `d` (a diagnostic of file `d.file` of `analysis`).
Json DiagnosticJson(const Analysis& analysis, const diag::Diagnostic& d, const UriFor& uri_for);

// Quick fixes for the diagnostics of `fid` that carry a fix and touch `range`.
Json CodeActions(const Analysis& analysis, FileId fid, const Range& range, const UriFor& uri_for);

Json Hover(Analysis& analysis, FileId fid, uint32_t offset);

Json Definition(const Analysis& analysis, FileId fid, uint32_t offset, const UriFor& uri_for);
Json References(const Analysis& analysis, FileId fid, uint32_t offset, bool include_declaration,
                const UriFor& uri_for);
Json DocumentSymbols(const Analysis& analysis, FileId fid);

// `text` is the document as the editor has it (the analysis was made from it).
Json Completion(Analysis& analysis, FileId fid, std::string_view text, uint32_t offset);

// The edits that format `text` (none when it is formatted or does not parse).
Json Formatting(std::string_view text);

}  // namespace warrant::lsp
