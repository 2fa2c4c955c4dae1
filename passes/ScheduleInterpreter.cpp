#include "passes/ScheduleInterpreter.h"

#include <algorithm>
#include <iostream>
#include <limits>

namespace schedc::sched {

using syntax::Expr;
using syntax::ExprKind;
using syntax::Stmt;
using syntax::StmtKind;

// The variables of one helper call (or schedule body, or host evaluation).
// Few per frame, so a flat vector beats a hash map.
class Frame : public std::enable_shared_from_this<Frame> {
public:
  const FunctionData* function = nullptr; // null outside helpers: `return` is refused there
  std::weak_ptr<Frame> enclosing;         // the frame a nested def was defined in
  Value returnValue;
  uint32_t loopDepth = 0; // enclosing for/while loops in this frame, for break/continue

  Value* find(const std::string& name) {
    for (auto& [key, value] : variables_)
      if (key == name)
        return &value;
    return nullptr;
  }

  void set(const std::string& name, Value value) {
    if (Value* slot = find(name))
      *slot = std::move(value);
    else
      variables_.emplace_back(name, std::move(value));
  }

private:
  std::vector<std::pair<std::string, Value>> variables_;
};

namespace {

// Beyond this many notes an error's helper call stack is cut: a runaway
// recursion would otherwise print hundreds of identical lines.
constexpr size_t kMaxCallNotes = 20;
// Ordering lists nested deeper than this is refused (see Value::equals).
constexpr int kMaxOrderDepth = 200;

uintptr_t currentStackAddress() {
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
}

// Host code and Value::equals may throw errors that do not know where they
// happened; they get the location of the construct that ran them. A
// DirectiveRefused stays one, so that `except:` still catches it.
[[noreturn]] void rethrowAt(const SrcLoc& loc) {
  try {
    throw;
  } catch (DirectiveRefused& e) {
    if (e.loc().known() || !loc.known())
      throw;
    throw DirectiveRefused(loc, e.message(), e.notes(), e.extra());
  } catch (CompileError& e) {
    if (e.loc().known() || !loc.known())
      throw;
    throw CompileError(loc, e.message(), e.notes(), e.extra());
  }
}

// Throws a CompileError whose message `makeMessage` builds. Out of line and
// cold: building messages inline would give the recursive evaluation
// functions stack frames several times larger, and so a lower limit on how
// deeply schedules can nest within the stack budget.
template <class MakeMessage>
[[noreturn, gnu::noinline, gnu::cold]] void failWith(const SrcLoc& loc, MakeMessage makeMessage) {
  throw CompileError(loc, makeMessage());
}

template <class Body> auto locatedAt(const SrcLoc& loc, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const CompileError&) {
    rethrowAt(loc);
  }
}

// Increments a counter for the lifetime of a scope, also when unwinding.
class ScopedIncrement {
public:
  explicit ScopedIncrement(uint32_t& counter) : counter_(counter) { ++counter_; }
  ~ScopedIncrement() { --counter_; }
  ScopedIncrement(const ScopedIncrement&) = delete;
  ScopedIncrement& operator=(const ScopedIncrement&) = delete;

private:
  uint32_t& counter_;
};

// Python's index rules: negative counts from the end; outside is an error.
size_t normalizeIndex(const Value& index, size_t size, const std::string& type, const SrcLoc& loc) {
  auto i = index.intLike();
  if (!i)
    throw CompileError(loc, type + " indices must be integers, not '" + index.typeName() + "'");
  int64_t length = static_cast<int64_t>(size);
  int64_t position = *i < 0 ? *i + length : *i;
  if (position < 0 || position >= length)
    throw CompileError(loc, type + " index " + std::to_string(*i) + " out of range (length " +
                                std::to_string(length) + ")");
  return static_cast<size_t>(position);
}

// Python's slice rules: bounds are clamped, never an error.
std::pair<size_t, size_t> sliceBounds(std::optional<int64_t> lo, std::optional<int64_t> hi,
                                      size_t size) {
  int64_t length = static_cast<int64_t>(size);
  auto clamp = [length](std::optional<int64_t> bound, int64_t fallback) {
    if (!bound)
      return fallback;
    int64_t b = *bound < 0 ? std::max<int64_t>(*bound, -length) + length : *bound;
    return std::min(b, length);
  };
  int64_t begin = clamp(lo, 0);
  int64_t end = clamp(hi, length);
  if (end < begin)
    end = begin;
  return {static_cast<size_t>(begin), static_cast<size_t>(end)};
}

[[noreturn]] void failOverflow(const std::string& op, const SrcLoc& loc) {
  throw CompileError(loc, "integer overflow in '" + op + "' (schedule ints are 64-bit)");
}

Value intOp(const std::string& op, int64_t a, int64_t b, const SrcLoc& loc) {
  int64_t result = 0;
  if (op == "+") {
    if (__builtin_add_overflow(a, b, &result))
      failOverflow(op, loc);
  } else if (op == "-") {
    if (__builtin_sub_overflow(a, b, &result))
      failOverflow(op, loc);
  } else if (op == "*") {
    if (__builtin_mul_overflow(a, b, &result))
      failOverflow(op, loc);
  } else if (op == "//" || op == "%") {
    if (b == 0)
      throw CompileError(loc, "integer division or modulo by zero");
    if (b == -1) { // a / -1 overflows for the smallest int, and a % -1 is always 0
      if (op == "%")
        return Value::fromInt(0);
      if (a == std::numeric_limits<int64_t>::min())
        failOverflow(op, loc);
      return Value::fromInt(-a);
    }
    // C++ truncates toward zero; Python (and Exo) round toward negative infinity.
    int64_t quotient = a / b;
    int64_t remainder = a % b;
    if (remainder != 0 && ((remainder < 0) != (b < 0))) {
      --quotient;
      remainder += b;
    }
    result = op == "//" ? quotient : remainder;
  } else if (op == "/") {
    throw CompileError(loc, "'/' is not supported in schedules: use '//' for integer division");
  } else {
    throw CompileError(loc, "unsupported operand types for " + op + ": 'int' and 'int'");
  }
  return Value::fromInt(result);
}

// range(): lazy, so that `for i in range(10**12)` costs nothing until it runs.
class RangeObject : public Object {
public:
  RangeObject(int64_t start, int64_t stop, int64_t step, const SrcLoc& loc)
      : start_(start), stop_(stop), step_(step) {
    __int128 span = static_cast<__int128>(stop) - start;
    __int128 count = 0;
    if (step > 0 && span > 0)
      count = (span + step - 1) / step;
    else if (step < 0 && span < 0)
      count = (-span + (-static_cast<__int128>(step)) - 1) / -static_cast<__int128>(step);
    if (count > std::numeric_limits<int64_t>::max())
      throw CompileError(loc, "range() has more than 2**63 - 1 elements");
    length_ = static_cast<int64_t>(count);
  }

