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
// materialized: the region is walked over its coalesced shape, long rows chunk by chunk (along
// a row such an input is either contiguous or one value), short rows in flat chunks into which
// such inputs are gathered (Walk). A region with an equation that has no chunk loop runs as
// before: tile by tile through the primitives' kernels.
#include <algorithm>
#include <cstring>
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

enum class SlotKind : uint8_t { Array, Scalar, Temp, Reduced };

struct Slot {
  SlotKind kind = SlotKind::Temp;
  int index = -1;  // into Bound::arrays (Array), Bound::scalars (Scalar), Bound::reduced
                   // (Reduced) or the scratch (Temp)
  int64_t itemsize = 0;
};

// One equation: an elementwise loop, or a row reduction (its output a Reduced slot).
struct Step {
  ChunkLoop loop = nullptr;
  RowReduce reduce = nullptr;
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
  int num_reduced = 0;   // outputs of row reductions
  int reduced_dims = 0;  // the trailing dims they reduce (the same for all)
  std::vector<Step> steps;
  int num_temps = 0;
  int64_t temp_bytes = 0;  // per scratch buffer
};

// The arrays and scalars of one call.
struct Bound {
  std::vector<Array> arrays, scalars, reduced;
};

// Compiles sub; false when an equation has no chunk loop or row reduction.
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
  std::vector<char> produced(sub.vars.size(), 0), reduced(sub.vars.size(), 0);
  for (const Eqn& e : sub.eqns)
    if (e.primitive->fusion == FusionClass::Reduction)
      for (int v : e.outputs) reduced[v] = 1;
  // Outputs: written in place by the equation producing them (an array over the region, or
  // for a reduction one of its own shape).
  std::vector<int> out_slot(sub.vars.size(), -1);
  for (int v : sub.outvars) {
    if (out_slot[v] >= 0) return false;  // the same variable twice
    out_slot[v] = reduced[v] ? pg.num_reduced++ : pg.num_arrays++;
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
    if (e.outputs.size() != 1 || e.inputs.size() > 8) return false;
    const int o = e.outputs[0];
    const int64_t isz = static_cast<int64_t>(itemsize(sub.vars[o].dtype));
    Step st;
    for (int v : e.inputs) st.inputs.push_back(v);
    st.out = o;
    produced[o] = 1;
    if (e.primitive->fusion == FusionClass::Reduction) {
      // A row reduction of a value the region makes, into an output of its own shape.
      const int x = e.inputs[0];
      // (column reductions run after the region)
      if (!reduces_trailing_dims(e, static_cast<int>(sub.vars[x].shape.size()))) return false;
      const int k_dims = static_cast<int>(e.params.get_ints("axes").size());
      st.reduce =
          e.primitive->row_reduce ? e.primitive->row_reduce(sub.vars[x].dtype, e.params) : nullptr;
      if (!st.reduce || !produced[x] || out_slot[o] < 0 ||
          (pg.reduced_dims != 0 && pg.reduced_dims != k_dims))
        return false;
      pg.reduced_dims = k_dims;
      pg.slots[o] = {SlotKind::Reduced, out_slot[o], isz};
    } else {
      if (!e.primitive->chunk_loop) return false;
      dts.clear();
      for (int v : e.inputs) dts.push_back(sub.vars[v].dtype);
      st.loop = e.primitive->chunk_loop(dts, e.params);
      if (!st.loop) return false;
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
    }
    // Inputs read for the last time free their buffers after the output has taken one: a loop
    // never writes over its own input (a conversion to a wider type would overtake its reads).
    for (int v : e.inputs)
      if (pg.slots[v].kind == SlotKind::Temp && last_read[v] == k &&
          std::find(free_temps.begin(), free_temps.end(), pg.slots[v].index) == free_temps.end())
        free_temps.push_back(pg.slots[v].index);
    pg.steps.push_back(std::move(st));
  }
  for (int v : sub.outvars)
    if (pg.slots[v].kind != SlotKind::Array && pg.slots[v].kind != SlotKind::Reduced) return false;
  return true;
}

// What `make` derives from a region graph, made on first use and cached. Entries hold the graph
// weakly, so an address reused by a later graph is never mistaken for it. One cache per T.
template <typename T, typename Make>
std::shared_ptr<const T> cached_per_graph(const std::shared_ptr<const Graph>& g, Make make) {
  struct Entry {
    std::weak_ptr<const Graph> graph;
    std::shared_ptr<const T> value;
  };
  static std::mutex mu;
  static std::unordered_map<const Graph*, Entry> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(g.get());
  if (it != cache.end() && it->second.graph.lock() == g) return it->second.value;
  if (cache.size() > 4096)  // drop the entries of graphs that are gone
    for (auto i = cache.begin(); i != cache.end();)
      i = i->second.graph.expired() ? cache.erase(i) : std::next(i);
  std::shared_ptr<const T> r = make(*g);
  cache[g.get()] = Entry{g, r};
  return r;
}

