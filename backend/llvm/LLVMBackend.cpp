#include "backend/llvm/LLVMBackend.h"

#include "backend/RegisterAllocation.h"
#include "ir/AsmTemplate.h"
#include "ir/Printer.h"

#include <filesystem>
#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/RISCVISAInfo.h>
#include <llvm/TargetParser/Triple.h>
#include <llvm/TargetParser/X86TargetParser.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

namespace schedc {
namespace {

// Allocations of at most this many bytes with a constant shape live on the
// stack (the C backend mallocs them; the contents are indeterminate either way).
constexpr int64_t kMaxStackBytes = 4096;

// ================================================================ targets

struct TargetChoice {
  std::string triple;
  std::string cpu;
  std::string features; // "+m,+c,..."
  std::string abi;      // RISC-V only
  unsigned indexBits;   // int_fast32_t
};

void initialiseTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();
  });
}

std::string knownList() {
  std::string list;
  for (const std::string& t : llvmKnownTargets())
    list += (list.empty() ? "" : ", ") + t;
  return list;
}

TargetChoice chooseTarget(const LLVMEmitOptions& options) {
  const auto& known = llvmKnownTargets();
  if (std::find(known.begin(), known.end(), options.triple) == known.end())
    throw TargetError("unknown target '" + options.triple + "' (known: " + knownList() + ")");
  if (options.optLevel < 0 || options.optLevel > 3)
    throw TargetError("unknown optimisation level -O" + std::to_string(options.optLevel));
  TargetChoice choice;
  choice.triple = options.triple;
  llvm::Triple triple(options.triple);
  if (triple.getArch() == llvm::Triple::x86_64) {
    if (!options.mabi.empty())
      throw TargetError("-mabi is for RISC-V targets, not '" + options.triple + "'");
    choice.cpu = options.march.empty() ? "x86-64" : options.march;
    choice.indexBits = 64;
    if (llvm::X86::parseArchX86(choice.cpu, /*Only64Bit=*/true) == llvm::X86::CK_None)
      throw TargetError("unknown -march '" + choice.cpu + "' for " + options.triple);
    return choice;
  }
  bool is64 = triple.getArch() == llvm::Triple::riscv64;
  std::string arch = options.march.empty() ? (is64 ? "rv64gc" : "rv32imac") : options.march;
  auto parsed = llvm::RISCVISAInfo::parseArchString(arch, /*EnableExperimentalExtension=*/false);
  if (!parsed)
    throw TargetError("bad -march '" + arch + "': " + llvm::toString(parsed.takeError()));
  const llvm::RISCVISAInfo& isa = **parsed;
  if (isa.getXLen() != (is64 ? 64u : 32u))
    throw TargetError("-march '" + arch + "' is an rv" + std::to_string(isa.getXLen()) +
                      " architecture; target '" + options.triple + "' needs rv" +
                      (is64 ? "64" : "32"));
  std::string abi = options.mabi;
  if (abi.empty())
    abi = is64 ? (isa.hasExtension("d")   ? "lp64d"
                  : isa.hasExtension("f") ? "lp64f"
                                          : "lp64")
               : (isa.hasExtension("d")   ? "ilp32d"
                  : isa.hasExtension("f") ? "ilp32f"
                  : isa.hasExtension("e") ? "ilp32e"
                                          : "ilp32");
  std::set<std::string> abis = is64 ? std::set<std::string>{"lp64", "lp64f", "lp64d", "lp64e"}
                                    : std::set<std::string>{"ilp32", "ilp32f", "ilp32d", "ilp32e"};
  if (!abis.count(abi))
    throw TargetError("unknown -mabi '" + abi + "' for " + options.triple);
  char last = abi.back();
  if ((last == 'f' && !isa.hasExtension("f")) || (last == 'd' && !isa.hasExtension("d")))
    throw TargetError("-mabi '" + abi + "' needs the " + std::string(1, last) +
                      " extension, which -march '" + arch + "' does not have");
  if (last == 'e' && !isa.hasExtension("e"))
    throw TargetError("-mabi '" + abi + "' needs the e base, which -march '" + arch +
                      "' does not have");
  choice.cpu = is64 ? "generic-rv64" : "generic-rv32";
  for (const std::string& feature : isa.toFeatures())
    choice.features += (choice.features.empty() ? "" : ",") + feature;
  choice.abi = abi;
  choice.indexBits = is64 ? 64 : 32;
  return choice;
}

std::unique_ptr<llvm::TargetMachine> makeTargetMachine(const TargetChoice& choice, int optLevel,
                                                       bool rawInlineAsm) {
  initialiseTargets();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(choice.triple, error);
  if (!target)
    throw TargetError(error);
  llvm::TargetOptions options;
  options.MCOptions.ABIName = choice.abi;
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict; // floats are strict: no fma contraction
  // Assembly output pastes the asm: forms as written, as a C compiler's -S
  // does (the mnemonic flavour of RVM is for assemblers that know it).
  options.DisableIntegratedAS = rawInlineAsm;
  llvm::CodeGenOptLevel level = optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      choice.triple, choice.cpu, choice.features, options, llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine)
    throw TargetError("cannot create a target machine for '" + choice.triple + "'");
  return machine;
}

// ================================================================ lowering

// A buffer as the generated code sees it: a pointer to its first element and
// the stride of each dimension (in elements, int_fast32_t).
struct Buffer {
  llvm::Value* base = nullptr;
  ScalarType type = ScalarType::I32;
  std::vector<llvm::Value*> strides;
  const MemoryDef* memory = nullptr;
  // A buffer in a register file has no storage (base stays null): the
  // register its allocation got, and whether this is a part of it.
  std::string reg;
  bool isRegisterPart = false;
  std::string registerBuffer; // the allocation's name, for messages
};

// What a name stands for in a function.
struct Binding {
  bool isBuffer = false;
  llvm::Value* value = nullptr; // control values: int_fast32_t or i1
  Buffer buffer;
};

bool isDram(const std::string& mem) {
  return mem == "DRAM";
}

class ModuleLowering;

class FunctionLowering {
public:
  FunctionLowering(ModuleLowering& module, const Proc& proc, llvm::Function* function);
  void lower();

private:
  // ------------------------------------------------------------ types
  llvm::Type* storageType(ScalarType t) const;
  llvm::IntegerType* indexType() const;

  // ------------------------------------------------------------ values (C semantics)
  llvm::Value* promote(llvm::Value* v, ScalarType from);
  llvm::Value* toCondition(llvm::Value* v);
  llvm::Value* convert(llvm::Value* v, ScalarType target);
  llvm::Value* toIndex(llvm::Value* v) { return convert(v, ScalarType::Index); }
  std::pair<llvm::Value*, llvm::Value*> unify(llvm::Value* a, llvm::Value* b);
  llvm::Value* value(const Expr& e);
  llvm::Value* index(const Expr& e) { return toIndex(value(e)); }
  llvm::Value* valueAs(const Expr& e, ScalarType target);
  llvm::Value* literal(const Const& c);
  llvm::Constant* halfLiteral(double v);
  llvm::Value* binOp(const BinOp& b);
  llvm::Value* lazy(const Expr& cond, const std::function<llvm::Value*()>& whenTrue,
                    const std::function<llvm::Value*()>& whenFalse);

  // ------------------------------------------------------------ buffers
  const Binding& lookup(const Sym& sym, const SrcLoc& loc) const;
  Buffer viewOf(const Expr& e);
  llvm::Value* elementAddress(const Sym& name, const std::vector<Expr>& idx, const SrcLoc& loc,
                              ScalarType& type);
  llvm::Value* offsetPointer(const Buffer& buffer, llvm::Value* offset);
  llvm::Value* flatOffset(const std::vector<llvm::Value*>& indices,
                          const std::vector<llvm::Value*>& strides);
  std::vector<llvm::Value*> denseStrides(const std::vector<Expr>& shape);

