#include "backend/cuda/codegen.h"
#include "backend/cuda/codegen_internal.h"

#include <sys/stat.h>
#include <unistd.h>
#include <atomic>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "arrax_cuda_prelude.h"  // kDevicePrelude: device_prelude.cuh as a string (CMake)
#include "backend/cuda/emulator.h"
#include "backend/cuda/runtime.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

// ---- NVRTC and the driver's module API, found at run time ------------------------------------
using nvrtcProgram = void*;
struct Nvrtc {
  int (*create)(nvrtcProgram*, const char*, const char*, int, const char* const*,
                const char* const*);
  int (*compile)(nvrtcProgram, int, const char* const*);
  int (*log_size)(nvrtcProgram, size_t*);
  int (*log)(nvrtcProgram, char*);
  int (*cubin_size)(nvrtcProgram, size_t*);
  int (*cubin)(nvrtcProgram, char*);
  int (*destroy)(nvrtcProgram*);
};
const Nvrtc& nvrtc() {
  static Nvrtc n = [] {
    Nvrtc r;
    auto sym = [](const char* s) { return library_symbol("nvrtc", s); };
    r.create = reinterpret_cast<decltype(r.create)>(sym("nvrtcCreateProgram"));
    r.compile = reinterpret_cast<decltype(r.compile)>(sym("nvrtcCompileProgram"));
    r.log_size = reinterpret_cast<decltype(r.log_size)>(sym("nvrtcGetProgramLogSize"));
    r.log = reinterpret_cast<decltype(r.log)>(sym("nvrtcGetProgramLog"));
    r.cubin_size = reinterpret_cast<decltype(r.cubin_size)>(sym("nvrtcGetCUBINSize"));
    r.cubin = reinterpret_cast<decltype(r.cubin)>(sym("nvrtcGetCUBIN"));
    r.destroy = reinterpret_cast<decltype(r.destroy)>(sym("nvrtcDestroyProgram"));
    return r;
  }();
  return n;
}

struct Driver {
  int (*load)(void**, const void*);
  int (*get_function)(void**, void*, const char*);
  int (*launch)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                cudaStream_t, void**, void**);
};
const Driver& driver() {
  static Driver d = [] {
    Driver r;
    auto sym = [](const char* s) { return library_symbol("cuda", s); };
    r.load = reinterpret_cast<decltype(r.load)>(sym("cuModuleLoadData"));
    r.get_function = reinterpret_cast<decltype(r.get_function)>(sym("cuModuleGetFunction"));
    r.launch = reinterpret_cast<decltype(r.launch)>(sym("cuLaunchKernel"));
    return r;
  }();
  return d;
}

std::string cache_dir() {
  std::string dir;
  if (const char* e = std::getenv("ARRAX_CACHE_DIR"))
    dir = e;
  else if (const char* h = std::getenv("HOME"))
    dir = std::string(h) + "/.cache/arrax";
  else
    return "";
  dir += emulated() ? "/cuda-emulator" : "/cuda";
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!partial.empty()) mkdir(partial.c_str(), 0755);
    }
    if (i < dir.size()) partial += dir[i];
  }
  return dir;
}

// No contraction of a * b + c into one fused multiply-add: a fused jit region then rounds
// every operation as the one-kernel-per-operation eager path does (and as the CPU does), so
// jit and eager agree to the bit, random numbers included. Functions that want an FMA write
// fma() (the math library's, ax_erfinv). Part of the on-disk cache's key.
constexpr const char* kNvrtcFmad = "--fmad=false";

std::string compile_cubin(const std::string& src, const std::string& arch) {
  const Nvrtc& n = nvrtc();
  nvrtcProgram prog = nullptr;
  if (n.create(&prog, src.c_str(), "arrax_kernel.cu", 0, nullptr, nullptr) != 0)
    throw ValueError("cuda: nvrtcCreateProgram failed");
  std::string arch_opt = "--gpu-architecture=" + arch;
  const char* opts[] = {arch_opt.c_str(), "--std=c++17", "--device-as-default-execution-space",
                        kNvrtcFmad};
  int rc = n.compile(prog, 4, opts);
  if (rc != 0) {
    size_t len = 0;
    n.log_size(prog, &len);
    std::string log(len, '\0');
    n.log(prog, log.data());
    n.destroy(&prog);
    throw std::logic_error("cuda: NVRTC failed to compile a generated kernel:\n" + log +
                           "\n--- source ---\n" + src.substr(std::string(kDevicePrelude).size()));
  }
  size_t size = 0;
  n.cubin_size(prog, &size);
  std::string cubin(size, '\0');
  n.cubin(prog, cubin.data());
  n.destroy(&prog);
  return cubin;
}

}  // namespace

const char* device_prelude() {
  return kDevicePrelude;
}

