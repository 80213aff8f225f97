// CUDA graph replay of jit'd functions (device.h: run_with_graph).
//
// A recorded graph reads and writes fixed addresses, while each call brings new arguments and
// must return new arrays (the caller may keep the last call's results). So the graph starts
// by copying the arguments into buffers it owns and ends by copying its results out, and a
// replay only points those copies at the call's arguments and at freshly allocated results
// (cudaGraphExecMemcpyNodeSetParams1D, host-side updates of the instantiated graph) before
// its one launch. Everything allocated while recording comes from a private pool
// (runtime.cpp), so no other work reuses memory the graph writes while it lives.
//
// The copies cost GPU time (about 2 x the bytes of arguments and results at device
// bandwidth); a graph whose copies would take longer than the launches it saves (a single
// large elementwise kernel, say) is not used, and a timing trial (below) keeps a recorded
// graph only when its replays beat direct runs: a graph saves the host's launch work, which
// counts when the host is the bottleneck, and adds its copies, which count when the GPU is.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {

namespace {

// What a launch costs the host (driver, arrax's dispatch), and what a copy costs the GPU per
// byte (read and written at ~2 TB/s), for deciding whether a graph pays for its copies.
constexpr double kLaunchSeconds = 4e-6;
constexpr double kCopySecondsPerByte = 2.0 / 2.0e12;

std::atomic<bool> g_enabled{[] {
  const char* env = std::getenv("ARRAX_CUDA_GRAPHS");
  return !(env && std::strcmp(env, "0") == 0);
}()};
std::atomic<bool> g_trial{true};
std::atomic<int64_t> g_captured{0}, g_replayed{0}, g_not_recordable{0}, g_not_worth_it{0},
    g_chose_replay{0}, g_chose_direct{0};

// The trial after recording: kTrialCalls replays, then as many direct runs, each call's start
// marked by an event on the stream. The events' spacing is the time per call in each mode,
// whichever of host and GPU is the bottleneck (a GPU-bound step gains nothing from a graph and
// pays for its copies); the faster mode is kept.
constexpr int kTrialCalls = 4;

void check_graph(cudaError_t err, const char* what) {
  check(err, (std::string("jit (CUDA graph): ") + what).c_str());
}

}  // namespace

// One recorded graph: for one device, matmul precision and pattern of committed arguments.
struct Recording {
  int64_t calls = 0;
  bool off = false;  // not recordable, or not worth it: run directly
  int device = -1;
  std::string precision;
  std::vector<bool> committed;  // of the arguments
  std::vector<bool> out_committed;
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  std::vector<Array> inputs;                         // the graph's copies of the arguments
  std::vector<Array> outputs;                        // the results inside the graph (contiguous)
  std::vector<cudaGraphNode_t> in_nodes, out_nodes;  // their copies (null for empty arrays)
  PrivatePool* pool = nullptr;
  std::vector<cudaEvent_t> trial;  // the trial's events (cleared when it has decided)
  bool decided = false;

  void drop_trial() {
    for (cudaEvent_t e : trial) runtime_api().event_destroy(e);
    trial.clear();
  }
  void discard() {
    drop_trial();
    if (exec) runtime_api().graph_exec_destroy(exec);
    if (graph) runtime_api().graph_destroy(graph);
    exec = nullptr;
    graph = nullptr;
    inputs.clear();
    outputs.clear();
    in_nodes.clear();
    out_nodes.clear();
    release_private_pool(pool);  // after the arrays above went back to it
    pool = nullptr;
  }
  ~Recording() { discard(); }
};

// A function's recordings (a training loop may alternate matmul precisions, say).
struct GraphReplay {
  static constexpr size_t kMaxRecordings = 4;
  std::mutex mu;
  std::vector<std::unique_ptr<Recording>> recordings;
};

void set_graphs_enabled(bool on, bool trial) {
  g_enabled = on;
  g_trial = trial;
}
bool graphs_enabled() {
  return g_enabled;
}
GraphStats graph_stats() {
  return GraphStats{g_captured,     g_replayed,     g_not_recordable,
                    g_not_worth_it, g_chose_replay, g_chose_direct};
}

