// The schedule interpreter on its own: the Python subset of schedules and
// helpers, its errors (each with its line:col), its runaway protection, and
// the helpers of examples/conv1d_rvm.sched run against fake cursors and
// primitives that record what they are asked to do.
#include "frontend/Parser.h"
#include "passes/ScheduleInterpreter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace schedc;
using namespace schedc::sched;

namespace {

// Parses a program of `def`s and `schedule` blocks, defines the defs and
// runs the schedules in order; print() goes to a string.
class Harness {
public:
  explicit Harness(InterpreterOptions options = {}) {
    options.printStream = &printed_;
    interpreter_ = std::make_unique<ScheduleInterpreter>(options);
  }

  ScheduleInterpreter& interpreter() { return *interpreter_; }

  // Runs the program and returns what it printed.
  std::string run(const std::string& program) {
    syntax::File file = parseFile("test.sched", program);
    files_.push_back(file);
    std::vector<syntax::ItemPtr> defs;
    for (const syntax::ItemPtr& item : file.items)
      if (item->kind == syntax::ItemKind::Def)
        defs.push_back(item);
    interpreter_->addDefs(defs);
    for (const syntax::ItemPtr& item : file.items)
      if (item->kind == syntax::ItemKind::Schedule)
        interpreter_->runBlock(item->body);
    std::string out = printed_.str();
    printed_.str("");
    return out;
  }

  // "line:col: message" of the error the program stops with.
  std::string error(const std::string& program) {
    try {
      run(program);
    } catch (const CompileError& e) {
      lastError_ = std::make_unique<CompileError>(e);
      return std::to_string(e.loc().line) + ":" + std::to_string(e.loc().col) + ": " + e.message();
    }
    return "no error";
  }

  const CompileError& lastError() const { return *lastError_; }

private:
  std::ostringstream printed_;
  std::unique_ptr<ScheduleInterpreter> interpreter_;
  std::vector<syntax::File> files_; // functions point into the syntax trees
  std::unique_ptr<CompileError> lastError_;
};

// A schedule body (indented by the caller's text) as a whole program.
std::string schedule(const std::string& body) {
  std::string out = "schedule t from p:\n";
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line))
    out += "    " + line + "\n";
  return out;
}

std::string run(const std::string& body) {
  return Harness().run(schedule(body));
}

// The error of a schedule body; lines count from 1 at the body's first line
// and columns from 1 at its indentation, as if it stood alone.
std::string errorOf(const std::string& body, InterpreterOptions options = {}) {
  Harness harness(options);
  try {
    harness.run(schedule(body));
  } catch (const CompileError& e) {
    return std::to_string(e.loc().line - 1) + ":" + std::to_string(e.loc().col - 4) + ": " +
           e.message();
  }
  return "no error";
}

std::vector<std::string> notesOf(const CompileError& e) {
  std::vector<std::string> out;
  for (const Note& note : e.notes())
    out.push_back(std::to_string(note.loc.line) + ":" + std::to_string(note.loc.col) + ": " +
                  note.message);
  return out;
}

// The call's arguments as "a, b, key=c" (reprs).
std::string describeArgs(const CallArgs& args) {
  std::string out;
  for (const Value& value : args.positional)
    out += (out.empty() ? "" : ", ") + value.repr();
  for (const auto& [name, value] : args.keywords)
    out += (out.empty() ? "" : ", ") + name + "=" + value.repr();
  return out;
}

// A host builtin that records its calls and refuses every call after the
// first `successes` ones.
Value recordingPrimitive(const std::string& name, std::vector<std::string>& log,
                         int successes = std::numeric_limits<int>::max()) {
  auto calls = std::make_shared<int>(0);
  return Value::newBuiltin(name, [name, &log, calls, successes](const CallArgs& args) {
    std::string entry = name + "(" + describeArgs(args) + ")";
    if ((*calls)++ >= successes) {
      log.push_back(entry + " refused");
      throw DirectiveRefused(args.loc, name + ": refused");
    }
    log.push_back(entry);
    return Value();
  });
}

// ------------------------------------------------------------ fake cursors

// A proc's loop nest, as far as the helpers look at it.
struct FakeNode {
  std::string kind; // "proc", "loop", "alloc", "stmt"
  std::string name;
  std::optional<int64_t> hi; // a loop's extent when it is a literal
  std::shared_ptr<FakeNode> parent;
};
using FakeNodePtr = std::shared_ptr<FakeNode>;

FakeNodePtr node(const std::string& kind, const std::string& name, FakeNodePtr parent,
                 std::optional<int64_t> hi = std::nullopt) {
  return std::make_shared<FakeNode>(FakeNode{kind, name, hi, std::move(parent)});
}

void expectNoArguments(const CallArgs& args) {
  if (!args.positional.empty() || !args.keywords.empty())
    throw CompileError(args.loc, "takes no arguments");
}

// The loop bound `hi()` of a loop: literal or not.
class FakeExprCursor : public Object {
public:
  explicit FakeExprCursor(std::optional<int64_t> value) : value_(value) {}
  std::string typeName() const override { return "expr_cursor"; }
  Value getAttribute(const std::string& name, const SrcLoc& loc) override {
    if (name == "is_literal")
      return boundMethod(name, [this](const CallArgs& args) {
        expectNoArguments(args);
        return Value::fromBool(value_.has_value());
      });
    if (name == "value")
      return boundMethod(name, [this](const CallArgs& args) {
        expectNoArguments(args);
        if (!value_)
          throw CompileError(args.loc, "not a literal");
        return Value::fromInt(*value_);
      });
    failNoAttribute(name, loc);
  }

private:
  std::optional<int64_t> value_;
};

// A statement, loop or allocation; with `gap`, the gap after it; with
// `expanded`, the block stmt.expand(...) made from it.
class FakeCursor : public Object {
public:
  explicit FakeCursor(FakeNodePtr target, bool gap = false, std::string expanded = {})
      : node_(std::move(target)), gap_(gap), expanded_(std::move(expanded)) {}

  std::string typeName() const override { return "cursor"; }
  std::string repr() const override {
    if (gap_)
      return "after(" + node_->name + ")";
    return expanded_.empty() ? node_->name : expanded_;
  }
  bool equals(const Object& other) const override {
    auto* cursor = dynamic_cast<const FakeCursor*>(&other);
    return cursor && repr() == cursor->repr();
  }

  Value getAttribute(const std::string& name, const SrcLoc& loc) override {
    auto method = [&](auto fn) {
      return boundMethod(name, [fn](const CallArgs& args) {
        expectNoArguments(args);
        return fn();
      });
    };
    if (name == "name")
      return method([this] { return Value::fromStr(node_->name); });
    if (name == "is_loop")
      return method([this] { return Value::fromBool(!gap_ && node_->kind == "loop"); });
    if (name == "parent")
      // The parent of a gap is the statement around the gap, as in Exo.
      return method([this] {
        if (!node_->parent)
          throw CompileError(SrcLoc{}, "the proc has no parent");
        return Value::fromObject(std::make_shared<FakeCursor>(node_->parent));
      });
    if (name == "after")
      return method(
          [this] { return Value::fromObject(std::make_shared<FakeCursor>(node_, true)); });
    if (name == "hi")
      return method(
          [this] { return Value::fromObject(std::make_shared<FakeExprCursor>(node_->hi)); });
    if (name == "expand")
      return boundMethod(name, [this](const CallArgs& args) {
        BoundArgs bound =
            bindArguments(args, "expand", {{"delta_lo", std::nullopt}, {"delta_hi", std::nullopt}});
        std::string label = node_->name + "[" +
                            std::to_string(bound[0].requireInt(args.loc, "lo")) + "," +
                            std::to_string(bound[1].requireInt(args.loc, "hi")) + "]";
        return Value::fromObject(std::make_shared<FakeCursor>(node_, false, label));
      });
    failNoAttribute(name, loc);
  }

private:
  FakeNodePtr node_;
  bool gap_;
  std::string expanded_;
};