  // ------------------------------------------------------------ statements
  void lowerBlock(const Block& block);
  void lowerStmt(const Stmt& stmt, std::vector<llvm::Value*>& frees);
  void lowerFor(const For& loop);
  void lowerIf(const If& branch);
  void lowerAlloc(const Alloc& alloc, std::vector<llvm::Value*>& frees);
  void lowerCall(const Call& call);
  void lowerInstrCall(const Call& call);
  llvm::AllocaInst* entryAlloca(llvm::Type* type, const std::string& name);
  // Blocks are created detached and appended when code goes in, so that the
  // function lists them in program order.
  llvm::BasicBlock* newBlock(const std::string& name) {
    return llvm::BasicBlock::Create(function_->getContext(), name);
  }
  void enter(llvm::BasicBlock* block) {
    if (!block->getParent())
      block->insertInto(function_);
    b_.SetInsertPoint(block);
  }

  ModuleLowering& module_;
  const Proc& proc_;
  llvm::Function* function_;
  llvm::IRBuilder<> b_;
  std::map<Sym, Binding> bindings_;
  // Register-file allocation, in program order as the C backend does it
  // (RegisterAllocation.h): one pool per memory, given back per block.
  std::map<std::string, RegisterFile> registerFiles_;
  std::vector<std::vector<std::pair<RegisterFile*, std::string>>> heldRegisters_;
};

class ModuleLowering {
public:
  ModuleLowering(const Module& module, llvm::Module& llvmModule, const TargetChoice& target)
      : module(module), llvmModule(llvmModule), context(llvmModule.getContext()), target(target),
        registerUse(module) {}

  // Declares the function of a proc (once per name). Window arguments are
  // passed expanded (data pointer, then one stride per dimension); an
  // exported proc with window arguments is then an internal NAME.impl, and
  // NAME a wrapper with the C header's ABI (defineWrappers).
  llvm::Function* declare(const Proc& proc, bool exported) {
    if (llvm::Function* f = functions[proc.name])
      return f;
    bool hasWindows = std::any_of(proc.args.begin(), proc.args.end(),
                                  [](const FnArg& arg) { return arg.isData() && arg.isWindow; });
    bool wrapped = exported && hasWindows;
    std::vector<llvm::Type*> params{llvm::PointerType::get(context, 0)};
    llvm::IntegerType* index = llvm::Type::getIntNTy(context, target.indexBits);
    for (const FnArg& arg : proc.args) {
      if (!arg.isData()) {
        params.push_back(controlType(arg));
        continue;
      }
      const MemoryDef* memory = module.findMemory(arg.mem);
      if (memory && memory->isRegisterFile())
        fail(arg.loc, "argument '" + arg.name.name() + "' of proc '" + proc.name +
                          "' lives in the register file " + memory->name +
                          ": only instrs take register-file arguments (inline the proc)");
      params.push_back(llvm::PointerType::get(context, 0));
      if (arg.isWindow) {
        if (arg.shape.empty())
          fail(arg.loc, "window argument '" + arg.name.name() + "' has no dimension");
        for (size_t d = 0; d < arg.shape.size(); ++d)
          params.push_back(index);
      }
    }
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), params, false);
    llvm::Function* f =
        llvm::Function::Create(type,
                               exported && !wrapped ? llvm::GlobalValue::ExternalLinkage
                                                    : llvm::GlobalValue::InternalLinkage,
                               wrapped ? proc.name + ".impl" : proc.name, llvmModule);
    addTargetAttributes(*f);
    if (wrapped) {
      f->addFnAttr(llvm::Attribute::AlwaysInline);
      wrappers.push_back({&proc, f});
    }
    unsigned p = 1;
    f->getArg(0)->setName("ctxt");
    for (const FnArg& arg : proc.args) {
      llvm::Argument* a = f->getArg(p++);
      a->setName(arg.name.name());
      if (!arg.isData()) {
        if (arg.type == ScalarType::Bool)
          a->addAttr(llvm::Attribute::ZExt);
        continue;
      }
      if (!mayOverlap[proc.name].count(static_cast<size_t>(&arg - proc.args.data())))
        a->addAttr(llvm::Attribute::NoAlias);
      a->addAttr(llvm::Attribute::NoCapture);
      a->addAttr(llvm::Attribute::getWithAlignment(context, llvm::Align(byteWidth(arg.type))));
      if (!arg.isWindow) {
        std::optional<int64_t> count = 1;
        for (const Expr& extent : arg.shape) {
          const Const* c = extent->as<Const>();
          count = c && count ? std::optional<int64_t>(*count * c->intValue) : std::nullopt;
        }
        if (count && *count > 0)
          a->addAttr(
              llvm::Attribute::getWithDereferenceableBytes(context, *count * byteWidth(arg.type)));
      } else {
        for (size_t d = 0; d < arg.shape.size(); ++d)
          f->getArg(p++)->setName(arg.name.name() + ".stride" + std::to_string(d));
      }
    }
    functions[proc.name] = f;
    return f;
  }

  // A control argument: `bool` or `int_fast32_t`.
  llvm::Type* controlType(const FnArg& arg) const {
    return arg.type == ScalarType::Bool
               ? llvm::Type::getInt1Ty(context)
               : static_cast<llvm::Type*>(llvm::Type::getIntNTy(context, target.indexBits));
  }

  void addTargetAttributes(llvm::Function& f) {
    f.addFnAttr(llvm::Attribute::NoUnwind);
    f.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      f.addFnAttr("target-features", target.features);
  }

  // How the C compiler passes `struct { T *data; int_fast32_t strides[rank]; }`
  // by value: x86-64 SysV splits a 16-byte struct into two registers and passes
  // a larger one in memory (byval); the RISC-V psABI passes one of at most
  // 2*XLEN bits as [2 x iXLEN] in registers and a larger one by reference to a
  // caller-made copy.
  enum class WindowPassing { Split, Registers, ByVal, Reference };
  WindowPassing windowPassing(size_t rank) const {
    unsigned bytes = static_cast<unsigned>((rank + 1) * target.indexBits / 8);
    bool small = bytes <= 2 * target.indexBits / 8;
    if (llvm::Triple(target.triple).getArch() == llvm::Triple::x86_64)
      return small ? WindowPassing::Split : WindowPassing::ByVal;
    return small ? WindowPassing::Registers : WindowPassing::Reference;
  }

  // The exported functions of procs with window arguments: NAME(ctxt, ...)
  // with the C header's ABI, unpacking each window struct and calling NAME.impl.
  void defineWrappers() {
    llvm::Type* ptr = llvm::PointerType::get(context, 0);
    llvm::IntegerType* index = llvm::Type::getIntNTy(context, target.indexBits);
    for (auto [proc, impl] : wrappers) {
      std::vector<llvm::Type*> params{ptr};
      for (const FnArg& arg : proc->args) {
        if (!arg.isData()) {
          params.push_back(controlType(arg));
        } else if (!arg.isWindow) {
          params.push_back(ptr);
        } else {
          switch (windowPassing(arg.shape.size())) {
          case WindowPassing::Split:
            params.push_back(ptr);
            params.push_back(index);
            break;
          case WindowPassing::Registers:
            params.push_back(llvm::ArrayType::get(index, 2));
            break;
          case WindowPassing::ByVal:
          case WindowPassing::Reference:
            params.push_back(ptr);
            break;
          }
        }
      }
      auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), params, false);
      llvm::Function* f =
          llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, proc->name, llvmModule);
      addTargetAttributes(*f);
      llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", f));
      std::vector<llvm::Value*> args{f->getArg(0)};
      f->getArg(0)->setName("ctxt");
      unsigned p = 1;
      for (const FnArg& arg : proc->args) {
        llvm::Argument* a = f->getArg(p++);
        a->setName(arg.name.name());
        if (!arg.isData()) {
          if (arg.type == ScalarType::Bool)
            a->addAttr(llvm::Attribute::ZExt);
          args.push_back(a);
          continue;
        }
        if (!arg.isWindow) {
          args.push_back(a);
          continue;
        }
        size_t rank = arg.shape.size();
        auto* windowType = llvm::StructType::get(context, {ptr, llvm::ArrayType::get(index, rank)});
        switch (windowPassing(rank)) {
        case WindowPassing::Split:
          args.push_back(a);
          args.push_back(f->getArg(p++));
          break;
        case WindowPassing::Registers:
          args.push_back(b.CreateIntToPtr(b.CreateExtractValue(a, 0), ptr));
          args.push_back(b.CreateExtractValue(a, 1));
          break;
        case WindowPassing::ByVal:
        case WindowPassing::Reference:
          if (windowPassing(rank) == WindowPassing::ByVal) {
            a->addAttr(llvm::Attribute::getWithByValType(context, windowType));
            a->addAttr(llvm::Attribute::getWithAlignment(context, llvm::Align(8)));
          }
          a->addAttr(llvm::Attribute::NoCapture);
          a->addAttr(llvm::Attribute::ReadOnly);
          args.push_back(b.CreateLoad(ptr, b.CreateStructGEP(windowType, a, 0)));
          for (size_t d = 0; d < rank; ++d)
            args.push_back(
                b.CreateLoad(index, b.CreateInBoundsGEP(windowType, a,
                                                        {b.getInt32(0), b.getInt32(1),
                                                         b.getInt32(static_cast<unsigned>(d))})));
          break;
        }
      }
      b.CreateCall(impl, args);
      b.CreateRetVoid();
    }
  }

  llvm::FunctionCallee mallocFn() {
    llvm::Type* ptr = llvm::PointerType::get(context, 0);
    return llvmModule.getOrInsertFunction(
        "malloc",
        llvm::FunctionType::get(ptr, {llvm::Type::getIntNTy(context, target.indexBits)}, false));
  }
  llvm::FunctionCallee freeFn() {
    llvm::Type* ptr = llvm::PointerType::get(context, 0);
    return llvmModule.getOrInsertFunction(
        "free", llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr}, false));
  }

  const Proc& emittedVersion(const Proc& callee) const {
    auto found = emittedProcs.find(callee.name);
    return found == emittedProcs.end() ? callee : *found->second;
  }

  const Module& module;
  llvm::Module& llvmModule;
  llvm::LLVMContext& context;
  const TargetChoice& target;
  std::map<std::string, const Proc*> emittedProcs;
  std::map<std::string, llvm::Function*> functions;
  std::vector<std::pair<const Proc*, llvm::Function*>> wrappers;
  // Parameters some call passes a buffer that overlaps another argument's
  // (findOverlaps): they get no `noalias`.
  std::map<std::string, std::set<size_t>> mayOverlap;
  RegisterUseAnalysis registerUse;
  // The instr calls lowered to inline asm; an asm call's `srcloc` is its
  // index + 1, so that assembler errors are reported at the call.
  std::vector<std::pair<const Call*, const Proc*>> asmCalls;
};

