// Structural equality of IR up to the renaming of bound names.
//
// Two trees are equal when they differ only in what printing cannot show:
// which Sym objects the binders are (args, loop iterators, allocations and
// window binds are paired by position, so a proc equals its print -> re-parse),
// binder spellings (the printer may add `_1` to avoid shadowing), source
// locations, and a few spellings the parser normalizes:
//   - `-3` is the same as `-(3)`: a negated literal equals the negative literal;
//   - a literal's type is compared only as integer, float or bool, because the
//     source does not spell it (its context, which is compared, fixes it);
//   - `pass` statements are ignored (an empty block prints as `pass`).
// Argument names are compared: they are the proc's interface (C parameter
// names, `{x_int}` template holes). Callees compare by name, memories by name.
#pragma once

#include "ir/IR.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace schedc {

// The pairing of binders of the left tree with binders of the right tree,
// innermost last. A Sym with no pairing on either side is free and matches
// only itself, so comparing within one proc needs no map at all.
class SymMap {
public:
  void bind(const Sym& left, const Sym& right) { pairs_.emplace_back(left, right); }
  bool corresponds(const Sym& left, const Sym& right) const;

  // Scopes: remember depth() on entry, popTo() it on exit.
  size_t depth() const { return pairs_.size(); }
  void popTo(size_t depth) { pairs_.resize(depth); }

private:
  std::vector<std::pair<Sym, Sym>> pairs_;
};

bool exprsEqual(const Expr& a, const Expr& b, const SymMap& m = {});

// Binders introduced by the blocks are paired as they are met. `whyNot`, if
// given, receives a description of the first difference when they differ.
bool blocksEqual(const Block& a, const Block& b, const SymMap& m = {},
                 std::string* whyNot = nullptr);

// `whyNot` describes the first difference: where (`proc gemv, body[0].body[1]`),
// what, and both sides in source syntax.
bool procsEqual(const Proc& a, const Proc& b, std::string* whyNot = nullptr);

} // namespace schedc
