// Devices: the default device, transfers, and the CUDA backend's memory statistics and
// settings. The Python layer (arrax/_devices.py) wraps these in Device objects.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "array_caster.h"
#include "debug_checks.h"
#include "device.h"
#include "errors.h"
#include "primitive.h"

namespace py = pybind11;

namespace arrax::bindings {

namespace {

Device parse_device(const std::string& s) {
  auto colon = s.find(':');
  std::string kind = s.substr(0, colon);
  int index = colon == std::string::npos ? 0 : std::stoi(s.substr(colon + 1));
  if (kind == "cpu") {
    if (index != 0)
      throw ValueError("device: no device " + s + " (there is one CPU device, cpu:0)");
    return Device{};
  }
  if (kind == "cuda" || kind == "gpu") {
    const int n = cuda::device_count();
    if (index < 0 || index >= n)
      throw ValueError("device: no device " + s + " (this machine has " + std::to_string(n) +
                       " CUDA device" + (n == 1 ? "" : "s") +
                       (cuda::built() ? "" : "; arrax was built without CUDA") + ")");
    return Device{DeviceKind::CUDA, index};
  }
  throw ValueError("device: Device not understood: unknown device '" + s +
                   "' (expected 'cpu' or 'cuda:N')");
}

}  // namespace

void init_devices(py::module_& m) {
  m.def("_cuda_built", &cuda::built);
  m.def("_cuda_device_count", &cuda::device_count);
  m.def("_cuda_device_name", &cuda::device_name);
  m.def("_default_device", []() { return default_device().str(); });
  m.def("_set_default_device", [](const std::string& d) { set_default_device(parse_device(d)); });
  m.def("_array_device", [](const Array& a) { return a.device().str(); });
  m.def("_device_put", [](const Array& a, const std::string& d) {
    if (a.is_tracer()) return a;
    Device dev = parse_device(d);
    Array r;
    {
      py::gil_scoped_release release;
      r = to_device(a, dev);
    }
    r.buffer()->committed = true;  // placed explicitly, as jax.device_put commits
    return r;
  });
  m.def("_cuda_synchronize", [](int device) {
    py::gil_scoped_release release;
    cuda::synchronize(device);
  });
  m.def("_cuda_memory_stats", [](int device) {
    cuda::MemoryStats s = cuda::memory_stats(device);
    py::dict d;
    d["bytes_in_use"] = s.in_use;
    d["bytes_cached"] = s.cached;
    d["peak_bytes_in_use"] = s.peak;
    d["bytes_limit"] = s.limit;
    d["num_allocs"] = s.allocations;
    return d;
  });
  m.def("_cuda_set_memory_limit", &cuda::set_memory_limit);
  m.def("_cuda_empty_cache", &cuda::empty_cache);
  m.def("_cuda_reset_peak_memory", &cuda::reset_peak_memory);
  m.def("_set_matmul_precision", &cuda::set_matmul_precision);
  m.def("_cuda_set_graphs", &cuda::set_graphs_enabled, py::arg("on"), py::arg("trial") = true);
  m.def("_cuda_set_tunable", &cuda::set_tunable);
  m.def("_cuda_tunables", [] {
    py::dict d;
    for (const auto& [name, value] : cuda::tunables()) d[py::str(name)] = value;
    return d;
  });
  m.def("_cuda_graphs", &cuda::graphs_enabled);
  m.def("_cuda_graph_stats", [] {
    const cuda::GraphStats s = cuda::graph_stats();
    py::dict d;
    d["captured"] = s.captured;
    d["replayed"] = s.replayed;
    d["not_recordable"] = s.not_recordable;
    d["not_worth_it"] = s.not_worth_it;
    d["chose_replay"] = s.chose_replay;
    d["chose_direct"] = s.chose_direct;
    d["args_in_place"] = s.args_in_place;
    d["args_copied"] = s.args_copied;
    return d;
  });
  m.def("_host_runs", [] {
    py::dict d;
    for (const auto& [name, n] : host_runs()) d[py::str(name)] = n;
    return d;
  });
  m.def("_cuda_gemm_stats", [] {
    const cuda::GemmStats s = cuda::gemm_stats();
    py::dict d;
    d["cublaslt"] = s.cublaslt;
    d["cublas"] = s.cublas;
    d["problems"] = s.problems;
    d["timed"] = s.timed;
    d["thin"] = s.thin;
    d["thin_timed"] = s.thin_timed;
    return d;
  });
  m.def("_matmul_precision", &cuda::matmul_precision);
  // jax_debug_nans / jax_debug_infs (arrax.config): bit 1 NaNs, bit 2 infinities.
  m.def("_set_debug_checks", &set_debug_checks);
  m.def("_debug_checks", &debug_checks);
  m.def("_check_special_values", &check_special_values);
}

}  // namespace arrax::bindings
