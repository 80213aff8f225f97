// The CPU kernel of `fused` (made by fuse_elementwise, fusion.cpp): one elementwise region of a
// jit'd graph over one shape.
//
// The region is compiled to a short program of ChunkLoops, one per equation (each primitive's
// `chunk_loop` rule picks it by dtype), over slots: the region's inputs, 0-d values broadcast
// over a chunk, scratch buffers for intermediates (reused once their last reader has run) and
// the outputs. The program then runs chunk by chunk (kChunk elements, so that the scratch
// buffers stay in L1), the chunks split over the cores: every intermediate lives only in a
// scratch buffer, and no Array is made per chunk.
//
// Inputs that are broadcast views (a bias b[None, :, None, None] read by x + b) are not
// materialized: the region is walked row by row over its coalesced shape (a unit of work is a
// chunk of one long row or several short rows), and along a row such an input is either
// contiguous or one value. A region with an
// equation that has no chunk loop runs as before: tile by tile through the primitives' kernels.
#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "errors.h"
#include "parallel.h"
#include "transforms/passes.h"

namespace arrax::ir {
namespace {

constexpr int64_t kTile = 16384;  // the fallback's elements per tile (intermediates fit in L2)
constexpr int64_t kChunk = 1024;  // the program's elements per chunk
constexpr int64_t kMinRow = 64;   // shorter rows: broadcast inputs are materialized instead

// ---- the fallback: each equation's cpu_kernel on tiles of the region ------------------------

std::vector<Array> run_by_tiles(const Graph& sub, const Shape& shape,
                                const std::vector<Array>& in) {
  const int64_t n = shape_size(shape);
  // Flat views of the inputs: contiguous arrays over the region's shape, or scalars.
  std::vector<Array> flat(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].ndim() == 0) {
      flat[i] = in[i];
    } else {
      Array c = in[i].contiguous();
      flat[i] = c.view(Shape{n}, Strides{int64_t(c.itemsize())}, c.offset());
    }
  }
  std::vector<Array> outs, flat_out;
  for (int v : sub.outvars) {
    Array o = Array::empty(shape, sub.vars[v].dtype);
    outs.push_back(o);
    flat_out.push_back(o.view(Shape{n}, Strides{int64_t(o.itemsize())}, o.offset()));
  }
  const int64_t tiles = (n + kTile - 1) / kTile;
  parallel_for(tiles, std::max<int64_t>(1, kParallelGrain / kTile), [&](int64_t t0, int64_t t1) {
    std::vector<Array> env(sub.vars.size());
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t b = t * kTile, len = std::min(kTile, n - b);
      const Shape ts{len};
      auto tile_of = [&](const Array& a) {
        return a.view(ts, a.strides(), a.offset() + b * a.strides()[0]);
      };
      for (size_t i = 0; i < sub.invars.size(); ++i)
        env[sub.invars[i]] = flat[i].ndim() == 0 ? flat[i] : tile_of(flat[i]);
      for (size_t i = 0; i < sub.constvars.size(); ++i) env[sub.constvars[i]] = sub.consts[i];
      for (const Eqn& e : sub.eqns) {
        if (e.primitive->name == "broadcast_in_dim") {
          env[e.outputs[0]] = broadcast_view(env[e.inputs[0]], ts, {});
          continue;
        }
        std::vector<Array> args;
        for (int v : e.inputs) {
          const Array& a = env[v];
          // A scalar operand of an elementwise primitive: broadcast over the tile.
          args.push_back(a.ndim() == 0 ? broadcast_view(a, ts, {}) : a);
        }
        std::vector<Array> r = e.primitive->cpu_kernel(args, e.params);
        for (size_t i = 0; i < r.size(); ++i) env[e.outputs[i]] = std::move(r[i]);
      }
      for (size_t i = 0; i < sub.outvars.size(); ++i) {
        const Array& r = env[sub.outvars[i]];
        copy_into(r.ndim() == 0 ? broadcast_view(r, ts, {}) : r, tile_of(flat_out[i]));
      }
    }
  });
  return outs;
}

// ---- the program ----------------------------------------------------------------------------

enum class SlotKind : uint8_t { Array, Scalar, Temp };

struct Slot {
  SlotKind kind = SlotKind::Temp;
  int index = -1;  // into Bound::arrays (Array), Bound::scalars (Scalar) or the scratch
  int64_t itemsize = 0;
};

