#include "fp_errors.h"

#include <cfenv>

#include "parallel.h"

namespace arrax::bindings {

void start_fp_watch() {
  clear_fp_flags();
}

int raised_fp_kinds() {
  const int raised = raised_fp_flags();
  // NumPy's bit order for the kinds: divide, over, under, invalid.
  return (raised & FE_DIVBYZERO ? 1 : 0) | (raised & FE_OVERFLOW ? 2 : 0) |
         (raised & FE_UNDERFLOW ? 4 : 0) | (raised & FE_INVALID ? 8 : 0);
}

py::object finish_fp_watch(const std::string& name, py::object result, py::handle inputs, int nin,
                           py::handle where) {
  const int kinds = raised_fp_kinds();
  if (kinds == 0) return result;
  // (Held for the process's life: released, so that no destructor runs after Python's end.)
  static py::handle report =
      py::object(py::module_::import("arrax.numpy._fp_errors").attr("report")).release();
  report(name, kinds, inputs, nin, result, where);
  return result;
}

}  // namespace arrax::bindings
