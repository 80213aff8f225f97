#include "backend/cuda/runtime.h"

#include <dlfcn.h>
#include <glob.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "backend/cuda/emulator.h"
#include "backend/cuda/kernels.h"
#include "errors.h"

namespace arrax::cuda {

const RuntimeApi& runtime_api() {
  static constexpr RuntimeApi cudart{cudaGetDeviceCount,
                                     cudaSetDevice,
                                     cudaStreamCreateWithFlags,
                                     cudaGetDeviceProperties,
                                     cudaMalloc,
                                     cudaFree,
                                     cudaMemsetAsync,
                                     cudaMemcpyAsync,
                                     cudaStreamSynchronize,
                                     cudaGetLastError,
                                     cudaGetErrorString,
                                     cudaStreamBeginCapture,
                                     cudaStreamEndCapture,
                                     cudaGraphGetNodes,
                                     cudaGraphNodeGetType,
                                     cudaGraphMemcpyNodeGetParams,
                                     cudaGraphInstantiate,
                                     cudaGraphExecMemcpyNodeSetParams1D,
                                     cudaGraphNodeSetEnabled,
                                     cudaGraphLaunch,
                                     cudaGraphDestroy,
                                     cudaGraphExecDestroy,
                                     cudaEventCreate,
                                     cudaEventRecord,
                                     cudaEventSynchronize,
                                     cudaEventElapsedTime,
                                     cudaEventDestroy};
  static_assert(complete(cudart), "runtime_api: a CUDA runtime call is missing");
  return emulated() ? emulator_runtime() : cudart;
}

void check(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  runtime_api().get_last_error();  // clear the sticky-free error state
  if (err == cudaErrorMemoryAllocation)
    throw MemoryError(std::string(what) + ": out of GPU memory");
  throw ValueError(std::string(what) + ": CUDA error: " + runtime_api().error_string(err));
}

namespace {

constexpr int kMaxDevices = 16;

struct DeviceState {
  std::once_flag init;
  cudaStream_t stream = nullptr;
  cudaDeviceProp props{};
};
DeviceState& state(int device) {
  static DeviceState* states = new DeviceState[kMaxDevices];
  if (device < 0 || device >= kMaxDevices || device >= device_count())
    throw ValueError("cuda: no device cuda:" + std::to_string(device));
  DeviceState& s = states[device];
  std::call_once(s.init, [&] {
    check(runtime_api().set_device(device), "cuda: cudaSetDevice");
    check(runtime_api().stream_create(&s.stream, cudaStreamNonBlocking), "cuda: cudaStreamCreate");
    check(runtime_api().get_properties(&s.props, device), "cuda: cudaGetDeviceProperties");
    install_kernels();
  });
  return s;
}

void use_device(int device) {
  thread_local int current = -1;
  if (current != device) {
    check(runtime_api().set_device(device), "cuda: cudaSetDevice");
    current = device;
  }
}

// The caching allocator. Freed blocks go to a per-device pool keyed by their rounded size and
// are handed out again for requests of that size; all work runs on the device's one stream, so
// a block freed by the host may be reused by the next kernel without waiting (stream order).
// Sizes round up to 512 bytes below 1 MiB and to 2 MiB above it, which bounds the waste and
// lets blocks of nearby sizes be shared. cudaMalloc failing (or the limit reached) releases the
// cache and tries again before raising MemoryError.
struct Pool {
  std::mutex mu;
  std::multimap<size_t, void*> free_blocks;
  int64_t in_use = 0, cached = 0, peak = 0, limit = 0, allocations = 0;
  // Blocks handed out during a stream capture -> their private pool. Such a block, once freed,
  // stays reserved for the captured graph (its replays write it) until the pool is released.
  std::unordered_map<void*, PrivatePool*> private_owner;
};
Pool& pool(int device) {
  static Pool* pools = new Pool[kMaxDevices];  // never destroyed: buffers may outlive statics
  return pools[device];
}

thread_local PrivatePool* t_capture = nullptr;
// The capture's own stream: other threads keep issuing (and running) work on the device's
// stream while this thread records, and none of it lands in the graph.
thread_local cudaStream_t t_capture_stream = nullptr;
thread_local bool t_capture_allocs = false;  // allocations from the capture's pool
std::mutex g_capture_streams_mu;
std::vector<cudaStream_t> g_capture_streams[kMaxDevices];  // free ones, per device

size_t rounded_size(size_t n) {
  if (n == 0) n = 1;
  if (n < (size_t{1} << 20)) return (n + 511) / 512 * 512;
  constexpr size_t k2M = size_t{2} << 20;
  return (n + k2M - 1) / k2M * k2M;
}

void release_cache_locked(Pool& p) {
  for (auto& [size, ptr] : p.free_blocks) runtime_api().free(ptr);
  p.cached = 0;
  p.free_blocks.clear();
}

}  // namespace

// A captured graph's memory: its free blocks, reused only by the same capture.
struct PrivatePool {
  int device;
  std::multimap<size_t, void*> free_blocks;
  std::vector<void*> owned;
};

void set_capture(PrivatePool* pool) {
  if (t_capture_stream) {
    std::lock_guard<std::mutex> lock(g_capture_streams_mu);
    g_capture_streams[t_capture->device].push_back(t_capture_stream);
  }
  t_capture = nullptr;
  t_capture_stream = nullptr;
  if (!pool) return;
  state(pool->device);  // (the device's set-up first)
  cudaStream_t s = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_capture_streams_mu);
    auto& free = g_capture_streams[pool->device];
    if (!free.empty()) s = free.back(), free.pop_back();
  }
  if (!s) {
    use_device(pool->device);
    check(runtime_api().stream_create(&s, cudaStreamNonBlocking),
          "jit (CUDA graph): cudaStreamCreate");
  }
  t_capture = pool;
  t_capture_stream = s;
  t_capture_allocs = true;
}
void allocate_from_cache() {
  t_capture_allocs = false;
}
bool capturing() {
  return t_capture != nullptr;
}
void check_not_capturing(const char* what) {
  if (t_capture)
    throw CaptureUnsupported(std::string(what) + " cannot be recorded in a CUDA graph");
}
PrivatePool* new_private_pool(int device) {
  return new PrivatePool{device, {}, {}};
}
void release_private_pool(PrivatePool* pp) {
  if (!pp) return;
  Pool& p = pool(pp->device);
  std::lock_guard<std::mutex> lock(p.mu);
  for (void* ptr : pp->owned) p.private_owner.erase(ptr);
  for (auto& [size, ptr] : pp->free_blocks) {
    p.in_use -= static_cast<int64_t>(size);
    p.cached += static_cast<int64_t>(size);
    p.free_blocks.emplace(size, ptr);
  }
  delete pp;
}

