#include "transforms/staging.h"

#include "errors.h"

namespace arrax::ir {
namespace {

class StagingTracer : public Tracer {
 public:
  StagingTracer(std::shared_ptr<StagingInterpreter> interp, int var)
      : interp_(std::move(interp)), var_(var) {}
  Interpreter& interpreter() const override {
    if (interp_->finished()) throw UnexpectedTracerError(leaked_tracer_message(interp_->origin()));
    return *interp_;
  }
  int level() const override { return interp_->level(); }
  bool weak_type() const override { return interp_->aval_of_var(var_).weak_type; }
  const StagingInterpreter* owner() const { return interp_.get(); }
  int var() const { return var_; }

 private:
  std::shared_ptr<StagingInterpreter> interp_;
  int var_;
};

}  // namespace

std::string leaked_tracer_message(const std::string& origin) {
  return "arrax: a traced array escaped the transformation that made it (a leaked tracer)" +
         (origin.empty() ? std::string() : ", " + origin + ",") +
         " and was used after that ended; return it from the function instead of storing it "
         "(in a global, a list or an object attribute)";
}

int StagingInterpreter::new_var(const AbstractValue& aval) {
  graph_.vars.push_back(aval);
  return static_cast<int>(graph_.vars.size()) - 1;
}

Array StagingInterpreter::new_argument(const AbstractValue& aval) {
  int v = new_var(aval);
  graph_.invars.push_back(v);
  return Array::traced(std::make_shared<StagingTracer>(shared_from_this(), v), aval.shape,
                       aval.dtype);
}

int StagingInterpreter::var_of(const Array& x) {
  const void* key;
  if (x.is_tracer()) {
    auto* t = dynamic_cast<const StagingTracer*>(x.tracer().get());
    if (t && t->owner() == this) return t->var();
    if (x.tracer()->level() > level_)
      throw ValueError("arrax: an array traced by an inner transformation reached an outer one");
    key = x.tracer().get();  // an outer interpreter's value: a constant of this graph
  } else {
    // A concrete array from outside the function: captured as a constant. Identity is the
    // memory it views, so the same captured array becomes one constvar.
    key =
        x.size() ? static_cast<const void*>(x.data()) : static_cast<const void*>(x.buffer().get());
  }
  auto it = const_ids_.find(key);
  if (it != const_ids_.end()) {
    const Array& seen = graph_.consts[it->second];  // the same view, not just the same memory
    if (seen.is_tracer() == x.is_tracer() && seen.shape() == x.shape() &&
        seen.dtype() == x.dtype() && (x.is_tracer() || seen.strides() == x.strides()))
      return graph_.constvars[it->second];
  }
  int v = new_var(AbstractValue{x.shape(), x.dtype(), false, x.device()});
  graph_.constvars.push_back(v);
  graph_.consts.push_back(x);
  const_ids_[key] = static_cast<int>(graph_.consts.size()) - 1;
  return v;
}

std::vector<Array> StagingInterpreter::process(const Primitive& p, const std::vector<Array>& inputs,
                                               const Params& params) {
  if (finished_) throw ValueError("arrax: tracing has ended");
  Eqn e;
  e.primitive = &p;
  e.params = params;
  std::vector<AbstractValue> in;
  for (const Array& x : inputs) {
    int v = var_of(x);
    e.inputs.push_back(v);
    in.push_back(graph_.vars[v]);
  }
  std::vector<AbstractValue> out = p.abstract_eval(in, params);
  std::vector<Array> results;
  auto self = shared_from_this();
  for (const AbstractValue& a : out) {
    int v = new_var(a);
    e.outputs.push_back(v);
    results.push_back(Array::traced(std::make_shared<StagingTracer>(self, v), a.shape, a.dtype));
  }
  graph_.eqns.push_back(std::move(e));
  return results;
}

Graph StagingInterpreter::finish(const std::vector<Array>& outputs) {
  for (const Array& x : outputs) graph_.outvars.push_back(var_of(x));
  finished_ = true;
  graph_.verify();
  return graph_;
}

}  // namespace arrax::ir