namespace {

// The device all arguments are on, or -1 when they are not all on one GPU.
int gpu_of(const std::vector<Array>& args) {
  int dev = -1;
  for (const Array& a : args) {
    if (!a.buffer() || a.device().kind != DeviceKind::CUDA) return -1;
    if (dev >= 0 && a.device().index != dev) return -1;
    dev = a.device().index;
  }
  return dev;
}

std::vector<bool> committed_of(const std::vector<Array>& xs) {
  std::vector<bool> c;
  for (const Array& x : xs) c.push_back(x.buffer()->committed);
  return c;
}

std::vector<Array> new_results(const Recording& st) {
  std::vector<Array> r;
  for (size_t j = 0; j < st.outputs.size(); ++j) {
    r.push_back(Array::empty(st.outputs[j].shape(), st.outputs[j].dtype(),
                             Device{DeviceKind::CUDA, st.device}));
    r.back().buffer()->committed = st.out_committed[j];
  }
  return r;
}

bool prepare(Recording& st, const std::vector<Array>& args, const std::vector<Array>& results);

// Records run(args) into st and runs it once; false (nothing run, st cleared) when the work
// cannot be recorded or is not worth replaying.
bool record(Recording& st, const std::vector<Array>& args, const GraphRun& run,
            std::vector<Array>& results) {
  const int dev = st.device;
  const Device d{DeviceKind::CUDA, dev};
  const RuntimeApi& api = runtime_api();
  cudaStream_t s = stream(dev);
  row_counters(d);  // made (and zeroed) outside the capture
  std::vector<Array> sources;
  for (const Array& a : args) {
    sources.push_back(a.contiguous());
    st.inputs.push_back(Array::empty(a.shape(), a.dtype(), d));
    st.inputs.back().buffer()->committed = a.buffer()->committed;  // (results inherit it)
  }
  st.pool = new_private_pool(dev);
  check_graph(api.begin_capture(s, cudaStreamCaptureModeRelaxed), "cudaStreamBeginCapture");
  set_capture(st.pool);
  try {
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i].nbytes())
        check_graph(api.memcpy_async(st.inputs[i].data(), sources[i].data(), args[i].nbytes(),
                                     cudaMemcpyDeviceToDevice, s),
                    "cudaMemcpyAsync");
    std::vector<Array> outs = run(st.inputs);
    for (const Array& y : outs) {
      if (gpu_of({y}) != dev) throw CaptureUnsupported("a result off the GPU");
      st.out_committed.push_back(y.buffer()->committed);
      st.outputs.push_back(y.is_c_contiguous() ? y : y.contiguous(true));
    }
    outs.clear();
    set_capture(nullptr);  // the results are the caller's: from the device's own cache
    results = new_results(st);
    for (size_t j = 0; j < results.size(); ++j)
      if (results[j].nbytes())
        check_graph(api.memcpy_async(results[j].data(), st.outputs[j].data(), results[j].nbytes(),
                                     cudaMemcpyDeviceToDevice, s),
                    "cudaMemcpyAsync");
    check_graph(api.end_capture(s, &st.graph), "cudaStreamEndCapture");
  } catch (...) {
    set_capture(nullptr);
    cudaGraph_t partial = nullptr;
    api.end_capture(s, &partial);
    if (partial) api.graph_destroy(partial);
    api.get_last_error();
    results.clear();
    st.discard();
    g_not_recordable += 1;
    return false;
  }
  try {
    if (prepare(st, args, results)) {
      check_graph(api.graph_launch(st.exec, s), "cudaGraphLaunch");
      g_captured += 1;
      return true;
    }
  } catch (const std::exception&) {
    g_not_recordable += 1;  // (it could not be instantiated or launched)
  }
  results.clear();
  st.discard();
  return false;
}

// Finds the copies' nodes in the recorded graph and instantiates it; false when the graph
// is not worth replaying (or its copies are not where they were put).
bool prepare(Recording& st, const std::vector<Array>& args, const std::vector<Array>& results) {
  const RuntimeApi& api = runtime_api();
  size_t n = 0;
  check_graph(api.graph_get_nodes(st.graph, nullptr, &n), "cudaGraphGetNodes");
  std::vector<cudaGraphNode_t> nodes(n);
  check_graph(api.graph_get_nodes(st.graph, nodes.data(), &n), "cudaGraphGetNodes");
  st.in_nodes.assign(args.size(), nullptr);
  st.out_nodes.assign(results.size(), nullptr);
  size_t found = 0;
  for (cudaGraphNode_t node : nodes) {
    cudaGraphNodeType type;
    check_graph(api.node_get_type(node, &type), "cudaGraphNodeGetType");
    if (type != cudaGraphNodeTypeMemcpy) continue;
    cudaMemcpy3DParms p;
    check_graph(api.memcpy_node_get_params(node, &p), "cudaGraphMemcpyNodeGetParams");
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i].nbytes() && p.dstPtr.ptr == st.inputs[i].data() && !st.in_nodes[i]) {
        st.in_nodes[i] = node;
        found += 1;
      }
    for (size_t j = 0; j < results.size(); ++j)
      if (results[j].nbytes() && p.dstPtr.ptr == results[j].data() && !st.out_nodes[j]) {
        st.out_nodes[j] = node;
        found += 1;
      }
  }
  size_t copies = 0;
  double copy_bytes = 0;
  for (const Array& a : args) copies += a.nbytes() ? 1 : 0, copy_bytes += a.nbytes();
  for (const Array& y : results) copies += y.nbytes() ? 1 : 0, copy_bytes += y.nbytes();
  const double launches = static_cast<double>(n - found);
  if (found != copies || launches < 2 ||
      copy_bytes * kCopySecondsPerByte > (launches - 1) * kLaunchSeconds) {
    (found != copies ? g_not_recordable : g_not_worth_it) += 1;
    return false;
  }
  check_graph(api.graph_instantiate(&st.exec, st.graph, 0), "cudaGraphInstantiate");
  return true;
}

}  // namespace

