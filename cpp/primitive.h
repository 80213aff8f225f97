// The primitive registry: one record per primitive, holding every rule it has
// (DESIGN.md "One registration per primitive"), and `bind`, which hands a primitive
// application to the current interpreter.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "array.h"

namespace arrax {

namespace ir {
struct Graph;
}
// Sub-graphs carried by control-flow primitives (cond branches, loop bodies, jit calls).
using GraphList = std::vector<std::shared_ptr<const ir::Graph>>;

// A value only the layer above the engine understands (a Python callable a custom_vjp rule
// calls back); compared and hashed by identity.
struct Opaque {
  virtual ~Opaque() = default;
  virtual std::string str() const = 0;
};
using OpaquePtr = std::shared_ptr<const Opaque>;

using ParamValue = std::variant<bool, int64_t, double, std::string, DType, std::vector<int64_t>,
                                GraphList, OpaquePtr>;

// A small ordered map of attributes (axes, shapes, dtypes, ...). Hashable and comparable, so
// the jit can use it in cache keys and common-subexpression elimination.
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<std::string, ParamValue>> items);
  Params& set(const std::string& key, ParamValue v);
  bool has(const std::string& key) const;
  const ParamValue& at(const std::string& key) const;  // throws std::out_of_range naming key
  template <typename T>
  const T& get(const std::string& key) const {
    return std::get<T>(at(key));
  }
  int64_t get_int(const std::string& key) const { return get<int64_t>(key); }
  const std::vector<int64_t>& get_ints(const std::string& key) const {
    return get<std::vector<int64_t>>(key);
  }
  DType get_dtype(const std::string& key) const { return get<DType>(key); }
  size_t hash() const;
  bool operator==(const Params& o) const { return items_ == o.items_; }
  // "axes=(0, 1) keepdims=True", for printing graphs; sub-graphs print through `graph_str`.
  std::string str(const std::function<std::string(const ir::Graph&)>& graph_str = {}) const;
  const std::vector<std::pair<std::string, ParamValue>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, ParamValue>> items_;  // sorted by key
};

// What tracing sees of a value.
struct AbstractValue {
  Shape shape;
  DType dtype = DType::Float32;
  bool weak_type = false;
  Device device;
  bool operator==(const AbstractValue& o) const {
    return shape == o.shape && dtype == o.dtype && weak_type == o.weak_type && device == o.device;
  }
  std::string str() const;  // "f32[2,3]"
};

enum class FusionClass : uint8_t { Elementwise, Broadcast, Reduction, Opaque };

using AbstractEvalRule =
    std::function<std::vector<AbstractValue>(const std::vector<AbstractValue>&, const Params&)>;
using KernelFn = std::function<std::vector<Array>(const std::vector<Array>&, const Params&)>;

// The loop of one equation of an elementwise primitive, by its input dtypes and params; nullptr
// where it has none (the region then runs through cpu_kernel).
using ChunkLoopRule = ChunkLoop (*)(const std::vector<DType>& in, const Params& params);
// The row reduction of a reduction primitive for an input dtype (over its trailing axes, the
// result in the same dtype); nullptr where it has none.
using RowReduceRule = RowReduce (*)(DType in, const Params& params);

struct Primitive {
  std::string name;
  FusionClass fusion = FusionClass::Opaque;
  int num_inputs = -1;  // -1: variadic
  AbstractEvalRule abstract_eval;
  KernelFn cpu_kernel;
  // Single-output elementwise primitives: the loop fused regions run on chunks (optional).
  ChunkLoopRule chunk_loop = nullptr;
  // Reductions: the row reduction fused regions end in (optional; fusion.cpp).
  RowReduceRule row_reduce = nullptr;
  // Side effects (debug printing): the jit keeps such equations though nothing uses their
  // outputs, and neither merges nor folds them.
  bool effectful = false;
  // The CUDA kernel, set by the CUDA backend (register_cuda_kernel). A primitive without one
  // runs on a GPU through its CPU kernel, its operands copied to the host and its results back.
  KernelFn cuda_kernel;
  // The differentiation and batching rules live with the interpreters that use them
  // (python/arrax/_rules/*.py, one `defrules` call per primitive); the registry test checks
  // that every primitive here has them.
};

