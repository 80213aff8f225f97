// max_pool, max_pool_gather and max_pool_scatter on the GPU, with the CPU's semantics
// (cpp/primitives/pooling.cpp): each window's winner is its first maximum in row-major order,
// NaN winning, padded positions never. A thread per output finds its window's winner; the
// scatter runs as a gather, a thread per input position summing the values of the windows it
// wins, in the CPU's order (so no atomics, and the same sums).
#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

enum class Pool { Max, Gather, Scatter };

// words: x, t (the values gathered or scattered; x again for max_pool), out, planes, h, w, kh,
// kw, sh, sw, pt, pl, ho, wo
std::string pool_source(Pool kind, DType x_dt, DType v_dt) {
  const std::string C = compute_type(x_dt), S = storage_type(x_dt);
  const std::string VC = compute_type(v_dt), VS = storage_type(v_dt);
  Source s;
  s << "struct AxArgs { long long w[14]; };\n"
    << "// The position (y * w + x in its plane) of the window's winner.\n"
    << "__device__ __forceinline__ long long ax_winner(const AxArgs& a, const " << S
    << "* x, long long oy, long long ox) {\n"
    << "  const long long h = a.w[4], w = a.w[5], kh = a.w[6], kw = a.w[7];\n"
    << "  const long long y0 = oy * a.w[8] - a.w[10], x0 = ox * a.w[9] - a.w[11];\n"
    << "  " << C << " best = 0; long long at = -1;\n"
    << "  for (long long ky = 0; ky < kh; ++ky) {\n"
    << "    const long long y = y0 + ky;\n"
    << "    if (y < 0 || y >= h) continue;\n"
    << "    for (long long kx = 0; kx < kw; ++kx) {\n"
    << "      const long long xx = x0 + kx;\n"
    << "      if (xx < 0 || xx >= w) continue;\n"
    << "      const " << C << " v = " << load_expr(x_dt, "x[y * w + xx]") << ";\n"
    << "      if (at < 0 || (v != v && best == best) || v > best) { best = v; at = y * w + xx; }\n"
    << "    }\n  }\n  return at;\n}\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_pool(const AxArgs a) {\n"
    << "  const " << S << "* __restrict__ xs = (const " << S << "*)a.w[0];\n"
    << "  const " << VS << "* __restrict__ vs = (const " << VS << "*)a.w[1];\n"
    << "  " << VS << "* __restrict__ o = (" << VS << "*)a.w[2];\n"
    << "  const long long planes = a.w[3], h = a.w[4], w = a.w[5], ho = a.w[12], wo = a.w[13];\n";
  if (kind != Pool::Scatter) {
    s << "  const long long n = planes * ho * wo;\n"
      << "  for (long long i = (long long)blockIdx.x * 256 + threadIdx.x; i < n;"
         " i += (long long)gridDim.x * 256) {\n"
      << "    const long long plane = i / (ho * wo), oy = i / wo % ho, ox = i % wo;\n"
      << "    o[i] = vs[plane * h * w + ax_winner(a, xs + plane * h * w, oy, ox)];\n  }\n}\n";
    return s.str();
  }
  // Windows holding (y, x): oy from ceil((y + pt - kh + 1) / sh) to floor((y + pt) / sh).
  s << "  const long long kh = a.w[6], kw = a.w[7], sh = a.w[8], sw = a.w[9], pt = a.w[10],"
       " pl = a.w[11];\n"
    << "  const long long n = planes * h * w;\n"
    << "  for (long long i = (long long)blockIdx.x * 256 + threadIdx.x; i < n;"
       " i += (long long)gridDim.x * 256) {\n"
    << "    const long long plane = i / (h * w), y = i / w % h, x = i % w, pos = y * w + x;\n"
    << "    const long long ylo = y + pt - kh + 1, xlo = x + pl - kw + 1;\n"
    << "    long long oy0 = ylo <= 0 ? 0 : (ylo + sh - 1) / sh, oy1 = (y + pt) / sh;\n"
    << "    long long ox0 = xlo <= 0 ? 0 : (xlo + sw - 1) / sw, ox1 = (x + pl) / sw;\n"
    << "    if (oy1 >= ho) oy1 = ho - 1;\n    if (ox1 >= wo) ox1 = wo - 1;\n"
    << "    " << VC << " acc = 0;\n"
    << "    for (long long oy = oy0; oy <= oy1; ++oy)\n"
    << "      for (long long ox = ox0; ox <= ox1; ++ox)\n"
    << "        if (ax_winner(a, xs + plane * h * w, oy, ox) == pos)\n"
    << "          acc = "
    << load_expr(v_dt, "(" + VS + ")(" +
                           store_expr(v_dt, "(" + VC + ")(acc + " +
                                                load_expr(v_dt, "vs[(plane * ho + oy) * wo + ox]") +
                                                ")") +
                           ")")
    << ";\n"
    << "    o[i] = " << store_expr(v_dt, "acc") << ";\n  }\n}\n";
  return s.str();
}

KernelFn pool_kernel(const Primitive* p, Pool kind) {
  return [p, kind](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];  // checks everything
    const Device dev = current_device();
    const Array x = in[0].contiguous();
    const Array v = kind == Pool::Max ? x : in[1].contiguous();
    if (compute_type(x.dtype()).empty() || compute_type(v.dtype()).empty())
      return run_on_host(*p, in, params, dev);
    Array out = Array::empty(oa.shape, oa.dtype, dev);
    if (out.size() == 0 || x.size() == 0) return {out};
    const Shape& xs = x.shape();
    const Shape pooled = kind == Pool::Scatter ? v.shape() : oa.shape;
    const int64_t h = xs[xs.size() - 2], w = xs.back();
    const auto &win = params.get_ints("window"), &st = params.get_ints("strides"),
               &pad = params.get_ints("padding");
    const std::vector<long long> words = {reinterpret_cast<long long>(x.data()),
                                          reinterpret_cast<long long>(v.data()),
                                          reinterpret_cast<long long>(out.data()),
                                          x.size() / (h * w),
                                          h,
                                          w,
                                          win[0],
                                          win[1],
                                          st[0],
                                          st[1],
                                          pad[0],
                                          pad[2],
                                          pooled[pooled.size() - 2],
                                          pooled.back()};
    const std::string key = {static_cast<char>(kind), static_cast<char>(x.dtype()),
                             static_cast<char>(v.dtype())};
    KernelHandle k = kernel_for(key, "ax_pool", dev.index,
                                [&] { return pool_source(kind, x.dtype(), v.dtype()); });
    launch_kernel(k, dev.index, grid_for(out.size(), 256, dev.index), 256, words);
    return {out};
  };
}

}  // namespace

std::vector<std::string> pooling_sources() {
  std::vector<std::string> r;
  for (Pool kind : {Pool::Max, Pool::Gather, Pool::Scatter})
    for (DType dt : {DType::Float32, DType::Float64, DType::Float16, DType::Int32})
      r.push_back(pool_source(kind, dt, kind == Pool::Max ? dt : DType::BFloat16));
  return r;
}

void install_pooling_kernels() {
  const std::pair<const char*, Pool> kinds[] = {{"max_pool", Pool::Max},
                                                {"max_pool_gather", Pool::Gather},
                                                {"max_pool_scatter", Pool::Scatter}};
  for (auto& [name, kind] : kinds)
    if (const Primitive* p = find_primitive(name)) register_cuda_kernel(name, pool_kernel(p, kind));
}

}  // namespace arrax::cuda
