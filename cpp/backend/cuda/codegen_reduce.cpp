// Generated kernels of elementwise programs that end in reductions (a jit's fused regions):
// of trailing dims (rows: a block or a thread per row) or of leading dims (columns: a block per
// 32 columns and part of the rows, the parts' results added by the last block to finish).
#include <algorithm>
#include <stdexcept>

#include "backend/cuda/codegen.h"
#include "backend/cuda/codegen_internal.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"

namespace arrax::cuda {

std::string last_block_code(const std::string& counter) {
  return "  __shared__ bool last;\n"
         "  __threadfence();\n"
         "  __syncthreads();\n"
         "  if (threadIdx.x == 0) last = atomicAdd(" +
         counter +
         ", 1u) == (unsigned)(splits - 1);\n"
         "  __syncthreads();\n"
         "  if (!last) return;\n"
         "  __threadfence();\n";
}

std::string ew_reduce_source(const EwProgram& prog, const std::vector<EwReduction>& reds,
                             const std::string& layout, int nd, size_t n_outputs,
                             bool block_per_row, bool idx32) {
  const std::string body = body_code(prog);
  if (body.empty() && !prog.ops.empty())
    throw std::logic_error("cuda: ew_reduce_source called on an unsupported program");
  const size_t nops = layout.size();
  // words: as ew_source's (walk_words), then the reduced outputs' pointers and the row length
  const size_t nwords = walk_words(nops, nd);
  Source src;
  src << "struct AxArgs { long long w[" << nwords + reds.size() + 1 << "]; };\n";
  for (size_t j = 0; j < reds.size(); ++j) {
    const std::string A = compute_type(reds[j].acc);
    src << "__device__ __forceinline__ " << A << " ax_comb" << j << "(" << A << " a, " << A
        << " b) { return " << reds[j].combine << "; }\n";
  }
  src << "extern \"C\" __global__ void __launch_bounds__(256) ax_ewr(const AxArgs a) {\n"
      << "  const long long n = a.w[" << nops << "], len = a.w[" << nwords + reds.size()
      << "], rows = n / len;\n"
      << pointer_code(prog, layout, n_outputs);
  for (size_t j = 0; j < reds.size(); ++j)
    src << "  " << storage_type(reds[j].out) << "* __restrict__ r" << j << " = ("
        << storage_type(reds[j].out) << "*)a.w[" << nwords + j << "];\n";
  if (block_per_row)
    src << "  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {\n";
  else
    src << "  for (long long row = (long long)blockIdx.x * 256 + threadIdx.x; row < rows;"
           " row += (long long)gridDim.x * 256) {\n";
  for (size_t j = 0; j < reds.size(); ++j)
    src << "    " << compute_type(reds[j].acc) << " acc" << j << " = " << reds[j].identity << ";\n";
  src << "    for (long long k = " << (block_per_row ? "threadIdx.x" : "0")
      << "; k < len; k += " << (block_per_row ? "256" : "1") << ") {\n"
      << "      const long long i = row * len + k;\n"
      << element_code(prog, body, layout, nd, n_outputs, true, false, idx32);
  for (size_t j = 0; j < reds.size(); ++j)
    src << "      acc" << j << " = ax_comb" << j << "(acc" << j << ", ("
        << compute_type(reds[j].acc) << ")(" << var(reds[j].value) << "));\n";
  src << "    }\n";
  auto store = [&](size_t j) {
    std::string e = "(" + compute_type(reds[j].out) + ")(acc" + std::to_string(j) + ")";
    if (reds[j].out == DType::Bool) e = "(acc" + std::to_string(j) + ") != 0";
    return "r" + std::to_string(j) + "[row] = " + store_expr(reds[j].out, e) + ";\n";
  };
  if (!block_per_row) {
    for (size_t j = 0; j < reds.size(); ++j) src << "    " << store(j);
    src << "  }\n}\n";
    return src.str();
  }
  // The block's 256 partial results: a warp's by shuffles, then the 8 warps' through shared
  // memory.
  for (size_t j = 0; j < reds.size(); ++j) {
    const std::string A = compute_type(reds[j].acc), J = std::to_string(j);
    src << "    for (int d = 16; d > 0; d >>= 1) acc" << J << " = ax_comb" << J << "(acc" << J
        << ", __shfl_down_sync(0xffffffffu, acc" << J << ", d));\n"
        << "    __shared__ " << A << " sh" << J << "[8];\n"
        << "    if ((threadIdx.x & 31) == 0) sh" << J << "[threadIdx.x >> 5] = acc" << J << ";\n";
  }
  src << "    __syncthreads();\n    if (threadIdx.x == 0) {\n";
  for (size_t j = 0; j < reds.size(); ++j) {
    const std::string J = std::to_string(j);
    src << "      for (int w = 1; w < 8; ++w) acc" << J << " = ax_comb" << J << "(acc" << J
        << ", sh" << J << "[w]);\n"
        << "      " << store(j);
  }
  src << "    }\n    __syncthreads();\n  }\n}\n";
  return src.str();
}

std::string ew_column_reduce_source(const EwProgram& prog, const std::vector<EwReduction>& reds,
                                    const std::string& layout, int nd, size_t n_outputs, bool idx32,
                                    bool vector) {
  const std::string body = body_code(prog);
  if (body.empty() && !prog.ops.empty())
    throw std::logic_error("cuda: ew_column_reduce_source called on an unsupported program");
  if (vector && layout.find('g') != std::string::npos)
    throw std::logic_error("cuda: vector loads need contiguous, row or scalar operands");
  const size_t nops = layout.size(), nred = reds.size();
  const int width = vector ? 4 : 1;  // adjacent columns per thread
  const std::string W = std::to_string(width);
  // words: as ew_source's (walk_words), then the reduced outputs' pointers, the number of
  // columns, of parts per column, the counters, and each reduction's partial results
  const size_t nwords = walk_words(nops, nd), extra = nwords + nred;
  auto dtype_of = [&](size_t k) {
    return k < n_outputs ? prog.dtypes[prog.outputs[k]] : prog.dtypes[k - n_outputs];
  };
  Source src;
  src << "struct AxArgs { long long w[" << extra + 3 + nred << "]; };\n";
  if (vector) src << "template <class T> struct alignas(4 * sizeof(T)) ax_vec4 { T x[4]; };\n";
  for (size_t j = 0; j < nred; ++j) {
    const std::string A = compute_type(reds[j].acc);
    src << "__device__ __forceinline__ " << A << " ax_comb" << j << "(" << A << " a, " << A
        << " b) { return " << reds[j].combine << "; }\n";
  }
  // A block is 32 lanes across (each `width` adjacent columns) by 8 lanes down: a warp reads
  // one row's 32 * width adjacent items, coalesced, and the 8 warps take every 8th row of the
  // block's part. Their 8 sums per column are added through shared memory, and the last block
  // of a group adds the parts the same way, 8 lanes at a time: a thread per column there had
  // to add the parts one after another (a latency-bound tail of ~10 us on an H200 for 128
  // parts of 4 columns each).
  src << "extern \"C\" __global__ void __launch_bounds__(256) ax_ewc(const AxArgs a) {\n"
      << "  const long long n = a.w[" << nops << "], cols = a.w[" << extra << "], splits = a.w["
      << extra + 1 << "];\n"
      << "  unsigned* cnt = (unsigned*)a.w[" << extra + 2 << "];\n"
      << "  const long long rows = n / cols, groups = (cols + " << 32 * width - 1 << ") / "
      << 32 * width << ";\n"
      << "  const long long group = blockIdx.x % groups, part = blockIdx.x / groups;\n"
      << "  const int lx = threadIdx.x & 31, ly = threadIdx.x >> 5;\n"
      << "  const long long c = (group * 32 + lx) * " << W << ";  // (the first)\n"
      << "  const long long chunk = (rows + splits - 1) / splits, row0 = part * chunk,"
         " row1 = row0 + chunk < rows ? row0 + chunk : rows;\n"
      << pointer_code(prog, layout, n_outputs);
  for (size_t j = 0; j < nred; ++j) {
    const std::string A = compute_type(reds[j].acc), J = std::to_string(j);
    src << "  " << storage_type(reds[j].out) << "* __restrict__ r" << J << " = ("
        << storage_type(reds[j].out) << "*)a.w[" << nwords + j << "];\n"
        << "  " << A << "* part" << J << " = (" << A << "*)a.w[" << extra + 3 + j << "];\n"
        << "  " << A << " acc" << J << "[" << W << "];\n"
        << "  __shared__ " << A << " sh" << J << "[8][" << 32 * width << "];\n"
        << "#pragma unroll\n  for (int j = 0; j < " << W << "; ++j) acc" << J
        << "[j] = " << reds[j].identity << ";\n";
  }
  auto accumulate = [&](const std::string& at) {
    Source a;
    for (size_t j = 0; j < nred; ++j)
      a << "      acc" << j << "[" << at << "] = ax_comb" << j << "(acc" << j << "[" << at << "], ("
        << compute_type(reds[j].acc) << ")(" << var(reds[j].value) << "));\n";
    return a.str();
  };
  src << "  if (c < cols)\n"
      << "#pragma unroll " << (vector ? 2 : 4) << "\n"
      << "    for (long long row = row0 + ly; row < row1; row += 8) {\n";
  if (!vector) {
    src << "      const long long i = row * cols + c;\n"
        << element_code(prog, body, layout, nd, n_outputs, true, false, idx32) << accumulate("0");
  } else {
    // The 4 columns' items of this row as one vector per contiguous operand (at q) or row
    // operand (at the columns, c / 4), computed and stored 4 at a time.
    src << "      const long long q = (row * cols + c) >> 2;\n";
    for (size_t k = 0; k < nops; ++k) {
      if (layout[k] != 'c' && layout[k] != 'r') continue;
      const std::string V = "ax_vec4<" + item_type(dtype_of(k)) + ">";
      if (k < n_outputs)
        src << "      " << V << " x" << k << ";\n";
      else
        src << "      const " << V << " x" << k << " = ((const " << V << "*)p" << k << ")["
            << (layout[k] == 'c' ? "q" : "c >> 2") << "];\n";
    }
    src << "#pragma unroll\n      for (int j = 0; j < 4; ++j) {\n"
        << "      const long long i = q * 4 + j;  // for operations of the index (iota)\n"
        << element_code(prog, body, layout, nd, n_outputs, true, true) << accumulate("j")
        << "      }\n";
    for (size_t k = 0; k < n_outputs; ++k)
      if (layout[k] == 'c')
        src << "      ((ax_vec4<" << item_type(dtype_of(k)) << ">*)p" << k << ")[q] = x" << k
            << ";\n";
  }
  src << "    }\n";
  // The 8 lanes' sums of each column, added in lane order by the first warp (every thread
  // reaches the barriers).
  const std::string each = "#pragma unroll\n    for (int j = 0; j < " + W + "; ++j) ";
  Source combine;
  combine << "  __syncthreads();\n";
  for (size_t j = 0; j < nred; ++j)
    combine << "  {\n"
            << each << "sh" << j << "[ly][lx * " << W << " + j] = acc" << j << "[j];\n  }\n";
  combine << "  __syncthreads();\n  if (ly == 0) {\n";
  for (size_t j = 0; j < nred; ++j)
    combine << each << "{\n      for (int w = 1; w < 8; ++w) acc" << j << "[j] = ax_comb" << j
            << "(acc" << j << "[j], sh" << j << "[w][lx * " << W << " + j]);\n    }\n";
  combine << "  }\n";
  auto store = [&](size_t j) {
    const std::string J = std::to_string(j);
    std::string e = "(" + compute_type(reds[j].out) + ")(acc" + J + "[j])";
    if (reds[j].out == DType::Bool) e = "(acc" + J + "[j]) != 0";
    return "r" + J + "[c + j] = " + store_expr(reds[j].out, e) + ";\n";
  };
  src << combine.str() << "  if (splits == 1) {\n    if (ly == 0 && c < cols) {\n";
  for (size_t j = 0; j < nred; ++j) src << "  " << each << store(j);
  src << "    }\n    return;\n  }\n"
      << "  if (ly == 0 && c < cols) {\n";
  for (size_t j = 0; j < nred; ++j)
    src << "  " << each << "part" << j << "[part * cols + c + j] = acc" << j << "[j];\n";
  src << "  }\n" << last_block_code("cnt + group");
  // The last block: lane ly adds parts ly, ly + 8, ..., then the lanes' sums are added.
  for (size_t j = 0; j < nred; ++j)
    src << "  " << each << "acc" << j << "[j] = " << reds[j].identity << ";\n";
  src << "  if (c < cols)\n"
      << "#pragma unroll 4\n"
      << "    for (long long q = ly; q < splits; q += 8) {\n";
  for (size_t j = 0; j < nred; ++j)
    src << "    " << each << "acc" << j << "[j] = ax_comb" << j << "(acc" << j
        << "[j], ax_ldcg(part" << j << " + q * cols + c + j));\n";
  src << "    }\n" << combine.str() << "  if (ly == 0 && c < cols) {\n";
  for (size_t j = 0; j < nred; ++j) src << "  " << each << store(j);
  src << "  }\n"
      << "  if (threadIdx.x == 0) cnt[group] = 0u;  // ready for the next launch\n}\n";
  return src.str();
}

void ew_reduce_run(const EwProgram& prog, const std::vector<EwReduction>& reds, const Shape& shape,
                   int64_t row_len, const std::vector<Array>& inputs,
                   const std::vector<Array>& outputs, const std::vector<Array>& reduced,
                   int device) {
  const int64_t n = shape_size(shape);
  if (n == 0) return;
  Walk w = walk_of(shape, operands(outputs, inputs));
  for (const Array& r : reduced) w.words.push_back(reinterpret_cast<long long>(r.data()));
  w.words.push_back(row_len);
  const int64_t rows = n / row_len;
  // Rows of a few hundred items or more take a block each, shorter ones a thread each.
  const bool block_per_row = row_len >= 128;
  std::string key = program_key(prog) + w.layout + static_cast<char>(w.nd) +
                    static_cast<char>(block_per_row) + (w.idx32 ? "i" : "");
  for (const EwReduction& r : reds)
    key += std::to_string(r.value) + r.combine + r.identity + static_cast<char>(r.out) + ";";
  KernelHandle kern = kernel_for(key, "ax_ewr", device, [&] {
    return ew_reduce_source(prog, reds, w.layout, w.nd, outputs.size(), block_per_row, w.idx32);
  });
  const unsigned grid = block_per_row ? static_cast<unsigned>(std::min<int64_t>(rows, 1 << 20))
                                      : grid_for(rows, 256, device);
  launch_kernel(kern, device, grid, 256, w.words);
}

void ew_column_reduce_run(const EwProgram& prog, const std::vector<EwReduction>& reds,
                          const Shape& shape, int64_t columns, const std::vector<Array>& inputs,
                          const std::vector<Array>& outputs, const std::vector<Array>& reduced,
                          int device) {
  const int64_t n = shape_size(shape);
  if (n == 0) return;
  const Device dev{DeviceKind::CUDA, device};
  const std::vector<const Array*> ops = operands(outputs, inputs);
  Walk w = walk_of(shape, ops);
  // Four adjacent columns per thread, as one vector per operand, when nothing is general,
  // rows hold a multiple of 4 items and the vectors are aligned (as ew_run's).
  bool vector = columns % 4 == 0 && w.layout.find('g') == std::string::npos;
  for (size_t k = 0; k < ops.size() && vector; ++k)
    vector = (w.layout[k] != 'c' && w.layout[k] != 'r') ||
             reinterpret_cast<uintptr_t>(ops[k]->data()) % (4 * ops[k]->itemsize()) == 0;
  const int64_t width = vector ? 4 : 1;
  const int64_t rows = n / columns, groups = (columns + 32 * width - 1) / (32 * width);
  // Parts of at least 32 rows (4 per lane down) until about four blocks per multiprocessor.
  const int64_t fill = int64_t{4} * properties(device).multiProcessorCount;
  int64_t splits =
      std::clamp<int64_t>((fill + groups - 1) / groups, 1, std::max<int64_t>(rows / 32, 1));
  if (groups > kRowCounters) splits = 1;
  splits = (rows + (rows + splits - 1) / splits - 1) / ((rows + splits - 1) / splits);
  for (const Array& r : reduced) w.words.push_back(reinterpret_cast<long long>(r.data()));
  w.words.push_back(columns);
  w.words.push_back(splits);
  w.words.push_back(splits > 1 ? reinterpret_cast<long long>(row_counters(dev)) : 0);
  std::vector<Array> partial;  // per reduction: [splits, columns] accumulators
  for (const EwReduction& r : reds) {
    long long ptr = 0;
    if (splits > 1) {
      partial.push_back(Array::empty(Shape{splits * columns}, r.acc, dev));
      ptr = reinterpret_cast<long long>(partial.back().data());
    }
    w.words.push_back(ptr);
  }
  std::string key = program_key(prog) + w.layout + static_cast<char>(w.nd) + (vector ? "v" : "") +
                    (w.idx32 ? "i" : "");
  for (const EwReduction& r : reds)
    key += std::to_string(r.value) + r.combine + r.identity + static_cast<char>(r.out) + ";";
  KernelHandle kern = kernel_for(key, "ax_ewc", device, [&] {
    return ew_column_reduce_source(prog, reds, w.layout, w.nd, outputs.size(), w.idx32, vector);
  });
  launch_kernel(kern, device, static_cast<unsigned>(groups * splits), 256, w.words);
}

}  // namespace arrax::cuda
