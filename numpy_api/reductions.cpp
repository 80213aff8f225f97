#include "numpy_api/reductions.h"

#include <algorithm>
#include <complex>

namespace arrax::np {
namespace {

std::vector<int64_t> reduce_axes(const Array& a, const AxisArg& axis, const char* fname) {
  if (!axis) {
    std::vector<int64_t> all(a.ndim());
    for (int i = 0; i < a.ndim(); ++i) all[i] = i;
    return all;
  }
  return normalize_axes(*axis, a.ndim(), fname);
}

int64_t count_of(const Array& a, const std::vector<int64_t>& axes) {
  int64_t n = 1;
  for (auto ax : axes) n *= a.shape()[ax];
  return n;
}

Shape kept_shape(const Shape& s, const std::vector<int64_t>& axes) {
  Shape r = s;
  for (auto ax : axes) r[ax] = 1;
  return r;
}

// Binds reduce primitive `prim` over `axes` of x (already in the result dtype).
Array reduce(const char* prim, const Array& x, const std::vector<int64_t>& axes, bool keepdims) {
  Array r = bind1(primitive(prim), {x}, Params{{"axes", axes}});
  return keepdims ? reshape(r, kept_shape(x.shape(), axes)) : r;
}

// sum/prod in dtype dt: narrow bool/integer inputs widen inside the kernel (no converted copy).
Array reduce_to(const char* prim, const Array& a, DType dt, const std::vector<int64_t>& axes,
                bool keepdims) {
  if (dt != a.dtype() && (dt == DType::Int64 || dt == DType::UInt64) &&
      (is_bool(a.dtype()) || (is_integer(a.dtype()) && itemsize(a.dtype()) < 8))) {
    Array r = bind1(primitive(prim), {a}, Params{{"axes", axes}, {"dtype", dt}});
    return keepdims ? reshape(r, kept_shape(a.shape(), axes)) : r;
  }
  return reduce(prim, convert(a, dt), axes, keepdims);
}

Array bind_named(const char* prim, const std::vector<Array>& in) {
  return bind1(primitive(prim), in);
}

// x / n elementwise, n converted to x's (inexact) dtype.
Array divide_by(const Array& x, double n) {
  Array s = convert(scalar_operand(n).array, x.dtype());
  return bind_named("div", {x, broadcast_to(s, x.shape())});
}

bool is_half(DType dt) {
  return dt == DType::Float16 || dt == DType::BFloat16;
}

// The dtype mean/var compute in: float64 for bool/int, float32 for half types.
DType compute_dtype(DType dt) {
  if (!is_inexact(dt)) return DType::Float64;
  if (is_half(dt)) return DType::Float32;
  return dt;
}

void check_nonempty(const Array& a, const std::vector<int64_t>& axes, const char* fname,
                    const char* ufunc) {
  bool empty = false;
  for (auto ax : axes) empty = empty || a.shape()[ax] == 0;
  if (empty)
    throw ValueError(std::string(fname) + ": zero-size array to reduction operation " + ufunc +
                     " which has no identity");
}

// A shape as NumPy prints it in dot's messages: "(2,3)", "(4,)".
std::string np_shape(const Shape& s) {
  std::string r = "(";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + (s.size() == 1 ? ",)" : ")");
}

Array dot_general(const Array& a, const Array& b, std::vector<int64_t> lc, std::vector<int64_t> rc,
                  std::vector<int64_t> lb = {}, std::vector<int64_t> rb = {}) {
  static const Primitive& p = primitive("dot_general");
  return bind1(
      p, {a, b},
      Params{
          {"lhs_contracting", lc}, {"rhs_contracting", rc}, {"lhs_batch", lb}, {"rhs_batch", rb}});
}

// var in the compute dtype (real for complex inputs), before the final cast.
Array var_impl(const Array& a, const std::vector<int64_t>& axes, DType comp, bool keepdims,
               double ddof) {
  const int64_t n = count_of(a, axes);
  Array x = convert(a, comp);
  Array m = divide_by(reduce("reduce_sum", x, axes, true), static_cast<double>(n));
  Array d = bind_named("sub", {x, broadcast_to(m, x.shape())});
  Array sq;
  if (is_complex(comp)) {
    // NumPy's formula: the real part of d * conj(d) (more accurate than |d|^2 through abs).
    static const Primitive& real_p = primitive("real");
    sq = bind1(real_p, {bind_named("mul", {d, bind_named("conj", {d})})});
  } else {
    sq = bind_named("mul", {d, d});
  }
  return divide_by(reduce("reduce_sum", sq, axes, keepdims),
                   std::max(static_cast<double>(n) - ddof, 0.0));
}

DType var_dtypes(const Array& a, std::optional<DType> dtype, DType& out) {
  DType base = dtype ? *dtype : a.dtype();
  DType comp = dtype ? compute_dtype(*dtype) : compute_dtype(a.dtype());
  if (dtype)
    out = is_inexact(*dtype) ? real_dtype(*dtype) : *dtype;
  else
    out = is_inexact(base) ? real_dtype(base) : DType::Float64;
  return comp;
}

}  // namespace

DType sum_dtype(DType dt) {
  switch (dt) {
    case DType::Bool:
    case DType::Int8:
    case DType::Int16:
    case DType::Int32:
      return DType::Int64;
    case DType::UInt8:
    case DType::UInt16:
    case DType::UInt32:
      return DType::UInt64;
    default:
      return dt;
  }
}

Array sum(const Array& a, const AxisArg& axis, std::optional<DType> dtype, bool keepdims) {
  auto axes = reduce_axes(a, axis, "sum");
  return reduce_to("reduce_sum", a, dtype ? *dtype : sum_dtype(a.dtype()), axes, keepdims);
}

Array prod(const Array& a, const AxisArg& axis, std::optional<DType> dtype, bool keepdims) {
  auto axes = reduce_axes(a, axis, "prod");
  return reduce_to("reduce_prod", a, dtype ? *dtype : sum_dtype(a.dtype()), axes, keepdims);
}

Array mean(const Array& a, const AxisArg& axis, std::optional<DType> dtype, bool keepdims) {
  auto axes = reduce_axes(a, axis, "mean");
  const double n = static_cast<double>(count_of(a, axes));
  if (dtype && !is_inexact(*dtype)) {
    // NumPy sums in the integer dtype, then true-divides and casts back unsafely.
    Array s = reduce_to("reduce_sum", a, *dtype, axes, keepdims);
    return convert(divide_by(convert(s, DType::Float64), n), *dtype);
  }
  DType out = dtype ? *dtype : (is_inexact(a.dtype()) ? a.dtype() : DType::Float64);
  DType comp = dtype ? *dtype : compute_dtype(a.dtype());
  Array s = reduce("reduce_sum", convert(a, comp), axes, keepdims);
  return convert(divide_by(s, n), out);
}

Array var(const Array& a, const AxisArg& axis, std::optional<DType> dtype, bool keepdims,
          double ddof) {
  auto axes = reduce_axes(a, axis, "var");
  DType out;
  DType comp = var_dtypes(a, dtype, out);
  return convert(var_impl(a, axes, comp, keepdims, ddof), out);
}

Array std(const Array& a, const AxisArg& axis, std::optional<DType> dtype, bool keepdims,
          double ddof) {
  auto axes = reduce_axes(a, axis, "std");
  DType out;
  DType comp = var_dtypes(a, dtype, out);
  return convert(bind_named("sqrt", {var_impl(a, axes, comp, keepdims, ddof)}), out);
}

Array max(const Array& a, const AxisArg& axis, bool keepdims) {
  auto axes = reduce_axes(a, axis, "max");
  check_nonempty(a, axes, "max", "maximum");
  return reduce("reduce_max", a, axes, keepdims);
}

Array min(const Array& a, const AxisArg& axis, bool keepdims) {
  auto axes = reduce_axes(a, axis, "min");
  check_nonempty(a, axes, "min", "minimum");
  return reduce("reduce_min", a, axes, keepdims);
}

namespace {
Array arg_reduce(const char* name, const Array& a, std::optional<int64_t> axis, bool keepdims) {
  Array x = a;
  int64_t ax = 0;
  if (axis) {
    ax = normalize_axis(*axis, std::max(a.ndim(), 1), name);
    if (a.ndim() == 0) x = reshape(a, {1});
  } else {
    x = reshape(a, {a.size()});
  }
  if (x.shape()[ax] == 0)
    throw ValueError(std::string(name) + ": attempt to get " + name + " of an empty sequence");
  static const Primitive& pmax = primitive("argmax");
  static const Primitive& pmin = primitive("argmin");
  Array r = bind1(std::string(name) == "argmax" ? pmax : pmin, {x},
                  Params{{"axis", ax}, {"index_dtype", DType::Int64}});
  if (!keepdims) return r;
  if (!axis) return reshape(r, Shape(a.ndim(), 1));
  Shape s = a.shape();
  if (!s.empty()) s[ax] = 1;
  return reshape(r, s);
}

Array scan(const char* name, const char* prim, const Array& a, std::optional<int64_t> axis,
           std::optional<DType> dtype) {
  Array x = convert(a, dtype ? *dtype : sum_dtype(a.dtype()));
  int64_t ax = 0;
  if (axis) {
    ax = normalize_axis(*axis, std::max(a.ndim(), 1), name);
    if (a.ndim() == 0) x = reshape(x, {1});
  } else {
    x = reshape(x, {x.size()});
  }
  return bind1(primitive(prim), {x}, Params{{"axis", ax}, {"reverse", false}});
}
}  // namespace

Array argmax(const Array& a, std::optional<int64_t> axis, bool keepdims) {
  return arg_reduce("argmax", a, axis, keepdims);
}

Array argmin(const Array& a, std::optional<int64_t> axis, bool keepdims) {
  return arg_reduce("argmin", a, axis, keepdims);
}

Array all(const Array& a, const AxisArg& axis, bool keepdims) {
  auto axes = reduce_axes(a, axis, "all");
  return reduce("reduce_and", convert(a, DType::Bool), axes, keepdims);
}

Array any(const Array& a, const AxisArg& axis, bool keepdims) {
  auto axes = reduce_axes(a, axis, "any");
  return reduce("reduce_or", convert(a, DType::Bool), axes, keepdims);
}

Array cumsum(const Array& a, std::optional<int64_t> axis, std::optional<DType> dtype) {
  return scan("cumsum", "cumsum", a, axis, dtype);
}

Array cumprod(const Array& a, std::optional<int64_t> axis, std::optional<DType> dtype) {
  return scan("cumprod", "cumprod", a, axis, dtype);
}

Array matmul(const Array& a0, const Array& b0) {
  for (int i = 0; i < 2; ++i)
    if ((i == 0 ? a0 : b0).ndim() == 0)
      throw ValueError("matmul: Input operand " + std::to_string(i) +
                       " does not have enough dimensions (has 0, gufunc core with signature "
                       "(n?,k),(k,m?)->(n?,m?) requires 1)");
  const DType dt = result_type({Operand(a0), Operand(b0)});
  const bool a1 = a0.ndim() == 1, b1 = b0.ndim() == 1;
  Array a = convert(a0, dt), b = convert(b0, dt);
  if (a1) a = reshape(a, {1, a.shape()[0]});
  if (b1) b = reshape(b, {b.shape()[0], 1});
  const int64_t k = a.shape().back(), kb = b.shape()[b.ndim() - 2];
  if (k != kb)
    throw ValueError(
        "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
        "(n?,k),(k,m?)->(n?,m?) (size " +
        std::to_string(kb) + " is different from " + std::to_string(k) + ")");
  Array r;
  if (b.ndim() == 2) {
    // No batch dims on b: one product over all of a's leading dims.
    r = dot_general(a, b, {a.ndim() - 1}, {0});
  } else {
    const Shape ab(a.shape().begin(), a.shape().end() - 2),
        bb(b.shape().begin(), b.shape().end() - 2);
    Shape batch;
    try {
      batch = broadcast_shapes("matmul", {ab, bb});
    } catch (const ValueError&) {
      auto remapped = [](const Shape& full, const Shape& bt) {
        std::string r = np_shape(full) + "->(";
        for (auto d : bt) r += std::to_string(d) + ",";
        return r + "newaxis,newaxis)";
      };
      throw ValueError(
          "matmul: operands could not be broadcast together with remapped shapes "
          "[original->remapped]: " +
          remapped(a0.shape(), ab) + " " + remapped(b0.shape(), bb) + "  and requested shape " +
          np_shape({a.shape()[a.ndim() - 2], b.shape().back()}));
    }
    Shape as = batch, bs = batch;
    as.insert(as.end(), a.shape().end() - 2, a.shape().end());
    bs.insert(bs.end(), b.shape().end() - 2, b.shape().end());
    a = broadcast_to(a, as, "matmul");
    b = broadcast_to(b, bs, "matmul");
    const int64_t nb = static_cast<int64_t>(batch.size());
    std::vector<int64_t> bd(nb);
    for (int64_t i = 0; i < nb; ++i) bd[i] = i;
    r = dot_general(a, b, {nb + 1}, {nb}, bd, bd);
  }
  if (a1 || b1) {
    Shape s = r.shape();
    if (b1) s.erase(s.end() - 1);
    if (a1) s.erase(s.end() - 1 - (b1 ? 0 : 1));
    r = reshape(r, s);
  }
  return r;
}

Array dot(const Array& a0, const Array& b0) {
  const DType dt = result_type({Operand(a0), Operand(b0)});
  Array a = convert(a0, dt), b = convert(b0, dt);
  if (a.ndim() == 0 || b.ndim() == 0) {
    Shape s = broadcast_shapes("dot", {a.shape(), b.shape()});
    return bind_named("mul", {broadcast_to(a, s), broadcast_to(b, s)});
  }
  const int64_t ad = a.ndim() - 1, bd = b.ndim() == 1 ? 0 : b.ndim() - 2;
  if (a.shape()[ad] != b.shape()[bd])
    throw ValueError("dot: shapes " + np_shape(a.shape()) + " and " + np_shape(b.shape()) +
                     " not aligned: " + std::to_string(a.shape()[ad]) + " (dim " +
                     std::to_string(ad) + ") != " + std::to_string(b.shape()[bd]) + " (dim " +
                     std::to_string(bd) + ")");
  return dot_general(a, b, {ad}, {bd});
}

}  // namespace arrax::np
