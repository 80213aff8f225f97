// The host definitions of CUDA's built-ins that the CUDA emulator (emulator.cpp) puts before a
// generated kernel's source to compile it with the host compiler instead of NVRTC. Thread and
// block indices, barriers and warp shuffles come from the emulator through `ax_emu`, which it
// sets when it loads the compiled library; a kernel thread runs as a fiber, so a barrier or a
// shuffle is a switch back to the emulator's scheduler. CMake puts emulator_abi.h (struct AxEmu)
// before this text.
#define AX_EMULATOR 1
#include <cmath>
#include <cstdint>
#include <cstring>

#define __device__
#define __host__
#define __forceinline__ inline
#define __global__
#define __launch_bounds__(...)
#define __shared__ static
#define __restrict__ __restrict

extern "C" {
__attribute__((visibility("default"))) AxEmu* ax_emu = nullptr;
}
#define threadIdx (ax_emu->thread_idx)
#define blockIdx (ax_emu->block_idx)
#define blockDim (ax_emu->block_dim)
#define gridDim (ax_emu->grid_dim)
inline void __syncthreads() {
  ax_emu->syncthreads();
}
inline void __syncwarp(unsigned = 0xffffffffu) {
  ax_emu->syncthreads();
}

template <class T>
inline T ax_emu_shuffle(T v, int src_lane) {
  static_assert(sizeof(T) <= 8, "shuffles move at most 8 bytes");
  unsigned long long w = 0;
  std::memcpy(&w, &v, sizeof(T));
  w = ax_emu->shuffle(w, src_lane);
  T r;
  std::memcpy(&r, &w, sizeof(T));
  return r;
}
inline int ax_emu_lane() {
  return static_cast<int>(threadIdx.x & 31u);
}
template <class T>
inline T __shfl_down_sync(unsigned, T v, unsigned delta, int width = 32) {
  const int lane = ax_emu_lane(), seg = lane % width;
  return ax_emu_shuffle(
      v, seg + static_cast<int>(delta) < width ? lane + static_cast<int>(delta) : lane);
}
template <class T>
inline T __shfl_up_sync(unsigned, T v, unsigned delta, int width = 32) {
  const int lane = ax_emu_lane(), seg = lane % width;
  return ax_emu_shuffle(v, seg >= static_cast<int>(delta) ? lane - static_cast<int>(delta) : lane);
}
template <class T>
inline T __shfl_xor_sync(unsigned, T v, int mask, int width = 32) {
  const int lane = ax_emu_lane();
  const int src = lane ^ mask;
  return ax_emu_shuffle(v, (src / width) == (lane / width) ? src : lane);
}
template <class T>
inline T __shfl_sync(unsigned, T v, int src, int width = 32) {
  const int lane = ax_emu_lane();
  return ax_emu_shuffle(v, lane / width * width + src % width);
}

// Blocks run one after another: every write is visible to the next block already.
inline void __threadfence() {}
template <class T>
inline T __ldcg(const T* p) {  // (no caches to go past)
  return *p;
}
inline unsigned __umulhi(unsigned a, unsigned b) {
  return static_cast<unsigned>((static_cast<unsigned long long>(a) * b) >> 32);
}

// Fibers take turns only at barriers and shuffles, so a read-modify-write is atomic as it is.
template <class T>
inline T atomicAdd(T* p, T v) {
  T old = *p;
  *p = old + v;
  return old;
}
template <class T>
inline T atomicMax(T* p, T v) {
  T old = *p;
  if (old < v) *p = v;
  return old;
}
template <class T>
inline T atomicMin(T* p, T v) {
  T old = *p;
  if (v < old) *p = v;
  return old;
}
template <class T>
inline T atomicExch(T* p, T v) {
  T old = *p;
  *p = v;
  return old;
}
template <class T>
inline T atomicCAS(T* p, T compare, T v) {
  T old = *p;
  if (old == compare) *p = v;
  return old;
}
template <class T>
inline T __ldg(const T* p) {
  return *p;
}

template <class To, class From>
inline To ax_emu_bits(From v) {
  To r;
  std::memcpy(&r, &v, sizeof(To));
  return r;
}
inline unsigned __float_as_uint(float x) {
  return ax_emu_bits<unsigned>(x);
}
inline int __float_as_int(float x) {
  return ax_emu_bits<int>(x);
}
inline float __uint_as_float(unsigned x) {
  return ax_emu_bits<float>(x);
}
inline float __int_as_float(int x) {
  return ax_emu_bits<float>(x);
}
inline long long __double_as_longlong(double x) {
  return ax_emu_bits<long long>(x);
}
inline double __longlong_as_double(long long x) {
  return ax_emu_bits<double>(x);
}

// CUDA's inverse error function (libm has none): a start from the logarithmic approximation,
// refined by Newton steps on erf.
inline double erfinv(double y) {
  if (!(y > -1.0 && y < 1.0)) {
    if (y == 1.0) return HUGE_VAL;
    if (y == -1.0) return -HUGE_VAL;
    return NAN;
  }
  // Winitzki's approximation, then Newton steps on |y|; near 1 on erfc against 1 - |y| (exact),
  // where erf(x) - |y| would cancel (CUDA's erfinv is accurate to a few ulp there).
  const double ay = std::fabs(y), c = 1.0 - ay;
  const double a = 0.147, l = std::log(1.0 - ay * ay), t = 2.0 / (M_PI * a) + l / 2.0;
  double x = std::sqrt(std::sqrt(t * t - l / a) - t);
  for (int i = 0; i < 4; ++i) {
    const double err = ay <= 0.5 ? std::erf(x) - ay : c - std::erfc(x);
    x -= err / (2.0 / std::sqrt(M_PI) * std::exp(-x * x));
  }
  return std::copysign(x, y);
}
inline float erfinvf(float y) {
  return static_cast<float>(erfinv(y));
}
