// The schedc IR: a small, immutable node set in the style of Halide's IR.
//
// Expressions and statements are shared, immutable trees; rewrites build new
// nodes (IRMutator) and share the unchanged ones. A block is a plain vector of
// statements (as in Exo) so that cursors can address "the k-th statement of a
// block" and gaps between statements. Names are unique symbols (Sym): two
// variables spelled alike are still different if their ids differ.
#pragma once

#include "ir/Type.h"
#include "support/Diagnostics.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace schedc {

// ---------------------------------------------------------------- symbols

class Sym {
public:
  Sym() = default;
  static Sym fresh(const std::string& name); // a new, never-seen-before symbol
  Sym copy() const { return fresh(name_); }  // same spelling, new identity

  const std::string& name() const { return name_; }
  uint64_t id() const { return id_; }
  bool valid() const { return id_ != 0; }

  friend bool operator==(const Sym& a, const Sym& b) { return a.id_ == b.id_; }
  friend bool operator!=(const Sym& a, const Sym& b) { return a.id_ != b.id_; }
  friend bool operator<(const Sym& a, const Sym& b) { return a.id_ < b.id_; }

private:
  std::string name_;
  uint64_t id_ = 0;
};

struct Proc;

// ------------------------------------------------------------ expressions

enum class ExprKind { Const, Read, BinOp, UnOp, Select, Window, Stride };

enum class BinOpKind { Add, Sub, Mul, Div, Mod, Lt, Le, Gt, Ge, Eq, Ne, And, Or, Min, Max };
enum class UnOpKind { Neg, Not };

const char* binOpSpelling(BinOpKind op); // "+", "<=", "and", "min", ...
bool isComparison(BinOpKind op);
bool isLogical(BinOpKind op);

struct ExprNode {
  ExprNode(ExprKind kind, ScalarType type, SrcLoc loc)
      : kind(kind), type(type), loc(std::move(loc)) {}
  virtual ~ExprNode() = default;

  const ExprKind kind;
  const ScalarType type;
  const SrcLoc loc;

  template <typename T> const T* as() const {
    return kind == T::kKind ? static_cast<const T*>(this) : nullptr;
  }
};
using Expr = std::shared_ptr<const ExprNode>;

// An integer, float or boolean literal.
struct Const : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Const;
  Const(ScalarType type, int64_t i, double f, SrcLoc loc)
      : ExprNode(kKind, type, std::move(loc)), intValue(i), floatValue(f) {}
  static Expr makeInt(int64_t value, SrcLoc loc = {}, ScalarType type = ScalarType::Int);
  static Expr makeFloat(double value, ScalarType type, SrcLoc loc = {});
  static Expr makeBool(bool value, SrcLoc loc = {});

  const int64_t intValue;  // integers and booleans
  const double floatValue; // float types
};

// A read of a variable (no indices: loop variable, size, scalar) or of one
// tensor element `A[i, j]`.
struct Read : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Read;
  Read(Sym name, std::vector<Expr> idx, ScalarType type, SrcLoc loc)
      : ExprNode(kKind, type, std::move(loc)), name(std::move(name)), idx(std::move(idx)) {}
  static Expr make(Sym name, std::vector<Expr> idx, ScalarType type, SrcLoc loc = {});

  const Sym name;
  const std::vector<Expr> idx;
};

struct BinOp : ExprNode {
  static constexpr ExprKind kKind = ExprKind::BinOp;
  BinOp(BinOpKind op, Expr a, Expr b, ScalarType type, SrcLoc loc)
      : ExprNode(kKind, type, std::move(loc)), op(op), a(std::move(a)), b(std::move(b)) {}
  // Result type: Bool for comparisons/logic, otherwise the operands' type.
  static Expr make(BinOpKind op, Expr a, Expr b, SrcLoc loc = {});

  const BinOpKind op;
  const Expr a, b;
};

struct UnOp : ExprNode {
  static constexpr ExprKind kKind = ExprKind::UnOp;
  UnOp(UnOpKind op, Expr a, ScalarType type, SrcLoc loc)
      : ExprNode(kKind, type, std::move(loc)), op(op), a(std::move(a)) {}
  static Expr make(UnOpKind op, Expr a, SrcLoc loc = {});

  const UnOpKind op;
  const Expr a;
};

