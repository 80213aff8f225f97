// conv, conv_input_grad and conv_weight_grad on the GPU (float32/float64; see
// cpp/primitives/conv.cpp for their meaning), by im2col and cuBLAS:
//   cols (G, K, N * L): every group's patches, K = C/G * KH * KW rows, a column per output
//                       position of every sample (one generated kernel for all groups)
//   conv:               per group, out[n, group's channels] = W_g cols_g[:, n's columns], one
//                       GEMM batched over the samples, written in place in (N, O, Ho, Wo)
//   conv_input_grad:    per group, cols_g[:, n] = W_g^T ct[n, group's channels], then col2im as
//                       a gather: a thread per input element sums the columns that read it, in
//                       the CPU's order
//   conv_weight_grad:   per group, partial[n] = ct[n, group] cols_g[:, n]^T, batched over the
//                       samples, then summed over them by reduce_sum
// Other dtypes run through the host.
#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

struct Geom {
  int64_t n, c, h, w, o, kh, kw, sh, sw, pt, pl, dh, dw, g, ho, wo;
  int64_t cg() const { return c / g; }
  int64_t og() const { return o / g; }
  int64_t k() const { return cg() * kh * kw; }
  int64_t l() const { return ho * wo; }
};

// From shapes the primitive's abstract evaluation has checked.
Geom geometry(const Shape& xs, const Shape& ws, const Shape& ys, const Params& p) {
  const auto &st = p.get_ints("strides"), &pad = p.get_ints("padding"),
             &dil = p.get_ints("dilation");
  return Geom{xs[0], xs[1], xs[2],  xs[3],  ws[0],  ws[2],  ws[3],
              st[0], st[1], pad[0], pad[2], dil[0], dil[1], p.get_int("groups"),
              ys[2], ys[3]};
}

std::vector<long long> words(const Geom& g, const void* a, const void* b) {
  return {reinterpret_cast<long long>(a),
          reinterpret_cast<long long>(b),
          g.n,
          g.c,
          g.h,
          g.w,
          g.g,
          g.cg(),
          g.kh,
          g.kw,
          g.sh,
          g.sw,
          g.pt,
          g.pl,
          g.dh,
          g.dw,
          g.ho,
          g.wo};
}

const char* kGeomCode =
    "struct AxArgs { long long w[18]; };\n"
    "#define AX_GEOM \\\n"
    "  const long long N = a.w[2], C = a.w[3], H = a.w[4], W = a.w[5], G = a.w[6], CG = a.w[7];"
    " \\\n"
    "  const long long KH = a.w[8], KW = a.w[9], SH = a.w[10], SW = a.w[11], PT = a.w[12];"
    " \\\n"
    "  const long long PL = a.w[13], DH = a.w[14], DW = a.w[15], HO = a.w[16], WO = a.w[17];"
    " \\\n"
    "  const long long K = CG * KH * KW, L = HO * WO;\n";

