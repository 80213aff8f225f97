// Exception types that the bindings turn into the Python exception NumPy would raise.
// Messages start with the name of the function that raised them.
#pragma once
#include <stdexcept>
#include <string>

namespace arrax {

struct ValueError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
struct TypeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
struct IndexError : std::out_of_range {
  using std::out_of_range::out_of_range;
};
// A Python integer that does not fit the dtype it meets (NumPy raises OverflowError).
struct OverflowError : std::overflow_error {
  using std::overflow_error::overflow_error;
};
// A traced value asked for its concrete value (jax.errors.ConcretizationTypeError). The kind
// picks the subclass JAX raises: bool(x), numpy.asarray(x), int(x)/operator.index(x).
struct ConcretizationError : TypeError {
  enum class Kind { Generic, Bool, Array, Integer };
  Kind kind;
  ConcretizationError(const std::string& message, Kind k) : TypeError(message), kind(k) {}
};
// NumPy's AxisError is a ValueError and an IndexError at once.
struct AxisError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Device memory exhausted (Python's MemoryError), with a message saying how much was asked for.
struct MemoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// numpy.linalg.LinAlgError: a singular matrix, one that is not positive definite, ...
struct LinAlgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace arrax
