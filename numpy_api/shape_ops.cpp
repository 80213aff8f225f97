#include "numpy_api/shape_ops.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <numeric>

#include "numpy_api/ufuncs.h"

namespace arrax::np {
namespace {

std::string prefixed(const char* fname, const std::string& msg) {
  return std::string(fname) + ": " + msg;
}

// NumPy's order argument: 'C', 'F', 'A' or 'K', case-insensitive.
char parse_order(const std::string& order, const char* fname) {
  if (order.size() == 1) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(order[0])));
    if (c == 'C' || c == 'F' || c == 'A' || c == 'K') return c;
  }
  throw ValueError(
      prefixed(fname, "order must be one of 'C', 'F', 'A', or 'K' (got '" + order + "')"));
}

// How NumPy prints a requested shape in reshape errors: no spaces, unknown dims as "newaxis",
// leading unknown dims dropped.
std::string reshape_shape_str(const std::vector<int64_t>& s) {
  size_t i = 0;
  while (i < s.size() && s[i] < 0) ++i;
  if (i == s.size()) return "()";
  std::string r = std::to_string(s[i++]);
  for (; i < s.size(); ++i) r += s[i] < 0 ? ",newaxis" : "," + std::to_string(s[i]);
  return s.size() == 1 ? "(" + r + ",)" : "(" + r + ")";
}

// Resolves the one unknown (negative) dimension, as NumPy's _fix_unknown_dimension.
Shape fix_unknown_dimension(const std::vector<int64_t>& req, int64_t size) {
  int unknown = -1;
  int64_t known = 1;
  for (size_t i = 0; i < req.size(); ++i) {
    if (req[i] < 0) {
      if (unknown >= 0) throw ValueError("reshape: can only specify one unknown dimension");
      unknown = static_cast<int>(i);
    } else if (__builtin_mul_overflow(known, req[i], &known)) {
      // (a product that wrapped around could match the size: NumPy refuses it as well)
      throw ValueError("reshape: Maximum allowed size exceeded for shape " +
                       reshape_shape_str(req));
    }
  }
  auto mismatch = [&] {
    return ValueError("reshape: cannot reshape array of size " + std::to_string(size) +
                      " into shape " + reshape_shape_str(req));
  };
  Shape shape(req.begin(), req.end());
  if (unknown >= 0) {
    if (known == 0 || size % known != 0) throw mismatch();
    shape[unknown] = size / known;
  } else if (known != size) {
    throw mismatch();
  }
  return shape;
}

std::vector<int64_t> reversed_axes(int64_t n) {
  std::vector<int64_t> perm(n);
  for (int64_t i = 0; i < n; ++i) perm[i] = n - 1 - i;
  return perm;
}

// Reshape reading and writing elements in Fortran order: transpose, C-reshape to the reversed
// shape, transpose back.
Array reshape_f(const Array& x, const Shape& shape) {
  Shape rev(shape.rbegin(), shape.rend());
  Array t = reshape(transpose(x, reversed_axes(x.ndim())), rev);
  return transpose(t, reversed_axes(static_cast<int64_t>(shape.size())));
}

bool f_not_c(const Array& x) {
  return x.is_f_contiguous() && !x.is_c_contiguous();
}

bool shares_buffer(const Array& a, const Array& b) {
  return a.valid() && b.valid() && a.buffer() == b.buffer();
}

// Inserts size-1 dimensions at the (normalised, sorted) output positions `axes`.
Array insert_unit_dims(const Array& x, const std::vector<int64_t>& axes) {
  const int64_t out_nd = x.ndim() + static_cast<int64_t>(axes.size());
  Shape shape;
  size_t k = 0, j = 0;
  for (int64_t d = 0; d < out_nd; ++d) {
    if (k < axes.size() && axes[k] == d) {
      shape.push_back(1);
      ++k;
    } else {
      shape.push_back(x.shape()[j++]);
    }
  }
  return reshape(x, shape);
}

// Normalises each axis (AxisError names `what`) and rejects repeats with `repeat_msg`.
std::vector<int64_t> normalize_axis_tuple(const std::vector<int64_t>& axes, int64_t ndim,
                                          const std::string& what, const std::string& repeat_msg) {
  std::vector<int64_t> out;
  for (auto a : axes) out.push_back(normalize_axis(a, ndim, what.c_str()));
  std::vector<int64_t> sorted = out;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw ValueError(repeat_msg);
  return out;
}