// Calls may pass one buffer twice, or overlapping windows of it (the language
// refuses that for instrs only): marks those parameters of the callees in
// `mayOverlap`, until nothing changes (a proc's overlapping parameters are one
// buffer for the calls it makes).
void findOverlaps(const std::vector<const Proc*>& procs, ModuleLowering& lowering) {
  std::function<void(const Block&, std::map<Sym, Sym>&, bool&)> walk;
  walk = [&](const Block& block, std::map<Sym, Sym>& rootOf, bool& changed) {
    auto root = [&](Sym s) {
      auto found = rootOf.find(s);
      return found == rootOf.end() ? s : found->second;
    };
    for (const Stmt& stmt : block) {
      if (const For* loop = stmt->as<For>()) {
        walk(loop->body, rootOf, changed);
      } else if (const If* branch = stmt->as<If>()) {
        walk(branch->body, rootOf, changed);
        walk(branch->orelse, rootOf, changed);
      } else if (const WindowBind* bind = stmt->as<WindowBind>()) {
        if (const WindowExpr* window = bind->rhs->as<WindowExpr>())
          rootOf[bind->name] = root(window->name);
        else if (const Read* read = bind->rhs->as<Read>())
          rootOf[bind->name] = root(read->name);
      } else if (const Call* call = stmt->as<Call>()) {
        if (call->callee->isInstr())
          continue;
        const Proc& callee = lowering.emittedVersion(*call->callee);
        std::map<Sym, std::vector<size_t>> users;
        for (size_t i = 0; i < call->args.size() && i < callee.args.size(); ++i) {
          if (!callee.args[i].isData())
            continue;
          if (const Read* read = call->args[i]->as<Read>())
            users[root(read->name)].push_back(i);
          else if (const WindowExpr* window = call->args[i]->as<WindowExpr>())
            users[root(window->name)].push_back(i);
        }
        for (const auto& [buffer, params] : users)
          if (params.size() > 1)
            for (size_t i : params)
              changed |= lowering.mayOverlap[callee.name].insert(i).second;
      }
    }
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (const Proc* proc : procs) {
      std::map<Sym, Sym> rootOf;
      const std::set<size_t>& overlapping = lowering.mayOverlap[proc->name];
      if (!overlapping.empty())
        for (size_t i : overlapping)
          rootOf[proc->args[i].name] = proc->args[*overlapping.begin()].name;
      walk(proc->body, rootOf, changed);
    }
  }
}

FunctionLowering::FunctionLowering(ModuleLowering& module, const Proc& proc,
                                   llvm::Function* function)
    : module_(module), proc_(proc), function_(function), b_(module.context) {}

llvm::IntegerType* FunctionLowering::indexType() const {
  return llvm::Type::getIntNTy(module_.context, module_.target.indexBits);
}

llvm::Type* FunctionLowering::storageType(ScalarType t) const {
  llvm::LLVMContext& c = module_.context;
  switch (t) {
  case ScalarType::I8:
  case ScalarType::UI8:
    return llvm::Type::getInt8Ty(c);
  case ScalarType::I16:
    return llvm::Type::getInt16Ty(c);
  case ScalarType::I32:
    return llvm::Type::getInt32Ty(c);
  case ScalarType::F16:
    return llvm::Type::getHalfTy(c);
  case ScalarType::F32:
  case ScalarType::R:
    return llvm::Type::getFloatTy(c);
  case ScalarType::F64:
    return llvm::Type::getDoubleTy(c);
  case ScalarType::Bool:
    return llvm::Type::getInt1Ty(c);
  default:
    return indexType();
  }
}

// ---------------------------------------------------------------- C values
//
// A value is kept as C holds it after the integer promotions: i1 for `bool`
// (comparisons, logic), i32 for int, iN for int_fast32_t (and wider literals),
// float or double. _Float16 is computed in float (C's excess precision on
// targets without half arithmetic) and rounded when stored.

llvm::Value* FunctionLowering::promote(llvm::Value* v, ScalarType from) {
  llvm::Type* i32 = b_.getInt32Ty();
  switch (from) {
  case ScalarType::I8:
  case ScalarType::I16:
    return b_.CreateSExt(v, i32);
  case ScalarType::UI8:
    return b_.CreateZExt(v, i32);
  case ScalarType::F16:
    return b_.CreateFPExt(v, b_.getFloatTy());
  default:
    return v;
  }
}

llvm::Value* FunctionLowering::toCondition(llvm::Value* v) {
  if (v->getType()->isIntegerTy(1))
    return v;
  if (v->getType()->isFloatingPointTy())
    return b_.CreateFCmpUNE(v, llvm::ConstantFP::get(v->getType(), 0.0));
  return b_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0));
}

// C's conversion of a (promoted) value to `target` (as a store or a cast does).
llvm::Value* FunctionLowering::convert(llvm::Value* v, ScalarType target) {
  if (target == ScalarType::Bool)
    return toCondition(v);
  llvm::Type* to = storageType(target);
  llvm::Type* from = v->getType();
  if (from == to)
    return v;
  if (from->isIntegerTy(1))
    return to->isFloatingPointTy() ? b_.CreateUIToFP(v, to) : b_.CreateZExt(v, to);
  if (from->isIntegerTy()) {
    if (to->isFloatingPointTy())
      return b_.CreateSIToFP(v, to);
    return b_.CreateSExtOrTrunc(v, to);
  }
  if (to->isFloatingPointTy())
    return b_.CreateFPCast(v, to);
  return target == ScalarType::UI8 ? b_.CreateFPToUI(v, to) : b_.CreateFPToSI(v, to);
}

