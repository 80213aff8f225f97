// NumPy's ufunc objects: one `ufunc` instance per row of numpy_api's ufunc table, callable
// with NumPy's out=, where=, dtype= and casting= keywords.
#include <pybind11/stl.h>

#include "convert.h"
#include "fp_errors.h"
#include "numpy_api/ufuncs.h"
#include "overrides.h"
#include "py_held.h"

namespace arrax::bindings {

using namespace py_convert;
namespace {

// NumPy's own arrays as out=: the ufunc writes a copy (so where= keeps their other values),
// which is then copied back into them.
struct HostOuts {
  std::vector<std::pair<int, py::object>> items;
  bool take(py::handle o, int i, std::vector<std::optional<Array>>& outs) {
    if (!py::isinstance<py::array>(o) || py::isinstance<Array>(o)) return false;
    outs[i] = np::copy(array_from_py(o));
    items.emplace_back(i, py::reinterpret_borrow<py::object>(o));
    return true;
  }
  void write_back(const std::vector<Array>& results) const {
    for (const auto& [i, o] : items) o.attr("__setitem__")(py::ellipsis(), to_numpy(results[i]));
  }
};

Array out_array(py::handle o, const np::UfuncDef& u) {
  if (!py::isinstance<Array>(o))
    throw TypeError(u.name + ": return arrays must be of ArrayType (arrax.numpy.ndarray), got " +
                    std::string(py::str(py::type::handle_of(o).attr("__name__"))));
  return o.cast<Array>();
}

// The loop dtype a ufunc's signature= names (a tuple of dtypes and Nones, or a string such as
// "dd->d"): arrax has one loop per dtype, so a signature picks the loop of the dtype it names
// (its output's when its entries differ), as dtype= does. None when it names none.
std::optional<DType> signature_dtype(const np::UfuncDef& u, py::handle sig) {
  if (sig.is_none()) return std::nullopt;
  std::vector<py::object> entries;
  if (py::isinstance<py::str>(sig)) {
    std::string text = py::str(sig);
    for (char c : text)
      if (c != '-' && c != '>' && c != ',' && c != ' ')
        entries.push_back(py::module_::import("numpy").attr("dtype")(std::string(1, c)));
  } else if (PyTuple_Check(sig.ptr())) {
    for (auto e : sig) entries.push_back(py::reinterpret_borrow<py::object>(e));
  } else {
    throw TypeError(u.name + ": the signature object to ufunc must be a string or a tuple.");
  }
  if (static_cast<int>(entries.size()) != u.nin + u.nout)
    throw ValueError(u.name + ": a type-tuple must be specified of length " +
                     std::to_string(u.nin + u.nout) + " for ufunc '" + u.name + "'");
  std::optional<DType> out;
  const bool bool_output = np::has_bool_output(u);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].is_none()) continue;
    std::optional<DType> named = optional_dtype(entries[i]);
    if (bool_output && static_cast<int>(i) >= u.nin) {  // (a boolean ufunc's output is bool)
      if (named && *named != DType::Bool)
        throw TypeError(u.name +
                        ": No loop matching the specified signature and casting was found for "
                        "ufunc " +
                        u.name);
      continue;
    }
    out = named;  // (the last named: the output's if named)
  }
  return out;
}

