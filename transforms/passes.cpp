// Graph passes of the jit: inlining of nested calls, dead-code elimination, common
// subexpressions, constant folding and simplification. Fusion is in fusion.cpp.
#include "transforms/passes.h"
#include "device.h"

#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "errors.h"

namespace arrax::ir {
namespace {

// Variable substitution: after a pass drops an equation whose output equals another
// variable, uses of the output read the other variable instead.
struct Subst {
  std::unordered_map<int, int> map;
  int operator()(int v) const {
    auto it = map.find(v);
    while (it != map.end()) {
      v = it->second;
      it = map.find(v);
    }
    return v;
  }
  void apply(Graph& g) const {
    for (Eqn& e : g.eqns)
      for (int& v : e.inputs) v = (*this)(v);
    for (int& v : g.outvars) v = (*this)(v);
  }
};

int add_var(Graph& g, const AbstractValue& a) {
  g.vars.push_back(a);
  return static_cast<int>(g.vars.size()) - 1;
}

int add_const(Graph& g, const Array& value) {
  int v = add_var(g, AbstractValue{value.shape(), value.dtype(), false, value.device()});
  g.constvars.push_back(v);
  g.consts.push_back(value);
  return v;
}

}  // namespace

Graph inline_calls(const Graph& g) {
  Graph out = g;
  out.eqns.clear();
  Subst subst;
  for (const Eqn& e : g.eqns) {
    // A custom_jvp/custom_vjp function staged as custom_call evaluates its primal graph: the
    // transformations that need its rules have run by the time a graph is optimized.
    if (e.primitive->name != "jit" && e.primitive->name != "custom_call") {
      out.eqns.push_back(e);
      continue;
    }
    Graph sub = inline_calls(*e.params.get<GraphList>("graph")[0]);
    std::unordered_map<int, int> m;
    for (size_t i = 0; i < sub.invars.size(); ++i) m[sub.invars[i]] = e.inputs[i];
    for (size_t i = 0; i < sub.constvars.size(); ++i)
      m[sub.constvars[i]] = add_const(out, sub.consts[i]);
    auto map_var = [&](int v) {
      auto it = m.find(v);
      if (it != m.end()) return it->second;
      return m[v] = add_var(out, sub.vars[v]);
    };
    for (const Eqn& se : sub.eqns) {
      Eqn ne = se;
      for (int& v : ne.inputs) v = map_var(v);
      for (int& v : ne.outputs) v = map_var(v);
      out.eqns.push_back(std::move(ne));
    }
    for (size_t i = 0; i < e.outputs.size(); ++i) subst.map[e.outputs[i]] = map_var(sub.outvars[i]);
  }
  subst.apply(out);
  return out;
}

Graph eliminate_dead_code(const Graph& g) {
  std::vector<bool> live(g.vars.size(), false);
  for (int v : g.outvars) live[v] = true;
  std::vector<bool> keep(g.eqns.size(), false);
  for (size_t i = g.eqns.size(); i-- > 0;) {
    const Eqn& e = g.eqns[i];
    keep[i] = e.primitive->effectful;
    for (int v : e.outputs)
      if (live[v]) keep[i] = true;
    if (keep[i])
      for (int v : e.inputs) live[v] = true;
  }
  Graph out = g;
  out.eqns.clear();
  for (size_t i = 0; i < g.eqns.size(); ++i)
    if (keep[i]) out.eqns.push_back(g.eqns[i]);
  out.constvars.clear();
  out.consts.clear();
  for (size_t i = 0; i < g.constvars.size(); ++i)
    if (live[g.constvars[i]]) {
      out.constvars.push_back(g.constvars[i]);
      out.consts.push_back(g.consts[i]);
    }
  return out;
}

Graph eliminate_common_subexpressions(const Graph& g) {
  Graph out = g;
  out.eqns.clear();
  Subst subst;
  std::unordered_multimap<size_t, size_t> seen;  // hash -> index in out.eqns
  for (const Eqn& e0 : g.eqns) {
    Eqn e = e0;
    for (int& v : e.inputs) v = subst(v);
    size_t h = e.params.hash() ^ std::hash<const void*>{}(e.primitive);
    for (int v : e.inputs) h = h * 1000003u + static_cast<size_t>(v);
    if (e.primitive->effectful) {  // each one happens
      out.eqns.push_back(std::move(e));
      continue;
    }
    bool merged = false;
    auto range = seen.equal_range(h);
    for (auto it = range.first; it != range.second; ++it) {
      const Eqn& prev = out.eqns[it->second];
      if (prev.primitive == e.primitive && prev.inputs == e.inputs && prev.params == e.params) {
        for (size_t i = 0; i < e.outputs.size(); ++i) subst.map[e.outputs[i]] = prev.outputs[i];
        merged = true;
        break;
      }
    }
    if (merged) continue;
    seen.emplace(h, out.eqns.size());
    out.eqns.push_back(std::move(e));
  }
  for (int& v : out.outvars) v = subst(v);
  return out;
}

namespace {

// The scalar value of a variable that is a literal: a 0-d constant, or a broadcast of one.
struct Literals {
  std::unordered_map<int, Array> scalar;  // var -> 0-d array
  std::optional<double> value(int v) const {
    auto it = scalar.find(v);
    if (it == scalar.end() || is_complex(it->second.dtype())) return std::nullopt;
    return *to_host(astype(it->second, DType::Float64)).data_as<double>();
  }
};

bool all_zero_strides(const Array& a) {
  for (auto s : a.strides())
    if (s != 0) return false;
  return a.ndim() > 0 && !a.is_tracer();
}

constexpr int64_t kFoldLimit = 4096;  // constants up to this many elements are folded

}  // namespace

Graph simplify(const Graph& g) {
  Graph out = g;
  out.eqns.clear();
  out.constvars.clear();
  out.consts.clear();
  Literals lit;
  std::unordered_map<int, Array> const_value;
  const Primitive& bcast = primitive("broadcast_in_dim");
  // Constants that are broadcasts of one element become a 0-d literal and a broadcast, which
  // fusion and the algebraic rules below see through.
  for (size_t i = 0; i < g.constvars.size(); ++i) {
    const Array& c = g.consts[i];
    if (all_zero_strides(c) && c.size() > 1) {
      Array s = c.view(Shape{}, Strides{}, c.offset());
      int sv = add_const(out, s);
      lit.scalar[sv] = s;
      const_value[sv] = s;
      Eqn e;
      e.primitive = &bcast;
      e.params = Params{{"shape", std::vector<int64_t>(c.shape().begin(), c.shape().end())},
                        {"broadcast_dimensions", std::vector<int64_t>{}}};
      e.inputs = {sv};
      e.outputs = {g.constvars[i]};
      out.eqns.push_back(e);
      lit.scalar[g.constvars[i]] = s;
    } else {
      out.constvars.push_back(g.constvars[i]);
      out.consts.push_back(c);
      if (!c.is_tracer()) {
        const_value[g.constvars[i]] = c;
        if (c.ndim() == 0) lit.scalar[g.constvars[i]] = c;
      }
    }
  }
  Subst subst;
  for (const Eqn& e0 : g.eqns) {
    Eqn e = e0;
    for (int& v : e.inputs) v = subst(v);
    const std::string& name = e.primitive->name;
    auto same_aval = [&](int a, int b) {
      return out.vars[a].shape == out.vars[b].shape && out.vars[a].dtype == out.vars[b].dtype;
    };
    // Identities.
    if (e.inputs.size() == 1 && e.outputs.size() == 1 && same_aval(e.inputs[0], e.outputs[0])) {
      // (Outputs that end up as inputs get a copy back: copy_aliased_outputs.)
      const bool real = !is_complex(out.vars[e.inputs[0]].dtype);
      bool identity = name == "stop_gradient" || name == "convert_element_type" ||
                      name == "reshape" || name == "broadcast_in_dim" || name == "copy" ||
                      (real && (name == "conj" || name == "real"));
      if (name == "transpose") {
        const auto& perm = e.params.get_ints("permutation");
        identity = true;
        for (size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == int64_t(i);
      }
      if (identity) {
        subst.map[e.outputs[0]] = e.inputs[0];
        continue;
      }
    }
    // x * 1, x / 1, x + 0, x - 0 (and 1 * x, 0 + x) with a literal of the same dtype.
    if (e.inputs.size() == 2 && e.outputs.size() == 1) {
      auto is = [&](int v, double want) {
        auto val = lit.value(v);
        return val && *val == want;
      };
      int x = e.inputs[0], y = e.inputs[1];
      int keep = -1;
      if ((name == "mul" || name == "div") && is(y, 1.0)) keep = x;
      if (name == "mul" && is(x, 1.0)) keep = y;
      if ((name == "add" || name == "sub") && is(y, 0.0)) keep = x;
      if (name == "add" && is(x, 0.0)) keep = y;
      if (keep >= 0 && same_aval(keep, e.outputs[0])) {
        subst.map[e.outputs[0]] = keep;
        continue;
      }
    }
    // Constant folding: every input a known constant and the outputs small.
    bool foldable = e.primitive->cpu_kernel && !e.inputs.empty() && !e.primitive->effectful &&
                    name != "broadcast_in_dim";
    for (int v : e.inputs)
      foldable = foldable && const_value.count(v) &&
                 const_value[v].device().kind == DeviceKind::CPU;  // folding runs CPU kernels
    for (int v : e.outputs) foldable = foldable && shape_size(out.vars[v].shape) <= kFoldLimit;
    if (foldable) {
      std::vector<Array> ins;
      for (int v : e.inputs) ins.push_back(const_value[v]);
      DeviceScope on_cpu(Device{});
      std::vector<Array> res = e.primitive->cpu_kernel(ins, e.params);
      if (res.size() != e.outputs.size())
        throw ValueError(name + ": its kernel returned " + std::to_string(res.size()) +
                         " outputs where its equation has " + std::to_string(e.outputs.size()));
      for (size_t i = 0; i < res.size(); ++i) {
        out.constvars.push_back(e.outputs[i]);
        out.consts.push_back(res[i]);
        const_value[e.outputs[i]] = res[i];
        if (res[i].ndim() == 0) lit.scalar[e.outputs[i]] = res[i];
      }
      continue;
    }
    if (name == "broadcast_in_dim" && lit.scalar.count(e.inputs[0]))
      lit.scalar[e.outputs[0]] = lit.scalar[e.inputs[0]];
    out.eqns.push_back(std::move(e));
  }
  for (int& v : out.outvars) v = subst(v);
  return out;
}

// Broadcasts of small computed values: broadcast(f(a, b)) becomes f(broadcast(a),
// broadcast(b)) for an elementwise f when the broadcast's result has at most kSinkLimit items,
// so that f joins the fused region that reads the broadcast instead of running as a kernel of
// its own (a log-softmax's per-row max, cleaned of infinities, and the log of its per-row sum:
// two kernels of a few microseconds each on a GPU, for 1024 values). A broadcast of a
// broadcast becomes one, and a reshape that only adds or drops unit dims before a broadcast is
// folded into it. Larger results keep f where it is: recomputing it per broadcast item (a
// layer norm's rsqrt over a whole row) would cost more than reading it.
Graph sink_broadcasts(const Graph& g) {
  constexpr int64_t kSinkLimit = int64_t{1} << 16;
  const Primitive& bcast = primitive("broadcast_in_dim");
  Graph out = g;
  out.eqns.clear();
  std::unordered_map<int, size_t> def;  // var -> the equation of `out` making it
  auto emit = [&](Eqn e) {
    for (int v : e.outputs) def[v] = out.eqns.size();
    out.eqns.push_back(std::move(e));
  };
  // Emits e with its one output of v's dtype over `shape`: `dest`, or a new variable when -1.
  auto emit_as = [&](Eqn e, const AbstractValue& v, const Shape& shape, int dest) {
    AbstractValue oa = v;
    oa.shape = shape;
    e.outputs = {dest >= 0 ? dest : add_var(out, oa)};
    const int r = e.outputs[0];
    emit(std::move(e));
    return r;
  };
  // sink(v, dims, shape, dest) broadcasts v (dims: where v's dims go) to `shape`, into `dest`
  // (a new variable when -1). sink_once does it; sink remembers what each (value, dims, shape)
  // became, so a value read twice (x * x) is sunk once and a chain of squares costs its
  // length, not 2 to that power. (Arguments and values by copy: add_var grows out.vars, emit
  // out.eqns.)
  std::function<int(int, std::vector<int64_t>, Shape, int)> sink_once;
  std::map<std::tuple<int, std::vector<int64_t>, Shape>, int> sunk;
  std::function<int(int, std::vector<int64_t>, Shape, int)> sink =
      [&](int v, std::vector<int64_t> dims, Shape shape, int dest) -> int {
    const auto key = std::make_tuple(v, dims, shape);
    if (dest < 0) {
      auto done = sunk.find(key);
      if (done != sunk.end()) return done->second;
    }
    const int r = sink_once(v, dims, shape, dest);
    sunk[key] = r;
    return r;
  };
  sink_once = [&](int v, std::vector<int64_t> dims, Shape shape, int dest) -> int {
    const AbstractValue av = out.vars[v];
    auto it = def.find(v);
    const Eqn* d = it == def.end() ? nullptr : &out.eqns[it->second];
    if (d && !av.shape.empty()) {
      const std::string name = d->primitive->name;
      if (name == "broadcast_in_dim") {  // compose the two
        std::vector<int64_t> inner = d->params.get_ints("broadcast_dimensions");
        for (int64_t& x : inner) x = dims[x];
        return sink(d->inputs[0], inner, shape, dest);
      }
      if (name == "reshape") {  // one that adds or drops unit dims only
        const Shape& from = out.vars[d->inputs[0]].shape;
        std::vector<int64_t> kept;  // v's dims of size > 1
        for (size_t i = 0; i < av.shape.size(); ++i)
          if (av.shape[i] != 1) kept.push_back(static_cast<int64_t>(i));
        bool plain = from.size() == kept.size();
        for (size_t i = 0; plain && i < from.size(); ++i) plain = from[i] == av.shape[kept[i]];
        if (plain) {
          std::vector<int64_t> inner;
          for (int64_t k : kept) inner.push_back(dims[k]);
          return sink(d->inputs[0], inner, shape, dest);
        }
      }
      bool elementwise = d->primitive->fusion == FusionClass::Elementwise &&
                         d->primitive->cpu_kernel && !d->primitive->effectful &&
                         d->outputs.size() == 1;
      for (int u : d->inputs) elementwise = elementwise && out.vars[u].shape == av.shape;
      if (elementwise) {
        Eqn e = *d;
        for (int& u : e.inputs) u = sink(u, dims, shape, -1);
        return emit_as(std::move(e), av, shape, dest);
      }
    }
    if (av.shape.empty()) dims.clear();
    Eqn b;
    b.primitive = &bcast;
    b.params = Params{{"shape", std::vector<int64_t>(shape.begin(), shape.end())},
                      {"broadcast_dimensions", dims}};
    b.inputs = {v};
    return emit_as(std::move(b), av, shape, dest);
  };
  for (const Eqn& e : g.eqns) {
    const int o = e.outputs.empty() ? -1 : e.outputs[0];
    if (e.primitive == &bcast && shape_size(out.vars[o].shape) <= kSinkLimit &&
        !out.vars[e.inputs[0]].shape.empty()) {
      sink(e.inputs[0], e.params.get_ints("broadcast_dimensions"), out.vars[o].shape, o);
      continue;
    }
    emit(e);
  }
  return out;
}

Graph copy_aliased_outputs(const Graph& g) {
  Graph out = g;
  std::unordered_set<int> seen(g.invars.begin(), g.invars.end());
  seen.insert(g.constvars.begin(), g.constvars.end());
  const Primitive& copy = primitive("copy");
  for (int& v : out.outvars) {
    if (!seen.insert(v).second) {
      Eqn e;
      e.primitive = &copy;
      e.inputs = {v};
      v = add_var(out, out.vars[v]);
      e.outputs = {v};
      out.eqns.push_back(std::move(e));
    }
  }
  return out;
}

Graph optimize(const Graph& g) {
  Graph r = inline_calls(g);
  r = simplify(r);
  r = eliminate_common_subexpressions(r);
  r = eliminate_dead_code(eliminate_common_subexpressions(sink_broadcasts(r)));
  r = eliminate_dead_code(fuse_elementwise(r));
  r = copy_aliased_outputs(r);
  r.verify();
  return r;
}

}  // namespace arrax::ir
