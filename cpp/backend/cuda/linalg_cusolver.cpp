// cuSOLVER's dense decompositions on the GPU for float32/float64/complex64/complex128 stacks, a
// matrix at a time
// (cuSOLVER has no batched QR or syevd). Nothing is read back to the host, so the host does not
// wait (except for eig, whose host workspace must outlive the call).
//  - linalg_qr (reduced: q is m x k, r is k x n, k = min(m, n)): geqrf (Householder reflectors
//    and R) and orgqr (Q from the reflectors), LAPACK's algorithm, so Q and R have LAPACK's
//    signs as the CPU's Householder QR does. cuSOLVER is column-major: the matrices are first
//    copied transposed (a row-major copy of a^T is a column-major a), R is read from the upper
//    triangle before orgqr overwrites it, and both are read back by a generated kernel.
//  - linalg_svd (thin): gesvd, which wants rows >= columns (see svd_kernel).
//  - linalg_eig: Xgeev (below).
//  - linalg_eigh: syevd (divide and conquer), eigenvalues ascending as NumPy's. A symmetric
//    matrix is its own transpose, so the row-major stack is passed as it is, with the other
//    triangle named (row-major lower is column-major upper); the eigenvectors come back as the
//    columns of a column-major matrix and are transposed. A matrix whose iteration fails (info
//    > 0, which NumPy raises as LinAlgError) gets NaN results, set on the device, as JAX's.
#include <string>
#include <utility>

#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

// `shape` with its last two dims set to (r, c).
Shape with_last_two(Shape shape, int64_t r, int64_t c) {
  shape[shape.size() - 2] = r;
  shape[shape.size() - 1] = c;
  return shape;
}

// cuSOLVER's routine `name` for the real dtypes ("cusolverDn<S or D><name>") or
// `complex_name` for the complex ones ("cusolverDn<C or Z><complex_name>") and its _bufferSize
// query, as typed function pointers.
template <class Size, class Run>
struct SolverCall {
  Size size;
  Run run;
};
template <class Size, class Run>
SolverCall<Size, Run> solver_call(DType dt, const char* name, const char* complex_name) {
  const std::string routine = is_complex(dt) ? complex_name : name;
  return {
      reinterpret_cast<Size>(blas_symbol("cusolver", "cusolverDn", dt, routine + "_bufferSize")),
      reinterpret_cast<Run>(blas_symbol("cusolver", "cusolverDn", dt, routine))};
}
using GeqrfSize = int (*)(void*, int, int, void*, int, int*);
using GeqrfRun = int (*)(void*, int, int, void*, int, void*, void*, int, int*);
using OrgqrSize = int (*)(void*, int, int, int, const void*, int, const void*, int*);
using OrgqrRun = int (*)(void*, int, int, int, void*, int, const void*, void*, int, int*);
using SyevdSize = int (*)(void*, int, int, int, const void*, int, const void*, int*);
using SyevdRun = int (*)(void*, int, int, int, void*, int, void*, void*, int, int*);
using GesvdSize = int (*)(void*, int, int, int*);
using GesvdRun = int (*)(void*, signed char, signed char, int, int, void*, int, void*, void*, int,
                         void*, int, void*, int, void*, int*);

// out[b, i, j] (rows x cols, row-major) = item (i, j) of the column-major m x n matrix b of x,
// or zero below the diagonal with `upper` (R).
std::string read_source(DType dt, bool upper) {
  const std::string T = item_type(dt);
  Source s;
  s << "struct AxArgs { long long w[7]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_qr_read(const AxArgs a) {\n"
    << "  const " << T << "* __restrict__ x = (const " << T << "*)a.w[0];\n"
    << "  " << T << "* __restrict__ o = (" << T << "*)a.w[1];\n"
    << "  const long long total = a.w[2], rows = a.w[3], cols = a.w[4], m = a.w[5], n = a.w[6];\n"
    << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < total;"
       " t += (long long)gridDim.x * 256) {\n"
    << "    const long long j = t % cols, i = (t / cols) % rows, b = t / (rows * cols);\n"
    << "    const " << T << " v = x[b * m * n + i + j * m];\n";
  if (upper)
    s << "    o[t] = j >= i ? v : " << zero_value(dt) << ";\n";
  else
    s << "    o[t] = v;\n";
  s << "  }\n}\n";
  return s.str();
}

