// Conversions between Python objects and the engine's types: dtypes (NumPy dtype objects),
// operands (arrays, NumPy arrays, Python scalars, nested sequences) and NumPy views.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "array_caster.h"
#include "numpy_api/core.h"

namespace py = pybind11;

namespace arrax::py_convert {

// Anything numpy.dtype() accepts (np.float32, "int8", float, a dtype, ml_dtypes.bfloat16).
DType dtype_from_py(py::handle obj);
std::optional<DType> optional_dtype(py::handle obj);  // None -> nullopt
// The numpy.dtype object for dt (ml_dtypes' bfloat16 for BFloat16).
py::object dtype_to_py(DType dt);

// An operand: arrax arrays as they are, Python scalars as weak scalars, everything else
// through numpy.asarray (NumPy arrays are wrapped without a copy).
// (TypeError naming `caller` for an object arrax cannot convert)
np::Operand operand_from_py(py::handle obj, const std::string& caller = "arrax");
// Like operand_from_py, but returns false instead of raising for unconvertible objects
// (so binary operators can return NotImplemented).
bool try_operand_from_py(py::handle obj, np::Operand& out);
// A flat list or tuple of Python numbers, or of 0-d arrays of one dtype, filled directly as
// NumPy would make it; nullopt for anything else.
std::optional<Array> array_from_flat_sequence(PyObject* seq);
// A strong array: weak scalars take their default dtype.
Array array_from_py(py::handle obj, std::optional<DType> dtype = std::nullopt);
// Wraps a NumPy array's memory (no copy); the NumPy array stays alive while the buffer does.
Array array_from_numpy(py::array arr);
// Whether buf wraps (array_from_numpy) a NumPy array that owns its memory and that nothing
// but buf refers to: a result arrax computed through NumPy, whose memory arrax alone owns.
bool sole_owner_of_wrapped_numpy(const Buffer& buf);
// The Array inside an arrax.numpy.ndarray object of exactly that type (no subclass), read
// straight from the pybind11 instance; nullptr for anything else. The operators' fast path.
const Array* exact_array(PyObject* obj);

// One result as an array, several as a tuple of arrays (a ufunc's return value).
py::object arrays_to_py(std::vector<Array> r);

// operator.index(obj) as an int64; the Python error (TypeError, OverflowError) propagates.
int64_t index_value(py::handle obj);
// A NumPy array viewing a's memory (no copy); it keeps a's buffer alive.
// A host NumPy view (or copy) of a; a tracer without a concrete value raises
// ConcretizationError of the given kind (what the caller was converting to).
// A weakly typed traced value (a Python scalar passed to a jit'd function, or computed only
// from such) promotes as the Python scalar would, as in JAX: jit(f)(2.0, x32) stays float32
// as f(2.0, x32) does. The weak kind of its dtype then; None for every other array.
WeakKind weak_kind_of(const Array& a);

py::array to_numpy(const Array& a,
                   ConcretizationError::Kind kind = ConcretizationError::Kind::Array);

}  // namespace arrax::py_convert

namespace arrax::bindings {

// NumPy's ComplexWarning for a cast of complex values to a real dtype (astype, asarray(dtype=),
// storing into a real array), attributed to the Python frame `stacklevel` up; nothing for other
// casts.
void warn_if_discarding_imaginary(DType from, DType to, int stacklevel = 1);

// A Python float stored into (or made into) an integer dtype goes through int(), as in NumPy:
// ValueError for NaN, OverflowError for infinity or past the dtype's range.
void refuse_unrepresentable_float(py::handle value, DType target);
// Sets the Python error NumPy would raise for a C++ exception (the module's exception
// translator); rethrows exceptions it does not know.
void set_python_error(std::exception_ptr p);

// A CPython slot's body (tp_call, nb_add...): f()'s object, or nullptr with the Python error
// set from whatever f threw, as pybind11's dispatcher would set it.
template <typename F>
PyObject* slot_call(F&& f) {
  try {
    return f().release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    try {
      set_python_error(std::current_exception());
    } catch (...) {
      py::detail::translate_exception(std::current_exception());
    }
  }
  return nullptr;
}
}  // namespace arrax::bindings
