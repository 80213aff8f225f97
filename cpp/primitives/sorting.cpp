// sort and argsort along one axis: stable, in NumPy's order (NaN last; complex numbers by real
// part, then imaginary part). Lines along the axis are sorted independently, split over the
// thread pool.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "errors.h"
#include "parallel.h"
#include "primitive.h"

namespace arrax {
namespace {

template <typename T>
bool is_nan_value(const T& v) {
  if constexpr (is_complex_v<T>)
    return v.real() != v.real() || v.imag() != v.imag();
  else if constexpr (is_half_v<T>)
    return static_cast<float>(v) != static_cast<float>(v);
  else if constexpr (std::is_floating_point_v<T>)
    return v != v;
  else
    return false;
}

// a < b in NumPy's sort order. Complex numbers as NumPy's CLT orders them: [R + Rj, R + nanj,
// nan + Rj, nan + nanj], each group by its non-NaN part.
template <typename T>
bool sort_less(const T& a, const T& b) {
  if constexpr (is_complex_v<T>) {
    const auto ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
    if (ar < br) return ai == ai || bi != bi;
    if (ar > br) return bi != bi && ai == ai;
    if (ar == br || (ar != ar && br != br)) return ai < bi || (bi != bi && ai == ai);
    return br != br;
  } else {
    const bool na = is_nan_value(a), nb = is_nan_value(b);
    if (na || nb) return !na && nb;
    if constexpr (is_half_v<T>)
      return static_cast<float>(a) < static_cast<float>(b);
    else
      return a < b;
  }
}

// Radix keys: unsigned integers in NumPy's order of the values, equal exactly where the values
// sort as equal (-0.0 and 0.0; every NaN, last), so a stable radix sort of the keys is the stable
// comparison sort of the values. Half-precision values are keyed as the floats they widen to.
template <typename T>
auto radix_key(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return static_cast<uint8_t>(v);
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    U u = static_cast<U>(v);
    if constexpr (std::is_signed_v<T>) u ^= static_cast<U>(U{1} << (8 * sizeof(T) - 1));
    return u;
  } else {
    using F = std::conditional_t<std::is_same_v<T, double>, double, float>;
    using U = std::conditional_t<std::is_same_v<T, double>, uint64_t, uint32_t>;
    constexpr U sign = U{1} << (8 * sizeof(U) - 1);
    const F f = static_cast<F>(v);
    if (f != f) return static_cast<U>(~U{0});
    if (f == 0) return sign;
    U u;
    std::memcpy(&u, &f, sizeof u);
    return (u & sign) ? static_cast<U>(~u) : static_cast<U>(u | sign);
  }
}

// Sorts a line's keys stably (with their positions in `order` when WithOrder): short lines by
// comparison; longer ones by an LSD radix sort over digits, skipping the digits every key shares
// (most of them for small integers or floats widened from half precision). O(n) per byte where
// std::stable_sort on NaN-aware comparisons of indices was ~20x slower than NumPy's sort.
template <bool WithOrder, typename K>
void radix_sort(std::vector<K>& keys, std::vector<int64_t>& order, std::vector<K>& keys_tmp,
                std::vector<int64_t>& order_tmp) {
  const int64_t n = static_cast<int64_t>(keys.size());
  if constexpr (WithOrder) std::iota(order.begin(), order.end(), int64_t{0});
  if (n < 256) {  // (a radix pass's counts would cost more than the comparisons)
    if constexpr (WithOrder)
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t i, int64_t j) { return keys[i] < keys[j]; });
    else
      std::sort(keys.begin(), keys.end());  // (equal keys are interchangeable here)
    return;
  }
  // Long lines of 32- and 64-bit keys take 11-bit digits (3 and 6 passes rather than 4 and 8);
  // others bytes, whose counts are cheaper to clear and sum.
  const int bits = sizeof(K) >= 4 && n >= (1 << 14) ? 11 : 8, digits = 1 << bits;
  const int passes = (8 * static_cast<int>(sizeof(K)) + bits - 1) / bits;
  const K mask = static_cast<K>(digits - 1);
  std::vector<int64_t> counts(static_cast<size_t>(passes) * digits, 0);
  for (const K k : keys)
    for (int p = 0; p < passes; ++p) ++counts[p * digits + ((k >> (bits * p)) & mask)];
  keys_tmp.resize(n);
  if constexpr (WithOrder) order_tmp.resize(n);
  for (int p = 0; p < passes; ++p) {
    int64_t* c = counts.data() + static_cast<size_t>(p) * digits;
    if (c[(keys[0] >> (bits * p)) & mask] == n) continue;  // every key has this digit
    int64_t sum = 0;
    for (int d = 0; d < digits; ++d) {
      const int64_t cd = c[d];
      c[d] = sum;
      sum += cd;
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t pos = c[(keys[i] >> (bits * p)) & mask]++;
      keys_tmp[pos] = keys[i];
      if constexpr (WithOrder) order_tmp[pos] = order[i];
    }
    keys.swap(keys_tmp);
    if constexpr (WithOrder) order.swap(order_tmp);
  }
}