// The program of a graph (nullptr: the graph has no program).
std::shared_ptr<const Program> program_of(const std::shared_ptr<const Graph>& g) {
  return cached_per_graph<Program>(g, [](const Graph& sub) -> std::shared_ptr<const Program> {
    auto pg = std::make_shared<Program>();
    if (!compile(sub, *pg)) return nullptr;
    return pg;
  });
}

// The walk over the region: rows of `row` elements (the coalesced innermost dim); per array,
// its byte strides over the outer dims and its step along a row (item size, or 0).
// Short rows (a bias over (32, 64, 96), a softmax's row maxima over rows of 64) are walked
// several whole rows at a time: arrays laid out densely over the region are read in place,
// and each other array is first gathered into a buffer of those rows. A bias (the same row
// for every row) is gathered once per thread. Running every step row by row, or gathering
// every array per row, cost more than the arithmetic.
enum class Gather : uint8_t { None, Rows, Once };

struct Walk {
  Shape outer;
  std::vector<Strides> strides;  // per array, per outer dim
  std::vector<int64_t> step;     // per array
  int64_t row = 1;
  bool short_rows = false;     // walk whole rows, gathering the arrays that are not dense
  std::vector<Gather> gather;  // per array (short_rows)
};

// Coalesces the region's dims over every array; false when an array is strided along a row
// (such inputs are then made contiguous). The dims from `split` on (those a row reduction
// reduces) must coalesce into the row and never merge with the dims before them, so that a
// row is one reduced row.
bool plan_walk(const Shape& shape, const std::vector<Array>& arrays, size_t split, Walk& w) {
  const size_t na = arrays.size();
  Shape dims;
  std::vector<Strides> st(na);
  size_t block = SIZE_MAX;  // where the reduced dims start in dims
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !dims.empty();
    if (d >= split && block == SIZE_MAX) {
      merge = false;
      block = dims.size();
    }
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
  if (split < shape.size() && block + 1 != dims.size()) return false;
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
  w.short_rows = !dims.empty() && w.row < kChunk;
  if (w.short_rows) {
    w.gather.assign(na, Gather::None);
    for (size_t a = 0; a < na; ++a) {
      int64_t want = static_cast<int64_t>(arrays[a].itemsize());
      bool dense = w.step[a] == want, invariant = w.step[a] != 0;
      want *= w.row;
      for (size_t d = dims.size(); d-- > 0; want *= dims[d]) {
        dense = dense && st[a][d] == want;
        invariant = invariant && st[a][d] == 0;
      }
      if (!dense) w.gather[a] = invariant ? Gather::Once : Gather::Rows;
    }
  }
  w.outer = std::move(dims);
  w.strides = std::move(st);
  return true;
}

// dst[0:n] = the item at src (itemsize bytes), repeated.
inline void fill_items(char* dst, const char* src, int64_t itemsize, int64_t n) {
  auto fill = [&](auto tag) {
    using U = decltype(tag);
    U v;
    std::memcpy(&v, src, sizeof(U));
    U* __restrict d = reinterpret_cast<U*>(dst);
    for (int64_t i = 0; i < n; ++i) d[i] = v;
  };
  if (itemsize == 1)
    fill(uint8_t());
  else if (itemsize == 2)
    fill(uint16_t());
  else if (itemsize == 4)
    fill(uint32_t());
  else if (itemsize == 8)
    fill(uint64_t());
  else  // complex128
    for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * itemsize, src, itemsize);
}

