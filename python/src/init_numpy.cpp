// Module-level functions of arrax.numpy that live in C++: conversion, dtype rules, and the
// numpy_api functions (creation, shape, reductions, linalg) with NumPy's signatures.
#include <pybind11/stl.h>

#include <cmath>
#include <cstdio>

#include "convert.h"
#include "numpy_api/shape_ops.h"
#include "numpy_api/ufuncs.h"
#include "parallel.h"
#include "primitive.h"
#include "py_held.h"

namespace arrax::bindings {

using namespace py_convert;
namespace {

// An argument of result_type: an array, a dtype, or a Python scalar (weak).
np::Operand result_type_arg(py::handle h) {
  PyObject* p = h.ptr();
  if (py::isinstance<Array>(h) || PyBool_Check(p) || PyLong_Check(p) || PyFloat_Check(p) ||
      PyComplex_Check(p) || py::isinstance<py::array>(h))
    return operand_from_py(h);
  static py::handle generic = arrax::held(py::module_::import("numpy").attr("generic"));
  if (py::isinstance(h, generic)) return operand_from_py(h);
  return np::Operand(Array::empty({}, dtype_from_py(h), Device{}));
}

}  // namespace

void warn_if_discarding_imaginary(DType from, DType to, int stacklevel) {
  if (!is_complex(from) || is_complex(to)) return;
  static py::handle complex_warning =
      arrax::held(py::module_::import("numpy").attr("exceptions").attr("ComplexWarning"));
  if (PyErr_WarnEx(complex_warning.ptr(),
                   "Casting complex values to real discards the imaginary part", stacklevel) < 0)
    throw py::error_already_set();
}

// A Python float stored into an integer array goes through int(), as in NumPy: NaN is a
// ValueError and infinity, or a value past the dtype's range, an OverflowError (not the cast's
// INT_MIN or wrapped value). Arrays of floats are cast, as NumPy casts them; so are NumPy
// scalars given to np.array(x, dtype=int), while __setitem__ takes them through int() too
// (NumPy itself is not consistent there: see stored_value).
void refuse_unrepresentable_float(py::handle value, DType target) {
  if (!is_integer(target) || !PyFloat_CheckExact(value.ptr())) return;
  const double x = PyFloat_AsDouble(value.ptr());
  if (x == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  if (std::isnan(x)) throw ValueError("cannot convert float NaN to integer");
  if (std::isinf(x)) throw OverflowError("cannot convert float infinity to integer");
  const double t = std::trunc(x);
  const bool fits = is_unsigned(target)
                        ? t >= 0 && t < std::ldexp(1.0, 8 * static_cast<int>(itemsize(target)))
                        : t >= -std::ldexp(1.0, 8 * static_cast<int>(itemsize(target)) - 1) &&
                              t < std::ldexp(1.0, 8 * static_cast<int>(itemsize(target)) - 1);
  if (!fits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", t);
    throw OverflowError(std::string("Python integer ") + buf + " out of bounds for " +
                        dtype_name(target));
  }
}

void init_numpy(py::module_& m) {
  m.def(
      "asarray",
      [](py::handle obj, py::object dtype, py::object copy) {
        std::optional<DType> dt = optional_dtype(dtype);
        if (py::isinstance<Array>(obj)) {
          const Array& a = obj.cast<const Array&>();
          bool force = !copy.is_none() && copy.cast<bool>();
          if (!copy.is_none() && !copy.cast<bool>() && dt && *dt != a.dtype())
            throw ValueError("asarray: Unable to avoid copy while creating an array as requested.");
          if (dt && *dt != a.dtype()) {
            warn_if_discarding_imaginary(a.dtype(), *dt, 2);  // (the caller of np.asarray)
            return np::convert(a, *dt);
          }
          return force ? np::copy(a) : a;
        }
        if (!dt && (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())))
          if (auto a = array_from_flat_sequence(obj.ptr())) return *a;  // (new memory already)
        if (dt) refuse_unrepresentable_float(obj, *dt);                 // np.array(nan, dtype=int)
        Array a = array_from_py(obj, dt);
        bool force = !copy.is_none() && copy.cast<bool>();
        // Memory NumPy owns is copied when asked, or when it is not writeable (a literal); a
        // traced result (a list holding traced arrays) is a new value already.
        return force && !a.is_tracer() ? a.contiguous(true) : a;
      },
      py::arg("a"), py::arg("dtype") = py::none(), py::arg("copy") = py::none());
  m.def("result_type", [](py::args args) {
    std::vector<np::Operand> ops;
    for (auto a : args) ops.push_back(result_type_arg(a));
    return dtype_to_py(np::result_type(ops));
  });
  m.def("promote_types", [](py::handle a, py::handle b) {
    return dtype_to_py(promote_types(dtype_from_py(a), dtype_from_py(b)));
  });
  m.def(
      "can_cast",
      [](py::handle from, py::handle to, const std::string& casting) {
        if (PyBool_Check(from.ptr()) || PyLong_Check(from.ptr()) || PyFloat_Check(from.ptr()) ||
            PyComplex_Check(from.ptr()))
          throw TypeError(
              "can_cast() does not support Python ints, floats, and complex because the result "
              "used to depend on the value.\nThis change was part of adopting NEP 50, we may "
              "explicitly allow them again in the future.");
        DType f =
            py::isinstance<Array>(from) ? from.cast<const Array&>().dtype() : dtype_from_py(from);
        return np::can_cast(f, dtype_from_py(to), casting);
      },
      py::arg("from_"), py::arg("to"), py::arg("casting") = "safe");
  m.def("_astype", [](const Array& a, py::handle dtype, bool copy) {
    const DType to = dtype_from_py(dtype);
    warn_if_discarding_imaginary(a.dtype(), to, 2);  // (the caller of .astype)
    return np::astype(a, to, copy, "unsafe");
  });
  m.def("_primitive_names", [] {
    std::vector<std::string> names;
    for (auto* p : all_primitives()) names.push_back(p->name);
    return names;
  });
  m.def("_primitive_has_rules", [](const std::string& name) {
    const Primitive& p = primitive(name);
    return py::dict(py::arg("abstract_eval") = static_cast<bool>(p.abstract_eval),
                    py::arg("cpu_kernel") = static_cast<bool>(p.cpu_kernel),
                    py::arg("chunk_loop") = p.chunk_loop != nullptr);
  });
  // Binds one unary primitive directly (real, imag: primitives without a ufunc row).
  m.def("_unary_primitive",
        [](const std::string& name, const Array& x) { return bind1(primitive(name), {x}); });
  m.def("set_num_threads", &set_num_threads);
  m.def("get_num_threads", &num_threads);
}

}  // namespace arrax::bindings