// Reads the top-left rows x cols of the column-major m x n matrices of `x` into `out`.
void read_back(const Array& x, const Array& out, int64_t rows, int64_t cols, int64_t m, int64_t n,
               bool upper, int dev) {
  const DType dt = x.dtype();
  const std::string key = {static_cast<char>(dt), static_cast<char>(upper)};
  KernelHandle k = kernel_for(key, "ax_qr_read", dev, [&] { return read_source(dt, upper); });
  launch_kernel(k, dev, grid_for(out.size(), 256, dev), 256,
                {reinterpret_cast<long long>(x.data()), reinterpret_cast<long long>(out.data()),
                 out.size(), rows, cols, m, n});
}

// A stack of m x n matrices: its dims, and whether it is factored here (float32/float64 with
// something to factor; else the host does it).
struct Stack {
  int64_t m, n, k, batch;
  bool on_device;
};
Stack stack_of(const Array& a) {
  const int nd = a.ndim();
  Stack st;
  st.m = a.shape()[nd - 2];
  st.n = a.shape()[nd - 1];
  st.k = std::min(st.m, st.n);
  st.batch = st.m * st.n ? a.size() / (st.m * st.n) : 0;
  st.on_device = blas_letter(a.dtype()) != 0 && st.batch > 0 && st.k > 0;
  return st;
}

// What the cuSOLVER kernels share: the operand's outputs checked (oa), and the host for the
// stacks cuSOLVER does not take (other dtypes, nothing to factor) or when `available` says the
// routine is missing; `body` runs the rest on the device.
using SolverBody = std::vector<Array> (*)(const Array& a, const Stack& st,
                                          const std::vector<AbstractValue>& oa,
                                          const Params& params, const Device& dev);
KernelFn solver_kernel(const Primitive* p, SolverBody body, bool (*available)() = nullptr) {
  return [p, body, available](const std::vector<Array>& in,
                              const Params& params) -> std::vector<Array> {
    const std::vector<AbstractValue> oa = p->abstract_eval(avals_of(in), params);
    const Device dev = current_device();
    const Stack st = stack_of(in[0]);
    if (!st.on_device || (available && !available())) return run_on_host(*p, in, params, dev);
    return body(in[0], st, oa, params, dev);
  };
}

KernelFn qr_kernel(const Primitive* p) {
  return solver_kernel(
      p,
      [](const Array& a, const Stack& st, const std::vector<AbstractValue>& oa,
         const Params& params, const Device& dev) -> std::vector<Array> {
        const int64_t m = st.m, n = st.n, k = st.k, batch = st.batch;
        const auto geqrf = solver_call<GeqrfSize, GeqrfRun>(a.dtype(), "geqrf", "geqrf");
        const auto orgqr = solver_call<OrgqrSize, OrgqrRun>(a.dtype(), "orgqr", "ungqr");
        const size_t item = a.itemsize();
        // The transposed copy: a^T row-major, (batch, n, m), is each matrix column-major.
        const Array col = transposed(a);
        Array tau = Array::empty(Shape{batch, k}, a.dtype(), dev);
        Array info = Array::empty(Shape{1}, DType::Int32, dev);
        void* h = cusolver_handle(dev.index);
        const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
        int lw_geqrf = 0, lw_orgqr = 0;
        auto check_rc = [](int rc, const char* what) {
          if (rc)
            throw ValueError(std::string("qr: ") + what + " failed (status " + std::to_string(rc) +
                             ")");
        };
        check_rc(geqrf.size(h, mi, ni, col.data(), mi, &lw_geqrf), "cusolverDngeqrf_bufferSize");
        check_rc(orgqr.size(h, mi, ki, ki, col.data(), mi, tau.data(), &lw_orgqr),
                 "cusolverDnorgqr_bufferSize");
        Array work = Array::empty(Shape{std::max({lw_geqrf, lw_orgqr, 1})}, a.dtype(), dev);
        const int lw = static_cast<int>(work.size());
        Array r = Array::empty(oa[1].shape, a.dtype(), dev),
              q = Array::empty(oa[0].shape, a.dtype(), dev);
        for (int64_t b = 0; b < batch; ++b) {
          char* ab = col.data() + b * m * n * item;
          check_rc(geqrf.run(h, mi, ni, ab, mi, tau.data() + b * k * item, work.data(), lw,
                             info.data_as<int>()),
                   "cusolverDngeqrf");
        }
        // R: the upper triangle of the first k rows, before orgqr overwrites the reflectors.
        read_back(col, r, k, n, m, n, /*upper=*/true, dev.index);
        for (int64_t b = 0; b < batch; ++b) {
          char* ab = col.data() + b * m * n * item;
          check_rc(orgqr.run(h, mi, ki, ki, ab, mi, tau.data() + b * k * item, work.data(), lw,
                             info.data_as<int>()),
                   "cusolverDnorgqr");
        }
        read_back(col, q, m, k, m, n, /*upper=*/false, dev.index);
        return {q, r};
      });
}

