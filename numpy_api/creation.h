// NumPy's array creation functions (full, zeros, ones, empty, *_like, arange, linspace,
// logspace, eye, identity), composed from primitives (iota, broadcast_in_dim of 0-d
// constants, elementwise ufuncs, select, concatenate) so every transformation sees them.
// Errors carry NumPy's exception type and message, prefixed with the function name.
#pragma once
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "numpy_api/core.h"

namespace arrax::np {

// Python's ZeroDivisionError (numpy.arange with step 0 raises it).
struct ZeroDivisionError : std::domain_error {
  using std::domain_error::domain_error;
};

// numpy.full(shape, fill_value, dtype=None): dtype defaults to the fill value's (Python int ->
// int64, float -> float64, bool -> bool); an array fill value broadcasts to shape.
Array full(const Shape& shape, const Operand& fill_value,
           std::optional<DType> dtype = std::nullopt);
// numpy.zeros(shape, dtype=float64).
Array zeros(const Shape& shape, DType dtype = DType::Float64);
// numpy.ones(shape, dtype=float64).
Array ones(const Shape& shape, DType dtype = DType::Float64);
// numpy.empty(shape, dtype=float64): zero-filled here.
Array empty(const Shape& shape, DType dtype = DType::Float64);
// numpy.full_like(a, fill_value, dtype=None, shape=None).
Array full_like(const Array& a, const Operand& fill_value,
                std::optional<DType> dtype = std::nullopt,
                const std::optional<Shape>& shape = std::nullopt);
// numpy.zeros_like(a, dtype=None, shape=None).
Array zeros_like(const Array& a, std::optional<DType> dtype = std::nullopt,
                 const std::optional<Shape>& shape = std::nullopt);
// numpy.ones_like(a, dtype=None, shape=None).
Array ones_like(const Array& a, std::optional<DType> dtype = std::nullopt,
                const std::optional<Shape>& shape = std::nullopt);
// numpy.empty_like(a, dtype=None, shape=None): zero-filled here.
Array empty_like(const Array& a, std::optional<DType> dtype = std::nullopt,
                 const std::optional<Shape>& shape = std::nullopt);

// numpy.arange([start,] stop[, step], dtype=None). With stop absent, `start` is the stop and
// the start is 0. Arguments are scalars (Python scalars or 0-d arrays). Default dtype: complex128
// if any argument is complex, else float64 if any is a float, else int64. Values as NumPy:
// out[0] = start, out[1] = start + step (both cast to dtype), then out[i] = out[0] + i * delta
// with delta = out[1] - out[0] computed in dtype (float32 for float16/bfloat16).
Array arange(const Operand& start, const std::optional<Operand>& stop = std::nullopt,
             const std::optional<Operand>& step = std::nullopt,
             std::optional<DType> dtype = std::nullopt);

// numpy.linspace(start, stop, num=50, endpoint=True, retstep=True, dtype=None, axis=0): the
// samples and the step (a 0-d float64 NaN when num - endpoint <= 0, as NumPy's Python nan).
// start/stop may be arrays; they broadcast, and the samples run along `axis`.
std::pair<Array, Array> linspace_with_step(const Operand& start, const Operand& stop,
                                           int64_t num = 50, bool endpoint = true,
                                           std::optional<DType> dtype = std::nullopt,
                                           int64_t axis = 0);
// numpy.linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0).
Array linspace(const Operand& start, const Operand& stop, int64_t num = 50, bool endpoint = true,
               std::optional<DType> dtype = std::nullopt, int64_t axis = 0);
// numpy.logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0).
// An empty `base` means the default 10.0.
Array logspace(const Operand& start, const Operand& stop, int64_t num = 50, bool endpoint = true,
               const std::optional<Operand>& base = std::nullopt,
               std::optional<DType> dtype = std::nullopt, int64_t axis = 0);

// numpy.eye(N, M=None, k=0, dtype=float64).
Array eye(int64_t n, std::optional<int64_t> m = std::nullopt, int64_t k = 0,
          DType dtype = DType::Float64);
// numpy.identity(n, dtype=float64).
Array identity(int64_t n, DType dtype = DType::Float64);

}  // namespace arrax::np