// The value of a radix key: radix_key inverted. Zeros come back as +0.0 and NaNs as one NaN;
// sort_values puts the line's own zeros and NaNs (in their order) in those runs.
template <typename T, typename K>
T value_of_key(K k) {
  if constexpr (std::is_same_v<T, bool>) {
    return k != 0;
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) k ^= static_cast<K>(K{1} << (8 * sizeof(T) - 1));
    return static_cast<T>(k);
  } else {
    using F = std::conditional_t<std::is_same_v<T, double>, double, float>;
    constexpr K sign = K{1} << (8 * sizeof(K) - 1);
    const K bits = (k & sign) ? static_cast<K>(k ^ sign) : static_cast<K>(~k);
    F f;
    std::memcpy(&f, &bits, sizeof f);
    return static_cast<T>(f);
  }
}

template <typename T>
struct RadixKey {
  using type = decltype(radix_key(std::declval<T>()));
};
template <>
struct RadixKey<complex64> {
  using type = uint8_t;  // (complex lines are sorted by comparison)
};
template <>
struct RadixKey<complex128> {
  using type = uint8_t;
};

// The stable sorting order of one line, in NumPy's order; its buffers serve every line a
// worker sorts.
template <typename T>
struct LineSorter {
  using Key = typename RadixKey<T>::type;
  std::vector<int64_t> order, order_tmp;
  std::vector<Key> keys, keys_tmp;

  explicit LineSorter(int64_t n) : order(n), keys(is_complex_v<T> ? 0 : n) {}

  // The stable sorting order of the line, in `order`.
  void sort(const T* line) {
    if constexpr (is_complex_v<T>) {
      std::iota(order.begin(), order.end(), int64_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [line](int64_t i, int64_t j) { return sort_less(line[i], line[j]); });
    } else {
      for (size_t i = 0; i < keys.size(); ++i) keys[i] = radix_key(line[i]);
      radix_sort<true>(keys, order, keys_tmp, order_tmp);
    }
  }

  // The sorted line written to out. Numbers: the keys alone are sorted (half the bytes moved of
  // keys with positions) and turned back into values; the runs of keys that several values
  // share (+0.0 with -0.0, every NaN) take the line's own such values in their order, which is
  // what the stable sort gives.
  void sort_values(const T* line, T* out) {
    const int64_t n = static_cast<int64_t>(order.size());
    if constexpr (is_complex_v<T>) {
      sort(line);
      for (int64_t i = 0; i < n; ++i) out[i] = line[order[i]];
    } else {
      for (int64_t i = 0; i < n; ++i) keys[i] = radix_key(line[i]);
      radix_sort<false>(keys, order, keys_tmp, order_tmp);
      for (int64_t i = 0; i < n; ++i) out[i] = value_of_key<T>(keys[i]);
      if constexpr (is_float_v<T>) {
        const Key zero = radix_key(T(0)), nan = static_cast<Key>(~Key{0});
        int64_t next_zero = 0, next_nan = 0;  // where to look next in the line
        for (int64_t i = 0; i < n; ++i) {
          if (keys[i] != zero && keys[i] != nan) continue;
          int64_t& j = keys[i] == zero ? next_zero : next_nan;
          while (radix_key(line[j]) != keys[i]) ++j;
          out[i] = line[j++];
        }
      }
    }
  }
};