Value cursor(const FakeNodePtr& target) {
  return Value::fromObject(std::make_shared<FakeCursor>(target));
}

// A host object with a length and items, iterable by default.
class FakeBlock : public Object {
public:
  explicit FakeBlock(std::vector<std::string> names) : names_(std::move(names)) {}
  std::string typeName() const override { return "block"; }
  std::optional<int64_t> length() const override { return static_cast<int64_t>(names_.size()); }
  Value getItem(const Value& index, const SrcLoc& loc) override {
    int64_t i = index.requireInt(loc, "block index");
    if (i < 0 || i >= static_cast<int64_t>(names_.size()))
      throw CompileError(loc, "block index out of range");
    return Value::fromStr(names_[static_cast<size_t>(i)]);
  }

private:
  std::vector<std::string> names_;
};

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kConv1dPath =
    std::string(SCHEDC_SOURCE_DIR) + "/../shared/examples/conv1d_rvm.sched";

} // namespace

// ================================================================ values

TEST(ScheduleValue, TruthinessAsInPython) {
  EXPECT_FALSE(Value::none().truthy());
  EXPECT_FALSE(Value::fromInt(0).truthy());
  EXPECT_TRUE(Value::fromInt(-3).truthy());
  EXPECT_FALSE(Value::fromStr("").truthy());
  EXPECT_TRUE(Value::fromStr("x").truthy());
  EXPECT_FALSE(Value::newList().truthy());
  EXPECT_TRUE(Value::newTuple({Value::none()}).truthy());
  EXPECT_FALSE(Value::fromObject(std::make_shared<FakeBlock>(std::vector<std::string>{})).truthy());
}

TEST(ScheduleValue, EqualityAsInPython) {
  EXPECT_TRUE(Value::fromInt(1).equals(Value::fromBool(true)));
  EXPECT_FALSE(Value::fromInt(1).equals(Value::fromStr("1")));
  EXPECT_TRUE(Value::newList({Value::fromInt(1), Value::fromStr("a")})
                  .equals(Value::newList({Value::fromInt(1), Value::fromStr("a")})));
  EXPECT_FALSE(Value::newList({Value::fromInt(1)}).equals(Value::newTuple({Value::fromInt(1)})));
  EXPECT_TRUE(Value::none().equals(Value::none()));
  Value list = Value::newList();
  Value alias = list;
  alias.listItems().push_back(Value::fromInt(7)); // shared by reference
  EXPECT_EQ(list.repr(), "[7]");
  EXPECT_TRUE(list.sameObject(alias));
  EXPECT_FALSE(list.sameObject(Value::newList({Value::fromInt(7)})));
}

TEST(ScheduleValue, ReprAsInPython) {
  EXPECT_EQ(Value::none().repr(), "None");
  EXPECT_EQ(Value::fromBool(false).repr(), "False");
  EXPECT_EQ(Value::fromStr("it's").repr(), "\"it's\"");
  EXPECT_EQ(Value::fromStr("a\nb").repr(), "'a\\nb'");
  EXPECT_EQ(Value::fromStr("a").str(), "a");
  EXPECT_EQ(Value::newTuple({Value::fromInt(1)}).repr(), "(1,)");
  EXPECT_EQ(Value::newTuple().repr(), "()");
  EXPECT_EQ(
      Value::newList({Value::fromStr("x"), Value::newTuple({Value::fromInt(1), Value::fromInt(2)})})
          .repr(),
      "['x', (1, 2)]");
  Value self = Value::newList();
  self.listItems().push_back(self); // a cycle prints as in Python (and leaks, as cycles do)
  EXPECT_EQ(self.repr(), "[[...]]");
  EXPECT_TRUE(self.equals(self));
  self.listItems().clear(); // break the cycle
}

TEST(ScheduleValue, BindArgumentsLikeADef) {
  std::vector<ParamSpec> params = {
      {"loop", std::nullopt}, {"factor", Value::fromInt(2)}, {"perfect", Value::fromBool(false)}};
  CallArgs args;
  args.loc = makeLoc("t.sched", 3, 5);
  args.positional = {Value::fromStr("i")};
  args.keywords = {{"perfect", Value::fromBool(true)}};
  BoundArgs bound = bindArguments(args, "divide_loop", params);
  EXPECT_EQ(bound[0].asStr(), "i");
  EXPECT_EQ(bound[1].asInt(), 2);
  EXPECT_TRUE(bound[2].asBool());
  EXPECT_EQ(bound.given, (std::vector<bool>{true, false, true}));

  auto errorOfBinding = [&](CallArgs call) {
    try {
      bindArguments(call, "divide_loop", params);
    } catch (const CompileError& e) {
      return e.message();
    }
    return std::string("no error");
  };
  CallArgs none;
  EXPECT_EQ(errorOfBinding(none), "'divide_loop' missing required argument 'loop'");
  CallArgs many;
  many.positional.assign(4, Value::fromInt(1));
  EXPECT_EQ(errorOfBinding(many), "'divide_loop' takes at most 3 arguments (4 given)");
  CallArgs unknown = args;
  unknown.keywords = {{"tail", Value::none()}};
  EXPECT_EQ(errorOfBinding(unknown), "'divide_loop' got an unexpected keyword argument 'tail'");
  CallArgs twice = args;
  twice.keywords = {{"loop", Value::none()}};
  EXPECT_EQ(errorOfBinding(twice), "'divide_loop' got multiple values for argument 'loop'");
}

TEST(ScheduleValue, RequireGivesTheKindInTheMessage) {
  try {
    Value::fromStr("8").requireInt(makeLoc("t.sched", 2, 9), "divide_loop: argument 'factor'");
    FAIL();
  } catch (const CompileError& e) {
    EXPECT_EQ(e.loc().str(), "t.sched:2:9");
    EXPECT_EQ(e.message(), "divide_loop: argument 'factor' must be an int, not 'str'");
  }
}

TEST(ScheduleValue, DeeplyNestedListsAreFreedWithoutRecursion) {
  Value chain = Value::newList();
  for (int i = 0; i < 1'000'000; ++i)
    chain = Value::newList({chain});
  chain = Value(); // would overflow the stack if each level freed the next recursively
  SUCCEED();
}

// ================================================================ statements

TEST(Interpreter, PrintsValuesLikePython) {
  EXPECT_EQ(run("print(1, 'a', None, True, [1, 'b'], (2,))"), "1 a None True [1, 'b'] (2,)\n");
  EXPECT_EQ(run("print('a', 'b', sep='-', end='!')"), "a-b!");
  EXPECT_EQ(run("print()"), "\n");
}

TEST(Interpreter, Assignment) {
  EXPECT_EQ(run("x = 3\ny = x\nx = 4\nprint(x, y)"), "4 3\n");
  EXPECT_EQ(run("a, b = 1, 2\na, b = b, a\nprint(a, b)"), "2 1\n");
  EXPECT_EQ(run("_, _, c, _ = (1, 2, 3, 4)\nprint(c)"), "3\n");
  EXPECT_EQ(run("(a, [b, c]), d = (1, (2, 3)), 4\nprint(a, b, c, d)"), "1 2 3 4\n");
  EXPECT_EQ(run("a, b = 'xy'\nprint(a, b)"), "x y\n");
  EXPECT_EQ(run("x, = [5]\nprint(x)"), "5\n");
  EXPECT_EQ(run("xs = [1, 2, 3]\nxs[0] = 9\nxs[-1] = 7\nprint(xs)"), "[9, 2, 7]\n");
}

