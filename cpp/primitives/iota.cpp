// iota (lax.broadcasted_iota): no inputs; params "dtype", "shape", "dimension". Element at
// index (i0, ..., in) holds i_dimension, converted to dtype.
#include <algorithm>

#include "errors.h"
#include "kernels/loops.h"
#include "primitive.h"

namespace arrax {
namespace {

void check_iota(const Shape& shape, int64_t dim) {
  for (auto s : shape)
    if (s < 0)
      throw ValueError("iota: negative dimensions are not allowed, got shape " + shape_str(shape));
  if (dim < 0 || dim >= static_cast<int64_t>(shape.size()))
    throw ValueError("iota: dimension " + std::to_string(dim) + " is out of range for shape " +
                     shape_str(shape));
}

template <typename T>
T from_index(int64_t i) {
  if constexpr (std::is_same_v<T, bool>)
    return i != 0;
  else if constexpr (is_half_v<T>)
    return T(static_cast<float>(i));
  else if constexpr (is_complex_v<T>)
    return T(static_cast<typename T::value_type>(i), 0);
  else
    return static_cast<T>(i);
}

const Primitive& iota_p = register_primitive({
    "iota",
    FusionClass::Elementwise,
    0,
    [](const std::vector<AbstractValue>&, const Params& p) {
      AbstractValue r;
      r.shape = p.get_ints("shape");
      r.dtype = p.get_dtype("dtype");
      check_iota(r.shape, p.get_int("dimension"));
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>&, const Params& p) {
      const Shape& shape = p.get_ints("shape");
      const int64_t dim = p.get_int("dimension");
      check_iota(shape, dim);
      Array out = Array::empty(shape, p.get_dtype("dtype"));
      if (out.size() == 0) return std::vector<Array>{out};
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < dim; ++d) outer *= shape[d];
      for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d) inner *= shape[d];
      const int64_t n = shape[dim];
      dispatch_dtype(out.dtype(), [&](auto tag) {
        using T = decltype(tag);
        T* o = out.data_as<T>();
        // The first block (n x inner) once, then copies of it for every outer index.
        for (int64_t i = 0; i < n; ++i)
          std::fill(o + i * inner, o + (i + 1) * inner, from_index<T>(i));
        const int64_t block = n * inner;
        parallel_for(outer - 1, std::max<int64_t>(1, kParallelGrain / block),
                     [&](int64_t b, int64_t e) {
                       for (int64_t k = b + 1; k < e + 1; ++k)
                         std::copy(o, o + block, o + k * block);
                     });
      });
      return std::vector<Array>{out};
    },
});

}  // namespace
}  // namespace arrax
