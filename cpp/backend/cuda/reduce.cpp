// Reductions on the GPU (reduce_sum, reduce_prod, reduce_max, reduce_min, reduce_and,
// reduce_or): generated kernels over any strides. A block reduces one output; when adjacent
// outputs are adjacent in memory, or reductions are short, a thread reduces one output, so the
// loads stay coalesced (column sums). When there are few outputs, each reduction is split over
// several blocks in one launch, the last block to finish adding the parts in a fixed order.
// argmax/argmin and the scans are in scans.cpp; reductions that end a jit region run inside its
// generated kernel (codegen.cpp, ew_reduce_source).

#include <mutex>
#include <unordered_map>

#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"
#include "primitive.h"

namespace arrax::cuda {
namespace {

enum class Red { Sum, Prod, Max, Min, And, Or };

// The accumulator: float32 for halves, at least 32 bits for integers (shuffles need it).
DType acc_dtype(DType out) {
  switch (out) {
    case DType::Float16:
    case DType::BFloat16:
      return DType::Float32;
    case DType::Bool:
    case DType::Int8:
    case DType::Int16:
      return DType::Int32;
    case DType::UInt8:
    case DType::UInt16:
      return DType::UInt32;
    default:
      return out;
  }
}

std::string identity(Red k, DType dt, DType acc) {
  const std::string A = value_type(acc);
  if (is_complex(acc)) {  // sums, products, and max/min (from (-inf, -inf) and (inf, inf))
    if (k == Red::Max || k == Red::Min) {
      const std::string inf = std::string(k == Red::Max ? "-" : "") + "ax_inf(" + A + "{}.re)";
      return A + "{" + inf + ", " + inf + "}";
    }
    return A + (k == Red::Prod ? "{1, 0}" : "{0, 0}");
  }
  switch (k) {
    case Red::Sum:
    case Red::Or:
      return "(" + A + ")0";
    case Red::Prod:
    case Red::And:
      return "(" + A + ")1";
    default:
      break;
  }
  const bool mx = k == Red::Max;
  if (is_floating(dt)) return std::string(mx ? "-" : "") + "ax_inf((" + A + ")0)";
  if (dt == DType::Bool) return mx ? "0" : "1";
  const std::string T = compute_type(dt);
  const std::string bits = std::to_string(itemsize(dt) * 8 - 1);
  if (is_integer(dt) && !is_unsigned(dt))
    return mx ? "(" + A + ")(" + T + ")(1ull << " + bits + ")"
              : "(" + A + ")(" + T + ")~(1ull << " + bits + ")";
  return mx ? "(" + A + ")0" : "(" + A + ")(" + T + ")~0ull";
}

std::string combine(Red k, DType dt, const std::string& a, const std::string& b) {
  const bool f = is_floating(dt);
  if (is_complex(dt)) {
    const char* f = k == Red::Prod  ? "ax_cmul("
                    : k == Red::Max ? "ax_cmax("
                    : k == Red::Min ? "ax_cmin("
                                    : "ax_cadd(";
    return f + a + ", " + b + ")";
  }
  switch (k) {
    case Red::Sum:
      return "(" + a + " + " + b + ")";
    case Red::Prod:
      return "(" + a + " * " + b + ")";
    case Red::And:
      return "(" + a + " & " + b + ")";
    case Red::Or:
      return "(" + a + " | " + b + ")";
    case Red::Max:
      return f ? "ax_fmax_nan(" + a + ", " + b + ")"
               : "(" + a + " < " + b + " ? " + b + " : " + a + ")";
    case Red::Min:
      return f ? "ax_fmin_nan(" + a + ", " + b + ")"
               : "(" + a + " > " + b + " ? " + b + " : " + a + ")";
  }
  return "";
}

// One launch: x (any strides) reduced to `out` (contiguous, rows * splits entries) over the
// reduced dims; `kept`/`red` are (size, stride in elements) pairs.
struct Pass {
  Red kind;
  DType in, acc, out, elem;  // elem: the dtype whose ordering/identity applies (the input's)
  std::vector<std::pair<int64_t, int64_t>> kept, red;
  int64_t rows, len, splits;
  bool thread_per_row;
  // Block kernel over one contiguous reduced dim whose rows and chunks start 4-item aligned:
  // the block reads its chunk as 4-item vectors (16 bytes for float32), more bytes in flight
  // per thread, which a full-card sum needs to reach the memory's bandwidth.
  bool vector = false;
  int unroll = 1;  // vectors per thread per pass (tunable ReduceUnroll)
  // Block kernel split over several blocks per row, in one launch: each block writes its
  // partial result, and the row's last block to finish (a counter per row) reduces them in a
  // fixed order, so the result is deterministic and no second kernel is launched.
  bool one_launch = false;
};

std::string pass_source(const Pass& p) {
  const std::string A = value_type(p.acc);
  const size_t nk = p.kept.size(), nr = p.red.size();
  // words: x, out, rows, len, chunk, splits, kept sizes+strides, red sizes+strides
  const size_t nwords = 6 + 2 * nk + 2 * nr + (p.one_launch ? 2 : 0);
  Source s;
  s << "struct AxArgs { long long w[" << nwords << "]; };\n";
  s << "__device__ __forceinline__ " << A << " ax_comb(" << A << " a, " << A << " b) { return "
    << combine(p.kind, p.elem, "a", "b") << "; }\n";
  if (nr > 1) {  // the offset of reduction index r from a row's base, over the reduced dims
    s << "__device__ __forceinline__ long long ax_off(const AxArgs& a, long long off, long long r) "
         "{\n";
    for (int d = static_cast<int>(nr) - 1; d >= 0; --d)
      s << "  off += (r % a.w[" << 6 + 2 * nk + 2 * d << "]) * a.w[" << 7 + 2 * nk + 2 * d
        << "]; r /= a.w[" << 6 + 2 * nk + 2 * d << "];\n";
    s << "  return off;\n}\n";
  }
  s << "extern \"C\" __global__ void __launch_bounds__(256) ax_red(const AxArgs a) {\n"
    << "  const " << item_type(p.in) << "* __restrict__ x = (const " << item_type(p.in)
    << "*)a.w[0];\n"
    << "  " << item_type(p.out) << "* __restrict__ o = (" << item_type(p.out) << "*)a.w[1];\n"
    << "  const long long rows = a.w[2], len = a.w[3], chunk = a.w[4], splits = a.w[5];\n";
  auto row_base = [&](const std::string& row) {
    Source b;
    b << "    long long base = 0; { long long r = " << row << ";\n";
    for (int d = static_cast<int>(nk) - 1; d >= 0; --d)
      b << "      base += (r % a.w[" << 6 + 2 * d << "]) * a.w[" << 7 + 2 * d << "]; r /= a.w["
        << 6 + 2 * d << "];\n";
    b << "    }\n";
    return b.str();
  };
  auto offset_of = [&](const std::string& k) {
    Source b;
    if (nr == 1) {
      b << "base + " << k << " * a.w[" << 7 + 2 * nk << "]";
      return b.str();
    }
    b << "ax_off(a, base, " << k << ")";
    return b.str();
  };
  auto load_value = [&](std::string e) {  // an input item, as the accumulator's type
    if (p.in == DType::Float16) e = "ax_h2f(" + e + ")";
    if (p.in == DType::BFloat16) e = "ax_b2f(" + e + ")";
    return "(" + A + ")(" + e + ")";
  };
  auto load = [&](const std::string& off) { return load_value("x[" + off + "]"); };
  auto store = [&](const std::string& v) {
    std::string e = "(" + value_type(p.out) + ")(" + v + ")";
    if (p.out == DType::Float16) return "ax_f2h(" + e + ")";
    if (p.out == DType::BFloat16) return "ax_f2b(" + e + ")";
    if (p.out == DType::Bool) return "(" + v + ") != 0";
    return e;
  };
  const std::string ident = identity(p.kind, p.elem, p.acc);
  if (p.thread_per_row) {
    // The grid is `splits` groups of blocks; group `part` reduces items [part * chunk, ...)
    // of every row into o[part * rows + row].
    s << "  const long long bpp = gridDim.x / splits, part = blockIdx.x / bpp;\n"
      << "  const long long k0 = part * chunk, k1 = k0 + chunk < len ? k0 + chunk : len;\n"
      << "  for (long long row = (blockIdx.x % bpp) * blockDim.x + threadIdx.x; row < rows;"
         " row += bpp * blockDim.x) {\n"
      << row_base("row") << "    " << A << " acc = " << ident << ";\n"
      << "    for (long long k = k0; k < k1; ++k) acc = ax_comb(acc, " << load(offset_of("k"))
      << ");\n";
    if (!p.one_launch) {
      s << "    o[part * rows + row] = " << store("acc") << ";\n  }\n}\n";
    } else {
      // Each block has one group of 256 rows (bpp groups): its partial results go to
      // pa[part][row], and the group's last block to finish adds the parts in order.
      const size_t extra = 6 + 2 * nk + 2 * nr;
      s << "    ((" << A << "*)a.w[" << extra << "])[part * rows + row] = acc;\n  }\n"
        << last_block_code("(unsigned*)a.w[" + std::to_string(extra + 1) + "] + blockIdx.x % bpp")
        << "  const long long row = (blockIdx.x % bpp) * blockDim.x + threadIdx.x;\n"
        << "  if (row < rows) {\n"
        << "    const " << A << "* pv = (const " << A << "*)a.w[" << extra << "] + row;\n"
        << "    " << A << " acc = " << ident << ";\n"
        << "#pragma unroll 8\n"
        << "    for (long long q = 0; q < splits; ++q) acc = ax_comb(acc, ax_ldcg(pv + q * "
           "rows));\n"
        << "    o[row] = " << store("acc") << ";\n  }\n"
        << "  if (threadIdx.x == 0) ((unsigned*)a.w[" << extra + 1
        << "])[blockIdx.x % bpp] = 0u;  // ready for the next launch\n}\n";
    }
  } else {
    if (p.one_launch) s << "  __shared__ bool last;\n";
    s << "  const long long row = blockIdx.x / splits, part = blockIdx.x % splits;\n"
      << row_base("row") << "  " << A << " acc = " << ident << ";\n"
      << "  const long long k1 = (part + 1) * chunk < len ? (part + 1) * chunk : len;\n";
    if (p.vector) {
      const std::string S = item_type(p.in);
      s << "  struct alignas(4 * sizeof(" << S << ")) V { " << S << " v[4]; };\n"
        << "  const long long k0 = part * chunk, nv = k1 > k0 ? (k1 - k0) >> 2 : 0;\n"
        << "  const V* __restrict__ xv = (const V*)(x + base + k0);\n"
        // `unroll` vectors per thread per pass, all loaded before any is added: more loads
        // in flight per thread.
        << "  for (long long q0 = threadIdx.x; q0 < nv; q0 += blockDim.x * " << p.unroll << ") {\n"
        << "    V t[" << p.unroll << "];\n"
        << "#pragma unroll\n"
        << "    for (int u = 0; u < " << p.unroll << "; ++u)\n"
        << "      if (q0 + u * blockDim.x < nv) t[u] = xv[q0 + u * blockDim.x];\n"
        << "#pragma unroll\n"
        << "    for (int u = 0; u < " << p.unroll << "; ++u)\n"
        << "      if (q0 + u * blockDim.x < nv)\n"
        << "#pragma unroll\n"
        << "        for (int j = 0; j < 4; ++j) acc = ax_comb(acc, " << load_value("t[u].v[j]")
        << ");\n"
        << "  }\n"
        << "  for (long long k = k0 + nv * 4 + threadIdx.x; k < k1; k += blockDim.x)\n"
        << "    acc = ax_comb(acc, " << load("base + k") << ");\n";
    } else {
      s << "  for (long long k = part * chunk + threadIdx.x; k < k1; k += blockDim.x)\n"
        << "    acc = ax_comb(acc, " << load(offset_of("k")) << ");\n";
    }
    // The block's 256 values: a warp's by shuffles, then the 8 warps' through shared memory.
    const std::string block_total =
        "  for (int d = 16; d > 0; d >>= 1) acc = ax_comb(acc, ax_shfl_down(acc, d));\n"
        "  if ((threadIdx.x & 31) == 0) sh[threadIdx.x >> 5] = acc;\n"
        "  __syncthreads();\n"
        "  if (threadIdx.x == 0) {\n"
        "    for (int w = 1; w < 8; ++w) acc = ax_comb(acc, sh[w]);\n";
    s << "  __shared__ " << A << " sh[8];\n" << block_total;
    if (!p.one_launch) {
      s << "    o[blockIdx.x] = " << store("acc") << ";\n  }\n}\n";
    } else {
      const size_t extra = 6 + 2 * nk + 2 * nr;
      s << "    " << A << "* pa = (" << A << "*)a.w[" << extra << "];\n"
        << "    unsigned* cnt = (unsigned*)a.w[" << extra + 1 << "];\n"
        << "    pa[blockIdx.x] = acc;\n"
        << "    __threadfence();\n"
        << "    last = atomicAdd(cnt + row, 1u) == (unsigned)(splits - 1);\n"
        << "  }\n"
        << "  __syncthreads();\n"
        << "  if (!last) return;\n"
        << "  // The row's last block: the partial results in a fixed order.\n"
        << "  const " << A << "* pv = (const " << A << "*)a.w[" << extra << "] + row * splits;\n"
        << "  acc = " << ident << ";\n"
        << "  for (long long j = threadIdx.x; j < splits; j += blockDim.x)"
           " acc = ax_comb(acc, ax_ldcg(pv + j));\n"
        << block_total << "    o[row] = " << store("acc") << ";\n"
        << "    ((unsigned*)a.w[" << extra + 1 << "])[row] = 0u;  // ready for the next launch\n"
        << "  }\n}\n";
    }
  }
  return s.str();
}

// With p.one_launch, `partial` (rows * splits accumulators) and `counters` (rows zeros) are
// the kernel's last two words.
void run_pass(const Pass& p, const Array& x, const Array& out, int device, void* partial = nullptr,
              void* counters = nullptr) {
  const size_t nk = p.kept.size(), nr = p.red.size();
  const size_t nwords = 6 + 2 * nk + 2 * nr + (p.one_launch ? 2 : 0);
  // The kernel depends on these alone: look it up without generating its source each call.
  const std::string key = {static_cast<char>(p.kind),   static_cast<char>(p.in),
                           static_cast<char>(p.acc),    static_cast<char>(p.out),
                           static_cast<char>(p.elem),   static_cast<char>(nk),
                           static_cast<char>(nr),       static_cast<char>(p.thread_per_row),
                           static_cast<char>(p.vector), static_cast<char>(p.one_launch),
                           static_cast<char>(p.unroll)};
  KernelHandle kern = kernel_for(key, "ax_red", device, [&] { return pass_source(p); });
  int64_t chunk = (p.len + p.splits - 1) / std::max<int64_t>(p.splits, 1);
  if (p.vector) chunk = (chunk + 3) / 4 * 4;  // every chunk starts 4-item aligned
  std::vector<long long> w(nwords);
  w[0] = reinterpret_cast<long long>(x.data());
  w[1] = reinterpret_cast<long long>(out.data());
  w[2] = p.rows;
  w[3] = p.len;
  w[4] = std::max<int64_t>(chunk, 1);
  w[5] = p.splits;
  for (size_t d = 0; d < nk; ++d) {
    w[6 + 2 * d] = p.kept[d].first;
    w[7 + 2 * d] = p.kept[d].second;
  }
  for (size_t d = 0; d < nr; ++d) {
    w[6 + 2 * nk + 2 * d] = p.red[d].first;
    w[7 + 2 * nk + 2 * d] = p.red[d].second;
  }
  if (p.one_launch) {
    w[6 + 2 * nk + 2 * nr] = reinterpret_cast<long long>(partial);
    w[7 + 2 * nk + 2 * nr] = reinterpret_cast<long long>(counters);
  }
  if (p.thread_per_row && p.one_launch)  // a block per group of 256 rows and part
    launch_kernel(kern, device, static_cast<unsigned>((p.rows + 255) / 256 * p.splits), 256, w);
  else if (p.thread_per_row)
    launch_kernel(kern, device, grid_for(p.rows, 256, device) * p.splits, 256, w);
  else
    launch_kernel(kern, device, static_cast<unsigned>(p.rows * p.splits), 256, w);
}

}  // namespace

void* row_counters(Device dev) {
  static std::mutex mu;
  static std::unordered_map<int, Array*> by_device;
  std::lock_guard<std::mutex> lock(mu);
  Array*& c = by_device[dev.index];
  if (!c) {
    check_not_capturing("the first split reduction");  // its zeroing must run, not be recorded
    c = new Array(Array::empty(Shape{kRowCounters}, DType::UInt32, dev));
    memset_zero(c->data(), c->nbytes(), dev.index);
  }
  return c->data();
}

namespace {

// Reduces x over `axes` into `out` (contiguous, the kept dims' items in order). `elem` is the
// dtype whose ordering and identity apply: x's own, or the original input's when x holds
// partial results.
void reduce_to(Red kind, const Array& x, const std::vector<int64_t>& axes, DType elem,
               const Array& out, Device dev) {
  Pass p;
  p.kind = kind;
  p.in = x.dtype();
  p.elem = elem;
  p.out = out.dtype();
  p.acc = acc_dtype(out.dtype());
  p.rows = 1;
  p.len = 1;
  const int64_t isz = static_cast<int64_t>(x.itemsize());
  for (int d = 0; d < x.ndim(); ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
    const auto dim = std::make_pair(x.shape()[d], x.strides()[d] / isz);
    if (x.shape()[d] == 1) continue;
    if (reduced) {
      p.red.push_back(dim);
      p.len *= dim.first;
    } else {
      p.kept.push_back(dim);
      p.rows *= dim.first;
    }
  }
  if (p.red.empty()) p.red.push_back({1, 0});
  const int sms = properties(dev.index).multiProcessorCount;
  const bool adjacent_rows = !p.kept.empty() && p.kept.back().second == 1;
  // A thread per output when outputs are adjacent in memory, so a warp's loads are one
  // coalesced line (column sums: a block per column read a line per item), or reductions are
  // short; else a block per output.
  p.thread_per_row = p.len <= 32 || (adjacent_rows && p.rows >= 32);
  p.splits = 1;
  if (p.thread_per_row && p.len > 32) {
    // Too few outputs to fill the card (a [1024, 2048] column sum has 2048): each reduction
    // is split into parts of at least 32 items, about 1024 threads per SM in all.
    p.splits = std::min<int64_t>((int64_t{1024} * sms + p.rows - 1) / p.rows, p.len / 32);
  } else if (!p.thread_per_row && p.rows < 16 * sms && p.len > 8192) {
    // Few long rows: split each over several blocks, enough to fill the device many times.
    const int64_t blocks = int64_t{tunable(Tunable::ReduceBlocksPerSm)} * sms;
    p.splits = std::min<int64_t>((blocks + p.rows - 1) / p.rows, p.len / 4096);
  }
  if (p.splits <= 1) p.splits = 1;
  p.vector = !p.thread_per_row && p.red.size() == 1 && p.red[0].second == 1 &&
             reinterpret_cast<uintptr_t>(x.data()) % (4 * isz) == 0;
  for (const auto& [size, stride] : p.kept) p.vector = p.vector && stride % 4 == 0;
  if (p.vector) p.unroll = tunable(Tunable::ReduceUnroll);
  if (p.splits == 1) {
    run_pass(p, x, out, dev.index);
    return;
  }
  // One launch where a counter per row (per group of 256 rows for a thread per row) fits.
  if (p.rows <= (p.thread_per_row ? 256 * kRowCounters : kRowCounters) &&
      (!p.thread_per_row || (p.rows + 255) / 256 * p.splits < (int64_t{1} << 31))) {
    p.one_launch = true;
    Array partial = Array::empty(Shape{p.rows * p.splits}, p.acc, dev);
    run_pass(p, x, out, dev.index, partial.data(), row_counters(dev));
    return;
  }
  // Two passes: partial results per part ([part, row] from threads, [row, part] from blocks),
  // then their reduction, planned like any other.
  Pass first = p;
  first.out = p.acc;
  const Shape partial_shape = p.thread_per_row ? Shape{p.splits, p.rows} : Shape{p.rows, p.splits};
  Array partial = Array::empty(partial_shape, p.acc, dev);
  run_pass(first, x, partial, dev.index);
  reduce_to(kind, partial, {p.thread_per_row ? 0 : 1}, elem, out, dev);
}

KernelFn reduce_kernel(const Primitive* prim, Red kind) {
  return [prim, kind](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const Array& x = in[0];
    const Device dev = current_device();
    const AbstractValue oa = prim->abstract_eval(avals_of(in), params)[0];
    // Complex numbers: sums, products, max and min of the input's own dtype.
    const bool complex_ok =
        is_complex(x.dtype()) && oa.dtype == x.dtype() && kind != Red::And && kind != Red::Or;
    if (compute_type(x.dtype()).empty() && !complex_ok) return run_on_host(*prim, in, params, dev);
    Array out = Array::empty(oa.shape, oa.dtype, dev);
    if (out.size() == 0) return {out};
    reduce_to(kind, x, params.get_ints("axes"), x.dtype(), out, dev);
    return {out};
  };
}

}  // namespace

std::string reduction_source(const std::string& kind, DType in, DType out, int kept_dims,
                             int reduced_dims, bool thread_per_row, bool vector, bool one_launch,
                             int unroll) {
  static const std::pair<const char*, Red> names[] = {{"sum", Red::Sum}, {"prod", Red::Prod},
                                                      {"max", Red::Max}, {"min", Red::Min},
                                                      {"and", Red::And}, {"or", Red::Or}};
  Pass p;
  p.kind = Red::Sum;
  for (auto& [n, k] : names)
    if (kind == n) p.kind = k;
  p.in = p.elem = in;
  p.out = out;
  p.acc = acc_dtype(out);
  p.kept.assign(kept_dims, {1, 1});
  p.red.assign(reduced_dims, {1, 1});
  p.rows = p.len = p.splits = 1;
  p.thread_per_row = thread_per_row;
  p.vector = vector;
  p.one_launch = one_launch;
  p.unroll = unroll;
  return pass_source(p);
}

bool fused_reduction(const std::string& primitive, DType in, DType out, int value, EwReduction& r) {
  static const std::pair<const char*, Red> kinds[] = {
      {"reduce_sum", Red::Sum}, {"reduce_prod", Red::Prod}, {"reduce_max", Red::Max},
      {"reduce_min", Red::Min}, {"reduce_and", Red::And},   {"reduce_or", Red::Or}};
  if (compute_type(in).empty() || compute_type(out).empty()) return false;
  for (auto& [name, kind] : kinds)
    if (primitive == name) {
      const DType acc = acc_dtype(out == in ? in : out);
      r = EwReduction{value, acc, out, identity(kind, in, acc), combine(kind, in, "a", "b")};
      return true;
    }
  return false;
}

void install_reduction_kernels() {
  const std::pair<const char*, Red> kinds[] = {{"reduce_sum", Red::Sum}, {"reduce_prod", Red::Prod},
                                               {"reduce_max", Red::Max}, {"reduce_min", Red::Min},
                                               {"reduce_and", Red::And}, {"reduce_or", Red::Or}};
  for (auto& [name, kind] : kinds)
    if (const Primitive* p = find_primitive(name))
      register_cuda_kernel(name, reduce_kernel(p, kind));
}

}  // namespace arrax::cuda