KernelHandle compile_kernel(const std::string& source, const std::string& name, int device) {
  static std::mutex mu;
  static std::unordered_map<std::string, KernelHandle> cache;
  const cudaDeviceProp& props = properties(device);
  const std::string arch = "sm_" + std::to_string(props.major) + std::to_string(props.minor);
  const std::string key = std::to_string(device) + arch + name + "\n" + source;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  stream(device);  // the device's context is current
  const std::string full = std::string(kDevicePrelude) + source;
  // The on-disk cache: one file per (architecture, source) hash.
  const std::string dir = cache_dir();
  // On the emulator the "cubin" is host code built after emulator_shim.h, with entry points
  // added: both are part of the key too, so a change to them is not hidden by an old file.
  const size_t h = std::hash<std::string>{}(
      full + arch + kNvrtcFmad +
      (emulated() ? std::string(kEmulatorShim) + kEmulatorEntryVersion : std::string()));
  std::string path;
  std::string cubin;
  if (!dir.empty()) {
    path = dir + "/" + arch + "_" + std::to_string(h) + ".cubin";
    std::ifstream f(path, std::ios::binary);
    if (f) cubin.assign(std::istreambuf_iterator<char>(f), {});
  }
  if (cubin.empty()) {
    cubin = compile_cubin(full, arch);
    if (!path.empty()) {  // atomically: write a temporary file, then rename it
      std::string tmp = path + ".tmp" + std::to_string(getpid());
      {
        std::ofstream f(tmp, std::ios::binary);
        f.write(cubin.data(), static_cast<std::streamsize>(cubin.size()));
      }
      std::rename(tmp.c_str(), path.c_str());
    }
  }
  void* module = nullptr;
  void* fn = nullptr;
  if (int rc = driver().load(&module, cubin.data()))
    throw ValueError("cuda: cuModuleLoadData failed (error " + std::to_string(rc) + ")");
  if (int rc = driver().get_function(&fn, module, name.c_str()))
    throw ValueError("cuda: cuModuleGetFunction failed (error " + std::to_string(rc) + ")");
  cache.emplace(key, fn);
  return fn;
}

void launch_kernel(KernelHandle k, int device, unsigned grid, unsigned block,
                   const std::vector<long long>& words, unsigned shared_bytes) {
  if (grid == 0) return;
  cudaStream_t s = stream(device);
  // The kernel's one parameter is a struct of these words, passed by value.
  void* args[] = {const_cast<long long*>(words.data())};
  if (int rc = driver().launch(k, grid, 1, 1, block, 1, 1, shared_bytes, s, args, nullptr))
    throw ValueError("cuda: cuLaunchKernel failed (error " + std::to_string(rc) + ")");
}

KernelHandle kernel_for(const std::string& key, const std::string& name, int device,
                        const std::function<std::string()>& make_source) {
  static std::mutex mu;
  static std::unordered_map<std::string, KernelHandle> kernels;
  const std::string full_key = std::to_string(device) + "/" + name + "/" + key;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = kernels.find(full_key);
    if (it != kernels.end()) return it->second;
  }
  KernelHandle k = compile_kernel(make_source(), name, device);
  std::lock_guard<std::mutex> lock(mu);
  kernels.emplace(full_key, k);
  return k;
}

namespace {
// Measured on an H100 against PyTorch and CuPy (benchmarks/README.md, "launch settings").
std::atomic<int> g_tunables[] = {256, 16, 4, 3, 3};
const char* const kTunableNames[] = {"blocks_per_sm", "reduce_blocks_per_sm", "reduce_unroll",
                                     "gemm_algo", "thin_gemm"};
}  // namespace
int tunable(Tunable t) {
  return g_tunables[static_cast<int>(t)];
}
void set_tunable(const std::string& name, int value) {
  if (value < 1 || value > 1024) throw ValueError("set_tunable: " + name + " must be in [1, 1024]");
  if (name == "gemm_algo" && value > 3)
    throw ValueError(
        "set_tunable: gemm_algo must be 1 (cuBLAS), 2 (cuBLASLt) or 3 (timed cuBLASLt)");
  if (name == "thin_gemm" && value > 3)
    throw ValueError("set_tunable: thin_gemm must be 1 (never), 2 (always) or 3 (timed)");
  for (size_t i = 0; i < std::size(kTunableNames); ++i)
    if (name == kTunableNames[i]) {
      g_tunables[i] = value;
      return;
    }
  throw ValueError("set_tunable: unknown setting '" + name +
                   "' (blocks_per_sm, reduce_blocks_per_sm, reduce_unroll, gemm_algo, thin_gemm)");
}

std::vector<std::pair<std::string, int>> tunables() {
  std::vector<std::pair<std::string, int>> r;
  for (size_t i = 0; i < std::size(kTunableNames); ++i)
    r.emplace_back(kTunableNames[i], g_tunables[i]);
  return r;
}

unsigned grid_for(int64_t work_items, unsigned per_block, int device) {
  const int64_t need = (work_items + per_block - 1) / per_block;
  const int64_t cap =
      int64_t{properties(device).multiProcessorCount} * tunable(Tunable::BlocksPerSm);
  return static_cast<unsigned>(std::max<int64_t>(0, std::min(need, cap)));
}

std::string compute_type(DType dt) {
  switch (dt) {
    case DType::Bool:
      return "bool";
    case DType::Int8:
      return "signed char";
    case DType::Int16:
      return "short";
    case DType::Int32:
      return "int";
    case DType::Int64:
      return "long long";
    case DType::UInt8:
      return "unsigned char";
    case DType::UInt16:
      return "unsigned short";
    case DType::UInt32:
      return "unsigned int";
    case DType::UInt64:
      return "unsigned long long";
    case DType::Float16:
    case DType::BFloat16:
    case DType::Float32:
      return "float";
    case DType::Float64:
      return "double";
    default:
      return "";
  }
}

namespace {
bool is_half(DType dt) {
  return dt == DType::Float16 || dt == DType::BFloat16;
}
}  // namespace

std::string storage_type(DType dt) {
  if (is_half(dt)) return "unsigned short";
  return compute_type(dt);
}