py::object call_ufunc_unwatched(const np::UfuncDef& u, py::args args, py::kwargs kwargs) {
  size_t nargs = args.size();
  if (nargs < static_cast<size_t>(u.nin) || nargs > static_cast<size_t>(u.nin + u.nout))
    throw TypeError(u.name + "() takes from " + std::to_string(u.nin) + " to " +
                    std::to_string(u.nin + u.nout) + " positional arguments but " +
                    std::to_string(nargs) + " were given");
  std::vector<np::Operand> inputs;
  inputs.reserve(u.nin);
  for (int i = 0; i < u.nin; ++i) inputs.push_back(operand_from_py(args[i], u.name));
  std::vector<std::optional<Array>> outs(u.nout);
  HostOuts host_outs;
  // (out=... is NumPy 2's "return an array": the same as no out here)
  auto take_out = [&](py::handle o, int i) {
    if (o.is_none() || o.ptr() == Py_Ellipsis || host_outs.take(o, i, outs)) return;
    outs[i] = out_array(o, u);
  };
  for (size_t i = u.nin; i < nargs; ++i) {
    if (args[i].ptr() == Py_Ellipsis)  // (NumPy's error)
      throw TypeError(u.name + ": out=... is only allowed as a keyword argument.");
    take_out(args[i], static_cast<int>(i) - u.nin);
  }
  std::optional<Array> where;
  std::optional<DType> dtype;
  std::string casting = "same_kind";
  if (kwargs) {
    for (auto item : kwargs) {
      std::string key = py::str(item.first);
      py::handle v = item.second;
      if (key == "out") {
        if (PyTuple_Check(v.ptr())) {
          py::tuple t = py::reinterpret_borrow<py::tuple>(v);
          if (static_cast<int>(t.size()) != u.nout)
            throw ValueError(u.name + ": The 'out' tuple must have exactly " +
                             std::to_string(u.nout) + " entries");
          for (int i = 0; i < u.nout; ++i) take_out(t[i], i);
        } else if (!v.is_none() && v.ptr() != Py_Ellipsis) {
          if (u.nout != 1) throw TypeError(u.name + ": 'out' must be a tuple of arrays");
          take_out(v, 0);
        }
      } else if (key == "where") {
        if (!(PyBool_Check(v.ptr()) && v.ptr() == Py_True)) {
          Array w = array_from_py(v);
          // An array mask must be boolean (NumPy casts it with the 'safe' rule); Python
          // scalars and lists are converted.
          if ((py::isinstance<Array>(v) || py::isinstance<py::array>(v)) &&
              w.dtype() != DType::Bool)
            throw TypeError(u.name + ": Cannot cast array data from dtype('" +
                            dtype_name(w.dtype()) +
                            "') to dtype('bool') according to the rule 'safe'");
          where = np::convert(w, DType::Bool);
        }
      } else if (key == "dtype") {
        dtype = optional_dtype(v);
        // dtype= names the output's dtype: a boolean ufunc has only boolean outputs.
        if (dtype && np::has_bool_output(u)) {
          if (*dtype != DType::Bool)
            throw TypeError(u.name +
                            ": No loop matching the specified signature and casting was found "
                            "for ufunc " +
                            u.name);
          dtype.reset();
        }
      } else if (key == "casting") {
        if (!PyUnicode_Check(v.ptr()))
          throw TypeError(u.name + ": casting must be str, not " + Py_TYPE(v.ptr())->tp_name);
        casting = py::str(v);
        if (casting != "no" && casting != "equiv" && casting != "safe" && casting != "same_kind" &&
            casting != "unsafe")
          throw ValueError(u.name +
                           ": casting must be one of 'no', 'equiv', 'safe', 'same_kind', "
                           "'unsafe' (got '" +
                           casting + "')");
      } else if (key == "signature" || key == "sig") {
        if (auto loop = signature_dtype(u, v)) dtype = loop;
      } else if (key == "order") {
        // Checked as NumPy does; arrax's outputs are C-ordered arrays.
        if (!v.is_none()) {
          if (!PyUnicode_Check(v.ptr()))
            throw TypeError(u.name + ": order must be str, not " + Py_TYPE(v.ptr())->tp_name);
          std::string order = py::str(v);
          if (order.size() != 1 || std::string("CFAKcfak").find(order[0]) == std::string::npos)
            throw ValueError(u.name + ": order must be one of 'C', 'F', 'A', or 'K' (got '" +
                             order + "')");
        }
      } else if (key == "subok") {
        if (!PyBool_Check(v.ptr())) throw TypeError(u.name + ": 'subok' must be a boolean");
      } else {
        throw TypeError(u.name + "() got an unexpected keyword argument '" + key + "'");
      }
    }
  }
  bool any_out = false;
  for (auto& o : outs) any_out = any_out || o.has_value();
  if (!any_out && !where && !dtype) return arrays_to_py(np::apply_ufunc(u, inputs));
  if (dtype && casting != "unsafe") {
    // (A Python scalar of a higher kind, 3.0 into an integer loop, is refused too.)
    for (auto& op : inputs)
      if (op.weak == WeakKind::None ? !np::can_cast(op.array.dtype(), *dtype, casting)
                                    : static_cast<int>(op.weak) > kind_rank(*dtype))
        throw TypeError(u.name + ": Cannot cast ufunc '" + u.name + "' input from dtype('" +
                        dtype_name(op.array.dtype()) + "') to dtype('" + dtype_name(*dtype) +
                        "') with casting rule '" + casting + "'");
  }
  std::vector<Array> results = np::apply_ufunc_out(u, inputs, outs, where, dtype, casting);
  host_outs.write_back(results);
  // NumPy returns the out= objects themselves.
  std::vector<py::object> objs;
  py::object out_kw =
      kwargs && kwargs.contains("out") ? py::object(kwargs["out"]) : py::object(py::none());
  for (int i = 0; i < u.nout; ++i) {
    py::object given = py::none();
    if (static_cast<size_t>(u.nin + i) < nargs)
      given = args[u.nin + i];
    else if (PyTuple_Check(out_kw.ptr()))
      given = out_kw[py::int_(i)];
    else if (i == 0 && !out_kw.is_none())
      given = out_kw;
    const bool none = given.is_none() || given.ptr() == Py_Ellipsis;
    objs.push_back(none ? py::cast(results[i]) : given);
  }
  if (objs.size() == 1) return objs[0];
  py::tuple t(objs.size());
  for (size_t i = 0; i < objs.size(); ++i) t[i] = objs[i];
  return t;
}

