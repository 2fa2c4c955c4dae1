// Python-style layout for the ANTLR lexer: turns the indentation carried by
// NEWLINE tokens into INDENT/DEDENT tokens, drops blank lines and newlines
// inside brackets, and reports stray characters and bad dedents with their
// location.
#pragma once

#include "SchedLexer.h"
#include "support/Diagnostics.h"

#include <deque>
#include <memory>
#include <vector>

namespace schedc {

class IndentingLexer : public grammar::SchedLexer {
public:
  IndentingLexer(antlr4::CharStream* input, std::shared_ptr<const std::string> file,
                 uint32_t lineOffset, uint32_t colOffset);

  std::unique_ptr<antlr4::Token> nextToken() override;

  // Source location of a token, shifted for text embedded in a larger file
  // (pattern strings, f-string holes).
  SrcLoc locate(size_t line, size_t charPositionInLine) const;

private:
  std::unique_ptr<antlr4::Token> rawToken();
  std::unique_ptr<antlr4::Token> synthetic(size_t type, const antlr4::Token& at,
                                           const std::string& text);
  void handleNewline(std::unique_ptr<antlr4::Token> newline);

  // Limits that keep the recursive-descent parser and every later tree walk
  // far from the end of the stack, whatever the input.
  static constexpr int kMaxBracketDepth = 100;
  static constexpr size_t kMaxBlockDepth = 100;
  static constexpr int kMaxUnaryRun = 50;

  std::shared_ptr<const std::string> file_;
  uint32_t lineOffset_;
  uint32_t colOffset_;
  std::deque<std::unique_ptr<antlr4::Token>> pending_;
  std::vector<size_t> indents_{0};
  int bracketDepth_ = 0;
  int unaryRun_ = 0;
  bool emittedAnything_ = false;
  bool lastWasNewline_ = true;
  bool done_ = false;
};

} // namespace schedc
