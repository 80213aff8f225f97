#include "numpy_api/core.h"

#include <algorithm>
#include <limits>

namespace arrax::np {

namespace {
template <typename T>
Operand make_scalar(T v, DType dt, WeakKind w) {
  Array a = Array::empty({}, dt, Device{});
  *a.data_as<T>() = v;
  return Operand(a, w);
}
}  // namespace

Operand scalar_operand(bool v) {
  return make_scalar(v, DType::Bool, WeakKind::Bool);
}
Operand scalar_operand(int64_t v) {
  return make_scalar(v, DType::Int64, WeakKind::Int);
}
Operand scalar_operand(uint64_t v) {
  return make_scalar(v, DType::UInt64, WeakKind::Int);
}
Operand scalar_operand(double v) {
  return make_scalar(v, DType::Float64, WeakKind::Float);
}
Operand scalar_operand(complex128 v) {
  return make_scalar(v, DType::Complex128, WeakKind::Complex);
}

Operand big_int_operand(double v) {
  return make_scalar(v, DType::Float64, WeakKind::Int);
}
bool is_big_int(const Operand& op) {
  return op.weak == WeakKind::Int && !op.array.is_tracer() && is_floating(op.array.dtype());
}

DType result_type(const std::vector<Operand>& ops) {
  std::vector<DType> strong;
  WeakKind weakest = WeakKind::None;
  for (auto& op : ops) {
    if (op.weak == WeakKind::None) {
      strong.push_back(op.array.dtype());
    } else if (static_cast<int>(op.weak) > static_cast<int>(weakest)) {
      weakest = op.weak;
    }
  }
  if (strong.empty()) {
    if (weakest == WeakKind::None)
      throw ValueError("result_type: at least one array or dtype is required");
    // Only Python scalars: their default dtypes, uint64 kept for a big int.
    DType r = default_dtype(weakest);
    if (weakest == WeakKind::Int)
      for (auto& op : ops)
        if (op.weak == WeakKind::Int && op.array.dtype() == DType::UInt64) r = DType::UInt64;
    return r;
  }
  return promote_with_weak(promote_types(strong), weakest);
}

Shape broadcast_shapes(const char* fname, const std::vector<Shape>& shapes) {
  size_t nd = 0;
  for (auto& s : shapes) nd = std::max(nd, s.size());
  Shape out(nd, 1);
  for (auto& s : shapes) {
    size_t off = nd - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[off + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o == 1) {
        o = s[i];
        continue;
      }
      std::string msg =
          std::string(fname) + ": operands could not be broadcast together with shapes";
      for (auto& t : shapes) msg += " " + shape_str(t);
      throw ValueError(msg);
    }
  }
  return out;
}

Array broadcast_to(const Array& x, const Shape& shape, const char* fname) {
  if (x.shape() == shape) return x;
  if (x.ndim() > static_cast<int>(shape.size()))
    throw ValueError(std::string(fname) + (shape.empty()
                                               ? ": cannot broadcast a non-scalar to a scalar array"
                                               : ": input operand has more dimensions than "
                                                 "allowed by the axis remapping"));
  std::vector<int64_t> bdims;
  size_t off = shape.size() - x.ndim();
  for (int i = 0; i < x.ndim(); ++i) {
    if (x.shape()[i] != 1 && x.shape()[i] != shape[off + i])
      throw ValueError(std::string(fname) +
                       ": operands could not be broadcast together with remapped shapes " +
                       "[original->remapped]: " + shape_str(x.shape()) + " and requested shape " +
                       shape_str(shape));
    bdims.push_back(static_cast<int64_t>(off + i));
  }
  // A concrete array broadcasts to the same view the primitive's kernel would make; only a
  // traced one needs the primitive recorded.
  if (!x.is_tracer()) return broadcast_view(x, shape, bdims);
  static const Primitive& p = primitive("broadcast_in_dim");
  return bind1(p, {x}, Params{{"shape", shape}, {"broadcast_dimensions", bdims}});
}

Array convert(const Array& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  static const Primitive& p = primitive("convert_element_type");
  return bind1(p, {x}, Params{{"new_dtype", dtype}});
}

