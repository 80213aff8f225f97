// The CUDA backend's stand-in for builds without the CUDA toolkit (ARRAX_CUDA=OFF): no devices,
// and a clear error from anything that would need one.
#include <stdexcept>

#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {
[[noreturn]] void unavailable(const char* what) {
  throw ValueError(std::string(what) +
                   ": arrax was built without CUDA (rebuild with the CUDA toolkit installed, or "
                   "-DARRAX_CUDA=ON)");
}
}  // namespace

bool built() {
  return false;
}
int device_count() {
  return 0;
}
std::string device_name(int) {
  unavailable("device_name");
}
void* allocate(size_t, int) {
  unavailable("allocate");
}
void deallocate(void*, size_t, int) {}
void memset_zero(void*, size_t, int) {
  unavailable("memset");
}
void copy_bytes(void*, Device, const void*, Device, size_t) {
  unavailable("device_put");
}
void copy_strided(const Array&, const Array&) {
  unavailable("copy");
}
void synchronize(int) {}
MemoryStats memory_stats(int) {
  unavailable("memory_stats");
}
void set_memory_limit(int64_t, int) {
  unavailable("set_memory_limit");
}
void empty_cache(int) {}
void reset_peak_memory(int) {}
struct GraphReplay {};
std::vector<Array> run_with_graph(std::shared_ptr<GraphReplay>&, const std::vector<Array>& args,
                                  const GraphRun& run) {
  return run(args);
}
void set_graphs_enabled(bool, bool) {}
void set_tunable(const std::string&, int) {
  unavailable("set_tunable");
}
std::vector<std::pair<std::string, int>> tunables() {
  return {};
}
bool graphs_enabled() {
  return false;
}
GraphStats graph_stats() {
  return {};
}
GemmStats gemm_stats() {
  return {};
}
namespace {
std::string g_precision = "float32";  // kept so that the setting reads back as it was set
}
void set_matmul_precision(const std::string& p) {
  if (p != "float32" && p != "tf32" && p != "bf16")
    throw ValueError("set_matmul_precision: expected 'float32', 'tf32' or 'bf16', got '" + p + "'");
  g_precision = p;
}
std::string matmul_precision() {
  return g_precision;
}

}  // namespace arrax::cuda
