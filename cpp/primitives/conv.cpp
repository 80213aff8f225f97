// 2-D convolution (NCHW input, OIHW kernel; stride, padding, dilation, groups) and its two
// transposes, by im2col + Eigen GEMM per block of samples, split over the thread pool:
//   conv(x, w)                   -> y   (N, O, Ho, Wo)
//   conv_input_grad(ct, w)       -> dx  (col2im of W^T ct): conv's transpose in x
//   conv_weight_grad(x, ct)      -> dw  (ct cols^T summed over the batch): its transpose in w
// Parameters: strides (2), padding (4: top, bottom, left, right), dilation (2), groups, and for
// the gradients the shape of what they produce. Rules: python/arrax/_rules/conv.py.
#include <Eigen/Core>
#include <algorithm>

#include "errors.h"
#include "kernels/reduce.h"
#include "parallel.h"
#include "primitive.h"
#include "primitives/gemm_avx512.h"

namespace arrax {
namespace {

struct ConvGeom {
  int64_t n, c, h, w, o, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, g, ho, wo;
  int64_t cg() const { return c / g; }
  int64_t og() const { return o / g; }
  int64_t k() const { return cg() * kh * kw; }
  int64_t l() const { return ho * wo; }
};

ConvGeom geometry(const char* name, const Shape& xs, const Shape& ws, const Params& p) {
  if (xs.size() != 4 || ws.size() != 4)
    throw ValueError(std::string(name) +
                     ": expects 4-D input (N, C, H, W) and kernel (O, C/groups, KH, KW), got " +
                     shape_str(xs) + " and " + shape_str(ws));
  const auto &st = p.get_ints("strides"), &pad = p.get_ints("padding"),
             &dil = p.get_ints("dilation");
  if (st.size() != 2 || pad.size() != 4 || dil.size() != 2)
    throw ValueError(std::string(name) + ": strides, padding and dilation need 2, 4 and 2 entries");
  ConvGeom gm{xs[0], xs[1],  xs[2],  xs[3],  ws[0],  ws[2],  ws[3],  st[0],
              st[1], pad[0], pad[1], pad[2], pad[3], dil[0], dil[1], p.get_int("groups"),
              0,     0};
  if (gm.g < 1 || gm.c % gm.g || gm.o % gm.g || ws[1] != gm.c / gm.g)
    throw ValueError(std::string(name) + ": channels " + std::to_string(gm.c) + " and kernel " +
                     shape_str(ws) + " do not match groups=" + std::to_string(gm.g));
  if (gm.sh < 1 || gm.sw < 1 || gm.dh < 1 || gm.dw < 1)
    throw ValueError(std::string(name) + ": strides and dilation must be positive");
  gm.ho = (gm.h + gm.pt + gm.pb - gm.dh * (gm.kh - 1) - 1) / gm.sh + 1;
  gm.wo = (gm.w + gm.pl + gm.pr - gm.dw * (gm.kw - 1) - 1) / gm.sw + 1;
  if (gm.ho <= 0 || gm.wo <= 0)
    throw ValueError(std::string(name) + ": the kernel is larger than the padded input " +
                     shape_str(xs));
  return gm;
}

template <typename T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Where each column of each window offset reads in a zero-padded copy of an input plane:
// index[(a * KW + b) * L + i * Wo + j], for maps with short rows (Wo < 32), whose row-by-row
// copies cost more in loop overhead than in data: im2col and col2im then go through the table,
// the same for every plane and sample.
struct PatchIndex {
  bool use = false;
  int64_t hp = 0, wp = 0;  // the padded plane
  std::vector<int32_t> index;
};

PatchIndex patch_index(const ConvGeom& gm) {
  PatchIndex p;
  p.hp = gm.h + gm.pt + gm.pb;
  p.wp = gm.w + gm.pl + gm.pr;
  p.use = gm.wo < 32 && p.hp * p.wp < (int64_t{1} << 31);
  if (!p.use) return p;
  const int64_t L = gm.l();
  p.index.resize(gm.kh * gm.kw * L);
  for (int64_t a = 0; a < gm.kh; ++a)
    for (int64_t b = 0; b < gm.kw; ++b)
      for (int64_t i = 0; i < gm.ho; ++i)
        for (int64_t j = 0; j < gm.wo; ++j)
          p.index[(a * gm.kw + b) * L + i * gm.wo + j] =
              static_cast<int32_t>((i * gm.sh + a * gm.dh) * p.wp + j * gm.sw + b * gm.dw);
  return p;
}

// Per-thread scratch of im2col/col2im: a padded plane, its border zero.
template <typename T>
struct PadPlane {
  std::vector<T> buf;
  explicit PadPlane(const PatchIndex& p) : buf(p.use ? p.hp * p.wp : 0, T(0)) {}
};

// cols (C/G * KH * KW, Ho * Wo) of sample n, group g; rows ld apart (several samples' columns
// side by side make one wider GEMM).
template <typename T>
void im2col(const ConvGeom& gm, const PatchIndex& pi, PadPlane<T>& pad, const T* x, int64_t n,
            int64_t g, T* cols, int64_t ld) {
  if (pi.use) {
    const int64_t L = gm.l(), kk = gm.kh * gm.kw;
    T* pp = pad.buf.data();
    for (int64_t ci = 0; ci < gm.cg(); ++ci) {
      const T* xc = x + ((n * gm.c) + g * gm.cg() + ci) * gm.h * gm.w;
      for (int64_t y = 0; y < gm.h; ++y)  // the interior; the border stays zero
        for (int64_t xx = 0; xx < gm.w; ++xx)
          pp[(y + gm.pt) * pi.wp + gm.pl + xx] = xc[y * gm.w + xx];
      for (int64_t k = 0; k < kk; ++k) {
        T* row = cols + (ci * kk + k) * ld;
        const int32_t* idx = pi.index.data() + k * L;
        for (int64_t l = 0; l < L; ++l) row[l] = pp[idx[l]];
      }
    }
    return;
  }
  for (int64_t ci = 0; ci < gm.cg(); ++ci) {
    const T* xc = x + ((n * gm.c) + g * gm.cg() + ci) * gm.h * gm.w;
    for (int64_t a = 0; a < gm.kh; ++a)
      for (int64_t b = 0; b < gm.kw; ++b) {
        T* row = cols + ((ci * gm.kh + a) * gm.kw + b) * ld;
        // Output columns j in [j0, j1) read inside the input row; the others are padding.
        const int64_t x0 = b * gm.dw - gm.pl;  // input column of j = 0
        const int64_t j0 = std::min(gm.wo, x0 >= 0 ? 0 : (-x0 + gm.sw - 1) / gm.sw);
        const int64_t j1 = std::max(
            j0, std::min(gm.wo, gm.w - x0 <= 0 ? int64_t{0} : (gm.w - x0 + gm.sw - 1) / gm.sw));
        for (int64_t i = 0; i < gm.ho; ++i) {
          const int64_t y = i * gm.sh - gm.pt + a * gm.dh;
          T* r = row + i * gm.wo;
          if (y < 0 || y >= gm.h) {
            std::fill(r, r + gm.wo, T(0));
            continue;
          }
          const T* src = xc + y * gm.w + x0;
          for (int64_t j = 0; j < j0; ++j) r[j] = T(0);
          for (int64_t j = j0; j < j1; ++j) r[j] = src[j * gm.sw];
          for (int64_t j = j1; j < gm.wo; ++j) r[j] = T(0);
        }
      }
  }
}

template <typename T>
void col2im(const ConvGeom& gm, const PatchIndex& pi, PadPlane<T>& pad, const T* cols, int64_t n,
            int64_t g, T* dx, int64_t ld) {
  if (pi.use) {
    const int64_t L = gm.l(), kk = gm.kh * gm.kw;
    T* pp = pad.buf.data();
    for (int64_t ci = 0; ci < gm.cg(); ++ci) {
      std::fill(pad.buf.begin(), pad.buf.end(), T(0));
      for (int64_t k = 0; k < kk; ++k) {
        const T* row = cols + (ci * kk + k) * ld;
        const int32_t* idx = pi.index.data() + k * L;
        for (int64_t l = 0; l < L; ++l) pp[idx[l]] += row[l];
      }
      T* xc = dx + ((n * gm.c) + g * gm.cg() + ci) * gm.h * gm.w;
      for (int64_t y = 0; y < gm.h; ++y)
        for (int64_t xx = 0; xx < gm.w; ++xx)
          xc[y * gm.w + xx] += pp[(y + gm.pt) * pi.wp + gm.pl + xx];
    }
    if (gm.cg() > 0) std::fill(pad.buf.begin(), pad.buf.end(), T(0));  // im2col's border
    return;
  }
  for (int64_t ci = 0; ci < gm.cg(); ++ci) {
    T* xc = dx + ((n * gm.c) + g * gm.cg() + ci) * gm.h * gm.w;
    for (int64_t a = 0; a < gm.kh; ++a)
      for (int64_t b = 0; b < gm.kw; ++b) {
        const T* row = cols + ((ci * gm.kh + a) * gm.kw + b) * ld;
        for (int64_t i = 0; i < gm.ho; ++i) {
          const int64_t y = i * gm.sh - gm.pt + a * gm.dh;
          if (y < 0 || y >= gm.h) continue;
          for (int64_t j = 0; j < gm.wo; ++j) {
            const int64_t xx = j * gm.sw - gm.pl + b * gm.dw;
            if (xx >= 0 && xx < gm.w) xc[y * gm.w + xx] += row[i * gm.wo + j];
          }
        }
      }
  }
}

template <typename F>
void dispatch_float(const char* name, DType dt, F&& f) {
  if (dt == DType::Float32) return f(float{});
  if (dt == DType::Float64) return f(double{});
  throw TypeError(std::string(name) + ": expects float32 or float64, got " + dtype_name(dt));
}

// c (M x N, row-major) = a (M x K) * b (K x N), each row- or column-major with leading dims
// lda, ldb, through dot's AVX-512 build of Eigen's GEMM; false where the CPU lacks AVX-512 (the
// callers then use this file's AVX2 build).
template <typename T>
bool gemm_avx512_into(const T* a, bool a_rm, int64_t lda, const T* b, bool b_rm, int64_t ldb, T* c,
                      int64_t M, int64_t K, int64_t N) {
  if (!gemm_avx512::available()) return false;
  if constexpr (std::is_same_v<T, float>)
    gemm_avx512::float_block(a_rm, b_rm)(a, b, c, M, K, N, lda, ldb, 0, M, 0, N);
  else
    gemm_avx512::double_block(a_rm, b_rm)(a, b, c, M, K, N, lda, ldb, 0, M, 0, N);
  return true;
}

// Samples are taken S at a time, their columns side by side: one (O/G x K) x (K x S*L) GEMM
// instead of S thin ones (a 4x4 feature map has L = 16 columns per sample): about 256
// columns, buffers within 1 MiB, and at least one block per core.
struct Blocks {
  int64_t s, count;
};
Blocks sample_blocks(const ConvGeom& gm, size_t itemsize) {
  const int64_t by_width = (256 + gm.l() - 1) / gm.l();
  const int64_t by_memory =
      std::max<int64_t>(1, (int64_t{1} << 20) / itemsize / (std::max(gm.k(), gm.og()) * gm.l()));
  const int64_t by_cores = (gm.n + num_threads() - 1) / num_threads();  // a block per core
  const int64_t s = std::max<int64_t>(1, std::min({by_width, by_memory, by_cores}));
  return {s, (gm.n + s - 1) / s};
}

int64_t grain_for(const ConvGeom& gm, const Blocks& bl) {
  return std::max<int64_t>(1,
                           kParallelGrain / std::max<int64_t>(1, bl.s * gm.k() * gm.l() * gm.og()));
}

// Gathers (or scatters back) the O/G x L rows of group g of samples n0..n0+s of an (N, O, L)
// array into an O/G x s*L matrix.
template <typename T, bool Gather>
void pack_rows(const ConvGeom& gm, T* nol, T* mat, int64_t n0, int64_t s, int64_t g) {
  const int64_t L = gm.l();
  for (int64_t k = 0; k < s; ++k)
    for (int64_t o = 0; o < gm.og(); ++o) {
      T* a = nol + ((n0 + k) * gm.o + g * gm.og() + o) * L;
      T* b = mat + o * s * L + k * L;
      for (int64_t i = 0; i < L; ++i) (Gather ? b[i] : a[i]) = (Gather ? a[i] : b[i]);
    }
}

std::vector<Array> conv_kernel(const std::vector<Array>& in, const Params& p) {
  const Array x = in[0].contiguous(), w = in[1].contiguous();
  if (x.dtype() != w.dtype()) throw TypeError("conv: input and kernel must share a dtype");
  const ConvGeom gm = geometry("conv", x.shape(), w.shape(), p);
  Array out = Array::empty(Shape{gm.n, gm.o, gm.ho, gm.wo}, x.dtype());
  const PatchIndex pi = patch_index(gm);
  const Blocks bl = sample_blocks(gm, x.itemsize());
  dispatch_float("conv", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    parallel_for(bl.count, grain_for(gm, bl), [&](int64_t b, int64_t e) {
      auto cols = kernels::scratch<T>(gm.k() * gm.l() * bl.s),
           y = kernels::scratch<T>(gm.og() * gm.l() * bl.s);
      PadPlane<T> pad(pi);
      for (int64_t blk = b; blk < e; ++blk) {
        const int64_t n0 = blk * bl.s, s = std::min(bl.s, gm.n - n0), ld = s * gm.l();
        for (int64_t g = 0; g < gm.g; ++g) {
          for (int64_t k = 0; k < s; ++k)
            im2col<T>(gm, pi, pad, x.data_as<T>(), n0 + k, g, cols.get() + k * gm.l(), ld);
          const T* wg = w.data_as<T>() + g * gm.og() * gm.k();
          if (!gemm_avx512_into(wg, true, gm.k(), cols.get(), true, ld, y.get(), gm.og(), gm.k(),
                                ld)) {
            Eigen::Map<const RowMat<T>> W(wg, gm.og(), gm.k());
            Eigen::Map<const RowMat<T>> C(cols.get(), gm.k(), ld);
            Eigen::Map<RowMat<T>> Y(y.get(), gm.og(), ld);
            Y.noalias() = W * C;
          }
          pack_rows<T, false>(gm, out.data_as<T>(), y.get(), n0, s, g);
        }
      }
    });
  });
  return {out};
}

Shape shape_param(const Params& p) {
  return Shape(p.get_ints("shape"));
}

std::vector<Array> input_grad_kernel(const std::vector<Array>& in, const Params& p) {
  const Array ct = in[0].contiguous(), w = in[1].contiguous();
  const Shape xs = shape_param(p);
  const ConvGeom gm = geometry("conv_input_grad", xs, w.shape(), p);
  if (ct.shape() != Shape{gm.n, gm.o, gm.ho, gm.wo})
    throw ValueError("conv_input_grad: cotangent shape " + shape_str(ct.shape()) +
                     " does not match");
  Array dx = Array::empty(xs, ct.dtype(), {}, /*zeroed=*/true);
  const PatchIndex pi = patch_index(gm);
  const Blocks bl = sample_blocks(gm, ct.itemsize());
  dispatch_float("conv_input_grad", ct.dtype(), [&](auto tag) {
    using T = decltype(tag);
    parallel_for(bl.count, grain_for(gm, bl), [&](int64_t b, int64_t e) {
      auto cols = kernels::scratch<T>(gm.k() * gm.l() * bl.s),
           gm_rows = kernels::scratch<T>(gm.og() * gm.l() * bl.s);
      PadPlane<T> pad(pi);
      for (int64_t blk = b; blk < e; ++blk) {
        const int64_t n0 = blk * bl.s, s = std::min(bl.s, gm.n - n0), ld = s * gm.l();
        for (int64_t g = 0; g < gm.g; ++g) {
          pack_rows<T, true>(gm, const_cast<T*>(ct.data_as<T>()), gm_rows.get(), n0, s, g);
          const T* wg = w.data_as<T>() + g * gm.og() * gm.k();
          if (!gemm_avx512_into(wg, false, gm.k(), gm_rows.get(), true, ld, cols.get(), gm.k(),
                                gm.og(), ld)) {
            Eigen::Map<const RowMat<T>> W(wg, gm.og(), gm.k());
            Eigen::Map<const RowMat<T>> G(gm_rows.get(), gm.og(), ld);
            Eigen::Map<RowMat<T>> C(cols.get(), gm.k(), ld);
            C.noalias() = W.transpose() * G;
          }
          for (int64_t k = 0; k < s; ++k)
            col2im<T>(gm, pi, pad, cols.get() + k * gm.l(), n0 + k, g, dx.data_as<T>(), ld);
        }
      }
    });
  });
  return {dx};
}

std::vector<Array> weight_grad_kernel(const std::vector<Array>& in, const Params& p) {
  const Array x = in[0].contiguous(), ct = in[1].contiguous();
  const Shape ws = shape_param(p);
  const ConvGeom gm = geometry("conv_weight_grad", x.shape(), ws, p);
  if (ct.shape() != Shape{gm.n, gm.o, gm.ho, gm.wo})
    throw ValueError("conv_weight_grad: cotangent shape " + shape_str(ct.shape()) +
                     " does not match");
  Array dw = Array::empty(ws, x.dtype(), {}, /*zeroed=*/true);
  const PatchIndex pi = patch_index(gm);
  const Blocks bl = sample_blocks(gm, x.itemsize());
  dispatch_float("conv_weight_grad", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const int nt = std::max(1, num_threads());
    std::vector<std::vector<T>> partial(nt, std::vector<T>(dw.size(), T(0)));
    const int64_t chunk = (bl.count + nt - 1) / nt;
    parallel_for(nt, 1, [&](int64_t b, int64_t e) {
      auto cols = kernels::scratch<T>(gm.k() * gm.l() * bl.s),
           g_rows = kernels::scratch<T>(gm.og() * gm.l() * bl.s),
           prod = kernels::scratch<T>(gm.og() * gm.k());
      PadPlane<T> pad(pi);
      for (int64_t t = b; t < e; ++t)
        for (int64_t blk = t * chunk; blk < std::min(bl.count, (t + 1) * chunk); ++blk) {
          const int64_t n0 = blk * bl.s, s = std::min(bl.s, gm.n - n0), ld = s * gm.l();
          for (int64_t g = 0; g < gm.g; ++g) {
            for (int64_t k = 0; k < s; ++k)
              im2col<T>(gm, pi, pad, x.data_as<T>(), n0 + k, g, cols.get() + k * gm.l(), ld);
            pack_rows<T, true>(gm, const_cast<T*>(ct.data_as<T>()), g_rows.get(), n0, s, g);
            T* d = partial[t].data() + g * gm.og() * gm.k();
            if (gemm_avx512_into(g_rows.get(), true, ld, cols.get(), false, ld, prod.get(), gm.og(),
                                 ld, gm.k())) {
              for (int64_t i = 0; i < gm.og() * gm.k(); ++i) d[i] += prod[i];
            } else {
              Eigen::Map<const RowMat<T>> C(cols.get(), gm.k(), ld);
              Eigen::Map<const RowMat<T>> G(g_rows.get(), gm.og(), ld);
              Eigen::Map<RowMat<T>> D(d, gm.og(), gm.k());
              D.noalias() += G * C.transpose();
            }
          }
        }
    });
    T* o = dw.data_as<T>();
    for (const auto& part : partial)
      for (int64_t i = 0; i < dw.size(); ++i) o[i] += part[i];
  });
  return {dw};
}

const Primitive& conv_p = register_primitive({
    "conv",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      if (in[0].dtype != in[1].dtype) throw TypeError("conv: input and kernel must share a dtype");
      const ConvGeom gm = geometry("conv", in[0].shape, in[1].shape, p);
      AbstractValue r = in[0];
      r.shape = Shape{gm.n, gm.o, gm.ho, gm.wo};
      return std::vector<AbstractValue>{r};
    },
    conv_kernel,
});

const Primitive& conv_input_grad_p = register_primitive({
    "conv_input_grad",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      geometry("conv_input_grad", shape_param(p), in[1].shape, p);
      AbstractValue r = in[0];
      r.shape = shape_param(p);
      return std::vector<AbstractValue>{r};
    },
    input_grad_kernel,
});

const Primitive& conv_weight_grad_p = register_primitive({
    "conv_weight_grad",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      geometry("conv_weight_grad", in[0].shape, shape_param(p), p);
      AbstractValue r = in[0];
      r.shape = shape_param(p);
      return std::vector<AbstractValue>{r};
    },
    weight_grad_kernel,
});

}  // namespace
}  // namespace arrax