  std::string typeName() const override { return "range"; }
  std::string repr() const override {
    return "range(" + std::to_string(start_) + ", " + std::to_string(stop_) +
           (step_ == 1 ? "" : ", " + std::to_string(step_)) + ")";
  }
  std::optional<int64_t> length() const override { return length_; }

  bool equals(const Object& other) const override {
    // Python compares ranges as the sequences they produce.
    auto* range = dynamic_cast<const RangeObject*>(&other);
    if (!range || range->length_ != length_)
      return false;
    return length_ == 0 || (range->start_ == start_ && (length_ == 1 || range->step_ == step_));
  }

  int64_t at(int64_t index) const {
    return static_cast<int64_t>(start_ + static_cast<__int128>(index) * step_);
  }

  Value getItem(const Value& index, const SrcLoc& loc) override {
    auto i = index.intLike();
    if (!i)
      throw CompileError(loc, "range indices must be integers, not '" + index.typeName() + "'");
    int64_t position = *i < 0 ? *i + length_ : *i; // no overflow: length_ >= 0
    if (position < 0 || position >= length_)
      throw CompileError(loc, "range index " + std::to_string(*i) + " out of range (length " +
                                  std::to_string(length_) + ")");
    return Value::fromInt(at(position));
  }

  std::unique_ptr<ValueIterator> iterate(const SrcLoc&) override {
    class Iterator : public ValueIterator {
    public:
      explicit Iterator(std::shared_ptr<const RangeObject> range) : range_(std::move(range)) {}
      std::optional<Value> next() override {
        if (index_ >= range_->length_)
          return std::nullopt;
        return Value::fromInt(range_->at(index_++));
      }

    private:
      std::shared_ptr<const RangeObject> range_;
      int64_t index_ = 0;
    };
    return std::make_unique<Iterator>(
        std::static_pointer_cast<const RangeObject>(shared_from_this()));
  }

  bool contains(const Value& item, const SrcLoc&) override {
    auto value = item.intLike();
    if (!value || length_ == 0)
      return false;
    __int128 offset = static_cast<__int128>(*value) - start_;
    if (offset % step_ != 0)
      return false;
    __int128 index = offset / step_;
    return index >= 0 && index < length_;
  }

private:
  int64_t start_, stop_, step_;
  int64_t length_ = 0;
};

} // namespace

// A call from the host (runBlock, callFunction, ...). The outermost one
// starts a fresh step budget and stack measurement; builtins that call back
// into the interpreter run inside the budget of the schedule that called them.
class ScheduleInterpreter::EntryGuard {
public:
  explicit EntryGuard(ScheduleInterpreter& interpreter) : interpreter_(interpreter) {
    if (interpreter_.activeEntries_++ == 0) {
      interpreter_.steps_ = 0;
      interpreter_.callDepth_ = 0;
      interpreter_.stackBase_ = currentStackAddress();
    }
  }
  ~EntryGuard() { --interpreter_.activeEntries_; }
  EntryGuard(const EntryGuard&) = delete;
  EntryGuard& operator=(const EntryGuard&) = delete;

private:
  ScheduleInterpreter& interpreter_;
};

ScheduleInterpreter::ScheduleInterpreter(Options options) : options_(options) {
  registerLanguageBuiltins();
}

ScheduleInterpreter::~ScheduleInterpreter() = default;

// ------------------------------------------------------------ host interface

void ScheduleInterpreter::defineGlobal(const std::string& name, Value value) {
  globals_[name] = std::move(value);
}

const Value* ScheduleInterpreter::findGlobal(const std::string& name) const {
  auto it = globals_.find(name);
  return it == globals_.end() ? nullptr : &it->second;
}

void ScheduleInterpreter::addDefs(const std::vector<syntax::ItemPtr>& defs) {
  EntryGuard entry(*this);
  // Defaults are evaluated over the globals; top-level defs close over nothing.
  auto globalScope = std::make_shared<Frame>();
  for (const syntax::ItemPtr& item : defs) {
    if (item->kind != syntax::ItemKind::Def)
      throw CompileError(item->loc, "'" + item->name + "' is not a def");
    globals_[item->name] =
        makeFunction(item->name, item->loc, item->params, item->body, item, *globalScope, {});
  }
}

Value ScheduleInterpreter::callFunction(const Value& callee, const CallArgs& args) {
  EntryGuard entry(*this);
  return call(callee, args);
}

void ScheduleInterpreter::runBlock(const syntax::Block& body) {
  EntryGuard entry(*this);
  auto frame = std::make_shared<Frame>();
  execBlock(body, *frame);
}

Value ScheduleInterpreter::evalExpr(const syntax::Expr& expr) {
  EntryGuard entry(*this);
  auto frame = std::make_shared<Frame>();
  return eval(expr, *frame);
}

// ------------------------------------------------------------ budgets

void ScheduleInterpreter::countStep(const SrcLoc& loc) {
  if (++steps_ > options_.maxSteps)
    failStepLimit(loc);
}

void ScheduleInterpreter::chargeElements(size_t count, const SrcLoc& loc) {
  // Copying containers is real work: without this, `s = s + s` in a
  // bounded loop could run for hours within the step limit.
  steps_ += count / 8;
  if (steps_ > options_.maxSteps)
    failStepLimit(loc);
}

void ScheduleInterpreter::failStepLimit(const SrcLoc& loc) {
  throw CompileError(loc, "schedule step limit (" + std::to_string(options_.maxSteps) +
                              ") exceeded; is a loop not terminating?");
}

void ScheduleInterpreter::checkStack(const SrcLoc& loc) {
  uintptr_t here = currentStackAddress();
  uintptr_t used = here < stackBase_ ? stackBase_ - here : here - stackBase_;
  if (used > options_.stackBudgetBytes)
    failWith(loc, [&] {
      return "schedule nested too deeply: its helper calls, blocks and expressions need more "
             "than " +
             std::to_string(options_.stackBudgetBytes / 1024) + " KiB of stack";
    });
}

// ------------------------------------------------------------ statements

