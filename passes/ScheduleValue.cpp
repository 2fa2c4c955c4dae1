#include "passes/ScheduleValue.h"

#include <algorithm>

namespace schedc::sched {

namespace {

// Comparing lists nested deeper than this is refused rather than recursed
// into (a list built by `x = [x]` in a loop can be a million levels deep).
constexpr int kMaxCompareDepth = 200;
// repr prints "..." below this depth.
constexpr size_t kMaxReprDepth = 100;

class IndexIterator : public ValueIterator {
public:
  explicit IndexIterator(std::shared_ptr<SequenceData> sequence) : sequence_(std::move(sequence)) {}
  std::optional<Value> next() override {
    // Re-reads the size each step: a list may grow while it is iterated.
    if (index_ >= sequence_->items.size())
      return std::nullopt;
    return sequence_->items[index_++];
  }

private:
  std::shared_ptr<SequenceData> sequence_;
  size_t index_ = 0;
};

class StringIterator : public ValueIterator {
public:
  explicit StringIterator(std::string text) : text_(std::move(text)) {}
  std::optional<Value> next() override {
    if (index_ >= text_.size())
      return std::nullopt;
    return Value::fromStr(std::string(1, text_[index_++]));
  }

private:
  std::string text_;
  size_t index_ = 0;
};

// The default iteration of an Object with a length: obj[0], obj[1], ...
class ObjectIndexIterator : public ValueIterator {
public:
  ObjectIndexIterator(std::shared_ptr<Object> object, int64_t length, SrcLoc loc)
      : object_(std::move(object)), length_(length), loc_(std::move(loc)) {}
  std::optional<Value> next() override {
    if (index_ >= length_)
      return std::nullopt;
    return object_->getItem(Value::fromInt(index_++), loc_);
  }

private:
  std::shared_ptr<Object> object_;
  int64_t length_;
  int64_t index_ = 0;
  SrcLoc loc_;
};

} // namespace

// ------------------------------------------------------------ construction

Value Value::fromBool(bool value) {
  Value v;
  v.data_ = value;
  return v;
}

Value Value::fromInt(int64_t value) {
  Value v;
  v.data_ = value;
  return v;
}

Value Value::fromStr(std::string value) {
  Value v;
  v.data_ = std::make_shared<const std::string>(std::move(value));
  return v;
}

Value Value::newList(std::vector<Value> items) {
  Value v;
  v.data_ = std::make_shared<ListData>(std::move(items));
  return v;
}

Value Value::newTuple(std::vector<Value> items) {
  Value v;
  v.data_ = std::make_shared<TupleData>(std::move(items));
  return v;
}

Value Value::fromFunction(std::shared_ptr<const FunctionData> function) {
  Value v;
  v.data_ = std::move(function);
  return v;
}

Value Value::newBuiltin(std::string name, BuiltinFn fn) {
  Value v;
  v.data_ = std::make_shared<const BuiltinData>(BuiltinData{std::move(name), std::move(fn)});
  return v;
}

Value Value::fromObject(std::shared_ptr<Object> object) {
  Value v;
  v.data_ = std::move(object);
  return v;
}

// ------------------------------------------------------------ access

std::vector<Value>& Value::listItems() const {
  return std::get<std::shared_ptr<ListData>>(data_)->items;
}

const std::vector<Value>& Value::tupleItems() const {
  return std::get<std::shared_ptr<TupleData>>(data_)->items;
}

const std::vector<Value>* Value::sequenceItems() const {
  if (auto* list = std::get_if<std::shared_ptr<ListData>>(&data_))
    return &(*list)->items;
  if (auto* tuple = std::get_if<std::shared_ptr<TupleData>>(&data_))
    return &(*tuple)->items;
  return nullptr;
}

std::optional<int64_t> Value::intLike() const {
  if (isInt())
    return asInt();
  if (isBool())
    return asBool() ? 1 : 0;
  return std::nullopt;
}

std::shared_ptr<SequenceData> Value::takeSequence() {
  std::shared_ptr<SequenceData> out;
  if (auto* list = std::get_if<std::shared_ptr<ListData>>(&data_))
    out = std::move(*list);
  else if (auto* tuple = std::get_if<std::shared_ptr<TupleData>>(&data_))
    out = std::move(*tuple);
  else
    return nullptr;
  data_ = std::monostate{};
  return out;
}

void Value::failKind(const SrcLoc& loc, std::string_view what, std::string_view expected) const {
  throw CompileError(loc, std::string(what) + " must be " + std::string(expected) + ", not '" +
                              typeName() + "'");
}

int64_t Value::requireInt(const SrcLoc& loc, std::string_view what) const {
  if (!isInt())
    failKind(loc, what, "an int");
  return asInt();
}

bool Value::requireBool(const SrcLoc& loc, std::string_view what) const {
  if (!isBool())
    failKind(loc, what, "a bool");
  return asBool();
}

const std::string& Value::requireStr(const SrcLoc& loc, std::string_view what) const {
  if (!isStr())
    failKind(loc, what, "a str");
  return asStr();
}

// ------------------------------------------------------------ Python semantics

bool Value::truthy() const {
  switch (kind()) {
  case Kind::None:
    return false;
  case Kind::Bool:
    return asBool();
  case Kind::Int:
    return asInt() != 0;
  case Kind::Str:
    return !asStr().empty();
  case Kind::List:
  case Kind::Tuple:
    return !sequenceItems()->empty();
  case Kind::Function:
  case Kind::Builtin:
    return true;
  case Kind::Object:
    return asObject()->truthy();
  }
  return true;
}

bool Value::sameObject(const Value& other) const {
  if (kind() != other.kind())
    return false;
  switch (kind()) {
  case Kind::None:
    return true;
  case Kind::Bool:
  case Kind::Int:
  case Kind::Str:
    return equals(other);
  case Kind::List:
  case Kind::Tuple:
    return sequenceItems() == other.sequenceItems();
  case Kind::Function:
    return functionPtr() == other.functionPtr();
  case Kind::Builtin:
    return &asBuiltin() == &other.asBuiltin();
  case Kind::Object:
    return asObject() == other.asObject();
  }
  return false;
}

bool Value::equals(const Value& other) const {
  return equalsAt(other, 0);
}

bool Value::equalsAt(const Value& other, int depth) const {
  if (auto a = intLike()) {
    auto b = other.intLike();
    return b && *a == *b;
  }
  if (kind() != other.kind())
    return false;
  switch (kind()) {
  case Kind::None:
    return true;
  case Kind::Str:
    return asStr() == other.asStr();
  case Kind::List:
  case Kind::Tuple: {
    const auto& a = *sequenceItems();
    const auto& b = *other.sequenceItems();
    if (&a == &b)
      return true; // also what makes a list that contains itself equal to itself
    if (a.size() != b.size())
      return false;
    if (depth >= kMaxCompareDepth)
      throw CompileError(SrcLoc{}, "cannot compare values nested more than " +
                                       std::to_string(kMaxCompareDepth) + " levels deep");
    for (size_t i = 0; i < a.size(); ++i)
      if (!a[i].equalsAt(b[i], depth + 1))
        return false;
    return true;
  }
  case Kind::Object:
    return asObject()->equals(*other.asObject());
  default:
    return sameObject(other);
  }
}

std::string Value::typeName() const {
  switch (kind()) {
  case Kind::None:
    return "NoneType";
  case Kind::Bool:
    return "bool";
  case Kind::Int:
    return "int";
  case Kind::Str:
    return "str";
  case Kind::List:
    return "list";
  case Kind::Tuple:
    return "tuple";
  case Kind::Function:
    return "function";
  case Kind::Builtin:
    return "builtin_function";
  case Kind::Object:
    return asObject()->typeName();
  }
  return "?";
}

std::string quoteString(std::string_view text) {
  // Python prefers single quotes unless the text has some and no double ones.
  bool hasSingle = text.find('\'') != std::string_view::npos;
  bool hasDouble = text.find('"') != std::string_view::npos;
  char quote = hasSingle && !hasDouble ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c == quote) {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        static const char* hex = "0123456789abcdef";
        out += "\\x";
        out += hex[(c >> 4) & 0xf];
        out += hex[c & 0xf];
      } else {
        out += c;
      }
    }
  }
  out += quote;
  return out;
}