// The type of C's usual arithmetic conversions of two promoted values.
llvm::Type* commonType(llvm::Type* a, llvm::Type* b) {
  auto widenBool = [](llvm::Type* t) {
    return t->isIntegerTy(1) ? llvm::Type::getInt32Ty(t->getContext()) : t;
  };
  a = widenBool(a);
  b = widenBool(b);
  if (a == b)
    return a;
  if (a->isFloatingPointTy() || b->isFloatingPointTy()) {
    if (!a->isFloatingPointTy())
      return b;
    if (!b->isFloatingPointTy())
      return a;
    return a->getPrimitiveSizeInBits() >= b->getPrimitiveSizeInBits() ? a : b;
  }
  return a->getIntegerBitWidth() >= b->getIntegerBitWidth() ? a : b;
}

// C's usual arithmetic conversions.
std::pair<llvm::Value*, llvm::Value*> FunctionLowering::unify(llvm::Value* a, llvm::Value* b) {
  auto widenBool = [&](llvm::Value* v) {
    return v->getType()->isIntegerTy(1) ? b_.CreateZExt(v, b_.getInt32Ty()) : v;
  };
  a = widenBool(a);
  b = widenBool(b);
  llvm::Type* to = commonType(a->getType(), b->getType());
  auto lift = [&](llvm::Value* v) -> llvm::Value* {
    if (v->getType() == to)
      return v;
    if (to->isFloatingPointTy())
      return v->getType()->isFloatingPointTy() ? b_.CreateFPCast(v, to) : b_.CreateSIToFP(v, to);
    return b_.CreateSExt(v, to);
  };
  return {lift(a), lift(b)};
}

// `(_Float16)<v as a float literal>`: rounded to float, then to half.
llvm::Constant* FunctionLowering::halfLiteral(double v) {
  llvm::APFloat value(static_cast<float>(v));
  bool lost = false;
  value.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return llvm::ConstantFP::get(module_.context, value);
}

llvm::Value* FunctionLowering::literal(const Const& c) {
  if (c.type == ScalarType::Bool)
    return b_.getInt1(c.intValue != 0);
  switch (c.type) {
  case ScalarType::F64:
    return llvm::ConstantFP::get(b_.getDoubleTy(), c.floatValue);
  case ScalarType::F16: // `(_Float16)<float literal>`, computed in float
    return b_.CreateFPExt(halfLiteral(c.floatValue), b_.getFloatTy());
  case ScalarType::F32:
  case ScalarType::R:
    return llvm::ConstantFP::get(b_.getFloatTy(), static_cast<float>(c.floatValue));
  default:
    break;
  }
  // An integer literal is a C int, or long long beyond 32 bits.
  bool fits = c.intValue >= INT32_MIN && c.intValue <= INT32_MAX;
  return llvm::ConstantInt::get(fits ? b_.getInt32Ty() : b_.getInt64Ty(), c.intValue, true);
}

// `e` converted to `target` as the C backend's valueAs writes it: literals in
// the target's type, other values converted.
llvm::Value* FunctionLowering::valueAs(const Expr& e, ScalarType target) {
  const Const* c = e->as<Const>();
  if (c && c->type != ScalarType::Bool && target != ScalarType::Bool) {
    if (isFloat(target)) {
      double v = isFloat(c->type) ? c->floatValue : static_cast<double>(c->intValue);
      if (target == ScalarType::F64)
        return llvm::ConstantFP::get(b_.getDoubleTy(), v);
      if (target == ScalarType::F16)
        return halfLiteral(v);
      return llvm::ConstantFP::get(b_.getFloatTy(), static_cast<float>(v));
    }
    if (!isFloat(c->type))
      return llvm::ConstantInt::get(storageType(target), c->intValue, true);
  }
  return convert(value(e), target);
}

// `cond ? whenTrue() : whenFalse()`, evaluating one side only.
llvm::Value* FunctionLowering::lazy(const Expr& cond, const std::function<llvm::Value*()>& whenTrue,
                                    const std::function<llvm::Value*()>& whenFalse) {
  llvm::Value* c = toCondition(value(cond));
  llvm::BasicBlock* thenBlock = newBlock("sel.then");
  llvm::BasicBlock* elseBlock = newBlock("sel.else");
  llvm::BasicBlock* join = newBlock("sel.end");
  b_.CreateCondBr(c, thenBlock, elseBlock);
  enter(thenBlock);
  llvm::Value* t = whenTrue();
  llvm::BasicBlock* thenEnd = b_.GetInsertBlock();
  enter(elseBlock);
  llvm::Value* f = whenFalse();
  llvm::BasicBlock* elseEnd = b_.GetInsertBlock();
  // The common type, converted at the end of each side.
  llvm::Type* type = commonType(t->getType(), f->getType());
  auto finish = [&](llvm::BasicBlock* end, llvm::Value* v) {
    b_.SetInsertPoint(end);
    if (v->getType() != type) {
      if (v->getType()->isIntegerTy(1))
        v = b_.CreateZExt(v, b_.getInt32Ty());
      if (v->getType() != type)
        v = type->isFloatingPointTy()
                ? (v->getType()->isFloatingPointTy() ? b_.CreateFPCast(v, type)
                                                     : b_.CreateSIToFP(v, type))
                : b_.CreateSExt(v, type);
    }
    b_.CreateBr(join);
    return std::make_pair(v, b_.GetInsertBlock());
  };
  auto [tv, tb] = finish(thenEnd, t);
  auto [fv, fb] = finish(elseEnd, f);
  enter(join);
  llvm::PHINode* phi = b_.CreatePHI(type, 2, "sel");
  phi->addIncoming(tv, tb);
  phi->addIncoming(fv, fb);
  return phi;
}

llvm::Value* FunctionLowering::value(const Expr& e) {
  switch (e->kind) {
  case ExprKind::Const:
    return literal(*e->as<Const>());
  case ExprKind::Read: {
    const Read* read = e->as<Read>();
    const Binding& binding = lookup(read->name, read->loc);
    if (!binding.isBuffer) {
      if (!read->idx.empty())
        fail(read->loc, "internal error: '" + read->name.name() + "' is not a buffer");
      return binding.value;
    }
    ScalarType type;
    llvm::Value* address = elementAddress(read->name, read->idx, read->loc, type);
    return promote(b_.CreateLoad(storageType(type), address), type);
  }
  case ExprKind::BinOp:
    return binOp(*e->as<BinOp>());
  case ExprKind::UnOp: {
    const UnOp* u = e->as<UnOp>();
    llvm::Value* v = value(u->a);
    if (u->op == UnOpKind::Not)
      return b_.CreateNot(toCondition(v));
    if (v->getType()->isIntegerTy(1))
      v = b_.CreateZExt(v, b_.getInt32Ty());
    if (v->getType()->isFloatingPointTy())
      return b_.CreateFNeg(v);
    return isIndexLike(u->type) ? b_.CreateNSWNeg(v) : b_.CreateNeg(v);
  }
  case ExprKind::Select: {
    const Select* s = e->as<Select>();
    return lazy(
        s->cond, [&] { return value(s->t); }, [&] { return value(s->f); });
  }
  case ExprKind::Window:
    fail(e->loc, "a window (`" + printExpr(e) +
                     "`) is only allowed as a call argument or in a window binding");
  case ExprKind::Stride: {
    const StrideExpr* stride = e->as<StrideExpr>();
    const Binding& binding = lookup(stride->name, stride->loc);
    if (!binding.isBuffer || stride->dim < 0 ||
        static_cast<size_t>(stride->dim) >= binding.buffer.strides.size())
      fail(stride->loc, "stride(" + stride->name.name() + ", " + std::to_string(stride->dim) +
                            "): no such dimension");
    return binding.buffer.strides[stride->dim];
  }
  }
  fail(e->loc, "internal error: unknown expression");
}

