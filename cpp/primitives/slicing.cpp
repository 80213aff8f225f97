// Slicing primitives beyond the static `slice`: pad (slice's transpose, with interior padding
// for strided slices), dynamic_slice and dynamic_update_slice (start indices are operands, so
// they can be traced values, as in loops).
#include "device.h"
#include "errors.h"
#include "primitive.h"

namespace arrax {
namespace {

int64_t padded_size(int64_t n, int64_t lo, int64_t hi, int64_t interior) {
  return lo + hi + n + (n > 0 ? (n - 1) * interior : 0);
}

void check_pad(const AbstractValue& x, const AbstractValue& v, const Params& p) {
  const auto &lo = p.get_ints("low"), &hi = p.get_ints("high"), &in = p.get_ints("interior");
  const size_t r = x.shape.size();
  if (lo.size() != r || hi.size() != r || in.size() != r)
    throw ValueError("pad: low, high and interior need one entry per dimension of " +
                     shape_str(x.shape));
  if (v.shape.size() != 0 || v.dtype != x.dtype)
    throw TypeError("pad: the padding value must be a scalar of the operand's dtype");
  for (size_t d = 0; d < r; ++d)
    if (in[d] < 0 || padded_size(x.shape[d], lo[d], hi[d], in[d]) < 0)
      throw ValueError("pad: negative interior padding or output size for shape " +
                       shape_str(x.shape));
}

// pad(x, value; low, high, interior): low/high may be negative (cropping).
const Primitive& pad_p = register_primitive({
    "pad",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_pad(in[0], in[1], p);
      AbstractValue r = in[0];
      for (size_t d = 0; d < r.shape.size(); ++d)
        r.shape[d] = padded_size(in[0].shape[d], p.get_ints("low")[d], p.get_ints("high")[d],
                                 p.get_ints("interior")[d]);
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const Array &x = in[0], &v = in[1];
      check_pad({x.shape(), x.dtype()}, {v.shape(), v.dtype()}, p);
      const auto &lo = p.get_ints("low"), &hi = p.get_ints("high"), &it = p.get_ints("interior");
      const int r = x.ndim();
      Shape os(r);
      for (int d = 0; d < r; ++d) os[d] = padded_size(x.shape()[d], lo[d], hi[d], it[d]);
      Array out = Array::empty(os, x.dtype());
      if (out.size() == 0) return std::vector<Array>{out};
      copy_into(broadcast_view(v, os, {}), out);
      // The input elements land at low + k * (interior + 1); those outside the output are cut.
      Shape xs(r), ds(r);
      Strides xst(r), dst(r);
      int64_t xoff = x.offset(), doff = out.offset();
      for (int d = 0; d < r; ++d) {
        const int64_t step = it[d] + 1, n = x.shape()[d];
        const int64_t k0 = lo[d] >= 0 ? 0 : (-lo[d] + step - 1) / step;
        const int64_t k1 =
            std::min(n - 1, (os[d] - 1 - lo[d]) >= 0 ? (os[d] - 1 - lo[d]) / step : int64_t{-1});
        const int64_t count = std::max<int64_t>(0, k1 - k0 + 1);
        if (count == 0) return std::vector<Array>{out};
        xs[d] = ds[d] = count;
        xst[d] = x.strides()[d];
        xoff += k0 * x.strides()[d];
        dst[d] = step * out.strides()[d];
        doff += (lo[d] + k0 * step) * out.strides()[d];
      }
      copy_into(x.view(xs, xst, xoff), out.view(ds, dst, doff));
      return std::vector<Array>{out};
    },
});

void check_dynamic(const char* name, const AbstractValue& x, const std::vector<AbstractValue>& in,
                   size_t first_index) {
  if (in.size() - first_index != x.shape.size())
    throw TypeError(std::string(name) + ": needs one start index per dimension of " +
                    shape_str(x.shape) + ", got " + std::to_string(in.size() - first_index));
  for (size_t i = first_index; i < in.size(); ++i)
    if (in[i].shape.size() != 0 || !is_integer(in[i].dtype))
      throw TypeError(std::string(name) + ": start indices must be integer scalars, got " +
                      in[i].str());
}

// Start indices clamped so the window fits, as XLA (and JAX) do.
std::vector<int64_t> clamped_starts(const std::vector<Array>& in, size_t first, const Shape& shape,
                                    const Shape& window) {
  std::vector<int64_t> s;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t v = *to_host(astype(in[first + d], DType::Int64)).data_as<int64_t>();
    s.push_back(std::clamp<int64_t>(v, 0, shape[d] - window[d]));
  }
  return s;
}