ScheduleInterpreter::Flow ScheduleInterpreter::execBlock(const syntax::Block& block, Frame& frame) {
  for (const syntax::StmtPtr& stmt : block)
    if (Flow flow = execStmt(stmt, frame); flow != Flow::Normal)
      return flow;
  return Flow::Normal;
}

ScheduleInterpreter::Flow ScheduleInterpreter::execStmt(const syntax::StmtPtr& stmtPtr,
                                                        Frame& frame) {
  const Stmt& stmt = *stmtPtr;
  countStep(stmt.loc);
  checkStack(stmt.loc);
  try {
    switch (stmt.kind) {
    case StmtKind::ExprStmt:
      eval(*stmt.value, frame);
      return Flow::Normal;
    case StmtKind::Assign:
      assign(*stmt.targets.at(0), eval(*stmt.value, frame), frame);
      return Flow::Normal;
    case StmtKind::AugAssign:
      execAugAssign(stmt, frame);
      return Flow::Normal;
    case StmtKind::Decl:
      failWith(stmt.loc, [&] {
        return "declarations ('" + stmt.text +
               ": ...') are not allowed in schedules; assign with '='";
      });
    case StmtKind::For:
      return execFor(stmt, frame);
    case StmtKind::While:
      return execWhile(stmt, frame);
    case StmtKind::If:
      return execBlock(eval(*stmt.value, frame).truthy() ? stmt.body : stmt.orelse, frame);
    case StmtKind::Try:
      return execTry(stmt, frame);
    case StmtKind::Def:
      frame.set(stmt.text, makeFunction(stmt.text, stmt.loc, stmt.params, stmt.body, stmtPtr, frame,
                                        frame.weak_from_this()));
      return Flow::Normal;
    case StmtKind::Return:
      if (!frame.function)
        throw CompileError(stmt.loc, "'return' outside of a def");
      frame.returnValue = stmt.value ? eval(*stmt.value, frame) : Value();
      return Flow::Return;
    case StmtKind::Break:
    case StmtKind::Continue:
      if (frame.loopDepth == 0)
        failWith(stmt.loc, [&] {
          return std::string("'") + (stmt.kind == StmtKind::Break ? "break" : "continue") +
                 "' outside of a loop";
        });
      return stmt.kind == StmtKind::Break ? Flow::Break : Flow::Continue;
    case StmtKind::Pass:
      return Flow::Normal;
    case StmtKind::Assert:
      if (!eval(*stmt.value, frame).truthy())
        throw CompileError(stmt.loc, "assertion failed");
      return Flow::Normal;
    }
  } catch (const CompileError&) {
    rethrowAt(stmt.loc);
  }
  return Flow::Normal;
}

ScheduleInterpreter::Flow ScheduleInterpreter::execFor(const syntax::Stmt& stmt, Frame& frame) {
  Value iterable = eval(*stmt.value, frame);
  auto iterator = iterateValue(iterable, stmt.value->loc);
  ScopedIncrement inLoop(frame.loopDepth);
  while (auto item = iterator->next()) {
    assignNames(stmt.names, std::move(*item), stmt.loc, frame);
    Flow flow = execBlock(stmt.body, frame);
    if (flow == Flow::Break)
      break;
    if (flow == Flow::Return)
      return flow;
  }
  return Flow::Normal;
}

ScheduleInterpreter::Flow ScheduleInterpreter::execWhile(const syntax::Stmt& stmt, Frame& frame) {
  ScopedIncrement inLoop(frame.loopDepth);
  while (eval(*stmt.value, frame).truthy()) {
    Flow flow = execBlock(stmt.body, frame);
    if (flow == Flow::Break)
      break;
    if (flow == Flow::Return)
      return flow;
  }
  return Flow::Normal;
}

ScheduleInterpreter::Flow ScheduleInterpreter::execTry(const syntax::Stmt& stmt, Frame& frame) {
  // Only refused directives can be caught; naming another class would
  // suggest that it is caught too.
  if (!stmt.text.empty() && stmt.text != "SchedulingError" && stmt.text != "Exception")
    throw CompileError(stmt.loc, "'except " + stmt.text +
                                     ":' is not supported: only refused directives can be "
                                     "caught, with 'except:' or 'except SchedulingError:'");
  try {
    return execBlock(stmt.body, frame);
  } catch (const DirectiveRefused&) {
    // handled below, outside the handler, so that the exception is freed first
  }
  return execBlock(stmt.orelse, frame);
}

void ScheduleInterpreter::execAugAssign(const syntax::Stmt& stmt, Frame& frame) {
  const Expr& target = *stmt.targets.at(0);
  const std::string op = stmt.text.substr(0, stmt.text.size() - 1); // "+=" -> "+"
  auto update = [&](const Value& current) {
    Value rhs = eval(*stmt.value, frame);
    // `xs += ys` extends the list in place (every holder of xs sees it), as in Python.
    if (current.isList() && (op == "+" || op == "*")) {
      std::vector<Value>& items = current.listItems();
      std::vector<Value> added;
      if (op == "+") {
        added = collectValues(rhs, stmt.value->loc);
      } else {
        auto times = rhs.intLike();
        if (!times)
          throw CompileError(stmt.loc,
                             "can't multiply sequence by non-int of type '" + rhs.typeName() + "'");
        Value repeated = binaryOp("*", current, rhs, stmt.loc);
        items = repeated.listItems();
        return current;
      }
      if (items.size() + added.size() > kMaxSequenceLength)
        throw CompileError(stmt.loc, "list too long (more than " +
                                         std::to_string(kMaxSequenceLength) + " elements)");
      chargeElements(added.size(), stmt.loc);
      items.insert(items.end(), added.begin(), added.end());
      return current;
    }
    return binaryOp(op, current, rhs, stmt.loc);
  };

  if (target.kind == ExprKind::Name) {
    frame.set(target.text, update(lookup(target.text, target.loc, frame)));
    return;
  }
  if (target.kind == ExprKind::Subscript && target.args.size() == 1 &&
      target.args[0]->kind != ExprKind::Slice) {
    Value base = eval(*target.base, frame);
    Value index = eval(*target.args[0], frame);
    if (!base.isList())
      throw CompileError(target.loc,
                         "'" + base.typeName() + "' object does not support item assignment");
    size_t position = normalizeIndex(index, base.listItems().size(), "list", target.args[0]->loc);
    // A copy: evaluating the right-hand side may resize the list (`xs[0] += xs.pop()`).
    Value current = base.listItems()[position];
    Value updated = update(current);
    position = normalizeIndex(index, base.listItems().size(), "list", target.args[0]->loc);
    base.listItems()[position] = std::move(updated);
    return;
  }
  throw CompileError(target.loc, "'" + stmt.text + "' needs a name or a list item on its left");
}

