// The emulator's GEMMs (emulator.h): cuBLAS's strided-batched GEMM (cublasGemmStridedBatchedEx)
// by its definition in double (complex double for the complex types), and cuBLASLt: matmul
// descriptors, matrix layouts and preferences as host structs that check what cuBLASLt checks
// (attribute sizes, layouts that fit the operation, workspace), a heuristic offering kAlgos
// algorithms, and cublasLtMatmul as D = alpha op(A) op(B) + beta C by the GEMM. Both are
// recorded while a capture runs. Every algorithm computes the same D here: what the emulator
// checks is the calls, not the kernels' speed.
#include <array>
#include <complex>
#include <cstdint>
#include <cstring>
#include <memory>

#include "backend/cuda/emulator_graphs.h"

namespace arrax::cuda::emu {
namespace {

double load_real(const void* base, int type, int64_t i) {
  switch (type) {
    case 0:
      return static_cast<const float*>(base)[i];
    case 1:
      return static_cast<const double*>(base)[i];
    case 2: {
      _Float16 h;
      std::memcpy(&h, static_cast<const char*>(base) + 2 * i, 2);
      return static_cast<double>(h);
    }
    default: {  // 14: bfloat16
      uint32_t u = uint32_t{static_cast<const uint16_t*>(base)[i]} << 16;
      float f;
      std::memcpy(&f, &u, 4);
      return f;
    }
  }
}
void store_real(void* base, int type, int64_t i, double v) {
  switch (type) {
    case 0:
      static_cast<float*>(base)[i] = static_cast<float>(v);
      break;
    case 1:
      static_cast<double*>(base)[i] = v;
      break;
    case 2: {
      const _Float16 h = static_cast<_Float16>(static_cast<float>(v));
      std::memcpy(static_cast<char*>(base) + 2 * i, &h, 2);
      break;
    }
    default: {
      const float f = static_cast<float>(v);
      uint32_t u;
      std::memcpy(&u, &f, 4);
      u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest even (finite values)
      static_cast<uint16_t*>(base)[i] = static_cast<uint16_t>(u >> 16);
    }
  }
}

constexpr int kInvalid = 7, kNotSupported = 15;  // cublasStatus_t
constexpr int kAlgos = 3;
constexpr uint64_t kAlgoWorkspace[kAlgos] = {0, uint64_t{4} << 20, uint64_t{64} << 20};

struct Desc {
  int32_t compute, scale, ta = 0, tb = 0;
};
struct Layout {
  int32_t type, order = 0, batch = 1;
  uint64_t rows, cols;
  int64_t ld, stride = 0;
};
struct Pref {
  uint64_t workspace = 0;
};
struct Algo {
  uint64_t data[8];
};
struct Heuristic {
  Algo algo;
  size_t workspace_size;
  int state;
  float waves;
  int reserved[4];
};

int item_size(int type) {
  return type == 0 ? 4 : type == 1 || type == 4 ? 8 : type == 5 ? 16 : 2;
}
bool is_complex_type(int type) {
  return type == 4 || type == 5;
}

// Copies a value of exactly `size` bytes into `field`, as cuBLASLt's SetAttribute calls do.
template <typename T>
int set(T& field, const void* buf, size_t size) {
  if (!buf || size != sizeof(T)) return kInvalid;
  std::memcpy(&field, buf, sizeof(T));
  return 0;
}

int lt_create(void** handle) {
  static int handles[16];
  static int next = 0;
  *handle = &handles[next++ % 16];
  return 0;
}

// scale: the real or complex type of alpha and beta (CUDA_R_32F 0, R_64F 1, C_32F 4, C_64F 5);
// matmul checks that it matches the matrices' (complex for complex data).
int desc_create(void** desc, int compute, int scale) {
  if (compute != 68 && compute != 70 && compute != 75 && compute != 77) return kInvalid;
  if (compute == 70 ? scale != 1 && scale != 5 : scale != 0 && scale != 4) return kInvalid;
  *desc = new Desc{compute, scale};
  return 0;
}
int desc_set(void* d, int attr, const void* buf, size_t size) {
  auto* desc = static_cast<Desc*>(d);
  int32_t ignored;
  switch (attr) {
    case 3:
      return set(desc->ta, buf, size);
    case 4:
      return set(desc->tb, buf, size);
    case 0:
    case 1:
    case 2:
    case 5:
    case 6:
    case 7:
      return set(ignored, buf, size);
    default:
      return kInvalid;
  }
}
int desc_destroy(void* d) {
  delete static_cast<Desc*>(d);
  return 0;
}

int layout_create(void** layout, int type, uint64_t rows, uint64_t cols, int64_t ld) {
  if (type != 0 && type != 1 && type != 2 && type != 4 && type != 5 && type != 14) return kInvalid;
  if (ld < static_cast<int64_t>(std::max<uint64_t>(rows, 1))) return kInvalid;
  *layout = new Layout{type, 0, 1, rows, cols, ld, 0};
  return 0;
}
int layout_set(void* l, int attr, const void* buf, size_t size) {
  auto* layout = static_cast<Layout*>(l);
  switch (attr) {
    case 0:
      return set(layout->type, buf, size);
    case 1:
      return set(layout->order, buf, size);
    case 2:
      return set(layout->rows, buf, size);
    case 3:
      return set(layout->cols, buf, size);
    case 4:
      return set(layout->ld, buf, size);
    case 5:
      return set(layout->batch, buf, size);
    case 6:
      return set(layout->stride, buf, size);
    default:
      return kInvalid;
  }
}
int layout_destroy(void* l) {
  delete static_cast<Layout*>(l);
  return 0;
}

int pref_create(void** pref) {
  *pref = new Pref;
  return 0;
}
int pref_set(void* p, int attr, const void* buf, size_t size) {
  uint32_t u32;
  uint64_t u64;
  switch (attr) {
    case 1:
      return set(static_cast<Pref*>(p)->workspace, buf, size);
    case 0:
    case 3:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
      return set(u32, buf, size);
    case 12:
      return set(u64, buf, size);
    default:
      return kInvalid;
  }
}
int pref_destroy(void* p) {
  delete static_cast<Pref*>(p);
  return 0;
}

// The problem's (m, n, k) when the layouts fit the operation (C and D alike, one type, one
// batch count, column order), else false.
bool problem(const Desc& d, const Layout& a, const Layout& b, const Layout& c, const Layout& dl,
             uint64_t& m, uint64_t& n, uint64_t& k) {
  m = d.ta ? a.cols : a.rows;
  k = d.ta ? a.rows : a.cols;
  n = d.tb ? b.rows : b.cols;
  const uint64_t kb = d.tb ? b.cols : b.rows;
  auto same = [](const Layout& x, const Layout& y) {
    return x.type == y.type && x.rows == y.rows && x.cols == y.cols && x.batch == y.batch;
  };
  return kb == k && c.rows == m && c.cols == n && same(c, dl) && a.type == c.type &&
         b.type == c.type && a.batch == c.batch && b.batch == c.batch && a.order == 0 &&
         b.order == 0 && c.order == 0 && dl.order == 0 && d.ta >= 0 && d.ta <= 1 && d.tb >= 0 &&
         d.tb <= 1;
}

int heuristic(void* handle, void* desc, void* a, void* b, void* c, void* d, void* pref,
              int requested, Heuristic* out, int* returned) {
  if (!handle || !desc || !a || !b || !c || !d || !pref || requested < 1 || !out || !returned)
    return kInvalid;
  uint64_t m, n, k;
  if (!problem(*static_cast<Desc*>(desc), *static_cast<Layout*>(a), *static_cast<Layout*>(b),
               *static_cast<Layout*>(c), *static_cast<Layout*>(d), m, n, k))
    return kInvalid;
  int count = 0;
  for (int i = 0; i < kAlgos && count < requested; ++i) {
    if (kAlgoWorkspace[i] > static_cast<Pref*>(pref)->workspace) continue;
    Heuristic h{};
    h.algo.data[0] = static_cast<uint64_t>(i);
    h.workspace_size = kAlgoWorkspace[i];
    out[count++] = h;
  }
  *returned = count;
  return count ? 0 : kNotSupported;
}

int matmul(void* handle, void* desc, const void* alpha, const void* A, void* adesc, const void* B,
           void* bdesc, const void* beta, const void* C, void* cdesc, void* D, void* ddesc,
           const Algo* algo, void*, size_t workspace, cudaStream_t stream) {
  if (!handle || !desc || !adesc || !bdesc || !cdesc || !ddesc || !algo || !alpha || !beta)
    return kInvalid;
  const Desc& op = *static_cast<Desc*>(desc);
  const Layout &la = *static_cast<Layout*>(adesc), &lb = *static_cast<Layout*>(bdesc),
               &lc = *static_cast<Layout*>(cdesc), &ld = *static_cast<Layout*>(ddesc);
  uint64_t m, n, k;
  if (!problem(op, la, lb, lc, ld, m, n, k)) return kInvalid;
  if (algo->data[0] >= kAlgos || workspace < kAlgoWorkspace[algo->data[0]]) return kInvalid;
  if (lc.ld != ld.ld || (C != D && lc.stride != ld.stride)) return kNotSupported;
  if (is_complex_type(lc.type) != (op.scale == 4 || op.scale == 5)) return kInvalid;
  const bool dbl = op.compute == 70;
  const size_t scalar = (dbl ? 8 : 4) * (is_complex_type(lc.type) ? 2 : 1);
  char scalars[2][16] = {};
  std::memcpy(scalars[0], alpha, scalar);
  std::memcpy(scalars[1], beta, scalar);
  bool beta_zero = true;
  for (size_t i = 0; i < scalar; ++i) beta_zero = beta_zero && scalars[1][i] == 0;
  auto run = [=] {
    const size_t item = item_size(lc.type);
    if (C != D && !beta_zero)  // D starts as C, column by column
      for (int32_t q = 0; q < lc.batch; ++q)
        for (uint64_t j = 0; j < n; ++j) {
          const size_t off = (q * lc.stride + j * lc.ld) * item;
          device_copy(static_cast<char*>(D) + off, static_cast<const char*>(C) + off, m * item);
        }
    return gemm(op.ta, op.tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k),
                scalars[0], A, lc.type, static_cast<int>(la.ld), la.stride, B,
                static_cast<int>(lb.ld), lb.stride, scalars[1], D, static_cast<int>(ld.ld),
                ld.stride, lc.batch, op.compute);
  };
  if (capturing(stream)) {
    record(cudaGraphNodeTypeKernel, [run] { run(); });
    return 0;
  }
  return run();
}

}  // namespace

