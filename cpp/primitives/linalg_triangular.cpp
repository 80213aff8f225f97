// Triangular solves over stacks of matrices: op(a) x = b, with op(a) = a, a^T or a^H and only
// a's named triangle read (its diagonal taken as ones with unit_diagonal), for
// scipy.linalg.solve_triangular and lax.linalg.triangular_solve. Like LAPACK's trtrs without
// its check (and like JAX), a zero on the diagonal gives inf/nan instead of an error.
// Its rules (JVP, transpose in b, batching) are in python/arrax/numpy/linalg.py.
#include <Eigen/Core>

#include "primitives/linalg_common.h"

namespace arrax::linalg {
namespace {

// Solves in place with the triangular view of m that `lower`/`unit` name.
template <typename M, typename X>
void solve_in_place(const M& m, bool lower, bool unit, X& x) {
  if (lower && unit)
    m.template triangularView<Eigen::UnitLower>().solveInPlace(x);
  else if (lower)
    m.template triangularView<Eigen::Lower>().solveInPlace(x);
  else if (unit)
    m.template triangularView<Eigen::UnitUpper>().solveInPlace(x);
  else
    m.template triangularView<Eigen::Upper>().solveInPlace(x);
}

void check_operands(const AbstractValue& a, const AbstractValue& b) {
  check_matrix("triangular_solve", a, true);
  if (b.dtype != a.dtype)
    throw TypeError(std::string("triangular_solve: a and b must share a dtype, got ") +
                    dtype_name(a.dtype) + " and " + dtype_name(b.dtype));
  const size_t nd = a.shape.size();
  if (b.shape.size() != nd || b.shape[nd - 2] != a.shape[nd - 1] ||
      !std::equal(a.shape.begin(), a.shape.end() - 2, b.shape.begin()))
    throw ValueError("triangular_solve: b's shape " + shape_str(b.shape) + " does not match a's " +
                     shape_str(a.shape) +
                     " (b must be a stack of matrices with a's batch and rows)");
}

std::vector<Array> triangular_solve_kernel(const std::vector<Array>& in, const Params& p) {
  const Array a = in[0].contiguous(), rhs = in[1].contiguous();
  check_operands({a.shape(), a.dtype()}, {rhs.shape(), rhs.dtype()});
  const bool lower = p.get_int("lower") != 0, unit = p.get_int("unit_diagonal") != 0;
  const int64_t trans = p.get_int("trans");  // 0: a, 1: a^T, 2: a^H
  const int64_t n = a.shape().back(), k = rhs.shape().back();
  const int64_t batch = n ? a.size() / (n * n) : 0;
  Array out = Array::empty(rhs.shape(), rhs.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, n * n * std::max<int64_t>(k, 1), [&](int64_t b) {
      MapC<T> m(a.data_as<T>() + b * n * n, n, n);
      MapM<T> x(out.data_as<T>() + b * n * k, n, k);
      x = MapC<T>(rhs.data_as<T>() + b * n * k, n, k);
      // a's transpose has the other triangle: a lower a^T is upper.
      if (trans == 0)
        solve_in_place(m, lower, unit, x);
      else if (trans == 1)
        solve_in_place(m.transpose(), !lower, unit, x);
      else
        solve_in_place(m.adjoint(), !lower, unit, x);
    });
  });
  return {out};
}

const Primitive& triangular_solve_p = [] {
  Primitive p;
  p.name = "linalg_triangular_solve";
  p.fusion = FusionClass::Opaque;
  p.num_inputs = 2;
  p.abstract_eval = [](const std::vector<AbstractValue>& in, const Params&) {
    check_operands(in[0], in[1]);
    return std::vector<AbstractValue>{av(in[1].shape, in[1].dtype)};
  };
  p.cpu_kernel = triangular_solve_kernel;
  return register_primitive(std::move(p));
}();

}  // namespace
}  // namespace arrax::linalg