Value ScheduleInterpreter::makeFunction(const std::string& name, const SrcLoc& loc,
                                        const std::vector<syntax::Param>& params,
                                        const syntax::Block& body,
                                        std::shared_ptr<const void> owner, Frame& definingFrame,
                                        std::weak_ptr<Frame> enclosing) {
  auto function = std::make_shared<FunctionData>();
  function->name = name;
  function->loc = loc;
  function->body = &body;
  function->syntaxOwner = std::move(owner);
  function->enclosing = std::move(enclosing);
  bool sawDefault = false;
  for (const syntax::Param& param : params) {
    for (const ParamSpec& earlier : function->params)
      if (earlier.name == param.name)
        throw CompileError(param.loc, "duplicate parameter '" + param.name + "' in '" + name + "'");
    ParamSpec spec{param.name, std::nullopt};
    if (param.defaultValue) {
      spec.defaultValue = eval(*param.defaultValue, definingFrame);
      sawDefault = true;
    } else if (sawDefault) {
      throw CompileError(param.loc, "parameter '" + param.name +
                                        "' without a default follows one with a default");
    }
    function->params.push_back(std::move(spec));
  }
  return Value::fromFunction(std::move(function));
}

// ------------------------------------------------------------ assignment

void ScheduleInterpreter::assign(const syntax::Expr& target, Value value, Frame& frame) {
  switch (target.kind) {
  case ExprKind::Name:
    frame.set(target.text, std::move(value));
    return;
  case ExprKind::Tuple:
  case ExprKind::List: {
    std::vector<Value> values = unpack(value, target.args.size(), target.loc);
    for (size_t i = 0; i < values.size(); ++i)
      assign(*target.args[i], std::move(values[i]), frame);
    return;
  }
  case ExprKind::Subscript: {
    Value base = eval(*target.base, frame);
    if (target.args.size() != 1 || target.args[0]->kind == ExprKind::Slice)
      throw CompileError(target.loc, "only one item can be assigned at a time ('xs[i] = v')");
    Value index = eval(*target.args[0], frame);
    if (!base.isList())
      throw CompileError(target.loc,
                         "'" + base.typeName() + "' object does not support item assignment");
    std::vector<Value>& items = base.listItems();
    items[normalizeIndex(index, items.size(), "list", target.args[0]->loc)] = std::move(value);
    return;
  }
  case ExprKind::Attribute:
    throw CompileError(target.loc, "cannot assign to attribute '" + target.text + "'");
  default:
    throw CompileError(target.loc, "cannot assign to this expression");
  }
}

void ScheduleInterpreter::assignNames(const std::vector<std::string>& names, Value value,
                                      const SrcLoc& loc, Frame& frame) {
  if (names.size() == 1) {
    frame.set(names[0], std::move(value));
    return;
  }
  std::vector<Value> values = unpack(value, names.size(), loc);
  for (size_t i = 0; i < names.size(); ++i)
    frame.set(names[i], std::move(values[i]));
}

std::vector<Value> ScheduleInterpreter::unpack(const Value& value, size_t count,
                                               const SrcLoc& loc) {
  std::string expected = "(expected " + std::to_string(count);
  if (const auto* items = value.sequenceItems()) {
    if (items->size() < count)
      throw CompileError(loc, "not enough values to unpack " + expected + ", got " +
                                  std::to_string(items->size()) + ")");
    if (items->size() > count)
      throw CompileError(loc, "too many values to unpack " + expected + ", got " +
                                  std::to_string(items->size()) + ")");
    return *items;
  }
  if (!value.isStr() && !value.isObject())
    throw CompileError(loc, "cannot unpack non-iterable " + value.typeName() + " object");
  std::vector<Value> out;
  auto iterator = iterateValue(value, loc);
  // Stops one past the count: the iterable may be endless.
  while (out.size() <= count) {
    auto item = iterator->next();
    if (!item)
      break;
    out.push_back(std::move(*item));
  }
  if (out.size() < count)
    throw CompileError(loc, "not enough values to unpack " + expected + ", got " +
                                std::to_string(out.size()) + ")");
  if (out.size() > count)
    throw CompileError(loc, "too many values to unpack " + expected + ")");
  return out;
}

// ------------------------------------------------------------ expressions

Value ScheduleInterpreter::eval(const syntax::Expr& expr, Frame& frame) {
  checkStack(expr.loc);
  switch (expr.kind) {
  case ExprKind::Name:
    return lookup(expr.text, expr.loc, frame);
  case ExprKind::Int:
    return Value::fromInt(expr.intValue);
  case ExprKind::Float:
    failWith(expr.loc, [&] {
      return "float literal '" + expr.text + "' in a schedule: the schedule language has only ints";
    });
  case ExprKind::Str:
    return Value::fromStr(expr.text);
  case ExprKind::FStr:
    return evalFString(expr, frame);
  case ExprKind::Bool:
    return Value::fromBool(expr.intValue != 0);
  case ExprKind::None:
    return Value();
  case ExprKind::BinOp:
    return evalBinary(expr, frame);
  case ExprKind::UnOp:
    return evalUnary(expr, frame);
  case ExprKind::Compare:
    return evalCompare(expr, frame);
  case ExprKind::Call:
    return evalCall(expr, frame);
  case ExprKind::Attribute:
    return evalAttribute(expr, frame);
  case ExprKind::Subscript:
    return evalSubscript(expr, frame);
  case ExprKind::Slice:
    throw CompileError(expr.loc, "a slice 'lo:hi' is only allowed inside [...]");
  case ExprKind::List:
  case ExprKind::Tuple:
    return evalSequence(expr, frame);
  }
  failWith(expr.loc, [] { return std::string("unsupported expression in a schedule"); });
}

Value ScheduleInterpreter::evalSequence(const syntax::Expr& expr, Frame& frame) {
  std::vector<Value> items;
  items.reserve(expr.args.size());
  for (const syntax::ExprPtr& item : expr.args)
    items.push_back(eval(*item, frame));
  return expr.kind == ExprKind::List ? Value::newList(std::move(items))
                                     : Value::newTuple(std::move(items));
}

