// Primitives that carry sub-graphs: jit (a call of a staged function), cond, while and scan.
// Their sub-graphs take constants as leading arguments (Graph::with_consts_as_args), so every
// value a branch or body reads is an operand that transformations see. The CPU kernels run
// the sub-graphs through Graph::eval; the rules that differentiate and batch them are in
// python/arrax/_rules/control_flow.py.
#include "device.h"
#include "errors.h"
#include "transforms/graph.h"

namespace arrax::ir {
namespace {

const Graph& graph_param(const Params& p, const char* key, size_t i = 0) {
  const GraphList& gs = p.get<GraphList>(key);
  if (i >= gs.size()) throw std::logic_error(std::string("missing sub-graph ") + key);
  return *gs[i];
}

void check_args(const char* name, const std::vector<AbstractValue>& got,
                const std::vector<AbstractValue>& want, const char* what) {
  if (got.size() != want.size())
    throw TypeError(std::string(name) + ": " + what + " takes " + std::to_string(want.size()) +
                    " operands, got " + std::to_string(got.size()));
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i].shape != want[i].shape || got[i].dtype != want[i].dtype)
      throw TypeError(std::string(name) + ": " + what + " operand " + std::to_string(i) +
                      " should be " + want[i].str() + ", got " + got[i].str());
}

std::vector<AbstractValue> slice_avals(const std::vector<AbstractValue>& a, size_t from, size_t n) {
  return {a.begin() + from, a.begin() + from + n};
}

int64_t scalar_int(const Array& x) {
  return *to_host(astype(x, DType::Int64)).data_as<int64_t>();
}

// jit(*args; graph): runs a staged function. Its graph may hold constants of its own.
const Primitive& jit_p = register_primitive({
    "jit",
    FusionClass::Opaque,
    -1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      const Graph& g = graph_param(p, "graph");
      check_args("jit", in, g.in_avals(), "the function");
      return g.out_avals();
    },
    [](const std::vector<Array>& in, const Params& p) { return graph_param(p, "graph").eval(in); },
});

// cond(index, *operands; branches): runs branches[clamp(index)] on the operands.
const Primitive& cond_p = register_primitive({
    "cond",
    FusionClass::Opaque,
    -1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      const GraphList& bs = p.get<GraphList>("branches");
      if (in.empty() || in[0].shape.size() != 0 || is_inexact(in[0].dtype))
        throw TypeError("cond: the index (predicate) must be a scalar integer or bool");
      std::vector<AbstractValue> ops(in.begin() + 1, in.end());
      for (auto& b : bs) {
        check_args("cond", ops, b->in_avals(), "a branch");
        auto o0 = bs[0]->out_avals(), o = b->out_avals();
        if (o.size() != o0.size())
          throw TypeError("cond: branches return different numbers of outputs");
        for (size_t i = 0; i < o.size(); ++i)
          if (o[i].shape != o0[i].shape || o[i].dtype != o0[i].dtype)
            throw TypeError("cond: branch outputs differ: " + o0[i].str() + " and " + o[i].str());
      }
      return bs[0]->out_avals();
    },
    [](const std::vector<Array>& in, const Params& p) {
      const GraphList& bs = p.get<GraphList>("branches");
      int64_t i = std::clamp<int64_t>(scalar_int(in[0]), 0, static_cast<int64_t>(bs.size()) - 1);
      return bs[i]->eval(std::vector<Array>(in.begin() + 1, in.end()));
    },
});

// while(*cond_consts, *body_consts, *init; graphs=(cond, body), cond_nconsts, body_nconsts).
std::vector<AbstractValue> while_abstract(const std::vector<AbstractValue>& in, const Params& p) {
  const Graph& c = graph_param(p, "graphs", 0);
  const Graph& b = graph_param(p, "graphs", 1);
  const size_t nc = p.get_int("cond_nconsts"), nb = p.get_int("body_nconsts");
  if (in.size() < nc + nb) throw TypeError("while_loop: too few operands");
  auto carry = slice_avals(in, nc + nb, in.size() - nc - nb);
  auto cin = slice_avals(in, 0, nc);
  cin.insert(cin.end(), carry.begin(), carry.end());
  check_args("while_loop", cin, c.in_avals(), "cond_fun");
  auto bin = slice_avals(in, nc, nb);
  bin.insert(bin.end(), carry.begin(), carry.end());
  check_args("while_loop", bin, b.in_avals(), "body_fun");
  auto co = c.out_avals();
  if (co.size() != 1 || co[0].shape.size() != 0 || co[0].dtype != DType::Bool)
    throw TypeError("while_loop: cond_fun must return a boolean scalar, got " +
                    (co.empty() ? std::string("nothing") : co[0].str()));
  check_args("while_loop", b.out_avals(), carry, "body_fun's output (the carry)");
  return carry;
}