// The predicates of C's comparison operators: ordered for floats except `!=`
// (true when either side is a NaN), signed for integers.
std::optional<std::pair<llvm::CmpInst::Predicate, llvm::CmpInst::Predicate>>
comparison(BinOpKind op) {
  using P = llvm::CmpInst;
  switch (op) {
  case BinOpKind::Lt:
    return std::pair(P::FCMP_OLT, P::ICMP_SLT);
  case BinOpKind::Le:
    return std::pair(P::FCMP_OLE, P::ICMP_SLE);
  case BinOpKind::Gt:
    return std::pair(P::FCMP_OGT, P::ICMP_SGT);
  case BinOpKind::Ge:
    return std::pair(P::FCMP_OGE, P::ICMP_SGE);
  case BinOpKind::Eq:
    return std::pair(P::FCMP_OEQ, P::ICMP_EQ);
  case BinOpKind::Ne:
    return std::pair(P::FCMP_UNE, P::ICMP_NE);
  default:
    return std::nullopt;
  }
}

llvm::Value* FunctionLowering::binOp(const BinOp& op) {
  if (op.op == BinOpKind::And || op.op == BinOpKind::Or) {
    bool isAnd = op.op == BinOpKind::And;
    llvm::Value* a = toCondition(value(op.a));
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* rhs = newBlock("logic.rhs");
    llvm::BasicBlock* join = newBlock("logic.end");
    if (isAnd)
      b_.CreateCondBr(a, rhs, join);
    else
      b_.CreateCondBr(a, join, rhs);
    enter(rhs);
    llvm::Value* bv = toCondition(value(op.b));
    llvm::BasicBlock* rhsEnd = b_.GetInsertBlock();
    b_.CreateBr(join);
    enter(join);
    llvm::PHINode* phi = b_.CreatePHI(b_.getInt1Ty(), 2, isAnd ? "and" : "or");
    phi->addIncoming(b_.getInt1(!isAnd), from);
    phi->addIncoming(bv, rhsEnd);
    return phi;
  }
  auto [a, b] = unify(value(op.a), value(op.b));
  bool fp = a->getType()->isFloatingPointTy();
  // Index arithmetic is C's int_fast32_t arithmetic, whose overflow is
  // undefined; data arithmetic wraps (the language's integers).
  bool index = isIndexLike(op.type);
  switch (op.op) {
  case BinOpKind::Add:
    return fp ? b_.CreateFAdd(a, b) : b_.CreateAdd(a, b, "", false, index);
  case BinOpKind::Sub:
    return fp ? b_.CreateFSub(a, b) : b_.CreateSub(a, b, "", false, index);
  case BinOpKind::Mul:
    return fp ? b_.CreateFMul(a, b) : b_.CreateMul(a, b, "", false, index);
  case BinOpKind::Div:
    return fp ? b_.CreateFDiv(a, b) : b_.CreateSDiv(a, b);
  case BinOpKind::Mod:
    return fp ? b_.CreateFRem(a, b) : b_.CreateSRem(a, b);
  case BinOpKind::Min:
  case BinOpKind::Max: {
    // `(a < b ? a : b)` and `(a > b ? a : b)`, NaNs included.
    bool isMin = op.op == BinOpKind::Min;
    auto [fpPredicate, intPredicate] = *comparison(isMin ? BinOpKind::Lt : BinOpKind::Gt);
    return b_.CreateSelect(b_.CreateCmp(fp ? fpPredicate : intPredicate, a, b), a, b);
  }
  default:
    break;
  }
  if (auto predicates = comparison(op.op))
    return b_.CreateCmp(fp ? predicates->first : predicates->second, a, b);
  fail(op.loc, "internal error: unknown operator");
}

// ---------------------------------------------------------------- buffers

const Binding& FunctionLowering::lookup(const Sym& sym, const SrcLoc& loc) const {
  auto found = bindings_.find(sym);
  if (found == bindings_.end())
    fail(loc, "internal error: '" + sym.name() + "' is not bound in proc '" + proc_.name + "'");
  return found->second;
}

llvm::Value* FunctionLowering::flatOffset(const std::vector<llvm::Value*>& indices,
                                          const std::vector<llvm::Value*>& strides) {
  llvm::Value* sum = nullptr;
  for (size_t d = 0; d < indices.size(); ++d) {
    auto* stride = llvm::dyn_cast<llvm::ConstantInt>(strides[d]);
    llvm::Value* term =
        stride && stride->isOne() ? indices[d] : b_.CreateNSWMul(indices[d], strides[d]);
    sum = sum ? b_.CreateNSWAdd(sum, term) : term;
  }
  return sum ? sum : llvm::ConstantInt::get(indexType(), 0);
}

llvm::Value* FunctionLowering::offsetPointer(const Buffer& buffer, llvm::Value* offset) {
  if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(offset); c && c->isZero())
    return buffer.base;
  return b_.CreateInBoundsGEP(storageType(buffer.type), buffer.base, offset);
}

std::vector<llvm::Value*> FunctionLowering::denseStrides(const std::vector<Expr>& shape) {
  std::vector<llvm::Value*> strides(shape.size());
  llvm::Value* product = llvm::ConstantInt::get(indexType(), 1);
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = product;
    product = b_.CreateNSWMul(index(shape[d]), product);
  }
  return strides;
}

llvm::Value* FunctionLowering::elementAddress(const Sym& name, const std::vector<Expr>& idx,
                                              const SrcLoc& loc, ScalarType& type) {
  const Binding& binding = lookup(name, loc);
  if (!binding.isBuffer)
    fail(loc, "internal error: '" + name.name() + "' is a control value, not a buffer");
  const Buffer& buffer = binding.buffer;
  if (!buffer.reg.empty())
    fail(loc, "'" + name.name() + "' lives in the register file " + buffer.memory->name +
                  ": only instrs may touch it");
  if (idx.size() != buffer.strides.size())
    fail(loc, "'" + name.name() + "' has " + std::to_string(buffer.strides.size()) +
                  " dimensions but is accessed with " + std::to_string(idx.size()) + " indices");
  std::vector<llvm::Value*> indices;
  for (const Expr& i : idx)
    indices.push_back(index(i));
  type = buffer.type;
  return offsetPointer(buffer, flatOffset(indices, buffer.strides));
}

Buffer FunctionLowering::viewOf(const Expr& e) {
  if (const Read* read = e->as<Read>()) {
    const Binding& binding = lookup(read->name, read->loc);
    if (!binding.isBuffer)
      fail(read->loc, "'" + read->name.name() + "' is not a buffer");
    if (read->idx.empty())
      return binding.buffer;
    ScalarType type;
    Buffer element = binding.buffer;
    element.base = elementAddress(read->name, read->idx, read->loc, type);
    element.strides.clear();
    return element;
  }
  const WindowExpr* window = e->as<WindowExpr>();
  if (!window)
    fail(e->loc, "expected a buffer or a window, not `" + printExpr(e) + "`");
  const Binding& binding = lookup(window->name, window->loc);
  if (!binding.isBuffer)
    fail(window->loc, "'" + window->name.name() + "' is not a buffer");
  const Buffer& base = binding.buffer;
  if (window->idx.size() != base.strides.size())
    fail(window->loc, "'" + window->name.name() + "' has " + std::to_string(base.strides.size()) +
                          " dimensions but the window has " + std::to_string(window->idx.size()));
  Buffer view = base;
  view.strides.clear();
  std::vector<llvm::Value*> lows;
  for (size_t d = 0; d < window->idx.size(); ++d) {
    lows.push_back(index(window->idx[d].lo));
    if (window->idx[d].isInterval())
      view.strides.push_back(base.strides[d]);
  }
  llvm::Value* offset = flatOffset(lows, base.strides);
  if (!base.reg.empty()) {
    // A register has no address: the view is the register, or a part of it.
    auto* constant = llvm::dyn_cast<llvm::ConstantInt>(offset);
    view.isRegisterPart = base.isRegisterPart || !constant || !constant->isZero();
    return view;
  }
  view.base = offsetPointer(base, offset);
  return view;
}

