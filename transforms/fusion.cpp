// Elementwise fusion: maximal regions of elementwise equations (and broadcasts of scalars)
// over one shape, with the reductions of their trailing dims (rows) or of their leading dims
// (columns) that end them, become one `fused` equation, whose CPU kernel (fused_kernel.cpp) runs
// the region chunk by chunk, the intermediates of a chunk in cache and no full-size intermediate
// array made.
#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "errors.h"
#include "transforms/passes.h"

namespace arrax::ir {
namespace {

// Smaller regions run as they are. Every size fuses by default: on 16 elements an Adam update
// took 7 us fused against 18.5 us as separate operations (ARRAX_FUSE_MIN_SIZE=n sets n, for
// measurements).
int64_t min_fused_size() {
  static const int64_t n = [] {
    const char* env = std::getenv("ARRAX_FUSE_MIN_SIZE");
    return env ? std::max<int64_t>(1, std::atoll(env)) : int64_t{1};
  }();
  return n;
}

// What recomputing an equation per element costs in a rematerialized slice (0: never
// recomputed): cheap arithmetic 1, division and the transcendental functions 4. A slice costs at
// most kMaxRematCost, which lets a GELU's tanh be remade: writing and reading back a full-size
// residual costs more than ten operations per element once arrays leave the cache. Values
// smaller than kRematCostlyBytes are remade from cheap operations only: they stay in cache,
// where a tanh costs more than the write it saves (an MLP's 256 x 512 tanh layer: 6% slower).
constexpr int kMaxRematCost = 16;
constexpr int64_t kRematCostlyBytes = int64_t{1} << 20;
int remat_cost(const Eqn& e) {
  static const std::unordered_map<std::string, int> cost{
      {"add", 1},  {"sub", 1},  {"mul", 1},      {"neg", 1},
      {"max", 1},  {"min", 1},  {"select", 1},   {"convert_element_type", 1},
      {"copy", 1}, {"abs", 1},  {"eq", 1},       {"ne", 1},
      {"lt", 1},   {"gt", 1},   {"le", 1},       {"ge", 1},
      {"div", 4},  {"sqrt", 4}, {"rsqrt", 4},    {"exp", 4},
      {"log", 4},  {"tanh", 4}, {"logistic", 4}, {"log1p", 4},
      {"expm1", 4}};
  if (e.outputs.size() != 1) return 0;
  auto it = cost.find(e.primitive->name);
  return it == cost.end() ? 0 : it->second;
}

bool is_scalar_broadcast(const Eqn& e, const Graph& g) {
  return e.primitive->name == "broadcast_in_dim" && g.vars[e.inputs[0]].shape.empty();
}

// An equation that can join a region over `shape`.
bool fusible(const Eqn& e, const Graph& g, Shape& shape) {
  if (e.outputs.empty()) return false;
  const Shape& s = g.vars[e.outputs[0]].shape;
  if (shape_size(s) < min_fused_size()) return false;
  for (int v : e.outputs)
    if (g.vars[v].shape != s) return false;
  // Broadcasts of scalars are not members: each region that reads one makes its own copy
  // inside (a tile of a broadcast scalar costs nothing), so it is never a region output.
  if (e.primitive->fusion != FusionClass::Elementwise || !e.primitive->cpu_kernel) return false;
  for (int v : e.inputs)
    if (g.vars[v].shape != s) return false;
  shape = s;
  return true;
}

struct Region {
  std::vector<size_t> members;  // equation indices, in order
  Shape shape;
  bool open = true;
  int reduced_dims = 0;  // the trailing dims its reductions reduce (0: none yet)
  int column_dims = 0;   // the leading dims its column reductions reduce (0: none)
};

// A reduction a region over `shape` can end in (its row reduction runs on each chunk of whole
// rows): of the region's trailing `k` dims, with a row reduction for its dtype, enough rows to
// split over the cores, and rows of at most kMaxFusedRow elements: a longer row is summed chunk
// by chunk, its partial sums added one after another, where the standalone kernel keeps NumPy's
// pairwise error bound.
constexpr int64_t kMaxFusedRow = 16384;
bool row_reducible(const Eqn& e, const Graph& g, const Shape& shape, int& k) {
  if (e.primitive->fusion != FusionClass::Reduction || !e.primitive->row_reduce) return false;
  const AbstractValue& x = g.vars[e.inputs[0]];
  if (x.shape != shape || !e.primitive->row_reduce(x.dtype, e.params)) return false;
  const int nd = static_cast<int>(shape.size());
  if (!reduces_trailing_dims(e, nd)) return false;
  k = static_cast<int>(e.params.get_ints("axes").size());
  int64_t row = 1;
  for (int j = nd - k; j < nd; ++j) row *= shape[j];
  const int64_t rows = shape_size(shape) / std::max<int64_t>(row, 1);
  return row >= 2 && row <= kMaxFusedRow && rows >= 8;
}

// A column reduction a region over `shape` can end in: of its leading `k` dims (a bias's
// gradient, summed over the batch), leaving at least one dim. A GPU kernel adds each column as
// it computes it (the value need not be read back); the CPU runs the region, then the
// reduction.
bool column_reducible(const Eqn& e, const Graph& g, const Shape& shape, int& k) {
  if (e.primitive->fusion != FusionClass::Reduction || e.inputs.size() != 1 ||
      e.outputs.size() != 1)
    return false;
  const AbstractValue& x = g.vars[e.inputs[0]];
  if (x.shape != shape || shape_size(shape) == 0 ||
      !reduces_leading_dims(e, static_cast<int>(shape.size())))
    return false;
  k = static_cast<int>(e.params.get_ints("axes").size());
  return true;
}

}  // namespace

bool reduces_trailing_dims(const Eqn& e, int nd) {
  if (!e.params.has("axes")) return false;
  const auto& axes = e.params.get_ints("axes");
  const int k = static_cast<int>(axes.size());
  for (int j = 0; j < k; ++j)
    if (axes[j] != nd - k + j) return false;
  return k > 0;
}

bool reduces_leading_dims(const Eqn& e, int nd) {
  if (!e.params.has("axes")) return false;
  const auto& axes = e.params.get_ints("axes");
  const int k = static_cast<int>(axes.size());
  for (int j = 0; j < k; ++j)
    if (axes[j] != j) return false;
  return k > 0 && k < nd;
}

Graph fuse_elementwise(const Graph& g) {
  std::vector<int> region_of(g.eqns.size(), -1);
  std::unordered_map<int, int> producer_region;  // var -> region producing it
  std::vector<Region> regions;
  std::unordered_map<int, size_t> scalar_bcast;  // var -> the scalar broadcast making it
  for (size_t i = 0; i < g.eqns.size(); ++i) {
    const Eqn& e = g.eqns[i];
    if (is_scalar_broadcast(e, g)) scalar_bcast[e.outputs[0]] = i;
    std::vector<int> consumed;
    for (int v : e.inputs) {
      auto it = producer_region.find(v);
      if (it != producer_region.end()) consumed.push_back(it->second);
    }
    Shape shape;
    int chosen = -1;
    int k = 0;
    // The region making the equation's first operand (an equation without operands consumes
    // nothing).
    auto maker = consumed.empty() ? producer_region.end() : producer_region.find(e.inputs[0]);
    Region* src = maker == producer_region.end() ? nullptr : &regions[maker->second];
    if (src && src->open && src->column_dims == 0 && row_reducible(e, g, src->shape, k) &&
        (src->reduced_dims == 0 || src->reduced_dims == k)) {
      // A reduction of a value the region makes ends the region's rows: the value need not
      // be written out (a LayerNorm's squares, a softmax gradient's products).
      chosen = maker->second;
      src->reduced_dims = k;
    } else if (src && src->open && src->reduced_dims == 0 &&
               column_reducible(e, g, src->shape, k) &&
               (src->column_dims == 0 || src->column_dims == k)) {
      chosen = maker->second;  // (its readers close the region: nothing in it can read it)
      src->column_dims = k;
    } else if (fusible(e, g, shape)) {
      for (int r : consumed)
        if (regions[r].open && regions[r].shape == shape) chosen = std::max(chosen, r);
      if (chosen < 0)  // join the latest open region of this shape, if any
        for (int r = static_cast<int>(regions.size()) - 1; r >= 0 && chosen < 0; --r)
          if (regions[r].open && regions[r].shape == shape) chosen = r;
      if (chosen < 0) {
        regions.push_back(Region{{}, shape, true});
        chosen = static_cast<int>(regions.size()) - 1;
      }
    }
    // A region whose output is read outside it can take no more members: a later member
    // could depend on that reader, which would need the region's output first.
    for (int r : consumed)
      if (r != chosen) regions[r].open = false;
    if (chosen >= 0) {
      regions[chosen].members.push_back(i);
      region_of[i] = chosen;
      for (int v : e.outputs) producer_region[v] = chosen;
    }
  }
  // Rematerialization: a region that reads a value another region computes cheaply from its
  // own inputs recomputes it instead. A few operations per element cost less than writing a
  // full-size array and reading it back: a transformer's GELU region wrote three residuals for
  // its backward region, which now recomputes them from the input it reads anyway. A slice
  // may read at most one full-size array the region does not read already (in place of the
  // value), so that rematerializing never adds traffic; none when the value is written anyway
  // (a graph output, or read by an equation outside every region: a softmax's output read by
  // a matmul is not worth recomputing from its input in the backward pass).
  std::unordered_map<int, size_t> def_eqn;  // var -> the equation making it
  for (size_t i = 0; i < g.eqns.size(); ++i)
    for (int v : g.eqns[i].outputs) def_eqn[v] = i;
  std::unordered_set<int> written_anyway(g.outvars.begin(), g.outvars.end());
  for (size_t i = 0; i < g.eqns.size(); ++i)
    if (region_of[i] < 0)
      for (int v : g.eqns[i].inputs) written_anyway.insert(v);
  std::unordered_map<int, const Array*> const_of;
  for (size_t i = 0; i < g.constvars.size(); ++i) const_of[g.constvars[i]] = &g.consts[i];
  // A broadcast view (a broadcast_in_dim, or a captured constant such as a causal mask
  // broadcast over the batch), read without traffic of its own size.
  auto is_view = [&](int v) {
    auto it = def_eqn.find(v);
    if (it != def_eqn.end()) return g.eqns[it->second].primitive->name == "broadcast_in_dim";
    auto c = const_of.find(v);
    if (c == const_of.end() || c->second->is_tracer()) return false;
    const Array& a = *c->second;
    for (int d = 0; d < a.ndim(); ++d)
      if (a.shape()[d] > 1 && a.strides()[d] == 0) return true;
    return false;
  };
  // The equations of region r that v depends on, if all can be remade within the cost; the
  // variables they read from outside the slice go to `leaves`.
  auto remat_slice = [&](int v, int r, std::set<size_t>& slice, std::set<int>& leaves) {
    std::vector<int> todo{v};
    int cost = 0;
    const AbstractValue& av = g.vars[v];
    const bool costly_ok =
        shape_size(av.shape) * static_cast<int64_t>(itemsize(av.dtype)) >= kRematCostlyBytes;
    while (!todo.empty()) {
      const int u = todo.back();
      todo.pop_back();
      auto it = def_eqn.find(u);
      if (it == def_eqn.end() || region_of[it->second] != r) {
        leaves.insert(u);
        continue;
      }
      if (slice.count(it->second)) continue;
      const Eqn& e = g.eqns[it->second];
      const int c = remat_cost(e);
      if (c == 0 || (cost += c) > kMaxRematCost || (c > 1 && !costly_ok)) return false;
      slice.insert(it->second);
      todo.insert(todo.end(), e.inputs.begin(), e.inputs.end());
    }
    return true;
  };
  std::vector<std::unordered_set<int>> recomputed(regions.size());  // per region: vars it remakes
  for (size_t r2 = 0; r2 < regions.size(); ++r2) {
    std::set<size_t> extra;
    std::set<int> reads;  // what the region reads from outside, the slices taken included
    for (size_t k : regions[r2].members)
      for (int v : g.eqns[k].inputs) reads.insert(v);
    // The values read, and then the leaves of the slices taken: a slice's leaf that a third
    // region makes cheaply is remade too (a softmax's exponentials from the masked scores, and
    // those from the raw scores, so the masked scores are never written).
    std::vector<int> todo(reads.rbegin(), reads.rend());
    std::unordered_set<int> tried;
    while (!todo.empty()) {
      const int v = todo.back();
      todo.pop_back();
      auto it = producer_region.find(v);
      if (!tried.insert(v).second || it == producer_region.end() ||
          it->second == static_cast<int>(r2))
        continue;
      std::set<size_t> slice;
      std::set<int> leaves;
      if (!remat_slice(v, it->second, slice, leaves)) continue;
      int new_arrays = 0;
      for (int u : leaves)
        if (!reads.count(u) && !g.vars[u].shape.empty() && !is_view(u)) ++new_arrays;
      if (new_arrays > (written_anyway.count(v) ? 0 : 1)) continue;
      reads.insert(leaves.begin(), leaves.end());
      extra.insert(slice.begin(), slice.end());
      todo.insert(todo.end(), leaves.begin(), leaves.end());
    }
    if (extra.empty()) continue;
    for (size_t k : extra)
      for (int v : g.eqns[k].outputs) recomputed[r2].insert(v);
    extra.insert(regions[r2].members.begin(), regions[r2].members.end());
    regions[r2].members.assign(extra.begin(), extra.end());  // in graph order
  }
  // Which variables are read outside their producing region: the graph's outputs and what
  // equations in no region read (written_anyway), and what a member of another region (its
  // remade equations included) reads without remaking it.
  std::unordered_set<int> used_outside = written_anyway;
  for (size_t r = 0; r < regions.size(); ++r)
    for (size_t k : regions[r].members)
      for (int v : g.eqns[k].inputs) {
        auto it = producer_region.find(v);
        if (it != producer_region.end() && it->second != static_cast<int>(r) &&
            !recomputed[r].count(v))
          used_outside.insert(v);
      }

  auto reads_scalar_broadcast = [&](const Eqn& e) {
    for (int v : e.inputs)
      if (scalar_bcast.count(v)) return true;
    return false;
  };

  Graph out = g;
  out.eqns.clear();
  const Primitive& fused = primitive("fused");
  std::vector<size_t> last_member(regions.size());
  for (size_t r = 0; r < regions.size(); ++r) last_member[r] = regions[r].members.back();
  for (size_t i = 0; i < g.eqns.size(); ++i) {
    int r = region_of[i];
    if (r < 0) {
      out.eqns.push_back(g.eqns[i]);
      continue;
    }
    const Region& reg = regions[r];
    if (i != last_member[r]) continue;
    // A region is worth it when it does more than one thing, or when it reads a broadcast
    // scalar (one value to its kernel, where the primitive's own kernel takes a strided path).
    if (reg.members.size() < 2 && !reads_scalar_broadcast(g.eqns[reg.members[0]])) {
      out.eqns.push_back(g.eqns[reg.members[0]]);
      continue;
    }
    Graph sub;
    std::unordered_map<int, int> m;
    std::unordered_set<int> produced;
    for (size_t k : reg.members)
      for (int v : g.eqns[k].outputs) produced.insert(v);
    Eqn fe;
    fe.primitive = &fused;
    auto sub_var = [&](int v) {
      auto it = m.find(v);
      if (it != m.end()) return it->second;
      sub.vars.push_back(g.vars[v]);
      int nv = static_cast<int>(sub.vars.size()) - 1;
      m[v] = nv;
      if (!produced.count(v)) {
        sub.invars.push_back(nv);
        fe.inputs.push_back(v);
      }
      return nv;
    };
    // The scalar broadcasts the members read, made inside the region.
    for (size_t k : reg.members)
      for (int v : g.eqns[k].inputs) {
        auto it = scalar_bcast.find(v);
        if (it == scalar_bcast.end() || produced.count(v) || m.count(v)) continue;
        Eqn be = g.eqns[it->second];
        be.inputs[0] = sub_var(be.inputs[0]);
        produced.insert(v);
        be.outputs[0] = sub_var(v);
        sub.eqns.push_back(std::move(be));
      }
    for (size_t k : reg.members) {
      Eqn se = g.eqns[k];
      for (int& v : se.inputs) v = sub_var(v);
      for (int& v : se.outputs) v = sub_var(v);
      sub.eqns.push_back(std::move(se));
    }
    for (size_t k : reg.members)
      for (int v : g.eqns[k].outputs)
        if (used_outside.count(v) && producer_region[v] == r) {  // not a remade one
          sub.outvars.push_back(m[v]);
          fe.outputs.push_back(v);
        }
    // Members whose values another region now remakes, and that nothing else reads (the
    // forward pass's ReLU mask, recomputed by the backward region), are dropped, with the
    // operands only they read.
    sub = eliminate_dead_code(sub);
    std::vector<bool> read(sub.vars.size(), false);
    for (const Eqn& e : sub.eqns)
      for (int v : e.inputs) read[v] = true;
    for (int v : sub.outvars) read[v] = true;
    std::vector<int> kept_invars, kept_inputs;
    for (size_t i = 0; i < sub.invars.size(); ++i)
      if (read[sub.invars[i]]) {
        kept_invars.push_back(sub.invars[i]);
        kept_inputs.push_back(fe.inputs[i]);
      }
    sub.invars = std::move(kept_invars);
    fe.inputs = std::move(kept_inputs);
    fe.params = Params{{"graph", GraphList{std::make_shared<const Graph>(std::move(sub))}},
                       {"shape", std::vector<int64_t>(reg.shape.begin(), reg.shape.end())}};
    out.eqns.push_back(std::move(fe));
  }
  return out;
}

}  // namespace arrax::ir
