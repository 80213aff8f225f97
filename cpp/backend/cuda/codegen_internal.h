// The pieces of generated elementwise kernels that codegen.cpp (ew_source) and
// codegen_reduce.cpp (the kernels that end in reductions) share.
#pragma once

#include <string>
#include <vector>

#include "backend/cuda/codegen.h"

namespace arrax::cuda {

// How a kernel walks its operands (outputs first, then inputs) over a shape: dimensions every
// operand walks contiguously merged, and each operand contiguous ('c'), a broadcast scalar
// ('s') or general ('g', addressed through the dims and its strides); `words` are the kernel's
// parameters (walk_words): pointers, the size, the dims, the strides in elements, and each
// dim's magic number and shift for 32-bit division (element_code), used when idx32.
struct Walk {
  std::string layout;
  int nd = 0;
  bool idx32 = false;
  std::vector<long long> words;
};
Walk walk_of(const Shape& shape, const std::vector<const Array*>& ops);
// The outputs, then the inputs.
std::vector<const Array*> operands(const std::vector<Array>& outputs,
                                   const std::vector<Array>& inputs);

// The name of program value v in generated code ("v3").
std::string var(int v);
// The statements of the program's operations (values already loaded into v0.., outputs
// declared by the caller), or "" when some operation is unsupported.
std::string body_code(const EwProgram& prog);
// A compact key of a program's structure (operations, parameter hashes, dtypes, wiring), so
// that an eager operation finds its compiled kernel without generating source.
std::string program_key(const EwProgram& prog);
// The declarations of the operands' pointers p0.. (outputs first, then inputs).
std::string pointer_code(const EwProgram& prog, const std::string& layout, size_t n_outputs);
// The statements computing element `i` (a long long in scope): the general operands' offsets,
// the inputs' loads into v0.., the program's operations, and with `store` the outputs' stores.
// With `vector`, contiguous operands are item j of the 4-item registers x0.. instead; with
// `idx32` (i < 2^31), general operands' offsets by 32-bit magic-number divisions.
std::string element_code(const EwProgram& prog, const std::string& body, const std::string& layout,
                         int nd, size_t n_outputs, bool store, bool vector = false,
                         bool idx32 = false);

}  // namespace arrax::cuda
