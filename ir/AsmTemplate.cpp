#include "ir/AsmTemplate.h"

#include <algorithm>

namespace schedc {

bool isIntegerRegister(const std::string& text) {
  size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  return text.size() > start && text.size() - start <= 9 &&
         std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

bool isDigits(const std::string& s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The meaning of one hole, or why it has none.
std::optional<std::string> parseHole(const Proc& instr, const Module& module,
                                     const std::string& hole, AsmPiece& piece) {
  for (size_t i = 0; i < instr.args.size(); ++i) {
    const FnArg& arg = instr.args[i];
    const std::string& name = arg.name.name();
    if (hole == name) {
      if (arg.isData())
        return "data argument '" + name + "' has no GPR value: use {" + name + "_addr}" + " (or {" +
               name + "_reg} in a register file)";
      piece.kind = AsmPiece::Kind::Control;
      piece.arg = i;
      return std::nullopt;
    }
    if (hole.size() <= name.size() + 1 || hole.compare(0, name.size() + 1, name + "_") != 0)
      continue;
    std::string rest = hole.substr(name.size() + 1);
    bool isRegisterKind =
        rest.rfind("reg", 0) == 0 && (rest.size() == 3 || rest[3] == '+' || rest[3] == '-');
    bool isOperandKind = rest == "addr" || rest.rfind("stride_", 0) == 0;
    if (!isRegisterKind && !isOperandKind)
      continue;
    if (!arg.isData())
      return "'" + name + "' is a control argument: write {" + name + "}";
    const MemoryDef* memory = module.findMemory(arg.mem);
    bool inRegisters = memory && memory->isRegisterFile();
    piece.arg = i;
    if (isRegisterKind) {
      if (!inRegisters)
        return "{" + hole + "}: '" + name + "' is in memory " + arg.mem +
               ", which has no registers (use {" + name + "_addr})";
      piece.kind = AsmPiece::Kind::Reg;
      if (rest.size() > 3) {
        std::string digits = rest.substr(4);
        if (!isDigits(digits))
          return "{" + hole + "}: expected a decimal constant after '" + rest.substr(0, 4) + "'";
        for (const std::string& reg : memory->registers)
          if (!isIntegerRegister(reg))
            return "{" + hole + "}: register '" + reg + "' of memory " + memory->name +
                   " is not a number, so it cannot be offset";
        piece.hasOffset = true;
        piece.offset = std::stoll(digits) * (rest[3] == '-' ? -1 : 1);
      }
      return std::nullopt;
    }
    if (inRegisters)
      return "{" + hole + "}: '" + name + "' is in the register file " + memory->name +
             ", which has no addresses (use {" + name + "_reg})";
    if (rest == "addr") {
      piece.kind = AsmPiece::Kind::Addr;
      return std::nullopt;
    }
    std::string dim = rest.substr(7);
    piece.kind = AsmPiece::Kind::Stride;
    if (dim.rfind("bytes_", 0) == 0) {
      piece.kind = AsmPiece::Kind::StrideBytes;
      dim = dim.substr(6);
    }
    if (!isDigits(dim))
      continue;
    piece.dim = std::stoul(dim);
    if (piece.dim >= arg.shape.size())
      return "{" + hole + "}: '" + name + "' has " + std::to_string(arg.shape.size()) +
             " dimensions";
    return std::nullopt;
  }
  return "unknown hole '{" + hole + "}'";
}

} // namespace

std::optional<std::string> parseAsmTemplate(const Proc& instr, const Module& module,
                                            const std::string& text, std::vector<AsmPiece>& out) {
  out.clear();
  auto literal = [&](char c) {
    if (out.empty() || out.back().kind != AsmPiece::Kind::Text)
      out.push_back(AsmPiece{});
    out.back().text += c;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool doubled = i + 1 < text.size() && text[i + 1] == c;
    if ((c == '{' || c == '}') && doubled) {
      literal(c);
      ++i;
      continue;
    }
    if (c == '}')
      return std::string("unmatched '}' (write '}}' for a brace)");
    if (c != '{') {
      literal(c);
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string::npos)
      return std::string("unterminated hole (write '{{' for a brace)");
    AsmPiece piece;
    if (auto why = parseHole(instr, module, text.substr(i + 1, close - i - 1), piece))
      return why;
    out.push_back(piece);
    i = close;
  }
  return std::nullopt;
}

std::optional<std::string> asmTemplateProblem(const Proc& instr, const Module& module,
                                              const std::string& text) {
  std::vector<AsmPiece> pieces;
  return parseAsmTemplate(instr, module, text, pieces);
}

} // namespace schedc
