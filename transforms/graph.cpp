#include "transforms/graph.h"
#include "device.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "errors.h"

namespace arrax::ir {

std::string short_dtype_name(DType dt) {
  switch (dt) {
    case DType::Bool:
      return "bool";
    case DType::Int8:
      return "i8";
    case DType::Int16:
      return "i16";
    case DType::Int32:
      return "i32";
    case DType::Int64:
      return "i64";
    case DType::UInt8:
      return "u8";
    case DType::UInt16:
      return "u16";
    case DType::UInt32:
      return "u32";
    case DType::UInt64:
      return "u64";
    case DType::Float16:
      return "f16";
    case DType::BFloat16:
      return "bf16";
    case DType::Float32:
      return "f32";
    case DType::Float64:
      return "f64";
    case DType::Complex64:
      return "c64";
    case DType::Complex128:
      return "c128";
  }
  return "?";
}

namespace {

// a, b, ..., z, ba, bb, ... as jaxprs name variables.
std::string var_name(int n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return s;
}

std::string type_str(const AbstractValue& a) {
  std::string s = short_dtype_name(a.dtype) + "[";
  for (size_t i = 0; i < a.shape.size(); ++i) s += (i ? "," : "") + std::to_string(a.shape[i]);
  return s + "]";
}

std::string literal_str(const Array& c) {
  std::ostringstream os;
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T v = *to_host(c).data_as<T>();
    if constexpr (std::is_same_v<T, bool>)
      os << (v ? "True" : "False");
    else if constexpr (is_complex_v<T>)
      os << "(" << v.real() << "+" << v.imag() << "j)";
    else if constexpr (is_half_v<T>)
      os << static_cast<float>(v);
    else if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>)
      os << static_cast<int>(v);
    else
      os << v;
  });
  return os.str() + ":" + short_dtype_name(c.dtype()) + "[]";
}

}  // namespace

std::string Graph::str(int indent) const {
  const std::string pad(indent, ' ');
  std::unordered_map<int, std::string> names;
  std::unordered_map<int, std::string> literals;
  int next = 0;
  auto name = [&](int v) -> std::string {
    auto lit = literals.find(v);
    if (lit != literals.end()) return lit->second;
    auto it = names.find(v);
    if (it == names.end()) it = names.emplace(v, var_name(next++)).first;
    return it->second;
  };
  std::ostringstream os;
  os << "{ lambda ";
  bool first = true;
  for (size_t i = 0; i < constvars.size(); ++i) {
    if (consts[i].ndim() == 0 && !consts[i].is_tracer()) {
      literals[constvars[i]] = literal_str(consts[i]);
      continue;
    }
    os << (first ? "" : " ") << name(constvars[i]) << ":" << type_str(vars[constvars[i]]);
    first = false;
  }
  os << "; ";
  for (size_t i = 0; i < invars.size(); ++i)
    os << (i ? " " : "") << name(invars[i]) << ":" << type_str(vars[invars[i]]);
  os << ". let\n";
  for (const Eqn& e : eqns) {
    os << pad << "    ";
    for (size_t i = 0; i < e.outputs.size(); ++i)
      os << (i ? " " : "") << name(e.outputs[i]) << ":" << type_str(vars[e.outputs[i]]);
    os << " = " << e.primitive->name;
    if (!e.params.items().empty())
      os << "[" << e.params.str([indent](const Graph& g) { return g.str(indent + 6); }) << "]";
    for (int v : e.inputs) os << " " << name(v);
    os << "\n";
  }
  os << pad << "  in (";
  for (size_t i = 0; i < outvars.size(); ++i)
    os << name(outvars[i]) << (outvars.size() == 1 || i + 1 < outvars.size() ? "," : "");
  os << ") }";
  return os.str();
}

Graph Graph::with_consts_as_args() const {
  Graph g = *this;
  g.invars = constvars;
  g.invars.insert(g.invars.end(), invars.begin(), invars.end());
  g.constvars.clear();
  g.consts.clear();
  return g;
}