// x[t] = NaN (both parts for a complex x) where info[t / per] != 0 (the matrix of item t did
// not converge).
std::string nan_where_failed_source(DType dt) {
  const std::string T = item_type(dt), R = compute_type(real_dtype(dt));
  Source s;
  s << "struct AxArgs { long long w[4]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_nan_failed(const AxArgs a) {\n"
    << "  " << T << "* __restrict__ x = (" << T << "*)a.w[0];\n"
    << "  const int* __restrict__ info = (const int*)a.w[1];\n"
    << "  const long long total = a.w[2], per = a.w[3];\n"
    << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < total;"
       " t += (long long)gridDim.x * 256)\n"
    << "    if (info[t / per] != 0) {\n"
    << "      const " << R << " nan = ax_inf((" << R << ")0) - ax_inf((" << R << ")0);\n"
    << "      x[t] = " << (is_complex(dt) ? T + "{nan, nan}" : "nan") << ";\n"
    << "    }\n}\n";
  return s.str();
}

void nan_where_failed(const Array& x, const Array& info, int64_t per, int dev) {
  const DType dt = x.dtype();
  KernelHandle k = kernel_for(std::string(1, static_cast<char>(dt)), "ax_nan_failed", dev,
                              [&] { return nan_where_failed_source(dt); });
  launch_kernel(k, dev, grid_for(x.size(), 256, dev), 256,
                {reinterpret_cast<long long>(x.data()), reinterpret_cast<long long>(info.data()),
                 x.size(), per});
}

KernelFn eigh_kernel(const Primitive* p) {
  return solver_kernel(
      p,
      [](const Array& a, const Stack& st, const std::vector<AbstractValue>& oa,
         const Params& params, const Device& dev) -> std::vector<Array> {
        const int64_t n = st.n, batch = st.batch;
        const auto syevd = solver_call<SyevdSize, SyevdRun>(a.dtype(), "syevd", "heevd");
        const size_t item = a.itemsize();
        const bool upper = params.has("UPLO") && params.get<std::string>("UPLO") == "U";
        // A real symmetric matrix is its own transpose: row-major lower = column-major upper
        // (CUBLAS_FILL_MODE_UPPER = 1), and the reverse. A Hermitian one read column-major is its
        // conjugate, so it is transposed first, and its triangles keep their names.
        const bool cplx = is_complex(a.dtype());
        const int fill = upper != cplx ? 0 : 1, jobz_vector = 1;
        Array col = cplx ? transposed(a) : a.contiguous(true);  // overwritten by the eigenvectors
        Array w = Array::empty(oa[0].shape, oa[0].dtype, dev);
        Array info = Array::empty(Shape{batch}, DType::Int32, dev);
        void* h = cusolver_handle(dev.index);
        const int ni = static_cast<int>(n);
        int lwork = 0;
        if (int rc = syevd.size(h, jobz_vector, fill, ni, col.data(), ni, w.data(), &lwork))
          throw ValueError("eigh: cusolverDnsyevd_bufferSize failed (status " + std::to_string(rc) +
                           ")");
        Array work = Array::empty(Shape{std::max(lwork, 1)}, a.dtype(), dev);
        for (int64_t b = 0; b < batch; ++b)
          if (int rc = syevd.run(h, jobz_vector, fill, ni, col.data() + b * n * n * item, ni,
                                 w.data() + b * n * w.itemsize(), work.data(),
                                 static_cast<int>(work.size()), info.data_as<int>() + b))
            throw ValueError("eigh: cusolverDnsyevd failed (status " + std::to_string(rc) + ")");
        Array v = transposed(col);  // the eigenvectors are col's columns
        nan_where_failed(w, info, n, dev.index);
        nan_where_failed(v, info, n * n, dev.index);
        return {w, v};
      });
}

