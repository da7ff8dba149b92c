#include "runtime/formats/x12_claim.h"

#include <cstring>

#include "runtime/core/text.h"

namespace warrant {
namespace {

// Appends `"key": "value"` (or a raw JSON value) when the value is present.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }

  ~ObjectWriter() { out_ += '}'; }

  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void String(std::string_view key, std::string_view value) {
    if (value.empty())
      return;
    Key(key);
    AppendJsonString(out_, value);
  }

  void Raw(std::string_view key, std::string_view json) {
    if (json.empty())
      return;
    Key(key);
    out_ += json;
  }

  void Strings(std::string_view key, const std::vector<std::string>& values, bool quoted) {
    Key(key);
    out_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0)
        out_ += ',';
      if (quoted)
        AppendJsonString(out_, values[i]);
      else
        out_ += values[i];
    }
    out_ += ']';
  }

  // `key` is one of this file's literals: plain text, never escaped.
  void Key(std::string_view key) {
    char quoted[40];  // the longest key is "referring_provider"
    char* p = quoted;
    if (!first_)
      *p++ = ',';
    first_ = false;
    *p++ = '"';
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    *p++ = '"';
    *p++ = ':';
    out_.append(quoted, static_cast<size_t>(p - quoted));
  }

  std::string& out() { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

void AppendProvider(ObjectWriter& object, std::string_view key, const X12Provider& provider) {
  if (provider.npi.empty() && provider.taxonomy.empty())
    return;
  object.Key(key);
  ObjectWriter inner(object.out());
  inner.String("npi", provider.npi);
  inner.String("taxonomy", provider.taxonomy);
}

void AppendLine(std::string& out, const X12Line& line) {
  ObjectWriter object(out);
  object.String("code", line.code);
  if (!line.modifiers.empty())
    object.Strings("modifiers", line.modifiers, true);
  object.Raw("units", line.units);
  if (!line.dx_pointers.empty())
    object.Strings("dx_pointers", line.dx_pointers, false);
  object.String("date", line.date);
  object.String("place_of_service", line.place_of_service);
  object.Raw("charge", line.charge);
  object.String("revenue_code", line.revenue_code);
  object.String("ndc", line.ndc);
  object.Raw("drug_quantity", line.drug_quantity);
  object.String("drug_unit", line.drug_unit);
  AppendProvider(object, "rendering_provider", line.rendering);
  AppendProvider(object, "referring_provider", line.referring);
  AppendProvider(object, "ordering_provider", line.ordering);
}

}  // namespace

std::string X12ClaimJson(const X12Claim& claim) {
  std::string out;
  out.reserve(256 + 160 * claim.lines.size());
  AppendX12ClaimJson(claim, out);
  return out;
}

void AppendX12ClaimJson(const X12Claim& claim, std::string& out) {
  {
    ObjectWriter object(out);
    object.String("id", claim.id);
    if (!claim.patient.id.empty() || !claim.patient.birth_date.empty() ||
        !claim.patient.sex.empty()) {
      object.Key("patient");
      ObjectWriter patient(out);
      patient.String("id", claim.patient.id);
      patient.String("birth_date", claim.patient.birth_date);
      patient.String("sex", claim.patient.sex);
    }
    const std::string_view service_date = claim.institutional && !claim.statement_date.empty()
                                              ? std::string_view(claim.statement_date)
                                          : claim.lines.empty() ? std::string_view()
                                                                : claim.lines.front().date;
    object.String("service_date", service_date);
    object.String("place_of_service", claim.place_of_service);
    object.String("claim_type", claim.institutional ? "institutional" : "professional");
    object.String("frequency", claim.frequency);
    object.String("original_id", claim.original_id);
    object.String("bill_type", claim.bill_type);
    AppendProvider(object, "billing_provider", claim.billing);
    AppendProvider(object, "rendering_provider", claim.rendering);
    AppendProvider(object, "referring_provider", claim.referring);
    AppendProvider(object, "ordering_provider", claim.ordering);
    object.Strings("diagnoses", claim.diagnoses, true);
    object.Key("lines");
    out += '[';
    for (size_t i = 0; i < claim.lines.size(); ++i) {
      if (i > 0)
        out += ',';
      AppendLine(out, claim.lines[i]);
    }
    out += ']';
  }
}

}  // namespace warrant