std::vector<AbstractValue> Graph::in_avals() const {
  std::vector<AbstractValue> r;
  for (int v : invars) r.push_back(vars[v]);
  return r;
}

std::vector<AbstractValue> Graph::out_avals() const {
  std::vector<AbstractValue> r;
  for (int v : outvars) r.push_back(vars[v]);
  return r;
}

void Graph::verify() const {
  std::vector<bool> defined(vars.size(), false);
  auto define = [&](int v, const char* what) {
    if (v < 0 || v >= static_cast<int>(vars.size()))
      throw std::logic_error(std::string("verify: bad ") + what);
    if (defined[v])
      throw std::logic_error(std::string("verify: variable defined twice (") + what + ")");
    defined[v] = true;
  };
  if (consts.size() != constvars.size())
    throw std::logic_error("verify: constvars and consts differ in length");
  for (int v : invars) define(v, "invar");
  for (int v : constvars) define(v, "constvar");
  for (const Eqn& e : eqns) {
    std::vector<AbstractValue> in;
    for (int v : e.inputs) {
      if (v < 0 || v >= static_cast<int>(vars.size()) || !defined[v])
        throw std::logic_error("verify: " + e.primitive->name +
                               " uses a variable before its definition" +
                               // ARRAX_DEBUG_VERIFY=1: the whole graph, for debugging passes
                               (std::getenv("ARRAX_DEBUG_VERIFY") ? "\n" + str() : std::string()));
      in.push_back(vars[v]);
    }
    std::vector<AbstractValue> out = e.primitive->abstract_eval(in, e.params);
    if (out.size() != e.outputs.size())
      throw std::logic_error("verify: " + e.primitive->name + " has the wrong number of outputs");
    for (size_t i = 0; i < out.size(); ++i) {
      const AbstractValue& rec = vars[e.outputs[i]];
      if (out[i].shape != rec.shape || out[i].dtype != rec.dtype)
        throw std::logic_error("verify: " + e.primitive->name + " output " + rec.str() +
                               " differs from its abstract evaluation " + out[i].str());
      define(e.outputs[i], "equation output");
    }
  }
  for (int v : outvars)
    if (v < 0 || v >= static_cast<int>(vars.size()) || !defined[v])
      throw std::logic_error("verify: an output is never defined");
}

namespace {

struct Profile {
  std::mutex mu;
  std::unordered_map<std::string, std::pair<int64_t, double>> by_primitive;
};
Profile& profile() {
  static Profile* p = new Profile();
  return *p;
}
const bool g_profiling = [] {
  const char* e = std::getenv("ARRAX_PROFILE");
  return e && *e && std::string(e) != "0";
}();

}  // namespace

std::vector<std::tuple<std::string, int64_t, double>> profile_report() {
  std::lock_guard<std::mutex> lock(profile().mu);
  std::vector<std::tuple<std::string, int64_t, double>> r;
  for (auto& [name, v] : profile().by_primitive) r.emplace_back(name, v.first, v.second);
  std::sort(r.begin(), r.end(), [](auto& a, auto& b) { return std::get<2>(a) > std::get<2>(b); });
  return r;
}

void profile_reset() {
  std::lock_guard<std::mutex> lock(profile().mu);
  profile().by_primitive.clear();
}

DeviceConsts& DeviceConsts::operator=(const DeviceConsts&) {
  std::lock_guard<std::mutex> lock(mu_);
  copies_.clear();
  return *this;
}

std::vector<Array> DeviceConsts::on(Device d, const std::vector<Array>& consts) {
  auto same = [&](const Copies& c) {
    if (!(c.device == d) || c.sources.size() != consts.size()) return false;
    for (size_t i = 0; i < consts.size(); ++i)
      if (c.sources[i].buffer() != consts[i].buffer() ||
          c.sources[i].offset() != consts[i].offset() ||
          c.sources[i].strides() != consts[i].strides())
        return false;
    return true;
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Copies& c : copies_)
      if (same(c)) return c.arrays;
  }
  Copies c{d, consts, {}};
  bool tracer = false;
  for (const Array& x : consts) {
    tracer = tracer || x.is_tracer();
    c.arrays.push_back(to_device(x, d));
  }
  if (tracer) return c.arrays;
  std::lock_guard<std::mutex> lock(mu_);
  copies_.erase(std::remove_if(copies_.begin(), copies_.end(),
                               [&](const Copies& o) { return o.device == d; }),
                copies_.end());
  copies_.push_back(c);
  return c.arrays;
}