// Runs the program over the walk. A unit of work is a chunk of one row (rows longer than a
// chunk), whole rows, as many as fit in a chunk (Walk::short_rows), or, where the program has
// row reductions and rows are long, one row chunk after chunk (its reductions accumulate);
// per row only the arrays' pointers move.
void run_program(const Program& pg, const Bound& bd, const Walk& w) {
  const int64_t rows = shape_size(w.outer);
  const bool short_rows = w.short_rows, reduces = pg.num_reduced > 0;
  const int64_t per_row = (w.row + kChunk - 1) / kChunk;               // chunks per row, or
  const int64_t rows_per_unit = std::max<int64_t>(1, kChunk / w.row);  // rows per unit
  const int64_t units = short_rows ? (rows + rows_per_unit - 1) / rows_per_unit
                        : reduces  ? rows
                                   : rows * per_row;
  std::vector<char*> reduced_base;  // outputs of the row reductions: one item per row
  for (const Array& r : bd.reduced) reduced_base.push_back(r.data());
  const size_t na = bd.arrays.size();
  std::vector<char*> base(na);
  for (size_t a = 0; a < na; ++a) base[a] = bd.arrays[a].data();
  std::vector<int> array_slots;  // slots read or written through an array
  for (size_t v = 0; v < pg.slots.size(); ++v)
    if (pg.slots[v].kind == SlotKind::Array) array_slots.push_back(static_cast<int>(v));
  // The gathered arrays (short rows), each with a buffer of rows_per_unit rows.
  std::vector<int> gathered;
  int64_t gather_bytes = 0;
  if (short_rows)
    for (size_t a = 0; a < na; ++a)
      if (w.gather[a] != Gather::None) {
        gathered.push_back(static_cast<int>(a));
        gather_bytes =
            std::max<int64_t>(gather_bytes, bd.arrays[a].itemsize() * rows_per_unit * w.row + 64);
      }
  // The gathered arrays with rows of their own (not a row gathered once): indices into
  // `gathered`.
  std::vector<int> row_gathered;
  for (size_t g = 0; g < gathered.size(); ++g)
    if (w.gather[gathered[g]] == Gather::Rows) row_gathered.push_back(static_cast<int>(g));
  const int nd = static_cast<int>(w.outer.size());
  const int64_t unit_size =
      short_rows ? w.row * rows_per_unit : (reduces ? w.row : std::min(kChunk, w.row));
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / unit_size);
  parallel_for(units, grain, [&](int64_t u0, int64_t u1) {
    const int64_t temp_bytes = pg.num_temps * pg.temp_bytes;
    std::unique_ptr<char[]> scratch(new char[temp_bytes + gathered.size() * gather_bytes + 64]);
    char* temps = scratch.get() + (64 - reinterpret_cast<uintptr_t>(scratch.get()) % 64);
    auto buffer_of = [&](size_t g) { return temps + temp_bytes + g * gather_bytes; };
    SmallVector<char*, 16> ptr(pg.slots.size(), nullptr);
    SmallVector<int64_t, 16> step(pg.slots.size(), 0);
    for (size_t v = 0; v < pg.slots.size(); ++v) {
      const Slot& s = pg.slots[v];
      if (s.kind == SlotKind::Scalar) {
        ptr[v] = bd.scalars[s.index].data();
      } else if (s.kind == SlotKind::Temp) {
        ptr[v] = s.index >= 0 ? temps + s.index * pg.temp_bytes : nullptr;
        step[v] = s.itemsize;
      } else if (s.kind == SlotKind::Array) {
        step[v] = short_rows ? s.itemsize : w.step[s.index];
      }
    }
    SmallVector<char*, 8> start(na, nullptr);  // per array: where the current unit starts
    SmallVector<int64_t, 8> at(na, 0);         // per array: byte offset of the current row
    SmallVector<int64_t, 8> idx(nd, 0);        // the current row's index over the outer dims
    const char* in_ptr[8];
    int64_t in_step[8];
    // The steps over len elements: rows [row0, row0 + nrows) of n elements each (the row
    // reductions' view; `accumulate`: a later chunk of the same row).
    auto run_steps = [&](int64_t len, int64_t row0, int64_t nrows, int64_t n, bool accumulate) {
      for (int v : array_slots) ptr[v] = start[pg.slots[v].index];
      for (const Step& st : pg.steps) {
        if (st.reduce) {
          const Slot& o = pg.slots[st.out];
          st.reduce(reduced_base[o.index] + row0 * o.itemsize, ptr[st.inputs[0]], nrows, n,
                    accumulate);
          continue;
        }
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
    // The next row while a unit's rows are gathered: idx, and `at` of the row-gathered arrays
    // (only theirs are read there; seek sets every array's at for the next unit).
    auto next_row = [&] {
      for (int d = nd - 1; d >= 0; --d) {
        for (int g : row_gathered) at[gathered[g]] += w.strides[gathered[g]][d];
        if (++idx[d] < w.outer[d]) return;
        for (int g : row_gathered) at[gathered[g]] -= w.strides[gathered[g]][d] * w.outer[d];
        idx[d] = 0;
      }
    };
    // Copies n items of gathered array g's current row (or its one value n times, when the
    // array is constant along the row) to its buffer at element e.
    auto gather_row = [&](size_t g, int64_t e, int64_t n) {
      const int a = gathered[g];
      const int64_t isz = bd.arrays[a].itemsize();
      const char* src = base[a] + at[a];
      if (w.step[a] == 0)
        fill_items(buffer_of(g) + e * isz, src, isz, n);
      else
        std::memcpy(buffer_of(g) + e * isz, src, n * isz);
    };
    SmallVector<const char*, 4> run_src(gathered.size(), nullptr);  // per gathered array: the
    SmallVector<int64_t, 4> run_at(gathered.size(), 0);             // pending run of rows
    SmallVector<int64_t, 4> run_len(gathered.size(), 0);
    if (short_rows) {
      for (size_t g = 0; g < gathered.size(); ++g) {
        start[gathered[g]] = buffer_of(g);
        if (w.gather[gathered[g]] == Gather::Once)
          for (int64_t r = 0; r < rows_per_unit; ++r) gather_row(g, r * w.row, w.row);
      }
    }
    for (int64_t u = u0; u < u1; ++u) {
      if (!short_rows && reduces) {  // row u, chunk by chunk
        seek(u);
        for (int64_t c0 = 0; c0 < w.row; c0 += kChunk) {
          const int64_t len = std::min(kChunk, w.row - c0);
          for (size_t a = 0; a < na; ++a) start[a] = base[a] + at[a] + c0 * w.step[a];
          run_steps(len, u, 1, len, c0 > 0);
        }
        continue;
      }
      if (!short_rows) {
        seek(u / per_row);
        const int64_t c0 = (u % per_row) * kChunk;
        const int64_t len = std::min(kChunk, w.row - c0);
        for (size_t a = 0; a < na; ++a) start[a] = base[a] + at[a] + c0 * w.step[a];
        run_steps(len, u / per_row, 1, len, false);
        continue;
      }
      // Rows [r0, r1): dense arrays in place, the other arrays gathered row by row.
      const int64_t r0 = u * rows_per_unit, r1 = std::min(rows, r0 + rows_per_unit);
      seek(r0);
      for (size_t a = 0; a < na; ++a)
        if (w.gather[a] == Gather::None) start[a] = base[a] + at[a];
      // Rows that follow each other in an array's memory (a causal mask's rows) are copied
      // as one run.
      for (size_t g = 0; g < gathered.size(); ++g) run_len[g] = 0;
      auto flush = [&](size_t g) {
        const int64_t isz = bd.arrays[gathered[g]].itemsize();
        if (run_len[g]) std::memcpy(buffer_of(g) + run_at[g] * isz, run_src[g], run_len[g] * isz);
        run_len[g] = 0;
      };
      for (int64_t r = r0; r < r1; ++r) {
        for (int g : row_gathered) {
          const int a = gathered[g];
          if (w.step[a] == 0) {
            gather_row(g, (r - r0) * w.row, w.row);
            continue;
          }
          const char* src = base[a] + at[a];
          if (run_len[g] && src != run_src[g] + run_len[g] * w.step[a]) flush(g);
          if (!run_len[g]) {
            run_src[g] = src;
            run_at[g] = (r - r0) * w.row;
          }
          run_len[g] += w.row;
        }
        if (r + 1 < r1) next_row();
      }
      for (size_t g = 0; g < gathered.size(); ++g) flush(g);
      run_steps((r1 - r0) * w.row, r0, r1 - r0, w.row, false);
    }
  });
}

// The elementwise part of a region that ends in reductions (run_reductions_after): its
// elementwise equations, whose outputs are the region's elementwise outputs and then the
// reductions' operands.
std::shared_ptr<const Graph> elementwise_part(const std::shared_ptr<const Graph>& region) {
  return cached_per_graph<Graph>(region, [](const Graph& g) {
    auto part = std::make_shared<Graph>(g);
    part->eqns.clear();
    part->outvars.clear();
    std::vector<char> produced(g.vars.size(), 0), is_out(g.vars.size(), 0);
    for (const Eqn& e : g.eqns)
      if (e.primitive->fusion != FusionClass::Reduction) {
        part->eqns.push_back(e);
        for (int v : e.outputs) produced[v] = 1;
      }
    auto add_out = [&](int v) {
      if (produced[v] && !is_out[v]) part->outvars.push_back(v);
      is_out[v] = 1;
    };
    for (int v : g.outvars) add_out(v);
    for (const Eqn& e : g.eqns)
      if (e.primitive->fusion == FusionClass::Reduction) add_out(e.inputs[0]);
    return std::shared_ptr<const Graph>(part);
  });
}

std::vector<Array> fused_kernel(const std::vector<Array>& in, const Params& p) {
  const auto& graph = p.get<GraphList>("graph")[0];
  const Graph& sub = *graph;
  const Shape shape(p.get_ints("shape"));
  // Reductions of leading dims (a bias gradient's column sums): the elementwise part as a
  // region of its own, then the reductions.
  if (has_column_reductions(sub))
    return run_reductions_after(graph, in, [&](const auto& part, const auto& args) {
      return fused_kernel(args, Params{{"graph", GraphList{part}}, {"shape", p.get_ints("shape")}});
    });
  // Without a program (or with inputs not as the graph says): tile by tile, the reductions
  // after.
  auto fallback = [&] {
    if (!has_reductions(sub)) return run_by_tiles(sub, shape, in);
    return run_reductions_after(graph, in, [&](const auto& part, const auto& args) {
      return run_by_tiles(*part, shape, args);
    });
  };
  std::shared_ptr<const Program> pg = program_of(graph);
  if (!pg) return fallback();
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
    if (!bind(sub.invars[i], i, in[i])) return fallback();
  for (size_t i = 0; i < sub.constvars.size(); ++i)
    if (!bind(sub.constvars[i], sub.invars.size() + i, sub.consts[i])) return fallback();
  std::vector<Array> outs;
  bd.reduced.resize(pg->num_reduced);
  for (int v : sub.outvars) {
    const Slot& s = pg->slots[v];
    if (s.kind == SlotKind::Reduced) {
      outs.push_back(Array::empty(sub.vars[v].shape, sub.vars[v].dtype));
      bd.reduced[s.index] = outs.back();
    } else {
      outs.push_back(Array::empty(shape, sub.vars[v].dtype));
      bd.arrays[s.index] = outs.back();
    }
  }
  if (shape_size(shape) == 0) {
    // Empty rows reduce to the identity: the reductions' own kernels give it.
    return pg->num_reduced
               ? run_reductions_after(graph, in,
                                      [&](const auto& part, const auto&) {
                                        std::vector<Array> r;
                                        for (int v : part->outvars)
                                          r.push_back(Array::empty(shape, part->vars[v].dtype));
                                        return r;
                                      })
               : outs;
  }
  // Row reductions reduce the trailing dims from `split` on.
  const size_t split = shape.size() - static_cast<size_t>(pg->reduced_dims);
  Walk w;
  if (!plan_walk(shape, bd.arrays, split, w)) {
    // Inputs strided along a row: contiguous copies walk as one flat row.
    for (auto& a : bd.arrays) a = a.contiguous();
    if (!plan_walk(shape, bd.arrays, split, w)) return fallback();  // reduced dims of size 1
  }
  run_program(*pg, bd, w);
  return outs;
}

}  // namespace

