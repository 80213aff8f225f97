// Structural primitives: convert_element_type, broadcast_in_dim, reshape, transpose, slice,
// squeeze/expand are reshapes. On the CPU all but convert_element_type (and a reshape that
// cannot be a view) return views that share the input's buffer, as NumPy's do.
#include <numeric>

#include "errors.h"
#include "kernels/loops.h"
#include "primitive.h"

namespace arrax {
namespace {

AbstractValue with(const AbstractValue& a, Shape shape) {
  AbstractValue r = a;
  r.shape = std::move(shape);
  return r;
}

const Primitive& convert_p = register_primitive({
    "convert_element_type",
    FusionClass::Elementwise,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      AbstractValue r = in[0];
      r.dtype = p.get_dtype("new_dtype");
      r.weak_type = p.has("weak_type") && p.get<bool>("weak_type");
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>& in, const Params& p) {
      // (NumPy's astype keeps the memory order: order='K')
      Array out = kernels::empty_in_input_order(in[0].shape(), p.get_dtype("new_dtype"), {&in[0]});
      copy_into(in[0], out);
      return std::vector<Array>{out};
    },
    [](const std::vector<DType>& in, const Params& p) {
      return convert_chunk_loop(in[0], p.get_dtype("new_dtype"));
    },
});

// copy(x): a new C-contiguous array with x's values (NumPy's copy; never a view).
const Primitive& copy_p = register_primitive({
    "copy",
    FusionClass::Elementwise,
    1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      return std::vector<AbstractValue>{in[0]};
    },
    [](const std::vector<Array>& in, const Params&) {
      return std::vector<Array>{in[0].contiguous(true)};
    },
    [](const std::vector<DType>& in, const Params&) { return convert_chunk_loop(in[0], in[0]); },
});

// stop_gradient(x): x itself; differentiation sees a constant (its JVP rule gives no tangent).
const Primitive& stop_gradient_p = register_primitive({
    "stop_gradient",
    FusionClass::Elementwise,
    1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      return std::vector<AbstractValue>{in[0]};
    },
    [](const std::vector<Array>& in, const Params&) { return std::vector<Array>{in[0]}; },
    [](const std::vector<DType>& in, const Params&) { return convert_chunk_loop(in[0], in[0]); },
});

// broadcast_in_dim(x, shape, broadcast_dimensions): operand dim i maps to output dim bdims[i].
const Primitive& broadcast_in_dim_p = register_primitive({
    "broadcast_in_dim",
    FusionClass::Broadcast,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      return std::vector<AbstractValue>{with(in[0], p.get_ints("shape"))};
    },
    [](const std::vector<Array>& in, const Params& p) {
      return std::vector<Array>{
          broadcast_view(in[0], p.get_ints("shape"), p.get_ints("broadcast_dimensions"))};
    },
});

// Strides for viewing x (with its strides) as new_shape in C order, if possible without a copy.
bool reshape_strides(const Array& x, const Shape& new_shape, Strides& out) {
  // Walk both shapes, matching groups of old dims to groups of new dims of equal size.
  const Shape& os = x.shape();
  const Strides& ost = x.strides();
  Shape oshape;
  Strides ostrides;
  for (size_t i = 0; i < os.size(); ++i)
    if (os[i] != 1) {
      oshape.push_back(os[i]);
      ostrides.push_back(ost[i]);
    }
  out.assign(new_shape.size(), 0);
  size_t oi = 0, ni = 0;
  const size_t on = oshape.size(), nn = new_shape.size();
  while (oi < on && ni < nn) {
    size_t oj = oi + 1, nj = ni + 1;
    int64_t op = oshape[oi], np_ = new_shape[ni];
    while (op != np_) {
      if (np_ < op)
        np_ *= new_shape[nj++];
      else
        op *= oshape[oj++];
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (ostrides[k] != ostrides[k + 1] * oshape[k + 1]) return false;
    out[nj - 1] = ostrides[oj - 1];
    for (size_t k = nj - 1; k > ni; --k) out[k - 1] = out[k] * new_shape[k];
    oi = oj;
    ni = nj;
  }
  // Trailing size-1 dims in the new shape.
  for (size_t k = ni; k < nn; ++k) out[k] = static_cast<int64_t>(x.itemsize());
  return true;
}

const Primitive& reshape_p = register_primitive({
    "reshape",
    FusionClass::Opaque,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      return std::vector<AbstractValue>{with(in[0], p.get_ints("new_sizes"))};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const Array& x = in[0];
      const Shape& shape = p.get_ints("new_sizes");
      if (shape_size(shape) != x.size())
        throw ValueError("reshape: cannot reshape array of size " + std::to_string(x.size()) +
                         " into shape " + shape_str(shape));
      Strides st;
      if (x.size() == 0) return std::vector<Array>{Array::empty(shape, x.dtype())};
      if (reshape_strides(x, shape, st)) return std::vector<Array>{x.view(shape, st, x.offset())};
      Array c = x.contiguous(true);
      return std::vector<Array>{c.view(shape, contiguous_strides(shape, c.itemsize()), c.offset())};
    },
});