Value ScheduleInterpreter::lookup(const std::string& name, const SrcLoc& loc, Frame& frame) {
  if (Value* local = frame.find(name))
    return *local;
  for (std::shared_ptr<Frame> outer = frame.enclosing.lock(); outer;
       outer = outer->enclosing.lock())
    if (Value* captured = outer->find(name))
      return *captured;
  if (auto global = globals_.find(name); global != globals_.end())
    return global->second;
  if (auto builtin = builtins_.find(name); builtin != builtins_.end())
    return builtin->second;
  failWith(loc, [&] { return "name '" + name + "' is not defined"; });
}

Value ScheduleInterpreter::evalFString(const syntax::Expr& expr, Frame& frame) {
  std::string text;
  for (const syntax::ExprPtr& part : expr.args) {
    text += part->kind == ExprKind::Str ? part->text : eval(*part, frame).str();
    if (text.size() > kMaxSequenceLength)
      throw CompileError(expr.loc, "string too long (more than " +
                                       std::to_string(kMaxSequenceLength) + " characters)");
  }
  return Value::fromStr(std::move(text));
}

Value ScheduleInterpreter::evalBinary(const syntax::Expr& expr, Frame& frame) {
  const std::string& op = expr.text;
  // `and`/`or` short-circuit and yield an operand, as in Python.
  if (op == "and" || op == "or") {
    Value lhs = eval(*expr.args[0], frame);
    if (lhs.truthy() == (op == "or"))
      return lhs;
    return eval(*expr.args[1], frame);
  }
  Value lhs = eval(*expr.args[0], frame);
  Value rhs = eval(*expr.args[1], frame);
  return binaryOp(op, lhs, rhs, expr.loc);
}

Value ScheduleInterpreter::binaryOp(const std::string& op, const Value& lhs, const Value& rhs,
                                    const SrcLoc& loc) {
  auto a = lhs.intLike();
  auto b = rhs.intLike();
  if (a && b)
    return intOp(op, *a, *b, loc);
  auto tooLong = [&](size_t length) {
    if (length > kMaxSequenceLength)
      throw CompileError(loc, "result of '" + op + "' too long (more than " +
                                  std::to_string(kMaxSequenceLength) + " elements)");
    chargeElements(length, loc);
  };
  if (op == "+") {
    if (lhs.isStr() && rhs.isStr()) {
      tooLong(lhs.asStr().size() + rhs.asStr().size());
      return Value::fromStr(lhs.asStr() + rhs.asStr());
    }
    if ((lhs.isList() && rhs.isList()) || (lhs.isTuple() && rhs.isTuple())) {
      const auto& x = *lhs.sequenceItems();
      const auto& y = *rhs.sequenceItems();
      tooLong(x.size() + y.size());
      std::vector<Value> items;
      items.reserve(x.size() + y.size());
      items.insert(items.end(), x.begin(), x.end());
      items.insert(items.end(), y.begin(), y.end());
      return lhs.isList() ? Value::newList(std::move(items)) : Value::newTuple(std::move(items));
    }
  }
  if (op == "*" && (a || b)) {
    const Value& sequence = a ? rhs : lhs;
    int64_t times = std::max<int64_t>(a ? *a : *b, 0);
    size_t size = sequence.isStr()           ? sequence.asStr().size()
                  : sequence.sequenceItems() ? sequence.sequenceItems()->size()
                                             : SIZE_MAX;
    if (size != SIZE_MAX) {
      if (size != 0 && static_cast<uint64_t>(times) > kMaxSequenceLength / size)
        tooLong(kMaxSequenceLength + 1);
      tooLong(size * static_cast<size_t>(times));
      if (sequence.isStr()) {
        std::string text;
        text.reserve(size * static_cast<size_t>(times));
        for (int64_t i = 0; i < times; ++i)
          text += sequence.asStr();
        return Value::fromStr(std::move(text));
      }
      std::vector<Value> items;
      items.reserve(size * static_cast<size_t>(times));
      for (int64_t i = 0; i < times; ++i)
        items.insert(items.end(), sequence.sequenceItems()->begin(),
                     sequence.sequenceItems()->end());
      return sequence.isList() ? Value::newList(std::move(items))
                               : Value::newTuple(std::move(items));
    }
  }
  if (op == "/")
    throw CompileError(loc, "'/' is not supported in schedules: use '//' for integer division");
  throw CompileError(loc, "unsupported operand types for " + op + ": '" + lhs.typeName() +
                              "' and '" + rhs.typeName() + "'");
}

Value ScheduleInterpreter::evalUnary(const syntax::Expr& expr, Frame& frame) {
  Value operand = eval(*expr.args[0], frame);
  if (expr.text == "not")
    return Value::fromBool(!operand.truthy());
  auto value = operand.intLike();
  if (!value)
    failWith(expr.loc, [&] {
      return "bad operand type for unary " + expr.text + ": '" + operand.typeName() + "'";
    });
  if (expr.text == "+")
    return Value::fromInt(*value);
  if (*value == std::numeric_limits<int64_t>::min())
    failOverflow("-", expr.loc);
  return Value::fromInt(-*value);
}

Value ScheduleInterpreter::evalCompare(const syntax::Expr& expr, Frame& frame) {
  Value lhs = eval(*expr.args[0], frame);
  Value rhs = eval(*expr.args[1], frame);
  const std::string& op = expr.text;
  return locatedAt(expr.loc, [&] {
    if (op == "==" || op == "!=")
      return Value::fromBool(lhs.equals(rhs) == (op == "=="));
    if (op == "in" || op == "not in")
      return Value::fromBool(containsValue(rhs, lhs, expr.loc) == (op == "in"));
    int order = compareOrder(lhs, rhs, op, expr.loc);
    bool result = op == "<"    ? order < 0
                  : op == "<=" ? order <= 0
                  : op == ">"  ? order > 0
                               : order >= 0;
    return Value::fromBool(result);
  });
}

int ScheduleInterpreter::compareOrder(const Value& lhs, const Value& rhs, const std::string& op,
                                      const SrcLoc& loc, int depth) {
  auto a = lhs.intLike();
  auto b = rhs.intLike();
  if (a && b)
    return (*a > *b) - (*a < *b);
  if (lhs.isStr() && rhs.isStr()) {
    int c = lhs.asStr().compare(rhs.asStr());
    return (c > 0) - (c < 0);
  }
  if ((lhs.isList() && rhs.isList()) || (lhs.isTuple() && rhs.isTuple())) {
    if (depth >= kMaxOrderDepth)
      failWith(loc, [] {
        return "cannot compare values nested more than " + std::to_string(kMaxOrderDepth) +
               " levels deep";
      });
    const auto& x = *lhs.sequenceItems();
    const auto& y = *rhs.sequenceItems();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (!x[i].equals(y[i]))
        return compareOrder(x[i], y[i], op, loc, depth + 1);
    return (x.size() > y.size()) - (x.size() < y.size());
  }
  failWith(loc, [&] {
    return "'" + op + "' not supported between '" + lhs.typeName() + "' and '" + rhs.typeName() +
           "'";
  });
}

