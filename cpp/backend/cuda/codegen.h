// Kernels generated as CUDA C++ and compiled at run time by NVRTC for the GPU at hand (its own
// sm_XX), cached in memory and on disk (~/.cache/arrax/cuda, or $ARRAX_CACHE_DIR) by a hash of
// the source. Every elementwise kernel is generated: an eager operation is a program of one
// operation, a jit's fused region a program of many, so both share the code below and the
// device functions of device_prelude.cuh.
#pragma once
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "array.h"
#include "primitive.h"

namespace arrax::cuda {

// A string builder for generated source, used like std::ostringstream for strings and integers
// but without iostreams: cheaper, and independent of the C++ locale machinery.
struct Source {
  std::string text;
  Source& operator<<(const std::string& x) {
    text += x;
    return *this;
  }
  Source& operator<<(const char* x) {
    text += x;
    return *this;
  }
  Source& operator<<(char c) {
    text += c;
    return *this;
  }
  template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  Source& operator<<(T v) {
    text += std::to_string(v);
    return *this;
  }
  const std::string& str() const { return text; }
};

// The device functions every generated kernel starts with (device_prelude.cuh).
const char* device_prelude();

// A compiled kernel (a CUfunction).
using KernelHandle = void*;
// Compiles `source` (the prelude is prepended) and returns its kernel `name`.
KernelHandle compile_kernel(const std::string& source, const std::string& name, int device);
// The kernel `name` of the source `make_source()` returns, compiled once per (key, device):
// callers key by what the source depends on, so a launch neither regenerates nor hashes it.
KernelHandle kernel_for(const std::string& key, const std::string& name, int device,
                        const std::function<std::string()>& make_source);
// Launches with one by-value parameter of `words` 8-byte words on the device's stream.
void launch_kernel(KernelHandle k, int device, unsigned grid, unsigned block,
                   const std::vector<long long>& words, unsigned shared_bytes = 0);
// How many blocks fill the device a few times over.
unsigned grid_for(int64_t work_items, unsigned per_block, int device);
// Launch settings measured on an H100 (benchmarks/gpu/bench_gpu.py --only ew_sweep): grid_for's
// cap in blocks per multiprocessor (256: about one vector per thread for a 64M-item
// elementwise kernel; loading more vectors per thread did not beat it), and for a long block
// reduction split over blocks, the blocks per multiprocessor (16) and the vectors per thread
// per pass (4). Memory-bound kernels reached PyTorch's and CuPy's speed with these.
// GemmAlgo: 1 cublasGemmStridedBatchedEx, 2 cuBLASLt's first choice, 3 cuBLASLt's fastest by
// timing (gemm_lt.cpp). ThinGemm: 1 never, 2 always, 3 timed against cuBLAS (dot_thin.cpp).
enum class Tunable { BlocksPerSm, ReduceBlocksPerSm, ReduceUnroll, GemmAlgo, ThinGemm };
int tunable(Tunable t);
// (set_tunable, device.h, sets them.)

// The CUDA type of a dtype in registers ("float" for float16/bfloat16, which compute in
// float32) and in memory ("unsigned short" for them); empty for complex dtypes.
std::string compute_type(DType dt);
std::string storage_type(DType dt);
// The same with the prelude's complex structs (ax_c64, ax_c128) for the complex dtypes, for
// the kernels that take complex numbers (elementwise, sum and prod reductions); compute_type
// and storage_type are "" for them, which sends the other kernel families to the host.
std::string value_type(DType dt);
std::string item_type(DType dt);
// The dtype's zero as an expression of its value_type (a padding or starting value).
std::string zero_value(DType dt);
// A value of dtype `dt` read from / written to memory (halves are stored as their bits).
std::string load_expr(DType dt, const std::string& lvalue);
std::string store_expr(DType dt, const std::string& value);
// `expr` (of dtype `from`, in its compute type) converted to `to` as NumPy's casting does.
std::string convert_expr(DType from, DType to, const std::string& expr);

// A program of elementwise operations over one index space. Values 0..n_inputs-1 are the
// inputs; each operation defines the values listed in `outs`.
struct EwOp {
  const Primitive* primitive;
  const Params* params;
  std::vector<int> args, outs;
};
struct EwProgram {
  std::vector<DType> dtypes;  // of every value
  int n_inputs = 0;
  std::vector<EwOp> ops;
  std::vector<int> outputs;  // values stored
};

// False when some operation, or some dtype, has no CUDA code here (the caller then runs the
// CPU kernel on host copies).
bool ew_supported(const EwProgram& prog);
// The kernel's source: `layout` has one letter per operand (outputs first, then inputs):
// 'c' contiguous, 's' broadcast scalar, 'r' a contiguous row broadcast over the first of two
// dims (a bias: item i % columns), 'g' general strides over `nd` dimensions. With `vector` (no
// 'g', contiguous operands aligned to 4 items, rows of a multiple of 4), each thread reads and
// writes 4 items of each contiguous operand or row as one vector (16 bytes for 4-byte items).
// With `idx32` (fewer than 2^31 items), general operands are addressed with 32-bit index
// arithmetic. The kernel's parameter words: walk_words(operands, nd).
std::string ew_source(const EwProgram& prog, const std::string& layout, int nd, size_t n_outputs,
                      bool vector = false, bool idx32 = false);
constexpr size_t walk_words(size_t operands, int nd) {
  return operands + 1 + nd + operands * nd + 2 * nd;
}
// A reduction at the end of a program: `value` reduced over each row (the trailing items of
// the index space), accumulated in `acc` from `identity` by `combine` (a CUDA expression of a
// and b), stored as `out`.
struct EwReduction {
  int value;
  DType acc, out;
  std::string identity, combine;
};
// The source of the program with reductions: a block per row (long rows: a strided loop, then
// shuffles and shared memory), or a thread per row; the full-size outputs are stored too.
std::string ew_reduce_source(const EwProgram& prog, const std::vector<EwReduction>& reds,
                             const std::string& layout, int nd, size_t n_outputs,
                             bool block_per_row, bool idx32 = false);
// Runs prog over `shape` as ew_run does, and each reduction over rows of `row_len` items into
// `reduced` (contiguous, one item per row).
void ew_reduce_run(const EwProgram& prog, const std::vector<EwReduction>& reds, const Shape& shape,
                   int64_t row_len, const std::vector<Array>& inputs,
                   const std::vector<Array>& outputs, const std::vector<Array>& reduced,
                   int device);
// The source of the program with reductions of leading dims: a block per 32 columns (or, with
// `vector`, 32 runs of 4 adjacent columns read as one vector per operand) and part of the
// rows, 8 warps down the part's rows, their sums added through shared memory; each block's
// column sums to `partial`, the last block of a group of columns to finish adding them the
// same way (a counter per group).
std::string ew_column_reduce_source(const EwProgram& prog, const std::vector<EwReduction>& reds,
                                    const std::string& layout, int nd, size_t n_outputs,
                                    bool idx32 = false, bool vector = false);
// Runs prog over `shape` as ew_run does, and each reduction over the leading dims into
// `reduced` (contiguous, `columns` items: the trailing dims' product).
void ew_column_reduce_run(const EwProgram& prog, const std::vector<EwReduction>& reds,
                          const Shape& shape, int64_t columns, const std::vector<Array>& inputs,
                          const std::vector<Array>& outputs, const std::vector<Array>& reduced,
                          int device);
// The code that ends a block's share of a kernel split over several blocks in one launch,
// after it wrote its partial results: its arrival counted at `counter` (an unsigned*), then
// every block but the last of `splits` (a variable of the kernel) to arrive returns. The last
// goes on to combine the parts (ax_ldcg) and sets the counter back to zero.
std::string last_block_code(const std::string& counter);
// Runs prog over `shape`: inputs are views of that shape (broadcasts have zero strides);
// outputs are arrays of that shape with any strides, all on `device`.
void ew_run(const EwProgram& prog, const Shape& shape, const std::vector<Array>& inputs,
            const std::vector<Array>& outputs, int device);

}  // namespace arrax::cuda
