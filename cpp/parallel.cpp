#include "parallel.h"
#include "device.h"

#include <algorithm>
#include <atomic>
#include <cfenv>
#include <chrono>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace arrax {
namespace {

// The flags NumPy reports (FE_INEXACT, raised by most arithmetic, is not one).
constexpr int kReportedFpFlags = FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID;

// This thread's reported flags, cleared. On x86-64 from the SSE control register alone, whose
// flag bits are FE_*'s: arrax's float math is SSE/AVX, and <cfenv>'s functions also save and
// restore the x87 environment, which costs more than the small operation they would guard.
int take_thread_fp_flags() {
#if defined(__x86_64__)
  const unsigned csr = _mm_getcsr();
  const unsigned raised = csr & kReportedFpFlags;
  if (raised) _mm_setcsr(csr & ~raised);
  return static_cast<int>(raised);
#else
  const int raised = std::fetestexcept(kReportedFpFlags);
  if (raised) std::feclearexcept(raised);
  return raised;
#endif
}

// What the workers' tasks raised since clear_fp_flags.
std::atomic<int> g_worker_fp_flags{0};

// Waiting side of the pool: spins this long before sleeping on a condition variable. Waking a
// sleeping thread costs tens of microseconds on virtual machines (measured: 40 us for a 64K
// add split in two on a 2-vCPU VM, 5 us on one thread), more than the work of a mid-sized op;
// consecutive ops (a jit'd graph, an eager loop) find the workers still spinning. Kept short
// so that an idle arrax does not hold the cores away from other libraries for long.
constexpr auto kSpin = std::chrono::microseconds(100);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until pred() holds or kSpin has passed; true when pred() held.
template <typename Pred>
bool spin_until(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (pred()) return true;
    cpu_relax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) return pred();
  }
}

class ThreadPool {
 public:
  explicit ThreadPool(int n) : size_(std::max(1, n)) {
    for (int i = 1; i < size_; ++i) workers_.emplace_back([this, i] { loop(i); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return size_; }

  // Runs task(i) for i in [0, size) with thread i doing task i; the caller does task 0.
  void run(const std::function<void(int)>& task) {
    std::unique_lock<std::mutex> run_lock(run_mu_);  // one parallel region at a time
    {
      std::lock_guard<std::mutex> lock(mu_);
      task_ = &task;
      device_ = current_device();  // workers create arrays where the caller would
      pending_.store(size_ - 1, std::memory_order_relaxed);
      error_ = nullptr;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    try {
      task(0);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
    auto done = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    if (!spin_until(done)) {
      std::unique_lock<std::mutex> lock(mu_);
      done_cv_.wait(lock, done);
    }
    std::lock_guard<std::mutex> lock(mu_);
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* task;
      Device device;
      auto posted = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      spin_until(posted);
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, posted);
        seen = generation_.load(std::memory_order_relaxed);
        if (stop_) return;
        task = task_;
        device = device_;
      }
      try {
        DeviceScope scope(device);
        take_thread_fp_flags();
        (*task)(index);
        if (int raised = take_thread_fp_flags())
          g_worker_fp_flags.fetch_or(raised, std::memory_order_relaxed);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = std::current_exception();
      }
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mu_);  // the caller checks pending_ under mu_
        done_cv_.notify_one();
      }
    }
  }

  int size_;
  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int)>* task_ = nullptr;
  Device device_;
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> generation_{0};
  bool stop_ = false;
  std::exception_ptr error_;
};

int default_threads() {
  if (const char* env = std::getenv("ARRAX_NUM_THREADS")) return std::max(1, std::atoi(env));
  return std::max(1u, std::thread::hardware_concurrency());
}

int g_threads = default_threads();

ThreadPool& pool() {
  static ThreadPool p(g_threads);
  return p;
}

thread_local bool t_in_parallel = false;
GilHooks g_gil_hooks;

// Releases the interpreter lock (if hooks are installed and it is held) for its lifetime.
struct GilRelease {
  void* token = nullptr;
  GilRelease() {
    if (g_gil_hooks.release) token = g_gil_hooks.release();
  }
  ~GilRelease() {
    if (token) g_gil_hooks.reacquire(token);
  }
};

}  // namespace

void clear_fp_flags() {
  take_thread_fp_flags();
  g_worker_fp_flags.store(0, std::memory_order_relaxed);
}

int raised_fp_flags() {
  return take_thread_fp_flags() | g_worker_fp_flags.load(std::memory_order_relaxed);
}

void set_gil_hooks(GilHooks hooks) {
  g_gil_hooks = hooks;
}

int num_threads() {
  return g_threads;
}
void set_num_threads(int n) {
  g_threads = std::max(1, std::min(n, pool().size()));
}

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  int threads = std::min<int64_t>(g_threads, n / std::max<int64_t>(grain, 1));
  if (threads <= 1 || t_in_parallel) {
    fn(0, n);
    return;
  }
  ThreadPool& p = pool();
  threads = std::min(threads, p.size());
  GilRelease nogil;
  int64_t chunk = (n + threads - 1) / threads;
  p.run([&](int i) {
    if (i >= threads) return;
    int64_t b = i * chunk, e = std::min(n, b + chunk);
    if (b >= e) return;
    struct Flag {
      Flag() { t_in_parallel = true; }
      ~Flag() { t_in_parallel = false; }
    } flag;
    fn(b, e);
  });
}

}  // namespace arrax
