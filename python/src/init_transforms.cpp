// The engine's IR and interpreter machinery, as the Python transformations use it:
//  - `IR`: a staged graph (printable, verifiable, runnable, walkable by Python interpreters);
//  - `_trace(fn, avals)`: stages fn into an IR (make_ir, jit, control-flow bodies);
//  - `bind(name, inputs, params)`, `abstract_eval(...)`: apply a primitive by name;
//  - `TraceContext`: an interpreter written in Python (JVP, batching). Its tracers are arrax
//    arrays, so every arrax.numpy function and array method works on them unchanged; `bind`
//    routes a primitive that touches them to the context's Python `process` method.
#include <optional>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "convert.h"
#include "transforms/passes.h"
#include "transforms/staging.h"

namespace arrax::bindings {

using namespace py_convert;
using GraphPtr = std::shared_ptr<ir::Graph>;

namespace {

// A Python object carried as a primitive parameter (Params' Opaque).
struct PyOpaque : Opaque {
  py::object obj;
  explicit PyOpaque(py::object o) : obj(std::move(o)) {}
  ~PyOpaque() override {
    py::gil_scoped_acquire gil;
    obj = py::object();
  }
  std::string str() const override {
    py::gil_scoped_acquire gil;
    return py::str(obj);
  }
};
// What Python sees of it: `_core.Opaque(obj)`, whose `.value` is obj.
struct OpaqueHandle {
  std::shared_ptr<const PyOpaque> ref;
};

py::object param_to_py(const ParamValue& v) {
  return std::visit(
      [](const auto& x) -> py::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, DType>) {
          return dtype_to_py(x);
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          return py::tuple(py::cast(x));
        } else if constexpr (std::is_same_v<T, OpaquePtr>) {
          auto p = std::dynamic_pointer_cast<const PyOpaque>(x);
          if (!p) throw std::logic_error("an engine-internal opaque parameter reached Python");
          return py::cast(OpaqueHandle{p});
        } else if constexpr (std::is_same_v<T, GraphList>) {
          py::list l;
          for (auto& g : x) l.append(std::const_pointer_cast<ir::Graph>(g));
          return py::tuple(l);
        } else {
          return py::cast(x);
        }
      },
      v);
}

ParamValue param_from_py(const std::string& key, py::handle v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) return py_convert::index_value(v);  // (OverflowError past int64)
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<ir::Graph>(v)) return GraphList{v.cast<GraphPtr>()};
  if (py::isinstance<OpaqueHandle>(v)) return OpaquePtr(v.cast<const OpaqueHandle&>().ref);
  if (py::isinstance<py::tuple>(v) || py::isinstance<py::list>(v)) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(v);
    if (py::len(seq) > 0 && py::isinstance<ir::Graph>(seq[0])) {
      GraphList gs;
      for (auto g : seq) gs.push_back(g.cast<GraphPtr>());
      return gs;
    }
    std::vector<int64_t> ints;
    for (auto e : seq) ints.push_back(index_value(e));
    return ints;
  }
  try {
    return dtype_from_py(v);
  } catch (...) {
    throw TypeError("bind: parameter '" + key + "' has an unsupported type " +
                    std::string(py::str(py::type::of(v))));
  }
}

Params params_from_py(const py::dict& d) {
  Params p;
  for (auto kv : d) {
    std::string k = kv.first.cast<std::string>();
    p.set(k, param_from_py(k, kv.second));
  }
  return p;
}

py::dict params_to_py(const Params& p) {
  py::dict d;
  for (auto& [k, v] : p.items()) d[py::str(k)] = param_to_py(v);
  return d;
}

py::tuple aval_to_py(const AbstractValue& a) {
  return py::make_tuple(py::tuple(py::cast(std::vector<int64_t>(a.shape.begin(), a.shape.end()))),
                        dtype_to_py(a.dtype), a.weak_type);
}

using AvalSpec = std::tuple<std::vector<int64_t>, py::object, bool>;
AbstractValue aval_from_py(const AvalSpec& s) {
  return AbstractValue{Shape(std::get<0>(s)), dtype_from_py(std::get<1>(s)), std::get<2>(s), {}};
}

std::vector<Array> arrays_from_seq(py::handle seq) {
  std::vector<Array> r;
  for (auto x : seq) r.push_back(array_from_py(x));
  return r;
}

