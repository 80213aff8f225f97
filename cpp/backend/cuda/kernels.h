// Installation of the primitives' CUDA kernels (kernels.cpp), called when a GPU is first used.
#pragma once
#include <string>

#include <vector>

#include "backend/cuda/codegen.h"
#include "dtype.h"
#include "primitive.h"

namespace arrax::cuda {
void install_kernels();
// What abstract evaluation sees of concrete kernel inputs (to ask a primitive its outputs).
std::vector<AbstractValue> avals_of(const std::vector<Array>& in);
void install_reduction_kernels();  // reduce.cpp
// The reduction primitive `primitive` of `in` giving `out`, as the end of a generated
// elementwise kernel (reduce.cpp); false for one without CUDA code.
bool fused_reduction(const std::string& primitive, DType in, DType out, int value, EwReduction& r);
void install_dot_kernel();        // dot.cpp
void install_indexing_kernels();  // indexing.cpp
void install_scan_kernels();      // scans.cpp
void install_sort_kernels();      // sorting.cpp
// A reduction kernel's source ("sum", "prod", "max", "min", "and", "or"), for tests that
// compile every generated kernel with nvcc on machines without a GPU.
// Every indexing (take, scatter) and scan (arg*, cum*) kernel's source, for the same tests.
std::vector<std::string> indexing_sources();
std::vector<std::string> scan_sources();
std::vector<std::string> sort_sources();
std::string reduction_source(const std::string& kind, DType in, DType out, int kept_dims,
                             int reduced_dims, bool thread_per_row);
}  // namespace arrax::cuda