TEST(Interpreter, ListsAreSharedByReference) {
  EXPECT_EQ(run("a = [1]\nb = a\nb.append(2)\nprint(a)"), "[1, 2]\n");
  EXPECT_EQ(run("a = [1]\nb = a\nb = b + [2]\nprint(a, b)"), "[1] [1, 2]\n");
  EXPECT_EQ(run("a = [1]\nb = a\nb += [2]\nprint(a)"), "[1, 2]\n"); // in place, as in Python
  EXPECT_EQ(run("a = [1, 2]\na.extend((3,))\nx = a.pop()\nprint(a, x, a.pop(0), a)"),
            "[2] 3 1 [2]\n");
  EXPECT_EQ(run("add = [].append\nadd(1)\nprint('ok')"), "ok\n");
}

TEST(Interpreter, AugmentedAssignment) {
  EXPECT_EQ(run("x = 5\nx += 2\nx -= 10\nx *= 4\nprint(x)"), "-12\n");
  EXPECT_EQ(run("s = 'ab'\ns += 'c'\ns *= 2\nprint(s)"), "abcabc\n");
  EXPECT_EQ(run("xs = [1, 2]\nxs[1] += 5\nxs *= 2\nprint(xs)"), "[1, 7, 1, 7]\n");
  EXPECT_EQ(run("t = (1,)\nu = t\nt += (2,)\nprint(t, u)"), "(1, 2) (1,)\n");
  EXPECT_EQ(run("xs = [1, 2, 3]\nxs[0] += xs.pop()\nprint(xs)"), "[4, 2]\n");
  EXPECT_EQ(errorOf("xs = [1]\nxs[0] += xs.pop()"), "2:4: list index 0 out of range (length 0)");
}

TEST(Interpreter, ForLoops) {
  EXPECT_EQ(run("for x in [1, 2]:\n    print(x)"), "1\n2\n");
  EXPECT_EQ(run("for x in ('a', 'b'):\n    print(x)"), "a\nb\n");
  EXPECT_EQ(run("for i in range(3):\n    print(i)"), "0\n1\n2\n");
  EXPECT_EQ(run("for i in range(2, 5):\n    print(i)"), "2\n3\n4\n");
  EXPECT_EQ(run("for i in range(10, 0, -4):\n    print(i)"), "10\n6\n2\n");
  EXPECT_EQ(run("for i in range(0):\n    print(i)\nprint('done')"), "done\n");
  EXPECT_EQ(run("for a, b in [(1, 2), (3, 4)]:\n    print(a + b)"), "3\n7\n");
  EXPECT_EQ(run("for c in 'hi':\n    print(c)"), "h\ni\n");
  EXPECT_EQ(run("for i, x in enumerate(['a', 'b'], 1):\n    print(i, x)"), "1 a\n2 b\n");
  EXPECT_EQ(run("for a, b in zip([1, 2, 3], 'xy'):\n    print(a, b)"), "1 x\n2 y\n");
  EXPECT_EQ(run("for x in reversed([1, 2]):\n    print(x)"), "2\n1\n");
  // the loop variable survives the loop, as in Python
  EXPECT_EQ(run("for i in range(3):\n    pass\nprint(i)"), "2\n");
  // a list grown while iterated is iterated to its new end, as in Python
  EXPECT_EQ(run("xs = [1]\nfor x in xs:\n    if x < 3:\n        xs.append(x + 1)\nprint(xs)"),
            "[1, 2, 3]\n");
  // a huge range is lazy
  EXPECT_EQ(run("for i in range(1, 10000000000000):\n    break\nprint(i)"), "1\n");
}

TEST(Interpreter, ForOverHostObjects) {
  Harness harness;
  harness.interpreter().defineGlobal("block", Value::fromObject(std::make_shared<FakeBlock>(
                                                  std::vector<std::string>{"s0", "s1"})));
  EXPECT_EQ(harness.run(schedule("for s in block:\n    print(s)\nprint(len(block), block[1], "
                                 "'s1' in block, 's2' in block)")),
            "s0\ns1\n2 s1 True False\n");
}

TEST(Interpreter, WhileBreakContinue) {
  EXPECT_EQ(run("i = 0\nwhile i < 3:\n    i += 1\nprint(i)"), "3\n");
  EXPECT_EQ(run("i = 0\nwhile True:\n    i += 1\n    if i == 5:\n        break\nprint(i)"), "5\n");
  EXPECT_EQ(run("for i in range(6):\n    if i % 2 == 0:\n        continue\n    print(i)"),
            "1\n3\n5\n");
  EXPECT_EQ(
      run("for i in range(3):\n    for j in range(3):\n        if j == 1:\n            break\n"
          "        print(i, j)"),
      "0 0\n1 0\n2 0\n");
}

TEST(Interpreter, IfElifElse) {
  std::string program = "for x in [1, 2, 3]:\n"
                        "    if x == 1:\n"
                        "        print('one')\n"
                        "    elif x == 2:\n"
                        "        print('two')\n"
                        "    else:\n"
                        "        print('many')";
  EXPECT_EQ(run(program), "one\ntwo\nmany\n");
  EXPECT_EQ(run("if []:\n    print('no')\nif [0]:\n    print('yes')"), "yes\n");
}

TEST(Interpreter, DefsReturnsDefaultsAndKeywords) {
  Harness harness;
  harness.interpreter().defineGlobal("TILE", Value::fromInt(4));
  std::string program = R"(def area(w, h=TILE):
    return w * h

def nothing():
    pass

def early(x):
    for i in range(10):
        if i == x:
            return i * 10
    return -1

schedule t from p:
    print(area(2), area(2, 3), area(h=5, w=1), area(2, h=6))
    print(nothing(), early(3), early(20))
    def twice(f, x):
        return f(f(x))
    def inc(x):
        return x + 1
    print(twice(inc, 5))
)";
  EXPECT_EQ(harness.run(program), "8 6 5 12\nNone 30 -1\n7\n");
}

TEST(Interpreter, DefaultsAreEvaluatedWhenTheDefRuns) {
  EXPECT_EQ(run("n = 1\ndef f(x=n):\n    return x\nn = 2\nprint(f())"), "1\n");
}

TEST(Interpreter, NestedDefsSeeTheirEnclosingFrame) {
  std::string program = R"(def outer(base):
    def add(x):
        return base + x
    def countdown(n):
        if n == 0:
            return 'liftoff'
        return countdown(n - 1)
    return add(1), countdown(3)

schedule t from p:
    scale = 10
    def scaled(x):
        return x * scale
    print(outer(5), scaled(2))
)";
  EXPECT_EQ(Harness().run(program), "(6, 'liftoff') 20\n");
}

TEST(Interpreter, HelpersCallHelpersDefinedLater) {
  std::string program = R"(def first():
    return second() + 1

def second():
    return 41

schedule t from p:
    print(first())
)";
  EXPECT_EQ(Harness().run(program), "42\n");
}

TEST(Interpreter, LocalsOfAHelperDoNotLeak) {
  std::string program = R"(def f():
    secret = 1
    return secret

schedule t from p:
    f()
    print(secret)
)";
  EXPECT_EQ(Harness().error(program), "7:11: name 'secret' is not defined");
}