std::string conv_source(DType dt, bool col2im) {
  const std::string T = compute_type(dt);
  Source s;
  s << kGeomCode;
  if (!col2im) {
    // cols[g][k][n * L + l] from x (N, C, H, W), zero outside.
    s << "extern \"C\" __global__ void __launch_bounds__(256) ax_im2col(const AxArgs a) {\n"
      << "  const " << T << "* __restrict__ x = (const " << T << "*)a.w[0];\n"
      << "  " << T << "* __restrict__ cols = (" << T << "*)a.w[1];\n"
      << "  AX_GEOM\n  (void)C;\n"
      << "  const long long total = G * K * N * L;\n"
      << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < total;"
         " t += (long long)gridDim.x * 256) {\n"
      << "    const long long l = t % L, n = t / L % N, k = t / (L * N) % K, g = t / (L * N * K);\n"
      << "    const long long c = k / (KH * KW), ka = k / KW % KH, kb = k % KW;\n"
      << "    const long long y = l / WO * SH - PT + ka * DH, xx = l % WO * SW - PL + kb * DW;\n"
      << "    cols[t] = (y >= 0 && y < H && xx >= 0 && xx < W)\n"
      << "                  ? x[((n * C + g * CG + c) * H + y) * W + xx] : (" << T << ")0;\n"
      << "  }\n}\n";
    return s.str();
  }
  // dx (N, C, H, W): each element the sum of the columns that read it, k ascending.
  s << "extern \"C\" __global__ void __launch_bounds__(256) ax_col2im(const AxArgs a) {\n"
    << "  const " << T << "* __restrict__ cols = (const " << T << "*)a.w[0];\n"
    << "  " << T << "* __restrict__ dx = (" << T << "*)a.w[1];\n"
    << "  AX_GEOM\n"
    << "  const long long total = N * C * H * W;\n"
    << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < total;"
       " t += (long long)gridDim.x * 256) {\n"
    << "    const long long xx = t % W, y = t / W % H, ch = t / (W * H) % C, n = t / (W * H * C);\n"
    << "    const long long g = ch / CG, c = ch % CG;\n"
    << "    " << T << " acc = 0;\n"
    << "    for (long long ka = 0; ka < KH; ++ka) {\n"
    << "      const long long yy = y + PT - ka * DH;\n"
    << "      if (yy < 0 || yy % SH != 0 || yy / SH >= HO) continue;\n"
    << "      for (long long kb = 0; kb < KW; ++kb) {\n"
    << "        const long long xs = xx + PL - kb * DW;\n"
    << "        if (xs < 0 || xs % SW != 0 || xs / SW >= WO) continue;\n"
    << "        const long long k = (c * KH + ka) * KW + kb;\n"
    << "        acc += cols[((g * K + k) * N + n) * L + yy / SH * WO + xs / SW];\n"
    << "      }\n    }\n"
    << "    dx[t] = acc;\n  }\n}\n";
  return s.str();
}

void launch(const char* name, bool col2im, DType dt, const Geom& g, const void* in, void* out,
            int64_t items, int dev) {
  const std::string key = {static_cast<char>(dt), static_cast<char>(col2im)};
  KernelHandle k = kernel_for(key, name, dev, [&] { return conv_source(dt, col2im); });
  launch_kernel(k, dev, grid_for(items, 256, dev), 256, words(g, in, out));
}

// Every group's patches of x, (G, K, N * L).
Array im2col(const Geom& g, const Array& x, int dev) {
  Array cols = Array::empty(Shape{g.g, g.k(), g.n * g.l()}, x.dtype(), current_device());
  launch("ax_im2col", false, x.dtype(), g, x.data(), cols.data(), cols.size(), dev);
  return cols;
}

const char* ptr(const Array& a, int64_t items) {
  return a.data() + items * static_cast<int64_t>(a.itemsize());
}

bool on_device(DType dt) {
  return dt == DType::Float32 || dt == DType::Float64;
}

KernelFn conv_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
    const Device dev = current_device();
    if (!on_device(oa.dtype)) return run_on_host(*p, in, params, dev);
    const Array x = in[0].contiguous(), w = in[1].contiguous();
    Array out = Array::empty(oa.shape, oa.dtype, dev);
    if (out.size() == 0) return {out};
    const Geom g = geometry(x.shape(), w.shape(), oa.shape, params);
    if (g.k() == 0) {
      memset_zero(out.data(), out.nbytes(), dev.index);
      return {out};
    }
    const Array cols = im2col(g, x, dev.index);
    for (int64_t gi = 0; gi < g.g; ++gi)  // out[n, gi's og channels] = W_gi cols_gi[:, n]
      gemm_rows(dev.index, oa.dtype, false, false, g.og(), g.l(), g.k(),
                ptr(w, gi * g.og() * g.k()), g.k(), 0, ptr(cols, gi * g.k() * g.n * g.l()),
                g.n * g.l(), g.l(), const_cast<char*>(ptr(out, gi * g.og() * g.l())), g.l(),
                g.o * g.l(), g.n);
    return {out};
  };
}

