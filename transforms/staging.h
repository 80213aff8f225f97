// The staging interpreter: records every primitive applied to its tracers into a Graph
// instead of running it (what make_ir, and later jit, trace with).
#pragma once
#include <memory>
#include <unordered_map>

#include "errors.h"
#include "transforms/graph.h"

namespace arrax::ir {

class StagingInterpreter : public Interpreter,
                           public std::enable_shared_from_this<StagingInterpreter> {
 public:
  // origin: what is being traced, for error messages ("jit(loss) at train.py:12").
  explicit StagingInterpreter(std::string origin = {})
      : level_(new_interpreter_level()), origin_(std::move(origin)) {}
  int level() const { return level_; }
  const std::string& origin() const { return origin_; }
  // A new argument of the traced function: a tracer with this abstract value.
  Array new_argument(const AbstractValue& aval);
  std::vector<Array> process(const Primitive& p, const std::vector<Array>& inputs,
                             const Params& params) override;
  // Ends tracing: the graph computing `outputs` from the arguments. Tracers of this
  // interpreter used after this raise an error (they have leaked out of the traced function).
  Graph finish(const std::vector<Array>& outputs);
  bool finished() const { return finished_; }
  const AbstractValue& aval_of_var(int var) const { return graph_.vars[var]; }

 private:
  int new_var(const AbstractValue& aval);
  // A tracer's variable, or a constvar for a value from outside: a concrete array or a tracer
  // of an outer (lower-level) interpreter.
  int var_of(const Array& x);
  int level_;
  std::string origin_;
  Graph graph_;
  std::unordered_map<const void*, int> const_ids_;  // outside values seen, by identity
  bool finished_ = false;
};

// The error for a tracer used after its transformation ended, naming where it was made.
std::string leaked_tracer_message(const std::string& origin);

// What that error is thrown as: JAX's jax.errors.UnexpectedTracerError, a TypeError (the
// bindings raise arrax.errors.UnexpectedTracerError).
struct UnexpectedTracerError : TypeError {
  using TypeError::TypeError;
};

}  // namespace arrax::ir
