// fft, rfft and irfft on the GPU through cuFFT (found at run time), with numpy.fft's semantics
// (python/arrax/numpy/fft.py defines the primitives): an n-D transform is 1-D transforms axis
// by axis, each over the axis moved last and made contiguous (one batched plan, cached); rfftn
// is a real-to-complex transform of the last axis, then complex ones of the others; irfftn the
// inverse complex ones first, then a complex-to-real one of the last axis, cropped or zero-padded
// to n // 2 + 1 points with the imaginary parts of the zero and Nyquist terms dropped, as
// pocketfft does. The norm scales once at the end. float16 inputs run through the host.
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

// cufftType values.
constexpr int kR2C = 0x2a, kC2R = 0x2c, kC2C = 0x29, kD2Z = 0x6a, kZ2D = 0x6c, kZ2Z = 0x69;

struct Cufft {
  int (*plan_many)(int*, int, int*, int*, int, int, int*, int, int, int, int);
  int (*set_stream)(int, cudaStream_t);
  int (*c2c)(int, void*, void*, int);
  int (*z2z)(int, void*, void*, int);
  int (*r2c)(int, void*, void*);
  int (*d2z)(int, void*, void*);
  int (*c2r)(int, void*, void*);
  int (*z2d)(int, void*, void*);
};
const Cufft& cufft() {
  static Cufft c = [] {
    Cufft r;
    auto sym = [](const char* s) { return library_symbol("cufft", s); };
    r.plan_many = reinterpret_cast<decltype(r.plan_many)>(sym("cufftPlanMany"));
    r.set_stream = reinterpret_cast<decltype(r.set_stream)>(sym("cufftSetStream"));
    r.c2c = reinterpret_cast<decltype(r.c2c)>(sym("cufftExecC2C"));
    r.z2z = reinterpret_cast<decltype(r.z2z)>(sym("cufftExecZ2Z"));
    r.r2c = reinterpret_cast<decltype(r.r2c)>(sym("cufftExecR2C"));
    r.d2z = reinterpret_cast<decltype(r.d2z)>(sym("cufftExecD2Z"));
    r.c2r = reinterpret_cast<decltype(r.c2r)>(sym("cufftExecC2R"));
    r.z2d = reinterpret_cast<decltype(r.z2d)>(sym("cufftExecZ2D"));
    return r;
  }();
  return c;
}

// A plan of `batch` packed 1-D transforms of n points (cached: plans are costly to make), on
// the stream of this call. A plan holds its stream: one recorded into a CUDA graph is set to
// the capture's stream, so captures have plans of their own (runtime.h), apart from the ones
// direct calls keep on the device's stream.
int plan_1d(int device, int type, int64_t n, int64_t batch) {
  static std::mutex mu;
  static std::map<std::tuple<int, int, int64_t, int64_t, bool>, int> plans;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_tuple(device, type, n, batch, capturing());
  auto it = plans.find(key);
  if (it != plans.end()) {
    if (capturing()) cufft().set_stream(it->second, stream(device));
    return it->second;
  }
  int plan = 0, dims = static_cast<int>(n);
  if (int rc = cufft().plan_many(&plan, 1, &dims, nullptr, 1, 0, nullptr, 1, 0, type,
                                 static_cast<int>(batch)))
    throw ValueError("fft: cufftPlanMany failed (status " + std::to_string(rc) + ") for " +
                     std::to_string(batch) + " transforms of " + std::to_string(n) + " points");
  cufft().set_stream(plan, stream(device));
  plans.emplace(key, plan);
  return plan;
}

// x with dim `axis` moved last (a view), and the dims that undo it.
Array axis_last(const Array& x, int64_t axis, std::vector<int64_t>& back) {
  const int nd = x.ndim();
  Shape s;
  Strides st;
  std::vector<int64_t> order;
  for (int d = 0; d < nd; ++d)
    if (d != axis) order.push_back(d);
  order.push_back(axis);
  for (int64_t d : order) {
    s.push_back(x.shape()[d]);
    st.push_back(x.strides()[d]);
  }
  back.assign(nd, 0);
  for (int i = 0; i < nd; ++i) back[order[i]] = i;
  return x.view(s, st, x.offset());
}

