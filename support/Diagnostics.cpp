#include "support/Diagnostics.h"

#include <sstream>

namespace schedc {

std::string SrcLoc::str() const {
  if (!file)
    return "<unknown>";
  std::ostringstream out;
  out << *file << ":" << line << ":" << col;
  return out.str();
}

SrcLoc makeLoc(const std::string& file, uint32_t line, uint32_t col) {
  return SrcLoc{std::make_shared<const std::string>(file), line, col};
}

CompileError::CompileError(SrcLoc loc, std::string message, std::vector<Note> notes,
                           std::string extra)
    : std::runtime_error(message), loc_(std::move(loc)), message_(std::move(message)),
      notes_(std::move(notes)), extra_(std::move(extra)) {}

CompileError& CompileError::addNote(SrcLoc loc, std::string message, std::string extra) {
  notes_.push_back(Note{std::move(loc), std::move(message), std::move(extra)});
  return *this;
}

static void appendIndented(std::ostringstream& out, const std::string& text) {
  if (text.empty())
    return;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line))
    out << "    " << line << "\n";
}

std::string CompileError::format() const {
  std::ostringstream out;
  out << loc_.str() << ": error: " << message_ << "\n";
  appendIndented(out, extra_);
  for (const Note& note : notes_) {
    out << note.loc.str() << ": note: " << note.message << "\n";
    appendIndented(out, note.extra);
  }
  return out.str();
}

Diagnostic toDiagnostic(const CompileError& error) {
  return Diagnostic{Severity::Error, error.loc(),   error.message(),
                    error.notes(),   error.extra(), ""};
}

// Placeholder until the source-excerpt renderer lands: the plain format.
std::string renderDiagnostic(const Diagnostic& diagnostic, const DiagnosticOptions& options) {
  bool asError = diagnostic.severity == Severity::Error || options.werror;
  std::ostringstream out;
  out << diagnostic.loc.str() << (asError ? ": error: " : ": warning: ") << diagnostic.message;
  if (!diagnostic.flag.empty())
    out << " [-W" << (diagnostic.severity == Severity::Warning && options.werror ? "error=" : "")
        << diagnostic.flag << "]";
  out << "\n";
  appendIndented(out, diagnostic.extra);
  for (const Note& note : diagnostic.notes) {
    out << note.loc.str() << ": note: " << note.message << "\n";
    appendIndented(out, note.extra);
  }
  return out.str();
}

void fail(const SrcLoc& loc, const std::string& message) {
  throw CompileError(loc, message);
}

} // namespace schedc