void check_permutation(const std::vector<int64_t>& perm, size_t rank) {
  std::vector<bool> seen(rank, false);
  bool ok = perm.size() == rank;
  for (auto d : perm) {
    ok = ok && d >= 0 && d < static_cast<int64_t>(rank) && !seen[d];
    if (ok) seen[d] = true;
  }
  if (!ok)
    throw ValueError("transpose: permutation " + shape_str(Shape(perm)) +
                     " is not a permutation of the " + std::to_string(rank) + " axes");
}

const Primitive& transpose_p = register_primitive({
    "transpose",
    FusionClass::Opaque,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      const auto& perm = p.get_ints("permutation");
      check_permutation(perm, in[0].shape.size());
      Shape s;
      for (auto d : perm) s.push_back(in[0].shape[d]);
      return std::vector<AbstractValue>{with(in[0], s)};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const Array& x = in[0];
      const auto& perm = p.get_ints("permutation");
      check_permutation(perm, x.ndim());
      Shape s;
      Strides st;
      for (auto d : perm) {
        s.push_back(x.shape()[d]);
        st.push_back(x.strides()[d]);
      }
      return std::vector<Array>{x.view(s, st, x.offset())};
    },
});

// The result shape of slice; the parameters must select elements inside x (an index out of
// range would read outside the buffer), as for XLA's slice.
Shape slice_shape(const Shape& x, const Params& p) {
  const auto &start = p.get_ints("start_indices"), &limit = p.get_ints("limit_indices"),
             &step = p.get_ints("strides");
  if (start.size() != x.size() || limit.size() != x.size() || step.size() != x.size())
    throw ValueError(
        "slice: start_indices, limit_indices and strides need one entry per "
        "dimension of " +
        shape_str(x));
  Shape s;
  for (size_t d = 0; d < x.size(); ++d) {
    if (step[d] == 0) throw ValueError("slice: strides must be non-zero");
    int64_t n = step[d] > 0 ? (limit[d] - start[d] + step[d] - 1) / step[d]
                            : (start[d] - limit[d] - step[d] - 1) / (-step[d]);
    n = std::max<int64_t>(n, 0);
    if (n > 0) {
      const int64_t last = start[d] + (n - 1) * step[d];
      if (start[d] < 0 || start[d] >= x[d] || last < 0 || last >= x[d])
        throw ValueError("slice: indices " + std::to_string(start[d]) + ":" +
                         std::to_string(limit[d]) + ":" + std::to_string(step[d]) +
                         " are out of bounds for dimension " + std::to_string(d) + " of shape " +
                         shape_str(x));
    }
    s.push_back(n);
  }
  return s;
}

// slice(x, start_indices, limit_indices, strides): NumPy basic slicing along every axis.
// A negative stride walks backwards from start (exclusive limit), as x[start:limit:step].
const Primitive& slice_p = register_primitive({
    "slice",
    FusionClass::Opaque,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      return std::vector<AbstractValue>{with(in[0], slice_shape(in[0].shape, p))};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const Array& x = in[0];
      const auto &start = p.get_ints("start_indices"), &step = p.get_ints("strides");
      const Shape s = slice_shape(x.shape(), p);
      Strides st;
      int64_t offset = x.offset();
      for (size_t d = 0; d < start.size(); ++d) {
        st.push_back(x.strides()[d] * step[d]);
        if (s[d] > 0) offset += start[d] * x.strides()[d];
      }
      return std::vector<Array>{x.view(s, st, offset)};
    },
});

}  // namespace
}  // namespace arrax
