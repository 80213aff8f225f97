#include "numpy_api/creation.h"
#include "device.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "numpy_api/shape_ops.h"
#include "numpy_api/ufuncs.h"

namespace arrax::np {
namespace {

void check_shape(const Shape& shape, const char* fname) {
  for (auto n : shape)
    if (n < 0) throw ValueError(std::string(fname) + ": negative dimensions are not allowed");
}

// iota(dtype, shape, dimension): the index along `dimension`, as dtype. Complex dtypes go
// through their real dtype.
Array iota(DType dt, const Shape& shape, int64_t dim) {
  if (is_complex(dt)) return convert(iota(real_dtype(dt), shape, dim), dt);
  static const Primitive& p = primitive("iota");
  return bind1(p, {}, Params{{"dtype", dt}, {"shape", shape}, {"dimension", dim}});
}

// x[b:e] along axis 0.
Array slice0(const Array& x, int64_t b, int64_t e) {
  std::vector<int64_t> start(x.ndim(), 0), limit(x.shape()), strides(x.ndim(), 1);
  start[0] = b;
  limit[0] = e;
  static const Primitive& p = primitive("slice");
  return bind1(p, {x},
               Params{{"start_indices", start}, {"limit_indices", limit}, {"strides", strides}});
}

Array concat0(const std::vector<Array>& xs) {
  static const Primitive& p = primitive("concatenate");
  return bind1(p, xs, Params{{"dimension", int64_t{0}}});
}

Array all_axes_or(const Array& x) {
  std::vector<int64_t> axes(x.ndim());
  for (int i = 0; i < x.ndim(); ++i) axes[i] = i;
  if (axes.empty()) return x;
  static const Primitive& p = primitive("reduce_or");
  return bind1(p, {x}, Params{{"axes", axes}});
}

// A scalar argument of arange, read as Python sees it: kind 0 int, 1 float, 2 complex.
struct PyNum {
  int kind = 0;
  __int128 i = 0;  // kind 0
  complex128 c;    // every kind
};

PyNum py_int(int64_t v) {
  return PyNum{0, v, complex128(static_cast<double>(v), 0.0)};
}

PyNum read_scalar(const Operand& op) {
  const Array& a = op.array;
  if (a.ndim() != 0)
    throw TypeError("arange: only 0-dimensional arrays can be converted to Python scalars");
  const DType dt = a.dtype();
  PyNum n;
  n.kind = is_complex(dt) ? 2 : is_floating(dt) ? 1 : 0;
  if (!a.is_tracer() && a.buffer() && a.device().kind == DeviceKind::CPU) {
    // A concrete value in the CPU's memory, read in place (three conversions took ~2 us of
    // arange(10)'s 2.7; NumPy's whole call takes 0.7).
    dispatch_dtype(dt, [&](auto tag) {
      using T = decltype(tag);
      T v;
      std::memcpy(&v, a.data(), sizeof v);
      if constexpr (std::is_same_v<T, complex64> || std::is_same_v<T, complex128>)
        n.c = complex128(static_cast<double>(v.real()), static_cast<double>(v.imag()));
      else if constexpr (std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>)
        n.c = complex128(static_cast<double>(static_cast<float>(v)), 0.0);
      else
        n.c = complex128(static_cast<double>(v), 0.0);
      if constexpr (std::is_integral_v<T>) n.i = static_cast<__int128>(v);
    });
    return n;
  }
  // arange needs concrete arguments: read them through a conversion to a known dtype.
  n.c = *to_host(convert(a, DType::Complex128)).data_as<complex128>();
  if (n.kind == 0) {
    if (dt == DType::UInt64)
      n.i = *to_host(convert(a, DType::UInt64)).data_as<uint64_t>();
    else
      n.i = *to_host(convert(a, DType::Int64)).data_as<int64_t>();
  }
  return n;
}

PyNum py_add(const PyNum& a, const PyNum& b) {
  PyNum r;
  r.kind = std::max(a.kind, b.kind);
  r.i = a.i + b.i;
  r.c = r.kind == 0 ? complex128(static_cast<double>(r.i), 0.0) : a.c + b.c;
  return r;
}

Operand to_operand(const PyNum& n) {
  if (n.kind == 2) return scalar_operand(n.c);
  if (n.kind == 1) return scalar_operand(n.c.real());
  if (n.i > static_cast<__int128>(std::numeric_limits<int64_t>::max()))
    return scalar_operand(static_cast<uint64_t>(n.i));
  return scalar_operand(static_cast<int64_t>(n.i));
}

// NumPy's _arange_safe_ceil_to_intp.
int64_t safe_ceil(double v) {
  double c = std::ceil(v);
  if (std::isnan(c)) throw ValueError("arange: cannot compute length");
  if (!(c >= -9.2233720368547758e18 && c < 9.2233720368547758e18))
    throw ValueError("arange: Maximum allowed size exceeded");
  return static_cast<int64_t>(c);
}

// ceil((stop - start) / step) as Python computes it for these kinds.
int64_t arange_length(const PyNum& start, const PyNum& stop, const PyNum& step) {
  const int kind = std::max({start.kind, stop.kind, step.kind});
  const bool zero = step.kind == 0 ? step.i == 0 : step.c == complex128(0.0, 0.0);
  if (zero)
    throw ZeroDivisionError(kind == 2   ? "arange: complex division by zero"
                            : kind == 1 ? "arange: float division by zero"
                                        : "arange: division by zero");
  if (kind == 0) {
    __int128 d = stop.i - start.i, s = step.i;
    __int128 q = d / s;
    if (d % s != 0 && ((d > 0) == (s > 0))) ++q;
    if (q > static_cast<__int128>(std::numeric_limits<int64_t>::max()))
      throw ValueError("arange: Maximum allowed size exceeded");
    return q < 0 ? 0 : static_cast<int64_t>(q);
  }
  if (kind == 1) {
    // Python subtracts ints exactly before dividing.
    double diff = start.kind == 0 && stop.kind == 0 ? static_cast<double>(stop.i - start.i)
                                                    : stop.c.real() - start.c.real();
    const double q = diff / step.c.real();
    // A quotient that underflowed to zero (a step of inf, or far larger than the range) still
    // holds the start when it points the right way, as NumPy's arange.
    if (q == 0.0 && diff != 0.0) return std::signbit(q) ? 0 : 1;
    return std::max<int64_t>(safe_ceil(q), 0);
  }
  complex128 q = (stop.c - start.c) / step.c;
  return std::max<int64_t>(std::min(safe_ceil(q.real()), safe_ceil(q.imag())), 0);
}

}  // namespace

Array full(const Shape& shape, const Operand& fill_value, std::optional<DType> dtype) {
  check_shape(shape, "full");
  const DType dt = dtype ? *dtype : result_type({fill_value});
  Array v = cast_operand(fill_value, dt, "full");
  // On the current device (a Python scalar's array is a host one), so the copy runs there.
  if (!v.is_tracer()) v = to_device(v, current_device());
  // numpy.copyto's broadcasting rule, with its message.
  bool ok = v.ndim() <= static_cast<int>(shape.size());
  for (int i = 0; ok && i < v.ndim(); ++i) {
    int64_t n = v.shape()[i], m = shape[shape.size() - v.ndim() + i];
    ok = n == m || n == 1;
  }
  if (!ok)
    throw ValueError("full: could not broadcast input array from shape " + shape_str(v.shape()) +
                     " into shape " + shape_str(shape));
  return copy(broadcast_to(v, shape, "full"));
}

Array zeros(const Shape& shape, DType dtype) {
  check_shape(shape, "zeros");
  // Eagerly a zero-filled allocation (free for large arrays: the kernel zeroes pages lazily).
  return Array::empty(shape, dtype, current_device(), /*zeroed=*/true);
}
Array ones(const Shape& shape, DType dtype) {
  return full(shape, scalar_operand(int64_t{1}), dtype);
}
Array empty(const Shape& shape, DType dtype) {
  check_shape(shape, "empty");
  return Array::empty(shape, dtype, current_device());  // uninitialised, as numpy.empty
}

namespace {
// The device of a (its concrete value's, for a differentiation tracer): *_like arrays are made
// there.
Device device_of(const Array& a) {
  Array c;
  if (a.is_tracer()) return a.tracer()->concrete_value(c) ? c.device() : current_device();
  return a.buffer() ? a.device() : current_device();
}
}  // namespace

Array full_like(const Array& a, const Operand& fill_value, std::optional<DType> dtype,
                const std::optional<Shape>& shape) {
  DeviceScope on(device_of(a));
  return full(shape.value_or(a.shape()), fill_value, dtype.value_or(a.dtype()));
}
Array zeros_like(const Array& a, std::optional<DType> dtype, const std::optional<Shape>& shape) {
  DeviceScope on(device_of(a));
  return zeros(shape.value_or(a.shape()), dtype.value_or(a.dtype()));
}
Array ones_like(const Array& a, std::optional<DType> dtype, const std::optional<Shape>& shape) {
  DeviceScope on(device_of(a));
  return ones(shape.value_or(a.shape()), dtype.value_or(a.dtype()));
}
Array empty_like(const Array& a, std::optional<DType> dtype, const std::optional<Shape>& shape) {
  DeviceScope on(device_of(a));
  return empty(shape.value_or(a.shape()), dtype.value_or(a.dtype()));
}

Array arange(const Operand& start_in, const std::optional<Operand>& stop_in,
             const std::optional<Operand>& step_in, std::optional<DType> dtype) {
  const PyNum start = stop_in ? read_scalar(start_in) : py_int(0);
  const PyNum stop = stop_in ? read_scalar(*stop_in) : read_scalar(start_in);
  const PyNum step = step_in ? read_scalar(*step_in) : py_int(1);
  const int kind = std::max({start.kind, stop.kind, step.kind});
  const DType dt = dtype       ? *dtype
                   : kind == 2 ? DType::Complex128
                   : kind == 1 ? DType::Float64
                               : DType::Int64;
  const int64_t len = arange_length(start, stop, step);
  if (dt == DType::Bool && len > 2)
    throw TypeError(
        "arange: arange() is only supported for booleans when the result has at most length 2.");
  if (len > std::numeric_limits<int64_t>::max() / static_cast<int64_t>(itemsize(dt)))
    throw ValueError("arange: Maximum allowed size exceeded");
  if (len == 0) return zeros({0}, dt);
  if (is_integer(dt) && start.kind == 0 && step.kind == 0 &&
      current_device().kind == DeviceKind::CPU) {
    // Integers: the values written directly (NumPy's fill, start + i * step, wrapping in the
    // dtype). Composed of primitives, arange(16) took ~10 dispatches where NumPy takes 0.3 us.
    Array out = Array::empty({len}, dt);
    dispatch_dtype(dt, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        // (NumPy converts the first two values: one out of the dtype's range is its error)
        const PyNum second = py_add(start, step);
        for (const PyNum* v : {&start, &second})
          if ((v == &start || len > 1) &&
              (v->i < std::numeric_limits<T>::min() || v->i > std::numeric_limits<T>::max()))
            cast_operand(to_operand(*v), dt, "arange");
        using U = std::make_unsigned_t<T>;
        const U first = static_cast<U>(static_cast<T>(start.i));
        const U delta = static_cast<U>(static_cast<T>(start.i + step.i)) - first;
        T* o = out.data_as<T>();
        for (int64_t k = 0; k < len; ++k) o[k] = static_cast<T>(first + static_cast<U>(k) * delta);
      }
    });
    return out;
  }
  if ((dt == DType::Float64 || dt == DType::Float32) && start.kind < 2 && step.kind < 2 &&
      current_device().kind == DeviceKind::CPU) {
    // Real floats: NumPy's fill written directly (below, composed of primitives, arange(0.5,
    // 3, 0.25) took ~9 us where NumPy takes 1). A value past float32's range is the general
    // path's (its cast warns as NumPy's does).
    const double first = start.c.real(), second = py_add(start, step).c.real();
    const double limit = std::numeric_limits<float>::max();
    const bool fits =
        dt == DType::Float64 || (std::fabs(first) <= limit && std::fabs(second) <= limit);
    if (fits) {
      Array out = Array::empty({len}, dt);
      auto fill = [&](auto* o) {
        using T = std::remove_pointer_t<decltype(o)>;
        const T f = static_cast<T>(first), s = static_cast<T>(second), delta = s - f;
        o[0] = f;
        if (len > 1) o[1] = s;
        for (int64_t k = 2; k < len; ++k) {
          // (the product rounded before the add, as NumPy's loop does: never one FMA)
#if defined(__x86_64__)
          T step_k = static_cast<T>(k) * delta;
          asm("" : "+x"(step_k));
#else
          volatile T step_k = static_cast<T>(k) * delta;
#endif
          o[k] = f + step_k;
        }
      };
      if (dt == DType::Float64)
        fill(out.data_as<double>());
      else
        fill(out.data_as<float>());
      return out;
    }
  }
  Array first = cast_operand(to_operand(start), dt, "arange");
  if (len == 1) return copy(reshape(first, {1}));
  Array second = cast_operand(to_operand(py_add(start, step)), dt, "arange");
  std::vector<Array> parts{reshape(first, {1}), reshape(second, {1})};
  if (len > 2) {
    // NumPy's fill: out[i] = out[0] + i * (out[1] - out[0]), in dtype (halves in float32).
    const DType c = dt == DType::Float16 || dt == DType::BFloat16 ? DType::Float32 : dt;
    Array f = convert(first, c), s = convert(second, c);
    Array delta = apply_ufunc(ufunc("subtract"), {s, f}, c)[0];
    Array i = slice0(iota(c, {len}, 0), 2, len);
    Array step_i = apply_ufunc(ufunc("multiply"), {i, delta}, c)[0];
    parts.push_back(convert(apply_ufunc(ufunc("add"), {f, step_i}, c)[0], dt));
  }
  return concat0(parts);
}

