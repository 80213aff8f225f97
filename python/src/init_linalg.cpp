// matmul, dot and the @ operator.
#include <pybind11/stl.h>

#include "args.h"
#include "numpy_api/reductions.h"

namespace arrax::bindings {

namespace A = py_args;

Array matmul_dispatch(const Array& a, const Array& b) {
  return np::matmul(a, b);
}

void init_linalg(py::module_& m) {
  using py::arg;
  m.def(
      "matmul",
      [](py::handle a, py::handle b, py::handle out) {
        return A::maybe_out(np::matmul(A::array(a), A::array(b)), out, "matmul");
      },
      arg("x1"), arg("x2"), arg("out") = py::none());
  m.def(
      "dot",
      [](py::handle a, py::handle b, py::handle out) {
        return A::maybe_out(np::dot(A::array(a), A::array(b)), out, "dot");
      },
      arg("a"), arg("b"), arg("out") = py::none());
}

}  // namespace arrax::bindings