std::string value_type(DType dt) {
  if (dt == DType::Complex64) return "ax_c64";
  if (dt == DType::Complex128) return "ax_c128";
  return compute_type(dt);
}
std::string item_type(DType dt) {
  return is_complex(dt) ? value_type(dt) : storage_type(dt);
}
std::string zero_value(DType dt) {
  return is_complex(dt) ? value_type(dt) + "{0, 0}" : "(" + value_type(dt) + ")0";
}

std::string load_expr(DType dt, const std::string& lvalue) {
  if (dt == DType::Float16) return "ax_h2f(" + lvalue + ")";
  if (dt == DType::BFloat16) return "ax_b2f(" + lvalue + ")";
  return lvalue;
}
std::string store_expr(DType dt, const std::string& value) {
  if (dt == DType::Float16) return "ax_f2h(" + value + ")";
  if (dt == DType::BFloat16) return "ax_f2b(" + value + ")";
  return value;
}

namespace {

// Rounds a float32 value to the precision of a half dtype.
std::string rounded(DType dt, const std::string& e) {
  if (dt == DType::Float16) return "ax_rh(" + e + ")";
  if (dt == DType::BFloat16) return "ax_rb(" + e + ")";
  return e;
}

}  // namespace

std::string convert_expr(DType from, DType to, const std::string& e) {
  if (from == to) return e;
  const std::string T = compute_type(to);
  if (to == DType::Bool) return "((" + e + ") != 0)";
  if (from == DType::Bool) return rounded(to, "(" + T + ")((" + e + ") ? 1 : 0)");
  if (is_floating(from) && is_integer(to)) return "ax_f2i<" + T + ">((double)(" + e + "))";
  if (is_floating(to)) {
    // double -> half goes through float32 rounded to odd, as the CPU's conversion does.
    if (from == DType::Float64 && (to == DType::Float16 || to == DType::BFloat16))
      return rounded(to, "ax_d2f_odd(" + e + ")");
    return rounded(to, "(" + T + ")(" + e + ")");
  }
  return "(" + T + ")(" + e + ")";
}

