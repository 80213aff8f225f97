// select(cond, on_true, on_false): the elementwise ternary choice (np.where after promotion and
// broadcasting). cond is bool; on_true and on_false share one dtype, which the result has; all
// three share one shape.
#include <algorithm>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

// c ? a : b without a branch (random conditions mispredicted half the time; this vectorizes):
// T is an unsigned integer of the item size, c a bool's byte (GCC does not vectorize
// conversions from bool itself).
template <typename T>
inline T pick(uint8_t c, T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    const T m = T(0) - static_cast<T>(c);
    return static_cast<T>((a & m) | (b & ~m));
  } else {
    return c ? a : b;
  }
}

struct Select {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(bool c, T a, T b) {
    return pick(c, a, b);
  }
};

// Select only moves bytes, so the loop is instantiated per item size, not per dtype.
struct Bytes16 {
  uint64_t lo, hi;
};

template <typename T>
void select_chunk(char* out, const char* const* in, const int64_t* step, int64_t n);

template <typename Op, typename T>
void ternary_loop(const Array& c, const Array& a, const Array& b, const Array& out) {
  auto inner = [](const std::array<char*, 4>& p, const std::array<int64_t, 4>& s, int64_t n) {
    constexpr int64_t z = sizeof(T);
    if (s[0] == z && s[1] == 1 && s[2] == z && s[3] == z) {
      const char* ins[3] = {p[1], p[2], p[3]};
      select_chunk<T>(p[0], ins, &s[1], n);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<T*>(p[0] + i * s[0]) =
            Op::apply(*reinterpret_cast<const bool*>(p[1] + i * s[1]),
                      *reinterpret_cast<const T*>(p[2] + i * s[2]),
                      *reinterpret_cast<const T*>(p[3] + i * s[3]));
    }
  };
  if (kernels::iterate_if_contiguous<4>({&out, &c, &a, &b}, inner)) return;
  kernels::iterate(kernels::make_space<4>(out.shape(), {&out, &c, &a, &b}), inner);
}

// The fused executor's loop: any input may be broadcast (step 0).
template <typename T>
void select_chunk(char* out, const char* const* in, const int64_t* step, int64_t n) {
  // Outputs never overlap inputs (restrict lets the loops vectorize).
  T* __restrict o = reinterpret_cast<T*>(out);
  const uint8_t* __restrict c = reinterpret_cast<const uint8_t*>(in[0]);
  const T* __restrict a = reinterpret_cast<const T*>(in[1]);
  const T* __restrict b = reinterpret_cast<const T*>(in[2]);
  // One loop per pattern of broadcast operands (a variable step would keep them scalar).
  const T av = *a, bv = *b;
  if (step[0] == 0) {
    if (*c ? step[1] == 0 : step[2] == 0)
      std::fill(o, o + n, *c ? av : bv);
    else
      std::copy(*c ? a : b, (*c ? a : b) + n, o);
  } else if (step[1] != 0 && step[2] != 0) {
    for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], a[i], b[i]);
  } else if (step[1] != 0) {
    for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], a[i], bv);
  } else if (step[2] != 0) {
    for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], av, b[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], av, bv);
  }
}

// f(tag) with tag an unsigned type (or Bytes16) of the given item size: select only moves bytes.
template <typename F>
auto dispatch_item_size(size_t size, F&& f) {
  switch (size) {
    case 1:
      return f(uint8_t{});
    case 2:
      return f(uint16_t{});
    case 4:
      return f(uint32_t{});
    case 8:
      return f(uint64_t{});
    case 16:
      return f(Bytes16{});
    default:
      throw std::logic_error("select: unexpected item size " + std::to_string(size));
  }
}

ChunkLoop select_chunk_rule(const std::vector<DType>& in, const Params&) {
  return dispatch_item_size(itemsize(in[1]),
                            [](auto tag) -> ChunkLoop { return &select_chunk<decltype(tag)>; });
}

std::vector<AbstractValue> select_abstract(const std::vector<AbstractValue>& in, const Params&) {
  if (in.size() != 3)
    throw std::logic_error("select: takes 3 inputs, got " + std::to_string(in.size()));
  const AbstractValue &c = in[0], &a = in[1], &b = in[2];
  if (c.dtype != DType::Bool)
    throw TypeError(std::string("select: the condition must be bool, got ") + dtype_name(c.dtype));
  if (a.dtype != b.dtype)
    throw TypeError("select: on_true and on_false must share one dtype, got " + a.str() + " and " +
                    b.str());
  if (c.shape != a.shape || a.shape != b.shape)
    throw ValueError("select: inputs must share one shape, got " + c.str() + ", " + a.str() +
                     " and " + b.str());
  AbstractValue out = a;
  out.weak_type = a.weak_type && b.weak_type;
  return {out};
}

std::vector<Array> select_kernel(const std::vector<Array>& in, const Params&) {
  const Array &c = in[0], &a = in[1], &b = in[2];
  select_abstract({AbstractValue{c.shape(), c.dtype()}, AbstractValue{a.shape(), a.dtype()},
                   AbstractValue{b.shape(), b.dtype()}},
                  {});
  Array out = Array::empty(a.shape(), a.dtype());
  dispatch_item_size(a.itemsize(),
                     [&](auto tag) { ternary_loop<Select, decltype(tag)>(c, a, b, out); });
  return {out};
}

const Primitive& select_p = []() -> const Primitive& {
  Primitive p;
  p.name = "select";
  p.fusion = FusionClass::Elementwise;
  p.num_inputs = 3;
  p.abstract_eval = select_abstract;
  p.cpu_kernel = select_kernel;
  p.chunk_loop = select_chunk_rule;
  return register_primitive(std::move(p));
}();

}  // namespace
}  // namespace arrax::ew