void check_axis(const char* name, int64_t axis, size_t rank) {
  if (axis < 0 || axis >= static_cast<int64_t>(rank))
    throw AxisError(std::string(name) + ": axis " + std::to_string(axis) +
                    " is out of bounds for array of dimension " + std::to_string(rank));
}

// Calls write(line number, line values, a LineSorter) for every line of x along axis (x made
// contiguous with the axis last); the sorter and its buffers serve all the lines one worker sorts.
template <typename T, typename Write>
void for_each_line(const Array& x, int64_t axis, Write write) {
  const int r = x.ndim();
  std::vector<int64_t> perm;
  for (int d = 0; d < r; ++d)
    if (d != axis) perm.push_back(d);
  perm.push_back(axis);
  Shape s;
  Strides st;
  for (auto d : perm) {
    s.push_back(x.shape()[d]);
    st.push_back(x.strides()[d]);
  }
  const Array moved = x.view(s, st, x.offset()).contiguous();
  const int64_t n = x.shape()[axis], lines = n ? moved.size() / n : 0;
  const T* data = moved.size() ? moved.data_as<T>() : nullptr;
  parallel_for(lines, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1)),
               [&](int64_t b, int64_t e) {
                 LineSorter<T> sorter(n);
                 for (int64_t l = b; l < e; ++l) write(l, data + l * n, sorter);
               });
}

// Puts a (lines x n) contiguous result with the axis last back into x's dimension order.
Array move_back(const Array& moved_result, const Shape& shape, int64_t axis) {
  const int r = static_cast<int>(shape.size());
  Shape s;
  for (int d = 0; d < r; ++d)
    if (d != axis) s.push_back(shape[d]);
  s.push_back(shape[axis]);
  Array m = moved_result.view(s, contiguous_strides(s, moved_result.itemsize()), 0);
  // m's dims are (others..., axis): view them back in x's order, then copy.
  Strides st(r);
  int k = 0;
  for (int d = 0; d < r; ++d)
    if (d != axis) st[d] = m.strides()[k++];
  st[axis] = m.strides()[r - 1];
  return m.view(shape, st, m.offset()).contiguous(true);
}

template <bool Arg>
std::vector<Array> sort_kernel(const std::vector<Array>& in, const Params& p) {
  const Array& x = in[0];
  const int64_t axis = p.get_int("axis");
  check_axis(Arg ? "argsort" : "sort", axis, x.ndim());
  const DType out_dt = Arg ? DType::Int64 : x.dtype();
  Array flat = Array::empty(Shape{x.size()}, out_dt);
  if (x.size() == 0) return {Array::empty(x.shape(), out_dt)};
  const int64_t n = x.shape()[axis];
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_each_line<T>(x, axis, [&](int64_t l, const T* line, LineSorter<T>& sorter) {
      if constexpr (Arg) {
        sorter.sort(line);
        std::copy(sorter.order.begin(), sorter.order.end(), flat.data_as<int64_t>() + l * n);
      } else {
        sorter.sort_values(line, flat.data_as<T>() + l * n);
      }
    });
  });
  return {move_back(flat, x.shape(), axis)};
}

template <bool Arg>
const Primitive& register_sort(const char* name) {
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Opaque;
  p.num_inputs = 1;
  p.abstract_eval = [name](const std::vector<AbstractValue>& in, const Params& params) {
    check_axis(name, params.get_int("axis"), in[0].shape.size());
    AbstractValue r = in[0];
    if (Arg) r.dtype = DType::Int64;
    r.weak_type = false;
    return std::vector<AbstractValue>{r};
  };
  p.cpu_kernel = sort_kernel<Arg>;
  return register_primitive(std::move(p));
}

const Primitive& sort_p = register_sort<false>("sort");
const Primitive& argsort_p = register_sort<true>("argsort");

}  // namespace
}  // namespace arrax
