// take and scatter_add: the gather and scatter of a flat operand, which advanced (integer
// array) indexing of traced arrays lowers to (python/arrax/_functional.py). take is linear
// in its operand, and scatter_add is its transpose. Indices are int64 and already in range
// [0, n) (the caller normalizes negative ones; under tracing out-of-range ones are clamped,
// as JAX does, since no error can be raised from a compiled function).
#include <cstring>

#include "errors.h"
#include "parallel.h"
#include "primitive.h"

namespace arrax {
namespace {

void check_indices(const char* name, const AbstractValue& idx) {
  if (idx.dtype != DType::Int64)
    throw TypeError(std::string(name) + ": indices must be int64, got " + idx.str());
}

inline int64_t clamp_index(int64_t i, int64_t n) {
  return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

// take(x, idx): x 1-D of n elements; out[...] = x[idx[...]].
const Primitive& take_p = register_primitive({
    "take",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params&) {
      if (in[0].shape.size() != 1)
        throw ValueError("take: the operand must be 1-D, got " + in[0].str());
      check_indices("take", in[1]);
      AbstractValue r = in[0];
      r.shape = in[1].shape;
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>& in, const Params&) {
      const Array x = in[0].contiguous();
      const Array idx = in[1].contiguous();
      check_indices("take", {idx.shape(), idx.dtype()});
      Array out = Array::empty(idx.shape(), x.dtype());
      const int64_t n = x.size(), m = idx.size();
      if (m && n == 0) throw IndexError("take: cannot take from an empty array");
      if (m == 0) return std::vector<Array>{out};
      const int64_t* ix = idx.data_as<int64_t>();
      // A typed copy (a memcpy call per element cost more than the copy), split over the
      // cores: an embedding lookup gathers every element of its rows.
      dispatch_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* src = x.data_as<T>();
        T* dst = out.data_as<T>();
        parallel_for(m, kParallelGrain, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) dst[i] = src[clamp_index(ix[i], n)];
        });
      });
      return std::vector<Array>{out};
    },
});

// scatter_add(u, idx; size): a zero vector of `size` elements with u[...] added at idx[...].
const Primitive& scatter_add_p = register_primitive({
    "scatter_add",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_indices("scatter_add", in[1]);
      if (in[0].shape != in[1].shape)
        throw ValueError("scatter_add: updates " + in[0].str() + " and indices " + in[1].str() +
                         " differ in shape");
      AbstractValue r = in[0];
      r.shape = Shape{p.get_int("size")};
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>& in, const Params& p) {
      check_indices("scatter_add", {in[1].shape(), in[1].dtype()});
      if (in[0].shape() != in[1].shape())
        throw ValueError("scatter_add: updates and indices differ in shape");
      const Array u = in[0].contiguous();
      const Array idx = in[1].contiguous();
      const int64_t n = p.get_int("size"), m = idx.size();
      Array out = Array::empty(Shape{n}, u.dtype(), {}, /*zeroed=*/true);
      if (m == 0) return std::vector<Array>{out};
      if (n == 0) throw IndexError("scatter_add: cannot scatter into an empty array");
      const int64_t* ix = idx.data_as<int64_t>();
      dispatch_dtype(u.dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_same_v<T, bool>) {
          bool* o = out.data_as<bool>();
          for (int64_t i = 0; i < m; ++i) o[clamp_index(ix[i], n)] |= u.data_as<bool>()[i];
        } else {
          T* o = out.data_as<T>();
          const T* s = u.data_as<T>();
          for (int64_t i = 0; i < m; ++i) {
            T& d = o[clamp_index(ix[i], n)];
            if constexpr (is_half_v<T>)
              d = round_to_half<T>(static_cast<float>(d) + static_cast<float>(s[i]));
            else
              d = static_cast<T>(d + s[i]);
          }
        }
      });
      return std::vector<Array>{out};
    },
});

// scatter(x, idx, u; mode): x (1-D) with u[i] combined into x[idx[i]]: mode "set" (a later
// update wins), "add", "mul", "min" or "max" (JAX's x.at[idx].set/add/multiply/min/max).
// Indices outside [0, n) are dropped, as JAX's default scatter mode does.
template <typename T>
void scatter_loop(T* o, const T* u, const int64_t* ix, int64_t m, int64_t n,
                  const std::string& mode) {
  auto each = [&](auto combine) {
    for (int64_t i = 0; i < m; ++i)
      if (ix[i] >= 0 && ix[i] < n) o[ix[i]] = combine(o[ix[i]], u[i]);
  };
  if (mode == "set") {
    each([](T, T b) { return b; });
  } else if constexpr (std::is_same_v<T, bool>) {
    if (mode == "add" || mode == "max")
      each([](T a, T b) { return a || b; });
    else
      each([](T a, T b) { return a && b; });
  } else if constexpr (is_half_v<T>) {
    if (mode == "add")
      each([](T a, T b) { return round_to_half<T>(float(a) + float(b)); });
    else if (mode == "mul")
      each([](T a, T b) { return round_to_half<T>(float(a) * float(b)); });
    else if (mode == "min")
      each([](T a, T b) { return float(b) < float(a) || float(b) != float(b) ? b : a; });
    else
      each([](T a, T b) { return float(b) > float(a) || float(b) != float(b) ? b : a; });
  } else {
    if (mode == "add")
      each([](T a, T b) { return static_cast<T>(a + b); });
    else if (mode == "mul")
      each([](T a, T b) { return static_cast<T>(a * b); });
    else if constexpr (is_complex_v<T>)
      throw TypeError("scatter: min and max are not defined for complex values");
    else if (mode == "min")
      each([](T a, T b) { return b < a || b != b ? b : a; });  // NaN propagates
    else
      each([](T a, T b) { return b > a || b != b ? b : a; });
  }
}

void check_scatter(const std::vector<AbstractValue>& in, const Params& p) {
  if (in.size() != 3) throw TypeError("scatter: takes an operand, indices and updates");
  if (in[0].shape.size() != 1) throw ValueError("scatter: the operand must be 1-D");
  check_indices("scatter", in[1]);
  if (in[2].shape != in[1].shape || in[2].dtype != in[0].dtype)
    throw ValueError("scatter: updates " + in[2].str() + " must match indices " + in[1].str() +
                     " in shape and the operand " + in[0].str() + " in dtype");
  const std::string& mode = p.get<std::string>("mode");
  if (mode != "set" && mode != "add" && mode != "mul" && mode != "min" && mode != "max")
    throw ValueError("scatter: unknown mode '" + mode + "'");
}

const Primitive& scatter_p = register_primitive({
    "scatter",
    FusionClass::Opaque,
    3,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_scatter(in, p);
      return std::vector<AbstractValue>{in[0]};
    },
    [](const std::vector<Array>& in, const Params& p) {
      check_scatter({{in[0].shape(), in[0].dtype()},
                     {in[1].shape(), in[1].dtype()},
                     {in[2].shape(), in[2].dtype()}},
                    p);
      Array out = in[0].contiguous(true);
      const Array idx = in[1].contiguous(), u = in[2].contiguous();
      if (idx.size() == 0) return std::vector<Array>{out};
      dispatch_dtype(out.dtype(), [&](auto tag) {
        using T = decltype(tag);
        scatter_loop<T>(out.data_as<T>(), u.data_as<T>(), idx.data_as<int64_t>(), idx.size(),
                        out.size(), p.get<std::string>("mode"));
      });
      return std::vector<Array>{out};
    },
});

}  // namespace
}  // namespace arrax