namespace {

// A conversion to or from a complex dtype, as the CPU's (cpp/kernels/convert.cpp): a real value
// gets a zero imaginary part, a complex one to a real dtype loses its imaginary part (NumPy's
// rule), and is true when either part is nonzero.
std::string complex_convert(DType from, DType to, const std::string& e) {
  if (from == to) return e;
  if (is_complex(to)) {
    const std::string R = to == DType::Complex64 ? "float" : "double";
    if (is_complex(from))
      return value_type(to) + "{(" + R + ")(" + e + ").re, (" + R + ")(" + e + ").im}";
    const DType part = to == DType::Complex64 ? DType::Float32 : DType::Float64;
    return value_type(to) + "{" + convert_expr(from, part, e) + ", (" + R + ")0}";
  }
  if (to == DType::Bool) return "((" + e + ").re != 0 || (" + e + ").im != 0)";
  const DType part = from == DType::Complex64 ? DType::Float32 : DType::Float64;
  return convert_expr(part, to, "(" + e + ").re");
}

// Complex operations (any operand complex): arithmetic, conj/real/imag/abs, exp/exp2/expm1,
// log/log2/log10/log1p, sqrt, pow, the trigonometric and hyperbolic functions and their inverses,
// is_nan/is_inf/is_finite, comparisons, max/min/fmax/fmin, select, copies and conversions, by the
// prelude's ax_c* functions, which compute what the CPU's std::complex does (NumPy's Smith
// division); "" for the others, which run through the host.
std::string complex_op_code(const std::string& name, const std::vector<std::string>& a,
                            const std::vector<DType>& in_dt, const std::string& out_var,
                            DType out) {
  auto assign = [&](const std::string& e) { return out_var + " = " + e + ";"; };
  const DType in = in_dt.empty() ? out : in_dt[0];
  if (name == "convert_element_type") return assign(complex_convert(in, out, a[0]));
  if (name == "copy" || name == "stop_gradient") return assign(a[0]);
  if (name == "select")
    return in_dt[0] == DType::Bool ? assign("(" + a[0] + " ? " + a[1] + " : " + a[2] + ")") : "";
  for (DType d : in_dt)
    if (d != in) return "";  // the primitives' operands share a dtype
  if (!is_complex(in)) return "";
  static const std::unordered_map<std::string, std::string> binary = {
      {"add", "ax_cadd"}, {"sub", "ax_csub"}, {"mul", "ax_cmul"}, {"div", "ax_cdiv"}};
  if (auto it = binary.find(name); it != binary.end())
    return assign(it->second + "(" + a[0] + ", " + a[1] + ")");
  static const std::unordered_map<std::string, std::string> order = {
      {"max", "ax_cmax"}, {"min", "ax_cmin"}, {"fmax", "ax_cfmax"}, {"fmin", "ax_cfmin"}};
  if (auto it = order.find(name); it != order.end())
    return assign(it->second + "(" + a[0] + ", " + a[1] + ")");
  if (name == "lt" || name == "le") return assign("ax_c" + name + "(" + a[0] + ", " + a[1] + ")");
  if (name == "gt" || name == "ge")  // a > b is b < a
    return assign("ax_c" + std::string(name == "gt" ? "lt" : "le") + "(" + a[1] + ", " + a[0] +
                  ")");
  if (name == "eq") return assign("ax_ceq(" + a[0] + ", " + a[1] + ")");
  if (name == "ne") return assign("(!ax_ceq(" + a[0] + ", " + a[1] + "))");
  if (name == "neg") return assign("ax_cneg(" + a[0] + ")");
  if (name == "conj") return assign("ax_cconj(" + a[0] + ")");
  if (name == "real") return assign("(" + a[0] + ").re");
  if (name == "imag") return assign("(" + a[0] + ").im");
  if (name == "abs") return assign("ax_hypot((" + a[0] + ").re, (" + a[0] + ").im)");
  if (name == "reciprocal") return assign("ax_crecip(" + a[0] + ")");
  if (name == "exp") return assign("ax_cexp(" + a[0] + ")");
  if (name == "log") return assign("ax_clog(" + a[0] + ")");
  if (name == "exp2") return assign("ax_cexp(ax_cscale(" + a[0] + ", 0.69314718055994530942))");
  if (name == "log2") return assign("ax_cscale(ax_clog(" + a[0] + "), 1.44269504088896340736)");
  if (name == "log10") return assign("ax_cscale(ax_clog(" + a[0] + "), 0.43429448190325182765)");
  if (name == "expm1") return assign("ax_cexpm1(" + a[0] + ")");
  if (name == "log1p") return assign("ax_clog1p(" + a[0] + ")");
  if (name == "pow") return assign("ax_cpow(" + a[0] + ", " + a[1] + ")");
  static const std::unordered_map<std::string, std::string> trig = {
      {"sin", "ax_csin"},   {"cos", "ax_ccos"},     {"tan", "ax_ctan"},     {"sinh", "ax_csinh"},
      {"cosh", "ax_ccosh"}, {"tanh", "ax_ctanh"},   {"asin", "ax_casin"},   {"acos", "ax_cacos"},
      {"atan", "ax_catan"}, {"asinh", "ax_casinh"}, {"acosh", "ax_cacosh"}, {"atanh", "ax_catanh"}};
  if (auto it = trig.find(name); it != trig.end()) return assign(it->second + "(" + a[0] + ")");
  if (name == "sqrt") return assign("ax_csqrt(" + a[0] + ")");
  if (name == "is_nan")
    return assign("(ax_isnan((" + a[0] + ").re) || ax_isnan((" + a[0] + ").im))");
  if (name == "is_inf")
    return assign("(ax_isinf((" + a[0] + ").re) || ax_isinf((" + a[0] + ").im))");
  if (name == "is_finite")
    return assign("(ax_isfinite((" + a[0] + ").re) && ax_isfinite((" + a[0] + ").im))");
  if (name == "round") return assign("ax_cround(" + a[0] + ")");
  if (name == "sign") return assign("ax_csign(" + a[0] + ")");
  return "";
}

// The expression (or statement, for several outputs) of one operation, or "" when it has no
// CUDA code for these dtypes. `a` are the argument expressions, `in` the first argument's
// dtype (the second's for select), `out` the output's.
std::string op_code(const EwOp& op, const std::vector<std::string>& a,
                    const std::vector<DType>& in_dt, const std::vector<std::string>& outs,
                    const std::vector<DType>& out_dt) {
  const std::string& name = op.primitive->name;
  const DType in = in_dt.empty() ? out_dt[0] : in_dt[0];
  const DType out = out_dt[0];
  const std::string T = compute_type(in);
  auto assign = [&](const std::string& e) { return outs[0] + " = " + e + ";"; };
  auto res = [&](const std::string& e) { return assign(rounded(out, e)); };
  bool complex = false;
  for (DType d : in_dt) {
    if (value_type(d).empty()) return "";
    complex = complex || is_complex(d);
  }
  for (DType d : out_dt) {
    if (value_type(d).empty()) return "";
    complex = complex || is_complex(d);
  }
  if (complex) return out_dt.size() == 1 ? complex_op_code(name, a, in_dt, outs[0], out) : "";
  const bool f = is_floating(in), i = is_integer(in), b = in == DType::Bool;
  if (name == "threefry2x32")
    return "ax_threefry(" + a[0] + ", " + a[1] + ", " + a[2] + ", " + a[3] + ", " + outs[0] + ", " +
           outs[1] + ");";
  if (name == "select") {
    if (in_dt[0] != DType::Bool) return "";
    return assign("(" + a[0] + " ? " + a[1] + " : " + a[2] + ")");
  }
  if (name == "iota") {
    const auto& shape = op.params->get_ints("shape");
    const int64_t dim = op.params->get_int("dimension");
    int64_t inner = 1;
    for (size_t d = dim + 1; d < shape.size(); ++d) inner *= shape[d];
    return assign(convert_expr(
        DType::Int64, out,
        "((i / " + std::to_string(inner) + "LL) % " + std::to_string(shape[dim]) + "LL)"));
  }
  if (name == "convert_element_type") return assign(convert_expr(in, out, a[0]));
  if (name == "bitcast_convert_type") {
    if (is_half(in) || is_half(out)) return "";
    return assign("ax_bitcast<" + compute_type(out) + ">(" + a[0] + ")");
  }
  if (name == "copy" || name == "stop_gradient") return assign(a[0]);
  // Comparisons: any real dtype, bool output.
  static const std::unordered_map<std::string, std::string> cmp = {
      {"eq", "=="}, {"ne", "!="}, {"lt", "<"}, {"le", "<="}, {"gt", ">"}, {"ge", ">="}};
  if (auto it = cmp.find(name); it != cmp.end())
    return assign("(" + a[0] + " " + it->second + " " + a[1] + ")");
  if (name == "add")
    return b ? assign("(" + a[0] + " || " + a[1] + ")")
             : res("(" + T + ")(" + a[0] + " + " + a[1] + ")");
  if (name == "mul")
    return b ? assign("(" + a[0] + " && " + a[1] + ")")
             : res("(" + T + ")(" + a[0] + " * " + a[1] + ")");
  if (name == "sub" && !b) return res("(" + T + ")(" + a[0] + " - " + a[1] + ")");
  if (name == "neg" && !b) return res("(" + T + ")(-" + a[0] + ")");
  if (name == "max" || name == "min" || name == "fmax" || name == "fmin") {
    if (f) {
      const std::string fn = name == "max"   ? "ax_fmax_nan"
                             : name == "min" ? "ax_fmin_nan"
                                             : "ax_" + name;
      return res(fn + "(" + a[0] + ", " + a[1] + ")");
    }
    const bool mx = name == "max" || name == "fmax";
    return assign("(" + a[0] + (mx ? " < " : " > ") + a[1] + " ? " + a[1] + " : " + a[0] + ")");
  }
  if (name == "and" || name == "or" || name == "xor") {
    if (f) return "";
    const std::string opc = name == "and" ? "&" : name == "or" ? "|" : "^";
    if (b) return assign("(bool)(" + a[0] + " " + opc + " " + a[1] + ")");
    return assign("(" + T + ")(" + a[0] + " " + opc + " " + a[1] + ")");
  }
  if (name == "not") {
    if (b) return assign("(!" + a[0] + ")");
    if (i) return assign("(" + T + ")(~" + a[0] + ")");
    return "";
  }
  if ((name == "shift_left" || name == "shift_right") && i)
    return assign(std::string(name == "shift_left" ? "ax_shl" : "ax_shr") + "<" + T + ">(" + a[0] +
                  ", " + a[1] + ")");
  if (name == "abs") {
    if (b) return assign(a[0]);
    if (f) return res("ax_abs(" + a[0] + ")");
    if (i)
      return assign(
          is_unsigned(in) ? a[0] : "(" + T + ")(" + a[0] + " < 0 ? -" + a[0] + " : " + a[0] + ")");
    return "";
  }
  if (name == "sign") {
    if (f) return res("ax_sign(" + a[0] + ")");
    if (i)
      return assign(is_unsigned(in) ? "(" + T + ")(" + a[0] + " > 0)"
                                    : "(" + T + ")((" + a[0] + " > 0) - (" + a[0] + " < 0))");
    return "";
  }
  if (name == "round") {
    if (f) return res("ax_rint(" + a[0] + ")");
    return assign(a[0]);
  }
  if (name == "pow") {
    if (f) return res("ax_pow(" + a[0] + ", " + a[1] + ")");
    if (i) return assign("ax_ipow<" + T + ">(" + a[0] + ", " + a[1] + ")");
    return "";
  }
  if (name == "floor_div" || name == "rem" || name == "fmod") {
    if (f)
      return res((name == "floor_div" ? "ax_floordiv_f("
                  : name == "rem"     ? "ax_rem_f("
                                      : "ax_fmod(") +
                 a[0] + ", " + a[1] + ")");
    if (i)
      return assign((name == "floor_div" ? "ax_floordiv_i<"
                     : name == "rem"     ? "ax_rem_i<"
                                         : "ax_fmod_i<") +
                    T + ">(" + a[0] + ", " + a[1] + ")");
    return "";
  }
  // Integer and bool operands of the functions NumPy defines on them as on floats.
  if (name == "conj" || name == "real" ||
      ((name == "floor" || name == "ceil" || name == "trunc") && !f))
    return assign(convert_expr(in, out, a[0]));
  if (name == "imag") return assign("(" + compute_type(out) + ")0");
  if (!f && (name == "is_nan" || name == "is_inf")) return assign("false");
  if (!f && name == "is_finite") return assign("true");
  if (name == "reciprocal" && i) return assign("ax_recip_i<" + T + ">(" + a[0] + ")");
  if (!f) return "";
  // Float-only functions.
  static const std::unordered_map<std::string, std::string> unary = {
      {"sqrt", "ax_sqrt"},      {"cbrt", "ax_cbrt"},      {"exp", "ax_exp"},
      {"exp2", "ax_exp2"},      {"expm1", "ax_expm1"},    {"log", "ax_log"},
      {"log2", "ax_log2"},      {"log10", "ax_log10"},    {"log1p", "ax_log1p"},
      {"sin", "ax_sin"},        {"cos", "ax_cos"},        {"tan", "ax_tan"},
      {"sinh", "ax_sinh"},      {"cosh", "ax_cosh"},      {"tanh", "ax_tanh"},
      {"asin", "ax_asin"},      {"acos", "ax_acos"},      {"atan", "ax_atan"},
      {"asinh", "ax_asinh"},    {"acosh", "ax_acosh"},    {"atanh", "ax_atanh"},
      {"floor", "ax_floor"},    {"ceil", "ax_ceil"},      {"trunc", "ax_trunc"},
      {"erf_inv", "ax_erfinv"}, {"erf", "ax_erf"},        {"erfc", "ax_erfc"},
      {"lgamma", "ax_lgamma"},  {"digamma", "ax_digamma"}};
  if (auto it = unary.find(name); it != unary.end()) return res(it->second + "(" + a[0] + ")");
  static const std::unordered_map<std::string, std::string> binary = {
      {"div", ""},
      {"atan2", "ax_atan2"},
      {"hypot", "ax_hypot"},
      {"copysign", "ax_copysign"},
      {"logaddexp", "ax_logaddexp"},
      {"logaddexp2", "ax_logaddexp2"}};
  if (name == "div") return res("(" + a[0] + " / " + a[1] + ")");
  if (auto it = binary.find(name); it != binary.end())
    return res(it->second + "(" + a[0] + ", " + a[1] + ")");
  if (name == "nextafter")
    return is_half(in) ? "" : assign("ax_nextafter(" + a[0] + ", " + a[1] + ")");
  if (name == "reciprocal") return res("((" + T + ")1 / " + a[0] + ")");
  // Computed in double, as the CPU computes them for every dtype.
  if (name == "zeta") return res("(" + T + ")ax_zeta_d(" + a[0] + ", " + a[1] + ")");
  if (name == "polygamma")
    return res("(" + T + ")ax_polygamma_d(" + std::to_string(op.params->get_int("n")) + "LL, " +
               a[0] + ")");
  if (name == "is_nan") return assign("ax_isnan(" + a[0] + ")");
  if (name == "is_inf") return assign("ax_isinf(" + a[0] + ")");
  if (name == "is_finite") return assign("ax_isfinite(" + a[0] + ")");
  if (name == "signbit") return assign("ax_signbit(" + a[0] + ")");
  return "";
}

}  // namespace

