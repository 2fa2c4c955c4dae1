#include "frontend/IndentingLexer.h"

#include "SchedParser.h"

#include <CommonToken.h>

namespace schedc {

using grammar::SchedLexer;
constexpr size_t INDENT = grammar::SchedParser::INDENT;
constexpr size_t DEDENT = grammar::SchedParser::DEDENT;

IndentingLexer::IndentingLexer(antlr4::CharStream* input, std::shared_ptr<const std::string> file,
                               uint32_t lineOffset, uint32_t colOffset)
    : SchedLexer(input), file_(std::move(file)), lineOffset_(lineOffset), colOffset_(colOffset) {}

SrcLoc IndentingLexer::locate(size_t line, size_t charPositionInLine) const {
  SrcLoc loc;
  loc.file = file_;
  loc.line = static_cast<uint32_t>(line) + lineOffset_;
  loc.col = static_cast<uint32_t>(charPositionInLine) + 1 + (line == 1 ? colOffset_ : 0);
  return loc;
}

std::unique_ptr<antlr4::Token> IndentingLexer::synthetic(size_t type, const antlr4::Token& at,
                                                         const std::string& text) {
  auto token = std::make_unique<antlr4::CommonToken>(type, text);
  token->setLine(at.getLine());
  token->setCharPositionInLine(at.getCharPositionInLine());
  token->setStartIndex(at.getStartIndex());
  token->setStopIndex(at.getStartIndex() == 0 ? 0 : at.getStartIndex() - 1);
  return token;
}

std::unique_ptr<antlr4::Token> IndentingLexer::rawToken() {
  auto token = SchedLexer::nextToken();
  if (token->getType() == UNKNOWN_CHAR)
    throw CompileError(locate(token->getLine(), token->getCharPositionInLine()),
                       "stray '" + token->getText() + "' in program");
  return token;
}

// Width of the indentation a NEWLINE token carries (tabs to multiples of 8).
static size_t indentationOf(const std::string& newline) {
  size_t width = 0;
  for (char c : newline) {
    if (c == '\n' || c == '\r')
      width = 0;
    else if (c == '\t')
      width = (width / 8 + 1) * 8;
    else
      ++width;
  }
  return width;
}

void IndentingLexer::handleNewline(std::unique_ptr<antlr4::Token> newline) {
  // Collapse blank and comment-only lines: only the last newline's indentation counts.
  auto next = rawToken();
  while (next->getType() == NEWLINE) {
    newline = std::move(next);
    next = rawToken();
  }
  bool atEof = next->getType() == antlr4::Token::EOF;
  if (emittedAnything_ && !lastWasNewline_) {
    pending_.push_back(synthetic(NEWLINE, *newline, "\n"));
  }
  size_t width = atEof ? 0 : indentationOf(newline->getText());
  if (!atEof && width > indents_.back()) {
    if (!emittedAnything_)
      throw CompileError(locate(next->getLine(), next->getCharPositionInLine()),
                         "unexpected indent");
    if (indents_.size() > kMaxBlockDepth)
      throw CompileError(locate(next->getLine(), next->getCharPositionInLine()),
                         "blocks nested too deeply (more than " + std::to_string(kMaxBlockDepth) +
                             " levels)");
    indents_.push_back(width);
    pending_.push_back(synthetic(INDENT, *next, "<INDENT>"));
  } else {
    while (width < indents_.back()) {
      indents_.pop_back();
      pending_.push_back(synthetic(DEDENT, *next, "<DEDENT>"));
    }
    if (width != indents_.back())
      throw CompileError(locate(next->getLine(), next->getCharPositionInLine()),
                         "unindent does not match any outer indentation level");
  }
  pending_.push_back(std::move(next));
}

std::unique_ptr<antlr4::Token> IndentingLexer::nextToken() {
  while (pending_.empty()) {
    if (done_)
      return synthetic(antlr4::Token::EOF, *SchedLexer::nextToken(), "<EOF>");
    auto token = rawToken();
    size_t type = token->getType();
    if (type == NEWLINE) {
      if (bracketDepth_ > 0)
        continue; // implicit line joining inside () and []
      handleNewline(std::move(token));
      continue;
    }
    if (type == antlr4::Token::EOF) {
      if (emittedAnything_ && !lastWasNewline_)
        pending_.push_back(synthetic(NEWLINE, *token, "\n"));
      while (indents_.size() > 1) {
        indents_.pop_back();
        pending_.push_back(synthetic(DEDENT, *token, "<DEDENT>"));
      }
      pending_.push_back(std::move(token));
      done_ = true;
      break;
    }
    pending_.push_back(std::move(token));
  }
  auto token = std::move(pending_.front());
  pending_.pop_front();
  size_t type = token->getType();
  if (type != NEWLINE && type != INDENT && type != DEDENT && type != STRING && type != FSTRING) {
    const std::string& text = token->getText();
    if (text == "(" || text == "[") {
      if (++bracketDepth_ > kMaxBracketDepth)
        throw CompileError(locate(token->getLine(), token->getCharPositionInLine()),
                           "brackets nested too deeply (more than " +
                               std::to_string(kMaxBracketDepth) + " levels)");
    } else if ((text == ")" || text == "]") && bracketDepth_ > 0)
      --bracketDepth_;
  }
  // The parser recurses once per prefix operator: bound runs of them.
  const std::string& text = token->getText();
  bool prefix = type != STRING && type != FSTRING && (text == "-" || text == "+" || text == "not");
  unaryRun_ = prefix ? unaryRun_ + 1 : 0;
  if (unaryRun_ > kMaxUnaryRun)
    throw CompileError(locate(token->getLine(), token->getCharPositionInLine()),
                       "too many operators in a row (more than " + std::to_string(kMaxUnaryRun) +
                           ")");
  if (type != antlr4::Token::EOF) {
    lastWasNewline_ = type == NEWLINE || type == INDENT || type == DEDENT;
    emittedAnything_ = true;
  }
  return token;
}

} // namespace schedc