// ---------------------------------------------------------------- statements

llvm::AllocaInst* FunctionLowering::entryAlloca(llvm::Type* type, const std::string& name) {
  llvm::BasicBlock& entry = function_->getEntryBlock();
  llvm::IRBuilder<> at(&entry, entry.getFirstInsertionPt());
  return at.CreateAlloca(type, nullptr, name);
}

void FunctionLowering::lower() {
  llvm::BasicBlock* entry = llvm::BasicBlock::Create(module_.context, "entry", function_);
  b_.SetInsertPoint(entry);
  unsigned p = 1;
  std::vector<std::pair<const FnArg*, Binding*>> tensors;
  for (const FnArg& arg : proc_.args) {
    Binding binding;
    if (!arg.isData()) {
      binding.value = function_->getArg(p++);
      bindings_[arg.name] = binding;
      continue;
    }
    binding.isBuffer = true;
    binding.buffer.base = function_->getArg(p++);
    binding.buffer.type = arg.type;
    binding.buffer.memory = module_.module.findMemory(arg.mem);
    if (arg.isWindow)
      for (size_t d = 0; d < arg.shape.size(); ++d)
        binding.buffer.strides.push_back(function_->getArg(p++));
    bindings_[arg.name] = binding;
    if (!arg.isWindow)
      tensors.emplace_back(&arg, &bindings_[arg.name]);
  }
  // Dense strides read size arguments: every argument is bound first.
  for (auto [arg, binding] : tensors)
    binding->buffer.strides = denseStrides(arg->shape);
  lowerBlock(proc_.body);
  b_.CreateRetVoid();
}

void FunctionLowering::lowerBlock(const Block& block) {
  std::vector<llvm::Value*> frees;
  heldRegisters_.emplace_back();
  for (const Stmt& stmt : block)
    lowerStmt(stmt, frees);
  for (auto free = frees.rbegin(); free != frees.rend(); ++free)
    b_.CreateCall(module_.freeFn(), {*free});
  for (auto held = heldRegisters_.back().rbegin(); held != heldRegisters_.back().rend(); ++held)
    held->first->release(held->second);
  heldRegisters_.pop_back();
}

void FunctionLowering::lowerStmt(const Stmt& stmt, std::vector<llvm::Value*>& frees) {
  switch (stmt->kind) {
  case StmtKind::Assign:
  case StmtKind::Reduce: {
    const Assign* assign = stmt->as<Assign>();
    const Binding& binding = lookup(assign->name, assign->loc);
    if (binding.buffer.memory && !binding.buffer.memory->canWrite)
      fail(assign->loc, "cannot write '" + assign->name.name() + "': memory " +
                            binding.buffer.memory->name + " does not allow scalar writes");
    ScalarType type;
    llvm::Value* address = elementAddress(assign->name, assign->idx, assign->loc, type);
    llvm::Value* rhs = valueAs(assign->rhs, assign->type);
    if (assign->isReduce()) {
      // `a += e`: a = (T)(a + e) in C's arithmetic.
      llvm::Value* old = promote(b_.CreateLoad(storageType(type), address), type);
      auto [x, y] = unify(old, promote(rhs, assign->type));
      llvm::Value* sum =
          x->getType()->isFloatingPointTy() ? b_.CreateFAdd(x, y) : b_.CreateAdd(x, y);
      rhs = convert(sum, type);
    } else if (assign->type != type) {
      rhs = convert(promote(rhs, assign->type), type);
    }
    b_.CreateStore(rhs, address);
    return;
  }
  case StmtKind::For:
    lowerFor(*stmt->as<For>());
    return;
  case StmtKind::If:
    lowerIf(*stmt->as<If>());
    return;
  case StmtKind::Alloc:
    lowerAlloc(*stmt->as<Alloc>(), frees);
    return;
  case StmtKind::WindowBind: {
    const WindowBind* bind = stmt->as<WindowBind>();
    Buffer view = viewOf(bind->rhs);
    if (view.strides.empty())
      fail(bind->loc, "window '" + bind->name.name() + "' keeps no dimension");
    Binding binding;
    binding.isBuffer = true;
    binding.buffer = view;
    bindings_[bind->name] = binding;
    return;
  }
  case StmtKind::Call:
    lowerCall(*stmt->as<Call>());
    return;
  case StmtKind::Pass:
    return;
  }
}

void FunctionLowering::lowerFor(const For& loop) {
  llvm::Value* lo = index(loop.lo);
  llvm::Value* hi = index(loop.hi);
  std::string name = loop.iter.name();
  llvm::BasicBlock* preheader = b_.GetInsertBlock();
  llvm::BasicBlock* header = newBlock(name + ".header");
  llvm::BasicBlock* body = newBlock(name + ".body");
  llvm::BasicBlock* latch = newBlock(name + ".latch");
  llvm::BasicBlock* exit = newBlock(name + ".exit");
  b_.CreateBr(header);
  enter(header);
  llvm::PHINode* iter = b_.CreatePHI(indexType(), 2, name);
  iter->addIncoming(lo, preheader);
  b_.CreateCondBr(b_.CreateICmpSLT(iter, hi), body, exit);
  enter(body);
  Binding binding;
  binding.value = iter;
  bindings_[loop.iter] = binding;
  lowerBlock(loop.body);
  b_.CreateBr(latch);
  enter(latch);
  llvm::Value* next = b_.CreateNSWAdd(iter, llvm::ConstantInt::get(indexType(), 1), name + ".next");
  iter->addIncoming(next, latch);
  b_.CreateBr(header);
  enter(exit);
}

void FunctionLowering::lowerIf(const If& branch) {
  llvm::Value* cond = toCondition(value(branch.cond));
  llvm::BasicBlock* thenBlock = newBlock("if.then");
  llvm::BasicBlock* join = newBlock("if.end");
  llvm::BasicBlock* elseBlock = branch.orelse.empty() ? join : newBlock("if.else");
  b_.CreateCondBr(cond, thenBlock, elseBlock);
  enter(thenBlock);
  lowerBlock(branch.body);
  b_.CreateBr(join);
  if (!branch.orelse.empty()) {
    enter(elseBlock);
    lowerBlock(branch.orelse);
    b_.CreateBr(join);
  }
  enter(join);
}

