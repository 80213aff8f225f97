// NumPy reductions, scans and products composed from the reduce_*, argmax/argmin, cumsum/cumprod
// and dot_general primitives: NumPy 2 dtype rules, axis handling (None, tuples, negative axes,
// AxisError), keepdims, and NumPy's error messages. Usable from C++ as arrax::np::sum(...).
#pragma once
#include <optional>
#include <vector>

#include "numpy_api/core.h"

namespace arrax::np {

// axis=None is std::nullopt (every axis); a tuple of axes is a vector (negative axes allowed).
using AxisArg = std::optional<std::vector<int64_t>>;

// NumPy's default accumulator dtype for sum/prod/cumsum/cumprod: bool and signed ints narrower
// than int64 -> int64, unsigned narrower than uint64 -> uint64, everything else unchanged.
DType sum_dtype(DType dt);

Array sum(const Array& a, const AxisArg& axis = std::nullopt,
          std::optional<DType> dtype = std::nullopt, bool keepdims = false);
Array prod(const Array& a, const AxisArg& axis = std::nullopt,
           std::optional<DType> dtype = std::nullopt, bool keepdims = false);
// Integer/bool inputs give float64; float16 computes in float32 and returns float16.
Array mean(const Array& a, const AxisArg& axis = std::nullopt,
           std::optional<DType> dtype = std::nullopt, bool keepdims = false);
// Complex inputs give the real dtype. ddof >= n gives inf/nan as in NumPy.
Array var(const Array& a, const AxisArg& axis = std::nullopt,
          std::optional<DType> dtype = std::nullopt, bool keepdims = false, double ddof = 0);
// (A function named std is legal here: `std::` before `::` only ever finds the namespace.)
Array std(const Array& a, const AxisArg& axis = std::nullopt,
          std::optional<DType> dtype = std::nullopt, bool keepdims = false, double ddof = 0);

// NaN propagates; an empty reduced axis raises ValueError.
Array max(const Array& a, const AxisArg& axis = std::nullopt, bool keepdims = false);
Array min(const Array& a, const AxisArg& axis = std::nullopt, bool keepdims = false);
inline Array amax(const Array& a, const AxisArg& axis = std::nullopt, bool keepdims = false) {
  return max(a, axis, keepdims);
}
inline Array amin(const Array& a, const AxisArg& axis = std::nullopt, bool keepdims = false) {
  return min(a, axis, keepdims);
}

// axis=None searches the flattened array; the first NaN wins. int64 indices.
Array argmax(const Array& a, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);
Array argmin(const Array& a, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);

Array all(const Array& a, const AxisArg& axis = std::nullopt, bool keepdims = false);
Array any(const Array& a, const AxisArg& axis = std::nullopt, bool keepdims = false);

// axis=None scans the flattened array.
Array cumsum(const Array& a, std::optional<int64_t> axis = std::nullopt,
             std::optional<DType> dtype = std::nullopt);
Array cumprod(const Array& a, std::optional<int64_t> axis = std::nullopt,
              std::optional<DType> dtype = std::nullopt);

// numpy.matmul: 1-D operands promoted (and the added dim removed), batch dims broadcast.
Array matmul(const Array& a, const Array& b);
// numpy.dot: scalars multiply, 1-D x 1-D is an inner product, N-D x M-D contracts the last axis
// of a with the second-to-last of b.
Array dot(const Array& a, const Array& b);

}  // namespace arrax::np
