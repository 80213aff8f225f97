// The CUDA kernels of the primitives, installed into the registry the first time a GPU is used
// (every primitive is registered by then): generated elementwise kernels for every elementwise
// primitive, the jit's fused regions as one generated kernel each, reductions (reduce.cpp),
// dot_general through cuBLAS (dot.cpp), and the CPU kernels of the primitives that only make
// views, copy (copy_into) or evaluate sub-graphs, which work on any device as they are.
// Primitives left without a CUDA kernel run through run_on_host.
#include <mutex>

#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"
#include "transforms/graph.h"
#include "transforms/passes.h"

namespace arrax::cuda {

std::vector<AbstractValue> avals_of(const std::vector<Array>& in) {
  std::vector<AbstractValue> r;
  for (const Array& a : in) r.push_back(AbstractValue{a.shape(), a.dtype(), false, a.device()});
  return r;
}

namespace {

KernelFn elementwise_kernel(const Primitive* p) {
  return [p](const std::vector<Array>& in, const Params& params) -> std::vector<Array> {
    const std::vector<AbstractValue> out_av = p->abstract_eval(avals_of(in), params);
    EwProgram prog;
    prog.n_inputs = static_cast<int>(in.size());
    EwOp op{p, &params, {}, {}};
    for (size_t k = 0; k < in.size(); ++k) {
      prog.dtypes.push_back(in[k].dtype());
      op.args.push_back(static_cast<int>(k));
    }
    for (const AbstractValue& a : out_av) {
      op.outs.push_back(static_cast<int>(prog.dtypes.size()));
      prog.outputs.push_back(static_cast<int>(prog.dtypes.size()));
      prog.dtypes.push_back(a.dtype);
    }
    prog.ops.push_back(op);
    const Device dev = current_device();
    if (!ew_supported(prog)) return run_on_host(*p, in, params, dev);
    std::vector<Array> outs;
    for (const AbstractValue& a : out_av) outs.push_back(Array::empty(a.shape, a.dtype, dev));
    const Shape& shape = out_av[0].shape;
    ew_run(prog, shape, in, outs, dev.index);
    return outs;
  };
}

// A jit's fused region as one generated kernel: its elementwise operations, and the reductions
// of trailing dims that end it (a block or a thread reduces each row as it computes it, so the
// reduced operand is never written) or of leading dims (a thread adds up a run of each
// column's items as it computes them). Regions with an operation or dtype without CUDA code, or
// reductions over different dims, run their equations one by one (reductions after).
std::vector<Array> fused_kernel(const std::vector<Array>& in, const Params& params) {
  const auto& graph = params.get<GraphList>("graph")[0];
  const ir::Graph& sub = *graph;
  const Shape shape(params.get_ints("shape"));
  const Device dev = current_device();
  EwProgram prog;
  std::vector<int> value_of(sub.vars.size(), -1);
  std::vector<Array> inputs;
  for (size_t i = 0; i < sub.invars.size(); ++i) {
    value_of[sub.invars[i]] = static_cast<int>(prog.dtypes.size());
    prog.dtypes.push_back(sub.vars[sub.invars[i]].dtype);
    inputs.push_back(in[i]);
  }
  const std::vector<Array> consts = sub.device_consts.on(dev, sub.consts);
  for (size_t i = 0; i < sub.constvars.size(); ++i) {
    value_of[sub.constvars[i]] = static_cast<int>(prog.dtypes.size());
    prog.dtypes.push_back(sub.vars[sub.constvars[i]].dtype);
    inputs.push_back(consts[i]);
  }
  prog.n_inputs = static_cast<int>(inputs.size());
  std::vector<EwReduction> reds;
  std::vector<int> reduction_of(sub.vars.size(), -1);  // var -> its reduction's index
  std::vector<Shape> reduced_shapes;
  int64_t row_len = -1;  // the rows' length, or with `columns` the number of columns
  bool columns = false;
  bool ok = shape_size(shape) > 0;
  for (const ir::Eqn& e : sub.eqns) {
    if (!ok) break;
    if (e.primitive->name == "broadcast_in_dim" && sub.vars[e.inputs[0]].shape.empty()) {
      value_of[e.outputs[0]] = value_of[e.inputs[0]];  // scalars are read at every index
      continue;
    }
    if (e.primitive->fusion == FusionClass::Reduction) {
      // Trailing dims (rows) or leading dims (columns), the same for every reduction, of a
      // value of the region's shape.
      ok = ok && e.params.has("axes");
      if (!ok) break;
      const auto& axes = e.params.get_ints("axes");
      const int nd = static_cast<int>(shape.size()), k = static_cast<int>(axes.size());
      const bool trailing = ir::reduces_trailing_dims(e, nd),
                 leading = ir::reduces_leading_dims(e, nd);
      int64_t len = 1;
      for (int j = 0; j < k; ++j)
        if (axes[j] >= 0 && axes[j] < nd) len *= shape[axes[j]];
      // A column reduction's `len` is its number of columns: the items it keeps.
      const int64_t span = trailing ? len : shape_size(shape) / std::max<int64_t>(len, 1);
      const int v = value_of[e.inputs[0]];
      EwReduction r;
      ok = ok && k > 0 && (trailing || leading) &&
           (row_len < 0 || (row_len == span && columns == !trailing)) && v >= 0 &&
           sub.vars[e.inputs[0]].shape == shape &&
           fused_reduction(e.primitive->name, prog.dtypes[v], sub.vars[e.outputs[0]].dtype, v, r);
      row_len = span;
      columns = !trailing;
      reduction_of[e.outputs[0]] = static_cast<int>(reds.size());
      reds.push_back(r);
      reduced_shapes.push_back(sub.vars[e.outputs[0]].shape);
      continue;
    }
    if (e.primitive->fusion != FusionClass::Elementwise) {
      ok = false;
      break;
    }
    EwOp op{e.primitive, &e.params, {}, {}};
    for (int v : e.inputs) op.args.push_back(value_of[v]);
    for (int v : e.outputs) {
      value_of[v] = static_cast<int>(prog.dtypes.size());
      op.outs.push_back(value_of[v]);
      prog.dtypes.push_back(sub.vars[v].dtype);
    }
    prog.ops.push_back(op);
  }
  std::vector<int> out_reduction;  // per region output: its reduction, or -1
  if (ok) {
    for (int v : sub.outvars) {
      out_reduction.push_back(reduction_of[v]);
      if (reduction_of[v] < 0) prog.outputs.push_back(value_of[v]);
    }
    ok = ew_supported(prog);
  }
  if (!ok) {
    auto one_by_one = [&](const ir::Graph& g, const std::vector<Array>& args) {
      std::vector<Array> r = g.eval(args);
      for (Array& y : r)
        if (y.shape() != shape) {
          Array full = Array::empty(shape, y.dtype(), dev);
          copy_into(broadcast_view(y, shape, {}), full);
          y = full;
        }
      return r;
    };
    if (!ir::has_reductions(sub)) return one_by_one(sub, in);
    return ir::run_reductions_after(
        graph, in, [&](const auto& part, const auto& args) { return one_by_one(*part, args); });
  }
  // Region inputs are full-size or 0-d (broadcast over the region).
  std::vector<Array> views;
  for (const Array& x : inputs) views.push_back(x.ndim() == 0 ? broadcast_view(x, shape, {}) : x);
  std::vector<Array> full, reduced;
  for (int v : prog.outputs) full.push_back(Array::empty(shape, prog.dtypes[v], dev));
  if (reds.empty()) {
    ew_run(prog, shape, views, full, dev.index);
    return full;
  }
  for (size_t j = 0; j < reds.size(); ++j)
    reduced.push_back(Array::empty(reduced_shapes[j], reds[j].out, dev));
  if (columns)
    ew_column_reduce_run(prog, reds, shape, row_len, views, full, reduced, dev.index);
  else
    ew_reduce_run(prog, reds, shape, row_len, views, full, reduced, dev.index);
  std::vector<Array> outs;
  size_t next_full = 0;
  for (size_t i = 0; i < sub.outvars.size(); ++i)
    outs.push_back(out_reduction[i] >= 0 ? reduced[out_reduction[i]] : full[next_full++]);
  return outs;
}

}  // namespace

namespace {

// An array of 8- or 16-byte items seen as uint64 words (a trailing dimension of 2 for 16-byte
// items): how complex arrays, which generated kernels have no arithmetic for, are copied.
Array as_words(const Array& a) {
  Shape s = a.shape();
  Strides t = a.strides();
  if (a.itemsize() == 16) {
    s.push_back(2);
    t.push_back(8);
  }
  return Array(a.buffer(), s, t, a.offset(), DType::UInt64);
}

}  // namespace

// A strided copy with conversion, as one generated kernel (complex dtypes included). A copy of
// complex items to the same dtype moves them as 8-byte words (a vectorizable integer copy).
void copy_strided(const Array& src, const Array& dst) {
  if (src.dtype() == dst.dtype() && is_complex(src.dtype()))
    return copy_strided(as_words(src), as_words(dst));
  static const Primitive& convert = primitive("convert_element_type");
  Params params{{"new_dtype", dst.dtype()}};
  EwProgram prog{{src.dtype(), dst.dtype()}, 1, {EwOp{&convert, &params, {0}, {1}}}, {1}};
  ew_run(prog, dst.shape(), {src}, {dst}, dst.device().index);
}

bool has_elementwise_kernel(const Primitive& p) {
  // polygamma and zeta are registered opaque to the jit's fusion (the CPU fuses only what its
  // elementwise loops compute), but are elementwise.
  return p.fusion == FusionClass::Elementwise || p.name == "polygamma" || p.name == "zeta";
}

void install_kernels() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const Primitive* p : all_primitives())
      if (has_elementwise_kernel(*p)) register_cuda_kernel(p->name, elementwise_kernel(p));
    // Views, copies through copy_into, and sub-graph evaluation: device-independent as written.
    for (const char* name :
         {"reshape", "transpose", "broadcast_in_dim", "slice", "rev", "concatenate", "pad",
          "dynamic_slice", "dynamic_update_slice", "cond", "while", "scan", "jit", "custom_call",
          "custom_lin", "custom_linear_solve"})
      if (const Primitive* p = find_primitive(name))  // through the record: no copy of the
        register_cuda_kernel(name, [p](const std::vector<Array>& in, const Params& params) {
          return p->cpu_kernel(in, params);  // kernel (Python ones hold Python objects)
        });
    register_cuda_kernel("fused", fused_kernel);
    install_reduction_kernels();
    install_dot_kernel();
    install_indexing_kernels();
    install_scan_kernels();
    install_sort_kernels();
    install_pooling_kernels();
    install_conv_kernels();
    install_fft_kernels();
    install_linalg_kernels();
  });
}

}  // namespace arrax::cuda
