// The ndarray type: attributes, operators, basic indexing, conversions to Python and NumPy.
// Operators run in C++ so that one eager op costs little more than the kernel.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

#include "args.h"
#include "convert.h"
#include "device.h"
#include "fp_errors.h"
#include "numpy_api/creation.h"
#include "numpy_api/indexing.h"
#include "numpy_api/shape_ops.h"
#include "numpy_api/ufuncs.h"
#include "overrides.h"
#include "py_held.h"

namespace arrax::bindings {

using namespace py_convert;
namespace {

py::tuple to_tuple(const std::vector<int64_t>& v) {
  py::tuple t(v.size());
  for (size_t i = 0; i < v.size(); ++i) t[i] = py::int_(v[i]);
  return t;
}

// A slice bound: Python's slice.indices clamps integers past the index range (a[:2**64] is
// all of a), so these are clamped to +-(2**63 - 1) instead of overflowing.
std::optional<int64_t> opt_index(py::handle h) {
  if (h.is_none()) return std::nullopt;
  PyObject* r = PyNumber_Index(h.ptr());
  if (!r) throw py::error_already_set();
  py::object i = py::reinterpret_steal<py::object>(r);
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (overflow) return overflow > 0 ? kMax : -kMax;
  return std::max<int64_t>(v, -kMax);
}

// Parses a basic index; returns false if the key needs advanced indexing.
bool parse_basic_index(py::handle key, std::vector<np::IndexItem>& items) {
  auto parse_one = [&items](py::handle k) -> bool {
    PyObject* p = k.ptr();
    if (PyBool_Check(p)) return false;  // boolean scalars are advanced indices in NumPy
    if (PyLong_Check(p)) {
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
      if (overflow)  // past int64: out of bounds of any axis, as NumPy says
        throw IndexError("index " + py::str(k).cast<std::string>() +
                         " is out of bounds: it does not fit in an index-sized integer");
      items.push_back(np::IndexItem::integer(v));
      return true;
    }
    if (PySlice_Check(p)) {
      auto* sl = reinterpret_cast<PySliceObject*>(p);
      py::handle start = sl->start, stop = sl->stop, step = sl->step;
      // A traced bound would make the result's size depend on a value (JAX's IndexError).
      for (py::handle b : {start, stop, step}) {
        if (b.is_none() || PyLong_CheckExact(b.ptr())) continue;
        Array concrete;
        if (py::isinstance<Array>(b) && b.cast<const Array&>().is_tracer() &&
            !b.cast<const Array&>().tracer()->concrete_value(concrete))
          throw IndexError(
              "index: array slice indices must be static (known when tracing) to be used with "
              "NumPy's indexing syntax; found a traced one in " +
              py::repr(k).cast<std::string>() +
              ". To take a statically sized piece at a dynamic position, use "
              "lax.dynamic_slice / lax.dynamic_update_slice");
      }
      items.push_back(np::IndexItem::slice(opt_index(start), opt_index(stop), opt_index(step)));
      return true;
    }
    if (p == Py_Ellipsis) {
      items.push_back(np::IndexItem::ellipsis());
      return true;
    }
    if (p == Py_None) {
      items.push_back(np::IndexItem::newaxis());
      return true;
    }
    if (py::isinstance<Array>(k)) {
      const Array& a = k.cast<const Array&>();
      Array concrete;
      // A traced integer scalar without a value (jit, vmap) is a dynamic index: a gather.
      if (a.is_tracer() && !a.tracer()->concrete_value(concrete)) return false;
      if (a.ndim() == 0 && is_integer(a.dtype())) {
        // (a uint64 value past int64: NumPy's OverflowError, not pybind11's cast error)
        items.push_back(np::IndexItem::integer(py_convert::index_value(k)));
        return true;
      }
      return false;
    }
    if (PyObject_HasAttrString(p, "__index__") && !py::isinstance<py::array>(k)) {
      items.push_back(np::IndexItem::integer(py_convert::index_value(k)));
      return true;
    }
    return false;
  };
  if (PyTuple_Check(key.ptr())) {
    for (auto k : key)
      if (!parse_one(k)) return false;
    return true;
  }
  return parse_one(key);
}

// Advanced indices (integer arrays, boolean masks) run eagerly through NumPy on a zero-copy
// view until the gather/scatter primitives cover them (issue #4).
py::object numpy_key(py::handle key) {
  if (PyTuple_Check(key.ptr())) {
    py::list out;
    for (auto k : key) out.append(numpy_key(k));
    return py::tuple(out);
  }
  if (py::isinstance<Array>(key)) return to_numpy(key.cast<const Array&>());
  return py::reinterpret_borrow<py::object>(key);
}

bool key_has_tracer(py::handle key) {
  if (PyTuple_Check(key.ptr())) {
    for (auto k : key)
      if (key_has_tracer(k)) return true;
    return false;
  }
  return py::isinstance<Array>(key) && key.cast<const Array&>().is_tracer();
}

// x[int_array] of a 1-d CPU array: the take primitive, after NumPy's bounds check. (NumPy's
// fancy indexing returns memory from malloc, which a copy then moves into arrax's; a fresh
// 100K-element result cost 0.65 ms in page faults, 8x the gather.)
std::optional<Array> take_1d(const Array& self, py::handle key) {
  if (self.ndim() != 1 || self.is_tracer() || !py::isinstance<Array>(key)) return std::nullopt;
  const Array& k = key.cast<const Array&>();
  if (k.is_tracer() || !is_integer(k.dtype()) || self.device().kind != DeviceKind::CPU ||
      k.device().kind != DeviceKind::CPU)
    return std::nullopt;
  Array idx = np::convert(k, DType::Int64).contiguous();
  const int64_t n = self.shape()[0], m = idx.size();
  const int64_t* ix = m ? idx.data_as<int64_t>() : nullptr;
  bool negative = false;
  for (int64_t i = 0; i < m; ++i) {
    if (ix[i] < -n || ix[i] >= n)
      throw IndexError("index " + std::to_string(ix[i]) +
                       " is out of bounds for axis 0 with size " + std::to_string(n));
    negative = negative || ix[i] < 0;
  }
  if (negative) {
    Array fixed = Array::empty(idx.shape(), DType::Int64);
    int64_t* f = fixed.data_as<int64_t>();
    for (int64_t i = 0; i < m; ++i) f[i] = ix[i] < 0 ? ix[i] + n : ix[i];
    idx = fixed;
  }
  if (m == 0) return np::zeros(idx.shape(), self.dtype());
  static const Primitive& take = primitive("take");
  return arrax::bind(take, {self, idx})[0];
}

// a[i, j, ...] naming one element of a CPU array: the element copied into a new 0-d array
// directly. (Through slice, reshape and copy it took three primitive applications, ~3 us
// where NumPy takes 0.1.) nullopt where an index is out of bounds: basic_index raises then.
// The byte offset of that element; nullopt for anything else (a tracer, a GPU array, a slice).
std::optional<int64_t> element_offset(const Array& self, const std::vector<np::IndexItem>& items) {
  if (self.is_tracer() || static_cast<int>(items.size()) != self.ndim() ||
      self.device().kind != DeviceKind::CPU)
    return std::nullopt;
  int64_t offset = 0;
  for (int d = 0; d < self.ndim(); ++d) {
    if (items[d].kind != np::IndexItem::Int) return std::nullopt;
    const int64_t n = self.shape()[d];
    const int64_t i = items[d].index < 0 ? items[d].index + n : items[d].index;
    if (i < 0 || i >= n) return std::nullopt;
    offset += i * self.strides()[d];
  }
  return offset;
}

std::optional<Array> element_of(const Array& self, const std::vector<np::IndexItem>& items) {
  const auto offset = element_offset(self, items);
  if (!offset) return std::nullopt;
  Array r = Array::empty({}, self.dtype(), self.device());
  std::memcpy(r.data(), self.data() + *offset, self.itemsize());
  return r;
}

// `a[i, j] = x` of one element and a Python float or int that the array's dtype holds exactly
// as NumPy would store it (float64, float32 within range, int64/int32 within range): written in
// place. The general path builds a view and a 0-d array and dispatches an assignment (~2 us
// where NumPy takes 0.15). False where it does not apply; the general path then decides.
bool store_element(Array& self, const std::vector<np::IndexItem>& items, PyObject* value) {
  const bool is_float = PyFloat_CheckExact(value), is_int = PyLong_CheckExact(value);
  if (!is_float && !is_int) return false;
  const auto offset = element_offset(self, items);
  if (!offset) return false;
  char* at = self.data() + *offset;
  if (is_float) {
    const double v = PyFloat_AS_DOUBLE(value);
    if (self.dtype() == DType::Float64) {
      std::memcpy(at, &v, sizeof v);
      return true;
    }
    // (a finite value past float32's range is NumPy's overflow warning: the general path)
    if (self.dtype() == DType::Float32 &&
        (!std::isfinite(v) || std::fabs(v) <= std::numeric_limits<float>::max())) {
      const float f = static_cast<float>(v);
      std::memcpy(at, &f, sizeof f);
      return true;
    }
    return false;
  }
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (overflow || (v == -1 && PyErr_Occurred())) {
    PyErr_Clear();
    return false;
  }
  switch (self.dtype()) {
    case DType::Int64: {
      const int64_t x = v;
      std::memcpy(at, &x, sizeof x);
      return true;
    }
    case DType::Int32: {
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
        return false;
      const int32_t x = static_cast<int32_t>(v);
      std::memcpy(at, &x, sizeof x);
      return true;
    }
    case DType::Float64: {
      const double x = static_cast<double>(v);
      std::memcpy(at, &x, sizeof x);
      return true;
    }
    default:
      return false;
  }
}

Array getitem(const Array& self, py::handle key) {
  std::vector<np::IndexItem> items;
  if (parse_basic_index(key, items)) {
    if (auto element = element_of(self, items)) return *element;
    Array view = np::basic_index(self, items);
    // An element (every axis indexed by an integer, or () of a 0-d array) is NumPy's scalar:
    // a copy, not a view. As a view, `a[i], a[j] = a[j], a[i]` would copy one value onto both,
    // and `v = a[i]; a[i] = 0` would change v.
    bool element =
        std::all_of(items.begin(), items.end(),
                    [](const np::IndexItem& it) { return it.kind == np::IndexItem::Int; }) &&
        static_cast<int>(items.size()) == self.ndim();
    return element && !self.is_tracer() ? np::copy(view) : view;
  }
  if (auto gathered = take_1d(self, key)) return *gathered;
  // Advanced indexing of (or with) traced values: a gather the transformations see.
  if (self.is_tracer() || key_has_tracer(key))
    return py::module_::import("arrax._functional").attr("getitem")(self, key).cast<Array>();
  py::object r = to_numpy(self)[numpy_key(key)];
  static py::handle numpy_array = arrax::held(py::module_::import("numpy").attr("array"));
  return array_from_numpy(py::array(numpy_array(r)));
}

// The value of `a[key] = value`, cast to the array's dtype with NumPy's checks: a Python
// complex into a real array is NumPy's TypeError (int()/float() of a complex), not the real
// part kept silently; a Python float an integer type cannot hold (nan, 1e300) raises as int()
// does; a complex array cast to a real one warns that its imaginary parts are dropped.
Array stored_value(py::handle value, DType target) {
  // None stored into a float or complex array is NaN and into a bool array False, as NumPy
  // stores it (an integer array refuses it).
  if (value.is_none()) {
    if (is_inexact(target))
      return np::cast_operand(np::scalar_operand(std::nan("")), target, "__setitem__");
    if (is_bool(target)) return np::cast_operand(np::scalar_operand(false), target, "__setitem__");
    throw TypeError(std::string("__setitem__: cannot store None in an array of ") +
                    dtype_name(target) + " (int() argument must be a real number, not 'NoneType')");
  }
  // A NumPy float or integer scalar stored into a signed integer array goes through int() too,
  // as NumPy's setitem takes it (a_int8[0] = np.float64(nan) is ValueError, np.int64(300) an
  // OverflowError), where its cast would store 0 or a wrapped value silently. NumPy casts them
  // into unsigned arrays (np.int8(-1) stored into uint8 is 255), and so does arrax.
  py::object as_int;
  if (is_integer(target) && !is_unsigned(target) && !PyLong_CheckExact(value.ptr()) &&
      !PyFloat_CheckExact(value.ptr())) {
    static py::handle floating = arrax::held(py::module_::import("numpy").attr("floating"));
    static py::handle integer = arrax::held(py::module_::import("numpy").attr("integer"));
    if (py::isinstance(value, floating) || py::isinstance(value, integer)) {
      as_int = py::reinterpret_steal<py::object>(PyNumber_Long(value.ptr()));
      if (!as_int) throw py::error_already_set();
      value = as_int;
    }
  }
  np::Operand v = operand_from_py(value);
  if (v.weak == WeakKind::Complex && !is_complex(target))
    throw TypeError(std::string("__setitem__: cannot store a Python complex in an array of ") +
                    dtype_name(target) + " (" + (is_floating(target) ? "float" : "int") +
                    "() argument must be a real number, not 'complex')");
  refuse_unrepresentable_float(value, target);
  if (v.weak == WeakKind::None) warn_if_discarding_imaginary(v.array.dtype(), target);
  return np::cast_operand(v, target, "__setitem__");
}

// Whether writes may go through this array: its memory is writeable and it is not a broadcast
// view (a 0 stride over several items would write one element through many aliases).
bool accepts_writes(const Array& a) {
  return a.writeable() && !np::is_broadcast_view(a);
}

// A traced array cannot be written in place: the update becomes a new value (computed by
// arrax._functional.setitem) that this Python object holds from now on.
// a[key] = value for a basic key (ints, slices, None, Ellipsis) of a concrete array; the FP
// flags raised since start_fp_watch() (by the value's cast).
int assign_basic(Array& self, const std::vector<np::IndexItem>& items, py::handle value) {
  Array view = np::basic_index(self, items);
  Array src = stored_value(value, view.dtype());
  bool single_element = static_cast<int>(items.size()) == self.ndim();
  for (auto& it : items) single_element = single_element && it.kind == np::IndexItem::Int;
  if (single_element && src.ndim() > 0)
    throw ValueError("setting an array element with a sequence.");
  // NumPy lets the value carry extra leading size-1 dimensions.
  while (src.ndim() > view.ndim() && src.shape()[0] == 1) {
    Shape s(src.shape().begin() + 1, src.shape().end());
    src = np::reshape(src, s);
  }
  np::assign(view, src);
  return raised_fp_kinds();
}

// a[key] = value for any other key (integer arrays, masks) of a concrete array: NumPy assigns
// on a view of its memory (a host copy of a GPU array, written back). The FP flags as
// assign_basic's (read before NumPy's assignment, which clears them).
int assign_advanced(Array& self, py::handle key, py::handle value) {
  Array src = stored_value(value, self.dtype());
  const int kinds = raised_fp_kinds();
  py::object nv = to_numpy(self);
  nv[numpy_key(key)] = to_numpy(src);
  if (self.device().kind != DeviceKind::CPU) {
    Array host;
    {
      DeviceScope on_cpu(Device{});
      host = array_from_numpy(py::array(nv));
    }
    copy_into(host, self);
  }
  return kinds;
}

void setitem(Array& self, py::handle key, py::handle value) {
  const Array* v = py_convert::exact_array(value.ptr());
  bool traced_value =
      v ? v->is_tracer() : py::isinstance<Array>(value) && value.cast<const Array&>().is_tracer();
  if (self.is_tracer() || traced_value) {
    py::object r = py::module_::import("arrax._functional").attr("setitem")(self, key, value);
    self = r.cast<Array>();
    return;
  }
  if (!accepts_writes(self)) throw ValueError("assignment destination is read-only");
  std::vector<np::IndexItem> items;
  const bool basic = parse_basic_index(key, items);
  if (basic && store_element(self, items, value.ptr())) return;
  // The value's cast to the array's dtype is a NumPy "cast" for floating-point errors (1e300
  // into float32 overflows, NaN into an integer type is invalid): reported as NumPy reports it.
  const int enclosing = suspend_fp_watch();
  int kinds = basic ? assign_basic(self, items, value) : assign_advanced(self, key, value);
  resume_fp_watch(enclosing);
  // (NumPy stores one number into a float or complex array checking overflow alone: 1e-300
  // into float32 is no underflow there, though astype's cast reports one)
  const PyObject* v_ptr = value.ptr();
  if (is_inexact(self.dtype()) &&
      (PyFloat_Check(v_ptr) || PyLong_Check(v_ptr) || PyComplex_Check(v_ptr)))
    kinds &= 2;
  if (kinds) report_assignment_fp_kinds(kinds);
}

const np::UfuncDef& U(const char* name) {
  return np::ufunc(name);
}

// a <op> b, returning NotImplemented for operands arrax cannot convert.
// p(self, other), or p(other, self) for a reflected operator.
py::object bind_pair(const Primitive& p, const Array& self, const Array& other, bool reflected) {
  std::vector<Array> args;
  args.reserve(2);
  args.push_back(reflected ? other : self);
  args.push_back(reflected ? self : other);
  return py::cast(std::move(arrax::bind(p, args)[0]));
}

py::object binary_op_unwatched(const np::UfuncDef& u, const Array& self, py::handle other,
                               bool reflected) {
  // Two arrays of one dtype and shape: straight to the primitive, without operand records.
  if (const Array* b = py_convert::exact_array(other.ptr()))
    if (b->dtype() == self.dtype() && b->shape() == self.shape() &&
        py_convert::weak_kind_of(self) == WeakKind::None)
      if (const Primitive* p = np::direct_primitive(u, self.dtype()))
        return bind_pair(*p, self, *b, reflected);
  np::Operand o;
  if (!try_operand_from_py(other, o)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  np::Operand me(self, py_convert::weak_kind_of(self));
  // An array and a Python scalar of no higher kind (x - 2 with x float32): NumPy's loop is the
  // array's dtype, so the scalar only needs converting and broadcasting. (A weakly typed traced
  // array, as jit makes of where(c, 2.0, 1.0), can be larger than self: the general path.)
  if (me.weak == WeakKind::None && o.weak != WeakKind::None && !np::strict_dtype_promotion() &&
      (o.array.ndim() == 0 || o.array.shape() == self.shape()) &&
      static_cast<int>(o.weak) <= kind_rank(self.dtype()) && np::weak_int_fits(o, self.dtype()))
    if (const Primitive* p = np::direct_primitive(u, self.dtype()))
      return bind_pair(
          *p, self,
          np::broadcast_to(np::cast_operand(o, self.dtype(), u.name.c_str()), self.shape()),
          reflected);
  std::vector<np::Operand> ins;
  ins.reserve(2);
  if (reflected) ins.push_back(std::move(o));
  ins.push_back(std::move(me));
  if (!reflected) ins.push_back(std::move(o));
  return arrays_to_py(np::apply_ufunc(u, ins));
}

// An operator (x / y, x ** y, ...) with NumPy's floating-point error reporting.
py::object binary_op(const np::UfuncDef& u, const Array& self, py::handle other, bool reflected) {
  auto inputs = [&] {  // (the ufunc's operands, in its order)
    py::object me = py::cast(self);
    return reflected ? py::tuple(py::make_tuple(other, me)) : py::tuple(py::make_tuple(me, other));
  };
  if (!py_convert::exact_array(other.ptr()) && overrides_ufuncs(other)) {
    // NumPy's operators with a duck array: its __array_ufunc__ takes the ufunc, or with
    // __array_ufunc__ = None its reflected operator does (NotImplemented here).
    if (py::type::handle_of(other).attr("__array_ufunc__").is_none())
      return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    return *call_array_ufunc(py::cast(&u, py::return_value_policy::reference), "__call__", inputs(),
                             py::dict());
  }
  start_fp_watch();
  py::object result = binary_op_unwatched(u, self, other, reflected);
  if (result.ptr() == Py_NotImplemented) return result;
  return finish_fp_watch(u.name, std::move(result), inputs, 2, py::none());
}

py::object inplace_op_unwatched(const np::UfuncDef& u, py::object self_obj, py::handle other) {
  Array& self = self_obj.cast<Array&>();
  np::Operand o;
  if (!try_operand_from_py(other, o)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  if (self.is_tracer() || o.array.is_tracer()) {
    // Functionalized: the result (cast to self's dtype as the in-place op would) rebinds self.
    Array r = np::apply_ufunc(u, {np::Operand(self), o})[0];
    if (!np::can_cast(r.dtype(), self.dtype(), "same_kind"))
      throw TypeError(std::string("Cannot cast ufunc '") + u.name + "' output from dtype('" +
                      dtype_name(r.dtype()) + "') to dtype('" + dtype_name(self.dtype()) +
                      "') with casting rule 'same_kind'");
    if (r.shape() != self.shape())
      throw ValueError(std::string("non-broadcastable output operand with shape ") +
                       shape_str(self.shape()) + " doesn't match the broadcast shape " +
                       shape_str(r.shape()));
    self = np::convert(r, self.dtype());
    return self_obj;
  }
  np::apply_ufunc_out(u, {np::Operand(self), o}, {self}, std::nullopt, std::nullopt);
  return self_obj;
}

// (The left input is overwritten: the report checks the result alone.)
py::object inplace_op(const np::UfuncDef& u, py::object self_obj, py::handle other) {
  start_fp_watch();
  py::object result = inplace_op_unwatched(u, self_obj, other);
  if (result.ptr() == Py_NotImplemented) return result;
  return finish_fp_watch(u.name, std::move(result), [] { return py::none(); }, 2, py::none());
}

// repr/str through NumPy's printer; a tracer without a value prints as Traced<dtype(shape)>.
template <typename Format>
py::object text(const Array& a, Format format) {
  Array c;
  if (a.is_tracer() && !a.tracer()->concrete_value(c))
    return py::str("Traced<" + std::string(dtype_name(a.dtype())) + shape_str(a.shape()) + ">");
  return py::object(format(to_numpy(a)));
}

// The Python scalar NumPy's item() gives for the element at byte offset `offset` of a CPU
// array, read in place (through a NumPy view it took ~1.5 us where NumPy takes 0.1); a null
// object for bfloat16.
py::object element_to_py(const Array& a, int64_t offset) {
  const char* at = a.data() + offset;
  return dispatch_dtype(a.dtype(), [&](auto tag) -> py::object {
    using T = decltype(tag);
    T v;
    std::memcpy(&v, at, sizeof v);
    if constexpr (std::is_same_v<T, bool>)
      return py::bool_(v);
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
      return py::reinterpret_steal<py::object>(PyLong_FromLongLong(v));
    else if constexpr (std::is_integral_v<T>)
      return py::reinterpret_steal<py::object>(PyLong_FromUnsignedLongLong(v));
    else if constexpr (std::is_same_v<T, std::complex<float>> ||
                       std::is_same_v<T, std::complex<double>>)
      return py::reinterpret_steal<py::object>(
          PyComplex_FromDoubles(static_cast<double>(v.real()), static_cast<double>(v.imag())));
    else if constexpr (std::is_same_v<T, float16>)
      return py::float_(static_cast<double>(static_cast<float>(v)));
    else if constexpr (std::is_same_v<T, bfloat16>)
      return py::object();  // (ml_dtypes' item() is its own scalar type: through NumPy)
    else
      return py::float_(static_cast<double>(v));
  });
}

// Whether a's elements can be read in place by element_to_py: a concrete array in the CPU's
// memory, not bfloat16.
bool readable_in_place(const Array& a) {
  return !a.is_tracer() && a.buffer() && a.device().kind == DeviceKind::CPU &&
         a.dtype() != DType::BFloat16;
}

py::object scalar_value(const Array& a, const char* what,
                        ConcretizationError::Kind kind = ConcretizationError::Kind::Generic) {
  if (a.ndim() != 0)
    throw TypeError(std::string(what) +
                    ": only 0-dimensional arrays can be converted to Python scalars");
  if (readable_in_place(a)) return element_to_py(a, 0);
  return to_numpy(a, kind).attr("item")();
}

// ndarray.item(*args): the element named by no index (a size-1 array), a flat index, or one
// index per axis, as a Python scalar; NumPy's item() for everything else (its errors included).
py::object item(const Array& a, py::args args) {
  if (readable_in_place(a)) {
    int64_t offset = -1;
    if (args.empty() && a.size() == 1) {
      offset = 0;
    } else if (args.size() == 1 && PyLong_CheckExact(args[0].ptr())) {
      int64_t flat = py::cast<int64_t>(args[0]);
      if (flat < 0) flat += a.size();
      if (flat >= 0 && flat < a.size()) {
        offset = 0;
        for (int d = a.ndim() - 1; d >= 0; --d) {
          offset += (flat % a.shape()[d]) * a.strides()[d];
          flat /= a.shape()[d];
        }
      }
    }
    if (offset >= 0) return element_to_py(a, offset);
  }
  return to_numpy(a).attr("item")(*args);
}

// An object with __array_ufunc__ = None (a sparse matrix, say) takes NumPy's operators with an
// array through its own reflected ones: the array's operator returns NotImplemented.
bool defers_operators(py::handle other) {
  return !py_convert::exact_array(other.ptr()) && overrides_ufuncs(other) &&
         py::type::handle_of(other).attr("__array_ufunc__").is_none();
}

// Direct CPython number slots for the hottest operators. pybind11 fills nb_add and friends
// with CPython's generic wrappers, which look `__add__` up by name and go through pybind11's
// overload dispatcher on every call; these go straight to the ufunc.
template <const char* Name>
PyObject* number_slot(PyObject* a, PyObject* b) {
  static const np::UfuncDef* u = &np::ufunc(Name);
  return slot_call([&] {
    static PyTypeObject* type = reinterpret_cast<PyTypeObject*>(py::type::of<Array>().ptr());
    bool left = Py_TYPE(a) == type || PyObject_TypeCheck(a, type);
    py::handle self = left ? a : b, other = left ? b : a;
    const Array* s = py_convert::exact_array(self.ptr());
    return binary_op(*u, s ? *s : py::cast<const Array&>(self), other, !left);
  });
}
constexpr char kAdd[] = "add", kSub[] = "subtract", kMul[] = "multiply", kDiv[] = "true_divide";

// The same for the unary operators (-x, +x, abs(x), ~x).
template <const char* Name>
PyObject* unary_slot(PyObject* a) {
  static const np::UfuncDef* u = &np::ufunc(Name);
  return slot_call([&] {
    const Array* s = py_convert::exact_array(a);
    const Array& x = s ? *s : py::cast<const Array&>(py::handle(a));
    return py::cast(np::apply_ufunc(*u, {np::Operand(x, weak_kind_of(x))})[0]);
  });
}
constexpr char kNeg[] = "negative", kPos[] = "positive", kAbs[] = "absolute", kInv[] = "invert";

// a[key] and a[key] = v straight from the mapping slots, for the same reason.
PyObject* subscript_slot(PyObject* a, PyObject* key) {
  return slot_call([&] {
    const Array* s = py_convert::exact_array(a);
    return py::cast(getitem(s ? *s : py::cast<const Array&>(py::handle(a)), key));
  });
}

int assign_subscript_slot(PyObject* a, PyObject* key, PyObject* value) {
  PyObject* r = slot_call([&] {
    if (!value) throw ValueError("cannot delete array elements");
    const Array* s = py_convert::exact_array(a);
    setitem(s ? const_cast<Array&>(*s) : py::cast<Array&>(py::handle(a)), key, value);
    return py::none();
  });
  if (!r) return -1;
  Py_DECREF(r);
  return 0;
}

}  // namespace

Array matmul_dispatch(const Array& a, const Array& b);  // defined with the linalg bindings

void init_array(py::module_& m) {
  py::class_<Array> cls(m, "ndarray", py::dynamic_attr(), py::buffer_protocol());
  // numpy.ndarray's low-level constructor: an uninitialized array of a shape, or a view of a
  // buffer's memory (offset, strides in bytes). NumPy builds it; arrax wraps its memory.
  cls.def(py::init([](py::handle shape, py::handle dtype, py::handle buffer, py::handle offset,
                      py::handle strides, py::handle order) {
            static py::handle ndarray = arrax::held(py::module_::import("numpy").attr("ndarray"));
            py::object a = ndarray(shape, dtype.is_none() ? py::type::of(py::float_()) : dtype,
                                   buffer, offset, strides, order.is_none() ? py::str("C") : order);
            return array_from_numpy(py::reinterpret_borrow<py::array>(a));
          }),
          py::arg("shape"), py::arg("dtype") = py::none(), py::arg("buffer") = py::none(),
          py::arg("offset") = 0, py::arg("strides") = py::none(), py::arg("order") = py::none());
  // PEP 3118 buffers (memoryview(a), zero-copy consumers). bfloat16 has no buffer format
  // character; numpy.asarray reaches those arrays through __array__ instead.
  cls.def_buffer([](const Array& a) -> py::buffer_info {
    // (numpy.asarray then asks __array__, which raises the concretization error)
    if (a.is_tracer() || !a.buffer())
      throw py::buffer_error("ndarray: a traced array has no buffer");
    if (a.device().kind != DeviceKind::CPU)
      throw py::buffer_error("ndarray: a GPU array has no host buffer (numpy.asarray copies it)");
    std::string format = dispatch_dtype(a.dtype(), [](auto tag) -> std::string {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, float16>)
        return "e";
      else if constexpr (std::is_same_v<T, bfloat16>)
        throw py::buffer_error("ndarray: bfloat16 arrays do not support the buffer protocol");
      // 64-bit integers as C long where that is 64 bits, so numpy.asarray gives NumPy's own
      // int64 ('l', numpy.int_), not longlong ('q'), which NumPy prints with its dtype.
      else if constexpr (std::is_same_v<T, int64_t> && sizeof(long) == 8)
        return "l";
      else if constexpr (std::is_same_v<T, uint64_t> && sizeof(long) == 8)
        return "L";
      else
        return py::format_descriptor<T>::format();
    });
    std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
    std::vector<py::ssize_t> strides(a.strides().begin(), a.strides().end());
    return py::buffer_info(a.size() ? a.data() : a.buffer()->data,
                           static_cast<py::ssize_t>(a.itemsize()), format, a.ndim(), shape, strides,
                           !a.writeable());
  });
  cls.attr("__module__") = "arrax.numpy";
  cls.attr("__array_priority__") = 100.0;
  cls.def_property(
         "shape", [](const Array& a) { return to_tuple(a.shape()); },
         // x.shape = (2, 5): x becomes a view of the new shape, as NumPy's setter makes it; an
         // array that only a copy could reshape raises NumPy's AttributeError.
         [](Array& self, py::handle shape) {
           Array r = np::reshape_np(self, py_args::shape(shape), "C", std::nullopt);
           if (!self.is_tracer() && self.size() > 0 && r.buffer() != self.buffer())
             throw py::attribute_error(
                 "Incompatible shape for in-place modification. Use `.reshape()` to make a copy "
                 "with the desired shape.");
           self = r;
         })
      // The Python object holds another array from now on (ndarray.resize in place).
      .def("_set_value", [](Array& self, const Array& other) { self = other; })
      .def_property_readonly("ndim", &Array::ndim)
      .def_property_readonly("size", &Array::size)
      .def_property_readonly("dtype", [](const Array& a) { return dtype_to_py(a.dtype()); })
      .def_property_readonly("itemsize", &Array::itemsize)
      .def_property_readonly("nbytes", &Array::nbytes)
      .def_property_readonly("strides", [](const Array& a) { return to_tuple(a.strides()); })
      .def_property_readonly("device", [](const Array& a) { return a.device().str(); })
      // JAX's x.unsafe_buffer_pointer(): the address of the first element, on its device.
      .def("unsafe_buffer_pointer",
           [](const Array& a) {
             if (a.is_tracer() || !a.buffer())
               throw ConcretizationError("unsafe_buffer_pointer: a traced array has no buffer",
                                         ConcretizationError::Kind::Array);
             return reinterpret_cast<uintptr_t>(a.data());
           })
      .def_property_readonly("_c_contiguous", &Array::is_c_contiguous)
      .def_property_readonly("_f_contiguous", &Array::is_f_contiguous)
      .def_property_readonly("_writeable", &accepts_writes)
      // ndarray.setflags(write=...): the flag belongs to the buffer, so views made before the
      // call follow it too (NumPy's stay as they were). Memory another owner holds read-only,
      // and broadcast views, cannot be made writeable, as in NumPy.
      .def("_set_writeable",
           [](Array& a, bool write) {
             if (a.is_tracer() || !a.buffer())
               throw ValueError("setflags: a traced array has no flags to set");
             if (write && (a.buffer()->readonly || np::is_broadcast_view(a)))
               throw ValueError("setflags: cannot set WRITEABLE flag to True of this array");
             a.buffer()->frozen = !write;
           })
      .def_property_readonly(
          "_owns_data",
          [](const Array& a) {
            return a.buffer() && a.offset() == 0 && a.nbytes() == a.buffer()->nbytes &&
                   (!a.buffer()->owner || sole_owner_of_wrapped_numpy(*a.buffer()));
          })
      // ndarray.base of a view: the whole buffer it views, as a 1-D array (of the view's dtype
      // where the buffer holds a whole number of its elements, else of bytes).
      .def_property_readonly(
          "_buffer_array",
          [](const Array& a) -> py::object {
            if (!a.buffer()) return py::none();
            const size_t n = a.buffer()->nbytes, size = itemsize(a.dtype());
            const bool whole = n % size == 0;
            const DType dt = whole ? a.dtype() : DType::UInt8;
            const int64_t len = static_cast<int64_t>(whole ? n / size : n);
            return py::cast(Array(a.buffer(), {len}, {static_cast<int64_t>(itemsize(dt))}, 0, dt));
          })
      .def_property_readonly("_is_tracer", &Array::is_tracer)
      .def("_shares_buffer",
           [](const Array& a, const Array& b) { return a.buffer() == b.buffer(); })
      .def_property_readonly("T",
                             [](const Array& a) {
                               std::vector<int64_t> perm;
                               for (int i = a.ndim() - 1; i >= 0; --i) perm.push_back(i);
                               return np::transpose(a, perm);
                             })
      .def("__len__",
           [](const Array& a) {
             if (a.ndim() == 0) throw TypeError("len() of unsized object");
             return a.shape()[0];
           })
      .def("__getitem__", &getitem)
      .def("__setitem__", &setitem)
      .def(
          "__array__",
          [](const Array& a, py::object dtype, py::object copy) -> py::object {
            py::object arr = to_numpy(a);
            bool want_copy = !copy.is_none() && copy.cast<bool>();
            if (!dtype.is_none()) return arr.attr("astype")(dtype, py::arg("copy") = want_copy);
            if (want_copy) return arr.attr("copy")();
            return arr;
          },
          py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def("__bool__",
           [](const Array& a) {
             if (a.size() != 1)
               throw ValueError(a.size() == 0
                                    ? "The truth value of an empty array is ambiguous. Use "
                                      "`array.size > 0` to check that an array is not empty."
                                    : "The truth value of an array with more than one element is "
                                      "ambiguous. Use a.any() or a.all()");
             if (readable_in_place(a)) return PyObject_IsTrue(element_to_py(a, 0).ptr()) == 1;
             return to_numpy(a, ConcretizationError::Kind::Bool).attr("__bool__")().cast<bool>();
           })
      .def("__float__", [](const Array& a) { return py::float_(scalar_value(a, "float()")); })
      .def("__int__",
           [](const Array& a) {  // an exact int, also for bool arrays
             PyObject* r =
                 PyNumber_Long(scalar_value(a, "int()", ConcretizationError::Kind::Generic).ptr());
             if (!r) throw py::error_already_set();
             return py::reinterpret_steal<py::object>(r);
           })
      .def("__complex__",
           [](const Array& a) {
             py::object v = scalar_value(a, "complex()");
             return py::reinterpret_steal<py::object>(
                 PyObject_CallOneArg((PyObject*)&PyComplex_Type, v.ptr()));
           })
      .def("__index__",
           [](const Array& a) {
             if (a.ndim() != 0 || !is_integer(a.dtype()))
               throw TypeError("only integer scalar arrays can be converted to a scalar index");
             return py::int_(scalar_value(a, "__index__", ConcretizationError::Kind::Integer));
           })
      .def("item", &item)
      .def("tolist", [](const Array& a) { return to_numpy(a).attr("tolist")(); })
      .def("__repr__",
           [](const Array& a) { return text(a, [](py::handle h) { return py::repr(h); }); })
      .def("__str__",
           [](const Array& a) { return text(a, [](py::handle h) { return py::str(h); }); })
      .def("__neg__",
           [u = &U("negative")](const Array& a) {
             return np::apply_ufunc(*u, {np::Operand(a, weak_kind_of(a))})[0];
           })
      .def("__pos__",
           [u = &U("positive")](const Array& a) {
             return np::apply_ufunc(*u, {np::Operand(a, weak_kind_of(a))})[0];
           })
      .def("__abs__",
           [u = &U("absolute")](const Array& a) {
             return np::apply_ufunc(*u, {np::Operand(a, weak_kind_of(a))})[0];
           })
      .def("__invert__",
           [u = &U("invert")](const Array& a) {
             return np::apply_ufunc(*u, {np::Operand(a, weak_kind_of(a))})[0];
           })
      .def("__matmul__",
           [](const Array& a, py::handle b) -> py::object {
             np::Operand o;
             if (defers_operators(b) || !try_operand_from_py(b, o))
               return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             return py::cast(matmul_dispatch(a, o.array));
           })
      .def("__rmatmul__",
           [](const Array& a, py::handle b) -> py::object {
             np::Operand o;
             if (defers_operators(b) || !try_operand_from_py(b, o))
               return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             return py::cast(matmul_dispatch(o.array, a));
           })
      .def("__imatmul__", [](py::object self, py::handle b) -> py::object {
        const Array& a = self.cast<const Array&>();
        Array r = matmul_dispatch(a, operand_from_py(b).array);
        if (r.shape() != a.shape())
          throw ValueError("matmul: In-place matrix multiplication requires the result shape " +
                           shape_str(r.shape()) + " to match the operand shape " +
                           shape_str(a.shape()));
        if (!np::can_cast(r.dtype(), a.dtype(), "same_kind"))
          throw TypeError(std::string("matmul: Cannot cast ufunc 'matmul' output from dtype('") +
                          dtype_name(r.dtype()) + "') to dtype('" + dtype_name(a.dtype()) +
                          "') with casting rule 'same_kind'");
        np::assign(a, r);
        return self;
      });

  // Binary operators, their reflected and in-place forms, from one table.
  struct OpName {
    const char* method;
    const char* ufunc;
  };
  static const OpName ops[] = {
      {"add", "add"},
      {"sub", "subtract"},
      {"mul", "multiply"},
      {"truediv", "true_divide"},
      {"floordiv", "floor_divide"},
      {"mod", "remainder"},
      {"pow", "power"},
      {"and", "bitwise_and"},
      {"or", "bitwise_or"},
      {"xor", "bitwise_xor"},
      {"lshift", "left_shift"},
      {"rshift", "right_shift"},
      {"divmod", "divmod"},
  };
  // NumPy's fast scalar power: a ** 2 with a Python int 2 is square(a), which differs from
  // power() for booleans (int8 instead of int64); for float and complex arrays, a ** -1 is
  // reciprocal(a) and a ** 0.5 (a Python float) sqrt(a), which differ from power() at -inf and
  // -0.0 (and for complex infinities).
  cls.def("__pow__", [](const Array& a, py::handle b) -> py::object {
    auto unary = [&](const char* name) {
      return py::cast(np::apply_ufunc(U(name), {np::Operand(a)})[0]);
    };
    const bool inexact = is_floating(a.dtype()) || is_complex(a.dtype());
    int overflow = 0;  // (a big exponent: power() takes it)
    if (PyLong_CheckExact(b.ptr())) {
      const long long e = PyLong_AsLongLongAndOverflow(b.ptr(), &overflow);
      if (!overflow && e == 2) return unary("square");
      if (!overflow && e == -1 && inexact) return unary("reciprocal");
    } else if (PyFloat_CheckExact(b.ptr()) && PyFloat_AsDouble(b.ptr()) == 0.5 && inexact) {
      return unary("sqrt");
    }
    return binary_op(U("power"), a, b, false);
  });
  for (const auto& op : ops) {
    const np::UfuncDef* u = &np::ufunc(op.ufunc);
    std::string name = op.method;
    if (name != "pow")
      cls.def(("__" + name + "__").c_str(),
              [u](const Array& a, py::handle b) { return binary_op(*u, a, b, false); });
    cls.def(("__r" + name + "__").c_str(),
            [u](const Array& a, py::handle b) { return binary_op(*u, a, b, true); });
    if (name != "divmod")
      cls.def(("__i" + name + "__").c_str(),
              [u](py::object a, py::handle b) { return inplace_op(*u, a, b); });
  }
  static const OpName cmps[] = {{"__eq__", "equal"},   {"__ne__", "not_equal"},
                                {"__lt__", "less"},    {"__le__", "less_equal"},
                                {"__gt__", "greater"}, {"__ge__", "greater_equal"}};
  for (const auto& op : cmps) {
    const np::UfuncDef* u = &np::ufunc(op.ufunc);
    const bool eq = op.ufunc == std::string("equal"), ne = op.ufunc == std::string("not_equal");
    cls.def(op.method, [u, eq, ne](const Array& a, py::handle b) -> py::object {
      // x == None and x != None compare elementwise in NumPy (all False / all True).
      if ((eq || ne) && b.is_none())
        return py::cast(np::full(a.shape(), operand_from_py(py::bool_(ne)), DType::Bool));
      return binary_op(*u, a, b, false);
    });
  }
  cls.attr("__hash__") = py::none();
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  type->tp_as_number->nb_add = &number_slot<kAdd>;
  type->tp_as_number->nb_subtract = &number_slot<kSub>;
  type->tp_as_number->nb_multiply = &number_slot<kMul>;
  type->tp_as_number->nb_true_divide = &number_slot<kDiv>;
  type->tp_as_number->nb_negative = &unary_slot<kNeg>;
  type->tp_as_number->nb_positive = &unary_slot<kPos>;
  type->tp_as_number->nb_absolute = &unary_slot<kAbs>;
  type->tp_as_number->nb_invert = &unary_slot<kInv>;
  type->tp_as_mapping->mp_subscript = &subscript_slot;
  type->tp_as_mapping->mp_ass_subscript = &assign_subscript_slot;
  PyType_Modified(type);
}

}  // namespace arrax::bindings
