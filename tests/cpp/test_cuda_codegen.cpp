// The CUDA backend's generated kernels, checked without a GPU: every elementwise primitive on
// every dtype it has CUDA code for, a fused program, every reduction, indexing and scan kernel,
// generated as the backend would and compiled together with nvcc for Hopper (sm_90). Built only
// with the CUDA backend; skipped where nvcc is missing. (Their results are checked on the CUDA
// emulator: tests/python/test_cuda.py with ARRAX_CUDA_EMULATOR=1.)
#ifdef ARRAX_WITH_CUDA
#include <doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "primitive.h"

using namespace arrax;

namespace {

const std::vector<DType> kRealDTypes = {
    DType::Bool,     DType::Int8,    DType::Int16,  DType::Int32,  DType::Int64,
    DType::UInt8,    DType::UInt16,  DType::UInt32, DType::UInt64, DType::Float16,
    DType::BFloat16, DType::Float32, DType::Float64};
// With the complex dtypes, whose arithmetic has elementwise kernels too.
const std::vector<DType> kAllDTypes = [] {
  std::vector<DType> all = kRealDTypes;
  all.push_back(DType::Complex64);
  all.push_back(DType::Complex128);
  return all;
}();

// Adds one kernel's source to `all` in a namespace of its own, its kernels (extern "C", so
// shared by every namespace) renamed.
void add(std::string& all, int& n, const std::string& src) {
  const std::string k = std::to_string(n++);
  static const std::regex kernel_name(
      R"re((extern "C" __global__ void (?:__launch_bounds__\([^)]*\) )?)(\w+)\()re");
  const std::string s = std::regex_replace(src, kernel_name, "$1$2_" + k + "(");
  all += "namespace gen" + k + " {\n" + s + "}\n";
}

// The programs of one primitive on one dtype (several conversion targets), if supported.
std::vector<cuda::EwProgram> programs(const Primitive& p, DType dt, std::vector<Params>& keep) {
  std::vector<cuda::EwProgram> out;
  std::vector<std::vector<AbstractValue>> input_sets;
  std::vector<Params> params_sets;
  const Shape shape{4, 5};
  auto av = [&](DType d) { return AbstractValue{shape, d}; };
  if (p.name == "select") {
    input_sets.push_back({av(DType::Bool), av(dt), av(dt)});
    params_sets.push_back({});
  } else if (p.name == "threefry2x32") {
    if (dt != DType::UInt32) return out;
    input_sets.push_back(std::vector<AbstractValue>(4, av(dt)));
    params_sets.push_back({});
  } else if (p.name == "iota") {
    input_sets.push_back({});
    params_sets.push_back(
        Params{{"shape", std::vector<int64_t>{4, 5}}, {"dimension", int64_t{1}}, {"dtype", dt}});
  } else if (p.name == "convert_element_type" || p.name == "bitcast_convert_type") {
    for (DType to : kAllDTypes) {
      if (p.name == "bitcast_convert_type" && itemsize(to) != itemsize(dt)) continue;
      input_sets.push_back({av(dt)});
      params_sets.push_back(Params{{"new_dtype", to}});
    }
  } else if (p.name == "polygamma") {
    input_sets.push_back({av(dt)});
    params_sets.push_back(Params{{"n", int64_t{2}}});
  } else {
    if (p.num_inputs < 0) return out;
    input_sets.push_back(std::vector<AbstractValue>(p.num_inputs, av(dt)));
    params_sets.push_back({});
  }
  for (size_t k = 0; k < input_sets.size(); ++k) {
    keep.push_back(params_sets[k]);
    std::vector<AbstractValue> res;
    try {
      res = p.abstract_eval(input_sets[k], keep.back());
    } catch (const std::exception&) {
      continue;  // no such loop on the CPU either
    }
    cuda::EwProgram prog;
    prog.n_inputs = static_cast<int>(input_sets[k].size());
    cuda::EwOp op{&p, &keep.back(), {}, {}};
    for (size_t i = 0; i < input_sets[k].size(); ++i) {
      prog.dtypes.push_back(input_sets[k][i].dtype);
      op.args.push_back(static_cast<int>(i));
    }
    for (auto& r : res) {
      op.outs.push_back(static_cast<int>(prog.dtypes.size()));
      prog.outputs.push_back(static_cast<int>(prog.dtypes.size()));
      prog.dtypes.push_back(r.dtype);
    }
    prog.ops.push_back(op);
    out.push_back(prog);
  }
  return out;
}

}  // namespace