KernelFn svd_kernel(const Primitive* p) {
  return solver_kernel(
      p,
      [](const Array& a, const Stack& st, const std::vector<AbstractValue>& oa,
         const Params& params, const Device& dev) -> std::vector<Array> {
        const int64_t m = st.m, n = st.n, k = st.k, batch = st.batch;
        const auto gesvd = solver_call<GesvdSize, GesvdRun>(a.dtype(), "gesvd", "gesvd");
        const size_t item = a.itemsize();
        // cuSOLVER's gesvd needs rows >= columns. A wide row-major matrix is its tall transpose
        // column-major, whose U is our V and whose V^T is our U^T: the buffers cuSOLVER writes are
        // then vh and u row-major as they are. A tall one is transposed first, and its U and V^T
        // transposed back.
        const bool wide = n >= m;
        const int64_t rows = wide ? n : m, cols = wide ? m : n;  // the column-major matrix
        Array col = wide ? a.contiguous(true) : transposed(a);
        Array s = Array::empty(oa[1].shape, oa[1].dtype, dev);
        Array cu =
            Array::empty(wide ? oa[2].shape : with_last_two(oa[0].shape, k, m), a.dtype(), dev);
        Array cvt =
            Array::empty(wide ? oa[0].shape : with_last_two(oa[2].shape, n, k), a.dtype(), dev);
        Array info = Array::empty(Shape{batch}, DType::Int32, dev);
        void* h = cusolver_handle(dev.index);
        const int ri = static_cast<int>(rows), ci = static_cast<int>(cols),
                  ki = static_cast<int>(k);
        int lwork = 0;
        if (int rc = gesvd.size(h, ri, ci, &lwork))
          throw ValueError("svd: cusolverDngesvd_bufferSize failed (status " + std::to_string(rc) +
                           ")");
        Array work = Array::empty(Shape{std::max(lwork, 1)}, a.dtype(), dev);
        // (the unconverged superdiagonal, written when a matrix fails)
        Array rwork = Array::empty(Shape{std::max<int64_t>(k, 1)}, s.dtype(), dev);
        for (int64_t b = 0; b < batch; ++b)
          if (int rc =
                  gesvd.run(h, 'S', 'S', ri, ci, col.data() + b * m * n * item, ri,
                            s.data() + b * k * s.itemsize(), cu.data() + b * rows * k * item, ri,
                            cvt.data() + b * k * cols * item, ki, work.data(),
                            static_cast<int>(work.size()), rwork.data(), info.data_as<int>() + b))
            throw ValueError("svd: cusolverDngesvd failed (status " + std::to_string(rc) + ")");
        Array u = wide ? cvt : transposed(cu), vh = wide ? cu : transposed(cvt);
        nan_where_failed(u, info, m * k, dev.index);
        nan_where_failed(s, info, k, dev.index);
        nan_where_failed(vh, info, k * n, dev.index);
        return {u, s, vh};
      });
}

// cusolverDnXgeev (cuSOLVER 11.7, CUDA 12.6, and later) and its workspace query; the enums
// (cusolverEigMode_t, cudaDataType) pass as ints.
using XgeevSize = int (*)(void*, void*, int, int, int64_t, int, const void*, int64_t, int,
                          const void*, int, const void*, int64_t, int, const void*, int64_t, int,
                          size_t*, size_t*);
using XgeevRun = int (*)(void*, void*, int, int, int64_t, int, void*, int64_t, int, void*, int,
                         void*, int64_t, int, void*, int64_t, int, void*, size_t, void*, size_t,
                         int*);
// A cusolverDnParams_t with the default settings, for the 64-bit API (made once), or nullptr.
void* dn_params() {
  static void* params = []() -> void* {
    void* p = nullptr;
    try {
      auto create =
          reinterpret_cast<int (*)(void**)>(library_symbol("cusolver", "cusolverDnCreateParams"));
      if (create(&p)) return nullptr;
    } catch (const ValueError&) {
      return nullptr;
    }
    return p;
  }();
  return params;
}

// A 64-bit-API routine's workspace query and call, looked up once; null where this cuSOLVER
// lacks it (the primitive then runs on the host).
template <class Size, class Run>
struct Routine64 {
  Size size = nullptr;
  Run run = nullptr;
  void* params = nullptr;
};
template <class Size, class Run>
const Routine64<Size, Run>* routine64(const char* name) {
  Routine64<Size, Run> r;
  try {
    r.size = reinterpret_cast<Size>(
        library_symbol("cusolver", (std::string("cusolverDn") + name + "_bufferSize").c_str()));
    r.run = reinterpret_cast<Run>(
        library_symbol("cusolver", (std::string("cusolverDn") + name).c_str()));
  } catch (const ValueError&) {
    return nullptr;
  }
  r.params = dn_params();
  if (!r.params) return nullptr;
  return new Routine64<Size, Run>(r);  // (once per routine, kept for the process)
}
using Xgeev = Routine64<XgeevSize, XgeevRun>;
const Xgeev* xgeev() {
  static const Xgeev* found = routine64<XgeevSize, XgeevRun>("Xgeev");
  return found;
}