// The call with NumPy's floating-point error reporting.
py::object call_ufunc(const np::UfuncDef& u, py::args args, py::kwargs kwargs) {
  if (any_overrides(args, kwargs))  // a duck array's __array_ufunc__ takes the call (NEP 13)
    return *call_array_ufunc(py::cast(&u, py::return_value_policy::reference), "__call__", args,
                             kwargs ? py::dict(kwargs) : py::dict());
  start_fp_watch();
  py::object result;
  try {
    result = call_ufunc_unwatched(u, args, kwargs);
  } catch (const arrax::ConcretizationError&) {
    throw;
  } catch (const arrax::TypeError&) {
    // Strings, objects or dates (NumPy arrays of them): NumPy's own ufunc takes the call.
    static py::handle on_host =
        arrax::held(py::module_::import("arrax.numpy._host_fallback").attr("ufunc_on_host"));
    py::object r = on_host(u.name, args, kwargs ? py::dict(kwargs) : py::dict());
    if (r.is_none()) throw;
    return r;
  }
  py::object where = kwargs && kwargs.contains("where") ? py::object(kwargs["where"]) : py::none();
  return finish_fp_watch(u.name, std::move(result), [&] { return args; }, u.nin, where);
}

// The type's call slot. pybind11's __call__ goes through its overload dispatcher, which builds
// py::args and py::kwargs for every call (about half of np.exp(x)'s time on a small array);
// a plain call with arrays, np.exp(x) or np.add(x, y), goes to the ufunc directly.
PyObject* ufunc_tp_call(PyObject* self, PyObject* args, PyObject* kwargs) {
  return slot_call([&]() -> py::object {
    const auto& u = py::cast<const np::UfuncDef&>(py::handle(self));
    const Py_ssize_t n = PyTuple_GET_SIZE(args);
    bool plain = (!kwargs || PyDict_GET_SIZE(kwargs) == 0) && n == u.nin;
    for (Py_ssize_t i = 0; plain && i < n; ++i)
      plain = py_convert::exact_array(PyTuple_GET_ITEM(args, i)) != nullptr;
    py::args a = py::reinterpret_borrow<py::args>(args);
    if (!plain)
      return call_ufunc(u, a, kwargs ? py::reinterpret_borrow<py::kwargs>(kwargs) : py::kwargs());
    std::vector<np::Operand> inputs;
    inputs.reserve(n);
    for (Py_ssize_t i = 0; i < n; ++i) inputs.push_back(operand_from_py(a[i], u.name));
    start_fp_watch();
    py::object result = arrays_to_py(np::apply_ufunc(u, inputs));
    return finish_fp_watch(u.name, std::move(result), [&] { return a; }, u.nin, py::none());
  });
}

}  // namespace