void FunctionLowering::lowerAlloc(const Alloc& alloc, std::vector<llvm::Value*>& frees) {
  const MemoryDef* memory = module_.module.findMemory(alloc.mem);
  if (!memory)
    fail(alloc.loc, "unknown memory '" + alloc.mem + "' for '" + alloc.name.name() + "'");
  bool isStatic = alloc.mem == "DRAM_STATIC";
  if (memory->isRegisterFile()) {
    // No storage: the register, substituted into the asm: forms of instrs.
    auto file = registerFiles_.find(memory->name);
    if (file == registerFiles_.end())
      file = registerFiles_.emplace(memory->name, RegisterFile(*memory)).first;
    const std::string& reg = file->second.acquire(alloc);
    heldRegisters_.back().emplace_back(&file->second, reg);
    Binding binding;
    binding.isBuffer = true;
    binding.buffer.type = alloc.type;
    binding.buffer.memory = memory;
    binding.buffer.strides = denseStrides(alloc.shape);
    binding.buffer.reg = reg;
    binding.buffer.registerBuffer = alloc.name.name();
    bindings_[alloc.name] = binding;
    return;
  }
  if (!isDram(alloc.mem) && !isStatic)
    fail(alloc.loc, "memory " + memory->name + " has no LLVM lowering (allocation of '" +
                        alloc.name.name() + "')");
  std::optional<int64_t> count = 1;
  for (const Expr& extent : alloc.shape) {
    const Const* c = extent->as<Const>();
    count = c && count ? std::optional<int64_t>(*count * c->intValue) : std::nullopt;
  }
  if (isStatic && !count)
    fail(alloc.loc, "memory " + memory->name + " needs a constant shape, but '" +
                        alloc.name.name() + "' has none");
  llvm::Type* element = storageType(alloc.type);
  Binding binding;
  binding.isBuffer = true;
  binding.buffer.type = alloc.type;
  binding.buffer.memory = memory;
  binding.buffer.strides = denseStrides(alloc.shape);
  int64_t bytes = count ? *count * byteWidth(alloc.type) : 0;
  if (isStatic) {
    auto* type = llvm::ArrayType::get(element, static_cast<uint64_t>(*count));
    auto* global = new llvm::GlobalVariable(
        module_.llvmModule, type, false, llvm::GlobalValue::InternalLinkage,
        llvm::Constant::getNullValue(type), proc_.name + "." + alloc.name.name());
    global->setAlignment(llvm::Align(byteWidth(alloc.type)));
    binding.buffer.base = global;
  } else if (count && bytes <= kMaxStackBytes) {
    // Scalars are C locals; small constant shapes go on the stack too.
    llvm::Type* type = alloc.shape.empty() ? element
                                           : static_cast<llvm::Type*>(llvm::ArrayType::get(
                                                 element, static_cast<uint64_t>(*count)));
    binding.buffer.base = entryAlloca(type, alloc.name.name());
  } else {
    llvm::Value* size = llvm::ConstantInt::get(indexType(), byteWidth(alloc.type));
    for (const Expr& extent : alloc.shape)
      size = b_.CreateNSWMul(size, index(extent));
    llvm::Value* pointer = b_.CreateCall(module_.mallocFn(), {size}, alloc.name.name());
    frees.push_back(pointer);
    binding.buffer.base = pointer;
  }
  bindings_[alloc.name] = binding;
}

void FunctionLowering::lowerCall(const Call& call) {
  if (call.args.size() != call.callee->args.size())
    fail(call.loc, "'" + call.callee->name + "' takes " + std::to_string(call.callee->args.size()) +
                       " arguments, not " + std::to_string(call.args.size()));
  if (call.callee->isInstr()) {
    lowerInstrCall(call);
    return;
  }
  const Proc& callee = module_.emittedVersion(*call.callee);
  // A proc that allocates registers would overwrite its caller's live ones.
  checkCallKeepsRegisters(module_.registerUse, registerFiles_, call, callee);
  llvm::Function* function = module_.functions.at(callee.name);
  std::vector<llvm::Value*> args{function_->getArg(0)};
  for (size_t i = 0; i < call.args.size(); ++i) {
    const FnArg& param = callee.args[i];
    const Expr& arg = call.args[i];
    if (!param.isData()) {
      args.push_back(param.type == ScalarType::Bool ? toCondition(value(arg))
                                                    : toIndex(value(arg)));
      continue;
    }
    Buffer view = viewOf(arg);
    if (!view.reg.empty())
      fail(arg->loc, "cannot pass '" + param.name.name() + "' to '" + callee.name +
                         "': the argument lives in the register file " + view.memory->name);
    size_t rank = param.shape.size();
    if (view.strides.size() != rank)
      fail(arg->loc, "cannot pass '" + param.name.name() + "' to '" + callee.name + "': it has " +
                         std::to_string(rank) + " dimensions, the argument " +
                         std::to_string(view.strides.size()));
    args.push_back(view.base);
    if (param.isWindow)
      args.insert(args.end(), view.strides.begin(), view.strides.end());
  }
  b_.CreateCall(function, args);
}

// An instr call: its asm: form (ir/AsmTemplate.h) as one inline asm call. GPR
// holes become "r" input operands ($N in LLVM's syntax), register holes the
// register allocated to the buffer passed.
void FunctionLowering::lowerInstrCall(const Call& call) {
  const Proc& instr = *call.callee;
  if (instr.instr->asm_.empty())
    fail(call.loc, "instr '" + instr.name + "' has no asm: form; the LLVM backend needs one");
  std::vector<AsmPiece> pieces;
  if (auto why = parseAsmTemplate(instr, module_.module, instr.instr->asm_, pieces))
    fail(instr.instr->asmLoc, "instr '" + instr.name + "': " + *why + " in its asm: template");
  std::map<size_t, Buffer> views; // argument index -> its view, computed once
  auto viewOfArg = [&](size_t i) -> const Buffer& {
    auto found = views.find(i);
    if (found == views.end())
      found = views.emplace(i, viewOf(call.args[i])).first;
    return found->second;
  };
  std::string text, constraints;
  std::vector<llvm::Value*> operands;
  auto operand = [&](llvm::Value* v) {
    text += "$" + std::to_string(operands.size());
    constraints += std::string(constraints.empty() ? "" : ",") + "r";
    operands.push_back(v);
  };
  for (const AsmPiece& piece : pieces) {
    const std::string hole = "hole of instr '" + instr.name + "'";
    switch (piece.kind) {
    case AsmPiece::Kind::Text:
      for (char c : piece.text)
        text += c == '$' ? std::string("$$") : std::string(1, c);
      break;
    case AsmPiece::Kind::Control:
      operand(toIndex(value(call.args[piece.arg])));
      break;
    case AsmPiece::Kind::Addr:
      operand(viewOfArg(piece.arg).base);
      break;
    case AsmPiece::Kind::Stride:
    case AsmPiece::Kind::StrideBytes: {
      const Buffer& view = viewOfArg(piece.arg);
      if (piece.dim >= view.strides.size())
        fail(call.args[piece.arg]->loc, "the argument '" + instr.args[piece.arg].name.name() +
                                            "' of instr '" + instr.name + "' has " +
                                            std::to_string(view.strides.size()) + " dimensions");
      llvm::Value* stride = view.strides[piece.dim];
      if (piece.kind == AsmPiece::Kind::StrideBytes)
        stride = b_.CreateMul(stride, llvm::ConstantInt::get(indexType(), byteWidth(view.type)));
      operand(stride);
      break;
    }
    case AsmPiece::Kind::Reg: {
      const Buffer& view = viewOfArg(piece.arg);
      const Expr& arg = call.args[piece.arg];
      if (view.reg.empty())
        fail(arg->loc, "instr '" + instr.name + "' needs a register of " +
                           instr.args[piece.arg].mem + " for '" +
                           instr.args[piece.arg].name.name() + "'");
      if (view.isRegisterPart)
        fail(arg->loc, "instr '" + instr.name + "': a part of register buffer '" +
                           view.registerBuffer + "' has no register name of its own");
      if (!piece.hasOffset) {
        text += view.reg;
      } else {
        if (!isIntegerRegister(view.reg))
          fail(arg->loc, "instr '" + instr.name + "': register '" + view.reg +
                             "' is not a number, so its asm: form cannot offset it");
        text += std::to_string(std::stoll(view.reg) + piece.offset);
      }
      break;
    }
    }
  }
  // Addressed operands are read or written behind the compiler's back; an
  // instr whose data arguments are all in register files (RVM's tile ops)
  // touches only state the compiler does not see. Anything else (no data
  // argument at all, e.g. a fence) may touch any memory.
  bool addressed = false, inRegisters = false;
  for (const FnArg& param : instr.args) {
    const MemoryDef* memory = module_.module.findMemory(param.mem);
    bool isRegister = memory && memory->isRegisterFile();
    addressed |= param.isData() && !isRegister;
    inRegisters |= param.isData() && isRegister;
  }
  bool touchesMemory = addressed || !inRegisters;
  if (touchesMemory)
    constraints += std::string(constraints.empty() ? "" : ",") + "~{memory}";
  std::vector<llvm::Type*> types;
  for (llvm::Value* v : operands)
    types.push_back(v->getType());
  auto* type = llvm::FunctionType::get(b_.getVoidTy(), types, false);
  if (llvm::Error problem = llvm::InlineAsm::verify(type, constraints))
    fail(instr.instr->asmLoc, "instr '" + instr.name + "': LLVM refuses the constraints '" +
                                  constraints + "': " + llvm::toString(std::move(problem)));
  llvm::CallInst* asmCall = b_.CreateCall(
      llvm::InlineAsm::get(type, text, constraints, /*hasSideEffects=*/true), operands);
  asmCall->setDoesNotThrow();
  if (!touchesMemory)
    asmCall->setMemoryEffects(llvm::MemoryEffects::inaccessibleMemOnly());
  module_.asmCalls.emplace_back(&call, &instr);
  asmCall->setMetadata(
      "srcloc", llvm::MDNode::get(module_.context, llvm::ConstantAsMetadata::get(
                                                       b_.getInt64(module_.asmCalls.size()))));
}

