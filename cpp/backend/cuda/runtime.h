// The CUDA backend's runtime: one stream per device (every kernel and copy goes on it, so work
// is asynchronous and ordered, and the host waits only where it reads), the caching allocator,
// and the libraries loaded at run time (NVRTC, cuBLAS).
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "device.h"

namespace arrax::cuda {

// Throws arrax's error for a failed CUDA call: MemoryError for out-of-memory, else ValueError
// naming `what`.
void check(cudaError_t err, const char* what);

// The CUDA runtime calls the backend makes: the CUDA runtime's own, or the emulator's
// (emulator.h) when ARRAX_CUDA_EMULATOR is set.
struct RuntimeApi {
  cudaError_t (*get_device_count)(int*);
  cudaError_t (*set_device)(int);
  cudaError_t (*stream_create)(cudaStream_t*, unsigned);
  cudaError_t (*get_properties)(cudaDeviceProp*, int);
  cudaError_t (*malloc)(void**, size_t);
  cudaError_t (*free)(void*);
  cudaError_t (*memset_async)(void*, int, size_t, cudaStream_t);
  cudaError_t (*memcpy_async)(void*, const void*, size_t, cudaMemcpyKind, cudaStream_t);
  cudaError_t (*stream_synchronize)(cudaStream_t);
  cudaError_t (*get_last_error)();
  const char* (*error_string)(cudaError_t);
  // CUDA graphs (graphs.cpp): stream capture, and replay with new copy addresses (or with
  // copies turned off).
  cudaError_t (*begin_capture)(cudaStream_t, cudaStreamCaptureMode);
  cudaError_t (*end_capture)(cudaStream_t, cudaGraph_t*);
  cudaError_t (*graph_get_nodes)(cudaGraph_t, cudaGraphNode_t*, size_t*);
  cudaError_t (*node_get_type)(cudaGraphNode_t, cudaGraphNodeType*);
  cudaError_t (*memcpy_node_get_params)(cudaGraphNode_t, cudaMemcpy3DParms*);
  cudaError_t (*graph_instantiate)(cudaGraphExec_t*, cudaGraph_t, unsigned long long);
  cudaError_t (*exec_memcpy_node_set_params_1d)(cudaGraphExec_t, cudaGraphNode_t, void*,
                                                const void*, size_t, cudaMemcpyKind);
  cudaError_t (*graph_node_set_enabled)(cudaGraphExec_t, cudaGraphNode_t, unsigned);
  cudaError_t (*graph_launch)(cudaGraphExec_t, cudaStream_t);
  cudaError_t (*graph_destroy)(cudaGraph_t);
  cudaError_t (*graph_exec_destroy)(cudaGraphExec_t);
  // Events, to time a replayed graph against direct runs.
  cudaError_t (*event_create)(cudaEvent_t*);
  cudaError_t (*event_record)(cudaEvent_t, cudaStream_t);
  cudaError_t (*event_synchronize)(cudaEvent_t);
  cudaError_t (*event_elapsed)(float*, cudaEvent_t, cudaEvent_t);
  cudaError_t (*event_destroy)(cudaEvent_t);
};
const RuntimeApi& runtime_api();
// Whether a table names every call. Aggregate initialization leaves the members after the
// last one given null, so a table that missed calls at its end (as the CUDA one once missed
// the events, which crashed only on a GPU) has a null last member: both tables are
// static_assert-ed with this.
constexpr bool complete(const RuntimeApi& api) {
  return api.event_destroy != nullptr;
}

// Makes `device` current on this thread and returns its stream (while this thread records a
// CUDA graph for the device, the capture's own stream).
cudaStream_t stream(int device);
const cudaDeviceProp& properties(int device);

// Stream capture (graphs.cpp) on this thread. While a capture runs, what would make the host
// wait for the GPU or copy from or to host memory cannot be recorded: such a call throws
// CaptureUnsupported, which ends the capture and makes the caller run the work normally.
// Memory allocated during the capture comes from (and freed returns to) `pool`, so that no
// work outside the recorded graph reuses it while the graph lives. set_capture(pool) also gives
// the thread a stream of its own to record on (stream() returns it), so work that other
// threads issue meanwhile runs as usual instead of joining the graph.
struct PrivatePool;
struct CaptureUnsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void set_capture(PrivatePool* pool);  // nullptr: capture ended
// From here to the capture's end, allocations come from the device's cache (the results a
// recording hands to the caller).
void allocate_from_cache();
bool capturing();
void check_not_capturing(const char* what);
PrivatePool* new_private_pool(int device);
// Gives the pool's free blocks back to the device's cache; its blocks still in use return
// there when they are freed.
void release_private_pool(PrivatePool* pool);

// A symbol from a CUDA library found at run time (dlopen): NVRTC, cuBLAS and cuFFT come from the
// CUDA toolkit or from PyPI's nvidia-* wheels (ARRAX_CUDA_LIB_DIRS lists their folders), so the
// build needs neither. Throws ValueError naming the library when it cannot be found.
void* library_symbol(const char* library, const char* symbol);

}  // namespace arrax::cuda