Value ScheduleInterpreter::evalCall(const syntax::Expr& expr, Frame& frame) {
  Value callee = eval(*expr.base, frame);
  CallArgs args;
  // For `cursor.parent()` the method name is the best place to point at.
  args.loc = expr.base->kind == ExprKind::Attribute ? expr.base->loc : expr.loc;
  args.positional.reserve(expr.args.size());
  args.positionalLocs.reserve(expr.args.size());
  for (const syntax::ExprPtr& arg : expr.args) {
    args.positional.push_back(eval(*arg, frame));
    args.positionalLocs.push_back(arg->loc);
  }
  for (const auto& [name, valueExpr] : expr.kwargs) {
    if (args.keyword(name))
      failWith(valueExpr->loc, [&] { return "keyword argument '" + name + "' repeated"; });
    args.keywords.emplace_back(name, eval(*valueExpr, frame));
    args.keywordLocs.push_back(valueExpr->loc);
  }
  return call(callee, args);
}

Value ScheduleInterpreter::call(const Value& callee, const CallArgs& args) {
  switch (callee.kind()) {
  case Value::Kind::Function:
    return callUser(callee.asFunction(), args);
  case Value::Kind::Builtin:
    return callBuiltin(callee.asBuiltin(), args);
  default:
    failWith(args.loc, [&] { return "'" + callee.typeName() + "' object is not callable"; });
  }
}

Value ScheduleInterpreter::callUser(const FunctionData& function, const CallArgs& args) {
  countStep(args.loc);
  if (callDepth_ >= options_.maxCallDepth)
    failWith(args.loc, [&] {
      return "helper calls nested more than " + std::to_string(options_.maxCallDepth) +
             " deep (calling '" + function.name + "'); is a helper recursing without end?";
    });
  checkStack(args.loc);
  BoundArgs bound = bindArguments(args, function.name, function.params);
  auto frame = std::make_shared<Frame>();
  frame->function = &function;
  frame->enclosing = function.enclosing;
  for (size_t i = 0; i < function.params.size(); ++i)
    frame->set(function.params[i].name, std::move(bound.values[i]));
  ScopedIncrement depth(callDepth_);
  try {
    execBlock(*function.body, *frame);
  } catch (CompileError& e) {
    // One note per helper being run, innermost first, up to a cut-off.
    size_t notes = e.notes().size();
    if (notes < kMaxCallNotes)
      e.addNote(args.loc, "in helper '" + function.name + "' called here");
    else if (notes == kMaxCallNotes)
      e.addNote(args.loc, "in helper '" + function.name + "' called here (outer calls omitted)");
    throw;
  }
  return std::move(frame->returnValue);
}

Value ScheduleInterpreter::callBuiltin(const BuiltinData& builtin, const CallArgs& args) {
  countStep(args.loc);
  return locatedAt(args.loc, [&] { return builtin.fn(args); });
}

Value ScheduleInterpreter::evalSubscript(const syntax::Expr& expr, Frame& frame) {
  Value base = eval(*expr.base, frame);
  if (expr.args.size() == 1 && expr.args[0]->kind == ExprKind::Slice) {
    const Expr& slice = *expr.args[0];
    std::optional<int64_t> lo = evalSliceBound(slice.args[0], frame);
    std::optional<int64_t> hi = evalSliceBound(slice.args[1], frame);
    if (base.isStr()) {
      auto [begin, end] = sliceBounds(lo, hi, base.asStr().size());
      return Value::fromStr(base.asStr().substr(begin, end - begin));
    }
    if (const auto* items = base.sequenceItems()) {
      auto [begin, end] = sliceBounds(lo, hi, items->size());
      std::vector<Value> part(items->begin() + static_cast<std::ptrdiff_t>(begin),
                              items->begin() + static_cast<std::ptrdiff_t>(end));
      return base.isList() ? Value::newList(std::move(part)) : Value::newTuple(std::move(part));
    }
    if (base.isObject())
      return locatedAt(slice.loc, [&] { return base.asObject()->getSlice(lo, hi, slice.loc); });
    failWith(expr.loc, [&] { return "'" + base.typeName() + "' object is not subscriptable"; });
  }

  Value index;
  if (expr.args.size() == 1) {
    index = eval(*expr.args[0], frame);
  } else {
    std::vector<Value> indices;
    for (const syntax::ExprPtr& arg : expr.args) {
      if (arg->kind == ExprKind::Slice)
        failWith(arg->loc,
                 [] { return std::string("slices cannot be combined with other indices"); });
      indices.push_back(eval(*arg, frame));
    }
    index = Value::newTuple(std::move(indices));
  }
  const SrcLoc& indexLoc = expr.args.size() == 1 ? expr.args[0]->loc : expr.loc;
  if (base.isStr())
    return Value::fromStr(std::string(
        1, base.asStr()[normalizeIndex(index, base.asStr().size(), "string", indexLoc)]));
  if (const auto* items = base.sequenceItems())
    return (*items)[normalizeIndex(index, items->size(), base.typeName(), indexLoc)];
  if (base.isObject())
    return locatedAt(indexLoc, [&] { return base.asObject()->getItem(index, indexLoc); });
  failWith(expr.loc, [&] { return "'" + base.typeName() + "' object is not subscriptable"; });
}

std::optional<int64_t> ScheduleInterpreter::evalSliceBound(const syntax::ExprPtr& bound,
                                                           Frame& frame) {
  if (!bound)
    return std::nullopt;
  Value value = eval(*bound, frame);
  if (value.isNone())
    return std::nullopt;
  if (auto i = value.intLike())
    return i;
  throw CompileError(bound->loc,
                     "slice indices must be integers or None, not '" + value.typeName() + "'");
}