// Column-major C = alpha op(A) op(B) + beta C for each of `batch` matrices, in double.
// An item of a GEMM operand as a complex double: cudaDataType 4 and 5 are complex float and
// double (real, imaginary), the others real.
std::complex<double> load_item(const void* base, int type, int64_t i) {
  if (type == 4) {
    const float* f = static_cast<const float*>(base) + 2 * i;
    return {f[0], f[1]};
  }
  if (type == 5) {
    const double* d = static_cast<const double*>(base) + 2 * i;
    return {d[0], d[1]};
  }
  return load_real(base, type, i);
}
void store_item(void* base, int type, int64_t i, std::complex<double> v) {
  if (type == 4) {
    float* f = static_cast<float*>(base) + 2 * i;
    f[0] = static_cast<float>(v.real());
    f[1] = static_cast<float>(v.imag());
  } else if (type == 5) {
    double* d = static_cast<double*>(base) + 2 * i;
    d[0] = v.real();
    d[1] = v.imag();
  } else {
    store_real(base, type, i, v.real());
  }
}

// Column-major C = alpha op(A) op(B) + beta C for each of `batch` matrices, in double (complex
// double for the complex types; alpha and beta are then complex too).
int cublas_gemm(void* h, int ta, int tb, int m, int n, int k, const void* alpha, const void* a,
                int atype, int lda, long long sa, const void* b, int btype, int ldb, long long sb,
                const void* beta, void* c, int ctype, int ldc, long long sc, int batch, int compute,
                int) {
  constexpr int kInvalid = 7, kFailed = 13;
  if (atype != btype || atype != ctype ||
      (atype != 0 && atype != 1 && atype != 2 && atype != 4 && atype != 5 && atype != 14))
    return kInvalid;
  const bool dbl = atype == 1 || atype == 5, cplx = atype == 4 || atype == 5;
  if ((compute == 70) != dbl) return kInvalid;  // 64F compute for double data only
  if (m < 0 || n < 0 || k < 0 || batch < 0 || ldc < std::max(1, m) ||
      lda < std::max(1, ta ? k : m) || ldb < std::max(1, tb ? n : k))
    return kInvalid;
  if (m == 0 || n == 0 || batch == 0 || skip_kernels()) return 0;
  const size_t scalar = (dbl ? 8 : 4) * (cplx ? 2 : 1);
  if (capturing(h)) {  // recorded with copies of alpha and beta
    auto scalars = std::make_shared<std::array<char, 32>>();
    std::memcpy(scalars->data(), alpha, scalar);
    std::memcpy(scalars->data() + 16, beta, scalar);
    record(cudaGraphNodeTypeKernel, [=] {
      cublas_gemm(nullptr, ta, tb, m, n, k, scalars->data(), a, atype, lda, sa, b, btype, ldb, sb,
                  scalars->data() + 16, c, ctype, ldc, sc, batch, compute, 0);
    });
    return 0;
  }
  auto scalar_of = [&](const void* p) -> std::complex<double> {
    if (dbl) return {static_cast<const double*>(p)[0], cplx ? static_cast<const double*>(p)[1] : 0};
    return {static_cast<const float*>(p)[0], cplx ? static_cast<const float*>(p)[1] : 0.0f};
  };
  const std::complex<double> al = scalar_of(alpha), be = scalar_of(beta);
  const int64_t item = item_size(atype);
  auto extent = [&](int64_t rows, int64_t cols, int64_t ld, int64_t stride) {
    return static_cast<size_t>(((batch - 1) * stride + (cols - 1) * ld + rows) * item);
  };
  if ((k > 0 && (!device_range(a, extent(ta ? k : m, ta ? m : k, lda, sa)) ||
                 !device_range(b, extent(tb ? n : k, tb ? k : n, ldb, sb)))) ||
      !device_range(c, extent(m, n, ldc, sc)))
    return kFailed;
  with_device_access([&] {
    for (int64_t q = 0; q < batch; ++q)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < m; ++i) {
          std::complex<double> acc = 0;
          for (int64_t l = 0; l < k; ++l)
            acc += load_item(a, atype, q * sa + (ta ? l + i * lda : i + l * lda)) *
                   load_item(b, btype, q * sb + (tb ? j + l * ldb : l + j * ldb));
          const int64_t ci = q * sc + i + j * ldc;
          store_item(
              c, ctype, ci,
              al * acc + (be != 0.0 ? be * load_item(c, ctype, ci) : std::complex<double>()));
        }
  });
  return 0;
}

