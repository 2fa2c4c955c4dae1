// The surface syntax tree: what the parser produces, before meaning is given.
//
// The language is one Python-like syntax for algorithms, hardware blocks and
// schedules, so a single small tree serves all of them. The frontend lowers
// `proc`/`instr`/`memory` items to the IR; `schedule` and `def` items stay in
// this form and are executed by the schedule interpreter. Pattern strings
// ("for i in _:_") are parsed into the same tree and matched against the IR.
#pragma once

#include "support/Diagnostics.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace schedc::syntax {

struct Expr;
struct Stmt;
using ExprPtr = std::shared_ptr<const Expr>;
using StmtPtr = std::shared_ptr<const Stmt>;
using Block = std::vector<StmtPtr>;

enum class ExprKind {
  Name,      // text
  Int,       // intValue
  Float,     // floatValue (text keeps the spelling)
  Str,       // text (escapes resolved)
  FStr,      // parts: Str and expression pieces, in order
  Bool,      // intValue 0/1
  None,      //
  BinOp,     // text = operator ("+", "-", "*", "/", "//", "%", "@", "and", "or")
  UnOp,      // text = "-", "+", "not"; args[0]
  Compare,   // text = operator ("<", "==", "in", "not in", ...); args[0], args[1]
  Call,      // base = callee; args; kwargs
  Attribute, // base.text
  Subscript, // base[args...] (args may be Slice)
  Slice,     // lo:hi, either may be null (args[0], args[1])
  List,      // [args...]
  Tuple,     // (args...)
};

struct Expr {
  ExprKind kind;
  SrcLoc loc;
  std::string text;
  int64_t intValue = 0;
  double floatValue = 0;
  ExprPtr base;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  uint32_t depth = 1; // height of this tree (bounded by the parser, see kMaxExprDepth)

  bool isName(const char* name) const { return kind == ExprKind::Name && text == name; }
};

enum class StmtKind {
  ExprStmt,  // value
  Assign,    // targets (a Tuple target unpacks) = value
  AugAssign, // targets[0] op= value; text = "+=", "-=", "*="
  Decl,      // text: value   (`y: i32`, `alloc: '...'`)
  For,       // for names in value: body
  While,     // while value: body
  If,        // if value: body else orelse (elif is a nested If in orelse)
  Try,       // try: body except [text]: orelse
  Def,       // def text(params): body (nested helper)
  Return,    // return [value]
  Break,
  Continue,
  Pass,
  Assert, // assert value
};

struct Param {
  std::string name;
  SrcLoc loc;
  ExprPtr annotation;   // may be null
  ExprPtr defaultValue; // may be null
};

struct Stmt {
  StmtKind kind;
  SrcLoc loc;
  std::string text;
  std::vector<std::string> names; // For: loop targets
  std::vector<ExprPtr> targets;
  ExprPtr value;
  Block body;
  Block orelse;
  std::vector<Param> params; // Def
};

// ------------------------------------------------------------ top level

enum class ItemKind { Import, Const, Memory, Instr, Proc, Schedule, Def };

struct Item {
  ItemKind kind;
  SrcLoc loc;
  std::string name;   // imported path for Import
  std::string source; // Memory: base; Schedule: the proc it derives from
  bool isPrivate = false;
  ExprPtr value; // Const
  std::vector<Param> params;
  Block body;
};
using ItemPtr = std::shared_ptr<const Item>;

struct File {
  std::string path;
  std::vector<ItemPtr> items;
};

} // namespace schedc::syntax
