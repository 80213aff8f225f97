// GEMMs through cuBLASLt, with each problem's algorithm chosen by timing (as XLA's autotuner
// does): cuBLAS's own choice (cublasGemmStridedBatchedEx's heuristic) picked Ampere kernels
// with split-K reductions for some of an MLP's shapes on an H100, at a third of the card's
// TF32 rate. The first call of a problem (shape, transposes, leading dimensions, strides,
// types, pointer alignment) asks cuBLASLt for up to kCandidates algorithms, times each on the
// call's own operands with CUDA events, and keeps the fastest for later calls; a problem met
// first while a CUDA graph is being recorded uses the heuristic's first choice untimed (timing
// waits for the GPU) and is timed at its next direct call.
//
// The tunable "gemm_algo" (set_tunable) selects: 1 cublasGemmStridedBatchedEx, 2 cuBLASLt's
// first heuristic choice, 3 (default) the timed choice. cuBLASLt's types are declared here, as
// the toolkit's cuBLAS headers may be absent: cuBLAS is loaded at run time (runtime.h).
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

// cublasLt.h's semi-opaque structs and the attribute numbers used here.
struct LtAlgo {
  uint64_t data[8];
};
struct LtHeuristic {
  LtAlgo algo;
  size_t workspace_size;
  int state;  // cublasStatus_t of this algorithm for the problem
  float waves;
  int reserved[4];
};
static_assert(sizeof(LtHeuristic) == 96, "cublasLtMatmulHeuristicResult_t's layout");
enum LayoutAttr { kLayoutBatchCount = 5, kLayoutBatchStride = 6 };
enum DescAttr { kDescTransA = 3, kDescTransB = 4 };
enum PrefAttr { kPrefMaxWorkspace = 1, kPrefAlignA = 5, kPrefAlignB, kPrefAlignC, kPrefAlignD };

constexpr int kCandidates = 8;
constexpr size_t kWorkspaceBytes = size_t{32} << 20;  // cuBLAS's own size on Hopper
constexpr float kTuneBudgetMs = 2.0f;                 // timed work per candidate
constexpr float kUntunedAboveMs = 20.0f;              // a problem this slow keeps the first choice
constexpr size_t kMaxPlans = 4096;

struct LtApi {
  int (*create)(void**);
  int (*desc_create)(void**, int compute, int scale_type);
  int (*desc_set)(void*, int, const void*, size_t);
  int (*desc_destroy)(void*);
  int (*layout_create)(void**, int type, uint64_t rows, uint64_t cols, int64_t ld);
  int (*layout_set)(void*, int, const void*, size_t);
  int (*layout_destroy)(void*);
  int (*pref_create)(void**);
  int (*pref_set)(void*, int, const void*, size_t);
  int (*pref_destroy)(void*);
  int (*heuristic)(void*, void*, void*, void*, void*, void*, void*, int, LtHeuristic*, int*);
  int (*matmul)(void*, void*, const void*, const void*, void*, const void*, void*, const void*,
                const void*, void*, void*, void*, const LtAlgo*, void*, size_t, cudaStream_t);
};

// The table, or nullptr where libcublasLt cannot be loaded (cublasGemmStridedBatchedEx then
// runs every GEMM).
const LtApi* lt_api() {
  static const LtApi* api = []() -> const LtApi* {
    try {
      static LtApi a;
      auto get = [](auto& f, const char* name) {
        f = reinterpret_cast<std::remove_reference_t<decltype(f)>>(
            library_symbol("cublasLt", name));
      };
      get(a.create, "cublasLtCreate");
      get(a.desc_create, "cublasLtMatmulDescCreate");
      get(a.desc_set, "cublasLtMatmulDescSetAttribute");
      get(a.desc_destroy, "cublasLtMatmulDescDestroy");
      get(a.layout_create, "cublasLtMatrixLayoutCreate");
      get(a.layout_set, "cublasLtMatrixLayoutSetAttribute");
      get(a.layout_destroy, "cublasLtMatrixLayoutDestroy");
      get(a.pref_create, "cublasLtMatmulPreferenceCreate");
      get(a.pref_set, "cublasLtMatmulPreferenceSetAttribute");
      get(a.pref_destroy, "cublasLtMatmulPreferenceDestroy");
      get(a.heuristic, "cublasLtMatmulAlgoGetHeuristic");
      get(a.matmul, "cublasLtMatmul");
      return &a;
    } catch (const std::exception&) {
      return nullptr;
    }
  }();
  return api;
}

