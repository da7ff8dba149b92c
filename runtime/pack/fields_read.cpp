#include "runtime/pack/fields_read.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/pack/opcode.h"

namespace warrant {
namespace {

// Marks `id` read, and with it, for a generic field holding a record (or a list of records),
// every field of the record. The base records with Claim members (lines, history, patient,
// observations) are read field by field by the VM, each through its own `field` instruction.
void MarkRead(const Schema& schema, uint16_t id, std::vector<bool>& read) {
  if (id >= read.size() || read[id])
    return;
  read[id] = true;
  if (schema.field(id).slot == kNoIndex16)
    return;
  const SchemaType& type = schema.field(id).type;
  const bool record =
      type.kind == Kind::Record || (type.kind == Kind::List && type.elem == Kind::Record);
  if (record && type.record < schema.records().size()) {
    for (uint16_t field : schema.record(type.record).fields)
      MarkRead(schema, field, read);
  }
}

}  // namespace

std::vector<bool> FieldsRead(const Program& program) {
  const Schema& schema = program.schema;
  std::vector<bool> read(schema.fields().size(), false);
  for (const FieldDef& f : schema.fields()) {
    if (f.base && f.slot == kNoIndex16)
      MarkRead(schema, f.id, read);
    if (f.record == static_cast<uint16_t>(RecordId::facts))
      MarkRead(schema, f.id, read);
  }
  // The generic base fields the history store (runtime/engine/history.h) records and matches
  // claims by, whether or not a rule reads them.
  for (FieldId id : {FieldId::claim_frequency, FieldId::claim_original_id, FieldId::history_claim,
                     FieldId::history_line, FieldId::line_charge, FieldId::line_allowed})
    MarkRead(schema, static_cast<uint16_t>(id), read);
  for (const RecordDef& r : schema.records()) {
    if (r.date_field != kNoIndex16)
      MarkRead(schema, r.date_field, read);
  }
  // Every instruction of the code, in order: a verified program is a sequence of whole
  // instructions, so this visits each rule, test, condition and let. Anything undecodable
  // (an unverified program) reads everything.
  const std::span<const uint8_t> code(program.code);
  for (size_t pc = 0; pc < code.size();) {
    const std::optional<Instruction> in = DecodeAt(code, pc);
    if (!in)
      return std::vector<bool>(schema.fields().size(), true);
    if (in->op == Op::Field && in->a >= 0)
      MarkRead(schema, static_cast<uint16_t>(in->a), read);
    pc += in->size;
  }
  // A field that takes another's value when absent reads it; repeated until nothing changes
  // (a record read whole above may hold such fields).
  for (bool changed = true; changed;) {
    changed = false;
    for (const FieldDef& f : schema.fields()) {
      if (read[f.id] && f.absent == Absence::FromClaim && f.from < read.size() && !read[f.from]) {
        MarkRead(schema, f.from, read);
        changed = true;
      }
    }
  }
  return read;
}

}  // namespace warrant