// An interpreter written in Python: `process(name, inputs, params)` on its Python object.
class PyInterpreter : public Interpreter {
 public:
  PyInterpreter(py::object impl, std::string origin)
      : impl_(std::move(impl)), origin_(std::move(origin)), level_(new_interpreter_level()) {}
  std::vector<Array> process(const Primitive& p, const std::vector<Array>& inputs,
                             const Params& params) override {
    if (!impl_ || impl_.is_none())
      throw ir::UnexpectedTracerError(ir::leaked_tracer_message(origin_));
    // Below a dynamic staging interpreter, the rules compute at this level (see bind).
    std::optional<DynamicStagingScope> outside;
    if (level_ < DynamicStagingScope::current_level()) outside.emplace(nullptr, 0);
    py::list ins;
    for (const Array& x : inputs) ins.append(x);
    py::object out = impl_.attr("process")(p.name, ins, params_to_py(params));
    return arrays_from_seq(out);
  }
  int level() const { return level_; }
  const py::object& impl() const { return impl_; }
  void finish() { impl_ = py::none(); }

 private:
  py::object impl_;
  std::string origin_;
  int level_;
};

class PyTracer : public Tracer {
 public:
  PyTracer(std::shared_ptr<PyInterpreter> interp, py::object payload, bool weak)
      : interp_(std::move(interp)), payload_(std::move(payload)), weak_(weak) {}
  ~PyTracer() override {
    py::gil_scoped_acquire gil;
    payload_ = py::object();
  }
  Interpreter& interpreter() const override { return *interp_; }
  int level() const override { return interp_->level(); }
  bool concrete_value(Array& out) const override {
    if (!interp_->impl() || interp_->impl().is_none()) return false;
    py::object v = interp_->impl().attr("concrete")(payload_);
    if (v.is_none()) return false;
    out = v.cast<Array>();
    return true;
  }
  // Set by the trace that makes the tracer (a JVP tracer of a Python scalar argument, or of a
  // weakly typed value), so that NumPy-layer promotion treats it as JAX treats weak types.
  bool weak_type() const override { return weak_; }
  const std::shared_ptr<PyInterpreter>& context() const { return interp_; }
  const py::object& payload() const { return payload_; }

 private:
  std::shared_ptr<PyInterpreter> interp_;
  py::object payload_;
  bool weak_;
};

}  // namespace

