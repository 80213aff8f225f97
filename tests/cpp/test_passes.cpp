// The interpreter levels and the jit's graph passes, from C++.
#include <doctest.h>

#include "primitive.h"
#include "transforms/passes.h"
#include "transforms/staging.h"

using namespace arrax;

namespace {

Array filled(const Shape& s, double v) {
  Array a = Array::empty(s, DType::Float64);
  for (int64_t i = 0; i < a.size(); ++i) a.data_as<double>()[i] = v;
  return a;
}

// Stages f(x) for an f64 argument of shape s.
template <typename F>
ir::Graph stage(const Shape& s, F f) {
  auto interp = std::make_shared<ir::StagingInterpreter>();
  Array x = interp->new_argument(AbstractValue{s, DType::Float64, false, {}});
  return interp->finish(f(x));
}

}  // namespace

TEST_CASE("later interpreters get higher levels, and bind picks the highest") {
  auto outer = std::make_shared<ir::StagingInterpreter>();
  auto inner = std::make_shared<ir::StagingInterpreter>();
  CHECK(inner->level() > outer->level());
  Array a = outer->new_argument(AbstractValue{{3}, DType::Float64, false, {}});
  Array b = inner->new_argument(AbstractValue{{3}, DType::Float64, false, {}});
  // Recorded by the inner interpreter, which sees the outer one's tracer as a constant.
  Array c = arrax::bind(primitive("add"), {a, b})[0];
  ir::Graph g = inner->finish({c});
  REQUIRE(g.eqns.size() == 1);
  CHECK(g.eqns[0].primitive->name == "add");
  CHECK(g.consts.size() == 1);
  CHECK(g.consts[0].is_tracer());
}

TEST_CASE("DCE and CSE remove dead and repeated work, keeping values") {
  const Primitive &sin = primitive("sin"), &exp = primitive("exp"), &add = primitive("add");
  ir::Graph g = stage({4}, [&](const Array& x) {
    arrax::bind(exp, {x});  // dead
    Array s1 = arrax::bind(sin, {x})[0], s2 = arrax::bind(sin, {x})[0];
    return std::vector<Array>{arrax::bind(add, {s1, s2})[0]};
  });
  CHECK(g.eqns.size() == 4);
  ir::Graph o = ir::eliminate_dead_code(ir::eliminate_common_subexpressions(g));
  o.verify();
  CHECK(o.eqns.size() == 2);
  Array x = filled({4}, 0.5);
  CHECK(o.eval({x})[0].data_as<double>()[2] == doctest::Approx(2 * std::sin(0.5)));
}

TEST_CASE("fusion makes one region of an elementwise chain, evaluated tile by tile") {
  const Primitive &sin = primitive("sin"), &mul = primitive("mul"), &tanh = primitive("tanh");
  const Shape s{10000};
  ir::Graph g = stage(s, [&](const Array& x) {
    Array a = arrax::bind(sin, {x})[0];
    Array b = arrax::bind(mul, {a, x})[0];
    return std::vector<Array>{arrax::bind(tanh, {b})[0]};
  });
  ir::Graph f = ir::optimize(g);
  REQUIRE(f.eqns.size() == 1);
  CHECK(f.eqns[0].primitive->name == "fused");
  Array x = filled(s, 0.25);
  Array r = f.eval({x})[0];
  CHECK(r.data_as<double>()[9999] == doctest::Approx(std::tanh(std::sin(0.25) * 0.25)));
}
