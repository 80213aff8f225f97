// NumPy basic indexing (ints, slices, Ellipsis, None) as primitives: slice, then reshape to
// drop integer-indexed axes and insert new ones. Eagerly these are views, as in NumPy.
#pragma once
#include <optional>
#include <vector>

#include "numpy_api/core.h"

namespace arrax::np {

struct IndexItem {
  enum Kind { Int, Slice, Ellipsis, NewAxis } kind = Int;
  int64_t index = 0;                         // Int
  std::optional<int64_t> start, stop, step;  // Slice (None -> nullopt)
  static IndexItem integer(int64_t i) { return {Int, i, {}, {}, {}}; }
  static IndexItem slice(std::optional<int64_t> a, std::optional<int64_t> b,
                         std::optional<int64_t> c) {
    return {Slice, 0, a, b, c};
  }
  static IndexItem ellipsis() { return {Ellipsis, 0, {}, {}, {}}; }
  static IndexItem newaxis() { return {NewAxis, 0, {}, {}, {}}; }
};

// x[items]; raises IndexError for out-of-bounds integers or too many indices.
Array basic_index(const Array& x, const std::vector<IndexItem>& items);

}  // namespace arrax::np
