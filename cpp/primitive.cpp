#include "primitive.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "debug_checks.h"
#include "device.h"
#include "errors.h"

namespace arrax {

Params::Params(std::initializer_list<std::pair<std::string, ParamValue>> items) {
  for (auto& kv : items) set(kv.first, kv.second);
}

Params& Params::set(const std::string& key, ParamValue v) {
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const auto& kv, const std::string& k) { return kv.first < k; });
  if (it != items_.end() && it->first == key)
    it->second = std::move(v);
  else
    items_.insert(it, {key, std::move(v)});
  return *this;
}

bool Params::has(const std::string& key) const {
  for (auto& kv : items_)
    if (kv.first == key) return true;
  return false;
}

const ParamValue& Params::at(const std::string& key) const {
  for (auto& kv : items_)
    if (kv.first == key) return kv.second;
  throw std::out_of_range("Params: no parameter '" + key + "'");
}

size_t Params::hash() const {
  size_t h = 0x9e3779b97f4a7c15ULL;
  auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  for (auto& [k, v] : items_) {
    mix(std::hash<std::string>{}(k));
    mix(v.index());
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
            for (auto e : x) mix(std::hash<int64_t>{}(e));
          } else if constexpr (std::is_same_v<T, DType>) {
            mix(static_cast<size_t>(x));
          } else if constexpr (std::is_same_v<T, GraphList>) {
            for (auto& g : x) mix(std::hash<const void*>{}(g.get()));
          } else if constexpr (std::is_same_v<T, OpaquePtr>) {
            mix(std::hash<const void*>{}(x.get()));
          } else {
            mix(std::hash<T>{}(x));
          }
        },
        v);
  }
  return h;
}

std::string Params::str(const std::function<std::string(const ir::Graph&)>& graph_str) const {
  std::ostringstream os;
  bool first = true;
  for (auto& [k, v] : items_) {
    if (!first) os << " ";
    first = false;
    os << k << "=";
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
            os << shape_str(x);
          } else if constexpr (std::is_same_v<T, DType>) {
            os << dtype_name(x);
          } else if constexpr (std::is_same_v<T, bool>) {
            os << (x ? "True" : "False");
          } else if constexpr (std::is_same_v<T, OpaquePtr>) {
            os << x->str();
          } else if constexpr (std::is_same_v<T, GraphList>) {
            os << "(";
            for (size_t i = 0; i < x.size(); ++i)
              os << (i ? ", " : "") << (graph_str ? graph_str(*x[i]) : std::string("<graph>"));
            os << ")";
          } else {
            os << x;
          }
        },
        v);
  }
  return os.str();
}

std::string AbstractValue::str() const {
  std::string s = std::string(dtype_name(dtype)) + "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  s += "]";
  if (weak_type) s += "{weak}";
  return s;
}

namespace {
struct Registry {
  std::mutex mu;
  std::deque<Primitive> records;  // deque: references stay valid as it grows
  std::unordered_map<std::string, const Primitive*> by_name;
  std::unordered_map<std::string, KernelFn> pending_cuda;  // kernels of unregistered primitives
};
Registry& registry() {
  static Registry r;
  return r;
}
thread_local Interpreter* g_current = nullptr;
thread_local int g_next_level = 0;
thread_local Interpreter* g_dynamic = nullptr;  // see DynamicStagingScope
thread_local int g_dynamic_level = 0;
}  // namespace

const Primitive& register_primitive(Primitive p) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.by_name.count(p.name))
    throw std::logic_error("register_primitive: duplicate '" + p.name + "'");
  auto pending = r.pending_cuda.find(p.name);
  if (pending != r.pending_cuda.end()) {
    p.cuda_kernel = std::move(pending->second);
    r.pending_cuda.erase(pending);
  }
  r.records.push_back(std::move(p));
  const Primitive* rec = &r.records.back();
  r.by_name[rec->name] = rec;
  return *rec;
}

const Primitive* find_primitive(const std::string& name) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second;
}

const Primitive& primitive(const std::string& name) {
  const Primitive* p = find_primitive(name);
  if (!p) throw std::logic_error("primitive: no primitive named '" + name + "'");
  return *p;
}

std::vector<const Primitive*> all_primitives() {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<const Primitive*> out;
  for (auto& p : r.records) out.push_back(&p);
  return out;
}

void register_cuda_kernel(const std::string& name, KernelFn kernel) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.by_name.find(name);
  if (it == r.by_name.end())
    r.pending_cuda[name] = std::move(kernel);
  else
    const_cast<Primitive*>(it->second)->cuda_kernel = std::move(kernel);
}

namespace {
std::mutex g_host_runs_mu;
std::map<std::string, int64_t> g_host_runs;  // under g_host_runs_mu
}  // namespace

std::map<std::string, int64_t> host_runs() {
  std::lock_guard<std::mutex> lock(g_host_runs_mu);
  return g_host_runs;
}

std::vector<Array> run_on_host(const Primitive& p, const std::vector<Array>& inputs,
                               const Params& params, Device dev) {
  {
    std::lock_guard<std::mutex> lock(g_host_runs_mu);
    ++g_host_runs[p.name];
  }
  std::vector<Array> host;
  host.reserve(inputs.size());
  for (const Array& x : inputs) host.push_back(to_host(x));
  std::vector<Array> out;
  {
    DeviceScope on_cpu(Device{});
    out = p.cpu_kernel(host, params);
  }
  for (Array& y : out) y = to_device(y, dev);
  return out;
}

