// A CUDA device emulated on the host, for testing the CUDA backend on machines without a GPU:
// with ARRAX_CUDA_EMULATOR=N (N devices, usually 1) set before the first GPU call, the backend's
// runtime calls (stream capture and graphs included), NVRTC, the driver's module and launch
// calls, cuBLAS's GEMM, batched LU and trsm, cuSOLVER's batched Cholesky, QR (geqrf, orgqr),
// syevd and gesvd, and cuFFT's 1-D plans go to the emulator instead of the CUDA libraries.
// Everything above them (dispatch, the allocator, the generated kernels, the launch arguments)
// is the real backend.
//   - Device memory is host memory mapped without access: only the emulator's own copies,
//     kernels and GEMMs open it, so host code that reads a device pointer faults (and the
//     emulator names the address), as it would with a GPU. Copies check their direction.
//   - "NVRTC" compiles the generated CUDA C++ with the host compiler (c++, or
//     $ARRAX_CUDA_EMULATOR_CXX) into a shared library, after emulator_shim.h's host definitions
//     of CUDA's built-ins; the "cubin" is that library.
//   - A launch runs every block in turn; a block's threads run as fibers that switch at
//     __syncthreads and warp shuffles, so block-level algorithms run as written.
//   - cuBLAS, cuSOLVER and cuFFT compute by their definitions in double (a triple loop,
//     LAPACK's LU with partial pivoting, Cholesky and Householder QR, Eigen's symmetric
//     eigensolver and Jacobi SVD, the direct sum).
// It is single-stream and synchronous; its events read the host's clock.
#pragma once
#include <string>

#include "backend/cuda/runtime.h"

namespace arrax::cuda {
bool emulated();
// Part of the emulator's kernel cache key with its shim: the form of the entry points it adds
// (emulator.cpp: host_source), changed whenever they change.
constexpr const char* kEmulatorEntryVersion = "entry+param_size 2";
const RuntimeApi& emulator_runtime();
// A function of the emulated NVRTC ("nvrtc"), driver ("cuda"), cuBLAS ("cublas"), cuSOLVER
// ("cusolver") or cuFFT ("cufft"); throws
// ValueError for one the emulator does not have.
void* emulator_symbol(const std::string& library, const std::string& symbol);
}  // namespace arrax::cuda
