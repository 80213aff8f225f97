// Parsing NumPy-style Python arguments (axis, shape, dtype, array-likes) into engine types.
#pragma once
#include "convert.h"

namespace arrax::py_args {

// An int, or a tuple/list of ints; None -> nullopt.
std::optional<std::vector<int64_t>> axes(py::handle obj);
// axes(obj) where None is not allowed (moveaxis, expand_dims): NumPy's TypeError.
std::vector<int64_t> required_axes(py::handle obj, const char* fname);
std::optional<int64_t> axis(py::handle obj);
// An int or a sequence of ints.
Shape shape(py::handle obj);
// An array-like as an Array (Python scalars take their default dtype).
Array array(py::handle obj);
std::vector<Array> arrays(py::handle seq);
// Writes result into out (NumPy's out= of a function), returning out; or returns result.
py::object maybe_out(const Array& result, py::handle out, const char* fname);

}  // namespace arrax::py_args
