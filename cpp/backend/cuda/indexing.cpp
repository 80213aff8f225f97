// take, scatter_add and scatter on the GPU (see cpp/primitives/gather.cpp for their meaning):
// generated kernels with a thread per index. take copies items by size, so it serves every
// dtype; the scatters combine with compare-and-swap loops (atomicAdd for float32/float64 sums),
// and "set" is deterministic as on the CPU, the last update to an index winning: a first pass
// claims each index for its last update (atomicMax of the update's position), a second writes.
// Complex scatters: "set" and "add" (an atomicAdd per part), and "mul": for complex64 the
// compare-and-swap loop on its 8-byte word, for complex128 (16 bytes, wider than a
// compare-and-swap) a spin lock per item. (Complex min and max are TypeErrors, as on the CPU.)
#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

// The unsigned type of an item of `size` bytes (a struct of two words for 16).
std::string word_type(size_t size) {
  switch (size) {
    case 1:
      return "unsigned char";
    case 2:
      return "unsigned short";
    case 4:
      return "unsigned";
    case 8:
      return "unsigned long long";
    default:
      return "ax_item16";
  }
}

const char* kGridLoop =
    "  for (long long i = (long long)blockIdx.x * 256 + threadIdx.x; i < m;"
    " i += (long long)gridDim.x * 256) {\n";

std::string take_source(size_t itemsize) {
  Source s;
  s << "struct ax_item16 { unsigned long long lo, hi; };\n"
    << "struct AxArgs { long long w[5]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_take(const AxArgs a) {\n"
    << "  typedef " << word_type(itemsize) << " T;\n"
    << "  T* o = (T*)a.w[0]; const T* x = (const T*)a.w[1];\n"
    << "  const long long* ix = (const long long*)a.w[2];\n"
    << "  const long long m = a.w[3], n = a.w[4];\n"
    << kGridLoop << "    long long j = ix[i];\n"
    << "    j = j < 0 ? 0 : j >= n ? n - 1 : j;\n"
    << "    o[i] = x[j];\n  }\n}\n";
  return s.str();
}

// The combination of the current value `a` and the update `b` (compute types), as the CPU's
// scatter_loop does: NaN propagates through min and max; booleans add as "or".
std::string combine_expr(const std::string& mode, DType dt) {
  if (dt == DType::Bool) return mode == "add" || mode == "max" ? "(a || b)" : "(a && b)";
  if (is_complex(dt)) return mode == "mul" ? "ax_cmul(a, b)" : "ax_cadd(a, b)";
  const std::string T = compute_type(dt);
  if (mode == "add") return "(" + T + ")(a + b)";
  if (mode == "mul") return "(" + T + ")(a * b)";
  if (mode == "min") return "((b < a || b != b) ? b : a)";
  return "((b > a || b != b) ? b : a)";  // max
}