TEST_CASE("every generated CUDA kernel compiles with nvcc for sm_90") {
  std::string nvcc = "/usr/local/cuda/bin/nvcc";
  if (access(nvcc.c_str(), X_OK) != 0) {
    MESSAGE("nvcc not found: generated kernels not compiled");
    return;
  }
  std::string all = cuda::device_prelude();
  int n = 0, supported = 0;
  std::vector<Params> keep;
  keep.reserve(4096);  // EwOp keeps pointers to these
  for (const Primitive* p : all_primitives()) {
    if (!cuda::has_elementwise_kernel(*p)) continue;
    for (DType dt : kAllDTypes) {
      for (cuda::EwProgram& prog : programs(*p, dt, keep)) {
        if (!cuda::ew_supported(prog)) continue;
        ++supported;
        const size_t nops = prog.outputs.size() + prog.n_inputs;
        for (bool vector : {false, true})
          add(all, n,
              cuda::ew_source(prog, std::string(nops, 'c'), 1, prog.outputs.size(), vector));
      }
    }
  }
  CHECK(supported > 300);
  // General strides and broadcast scalars, on a small fused program: add(x, mul(y, 2)).
  {
    const Primitive &mul = primitive("mul"), &add_p = primitive("add");
    Params none;
    cuda::EwProgram prog;
    prog.dtypes = {DType::Float32, DType::Float32, DType::Float32, DType::Float32, DType::Float32};
    prog.n_inputs = 3;
    prog.ops = {{&mul, &none, {1, 2}, {3}}, {&add_p, &none, {0, 3}, {4}}};
    prog.outputs = {4};
    add(all, n, cuda::ew_source(prog, "gcgs", 3, 1));
    add(all, n, cuda::ew_source(prog, "gcgs", 3, 1, false, /*idx32=*/true));
    add(all, n, cuda::ew_source(prog, "cccs", 1, 1, /*vector=*/true));
    // The same program ending in a sum and a max of its output over rows ...
    for (const char* red : {"reduce_sum", "reduce_max"}) {
      cuda::EwReduction r;
      REQUIRE(cuda::fused_reduction(red, DType::Float32, DType::Float32, 4, r));
      for (bool block : {false, true})
        for (bool idx32 : {false, true})
          add(all, n, cuda::ew_reduce_source(prog, {r, r}, "gcgs", 3, 1, block, idx32));
      // ... and over columns (a bias gradient), general and as 4-item vectors
      add(all, n, cuda::ew_column_reduce_source(prog, {r, r}, "gcgs", 3, 1, /*idx32=*/true));
      add(all, n, cuda::ew_column_reduce_source(prog, {r}, "cccs", 1, 1, false, /*vector=*/true));
    }
  }
  for (const char* kind : {"sum", "prod", "max", "min"})
    for (DType dt : kRealDTypes) {
      if (dt == DType::Bool) continue;
      for (bool tpr : {false, true}) add(all, n, cuda::reduction_source(kind, dt, dt, 2, 2, tpr));
    }
  for (const char* kind : {"and", "or", "max", "min"})
    add(all, n, cuda::reduction_source(kind, DType::Bool, DType::Bool, 1, 1, false));
  add(all, n, cuda::reduction_source("sum", DType::Bool, DType::Int64, 1, 1, false));
  add(all, n, cuda::reduction_source("sum", DType::Float32, DType::Float32, 0, 1, false));
  for (DType dt : {DType::Complex64, DType::Complex128})
    for (const char* kind : {"sum", "prod", "max", "min"})
      for (bool tpr : {false, true}) {
        add(all, n, cuda::reduction_source(kind, dt, dt, 2, 2, tpr));
        if (!tpr) add(all, n, cuda::reduction_source(kind, dt, dt, 1, 1, false, true, true, 4));
      }
  for (DType dt : {DType::Float32, DType::Float64, DType::Float16, DType::Bool})
    for (bool one_launch : {false, true})
      for (int unroll : {1, 4})
        add(all, n,
            cuda::reduction_source("sum", dt, dt == DType::Bool ? DType::Int64 : dt, 1, 1, false,
                                   /*vector=*/true, one_launch, unroll));
  add(all, n,
      cuda::reduction_source("max", DType::Float32, DType::Float32, 2, 2, false, false,
                             /*one_launch=*/true));
  for (const std::string& src : cuda::indexing_sources()) add(all, n, src);
  for (const std::string& src : cuda::scan_sources()) add(all, n, src);
  for (const std::string& src : cuda::sort_sources()) add(all, n, src);
  for (const std::string& src : cuda::pooling_sources()) add(all, n, src);
  for (const std::string& src : cuda::conv_sources()) add(all, n, src);
  for (const std::string& src : cuda::linalg_sources()) add(all, n, src);
  for (const std::string& src : cuda::dot_sources()) add(all, n, src);
  for (const std::string& src : cuda::thin_gemm_sources()) add(all, n, src);
  for (const std::string& src : cuda::cusolver_sources()) add(all, n, src);
  const std::string dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  const std::string path = dir + "/arrax_generated_kernels_" + std::to_string(getpid()) + ".cu";
  std::ofstream(path) << all;
  const std::string cmd = nvcc + " -std=c++17 -arch=sm_90 -diag-suppress 186,177 -c " + path +
                          " -o " + path + ".o 2> " + path + ".log";
  const int rc = std::system(cmd.c_str());
  std::ifstream log(path + ".log");
  std::string text((std::istreambuf_iterator<char>(log)), {});
  INFO("nvcc output:\n" << text.substr(0, 4000));
  CHECK(rc == 0);
  MESSAGE(n << " generated kernels compiled");
  if (rc == 0) {
    std::remove(path.c_str());
    std::remove((path + ".o").c_str());
    std::remove((path + ".log").c_str());
  }
}

TEST_CASE("generated source for an eager add with a broadcast scalar") {
  const Primitive& add_p = primitive("add");
  Params params;
  std::vector<AbstractValue> in = {AbstractValue{Shape{4}, DType::Float64},
                                   AbstractValue{Shape{4}, DType::Float64}};
  auto out = add_p.abstract_eval(in, params);
  cuda::EwProgram prog;
  prog.n_inputs = 2;
  cuda::EwOp op{&add_p, &params, {0, 1}, {2}};
  prog.dtypes = {DType::Float64, DType::Float64, out[0].dtype};
  prog.outputs = {2};
  prog.ops.push_back(op);
  CHECK(cuda::ew_supported(prog));
  CHECK(cuda::ew_supported(prog));
  std::string src = cuda::ew_source(prog, "ccs", 1, 1);
  CHECK(src.find("p2[0]") != std::string::npos);
}
#endif
