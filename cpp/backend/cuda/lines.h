// Kernels over "lines" (argmax/argmin, scans, sorts): x made contiguous is (outer, n, inner),
// and each of its outer * inner lines runs along the axis, n items with stride inner. Many
// lines, or short ones, take a thread each (adjacent threads read adjacent lines' items
// together when inner > 1); few long lines take a block each. A kernel's parameters are x, its
// output, n, inner and the number of lines.
#pragma once
#include <algorithm>
#include <string>

#include "backend/cuda/codegen.h"

namespace arrax::cuda {

// Lines at least this many, or at most this long, take a thread each.
constexpr int64_t kThreadPerLineLines = 4096;
constexpr int64_t kThreadPerLineLength = 64;

struct Lines {
  int64_t outer = 1, n = 1, inner = 1;
  int64_t count() const { return outer * inner; }
  bool thread_each() const { return count() >= kThreadPerLineLines || n <= kThreadPerLineLength; }
};

inline Lines lines_of(const Shape& s, int64_t axis) {
  Lines l;
  for (int64_t d = 0; d < axis; ++d) l.outer *= s[d];
  l.n = s[axis];
  for (size_t d = axis + 1; d < s.size(); ++d) l.inner *= s[d];
  return l;
}

// The kernels' parameters and the first item of a line.
inline const char* kLinePreamble =
    "struct AxArgs { long long w[5]; };\n"
    "__device__ __forceinline__ long long ax_line_base(const AxArgs& a, long long line) {\n"
    "  const long long n = a.w[2], inner = a.w[3];\n"
    "  return line / inner * n * inner + line % inner;\n}\n";

// `at(k)`: the offset of the line's k-th item (from its end when reversed).
inline std::string at_lambda(bool reverse) {
  return std::string("    const auto at = [&](long long k) { return base + (") +
         (reverse ? "n - 1 - k" : "k") + ") * inner; };\n";
}

inline const char* kLineLoopThread =
    "  for (long long line = (long long)blockIdx.x * 256 + threadIdx.x; line < lines;"
    " line += (long long)gridDim.x * 256) {\n"
    "    const long long base = ax_line_base(a, line);\n";
inline const char* kLineLoopBlock =
    "  for (long long line = blockIdx.x; line < lines; line += gridDim.x) {\n"
    "    const long long base = ax_line_base(a, line);\n";

inline void launch_lines(KernelHandle k, const Lines& l, bool thread_each, const Array& x,
                         const Array& out, int dev) {
  const std::vector<long long> w = {reinterpret_cast<long long>(x.data()),
                                    reinterpret_cast<long long>(out.data()), l.n, l.inner,
                                    l.count()};
  const unsigned grid = thread_each ? grid_for(l.count(), 256, dev)
                                    : static_cast<unsigned>(std::min<int64_t>(l.count(), 65535));
  launch_kernel(k, dev, grid, 256, w);
}

}  // namespace arrax::cuda