std::string Value::repr() const {
  std::string out;
  std::vector<const void*> active;
  reprInto(out, active);
  return out;
}

std::string Value::str() const {
  return isStr() ? asStr() : repr();
}

void Value::reprInto(std::string& out, std::vector<const void*>& active) const {
  switch (kind()) {
  case Kind::None:
    out += "None";
    return;
  case Kind::Bool:
    out += asBool() ? "True" : "False";
    return;
  case Kind::Int:
    out += std::to_string(asInt());
    return;
  case Kind::Str:
    out += quoteString(asStr());
    return;
  case Kind::List:
  case Kind::Tuple: {
    const auto& items = *sequenceItems();
    bool isListKind = isList();
    // A list that contains itself prints as [...], as in Python; so does
    // anything nested too deeply to be worth printing.
    if (active.size() >= kMaxReprDepth ||
        std::find(active.begin(), active.end(), &items) != active.end()) {
      out += isListKind ? "[...]" : "(...)";
      return;
    }
    active.push_back(&items);
    out += isListKind ? '[' : '(';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i)
        out += ", ";
      items[i].reprInto(out, active);
    }
    if (!isListKind && items.size() == 1)
      out += ',';
    out += isListKind ? ']' : ')';
    active.pop_back();
    return;
  }
  case Kind::Function:
    out += "<function " + asFunction().name + ">";
    return;
  case Kind::Builtin:
    out += "<built-in function " + asBuiltin().name + ">";
    return;
  case Kind::Object:
    out += asObject()->repr();
    return;
  }
}

