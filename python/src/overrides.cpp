#include "overrides.h"
#include "py_held.h"

#include <string>
#include <vector>

namespace arrax::bindings {

bool overrides_ufuncs(py::handle obj) {
  PyObject* p = obj.ptr();
  // (Python numbers first: `x - 1.0` asks this on every call)
  if (p == Py_None || PyBool_Check(p) || PyLong_CheckExact(p) || PyFloat_CheckExact(p) ||
      PyComplex_CheckExact(p) || PyUnicode_Check(p) || PyBytes_Check(p) || PyList_Check(p) ||
      PyTuple_Check(p))
    return false;
  if (py_convert::exact_array(p) || py::isinstance<Array>(obj)) return false;
  py::handle type = py::type::handle_of(obj);
  if (!py::hasattr(type, "__array_ufunc__")) return false;
  // NumPy's own arrays and scalars keep NumPy's (arrax converts them); their subclasses that
  // define another one override.
  static py::handle numpy_default =
      arrax::held(py::module_::import("numpy").attr("ndarray").attr("__array_ufunc__"));
  py::object handler = type.attr("__array_ufunc__");
  return !handler.is(numpy_default);
}

namespace {

// The arguments (out= included) that override ufuncs, in order; empty (no allocation) when
// none does, the common case.
std::vector<py::handle> overriding_args(const py::tuple& args, py::handle kwargs) {
  std::vector<py::handle> found;
  auto consider = [&](py::handle obj) {
    if (overrides_ufuncs(obj)) found.push_back(obj);
  };
  for (auto a : args) consider(a);
  if (kwargs && PyDict_Check(kwargs.ptr())) {
    if (PyObject* out = PyDict_GetItemString(kwargs.ptr(), "out")) {
      if (PyTuple_Check(out))
        for (auto o : py::reinterpret_borrow<py::tuple>(out)) consider(o);
      else
        consider(out);
    }
  }
  return found;
}

}  // namespace

bool any_overrides(const py::tuple& args, py::handle kwargs) {
  return !overriding_args(args, kwargs).empty();
}

std::optional<py::object> call_array_ufunc(py::handle ufunc, const char* method,
                                           const py::tuple& args, const py::dict& kwargs) {
  const std::vector<py::handle> candidates = overriding_args(args, kwargs);
  if (candidates.empty()) return std::nullopt;
  // One per type, in NumPy's order: a subclass before its base, else left to right.
  std::vector<py::handle> order;
  for (auto c : candidates) {
    py::handle t = py::type::handle_of(c);
    bool seen = false;
    for (auto o : order) seen = seen || py::type::handle_of(o).is(t);
    if (seen) continue;
    size_t at = order.size();
    for (size_t i = 0; i < order.size(); ++i)
      if (PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(t.ptr()),
                           reinterpret_cast<PyTypeObject*>(py::type::handle_of(order[i]).ptr()))) {
        at = i;
        break;
      }
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), c);
  }
  // (NumPy hands out= over as a tuple, always.)
  py::dict handed = kwargs;
  if (kwargs.contains("out") && !PyTuple_Check(py::object(kwargs["out"]).ptr())) {
    handed = py::dict(kwargs);
    handed["out"] = py::make_tuple(kwargs["out"]);
  }
  std::string names;
  for (auto c : order) {
    py::object handler = py::type::handle_of(c).attr("__array_ufunc__");
    const std::string type_name = py::str(py::type::handle_of(c).attr("__name__"));
    if (handler.is_none())
      throw py::type_error("operand '" + type_name +
                           "' does not support ufuncs (__array_ufunc__=None)");
    py::object result = c.attr("__array_ufunc__")(ufunc, method, *args, **handed);
    if (!result.is(py::handle(Py_NotImplemented))) return result;
    names += (names.empty() ? "'" : ", '") + type_name + "'";
  }
  throw py::type_error("operand type(s) all returned NotImplemented from __array_ufunc__(" +
                       std::string(py::repr(ufunc)) + ", '" + method + "', ...): " + names);
}

}  // namespace arrax::bindings
