#include "fp_errors.h"
#include "py_held.h"

#include <cfenv>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "parallel.h"

namespace arrax::bindings {

void start_fp_watch() {
  clear_fp_flags();
}

int suspend_fp_watch() {
  const int flags = raised_fp_flags();
  clear_fp_flags();
  return flags;
}

void resume_fp_watch(int flags) {
  if (!flags) return;
#if defined(__x86_64__)
  // (the SSE register, which raised_fp_flags reads: feraiseexcept would set x87's)
  _mm_setcsr(_mm_getcsr() | static_cast<unsigned>(flags));
#else
  std::feraiseexcept(flags);
#endif
}

int raised_fp_kinds() {
  const int raised = raised_fp_flags();
  // NumPy's bit order for the kinds: divide, over, under, invalid.
  return (raised & FE_DIVBYZERO ? 1 : 0) | (raised & FE_OVERFLOW ? 2 : 0) |
         (raised & FE_UNDERFLOW ? 4 : 0) | (raised & FE_INVALID ? 8 : 0);
}

void report_fp_kinds(const std::string& name, int kinds, py::handle inputs, int nin,
                     py::handle result, py::handle where) {
  static py::handle report =
      arrax::held(py::module_::import("arrax.numpy._fp_errors").attr("report"));
  report(name, kinds, inputs, nin, result, where);
}

void report_assignment_fp_kinds(int kinds) {
  static py::handle report =
      arrax::held(py::module_::import("arrax.numpy._fp_errors").attr("report_assignment"));
  report(kinds);
}

}  // namespace arrax::bindings
