#include "convert.h"
#include "device.h"
#include "py_held.h"

#include <complex>
#include <unordered_map>

namespace arrax::py_convert {
namespace {

struct DTypeCache {
  py::object np_dtype;                          // numpy.dtype
  py::object bfloat16;                          // numpy.dtype(ml_dtypes.bfloat16) or None
  py::object objs[kNumDTypes];                  // numpy dtype per DType
  std::unordered_map<PyObject*, DType> by_obj;  // dtype objects and scalar types we have seen
};

DTypeCache& cache() {
  static DTypeCache* c = [] {
    auto* c = new DTypeCache();
    py::module_ np = py::module_::import("numpy");
    c->np_dtype = np.attr("dtype");
    try {
      c->bfloat16 = c->np_dtype(py::module_::import("ml_dtypes").attr("bfloat16"));
    } catch (py::error_already_set&) {
      c->bfloat16 = py::none();
    }
    for (int i = 0; i < kNumDTypes; ++i) {
      DType dt = static_cast<DType>(i);
      c->objs[i] = dt == DType::BFloat16 ? c->bfloat16 : c->np_dtype(dtype_name(dt));
      if (!c->objs[i].is_none()) {
        c->by_obj[c->objs[i].ptr()] = dt;
        c->by_obj[c->objs[i].attr("type").ptr()] = dt;
      }
    }
    return c;
  }();
  return *c;
}

bool is_ndarray(py::handle obj) {
  return py::isinstance<Array>(obj);
}

}  // namespace

DType dtype_from_py(py::handle obj) {
  auto& c = cache();
  auto it = c.by_obj.find(obj.ptr());
  if (it != c.by_obj.end()) return it->second;
  // numpy.dtype(x) reads x.dtype of any object, but refuses arrays (NumPy's TypeError).
  if (py::isinstance<Array>(obj) || py::isinstance<py::array>(obj))
    throw TypeError("dtype: Cannot construct a dtype from an array");
  py::object d;
  try {
    d = c.np_dtype(obj);
  } catch (py::error_already_set& e) {
    throw TypeError(std::string("dtype: data type ") + py::str(py::repr(obj)).cast<std::string>() +
                    " not understood");
  }
  auto it2 = c.by_obj.find(d.ptr());
  if (it2 != c.by_obj.end()) return it2->second;
  std::string name = py::str(d.attr("name"));
  if (name == "longlong" || name == "int64") return DType::Int64;
  if (name == "ulonglong" || name == "uint64") return DType::UInt64;
  // Same kind and size as one of ours (e.g. 'intc', byte-swapped types) maps to it.
  std::string kind = py::str(d.attr("kind"));
  int size = d.attr("itemsize").cast<int>();
  for (int i = 0; i < kNumDTypes; ++i) {
    DType dt = static_cast<DType>(i);
    if (c.objs[i].is_none() || dt == DType::BFloat16) continue;
    if (py::str(c.objs[i].attr("kind")).cast<std::string>() == kind &&
        static_cast<int>(itemsize(dt)) == size)
      return dt;
  }
  throw TypeError("dtype: arrax does not support the data type " + std::string(py::str(d)));
}

std::optional<DType> optional_dtype(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return dtype_from_py(obj);
}

py::object dtype_to_py(DType dt) {
  auto& c = cache();
  const py::object& o = c.objs[static_cast<int>(dt)];
  if (o.is_none())
    throw TypeError("dtype: bfloat16 needs the ml_dtypes package (pip install ml_dtypes)");
  return o;
}

namespace {
// Buffer::owner's deleter for wrapped NumPy arrays (a named type: std::get_deleter finds it).
struct NumpyOwnerRelease {
  void operator()(void* p) const {
    py::gil_scoped_acquire gil;
    delete static_cast<py::object*>(p);
  }
};
}  // namespace

bool sole_owner_of_wrapped_numpy(const Buffer& buf) {
  if (!buf.owner || !std::get_deleter<NumpyOwnerRelease>(buf.owner)) return false;
  const auto& arr = *static_cast<py::object*>(buf.owner.get());
  return Py_REFCNT(arr.ptr()) == 1 && py::reinterpret_borrow<py::array>(arr).owndata();
}

Array array_from_numpy(py::array arr) {
  DType dt = dtype_from_py(arr.dtype());
  if (py::str(arr.dtype().attr("byteorder")).cast<std::string>() ==
      ">")  // byte-swapped: copy to native
    arr = py::array(py::module_::import("numpy").attr("ascontiguousarray")(arr, dtype_to_py(dt)));
  Shape shape(arr.shape(), arr.shape() + arr.ndim());
  Strides strides(arr.strides(), arr.strides() + arr.ndim());
  char* data = static_cast<char*>(const_cast<void*>(arr.data()));
  bool readonly = !arr.writeable();
  // The buffer starts at the lowest address any element touches, so negative strides work.
  int64_t low = 0, high = 0;
  for (int i = 0; i < arr.ndim(); ++i) {
    if (shape[i] == 0) {
      low = high = 0;
      break;
    }
    int64_t ext = (shape[i] - 1) * strides[i];
    if (ext < 0)
      low += ext;
    else
      high += ext;
  }
  std::shared_ptr<void> owner(new py::object(arr), NumpyOwnerRelease{});
  auto buf =
      Buffer::wrap(data + low, static_cast<size_t>(high - low) + itemsize(dt), owner, readonly);
  Array host(buf, shape, strides, -low, dt);
  // Data from Python lands on the current device (arrax.default_device).
  const Device dev = current_device();
  return dev.kind == DeviceKind::CPU ? host : to_device(host, dev);
}

py::object arrays_to_py(std::vector<Array> r) {
  if (r.size() == 1) return py::cast(std::move(r[0]));
  py::tuple t(r.size());
  for (size_t i = 0; i < r.size(); ++i) t[i] = py::cast(std::move(r[i]));
  return t;
}

int64_t index_value(py::handle obj) {
  PyObject* r = PyNumber_Index(obj.ptr());
  if (!r) throw py::error_already_set();
  py::object i = py::reinterpret_steal<py::object>(r);
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow)  // (a pybind11 cast would raise a RuntimeError)
    throw OverflowError("Python integer " + py::str(i).cast<std::string>() +
                        " does not fit in int64");
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

py::array to_numpy(const Array& a, ConcretizationError::Kind kind) {
  if (a.is_tracer()) {
    Array c;
    if (a.tracer()->concrete_value(c)) return to_numpy(c);
    throw ConcretizationError(
        "arrax: a traced array (" + std::string(dtype_name(a.dtype())) + shape_str(a.shape()) +
            ") has no concrete value while its function is being transformed (jit, or a batched "
            "value under vmap): it cannot be converted to NumPy or a Python scalar or used in "
            "Python control flow. Use arrax.lax.cond or arrax.lax.while_loop for control flow on "
            "traced values, or pass the value as a static argument (jit's static_argnums)",
        kind);
  }
  if (a.device().kind != DeviceKind::CPU) {  // a GPU array: a host copy
    Array host;
    {
      py::gil_scoped_release release;
      host = to_host(a);
    }
    return to_numpy(host);
  }
  py::object dt = dtype_to_py(a.dtype());
  auto* keep = new Array(a);
  py::capsule base(keep, [](void* p) { delete static_cast<Array*>(p); });
  std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
  std::vector<py::ssize_t> strides(a.strides().begin(), a.strides().end());
  py::array out(py::dtype::from_args(dt), shape, strides, a.size() ? a.data() : a.buffer()->data,
                base);
  if (!a.writeable()) out.attr("flags").attr("writeable") = false;
  return out;
}

const Array* exact_array(PyObject* obj) {
  static PyTypeObject* type = reinterpret_cast<PyTypeObject*>(py::type::of<Array>().ptr());
  if (Py_TYPE(obj) != type) return nullptr;
  auto* inst = reinterpret_cast<py::detail::instance*>(obj);
  return static_cast<const Array*>(inst->get_value_and_holder().value_ptr());
}

WeakKind weak_kind_of(const Array& a) {
  if (!a.is_tracer() || !a.tracer()->weak_type()) return WeakKind::None;
  if (is_complex(a.dtype())) return WeakKind::Complex;
  if (is_floating(a.dtype())) return WeakKind::Float;
  if (is_integer(a.dtype())) return WeakKind::Int;
  return WeakKind::None;
}

// Whether a nested list/tuple holds a traced array (looked for to NumPy's 32 levels). Python
// numbers are passed over first: this runs on every list converted, so it must cost little
// next to numpy.asarray itself.
static bool holds_tracer(PyObject* seq, int depth) {
  if (depth > 32) return false;
  const bool list = PyList_Check(seq);
  const Py_ssize_t n = list ? PyList_GET_SIZE(seq) : PyTuple_GET_SIZE(seq);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* p = list ? PyList_GET_ITEM(seq, i) : PyTuple_GET_ITEM(seq, i);
    if (PyFloat_CheckExact(p) || PyLong_CheckExact(p) || PyBool_Check(p) || PyComplex_CheckExact(p))
      continue;
    if (PyList_Check(p) || PyTuple_Check(p)) {
      if (holds_tracer(p, depth + 1)) return true;
    } else if (const Array* a = exact_array(p)) {
      if (a->is_tracer()) return true;
    } else if (is_ndarray(p) && py::handle(p).cast<const Array&>().is_tracer()) {
      return true;
    }
  }
  return false;
}