int gemm(int ta, int tb, int m, int n, int k, const void* alpha, const void* a, int type, int lda,
         long long sa, const void* b, int ldb, long long sb, const void* beta, void* c, int ldc,
         long long sc, int batch, int compute) {
  return cublas_gemm(nullptr, ta, tb, m, n, k, alpha, a, type, lda, sa, b, type, ldb, sb, beta, c,
                     type, ldc, sc, batch, compute, 0);
}

std::vector<std::pair<std::string, void*>> cublaslt_symbols() {
  return {
      {"cublasLt/cublasLtCreate", reinterpret_cast<void*>(lt_create)},
      {"cublasLt/cublasLtMatmulDescCreate", reinterpret_cast<void*>(desc_create)},
      {"cublasLt/cublasLtMatmulDescSetAttribute", reinterpret_cast<void*>(desc_set)},
      {"cublasLt/cublasLtMatmulDescDestroy", reinterpret_cast<void*>(desc_destroy)},
      {"cublasLt/cublasLtMatrixLayoutCreate", reinterpret_cast<void*>(layout_create)},
      {"cublasLt/cublasLtMatrixLayoutSetAttribute", reinterpret_cast<void*>(layout_set)},
      {"cublasLt/cublasLtMatrixLayoutDestroy", reinterpret_cast<void*>(layout_destroy)},
      {"cublasLt/cublasLtMatmulPreferenceCreate", reinterpret_cast<void*>(pref_create)},
      {"cublasLt/cublasLtMatmulPreferenceSetAttribute", reinterpret_cast<void*>(pref_set)},
      {"cublasLt/cublasLtMatmulPreferenceDestroy", reinterpret_cast<void*>(pref_destroy)},
      {"cublasLt/cublasLtMatmulAlgoGetHeuristic", reinterpret_cast<void*>(heuristic)},
      {"cublasLt/cublasLtMatmul", reinterpret_cast<void*>(matmul)},
  };
}

}  // namespace arrax::cuda::emu
