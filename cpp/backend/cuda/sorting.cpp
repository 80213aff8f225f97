// sort and argsort on the GPU, with the CPU's semantics (cpp/primitives/sorting.cpp): stable,
// NaN last. Each line (lines.h) is sorted as (value, position) pairs, so equal values keep
// their order, and the sorted values are copied from the input by position (-0.0 and NaN
// payloads stay as they were). Lines of up to 32 items take a thread each (an insertion
// sort); lines of up to 2048 a block each (a bitonic sort in shared memory, padded to a power
// of two); longer lines a merge sort of such tiles (below). Complex numbers sort as the CPU
// sorts them: by real part, then imaginary part, NaNs last.
#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/lines.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

constexpr int64_t kThreadSortMax = 32;
constexpr int64_t kBlockSortMax = 2048;

// Whether (va, ia) goes before (vb, ib): NaN last, equal values by position; positions past
// the line's end (padding) go after everything. Complex numbers as the CPU's sort_less (NumPy's
// order: [R + Rj, R + nanj, nan + Rj, nan + nanj]).
std::string before_source(DType dt) {
  const std::string C = value_type(dt);
  Source s;
  if (is_complex(dt))
    s << "__device__ __forceinline__ bool ax_clt(" << C << " a, " << C << " b) {\n"
      << "  if (a.re < b.re) return a.im == a.im || b.im != b.im;\n"
      << "  if (a.re > b.re) return b.im != b.im && a.im == a.im;\n"
      << "  if (a.re == b.re || (a.re != a.re && b.re != b.re))\n"
      << "    return a.im < b.im || (b.im != b.im && a.im == a.im);\n"
      << "  return b.re != b.re;\n}\n";
  s << "__device__ __forceinline__ bool ax_before(" << C << " va, int ia, " << C
    << " vb, int ib, long long n) {\n"
    << "  if (ia >= n) return false;\n  if (ib >= n) return true;\n";
  if (is_complex(dt))
    s << "  if (ax_clt(va, vb)) return true;\n  if (ax_clt(vb, va)) return false;\n"
      << "  return ia < ib;\n}\n";
  else
    s << "  const bool an = va != va, bn = vb != vb;\n"
      << "  if (an || bn) return an && bn ? ia < ib : bn;\n"
      << "  if (va < vb) return true;\n  if (vb < va) return false;\n  return ia < ib;\n}\n";
  return s.str();
}

// The bitonic sort of p2 (a power of two) pairs (sv, si) in shared memory, by ax_before with
// positions from `limit` on as padding.
std::string bitonic_source(const std::string& C, const std::string& limit) {
  Source s;
  s << "    for (int k = 2; k <= p2; k <<= 1) {\n"
    << "      for (int j = k >> 1; j > 0; j >>= 1) {\n"
    << "        for (int t = threadIdx.x; t < p2; t += 256) {\n"
    << "          const int u = t ^ j;\n"
    << "          if (u > t) {\n"
    << "            const bool up = (t & k) == 0;\n"
    << "            const bool swap = up ? ax_before(sv[u], si[u], sv[t], si[t], " << limit << ")\n"
    << "                                 : ax_before(sv[t], si[t], sv[u], si[u], " << limit
    << ");\n"
    << "            if (swap) {\n"
    << "              const " << C << " tv = sv[t]; sv[t] = sv[u]; sv[u] = tv;\n"
    << "              const int ti = si[t]; si[t] = si[u]; si[u] = ti;\n"
    << "            }\n          }\n        }\n        __syncthreads();\n      }\n    }\n";
  return s.str();
}