struct Step {
  ChunkLoop loop;
  int out;                     // slot
  SmallVector<int, 4> inputs;  // slots
};

// The compiled region: depends on the graph alone (a 0-d variable is a Scalar, a full-shape
// one an Array), so it is made once per graph and cached.
struct Program {
  std::vector<Slot> slots;   // one per variable of the region's graph
  std::vector<int> in_slot;  // per input, then per constant: its index in arrays or scalars
  int num_arrays = 0;        // inputs and constants of the region's shape, then the outputs
  int num_scalars = 0;
  std::vector<Step> steps;
  int num_temps = 0;
  int64_t temp_bytes = 0;  // per scratch buffer
};

// The arrays and scalars of one call.
struct Bound {
  std::vector<Array> arrays, scalars;
};

// Compiles sub; false when an equation has no chunk loop.
bool compile(const Graph& sub, Program& pg) {
  pg.slots.assign(sub.vars.size(), Slot{});
  auto bind_value = [&](int var) {
    const AbstractValue& a = sub.vars[var];
    const int64_t isz = static_cast<int64_t>(itemsize(a.dtype));
    if (a.shape.empty()) {
      pg.slots[var] = {SlotKind::Scalar, pg.num_scalars++, isz};
    } else {
      pg.slots[var] = {SlotKind::Array, pg.num_arrays++, isz};
    }
    pg.in_slot.push_back(pg.slots[var].index);
  };
  for (int v : sub.invars) bind_value(v);
  for (int v : sub.constvars) bind_value(v);
  // Outputs: written in place by the equation producing them.
  std::vector<int> out_slot(sub.vars.size(), -1);
  for (int v : sub.outvars) {
    if (out_slot[v] >= 0) return false;  // the same variable twice
    out_slot[v] = pg.num_arrays++;
  }
  // Scratch buffers: a variable's is free again after its last reader.
  std::vector<size_t> last_read(sub.vars.size(), 0);
  for (size_t k = 0; k < sub.eqns.size(); ++k)
    for (int v : sub.eqns[k].inputs) last_read[v] = k;
  std::vector<int> free_temps;
  std::vector<DType> dts;
  for (size_t k = 0; k < sub.eqns.size(); ++k) {
    const Eqn& e = sub.eqns[k];
    if (e.primitive->name == "broadcast_in_dim" && sub.vars[e.inputs[0]].shape.empty()) {
      pg.slots[e.outputs[0]] = pg.slots[e.inputs[0]];  // a 0-d value, read with step 0
      continue;
    }
    if (e.outputs.size() != 1 || e.inputs.size() > 8 || !e.primitive->chunk_loop) return false;
    dts.clear();
    for (int v : e.inputs) dts.push_back(sub.vars[v].dtype);
    ChunkLoop loop = e.primitive->chunk_loop(dts, e.params);
    if (!loop) return false;
    Step st{loop, -1, {}};
    for (int v : e.inputs) st.inputs.push_back(v);
    const int o = e.outputs[0];
    const int64_t isz = static_cast<int64_t>(itemsize(sub.vars[o].dtype));
    if (out_slot[o] >= 0) {
      pg.slots[o] = {SlotKind::Array, out_slot[o], isz};
    } else {
      int t;
      if (!free_temps.empty()) {
        t = free_temps.back();
        free_temps.pop_back();
      } else {
        t = pg.num_temps++;
      }
      pg.slots[o] = {SlotKind::Temp, t, isz};
      pg.temp_bytes = std::max(pg.temp_bytes, isz * kChunk);
    }
    // Inputs read for the last time free their buffers after the output has taken one: a loop
    // never writes over its own input (a conversion to a wider type would overtake its reads).
    for (int v : e.inputs)
      if (pg.slots[v].kind == SlotKind::Temp && last_read[v] == k &&
          std::find(free_temps.begin(), free_temps.end(), pg.slots[v].index) == free_temps.end())
        free_temps.push_back(pg.slots[v].index);
    st.out = o;
    pg.steps.push_back(std::move(st));
  }
  for (int v : sub.outvars)
    if (pg.slots[v].kind != SlotKind::Array) return false;
  return true;
}

