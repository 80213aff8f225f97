// argmax/argmin and the scans (cumsum, cumprod, cummax, cummin) on the GPU, with the CPU's
// semantics (cpp/primitives/scans.cpp): the first extreme wins and the first NaN beats
// everything; scans keep the dtype, halves scan in float32 and round each output, NaN
// propagates through cummax/cummin, integers wrap.
//
// Both work on lines (lines.h): many lines (or short ones) take a thread each; few long lines
// take a block each: a strided pass and a tree for arg*, a block-wide scan 256 items at a time
// for the scans.
// Complex inputs: in NumPy's lexicographic order, a NaN in either part counting as NaN.
#include <algorithm>

#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/lines.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

std::string arg_source(bool is_max, DType in, DType index, bool thread_each) {
  const std::string C = value_type(in), S = item_type(in), I = compute_type(index);
  const bool cplx = is_complex(in);  // NumPy's lexicographic order, a NaN in either part
  const std::string nan_a = cplx ? "ax_cisnan(va)" : "va != va",
                    nan_b = cplx ? "ax_cisnan(vb)" : "vb != vb";
  const std::string beats =
      cplx ? (is_max ? "ax_cless(va, vb)" : "ax_cless(vb, va)") +
                 std::string(" || (ax_ceq(vb, va) && ib < ia)")
           : std::string("vb ") + (is_max ? ">" : "<") + " va || (vb == va && ib < ia)";
  Source s;
  s << kLinePreamble << "// Whether (vb, ib) beats (va, ia): the first NaN, else the "
    << (is_max ? "largest" : "smallest")
    << " value, the first of equals; an index below 0 is no candidate.\n"
    << "__device__ __forceinline__ bool ax_beats(" << C << " va, long long ia, " << C
    << " vb, long long ib) {\n"
    << "  if (ib < 0) return false;\n  if (ia < 0) return true;\n"
    << "  const bool an = " << nan_a << ", bn = " << nan_b << ";\n"
    << "  if (an || bn) return bn && (!an || ib < ia);\n"
    << "  return " << beats << ";\n}\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_arg(const AxArgs a) {\n"
    << "  const " << S << "* __restrict__ x = (const " << S << "*)a.w[0];\n"
    << "  " << I << "* __restrict__ o = (" << I << "*)a.w[1];\n"
    << "  const long long n = a.w[2], inner = a.w[3], lines = a.w[4];\n"
    << (thread_each ? kLineLoopThread : kLineLoopBlock) << at_lambda(false);
  const std::string first = thread_each ? "0" : "threadIdx.x";
  const std::string step = thread_each ? "1" : "256";
  s << "    " << C << " bv = " << zero_value(in) << "; long long bi = -1;\n"
    << "    for (long long k = " << first << "; k < n; k += " << step << ") {\n"
    << "      const " << C << " v = " << load_expr(in, "x[at(k)]") << ";\n"
    << "      if (ax_beats(bv, bi, v, k)) { bv = v; bi = k; }\n    }\n";
  if (thread_each) {
    s << "    o[line] = (" << I << ")bi;\n  }\n}\n";
    return s.str();
  }
  s << "    __shared__ " << C << " sv[256];\n    __shared__ long long si[256];\n"
    << "    sv[threadIdx.x] = bv; si[threadIdx.x] = bi;\n    __syncthreads();\n"
    << "    for (int h = 128; h > 0; h >>= 1) {\n"
    << "      if (threadIdx.x < h && ax_beats(sv[threadIdx.x], si[threadIdx.x],"
       " sv[threadIdx.x + h], si[threadIdx.x + h])) {\n"
    << "        sv[threadIdx.x] = sv[threadIdx.x + h]; si[threadIdx.x] = si[threadIdx.x + h];\n"
    << "      }\n      __syncthreads();\n    }\n"
    << "    if (threadIdx.x == 0) o[line] = (" << I << ")si[0];\n"
    << "    __syncthreads();\n  }\n}\n";
  return s.str();
}

std::string combine(const std::string& kind, DType dt) {
  const std::string C = compute_type(dt);
  if (is_complex(dt))
    return kind == "cumprod"  ? "ax_cmul(a, b)"
           : kind == "cummax" ? "ax_cmax(a, b)"
           : kind == "cummin" ? "ax_cmin(a, b)"
                              : "ax_cadd(a, b)";
  if (kind == "cumsum") return dt == DType::Bool ? "(a || b)" : "(" + C + ")(a + b)";
  if (kind == "cumprod") return dt == DType::Bool ? "(a && b)" : "(" + C + ")(a * b)";
  if (kind == "cummax") return is_floating(dt) ? "ax_fmax_nan(a, b)" : "(a < b ? b : a)";
  return is_floating(dt) ? "ax_fmin_nan(a, b)" : "(b < a ? b : a)";  // cummin
}

