#include "passes/Warnings.h"

#include "ir/IRVisitor.h"
#include "ir/Printer.h"
#include "passes/Scheduling.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace schedc {

namespace {

constexpr const char* kUnusedBuffer = "unused-buffer";
constexpr const char* kUnusedProc = "unused-proc";
constexpr const char* kUselessDirective = "useless-directive";

bool inMainFile(const SrcLoc& loc, const Module& module) {
  return loc.known() && *loc.file == module.mainFile;
}

Diagnostic warning(SrcLoc loc, std::string message, std::string flag) {
  Diagnostic d;
  d.severity = Severity::Warning;
  d.loc = std::move(loc);
  d.message = std::move(message);
  d.flag = std::move(flag);
  return d;
}

// ------------------------------------------------------------ -Wunused-buffer

// The allocations of a proc, and which buffers anything reads: an expression
// (a read, a window, a stride, an index) or a call argument. The target of an
// assignment or reduction is only written.
class BufferUses : public IRVisitor {
public:
  std::vector<const Alloc*> allocs;
  std::set<Sym> read;
  std::set<Sym> written;

protected:
  void visitRead(const Read* e) override {
    read.insert(e->name);
    IRVisitor::visitRead(e);
  }
  void visitWindow(const WindowExpr* e) override {
    read.insert(e->name);
    IRVisitor::visitWindow(e);
  }
  void visitStride(const StrideExpr* e) override { read.insert(e->name); }
  void visitAssign(const Assign* s) override {
    written.insert(s->name);
    IRVisitor::visitAssign(s);
  }
  void visitAlloc(const Alloc* s) override {
    allocs.push_back(s);
    IRVisitor::visitAlloc(s);
  }
};

// ------------------------------------------------------------ -Wunused-proc

// Every name a schedule block or schedule helper of the main file spells
// (`replace(_, my_instr)`, `call_eqv(_, other_proc)`).
void collectNames(const syntax::ExprPtr& e, std::set<std::string>& names) {
  if (!e)
    return;
  if (e->kind == syntax::ExprKind::Name)
    names.insert(e->text);
  collectNames(e->base, names);
  for (const syntax::ExprPtr& a : e->args)
    collectNames(a, names);
  for (const auto& [keyword, value] : e->kwargs)
    collectNames(value, names);
}

void collectNames(const syntax::Block& block, std::set<std::string>& names) {
  for (const syntax::StmtPtr& s : block) {
    collectNames(s->value, names);
    for (const syntax::ExprPtr& t : s->targets)
      collectNames(t, names);
    for (const syntax::Param& p : s->params)
      collectNames(p.defaultValue, names);
    collectNames(s->body, names);
    collectNames(s->orelse, names);
  }
}

// The names of the procs and instrs a proc calls.
class Callees : public IRVisitor {
public:
  std::set<std::string> names;

protected:
  void visitCall(const Call* s) override {
    names.insert(s->callee->name);
    IRVisitor::visitCall(s);
  }
};

// ------------------------------------------------------ -Wuseless-directive

// Directives that only look at the proc (cursors), and simplify(), which
// schedules conventionally end with whether or not there is anything left to
// fold: a warning there would be noise.
bool isExempt(const std::string& name) {
  static const std::set<std::string> exempt = {"find", "find_loop", "find_alloc_or_arg",
                                               "proc_body", "simplify"};
  return exempt.count(name) > 0;
}

bool sameLoc(const SrcLoc& a, const SrcLoc& b) {
  return a.known() && b.known() && a.line == b.line && a.col == b.col && *a.file == *b.file;
}

} // namespace

const std::vector<std::string>& warningFlags() {
  static const std::vector<std::string> flags = {kUnusedBuffer, kUnusedProc, kUselessDirective};
  return flags;
}

void warnUnusedBuffers(const Module& module, std::vector<Diagnostic>& warnings) {
  for (const ProcPtr& p : module.procs) {
    if (p->fromImport || p->isInstr())
      continue;
    BufferUses uses;
    uses.visitProc(*p);
    for (const Alloc* alloc : uses.allocs) {
      if (uses.read.count(alloc->name) || !inMainFile(alloc->loc, module))
        continue;
      bool written = uses.written.count(alloc->name) > 0;
      warnings.push_back(warning(alloc->loc,
                                 "buffer '" + alloc->name.name() + "' is " +
                                     (written ? "written but never read" : "never used"),
                                 kUnusedBuffer));
    }
  }
}

void warnUnusedProcs(const Module& module, std::vector<Diagnostic>& warnings) {
  Callees callees;
  for (const ProcPtr& p : module.procs)
    callees.visitBlock(p->body);
  std::set<std::string> used = std::move(callees.names);
  for (const ScheduleDecl& s : module.schedules) {
    used.insert(s.item->source);
    if (!s.fromImport)
      collectNames(s.item->body, used);
  }
  for (const syntax::ItemPtr& def : module.defs)
    if (inMainFile(def->loc, module))
      collectNames(def->body, used);
  for (const ProcPtr& p : module.procs) {
    if (!p->isPrivate || p->fromImport || p->isInstr() || used.count(p->name) ||
        !inMainFile(p->loc, module))
      continue;
    warnings.push_back(
        warning(p->loc, "private proc '" + p->name + "' is defined but never used", kUnusedProc));
  }
}

DirectiveEffects::DirectiveEffects(const Module& module, const ScheduleDecl& schedule)
    : procName_(schedule.item->name) {
  if (schedule.fromImport)
    return;
  std::set<std::string> helpers; // a def may shadow a directive's name
  for (const syntax::ItemPtr& def : module.defs)
    helpers.insert(def->name);
  for (const syntax::StmtPtr& s : schedule.item->body) {
    if (s->kind != syntax::StmtKind::ExprStmt && s->kind != syntax::StmtKind::Assign)
      continue;
    const syntax::ExprPtr& call = s->value;
    if (!call || call->kind != syntax::ExprKind::Call || !call->base ||
        call->base->kind != syntax::ExprKind::Name)
      continue;
    const std::string& name = call->base->text;
    if (isExempt(name) || helpers.count(name) || !sched::allPrimitives().find(name) ||
        !inMainFile(call->loc, module))
      continue;
    directives_.push_back(TopLevelDirective{name, call->loc});
  }
}

void DirectiveEffects::onCommit(const SrcLoc& at, const Proc& before, const Proc& after) {
  for (TopLevelDirective& d : directives_)
    if (!d.changed && sameLoc(d.loc, at))
      d.changed = &before != &after && printProc(before) != printProc(after);
}

void DirectiveEffects::report(std::vector<Diagnostic>& warnings) const {
  for (const TopLevelDirective& d : directives_)
    if (!d.changed)
      warnings.push_back(warning(d.loc, "'" + d.name + "' leaves '" + procName_ + "' unchanged",
                                 kUselessDirective));
}

void sortWarnings(std::vector<Diagnostic>& warnings) {
  std::stable_sort(warnings.begin(), warnings.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.line, a.loc.col) < std::tie(b.loc.line, b.loc.col);
  });
}

} // namespace schedc
