// The emulator's cuBLASLt (emulator.h): matmul descriptors, matrix layouts and preferences as
// host structs that check what cuBLASLt checks (attribute sizes, layouts that fit the
// operation, workspace), a heuristic offering kAlgos algorithms, and cublasLtMatmul as
// D = alpha op(A) op(B) + beta C by the emulated cuBLAS GEMM (in double; recorded while a
// capture runs). Every algorithm computes the same D here: what the emulator checks is the
// calls, not the kernels' speed.
#include <cstdint>
#include <cstring>
#include <memory>

#include "backend/cuda/emulator_graphs.h"

namespace arrax::cuda::emu {
namespace {

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
           const Algo* algo, void*, size_t workspace, cudaStream_t) {
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
  if (capturing()) {
    record(cudaGraphNodeTypeKernel, [run] { run(); });
    return 0;
  }
  return run();
}

}  // namespace

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
