// Structural primitives that rearrange whole blocks: concatenate (joins inputs along one
// dimension into a new contiguous array) and rev (reverses dimensions; eagerly a view with
// negative strides, as NumPy's x[::-1]).
#include <string>

#include "errors.h"
#include "primitive.h"

namespace arrax {
namespace {

// concatenate(*inputs, dimension): inputs share dtype and rank, and their shapes agree except
// along `dimension`, whose sizes add up in the output.
Shape concat_shape(const std::vector<const Shape*>& shapes, const std::vector<DType>& dtypes,
                   int64_t dim) {
  if (shapes.empty()) throw ValueError("concatenate: need at least one input");
  const Shape& s0 = *shapes[0];
  const int64_t nd = static_cast<int64_t>(s0.size());
  if (dim < 0 || dim >= nd)
    throw ValueError("concatenate: dimension " + std::to_string(dim) + " out of range for rank " +
                     std::to_string(nd));
  Shape out = s0;
  out[dim] = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const Shape& s = *shapes[i];
    if (dtypes[i] != dtypes[0])
      throw ValueError(std::string("concatenate: inputs must share one dtype, got ") +
                       dtype_name(dtypes[0]) + " and " + dtype_name(dtypes[i]));
    if (s.size() != s0.size())
      throw ValueError("concatenate: inputs must share one rank, got " + shape_str(s0) + " and " +
                       shape_str(s));
    for (int64_t d = 0; d < nd; ++d)
      if (d != dim && s[d] != s0[d])
        throw ValueError("concatenate: shapes must agree except along dimension " +
                         std::to_string(dim) + ", got " + shape_str(s0) + " and " + shape_str(s));
    out[dim] += s[dim];
  }
  return out;
}

const Primitive& concatenate_p = register_primitive({
    "concatenate",
    FusionClass::Opaque,
    -1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      std::vector<const Shape*> shapes;
      std::vector<DType> dtypes;
      bool weak = !in.empty();
      for (auto& a : in) {
        shapes.push_back(&a.shape);
        dtypes.push_back(a.dtype);
        weak = weak && a.weak_type;
      }
      AbstractValue r = in.at(0);
      r.shape = concat_shape(shapes, dtypes, p.get_int("dimension"));
      r.weak_type = weak;
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const int64_t dim = p.get_int("dimension");
      std::vector<const Shape*> shapes;
      std::vector<DType> dtypes;
      for (auto& a : in) {
        shapes.push_back(&a.shape());
        dtypes.push_back(a.dtype());
      }
      Shape shape = concat_shape(shapes, dtypes, dim);
      Array out = Array::empty(shape, in[0].dtype(), in[0].device());
      // One strided copy per input into the slab of the output it occupies.
      int64_t pos = 0;
      for (const Array& x : in) {
        const int64_t n = x.shape()[dim];
        if (x.size() > 0) {
          Array dst = out.view(x.shape(), out.strides(), out.offset() + pos * out.strides()[dim]);
          copy_into(x, dst);
        }
        pos += n;
      }
      return std::vector<Array>{out};
    },
});

// rev(x, dimensions): x with the listed dimensions reversed.
void check_rev_dims(const std::vector<int64_t>& dims, size_t ndim) {
  std::vector<bool> seen(ndim, false);
  for (auto d : dims) {
    if (d < 0 || d >= static_cast<int64_t>(ndim))
      throw ValueError("rev: dimension " + std::to_string(d) + " out of range for rank " +
                       std::to_string(ndim));
    if (seen[d]) throw ValueError("rev: repeated dimension " + std::to_string(d));
    seen[d] = true;
  }
}

const Primitive& rev_p = register_primitive({
    "rev",
    FusionClass::Opaque,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_rev_dims(p.get_ints("dimensions"), in[0].shape.size());
      return std::vector<AbstractValue>{in[0]};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const Array& x = in[0];
      const auto& dims = p.get_ints("dimensions");
      check_rev_dims(dims, x.shape().size());
      Strides st = x.strides();
      int64_t offset = x.offset();
      if (x.size() > 0)
        for (auto d : dims) {
          offset += (x.shape()[d] - 1) * st[d];
          st[d] = -st[d];
        }
      return std::vector<Array>{x.view(x.shape(), st, offset)};
    },
});

}  // namespace
}  // namespace arrax