std::vector<Array> Graph::eval(const std::vector<Array>& args) const {
  if (args.size() != invars.size())
    throw TypeError("eval: the graph takes " + std::to_string(invars.size()) + " arguments, got " +
                    std::to_string(args.size()));
  std::vector<Array> env(vars.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const AbstractValue& a = vars[invars[i]];
    if (args[i].shape() != a.shape || args[i].dtype() != a.dtype)
      throw TypeError("eval: argument " + std::to_string(i) + " should be " + a.str());
    env[invars[i]] = args[i];
  }
  // A graph runs on the device of its arguments: operations without array inputs (iota) run
  // there, and captured CPU constants are moved there.
  Device dev = current_device();
  for (const Array& a : args)
    if (a.buffer() && a.device().kind != DeviceKind::CPU) dev = a.device();
  DeviceScope scope(dev);
  const std::vector<Array> on_dev =
      dev.kind == DeviceKind::CPU ? consts : device_consts.on(dev, consts);
  for (size_t i = 0; i < constvars.size(); ++i) env[constvars[i]] = on_dev[i];
  // Liveness: each intermediate is released after its last use, so its memory returns to the
  // allocator (whose cache hands large buffers to later equations) instead of living until
  // the graph ends.
  std::vector<int> last_use(vars.size(), -1);
  for (size_t i = 0; i < eqns.size(); ++i)
    for (int v : eqns[i].inputs) last_use[v] = static_cast<int>(i);
  for (int v : outvars) last_use[v] = static_cast<int>(eqns.size());
  for (size_t k = 0; k < eqns.size(); ++k) {
    const Eqn& e = eqns[k];
    std::vector<Array> in;
    for (int v : e.inputs) in.push_back(env[v]);
    std::vector<Array> out;
    if (g_profiling && !e.primitive->name.empty() && e.primitive->name != "jit") {
      const auto t0 = std::chrono::steady_clock::now();
      out = arrax::bind(*e.primitive, in, e.params);
      const double dt =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::string key = e.primitive->name;
      if (key == "fused") {  // one entry per kind of region: its shape and operations
        key += shape_str(e.params.get_ints("shape"));
        for (const Eqn& m : e.params.get<GraphList>("graph")[0]->eqns)
          if (m.primitive->name != "broadcast_in_dim") key += " " + m.primitive->name;
      }
      std::lock_guard<std::mutex> lock(profile().mu);
      auto& slot = profile().by_primitive[key];
      slot.first += 1;
      slot.second += dt;
    } else {
      out = arrax::bind(*e.primitive, in, e.params);
    }
    // (an interpreter written in Python, or a custom rule, may return another count)
    if (out.size() != e.outputs.size())
      throw ValueError(e.primitive->name + ": returned " + std::to_string(out.size()) +
                       " outputs where its equation has " + std::to_string(e.outputs.size()));
    for (size_t i = 0; i < out.size(); ++i) env[e.outputs[i]] = std::move(out[i]);
    in.clear();
    for (int v : e.inputs)
      if (last_use[v] == static_cast<int>(k)) env[v] = Array();
  }
  std::vector<Array> outs;
  for (int v : outvars) outs.push_back(env[v]);
  return outs;
}

std::vector<Array> Graph::run(const std::vector<Array>& args) const {
  if (args.empty() || args[0].device().kind == DeviceKind::CPU) return eval(args);
  return cuda::run_with_graph(replay.state, args,
                              [this](const std::vector<Array>& a) { return eval(a); });
}

}  // namespace arrax::ir
