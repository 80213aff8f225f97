// Elementwise fusion: maximal regions of elementwise equations (and broadcasts of scalars)
// over one shape become one `fused` equation, whose CPU kernel (fused_kernel.cpp) runs the
// region chunk by chunk, the intermediates of a chunk in cache and no full-size intermediate
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

// Rematerialized slices: at most this many equations, each of these cheap operations.
constexpr size_t kMaxRemat = 8;
bool is_cheap(const Eqn& e) {
  static const std::unordered_set<std::string> ops{
      "add",  "sub", "mul", "neg", "max", "min", "select", "convert_element_type",
      "copy", "abs", "eq",  "ne",  "lt",  "gt",  "le",     "ge"};
  return e.outputs.size() == 1 && ops.count(e.primitive->name) > 0;
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
};

}  // namespace

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
    if (fusible(e, g, shape)) {
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
  // own inputs recomputes it instead. A few arithmetic operations per element cost less than
  // writing a full-size array and reading it back: a transformer's GELU region wrote seven
  // residuals for its backward region, which now recomputes the cheap ones from the input.
  std::unordered_map<int, size_t> def_eqn;  // var -> the equation making it
  for (size_t i = 0; i < g.eqns.size(); ++i)
    for (int v : g.eqns[i].outputs) def_eqn[v] = i;
  // The equations of region r that v depends on, if all are cheap and at most kMaxRemat.
  auto cheap_slice = [&](int v, int r, std::set<size_t>& slice) {
    std::vector<int> todo{v};
    while (!todo.empty()) {
      const int u = todo.back();
      todo.pop_back();
      auto it = def_eqn.find(u);
      if (it == def_eqn.end() || region_of[it->second] != r || slice.count(it->second)) continue;
      const Eqn& e = g.eqns[it->second];
      if (!is_cheap(e) || slice.size() >= kMaxRemat) return false;
      slice.insert(it->second);
      todo.insert(todo.end(), e.inputs.begin(), e.inputs.end());
    }
    return true;
  };
  std::vector<std::unordered_set<int>> recomputed(regions.size());  // per region: vars it remakes
  for (size_t r2 = 0; r2 < regions.size(); ++r2) {
    std::set<size_t> extra;
    for (size_t k : regions[r2].members)
      for (int v : g.eqns[k].inputs) {
        auto it = producer_region.find(v);
        if (it == producer_region.end() || it->second == static_cast<int>(r2)) continue;
        std::set<size_t> slice;
        if (!cheap_slice(v, it->second, slice)) continue;
        extra.insert(slice.begin(), slice.end());
      }
    if (extra.empty()) continue;
    for (size_t k : extra)
      for (int v : g.eqns[k].outputs) recomputed[r2].insert(v);
    extra.insert(regions[r2].members.begin(), regions[r2].members.end());
    regions[r2].members.assign(extra.begin(), extra.end());  // in graph order
  }
  // Which variables are read outside their producing region: by an equation in no region, or
  // by a member of another region (its remade equations included) that does not remake them.
  std::unordered_set<int> used_outside;
  for (size_t i = 0; i < g.eqns.size(); ++i)
    if (region_of[i] < 0)
      for (int v : g.eqns[i].inputs)
        if (producer_region.count(v)) used_outside.insert(v);
  for (size_t r = 0; r < regions.size(); ++r)
    for (size_t k : regions[r].members)
      for (int v : g.eqns[k].inputs) {
        auto it = producer_region.find(v);
        if (it != producer_region.end() && it->second != static_cast<int>(r) &&
            !recomputed[r].count(v))
          used_outside.insert(v);
      }
  for (int v : g.outvars) used_outside.insert(v);

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
    fe.params = Params{{"graph", GraphList{std::make_shared<const Graph>(std::move(sub))}},
                       {"shape", std::vector<int64_t>(reg.shape.begin(), reg.shape.end())}};
    out.eqns.push_back(std::move(fe));
  }
  return out;
}

}  // namespace arrax::ir
