#include "args.h"

#include "numpy_api/indexing.h"
#include "numpy_api/ufuncs.h"

namespace arrax::py_args {

using namespace py_convert;

namespace {
int64_t as_int(py::handle h, const char* what) {
  if (PyFloat_Check(h.ptr()) || PyBool_Check(h.ptr()))
    throw TypeError(std::string("'") +
                    py::str(py::type::handle_of(h).attr("__name__")).cast<std::string>() +
                    "' object cannot be interpreted as an integer (" + what + ")");
  return py_convert::index_value(h);
}

// A dimension of a shape: one past int64 is NumPy's ValueError, not an OverflowError.
int64_t as_dim(py::handle h) {
  try {
    return as_int(h, "shape");
  } catch (const OverflowError&) {
    throw ValueError("Maximum allowed dimension exceeded");
  }
}

// Whether obj is read as a sequence of ints: tuples, lists, range(4), and 1-d arrays. A NumPy
// array defines __index__ for its 0-d case only, so __index__ alone does not make an int.
bool int_sequence(py::handle obj) {
  if (PyTuple_Check(obj.ptr()) || PyList_Check(obj.ptr())) return true;
  if (PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr()) || !PySequence_Check(obj.ptr()))
    return false;
  if (!PyIndex_Check(obj.ptr())) return true;
  py::object ndim = py::getattr(obj, "ndim", py::none());
  return !ndim.is_none() && ndim.cast<int64_t>() >= 1;
}
}  // namespace

std::optional<std::vector<int64_t>> axes(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  std::vector<int64_t> out;
  // Tuples, lists and other sequences of ints (range(4), as NumPy takes); an int is one axis.
  if (int_sequence(obj)) {
    for (auto h : obj) out.push_back(as_int(h, "axis"));
  } else {
    out.push_back(as_int(obj, "axis"));
  }
  return out;
}

std::vector<int64_t> required_axes(py::handle obj, const char* fname) {
  if (obj.is_none())
    throw TypeError(std::string(fname) + ": 'NoneType' object cannot be interpreted as an integer");
  return *axes(obj);
}

std::optional<int64_t> axis(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  if (PyTuple_Check(obj.ptr()))
    throw TypeError("axis: a single integer axis is required, not a tuple");
  return as_int(obj, "axis");
}

Shape shape(py::handle obj) {
  Shape s;
  if (py::isinstance<Array>(obj) && obj.cast<const Array&>().ndim() == 1) {
    for (auto h : to_numpy(obj.cast<const Array&>())) s.push_back(as_dim(h));
  } else if (int_sequence(obj)) {
    for (auto h : obj) s.push_back(as_dim(h));
  } else {
    s.push_back(as_dim(obj));
  }
  return s;
}

Array array(py::handle obj) {
  return array_from_py(obj);
}

std::vector<Array> arrays(py::handle seq) {
  std::vector<Array> out;
  if (py::isinstance<Array>(seq)) {
    const Array& a = seq.cast<const Array&>();
    if (a.ndim() == 0) throw TypeError("expected a sequence of arrays, got a 0-d array");
    for (int64_t i = 0; i < a.shape()[0]; ++i)
      out.push_back(np::basic_index(a, {np::IndexItem::integer(i)}));
    return out;
  }
  // NumPy refuses generators and other one-pass iterables here.
  if (!PySequence_Check(seq.ptr()))
    throw TypeError("arrays to stack must be passed as a \"sequence\" type such as list or tuple.");
  for (auto h : seq) out.push_back(array_from_py(h));
  return out;
}

py::object maybe_out(const Array& result, py::handle out, const char* fname) {
  if (out.is_none()) return py::cast(result);
  if (!py::isinstance<Array>(out)) {
    // NumPy's arrays (and the errors for anything else) are handled where the Python-level
    // functions' out= is: arrax/numpy/_common.py.
    return py::module_::import("arrax.numpy._common")
        .attr("store_out")(fname, py::cast(result), out, "unsafe");
  }
  const Array& o = out.cast<const Array&>();
  if (o.shape() != result.shape())
    throw ValueError(std::string(fname) + ": output array has wrong shape " + shape_str(o.shape()) +
                     ", expected " + shape_str(result.shape()));
  np::assign(o, result);
  return py::reinterpret_borrow<py::object>(out);
}

}  // namespace arrax::py_args
