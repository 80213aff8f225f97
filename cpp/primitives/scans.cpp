// argmax/argmin (params "axis", "index_dtype": int32 or int64; the first extreme wins and the
// first NaN beats everything, as in NumPy) and the scans cumsum/cumprod/cummax/cummin ("axis",
// "reverse"). Scans keep the input dtype (numpy_api picks the accumulator dtype); half types
// scan in float32 and round each output, integers wrap.
#include <algorithm>

#include "errors.h"
#include "kernels/reduce.h"
#include "primitive.h"

namespace arrax {
namespace {

using kernels::kSplitMin;
using kernels::offsets_of;
using kernels::Plan;
using kernels::RDim;
using kernels::RedKind;
using kernels::walk;

// ---- argmax / argmin ------------------------------------------------------------------------

template <bool IsMax, typename T>
void arg_impl(const Array& x, const Plan& pl, int64_t* out) {
  using V = kernels::arg_value_t<T>;
  const char* in = x.data();
  const RDim r = pl.red[0];
  const int nt = num_threads();
  auto load = [](const char* p) { return static_cast<V>(*reinterpret_cast<const T*>(p)); };
  if (!pl.col) {
    if (pl.out_n == 1 && r.n >= kSplitMin && nt > 1) {
      std::vector<int64_t> best(nt, -1);
      kernels::parallel_parts(r.n, nt, [&](int t, int64_t b, int64_t e) {
        if (b < e) best[t] = b + kernels::arg_run<IsMax, T>(in + b * r.st, e - b, r.st);
      });
      int64_t bi = best[0];
      for (int t = 1; t < nt; ++t)
        if (best[t] >= 0 &&
            kernels::arg_better<IsMax>(load(in + best[t] * r.st), load(in + bi * r.st)))
          bi = best[t];
      out[0] = bi;
      return;
    }
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / r.n);
    parallel_for(pl.out_n, grain, [&](int64_t b, int64_t e) {
      walk(pl.outer, b, e, [&](int64_t io, int64_t oo) {
        out[oo] = kernels::arg_run<IsMax, T>(in + io, r.n, r.st);
      });
    });
    return;
  }
  const RDim J = pl.j;
  const int64_t JB = 1024;
  const int64_t nblk = (J.n + JB - 1) / JB;
  const int64_t tasks = (pl.out_n / J.n) * nblk;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / (r.n * std::min(J.n, JB)));
  parallel_for(tasks, grain, [&](int64_t b, int64_t e) {
    auto best = kernels::scratch<V>(std::min(J.n, JB));
    std::vector<int64_t> idx(std::min(J.n, JB));
    for (int64_t t = b; t < e; ++t) {
      const int64_t j0 = (t % nblk) * JB, jn = std::min(JB, J.n - j0);
      auto [io, oo] = offsets_of(pl.outer, t / nblk);
      const char* p = in + io + j0 * J.st;
      for (int64_t j = 0; j < jn; ++j) {
        best[j] = load(p + j * J.st);
        idx[j] = 0;
      }
      for (int64_t i = 1; i < r.n; ++i) {
        const char* q = p + i * r.st;
        for (int64_t j = 0; j < jn; ++j) {
          V v = load(q + j * J.st);
          if (kernels::arg_better<IsMax>(v, best[j])) {
            best[j] = v;
            idx[j] = i;
          }
        }
      }
      for (int64_t j = 0; j < jn; ++j) out[oo + (j0 + j) * J.ost] = idx[j];
    }
  });
}