KernelFn input_grad_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
    const Device dev = current_device();
    if (!on_device(oa.dtype)) return run_on_host(*p, in, params, dev);
    const Array ct = in[0].contiguous(), w = in[1].contiguous();
    Array dx = Array::empty(oa.shape, oa.dtype, dev);
    if (dx.size() == 0) return {dx};
    const Geom g = geometry(oa.shape, w.shape(), ct.shape(), params);
    if (ct.size() == 0 || g.k() == 0) {
      memset_zero(dx.data(), dx.nbytes(), dev.index);
      return {dx};
    }
    Array cols = Array::empty(Shape{g.g, g.k(), g.n * g.l()}, oa.dtype, dev);
    for (int64_t gi = 0; gi < g.g; ++gi)  // cols_gi[:, n] = W_gi^T ct[n, gi's channels]
      gemm_rows(dev.index, oa.dtype, true, false, g.k(), g.l(), g.og(), ptr(w, gi * g.og() * g.k()),
                g.k(), 0, ptr(ct, gi * g.og() * g.l()), g.l(), g.o * g.l(),
                const_cast<char*>(ptr(cols, gi * g.k() * g.n * g.l())), g.n * g.l(), g.l(), g.n);
    launch("ax_col2im", true, oa.dtype, g, cols.data(), dx.data(), dx.size(), dev.index);
    return {dx};
  };
}

KernelFn weight_grad_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
    const Device dev = current_device();
    if (!on_device(oa.dtype)) return run_on_host(*p, in, params, dev);
    const Array x = in[0].contiguous(), ct = in[1].contiguous();
    const Geom g = geometry(x.shape(), oa.shape, ct.shape(), params);
    if (shape_size(oa.shape) == 0 || ct.size() == 0) {
      Array dw = Array::empty(oa.shape, oa.dtype, dev);
      memset_zero(dw.data(), dw.nbytes(), dev.index);
      return {dw};
    }
    const Array cols = im2col(g, x, dev.index);
    // partial (N, O, K): per sample and group, ct[n, gi's channels] cols_gi[:, n]^T.
    Array partial = Array::empty(Shape{g.n, g.o, g.k()}, oa.dtype, dev);
    for (int64_t gi = 0; gi < g.g; ++gi)
      gemm_rows(dev.index, oa.dtype, false, true, g.og(), g.k(), g.l(),
                ptr(ct, gi * g.og() * g.l()), g.l(), g.o * g.l(),
                ptr(cols, gi * g.k() * g.n * g.l()), g.n * g.l(), g.l(),
                const_cast<char*>(ptr(partial, gi * g.og() * g.k())), g.k(), g.o * g.k(), g.n);
    static const Primitive& reduce_sum = primitive("reduce_sum");
    const Array dw = bind(reduce_sum, {partial}, Params{{"axes", std::vector<int64_t>{0}}})[0];
    return {dw.view(oa.shape, contiguous_strides(oa.shape, dw.itemsize()), dw.offset())};
  };
}

}  // namespace

std::vector<std::string> conv_sources() {
  return {conv_source(DType::Float32, false), conv_source(DType::Float32, true),
          conv_source(DType::Float64, false), conv_source(DType::Float64, true)};
}

void install_conv_kernels() {
  const std::pair<const char*, KernelFn (*)(const Primitive*)> kernels[] = {
      {"conv", conv_kernel},
      {"conv_input_grad", input_grad_kernel},
      {"conv_weight_grad", weight_grad_kernel}};
  for (auto& [name, make] : kernels)
    if (const Primitive* p = find_primitive(name)) register_cuda_kernel(name, make(p));
}

}  // namespace arrax::cuda
