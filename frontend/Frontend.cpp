#include "frontend/Frontend.h"

#include "frontend/Parser.h"
#include "frontend/ProcLowering.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace schedc {

namespace {

using SK = syntax::ExprKind;

std::string readFile(const std::string& path, const SrcLoc& requestedAt) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw CompileError(requestedAt.known() ? requestedAt : makeLoc(path, 1, 1),
                       "cannot read file '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw CompileError(requestedAt.known() ? requestedAt : makeLoc(path, 1, 1),
                       "cannot read file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ModuleLoader {
public:
  explicit ModuleLoader(const FrontendOptions& options) : options_(options) {}

  Module load(const std::string& path, const std::optional<std::string>& text) {
    module_.mainFile = path;
    std::string prelude = (fs::path(options_.stdlibDir) / "memories.sched").string();
    if (!fs::exists(prelude))
      throw CompileError(makeLoc(path, 1, 1), "standard library not found: no memories.sched in '" +
                                                  options_.stdlibDir + "'");
    loadFile(prelude, readFile(prelude, {}), /*fromImport=*/true);
    loadFile(path, text ? *text : readFile(path, {}), /*fromImport=*/false);
    return std::move(module_);
  }

private:
  void loadFile(const std::string& path, const std::string& text, bool fromImport) {
    std::string key = fs::weakly_canonical(fs::path(path)).string();
    if (!loaded_.insert(key).second)
      return; // each file is loaded once; import cycles end here
    module_.sourceFiles.push_back(path);
    syntax::File file = parseFile(path, text);
    for (const syntax::ItemPtr& item : file.items)
      loadItem(item, path, fromImport);
  }

  std::string resolveImport(const syntax::Item& item, const std::string& importer) {
    std::vector<fs::path> dirs;
    dirs.push_back(fs::path(importer).parent_path());
    for (const std::string& d : options_.includeDirs)
      dirs.emplace_back(d);
    dirs.emplace_back(options_.stdlibDir);
    for (const fs::path& dir : dirs) {
      fs::path candidate = dir / item.name;
      if (fs::is_regular_file(candidate))
        return candidate.lexically_normal().string();
    }
    std::string searched;
    for (const fs::path& dir : dirs)
      searched += (searched.empty() ? "" : ", ") + (dir.empty() ? std::string(".") : dir.string());
    throw CompileError(item.loc, "cannot find imported file '" + item.name +
                                     "' (searched: " + searched + ")");
  }

  // A name may be defined once across consts, memories, procs and instrs.
  void claimName(const std::string& name, const SrcLoc& loc) {
    auto [it, inserted] = definedAt_.emplace(name, loc);
    if (!inserted)
      throw CompileError(loc, "redefinition of '" + name + "'")
          .addNote(it->second, "previous definition is here");
  }

  void loadItem(const syntax::ItemPtr& item, const std::string& path, bool fromImport) {
    switch (item->kind) {
    case syntax::ItemKind::Import:
      loadFile(resolveImport(*item, path), readFile(resolveImport(*item, path), item->loc),
               /*fromImport=*/true);
      return;
    case syntax::ItemKind::Const:
      claimName(item->name, item->loc);
      module_.consts[item->name] = evalConstInt(*item->value, module_);
      return;
    case syntax::ItemKind::Memory:
      claimName(item->name, item->loc);
      module_.memories.push_back(lowerMemory(*item));
      return;
    case syntax::ItemKind::Instr:
    case syntax::ItemKind::Proc:
      claimName(item->name, item->loc);
      module_.procs.push_back(lowerProc(*item, module_, fromImport));
      return;
    case syntax::ItemKind::Schedule:
      claimName(item->name, item->loc);
      if (!module_.findProc(item->source) && !scheduleNames_.count(item->source))
        throw CompileError(item->loc, "schedule '" + item->name + "' derives from unknown proc '" +
                                          item->source + "'");
      scheduleNames_.insert(item->name);
      module_.schedules.push_back(ScheduleDecl{item, fromImport});
      return;
    case syntax::ItemKind::Def:
      for (const syntax::ItemPtr& d : module_.defs)
        if (d->name == item->name)
          throw CompileError(item->loc, "redefinition of schedule helper '" + item->name + "'")
              .addNote(d->loc, "previous definition is here");
      module_.defs.push_back(item);
      return;
    }
  }

  static bool boolField(const syntax::Stmt& field) {
    if (field.value->kind != SK::Bool)
      throw CompileError(field.value->loc, "memory field '" + field.text + "' takes true or false");
    return field.value->intValue != 0;
  }

  static std::string stringField(const syntax::Stmt& field) {
    if (field.value->kind != SK::Str)
      throw CompileError(field.value->loc, "memory field '" + field.text + "' takes a string");
    return field.value->text;
  }

  MemoryPtr lowerMemory(const syntax::Item& item) {
    auto mem = std::make_shared<MemoryDef>();
    if (!item.source.empty()) {
      const MemoryDef* base = module_.findMemory(item.source);
      if (!base)
        throw CompileError(item.loc, "memory '" + item.name + "' extends unknown memory '" +
                                         item.source + "'");
      *mem = *base;
      mem->base = item.source;
    }
    mem->name = item.name;
    mem->loc = item.loc;
    std::set<std::string> seen;
    for (const syntax::StmtPtr& s : item.body) {
      if (s->kind == syntax::StmtKind::Pass)
        continue;
      if (s->kind != syntax::StmtKind::Decl)
        throw CompileError(s->loc, "a memory block holds 'field: value' lines");
      if (!seen.insert(s->text).second)
        throw CompileError(s->loc, "memory field '" + s->text + "' given twice");
      const std::string& key = s->text;
      if (key == "alloc")
        mem->allocTemplate = stringField(*s);
      else if (key == "free")
        mem->freeTemplate = stringField(*s);
      else if (key == "global")
        mem->globalTemplate = stringField(*s);
      else if (key == "read")
        mem->canRead = boolField(*s);
      else if (key == "write")
        mem->canWrite = boolField(*s);
      else if (key == "static_shape")
        mem->staticShape = boolField(*s);
      else if (key == "shape") {
        if (s->value->kind != SK::List)
          throw CompileError(s->value->loc, "memory field 'shape' takes a list of extents");
        mem->shape.clear();
        for (const auto& e : s->value->args) {
          int64_t extent = evalConstInt(*e, module_);
          if (extent <= 0)
            throw CompileError(e->loc, "extent must be positive");
          mem->shape.push_back(extent);
        }
      } else if (key == "registers") {
        if (s->value->kind != SK::List || s->value->args.empty())
          throw CompileError(s->value->loc, "memory field 'registers' takes a non-empty list");
        mem->registers.clear();
        std::set<std::string> unique;
        for (const auto& e : s->value->args) {
          std::string reg;
          if (e->kind == SK::Name || e->kind == SK::Str)
            reg = e->text;
          else if (e->kind == SK::Int)
            reg = std::to_string(e->intValue);
          else
            throw CompileError(e->loc, "a register is a name or a number");
          if (!unique.insert(reg).second)
            throw CompileError(e->loc, "register '" + reg + "' listed twice");
          mem->registers.push_back(reg);
        }
      } else {
        throw CompileError(s->loc, "unknown memory field '" + key +
                                       "' (alloc, free, global, read, write, shape, registers, "
                                       "static_shape)");
      }
    }
    if (mem->allocTemplate.empty() && mem->registers.empty() && item.source.empty())
      throw CompileError(item.loc, "memory '" + item.name + "' has no 'alloc:' template");
    return mem;
  }

  const FrontendOptions& options_;
  Module module_;
  std::set<std::string> loaded_;
  std::map<std::string, SrcLoc> definedAt_;
  std::set<std::string> scheduleNames_; // schedules may derive from earlier schedules
};

} // namespace

Module loadModule(const std::string& path, const FrontendOptions& options) {
  return ModuleLoader(options).load(path, std::nullopt);
}

Module loadModuleFromString(const std::string& text, const std::string& path,
                            const FrontendOptions& options) {
  return ModuleLoader(options).load(path, text);
}

} // namespace schedc