using XgetrfSize = int (*)(void*, void*, int64_t, int64_t, int, const void*, int64_t, int, size_t*,
                           size_t*);
using XgetrfRun = int (*)(void*, void*, int64_t, int64_t, int, void*, int64_t, int64_t*, int, void*,
                          size_t, void*, size_t, int*);
using Xgetrf = Routine64<XgetrfSize, XgetrfRun>;
const Xgetrf* xgetrf() {
  static const Xgetrf* found = routine64<XgetrfSize, XgetrfRun>("Xgetrf");
  return found;
}

int cuda_data_type(DType dt) {  // CUDA_R_32F, CUDA_R_64F, CUDA_C_32F, CUDA_C_64F
  return dt == DType::Float32 ? 0 : dt == DType::Float64 ? 1 : dt == DType::Complex64 ? 4 : 5;
}

// The complex right eigenvectors, row-major v[b, i, j], of real matrices from Xgeev's real
// column-major VR in LAPACK's layout: column j itself for a real eigenvalue w[j]; for a complex
// pair (the eigenvalue with the positive imaginary part first) VR(:, j) + i VR(:, j+1) and its
// conjugate.
std::string eig_vectors_source(DType real) {
  const std::string R = compute_type(real), C = value_type(complex_dtype(real));
  Source s;
  s << "struct AxArgs { long long w[5]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_eig_vectors(const AxArgs a) {\n"
    << "  const " << R << "* __restrict__ vr = (const " << R << "*)a.w[0];\n"
    << "  const " << C << "* __restrict__ w = (const " << C << "*)a.w[1];\n"
    << "  " << C << "* __restrict__ v = (" << C << "*)a.w[2];\n"
    << "  const long long total = a.w[3], n = a.w[4];\n"
    << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < total;"
       " t += (long long)gridDim.x * 256) {\n"
    << "    const long long j = t % n, i = t / n % n, b = t / (n * n);\n"
    << "    const " << R << "* m = vr + b * n * n + i;\n"
    << "    const " << R << " im = w[b * n + j].im;\n"
    << "    if (im > 0 && j + 1 < n) v[t] = " << C << "{m[j * n], m[(j + 1) * n]};\n"
    << "    else if (im < 0 && j > 0) v[t] = " << C << "{m[(j - 1) * n], -m[j * n]};\n"
    << "    else v[t] = " << C << "{m[j * n], (" << R << ")0};\n"
    << "  }\n}\n";
  return s.str();
}