std::string cast_error(DType from, DType to, const std::string& casting) {
  return std::string("Cannot cast array data from dtype('") + dtype_name(from) + "') to dtype('" +
         dtype_name(to) + "') according to the rule '" + casting + "'";
}

Array concat_impl(const std::vector<Array>& xs, std::optional<int64_t> axis,
                  std::optional<DType> dtype, const std::string& casting, const char* fname) {
  if (xs.empty()) throw ValueError(prefixed(fname, "need at least one array to concatenate"));
  std::vector<Array> in;
  in.reserve(xs.size());
  int64_t ax = 0;
  if (!axis) {
    for (auto& x : xs) in.push_back(reshape(x, {x.size()}));
  } else {
    in = xs;
    const int64_t nd = in[0].ndim();
    if (nd == 0)
      throw ValueError(prefixed(fname, "zero-dimensional arrays cannot be concatenated"));
    ax = normalize_axis(*axis, nd, fname);
    for (size_t i = 1; i < in.size(); ++i) {
      if (in[i].ndim() != nd)
        throw ValueError(prefixed(
            fname,
            "all the input arrays must have same number of dimensions, but the array "
            "at index 0 has " +
                std::to_string(nd) + " dimension(s) and the array at index " + std::to_string(i) +
                " has " + std::to_string(in[i].ndim()) + " dimension(s)"));
      for (int64_t d = 0; d < nd; ++d)
        if (d != ax && in[i].shape()[d] != in[0].shape()[d])
          throw ValueError(prefixed(fname,
                                    "all the input array dimensions except for the concatenation "
                                    "axis must match exactly, but "
                                    "along dimension " +
                                        std::to_string(d) + ", the array at index 0 has size " +
                                        std::to_string(in[0].shape()[d]) +
                                        " and the array at index " + std::to_string(i) +
                                        " has size " + std::to_string(in[i].shape()[d])));
    }
  }
  DType dt;
  if (dtype) {
    dt = *dtype;
  } else {
    std::vector<Operand> ops(in.begin(), in.end());
    dt = result_type(ops);
  }
  // Every input is cast to the result under `casting`, the promoted dtype too (casting="no"
  // refuses float32 joined with float64, as NumPy does).
  for (auto& x : in)
    if (!can_cast(x.dtype(), dt, casting))
      throw TypeError(prefixed(fname, cast_error(x.dtype(), dt, casting)));
  for (auto& x : in) x = convert(x, dt);
  static const Primitive& p = primitive("concatenate");
  return bind1(p, in, Params{{"dimension", ax}});
}

// Whether a weak Python int lies at or beyond the low (or high) end of integer dtype dt.
bool weak_int_beyond(const Operand& op, DType dt, bool low) {
  // Weak scalars are concrete host 0-d arrays (int64, or uint64 for ints above int64's range),
  // or weak traced values, whose value is not known.
  if (op.array.is_tracer()) return false;
  if (is_big_int(op)) return (*op.array.data_as<double>() < 0) == low;
  const bool big = op.array.dtype() == DType::UInt64;
  const int64_t v = big ? 0 : *op.array.data_as<int64_t>();
  const uint64_t uv = big ? *op.array.data_as<uint64_t>() : 0;
  return dispatch_dtype(dt, [&](auto tag) -> bool {
    using T = decltype(tag);
    if constexpr (is_int_v<T>) {
      if (low) return !big && v <= static_cast<int64_t>(std::numeric_limits<T>::min());
      const uint64_t hi = static_cast<uint64_t>(std::numeric_limits<T>::max());
      return big ? uv >= hi : (v >= 0 && static_cast<uint64_t>(v) >= hi);
    }
    return false;
  });
}

}  // namespace

Array reshape_np(const Array& x, const std::vector<int64_t>& shape, const std::string& order,
                 std::optional<bool> copy) {
  char o = parse_order(order, "reshape");
  if (o == 'K') throw ValueError("reshape: order 'K' is not permitted for reshaping");
  Shape s = fix_unknown_dimension(shape, x.size());
  const bool fortran = o == 'F' || (o == 'A' && f_not_c(x));
  Array r = fortran ? reshape_f(x, s) : reshape(x, s);
  if (copy && *copy && shares_buffer(r, x)) return np::copy(r);
  if (copy && !*copy && x.size() > 0 && !shares_buffer(r, x))
    throw ValueError("reshape: Unable to avoid creating a copy while reshaping.");
  return r;
}