// The program of a graph, compiled on first use (nullptr: the graph has no program). Entries
// hold the graph weakly, so an address reused by a later graph is never mistaken for it.
std::shared_ptr<const Program> program_of(const std::shared_ptr<const Graph>& g) {
  struct Entry {
    std::weak_ptr<const Graph> graph;
    std::shared_ptr<const Program> program;
  };
  static std::mutex mu;
  static std::unordered_map<const Graph*, Entry> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(g.get());
  if (it != cache.end() && it->second.graph.lock() == g) return it->second.program;
  if (cache.size() > 4096)  // drop the entries of graphs that are gone
    for (auto i = cache.begin(); i != cache.end();)
      i = i->second.graph.expired() ? cache.erase(i) : std::next(i);
  auto pg = std::make_shared<Program>();
  std::shared_ptr<const Program> r = compile(*g, *pg) ? pg : nullptr;
  cache[g.get()] = Entry{g, r};
  return r;
}

// The walk over the region: rows of `row` elements (the coalesced innermost dim); per array,
// its byte strides over the outer dims and its step along a row (item size, or 0).
struct Walk {
  Shape outer;
  std::vector<Strides> strides;  // per array, per outer dim
  std::vector<int64_t> step;     // per array
  int64_t row = 1;
};

// Coalesces the region's dims over every array; false when a row is short or an array is
// strided along it (such inputs are then made contiguous).
bool plan_walk(const Shape& shape, const std::vector<Array>& arrays, Walk& w) {
  const size_t na = arrays.size();
  Shape dims;
  std::vector<Strides> st(na);
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !dims.empty();
    for (size_t a = 0; a < na && merge; ++a)
      merge = st[a].back() == arrays[a].strides()[d] * shape[d];
    if (merge) {
      dims.back() *= shape[d];
      for (size_t a = 0; a < na; ++a) st[a].back() = arrays[a].strides()[d];
    } else {
      dims.push_back(shape[d]);
      for (size_t a = 0; a < na; ++a) st[a].push_back(arrays[a].strides()[d]);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    for (auto& s : st) s.push_back(0);
  }
  w.row = dims.back();
  w.step.resize(na);
  for (size_t a = 0; a < na; ++a) {
    w.step[a] = st[a].back();
    if (w.step[a] != 0 && w.step[a] != static_cast<int64_t>(arrays[a].itemsize())) return false;
    st[a].pop_back();
  }
  dims.pop_back();
  if (!dims.empty() && w.row < kMinRow) return false;
  w.outer = std::move(dims);
  w.strides = std::move(st);
  return true;
}

