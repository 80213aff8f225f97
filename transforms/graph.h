// The traced IR: a Graph of equations over variables, printable in a jaxpr-like text form,
// checked by a verifier, and runnable by evaluation. Staging (transforms/staging.h) builds it.
#pragma once
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "device.h"
#include "primitive.h"

namespace arrax::ir {

// An equation: outputs = primitive(inputs; params). Inputs and outputs are variable ids.
struct Eqn {
  const Primitive* primitive = nullptr;
  Params params;
  std::vector<int> inputs;
  std::vector<int> outputs;
};

// Copies of a graph's constants on a GPU, made on the graph's first run there and reused by
// later runs (a captured constant is fixed when the function is traced, as in JAX), so a jit'd
// step moves nothing from the host: each constant moved per run cost an allocation and a
// host-to-device copy, a few microseconds, ~25 of them in a small MLP's training step. A
// copied Graph starts with no copies.
class DeviceConsts {
 public:
  DeviceConsts() = default;
  DeviceConsts(const DeviceConsts&) {}
  DeviceConsts& operator=(const DeviceConsts&);
  // `consts` on device `d`: the cached copies while `consts` are the arrays they were made
  // from, else new ones (tracers are returned as they are, uncached).
  std::vector<Array> on(Device d, const std::vector<Array>& consts);

 private:
  struct Copies {
    Device device;
    std::vector<Array> sources, arrays;
  };
  std::mutex mu_;
  std::vector<Copies> copies_;
};

// A graph's CUDA graph for replay on a GPU (device.h: run_with_graph). A copied Graph starts
// without one.
struct ReplaySlot {
  ReplaySlot() = default;
  ReplaySlot(const ReplaySlot&) {}
  ReplaySlot& operator=(const ReplaySlot&) { return *this; }
  std::shared_ptr<cuda::GraphReplay> state;
};

struct Graph {
  std::vector<AbstractValue> vars;  // every variable's abstract value, indexed by id
  std::vector<int> invars;          // the function's arguments
  std::vector<int> constvars;       // arrays captured from outside, with their values in consts
  std::vector<Array> consts;
  std::vector<Eqn> eqns;
  std::vector<int> outvars;
  mutable DeviceConsts device_consts;  // consts on each GPU the graph ran on
  mutable ReplaySlot replay;           // its CUDA graph, when it runs as a jit'd function

  // The text form, e.g.
  //   { lambda ; a:f32[3]. let
  //       b:f32[3] = sin a
  //     in (b,) }
  // 0-d constants are printed inline as literals; sub-graphs print nested, indented.
  std::string str(int indent = 0) const;
  // The same computation with the constants as leading arguments (closure conversion): what
  // control-flow primitives carry, their constants becoming operands that transformations see.
  Graph with_consts_as_args() const;
  std::vector<AbstractValue> in_avals() const;
  std::vector<AbstractValue> out_avals() const;
  // Throws std::logic_error if a variable is used before it is defined or an equation's
  // recorded outputs differ from its primitive's abstract evaluation.
  void verify() const;
  // Runs the graph on concrete arguments through bind (eagerly, or under an outer interpreter).
  std::vector<Array> eval(const std::vector<Array>& args) const;
  // eval as a jit'd function's entry point: on a GPU, replayed as one CUDA graph from its
  // second call on (device.h: run_with_graph).
  std::vector<Array> run(const std::vector<Array>& args) const;
};

// Time spent per primitive while graphs run (jit'd functions), when ARRAX_PROFILE=1 is set
// before arrax starts: primitive name -> (calls, seconds). A tool for finding where a training
// step goes; off, it costs one branch per equation.
std::vector<std::tuple<std::string, int64_t, double>> profile_report();
void profile_reset();

// The short dtype names of the text form: f32, i64, bool, c64, bf16, ...
std::string short_dtype_name(DType dt);

}  // namespace arrax::ir
