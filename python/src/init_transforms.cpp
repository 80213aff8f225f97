// Tracing from Python: _core._trace(fn, avals) stages fn into an IR graph (arrax.make_ir).
#include <pybind11/stl.h>

#include "convert.h"
#include "transforms/staging.h"

namespace arrax::bindings {

using namespace py_convert;

void init_transforms(py::module_& m) {
  py::class_<ir::Graph>(m, "IR")
      .def("__str__", &ir::Graph::str)
      .def("__repr__", &ir::Graph::str)
      .def("verify", &ir::Graph::verify)
      .def_property_readonly("primitives",
                             [](const ir::Graph& g) {
                               std::vector<std::string> names;
                               for (auto& e : g.eqns) names.push_back(e.primitive->name);
                               return names;
                             })
      .def_property_readonly("num_consts", [](const ir::Graph& g) { return g.consts.size(); })
      .def("eval", [](const ir::Graph& g, py::args args) {
        std::vector<Array> in;
        for (auto a : args) in.push_back(array_from_py(a));
        return g.eval(in);
      });
  // fn takes one tracer per (shape, dtype, weak) in `avals` and returns a list of arrays.
  m.def("_trace", [](py::function fn,
                     const std::vector<std::tuple<std::vector<int64_t>, py::object, bool>>& avals) {
    auto interp = std::make_shared<ir::StagingInterpreter>();
    py::list args;
    for (auto& [shape, dtype, weak] : avals)
      args.append(
          interp->new_argument(AbstractValue{Shape(shape), dtype_from_py(dtype), weak, {}}));
    py::object result;
    try {
      result = fn(*args);
    } catch (...) {
      interp->finish({});  // tracers that escaped now fail clearly
      throw;
    }
    std::vector<Array> outs;
    for (auto r : result) outs.push_back(array_from_py(r));
    return interp->finish(outs);
  });
}

}  // namespace arrax::bindings