std::pair<Array, Array> linspace_with_step(const Operand& start, const Operand& stop, int64_t num,
                                           bool endpoint, std::optional<DType> dtype,
                                           int64_t axis) {
  if (num < 0)
    throw ValueError("linspace: Number of samples, " + std::to_string(num) +
                     ", must be non-negative.");
  const int64_t div = endpoint ? num - 1 : num;
  DType dt = result_type({start, stop});
  if (!is_inexact(dt)) dt = promote_with_weak(dt, WeakKind::Float);
  Array delta = apply_ufunc(ufunc("subtract"), {stop, start}, dt)[0];
  const Shape& dshape = delta.shape();
  Shape yshape{num};
  yshape.insert(yshape.end(), dshape.size(), 1);
  Array y = reshape(iota(dt, {num}, 0), yshape);
  Array step;
  if (div > 0) {
    const Operand divisor = scalar_operand(div);
    step = ufunc2("divide", delta, divisor);
    // NumPy divides first when any step underflows to zero (denormal deltas, gh-5437).
    Array any_zero = all_axes_or(ufunc2("equal", step, scalar_operand(int64_t{0})));
    Array scaled_first = ufunc2("multiply", ufunc2("divide", y, divisor), delta);
    Array by_step = ufunc2("multiply", y, step);
    y = where(any_zero, scaled_first, by_step);
  } else {
    step = cast_operand(scalar_operand(std::numeric_limits<double>::quiet_NaN()), DType::Float64,
                        "linspace");
    y = ufunc2("multiply", y, delta);
  }
  y = apply_ufunc(ufunc("add"), {y, start}, dt)[0];
  if (endpoint && num > 1) {
    Shape last_shape{1};
    last_shape.insert(last_shape.end(), dshape.begin(), dshape.end());
    Array last =
        reshape(broadcast_to(cast_operand(stop, dt, "linspace"), dshape, "linspace"), last_shape);
    y = concat0({slice0(y, 0, num - 1), last});
  }
  const int64_t ax = normalize_axis(axis, y.ndim(), "linspace");
  if (ax != 0) y = moveaxis(y, 0, ax);
  if (dtype && is_integer(*dtype)) y = ufunc1("floor", y);
  if (dtype) y = convert(y, *dtype);
  return {y, step};
}

