// Values of the schedule language, the small Python subset that `schedule`
// blocks and `def` helpers are written in (passes/ScheduleInterpreter.h runs
// them).
//
// A Value is a cheap handle (24 bytes): scalars are stored inline, everything
// else is shared by reference as in Python, so a list passed to a helper and
// appended to there is the caller's list too. Host objects (cursors, procs,
// memories) subclass Object; the interpreter reaches them only through its
// virtual interface, so scheduling primitives plug in without the
// interpreter knowing them.
#pragma once

#include "ir/Syntax.h"
#include "support/Diagnostics.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace schedc::sched {

// A scheduling directive that cannot be applied (an illegal rewrite, a pattern
// that matches nothing, ...). It is the only error a schedule's
// `try:`/`except:` catches; every other CompileError (unknown names, type
// errors, the step limit) stops the schedule. A directive that throws it must
// leave the proc as it was, since the schedule may go on after catching it.
class DirectiveRefused : public CompileError {
public:
  using CompileError::CompileError;
};

class Value;
class Object;
struct CallArgs;
class Frame; // one helper call's variables; defined by the interpreter

// Containers refuse to grow past this many elements (or characters): no
// schedule needs more, and the cap keeps `[0] * 10**12` a located error
// instead of an out-of-memory crash.
inline constexpr size_t kMaxSequenceLength = size_t{1} << 20;

using BuiltinFn = std::function<Value(const CallArgs&)>;

struct SequenceData;
struct ListData;
struct TupleData;
struct FunctionData;
struct BuiltinData;

class Value {
public:
  // The order matches the alternatives of the variant below.
  enum class Kind : uint8_t { None, Bool, Int, Str, List, Tuple, Function, Builtin, Object };

  Value() = default; // None

  static Value none() { return Value(); }
  static Value fromBool(bool value);
  static Value fromInt(int64_t value);
  static Value fromStr(std::string value);
  static Value newList(std::vector<Value> items = {});
  static Value newTuple(std::vector<Value> items = {});
  static Value fromFunction(std::shared_ptr<const FunctionData> function);
  static Value newBuiltin(std::string name, BuiltinFn fn);
  static Value fromObject(std::shared_ptr<Object> object);

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool isNone() const { return kind() == Kind::None; }
  bool isBool() const { return kind() == Kind::Bool; }
  bool isInt() const { return kind() == Kind::Int; }
  bool isStr() const { return kind() == Kind::Str; }
  bool isList() const { return kind() == Kind::List; }
  bool isTuple() const { return kind() == Kind::Tuple; }
  bool isFunction() const { return kind() == Kind::Function; }
  bool isBuiltin() const { return kind() == Kind::Builtin; }
  bool isObject() const { return kind() == Kind::Object; }
  bool isCallable() const { return isFunction() || isBuiltin(); }

  // Accessors for a known kind; a mismatch is a bug in the caller (std::bad_variant_access).
  bool asBool() const { return std::get<bool>(data_); }
  int64_t asInt() const { return std::get<int64_t>(data_); }
  const std::string& asStr() const { return *std::get<std::shared_ptr<const std::string>>(data_); }
  std::vector<Value>& listItems() const; // the shared list: writes are seen by every holder
  const std::vector<Value>& tupleItems() const;
  const FunctionData& asFunction() const { return *std::get<FunctionPtr>(data_); }
  const std::shared_ptr<const FunctionData>& functionPtr() const {
    return std::get<FunctionPtr>(data_);
  }
  const BuiltinData& asBuiltin() const { return *std::get<BuiltinPtr>(data_); }
  const std::shared_ptr<Object>& asObject() const { return std::get<ObjectPtr>(data_); }

  // The items of a list or tuple; null for anything else.
  const std::vector<Value>* sequenceItems() const;
  // Int, or Bool as 0/1 (Python's bools are ints in arithmetic).
  std::optional<int64_t> intLike() const;
  // The object as a T, or null when this is not an Object of type T.
  template <class T> std::shared_ptr<T> objectAs() const {
    return isObject() ? std::dynamic_pointer_cast<T>(asObject()) : nullptr;
  }

  // Checked accessors for builtins and primitives: a located
  // "<what> must be <an int>, not 'str'" when the kind is wrong.
  int64_t requireInt(const SrcLoc& loc, std::string_view what) const;
  bool requireBool(const SrcLoc& loc, std::string_view what) const;
  const std::string& requireStr(const SrcLoc& loc, std::string_view what) const;
  template <class T>
  std::shared_ptr<T> requireObject(const SrcLoc& loc, std::string_view what,
                                   std::string_view expected) const {
    if (auto object = objectAs<T>())
      return object;
    failKind(loc, what, expected);
  }

  // Python semantics.
  bool truthy() const;
  // `==`. Throws an unlocated CompileError for lists nested too deeply to
  // compare; the interpreter gives it the location of the comparison.
  bool equals(const Value& other) const;
  bool sameObject(const Value& other) const; // `is`: identity for shared values
  std::string repr() const;                  // repr(): strings quoted
  std::string str() const;                   // str(): strings as they are
  std::string typeName() const;              // "int", "list", an Object's typeName()

  // Moves a list's or tuple's storage out of this value (leaving None);
  // lets SequenceData unhook nested containers without recursing.
  std::shared_ptr<SequenceData> takeSequence();

private:
  using FunctionPtr = std::shared_ptr<const FunctionData>;
  using BuiltinPtr = std::shared_ptr<const BuiltinData>;
  using ObjectPtr = std::shared_ptr<Object>;