bool built() {
  return true;
}

int device_count() {
  static int count = [] {
    int n = 0;
    if (runtime_api().get_device_count(&n) != cudaSuccess) {
      runtime_api().get_last_error();
      return 0;
    }
    return n;
  }();
  return count;
}

cudaStream_t stream(int device) {
  DeviceState& s = state(device);
  use_device(device);
  if (t_capture_stream && t_capture->device == device) return t_capture_stream;
  return s.stream;
}

const cudaDeviceProp& properties(int device) {
  return state(device).props;
}

std::string device_name(int device) {
  return properties(device).name;
}

void* allocate(size_t nbytes, int device) {
  stream(device);
  const size_t size = rounded_size(nbytes);
  Pool& p = pool(device);
  std::lock_guard<std::mutex> lock(p.mu);
  PrivatePool* pp =
      t_capture && t_capture_allocs && t_capture->device == device ? t_capture : nullptr;
  if (pp) {
    auto pit = pp->free_blocks.lower_bound(size);
    if (pit != pp->free_blocks.end() && pit->first <= size + size / 8) {
      void* ptr = pit->second;
      pp->free_blocks.erase(pit);
      return ptr;  // counted in use while the pool holds it
    }
  }
  auto own = [&](void* ptr) {
    if (pp) {
      p.private_owner[ptr] = pp;
      pp->owned.push_back(ptr);
    }
    return ptr;
  };
  auto it = p.free_blocks.lower_bound(size);
  // A cached block of this size, or one at most 1/8 larger below 1 MiB (no large block is
  // split for a small request).
  if (it != p.free_blocks.end() && it->first <= size + size / 8) {
    void* ptr = it->second;
    p.cached -= static_cast<int64_t>(it->first);
    p.in_use += static_cast<int64_t>(it->first);
    p.free_blocks.erase(it);
    p.peak = std::max(p.peak, p.in_use);
    return own(ptr);
  }
  auto over_limit = [&] { return p.limit > 0 && p.in_use + p.cached + (int64_t)size > p.limit; };
  if (over_limit()) release_cache_locked(p);
  if (over_limit())
    throw MemoryError("cuda: allocating " + std::to_string(size) +
                      " bytes would pass the memory limit of " + std::to_string(p.limit) +
                      " bytes (" + std::to_string(p.in_use) + " in use)");
  void* ptr = nullptr;
  cudaError_t err = runtime_api().malloc(&ptr, size);
  if (err == cudaErrorMemoryAllocation && !pp) {  // (a capturing stream cannot be waited for)
    runtime_api().get_last_error();
    runtime_api().stream_synchronize(state(device).stream);
    release_cache_locked(p);
    err = runtime_api().malloc(&ptr, size);
  }
  if (err == cudaErrorMemoryAllocation) {
    runtime_api().get_last_error();
    throw MemoryError("cuda: out of GPU memory allocating " + std::to_string(size) + " bytes (" +
                      std::to_string(p.in_use) + " in use by arrax)");
  }
  check(err, "cuda: cudaMalloc");
  p.in_use += static_cast<int64_t>(size);
  p.allocations += 1;
  p.peak = std::max(p.peak, p.in_use);
  return own(ptr);
}