std::string var(int v) {
  return "v" + std::to_string(v);
}

// The statements of the program's operations (values already loaded into v0.., outputs
// declared by the caller), or "" when some operation is unsupported.
std::string body_code(const EwProgram& prog) {
  Source os;
  for (const EwOp& op : prog.ops) {
    std::vector<std::string> a, outs;
    std::vector<DType> in_dt, out_dt;
    for (int v : op.args) {
      a.push_back(var(v));
      in_dt.push_back(prog.dtypes[v]);
    }
    for (int v : op.outs) {
      outs.push_back(var(v));
      out_dt.push_back(prog.dtypes[v]);
    }
    std::string code = op_code(op, a, in_dt, outs, out_dt);
    if (code.empty()) return "";
    for (size_t k = 0; k < op.outs.size(); ++k)
      os << "      " << value_type(out_dt[k]) << " " << outs[k] << ";\n";
    os << "      " << code << "\n";
  }
  return os.str();
}

// A compact key of a program's structure (operations, parameter hashes, dtypes, wiring), so
// that an eager operation finds its compiled kernel without generating source.
std::string program_key(const EwProgram& prog) {
  std::string k;
  auto put = [&k](const void* p, size_t n) { k.append(static_cast<const char*>(p), n); };
  for (DType d : prog.dtypes) k.push_back(static_cast<char>(d));
  k.push_back('|');
  put(&prog.n_inputs, sizeof(int));
  for (const EwOp& op : prog.ops) {
    put(&op.primitive, sizeof(void*));
    const size_t h = op.params ? op.params->hash() : 0;
    put(&h, sizeof(h));
    for (int v : op.args) put(&v, sizeof(int));
    k.push_back('>');
    for (int v : op.outs) put(&v, sizeof(int));
    k.push_back(';');
  }
  for (int v : prog.outputs) put(&v, sizeof(int));
  return k;
}