void init_transforms(py::module_& m) {
  py::class_<OpaqueHandle>(m, "Opaque")
      .def(py::init([](py::object o) { return OpaqueHandle{std::make_shared<PyOpaque>(o)}; }))
      .def_property_readonly("value", [](const OpaqueHandle& h) { return h.ref->obj; })
      .def("__repr__", [](const OpaqueHandle& h) { return h.ref->str(); });

  py::class_<ir::Graph, GraphPtr>(m, "IR")
      .def("__str__", [](const ir::Graph& g) { return g.str(); })
      .def("__repr__", [](const ir::Graph& g) { return g.str(); })
      .def("verify", &ir::Graph::verify)
      .def_property_readonly("primitives",
                             [](const ir::Graph& g) {
                               std::vector<std::string> names;
                               for (auto& e : g.eqns) names.push_back(e.primitive->name);
                               return names;
                             })
      .def_property_readonly("num_consts", [](const ir::Graph& g) { return g.consts.size(); })
      .def_readonly("invars", &ir::Graph::invars)
      .def_readonly("outvars", &ir::Graph::outvars)
      .def_readonly("constvars", &ir::Graph::constvars)
      .def_property_readonly("consts", [](const ir::Graph& g) { return g.consts; })
      .def_property_readonly("in_avals",
                             [](const ir::Graph& g) {
                               py::list l;
                               for (auto& a : g.in_avals()) l.append(aval_to_py(a));
                               return l;
                             })
      .def_property_readonly("out_avals",
                             [](const ir::Graph& g) {
                               py::list l;
                               for (auto& a : g.out_avals()) l.append(aval_to_py(a));
                               return l;
                             })
      .def("aval", [](const ir::Graph& g, int v) { return aval_to_py(g.vars.at(v)); })
      // (primitive name, params, input vars, output vars) per equation, in order.
      .def_property_readonly("eqns",
                             [](const ir::Graph& g) {
                               py::list l;
                               for (auto& e : g.eqns)
                                 l.append(py::make_tuple(e.primitive->name, params_to_py(e.params),
                                                         e.inputs, e.outputs));
                               return l;
                             })
      .def("optimized",
           [](const ir::Graph& g) { return std::make_shared<ir::Graph>(ir::optimize(g)); })
      .def("inline_calls",
           [](const ir::Graph& g) { return std::make_shared<ir::Graph>(ir::inline_calls(g)); })
      .def("eliminate_dead_code",
           [](const ir::Graph& g) {
             return std::make_shared<ir::Graph>(ir::eliminate_dead_code(g));
           })
      .def("eliminate_common_subexpressions",
           [](const ir::Graph& g) {
             return std::make_shared<ir::Graph>(ir::eliminate_common_subexpressions(g));
           })
      .def("simplify",
           [](const ir::Graph& g) { return std::make_shared<ir::Graph>(ir::simplify(g)); })
      .def("fuse_elementwise",
           [](const ir::Graph& g) { return std::make_shared<ir::Graph>(ir::fuse_elementwise(g)); })
      .def("with_consts_as_args",
           [](const ir::Graph& g) { return std::make_shared<ir::Graph>(g.with_consts_as_args()); })
      .def("eval",
           [](const ir::Graph& g, py::args args) {
             std::vector<Array> in;
             for (auto a : args) in.push_back(array_from_py(a));
             return g.eval(in);
           })
      // eval as a jit'd function's entry point (replayed as a CUDA graph on a GPU).
      .def("run", [](const ir::Graph& g, py::args args) {
        std::vector<Array> in;
        for (auto a : args) in.push_back(array_from_py(a));
        return g.run(in);
      });

  // fn takes one tracer per (shape, dtype, weak) in `avals` and returns a list of arrays.
  m.def(
      "_trace",
      [](py::function fn, const std::vector<AvalSpec>& avals, const std::string& origin,
         bool dynamic) {
        auto interp = std::make_shared<ir::StagingInterpreter>(origin);
        py::list args;
        for (auto& a : avals) args.append(interp->new_argument(aval_from_py(a)));
        py::object result;
        try {
          std::optional<DynamicStagingScope> scope;
          if (dynamic) scope.emplace(interp.get(), interp->level());
          result = fn(*args);
        } catch (...) {
          interp->finish({});  // tracers that escaped now fail clearly
          throw;
        }
        std::vector<Array> outs;
        try {
          outs = arrays_from_seq(result);
        } catch (...) {
          interp->finish({});
          throw;
        }
        return std::make_shared<ir::Graph>(interp->finish(outs));
      },
      py::arg("fn"), py::arg("avals"), py::arg("origin") = "", py::arg("dynamic") = false);
  // The level of the innermost dynamic staging trace (0 when none): transformations below it
  // leave the values computed inside it to it.
  m.def("dynamic_level", &DynamicStagingScope::current_level);

  // The jit cache key of a flat list of arguments: (dtype code, weak, *shape) per leaf, and
  // whether any leaf is a tracer. Python scalars are weak; other objects are converted as
  // arrax.numpy.asarray would. (The hot path of every jit call, hence in C++.)
  m.def("jit_signature", [](py::sequence leaves) {
    py::tuple key(py::len(leaves));
    bool tracer = false;
    size_t i = 0;
    for (auto h : leaves) {
      const Array* a = exact_array(h.ptr());
      Array conv;
      bool weak = false;
      if (!a) {
        PyObject* p = h.ptr();
        weak = PyBool_Check(p) || PyLong_Check(p) || PyFloat_Check(p) || PyComplex_Check(p);
        conv = operand_from_py(h).array;
        a = &conv;
      }
      tracer = tracer || a->is_tracer();
      py::tuple k(2 + a->ndim());
      k[0] = py::int_(static_cast<int>(a->dtype()));
      k[1] = py::bool_(weak);
      for (int d = 0; d < a->ndim(); ++d) k[2 + d] = py::int_(a->shape()[d]);
      key[i++] = std::move(k);
    }
    return py::make_tuple(std::move(key), tracer);
  });
  m.def("bind", [](const std::string& name, py::handle inputs, py::dict params) {
    py::list out;
    for (Array& a : arrax::bind(primitive(name), arrays_from_seq(inputs), params_from_py(params)))
      out.append(std::move(a));
    return out;
  });
  m.def("abstract_eval",
        [](const std::string& name, const std::vector<AvalSpec>& avals, py::dict params) {
          std::vector<AbstractValue> in;
          for (auto& a : avals) in.push_back(aval_from_py(a));
          py::list l;
          for (auto& a : primitive(name).abstract_eval(in, params_from_py(params)))
            l.append(aval_to_py(a));
          return l;
        });
  // A primitive whose rules are Python functions (custom_vjp's linear call): abstract_eval
  // (avals, params) -> avals and kernel (arrays, params) -> arrays.
  m.def(
      "def_primitive",
      [](const std::string& name, py::function abstract_eval_fn, py::function kernel_fn,
         bool effectful) {
        // The registry lives until the process exits, after Python has; so the callables are
        // kept alive for good rather than released without an interpreter.
        auto* abstract_eval = new py::function(abstract_eval_fn);
        auto* kernel = new py::function(kernel_fn);
        Primitive p;
        p.name = name;
        p.effectful = effectful;
        p.abstract_eval = [abstract_eval](const std::vector<AbstractValue>& in,
                                          const Params& params) {
          py::gil_scoped_acquire gil;
          py::list l;
          for (auto& a : in) l.append(aval_to_py(a));
          std::vector<AbstractValue> out;
          for (auto a : (*abstract_eval)(l, params_to_py(params)))
            out.push_back(aval_from_py(a.cast<AvalSpec>()));
          return out;
        };
        p.cpu_kernel = [kernel](const std::vector<Array>& in, const Params& params) {
          py::gil_scoped_acquire gil;
          py::list l;
          for (auto& a : in) l.append(a);
          return arrays_from_seq((*kernel)(l, params_to_py(params)));
        };
        register_primitive(std::move(p));
      },
      py::arg("name"), py::arg("abstract_eval"), py::arg("kernel"), py::arg("effectful") = false);
  m.def("_profile_report", &ir::profile_report);
  m.def("_profile_reset", &ir::profile_reset);
  m.def("primitive_names", []() {
    std::vector<std::string> names;
    for (auto* p : all_primitives()) names.push_back(p->name);
    return names;
  });
  m.def("primitive_fusion", [](const std::string& name) {
    switch (primitive(name).fusion) {
      case FusionClass::Elementwise:
        return "elementwise";
      case FusionClass::Broadcast:
        return "broadcast";
      case FusionClass::Reduction:
        return "reduction";
      default:
        return "opaque";
    }
  });

  py::class_<PyInterpreter, std::shared_ptr<PyInterpreter>>(m, "TraceContext")
      .def(py::init<py::object, std::string>(), py::arg("impl"), py::arg("origin") = "")
      .def_property_readonly("level", &PyInterpreter::level)
      .def("finish", &PyInterpreter::finish)
      .def(
          "new_tracer",
          [](std::shared_ptr<PyInterpreter> self, py::object payload,
             const std::vector<int64_t>& shape, py::object dtype, bool weak) {
            return Array::traced(std::make_shared<PyTracer>(self, std::move(payload), weak),
                                 Shape(shape), dtype_from_py(dtype));
          },
          py::arg("payload"), py::arg("shape"), py::arg("dtype"), py::arg("weak") = false)
      // The payload of x if x is one of this context's tracers, else None.
      .def("payload", [](const PyInterpreter& self, const Array& x) -> py::object {
        if (!x.is_tracer()) return py::none();
        auto* t = dynamic_cast<const PyTracer*>(x.tracer().get());
        if (!t || t->context().get() != &self) return py::none();
        return t->payload();
      });
  // The level of the interpreter owning x (0 for a concrete array).
  m.def("trace_level", [](const Array& x) { return x.is_tracer() ? x.tracer()->level() : 0; });
  // What x's Python object holds now (its tracer, or its view's memory): an in-place update
  // (x += 1 on a tracer) changes it while the object stays the same.
  m.def("value_id", [](const Array& x) -> uintptr_t {
    if (x.is_tracer()) return reinterpret_cast<uintptr_t>(x.tracer().get());
    if (x.size()) return reinterpret_cast<uintptr_t>(x.data());
    return reinterpret_cast<uintptr_t>(x.buffer().get());
  });
  // Whether x is a weakly typed traced value (see Tracer::weak_type).
  m.def("weak_type", [](const Array& x) { return x.is_tracer() && x.tracer()->weak_type(); });
  m.def("new_level", []() { return new_interpreter_level(); });
}

}  // namespace arrax::bindings