void deallocate(void* ptr, size_t nbytes, int device) {
  const size_t size = rounded_size(nbytes);
  Pool& p = pool(device);
  std::lock_guard<std::mutex> lock(p.mu);
  if (!p.private_owner.empty()) {
    auto owner = p.private_owner.find(ptr);
    if (owner != p.private_owner.end()) {
      owner->second->free_blocks.emplace(size, ptr);
      return;
    }
  }
  p.in_use -= static_cast<int64_t>(size);
  p.cached += static_cast<int64_t>(size);
  p.free_blocks.emplace(size, ptr);
}

MemoryStats memory_stats(int device) {
  stream(device);
  Pool& p = pool(device);
  std::lock_guard<std::mutex> lock(p.mu);
  return MemoryStats{p.in_use, p.cached, p.peak, p.limit, p.allocations};
}

void set_memory_limit(int64_t bytes, int device) {
  stream(device);
  Pool& p = pool(device);
  std::lock_guard<std::mutex> lock(p.mu);
  p.limit = bytes;
}

void empty_cache(int device) {
  check_not_capturing("empty_cache");
  runtime_api().stream_synchronize(stream(device));
  Pool& p = pool(device);
  std::lock_guard<std::mutex> lock(p.mu);
  release_cache_locked(p);
}

void reset_peak_memory(int device) {
  stream(device);
  Pool& p = pool(device);
  std::lock_guard<std::mutex> lock(p.mu);
  p.peak = p.in_use;
}