namespace {
std::mutex g_programs_mu;
std::unordered_map<std::string, bool> g_supported;

}  // namespace

bool ew_supported(const EwProgram& prog) {
  if (prog.ops.empty()) return true;
  const std::string key = program_key(prog);
  {
    std::lock_guard<std::mutex> lock(g_programs_mu);
    auto it = g_supported.find(key);
    if (it != g_supported.end()) return it->second;
  }
  const bool ok = !body_code(prog).empty();
  std::lock_guard<std::mutex> lock(g_programs_mu);
  g_supported.emplace(key, ok);
  return ok;
}

// The declarations of the operands' pointers p0.. (outputs first, then inputs).
std::string pointer_code(const EwProgram& prog, const std::string& layout, size_t n_outputs) {
  Source src;
  for (size_t k = 0; k < layout.size(); ++k) {
    const bool is_out = k < n_outputs;
    const DType dt = is_out ? prog.dtypes[prog.outputs[k]] : prog.dtypes[k - n_outputs];
    src << "  " << (is_out ? "" : "const ") << item_type(dt) << "* __restrict__ p" << k << " = ("
        << (is_out ? "" : "const ") << item_type(dt) << "*)a.w[" << k << "];\n";
  }
  return src.str();
}

// The statements computing element `i` (a long long in scope): the general operands' offsets,
// the inputs' loads into v0.., the program's operations, and with `store` the outputs' stores.
// With `vector`, contiguous operands are item j of the 4-item registers x0.. instead.
// General operands' offsets come from i's index along each dim: with `idx32` (i < 2^31) by
// 32-bit multiplications with each dim's precomputed magic number (walk_of) instead of 64-bit
// divisions, which the GPU does in software (~100 instructions each: a bias broadcast over a
// matrix made the kernel compute-bound at a third of the memory's bandwidth).
namespace {
// The column (the item of a row operand, 'r') of flat index `e`: e % columns, by dim 1's magic
// number when idx32.
std::string column_of(const std::string& e, size_t nops, int nd, bool idx32) {
  const std::string C = "a.w[" + std::to_string(nops + 2) + "]";
  if (!idx32) return "(" + e + ") % " + C;
  const size_t magic = nops + 1 + nd + nops * nd;  // dim 1's (multiplier, shift): magic + 2, 3
  return "(long long)((unsigned)(" + e + ") - ((__umulhi((unsigned)(" + e + "), (unsigned)a.w[" +
         std::to_string(magic + 2) + "]) + (unsigned)(" + e + ")) >> a.w[" +
         std::to_string(magic + 3) + "]) * (unsigned)" + C + ")";
}
}  // namespace