Array permuted(const Array& y, const std::vector<int64_t>& dims) {
  Shape s;
  Strides st;
  for (int64_t d : dims) {
    s.push_back(y.shape()[d]);
    st.push_back(y.strides()[d]);
  }
  return y.view(s, st, y.offset());
}

// One transform along `axis`: kind 'c' complex (forward or inverse), 'r' real to complex,
// 'i' complex to real of `n_out` points (the input already n_out / 2 + 1 long there).
Array transform(const Array& x, int64_t axis, char kind, bool inverse, int64_t n_out, int dev) {
  std::vector<int64_t> back;
  const Array moved = axis_last(x, axis, back).contiguous(true);  // C2R overwrites its input
  const int64_t n_in = moved.shape().back();
  const int64_t n = kind == 'i' ? n_out : n_in;
  const int64_t batch = n_in ? moved.size() / n_in : 0;
  const bool dbl = moved.dtype() == DType::Complex128 || moved.dtype() == DType::Float64;
  Shape out_shape = moved.shape();
  DType out_dt = moved.dtype();
  if (kind == 'r') {
    out_shape.back() = n / 2 + 1;
    out_dt = dbl ? DType::Complex128 : DType::Complex64;
  } else if (kind == 'i') {
    out_shape.back() = n;
    out_dt = dbl ? DType::Float64 : DType::Float32;
  }
  Array out = Array::empty(out_shape, out_dt, current_device());
  if (out.size() > 0 && moved.size() > 0) {
    const int type = kind == 'c'   ? (dbl ? kZ2Z : kC2C)
                     : kind == 'r' ? (dbl ? kD2Z : kR2C)
                                   : (dbl ? kZ2D : kC2R);
    const int plan = plan_1d(dev, type, n, batch);
    void *in_p = moved.data(), *out_p = out.data();
    int rc = 0;
    if (kind == 'c')
      rc = dbl ? cufft().z2z(plan, in_p, out_p, inverse ? 1 : -1)
               : cufft().c2c(plan, in_p, out_p, inverse ? 1 : -1);
    else if (kind == 'r')
      rc = dbl ? cufft().d2z(plan, in_p, out_p) : cufft().r2c(plan, in_p, out_p);
    else
      rc = dbl ? cufft().z2d(plan, in_p, out_p) : cufft().c2r(plan, in_p, out_p);
    if (rc) throw ValueError("fft: cufftExec failed (status " + std::to_string(rc) + ")");
  }
  return permuted(out, back);
}

// x's `axis` cropped or zero-padded to `len`, with the imaginary parts of the zero term and, for
// an even n, of the Nyquist term set to 0 (pocketfft's complex-to-real reads only their real
// parts).
Array half_spectrum(const Array& x, int64_t axis, int64_t len, int64_t n) {
  Shape s = x.shape();
  s[axis] = len;
  Array h = Array::empty(s, x.dtype(), current_device());
  memset_zero(h.data(), h.nbytes(), current_device().index);
  Shape common = s;
  common[axis] = std::min(len, x.shape()[axis]);
  copy_into(x.view(common, x.strides(), x.offset()), h.view(common, h.strides(), h.offset()));
  // The real and imaginary parts as a trailing dim of 2 of the component dtype.
  const DType part = x.dtype() == DType::Complex128 ? DType::Float64 : DType::Float32;
  Shape ps = s;
  ps.push_back(2);
  Strides pst = h.strides();
  pst.push_back(static_cast<int64_t>(itemsize(part)));
  const Array parts(h.buffer(), ps, pst, h.offset(), part);
  const Array zero =
      to_device(Array::empty(Shape{}, part, Device{}, /*zeroed=*/true), current_device());
  for (int64_t k : {int64_t{0}, n % 2 == 0 ? n / 2 : int64_t{-1}}) {
    if (k < 0 || k >= len) continue;
    Shape one = ps;
    one[axis] = 1;
    one.back() = 1;
    const int64_t offset = h.offset() + k * h.strides()[axis] + pst.back();
    const Array imag(h.buffer(), one, pst, offset, part);
    copy_into(broadcast_view(zero, one, {}), imag);
  }
  return h;
}