Array linspace(const Operand& start, const Operand& stop, int64_t num, bool endpoint,
               std::optional<DType> dtype, int64_t axis) {
  return linspace_with_step(start, stop, num, endpoint, dtype, axis).first;
}

Array logspace(const Operand& start, const Operand& stop, int64_t num, bool endpoint,
               const std::optional<Operand>& base, std::optional<DType> dtype, int64_t axis) {
  Operand b = base ? *base : scalar_operand(10.0);
  Operand lo = start, hi = stop;
  if (b.array.ndim() > 0) {
    // A non-scalar base broadcasts with start/stop and gets the samples' axis inserted.
    const size_t nd =
        broadcast_shapes("logspace", {start.array.shape(), stop.array.shape(), b.array.shape()})
            .size();
    auto ndmin = [nd](const Operand& o) {
      Shape s(nd - o.array.ndim(), 1);
      s.insert(s.end(), o.array.shape().begin(), o.array.shape().end());
      return Operand(reshape(o.array, s));
    };
    lo = ndmin(start);
    hi = ndmin(stop);
    b = Operand(expand_dims(ndmin(b).array, axis));
  }
  Array y = linspace(lo, hi, num, endpoint, std::nullopt, axis);
  Array r = ufunc2("power", b, y);
  return dtype ? convert(r, *dtype) : r;
}