std::string element_code(const EwProgram& prog, const std::string& body, const std::string& layout,
                         int nd, size_t n_outputs, bool store, bool vector, bool idx32) {
  const size_t nops = layout.size();
  const size_t magic = nops + 1 + nd + nops * nd;  // (multiplier, shift) per dim from here
  Source src;
  if (!vector && layout.find('r') != std::string::npos)  // a row's item: i's column
    src << "      const long long rr = " << column_of("i", nops, nd, idx32) << ";\n";
  if (layout.find('g') != std::string::npos) {
    for (size_t k = 0; k < nops; ++k)
      if (layout[k] == 'g') src << "      long long o" << k << " = 0;\n";
    src << "      { " << (idx32 ? "unsigned r = (unsigned)i" : "long long r = i") << ";\n";
    for (int d = nd - 1; d >= 0; --d) {
      const std::string D = "a.w[" + std::to_string(nops + 1 + d) + "]";
      if (d == 0)  // the outermost dim's index is what is left of i
        src << "        { const long long idx = r;\n";
      else if (idx32)
        src << "        { const unsigned q = (__umulhi(r, (unsigned)a.w[" << magic + 2 * d
            << "]) + r) >> a.w[" << magic + 2 * d + 1 << "];\n"
            << "          const long long idx = r - q * (unsigned)" << D << "; r = q;\n";
      else
        src << "        { const long long q = r / " << D << ", idx = r - q * " << D << "; r = q;\n";
      for (size_t k = 0; k < nops; ++k)
        if (layout[k] == 'g')
          src << "          o" << k << " += idx * a.w[" << nops + 1 + nd + k * nd + d << "];\n";
      src << "        }\n";
    }
    src << "      }\n";
  }
  auto item = [&](size_t k) -> std::string {
    const std::string K = std::to_string(k);
    if (layout[k] == 'c') return vector ? "x" + K + ".x[j]" : "p" + K + "[i]";
    if (layout[k] == 'r') return vector ? "x" + K + ".x[j]" : "p" + K + "[rr]";
    return "p" + K + "[" + (layout[k] == 's' ? "0" : "o" + K) + "]";
  };
  for (int v = 0; v < prog.n_inputs; ++v) {
    const size_t k = n_outputs + v;
    src << "      const " << value_type(prog.dtypes[v]) << " " << var(v) << " = "
        << load_expr(prog.dtypes[v], item(k)) << ";\n";
  }
  src << body;
  if (store)
    for (size_t k = 0; k < n_outputs; ++k)
      src << "      " << item(k) << " = "
          << store_expr(prog.dtypes[prog.outputs[k]], var(prog.outputs[k])) << ";\n";
  return src.str();
}

std::string ew_source(const EwProgram& prog, const std::string& layout, int nd, size_t n_outputs,
                      bool vector, bool idx32) {
  const std::string body = body_code(prog);
  if (body.empty() && !prog.ops.empty())
    throw std::logic_error("cuda: ew_source called on an unsupported program");
  if (vector && layout.find('g') != std::string::npos)
    throw std::logic_error("cuda: vector loads need contiguous or scalar operands");
  const size_t nops = layout.size(), nwords = walk_words(nops, nd);
  Source src;
  src << "struct AxArgs { long long w[" << nwords << "]; };\n";
  if (vector) src << "template <class T> struct alignas(4 * sizeof(T)) ax_vec4 { T x[4]; };\n";
  src << "extern \"C\" __global__ void __launch_bounds__(256) ax_ew(const AxArgs a) {\n"
      << "  const long long n = a.w[" << nops << "];\n"
      << pointer_code(prog, layout, n_outputs);
  if (vector) {
    // Four items per thread, each contiguous operand read and written as one aligned vector
    // (16 bytes for 4-byte items); the last n % 4 items one by one.
    auto dtype_of = [&](size_t k) {
      return k < n_outputs ? prog.dtypes[prog.outputs[k]] : prog.dtypes[k - n_outputs];
    };
    src << "  const long long nv = n >> 2;\n"
        << "  for (long long q = (long long)blockIdx.x * 256 + threadIdx.x; q < nv;"
           " q += (long long)gridDim.x * 256) {\n";
    for (size_t k = 0; k < nops; ++k) {
      if (layout[k] != 'c' && layout[k] != 'r') continue;
      const std::string V = "ax_vec4<" + item_type(dtype_of(k)) + ">";
      if (k < n_outputs)
        src << "    " << V << " x" << k << ";\n";
      else if (layout[k] == 'c')
        src << "    const " << V << " x" << k << " = ((const " << V << "*)p" << k << ")[q];\n";
      else  // (rows of a multiple of 4 items: the 4 items are in one row)
        src << "    const " << V << " x" << k << " = ((const " << V << "*)p" << k << ")["
            << column_of("q * 4", nops, nd, idx32) << " >> 2];\n";
    }
    src << "#pragma unroll\n    for (int j = 0; j < 4; ++j) {\n"
        << "      const long long i = q * 4 + j;  // for operations of the index (iota)\n"
        << element_code(prog, body, layout, nd, n_outputs, true, true) << "    }\n";
    for (size_t k = 0; k < n_outputs; ++k)
      if (layout[k] == 'c')
        src << "    ((ax_vec4<" << item_type(dtype_of(k)) << ">*)p" << k << ")[q] = x" << k
            << ";\n";
    src << "  }\n"
        << "  for (long long i = nv * 4 + (long long)blockIdx.x * 256 + threadIdx.x; i < n;"
           " i += (long long)gridDim.x * 256) {\n"
        << element_code(prog, body, layout, nd, n_outputs, true) << "  }\n}\n";
    return src.str();
  }
  src << "  for (long long base = (long long)blockIdx.x * 1024; base < n; "
         "base += (long long)gridDim.x * 1024) {\n"
      << "#pragma unroll\n"
      << "    for (int u = 0; u < 4; ++u) {\n"
      << "      const long long i = base + u * 256 + threadIdx.x;\n"
      << "      if (i >= n) break;\n"
      << element_code(prog, body, layout, nd, n_outputs, true, false, idx32) << "    }\n  }\n}\n";
  return src.str();
}

