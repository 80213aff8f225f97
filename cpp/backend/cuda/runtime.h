// The CUDA backend's runtime: one stream per device (every kernel and copy goes on it, so work
// is asynchronous and ordered, and the host waits only where it reads), the caching allocator,
// and the libraries loaded at run time (NVRTC, cuBLAS).
#pragma once
#include <cuda_runtime.h>

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
};
const RuntimeApi& runtime_api();

// Makes `device` current on this thread and returns its stream.
cudaStream_t stream(int device);
const cudaDeviceProp& properties(int device);

// A symbol from a CUDA library found at run time (dlopen): NVRTC, cuBLAS and cuFFT come from the
// CUDA toolkit or from PyPI's nvidia-* wheels (ARRAX_CUDA_LIB_DIRS lists their folders), so the
// build needs neither. Throws ValueError naming the library when it cannot be found.
void* library_symbol(const char* library, const char* symbol);

}  // namespace arrax::cuda