std::vector<Array> run_with_graph(std::shared_ptr<GraphReplay>& state,
                                  const std::vector<Array>& args, const GraphRun& run) {
  if (!g_enabled || capturing()) return run(args);
  const int dev = gpu_of(args);
  if (dev < 0 || args.empty()) return run(args);
  if (!state) state = std::make_shared<GraphReplay>();
  std::unique_lock<std::mutex> lock(state->mu, std::try_to_lock);
  if (!lock.owns_lock()) return run(args);  // (another thread is running it)
  const std::string precision = matmul_precision();
  const std::vector<bool> committed = committed_of(args);
  Recording* found = nullptr;
  for (auto& r : state->recordings)
    if (r->device == dev && r->precision == precision && r->committed == committed) found = r.get();
  if (!found) {
    if (state->recordings.size() >= GraphReplay::kMaxRecordings) return run(args);
    state->recordings.push_back(std::make_unique<Recording>());
    found = state->recordings.back().get();
    found->device = dev;
    found->precision = precision;
    found->committed = committed;
  }
  Recording& st = *found;
  if (st.off) return run(args);
  if (!st.exec) {
    if (++st.calls < 2) return run(args);  // the first call compiles and caches what it needs
    std::vector<Array> results;
    if (record(st, args, run, results)) {
      st.decided = !g_trial;
      return results;
    }
    st.off = true;
    return run(args);
  }
  const RuntimeApi& api = runtime_api();
  if (!st.decided) {
    if (st.trial.size() < 2 * kTrialCalls) {
      cudaEvent_t e;
      check_graph(api.event_create(&e), "cudaEventCreate");
      st.trial.push_back(e);
      check_graph(api.event_record(e, stream(dev)), "cudaEventRecord");
      if (st.trial.size() > kTrialCalls) return run(args);  // the direct half
    } else {
      // Time per call in each mode: the first kTrialCalls - 1 intervals of each half.
      float replay = 0, direct = 0;
      check_graph(api.event_synchronize(st.trial.back()), "cudaEventSynchronize");
      check_graph(api.event_elapsed(&replay, st.trial[0], st.trial[kTrialCalls - 1]),
                  "cudaEventElapsedTime");
      check_graph(api.event_elapsed(&direct, st.trial[kTrialCalls], st.trial.back()),
                  "cudaEventElapsedTime");
      st.drop_trial();
      st.decided = true;
      if (replay > direct) {
        g_chose_direct += 1;
        st.discard();  // (its memory back to the cache)
        st.off = true;
        return run(args);
      }
      g_chose_replay += 1;
    }
  }
  std::vector<Array> sources;
  for (size_t i = 0; i < args.size(); ++i) {
    sources.push_back(args[i].contiguous());
    if (st.in_nodes[i])
      check_graph(api.exec_memcpy_node_set_params_1d(st.exec, st.in_nodes[i], st.inputs[i].data(),
                                                     sources[i].data(), args[i].nbytes(),
                                                     cudaMemcpyDeviceToDevice),
                  "cudaGraphExecMemcpyNodeSetParams1D");
  }
  std::vector<Array> results = new_results(st);
  for (size_t j = 0; j < results.size(); ++j)
    if (st.out_nodes[j])
      check_graph(api.exec_memcpy_node_set_params_1d(st.exec, st.out_nodes[j], results[j].data(),
                                                     st.outputs[j].data(), results[j].nbytes(),
                                                     cudaMemcpyDeviceToDevice),
                  "cudaGraphExecMemcpyNodeSetParams1D");
  check_graph(api.graph_launch(st.exec, stream(dev)), "cudaGraphLaunch");
  g_replayed += 1;
  return results;
}

}  // namespace arrax::cuda