// A problem's descriptors and algorithms, made on its first call and kept.
struct Plan {
  void* desc = nullptr;
  void* layout[3] = {};  // A, B, C (= D)
  std::vector<LtHeuristic> candidates;
  int chosen = 0;
  bool tuned = false;
  ~Plan() {
    const LtApi* api = lt_api();
    for (void* l : layout)
      if (l) api->layout_destroy(l);
    if (desc) api->desc_destroy(desc);
  }
};

struct DeviceLt {
  void* handle = nullptr;
  void* workspace = nullptr;  // outside the caching allocator: never freed, not in its statistics
  std::map<std::array<int64_t, 19>, std::unique_ptr<Plan>> plans;
};

std::mutex g_mu;
GemmStats g_stats;  // under g_mu

// The largest power of two up to 256 dividing the address: the alignment cuBLASLt may assume.
uint32_t alignment(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  uint32_t r = 256;
  while (r > 1 && a % r) r /= 2;
  return r;
}

// Makes the plan's descriptors and asks for candidates; nullptr when cuBLASLt has none.
std::unique_ptr<Plan> make_plan(const LtApi& api, const DeviceLt& d, int ta, int tb, int m, int n,
                                int k, int type, int lda, long long sa, int ldb, long long sb,
                                int ldc, long long sc, int batch, int compute,
                                const uint32_t (&align)[4]) {
  auto plan = std::make_unique<Plan>();
  // alpha and beta: CUDA_R_64F for 64-bit compute, else R_32F; the complex types (C_32F 4,
  // C_64F 5) for complex data
  const bool cplx = type == 4 || type == 5;
  const int scale_type = compute == 70 ? (cplx ? 5 : 1) : (cplx ? 4 : 0);
  if (api.desc_create(&plan->desc, compute, scale_type) != 0) return nullptr;
  const int32_t opa = ta, opb = tb;
  api.desc_set(plan->desc, kDescTransA, &opa, sizeof opa);
  api.desc_set(plan->desc, kDescTransB, &opb, sizeof opb);
  const int64_t rows[3] = {ta ? k : m, tb ? n : k, m}, cols[3] = {ta ? m : k, tb ? k : n, n};
  const int64_t ld[3] = {lda, ldb, ldc};
  const int64_t stride[3] = {sa, sb, sc};
  const int32_t count = batch;
  for (int i = 0; i < 3; ++i) {
    if (api.layout_create(&plan->layout[i], type, rows[i], cols[i], ld[i]) != 0) return nullptr;
    if (batch > 1) {
      api.layout_set(plan->layout[i], kLayoutBatchCount, &count, sizeof count);
      api.layout_set(plan->layout[i], kLayoutBatchStride, &stride[i], sizeof stride[i]);
    }
  }
  void* pref = nullptr;
  if (api.pref_create(&pref) != 0) return nullptr;
  const uint64_t ws = kWorkspaceBytes;
  api.pref_set(pref, kPrefMaxWorkspace, &ws, sizeof ws);
  for (int i = 0; i < 4; ++i) api.pref_set(pref, kPrefAlignA + i, &align[i], sizeof align[i]);
  LtHeuristic found[kCandidates];
  int returned = 0;
  const int rc =
      api.heuristic(d.handle, plan->desc, plan->layout[0], plan->layout[1], plan->layout[2],
                    plan->layout[2], pref, kCandidates, found, &returned);
  api.pref_destroy(pref);
  if (rc != 0) return nullptr;
  for (int i = 0; i < returned; ++i)
    if (found[i].state == 0 && found[i].workspace_size <= kWorkspaceBytes)
      plan->candidates.push_back(found[i]);
  if (plan->candidates.empty()) return nullptr;
  return plan;
}

// Times each candidate on the call's operands (D is written each time; beta is 0 or C is not D,
// so every run gives the same D) and keeps the fastest. Candidates that fail are dropped.
void tune(Plan& plan, const std::function<int(int)>& run, int device) {
  auto timed = [&](int i, int reps) -> float {  // ms per run, or -1 when it fails
    if (run(i) != 0) return -1;                 // also loads the kernel's module
    return time_runs_ms(device, reps, [&] { run(i); });
  };
  std::vector<float> ms(plan.candidates.size(), -1);
  ms[0] = timed(0, 1);
  if (ms[0] >= 0 && ms[0] < kUntunedAboveMs) {
    const int reps = std::clamp(static_cast<int>(kTuneBudgetMs / std::max(ms[0], 1e-3f)), 1, 20);
    for (size_t i = 0; i < plan.candidates.size(); ++i) ms[i] = timed(static_cast<int>(i), reps);
  }
  int best = -1;
  for (size_t i = 0; i < ms.size(); ++i)
    if (ms[i] >= 0 && (best < 0 || ms[i] < ms[best])) best = static_cast<int>(i);
  plan.chosen = best < 0 ? 0 : best;
  plan.tuned = true;
  ++g_stats.timed;
}

}  // namespace