namespace {
// Results computed from committed operands are committed too (JAX's rule; device.h).
std::vector<Array> committed(std::vector<Array> out) {
  for (Array& y : out)
    if (y.buffer()) y.buffer()->committed = true;
  return out;
}
}  // namespace

namespace {
std::atomic<int> g_debug_checks{0};
}  // namespace

void set_debug_checks(int checks) {
  g_debug_checks.store(checks);
}
int debug_checks() {
  return g_debug_checks.load(std::memory_order_relaxed);
}

void check_special_values(const std::string& name, const std::vector<Array>& out) {
  const int checks = debug_checks();
  for (const Array& y : out) {
    if (!y.buffer() || !is_inexact(y.dtype())) continue;
    const Array h = to_host(y).contiguous();
    bool nan = false, inf = false;
    dispatch_dtype(h.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (is_float_v<T> || is_complex_v<T>) {
        const T* d = h.data_as<T>();
        for (int64_t i = 0; i < h.size() && !(nan && inf); ++i) {
          if constexpr (is_complex_v<T>) {
            nan = nan || std::isnan(d[i].real()) || std::isnan(d[i].imag());
            inf = inf || std::isinf(d[i].real()) || std::isinf(d[i].imag());
          } else {
            const double v = static_cast<double>(d[i]);
            nan = nan || std::isnan(v);
            inf = inf || std::isinf(v);
          }
        }
      }
    });
    // (JAX's messages)
    if ((checks & 1) && nan) throw FloatingPointError("invalid value (nan) encountered in " + name);
    if ((checks & 2) && inf) throw FloatingPointError("invalid value (inf) encountered in " + name);
  }
}

std::vector<Array> EvalInterpreter::process(const Primitive& p, const std::vector<Array>& inputs,
                                            const Params& params) {
  if (debug_checks()) {  // (rare: the checks wrap the usual path)
    struct Off {         // the check's own operations run unchecked
      int saved = debug_checks();
      Off() { set_debug_checks(0); }
      ~Off() { set_debug_checks(saved); }
    };
    std::vector<Array> out;
    {
      Off off;
      out = process(p, inputs, params);
    }
    check_special_values(p.name, out);
    return out;
  }
  if (!p.cpu_kernel) throw std::logic_error(p.name + ": no CPU kernel");
  // The common case first: every operand on the CPU (a dispatch costs ~1 us; keep it lean).
  bool all_cpu = true, any_concrete = false, any_committed = false;
  for (const Array& x : inputs) {
    const Buffer* b = x.buffer().get();
    if (!b) continue;
    any_concrete = true;
    all_cpu = all_cpu && b->device.kind == DeviceKind::CPU;
    any_committed = any_committed || b->committed;
  }
  if (all_cpu && (any_concrete || current_device().kind == DeviceKind::CPU)) {
    std::optional<DeviceScope> on_cpu;  // arrays the kernel makes belong on the CPU
    if (current_device().kind != DeviceKind::CPU) on_cpu.emplace(Device{});
    std::vector<Array> out = p.cpu_kernel(inputs, params);
    return any_committed ? committed(std::move(out)) : out;
  }
  bool commit = false;
  const Device dev = execution_device(p.name, inputs, commit);
  DeviceScope scope(dev);
  auto run = [&](const std::vector<Array>& in) {
    if (dev.kind == DeviceKind::CPU) return p.cpu_kernel(in, params);
    if (!p.cuda_kernel) return run_on_host(p, in, params, dev);
    return p.cuda_kernel(in, params);
  };
  bool in_place = true;
  for (const Array& x : inputs) in_place = in_place && (!x.buffer() || x.device() == dev);
  std::vector<Array> out;
  if (in_place) {
    out = run(inputs);
  } else {
    // Uncommitted operands elsewhere (Python scalars, arrays made on another default device)
    // move to where the operation runs.
    std::vector<Array> moved;
    moved.reserve(inputs.size());
    for (const Array& x : inputs) moved.push_back(move_operand(x, dev));
    out = run(moved);
  }
  return commit ? committed(std::move(out)) : out;
}

int new_interpreter_level() {
  return ++g_next_level;
}

Interpreter& current_interpreter() {
  static EvalInterpreter eval;
  return g_current ? *g_current : eval;
}

DynamicStagingScope::DynamicStagingScope(Interpreter* interp, int level)
    : previous_(g_dynamic), previous_level_(g_dynamic_level) {
  g_dynamic = interp;
  g_dynamic_level = interp ? level : 0;
}
DynamicStagingScope::~DynamicStagingScope() {
  g_dynamic = previous_;
  g_dynamic_level = previous_level_;
}
int DynamicStagingScope::current_level() {
  return g_dynamic_level;
}

InterpreterScope::InterpreterScope(Interpreter* interp) : previous_(g_current) {
  g_current = interp;
}
InterpreterScope::~InterpreterScope() {
  g_current = previous_;
}

std::vector<Array> bind(const Primitive& p, const std::vector<Array>& inputs,
                        const Params& params) {
  if (p.num_inputs >= 0 && static_cast<int>(inputs.size()) != p.num_inputs)
    throw std::logic_error(p.name + ": expected " + std::to_string(p.num_inputs) + " inputs, got " +
                           std::to_string(inputs.size()));
  const Tracer* top = nullptr;
  for (const Array& x : inputs)
    if (x.is_tracer() && (!top || x.tracer()->level() > top->level())) top = x.tracer().get();
  if (top) {
    if (g_dynamic && top->level() < g_dynamic_level) return g_dynamic->process(p, inputs, params);
    return top->interpreter().process(p, inputs, params);
  }
  return current_interpreter().process(p, inputs, params);
}

}  // namespace arrax
