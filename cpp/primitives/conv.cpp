// 2-D convolution (NCHW input, OIHW kernel; stride, padding, dilation, groups) and its two
// transposes, by im2col + Eigen GEMM per sample, split over the thread pool:
//   conv(x, w)                   -> y   (N, O, Ho, Wo)
//   conv_input_grad(ct, w)       -> dx  (col2im of W^T ct): conv's transpose in x
//   conv_weight_grad(x, ct)      -> dw  (ct cols^T summed over the batch): its transpose in w
// Parameters: strides (2), padding (4: top, bottom, left, right), dilation (2), groups, and for
// the gradients the shape of what they produce. Rules: python/arrax/_rules/conv.py.
#include <Eigen/Core>

#include "errors.h"
#include "parallel.h"
#include "primitive.h"

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

// cols (C/G * KH * KW, Ho * Wo) of sample n, group g.
template <typename T>
void im2col(const ConvGeom& gm, const T* x, int64_t n, int64_t g, T* cols) {
  const int64_t L = gm.l();
  for (int64_t ci = 0; ci < gm.cg(); ++ci) {
    const T* xc = x + ((n * gm.c) + g * gm.cg() + ci) * gm.h * gm.w;
    for (int64_t a = 0; a < gm.kh; ++a)
      for (int64_t b = 0; b < gm.kw; ++b) {
        T* row = cols + ((ci * gm.kh + a) * gm.kw + b) * L;
        for (int64_t i = 0; i < gm.ho; ++i) {
          const int64_t y = i * gm.sh - gm.pt + a * gm.dh;
          for (int64_t j = 0; j < gm.wo; ++j) {
            const int64_t xx = j * gm.sw - gm.pl + b * gm.dw;
            row[i * gm.wo + j] =
                (y >= 0 && y < gm.h && xx >= 0 && xx < gm.w) ? xc[y * gm.w + xx] : T(0);
          }
        }
      }
  }
}

template <typename T>
void col2im(const ConvGeom& gm, const T* cols, int64_t n, int64_t g, T* dx) {
  const int64_t L = gm.l();
  for (int64_t ci = 0; ci < gm.cg(); ++ci) {
    T* xc = dx + ((n * gm.c) + g * gm.cg() + ci) * gm.h * gm.w;
    for (int64_t a = 0; a < gm.kh; ++a)
      for (int64_t b = 0; b < gm.kw; ++b) {
        const T* row = cols + ((ci * gm.kh + a) * gm.kw + b) * L;
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

int64_t grain_for(const ConvGeom& gm) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, gm.k() * gm.l() * gm.og()));
}

std::vector<Array> conv_kernel(const std::vector<Array>& in, const Params& p) {
  const Array x = in[0].contiguous(), w = in[1].contiguous();
  if (x.dtype() != w.dtype()) throw TypeError("conv: input and kernel must share a dtype");
  const ConvGeom gm = geometry("conv", x.shape(), w.shape(), p);
  Array out = Array::empty(Shape{gm.n, gm.o, gm.ho, gm.wo}, x.dtype());
  dispatch_float("conv", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    parallel_for(gm.n, grain_for(gm), [&](int64_t b, int64_t e) {
      std::vector<T> cols(gm.k() * gm.l());
      for (int64_t n = b; n < e; ++n)
        for (int64_t g = 0; g < gm.g; ++g) {
          im2col<T>(gm, x.data_as<T>(), n, g, cols.data());
          Eigen::Map<const RowMat<T>> W(w.data_as<T>() + g * gm.og() * gm.k(), gm.og(), gm.k());
          Eigen::Map<const RowMat<T>> C(cols.data(), gm.k(), gm.l());
          Eigen::Map<RowMat<T>> Y(out.data_as<T>() + (n * gm.o + g * gm.og()) * gm.l(), gm.og(),
                                  gm.l());
          Y.noalias() = W * C;
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
  dispatch_float("conv_input_grad", ct.dtype(), [&](auto tag) {
    using T = decltype(tag);
    parallel_for(gm.n, grain_for(gm), [&](int64_t b, int64_t e) {
      std::vector<T> cols(gm.k() * gm.l());
      for (int64_t n = b; n < e; ++n)
        for (int64_t g = 0; g < gm.g; ++g) {
          Eigen::Map<const RowMat<T>> W(w.data_as<T>() + g * gm.og() * gm.k(), gm.og(), gm.k());
          Eigen::Map<const RowMat<T>> G(ct.data_as<T>() + (n * gm.o + g * gm.og()) * gm.l(),
                                        gm.og(), gm.l());
          Eigen::Map<RowMat<T>> C(cols.data(), gm.k(), gm.l());
          C.noalias() = W.transpose() * G;
          col2im<T>(gm, cols.data(), n, g, dx.data_as<T>());
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
  dispatch_float("conv_weight_grad", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const int nt = std::max(1, num_threads());
    std::vector<std::vector<T>> partial(nt, std::vector<T>(dw.size(), T(0)));
    const int64_t chunk = (gm.n + nt - 1) / nt;
    parallel_for(nt, 1, [&](int64_t b, int64_t e) {
      std::vector<T> cols(gm.k() * gm.l());
      for (int64_t t = b; t < e; ++t)
        for (int64_t n = t * chunk; n < std::min(gm.n, (t + 1) * chunk); ++n)
          for (int64_t g = 0; g < gm.g; ++g) {
            im2col<T>(gm, x.data_as<T>(), n, g, cols.data());
            Eigen::Map<const RowMat<T>> C(cols.data(), gm.k(), gm.l());
            Eigen::Map<const RowMat<T>> G(ct.data_as<T>() + (n * gm.o + g * gm.og()) * gm.l(),
                                          gm.og(), gm.l());
            Eigen::Map<RowMat<T>> D(partial[t].data() + g * gm.og() * gm.k(), gm.og(), gm.k());
            D.noalias() += G * C.transpose();
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