// A flat list or tuple of Python floats and ints (ints within int64, no bools), or of concrete
// 0-d arrax arrays of one dtype in the CPU's memory: the array NumPy makes of it (float64 if
// any float, else int64; the arrays' dtype), filled directly. Through numpy.asarray three
// floats took ~5 us where NumPy's np.array takes 0.9, and 0-d arrays went through __array__
// one by one (8.5 us). nullopt for anything else, which numpy.asarray converts.
std::optional<Array> array_from_flat_sequence(PyObject* seq) {
  if (current_device().kind != DeviceKind::CPU) return std::nullopt;
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n == 0) return std::nullopt;
  PyObject** items = PySequence_Fast_ITEMS(seq);
  if (PyFloat_CheckExact(items[0]) || PyLong_CheckExact(items[0])) {
    bool any_float = false;
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (PyFloat_CheckExact(items[i]))
        any_float = true;
      else if (!PyLong_CheckExact(items[i]))
        return std::nullopt;
    }
    Array out = Array::empty({static_cast<int64_t>(n)}, any_float ? DType::Float64 : DType::Int64,
                             Device{});
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject* v = items[i];
      if (PyFloat_CheckExact(v)) {
        out.data_as<double>()[i] = PyFloat_AS_DOUBLE(v);
        continue;
      }
      int overflow = 0;
      const long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
      if (overflow) return std::nullopt;  // (NumPy's big-int rules: the general path)
      if (any_float)
        out.data_as<double>()[i] = static_cast<double>(x);
      else
        out.data_as<int64_t>()[i] = x;
    }
    return out;
  }
  const Array* first = exact_array(items[0]);
  if (!first || first->ndim() != 0) return std::nullopt;
  const DType dt = first->dtype();
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Array* a = exact_array(items[i]);
    if (!a || a->ndim() != 0 || a->dtype() != dt || a->is_tracer() || !a->buffer() ||
        a->device().kind != DeviceKind::CPU)
      return std::nullopt;
  }
  Array out = Array::empty({static_cast<int64_t>(n)}, dt, Device{});
  const size_t size = itemsize(dt);
  for (Py_ssize_t i = 0; i < n; ++i)
    std::memcpy(out.data() + i * size, exact_array(items[i])->data(), size);
  return out;
}