  [[noreturn]] void failKind(const SrcLoc& loc, std::string_view what,
                             std::string_view expected) const;
  bool equalsAt(const Value& other, int depth) const;
  void reprInto(std::string& out, std::vector<const void*>& active) const;

  std::variant<std::monostate, bool, int64_t, std::shared_ptr<const std::string>,
               std::shared_ptr<ListData>, std::shared_ptr<TupleData>, FunctionPtr, BuiltinPtr,
               ObjectPtr>
      data_;
};

// Lists and tuples. The destructor is iterative: `x = [x]` repeated a million
// times builds a chain that a recursive destructor would overflow the stack on.
struct SequenceData {
  std::vector<Value> items;

  SequenceData() = default;
  explicit SequenceData(std::vector<Value> values) : items(std::move(values)) {}
  SequenceData(const SequenceData&) = delete;
  SequenceData& operator=(const SequenceData&) = delete;
  ~SequenceData();
};
struct ListData : SequenceData {
  using SequenceData::SequenceData;
};
struct TupleData : SequenceData {
  using SequenceData::SequenceData;
};

// The arguments of one call, as the callee receives them.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords; // in call order, names unique
  SrcLoc loc;                                          // the call expression
  // Where each argument was written; may be shorter than the values (calls
  // made by the host), then the call's location stands in.
  std::vector<SrcLoc> positionalLocs;
  std::vector<SrcLoc> keywordLocs;

  const SrcLoc& positionalLoc(size_t i) const;
  const SrcLoc& keywordLoc(size_t i) const;
  const Value* keyword(std::string_view name) const;
};

// One parameter of a callee, for bindArguments.
struct ParamSpec {
  std::string name;
  std::optional<Value> defaultValue; // empty: the argument is required
};

// Arguments matched to parameters, in parameter order.
struct BoundArgs {
  std::vector<Value> values;
  std::vector<SrcLoc> locs; // where each argument was written (the call's location for defaults)
  std::vector<bool> given;  // false where the default was used

  const Value& operator[](size_t i) const { return values[i]; }
};

// Matches a call to a Python-style signature (by position, then by keyword,
// then defaults). Located errors for too many arguments, a missing one, an
// unknown keyword and a parameter given twice, naming `callee`.
BoundArgs bindArguments(const CallArgs& args, std::string_view callee,
                        const std::vector<ParamSpec>& params);

// A user `def`. Defaults are evaluated when the def runs, as in Python.
struct FunctionData {
  std::string name;
  SrcLoc loc;
  std::vector<ParamSpec> params;
  const syntax::Block* body = nullptr;
  std::shared_ptr<const void> syntaxOwner; // keeps *body alive
  // The variables of the call (or schedule) that ran a nested `def`, so the
  // helper sees them while that call is running. Weak: a frame that held a
  // strong reference to a function holding it would never be freed.
  std::weak_ptr<Frame> enclosing;
};

// A function implemented in C++: the language builtins, the primitives the
// host registers, and methods of host objects bound to their object.
struct BuiltinData {
  std::string name;
  BuiltinFn fn;
};

// Produces a sequence's values one at a time.
class ValueIterator {
public:
  virtual ~ValueIterator() = default;
  virtual std::optional<Value> next() = 0;
};

// A value owned by the host: cursor, proc, memory... Always held by
// shared_ptr (bound methods keep their object alive through it).
class Object : public std::enable_shared_from_this<Object> {
public:
  virtual ~Object() = default;

  virtual std::string typeName() const = 0;
  // `obj.name`: methods are Builtins bound to this object (see boundMethod).
  // Default: "'<type>' object has no attribute '<name>'".
  virtual Value getAttribute(const std::string& name, const SrcLoc& loc);
  virtual std::string repr() const; // default "<type object>"
  virtual bool equals(const Object& other) const { return this == &other; }
  virtual bool truthy() const; // default: nonzero length, or true without one
  // len(obj); nullopt: the object has no length.
  virtual std::optional<int64_t> length() const { return std::nullopt; }
  // obj[index] (index is a Tuple for obj[i, j]); default: not subscriptable.
  virtual Value getItem(const Value& index, const SrcLoc& loc);
  // obj[lo:hi]; default: not sliceable.
  virtual Value getSlice(std::optional<int64_t> lo, std::optional<int64_t> hi, const SrcLoc& loc);
  // `for x in obj`. Default: getItem(0 .. length-1) when there is a length,
  // else "'<type>' object is not iterable".
  virtual std::unique_ptr<ValueIterator> iterate(const SrcLoc& loc);
  // `item in obj`; default: iterate and compare.
  virtual bool contains(const Value& item, const SrcLoc& loc);

protected:
  // A Builtin named "<type>.<name>" that keeps this object alive.
  Value boundMethod(const std::string& name, BuiltinFn fn);
  [[noreturn]] void failNoAttribute(const std::string& name, const SrcLoc& loc) const;
};

// Iterates any iterable value (list, tuple, str, iterable Object); a located
// "'int' object is not iterable" otherwise. Lists are iterated live, as in
// Python: items appended during the loop are visited.
std::unique_ptr<ValueIterator> iterateValue(const Value& value, const SrcLoc& loc);

// All the values of an iterable, refusing (located) more than maxCount.
std::vector<Value> collectValues(const Value& value, const SrcLoc& loc,
                                 size_t maxCount = kMaxSequenceLength);

// `item in container` for lists, tuples, strings (substring) and Objects.
bool containsValue(const Value& container, const Value& item, const SrcLoc& loc);

// Python's repr of a string: quoted, with escapes.
std::string quoteString(std::string_view text);

} // namespace schedc::sched