// ------------------------------------------------------------ sequences

SequenceData::~SequenceData() {
  std::vector<std::shared_ptr<SequenceData>> pending;
  auto unhookChildren = [&pending](std::vector<Value>& values) {
    for (Value& value : values)
      if (auto child = value.takeSequence(); child && child.use_count() == 1)
        pending.push_back(std::move(child));
  };
  unhookChildren(items);
  while (!pending.empty()) {
    std::shared_ptr<SequenceData> last = std::move(pending.back());
    pending.pop_back();
    unhookChildren(last->items);
    // `last` is freed here with no containers left inside: no recursion.
  }
}

std::unique_ptr<ValueIterator> iterateValue(const Value& value, const SrcLoc& loc) {
  switch (value.kind()) {
  case Value::Kind::List:
  case Value::Kind::Tuple: {
    Value copy = value;
    return std::make_unique<IndexIterator>(copy.takeSequence());
  }
  case Value::Kind::Str:
    return std::make_unique<StringIterator>(value.asStr());
  case Value::Kind::Object:
    return value.asObject()->iterate(loc);
  default:
    throw CompileError(loc, "'" + value.typeName() + "' object is not iterable");
  }
}

std::vector<Value> collectValues(const Value& value, const SrcLoc& loc, size_t maxCount) {
  if (const auto* items = value.sequenceItems(); items && items->size() <= maxCount)
    return *items;
  std::vector<Value> out;
  auto iterator = iterateValue(value, loc);
  while (auto item = iterator->next()) {
    if (out.size() == maxCount)
      throw CompileError(loc, "too many values (more than " + std::to_string(maxCount) + ")");
    out.push_back(std::move(*item));
  }
  return out;
}

bool containsValue(const Value& container, const Value& item, const SrcLoc& loc) {
  if (container.isStr()) {
    if (!item.isStr())
      throw CompileError(loc, "'in <string>' requires a str as left operand, not '" +
                                  item.typeName() + "'");
    return container.asStr().find(item.asStr()) != std::string::npos;
  }
  if (const auto* items = container.sequenceItems()) {
    for (const Value& element : *items)
      if (element.equals(item))
        return true;
    return false;
  }
  if (container.isObject())
    return container.asObject()->contains(item, loc);
  throw CompileError(loc, "argument of type '" + container.typeName() + "' is not iterable");
}

// ------------------------------------------------------------ calls

const SrcLoc& CallArgs::positionalLoc(size_t i) const {
  return i < positionalLocs.size() && positionalLocs[i].known() ? positionalLocs[i] : loc;
}

