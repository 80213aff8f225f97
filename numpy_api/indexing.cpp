#include "numpy_api/indexing.h"

#include <algorithm>

namespace arrax::np {

Array basic_index(const Array& x, const std::vector<IndexItem>& items) {
  int consumed = 0, ellipses = 0, ints = 0, new_axes = 0;
  for (auto& it : items) {
    if (it.kind == IndexItem::Int || it.kind == IndexItem::Slice) ++consumed;
    if (it.kind == IndexItem::Ellipsis) ++ellipses;
    if (it.kind == IndexItem::Int) ++ints;
    if (it.kind == IndexItem::NewAxis) ++new_axes;
  }
  if (x.ndim() - ints + new_axes > 64)  // NumPy's limit (NPY_MAXDIMS)
    throw IndexError("number of dimensions must be within [0, 64], but is " +
                     std::to_string(x.ndim() - ints + new_axes));
  if (ellipses > 1) throw IndexError("an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim())
    throw IndexError("too many indices for array: array is " + std::to_string(x.ndim()) +
                     "-dimensional, but " + std::to_string(consumed) + " were indexed");
  const int nd = x.ndim();
  std::vector<int64_t> start(nd, 0), limit(x.shape()), step(nd, 1);
  // Output shape built item by item: for each output axis, where it comes from.
  Shape out_shape;
  std::vector<bool> is_new;  // per output axis: inserted by None
  std::vector<int> source;   // per output axis: the axis of x it walks (-1 for a new one)
  bool any_slice_change = false;
  int dim = 0;
  auto add_full_dims = [&](int upto) {
    for (; dim < upto; ++dim) {
      out_shape.push_back(x.shape()[dim]);
      is_new.push_back(false);
      source.push_back(dim);
    }
  };
  for (auto& it : items) {
    switch (it.kind) {
      case IndexItem::Ellipsis:
        add_full_dims(dim + (nd - consumed));
        break;
      case IndexItem::NewAxis:
        out_shape.push_back(1);
        is_new.push_back(true);
        source.push_back(-1);
        break;
      case IndexItem::Int: {
        int64_t n = x.shape()[dim];
        int64_t i = it.index < 0 ? it.index + n : it.index;
        // Under a transformation an out-of-bounds index is clamped, as JAX does (jit'd JAX code
        // reads x[T + 1] at the last element); eagerly it is NumPy's IndexError.
        if (x.is_tracer() && n > 0) i = std::clamp<int64_t>(i, 0, n - 1);
        if (i < 0 || i >= n)
          throw IndexError("index " + std::to_string(it.index) + " is out of bounds for axis " +
                           std::to_string(dim) + " with size " + std::to_string(n));
        start[dim] = i;
        limit[dim] = i + 1;
        any_slice_change = true;
        ++dim;
        break;
      }
      case IndexItem::Slice: {
        int64_t n = x.shape()[dim];
        int64_t s = it.step.value_or(1);
        if (s == 0) throw ValueError("slice step cannot be zero");
        int64_t b, e;
        // Python's slice.indices(n).
        if (s > 0) {
          b = it.start ? *it.start : 0;
          e = it.stop ? *it.stop : n;
          if (b < 0) b = std::max<int64_t>(b + n, 0);
          if (e < 0) e = std::max<int64_t>(e + n, 0);
          b = std::min(b, n);
          e = std::min(e, n);
        } else {
          b = it.start ? *it.start : n - 1;
          e = it.stop ? *it.stop : -1;
          if (it.start) {
            if (b < 0) b = std::max<int64_t>(b + n, -1);
            b = std::min(b, n - 1);
          }
          if (it.stop) {
            if (e < 0) e = std::max<int64_t>(e + n, -1);
            e = std::min(e, n - 1);
          }
        }
        // (written so that a step near the int64 limits cannot overflow)
        int64_t len =
            s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (b > e ? (b - e - 1) / (-s) + 1 : 0);
        // One element or none with a stride past 2**31 (a[::2**63]): the same elements with a
        // unit step, whose byte strides cannot overflow. (Smaller steps keep NumPy's strides.)
        constexpr int64_t kBigStep = int64_t{1} << 31;
        if (len <= 1 && (s > kBigStep || s < -kBigStep)) {
          s = s > 0 ? 1 : -1;
          e = b + s * len;
        }
        start[dim] = b;
        limit[dim] = e;
        step[dim] = s;
        if (b != 0 || e != n || s != 1) any_slice_change = true;
        out_shape.push_back(len);
        is_new.push_back(false);
        source.push_back(dim);
        ++dim;
        break;
      }
    }
  }
  add_full_dims(nd);
  if (!x.is_tracer() && x.device().kind == DeviceKind::CPU) {
    // A concrete array: the view directly, as slice, reshape and broadcast_in_dim would make
    // it (three primitive applications cost ~3 us where NumPy's view takes 0.3).
    int64_t offset = x.offset();
    for (int d = 0; d < nd; ++d) {
      const int64_t len = step[d] > 0 ? (limit[d] - start[d] + step[d] - 1) / step[d]
                                      : (start[d] - limit[d] - step[d] - 1) / (-step[d]);
      if (len > 0) offset += start[d] * x.strides()[d];
    }
    Strides strides;
    for (int s : source) strides.push_back(s < 0 ? 0 : x.strides()[s] * step[s]);
    return x.view(out_shape, strides, offset);
  }
  Array r = x;
  if (any_slice_change) {
    static const Primitive& p = primitive("slice");
    r = bind1(p, {x},
              Params{{"start_indices", start}, {"limit_indices", limit}, {"strides", step}});
  }
  // Integer-indexed axes go away by reshape; new axes come in through broadcast_in_dim, which
  // gives them stride 0 as NumPy does.
  Shape kept;
  std::vector<int64_t> bdims;
  for (size_t i = 0; i < out_shape.size(); ++i)
    if (!is_new[i]) {
      kept.push_back(out_shape[i]);
      bdims.push_back(static_cast<int64_t>(i));
    }
  r = reshape(r, kept);
  if (kept.size() == out_shape.size()) return r;
  static const Primitive& b = primitive("broadcast_in_dim");
  return bind1(b, {r}, Params{{"shape", out_shape}, {"broadcast_dimensions", bdims}});
}

}  // namespace arrax::np