bool weak_int_fits(const Operand& op, DType dtype) {
  if (op.weak != WeakKind::Int || !is_integer(dtype)) return true;
  if (op.array.is_tracer()) return true;  // a weak traced int: its value is not known
  if (is_big_int(op)) return false;
  bool big = op.array.dtype() == DType::UInt64;  // a Python int above int64's range
  int64_t v = *op.array.data_as<int64_t>();
  return dispatch_dtype(dtype, [&](auto tag) -> bool {
    using T = decltype(tag);
    if constexpr (is_int_v<T>) {
      if (big) return std::is_same_v<T, uint64_t>;
      return v >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
             (v < 0 ||
              static_cast<uint64_t>(v) <= static_cast<uint64_t>(std::numeric_limits<T>::max()));
    }
    return true;
  });
}

Array cast_operand(const Operand& op, DType dtype, const char* fname) {
  if (!weak_int_fits(op, dtype)) {
    // NEP 50: a Python int must fit the integer dtype it is combined with.
    if (is_big_int(op))
      throw OverflowError(std::string(fname) + ": Python integer " +
                          (*op.array.data_as<double>() < 0 ? "below" : "above") +
                          " 64 bits' range is out of bounds for " + dtype_name(dtype));
    bool big = op.array.dtype() == DType::UInt64;
    throw OverflowError(std::string(fname) + ": Python integer " +
                        (big ? std::to_string(*op.array.data_as<uint64_t>())
                             : std::to_string(*op.array.data_as<int64_t>())) +
                        " out of bounds for " + dtype_name(dtype));
  }
  // A Python scalar is a constant: convert its value directly rather than through a primitive.
  if (op.weak != WeakKind::None && !op.array.is_tracer() && op.array.dtype() != dtype)
    return astype(op.array, dtype);
  return convert(op.array, dtype);
}

bool can_cast(DType from, DType to, const std::string& casting) {
  if (casting == "unsafe") return true;
  if (casting == "no" || casting == "equiv") return from == to;
  if (can_cast_safe(from, to)) return true;
  if (casting == "safe") return false;
  if (casting != "same_kind")
    throw ValueError(
        "can_cast: casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe'");
  auto rank = [](DType d) {
    switch (dtype_kind(d)) {
      case DTypeKind::Bool:
        return 0;
      case DTypeKind::UnsignedInt:
        return 1;
      case DTypeKind::SignedInt:
        return 2;
      case DTypeKind::Float:
        return 3;
      default:
        return 4;
    }
  };
  int rf = rank(from), rt = rank(to);
  return rf <= rt;  // within a kind, or to a higher kind (uint -> int of any size too)
}

int64_t normalize_axis(int64_t axis, int64_t ndim, const char* fname) {
  if (axis < -ndim || axis >= ndim)
    throw AxisError(std::string(fname) + ": axis " + std::to_string(axis) +
                    " is out of bounds for array of dimension " + std::to_string(ndim));
  return axis < 0 ? axis + ndim : axis;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t ndim,
                                    const char* fname) {
  std::vector<int64_t> out;
  for (auto a : axes) out.push_back(normalize_axis(a, ndim, fname));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    throw ValueError(std::string(fname) + ": repeated axis");
  return out;
}

// A concrete CPU array's view, made here rather than by its primitive: the eager dispatch of
// a primitive costs more than a view (a.T, a.reshape(...) took ~1 us each where NumPy takes
// 0.1-0.2); a tracer still goes to its interpreter.
static bool direct_view(const Array& x) {
  return !x.is_tracer() && x.device().kind == DeviceKind::CPU;
}

Array reshape(const Array& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (direct_view(x) && x.is_c_contiguous() && shape_size(shape) == x.size())
    return x.view(shape, contiguous_strides(shape, x.itemsize()), x.offset());
  static const Primitive& p = primitive("reshape");
  return bind1(p, {x}, Params{{"new_sizes", shape}});
}

Array transpose(const Array& x, const std::vector<int64_t>& perm) {
  if (direct_view(x) && perm.size() == static_cast<size_t>(x.ndim())) {
    std::vector<bool> seen(perm.size(), false);
    bool valid = true;
    for (auto d : perm) {
      valid = valid && d >= 0 && d < x.ndim() && !seen[d];
      if (valid) seen[d] = true;
    }
    if (valid) {  // (else the primitive raises its error)
      Shape s;
      Strides st;
      for (auto d : perm) {
        s.push_back(x.shape()[d]);
        st.push_back(x.strides()[d]);
      }
      return x.view(s, st, x.offset());
    }
  }
  static const Primitive& p = primitive("transpose");
  return bind1(p, {x}, Params{{"permutation", perm}});
}

Array copy(const Array& x) {
  static const Primitive& p = primitive("copy");
  return bind1(p, {x});
}

}  // namespace arrax::np
