// sort and argsort on the GPU, with the CPU's semantics (cpp/primitives/sorting.cpp): stable,
// NaN last. Each line (lines.h) is sorted as (value, position) pairs, so equal values keep
// their order, and the sorted values are copied from the input by position (-0.0 and NaN
// payloads stay as they were). Lines of up to 32 items take a thread each (an insertion
// sort); lines of up to 2048 a block each (a bitonic sort in shared memory, padded to a power
// of two). Longer lines and complex numbers run through the host.
#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/lines.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

constexpr int64_t kThreadSortMax = 32;
constexpr int64_t kBlockSortMax = 2048;

std::string sort_source(DType dt, bool arg, bool thread_each) {
  const std::string C = compute_type(dt), S = storage_type(dt);
  Source s;
  s << kLinePreamble
    << "// Whether (va, ia) goes before (vb, ib): NaN last, equal values by position; positions\n"
       "// past the line's end (padding) go after everything.\n"
    << "__device__ __forceinline__ bool ax_before(" << C << " va, int ia, " << C
    << " vb, int ib, long long n) {\n"
    << "  if (ia >= n) return false;\n  if (ib >= n) return true;\n"
    << "  const bool an = va != va, bn = vb != vb;\n"
    << "  if (an || bn) return an && bn ? ia < ib : bn;\n"
    << "  if (va < vb) return true;\n  if (vb < va) return false;\n  return ia < ib;\n}\n"
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
    << "      sv[t] = t < n ? " << load_expr(dt, "x[at(t)]") << " : (" << C << ")0;\n    }\n"
    << "    __syncthreads();\n"
    << "    for (int k = 2; k <= p2; k <<= 1) {\n"
    << "      for (int j = k >> 1; j > 0; j >>= 1) {\n"
    << "        for (int t = threadIdx.x; t < p2; t += 256) {\n"
    << "          const int u = t ^ j;\n"
    << "          if (u > t) {\n"
    << "            const bool up = (t & k) == 0;\n"
    << "            const bool swap = up ? ax_before(sv[u], si[u], sv[t], si[t], n)\n"
    << "                                 : ax_before(sv[t], si[t], sv[u], si[u], n);\n"
    << "            if (swap) {\n"
    << "              const " << C << " tv = sv[t]; sv[t] = sv[u]; sv[u] = tv;\n"
    << "              const int ti = si[t]; si[t] = si[u]; si[u] = ti;\n"
    << "            }\n          }\n        }\n        __syncthreads();\n      }\n    }\n"
    << "    for (int k = threadIdx.x; k < n; k += 256) { const int pos = si[k]; o[at(k)] = "
    << result << "; }\n"
    << "    __syncthreads();\n  }\n}\n";
  return s.str();
}

KernelFn sort_kernel(const Primitive* p, bool arg) {
  return [p, arg](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];  // checks the axis
    const Device dev = current_device();
    const int64_t axis = params.get_int("axis");
    if (compute_type(in[0].dtype()).empty() || in[0].shape()[axis] > kBlockSortMax)
      return run_on_host(*p, in, params, dev);
    Array out = Array::empty(oa.shape, oa.dtype, dev);
    if (out.size() == 0) return {out};
    const Array x = in[0].contiguous();
    const Lines l = lines_of(x.shape(), axis);
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
  for (DType dt : {DType::Bool, DType::Int8, DType::UInt16, DType::Int64, DType::Float16,
                   DType::BFloat16, DType::Float32, DType::Float64})
    for (bool arg : {false, true})
      for (bool thread_each : {false, true}) r.push_back(sort_source(dt, arg, thread_each));
  return r;
}

void install_sort_kernels() {
  for (const char* name : {"sort", "argsort"})
    if (const Primitive* p = find_primitive(name))
      register_cuda_kernel(name, sort_kernel(p, std::string(name) == "argsort"));
}

}  // namespace arrax::cuda