void init_ufuncs(py::module_& m) {
  // For the ufunc methods composed in Python (NumPy reports their FP errors "in reduce").
  m.def("_fp_watch_start", &start_fp_watch);
  // arrax.config's jax_numpy_rank_promotion ("allow", "warn" or "raise").
  m.def("_set_rank_promotion", [](const std::string& mode) {
    if (mode == "allow") return np::set_rank_promotion(np::RankPromotion::Allow, nullptr);
    if (mode == "raise") return np::set_rank_promotion(np::RankPromotion::Raise, nullptr);
    if (mode != "warn")
      throw ValueError("jax_numpy_rank_promotion: expected 'allow', 'warn' or 'raise', got '" +
                       mode + "'");
    np::set_rank_promotion(np::RankPromotion::Warn, [](const std::string& message) {
      if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) < 0) throw py::error_already_set();
    });
  });
  // arrax.config's jax_numpy_dtype_promotion ("standard" or "strict").
  m.def("_set_dtype_promotion", [](const std::string& mode) {
    if (mode == "standard") return np::set_strict_dtype_promotion(nullptr);
    if (mode != "strict")
      throw ValueError("jax_numpy_dtype_promotion: expected 'standard' or 'strict', got '" + mode +
                       "'");
    np::set_strict_dtype_promotion([](const std::string& message) {
      static py::handle error =
          arrax::held(py::module_::import("arrax.dtypes").attr("TypePromotionError"));
      PyErr_SetString(error.ptr(), message.c_str());
      throw py::error_already_set();
    });
  });
  m.def("_dtype_promotion", [] { return np::strict_dtype_promotion() ? "strict" : "standard"; });
  m.def("_rank_promotion", [] {
    switch (np::rank_promotion()) {
      case np::RankPromotion::Warn:
        return "warn";
      case np::RankPromotion::Raise:
        return "raise";
      default:
        return "allow";
    }
  });
  m.def("_fp_watch_kinds", &raised_fp_kinds);
  // For the ufunc methods composed in Python (reduce, accumulate, outer): (True, result) when
  // an argument's __array_ufunc__ took the call, else (False, None).
  m.def("_array_ufunc_override",
        [](py::handle ufunc, const char* method, py::tuple args, py::dict kwargs) {
          auto r = call_array_ufunc(ufunc, method, args, kwargs);
          if (r) return py::tuple(py::make_tuple(true, *r));
          return py::tuple(py::make_tuple(false, py::none()));
        });
  py::class_<np::UfuncDef> cls(m, "ufunc");
  cls.def_property_readonly("name", [](const np::UfuncDef& u) { return u.name; })
      .def_property_readonly("nin", [](const np::UfuncDef& u) { return u.nin; })
      .def_property_readonly("nout", [](const np::UfuncDef& u) { return u.nout; })
      .def_property_readonly("nargs", [](const np::UfuncDef& u) { return u.nin + u.nout; })
      .def("__call__", &call_ufunc)
      .def("__repr__", [](const np::UfuncDef& u) { return "<ufunc '" + u.name + "'>"; });
  // Instances answer __name__ as NumPy's ufuncs do; setattr on the type would rename the type,
  // so the descriptor goes straight into the type's dict.
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  PyDict_SetItemString(type->tp_dict, "__name__", cls.attr("name").ptr());
  type->tp_call = &ufunc_tp_call;
  PyType_Modified(type);
  py::list names;
  for (auto& u : np::ufunc_table()) names.append(u.name);
  m.attr("ufunc_names") = names;
  m.def(
      "get_ufunc", [](const std::string& name) { return &np::ufunc(name); },
      py::return_value_policy::reference);
}

}  // namespace arrax::bindings
