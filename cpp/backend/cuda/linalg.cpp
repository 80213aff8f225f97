// linalg_solve, linalg_inv, linalg_slogdet, linalg_cholesky and linalg_triangular_solve on the
// GPU for float32/float64 stacks. solve, inv and slogdet go through cuBLAS's batched LU
// (getrfBatched, then getrsBatched or getriBatched): a row-major matrix is its transpose in
// cuBLAS's column-major terms, so the LU is of A^T, solve asks for the transposed system, getri's
// inverse of A^T read row-major is A^-1, and det(A^T) = det(A). cholesky is cuSOLVER's potrfBatched
// asked for the upper factor U of A^T = A (column-major), which read row-major is the lower L, the
// other triangle then zeroed by a generated kernel. A singular (or, for cholesky, not positive
// definite) matrix raises LinAlgError as on the CPU; that reads the info back, which waits for
// the device. qr, eigh and svd are in linalg_cusolver.cpp; other dtypes and the other
// decompositions run through the host.
#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <mutex>
#include <string>

#include "backend/cuda/codegen.h"
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
// cuBLAS's batched LU calls for a dtype.
BatchedLu lu_calls(DType dt) {
  BatchedLu r;
  r.getrf =
      reinterpret_cast<decltype(r.getrf)>(blas_symbol("cublas", "cublas", dt, "getrfBatched"));
  r.getrs =
      reinterpret_cast<decltype(r.getrs)>(blas_symbol("cublas", "cublas", dt, "getrsBatched"));
  r.getri =
      reinterpret_cast<decltype(r.getri)>(blas_symbol("cublas", "cublas", dt, "getriBatched"));
  return r;
}

// The kernel filling an array of addresses base + b * step (bytes) for b < count.
std::string pointers_source() {
  return "struct AxArgs { long long w[4]; };\n"
         "extern \"C\" __global__ void __launch_bounds__(256) ax_ptrs(const AxArgs a) {\n"
         "  unsigned long long* o = (unsigned long long*)a.w[0];\n"
         "  for (long long b = (long long)blockIdx.x * 256 + threadIdx.x; b < a.w[3];"
         " b += (long long)gridDim.x * 256)\n"
         "    o[b] = (unsigned long long)a.w[1] + (unsigned long long)(b * a.w[2]);\n"
         "}\n";
}

// A device array of the addresses of a's `batch` matrices of `items` items each, computed on
// the device: no host-to-device copy per call, so a jit'd function using it can be recorded
// as a CUDA graph.
Array pointers(const Array& a, int64_t batch, int64_t items) {
  const int dev = a.device().index;
  Array out = Array::empty(Shape{batch}, DType::UInt64, a.device());
  if (batch == 0) return out;
  KernelHandle k = kernel_for("", "ax_ptrs", dev, pointers_source);
  launch_kernel(k, dev, grid_for(batch, 256, dev), 256,
                {reinterpret_cast<long long>(out.data()), reinterpret_cast<long long>(a.data()),
                 items * static_cast<int64_t>(a.itemsize()), batch});
  return out;
}

// The LU of each matrix of a stack (n x n, row-major, so of its transpose): the factors in a
// copy, the pivots, and the addresses; LinAlgError for a singular matrix.
struct Lu {
  Array factors, pivots, addresses, info;
};
Lu factor(const Array& a, int64_t n, int64_t batch, int dev, bool singular_ok = false) {
  Lu lu{a.contiguous(true),
        Array::empty(Shape{batch, n}, DType::Int32, current_device()),
        {},
        Array::empty(Shape{batch}, DType::Int32, current_device())};
  lu.addresses = pointers(lu.factors, batch, n * n);
  const Array& info = lu.info;
  const int ni = static_cast<int>(n);
  const int rc = lu_calls(a.dtype()).getrf(
      cublas_handle(dev), ni, reinterpret_cast<void* const*>(lu.addresses.data()), ni,
      lu.pivots.data_as<int>(), info.data_as<int>(), static_cast<int>(batch));
  if (rc) throw ValueError("linalg: cublasgetrfBatched failed (status " + std::to_string(rc) + ")");
  if (singular_ok) return lu;
  const Array host = to_host(info);
  for (int64_t b = 0; b < batch; ++b)
    if (host.data_as<int>()[b] > 0) throw LinAlgError("Singular matrix");
  return lu;
}

