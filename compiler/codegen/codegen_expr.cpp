// Bytecode for expressions and statements: a post-order walk of the checked AST.
//
// Lowerings of the domain phrases happen here: scope names become `scope`, fields of the claim
// schema `field`, table-row fields `column`, quantifiers loops over three slots (list, index,
// element) feeding an accumulator slot, a string literal that meets a code becomes a packed code
// constant, and a global `let` is inlined where it is used.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/codegen/generator.h"
#include "runtime/core/decimal.h"
#include "stdlib/stdlib.h"

namespace warrant::codegen {

using check::RefKind;
using check::TypeKind;

size_t Generator::Emit(Op op, int64_t a, int64_t b) {
  const size_t at = out_.code.size();
  AppendInstruction(out_.code, op, a, b);
  depth_ += StackPushes(op) - StackPops(op, a);
  max_depth_ = std::max(max_depth_, depth_);
  return at;
}

void Generator::SetTarget(size_t at, size_t target) {
  warrant::SetTarget(out_.code, at, target);
}

void Generator::PatchJump(size_t at) {
  SetTarget(at, out_.code.size());
}

void Generator::MarkSpan(uint32_t file, Span span) {
  SpanEntry entry;
  entry.pc = static_cast<uint32_t>(out_.code.size());
  entry.file = source_of_file_[ast_.files[file].file];
  entry.begin = span.begin;
  entry.end = span.end;
  if (!out_.spans.empty() && out_.spans.back().pc == entry.pc) {
    out_.spans.back() = entry;
    return;
  }
  if (!out_.spans.empty() && out_.spans.back().file == entry.file &&
      out_.spans.back().begin == entry.begin && out_.spans.back().end == entry.end) {
    return;
  }
  out_.spans.push_back(entry);
}

uint32_t Generator::Const(const Constant& c) {
  std::string key = fmt::format("{}:{}:{}:", static_cast<int>(c.tag), c.sub, c.i);
  key += c.text;
  for (uint32_t item : c.items)
    key += fmt::format(",{}", item);
  auto it = constant_index_.find(key);
  if (it != constant_index_.end())
    return it->second;
  uint32_t index = static_cast<uint32_t>(out_.constants.size());
  out_.constants.push_back(c);
  constant_index_.emplace(std::move(key), index);
  return index;
}

uint8_t Generator::AllocSlot() {
  if (slots_ >= 250) {
    slot_overflow_ = true;
    return 0;
  }
  return static_cast<uint8_t>(slots_++);
}

namespace {

// The instruction an operator compiles to (operators.def), or nullopt where it is lowered by the
// operand types.
std::optional<Op> OpcodeOf(ast::Operator op) {
  using enum Op;
  constexpr std::optional<Op> Lowered;
  constexpr std::optional<Op> kOpcodes[] = {
#define WARRANT_OPERATOR(Name, Spelling, Arity, Opcode) Opcode,
#include "compiler/ast/operators.def"
#undef WARRANT_OPERATOR
  };
  return kOpcodes[static_cast<size_t>(op)];
}

Constant MakeConst(Tag tag, int64_t i) {
  Constant c;
  c.tag = tag;
  c.i = i;
  return c;
}

}  // namespace

// `line.code in S`, alone or as the leftmost conjunct of `and`, means the rule can only apply to
// lines whose code is in S: the VM's code index then skips it for every other line.
bool Generator::IndexableCodeset(uint32_t file, ast::ExprId applies, uint32_t* codeset) {
  const ast::Expr& e = ast_.expr(applies);
  if (e.kind != ast::ExprKind::Binary)
    return false;
  if (e.op == ast::Operator::And)
    return IndexableCodeset(file, e.a, codeset);
  if (e.op != ast::Operator::In)
    return false;
  const ast::Expr& left = ast_.expr(e.a);
  if (left.kind != ast::ExprKind::Field || left.text != "code")
    return false;
  const ast::Expr& base = ast_.expr(left.a);
  const check::Ref& base_ref = checked_.expr_refs[left.a];
  if (base.kind != ast::ExprKind::NameRef || base_ref.kind != RefKind::Scope ||
      stdlib::Scope()[base_ref.index].name != "line") {
    return false;
  }
  const check::Ref& right = checked_.expr_refs[e.b];
  if (right.kind != RefKind::Codeset)
    return false;
  *codeset = GlobalCodeset(right.file, right.index);
  return true;
}

void Generator::Operand(uint32_t file, ast::ExprId id, const check::Type* code_peer) {
  const ast::Expr& e = ast_.expr(id);
  if (code_peer && code_peer->kind == TypeKind::Code && e.kind == ast::ExprKind::String) {
    if (auto packed = Pack(code_peer->system, e.text)) {
      Emit(Op::PushConst, Const(MakeConst(Tag::Code, static_cast<int64_t>(*packed))));
      return;
    }
  }
  Expr(file, id);
}

void Generator::Expr(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  const check::Ref& ref = checked_.expr_refs[id];
  auto push_const = [&](const Constant& c) { Emit(Op::PushConst, Const(c)); };
  switch (e.kind) {
    case ast::ExprKind::Bool:
      Emit(e.ival ? Op::PushTrue : Op::PushFalse);
      return;
    case ast::ExprKind::Int:
      if (e.ival >= INT32_MIN && e.ival <= INT32_MAX) {
        Emit(Op::PushInt, e.ival);
      } else {
        push_const(MakeConst(Tag::Int, e.ival));
      }
      return;
    case ast::ExprKind::Decimal: {
      int64_t scaled = 0;
      ParseDecimal(e.text, &scaled);
      push_const(MakeConst(Tag::Decimal, scaled));
      return;
    }
    case ast::ExprKind::String: {
      Constant c;
      c.tag = Tag::String;
      c.text = e.text;
      push_const(c);
      return;
    }
    case ast::ExprKind::DateLit:
      push_const(MakeConst(Tag::Date, DaysFromCivil({e.date.year, e.date.month, e.date.day})));
      return;
    case ast::ExprKind::Duration: {
      Constant c = MakeConst(Tag::Duration, e.ival);
      c.sub = static_cast<uint8_t>(e.unit);
      push_const(c);
      return;
    }
    case ast::ExprKind::NoneLit:
      Emit(Op::PushNone);
      return;
    case ast::ExprKind::NameRef:
    case ast::ExprKind::Field: {
      switch (ref.kind) {
        case RefKind::Local:
        case RefKind::RuleLet: {
          const auto& slots = ref.kind == RefKind::Local ? quant_slots_ : let_slots_;
          auto found = slots.find(ref.index);
          Emit(Op::Load, found != slots.end() ? found->second : 0);
          return;
        }
        case RefKind::GlobalLet: {
          const ast::Let& let = ast_.files[ref.file].lets[ref.index];
          Expr(ref.file, let.value);
          return;
        }
        case RefKind::Scope:
          MarkSpan(file, e.span);
          Emit(Op::Scope, ref.index);
          return;
        case RefKind::Fact:
          MarkSpan(file, e.span);
          Emit(Op::Fact, ref.index);
          return;
        case RefKind::Field:
          // A field of the claim schema, by its global number (Schema::Finish keeps them below
          // 256, the operand's range).
          Expr(file, e.a);
          MarkSpan(file, e.span);
          Emit(Op::Field, ref.index);
          return;
        case RefKind::Codeset:
        case RefKind::Table:
        case RefKind::Builtin:
        case RefKind::Alias:
        case RefKind::None:
          break;
      }
      if (e.kind == ast::ExprKind::Field) {
        Expr(file, e.a);
        const check::Type& base = checked_.types.Get(checked_.expr_types[e.a]);
        MarkSpan(file, e.span);
        if (base.kind == TypeKind::Record) {
          const check::Record& record = checked_.types.GetRecord(base.record);
          if (record.schema == UINT32_MAX) {  // a table row
            for (size_t c = 0; c < record.fields.size(); ++c) {
              if (record.fields[c].name == e.text) {
                Emit(Op::Column, c);
                return;
              }
            }
          }
        }
      }
      // Unreachable for checked programs: keep the stack balanced.
      Emit(Op::PushNone);
      return;
    }
    case ast::ExprKind::Index: {
      const check::Ref& base_ref = checked_.expr_refs[e.a];
      const check::Type& base = checked_.types.Get(checked_.expr_types[e.a]);
      if (base.kind == TypeKind::Table && base_ref.kind == RefKind::Table) {
        Operand(file, e.b, &checked_.types.Get(base.key));
        MarkSpan(file, e.span);
        Emit(Op::Lookup, GlobalTable(base_ref.file, base_ref.index));
        return;
      }
      Expr(file, e.a);
      Expr(file, e.b);
      MarkSpan(file, e.span);
      Emit(Op::MapGet);
      return;
    }
    case ast::ExprKind::Call: {
      for (ast::ExprId arg : e.list)
        Expr(file, arg);
      MarkSpan(file, e.span);
      auto id_value = stdlib::Builtins()[ref.index].id;
      Emit(Op::Call, static_cast<int64_t>(id_value));
      return;
    }
    case ast::ExprKind::Unary:
      Expr(file, e.a);
      MarkSpan(file, e.span);
      Emit(OpcodeOf(e.op).value_or(Op::IsKnown));
      return;
    case ast::ExprKind::Binary: {
      if (e.op == ast::Operator::In || e.op == ast::Operator::NotIn) {
        Membership(file, id);
        return;
      }
      const check::Type& ta = checked_.types.Get(checked_.expr_types[e.a]);
      const check::Type& tb = checked_.types.Get(checked_.expr_types[e.b]);
      Operand(file, e.a, &tb);
      Operand(file, e.b, &ta);
      MarkSpan(file, e.span);
      Emit(OpcodeOf(e.op).value_or(Op::And));
      return;
    }
    case ast::ExprKind::Within:
      Expr(file, e.a);
      Expr(file, e.b);
      Expr(file, e.c);
      MarkSpan(file, e.span);
      Emit(Op::Within, static_cast<int64_t>(e.dir));
      return;
    case ast::ExprKind::If:
      Expr(file, e.a);
      Expr(file, e.b);
      Expr(file, e.c);
      MarkSpan(file, e.span);
      Emit(Op::Select);
      return;
    case ast::ExprKind::List: {
      Constant list;
      list.tag = Tag::List;
      const check::Type& t = checked_.types.Get(checked_.expr_types[id]);
      const check::Type& elem = checked_.types.Get(t.elem);
      for (ast::ExprId item : e.list) {
        const ast::Expr& it = ast_.expr(item);
        Constant c;
        switch (it.kind) {
          case ast::ExprKind::Int:
            c = MakeConst(elem.kind == TypeKind::Decimal ? Tag::Decimal : Tag::Int,
                          elem.kind == TypeKind::Decimal ? it.ival * kDecimalScale : it.ival);
            break;
          case ast::ExprKind::Decimal: {
            int64_t scaled = 0;
            ParseDecimal(it.text, &scaled);
            c = MakeConst(Tag::Decimal, scaled);
            break;
          }
          case ast::ExprKind::String:
            c.tag = Tag::String;
            c.text = it.text;
            break;
          case ast::ExprKind::Bool:
            c = MakeConst(Tag::Bool, it.ival);
            break;
          case ast::ExprKind::DateLit:
            c = MakeConst(Tag::Date, DaysFromCivil({it.date.year, it.date.month, it.date.day}));
            break;
          default:
            c = MakeConst(Tag::None, 0);
            break;
        }
        list.items.push_back(Const(c));
      }
      Emit(Op::MakeList, Const(list));
      return;
    }
    case ast::ExprKind::Quantifier:
      Quantifier(file, id);
      return;
  }
}

void Generator::Membership(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  const check::Type& ta = checked_.types.Get(checked_.expr_types[e.a]);
  const check::Type& tb = checked_.types.Get(checked_.expr_types[e.b]);
  const check::Ref& right = checked_.expr_refs[e.b];
  switch (tb.kind) {
    case TypeKind::Codeset: {
      check::Type code = ta;
      code.kind = TypeKind::Code;
      code.system = tb.system;
      Operand(file, e.a, &code);
      MarkSpan(file, e.span);
      Emit(Op::InCodeset, GlobalCodeset(right.file, right.index));
      break;
    }
    case TypeKind::Table:
      Operand(file, e.a, &checked_.types.Get(tb.key));
      MarkSpan(file, e.span);
      Emit(Op::HasKey, GlobalTable(right.file, right.index));
      break;
    case TypeKind::Map:
      Expr(file, e.a);
      Expr(file, e.b);
      MarkSpan(file, e.span);
      Emit(Op::HasMapKey);
      break;
    default: {
      // A list: a list literal of strings meeting a code holds codes.
      const check::Type& elem = checked_.types.Get(tb.elem);
      Operand(file, e.a, &elem);
      const ast::Expr& list = ast_.expr(e.b);
      if (ta.kind == TypeKind::Code && list.kind == ast::ExprKind::List) {
        Constant c;
        c.tag = Tag::List;
        for (ast::ExprId item : list.list) {
          const ast::Expr& it = ast_.expr(item);
          auto packed = it.kind == ast::ExprKind::String ? Pack(ta.system, it.text) : std::nullopt;
          c.items.push_back(Const(packed ? MakeConst(Tag::Code, static_cast<int64_t>(*packed))
                                         : MakeConst(Tag::None, 0)));
        }
        Emit(Op::MakeList, Const(c));
      } else {
        Expr(file, e.b);
      }
      MarkSpan(file, e.span);
      Emit(Op::InList);
      break;
    }
  }
  if (e.op == ast::Operator::NotIn) {
    RecordNotIn();
    Emit(Op::Not);
  }
}

void Generator::Quantifier(uint32_t file, ast::ExprId id) {
  const ast::Expr& e = ast_.expr(id);
  uint8_t acc = AllocSlot();
  uint8_t base = AllocSlot();
  AllocSlot();
  uint8_t element = AllocSlot();
  if (static_cast<uint8_t>(base + 2) != element)
    slot_overflow_ = true;
  quant_slots_[id] = element;
  // The accumulator's starting value (its store belongs to the quantifier, not to a `let`).
  MarkSpan(file, e.span);
  switch (e.quant) {
    case ast::QuantKind::Any:
      Emit(Op::PushFalse);
      break;
    case ast::QuantKind::All:
      Emit(Op::PushTrue);
      break;
    case ast::QuantKind::Count:
    case ast::QuantKind::Sum:
      Emit(Op::PushInt, 0);
      break;
    case ast::QuantKind::Min:
    case ast::QuantKind::Max:
    case ast::QuantKind::Latest:
    case ast::QuantKind::Earliest:
      Emit(Op::PushNone);
      break;
  }
  Emit(Op::Store, acc);
  Expr(file, e.a);
  Emit(Op::IterStart, base);
  const size_t loop = Emit(Op::IterNext, base);
  if (e.b != ast::kNone) {
    Expr(file, e.b);
  } else {
    Emit(Op::PushTrue);
  }
  MarkSpan(file, e.span);
  switch (e.quant) {
    case ast::QuantKind::Any:
      Emit(Op::AccAny, acc);
      break;
    case ast::QuantKind::All:
      Emit(Op::AccAll, acc);
      break;
    case ast::QuantKind::Count:
      Emit(Op::AccCount, acc);
      break;
    case ast::QuantKind::Sum:
    case ast::QuantKind::Min:
    case ast::QuantKind::Max: {
      Expr(file, e.c);
      MarkSpan(file, e.span);
      Op op = e.quant == ast::QuantKind::Sum   ? Op::AccSum
              : e.quant == ast::QuantKind::Min ? Op::AccMin
                                               : Op::AccMax;
      Emit(op, acc);
      break;
    }
    case ast::QuantKind::Latest:
    case ast::QuantKind::Earliest:
      Emit(Op::Load, element);
      MarkSpan(file, e.span);
      Emit(e.quant == ast::QuantKind::Latest ? Op::AccLatest : Op::AccEarliest, acc);
      break;
  }
  SetTarget(Emit(Op::Jump), loop);
  PatchJump(loop);
  Emit(Op::Load, acc);
}

void Generator::Stmts(uint32_t file, const std::vector<ast::StmtId>& body) {
  for (ast::StmtId sid : body) {
    const ast::Stmt& s = ast_.stmt(sid);
    // The statement's first instructions (constants, loads) belong to its line in listings.
    MarkSpan(file, s.span);
    switch (s.kind) {
      case ast::StmtKind::Let: {
        Expr(file, s.a);
        uint8_t slot = AllocSlot();
        let_slots_[sid] = slot;
        MarkSpan(file, s.span);  // the store names the `let` (explain shows its value)
        RecordStatement(StatementKind::Let, file, s, UINT32_MAX);
        Emit(Op::Store, slot);
        break;
      }
      case ast::StmtKind::Require: {
        Expr(file, s.a);
        uint32_t site = Site(s.outcome.kind, &s.outcome, file, s.span);
        if (s.unknown_outcome) {
          OutcomeData& o = out_.outcomes[site];
          o.unknown_kind = s.unknown_outcome->kind;
          o.unknown_reason = UINT32_MAX;
          if (s.unknown_outcome->reason) {
            o.unknown_reason = checked_.reason_scope[file].at(s.unknown_outcome->reason->text);
          }
          if (s.unknown_outcome->message)
            o.unknown_message = s.unknown_outcome->message->text;
        }
        MarkSpan(file, s.span);
        RecordStatement(StatementKind::Require, file, s, site);
        Emit(Op::Require, site);
        break;
      }
      case ast::StmtKind::Direct: {
        Expr(file, s.a);
        uint32_t site = Site(s.outcome.kind, &s.outcome, file, s.span);
        MarkSpan(file, s.span);
        RecordStatement(StatementKind::Emit, file, s, site);
        Emit(Op::Emit, site);
        break;
      }
      case ast::StmtKind::When: {
        Expr(file, s.a);
        uint32_t site = Site(OutcomeKind::AutoPend, nullptr, file, ast_.expr(s.a).span);
        MarkSpan(file, s.span);
        RecordStatement(StatementKind::When, file, s, site);
        const size_t when = Emit(Op::When, site);
        Stmts(file, s.body);
        PatchJump(when);
        break;
      }
    }
  }
}

}  // namespace warrant::codegen