// Adds a primitive to the registry and returns its (stable) record.
const Primitive& register_primitive(Primitive p);
// The registered primitive with this name; throws std::logic_error if none.
const Primitive& primitive(const std::string& name);
const Primitive* find_primitive(const std::string& name);
std::vector<const Primitive*> all_primitives();
// Gives the primitive `name` a CUDA kernel; callable before the primitive is registered (static
// initialisation order across translation units is unspecified).
void register_cuda_kernel(const std::string& name, KernelFn kernel);
// Runs p's CPU kernel on host copies of the inputs and moves the results to `device`: how a
// primitive without a CUDA kernel (or a dtype its kernel lacks) runs on a GPU.
std::vector<Array> run_on_host(const Primitive& p, const std::vector<Array>& inputs,
                               const Params& params, Device device);
// How many times each primitive ran through run_on_host since the start.
std::map<std::string, int64_t> host_runs();

// Interpreters: `bind` hands each primitive application to the interpreter owning a traced
// input, or to the current one (eager evaluation by default).
//
// Interpreters nest (grad of grad, vmap of jit, ...): each has a level, larger for the ones
// started later, and a primitive applied to tracers of several interpreters goes to the one
// with the highest level, which sees the others' tracers as constants (JAX's "stackless"
// model, Autodidax part 2).
class Interpreter {
 public:
  virtual ~Interpreter() = default;
  virtual std::vector<Array> process(const Primitive& p, const std::vector<Array>& inputs,
                                     const Params& params) = 0;
};

// Runs the kernel now: eager evaluation.
class EvalInterpreter : public Interpreter {
 public:
  std::vector<Array> process(const Primitive& p, const std::vector<Array>& inputs,
                             const Params& params) override;
};

// A traced value: the interpreter that owns it processes every primitive it takes part in.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual Interpreter& interpreter() const = 0;
  virtual int level() const = 0;
  // The value behind the tracer when it has one (differentiation of concrete inputs: Python
  // control flow on it works, as in JAX); false for abstract values (jit, batched values).
  virtual bool concrete_value(Array& /*out*/) const { return false; }
  // Whether the value is weakly typed (JAX's weak types): it came from a Python scalar, as a
  // jit argument, and so defers to the other operand's dtype in promotion as that scalar would.
  virtual bool weak_type() const { return false; }
};

// A fresh interpreter level, above every level handed out before on this thread.
int new_interpreter_level();

Interpreter& current_interpreter();
// Makes `interp` the current interpreter for this thread while the guard lives.
class InterpreterScope {
 public:
  explicit InterpreterScope(Interpreter* interp);
  ~InterpreterScope();
  InterpreterScope(const InterpreterScope&) = delete;
  InterpreterScope& operator=(const InterpreterScope&) = delete;

 private:
  Interpreter* previous_;
};

// While it lives, `interp` (a staging interpreter at `level`) also stages every primitive
// whose inputs' top tracer belongs to a lower level, rather than that tracer's interpreter:
// JAX's dynamic ("omnistaging") trace for control-flow bodies, so a branch that computes on a
// value it closes over (cond(p, lambda: sqrt(x), ...) under vmap) does so inside the branch.
// Primitives on concrete inputs still run now. A Python interpreter below `level` processing
// a primitive suspends it (its rules compute outside the body).
class DynamicStagingScope {
 public:
  DynamicStagingScope(Interpreter* interp, int level);
  ~DynamicStagingScope();
  DynamicStagingScope(const DynamicStagingScope&) = delete;
  DynamicStagingScope& operator=(const DynamicStagingScope&) = delete;
  // The level of the innermost dynamic staging interpreter (0 when none).
  static int current_level();

 private:
  Interpreter* previous_;
  int previous_level_;
};

std::vector<Array> bind(const Primitive& p, const std::vector<Array>& inputs,
                        const Params& params = {});
inline Array bind1(const Primitive& p, const std::vector<Array>& inputs,
                   const Params& params = {}) {
  return bind(p, inputs, params)[0];
}

}  // namespace arrax