// ---------------------------------------------------------------- module

void collectCallees(const Block& block, std::vector<const Proc*>& out) {
  for (const Stmt& stmt : block) {
    if (const For* loop = stmt->as<For>()) {
      collectCallees(loop->body, out);
    } else if (const If* branch = stmt->as<If>()) {
      collectCallees(branch->body, out);
      collectCallees(branch->orelse, out);
    } else if (const Call* call = stmt->as<Call>()) {
      if (!call->callee->isInstr())
        out.push_back(call->callee.get());
    }
  }
}

void optimise(llvm::Module& module, llvm::TargetMachine& machine, int level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel levels[] = {llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
                                      llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  llvm::ModulePassManager passes = level == 0
                                       ? builder.buildO0DefaultPipeline(levels[0])
                                       : builder.buildPerModuleDefaultPipeline(levels[level]);
  passes.run(module, mam);
}

// An error LLVM reported while emitting code, and the `srcloc` cookie of the
// inline asm it is about (0: none).
struct AssemblerProblem {
  uint64_t cookie = 0;
  std::string message;
};

void collectProblem(const llvm::DiagnosticInfo* diagnostic, void* context) {
  const llvm::DiagnosticInfo& info = *diagnostic;
  if (info.getSeverity() != llvm::DS_Error)
    return;
  AssemblerProblem problem;
  if (const auto* srcMgr = llvm::dyn_cast<llvm::DiagnosticInfoSrcMgr>(&info)) {
    problem.cookie = srcMgr->getLocCookie();
    const llvm::SMDiagnostic& diag = srcMgr->getSMDiag();
    problem.message = diag.getMessage().str();
    if (!diag.getLineContents().empty())
      problem.message += " in `" + llvm::StringRef(diag.getLineContents()).trim().str() + "`";
  } else if (const auto* inlineAsm = llvm::dyn_cast<llvm::DiagnosticInfoInlineAsm>(&info)) {
    problem.cookie = inlineAsm->getLocCookie();
    problem.message = inlineAsm->getMsgStr().str();
  } else {
    llvm::raw_string_ostream out(problem.message);
    llvm::DiagnosticPrinterRawOStream printer(out);
    info.print(printer);
  }
  static_cast<std::vector<AssemblerProblem>*>(context)->push_back(std::move(problem));
}

CompileError refusal(const AssemblerProblem& problem,
                     const std::vector<std::pair<const Call*, const Proc*>>& asmCalls) {
  if (problem.cookie == 0 || problem.cookie > asmCalls.size())
    return CompileError(SrcLoc{}, "LLVM cannot emit the code: " + problem.message);
  auto [call, instr] = asmCalls[problem.cookie - 1];
  CompileError error(call->loc, "instr '" + instr->name +
                                    "': the assembler refuses its asm: form: " + problem.message);
  error.addNote(instr->instr->asmLoc, "the asm: form of '" + instr->name + "' is defined here");
  return error;
}

} // namespace

const std::vector<std::string>& llvmKnownTargets() {
  static const std::vector<std::string> targets = {"x86_64-linux-gnu", "riscv64-unknown-linux-gnu",
                                                   "riscv32-unknown-elf"};
  return targets;
}

void checkLLVMTarget(const LLVMEmitOptions& options) {
  chooseTarget(options);
}

std::string emitLLVM(const Module& module, const std::vector<ProcPtr>& procs,
                     const LLVMEmitOptions& options) {
  TargetChoice target = chooseTarget(options);
  std::unique_ptr<llvm::TargetMachine> machine =
      makeTargetMachine(target, options.optLevel, options.output == LLVMOutputKind::Assembly);

  llvm::LLVMContext context;
  // Errors LLVM reports while it emits code (the assembler refusing an asm:
  // form) are collected and turned into a located refusal below.
  std::vector<AssemblerProblem> problemsFound;
  context.setDiagnosticHandlerCallBack(collectProblem, &problemsFound);
  // The module ID and source_filename (the object's STT_FILE symbol, the IR's
  // header) are the input's basename: no absolute path in any output.
  std::string moduleName = std::filesystem::path(module.mainFile).filename().string();
  llvm::Module llvmModule(moduleName.empty() ? "schedc" : moduleName, context);
  llvmModule.setTargetTriple(target.triple);
  llvmModule.setDataLayout(machine->createDataLayout());
  if (!target.abi.empty())
    llvmModule.addModuleFlag(llvm::Module::Error, "target-abi",
                             llvm::MDString::get(context, target.abi));
  ModuleLowering lowering(module, llvmModule, target);

  // The listed procs are exported; the procs they call (transitively) that
  // are not listed become internal functions.
  std::vector<const Proc*> listed;
  for (const ProcPtr& proc : procs) {
    if (proc->isInstr())
      continue;
    if (lowering.emittedProcs.count(proc->name))
      fail(proc->loc, "two procs named '" + proc->name + "' cannot both be emitted");
    lowering.emittedProcs[proc->name] = proc.get();
    listed.push_back(proc.get());
  }
  std::vector<const Proc*> helpers;
  std::vector<const Proc*> work = listed;
  for (size_t i = 0; i < work.size(); ++i) {
    std::vector<const Proc*> callees;
    collectCallees(work[i]->body, callees);
    for (const Proc* callee : callees)
      if (!lowering.emittedProcs.count(callee->name)) {
        lowering.emittedProcs[callee->name] = callee;
        helpers.push_back(callee);
        work.push_back(callee);
      }
  }
  findOverlaps(work, lowering);
  for (const Proc* proc : listed)
    lowering.declare(*proc, true);
  for (const Proc* proc : helpers)
    lowering.declare(*proc, false);
  for (const Proc* proc : work) {
    FunctionLowering function(lowering, *proc, lowering.functions.at(proc->name));
    function.lower();
  }
  lowering.defineWrappers();

  std::string problems;
  llvm::raw_string_ostream problemStream(problems);
  if (llvm::verifyModule(llvmModule, &problemStream))
    throw std::runtime_error("the generated LLVM IR does not verify: " + problems);
  optimise(llvmModule, *machine, options.optLevel);
  if (llvm::verifyModule(llvmModule, &problemStream))
    throw std::runtime_error("the optimised LLVM IR does not verify: " + problems);

  llvm::SmallString<0> bytes;
  llvm::raw_svector_ostream out(bytes);
  switch (options.output) {
  case LLVMOutputKind::IRText:
    llvmModule.print(out, nullptr);
    break;
  case LLVMOutputKind::Bitcode:
    llvm::WriteBitcodeToFile(llvmModule, out);
    break;
  case LLVMOutputKind::Object:
  case LLVMOutputKind::Assembly: {
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, out, nullptr,
                                     options.output == LLVMOutputKind::Object
                                         ? llvm::CodeGenFileType::ObjectFile
                                         : llvm::CodeGenFileType::AssemblyFile))
      throw std::runtime_error("the target cannot emit this kind of file");
    codegen.run(llvmModule);
    break;
  }
  }
  if (!problemsFound.empty())
    throw refusal(problemsFound.front(), lowering.asmCalls);
  return std::string(bytes.begin(), bytes.end());
}

} // namespace schedc