bool on_device(DType dt) {
  return blas_letter(dt) != 0;
}

// The pivots and permutation of linalg_lu from a batch of k 1-based pivots `q` each (cuBLAS's
// int ones, or cuSOLVER Xgetrf's 64-bit ones with `wide`), a thread per matrix:
// piv[b, i] = q[b, i] - 1, and perm[b] is 0..m-1 with rows i and piv[b, i] swapped in turn
// (LAPACK's row interchanges), which the CPU gives too.
std::string lu_pivots_source(bool wide) {
  const std::string Q = wide ? "long long" : "int";
  return "struct AxArgs { long long w[6]; };\n"
         "extern \"C\" __global__ void __launch_bounds__(256) ax_lu_pivots(const AxArgs a) {\n"
         "  const " +
         Q + "* q = (const " + Q +
         "*)a.w[0];\n"
         "  int* piv = (int*)a.w[1];\n"
         "  int* perm = (int*)a.w[2];\n"
         "  const long long k = a.w[3], m = a.w[4];\n"
         "  for (long long b = (long long)blockIdx.x * 256 + threadIdx.x; b < a.w[5];"
         " b += (long long)gridDim.x * 256) {\n"
         "    int* pm = perm + b * m;\n"
         "    for (long long i = 0; i < m; ++i) pm[i] = (int)i;\n"
         "    for (long long i = 0; i < k; ++i) {\n"
         "      const int j = (int)q[b * k + i] - 1;\n"
         "      piv[b * k + i] = j;\n"
         "      const int t = pm[i];\n"
         "      pm[i] = pm[j];\n"
         "      pm[j] = t;\n"
         "    }\n"
         "  }\n"
         "}\n";
}

void lu_pivots(const Array& q, const Array& piv, const Array& perm, int64_t k, int64_t m,
               int64_t batch, int dev) {
  const bool wide = q.dtype() == DType::Int64;
  KernelHandle h =
      kernel_for(wide ? "l" : "i", "ax_lu_pivots", dev, [&] { return lu_pivots_source(wide); });
  launch_kernel(h, dev, grid_for(batch, 256, dev), 256,
                {reinterpret_cast<long long>(q.data()), reinterpret_cast<long long>(piv.data()),
                 reinterpret_cast<long long>(perm.data()), k, m, batch});
}