Value ScheduleInterpreter::evalAttribute(const syntax::Expr& expr, Frame& frame) {
  Value base = eval(*expr.base, frame);
  const std::string& name = expr.text;
  if (base.isObject())
    return locatedAt(expr.loc, [&] { return base.asObject()->getAttribute(name, expr.loc); });

  if (base.isList()) {
    // Methods hold the list itself, so `add = xs.append` appends to xs.
    if (name == "append")
      return Value::newBuiltin("list.append", [base](const CallArgs& args) {
        BoundArgs bound = bindArguments(args, "append", {{"item", std::nullopt}});
        if (base.listItems().size() >= kMaxSequenceLength)
          throw CompileError(args.loc, "list too long (more than " +
                                           std::to_string(kMaxSequenceLength) + " elements)");
        base.listItems().push_back(bound[0]);
        return Value();
      });
    if (name == "extend")
      return Value::newBuiltin("list.extend", [this, base](const CallArgs& args) {
        BoundArgs bound = bindArguments(args, "extend", {{"iterable", std::nullopt}});
        std::vector<Value> added = collectValues(bound[0], bound.locs[0]);
        if (base.listItems().size() + added.size() > kMaxSequenceLength)
          throw CompileError(args.loc, "list too long (more than " +
                                           std::to_string(kMaxSequenceLength) + " elements)");
        chargeElements(added.size(), args.loc);
        base.listItems().insert(base.listItems().end(), added.begin(), added.end());
        return Value();
      });
    if (name == "pop")
      return Value::newBuiltin("list.pop", [base](const CallArgs& args) {
        BoundArgs bound = bindArguments(args, "pop", {{"index", Value::fromInt(-1)}});
        std::vector<Value>& items = base.listItems();
        if (items.empty())
          throw CompileError(args.loc, "pop from empty list");
        size_t position = normalizeIndex(bound[0], items.size(), "pop", bound.locs[0]);
        Value item = std::move(items[position]);
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(position));
        return item;
      });
  }
  if (base.isStr() && name == "join")
    return Value::newBuiltin("str.join", [this, base](const CallArgs& args) {
      BoundArgs bound = bindArguments(args, "join", {{"iterable", std::nullopt}});
      std::vector<Value> parts = collectValues(bound[0], bound.locs[0]);
      std::string text;
      for (size_t i = 0; i < parts.size(); ++i) {
        if (!parts[i].isStr())
          throw CompileError(bound.locs[0], "join: item " + std::to_string(i) +
                                                " must be a str, not '" + parts[i].typeName() +
                                                "'");
        if (i)
          text += base.asStr();
        text += parts[i].asStr();
        if (text.size() > kMaxSequenceLength)
          throw CompileError(args.loc, "string too long (more than " +
                                           std::to_string(kMaxSequenceLength) + " characters)");
      }
      chargeElements(text.size(), args.loc);
      return Value::fromStr(std::move(text));
    });
  throw CompileError(expr.loc, "'" + base.typeName() + "' object has no attribute '" + name + "'");
}

// ------------------------------------------------------------ builtins

std::ostream& ScheduleInterpreter::printStream() const {
  return options_.printStream ? *options_.printStream : std::cerr;
}

void ScheduleInterpreter::defineBuiltin(const std::string& name, BuiltinFn fn) {
  builtins_[name] = Value::newBuiltin(name, std::move(fn));
}