float time_runs_ms(int device, int reps, const std::function<void()>& f) {
  const RuntimeApi& rt = runtime_api();
  cudaStream_t s = stream(device);
  cudaEvent_t start, end;
  check(rt.event_create(&start), "matmul: cudaEventCreate");
  check(rt.event_create(&end), "matmul: cudaEventCreate");
  rt.event_record(start, s);
  for (int r = 0; r < reps; ++r) f();
  rt.event_record(end, s);
  float ms = -1;
  if (rt.event_synchronize(end) != cudaSuccess || rt.event_elapsed(&ms, start, end) != cudaSuccess)
    ms = -1;
  rt.event_destroy(start);
  rt.event_destroy(end);
  return ms < 0 ? -1 : ms / reps;
}

namespace {
bool run_lt(int device, int ta, int tb, int m, int n, int k, const void* alpha, const void* A,
            int type, int lda, long long sa, const void* B, int ldb, long long sb, const void* beta,
            const void* C, void* D, int ldc, long long sc, int batch, int compute) {
  const int mode = tunable(Tunable::GemmAlgo);
  if (mode == 1) return false;
  const LtApi* api = lt_api();
  if (!api) return false;
  static DeviceLt* devices = new DeviceLt[16];  // kept past the CUDA context's end
  DeviceLt& d = devices[device];
  if (!d.handle || !d.workspace) {
    if (capturing()) return false;  // made outside a capture: cudaMalloc cannot be recorded
    if (!d.handle && api->create(&d.handle) != 0) return false;
    stream(device);  // makes the device current
    if (runtime_api().malloc(&d.workspace, kWorkspaceBytes) != cudaSuccess) {
      runtime_api().get_last_error();
      d.workspace = nullptr;
      return false;
    }
  }
  const uint32_t align[4] = {alignment(A), alignment(B), alignment(C), alignment(D)};
  const std::array<int64_t, 19> key = {
      ta,  tb, m,     n,       k,        type,     lda,      sa,       ldb,   sb,
      ldc, sc, batch, compute, align[0], align[1], align[2], align[3], C == D};
  auto it = d.plans.find(key);
  if (it == d.plans.end()) {
    std::unique_ptr<Plan> plan =
        make_plan(*api, d, ta, tb, m, n, k, type, lda, sa, ldb, sb, ldc, sc, batch, compute, align);
    if (!plan) return false;
    if (d.plans.size() >= kMaxPlans) d.plans.clear();
    it = d.plans.emplace(key, std::move(plan)).first;
    ++g_stats.problems;
  }
  Plan& plan = *it->second;
  cudaStream_t s = stream(device);
  auto run = [&](int i) {
    return api->matmul(d.handle, plan.desc, alpha, A, plan.layout[0], B, plan.layout[1], beta, C,
                       plan.layout[2], D, plan.layout[2], &plan.candidates[i].algo, d.workspace,
                       kWorkspaceBytes, s);
  };
  // Timing runs D = alpha AB + beta C several times: only when that gives the same D each time.
  const bool repeatable = C != D || (compute == 70 ? *static_cast<const double*>(beta) == 0
                                                   : *static_cast<const float*>(beta) == 0);
  if (mode == 3 && !plan.tuned && !capturing() && repeatable) tune(plan, run, device);
  if (run(plan.chosen) == 0) return true;
  return plan.chosen != 0 && run(0) == 0;
}
}  // namespace

bool gemm_lt(int device, int ta, int tb, int m, int n, int k, const void* alpha, const void* A,
             int type, int lda, long long sa, const void* B, int ldb, long long sb,
             const void* beta, const void* C, void* D, int ldc, long long sc, int batch,
             int compute) {
  std::lock_guard<std::mutex> lock(g_mu);
  const bool ran = run_lt(device, ta, tb, m, n, k, alpha, A, type, lda, sa, B, ldb, sb, beta, C, D,
                          ldc, sc, batch, compute);
  ++(ran ? g_stats.cublaslt : g_stats.cublas);
  return ran;
}

GemmStats gemm_stats() {
  std::lock_guard<std::mutex> lock(g_mu);
  GemmStats s = g_stats;
  s.thin = thin_gemm_calls();
  s.thin_timed = thin_gemm_timed();
  return s;
}

}  // namespace arrax::cuda