Array transpose_np(const Array& x, const std::optional<std::vector<int64_t>>& axes) {
  const int64_t nd = x.ndim();
  if (!axes) return transpose(x, reversed_axes(nd));
  if (static_cast<int64_t>(axes->size()) != nd)
    throw ValueError("transpose: axes don't match array");
  auto perm = normalize_axis_tuple(*axes, nd, "transpose", "transpose: repeated axis in transpose");
  return transpose(x, perm);
}

Array swapaxes(const Array& x, int64_t axis1, int64_t axis2) {
  const int64_t nd = x.ndim();
  int64_t a = normalize_axis(axis1, nd, "swapaxes: axis1");
  int64_t b = normalize_axis(axis2, nd, "swapaxes: axis2");
  std::vector<int64_t> perm(nd);
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[a], perm[b]);
  return transpose(x, perm);
}

Array moveaxis(const Array& x, const std::vector<int64_t>& source,
               const std::vector<int64_t>& destination) {
  const int64_t nd = x.ndim();
  auto src = normalize_axis_tuple(source, nd, "moveaxis: source",
                                  "moveaxis: repeated axis in `source` argument");
  auto dst = normalize_axis_tuple(destination, nd, "moveaxis: destination",
                                  "moveaxis: repeated axis in `destination` argument");
  if (src.size() != dst.size())
    throw ValueError(
        "moveaxis: `source` and `destination` arguments must have the same number of elements");
  std::vector<int64_t> order;
  for (int64_t d = 0; d < nd; ++d)
    if (std::find(src.begin(), src.end(), d) == src.end()) order.push_back(d);
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (size_t i = 0; i < src.size(); ++i) pairs.push_back({dst[i], src[i]});
  std::sort(pairs.begin(), pairs.end());
  for (auto& [d, s] : pairs) order.insert(order.begin() + d, s);
  return transpose(x, order);
}

Array moveaxis(const Array& x, int64_t source, int64_t destination) {
  return moveaxis(x, std::vector<int64_t>{source}, std::vector<int64_t>{destination});
}

Array squeeze(const Array& x, const std::optional<std::vector<int64_t>>& axes) {
  Shape shape;
  if (!axes) {
    for (auto n : x.shape())
      if (n != 1) shape.push_back(n);
    return reshape(x, shape);
  }
  auto ax = normalize_axis_tuple(*axes, x.ndim(), "squeeze", "squeeze: duplicate value in 'axis'");
  for (auto a : ax)
    if (x.shape()[a] != 1)
      throw ValueError(
          "squeeze: cannot select an axis to squeeze out which has size not equal to one");
  for (int64_t d = 0; d < x.ndim(); ++d)
    if (std::find(ax.begin(), ax.end(), d) == ax.end()) shape.push_back(x.shape()[d]);
  return reshape(x, shape);
}

Array expand_dims(const Array& x, const std::vector<int64_t>& axes) {
  const int64_t out_nd = x.ndim() + static_cast<int64_t>(axes.size());
  return insert_unit_dims(x, normalize_axes(axes, out_nd, "expand_dims"));
}

Array expand_dims(const Array& x, int64_t axis) {
  return expand_dims(x, std::vector<int64_t>{axis});
}

Array ravel(const Array& x, const std::string& order) {
  char o = parse_order(order, "ravel");
  const Shape flat{x.size()};
  if (o == 'A') o = f_not_c(x) ? 'F' : 'C';
  if (o == 'K') {
    if (x.is_c_contiguous()) {
      o = 'C';
    } else if (x.is_f_contiguous()) {
      o = 'F';
    } else {
      // Memory order: axes sorted by decreasing |stride|; a view when that walk is contiguous.
      std::vector<int64_t> perm(x.ndim());
      std::iota(perm.begin(), perm.end(), 0);
      std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
        return std::llabs(x.strides()[a]) > std::llabs(x.strides()[b]);
      });
      Array t = transpose(x, perm);
      return reshape(t.is_c_contiguous() ? t : np::copy(t), flat);
    }
  }
  if (o == 'F') {
    Array t = transpose(x, reversed_axes(x.ndim()));
    return reshape(t.is_c_contiguous() ? t : np::copy(t), flat);
  }
  return reshape(x.is_c_contiguous() ? x : np::copy(x), flat);
}

Array flatten(const Array& x, const std::string& order) {
  Array r = ravel(x, order);
  return shares_buffer(r, x) ? np::copy(r) : r;
}

