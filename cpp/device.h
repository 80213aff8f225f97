// Devices: which device an operation runs on, and moving arrays between devices.
//
// Every array lives on one device (its Buffer's). A primitive runs on the device of its array
// inputs; 0-d CPU arrays (Python scalars) follow the other inputs, and an operation without array
// inputs (iota, creation functions) runs on the current device: the default device, or the
// device a DeviceScope names (kernels run inside a scope of their own device, so arrays they
// create land there). Arrays on two different devices in one operation are an error: transfers
// are explicit (arrax.device_put).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "array.h"

namespace arrax {

Device default_device();
void set_default_device(Device d);

// Makes `d` the current device on this thread while the guard lives.
class DeviceScope {
 public:
  explicit DeviceScope(Device d);
  ~DeviceScope();
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  Device previous_;
  bool had_previous_;
};

// The device `op` runs on, given its inputs: the device of its committed inputs (throwing
// ValueError naming `op` and both devices when they differ; `commit` is then set: the results
// are committed too), else a GPU holding an input, else the CPU when an input is concrete, else
// the current device.
Device execution_device(const std::string& op, const std::vector<Array>& inputs, bool& commit);
// x moved to where an operation on device d runs: itself when it is there, a copy else (a
// broadcast scalar is moved as one element and broadcast again).
Array move_operand(const Array& x, Device d);

// x on device d: x itself when it is there already, else a copy.
Array to_device(const Array& x, Device d);
inline Array to_host(const Array& x) {
  return to_device(x, Device{});
}

// The CUDA backend (cpp/backend/cuda), or its stand-in when arrax is built without CUDA
// (cpp/backend/no_cuda), whose functions other than built() and device_count() throw.
namespace cuda {
bool built();
int device_count();  // 0 without a driver or GPU
std::string device_name(int device);
// The caching allocator: throws std::bad_alloc (MemoryError) when the card, or the limit, is
// exhausted even after the cache is released.
void* allocate(size_t nbytes, int device);
void deallocate(void* p, size_t nbytes, int device);
void memset_zero(void* p, size_t nbytes, int device);
// Copies n bytes; waits for the device when the destination is host memory.
void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t n);
// Elementwise copy with dtype conversion between two arrays on one CUDA device (src may
// broadcast with zero strides), as copy_into does on the CPU.
void copy_strided(const Array& src, const Array& dst);
void synchronize(int device);
struct MemoryStats {
  int64_t in_use = 0, cached = 0, peak = 0, limit = 0, allocations = 0;
};
MemoryStats memory_stats(int device);
void set_memory_limit(int64_t bytes, int device);  // 0: no limit
void empty_cache(int device);
void reset_peak_memory(int device);
// A jit'd function's runs on a GPU as CUDA graphs (graphs.cpp). `run` evaluates the function;
// run_with_graph calls it directly on the first call, records the second call's work as a
// graph, and then replays it: one launch instead of one per operation, which is what a small
// training step's time is made of. A graph reads the arguments it was recorded on in place
// (others are copied in by the graph), and hands its big results out as it wrote them,
// replaying only once the caller has let them go (small ones are copied out); a training loop
// that passes results back gets a second graph recorded on them. Functions whose work cannot
// be recorded (they wait for the GPU or move data through the host), or whose copies would
// cost more than the launches they save, keep running directly. `state` holds the graphs;
// the no-CUDA build just calls `run`.
struct GraphReplay;
using GraphRun = std::function<std::vector<Array>(const std::vector<Array>&)>;
std::vector<Array> run_with_graph(std::shared_ptr<GraphReplay>& state,
                                  const std::vector<Array>& args, const GraphRun& run);
// ARRAX_CUDA_GRAPHS=0 turns replay off; arrax.cuda.set_graphs() sets it at run time. With
// `trial`, each recorded graph is first timed against direct runs (a few calls of each) and
// kept only when it is faster; without, it is kept.
void set_graphs_enabled(bool on, bool trial = true);
bool graphs_enabled();
struct GraphStats {
  int64_t captured = 0, replayed = 0, not_recordable = 0, not_worth_it = 0;
  int64_t chose_replay = 0, chose_direct = 0;  // the trials' decisions
  int64_t args_in_place = 0, args_copied = 0;  // replays' reads of their arguments
};
GraphStats graph_stats();
// GEMMs run through cuBLASLt (gemm_lt.cpp) and through cuBLAS, and cuBLASLt's problems seen
// and timed so far.
struct GemmStats {
  int64_t cublaslt = 0, cublas = 0, problems = 0, timed = 0;
  int64_t thin = 0, thin_timed = 0;  // dot_thin.cpp's kernels: products run, problems timed
};
GemmStats gemm_stats();
// Sets a GPU setting (codegen.h: Tunable) by name: the launch settings "blocks_per_sm",
// "reduce_blocks_per_sm" and "reduce_unroll", for measuring them (bench_gpu.py --only
// ew_sweep), "gemm_algo" (gemm_lt.cpp) and "thin_gemm" (dot_thin.cpp).
void set_tunable(const std::string& name, int value);
std::vector<std::pair<std::string, int>> tunables();  // every setting, by name
// "float32" (exact, the default), "tf32" or "bf16": the compute precision of float32 matmuls.
void set_matmul_precision(const std::string& precision);
std::string matmul_precision();
}  // namespace cuda

}  // namespace arrax
