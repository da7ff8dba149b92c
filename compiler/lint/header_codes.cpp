// W0709: an ICD-10-CM codeset member that is a non-billable header code, judged against the
// loaded terminology.
//
// Claims carry billable diagnosis codes; a header (a category such as `E11`, or a subcategory
// that gained children, such as `E78.01` from FY2026) never matches a correctly coded claim, so
// listing it exactly is almost always meant as "this code and the codes under it". Exact members
// on a codeset's positive side are judged, written in the source or loaded from a CSV (reported
// at the `load` with the CSV line; a header subtracted with `-` is harmless). The fiscal years
// judged are those overlapping the effective range of the file's policy, all loaded ones for a
// library file. Codes in no loaded version are the checker's W0602.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/frontend/csv.h"
#include "compiler/lint/linter.h"

namespace warrant::lint {
namespace {

// "FY2025 and FY2026" from "icd10cm FY2025", "icd10cm FY2026".
std::string Years(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string n = names[i];
    if (n.rfind("icd10cm ", 0) == 0)
      n = n.substr(8);
    if (i > 0)
      out += i + 1 == names.size() ? " and " : ", ";
    out += n;
  }
  return out;
}

class HeaderCodes {
 public:
  HeaderCodes(Linter& l, uint32_t file) : l_(l), file_(file) {
    const ast::File& f = l.ast.files[file];
    if (f.policy && f.policy->effective) {
      const ast::Effective& e = *f.policy->effective;
      from_ = DaysFromCivil({e.from.year, e.from.month, e.from.day});
      if (e.until)
        until_ = DaysFromCivil({e.until->year, e.until->month, e.until->day});
    }
  }

  void Walk(ast::CodesetExprId id) {
    if (id == ast::kNone)
      return;
    const ast::CodesetExpr& e = l_.ast.codeset_exprs[id];
    switch (e.kind) {
      case ast::CodesetExprKind::Members:
        for (const ast::CodeMember& m : e.members) {
          if (m.kind == ast::MemberKind::Exact)
            Judge(m.text, m.span, nullptr);
        }
        break;
      case ast::CodesetExprKind::Load:
        Loaded(e);
        break;
      case ast::CodesetExprKind::Union:
        Walk(e.a);
        Walk(e.b);
        break;
      case ast::CodesetExprKind::Difference:
        Walk(e.a);  // what is subtracted is never matched
        break;
      default:
        break;
    }
  }

 private:
  // The checker validated the file; what cannot be read now is simply not judged.
  void Loaded(const ast::CodesetExpr& e) {
    std::string why;
    std::filesystem::path path =
        frontend::ResolveInRoot(l_.sources, l_.Fid(file_), e.path.text, why);
    frontend::CsvFile csv;
    if (path.empty() || !frontend::ReadCsv(path, csv, why))
      return;
    auto column = std::find(csv.header.begin(), csv.header.end(), e.column.text);
    if (column == csv.header.end())
      return;
    size_t col = static_cast<size_t>(column - csv.header.begin());
    size_t reported = 0;
    for (size_t r = 0; r < csv.rows.size() && reported < 5; ++r) {
      if (col >= csv.rows[r].size() || csv.rows[r][col].empty())
        continue;
      std::string place = fmt::format("line {} of `{}`", csv.row_lines[r], e.path.text);
      if (Judge(csv.rows[r][col], e.path.span, &place))
        ++reported;
    }
  }

  // Reports `code` when it is a header in a judged year; `place` locates a loaded code.
  bool Judge(const std::string& code, Span span, const std::string* place) {
    std::optional<uint64_t> packed = Pack(CodeSystem::Icd10cm, code);
    if (!packed)
      return false;
    std::vector<std::string> header_in, billable_in;
    std::vector<const CodeSystemVersion*> headers;
    for (const CodeSystemVersion& v : l_.terminology->versions()) {
      if (v.system != CodeSystem::Icd10cm || v.until < from_ || v.from > until_)
        continue;
      std::optional<size_t> index = v.Find(*packed);
      if (!index)
        continue;
      (v.billable[*index] ? billable_in : header_in).push_back(v.name);
      if (!v.billable[*index])
        headers.push_back(&v);
    }
    if (header_in.empty())
      return false;
    std::string where = "ICD-10-CM " + Years(header_in);
    // Versions are sorted by date; when they follow each other, say which dates of service.
    bool contiguous = true;
    for (size_t i = 1; i < headers.size(); ++i) {
      contiguous = contiguous && headers[i]->from == headers[i - 1]->until + 1;
    }
    if (contiguous && headers.front()->from != kMinDay && headers.back()->until != kMaxDay) {
      where += fmt::format(" (dates of service {} to {})", FormatDate(headers.front()->from).view(),
                           FormatDate(headers.back()->until).view());
    }
    // As written in source; a CSV cell in its display form (`E119` is shown as `E11.9`).
    std::optional<CodeText> normal = Unpack(*packed);
    std::string text = normal ? normal->str() : code;
    auto& d = l_.Emit(diag::DiagCode::HeaderCodeMember, file_, span, place ? text : code, where);
    if (place) {
      d.message =
          fmt::format("`{}`, on {}, is a non-billable header code in {}", text, *place, where);
    }
    // `E11.*` holds the codes under a category; `E78.01*` those under a subcategory.
    std::string below = text.find('.') == std::string::npos ? text + ".*" : text + "*";
    if (billable_in.empty()) {
      d.help = fmt::format(
          "a claim's diagnoses are billable codes, never this header; write `{}` for the codes "
          "under it",
          below);
    } else {
      d.help = fmt::format(
          "it is billable in {}, but claims dated in {} carry the codes under it; add `{}`",
          Years(billable_in), Years(header_in), below);
    }
    return true;
  }

  Linter& l_;
  uint32_t file_;
  Day from_ = INT32_MIN;
  Day until_ = INT32_MAX;
};

}  // namespace

void LintHeaderCodes(Linter& l) {
  if (!l.terminology)
    return;
  for (uint32_t f = 0; f < l.ast.files.size(); ++f) {
    const ast::File& file = l.ast.files[f];
    for (uint32_t i = 0; i < file.codesets.size(); ++i) {
      if (l.checked.codeset_systems[f][i] != CodeSystem::Icd10cm)
        continue;
      HeaderCodes(l, f).Walk(file.codesets[i].body);
    }
  }
}

}  // namespace warrant::lint
