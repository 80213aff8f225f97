// Strided N-operand iteration shared by every elementwise kernel: dimensions are coalesced,
// the innermost one becomes a tight loop, and large arrays are split over the thread pool.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "array.h"
#include "parallel.h"

namespace arrax::kernels {

// An iteration space: a shape (after coalescing) and, per operand, byte strides and a base
// pointer. Operand 0 is conventionally the output.
template <int N>
struct NdSpace {
  Shape shape;  // coalesced, innermost last; never empty (at least {1})
  std::array<Strides, N> strides;
  std::array<char*, N> base;
  int64_t size = 1;
};

// Builds the space for operands that all have `shape` (inputs already broadcast, possibly with
// zero strides). Drops size-1 dimensions and merges dimensions that are contiguous for all.
template <int N>
NdSpace<N> make_space(const Shape& shape, const std::array<const Array*, N>& ops) {
  NdSpace<N> sp;
  SmallVector<int, 8> dims;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d)
    if (shape[d] != 1) dims.push_back(d);
  // Walk the output's memory in order (its strides decreasing): an F-ordered output, and
  // inputs laid out like it, then merge into one contiguous run instead of striding across it.
  // (Kernels write fresh outputs, which never overlap their inputs, so the order is free.)
  const Strides& os = ops[0]->strides();
  bool positive = true, ordered = true;
  for (size_t i = 0; i < dims.size(); ++i) {
    positive = positive && os[dims[i]] > 0;
    ordered = ordered && (i == 0 || os[dims[i - 1]] >= os[dims[i]]);
  }
  if (positive && !ordered)
    std::stable_sort(dims.begin(), dims.end(), [&](int a, int b) { return os[a] > os[b]; });
  for (int k = 0; k < N; ++k) sp.base[k] = ops[k]->data();
  Shape out_shape;
  std::array<Strides, N> st;
  for (int d : dims) {
    bool merge = !out_shape.empty();
    if (merge)
      for (int k = 0; k < N; ++k)
        if (st[k].back() != ops[k]->strides()[d] * shape[d]) merge = false;
    if (merge) {
      out_shape.back() *= shape[d];
      for (int k = 0; k < N; ++k) st[k].back() = ops[k]->strides()[d];
    } else {
      out_shape.push_back(shape[d]);
      for (int k = 0; k < N; ++k) st[k].push_back(ops[k]->strides()[d]);
    }
  }
  if (out_shape.empty()) {
    out_shape.push_back(1);
    for (int k = 0; k < N; ++k) st[k].push_back(0);
  }
  sp.shape = std::move(out_shape);
  sp.strides = std::move(st);
  sp.size = shape_size(sp.shape);
  return sp;
}

// A new array for an elementwise result of `shape`, laid out in its inputs' memory order
// (NumPy's order='K'): exp(a.T) or an F-ordered array plus one is F-ordered, as in NumPy, and
// its loop runs over contiguous memory. C order when an input is C-ordered, when the inputs'
// orders disagree, or when none has one (broadcast views).
inline Array empty_in_input_order(const Shape& shape, DType dtype,
                                  std::initializer_list<const Array*> inputs) {
  const int nd = static_cast<int>(shape.size());
  if (nd < 2) return Array::empty(shape, dtype);
  SmallVector<int, 8> order;  // axes of size > 1, outermost in memory first
  for (const Array* a : inputs) {
    if (a->shape() != shape) continue;
    if (a->is_c_contiguous()) return Array::empty(shape, dtype);
    SmallVector<int, 8> axes;
    for (int d = 0; d < nd; ++d)
      if (shape[d] != 1) axes.push_back(d);
    // (a reversed axis counts by its stride's size, as in NumPy)
    const Strides& st = a->strides();
    auto mag = [&](int d) { return st[d] < 0 ? -st[d] : st[d]; };
    std::stable_sort(axes.begin(), axes.end(), [&](int x, int y) { return mag(x) > mag(y); });
    bool usable = true;
    for (size_t i = 0; i < axes.size(); ++i)
      usable = usable && mag(axes[i]) > 0 && (i == 0 || mag(axes[i - 1]) != mag(axes[i]));
    if (!usable) continue;
    if (order.empty()) {
      order = axes;
    } else if (!std::equal(order.begin(), order.end(), axes.begin(), axes.end())) {
      return Array::empty(shape, dtype);
    }
  }
  if (std::is_sorted(order.begin(), order.end())) return Array::empty(shape, dtype);
  const int64_t n = shape_size(shape);
  const auto isz = static_cast<int64_t>(itemsize(dtype));
  Array flat = Array::empty({n}, dtype);
  Strides strides(nd, isz);
  int64_t acc = isz;
  for (size_t i = order.size(); i-- > 0;) {
    strides[order[i]] = acc;
    acc *= shape[order[i]];
  }
  return Array(flat.buffer(), shape, strides, flat.offset(), dtype);
}