// One kernel `ax_scatter` combining u[i] into o[idx[i]] (indices clamped for scatter_add,
// dropped outside [0, n) for scatter), and for "set" the claiming pass `ax_claim`.
std::string scatter_source(DType dt, const std::string& mode, bool clamp) {
  const std::string S = item_type(dt), C = value_type(dt);
  const size_t size = itemsize(dt);
  const bool locked = dt == DType::Complex128 && mode == "mul";  // (see ax_update)
  Source s;
  s << "struct AxArgs { long long w[6]; };\n";
  auto index = [&](Source& b) {
    b << "    long long j = ix[i];\n";
    if (clamp)
      b << "    j = j < 0 ? 0 : j >= n ? n - 1 : j;\n";
    else
      b << "    if (j < 0 || j >= n) continue;\n";
  };
  if (mode == "set") {
    s << "extern \"C\" __global__ void __launch_bounds__(256) ax_claim(const AxArgs a) {\n"
      << "  unsigned long long* win = (unsigned long long*)a.w[5];\n"
      << "  const long long* ix = (const long long*)a.w[2];\n"
      << "  const long long m = a.w[3], n = a.w[4];\n"
      << kGridLoop;
    index(s);
    s << "    atomicMax(win + j, (unsigned long long)(i + 1));\n  }\n}\n";
  } else {
    // A compare-and-swap loop on the 4- or 8-byte word holding the item (1- and 2-byte items
    // share their word with neighbours, which the loop leaves as they are).
    const std::string W = size == 8 ? "unsigned long long" : "unsigned";
    // The item from its bits and back: a bit cast for whole words, integer casts for parts.
    const std::string from_bits = size >= 4 ? "ax_bitcast<" + S + ">(part)" : "(" + S + ")(part)";
    const std::string to_bits = size >= 4   ? "ax_bitcast<" + W + ">(next)"
                                : size == 2 ? "(" + W + ")(unsigned short)(next)"
                                            : "(" + W + ")(unsigned char)(next)";
    s << "__device__ __forceinline__ " << C << " ax_comb(" << C << " a, " << C << " b) { return "
      << combine_expr(mode, dt) << "; }\n"
      << "__device__ __forceinline__ void ax_update(" << S << "* p, " << C << " b"
      << (locked ? ", int* lock" : "") << ") {\n";
    if ((dt == DType::Float32 || dt == DType::Float64) && mode == "add") {
      s << "  atomicAdd(p, b);\n}\n";
    } else if (locked) {
      // The item's lock taken by compare-and-swap (independent thread scheduling, sm_70 on,
      // lets the holder finish while others spin), the item read and written past the caches
      // of other multiprocessors (volatile), fenced on both sides.
      s << "  for (;;) {\n"
        << "    if (atomicCAS(lock, 0, 1) == 0) {\n"
        << "      __threadfence();\n"
        << "      const " << C << " next = ax_comb(ax_vload(p), b);\n"
        << "      volatile double* q = (volatile double*)p;\n"
        << "      q[0] = next.re;\n      q[1] = next.im;\n"
        << "      __threadfence();\n"
        << "      atomicExch(lock, 0);\n"
        << "      return;\n    }\n  }\n}\n";
    } else if (is_complex(dt) && mode == "add") {
      s << "  atomicAdd(&p->re, b.re);\n  atomicAdd(&p->im, b.im);\n}\n";
    } else {
      const std::string mask =
          size >= 4 ? "~(" + W + ")0" : "(" + W + ")" + (size == 2 ? "0xffffu" : "0xffu");
      s << "  " << W << "* wp = (" << W << "*)((unsigned long long)p & ~(unsigned long long)"
        << (size == 8 ? 7 : 3) << ");\n"
        << "  const int shift = (int)((unsigned long long)p & " << (size >= 4 ? 0 : 3) << ") * 8;\n"
        << "  const " << W << " mask = " << mask << ";\n"
        << "  " << W << " old = *wp, assumed;\n"
        << "  do {\n"
        << "    assumed = old;\n"
        << "    const " << W << " part = (assumed >> shift) & mask;\n"
        << "    const " << S << " cur = " << from_bits << ";\n"
        << "    const " << S
        << " next = " << store_expr(dt, "ax_comb(" + load_expr(dt, "cur") + ", b)") << ";\n"
        << "    const " << W << " next_word = (assumed & ~(mask << shift)) | ((" << to_bits
        << " & mask) << shift);\n"
        << "    old = atomicCAS(wp, assumed, next_word);\n"
        << "  } while (assumed != old);\n}\n";
    }
  }
  s << "extern \"C\" __global__ void __launch_bounds__(256) ax_scatter(const AxArgs a) {\n"
    << "  " << S << "* o = (" << S << "*)a.w[0]; const " << S << "* u = (const " << S
    << "*)a.w[1];\n"
    << "  const long long* ix = (const long long*)a.w[2];\n"
    << "  const long long m = a.w[3], n = a.w[4];\n";
  if (mode == "set") s << "  const unsigned long long* win = (const unsigned long long*)a.w[5];\n";
  if (locked) s << "  int* locks = (int*)a.w[5];\n";
  s << kGridLoop;
  index(s);
  if (mode == "set")
    s << "    if (win[j] == (unsigned long long)(i + 1)) o[j] = u[i];\n";
  else
    s << "    ax_update(o + j, " << load_expr(dt, "u[i]") << (locked ? ", locks + j" : "")
      << ");\n";
  s << "  }\n}\n";
  return s.str();
}

std::vector<long long> words(const Array& out, const Array& src, const Array& idx, int64_t n,
                             const void* win = nullptr) {
  return {reinterpret_cast<long long>(out.data()),
          reinterpret_cast<long long>(src.data()),
          reinterpret_cast<long long>(idx.data()),
          static_cast<long long>(idx.size()),
          static_cast<long long>(n),
          reinterpret_cast<long long>(win)};
}

// Combines updates u at idx into out (contiguous, n items) on the current device.
void run_scatter(const Array& out, const Array& u, const Array& idx, const std::string& mode,
                 bool clamp) {
  const int dev = current_device().index;
  const int64_t n = out.size(), m = idx.size();
  const std::string key =
      std::string(1, static_cast<char>(out.dtype())) + mode + (clamp ? "c" : "d");
  const auto source = [&] { return scatter_source(out.dtype(), mode, clamp); };
  Array win;  // "set": each index's winning update; complex128 "mul": each item's lock
  if (mode == "set") {
    win = Array::empty(Shape{n}, DType::UInt64, current_device());
    memset_zero(win.data(), win.nbytes(), dev);
    launch_kernel(kernel_for(key, "ax_claim", dev, source), dev, grid_for(m, 256, dev), 256,
                  words(out, u, idx, n, win.data()));
  } else if (out.dtype() == DType::Complex128 && mode == "mul") {
    win = Array::empty(Shape{n}, DType::Int32, current_device());
    memset_zero(win.data(), win.nbytes(), dev);
  }
  launch_kernel(kernel_for(key, "ax_scatter", dev, source), dev, grid_for(m, 256, dev), 256,
                words(out, u, idx, n, win.valid() ? win.data() : nullptr));
}

