// NumPy's override protocol for ufuncs (NEP 13): an argument of a type that defines
// __array_ufunc__ (a duck array: a units library's quantities, a lazy array, ...) takes the
// ufunc call, as NumPy hands it over.
#pragma once
#include <optional>

#include "convert.h"

namespace arrax::bindings {

// Whether `obj` overrides ufuncs: not an arrax or plain NumPy array, nor a Python scalar,
// string or sequence, and its type has __array_ufunc__ (None included, which refuses them).
bool overrides_ufuncs(py::handle obj);

// Whether an argument (or out=, in kwargs: a dict or null) overrides ufuncs: the cheap test a
// call makes before building what call_array_ufunc takes.
bool any_overrides(const py::tuple& args, py::handle kwargs);

// The result of the overriding arguments' __array_ufunc__(ufunc, method, *args, **kwargs),
// tried as NumPy tries them (subclasses before their bases, else left to right; out= counts),
// or nullopt when no argument overrides. TypeError when all return NotImplemented or one
// has __array_ufunc__ = None.
std::optional<py::object> call_array_ufunc(py::handle ufunc, const char* method,
                                           const py::tuple& args, const py::dict& kwargs);

}  // namespace arrax::bindings