TEST(Interpreter, NamesShadowBuiltinsAndGlobals) {
  Harness harness;
  harness.interpreter().defineGlobal("N", Value::fromInt(16));
  EXPECT_EQ(harness.run(schedule("print(N)\nN = 3\nprint(N)\nlen = 7\nprint(len)")), "16\n3\n7\n");
  // the global is untouched: the schedule's N was its own variable
  EXPECT_EQ(harness.interpreter().findGlobal("N")->asInt(), 16);
  EXPECT_EQ(harness.run(schedule("print(len([1]))")), "1\n");
}

TEST(Interpreter, AssertAndPass) {
  EXPECT_EQ(run("assert 1 + 1 == 2\npass\nprint('ok')"), "ok\n");
  EXPECT_EQ(errorOf("x = 3\nassert x % 2 == 0"), "2:1: assertion failed");
}

// ================================================================ expressions

TEST(Interpreter, IntegerArithmeticHasFloorSemantics) {
  EXPECT_EQ(run("print(7 // 2, -7 // 2, 7 // -2, -7 // -2)"), "3 -4 -4 3\n");
  EXPECT_EQ(run("print(7 % 3, -7 % 3, 7 % -3, -7 % -3)"), "1 2 -2 -1\n");
  EXPECT_EQ(run("print(2 + 3 * 4 - 1, -(2 - 5), +4, 10 - -2)"), "13 3 4 12\n");
  EXPECT_EQ(run("print(True + True, 3 * False)"), "2 0\n");
}

TEST(Interpreter, StringsListsAndTuples) {
  EXPECT_EQ(run("print('ab' + 'cd', 'ab' * 3, 2 * 'x', [1] + [2], (1,) + (2, 3))"),
            "abcd ababab xx [1, 2] (1, 2, 3)\n");
  EXPECT_EQ(run("print([0] * 3, [1, 2] * 0, 'a' * -1)"), "[0, 0, 0] [] \n");
  EXPECT_EQ(run("print(', '.join(['i', 'j']), ''.join([]))"), "i, j \n");
}

TEST(Interpreter, FStrings) {
  Harness harness;
  harness.interpreter().defineGlobal("TILE", Value::fromInt(4));
  EXPECT_EQ(harness.run(schedule("name = 'y'\nprint(f\"{name}[0:{TILE}, 0:{TILE * 2}]\")")),
            "y[0:4, 0:8]\n");
  EXPECT_EQ(harness.run(schedule("print(f'{{literal}} {[1, \"a\"]} {None}')")),
            "{literal} [1, 'a'] None\n");
}

TEST(Interpreter, Comparisons) {
  EXPECT_EQ(run("print(1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 == 1, 1 != 1)"),
            "True True False False True False\n");
  EXPECT_EQ(run("print(1 < 2 < 3, 1 < 3 < 2, 'a' < 'b', [1, 2] < [1, 3], (2,) > (1, 9))"),
            "True False True True True\n");
  EXPECT_EQ(run("print(2 in [1, 2], 'j' in ('i', 'j'), 'ell' in 'hello', 3 not in [3])"),
            "True True True False\n");
  EXPECT_EQ(run("print(5 in range(0, 10, 5), 6 in range(0, 10, 5), [1] == [1], 'a' == 1)"),
            "True False True False\n");
}

TEST(Interpreter, BooleanOperatorsReturnOperands) {
  EXPECT_EQ(run("print(0 or 'x', 2 and 3, [] and 1, None or [], not 0, not 'a')"),
            "x 3 [] [] True False\n");
  // short-circuit: the right side is not evaluated
  EXPECT_EQ(run("print(False and undefined_name, True or undefined_name)"), "False True\n");
}

TEST(Interpreter, SubscriptsAndSlices) {
  EXPECT_EQ(run("xs = [10, 20, 30]\nprint(xs[0], xs[-1], (1, 2)[1], 'abc'[-2])"), "10 30 2 b\n");
  EXPECT_EQ(run("xs = [0, 1, 2, 3, 4]\nprint(xs[1:3], xs[:2], xs[3:], xs[-2:], xs[:], xs[4:1], "
                "xs[-100:100])"),
            "[1, 2] [0, 1] [3, 4] [3, 4] [0, 1, 2, 3, 4] [] [0, 1, 2, 3, 4]\n");
  EXPECT_EQ(run("print((1, 2, 3)[1:], 'hello'[1:3], 'hi'[5:])"), "(2, 3) el \n");
  EXPECT_EQ(run("print(range(5)[-1], range(2, 20, 3)[2])"), "4 8\n");
}

TEST(Interpreter, Builtins) {
  EXPECT_EQ(run("print(len([1, 2]), len('abc'), len(()), len(range(2, 11, 3)))"), "2 3 0 3\n");
  EXPECT_EQ(run("print(str(12) + str('x'), str([1]), repr('q'), int('-42'), int(True), int())"),
            "12x [1] 'q' -42 1 0\n");
  EXPECT_EQ(run("print(min(3, 1, 2), max([4, 9, 2]), min('b', 'a'), max((1, 2), (1, 3)))"),
            "1 9 a (1, 3)\n");
  EXPECT_EQ(run("print(abs(-3), bool([]), bool(2), list('ab'), tuple([1]), list(range(3)))"),
            "3 False True ['a', 'b'] (1,) [0, 1, 2]\n");
  EXPECT_EQ(run("print(range(3), range(1, 9, 2), len, range(3) == range(0, 3))"),
            "range(0, 3) range(1, 9, 2) <built-in function len> True\n");
}

TEST(Interpreter, HostObjectsAndBoundMethods) {
  Harness harness;
  auto proc = node("proc", "conv", nullptr);
  auto loop = node("loop", "i", proc, 16);
  harness.interpreter().defineGlobal("loop", cursor(loop));
  EXPECT_EQ(harness.run(schedule("print(loop, loop.name(), loop.is_loop(), loop.hi().value())\n"
                                 "p = loop.parent\nprint(p().name(), p().is_loop())\n"
                                 "print(loop == loop.parent(), loop == loop, loop.after())")),
            "i i True 16\nconv False\nFalse True after(i)\n");
}

TEST(Interpreter, EvalExprAndCallFunctionForTheHost) {
  Harness harness;
  harness.run("def scale(x, by=2):\n    return x * by\n");
  syntax::ExprPtr expr = parseExpression("scale(3) + 1", makeLoc("c.sched", 1, 1));
  EXPECT_EQ(harness.interpreter().evalExpr(*expr).asInt(), 7);
  CallArgs args;
  args.positional = {Value::fromInt(5)};
  args.keywords = {{"by", Value::fromInt(10)}};
  EXPECT_EQ(
      harness.interpreter().callFunction(*harness.interpreter().findGlobal("scale"), args).asInt(),
      50);
}

// A host builtin calls back into a user helper: the helper runs inside the
// schedule's budget and its errors carry the schedule's call stack.
TEST(Interpreter, BuiltinsMayCallBackIntoHelpers) {
  Harness harness;
  ScheduleInterpreter& interpreter = harness.interpreter();
  interpreter.defineGlobal("apply", Value::newBuiltin("apply", [&](const CallArgs& args) {
                             CallArgs inner;
                             inner.loc = args.loc;
                             inner.positional = {args.positional.at(1)};
                             return interpreter.callFunction(args.positional.at(0), inner);
                           }));
  EXPECT_EQ(
      harness.run("def sq(x):\n    return x * x\n\nschedule t from p:\n    print(apply(sq, 9))\n"),
      "81\n");
}

// ================================================================ try/except

