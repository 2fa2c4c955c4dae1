// make_instr(c_instr, c_global="")
//
//   schedule vadd4 from add4:          instr vadd4(dst: [i32][4], ...):
//       make_instr("vadd({dst_data}, ...);")   ->   c: 'vadd({dst_data}, ...);'
//                                           (the proc's body, its meaning)
//
// Exo's make_instr(proc, c_instr, c_global): the proc being scheduled
// becomes an instruction. Its arguments, asserts and body stay (the body is
// now the instruction's specification, which replace matches code against);
// calls of it paste the template with the holes filled.
//
// `c_global` is C code put once at the top of every C file that uses the
// instr (Exo's c_global; helper macros, includes), verbatim: the instr's
// `global:` template, printed as such.
//
// Checked: the template is not empty and its holes are those of the
// arguments, exactly as for an `instr` written in the source
// (instrTemplateProblem, the frontend's check); the proc must not be an
// instr already.
//
// The result is not emitted as a function (instrs never are); a later
// schedule uses it with replace() or call_eqv(), as it would an `instr`.
// Forwarding: every statement keeps its identity. Returns nothing.
#include "frontend/ProcLowering.h"
#include "passes/primitives/ProcPrimitives.h"

namespace schedc::sched {

static const char* const kDirective = "make_instr";

static Value makeInstr(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string& code = args[0].requireStr(args.locs[0], "c_instr");
  const std::string& global = args[1].requireStr(args.locs[1], "c_global");
  ProcPtr current = state.procPtr();
  const Proc& proc = *current;
  if (proc.isInstr())
    refuse(call.loc, kDirective, "'" + proc.name + "' is already an instr");
  if (code.find_first_not_of(" \t\n") == std::string::npos)
    refuse(args.locs[0], kDirective, "the C template of an instr cannot be empty");
  if (auto why = instrTemplateProblem(proc, code))
    refuse(args.locs[0], kDirective, "instr '" + proc.name + "': " + *why + " in its c: template");
  auto next = std::make_shared<Proc>(proc);
  next->instr = InstrTemplates{code, "", args.locs[0], SrcLoc{}, global, args.locs[1]};
  state.commit(next, kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec makeInstrPrimitive() {
  return PrimitiveSpec{
      "make_instr", {{"c_instr", std::nullopt}, {"c_global", Value::fromStr("")}}, makeInstr};
}

} // namespace schedc::sched
