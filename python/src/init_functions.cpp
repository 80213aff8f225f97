// arrax.numpy's module functions that numpy_api implements: reductions, shape manipulation,
// creation. Argument names and defaults are NumPy's.
#include <pybind11/stl.h>

#include "args.h"
#include "numpy_api/creation.h"
#include "numpy_api/reductions.h"
#include "numpy_api/shape_ops.h"
#include "numpy_api/ufuncs.h"
#include "py_held.h"

namespace arrax::bindings {

using namespace py_convert;
namespace A = py_args;
namespace {

// NumPy's RuntimeWarning of a mean or moment over no items (or no more than ddof), which it
// gives as a Python warning, whatever the floating-point error state; raised as an exception
// where warnings are errors.
void warn_runtime(const char* message) {
  if (PyErr_WarnEx(PyExc_RuntimeWarning, message, 1) < 0) throw py::error_already_set();
}

// A reduction called with a where= mask (or var/std with mean=) is composed in Python from the
// unmasked ones bound here: arrax/numpy/_masked_reductions.py has a function of each name.
py::object masked_reduction(const char* name) {
  return py::module_::import("arrax.numpy._masked_reductions").attr(name);
}

// concatenate/stack with out=: the result is made in out's dtype under `casting`, as NumPy
// does (so casting='no' into a complex out raises); out and dtype together are an error.
std::optional<DType> joined_dtype(const char* fname, py::handle out, py::handle dtype) {
  if (out.is_none() || !py::isinstance<Array>(out)) return optional_dtype(dtype);
  if (!dtype.is_none())
    throw TypeError(std::string(fname) +
                    "() only takes `out` or `dtype` as an argument, but both were provided.");
  return out.cast<const Array&>().dtype();
}

// concatenate(..., axis=None) joins Python scalars as NumPy 2 does: as weak scalars (NEP 50),
// so concatenate([np.float32(1), 1.], axis=None) stays float32; each scalar is cast to the
// result type as NumPy casts a Python int (uint8 joined with 300 wraps). nullopt when the
// sequence holds no Python scalar.
std::optional<std::pair<std::vector<Array>, DType>> with_weak_scalars(py::handle arrays) {
  if (!PyList_Check(arrays.ptr()) && !PyTuple_Check(arrays.ptr())) return std::nullopt;
  bool any_python_scalar = false;
  std::vector<np::Operand> ops;
  for (auto h : arrays) {
    PyObject* p = h.ptr();
    const bool scalar = PyLong_CheckExact(p) || PyFloat_CheckExact(p) || PyComplex_CheckExact(p);
    any_python_scalar |= scalar;
    ops.push_back(scalar ? operand_from_py(h) : np::Operand(A::array(h)));
  }
  if (!any_python_scalar) return std::nullopt;
  const DType dt = np::result_type(ops);
  std::vector<Array> joined;
  for (const auto& op : ops)
    joined.push_back(op.weak == WeakKind::None ? op.array : astype(op.array, dt));
  return std::make_pair(std::move(joined), dt);
}

std::optional<np::Operand> optional_operand(py::handle h) {
  if (h.is_none()) return std::nullopt;
  return operand_from_py(h);
}

DType dtype_or(py::handle h, DType dflt) {
  return h.is_none() ? dflt : dtype_from_py(h);
}

// The axes of a ufunc-style reduction. NumPy's ufunc.reduce accepts a plain int axis 0 or -1
// on a 0-d array (meaning the whole array); a tuple still has to be in range.
np::AxisArg reduce_axes(const Array& x, py::handle axis) {
  if (x.ndim() == 0 && !axis.is_none() && !PyTuple_Check(axis.ptr()) && !PyList_Check(axis.ptr())) {
    int64_t a = py_convert::index_value(axis);
    if (a == 0 || a == -1) return std::nullopt;
  }
  return A::axes(axis);
}

}  // namespace

// A reduction's initial= value: a scalar (NumPy's "setting an array element with a sequence").
np::Operand initial_scalar(const char* fname, py::handle initial) {
  np::Operand v = operand_from_py(initial);
  if (v.array.ndim() != 0)
    throw ValueError(std::string(fname) + ": initial must be a scalar, got an array of shape " +
                     shape_str(v.array.shape()));
  return v;
}

void init_functions(py::module_& m) {
  using py::arg;
  auto none = py::none();

  // Reductions with dtype=.
  auto reduce_with_dtype = [&](const char* name, Array (*fn)(const Array&, const np::AxisArg&,
                                                             std::optional<DType>, bool)) {
    m.def(
        name,
        [fn, name](py::handle a, py::handle axis, py::handle dtype, py::handle out, bool keepdims,
                   py::handle initial, py::handle where, bool promote_integers) -> py::object {
          if (where.ptr() != Py_True)
            return masked_reduction(name)(a, axis, dtype, out, keepdims, initial, where);
          Array x = A::array(a);
          std::optional<DType> dt = optional_dtype(dtype);
          // jax.numpy's promote_integers=False: an integer sum keeps its dtype, a bool one is
          // int32, as JAX's (NumPy, and the default, widen them to int64 / uint64).
          if (!promote_integers && !dt && is_integer(x.dtype())) dt = x.dtype();
          if (!promote_integers && !dt && is_bool(x.dtype())) dt = DType::Int32;
          Array r = fn(x, reduce_axes(x, axis), dt, keepdims);
          if (!initial.is_none()) {
            const char* combine = std::string(name) == "sum" ? "add" : "multiply";
            // initial is cast to the result's dtype, as NumPy does (sum(int32, initial=1.5)
            // is an int64 sum).
            r = np::ufunc2(combine, np::Operand(r),
                           np::Operand(np::full({}, initial_scalar(name, initial), r.dtype())));
          }
          return A::maybe_out(r, out, name);
        },
        arg("a"), arg("axis") = none, arg("dtype") = none, arg("out") = none,
        arg("keepdims") = false, arg("initial") = none, arg("where") = true, py::kw_only(),
        arg("promote_integers") = true);
  };
  reduce_with_dtype("sum", &np::sum);
  reduce_with_dtype("prod", &np::prod);
  m.def(
      "mean",
      [](py::handle a, py::handle axis, py::handle dtype, py::handle out, bool keepdims,
         py::handle where) -> py::object {
        if (where.ptr() != Py_True)
          return masked_reduction("mean")(a, axis, dtype, out, keepdims, py::arg("where") = where);
        Array x = A::array(a);
        Array r = np::mean(x, A::axes(axis), optional_dtype(dtype), keepdims);
        if (!x.is_tracer() && x.size() == 0 && r.size() > 0) warn_runtime("Mean of empty slice");
        return A::maybe_out(r, out, "mean");
      },
      arg("a"), arg("axis") = none, arg("dtype") = none, arg("out") = none, arg("keepdims") = false,
      arg("where") = true);
  auto moments = [&](const char* name, Array (*fn)(const Array&, const np::AxisArg&,
                                                   std::optional<DType>, bool, double)) {
    m.def(
        name,
        [fn, name](py::handle a, py::handle axis, py::handle dtype, py::handle out, double ddof,
                   bool keepdims, py::handle where, py::handle mean,
                   py::handle correction) -> py::object {
          if (where.ptr() != Py_True || !mean.is_none())
            return masked_reduction(name)(a, axis, dtype, out, ddof, keepdims,
                                          py::arg("where") = where, py::arg("mean") = mean,
                                          py::arg("correction") = correction);
          if (!correction.is_none()) {
            if (ddof != 0)
              throw ValueError(std::string(name) +
                               ": ddof and correction can't be provided simultaneously.");
            ddof = correction.cast<double>();
          }
          Array x = A::array(a);
          Array r = fn(x, A::axes(axis), optional_dtype(dtype), keepdims, ddof);
          if (!x.is_tracer() && r.size() > 0 &&
              static_cast<double>(x.size() / r.size()) - ddof <= 0)
            warn_runtime("Degrees of freedom <= 0 for slice");
          return A::maybe_out(r, out, name);
        },
        arg("a"), arg("axis") = none, arg("dtype") = none, arg("out") = none, arg("ddof") = 0,
        arg("keepdims") = false, py::kw_only(), arg("where") = true, arg("mean") = none,
        arg("correction") = none);
  };
  moments("var", &np::var);
  moments("std", &np::std);
  auto extreme = [&](const char* name, Array (*fn)(const Array&, const np::AxisArg&, bool),
                     const char* combine) {
    m.def(
        name,
        [fn, name, combine](py::handle a, py::handle axis, py::handle out, bool keepdims,
                            py::handle initial, py::handle where) -> py::object {
          if (where.ptr() != Py_True)
            return masked_reduction(name)(a, axis, out, keepdims, initial, where);
          Array x = A::array(a);
          if (!initial.is_none() && x.size() == 0) {
            // NumPy: the reduction of an empty array with an initial value is that value at
            // every place of the result.
            const np::AxisArg axes = reduce_axes(x, axis);
            std::vector<bool> reduced(x.ndim(), !axes);
            if (axes)
              for (int64_t k : np::normalize_axes(*axes, x.ndim(), name)) reduced[k] = true;
            Shape shape;
            for (int k = 0; k < x.ndim(); ++k)
              if (!reduced[k])
                shape.push_back(x.shape()[k]);
              else if (keepdims)
                shape.push_back(1);
            return A::maybe_out(np::full(shape, initial_scalar(name, initial), x.dtype()), out,
                                name);
          }
          Array r = fn(x, reduce_axes(x, axis), keepdims);
          if (!initial.is_none())  // in x's dtype, as NumPy (max(int32, initial=-1.5) is int32)
            r = np::ufunc2(combine, np::Operand(r),
                           np::Operand(np::full({}, initial_scalar(name, initial), x.dtype())));
          return A::maybe_out(r, out, name);
        },
        arg("a"), arg("axis") = none, arg("out") = none, arg("keepdims") = false,
        arg("initial") = none, arg("where") = true);
  };
  extreme("max", &np::max, "maximum");
  extreme("amax", &np::max, "maximum");
  extreme("min", &np::min, "minimum");
  extreme("amin", &np::min, "minimum");
  auto logical = [&](const char* name, Array (*fn)(const Array&, const np::AxisArg&, bool)) {
    m.def(
        name,
        [fn, name](py::handle a, py::handle axis, py::handle out, bool keepdims,
                   py::handle where) -> py::object {
          if (where.ptr() != Py_True)
            return masked_reduction(name)(a, axis, out, keepdims, py::arg("where") = where);
          Array x = A::array(a);
          return A::maybe_out(fn(x, reduce_axes(x, axis), keepdims), out, name);
        },
        arg("a"), arg("axis") = none, arg("out") = none, arg("keepdims") = false, py::kw_only(),
        arg("where") = true);
  };
  logical("all", &np::all);
  logical("any", &np::any);
  auto arg_extreme = [&](const char* name,
                         Array (*fn)(const Array&, std::optional<int64_t>, bool)) {
    m.def(
        name,
        [fn, name](py::handle a, py::handle axis, py::handle out, bool keepdims) {
          return A::maybe_out(fn(A::array(a), A::axis(axis), keepdims), out, name);
        },
        arg("a"), arg("axis") = none, arg("out") = none, py::kw_only(), arg("keepdims") = false);
  };
  arg_extreme("argmax", &np::argmax);
  arg_extreme("argmin", &np::argmin);
  auto scan = [&](const char* name,
                  Array (*fn)(const Array&, std::optional<int64_t>, std::optional<DType>)) {
    m.def(
        name,
        [fn, name](py::handle a, py::handle axis, py::handle dtype, py::handle out) {
          return A::maybe_out(fn(A::array(a), A::axis(axis), optional_dtype(dtype)), out, name);
        },
        arg("a"), arg("axis") = none, arg("dtype") = none, arg("out") = none);
  };
  scan("cumsum", &np::cumsum);
  scan("cumprod", &np::cumprod);

  // Shape manipulation.
  m.def(
      "reshape",
      [](py::handle a, py::handle shape, const std::string& order, py::handle newshape,
         py::handle copy) {
        py::handle s = shape.is_none() ? newshape : shape;
        if (s.is_none()) throw TypeError("reshape() missing required argument 'shape'");
        std::optional<bool> c;
        if (!copy.is_none()) c = copy.cast<bool>();
        return np::reshape_np(A::array(a), A::shape(s), order, c);
      },
      arg("a"), arg("shape") = none, arg("order") = "C", py::kw_only(), arg("newshape") = none,
      arg("copy") = none);
  m.def(
      "transpose",
      [](py::handle a, py::handle axes) { return np::transpose_np(A::array(a), A::axes(axes)); },
      arg("a"), arg("axes") = none);
  m.def(
      "permute_dims",
      [](py::handle a, py::handle axes) { return np::transpose_np(A::array(a), A::axes(axes)); },
      arg("a"), arg("axes") = none);
  m.def(
      "swapaxes",
      [](py::handle a, int64_t a1, int64_t a2) { return np::swapaxes(A::array(a), a1, a2); },
      arg("a"), arg("axis1"), arg("axis2"));
  m.def(
      "moveaxis",
      [](py::handle a, py::handle source, py::handle destination) {
        return np::moveaxis(A::array(a), A::required_axes(source, "moveaxis"),
                            A::required_axes(destination, "moveaxis"));
      },
      arg("a"), arg("source"), arg("destination"));
  m.def(
      "squeeze",
      [](py::handle a, py::handle axis) { return np::squeeze(A::array(a), A::axes(axis)); },
      arg("a"), arg("axis") = none);
  m.def(
      "expand_dims",
      [](py::handle a, py::handle axis) {
        return np::expand_dims(A::array(a), A::required_axes(axis, "expand_dims"));
      },
      arg("a"), arg("axis"));
  m.def(
      "ravel", [](py::handle a, const std::string& order) { return np::ravel(A::array(a), order); },
      arg("a"), arg("order") = "C");
  m.def(
      "flatten",
      [](py::handle a, const std::string& order) { return np::flatten(A::array(a), order); },
      arg("a"), arg("order") = "C");
  m.def(
      "broadcast_to",
      // (subok: arrax's arrays have no subclasses to keep; taken, as NumPy's keyword)
      [](py::handle a, py::handle shape, bool) {
        return np::broadcast_to_np(A::array(a), A::shape(shape));
      },
      arg("array"), arg("shape"), arg("subok") = false);
  m.def("broadcast_arrays", [](py::args args) {
    std::vector<Array> xs;
    for (auto h : args) xs.push_back(A::array(h));
    return np::broadcast_arrays(xs);
  });
  m.def("broadcast_shapes", [](py::args args) {
    std::vector<Shape> shapes;
    for (auto h : args) {
      shapes.push_back(A::shape(h));
      for (int64_t d : shapes.back())
        if (d < 0) throw ValueError("broadcast_shapes: negative dimensions are not allowed");
    }
    Shape s = np::broadcast_shapes("broadcast_shapes", shapes);
    py::tuple t(s.size());
    for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
    return t;
  });
  m.def(
      "concatenate",
      [](py::handle arrays, py::handle axis, py::handle out, py::handle dtype,
         const std::string& casting) {
        // NumPy's limit, checked before converting what may be a huge sequence.
        constexpr size_t max_arrays = std::numeric_limits<int32_t>::max();
        if (py::hasattr(arrays, "__len__") && py::len(arrays) > max_arrays)
          throw py::value_error("concatenate() only supports up to " + std::to_string(max_arrays) +
                                " arrays but got " + std::to_string(py::len(arrays)) + ".");
        std::optional<DType> dt = joined_dtype("concatenate", out, dtype);
        if (!dt && axis.is_none())
          if (auto joined = with_weak_scalars(arrays))
            return A::maybe_out(
                np::concatenate(joined->first, std::nullopt, joined->second, casting), out,
                "concatenate");
        return A::maybe_out(np::concatenate(A::arrays(arrays), A::axis(axis), dt, casting), out,
                            "concatenate");
      },
      arg("arrays"), arg("axis") = 0, arg("out") = none, py::kw_only(), arg("dtype") = none,
      arg("casting") = "same_kind");
  m.attr("concat") = m.attr("concatenate");  // NumPy 2's alias, with the same signature
  m.def(
      "stack",
      [](py::handle arrays, int64_t axis, py::handle out, py::handle dtype,
         const std::string& casting) {
        return A::maybe_out(
            np::stack(A::arrays(arrays), axis, joined_dtype("stack", out, dtype), casting), out,
            "stack");
      },
      arg("arrays"), arg("axis") = 0, arg("out") = none, py::kw_only(), arg("dtype") = none,
      arg("casting") = "same_kind");
  m.def(
      "hstack",
      [](py::handle tup, py::handle dtype, const std::string& casting) {
        return np::hstack(A::arrays(tup), optional_dtype(dtype), casting);
      },
      arg("tup"), py::kw_only(), arg("dtype") = none, arg("casting") = "same_kind");
  m.def(
      "vstack",
      [](py::handle tup, py::handle dtype, const std::string& casting) {
        return np::vstack(A::arrays(tup), optional_dtype(dtype), casting);
      },
      arg("tup"), py::kw_only(), arg("dtype") = none, arg("casting") = "same_kind");
  // dtype= is jax.numpy's (NumPy's dstack has none): the joined array converted, unsafely.
  m.def(
      "dstack",
      [](py::handle tup, py::handle dtype) {
        Array r = np::dstack(A::arrays(tup));
        auto dt = optional_dtype(dtype);
        return dt && *dt != r.dtype() ? np::astype(r, *dt) : r;
      },
      arg("tup"), py::kw_only(), arg("dtype") = none);
  // An arrax array with enough dimensions is returned itself, as NumPy does (atleast_1d(x) is x).
  auto atleast = [&](const char* name, Array (*fn)(const Array&), int64_t ndim) {
    m.def(name, [fn, ndim](py::args args) -> py::object {
      auto one = [&](py::handle h) -> py::object {
        if (py::isinstance<Array>(h) && h.cast<const Array&>().ndim() >= ndim)
          return py::reinterpret_borrow<py::object>(h);
        return py::cast(fn(A::array(h)));
      };
      if (args.size() == 1) return one(args[0]);
      py::tuple t(args.size());
      for (size_t i = 0; i < args.size(); ++i) t[i] = one(args[i]);
      return t;
    });
  };
  atleast("atleast_1d", &np::atleast_1d, 1);
  atleast("atleast_2d", &np::atleast_2d, 2);
  atleast("atleast_3d", &np::atleast_3d, 3);
  m.def(
      "clip",
      [](py::handle a, py::handle a_min, py::handle a_max, py::handle out, py::handle min,
         py::handle max) {
        py::handle lo = a_min.is_none() ? min : a_min, hi = a_max.is_none() ? max : a_max;
        return A::maybe_out(np::clip(A::array(a), optional_operand(lo), optional_operand(hi)), out,
                            "clip");
      },
      arg("a"), arg("a_min") = none, arg("a_max") = none, arg("out") = none, py::kw_only(),
      arg("min") = none, arg("max") = none);
  m.def(
      "where",
      [](py::handle cond, py::handle x, py::handle y) -> py::object {
        if (x.is_none() && y.is_none()) {
          static py::handle nonzero =
              arrax::held(py::module_::import("arrax.numpy").attr("nonzero"));
          return nonzero(cond);
        }
        if (x.is_none() || y.is_none())
          throw ValueError("where: either both or neither of x and y should be given");
        return py::cast(np::where(operand_from_py(cond), operand_from_py(x), operand_from_py(y)));
      },
      arg("condition"), arg("x") = none, arg("y") = none);

  // Creation.
  m.def(
      "full",
      [](py::handle shape, py::handle fill_value, py::handle dtype, py::handle, py::handle,
         py::handle) {
        return np::full(A::shape(shape), operand_from_py(fill_value), optional_dtype(dtype));
      },
      arg("shape"), arg("fill_value"), arg("dtype") = none, arg("order") = "C", py::kw_only(),
      arg("device") = none, arg("like") = none);
  auto filled = [&](const char* name, Array (*fn)(const Shape&, DType)) {
    m.def(
        name,
        [fn](py::handle shape, py::handle dtype, py::handle, py::handle, py::handle) {
          return fn(A::shape(shape), dtype_or(dtype, DType::Float64));
        },
        arg("shape"), arg("dtype") = none, arg("order") = "C", py::kw_only(), arg("device") = none,
        arg("like") = none);
  };
  filled("zeros", &np::zeros);
  filled("ones", &np::ones);
  filled("empty", &np::empty);
  m.def(
      "full_like",
      [](py::handle a, py::handle fill_value, py::handle dtype, py::handle, py::handle,
         py::handle shape, py::handle) {
        std::optional<Shape> s;
        if (!shape.is_none()) s = A::shape(shape);
        return np::full_like(A::array(a), operand_from_py(fill_value), optional_dtype(dtype), s);
      },
      arg("a"), arg("fill_value"), arg("dtype") = none, arg("order") = "K", arg("subok") = true,
      arg("shape") = none, py::kw_only(), arg("device") = none);
  auto like = [&](const char* name,
                  Array (*fn)(const Array&, std::optional<DType>, const std::optional<Shape>&)) {
    m.def(
        name,
        [fn](py::handle a, py::handle dtype, py::handle, py::handle, py::handle shape, py::handle) {
          std::optional<Shape> s;
          if (!shape.is_none()) s = A::shape(shape);
          return fn(A::array(a), optional_dtype(dtype), s);
        },
        arg("a"), arg("dtype") = none, arg("order") = "K", arg("subok") = true, arg("shape") = none,
        py::kw_only(), arg("device") = none);
  };
  like("zeros_like", &np::zeros_like);
  like("ones_like", &np::ones_like);
  like("empty_like", &np::empty_like);
  // A length that depends on a traced value: JAX's ConcretizationTypeError, naming the argument.
  auto static_length_args = [](const char* fname,
                               std::initializer_list<std::pair<const char*, py::handle>> args) {
    for (auto& [name, h] : args) {
      if (h.is_none() || PyLong_CheckExact(h.ptr()) || PyFloat_CheckExact(h.ptr())) continue;
      Array concrete;
      if (py::isinstance<Array>(h) && h.cast<const Array&>().is_tracer() &&
          !h.cast<const Array&>().tracer()->concrete_value(concrete))
        throw ConcretizationError(
            std::string(fname) + ": the argument '" + name +
                "' sets the result's length, so it must be concrete (known when tracing), not a "
                "traced array; pass it as a static argument (jit's static_argnums)",
            ConcretizationError::Kind::Generic);
    }
  };
  m.def(
      "arange",
      [static_length_args](py::handle start, py::handle stop, py::handle step, py::handle dtype,
                           py::handle, py::handle) {
        // (arange(n)'s one argument is its stop)
        static_length_args(
            "arange", {{stop.is_none() ? "stop" : "start", start}, {"stop", stop}, {"step", step}});
        if (start.is_none() && stop.is_none())
          throw TypeError("arange() requires stop to be specified.");
        if (start.is_none())
          return np::arange(operand_from_py(stop), std::nullopt, optional_operand(step),
                            optional_dtype(dtype));
        if (stop.is_none() && !step.is_none())  // arange(stop, step=...) counts from 0
          return np::arange(np::scalar_operand(int64_t{0}), operand_from_py(start),
                            optional_operand(step), optional_dtype(dtype));
        return np::arange(operand_from_py(start), optional_operand(stop), optional_operand(step),
                          optional_dtype(dtype));
      },
      arg("start") = none, arg("stop") = none, arg("step") = none, arg("dtype") = none,
      py::kw_only(), arg("device") = none, arg("like") = none);
  m.def(
      "linspace",
      [static_length_args](py::handle start, py::handle stop, py::handle num_obj, bool endpoint,
                           bool retstep, py::handle dtype, int64_t axis, py::handle) -> py::object {
        static_length_args("linspace", {{"num", num_obj}});
        const int64_t num = py_convert::index_value(num_obj);
        if (retstep) {
          auto [y, step] = np::linspace_with_step(operand_from_py(start), operand_from_py(stop),
                                                  num, endpoint, optional_dtype(dtype), axis);
          return py::make_tuple(y, step);
        }
        return py::cast(np::linspace(operand_from_py(start), operand_from_py(stop), num, endpoint,
                                     optional_dtype(dtype), axis));
      },
      arg("start"), arg("stop"), arg("num") = 50, arg("endpoint") = true, arg("retstep") = false,
      arg("dtype") = none, arg("axis") = 0, py::kw_only(), arg("device") = none);
  m.def(
      "logspace",
      [](py::handle start, py::handle stop, int64_t num, bool endpoint, py::handle base,
         py::handle dtype, int64_t axis) {
        return np::logspace(operand_from_py(start), operand_from_py(stop), num, endpoint,
                            optional_operand(base), optional_dtype(dtype), axis);
      },
      arg("start"), arg("stop"), arg("num") = 50, arg("endpoint") = true, arg("base") = 10.0,
      arg("dtype") = none, arg("axis") = 0);
  m.def(
      "eye",
      [](int64_t n, py::handle mm, int64_t k, py::handle dtype, py::handle, py::handle,
         py::handle) {
        std::optional<int64_t> mv;
        if (!mm.is_none()) {
          try {
            mv = py_convert::index_value(mm);
          } catch (const OverflowError&) {  // (NumPy's error for a size past int64)
            throw ValueError("eye: Maximum allowed dimension exceeded");
          }
        }
        return np::eye(n, mv, k, dtype_or(dtype, DType::Float64));
      },
      arg("N"), arg("M") = none, arg("k") = 0, arg("dtype") = none, arg("order") = "C",
      py::kw_only(), arg("device") = none, arg("like") = none);
  m.def(
      "identity",
      [](int64_t n, py::handle dtype, py::handle) {
        return np::identity(n, dtype_or(dtype, DType::Float64));
      },
      arg("n"), arg("dtype") = none, py::kw_only(), arg("like") = none);
  m.def(
      "copy", [](py::handle a, const std::string&) { return np::copy(A::array(a)); }, arg("a"),
      arg("order") = "K");
}

}  // namespace arrax::bindings