// linalg_lu: cuBLAS's batched LU of the matrices column-major (a transposed copy), its packed
// factors transposed back; rectangular matrices (which cuBLAS's batched LU does not take) by
// cuSOLVER's Xgetrf, a matrix at a time (lu_columns in linalg_cusolver.cpp). A singular matrix
// is factored as LAPACK does (no error): cuBLAS's batched LU stops at a zero pivot (on an
// H200, run 10: the rows below it left unreduced), so a stack holding a singular matrix is
// factored again by Xgetrf, which goes on past it as LAPACK's getrf does. Finding one reads
// the infos back, which waits for the device.
KernelFn lu_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const auto avals = p->abstract_eval(avals_of(in), params);
    const Device dev = current_device();
    const Array& a = in[0];
    const int64_t m = a.shape()[a.ndim() - 2], n = a.shape().back(), k = std::min(m, n);
    const int64_t batch = m * n ? a.size() / (m * n) : 0;
    if (!on_device(a.dtype()) || (batch > 0 && m != n && !lu_columns_available()))
      return run_on_host(*p, in, params, dev);
    Array piv = Array::empty(avals[1].shape, DType::Int32, dev);
    Array perm = Array::empty(avals[2].shape, DType::Int32, dev);
    if (batch == 0) {  // (an m x 0 matrix's permutation is still the identity of m rows)
      if (perm.size()) lu_pivots(piv, piv, perm, 0, m, perm.size() / m, dev.index);
      return {Array::empty(a.shape(), a.dtype(), dev), piv, perm};
    }
    if (m != n) {
      Array factors = transposed(a), pivots;  // each matrix column-major, factored in place
      lu_columns(factors, m, n, batch, pivots, dev.index);
      lu_pivots(pivots, piv, perm, k, m, batch, dev.index);
      return {transposed(factors), piv, perm};
    }
    const Lu lu = factor(transposed(a), n, batch, dev.index, /*singular_ok=*/true);
    if (lu_columns_available()) {
      const Array info = to_host(lu.info);
      const int* first = info.data_as<int>();
      if (std::any_of(first, first + batch, [](int i) { return i > 0; })) {
        Array factors = transposed(a), pivots;
        lu_columns(factors, n, n, batch, pivots, dev.index);
        lu_pivots(pivots, piv, perm, n, n, batch, dev.index);
        return {transposed(factors), piv, perm};
      }
    }
    lu_pivots(lu.pivots, piv, perm, n, n, batch, dev.index);
    return {transposed(lu.factors), piv, perm};  // (square: the transpose has a's shape)
  };
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
    const int rc = lu_calls(a.dtype()).getrs(
        cublas_handle(dev.index), /*CUBLAS_OP_T=*/1, ni, static_cast<int>(k),
        reinterpret_cast<const void* const*>(lu.addresses.data()), ni, lu.pivots.data_as<int>(),
        reinterpret_cast<void* const*>(xa.data()), ni, &info, static_cast<int>(batch));
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
    const int rc = lu_calls(a.dtype()).getri(
        cublas_handle(dev.index), ni, reinterpret_cast<const void* const*>(lu.addresses.data()), ni,
        lu.pivots.data_as<int>(), reinterpret_cast<void* const*>(oa.data()), ni,
        info.data_as<int>(), static_cast<int>(batch));
    if (rc) throw ValueError("inv: cublasgetriBatched failed (status " + std::to_string(rc) + ")");
    return {out};
  };
}

// sign and log|det| of each matrix from its LU (the diagonal and the pivots), on the host: a
// few numbers per matrix.
KernelFn slogdet_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const auto avals = p->abstract_eval(avals_of(in), params);
    const Device dev = current_device();
    const Array& a = in[0];
    const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
    if (!on_device(a.dtype()) || batch == 0) return run_on_host(*p, in, params, dev);
    const Lu lu = factor(a, n, batch, dev.index, /*singular_ok=*/true);
    const Array f = to_host(lu.factors), piv = to_host(lu.pivots);
    Array sign = Array::empty(avals[0].shape, avals[0].dtype, Device{});
    Array logdet = Array::empty(avals[1].shape, avals[1].dtype, Device{});
    const DType dt = a.dtype();
    for (int64_t b = 0; b < batch; ++b) {
      std::complex<double> s = 1;  // (a real sign for the real dtypes)
      double l = 0;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t at = b * n * n + i * n + i;
        const std::complex<double> d =
            dt == DType::Float64     ? f.data_as<double>()[at]
            : dt == DType::Float32   ? f.data_as<float>()[at]
            : dt == DType::Complex64 ? std::complex<double>(f.data_as<std::complex<float>>()[at])
                                     : f.data_as<std::complex<double>>()[at];
        if (piv.data_as<int>()[b * n + i] != i + 1) s = -s;
        const double mag = std::abs(d);
        if (mag == 0) {
          s = 0;
          l = -INFINITY;
          break;
        }
        s *= d / mag;
        l += std::log(mag);
      }
      switch (dt) {
        case DType::Float64:
          sign.data_as<double>()[b] = s.real();
          break;
        case DType::Float32:
          sign.data_as<float>()[b] = static_cast<float>(s.real());
          break;
        case DType::Complex64:
          sign.data_as<std::complex<float>>()[b] = std::complex<float>(s);
          break;
        default:
          sign.data_as<std::complex<double>>()[b] = s;
      }
      if (avals[1].dtype == DType::Float64)
        logdet.data_as<double>()[b] = l;
      else
        logdet.data_as<float>()[b] = static_cast<float>(l);
    }
    return {to_device(sign, dev), to_device(logdet, dev)};
  };
}

