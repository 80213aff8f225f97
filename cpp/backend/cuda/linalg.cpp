// linalg_solve and linalg_inv on the GPU for float32/float64 stacks, through cuBLAS's batched
// LU (getrfBatched, then getrsBatched or getriBatched): a row-major matrix is its transpose in
// cuBLAS's column-major terms, so the LU is of A^T, solve asks for the transposed system, and
// getri's inverse of A^T read row-major is A^-1. A singular matrix raises LinAlgError as on
// the CPU (the LU's info is read back, which waits for the device). Other dtypes and the other
// decompositions run through the host.
#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

struct BatchedLu {
  int (*getrf)(void*, int, void* const*, int, int*, int*, int);
  int (*getrs)(void*, int, int, int, const void* const*, int, const int*, void* const*, int, int*,
               int);
  int (*getri)(void*, int, const void* const*, int, const int*, void* const*, int, int*, int);
};
const BatchedLu& lu_calls(bool dbl) {
  auto load = [](const char* p) {
    auto sym = [p](const char* s) {
      return library_symbol("cublas", (p + std::string(s)).c_str());
    };
    BatchedLu r;
    r.getrf = reinterpret_cast<decltype(r.getrf)>(sym("getrfBatched"));
    r.getrs = reinterpret_cast<decltype(r.getrs)>(sym("getrsBatched"));
    r.getri = reinterpret_cast<decltype(r.getri)>(sym("getriBatched"));
    return r;
  };
  static const BatchedLu s = load("cublasS"), d = load("cublasD");
  return dbl ? d : s;
}

// A device array of the addresses of a's `batch` matrices of `items` items each.
Array pointers(const Array& a, int64_t batch, int64_t items) {
  Array host = Array::empty(Shape{batch}, DType::UInt64, Device{});
  for (int64_t b = 0; b < batch; ++b)
    host.data_as<uint64_t>()[b] =
        reinterpret_cast<uint64_t>(a.data() + b * items * static_cast<int64_t>(a.itemsize()));
  return to_device(host, a.device());
}

// The LU of each matrix of a stack (n x n, row-major, so of its transpose): the factors in a
// copy, the pivots, and the addresses; LinAlgError for a singular matrix.
struct Lu {
  Array factors, pivots, addresses;
};
Lu factor(const Array& a, int64_t n, int64_t batch, int dev) {
  Lu lu{a.contiguous(true), Array::empty(Shape{batch, n}, DType::Int32, current_device()), {}};
  lu.addresses = pointers(lu.factors, batch, n * n);
  Array info = Array::empty(Shape{batch}, DType::Int32, current_device());
  const int ni = static_cast<int>(n);
  const int rc =
      lu_calls(a.dtype() == DType::Float64)
          .getrf(cublas_handle(dev), ni, reinterpret_cast<void* const*>(lu.addresses.data()), ni,
                 lu.pivots.data_as<int>(), info.data_as<int>(), static_cast<int>(batch));
  if (rc) throw ValueError("linalg: cublasgetrfBatched failed (status " + std::to_string(rc) + ")");
  const Array host = to_host(info);
  for (int64_t b = 0; b < batch; ++b)
    if (host.data_as<int>()[b] > 0) throw LinAlgError("Singular matrix");
  return lu;
}

bool on_device(DType dt) {
  return dt == DType::Float32 || dt == DType::Float64;
}

KernelFn solve_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
    const Device dev = current_device();
    const Array &a = in[0], &rhs = in[1];
    if (!on_device(a.dtype()) || rhs.dtype() != a.dtype()) return run_on_host(*p, in, params, dev);
    const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
    const bool vector = rhs.ndim() == a.ndim() - 1;
    const int64_t k = vector ? 1 : rhs.shape().back();
    if (batch == 0 || k == 0 || rhs.size() != batch * n * k)  // empty, or shapes to reject
      return run_on_host(*p, in, params, dev);
    const Lu lu = factor(a, n, batch, dev.index);
    // b column-major: each (n, k) matrix transposed (a vector is as it is).
    Shape bs = rhs.shape();
    Strides bt = rhs.strides();
    if (!vector) {
      std::swap(bs[bs.size() - 1], bs[bs.size() - 2]);
      std::swap(bt[bt.size() - 1], bt[bt.size() - 2]);
    }
    Array x = rhs.view(bs, bt, rhs.offset()).contiguous(true);
    const Array xa = pointers(x, batch, n * k);
    int info = 0;
    const int ni = static_cast<int>(n);
    const int rc = lu_calls(a.dtype() == DType::Float64)
                       .getrs(cublas_handle(dev.index), /*CUBLAS_OP_T=*/1, ni, static_cast<int>(k),
                              reinterpret_cast<const void* const*>(lu.addresses.data()), ni,
                              lu.pivots.data_as<int>(), reinterpret_cast<void* const*>(xa.data()),
                              ni, &info, static_cast<int>(batch));
    if (rc || info)
      throw ValueError("solve: cublasgetrsBatched failed (status " + std::to_string(rc) + ")");
    if (vector) return {x};
    Shape s = x.shape();
    Strides st = x.strides();
    std::swap(s[s.size() - 1], s[s.size() - 2]);
    std::swap(st[st.size() - 1], st[st.size() - 2]);
    return {x.view(s, st, x.offset()).contiguous(true)};
  };
}

KernelFn inv_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    p->abstract_eval(avals_of(in), params);
    const Device dev = current_device();
    const Array& a = in[0];
    const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
    if (!on_device(a.dtype()) || batch == 0) return run_on_host(*p, in, params, dev);
    const Lu lu = factor(a, n, batch, dev.index);
    Array out = Array::empty(a.shape(), a.dtype(), dev);
    const Array oa = pointers(out, batch, n * n);
    Array info = Array::empty(Shape{batch}, DType::Int32, dev);
    const int ni = static_cast<int>(n);
    const int rc = lu_calls(a.dtype() == DType::Float64)
                       .getri(cublas_handle(dev.index), ni,
                              reinterpret_cast<const void* const*>(lu.addresses.data()), ni,
                              lu.pivots.data_as<int>(), reinterpret_cast<void* const*>(oa.data()),
                              ni, info.data_as<int>(), static_cast<int>(batch));
    if (rc) throw ValueError("inv: cublasgetriBatched failed (status " + std::to_string(rc) + ")");
    return {out};
  };
}

}  // namespace

void install_linalg_kernels() {
  if (const Primitive* p = find_primitive("linalg_solve"))
    register_cuda_kernel("linalg_solve", solve_kernel(p));
  if (const Primitive* p = find_primitive("linalg_inv"))
    register_cuda_kernel("linalg_inv", inv_kernel(p));
}

}  // namespace arrax::cuda