// linalg_eig: cuSOLVER's Xgeev, a matrix at a time on a column-major copy, right eigenvectors
// only. Its results are LAPACK's (NumPy's): each eigenvector of unit norm with its largest
// component real. A matrix whose QR iteration fails gets NaN results, as eigh's.
KernelFn eig_kernel(const Primitive* p) {
  auto available = [] { return xgeev() != nullptr; };
  return solver_kernel(
      p,
      [](const Array& a, const Stack& st, const std::vector<AbstractValue>& oa, const Params&,
         const Device& dev) -> std::vector<Array> {
        const Xgeev* x = xgeev();
        const int64_t n = st.n, batch = st.batch;
        const DType dt = a.dtype(), cdt = oa[0].dtype;
        const int ta = cuda_data_type(dt), tw = cuda_data_type(cdt);
        const int novector = 0, vector = 1;
        Array col = transposed(a);  // each matrix column-major, overwritten
        Array w = Array::empty(oa[0].shape, cdt, dev);
        Array vr = Array::empty(a.shape(), dt, dev);  // each matrix's eigenvectors as columns
        Array info = Array::empty(Shape{batch}, DType::Int32, dev);
        void* h = cusolver_handle(dev.index);
        size_t device_bytes = 0, host_bytes = 0;
        if (int rc = x->size(h, x->params, novector, vector, n, ta, col.data(), n, tw, w.data(), ta,
                             nullptr, 1, ta, vr.data(), n, ta, &device_bytes, &host_bytes))
          throw ValueError("eig: cusolverDnXgeev_bufferSize failed (status " + std::to_string(rc) +
                           ")");
        Array device_work = Array::empty(
            Shape{static_cast<int64_t>(std::max<size_t>(device_bytes, 1))}, DType::UInt8, dev);
        std::vector<char> host_work(std::max<size_t>(host_bytes, 1));
        const size_t item = a.itemsize(), witem = w.itemsize();
        for (int64_t b = 0; b < batch; ++b)
          if (int rc = x->run(h, x->params, novector, vector, n, ta, col.data() + b * n * n * item,
                              n, tw, w.data() + b * n * witem, ta, nullptr, 1, ta,
                              vr.data() + b * n * n * item, n, ta, device_work.data(), device_bytes,
                              host_work.data(), host_bytes, info.data_as<int>() + b))
            throw ValueError("eig: cusolverDnXgeev failed (status " + std::to_string(rc) + ")");
        synchronize(dev.index);  // the host workspace is freed on return
        Array v;
        if (is_complex(dt)) {
          v = transposed(vr);
        } else {
          v = Array::empty(oa[1].shape, cdt, dev);
          KernelHandle k = kernel_for(std::string(1, static_cast<char>(dt)), "ax_eig_vectors",
                                      dev.index, [&] { return eig_vectors_source(dt); });
          launch_kernel(
              k, dev.index, grid_for(v.size(), 256, dev.index), 256,
              {reinterpret_cast<long long>(vr.data()), reinterpret_cast<long long>(w.data()),
               reinterpret_cast<long long>(v.data()), v.size(), n});
        }
        nan_where_failed(w, info, n, dev.index);
        nan_where_failed(v, info, n * n, dev.index);
        return {w, v};
      },
      available);
}

}  // namespace

bool lu_columns_available() {
  return xgetrf() != nullptr;
}

void lu_columns(const Array& columns, int64_t m, int64_t n, int64_t batch, Array& pivots,
                int device) {
  const Xgetrf* x = xgetrf();
  const DType dt = columns.dtype();
  const int type = cuda_data_type(dt);
  const int64_t k = std::min(m, n);
  pivots = Array::empty(Shape{batch, k}, DType::Int64, columns.device());
  Array info = Array::empty(Shape{batch}, DType::Int32, columns.device());
  void* h = cusolver_handle(device);
  size_t device_bytes = 0, host_bytes = 0;
  if (int rc =
          x->size(h, x->params, m, n, type, columns.data(), m, type, &device_bytes, &host_bytes))
    throw ValueError("lu: cusolverDnXgetrf_bufferSize failed (status " + std::to_string(rc) + ")");
  Array device_work = Array::empty(Shape{static_cast<int64_t>(std::max<size_t>(device_bytes, 1))},
                                   DType::UInt8, columns.device());
  std::vector<char> host_work(std::max<size_t>(host_bytes, 1));
  const size_t item = columns.itemsize();
  for (int64_t b = 0; b < batch; ++b)
    if (int rc = x->run(h, x->params, m, n, type, columns.data() + b * m * n * item, m,
                        pivots.data_as<int64_t>() + b * k, type, device_work.data(), device_bytes,
                        host_work.data(), host_bytes, info.data_as<int>() + b))
      throw ValueError("lu: cusolverDnXgetrf failed (status " + std::to_string(rc) + ")");
  if (host_bytes) synchronize(device);  // the host workspace is freed on return
}

void install_cusolver_kernels() {
  if (const Primitive* p = find_primitive("linalg_qr"))
    register_cuda_kernel("linalg_qr", qr_kernel(p));
  if (const Primitive* p = find_primitive("linalg_eigh"))
    register_cuda_kernel("linalg_eigh", eigh_kernel(p));
  if (const Primitive* p = find_primitive("linalg_svd"))
    register_cuda_kernel("linalg_svd", svd_kernel(p));
  if (const Primitive* p = find_primitive("linalg_eig"))
    register_cuda_kernel("linalg_eig", eig_kernel(p));
}

std::vector<std::string> cusolver_sources() {
  return {read_source(DType::Float32, true),         read_source(DType::Float64, false),
          read_source(DType::Complex64, true),       read_source(DType::Complex128, false),
          nan_where_failed_source(DType::Float32),   nan_where_failed_source(DType::Float64),
          nan_where_failed_source(DType::Complex64), nan_where_failed_source(DType::Complex128),
          eig_vectors_source(DType::Float32),        eig_vectors_source(DType::Float64)};
}

}  // namespace arrax::cuda