struct Cusolver {
  int (*create)(void**);
  int (*set_stream)(void*, cudaStream_t);
};
const Cusolver& cusolver() {
  static Cusolver c = [] {
    Cusolver r;
    auto sym = [](const char* s) { return library_symbol("cusolver", s); };
    r.create = reinterpret_cast<decltype(r.create)>(sym("cusolverDnCreate"));
    r.set_stream = reinterpret_cast<decltype(r.set_stream)>(sym("cusolverDnSetStream"));
    return r;
  }();
  return c;
}

// Zeroes the upper triangle of each n x n matrix (row-major) of a stack.
std::string lower_source(DType dt) {
  Source s;
  s << "struct AxArgs { long long w[3]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_lower(const AxArgs a) {\n"
    << "  " << item_type(dt) << "* __restrict__ x = (" << item_type(dt) << "*)a.w[0];\n"
    << "  const long long total = a.w[1], n = a.w[2];\n"
    << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < total;"
       " t += (long long)gridDim.x * 256)\n"
    << "    if (t % n > t / n % n) x[t] = " << zero_value(dt) << ";\n}\n";
  return s.str();
}

KernelFn cholesky_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    p->abstract_eval(avals_of(in), params);
    const Device dev = current_device();
    const Array& a = in[0];
    const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
    if (!on_device(a.dtype()) || batch == 0) return run_on_host(*p, in, params, dev);
    Array out = a.contiguous(true);
    const Array addresses = pointers(out, batch, n * n);
    Array info = Array::empty(Shape{batch}, DType::Int32, dev);
    using Potrf = int (*)(void*, int, int, void* const*, int, int*, int);
    const auto potrf =
        reinterpret_cast<Potrf>(blas_symbol("cusolver", "cusolverDn", a.dtype(), "potrfBatched"));
    const int ni = static_cast<int>(n);
    const int rc = potrf(cusolver_handle(dev.index), /*CUBLAS_FILL_MODE_UPPER=*/1, ni,
                         reinterpret_cast<void* const*>(addresses.data()), ni, info.data_as<int>(),
                         static_cast<int>(batch));
    if (rc)
      throw ValueError("cholesky: cusolverDnpotrfBatched failed (status " + std::to_string(rc) +
                       ")");
    const Array host = to_host(info);
    for (int64_t b = 0; b < batch; ++b)
      if (host.data_as<int>()[b] != 0) throw LinAlgError("Matrix is not positive definite");
    const std::string key(1, static_cast<char>(a.dtype()));
    KernelHandle k =
        kernel_for(key, "ax_lower", dev.index, [&] { return lower_source(a.dtype()); });
    launch_kernel(k, dev.index, grid_for(out.size(), 256, dev.index), 256,
                  {reinterpret_cast<long long>(out.data()), out.size(), n});
    return {out};
  };
}

}  // namespace

char blas_letter(DType dt) {
  switch (dt) {
    case DType::Float32:
      return 'S';
    case DType::Float64:
      return 'D';
    case DType::Complex64:
      return 'C';
    case DType::Complex128:
      return 'Z';
    default:
      return 0;
  }
}

void* blas_symbol(const char* library, const char* prefix, DType dt, const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, void*> found;
  const std::string symbol = prefix + std::string(1, blas_letter(dt)) + name;
  std::lock_guard<std::mutex> lock(mu);
  auto it = found.find(symbol);
  if (it == found.end()) it = found.emplace(symbol, library_symbol(library, symbol.c_str())).first;
  return it->second;
}

void* cusolver_handle(int device) {
  // cuSOLVER's routines may wait for the GPU inside (on an H100, geqrf called
  // cudaStreamSynchronize while a graph was being recorded, which spoiled the capture and the
  // handle's next direct call): a function using them is not recorded.
  check_not_capturing("a cuSOLVER call");
  static std::mutex mu;
  static void* handles[16] = {};
  std::lock_guard<std::mutex> lock(mu);
  if (!handles[device]) {
    if (int rc = cusolver().create(&handles[device]))
      throw ValueError("cholesky: cusolverDnCreate failed (status " + std::to_string(rc) + ")");
    cusolver().set_stream(handles[device], stream(device));
  }
  return handles[device];
}