TEST(Interpreter, TryCatchesARefusedDirective) {
  Harness harness;
  std::vector<std::string> log;
  harness.interpreter().defineGlobal("fission", recordingPrimitive("fission", log, 2));
  std::string program = schedule("n = 0\n"
                                 "while True:\n"
                                 "    try:\n"
                                 "        fission(n)\n"
                                 "        n += 1\n"
                                 "    except:\n"
                                 "        print('refused after', n)\n"
                                 "        break\n"
                                 "try:\n"
                                 "    fission('again')\n"
                                 "    print('not reached')\n"
                                 "except SchedulingError:\n"
                                 "    pass\n");
  EXPECT_EQ(harness.run(program), "refused after 2\n");
  EXPECT_EQ(log, (std::vector<std::string>{"fission(0)", "fission(1)", "fission(2) refused",
                                           "fission('again') refused"}));
}

TEST(Interpreter, TryCatchesRefusalsFromInsideHelpers) {
  Harness harness;
  std::vector<std::string> log;
  harness.interpreter().defineGlobal("lift", recordingPrimitive("lift", log, 0));
  std::string program = R"(def helper():
    lift('x')
    print('not reached')

schedule t from p:
    try:
        helper()
    except:
        print('caught')
    print('after')
)";
  EXPECT_EQ(harness.run(program), "caught\nafter\n");
}

TEST(Interpreter, TryDoesNotCatchOtherErrors) {
  EXPECT_EQ(errorOf("try:\n    undefined_thing()\nexcept:\n    pass"),
            "2:5: name 'undefined_thing' is not defined");
  EXPECT_EQ(errorOf("try:\n    x = 1 + 'a'\nexcept:\n    pass"),
            "2:11: unsupported operand types for +: 'int' and 'str'");
  EXPECT_EQ(errorOf("try:\n    pass\nexcept ValueError:\n    pass"),
            "1:1: 'except ValueError:' is not supported: only refused directives can be caught, "
            "with 'except:' or 'except SchedulingError:'");
  InterpreterOptions small;
  small.maxSteps = 50;
  EXPECT_EQ(errorOf("try:\n    while True:\n        pass\nexcept:\n    pass", small),
            "3:9: schedule step limit (50) exceeded; is a loop not terminating?");
}

TEST(Interpreter, AnUncaughtRefusalStopsTheScheduleWithItsCallStack) {
  Harness harness;
  std::vector<std::string> log;
  harness.interpreter().defineGlobal("lift_scope", recordingPrimitive("lift_scope", log, 1));
  std::string program = R"(def lift_twice(s):
    lift_scope(s)
    lift_scope(s)

schedule t from p:
    lift_twice('stmt')
)";
  try {
    harness.run(program);
    FAIL() << "expected a refusal";
  } catch (const DirectiveRefused& e) {
    EXPECT_EQ(e.loc().str(), "test.sched:3:5");
    EXPECT_EQ(e.message(), "lift_scope: refused");
    EXPECT_EQ(notesOf(e), (std::vector<std::string>{"6:5: in helper 'lift_twice' called here"}));
  }
}

TEST(Interpreter, UnlocatedHostErrorsGetTheCallsLocation) {
  Harness harness;
  harness.interpreter().defineGlobal("vague",
                                     Value::newBuiltin("vague", [](const CallArgs&) -> Value {
                                       throw DirectiveRefused(SrcLoc{}, "no location");
                                     }));
  EXPECT_EQ(harness.run(schedule("try:\n    vague()\nexcept:\n    print('still a refusal')")),
            "still a refusal\n");
  EXPECT_EQ(harness.error(schedule("x = 1\nvague()")), "3:5: no location");
}

// ================================================================ errors

TEST(InterpreterErrors, NamesAndTypes) {
  EXPECT_EQ(errorOf("x = y + 1"), "1:5: name 'y' is not defined");
  EXPECT_EQ(errorOf("x = 1 + 'a'"), "1:7: unsupported operand types for +: 'int' and 'str'");
  EXPECT_EQ(errorOf("x = [1] - [1]"), "1:9: unsupported operand types for -: 'list' and 'list'");
  EXPECT_EQ(errorOf("x = 7 / 2"),
            "1:7: '/' is not supported in schedules: use '//' for integer division");
  EXPECT_EQ(errorOf("x = 7 // 0"), "1:7: integer division or modulo by zero");
  EXPECT_EQ(errorOf("x = 1 < 'a'"), "1:7: '<' not supported between 'int' and 'str'");
  EXPECT_EQ(errorOf("x = 1 in 5"), "1:7: argument of type 'int' is not iterable");
  EXPECT_EQ(errorOf("x = 1 in 'abc'"),
            "1:7: 'in <string>' requires a str as left operand, not 'int'");
  EXPECT_EQ(errorOf("x = -'a'"), "1:5: bad operand type for unary -: 'str'");
  EXPECT_EQ(errorOf("x = 9223372036854775807 + 1"),
            "1:25: integer overflow in '+' (schedule ints are 64-bit)");
  EXPECT_EQ(errorOf("x = 1.5"),
            "1:5: float literal '1.5' in a schedule: the schedule language has only ints");
  EXPECT_EQ(errorOf("y: i32"),
            "1:1: declarations ('y: ...') are not allowed in schedules; assign with '='");
}

TEST(InterpreterErrors, Subscripts) {
  EXPECT_EQ(errorOf("xs = [1, 2, 3]\nx = xs[5]"), "2:8: list index 5 out of range (length 3)");
  EXPECT_EQ(errorOf("xs = [1, 2, 3]\nx = xs[-4]"), "2:8: list index -4 out of range (length 3)");
  EXPECT_EQ(errorOf("xs = (1,)\nx = xs['a']"), "2:8: tuple indices must be integers, not 'str'");
  EXPECT_EQ(errorOf("x = 'ab'[2]"), "1:10: string index 2 out of range (length 2)");
  EXPECT_EQ(errorOf("x = 5[0]"), "1:5: 'int' object is not subscriptable");
  EXPECT_EQ(errorOf("xs = [1]\nxs[3] = 0"), "2:4: list index 3 out of range (length 1)");
  EXPECT_EQ(errorOf("t = (1, 2)\nt[0] = 0"),
            "2:1: 'tuple' object does not support item assignment");
  EXPECT_EQ(errorOf("xs = [1]\nx = xs['a':]"),
            "2:8: slice indices must be integers or None, not 'str'");
  EXPECT_EQ(errorOf("x = range(3)[3]"), "1:14: range index 3 out of range (length 3)");
}

TEST(InterpreterErrors, AttributesAndCalls) {
  EXPECT_EQ(errorOf("x = 3\nx.name()"), "2:3: 'int' object has no attribute 'name'");
  EXPECT_EQ(errorOf("x = [1]\nx.sort()"), "2:3: 'list' object has no attribute 'sort'");
  EXPECT_EQ(errorOf("x = 3\nx()"), "2:1: 'int' object is not callable");
  EXPECT_EQ(errorOf("f = 1\nf.x = 2"), "2:3: cannot assign to attribute 'x'");
  EXPECT_EQ(errorOf("len(1) = 2"), "1:1: cannot assign to this expression");
  EXPECT_EQ(errorOf("x = len(1, 2)"), "1:5: 'len' takes 1 argument (2 given)");
  EXPECT_EQ(errorOf("x = len(5)"), "1:9: object of type 'int' has no len()");
  EXPECT_EQ(errorOf("x = range(1, 'a')"), "1:14: range() argument must be an int, not 'str'");
  EXPECT_EQ(errorOf("x = range(1, 5, 0)"), "1:17: range() step must not be zero");
  EXPECT_EQ(errorOf("x = max([])"), "1:9: 'max' of an empty sequence");
  EXPECT_EQ(errorOf("x = int('12a')"), "1:9: invalid literal for int(): '12a'");
  EXPECT_EQ(errorOf("print(1, flush=True)"),
            "1:16: 'print' got an unexpected keyword argument 'flush'");
  EXPECT_EQ(errorOf("for x in 5:\n    pass"), "1:10: 'int' object is not iterable");
}

