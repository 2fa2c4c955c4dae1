#include "support/Diagnostics.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

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

// ------------------------------------------------------------ rendering

namespace {

// Source files as lines, read once per path. A file that cannot be read is
// remembered as such, and its diagnostics print no excerpt.
class SourceCache {
public:
  const std::vector<std::string>* lines(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, fresh] = files_.try_emplace(path);
    if (fresh) {
      std::ifstream in(path, std::ios::binary);
      if (in) {
        std::vector<std::string> lines;
        std::string line;
        while (std::getline(in, line)) {
          if (!line.empty() && line.back() == '\r')
            line.pop_back();
          lines.push_back(line);
        }
        it->second = std::move(lines);
      }
    }
    return it->second ? &*it->second : nullptr;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    files_.clear();
  }

private:
  std::mutex mutex_;
  std::map<std::string, std::optional<std::vector<std::string>>> files_;
};

SourceCache& sourceCache() {
  static SourceCache cache;
  return cache;
}

// GCC's default GCC_COLORS.
constexpr const char* kLocusColor = "01";
constexpr const char* kErrorColor = "01;31";
constexpr const char* kWarningColor = "01;35";
constexpr const char* kNoteColor = "01;36";
constexpr const char* kCaretColor = "01;32";
constexpr const char* kQuoteColor = "01";
constexpr unsigned kTabStop = 8;
constexpr size_t kMinLineNumberWidth = 5; // GCC: "   12 | code"

// GCC's SGR sequences: start with ESC[<code>m ESC[K, end with ESC[m ESC[K.
std::string colored(const std::string& text, const char* code, bool color) {
  if (!color || text.empty())
    return text;
  return std::string("\33[") + code + "m\33[K" + text + "\33[m\33[K";
}

// `file:line:col:`, `file:line:` without a column, `file:` without a line,
// and the program's name when the diagnostic has no location at all.
std::string locus(const SrcLoc& loc) {
  if (!loc.file)
    return "schedc:";
  std::string text = *loc.file + ":";
  if (loc.line == 0)
    return text;
  text += std::to_string(loc.line) + ":";
  if (loc.col > 0)
    text += std::to_string(loc.col) + ":";
  return text;
}

bool isWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// The message with each 'quoted' name in GCC's quote colour (bold). A quote
// opens after a non-word character and closes before one, so apostrophes
// ("can't") stay as they are.
std::string highlightQuotes(const std::string& message, bool color) {
  if (!color)
    return message;
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    bool opens = message[i] == '\'' && (i == 0 || !isWordChar(message[i - 1]));
    size_t close = std::string::npos;
    if (opens) {
      for (size_t j = i + 1; j < message.size(); ++j)
        if (message[j] == '\'' && (j + 1 == message.size() || !isWordChar(message[j + 1]))) {
          close = j;
          break;
        }
    }
    if (close == std::string::npos || close == i + 1) {
      out += message[i++];
      continue;
    }
    out += "'" + colored(message.substr(i + 1, close - i - 1), kQuoteColor, true) + "'";
    i = close + 1;
  }
  return out;
}

// Length in bytes of the UTF-8 character starting with `lead` (1 for a
// stray byte, so malformed text still advances).
size_t utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8)
    return 4;
  if (lead >= 0xE0)
    return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0)
    return 2;
  return 1;
}

// The source line for display (tabs expanded to GCC's tab stops of 8) and
// the display column (0-based) where the caret for 1-based column `col`
// goes. Columns count characters (a tab is one, as the lexer counts them); a
// column past the end of the line puts the caret just after its last
// character.
std::pair<std::string, size_t> displayLine(const std::string& line, uint32_t col) {
  std::string shown;
  size_t width = 0;
  size_t caret = std::string::npos;
  uint32_t character = 1;
  for (size_t i = 0; i < line.size(); ++character) {
    if (character == col)
      caret = width;
    if (line[i] == '\t') {
      size_t next = (width / kTabStop + 1) * kTabStop;
      shown.append(next - width, ' ');
      width = next;
      ++i;
      continue;
    }
    auto lead = static_cast<unsigned char>(line[i]);
    size_t n = std::min(utf8Length(lead), line.size() - i);
    bool valid = !(lead >= 0x80 && lead < 0xC0) && lead < 0xF8 && n == utf8Length(lead);
    for (size_t k = 1; valid && k < n; ++k)
      valid = (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      // A byte that is not UTF-8 is shown as GCC shows it, "<e9>", so the
      // excerpt stays readable text.
      static const char* const hex = "0123456789abcdef";
      shown += {'<', hex[lead >> 4], hex[lead & 0xF], '>'};
      width += 4;
      ++i;
      continue;
    }
    shown.append(line, i, n);
    width += 1;
    i += n;
  }
  if (caret == std::string::npos)
    caret = width;
  return {shown, caret};
}

// GCC's excerpt: the line with a line-number gutter, then the caret.
void appendExcerpt(std::ostringstream& out, const SrcLoc& loc, const DiagnosticOptions& options) {
  if (!options.showCaret || !loc.known())
    return;
  const std::vector<std::string>* lines = sourceCache().lines(*loc.file);
  if (!lines || loc.line > lines->size())
    return;
  auto [shown, caret] = displayLine((*lines)[loc.line - 1], loc.col);
  std::string number = std::to_string(loc.line);
  size_t width = std::max(kMinLineNumberWidth, number.size());
  out << std::string(width - number.size(), ' ') << number << " |";
  if (!shown.empty())
    out << " " << shown;
  out << "\n";
  if (loc.col == 0)
    return; // a line without a column: no caret
  out << std::string(width, ' ') << " | " << std::string(caret, ' ')
      << colored("^", kCaretColor, options.color) << "\n";
}

void appendHeader(std::ostringstream& out, const SrcLoc& loc, const char* kind,
                  const char* kindColor, const std::string& message, const std::string& option,
                  const DiagnosticOptions& options) {
  out << colored(locus(loc), kLocusColor, options.color) << " "
      << colored(std::string(kind) + ": ", kindColor, options.color)
      << highlightQuotes(message, options.color);
  if (!option.empty())
    out << " [" << colored(option, kindColor, options.color) << "]";
  out << "\n";
}

} // namespace

void forgetSourceFiles() {
  sourceCache().clear();
}

std::string renderDiagnostic(const Diagnostic& diagnostic, const DiagnosticOptions& options) {
  bool warning = diagnostic.severity == Severity::Warning;
  bool asError = !warning || options.werror;
  std::string option;
  if (!diagnostic.flag.empty())
    option = (warning && options.werror ? "-Werror=" : "-W") + diagnostic.flag;
  std::ostringstream out;
  appendHeader(out, diagnostic.loc, asError ? "error" : "warning",
               asError ? kErrorColor : kWarningColor, diagnostic.message, option, options);
  appendExcerpt(out, diagnostic.loc, options);
  appendIndented(out, diagnostic.extra);
  for (const Note& note : diagnostic.notes) {
    appendHeader(out, note.loc, "note", kNoteColor, note.message, "", options);
    appendExcerpt(out, note.loc, options);
    appendIndented(out, note.extra);
  }
  return out.str();
}

void fail(const SrcLoc& loc, const std::string& message) {
  throw CompileError(loc, message);
}

} // namespace schedc