void memset_zero(void* ptr, size_t nbytes, int device) {
  check(runtime_api().memset_async(ptr, 0, nbytes, stream(device)), "cuda: cudaMemsetAsync");
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t n) {
  const bool dh = dst_dev.kind == DeviceKind::CPU, sh = src_dev.kind == DeviceKind::CPU;
  if (dh && sh) {
    std::memcpy(dst, src, n);
    return;
  }
  if (dh || sh || dst_dev.index != src_dev.index) check_not_capturing("a copy to or from the host");
  if (!dh && !sh && dst_dev.index != src_dev.index) {
    // Between two GPUs: through the host, after both streams' pending work.
    std::vector<char> tmp(n);
    copy_bytes(tmp.data(), Device{}, src, src_dev, n);
    copy_bytes(dst, dst_dev, tmp.data(), Device{}, n);
    return;
  }
  const int dev = dh ? src_dev.index : dst_dev.index;
  cudaStream_t s = stream(dev);
  const cudaMemcpyKind kind = dh   ? cudaMemcpyDeviceToHost
                              : sh ? cudaMemcpyHostToDevice
                                   : cudaMemcpyDeviceToDevice;
  check(runtime_api().memcpy_async(dst, src, n, kind, s), "device_put: cudaMemcpyAsync");
  // The host reads what arrived: wait for it. (From pageable host memory the call returns once
  // the source has been staged, so the source may be freed at once without waiting.)
  if (dh) check(runtime_api().stream_synchronize(s), "device_put: cudaStreamSynchronize");
}

void synchronize(int device) {
  check_not_capturing("synchronize");
  check(runtime_api().stream_synchronize(stream(device)), "synchronize");
}

void* library_symbol(const char* library, const char* symbol) {
  if (emulated()) return emulator_symbol(library, symbol);
  static std::mutex mu;
  static std::unordered_map<std::string, void*> handles;
  std::lock_guard<std::mutex> lock(mu);
  void*& h = handles[library];
  if (!h) {
    // e.g. library "nvrtc" -> libnvrtc.so.13, libnvrtc.so.12, libnvrtc.so in the usual places,
    // in ARRAX_CUDA_LIB_DIRS (set by arrax/__init__.py to the nvidia-* wheels' folders) and in
    // the toolkit's lib64.
    std::vector<std::string> names;
    for (const char* v : {".so.13", ".so.12", ".so.1", ".so"})
      names.push_back(std::string("lib") + library + v);
    std::vector<std::string> dirs = {""};
    if (const char* env = std::getenv("ARRAX_CUDA_LIB_DIRS")) {
      std::string s(env);
      size_t start = 0;
      while (start <= s.size()) {
        size_t end = s.find(':', start);
        if (end == std::string::npos) end = s.size();
        if (end > start) dirs.push_back(s.substr(start, end - start) + "/");
        start = end + 1;
      }
    }
    dirs.push_back("/usr/local/cuda/lib64/");
    for (auto& d : dirs) {
      for (auto& n : names) {
        if (!d.empty() && std::string(library) == "nvrtc") {
          // NVRTC opens its builtins library by name: load the one beside it first, so that a
          // copy outside the loader's path (a wheel's folder) is found.
          glob_t g;
          if (glob((d + "libnvrtc-builtins.so.*").c_str(), 0, nullptr, &g) == 0)
            for (size_t i = 0; i < g.gl_pathc; ++i) dlopen(g.gl_pathv[i], RTLD_NOW | RTLD_GLOBAL);
          globfree(&g);
        }
        h = dlopen((d + n).c_str(), RTLD_NOW | RTLD_GLOBAL);
        if (h) break;
      }
      if (h) break;
    }
    if (!h)
      throw ValueError(std::string("cuda: cannot load lib") + library +
                       " (install the CUDA toolkit or the nvidia-" + library +
                       " wheel, or list its folder in ARRAX_CUDA_LIB_DIRS)");
  }
  void* f = dlsym(h, symbol);
  if (!f) throw ValueError(std::string("cuda: lib") + library + " has no symbol " + symbol);
  return f;
}

}  // namespace arrax::cuda