std::string sort_source(DType dt, bool arg, bool thread_each) {
  const std::string C = value_type(dt), S = item_type(dt);
  Source s;
  s << kLinePreamble << before_source(dt)
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_sort(const AxArgs a) {\n"
    << "  const " << S << "* __restrict__ x = (const " << S << "*)a.w[0];\n"
    << "  " << (arg ? "long long" : S) << "* __restrict__ o = (" << (arg ? "long long" : S)
    << "*)a.w[1];\n"
    << "  const long long n = a.w[2], inner = a.w[3], lines = a.w[4];\n"
    << (thread_each ? kLineLoopThread : kLineLoopBlock) << at_lambda(false);
  const std::string result = arg ? "(long long)pos" : "x[at(pos)]";
  if (thread_each) {
    s << "    " << C << " v[" << kThreadSortMax << "]; int id[" << kThreadSortMax << "];\n"
      << "    for (int k = 0; k < n; ++k) {\n"
      << "      const " << C << " y = " << load_expr(dt, "x[at(k)]") << ";\n"
      << "      int j = k;\n"
      << "      while (j > 0 && ax_before(y, k, v[j - 1], id[j - 1], n)) {\n"
      << "        v[j] = v[j - 1]; id[j] = id[j - 1]; --j;\n      }\n"
      << "      v[j] = y; id[j] = k;\n    }\n"
      << "    for (int k = 0; k < n; ++k) { const int pos = id[k]; o[at(k)] = " << result
      << "; }\n  }\n}\n";
    return s.str();
  }
  s << "    __shared__ " << C << " sv[" << kBlockSortMax << "];\n"
    << "    __shared__ int si[" << kBlockSortMax << "];\n"
    << "    int p2 = 1;\n    while (p2 < n) p2 <<= 1;\n"
    << "    for (int t = threadIdx.x; t < p2; t += 256) {\n"
    << "      si[t] = t;\n"
    << "      sv[t] = t < n ? " << load_expr(dt, "x[at(t)]") << " : " << zero_value(dt)
    << ";\n    }\n"
    << "    __syncthreads();\n"
    << bitonic_source(C, "n")
    << "    for (int k = threadIdx.x; k < n; k += 256) { const int pos = si[k]; o[at(k)] = "
    << result << "; }\n"
    << "    __syncthreads();\n  }\n}\n";
  return s.str();
}

// ---- lines longer than a block's 2048 items: a merge sort -----------------------------------
// Each line's tiles of 2048 items are sorted in shared memory (ax_sort_tiles) into key and
// position buffers laid out line after line; then passes merge sorted runs pairwise, doubling
// their width (ax_merge: every item finds its place in the merged run by a binary search in
// the other run; (value, position) pairs are all distinct, so the order is total and the sort
// stable); last, the result is written from the positions (ax_sort_gather).

// The key buffers' dtype: the compute type (float for halves).
DType key_dtype(DType dt) {
  return dt == DType::Float16 || dt == DType::BFloat16 ? DType::Float32 : dt;
}

std::string tiles_source(DType dt) {
  const std::string C = value_type(dt), S = item_type(dt);
  Source s;
  s << "struct AxArgs { long long w[6]; };\n"
    << before_source(dt)
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_sort_tiles(const AxArgs a) {\n"
    << "  const " << S << "* __restrict__ x = (const " << S << "*)a.w[0];\n"
    << "  " << C << "* __restrict__ kv = (" << C << "*)a.w[1];\n"
    << "  int* __restrict__ kp = (int*)a.w[2];\n"
    << "  const long long n = a.w[3], inner = a.w[4], lines = a.w[5];\n"
    << "  const long long tiles = (n + " << kBlockSortMax - 1 << ") / " << kBlockSortMax << ";\n"
    << "  __shared__ " << C << " sv[" << kBlockSortMax << "];\n"
    << "  __shared__ int si[" << kBlockSortMax << "];\n"
    << "  for (long long b = blockIdx.x; b < lines * tiles; b += gridDim.x) {\n"
    << "    const long long line = b / tiles, t0 = b % tiles * " << kBlockSortMax << ";\n"
    << "    const long long base = line / inner * n * inner + line % inner;\n"
    << "    const int m = (int)(n - t0 < " << kBlockSortMax << " ? n - t0 : " << kBlockSortMax
    << ");\n"
    << "    int p2 = 1;\n    while (p2 < m) p2 <<= 1;\n"
    << "    for (int t = threadIdx.x; t < p2; t += 256) {\n"
    << "      si[t] = (int)(t0 + t);\n"
    << "      sv[t] = t < m ? " << load_expr(dt, "x[base + (t0 + t) * inner]") << " : "
    << zero_value(dt) << ";\n    }\n"
    << "    __syncthreads();\n"
    << bitonic_source(C, "t0 + m") << "    for (int k = threadIdx.x; k < m; k += 256) {\n"
    << "      kv[line * n + t0 + k] = sv[k]; kp[line * n + t0 + k] = si[k];\n    }\n"
    << "    __syncthreads();\n  }\n}\n";
  return s.str();
}

std::string merge_source(DType dt) {
  const std::string C = value_type(dt);
  Source s;
  s << "struct AxArgs { long long w[7]; };\n"
    << before_source(dt)
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_merge(const AxArgs a) {\n"
    << "  const " << C << "* __restrict__ kv = (const " << C << "*)a.w[0];\n"
    << "  const int* __restrict__ kp = (const int*)a.w[1];\n"
    << "  " << C << "* __restrict__ ov = (" << C << "*)a.w[2];\n"
    << "  int* __restrict__ op = (int*)a.w[3];\n"
    << "  const long long n = a.w[4], w = a.w[5], total = a.w[6];\n"
    << "  for (long long e = (long long)blockIdx.x * 256 + threadIdx.x; e < total;"
       " e += (long long)gridDim.x * 256) {\n"
    << "    const long long line = e / n * n, i = e % n, run = i / w, start = run * w;\n"
    << "    const bool left = (run & 1) == 0;\n"
    << "    const long long lo0 = left ? start + w : start - w;\n"
    << "    const long long hi0 = left ? (start + 2 * w < n ? start + 2 * w : n) : start;\n"
    << "    const " << C << " v = kv[e];\n    const int p = kp[e];\n"
    << "    long long lo = lo0 < n ? lo0 : n, hi = hi0;\n"
    << "    while (lo < hi) {  // the other run's items that go before this one\n"
    << "      const long long mid = (lo + hi) >> 1;\n"
    << "      if (ax_before(kv[line + mid], kp[line + mid], v, p, n)) lo = mid + 1;\n"
    << "      else hi = mid;\n    }\n"
    << "    const long long dest = (left ? start : lo0) + (i - start) + (lo - (lo0 < n ? lo0 : n));"
       "\n"
    << "    ov[line + dest] = v;\n    op[line + dest] = p;\n  }\n}\n";
  return s.str();
}

std::string gather_sorted_source(DType dt, bool arg) {
  const std::string S = item_type(dt), O = arg ? "long long" : S;
  Source s;
  s << "struct AxArgs { long long w[6]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_sort_gather(const AxArgs a) {\n"
    << "  const " << S << "* __restrict__ x = (const " << S << "*)a.w[0];\n"
    << "  " << O << "* __restrict__ o = (" << O << "*)a.w[1];\n"
    << "  const int* __restrict__ kp = (const int*)a.w[2];\n"
    << "  const long long n = a.w[3], inner = a.w[4], total = a.w[5] * n;\n"
    << "  for (long long e = (long long)blockIdx.x * 256 + threadIdx.x; e < total;"
       " e += (long long)gridDim.x * 256) {\n"
    << "    const long long line = e / n, k = e % n;\n"
    << "    const long long base = line / inner * n * inner + line % inner;\n"
    << "    const long long pos = kp[e];\n"
    << "    o[base + k * inner] = " << (arg ? "pos" : "x[base + pos * inner]") << ";\n  }\n}\n";
  return s.str();
}

void merge_sort_lines(const Array& x, const Array& out, const Lines& l, bool arg, int dev) {
  const DType dt = x.dtype(), kd = key_dtype(dt);
  const int64_t total = l.count() * l.n, tiles = (l.n + kBlockSortMax - 1) / kBlockSortMax;
  const std::string key(1, static_cast<char>(dt));
  Array kv[2] = {Array::empty(Shape{total}, kd, out.device()),
                 Array::empty(Shape{total}, kd, out.device())};
  Array kp[2] = {Array::empty(Shape{total}, DType::Int32, out.device()),
                 Array::empty(Shape{total}, DType::Int32, out.device())};
  auto ptr = [](const Array& a) { return reinterpret_cast<long long>(a.data()); };
  KernelHandle tk = kernel_for(key, "ax_sort_tiles", dev, [&] { return tiles_source(dt); });
  launch_kernel(tk, dev, static_cast<unsigned>(std::min<int64_t>(l.count() * tiles, 65535)), 256,
                {ptr(x), ptr(kv[0]), ptr(kp[0]), l.n, l.inner, l.count()});
  KernelHandle mk = kernel_for(key, "ax_merge", dev, [&] { return merge_source(dt); });
  int cur = 0;
  for (int64_t w = kBlockSortMax; w < l.n; w *= 2, cur ^= 1)
    launch_kernel(mk, dev, grid_for(total, 256, dev), 256,
                  {ptr(kv[cur]), ptr(kp[cur]), ptr(kv[1 - cur]), ptr(kp[1 - cur]), l.n, w, total});
  KernelHandle gk = kernel_for(key + static_cast<char>(arg), "ax_sort_gather", dev,
                               [&] { return gather_sorted_source(dt, arg); });
  launch_kernel(gk, dev, grid_for(total, 256, dev), 256,
                {ptr(x), ptr(out), ptr(kp[cur]), l.n, l.inner, l.count()});
}

KernelFn sort_kernel(const Primitive* p, bool arg) {
  return [p, arg](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];  // checks the axis
    const Device dev = current_device();
    const int64_t axis = params.get_int("axis");
    if (value_type(in[0].dtype()).empty() || in[0].shape()[axis] >= (int64_t{1} << 31))
      return run_on_host(*p, in, params, dev);
    Array out = Array::empty(oa.shape, oa.dtype, dev);
    if (out.size() == 0) return {out};
    const Array x = in[0].contiguous();
    const Lines l = lines_of(x.shape(), axis);
    if (l.n > kBlockSortMax) {
      merge_sort_lines(x, out, l, arg, dev.index);
      return {out};
    }
    const bool thread_each = l.n <= kThreadSortMax;
    const std::string key = {static_cast<char>(x.dtype()), static_cast<char>(arg),
                             static_cast<char>(thread_each)};
    KernelHandle k = kernel_for(key, "ax_sort", dev.index,
                                [&] { return sort_source(x.dtype(), arg, thread_each); });
    launch_lines(k, l, thread_each, x, out, dev.index);
    return {out};
  };
}

}  // namespace

std::vector<std::string> sort_sources() {
  std::vector<std::string> r;
  for (DType dt :
       {DType::Bool, DType::Int8, DType::UInt16, DType::Int64, DType::Float16, DType::BFloat16,
        DType::Float32, DType::Float64, DType::Complex64, DType::Complex128})
    for (bool arg : {false, true})
      for (bool thread_each : {false, true}) r.push_back(sort_source(dt, arg, thread_each));
  for (DType dt : {DType::Bool, DType::Int64, DType::Float16, DType::Float32, DType::Float64,
                   DType::Complex64, DType::Complex128}) {
    r.push_back(tiles_source(dt));
    r.push_back(merge_source(dt));
    for (bool arg : {false, true}) r.push_back(gather_sorted_source(dt, arg));
  }
  return r;
}

void install_sort_kernels() {
  for (const char* name : {"sort", "argsort"})
    if (const Primitive* p = find_primitive(name))
      register_cuda_kernel(name, sort_kernel(p, std::string(name) == "argsort"));
}

}  // namespace arrax::cuda