TEST(InterpreterErrors, ArgumentBindingOfHelpers) {
  std::string defs = "def foo(a, b):\n    return a\n\ndef opt(a, b=1):\n    return a\n\n";
  Harness harness;
  EXPECT_EQ(harness.error(defs + "schedule t from p:\n    foo(1, 2, 3)\n"),
            "8:15: 'foo' takes 2 arguments (3 given)");
  EXPECT_EQ(harness.error(defs + "schedule t from p:\n    opt(1, 2, 3)\n"),
            "8:15: 'opt' takes at most 2 arguments (3 given)");
  EXPECT_EQ(harness.error(defs + "schedule t from p:\n    foo(1)\n"),
            "8:5: 'foo' missing required argument 'b'");
  EXPECT_EQ(harness.error(defs + "schedule t from p:\n    foo(1, c=2)\n"),
            "8:14: 'foo' got an unexpected keyword argument 'c'");
  EXPECT_EQ(harness.error(defs + "schedule t from p:\n    foo(1, a=2)\n"),
            "8:14: 'foo' got multiple values for argument 'a'");
  EXPECT_EQ(harness.error(defs + "schedule t from p:\n    foo(a=1, a=2)\n"),
            "8:16: keyword argument 'a' repeated");
  EXPECT_EQ(harness.error("def bad(a, a):\n    pass\n"), "1:12: duplicate parameter 'a' in 'bad'");
  EXPECT_EQ(harness.error("def bad(a=1, b):\n    pass\n"),
            "1:14: parameter 'b' without a default follows one with a default");
}

TEST(InterpreterErrors, Unpacking) {
  EXPECT_EQ(errorOf("a, b = 1, 2, 3"), "1:1: too many values to unpack (expected 2, got 3)");
  EXPECT_EQ(errorOf("a, b, c, d = (1, 2, 3)"),
            "1:1: not enough values to unpack (expected 4, got 3)");
  EXPECT_EQ(errorOf("a, b = 5"), "1:1: cannot unpack non-iterable int object");
  EXPECT_EQ(errorOf("a, b = 'xyz'"), "1:1: too many values to unpack (expected 2)");
  EXPECT_EQ(errorOf("for a, b in [(1, 2), (3,)]:\n    pass"),
            "1:1: not enough values to unpack (expected 2, got 1)");
}

TEST(InterpreterErrors, ControlFlowOutOfPlace) {
  EXPECT_EQ(errorOf("x = 1\nbreak"), "2:1: 'break' outside of a loop");
  EXPECT_EQ(errorOf("continue"), "1:1: 'continue' outside of a loop");
  EXPECT_EQ(errorOf("return 3"), "1:1: 'return' outside of a def");
  // a loop around a def does not make `break` in the def legal
  EXPECT_EQ(errorOf("for i in range(2):\n    def f():\n        break\n    f()"),
            "3:9: 'break' outside of a loop");
}

TEST(InterpreterErrors, ErrorsInHelpersNoteEachCallSite) {
  Harness harness;
  std::string program = R"(def inner(x):
    return x + missing

def outer():
    return inner(1)

schedule t from p:
    y = 0
    outer()
)";
  EXPECT_EQ(harness.error(program), "2:16: name 'missing' is not defined");
  EXPECT_EQ(notesOf(harness.lastError()),
            (std::vector<std::string>{"5:12: in helper 'inner' called here",
                                      "9:5: in helper 'outer' called here"}));
  // method calls point at the method's name
  harness.interpreter().defineGlobal("loop", cursor(node("loop", "i", nullptr, 4)));
  EXPECT_EQ(harness.error(schedule("x = loop.hi().value(3)")), "2:19: takes no arguments");
}

// ================================================================ runaway schedules

TEST(InterpreterLimits, StepLimitStopsAnEndlessLoop) {
  InterpreterOptions options;
  options.maxSteps = 1000;
  EXPECT_EQ(errorOf("x = 1\nwhile True:\n    pass", options),
            "3:5: schedule step limit (1000) exceeded; is a loop not terminating?");
  // the default limit too, and within a helper: the note names its call
  Harness harness;
  std::string program = R"(def spin():
    while True:
        pass

schedule t from p:
    spin()
)";
  EXPECT_EQ(harness.error(program),
            "3:9: schedule step limit (1000000) exceeded; is a loop not terminating?");
  EXPECT_EQ(notesOf(harness.lastError()),
            (std::vector<std::string>{"6:5: in helper 'spin' called here"}));
  EXPECT_GT(harness.interpreter().stepsUsed(), 1'000'000u);
}

TEST(InterpreterLimits, EachRunHasItsOwnBudget) {
  InterpreterOptions options;
  options.maxSteps = 100;
  Harness harness(options);
  for (int run = 0; run < 5; ++run)
    EXPECT_EQ(harness.run(schedule("for i in range(30):\n    pass\nprint(i)")), "29\n");
}

TEST(InterpreterLimits, BuildingHugeContainersCostsSteps) {
  EXPECT_EQ(errorOf("s = 'ab'\nwhile True:\n    s = s + s"),
            "3:11: result of '+' too long (more than 1048576 elements)");
  EXPECT_EQ(errorOf("x = [0] * 10000000000"),
            "1:9: result of '*' too long (more than 1048576 elements)");
  EXPECT_EQ(errorOf("x = list(range(10000000000))"), "1:10: too many values (more than 1048576)");
  InterpreterOptions options;
  options.maxSteps = 10000;
  EXPECT_EQ(errorOf("big = [0] * 1000000", options),
            "1:11: schedule step limit (10000) exceeded; is a loop not terminating?");
}

TEST(InterpreterLimits, RecursionLimit) {
  Harness harness;
  std::string program = R"(def down(n):
    return down(n + 1)

schedule t from p:
    down(0)
)";
  EXPECT_EQ(harness.error(program), "2:12: helper calls nested more than 200 deep (calling "
                                    "'down'); is a helper recursing without end?");
  std::vector<std::string> notes = notesOf(harness.lastError());
  ASSERT_EQ(notes.size(), 21u); // cut off: the innermost calls, then one marked as the cut
  EXPECT_EQ(notes[0], "2:12: in helper 'down' called here");
  EXPECT_EQ(notes[20], "2:12: in helper 'down' called here (outer calls omitted)");
  // a finite recursion well within the limit works
  EXPECT_EQ(Harness().run("def sum_to(n):\n    if n == 0:\n        return 0\n    return n + "
                          "sum_to(n - 1)\n\nschedule t from p:\n    print(sum_to(150))\n"),
            "11325\n");
}

// A helper recursing through a deep expression: `return -(-(...f(n - 1)...))`.
std::string recursionThroughNesting(int calls, int nesting) {
  std::string deep = "f(n - 1)";
  for (int i = 0; i < nesting; ++i)
    deep = "-(" + deep + ")";
  return "def f(n):\n    if n == 0:\n        return 0\n    return " + deep +
         "\n\nschedule t from p:\n    print(f(" + std::to_string(calls) + "))\n";
}

