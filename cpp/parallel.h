// A small persistent thread pool: parallel_for splits an index range over every core.
#pragma once
#include <cstdint>
#include <functional>

namespace arrax {

// Work below this many elements runs on the calling thread: waking workers costs microseconds.
constexpr int64_t kParallelGrain = 1 << 15;

int num_threads();
void set_num_threads(int n);

// Calls fn(begin, end) over disjoint chunks covering [0, n), in parallel when n >= 2 * grain.
// Exceptions thrown by fn are rethrown on the calling thread.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// The floating-point exception flags NumPy reports (<cfenv>'s FE_DIVBYZERO, FE_OVERFLOW,
// FE_UNDERFLOW, FE_INVALID) raised since clear_fp_flags(), on the calling thread and on the
// pool's workers, which clear theirs before each task and pass on what it raised; reading
// clears them. NumPy's error reporting (numpy.errstate) reads them.
void clear_fp_flags();
int raised_fp_flags();

// Hooks the Python bindings install so that large parallel kernels run with the GIL released:
// `release` returns a token (null when the caller did not hold the lock), `reacquire` takes it.
struct GilHooks {
  void* (*release)() = nullptr;
  void (*reacquire)(void*) = nullptr;
};
void set_gil_hooks(GilHooks hooks);

}  // namespace arrax
