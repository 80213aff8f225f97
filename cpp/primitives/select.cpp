// select(cond, on_true, on_false): the elementwise ternary choice (np.where after promotion and
// broadcasting). cond is bool; on_true and on_false share one dtype, which the result has; all
// three share one shape.
#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

struct Select {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(bool c, T a, T b) {
    return c ? a : b;
  }
};

// Select only moves bytes, so the loop is instantiated per item size, not per dtype.
struct Bytes16 {
  uint64_t lo, hi;
};

template <typename Op, typename T>
void ternary_loop(const Array& c, const Array& a, const Array& b, const Array& out) {
  auto inner = [](const std::array<char*, 4>& p, const std::array<int64_t, 4>& s, int64_t n) {
    constexpr int64_t z = sizeof(T);
    if (s[0] == z && s[1] == 1 && s[2] == z && s[3] == z) {
      T* o = reinterpret_cast<T*>(p[0]);
      const bool* cv = reinterpret_cast<const bool*>(p[1]);
      const T* av = reinterpret_cast<const T*>(p[2]);
      const T* bv = reinterpret_cast<const T*>(p[3]);
      for (int64_t i = 0; i < n; ++i) o[i] = Op::apply(cv[i], av[i], bv[i]);
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
  T* o = reinterpret_cast<T*>(out);
  const bool* c = reinterpret_cast<const bool*>(in[0]);
  const T* a = reinterpret_cast<const T*>(in[1]);
  const T* b = reinterpret_cast<const T*>(in[2]);
  if (step[0] != 0 && step[1] != 0 && step[2] != 0) {
    for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? a[i] : b[i];
  } else {
    const int64_t sc = step[0] != 0, sa = step[1] != 0, sb = step[2] != 0;
    for (int64_t i = 0; i < n; ++i) o[i] = c[i * sc] ? a[i * sa] : b[i * sb];
  }
}

ChunkLoop select_chunk_rule(const std::vector<DType>& in, const Params&) {
  switch (itemsize(in[1])) {
    case 1:
      return &select_chunk<uint8_t>;
    case 2:
      return &select_chunk<uint16_t>;
    case 4:
      return &select_chunk<uint32_t>;
    case 8:
      return &select_chunk<uint64_t>;
    case 16:
      return &select_chunk<Bytes16>;
    default:
      return nullptr;
  }
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
  switch (a.itemsize()) {
    case 1:
      ternary_loop<Select, uint8_t>(c, a, b, out);
      break;
    case 2:
      ternary_loop<Select, uint16_t>(c, a, b, out);
      break;
    case 4:
      ternary_loop<Select, uint32_t>(c, a, b, out);
      break;
    case 8:
      ternary_loop<Select, uint64_t>(c, a, b, out);
      break;
    case 16:
      ternary_loop<Select, Bytes16>(c, a, b, out);
      break;
    default:
      throw std::logic_error("select: unexpected item size");
  }
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
