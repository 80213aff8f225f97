// NumPy's shape manipulation functions (reshape, transpose, moveaxis, squeeze, concatenate,
// stack, ...) plus clip and astype, composed from structural primitives so every
// transformation sees them. Eagerly, the ones NumPy returns as views are views here too.
// Errors carry NumPy's exception type and message, prefixed with the function name.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "numpy_api/core.h"

namespace arrax::np {

// numpy.reshape(a, shape, order='C', copy=None). One negative entry is the unknown dimension.
// order is 'C', 'F' or 'A' (case-insensitive); copy=true always copies, copy=false raises
// ValueError when a view is impossible.
Array reshape_np(const Array& x, const std::vector<int64_t>& shape, const std::string& order = "C",
                 std::optional<bool> copy = std::nullopt);
// numpy.transpose(a, axes=None): axes reversed when absent.
Array transpose_np(const Array& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt);
// numpy.swapaxes(a, axis1, axis2).
Array swapaxes(const Array& x, int64_t axis1, int64_t axis2);
// numpy.moveaxis(a, source, destination) with sequences of axes.
Array moveaxis(const Array& x, const std::vector<int64_t>& source,
               const std::vector<int64_t>& destination);
// numpy.moveaxis(a, source, destination) with single axes.
Array moveaxis(const Array& x, int64_t source, int64_t destination);
// numpy.squeeze(a, axis=None).
Array squeeze(const Array& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt);
// numpy.expand_dims(a, axis) with a sequence of axes (relative to the output's rank).
Array expand_dims(const Array& x, const std::vector<int64_t>& axes);
// numpy.expand_dims(a, axis) with one axis.
Array expand_dims(const Array& x, int64_t axis);
// numpy.ravel(a, order='C'): a view when NumPy's is one, else a copy. order: 'C', 'F', 'A', 'K'.
Array ravel(const Array& x, const std::string& order = "C");
// numpy.ndarray.flatten(order='C'): always a new array.
Array flatten(const Array& x, const std::string& order = "C");
// numpy.broadcast_to(array, shape): a view (read-only in NumPy).
Array broadcast_to_np(const Array& x, const Shape& shape);
// numpy.broadcast_arrays(*args).
std::vector<Array> broadcast_arrays(const std::vector<Array>& xs);
// numpy.concatenate(arrays, axis=0, dtype=None, casting="same_kind"); axis=nullopt is
// axis=None (every input flattened).
Array concatenate(const std::vector<Array>& xs, std::optional<int64_t> axis = 0,
                  std::optional<DType> dtype = std::nullopt,
                  const std::string& casting = "same_kind");
// numpy.stack(arrays, axis=0, dtype=None, casting="same_kind").
Array stack(const std::vector<Array>& xs, int64_t axis = 0,
            std::optional<DType> dtype = std::nullopt, const std::string& casting = "same_kind");
// numpy.hstack(tup, dtype=None, casting="same_kind").
Array hstack(const std::vector<Array>& xs, std::optional<DType> dtype = std::nullopt,
             const std::string& casting = "same_kind");
// numpy.vstack(tup, dtype=None, casting="same_kind").
Array vstack(const std::vector<Array>& xs, std::optional<DType> dtype = std::nullopt,
             const std::string& casting = "same_kind");
// numpy.dstack(tup).
Array dstack(const std::vector<Array>& xs);
// numpy.atleast_1d / atleast_2d / atleast_3d for one array (map them over several).
Array atleast_1d(const Array& x);
Array atleast_2d(const Array& x);
Array atleast_3d(const Array& x);
// numpy.clip(a, a_min, a_max) as NumPy 2: minimum(maximum(a, lo), hi) in the dtype all three
// promote to (weak Python scalars included); an absent bound (None) is skipped, and a Python
// int bound beyond an integer array's range is dropped, as numpy._core._methods._clip does.
Array clip(const Array& x, const std::optional<Operand>& lo, const std::optional<Operand>& hi);
// numpy.ndarray.astype(dtype, casting='unsafe', copy=True) / numpy.astype(x, dtype, copy=True).
Array astype(const Array& x, DType dtype, bool copy = true, const std::string& casting = "unsafe");

}  // namespace arrax::np
