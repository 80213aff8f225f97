// NumPy's floating-point error reporting (numpy.errstate, seterr) for the ufunc calls and
// array operators that Python code makes: each clears the FP exception flags, computes, and
// hands any raised flag to arrax.numpy._fp_errors, which checks it against the values and
// warns, raises or calls as numpy.geterr() says ("divide by zero encountered in log").
#pragma once
#include <string>

#include "convert.h"

namespace arrax::bindings {

// Clears the flags; call before computing.
void start_fp_watch();
// For a watch inside another's (an assignment that ufunc.at's reporting watches): the flags
// raised so far, which suspend_fp_watch clears and resume_fp_watch raises again afterwards.
int suspend_fp_watch();
void resume_fp_watch(int flags);
// The flags raised since, as NumPy's kind bits (1 divide, 2 over, 4 under, 8 invalid).
int raised_fp_kinds();
// Hands raised kinds to arrax.numpy._fp_errors.report.
void report_fp_kinds(const std::string& name, int kinds, py::handle inputs, int nin,
                     py::handle result, py::handle where);

// Hands the kinds an assignment's cast raised to arrax.numpy._fp_errors.report_assignment.
void report_assignment_fp_kinds(int kinds);

// After computing `result` from inputs[:nin] (make_inputs() builds them, only when a flag was
// raised: the common call pays nothing for it; with where=, or None): reports the raised flags.
template <typename MakeInputs>
py::object finish_fp_watch(const std::string& name, py::object result, MakeInputs make_inputs,
                           int nin, py::handle where) {
  if (const int kinds = raised_fp_kinds())
    report_fp_kinds(name, kinds, make_inputs(), nin, result, where);
  return result;
}

}  // namespace arrax::bindings