const Primitive& while_p = register_primitive({
    "while",
    FusionClass::Opaque,
    -1,
    while_abstract,
    [](const std::vector<Array>& in, const Params& p) {
      std::vector<AbstractValue> avals;
      for (const Array& a : in) avals.push_back({a.shape(), a.dtype()});
      while_abstract(avals, p);
      const Graph& c = graph_param(p, "graphs", 0);
      const Graph& b = graph_param(p, "graphs", 1);
      const size_t nc = p.get_int("cond_nconsts"), nb = p.get_int("body_nconsts");
      std::vector<Array> carry(in.begin() + nc + nb, in.end());
      std::vector<Array> cargs(in.begin(), in.begin() + nc),
          bargs(in.begin() + nc, in.begin() + nc + nb);
      for (;;) {
        std::vector<Array> a = cargs;
        a.insert(a.end(), carry.begin(), carry.end());
        if (!*to_host(c.eval(a)[0]).data_as<bool>()) break;
        a = bargs;
        a.insert(a.end(), carry.begin(), carry.end());
        carry = b.eval(a);
      }
      return carry;
    },
});

// scan(*consts, *init, *xs; body, num_consts, num_carry, length, reverse): body(consts, carry,
// x[i]) -> (carry, y[i]) for i over the leading axis of xs; returns the final carry and ys.
std::vector<AbstractValue> scan_abstract(const std::vector<AbstractValue>& in, const Params& p) {
  const Graph& b = graph_param(p, "body");
  const size_t nc = p.get_int("num_consts"), nk = p.get_int("num_carry");
  const int64_t length = p.get_int("length");
  if (in.size() < nc + nk) throw TypeError("scan: too few operands");
  std::vector<AbstractValue> bin = slice_avals(in, 0, nc + nk);
  for (size_t i = nc + nk; i < in.size(); ++i) {
    if (in[i].shape.size() == 0 || in[i].shape[0] != length)
      throw ValueError("scan: every xs leaf needs a leading axis of length " +
                       std::to_string(length) + ", got " + in[i].str());
    AbstractValue x = in[i];
    x.shape.erase(x.shape.begin());
    bin.push_back(x);
  }
  check_args("scan", bin, b.in_avals(), "f");
  auto out = b.out_avals();
  if (out.size() < nk) throw TypeError("scan: f must return (carry, y)");
  check_args("scan", slice_avals(out, 0, nk), slice_avals(in, nc, nk), "f's carry output");
  for (size_t i = nk; i < out.size(); ++i) out[i].shape.insert(out[i].shape.begin(), length);
  return out;
}

Array index_leading(const Array& x, int64_t i) {
  Shape s(x.shape().begin() + 1, x.shape().end());
  Strides st(x.strides().begin() + 1, x.strides().end());
  return x.view(s, st, x.offset() + i * x.strides()[0]);
}

std::vector<Array> scan_kernel(const std::vector<Array>& in, const Params& p) {
  const Graph& b = graph_param(p, "body");
  const size_t nc = p.get_int("num_consts"), nk = p.get_int("num_carry");
  const int64_t length = p.get_int("length");
  const bool reverse = p.has("reverse") && p.get<bool>("reverse");
  std::vector<AbstractValue> in_avals;
  for (auto& x : in) in_avals.push_back({x.shape(), x.dtype()});
  std::vector<AbstractValue> out_avals = scan_abstract(in_avals, p);
  std::vector<Array> carry(in.begin() + nc, in.begin() + nc + nk);
  std::vector<Array> ys;
  for (size_t i = nk; i < out_avals.size(); ++i)
    ys.push_back(Array::empty(out_avals[i].shape, out_avals[i].dtype));
  for (int64_t step = 0; step < length; ++step) {
    const int64_t i = reverse ? length - 1 - step : step;
    std::vector<Array> args(in.begin(), in.begin() + nc);
    args.insert(args.end(), carry.begin(), carry.end());
    for (size_t k = nc + nk; k < in.size(); ++k) args.push_back(index_leading(in[k], i));
    std::vector<Array> out = b.eval(args);
    carry.assign(out.begin(), out.begin() + nk);
    for (size_t k = 0; k < ys.size(); ++k) copy_into(out[nk + k], index_leading(ys[k], i));
  }
  carry.insert(carry.end(), ys.begin(), ys.end());
  return carry;
}

const Primitive& scan_p = register_primitive({
    "scan",
    FusionClass::Opaque,
    -1,
    scan_abstract,
    scan_kernel,
});

}  // namespace
}  // namespace arrax::ir