// select(cond, a, b): a if cond else b.
struct Select : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Select;
  Select(Expr cond, Expr t, Expr f, ScalarType type, SrcLoc loc)
      : ExprNode(kKind, type, std::move(loc)), cond(std::move(cond)), t(std::move(t)),
        f(std::move(f)) {}
  static Expr make(Expr cond, Expr t, Expr f, SrcLoc loc = {});

  const Expr cond, t, f;
};

// One coordinate of a window: a point `i` (keeps no dimension) or an
// interval `lo:hi` (keeps a dimension of extent hi - lo).
struct WindowIndex {
  Expr lo;
  Expr hi; // null for a point
  bool isInterval() const { return hi != nullptr; }
};

// A strided view `A[i, 0:4]` of a tensor or window.
struct WindowExpr : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Window;
  WindowExpr(Sym name, std::vector<WindowIndex> idx, ScalarType type, SrcLoc loc)
      : ExprNode(kKind, type, std::move(loc)), name(std::move(name)), idx(std::move(idx)) {}
  static Expr make(Sym name, std::vector<WindowIndex> idx, ScalarType type, SrcLoc loc = {});

  const Sym name;
  const std::vector<WindowIndex> idx;
};

// stride(A, dim): the distance in elements between neighbours along dim.
struct StrideExpr : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Stride;
  StrideExpr(Sym name, int dim, SrcLoc loc)
      : ExprNode(kKind, ScalarType::Stride, std::move(loc)), name(std::move(name)), dim(dim) {}
  static Expr make(Sym name, int dim, SrcLoc loc = {});

  const Sym name;
  const int dim;
};

// ------------------------------------------------------------- statements

enum class StmtKind { Assign, Reduce, For, If, Alloc, WindowBind, Call, Pass };
enum class LoopMode { Seq, Par };

uint64_t freshStmtId();

struct StmtNode {
  StmtNode(StmtKind kind, SrcLoc loc) : kind(kind), loc(std::move(loc)), id(freshStmtId()) {}
  virtual ~StmtNode() = default;

  const StmtKind kind;
  const SrcLoc loc;
  // Identity that survives rewrites: a rebuilt statement that stands for the
  // same source statement keeps its id (keepIdentity), so schedule cursors
  // follow it, as Exo's cursor forwarding does. Set only while building.
  uint64_t id;

  template <typename T> const T* as() const {
    return T::matches(kind) ? static_cast<const T*>(this) : nullptr;
  }
};
using Stmt = std::shared_ptr<const StmtNode>;
using Block = std::vector<Stmt>;

// `name[idx] = rhs` (kind Assign) or `name[idx] += rhs` (kind Reduce).
struct Assign : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::Assign || k == StmtKind::Reduce; }
  Assign(StmtKind kind, Sym name, ScalarType type, std::vector<Expr> idx, Expr rhs, SrcLoc loc)
      : StmtNode(kind, std::move(loc)), name(std::move(name)), type(type), idx(std::move(idx)),
        rhs(std::move(rhs)) {}
  static Stmt make(Sym name, ScalarType type, std::vector<Expr> idx, Expr rhs, SrcLoc loc = {});
  static Stmt makeReduce(Sym name, ScalarType type, std::vector<Expr> idx, Expr rhs,
                         SrcLoc loc = {});
  bool isReduce() const { return kind == StmtKind::Reduce; }

  const Sym name;
  const ScalarType type; // element type of the buffer written
  const std::vector<Expr> idx;
  const Expr rhs;
};

struct For : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::For; }
  For(Sym iter, Expr lo, Expr hi, Block body, LoopMode mode, SrcLoc loc)
      : StmtNode(StmtKind::For, std::move(loc)), iter(std::move(iter)), lo(std::move(lo)),
        hi(std::move(hi)), body(std::move(body)), mode(mode) {}
  static Stmt make(Sym iter, Expr lo, Expr hi, Block body, LoopMode mode = LoopMode::Seq,
                   SrcLoc loc = {});

  const Sym iter;
  const Expr lo, hi; // iterates lo <= iter < hi
  const Block body;
  const LoopMode mode;
};

struct If : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::If; }
  If(Expr cond, Block body, Block orelse, SrcLoc loc)
      : StmtNode(StmtKind::If, std::move(loc)), cond(std::move(cond)), body(std::move(body)),
        orelse(std::move(orelse)) {}
  static Stmt make(Expr cond, Block body, Block orelse = {}, SrcLoc loc = {});

  const Expr cond;
  const Block body;
  const Block orelse;
};

