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
// The flags raised since, as NumPy's kind bits (1 divide, 2 over, 4 under, 8 invalid).
int raised_fp_kinds();
// After computing `result` from inputs[:nin] (with where=, or None): reports the raised flags.
py::object finish_fp_watch(const std::string& name, py::object result, py::handle inputs, int nin,
                           py::handle where);

}  // namespace arrax::bindings
