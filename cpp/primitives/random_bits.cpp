// Primitives behind arrax.random:
//   threefry2x32(k0, k1, x0, x1) -> (y0, y1): the Threefry-2x32 block cipher with 20 rounds
//     (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the counter-based
//     hash JAX's default PRNG is built on. All four inputs are uint32 of one shape.
//   bitcast_convert_type(x, new_dtype): reinterprets the bits of each element as another dtype
//     of the same item size (uint32 <-> float32, uint64 <-> float64, ...).
//   erf_inv(x): the inverse error function on float32 / float64.
#include <cstring>
#include <limits>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

// ---------------------------------------------------------------------------------------------
// threefry2x32

inline uint32_t rotl32(uint32_t v, int r) {
  return (v << r) | (v >> (32 - r));
}

// One block: encrypts the counter pair (x0, x1) under the key (k0, k1). Written on plain values
// with compile-time rotation amounts so that the caller's loop vectorises.
inline void threefry_block(uint32_t k0, uint32_t k1, uint32_t& x0, uint32_t& x1) {
  const uint32_t k2 = k0 ^ k1 ^ 0x1BD11BDAu;  // the Threefish key-schedule parity constant
  const uint32_t ks[3] = {k0, k1, k2};
  uint32_t a = x0 + k0, b = x1 + k1;
#define ARRAX_TF_ROUND(r) \
  a += b;                 \
  b = rotl32(b, r);       \
  b ^= a;
#define ARRAX_TF_ROUNDS_A ARRAX_TF_ROUND(13) ARRAX_TF_ROUND(15) ARRAX_TF_ROUND(26) ARRAX_TF_ROUND(6)
#define ARRAX_TF_ROUNDS_B \
  ARRAX_TF_ROUND(17) ARRAX_TF_ROUND(29) ARRAX_TF_ROUND(16) ARRAX_TF_ROUND(24)
  // Five groups of four rounds; after group i (1-based) the key schedule injects
  // ks[i % 3], ks[(i + 1) % 3] + i.
  ARRAX_TF_ROUNDS_A
  a += ks[1];
  b += ks[2] + 1u;
  ARRAX_TF_ROUNDS_B
  a += ks[2];
  b += ks[0] + 2u;
  ARRAX_TF_ROUNDS_A
  a += ks[0];
  b += ks[1] + 3u;
  ARRAX_TF_ROUNDS_B
  a += ks[1];
  b += ks[2] + 4u;
  ARRAX_TF_ROUNDS_A
  a += ks[2];
  b += ks[0] + 5u;
#undef ARRAX_TF_ROUNDS_B
#undef ARRAX_TF_ROUNDS_A
#undef ARRAX_TF_ROUND
  x0 = a;
  x1 = b;
}