const SrcLoc& CallArgs::keywordLoc(size_t i) const {
  return i < keywordLocs.size() && keywordLocs[i].known() ? keywordLocs[i] : loc;
}

const Value* CallArgs::keyword(std::string_view name) const {
  for (const auto& [key, value] : keywords)
    if (key == name)
      return &value;
  return nullptr;
}

BoundArgs bindArguments(const CallArgs& args, std::string_view callee,
                        const std::vector<ParamSpec>& params) {
  const std::string quoted = "'" + std::string(callee) + "'";
  if (args.positional.size() > params.size()) {
    size_t required = 0;
    for (const ParamSpec& p : params)
      required += !p.defaultValue;
    std::string count =
        std::to_string(params.size()) + " argument" + (params.size() == 1 ? "" : "s");
    throw CompileError(args.positionalLoc(params.size()),
                       quoted + " takes " + (required < params.size() ? "at most " : "") + count +
                           " (" + std::to_string(args.positional.size()) + " given)");
  }
  BoundArgs bound;
  bound.values.resize(params.size());
  bound.locs.resize(params.size());
  bound.given.assign(params.size(), false);
  for (size_t i = 0; i < args.positional.size(); ++i) {
    bound.values[i] = args.positional[i];
    bound.locs[i] = args.positionalLoc(i);
    bound.given[i] = true;
  }
  for (size_t k = 0; k < args.keywords.size(); ++k) {
    const std::string& name = args.keywords[k].first;
    auto param = std::find_if(params.begin(), params.end(),
                              [&](const ParamSpec& p) { return p.name == name; });
    if (param == params.end())
      throw CompileError(args.keywordLoc(k),
                         quoted + " got an unexpected keyword argument '" + name + "'");
    size_t i = static_cast<size_t>(param - params.begin());
    if (bound.given[i])
      throw CompileError(args.keywordLoc(k),
                         quoted + " got multiple values for argument '" + name + "'");
    bound.values[i] = args.keywords[k].second;
    bound.locs[i] = args.keywordLoc(k);
    bound.given[i] = true;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (bound.given[i])
      continue;
    if (!params[i].defaultValue)
      throw CompileError(args.loc, quoted + " missing required argument '" + params[i].name + "'");
    bound.values[i] = *params[i].defaultValue;
    bound.locs[i] = args.loc;
  }
  return bound;
}

// ------------------------------------------------------------ Object

Value Object::getAttribute(const std::string& name, const SrcLoc& loc) {
  failNoAttribute(name, loc);
}

void Object::failNoAttribute(const std::string& name, const SrcLoc& loc) const {
  throw CompileError(loc, "'" + typeName() + "' object has no attribute '" + name + "'");
}

std::string Object::repr() const {
  return "<" + typeName() + " object>";
}

bool Object::truthy() const {
  auto n = length();
  return !n || *n != 0;
}

Value Object::getItem(const Value&, const SrcLoc& loc) {
  throw CompileError(loc, "'" + typeName() + "' object is not subscriptable");
}

Value Object::getSlice(std::optional<int64_t>, std::optional<int64_t>, const SrcLoc& loc) {
  throw CompileError(loc, "'" + typeName() + "' object cannot be sliced");
}

std::unique_ptr<ValueIterator> Object::iterate(const SrcLoc& loc) {
  auto n = length();
  if (!n)
    throw CompileError(loc, "'" + typeName() + "' object is not iterable");
  return std::make_unique<ObjectIndexIterator>(shared_from_this(), *n, loc);
}

bool Object::contains(const Value& item, const SrcLoc& loc) {
  auto iterator = iterate(loc);
  while (auto element = iterator->next())
    if (element->equals(item))
      return true;
  return false;
}

Value Object::boundMethod(const std::string& name, BuiltinFn fn) {
  // The lambda holds the object so that `m = cursor.parent` outlives `cursor`.
  std::shared_ptr<Object> self = shared_from_this();
  return Value::newBuiltin(typeName() + "." + name,
                           [self, fn = std::move(fn)](const CallArgs& args) { return fn(args); });
}

} // namespace schedc::sched
