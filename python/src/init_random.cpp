// Primitives behind arrax.random (cpp/primitives/random_bits.cpp), bound directly: the Python
// package composes the samplers from these and arrax.numpy.
#include <pybind11/stl.h>

#include "convert.h"
#include "primitive.h"

namespace arrax::bindings {

void init_random(py::module_& m) {
  using py::arg;
  m.def(
      "_threefry2x32",
      [](const Array& k0, const Array& k1, const Array& x0, const Array& x1) {
        std::vector<Array> out = bind(primitive("threefry2x32"), {k0, k1, x0, x1});
        return py::make_tuple(out[0], out[1]);
      },
      arg("k0"), arg("k1"), arg("x0"), arg("x1"));
  m.def(
      "_bitcast_convert_type",
      [](const Array& x, py::handle dtype) {
        return bind1(primitive("bitcast_convert_type"), {x},
                     Params{{"new_dtype", py_convert::dtype_from_py(dtype)}});
      },
      arg("x"), arg("new_dtype"));
  m.def("_erf_inv", [](const Array& x) { return bind1(primitive("erf_inv"), {x}); }, arg("x"));
}

}  // namespace arrax::bindings