// `name: type[shape] @ mem`; the buffer lives until the end of its block.
struct Alloc : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::Alloc; }
  Alloc(Sym name, ScalarType type, std::vector<Expr> shape, std::string mem, SrcLoc loc)
      : StmtNode(StmtKind::Alloc, std::move(loc)), name(std::move(name)), type(type),
        shape(std::move(shape)), mem(std::move(mem)) {}
  static Stmt make(Sym name, ScalarType type, std::vector<Expr> shape, std::string mem,
                   SrcLoc loc = {});

  const Sym name;
  const ScalarType type;
  const std::vector<Expr> shape; // empty for a scalar
  const std::string mem;         // memory name, e.g. "DRAM"
};

// `name = A[i, 0:4]`: binds a window to a new name.
struct WindowBind : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::WindowBind; }
  WindowBind(Sym name, Expr rhs, SrcLoc loc)
      : StmtNode(StmtKind::WindowBind, std::move(loc)), name(std::move(name)), rhs(std::move(rhs)) {
  }
  static Stmt make(Sym name, Expr rhs, SrcLoc loc = {});

  const Sym name;
  const Expr rhs; // a WindowExpr
};

// A call of a proc or instr.
struct Call : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::Call; }
  Call(std::shared_ptr<const Proc> callee, std::vector<Expr> args, SrcLoc loc)
      : StmtNode(StmtKind::Call, std::move(loc)), callee(std::move(callee)), args(std::move(args)) {
  }
  static Stmt make(std::shared_ptr<const Proc> callee, std::vector<Expr> args, SrcLoc loc = {});

  const std::shared_ptr<const Proc> callee;
  const std::vector<Expr> args; // index expressions, scalars, or WindowExprs
};

struct Pass : StmtNode {
  static bool matches(StmtKind k) { return k == StmtKind::Pass; }
  explicit Pass(SrcLoc loc) : StmtNode(StmtKind::Pass, std::move(loc)) {}
  static Stmt make(SrcLoc loc = {});
};

// `rebuilt` takes over the identity of `original` (the statement it replaces).
Stmt keepIdentity(Stmt rebuilt, const StmtNode& original);

// ------------------------------------------------------------- procedures

// A procedure argument. Control arguments (size, index, bool, stride) are
// passed by value; data arguments (numeric types) are buffers, possibly
// 0-dimensional (a scalar passed by pointer, as in Exo).
struct FnArg {
  Sym name;
  ScalarType type = ScalarType::Size;
  std::vector<Expr> shape; // tensor/window extents; empty for scalars
  bool isWindow = false;   // `[T][..]`: a strided view
  std::string mem = "DRAM";
  SrcLoc loc;

  bool isData() const { return isNumeric(type); }
  bool isTensor() const { return isData() && (!shape.empty() || isWindow); }
};

// Code templates of an instruction (`instr` block).
struct InstrTemplates {
  std::string c;    // C statement template with {x} {x_data} {x_int} {x_stride_N} holes
  std::string asm_; // optional: form for the LLVM backend
  SrcLoc cLoc;
  SrcLoc asmLoc;
  std::string global = {}; // optional: C code put once at the top of a file that uses the instr
  SrcLoc globalLoc = {};
};

struct Proc {
  std::string name;
  std::vector<FnArg> args;
  std::vector<Expr> preds; // `assert` preconditions
  Block body;
  std::optional<InstrTemplates> instr; // set for `instr` blocks
  bool isPrivate = false;
  bool fromImport = false; // defined in an imported file (library, not emitted)
  SrcLoc loc;

  bool isInstr() const { return instr.has_value(); }
  const FnArg* findArg(const Sym& s) const;
};
using ProcPtr = std::shared_ptr<const Proc>;

// ------------------------------------------------------------------ memories

struct MemoryDef {
  std::string name;
  std::string base;          // `extends BASE` (empty for none)
  std::string allocTemplate; // holes: {name} {type} {shape} {size} {reg}
  std::string freeTemplate;
  std::string globalTemplate;         // emitted once at the top of the C file
  bool canRead = true;                // scalar loads allowed
  bool canWrite = true;               // scalar stores allowed
  bool staticShape = false;           // refuse non-constant shapes
  std::vector<int64_t> shape;         // required shape (empty: any); in elements of 32-bit words
  std::vector<std::string> registers; // non-empty: a register file, allocated statically
  SrcLoc loc;

  bool isRegisterFile() const { return !registers.empty(); }
};
using MemoryPtr = std::shared_ptr<const MemoryDef>;

} // namespace schedc