std::string scan_source(const std::string& kind, DType dt, bool reverse, bool thread_each) {
  const std::string C = value_type(dt), S = item_type(dt);
  const std::string zero = zero_value(dt);
  Source s;
  s << kLinePreamble << "__device__ __forceinline__ " << C << " ax_comb(" << C << " a, " << C
    << " b) { return " << combine(kind, dt) << "; }\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_scan(const AxArgs a) {\n"
    << "  const " << S << "* __restrict__ x = (const " << S << "*)a.w[0];\n"
    << "  " << S << "* __restrict__ o = (" << S << "*)a.w[1];\n"
    << "  const long long n = a.w[2], inner = a.w[3], lines = a.w[4];\n"
    << (thread_each ? kLineLoopThread : kLineLoopBlock) << at_lambda(reverse);
  if (thread_each) {
    s << "    " << C << " acc = " << load_expr(dt, "x[at(0)]") << ";\n"
      << "    o[at(0)] = " << store_expr(dt, "acc") << ";\n"
      << "    for (long long k = 1; k < n; ++k) {\n"
      << "      acc = ax_comb(acc, " << load_expr(dt, "x[at(k)]") << ");\n"
      << "      o[at(k)] = " << store_expr(dt, "acc") << ";\n    }\n  }\n}\n";
    return s.str();
  }
  // 256 items at a time: an inclusive scan in shared memory (each step reads, syncs, writes),
  // then the carry of the chunks before. Items past the end only follow the real ones.
  s << "    __shared__ " << C << " sh[256];\n"
    << "    " << C << " carry = " << zero << "; bool has_carry = false;\n"
    << "    for (long long c0 = 0; c0 < n; c0 += 256) {\n"
    << "      const long long k = c0 + threadIdx.x;\n"
    << "      " << C << " v = k < n ? " << load_expr(dt, "x[at(k)]") << " : " << zero << ";\n"
    << "      sh[threadIdx.x] = v;\n      __syncthreads();\n"
    << "      for (int d = 1; d < 256; d <<= 1) {\n"
    << "        const " << C << " before = threadIdx.x >= d ? sh[threadIdx.x - d] : v;\n"
    << "        __syncthreads();\n"
    << "        if (threadIdx.x >= d) v = ax_comb(before, v);\n"
    << "        sh[threadIdx.x] = v;\n        __syncthreads();\n      }\n"
    << "      if (k < n) o[at(k)] = " << store_expr(dt, "has_carry ? ax_comb(carry, v) : v")
    << ";\n"
    << "      const long long last = n - 1 - c0 < 255 ? n - 1 - c0 : 255;\n"
    << "      const " << C << " total = sh[last];\n"
    << "      carry = has_carry ? ax_comb(carry, total) : total;\n      has_carry = true;\n"
    << "      __syncthreads();\n    }\n  }\n}\n";
  return s.str();
}

KernelFn arg_kernel(const Primitive* p, bool is_max) {
  return [p, is_max](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const AbstractValue oa = p->abstract_eval(avals_of(in), params)[0];
    const Device dev = current_device();
    if (value_type(in[0].dtype()).empty()) return run_on_host(*p, in, params, dev);
    const int64_t axis = params.get_int("axis");
    Array out = Array::empty(oa.shape, oa.dtype, dev);
    if (out.size() == 0) return {out};
    if (in[0].shape()[axis] == 0)
      throw ValueError(p->name + ": attempt to get " + p->name + " of an empty sequence");
    const Array x = in[0].contiguous();
    const Lines l = lines_of(x.shape(), axis);
    const std::string key = {static_cast<char>(is_max), static_cast<char>(x.dtype()),
                             static_cast<char>(oa.dtype), static_cast<char>(l.thread_each())};
    KernelHandle k = kernel_for(key, "ax_arg", dev.index, [&] {
      return arg_source(is_max, x.dtype(), oa.dtype, l.thread_each());
    });
    launch_lines(k, l, l.thread_each(), x, out, dev.index);
    return {out};
  };
}

KernelFn scan_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    p->abstract_eval(avals_of(in), params);  // checks the axis
    const Device dev = current_device();
    if (value_type(in[0].dtype()).empty()) return run_on_host(*p, in, params, dev);
    const int64_t axis = params.get_int("axis");
    const bool reverse = params.has("reverse") && params.get<bool>("reverse");
    const Array x = in[0].contiguous();
    Array out = Array::empty(x.shape(), x.dtype(), dev);
    if (out.size() == 0) return {out};
    const Lines l = lines_of(x.shape(), axis);
    const std::string key = p->name + static_cast<char>(x.dtype()) + static_cast<char>(reverse) +
                            static_cast<char>(l.thread_each());
    KernelHandle k = kernel_for(key, "ax_scan", dev.index, [&] {
      return scan_source(p->name, x.dtype(), reverse, l.thread_each());
    });
    launch_lines(k, l, l.thread_each(), x, out, dev.index);
    return {out};
  };
}

}  // namespace

std::vector<std::string> scan_sources() {
  std::vector<std::string> r;
  for (DType dt : {DType::Bool, DType::Int8, DType::UInt16, DType::Int32, DType::UInt64,
                   DType::Float16, DType::BFloat16, DType::Float32, DType::Float64})
    for (bool thread_each : {false, true}) {
      for (bool is_max : {false, true})
        r.push_back(arg_source(is_max, dt, is_max ? DType::Int64 : DType::Int32, thread_each));
      for (const char* kind : {"cumsum", "cumprod", "cummax", "cummin"})
        r.push_back(scan_source(kind, dt, thread_each, thread_each));
    }
  for (DType dt : {DType::Complex64, DType::Complex128})
    for (bool thread_each : {false, true})
      for (const char* kind : {"cumsum", "cumprod", "cummax", "cummin"})
        r.push_back(scan_source(kind, dt, thread_each, thread_each));
  for (DType dt : {DType::Complex64, DType::Complex128})
    for (bool thread_each : {false, true})
      for (bool is_max : {false, true})
        r.push_back(arg_source(is_max, dt, DType::Int64, thread_each));
  return r;
}

void install_scan_kernels() {
  for (const char* name : {"argmax", "argmin"})
    if (const Primitive* p = find_primitive(name))
      register_cuda_kernel(name, arg_kernel(p, std::string(name) == "argmax"));
  for (const char* name : {"cumsum", "cumprod", "cummax", "cummin"})
    if (const Primitive* p = find_primitive(name)) register_cuda_kernel(name, scan_kernel(p));
}

}  // namespace arrax::cuda