template <bool IsMax>
const Primitive& register_arg(const char* name) {
  auto out_shape = [name](const Shape& s, const Params& params) {
    const int64_t axis = params.get_int("axis");
    if (axis < 0 || axis >= static_cast<int64_t>(s.size()))
      throw AxisError(std::string(name) + ": axis " + std::to_string(axis) +
                      " is out of bounds for array of dimension " + std::to_string(s.size()));
    DType idt = params.has("index_dtype") ? params.get_dtype("index_dtype") : DType::Int64;
    if (idt != DType::Int64 && idt != DType::Int32)
      throw TypeError(std::string(name) + ": index_dtype must be int32 or int64");
    return kernels::remove_axes(s, {axis});
  };
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Reduction;
  p.num_inputs = 1;
  p.abstract_eval = [out_shape](const std::vector<AbstractValue>& in, const Params& params) {
    AbstractValue r = in[0];
    r.shape = out_shape(in[0].shape, params);
    r.dtype = params.has("index_dtype") ? params.get_dtype("index_dtype") : DType::Int64;
    r.weak_type = false;
    return std::vector<AbstractValue>{r};
  };
  p.cpu_kernel = [name, out_shape](const std::vector<Array>& in, const Params& params) {
    const Array& x = in[0];
    Shape os = out_shape(x.shape(), params);
    const int64_t axis = params.get_int("axis");
    DType idt = params.has("index_dtype") ? params.get_dtype("index_dtype") : DType::Int64;
    Array out = Array::empty(os, DType::Int64);
    if (out.size() == 0) return std::vector<Array>{idt == DType::Int64 ? out : astype(out, idt)};
    if (x.shape()[axis] == 0)
      throw ValueError(std::string(name) + ": attempt to get " + name + " of an empty sequence");
    Plan pl = kernels::make_plan(x, {axis});
    int64_t* o = out.data_as<int64_t>();
    if (pl.red.empty()) {
      std::fill(o, o + out.size(), int64_t{0});
    } else {
      dispatch_dtype(x.dtype(), [&](auto tag) { arg_impl<IsMax, decltype(tag)>(x, pl, o); });
    }
    return std::vector<Array>{idt == DType::Int64 ? out : astype(out, idt)};
  };
  return register_primitive(std::move(p));
}

const Primitive& argmax_p = register_arg<true>("argmax");
const Primitive& argmin_p = register_arg<false>("argmin");

// ---- cumulative ops -------------------------------------------------------------------------

template <RedKind K, typename T>
void scan_impl(const T* x, T* out, int64_t outer, int64_t n, int64_t inner, bool reverse) {
  using S = kernels::scan_acc_t<K, T>;
  if (inner == 1) {
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1));
    parallel_for(outer, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o)
        kernels::scan_run<K, T>(x + o * n, out + o * n, n, 1, reverse);
    });
    return;
  }
  // Column blocks: enough of them to keep every thread busy, at most 4096 wide.
  const int64_t per = (outer * inner + num_threads() - 1) / num_threads();
  const int64_t JB = std::min<int64_t>(4096, std::max<int64_t>(64, std::min(inner, per)));
  const int64_t nblk = (inner + JB - 1) / JB;
  const int64_t grain =
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, n * std::min(inner, JB)));
  parallel_for(outer * nblk, grain, [&](int64_t b, int64_t e) {
    auto acc = kernels::scratch<S>(std::min(inner, JB));
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / nblk, j0 = (t % nblk) * JB, jn = std::min(JB, inner - j0);
      const int64_t off = o * n * inner + j0;
      kernels::scan_cols<K, T>(x + off, out + off, n, jn, inner, reverse, acc.get());
    }
  });
}

template <RedKind K>
const Primitive& register_scan(const char* name) {
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Opaque;
  p.num_inputs = 1;
  p.abstract_eval = [name](const std::vector<AbstractValue>& in, const Params& params) {
    const int64_t axis = params.get_int("axis");
    if (axis < 0 || axis >= static_cast<int64_t>(in[0].shape.size()))
      throw AxisError(std::string(name) + ": axis " + std::to_string(axis) +
                      " is out of bounds for array of dimension " +
                      std::to_string(in[0].shape.size()));
    return std::vector<AbstractValue>{in[0]};
  };
  p.cpu_kernel = [name](const std::vector<Array>& in, const Params& params) {
    const int64_t axis = params.get_int("axis");
    const bool reverse = params.has("reverse") && params.get<bool>("reverse");
    const Array x = in[0].contiguous();
    if (axis < 0 || axis >= x.ndim())
      throw AxisError(std::string(name) + ": axis " + std::to_string(axis) +
                      " is out of bounds for array of dimension " + std::to_string(x.ndim()));
    Array out = Array::empty(x.shape(), x.dtype());
    if (out.size() == 0) return std::vector<Array>{out};
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= x.shape()[d];
    for (int64_t d = axis + 1; d < x.ndim(); ++d) inner *= x.shape()[d];
    dispatch_dtype(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      scan_impl<K, T>(x.data_as<T>(), out.data_as<T>(), outer, x.shape()[axis], inner, reverse);
    });
    return std::vector<Array>{out};
  };
  return register_primitive(std::move(p));
}

const Primitive& cumsum_p = register_scan<RedKind::Sum>("cumsum");
const Primitive& cumprod_p = register_scan<RedKind::Prod>("cumprod");
const Primitive& cummax_p = register_scan<RedKind::Max>("cummax");
const Primitive& cummin_p = register_scan<RedKind::Min>("cummin");

}  // namespace
}  // namespace arrax