Array window_view(const Array& x, const std::vector<int64_t>& starts, const Shape& window) {
  int64_t off = x.offset();
  for (int d = 0; d < x.ndim(); ++d) off += starts[d] * x.strides()[d];
  return x.view(window, x.strides(), off);
}

std::vector<AbstractValue> dynamic_slice_p_abstract(const std::vector<AbstractValue>& in,
                                                    const Params& p) {
  if (in.empty()) throw TypeError("dynamic_slice: needs an operand");
  check_dynamic("dynamic_slice", in[0], in, 1);
  const auto& sizes = p.get_ints("slice_sizes");
  if (sizes.size() != in[0].shape.size())
    throw TypeError("dynamic_slice: slice_sizes needs one entry per dimension");
  for (size_t d = 0; d < sizes.size(); ++d)
    if (sizes[d] < 0 || sizes[d] > in[0].shape[d])
      throw TypeError("dynamic_slice: slice_sizes " + shape_str(Shape(sizes)) +
                      " do not fit in operand shape " + shape_str(in[0].shape));
  AbstractValue r = in[0];
  r.shape = Shape(sizes);
  return std::vector<AbstractValue>{r};
}

// dynamic_slice(x, *start_indices; slice_sizes)
const Primitive& dynamic_slice_p = register_primitive({
    "dynamic_slice",
    FusionClass::Opaque,
    -1,
    dynamic_slice_p_abstract,
    [](const std::vector<Array>& in, const Params& p) {
      std::vector<AbstractValue> avals;
      for (const Array& a : in) avals.push_back({a.shape(), a.dtype()});
      dynamic_slice_p_abstract(avals, p);
      Shape window(p.get_ints("slice_sizes"));
      auto starts = clamped_starts(in, 1, in[0].shape(), window);
      return std::vector<Array>{window_view(in[0], starts, window).contiguous(true)};
    },
});

std::vector<AbstractValue> dynamic_update_slice_abstract(const std::vector<AbstractValue>& in,
                                                         const Params&) {
  if (in.size() < 2) throw TypeError("dynamic_update_slice: needs an operand and an update");
  check_dynamic("dynamic_update_slice", in[0], in, 2);
  if (in[1].dtype != in[0].dtype || in[1].shape.size() != in[0].shape.size())
    throw TypeError("dynamic_update_slice: update " + in[1].str() + " does not match operand " +
                    in[0].str());
  for (size_t d = 0; d < in[0].shape.size(); ++d)
    if (in[1].shape[d] > in[0].shape[d])
      throw TypeError("dynamic_update_slice: update shape " + shape_str(in[1].shape) +
                      " is larger than operand shape " + shape_str(in[0].shape));
  return std::vector<AbstractValue>{in[0]};
}

// dynamic_update_slice(x, update, *start_indices): x with a window replaced by update.
const Primitive& dynamic_update_slice_p = register_primitive({
    "dynamic_update_slice",
    FusionClass::Opaque,
    -1,
    dynamic_update_slice_abstract,
    [](const std::vector<Array>& in, const Params& p) {
      std::vector<AbstractValue> avals;
      for (const Array& a : in) avals.push_back({a.shape(), a.dtype()});
      dynamic_update_slice_abstract(avals, p);
      Array out = in[0].contiguous(true);
      auto starts = clamped_starts(in, 2, out.shape(), in[1].shape());
      copy_into(in[1], window_view(out, starts, in[1].shape()));
      return std::vector<Array>{out};
    },
});

}  // namespace
}  // namespace arrax