// Runs the program over the walk. A unit of work is a chunk of one row (rows longer than a
// chunk) or several whole rows (shorter ones): per row only the arrays' pointers move.
void run_program(const Program& pg, const Bound& bd, const Walk& w) {
  const int64_t rows = shape_size(w.outer);
  const int64_t per_row = (w.row + kChunk - 1) / kChunk;               // units per row, or
  const int64_t rows_per_unit = std::max<int64_t>(1, kChunk / w.row);  // rows per unit
  const int64_t units = per_row > 1 ? rows * per_row : (rows + rows_per_unit - 1) / rows_per_unit;
  const size_t na = bd.arrays.size();
  std::vector<char*> base(na);
  for (size_t a = 0; a < na; ++a) base[a] = bd.arrays[a].data();
  std::vector<int> array_slots;  // slots read or written through an array
  for (size_t v = 0; v < pg.slots.size(); ++v)
    if (pg.slots[v].kind == SlotKind::Array) array_slots.push_back(static_cast<int>(v));
  const int nd = static_cast<int>(w.outer.size());
  const int64_t grain =
      std::max<int64_t>(1, kParallelGrain / std::min(kChunk, w.row * rows_per_unit));
  parallel_for(units, grain, [&](int64_t u0, int64_t u1) {
    std::unique_ptr<char[]> scratch(new char[pg.num_temps * pg.temp_bytes + 64]);
    char* temps = scratch.get() + (64 - reinterpret_cast<uintptr_t>(scratch.get()) % 64);
    SmallVector<char*, 16> ptr(pg.slots.size(), nullptr);
    SmallVector<int64_t, 16> step(pg.slots.size(), 0);
    for (size_t v = 0; v < pg.slots.size(); ++v) {
      const Slot& s = pg.slots[v];
      if (s.kind == SlotKind::Scalar) {
        ptr[v] = bd.scalars[s.index].data();
      } else if (s.kind == SlotKind::Temp) {
        ptr[v] = s.index >= 0 ? temps + s.index * pg.temp_bytes : nullptr;
        step[v] = s.itemsize;
      } else {
        step[v] = w.step[s.index];
      }
    }
    SmallVector<int64_t, 8> at(na, 0);   // per array: byte offset of the current row
    SmallVector<int64_t, 8> idx(nd, 0);  // the current row's index over the outer dims
    const char* in_ptr[8];
    int64_t in_step[8];
    auto run_steps = [&](int64_t c0, int64_t len) {
      for (int v : array_slots) {
        const int a = pg.slots[v].index;
        ptr[v] = base[a] + at[a] + c0 * w.step[a];
      }
      for (const Step& st : pg.steps) {
        for (size_t i = 0; i < st.inputs.size(); ++i) {
          in_ptr[i] = ptr[st.inputs[i]];
          in_step[i] = step[st.inputs[i]];
        }
        st.loop(ptr[st.out], in_ptr, in_step, len);
      }
    };
    auto seek = [&](int64_t r) {  // at and idx for row r
      for (size_t a = 0; a < na; ++a) at[a] = 0;
      for (int d = nd - 1; d >= 0; --d) {
        idx[d] = r % w.outer[d];
        r /= w.outer[d];
        for (size_t a = 0; a < na; ++a) at[a] += idx[d] * w.strides[a][d];
      }
    };
    auto next_row = [&] {
      for (int d = nd - 1; d >= 0; --d) {
        for (size_t a = 0; a < na; ++a) at[a] += w.strides[a][d];
        if (++idx[d] < w.outer[d]) return;
        for (size_t a = 0; a < na; ++a) at[a] -= w.strides[a][d] * w.outer[d];
        idx[d] = 0;
      }
    };
    for (int64_t u = u0; u < u1; ++u) {
      if (per_row > 1) {
        seek(u / per_row);
        const int64_t c0 = (u % per_row) * kChunk;
        run_steps(c0, std::min(kChunk, w.row - c0));
        continue;
      }
      const int64_t r0 = u * rows_per_unit, r1 = std::min(rows, r0 + rows_per_unit);
      seek(r0);
      for (int64_t r = r0; r < r1; ++r) {
        run_steps(0, w.row);
        if (r + 1 < r1) next_row();
      }
    }
  });
}

std::vector<Array> fused_kernel(const std::vector<Array>& in, const Params& p) {
  const auto& graph = p.get<GraphList>("graph")[0];
  const Graph& sub = *graph;
  const Shape shape(p.get_ints("shape"));
  std::shared_ptr<const Program> pg = program_of(graph);
  if (!pg) return run_by_tiles(sub, shape, in);
  Bound bd;
  bd.arrays.resize(pg->num_arrays);
  bd.scalars.resize(pg->num_scalars);
  auto bind = [&](int var, size_t i, const Array& a) {  // false: not what the graph says
    const bool scalar = pg->slots[var].kind == SlotKind::Scalar;
    if (scalar ? a.ndim() != 0 : a.shape() != shape) return false;
    (scalar ? bd.scalars : bd.arrays)[pg->in_slot[i]] = a;
    return true;
  };
  for (size_t i = 0; i < sub.invars.size(); ++i)
    if (!bind(sub.invars[i], i, in[i])) return run_by_tiles(sub, shape, in);
  for (size_t i = 0; i < sub.constvars.size(); ++i)
    if (!bind(sub.constvars[i], sub.invars.size() + i, sub.consts[i]))
      return run_by_tiles(sub, shape, in);
  std::vector<Array> outs;
  for (int v : sub.outvars) {
    outs.push_back(Array::empty(shape, sub.vars[v].dtype));
    bd.arrays[pg->slots[v].index] = outs.back();
  }
  if (shape_size(shape) == 0) return outs;
  Walk w;
  if (!plan_walk(shape, bd.arrays, w)) {
    // Strided inputs, or short rows: contiguous copies walk as one flat row.
    for (auto& a : bd.arrays) a = a.contiguous();
    plan_walk(shape, bd.arrays, w);
  }
  run_program(*pg, bd, w);
  return outs;
}

}  // namespace

const Primitive& fused_p = register_primitive({
    "fused",
    FusionClass::Opaque,
    -1,
    [](const std::vector<AbstractValue>&, const Params& p) {
      auto out = p.get<GraphList>("graph")[0]->out_avals();
      for (auto& a : out) a.shape = Shape(p.get_ints("shape"));
      return out;
    },
    fused_kernel,
});

}  // namespace arrax::ir
