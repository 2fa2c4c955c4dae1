// Located, GCC-style diagnostics shared by every stage of schedc.
//
// Stages report problems by throwing CompileError (a user error, never a
// crash); the driver catches it, prints `file:line:col: error: message` plus
// any attached notes, and exits with status 1. Warnings are collected as
// Diagnostic values (CompiledModule::warnings) and never stop compilation
// unless -Werror turns them into errors.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace schedc {

struct SrcLoc {
  std::shared_ptr<const std::string> file; // shared: thousands of nodes point at a few files
  uint32_t line = 0;                       // 1-based; 0 means "unknown"
  uint32_t col = 0;                        // 1-based

  bool known() const { return file && line > 0; }
  std::string str() const; // "file:line:col" (or "<unknown>")
};

SrcLoc makeLoc(const std::string& file, uint32_t line, uint32_t col);

struct Note {
  SrcLoc loc;
  std::string message;
  std::string extra; // printed verbatim after the note (e.g. statements in source syntax)
};

// A refusal of the user's program. `what()` is the full formatted text.
class CompileError : public std::runtime_error {
public:
  CompileError(SrcLoc loc, std::string message, std::vector<Note> notes = {},
               std::string extra = {});

  const SrcLoc& loc() const { return loc_; }
  const std::string& message() const { return message_; }
  const std::vector<Note>& notes() const { return notes_; }
  const std::string& extra() const { return extra_; }

  CompileError& addNote(SrcLoc loc, std::string message, std::string extra = {});

  // `file:line:col: error: message`, then notes, then the extra text.
  std::string format() const;

private:
  SrcLoc loc_;
  std::string message_;
  std::vector<Note> notes_;
  std::string extra_;
};

[[noreturn]] void fail(const SrcLoc& loc, const std::string& message);

enum class Severity { Error, Warning };

// One diagnostic as the driver prints it: an error (from a CompileError) or a
// warning. `flag` names the warning's option without "-W" (e.g.
// "unused-buffer"); GCC prints it after the message as [-Wunused-buffer].
struct Diagnostic {
  Severity severity = Severity::Error;
  SrcLoc loc;
  std::string message;
  std::vector<Note> notes;
  std::string extra;
  std::string flag;
};

Diagnostic toDiagnostic(const CompileError& error);

struct DiagnosticOptions {
  bool color = false;    // -fdiagnostics-color: ANSI colours as GCC uses them
  bool showCaret = true; // -fno-diagnostics-show-caret turns the source excerpt off
  bool werror = false;   // -Werror: warnings are printed (and count) as errors
};

// GCC's layout: `file:line:col: error|warning|note: message`, then the source
// line with a line-number gutter and a caret under the column (tabs expanded
// to stops of 8), then `extra`, for the diagnostic and then for each note:
//
//   conv.sched:12:9: error: message
//      12 |     for i in seq(0, N):
//         |         ^
//
// The source is read from disk by SrcLoc::file (each file once); a file that
// cannot be read, or a line past its end, gives no excerpt. A diagnostic
// without a location starts with `schedc:`. A warning prints its flag as
// [-WFLAG], or with -Werror as `error: ... [-Werror=FLAG]`.
std::string renderDiagnostic(const Diagnostic& diagnostic, const DiagnosticOptions& options);

// Drops the source files renderDiagnostic has read (for tests that rewrite a
// file between diagnostics).
void forgetSourceFiles();

} // namespace schedc