namespace {

// (m, s) with r / d == (umulhi(r, m) + r) >> s for every 0 <= r < 2^31 (Granlund and
// Montgomery's division by invariant integers; m < 2^32, and umulhi(r, m) + r < 2^32).
std::pair<long long, long long> magic_for(int64_t d) {
  int s = 0;
  while ((int64_t{1} << s) < d) ++s;
  const unsigned __int128 m = ((static_cast<unsigned __int128>(1) << 32) *
                               ((uint64_t{1} << s) - static_cast<uint64_t>(d))) /
                                  static_cast<uint64_t>(d) +
                              1;
  return {static_cast<long long>(m), s};
}

}  // namespace

Walk walk_of(const Shape& shape, const std::vector<const Array*>& ops) {
  Shape dims;
  std::vector<Strides> st(ops.size());
  for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !dims.empty();
    for (size_t k = 0; k < ops.size() && merge; ++k)
      merge = st[k].back() == ops[k]->strides()[d] * shape[d];
    if (merge) {
      dims.back() *= shape[d];
      for (size_t k = 0; k < ops.size(); ++k) st[k].back() = ops[k]->strides()[d];
    } else {
      dims.push_back(shape[d]);
      for (size_t k = 0; k < ops.size(); ++k) st[k].push_back(ops[k]->strides()[d]);
    }
  }
  Walk w;
  w.nd = static_cast<int>(dims.size());
  for (size_t k = 0; k < ops.size(); ++k) {
    const int64_t isz = static_cast<int64_t>(ops[k]->itemsize());
    bool scalar = true;
    for (int d = 0; d < w.nd; ++d) scalar = scalar && st[k][d] == 0;
    // Contiguous iff row-major over the merged dims (read at i: one dim of unit stride, or
    // several that another operand kept apart); a row ('r': a bias) iff there are two dims,
    // the first broadcast and the second of unit stride.
    bool contig = true;
    int64_t step = isz;
    for (int d = w.nd - 1; d >= 0; --d) {
      contig = contig && st[k][d] == step;
      step *= dims[d];
    }
    const bool row = w.nd == 2 && st[k][0] == 0 && st[k][1] == isz;
    w.layout += scalar ? 's' : contig ? 'c' : row ? 'r' : 'g';
  }
  const size_t nops = ops.size();
  w.words.assign(walk_words(nops, w.nd), 0);
  for (size_t k = 0; k < nops; ++k) w.words[k] = reinterpret_cast<long long>(ops[k]->data());
  w.words[nops] = shape_size(shape);
  for (int d = 0; d < w.nd; ++d) w.words[nops + 1 + d] = dims[d];
  for (size_t k = 0; k < nops; ++k)
    for (int d = 0; d < w.nd; ++d)
      w.words[nops + 1 + w.nd + k * w.nd + d] = st[k][d] / static_cast<int64_t>(ops[k]->itemsize());
  w.idx32 = shape_size(shape) < (int64_t{1} << 31);
  if (w.idx32)
    for (int d = 1; d < w.nd; ++d) {
      const auto [m, sh] = magic_for(dims[d]);
      w.words[nops + 1 + w.nd + nops * w.nd + 2 * d] = m;
      w.words[nops + 1 + w.nd + nops * w.nd + 2 * d + 1] = sh;
    }
  return w;
}

std::vector<const Array*> operands(const std::vector<Array>& outputs,
                                   const std::vector<Array>& inputs) {
  std::vector<const Array*> ops;
  for (auto& o : outputs) ops.push_back(&o);
  for (auto& x : inputs) ops.push_back(&x);
  return ops;
}

void ew_run(const EwProgram& prog, const Shape& shape, const std::vector<Array>& inputs,
            const std::vector<Array>& outputs, int device) {
  const int64_t n = shape_size(shape);
  if (n == 0) return;
  const std::vector<const Array*> ops = operands(outputs, inputs);
  const Walk w = walk_of(shape, ops);
  // Four items per thread as one aligned vector load/store per operand when nothing is
  // strided: more bytes in flight per thread, what a memory-bound kernel needs to reach the
  // card's bandwidth (scalar loads left ~15% of it unused on an H100).
  bool vector = n >= 4 && w.layout.find('g') == std::string::npos;
  for (size_t k = 0; k < ops.size() && vector; ++k)
    vector = (w.layout[k] != 'c' && w.layout[k] != 'r') ||
             (reinterpret_cast<uintptr_t>(ops[k]->data()) % (4 * ops[k]->itemsize()) == 0 &&
              (w.layout[k] == 'c' || w.words[ops.size() + 2] % 4 == 0));
  const std::string key = program_key(prog) + w.layout + static_cast<char>(w.nd) +
                          (vector ? "v" : "") + (w.idx32 ? "i" : "");
  KernelHandle kern = kernel_for(key, "ax_ew", device, [&] {
    return ew_source(prog, w.layout, w.nd, outputs.size(), vector, w.idx32);
  });
  launch_kernel(kern, device, grid_for(n, 1024, device), 256, w.words);
}

}  // namespace arrax::cuda