Array scaled(const Array& y, double factor) {
  if (factor == 1.0) return y;
  const DType real = y.dtype() == DType::Complex128 || y.dtype() == DType::Float64 ? DType::Float64
                                                                                   : DType::Float32;
  Array f = Array::empty(Shape{}, real, Device{});
  if (real == DType::Float64)
    *f.data_as<double>() = factor;
  else
    *f.data_as<float>() = static_cast<float>(factor);
  f = astype(f, y.dtype());
  static const Primitive& mul = primitive("mul");
  return bind(mul, {y, broadcast_view(to_device(f, y.device()), y.shape(), {})}, {})[0];
}

double norm_factor(const std::string& norm, double n, bool inverse) {
  if (norm == "ortho") return 1 / std::sqrt(n);
  if (norm == "forward") return inverse ? 1.0 : 1 / n;
  return inverse ? 1 / n : 1.0;  // "backward"
}

bool gpu_dtype(DType dt) {
  return dt == DType::Float32 || dt == DType::Float64 || dt == DType::Complex64 ||
         dt == DType::Complex128;
}

KernelFn fft_kernel(const Primitive* p, char kind) {
  return [p, kind](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
    const Device dev = current_device();
    const bool complex_out = oa.dtype == DType::Complex64 || oa.dtype == DType::Complex128;
    if (!gpu_dtype(in[0].dtype()) || !gpu_dtype(oa.dtype) || (kind != 'i' && !complex_out))
      return run_on_host(*p, in, params, dev);
    const auto& axes = params.get_ints("axes");
    const std::string& norm = params.get<std::string>("norm");
    Array y = in[0];
    if (kind == 'c' && y.dtype() != oa.dtype) y = astype(y, oa.dtype);
    double n_total = 1;
    bool inverse = kind == 'i';
    if (kind == 'c') {
      inverse = params.get<bool>("inverse");
      for (int64_t a : axes) {
        n_total *= static_cast<double>(y.shape()[a]);
        y = transform(y, a, 'c', inverse, 0, dev.index);
      }
    } else if (kind == 'r') {
      const int64_t last = axes.back();
      n_total = static_cast<double>(y.shape()[last]);
      y = transform(y, last, 'r', false, 0, dev.index);
      for (size_t i = 0; i + 1 < axes.size(); ++i) {
        n_total *= static_cast<double>(y.shape()[axes[i]]);
        y = transform(y, axes[i], 'c', false, 0, dev.index);
      }
    } else {
      const int64_t last = axes.back(), n = params.get_int("n");
      for (size_t i = 0; i + 1 < axes.size(); ++i) {
        n_total *= static_cast<double>(y.shape()[axes[i]]);
        y = transform(y, axes[i], 'c', true, 0, dev.index);
      }
      n_total *= static_cast<double>(n);
      y = transform(half_spectrum(y, last, n / 2 + 1, n), last, 'i', true, n, dev.index);
    }
    y = scaled(y, norm_factor(norm, n_total, inverse)).contiguous();
    return {y};
  };
}

}  // namespace

void install_fft_kernels() {
  const std::pair<const char*, char> kinds[] = {{"fft", 'c'}, {"rfft", 'r'}, {"irfft", 'i'}};
  for (auto& [name, kind] : kinds)
    if (const Primitive* p = find_primitive(name)) register_cuda_kernel(name, fft_kernel(p, kind));
}

}  // namespace arrax::cuda