TEST(InterpreterLimits, StackBudgetStopsDeepNestingWithALocatedError) {
  // 199 calls, each 95 expressions deep: within the call limit and the
  // parser's nesting limits, but more native stack than the default budget.
  // Refused with a location, where a plain recursive evaluator would crash.
  const std::string expected = "schedule nested too deeply: its helper calls, blocks and "
                               "expressions need more than 4096 KiB of stack";
  Harness harness;
  std::string error = harness.error(recursionThroughNesting(199, 95));
  EXPECT_NE(error.find(expected), std::string::npos) << error;
  EXPECT_EQ(error.find("0:0:"), std::string::npos) << error; // located
  // a smaller budget stops a smaller program
  InterpreterOptions small;
  small.stackBudgetBytes = 64 * 1024;
  error = Harness(small).error(recursionThroughNesting(50, 10));
  EXPECT_NE(error.find("need more than 64 KiB of stack"), std::string::npos) << error;
  // realistic depths run within the default budget
  EXPECT_EQ(Harness().run(recursionThroughNesting(150, 10)), "0\n");
}

// ================================================================ conv1d_rvm.sched helpers

// The four `def` helpers of the example, run against fake cursors; the fake
// primitives record every call, refusing some as a real scheduler would.
class Conv1dHelpers : public ::testing::Test {
protected:
  void SetUp() override {
    syntax::File file = parseFile(kConv1dPath, readAll(kConv1dPath));
    file_ = file;
    std::vector<syntax::ItemPtr> defs;
    for (const syntax::ItemPtr& item : file.items)
      if (item->kind == syntax::ItemKind::Def)
        defs.push_back(item);
    ASSERT_EQ(defs.size(), 4u);
    interpreter_.addDefs(defs);
  }

  void define(const std::string& name, Value value) {
    interpreter_.defineGlobal(name, std::move(value));
  }

  void runSchedule(const std::string& body) {
    syntax::File file = parseFile("t.sched", schedule(body));
    interpreter_.runBlock(file.items.at(0)->body);
  }

  syntax::File file_;
  std::ostringstream printed_;
  ScheduleInterpreter interpreter_{InterpreterOptions{&printed_}};
  std::vector<std::string> log_;
};

TEST_F(Conv1dHelpers, LiftAllocToSize) {
  // for ioi in 4: for ii in 4: for jo in n: for ji in 8: out_tile
  auto proc = node("proc", "conv1d", nullptr);
  auto ioi = node("loop", "ioi", proc, 4);
  auto ii = node("loop", "ii", ioi, 4);
  auto jo = node("loop", "jo", ii); // symbolic extent: never expanded over
  auto ji = node("loop", "ji", jo, 8);
  auto outTile = node("alloc", "out_tile", ji);
  define("out_tile", cursor(outTile));
  define("expand_dim", recordingPrimitive("expand_dim", log_));
  define("lift_alloc", recordingPrimitive("lift_alloc", log_));
  runSchedule("lift_alloc_to_size(out_tile, ['ioi', 'ii', 'ji', 'jo'], 4 * 4 * 4)");
  // ji: 8 <= 64; jo: not a literal; ii: 8*4 = 32 <= 64; ioi: 32*4 = 128 > 64
  EXPECT_EQ(log_,
            (std::vector<std::string>{"expand_dim(out_tile, 8, 'ji')", "lift_alloc(out_tile)",
                                      "expand_dim(out_tile, 4, 'ii')", "lift_alloc(out_tile)"}));
}

TEST_F(Conv1dHelpers, FissionAsMuchAsPossible) {
  auto proc = node("proc", "conv1d", nullptr);
  auto c = node("loop", "c", proc, 4);
  auto ii = node("loop", "ii", c, 4);
  auto ji = node("loop", "ji", ii, 4);
  auto body = node("stmt", "body", ji);
  define("body", cursor(body));
  define("reorder_stmts", recordingPrimitive("reorder_stmts", log_, 2));
  define("fission", recordingPrimitive("fission", log_, 2));
  runSchedule("fission_as_much_as_possible(body)");
  EXPECT_EQ(log_,
            (std::vector<std::string>{"reorder_stmts(body[1,0])", "reorder_stmts(body[1,0])",
                                      "reorder_stmts(body[1,0]) refused", "fission(after(body))",
                                      "fission(after(ji))", "fission(after(ii)) refused"}));
}

TEST_F(Conv1dHelpers, LiftScopeN) {
  auto stmt = node("loop", "c", node("proc", "conv1d", nullptr), 4);
  define("c_loop", cursor(stmt));
  define("lift_scope", recordingPrimitive("lift_scope", log_));
  runSchedule("lift_scope_n(c_loop, 3)\nlift_scope_n(c_loop, 0)");
  EXPECT_EQ(log_, (std::vector<std::string>{"lift_scope(c)", "lift_scope(c)", "lift_scope(c)"}));
}

TEST_F(Conv1dHelpers, LiftScopeNStopsAtARefusal) {
  auto stmt = node("loop", "c", node("proc", "conv1d", nullptr), 4);
  define("c_loop", cursor(stmt));
  define("lift_scope", recordingPrimitive("lift_scope", log_, 1));
  try {
    runSchedule("x = 0\nlift_scope_n(c_loop, 3)");
    FAIL() << "the refusal is not caught by lift_scope_n";
  } catch (const DirectiveRefused& e) {
    EXPECT_EQ(e.loc().line, 59u); // `lift_scope(stmt)` in the example
    EXPECT_EQ(notesOf(e), (std::vector<std::string>{"3:5: in helper 'lift_scope_n' called here"}));
  }
  EXPECT_EQ(log_, (std::vector<std::string>{"lift_scope(c)", "lift_scope(c) refused"}));
}

TEST_F(Conv1dHelpers, RemoveRedundantLoops) {
  // for ii: for ji: for c: for r: y = ...; the statement uses c, so c stays
  auto proc = node("proc", "conv1d", nullptr);
  auto ii = node("loop", "ii", proc, 4);
  auto ji = node("loop", "ji", ii, 4);
  auto c = node("loop", "c", ji, 4);
  auto r = node("loop", "r", c, 4);
  auto assign = node("stmt", "y_assign", r);
  define("y_assign", cursor(assign));
  define("remove_loop", Value::newBuiltin("remove_loop", [this](const CallArgs& args) {
           std::string loop = args.positional.at(0).repr();
           if (loop == "c") {
             log_.push_back("remove_loop(c) refused");
             throw DirectiveRefused(args.loc, "the statement uses c");
           }
           log_.push_back("remove_loop(" + loop + ")");
           return Value();
         }));
  runSchedule("remove_redundant_loops(y_assign, 2)");
  EXPECT_EQ(log_, (std::vector<std::string>{"remove_loop(r)", "remove_loop(c) refused",
                                            "remove_loop(ji)"}));
  log_.clear();
  runSchedule("remove_redundant_loops(y_assign, 10)"); // stops at the proc
  EXPECT_EQ(log_, (std::vector<std::string>{"remove_loop(r)", "remove_loop(c) refused",
                                            "remove_loop(ji)", "remove_loop(ii)"}));
}

// ---------------------------------------------------------------- the whole schedule

namespace {

// Any cursor of the example's schedule: a label saying how it was reached,
// and its depth in a loop nest proc > ioi > ii > ji > c > r > ...
class GenericCursor : public Object {
public:
  GenericCursor(std::string label, int depth) : label_(std::move(label)), depth_(depth) {}

  std::string typeName() const override { return "cursor"; }
  std::string repr() const override { return label_; }

  Value getItem(const Value& index, const SrcLoc& loc) override {
    return make(label_ + "[" + std::to_string(index.requireInt(loc, "cursor index")) + "]", depth_);
  }

