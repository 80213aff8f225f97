// The emulator's CUDA graphs: see emulator_graphs.h.
#include "backend/cuda/emulator_graphs.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace arrax::cuda::emu {
namespace {

struct Node {
  cudaGraphNodeType type;
  std::function<void()> run;
  void* dst = nullptr;
  const void* src = nullptr;
  size_t n = 0;
  size_t index = 0;  // its place in the graph, and in the graph's instances
  bool enabled = true;
};
struct Graph {
  std::vector<std::unique_ptr<Node>> nodes;
};
struct Exec {
  std::vector<Node> nodes;
};

std::mutex g_mu;
Graph* g_capture = nullptr;  // at most one capture at a time, on one stream
cudaStream_t g_capture_stream = nullptr;
std::map<uintptr_t, cudaStream_t> g_handle_streams;

}  // namespace

bool capturing(cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_capture != nullptr && stream == g_capture_stream;
}

void set_handle_stream(uintptr_t handle, cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_handle_streams[handle] = stream;
}

cudaStream_t handle_stream(uintptr_t handle) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_handle_streams.find(handle);
  return it == g_handle_streams.end() ? nullptr : it->second;
}

void record(cudaGraphNodeType type, std::function<void()> run, void* dst, const void* src,
            size_t n) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto node = std::make_unique<Node>(Node{type, std::move(run), dst, src, n, 0});
  node->index = g_capture->nodes.size();
  g_capture->nodes.push_back(std::move(node));
}

cudaError_t begin_capture(cudaStream_t stream, cudaStreamCaptureMode) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_capture) return cudaErrorIllegalState;
  g_capture = new Graph;
  g_capture_stream = stream;
  return cudaSuccess;
}

cudaError_t end_capture(cudaStream_t stream, cudaGraph_t* graph) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_capture || stream != g_capture_stream) return cudaErrorIllegalState;
  *graph = reinterpret_cast<cudaGraph_t>(g_capture);
  g_capture = nullptr;
  g_capture_stream = nullptr;
  return cudaSuccess;
}

cudaError_t graph_get_nodes(cudaGraph_t graph, cudaGraphNode_t* nodes, size_t* n) {
  auto* g = reinterpret_cast<Graph*>(graph);
  if (!g || !n) return cudaErrorInvalidValue;
  if (!nodes) {
    *n = g->nodes.size();
    return cudaSuccess;
  }
  const size_t k = std::min(*n, g->nodes.size());
  for (size_t i = 0; i < k; ++i) nodes[i] = reinterpret_cast<cudaGraphNode_t>(g->nodes[i].get());
  *n = k;
  return cudaSuccess;
}

cudaError_t node_get_type(cudaGraphNode_t node, cudaGraphNodeType* type) {
  *type = reinterpret_cast<Node*>(node)->type;
  return cudaSuccess;
}

cudaError_t memcpy_node_get_params(cudaGraphNode_t node, cudaMemcpy3DParms* p) {
  const Node* nd = reinterpret_cast<Node*>(node);
  if (nd->type != cudaGraphNodeTypeMemcpy) return cudaErrorInvalidValue;
  *p = cudaMemcpy3DParms{};
  p->dstPtr = make_cudaPitchedPtr(nd->dst, nd->n, nd->n, 1);
  p->srcPtr = make_cudaPitchedPtr(const_cast<void*>(nd->src), nd->n, nd->n, 1);
  p->extent = make_cudaExtent(nd->n, 1, 1);
  p->kind = cudaMemcpyDeviceToDevice;
  return cudaSuccess;
}

cudaError_t graph_instantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
  auto* g = reinterpret_cast<Graph*>(graph);
  if (!g) return cudaErrorInvalidValue;
  auto* e = new Exec;
  for (const auto& nd : g->nodes) e->nodes.push_back(*nd);
  *exec = reinterpret_cast<cudaGraphExec_t>(e);
  return cudaSuccess;
}

cudaError_t exec_memcpy_node_set_params_1d(cudaGraphExec_t exec, cudaGraphNode_t node, void* dst,
                                           const void* src, size_t n, cudaMemcpyKind kind) {
  auto* e = reinterpret_cast<Exec*>(exec);
  const Node* nd = reinterpret_cast<Node*>(node);
  if (!e || nd->index >= e->nodes.size() || nd->type != cudaGraphNodeTypeMemcpy ||
      kind != cudaMemcpyDeviceToDevice || n != nd->n)
    return cudaErrorInvalidValue;
  Node& target = e->nodes[nd->index];
  target.dst = dst;
  target.src = src;
  return cudaSuccess;
}

cudaError_t graph_node_set_enabled(cudaGraphExec_t exec, cudaGraphNode_t node, unsigned on) {
  auto* e = reinterpret_cast<Exec*>(exec);
  const Node* nd = reinterpret_cast<Node*>(node);
  if (!e || !nd || nd->index >= e->nodes.size()) return cudaErrorInvalidValue;
  e->nodes[nd->index].enabled = on != 0;
  return cudaSuccess;
}

cudaError_t graph_launch(cudaGraphExec_t exec, cudaStream_t stream) {
  if (capturing(stream)) return cudaErrorStreamCaptureUnsupported;
  auto* e = reinterpret_cast<Exec*>(exec);
  for (const Node& nd : e->nodes) {
    if (!nd.enabled) continue;
    if (nd.type == cudaGraphNodeTypeMemcpy)
      device_copy(nd.dst, nd.src, nd.n);
    else
      nd.run();
  }
  return cudaSuccess;
}

cudaError_t graph_destroy(cudaGraph_t graph) {
  delete reinterpret_cast<Graph*>(graph);
  return cudaSuccess;
}

cudaError_t graph_exec_destroy(cudaGraphExec_t exec) {
  delete reinterpret_cast<Exec*>(exec);
  return cudaSuccess;
}

namespace {
using Clock = std::chrono::steady_clock;
struct Event {
  Clock::time_point at;
  bool recorded = false;
};
}  // namespace

cudaError_t event_create(cudaEvent_t* e) {
  *e = reinterpret_cast<cudaEvent_t>(new Event);
  return cudaSuccess;
}
cudaError_t event_record(cudaEvent_t e, cudaStream_t stream) {
  if (capturing(stream)) return cudaErrorStreamCaptureUnsupported;
  auto* ev = reinterpret_cast<Event*>(e);
  ev->at = Clock::now();
  ev->recorded = true;
  return cudaSuccess;
}
cudaError_t event_synchronize(cudaEvent_t) {
  return cudaSuccess;
}
cudaError_t event_elapsed(float* ms, cudaEvent_t start, cudaEvent_t end) {
  auto *a = reinterpret_cast<Event*>(start), *b = reinterpret_cast<Event*>(end);
  if (!a->recorded || !b->recorded) return cudaErrorInvalidResourceHandle;
  *ms = std::chrono::duration<float, std::milli>(b->at - a->at).count();
  return cudaSuccess;
}
cudaError_t event_destroy(cudaEvent_t e) {
  delete reinterpret_cast<Event*>(e);
  return cudaSuccess;
}

}  // namespace arrax::cuda::emu