// Operands: 0, 1 outputs; 2, 3 keys; 4, 5 counters. Strides in bytes.
void threefry_run(const std::array<char*, 6>& p, const std::array<int64_t, 6>& s, int64_t n) {
  constexpr int64_t z = sizeof(uint32_t);
  const bool counters_dense = s[0] == z && s[1] == z && s[4] == z && s[5] == z;
  if (counters_dense && s[2] == 0 && s[3] == 0) {
    // One key for the whole run (the usual case: keys broadcast from a single key).
    const uint32_t k0 = *reinterpret_cast<const uint32_t*>(p[2]);
    const uint32_t k1 = *reinterpret_cast<const uint32_t*>(p[3]);
    uint32_t* __restrict o0 = reinterpret_cast<uint32_t*>(p[0]);
    uint32_t* __restrict o1 = reinterpret_cast<uint32_t*>(p[1]);
    const uint32_t* __restrict c0 = reinterpret_cast<const uint32_t*>(p[4]);
    const uint32_t* __restrict c1 = reinterpret_cast<const uint32_t*>(p[5]);
    for (int64_t i = 0; i < n; ++i) {
      uint32_t a = c0[i], b = c1[i];
      threefry_block(k0, k1, a, b);
      o0[i] = a;
      o1[i] = b;
    }
  } else if (counters_dense && s[2] == z && s[3] == z) {
    uint32_t* __restrict o0 = reinterpret_cast<uint32_t*>(p[0]);
    uint32_t* __restrict o1 = reinterpret_cast<uint32_t*>(p[1]);
    const uint32_t* __restrict k0 = reinterpret_cast<const uint32_t*>(p[2]);
    const uint32_t* __restrict k1 = reinterpret_cast<const uint32_t*>(p[3]);
    const uint32_t* __restrict c0 = reinterpret_cast<const uint32_t*>(p[4]);
    const uint32_t* __restrict c1 = reinterpret_cast<const uint32_t*>(p[5]);
    for (int64_t i = 0; i < n; ++i) {
      uint32_t a = c0[i], b = c1[i];
      threefry_block(k0[i], k1[i], a, b);
      o0[i] = a;
      o1[i] = b;
    }
  } else {
    auto at = [&](int k, int64_t i) -> uint32_t& {
      return *reinterpret_cast<uint32_t*>(p[k] + i * s[k]);
    };
    for (int64_t i = 0; i < n; ++i) {
      uint32_t a = at(4, i), b = at(5, i);
      threefry_block(at(2, i), at(3, i), a, b);
      at(0, i) = a;
      at(1, i) = b;
    }
  }
}

std::vector<AbstractValue> threefry_abstract(const std::vector<AbstractValue>& in, const Params&) {
  if (in.size() != 4)
    throw std::logic_error("threefry2x32: takes 4 inputs, got " + std::to_string(in.size()));
  for (const AbstractValue& v : in)
    if (v.dtype != DType::UInt32)
      throw TypeError("threefry2x32: requires uint32 inputs, got " + in[0].str() + ", " +
                      in[1].str() + ", " + in[2].str() + " and " + in[3].str());
  for (const AbstractValue& v : in)
    if (v.shape != in[0].shape)
      throw ValueError("threefry2x32: inputs must share one shape, got " + in[0].str() + ", " +
                       in[1].str() + ", " + in[2].str() + " and " + in[3].str());
  AbstractValue out = in[2];
  out.weak_type = false;
  return {out, out};
}

std::vector<Array> threefry_kernel(const std::vector<Array>& in, const Params& params) {
  std::vector<AbstractValue> avals;
  for (const Array& a : in) avals.push_back(AbstractValue{a.shape(), a.dtype()});
  threefry_abstract(avals, params);
  const Shape& shape = in[2].shape();
  Array o0 = Array::empty(shape, DType::UInt32), o1 = Array::empty(shape, DType::UInt32);
  const std::array<const Array*, 6> ops = {&o0, &o1, &in[0], &in[1], &in[2], &in[3]};
  // Twenty rounds per element: worth splitting over the cores well below the usual grain.
  constexpr int64_t grain = kParallelGrain / 8;
  if (!kernels::iterate_if_contiguous<6>(ops, threefry_run, grain))
    kernels::iterate(kernels::make_space<6>(shape, ops), threefry_run, grain);
  return {o0, o1};
}

const Primitive& threefry2x32_p = []() -> const Primitive& {
  Primitive p;
  p.name = "threefry2x32";
  p.fusion = FusionClass::Elementwise;
  p.num_inputs = 4;
  p.abstract_eval = threefry_abstract;
  p.cpu_kernel = threefry_kernel;
  return register_primitive(std::move(p));
}();

// ---------------------------------------------------------------------------------------------
// bitcast_convert_type

std::vector<AbstractValue> bitcast_abstract(const std::vector<AbstractValue>& in,
                                            const Params& params) {
  if (in.size() != 1)
    throw std::logic_error("bitcast_convert_type: takes 1 input, got " + std::to_string(in.size()));
  const DType to = params.get_dtype("new_dtype");
  const DType from = in[0].dtype;
  if (itemsize(from) != itemsize(to) || from == DType::Bool || to == DType::Bool)
    throw TypeError(std::string("bitcast_convert_type: cannot reinterpret ") + dtype_name(from) +
                    " as " + dtype_name(to) + " (item sizes must match)");
  AbstractValue out = in[0];
  out.dtype = to;
  out.weak_type = false;
  return {out};
}