bool has_reductions(const Graph& region) {
  for (const Eqn& e : region.eqns)
    if (e.primitive->fusion == FusionClass::Reduction) return true;
  return false;
}

bool has_column_reductions(const Graph& region) {
  for (const Eqn& e : region.eqns)
    if (e.primitive->fusion == FusionClass::Reduction &&
        reduces_leading_dims(e, static_cast<int>(region.vars[e.inputs[0]].shape.size())))
      return true;
  return false;
}

std::vector<Array> run_reductions_after(const std::shared_ptr<const Graph>& region,
                                        const std::vector<Array>& in,
                                        const RegionRunner& elementwise) {
  const Graph& g = *region;
  std::shared_ptr<const Graph> part = elementwise_part(region);
  std::vector<Array> env(g.vars.size());
  for (size_t i = 0; i < g.invars.size(); ++i) env[g.invars[i]] = in[i];
  for (size_t i = 0; i < g.constvars.size(); ++i) env[g.constvars[i]] = g.consts[i];
  std::vector<Array> made = elementwise(part, in);
  for (size_t i = 0; i < part->outvars.size(); ++i) env[part->outvars[i]] = std::move(made[i]);
  for (const Eqn& e : g.eqns)
    if (e.primitive->fusion == FusionClass::Reduction)
      env[e.outputs[0]] = bind(*e.primitive, {env[e.inputs[0]]}, e.params)[0];
  std::vector<Array> outs;
  for (int v : g.outvars) outs.push_back(env[v]);
  return outs;
}

const Primitive& fused_p = register_primitive({
    "fused",
    FusionClass::Opaque,
    -1,
    [](const std::vector<AbstractValue>&, const Params& p) {
      return p.get<GraphList>("graph")[0]->out_avals();
    },
    fused_kernel,
});

}  // namespace arrax::ir
