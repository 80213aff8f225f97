// The extension module arrax._core: one init_* per binding file.
#include <pybind11/pybind11.h>

#include <variant>

#include "debug_checks.h"
#include "errors.h"
#include "numpy_api/creation.h"
#include "parallel.h"
#include "py_held.h"
#include "transforms/staging.h"

namespace py = pybind11;

namespace arrax::bindings {
void init_array(py::module_& m);
void init_ufuncs(py::module_& m);
void init_numpy(py::module_& m);
void init_functions(py::module_& m);
void init_linalg(py::module_& m);
void init_random(py::module_& m);
void init_transforms(py::module_& m);
void init_devices(py::module_& m);
}  // namespace arrax::bindings

namespace arrax::bindings {

void set_python_error(std::exception_ptr p) {
  static py::handle axis_error =
      arrax::held(py::module_::import("numpy.exceptions").attr("AxisError"));
  try {
    if (p) std::rethrow_exception(p);
  } catch (const arrax::AxisError& e) {
    py::object err = axis_error(py::str(e.what()));
    PyErr_SetObject(axis_error.ptr(), err.ptr());
  } catch (const arrax::LinAlgError& e) {
    static py::handle linalg_error =
        arrax::held(py::module_::import("numpy.linalg").attr("LinAlgError"));
    PyErr_SetString(linalg_error.ptr(), e.what());
  } catch (const arrax::ConcretizationError& e) {
    // The classes live in arrax.errors (Python), as JAX's live in jax.errors.
    using Kind = arrax::ConcretizationError::Kind;
    const char* name = e.kind == Kind::Bool      ? "TracerBoolConversionError"
                       : e.kind == Kind::Array   ? "TracerArrayConversionError"
                       : e.kind == Kind::Integer ? "TracerIntegerConversionError"
                                                 : "ConcretizationTypeError";
    py::object cls = py::module_::import("arrax.errors").attr(name);
    PyErr_SetString(cls.ptr(), e.what());
  } catch (const arrax::ir::UnexpectedTracerError& e) {
    py::object cls = py::module_::import("arrax.errors").attr("UnexpectedTracerError");
    PyErr_SetString(cls.ptr(), e.what());
  } catch (const arrax::ValueError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const arrax::TypeError& e) {
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const arrax::IndexError& e) {
    PyErr_SetString(PyExc_IndexError, e.what());
  } catch (const arrax::OverflowError& e) {
    PyErr_SetString(PyExc_OverflowError, e.what());
  } catch (const arrax::np::ZeroDivisionError& e) {
    PyErr_SetString(PyExc_ZeroDivisionError, e.what());
  } catch (const arrax::FloatingPointError& e) {
    PyErr_SetString(PyExc_FloatingPointError, e.what());
  } catch (const arrax::MemoryError& e) {
    PyErr_SetString(PyExc_MemoryError, e.what());
  } catch (const std::bad_alloc&) {
    PyErr_SetString(PyExc_MemoryError, "arrax: out of memory");
  } catch (const py::cast_error& e) {
    // A value pybind11 could not convert inside a binding (an int past int64, say).
    PyErr_SetString(
        PyExc_TypeError,
        (std::string("arrax: an argument has the wrong type or is out of range (") + e.what() + ")")
            .c_str());
  } catch (const std::bad_variant_access&) {
    // A primitive's parameter of the wrong type (a float axis, say) reached the engine.
    PyErr_SetString(PyExc_TypeError, "arrax: a parameter of the operation has the wrong type");
  } catch (const std::logic_error& e) {
    PyErr_SetString(PyExc_RuntimeError, (std::string("arrax internal error: ") + e.what()).c_str());
  }
  // Anything else propagates to pybind11's own translators.
}

}  // namespace arrax::bindings

PYBIND11_MODULE(_core, m) {
  m.doc() = "arrax's C++ engine";
  // C++ exceptions become the Python exceptions NumPy raises; none escapes to abort.
  py::register_exception_translator(&arrax::bindings::set_python_error);
  // Large kernels split over the thread pool run without the GIL.
  arrax::set_gil_hooks(
      {[]() -> void* { return PyGILState_Check() ? PyEval_SaveThread() : nullptr; },
       [](void* t) { PyEval_RestoreThread(static_cast<PyThreadState*>(t)); }});
  arrax::bindings::init_array(m);
  arrax::bindings::init_ufuncs(m);
  arrax::bindings::init_numpy(m);
  arrax::bindings::init_functions(m);
  arrax::bindings::init_linalg(m);
  arrax::bindings::init_random(m);
  arrax::bindings::init_transforms(m);
  arrax::bindings::init_devices(m);
}