void ScheduleInterpreter::registerLanguageBuiltins() {
  // Builtins with a fixed signature bind it like a def would.
  auto noKeywords = [](const CallArgs& args, const std::string& name) {
    if (!args.keywords.empty())
      throw CompileError(args.keywordLoc(0), "'" + name + "' takes no keyword arguments");
  };
  auto argCount = [noKeywords](const CallArgs& args, const std::string& name, size_t least,
                               size_t most) {
    noKeywords(args, name);
    size_t given = args.positional.size();
    if (given < least || given > most) {
      std::string range = least == most ? std::to_string(least)
                                        : std::to_string(least) + " to " + std::to_string(most);
      throw CompileError(args.loc, "'" + name + "' takes " + range + " argument" +
                                       (most == 1 ? "" : "s") + " (" + std::to_string(given) +
                                       " given)");
    }
  };

  defineBuiltin("range", [argCount](const CallArgs& args) {
    argCount(args, "range", 1, 3);
    auto bound = [&](size_t i) {
      return args.positional[i].requireInt(args.positionalLoc(i), "range() argument");
    };
    int64_t start = 0, stop = 0, step = 1;
    if (args.positional.size() == 1) {
      stop = bound(0);
    } else {
      start = bound(0);
      stop = bound(1);
      if (args.positional.size() == 3)
        step = bound(2);
    }
    if (step == 0)
      throw CompileError(args.positionalLoc(2), "range() step must not be zero");
    return Value::fromObject(std::make_shared<RangeObject>(start, stop, step, args.loc));
  });

  defineBuiltin("len", [argCount](const CallArgs& args) {
    argCount(args, "len", 1, 1);
    const Value& value = args.positional[0];
    if (value.isStr())
      return Value::fromInt(static_cast<int64_t>(value.asStr().size()));
    if (const auto* items = value.sequenceItems())
      return Value::fromInt(static_cast<int64_t>(items->size()));
    if (value.isObject())
      if (auto length = value.asObject()->length())
        return Value::fromInt(*length);
    throw CompileError(args.positionalLoc(0),
                       "object of type '" + value.typeName() + "' has no len()");
  });

  defineBuiltin("print", [this](const CallArgs& args) {
    std::string separator = " ", end = "\n";
    for (size_t k = 0; k < args.keywords.size(); ++k) {
      const auto& [name, value] = args.keywords[k];
      if (name == "sep")
        separator = value.requireStr(args.keywordLoc(k), "print() argument 'sep'");
      else if (name == "end")
        end = value.requireStr(args.keywordLoc(k), "print() argument 'end'");
      else
        throw CompileError(args.keywordLoc(k),
                           "'print' got an unexpected keyword argument '" + name + "'");
    }
    std::ostream& out = printStream();
    for (size_t i = 0; i < args.positional.size(); ++i)
      out << (i ? separator : "") << args.positional[i].str();
    out << end;
    return Value();
  });

  defineBuiltin("str", [argCount](const CallArgs& args) {
    argCount(args, "str", 0, 1);
    return Value::fromStr(args.positional.empty() ? "" : args.positional[0].str());
  });

  defineBuiltin("repr", [argCount](const CallArgs& args) {
    argCount(args, "repr", 1, 1);
    return Value::fromStr(args.positional[0].repr());
  });

  defineBuiltin("int", [argCount](const CallArgs& args) {
    argCount(args, "int", 0, 1);
    if (args.positional.empty())
      return Value::fromInt(0);
    const Value& value = args.positional[0];
    if (auto i = value.intLike())
      return Value::fromInt(*i);
    if (value.isStr()) {
      const std::string& text = value.asStr();
      size_t digitsAt = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
      bool valid = text.size() > digitsAt &&
                   std::all_of(text.begin() + static_cast<std::ptrdiff_t>(digitsAt), text.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
      if (valid) {
        try {
          return Value::fromInt(std::stoll(text));
        } catch (const std::out_of_range&) {
          throw CompileError(args.positionalLoc(0),
                             "int() of " + quoteString(text) + ": too large for a 64-bit int");
        }
      }
      throw CompileError(args.positionalLoc(0), "invalid literal for int(): " + quoteString(text));
    }
    throw CompileError(args.positionalLoc(0),
                       "int() argument must be a str or an int, not '" + value.typeName() + "'");
  });

  defineBuiltin("bool", [argCount](const CallArgs& args) {
    argCount(args, "bool", 0, 1);
    return Value::fromBool(!args.positional.empty() && args.positional[0].truthy());
  });

  defineBuiltin("abs", [argCount](const CallArgs& args) {
    argCount(args, "abs", 1, 1);
    auto i = args.positional[0].intLike();
    if (!i)
      throw CompileError(args.positionalLoc(0),
                         "bad operand type for abs(): '" + args.positional[0].typeName() + "'");
    if (*i == std::numeric_limits<int64_t>::min())
      failOverflow("abs", args.loc);
    return Value::fromInt(*i < 0 ? -*i : *i);
  });

  // min(a, b, ...) or min(iterable), as in Python (without key=).
  auto extremum = [this, noKeywords](const std::string& name, bool wantMax) {
    return [this, noKeywords, name, wantMax](const CallArgs& args) {
      noKeywords(args, name);
      if (args.positional.empty())
        throw CompileError(args.loc, "'" + name + "' expected at least 1 argument (0 given)");
      std::vector<Value> items = args.positional.size() == 1
                                     ? collectValues(args.positional[0], args.positionalLoc(0))
                                     : args.positional;
      if (items.empty())
        throw CompileError(args.positionalLoc(0), "'" + name + "' of an empty sequence");
      size_t best = 0;
      for (size_t i = 1; i < items.size(); ++i) {
        int order = compareOrder(items[i], items[best], "<", args.loc);
        if (wantMax ? order > 0 : order < 0)
          best = i;
      }
      return items[best];
    };
  };
  defineBuiltin("min", extremum("min", false));
  defineBuiltin("max", extremum("max", true));

  defineBuiltin("list", [this, argCount](const CallArgs& args) {
    argCount(args, "list", 0, 1);
    if (args.positional.empty())
      return Value::newList();
    std::vector<Value> items = collectValues(args.positional[0], args.positionalLoc(0));
    chargeElements(items.size(), args.loc);
    return Value::newList(std::move(items));
  });

  defineBuiltin("tuple", [this, argCount](const CallArgs& args) {
    argCount(args, "tuple", 0, 1);
    if (args.positional.empty())
      return Value::newTuple();
    std::vector<Value> items = collectValues(args.positional[0], args.positionalLoc(0));
    chargeElements(items.size(), args.loc);
    return Value::newTuple(std::move(items));
  });

  // isinstance(x, list|tuple|str|int|bool): helpers accept one item or a
  // list of them, as Exo's stdlib does.
  defineBuiltin("isinstance", [argCount](const CallArgs& args) {
    argCount(args, "isinstance", 2, 2);
    const Value& type = args.positional[1];
    const Value& x = args.positional[0];
    std::string typeName = type.isBuiltin() ? type.asBuiltin().name : "";
    if (typeName == "list")
      return Value::fromBool(x.isList());
    if (typeName == "tuple")
      return Value::fromBool(x.isTuple());
    if (typeName == "str")
      return Value::fromBool(x.isStr());
    if (typeName == "int")
      return Value::fromBool(x.isInt());
    if (typeName == "bool")
      return Value::fromBool(x.kind() == Value::Kind::Bool);
    throw CompileError(args.positionalLoc(1),
                       "isinstance(): the second argument must be list, tuple, str, int or bool");
  });

  // enumerate, zip and reversed build lists rather than lazy iterators: the
  // schedule language iterates small sequences, and a list prints plainly.
  defineBuiltin("enumerate", [this](const CallArgs& args) {
    BoundArgs bound = bindArguments(args, "enumerate",
                                    {{"iterable", std::nullopt}, {"start", Value::fromInt(0)}});
    int64_t start = bound[1].requireInt(bound.locs[1], "enumerate() argument 'start'");
    std::vector<Value> items = collectValues(bound[0], bound.locs[0]);
    chargeElements(items.size(), args.loc);
    std::vector<Value> pairs;
    pairs.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      int64_t index = 0;
      if (__builtin_add_overflow(start, static_cast<int64_t>(i), &index))
        failOverflow("enumerate", args.loc);
      pairs.push_back(Value::newTuple({Value::fromInt(index), std::move(items[i])}));
    }
    return Value::newList(std::move(pairs));
  });

  defineBuiltin("zip", [this, noKeywords](const CallArgs& args) {
    noKeywords(args, "zip");
    std::vector<std::vector<Value>> columns;
    size_t rows = SIZE_MAX;
    for (size_t i = 0; i < args.positional.size(); ++i) {
      columns.push_back(collectValues(args.positional[i], args.positionalLoc(i)));
      rows = std::min(rows, columns.back().size());
    }
    if (columns.empty())
      rows = 0;
    chargeElements(rows * columns.size(), args.loc);
    std::vector<Value> out;
    out.reserve(rows);
    for (size_t r = 0; r < rows; ++r) {
      std::vector<Value> row;
      row.reserve(columns.size());
      for (auto& column : columns)
        row.push_back(std::move(column[r]));
      out.push_back(Value::newTuple(std::move(row)));
    }
    return Value::newList(std::move(out));
  });

  defineBuiltin("reversed", [this, argCount](const CallArgs& args) {
    argCount(args, "reversed", 1, 1);
    std::vector<Value> items = collectValues(args.positional[0], args.positionalLoc(0));
    chargeElements(items.size(), args.loc);
    std::reverse(items.begin(), items.end());
    return Value::newList(std::move(items));
  });
}

} // namespace schedc::sched