std::vector<Array> bitcast_kernel(const std::vector<Array>& in, const Params& params) {
  bitcast_abstract({AbstractValue{in[0].shape(), in[0].dtype()}}, params);
  const DType to = params.get_dtype("new_dtype");
  Array src = in[0].contiguous();
  Array out = Array::empty(src.shape(), to);
  if (src.nbytes()) std::memcpy(out.data(), src.data(), src.nbytes());
  return {out};
}

const Primitive& bitcast_convert_type_p = []() -> const Primitive& {
  Primitive p;
  p.name = "bitcast_convert_type";
  p.fusion = FusionClass::Elementwise;
  p.num_inputs = 1;
  p.abstract_eval = bitcast_abstract;
  p.cpu_kernel = bitcast_kernel;
  return register_primitive(std::move(p));
}();

// ---------------------------------------------------------------------------------------------
// erf_inv

// Giles' single-precision approximation ("Approximating the erfinv function", GPU Computing
// Gems, 2010), the one XLA uses for float32, so normal() agrees with JAX to about an ulp.
inline float erf_inv_f32(float x) {
  const float w0 = -std::log1p(-x * x);
  float p;
  if (w0 < 5.0f) {
    const float w = w0 - 2.5f;
    p = 2.81022636e-08f;
    p = 3.43273939e-07f + p * w;
    p = -3.5233877e-06f + p * w;
    p = -4.39150654e-06f + p * w;
    p = 0.00021858087f + p * w;
    p = -0.00125372503f + p * w;
    p = -0.00417768164f + p * w;
    p = 0.246640727f + p * w;
    p = 1.50140941f + p * w;
  } else {
    const float w = std::sqrt(w0) - 3.0f;
    p = -0.000200214257f;
    p = 0.000100950558f + p * w;
    p = 0.00134934322f + p * w;
    p = -0.00367342844f + p * w;
    p = 0.00573950773f + p * w;
    p = -0.0076224613f + p * w;
    p = 0.00943887047f + p * w;
    p = 1.00167406f + p * w;
    p = 2.83297682f + p * w;
  }
  return p * x;
}

struct ErfInv {
  template <typename T>
  static constexpr bool supports = std::is_same_v<T, float> || std::is_same_v<T, double>;
  template <typename T>
  static T apply(T x) {
    if (std::isnan(x)) return x;
    const T ax = std::abs(x);
    if (ax > T(1)) return std::numeric_limits<T>::quiet_NaN();
    if (ax == T(1)) return std::copysign(std::numeric_limits<T>::infinity(), x);
    if constexpr (std::is_same_v<T, float>) {
      return erf_inv_f32(x);
    } else {
      // Start from the float32 approximation (a few ulp of float) and polish with Newton steps on
      // erf(y) - x, whose derivative is 2/sqrt(pi) exp(-y^2): two steps reach double precision.
      // Works on |x|; near 1, erf(y) - x cancels, so use erfc(y) against the exact 1 - |x|.
      const double c = 1.0 - ax;
      double y = erf_inv_f32(static_cast<float>(ax));
      if (!std::isfinite(y)) y = 5.9;  // |x| rounds to 1 in float32
      const double two_over_sqrt_pi = 1.1283791670955126;
      for (int i = 0; i < 3; ++i) {
        const double err = ax <= 0.5 ? std::erf(y) - ax : c - std::erfc(y);
        const double d = two_over_sqrt_pi * std::exp(-y * y);
        if (d == 0) break;
        // Halley's correction: y -= err / (d + y * err), from erf'' = -2 y erf'.
        y -= err / (d + y * err);
      }
      return std::copysign(y, x);
    }
  }
};

const Primitive& erf_inv_p = register_unary<ErfInv>("erf_inv");

}  // namespace
}  // namespace arrax::ew