// Calls inner(ptrs, inner_strides, n) over runs of the innermost dimension covering the flat
// index range [begin, end) of the space.
template <int N, typename Inner>
void iterate_range(const NdSpace<N>& sp, int64_t begin, int64_t end, Inner&& inner) {
  const int nd = static_cast<int>(sp.shape.size());
  const int64_t inner_n = sp.shape[nd - 1];
  std::array<int64_t, N> inner_strides;
  for (int k = 0; k < N; ++k) inner_strides[k] = sp.strides[k][nd - 1];
  // Multi-index of `begin`.
  Shape idx(nd, 0);
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0; --d) {
    idx[d] = rem % sp.shape[d];
    rem /= sp.shape[d];
  }
  std::array<char*, N> ptr;
  for (int k = 0; k < N; ++k) {
    ptr[k] = sp.base[k];
    for (int d = 0; d < nd; ++d) ptr[k] += idx[d] * sp.strides[k][d];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t n = std::min(inner_n - idx[nd - 1], end - pos);
    inner(ptr, inner_strides, n);
    pos += n;
    // Advance the multi-index by n along the innermost dimension, carrying outward.
    for (int k = 0; k < N; ++k) ptr[k] += n * inner_strides[k];
    idx[nd - 1] += n;
    for (int d = nd - 1; d > 0 && idx[d] == sp.shape[d]; --d) {
      for (int k = 0; k < N; ++k) ptr[k] += sp.strides[k][d - 1] - sp.shape[d] * sp.strides[k][d];
      idx[d] = 0;
      ++idx[d - 1];
    }
  }
}

// Runs inner over the whole space, on every core when it is large.
template <int N, typename Inner>
void iterate(const NdSpace<N>& sp, Inner&& inner, int64_t grain = kParallelGrain) {
  if (sp.size == 0) return;
  if (sp.size < 2 * grain) {
    iterate_range(sp, 0, sp.size, inner);
    return;
  }
  parallel_for(sp.size, grain, [&](int64_t b, int64_t e) { iterate_range(sp, b, e, inner); });
}

// Fast path for the common case: every operand C-contiguous with the same shape. Calls
// inner(ptrs, itemsizes, n) over flat chunks without building an NdSpace.
template <int N, typename Inner>
bool iterate_if_contiguous(const std::array<const Array*, N>& ops, Inner&& inner,
                           int64_t grain = kParallelGrain) {
  const Array& out = *ops[0];
  for (int k = 0; k < N; ++k)
    if (!ops[k]->is_c_contiguous() || ops[k]->shape() != out.shape()) return false;
  std::array<int64_t, N> step;
  for (int k = 0; k < N; ++k) step[k] = static_cast<int64_t>(ops[k]->itemsize());
  const int64_t n = out.size();
  auto run = [&](int64_t b, int64_t e) {
    std::array<char*, N> p;
    for (int k = 0; k < N; ++k) p[k] = ops[k]->data() + b * step[k];
    inner(p, step, e - b);
  };
  if (n < 2 * grain)
    run(0, n);
  else
    parallel_for(n, grain, run);
  return true;
}

}  // namespace arrax::kernels
