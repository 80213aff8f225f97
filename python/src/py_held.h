// A Python object looked up once, into a function's static, and held for the process's life:
// a static py::object would be freed after the interpreter has ended, which aborts the exit.
#pragma once
#include <pybind11/pybind11.h>

namespace arrax {

inline pybind11::handle held(pybind11::object o) {
  return o.release();
}

}  // namespace arrax