// linalg_triangular_solve: cuBLAS's trsmBatched. Row-major a read column-major is a^T, and
// row-major x, b (n x k) are column-major x^T, b^T (k x n): op(a) x = b is x^T op(a)^T = b^T,
// a right-side solve with a^T, whose triangle is the other one: op(a)^T is a^T (op N on it),
// a (op T), or conj(a) = (a^T)^H (op C).
using Trsm = int (*)(void*, int, int, int, int, int, int, const void*, const void* const*, int,
                     void* const*, int, int);

KernelFn triangular_solve_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    p->abstract_eval(avals_of(in), params);
    const Device dev = current_device();
    const Array &a = in[0], &rhs = in[1];
    const int64_t n = a.shape().back(), k = rhs.shape().back();
    const int64_t batch = n ? a.size() / (n * n) : 0;
    if (!on_device(a.dtype()) || batch == 0 || k == 0) return run_on_host(*p, in, params, dev);
    const DType dt = a.dtype();
    const Trsm trsm = reinterpret_cast<Trsm>(blas_symbol("cublas", "cublas", dt, "trsmBatched"));
    const float one_f[2] = {1, 0};  // alpha = 1 (as a complex number for C and Z)
    const double one_d[2] = {1, 0};
    const bool dbl = dt == DType::Float64 || dt == DType::Complex128;
    const Array am = a.contiguous();
    Array x = rhs.contiguous(true);  // solved in place: a copy of b (the input stays)
    const Array aa = pointers(am, batch, n * n), xa = pointers(x, batch, n * k);
    const bool lower = params.get_int("lower") != 0;
    const int64_t trans = params.get_int("trans");
    const int rc = trsm(
        cublas_handle(dev.index), /*side=RIGHT*/ 1, /*uplo: a^T's*/ lower ? 1 : 0,
        /*op*/ static_cast<int>(trans), /*diag*/ params.get_int("unit_diagonal") ? 1 : 0,
        static_cast<int>(k), static_cast<int>(n),
        dbl ? static_cast<const void*>(one_d) : static_cast<const void*>(one_f),
        reinterpret_cast<const void* const*>(aa.data()), static_cast<int>(n),
        reinterpret_cast<void* const*>(xa.data()), static_cast<int>(k), static_cast<int>(batch));
    if (rc)
      throw ValueError("triangular_solve: cublastrsmBatched failed (status " + std::to_string(rc) +
                       ")");
    return {x};
  };
}

Array transposed(const Array& x) {
  Shape s = x.shape();
  Strides st = x.strides();
  std::swap(s[s.size() - 2], s[s.size() - 1]);
  std::swap(st[st.size() - 2], st[st.size() - 1]);
  return x.view(s, st, x.offset()).contiguous(true);
}

std::vector<std::string> linalg_sources() {
  return {lower_source(DType::Float32),
          lower_source(DType::Float64),
          lower_source(DType::Complex64),
          lower_source(DType::Complex128),
          pointers_source(),
          lu_pivots_source(false),
          lu_pivots_source(true)};
}

void install_linalg_kernels() {
  if (const Primitive* p = find_primitive("linalg_slogdet"))
    register_cuda_kernel("linalg_slogdet", slogdet_kernel(p));
  if (const Primitive* p = find_primitive("linalg_cholesky"))
    register_cuda_kernel("linalg_cholesky", cholesky_kernel(p));
  if (const Primitive* p = find_primitive("linalg_solve"))
    register_cuda_kernel("linalg_solve", solve_kernel(p));
  if (const Primitive* p = find_primitive("linalg_inv"))
    register_cuda_kernel("linalg_inv", inv_kernel(p));
  if (const Primitive* p = find_primitive("linalg_lu"))
    register_cuda_kernel("linalg_lu", lu_kernel(p));
  if (const Primitive* p = find_primitive("linalg_triangular_solve"))
    register_cuda_kernel("linalg_triangular_solve", triangular_solve_kernel(p));
  install_cusolver_kernels();
}

}  // namespace arrax::cuda