bool try_operand_from_py(py::handle obj, np::Operand& out) {
  if (const Array* a = exact_array(obj.ptr())) {
    out = np::Operand(*a, weak_kind_of(*a));
    return true;
  }
  if (is_ndarray(obj)) {
    const Array& a = obj.cast<const Array&>();
    out = np::Operand(a, weak_kind_of(a));
    return true;
  }
  PyObject* p = obj.ptr();
  if (PyBool_Check(p)) {
    out = np::scalar_operand(static_cast<bool>(p == Py_True));
    return true;
  }
  if (PyLong_CheckExact(p) || (PyLong_Check(p) && !PyBool_Check(p))) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
    if (!overflow) {
      out = np::scalar_operand(static_cast<int64_t>(v));
      return true;
    }
    if (overflow > 0) {
      unsigned long long uv = PyLong_AsUnsignedLongLong(p);
      if (!PyErr_Occurred()) {
        out = np::scalar_operand(static_cast<uint64_t>(uv));
        return true;
      }
      PyErr_Clear();
    }
    const double d = PyLong_AsDouble(p);  // (past float64 too: Python's OverflowError)
    if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    out = np::big_int_operand(d);
    return true;
  }
  if (PyFloat_CheckExact(p)) {  // np.float64 subclasses float but is a strong scalar
    out = np::scalar_operand(PyFloat_AS_DOUBLE(p));
    return true;
  }
  if (PyComplex_CheckExact(p)) {
    out = np::scalar_operand(complex128(PyComplex_RealAsDouble(p), PyComplex_ImagAsDouble(p)));
    return true;
  }
  if (py::isinstance<py::array>(obj)) {
    try {
      out = np::Operand(array_from_numpy(py::reinterpret_borrow<py::array>(obj)));
    } catch (const TypeError&) {
      return false;  // (strings, objects, dates: NumPy's operator decides, x == names is False)
    }
    return true;
  }
  // Sequences holding traced arrays: stacked in Python, so the values stay traced (numpy.asarray
  // would see only concrete values, and drop their derivatives).
  if ((PyList_Check(p) || PyTuple_Check(p)) && holds_tracer(obj.ptr(), 0)) {
    static py::handle from_nested =
        arrax::held(py::module_::import("arrax.numpy._construction").attr("from_nested"));
    out = np::Operand(from_nested(obj).cast<Array>());
    return true;
  }
  if (PyList_Check(p) || PyTuple_Check(p)) {
    if (auto a = array_from_flat_sequence(p)) {
      out = np::Operand(std::move(*a));
      return true;
    }
  }
  // NumPy scalars, sequences, objects with __array__: through numpy.asarray.
  static py::handle asarray = arrax::held(py::module_::import("numpy").attr("asarray"));
  // NumPy's own errors (a ragged list, an int out of range) propagate as they are.
  py::object arr = asarray(obj);
  try {
    dtype_from_py(arr.attr("dtype"));
  } catch (const TypeError&) {
    return false;  // strings, objects, datetimes: not arrax dtypes
  }
  out = np::Operand(array_from_numpy(py::reinterpret_borrow<py::array>(arr)));
  return true;
}

np::Operand operand_from_py(py::handle obj, const std::string& caller) {
  np::Operand op;
  if (!try_operand_from_py(obj, op))
    throw TypeError(caller + ": cannot convert an object of type '" +
                    std::string(py::str(py::type::handle_of(obj).attr("__name__"))) +
                    "' to an array");
  return op;
}

Array array_from_py(py::handle obj, std::optional<DType> dtype) {
  if (dtype && (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) &&
      holds_tracer(obj.ptr(), 0)) {
    static py::handle from_nested =
        arrax::held(py::module_::import("arrax.numpy._construction").attr("from_nested"));
    return from_nested(obj, dtype_to_py(*dtype)).cast<Array>();
  }
  if (dtype && !py::isinstance<Array>(obj) &&
      (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr()))) {
    // NumPy converts each Python element to the dtype, raising for ints out of its range.
    static py::handle asarray = arrax::held(py::module_::import("numpy").attr("asarray"));
    return array_from_numpy(py::array(asarray(obj, dtype_to_py(*dtype))));
  }
  np::Operand op = operand_from_py(obj);
  if (dtype) return np::cast_operand(op, *dtype, "asarray");
  return op.array;
}

}  // namespace arrax::py_convert