  Value getAttribute(const std::string& name, const SrcLoc& loc) override {
    static const std::vector<std::string> names = {"proc", "ioi", "ii", "ji", "c", "r", "w"};
    if (name == "name")
      return boundMethod(name, [this](const CallArgs&) {
        return Value::fromStr(depth_ < 7 ? names[static_cast<size_t>(depth_)] : "deep");
      });
    if (name == "is_loop")
      return boundMethod(name, [this](const CallArgs&) { return Value::fromBool(depth_ > 0); });
    if (name == "hi")
      return boundMethod(name, [](const CallArgs&) {
        return Value::fromObject(std::make_shared<FakeExprCursor>(4));
      });
    if (name == "parent")
      return boundMethod(
          name, [this](const CallArgs&) { return make(label_ + ".parent()", depth_ - 1); });
    if (name == "body")
      return boundMethod(name,
                         [this](const CallArgs&) { return make(label_ + ".body()", depth_ + 1); });
    if (name == "after" || name == "expand")
      return boundMethod(name, [this, name](const CallArgs& args) {
        std::string described;
        for (const Value& arg : args.positional)
          described += (described.empty() ? "" : ", ") + arg.repr();
        return make(label_ + "." + name + "(" + described + ")", depth_);
      });
    failNoAttribute(name, loc);
  }

  static Value make(std::string label, int depth) {
    return Value::fromObject(std::make_shared<GenericCursor>(std::move(label), depth));
  }

private:
  std::string label_;
  int depth_;
};

// A memory or an instr, as the schedule names them.
class NamedObject : public Object {
public:
  NamedObject(std::string type, std::string name)
      : type_(std::move(type)), name_(std::move(name)) {}
  std::string typeName() const override { return type_; }
  std::string repr() const override { return name_; }

private:
  std::string type_, name_;
};

} // namespace

TEST(Conv1dSchedule, RunsAgainstFakePrimitives) {
  syntax::File file = parseFile(kConv1dPath, readAll(kConv1dPath));
  std::ostringstream printed;
  ScheduleInterpreter interpreter(InterpreterOptions{&printed});
  // What the host does: consts, memories and instrs as globals, then the defs.
  for (const syntax::ItemPtr& item : file.items)
    if (item->kind == syntax::ItemKind::Const)
      interpreter.defineGlobal(item->name, interpreter.evalExpr(*item->value));
  for (const char* memory : {"DRAM_STATIC", "RVM_TILE"})
    interpreter.defineGlobal(memory,
                             Value::fromObject(std::make_shared<NamedObject>("memory", memory)));
  for (const char* instr : {"rvm_mzero", "rvm_mst", "rvm_mld", "rvm_mmasa"})
    interpreter.defineGlobal(instr,
                             Value::fromObject(std::make_shared<NamedObject>("proc", instr)));
  std::vector<syntax::ItemPtr> defs;
  for (const syntax::ItemPtr& item : file.items)
    if (item->kind == syntax::ItemKind::Def)
      defs.push_back(item);
  interpreter.addDefs(defs);

  std::vector<std::string> log;
  auto calls = std::make_shared<std::map<std::string, int>>();
  // refuseEvery: the k-th, 2k-th, ... calls are refused (0: never).
  auto primitive = [&](const std::string& name, int refuseEvery,
                       std::function<Value(const std::string&)> result = nullptr) {
    interpreter.defineGlobal(name, Value::newBuiltin(name, [=, &log](const CallArgs& args) {
                               std::string entry = name + "(" + describeArgs(args) + ")";
                               int count = ++(*calls)[name];
                               if (refuseEvery && count % refuseEvery == 0) {
                                 log.push_back(entry + " refused");
                                 throw DirectiveRefused(args.loc, name + " refused");
                               }
                               log.push_back(entry);
                               return result ? result(entry) : Value();
                             }));
  };
  auto cursorNamedByCall = [](const std::string& entry) { return GenericCursor::make(entry, 4); };
  primitive("find", 0, cursorNamedByCall);
  primitive("find_loop", 0, cursorNamedByCall);
  primitive("auto_stage_mem", 0, [](const std::string& entry) {
    std::vector<Value> parts;
    for (const char* part : {"alloc", "load", "body", "store"})
      parts.push_back(GenericCursor::make(part + std::string(" of ") + entry, 4));
    return Value::newTuple(std::move(parts));
  });
  primitive("reorder_stmts", 1); // never possible here
  primitive("fission", 3);       // twice, then refused
  primitive("remove_loop", 2);   // every other loop
  for (const char* name :
       {"tile_loops", "reorder_loops", "expand_dim", "lift_alloc", "lift_scope", "simplify",
        "set_memory", "replace_all", "unroll_loop", "unroll_buffer", "reuse_buffer"})
    primitive(name, 0);

  const syntax::ItemPtr& schedule = file.items.back();
  ASSERT_EQ(schedule->kind, syntax::ItemKind::Schedule);
  interpreter.runBlock(schedule->body);

  std::vector<std::string> names;
  for (const std::string& entry : log)
    names.push_back(entry.substr(0, entry.find('(')) +
                    (entry.ends_with(" refused") ? " refused" : ""));
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "find", "find", "find", "find", "find", "tile_loops", "tile_loops", "find",
                "reorder_loops", "find_loop", "auto_stage_mem", "find",
                // lift_alloc_to_size(out_tile, ["ioi", "ii", "ji"], 64): ji, ii, ioi
                "expand_dim", "lift_alloc", "expand_dim", "lift_alloc", "expand_dim", "lift_alloc",
                // fission_as_much_as_possible(body), then (body[0])
                "reorder_stmts refused", "fission", "fission", "fission refused",
                "reorder_stmts refused", "fission", "fission", "fission refused",
                // lift_scope_n(c_loop, 3)
                "lift_scope", "lift_scope", "lift_scope",
                // lift_alloc_to_size(y_alloc, ["r", "ji"], 16): ji only
                "expand_dim", "lift_alloc", "lift_alloc", "reorder_stmts refused", "fission",
                "fission", "fission refused",
                // remove_redundant_loops(y_assign.parent(), 2): ii removed, ioi refused
                "remove_loop", "remove_loop refused", "auto_stage_mem", "expand_dim", "simplify",
                "lift_alloc", "auto_stage_mem", "set_memory", "set_memory", "set_memory",
                "set_memory", "replace_all", "unroll_loop", "unroll_loop", "unroll_loop",
                "simplify", "unroll_buffer", "reuse_buffer", "unroll_buffer"}));
  // a few calls in full: arguments as the schedule computed them
  auto has = [&](const std::string& entry) {
    return std::find(log.begin(), log.end(), entry) != log.end();
  };
  EXPECT_TRUE(
      has("tile_loops([(find('for i in _:_'), 4), (find('for j in _:_'), 4)], perfect=True)"));
  EXPECT_TRUE(has("auto_stage_mem(find_loop('c').expand(1, 0), 'out', 'out_tile', rc=True)"));
  EXPECT_TRUE(has("expand_dim(find('out_tile : _'), 4, 'ioi')"));
  EXPECT_TRUE(has("fission(body of auto_stage_mem(find_loop('c').expand(1, 0), 'out', "
                  "'out_tile', rc=True)[0].after().parent().after())"));
  EXPECT_TRUE(has("lift_alloc(find('y : _'), n_lifts=2)"));
  EXPECT_TRUE(has("expand_dim(alloc of auto_stage_mem(find('for c in _:_').body()[2].body()[0], "
                  "'kernels', 'kernel_tile', rc=True), 4, 'r')"));
  EXPECT_TRUE(has("set_memory(find('y : _'), DRAM_STATIC)"));
  EXPECT_TRUE(has("replace_all([rvm_mzero, rvm_mst, rvm_mld, rvm_mmasa])"));
  EXPECT_EQ(printed.str(), "");
}