Array eye(int64_t n, std::optional<int64_t> m, int64_t k, DType dtype) {
  const Shape shape{n, m.value_or(n)};
  check_shape(shape, "eye");
  if (current_device().kind == DeviceKind::CPU) {
    // Zeros with ones written on the diagonal: the composition below took seven primitive
    // dispatches (about 10 us for eye(3), NumPy's 1 us). Operations without traced inputs run
    // now in every transformation, so the result is the same constant either way.
    Array out = Array::empty(shape, dtype, Device{}, /*zeroed=*/true);
    const Array one = cast_operand(scalar_operand(int64_t{1}), dtype, "eye");
    const size_t size = itemsize(dtype);
    const int64_t cols = shape[1];
    if (k > -n && k < cols)  // (else no diagonal inside the matrix; no i + k overflow)
      for (int64_t i = std::max<int64_t>(0, -k); i < n && i + k < cols; ++i)
        std::memcpy(out.data() + (i * cols + i + k) * size, one.data(), size);
    return out;
  }
  Array rows = iota(DType::Int64, shape, 0), cols = iota(DType::Int64, shape, 1);
  Array diag = ufunc2("equal", ufunc2("subtract", cols, rows), scalar_operand(k));
  Array one = cast_operand(scalar_operand(int64_t{1}), dtype, "eye");
  Array zero = cast_operand(scalar_operand(int64_t{0}), dtype, "eye");
  return where(diag, one, zero);
}

Array identity(int64_t n, DType dtype) {
  return eye(n, n, 0, dtype);
}

}  // namespace arrax::np