Array broadcast_to_np(const Array& x, const Shape& shape) {
  for (auto n : shape)
    if (n < 0)
      throw ValueError("broadcast_to: all elements of broadcast shape must be non-negative");
  return broadcast_to(x, shape, "broadcast_to");
}

std::vector<Array> broadcast_arrays(const std::vector<Array>& xs) {
  std::vector<Shape> shapes;
  for (auto& x : xs) shapes.push_back(x.shape());
  Shape shape = broadcast_shapes("broadcast_arrays", shapes);
  std::vector<Array> out;
  for (auto& x : xs) out.push_back(broadcast_to(x, shape, "broadcast_arrays"));
  return out;
}

Array concatenate(const std::vector<Array>& xs, std::optional<int64_t> axis,
                  std::optional<DType> dtype, const std::string& casting) {
  return concat_impl(xs, axis, dtype, casting, "concatenate");
}

Array stack(const std::vector<Array>& xs, int64_t axis, std::optional<DType> dtype,
            const std::string& casting) {
  if (xs.empty()) throw ValueError("stack: need at least one array to stack");
  for (auto& x : xs)
    if (x.shape() != xs[0].shape())
      throw ValueError("stack: all input arrays must have the same shape");
  const int64_t ax = normalize_axis(axis, xs[0].ndim() + 1, "stack");
  std::vector<Array> expanded;
  for (auto& x : xs) expanded.push_back(insert_unit_dims(x, {ax}));
  return concat_impl(expanded, ax, dtype, casting, "stack");
}

Array hstack(const std::vector<Array>& xs, std::optional<DType> dtype, const std::string& casting) {
  std::vector<Array> arrs;
  for (auto& x : xs) arrs.push_back(atleast_1d(x));
  int64_t axis = !arrs.empty() && arrs[0].ndim() == 1 ? 0 : 1;
  return concat_impl(arrs, axis, dtype, casting, "hstack");
}

Array vstack(const std::vector<Array>& xs, std::optional<DType> dtype, const std::string& casting) {
  std::vector<Array> arrs;
  for (auto& x : xs) arrs.push_back(atleast_2d(x));
  return concat_impl(arrs, 0, dtype, casting, "vstack");
}

Array dstack(const std::vector<Array>& xs) {
  std::vector<Array> arrs;
  for (auto& x : xs) arrs.push_back(atleast_3d(x));
  return concat_impl(arrs, 2, std::nullopt, "same_kind", "dstack");
}

Array atleast_1d(const Array& x) {
  return x.ndim() == 0 ? reshape(x, {1}) : x;
}

Array atleast_2d(const Array& x) {
  if (x.ndim() == 0) return reshape(x, {1, 1});
  if (x.ndim() == 1) return reshape(x, {1, x.shape()[0]});
  return x;
}

Array atleast_3d(const Array& x) {
  if (x.ndim() == 0) return reshape(x, {1, 1, 1});
  if (x.ndim() == 1) return reshape(x, {1, x.shape()[0], 1});
  if (x.ndim() == 2) return reshape(x, {x.shape()[0], x.shape()[1], 1});
  return x;
}

Array clip(const Array& x, const std::optional<Operand>& lo_in,
           const std::optional<Operand>& hi_in) {
  std::optional<Operand> lo = lo_in, hi = hi_in;
  if (is_integer(x.dtype())) {
    if (lo && lo->weak == WeakKind::Int && weak_int_beyond(*lo, x.dtype(), true)) lo.reset();
    if (hi && hi->weak == WeakKind::Int && weak_int_beyond(*hi, x.dtype(), false)) hi.reset();
  }
  const Operand xo(x);
  if (!lo && !hi) return ufunc1("positive", x);
  if (!lo) return ufunc2("minimum", xo, *hi);
  if (!hi) return ufunc2("maximum", xo, *lo);
  // numpy.clip is one ufunc: its loop dtype comes from all three operands together.
  const DType dt = result_type({xo, *lo, *hi});
  Array m = apply_ufunc(ufunc("maximum"), {xo, *lo}, dt)[0];
  return apply_ufunc(ufunc("minimum"), {Operand(m), *hi}, dt)[0];
}

Array astype(const Array& x, DType dtype, bool copy, const std::string& casting) {
  if (!can_cast(x.dtype(), dtype, casting))
    throw TypeError("astype: " + cast_error(x.dtype(), dtype, casting));
  if (x.dtype() == dtype) return copy ? np::copy(x) : x;
  return convert(x, dtype);
}

}  // namespace arrax::np
