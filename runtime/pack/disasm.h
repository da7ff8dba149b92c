// Listings of bytecode: the disassembler, and the opcode reference docs/bytecode.md.
//
// Both are driven by the opcodes.def table (mnemonics, operands and their kinds, stack effects,
// flow, tracing): the `;` comments resolve each operand by its kind (a codeset's name, a jump's
// target), so nothing here knows individual opcodes. Output is
// deterministic and stable, for golden tests. Listing an unverified Program is safe: what does
// not decode is printed as such. Nothing here checks a Program (runtime/pack/verify.h does).
#pragma once

#include <cstdint>
#include <ostream>

#include "runtime/pack/program.h"

namespace warrant {

struct DisasmOptions {
  // Print each source line (trimmed, as a `;` line) before the instructions it compiled to.
  bool source_lines = true;
};

// The whole program: per policy version a `== policy ... ==` header, per rule a `-- rule ... --`
// header and one line per instruction, then the reason conditions:
//   0004   17 field            12          ; line.code
//   0006    | in_codeset       0           ; fobt
// offset (hex), source line (`|` while unchanged), mnemonic, operands, resolved comment.
void Disassemble(const Program& program, std::ostream& out, const DisasmOptions& options = {});

// One rule (header and instructions), as Disassemble prints it. Nothing for an index out of
// range.
void DisassembleRule(const Program& program, uint32_t rule, std::ostream& out,
                     const DisasmOptions& options = {});

// docs/bytecode.md: a generated-file notice, then a Markdown table of every opcode in encoding
// order (number, mnemonic, operands, size, stack delta, stack effect, meaning).
void WriteBytecodeDoc(std::ostream& out);

}  // namespace warrant