// Whether the scatter of `mode` into `dt` has a kernel here.
bool scatter_on_device(DType dt, const std::string& mode) {
  if (is_complex(dt)) return mode == "set" || mode == "add" || mode == "mul";
  return !compute_type(dt).empty();
}

std::vector<Array> take_kernel(const Primitive* p, const std::vector<Array>& in,
                               const Params& params) {
  const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
  const Array x = in[0].contiguous(), idx = in[1].contiguous();
  const int64_t n = x.size(), m = idx.size();
  if (m && n == 0) throw IndexError("take: cannot take from an empty array");
  const Device dev = current_device();
  Array out = Array::empty(oa.shape, oa.dtype, dev);
  if (m == 0) return {out};
  const std::string key(1, static_cast<char>(x.itemsize()));
  KernelHandle k = kernel_for(key, "ax_take", dev.index, [&] { return take_source(x.itemsize()); });
  launch_kernel(k, dev.index, grid_for(m, 256, dev.index), 256, words(out, x, idx, n));
  return {out};
}

std::vector<Array> scatter_add_kernel(const Primitive* p, const std::vector<Array>& in,
                                      const Params& params) {
  const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
  const Device dev = current_device();
  if (!scatter_on_device(oa.dtype, "add")) return run_on_host(*p, in, params, dev);
  const Array u = in[0].contiguous(), idx = in[1].contiguous();
  const int64_t n = oa.shape[0];
  Array out = Array::empty(oa.shape, oa.dtype, dev);
  memset_zero(out.data(), out.nbytes(), dev.index);
  if (idx.size() == 0) return {out};
  if (n == 0) throw IndexError("scatter_add: cannot scatter into an empty array");
  run_scatter(out, u, idx, "add", /*clamp=*/true);
  return {out};
}

std::vector<Array> scatter_kernel(const Primitive* p, const std::vector<Array>& in,
                                  const Params& params) {
  p->abstract_eval(avals_of(in), params);  // checks the operands
  const Device dev = current_device();
  if (!scatter_on_device(in[0].dtype(), params.get<std::string>("mode")))
    return run_on_host(*p, in, params, dev);
  Array out = in[0].contiguous(true);
  const Array idx = in[1].contiguous(), u = in[2].contiguous();
  if (idx.size() == 0 || out.size() == 0) return {out};
  run_scatter(out, u, idx, params.get<std::string>("mode"), /*clamp=*/false);
  return {out};
}

}  // namespace

std::vector<std::string> indexing_sources() {
  std::vector<std::string> r;
  for (size_t size : {1, 2, 4, 8, 16}) r.push_back(take_source(size));
  for (DType dt : {DType::Bool, DType::Int8, DType::UInt8, DType::Int16, DType::UInt16,
                   DType::Int32, DType::UInt32, DType::Int64, DType::UInt64, DType::Float16,
                   DType::BFloat16, DType::Float32, DType::Float64}) {
    r.push_back(scatter_source(dt, "add", /*clamp=*/true));
    for (const char* mode : {"set", "add", "mul", "min", "max"})
      r.push_back(scatter_source(dt, mode, /*clamp=*/false));
  }
  for (DType dt : {DType::Complex64, DType::Complex128}) {
    r.push_back(scatter_source(dt, "add", /*clamp=*/true));
    for (const char* mode : {"set", "add", "mul"})
      if (scatter_on_device(dt, mode)) r.push_back(scatter_source(dt, mode, /*clamp=*/false));
  }
  return r;
}

void install_indexing_kernels() {
  const std::pair<const char*, std::vector<Array> (*)(const Primitive*, const std::vector<Array>&,
                                                      const Params&)>
      kernels[] = {
          {"take", take_kernel}, {"scatter_add", scatter_add_kernel}, {"scatter", scatter_kernel}};
  for (auto& [name, fn] : kernels)
    if (const Primitive* p = find_primitive(name))
      register_cuda_kernel(name, [p, fn = fn](const std::vector<Array>& in, const Params& params) {
        return fn(p, in, params);
      });
}

}  // namespace arrax::cuda
