// Reductions, scans, argmax/argmin, dot_general, iota and their numpy_api wrappers.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "errors.h"
#include "numpy_api/reductions.h"
#include "primitive.h"

using namespace arrax;

namespace {

template <typename T>
Array make(const Shape& s, const std::vector<T>& v) {
  Array a = Array::empty(s, dtype_of<T>::value);
  REQUIRE(static_cast<int64_t>(v.size()) == a.size());
  for (size_t i = 0; i < v.size(); ++i) a.data_as<T>()[i] = v[i];
  return a;
}

template <typename T>
Array iota_array(const Shape& s, double scale = 1.0, double shift = 0.0) {
  Array a = Array::empty(s, dtype_of<T>::value);
  for (int64_t i = 0; i < a.size(); ++i)
    a.data_as<T>()[i] = static_cast<T>(static_cast<float>(i * scale + shift));
  return a;
}

Array random_f32(const Shape& s, unsigned seed = 1) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Array a = Array::empty(s, DType::Float32);
  for (int64_t i = 0; i < a.size(); ++i) a.data_as<float>()[i] = u(g);
  return a;
}

// Element at a flat C-order index of a possibly strided array, as double.
double at(const Array& a, int64_t flat) {
  int64_t off = 0;
  for (int d = a.ndim() - 1; d >= 0; --d) {
    off += (flat % a.shape()[d]) * a.strides()[d];
    flat /= a.shape()[d];
  }
  const char* p = a.data() + off;
  return dispatch_dtype(a.dtype(), [&](auto tag) -> double {
    using T = decltype(tag);
    if constexpr (is_complex_v<T>)
      return reinterpret_cast<const T*>(p)->real();
    else
      return static_cast<double>(static_cast<float>(*reinterpret_cast<const T*>(p)));
  });
}

std::vector<double> values(const Array& a) {
  std::vector<double> v(a.size());
  for (int64_t i = 0; i < a.size(); ++i) v[i] = at(a, i);
  return v;
}

// Reference reduction in double over `axes` (sorted) with combine f.
std::vector<double> ref_reduce(const Array& a, const std::vector<int64_t>& axes, double init,
                               const std::function<double(double, double)>& f) {
  Shape os;
  for (int d = 0; d < a.ndim(); ++d)
    if (!std::binary_search(axes.begin(), axes.end(), d)) os.push_back(a.shape()[d]);
  std::vector<double> out(shape_size(os), init);
  for (int64_t i = 0; i < a.size(); ++i) {
    int64_t rem = i, o = 0, mul = 1;
    for (int d = a.ndim() - 1; d >= 0; --d) {
      int64_t idx = rem % a.shape()[d];
      rem /= a.shape()[d];
      if (!std::binary_search(axes.begin(), axes.end(), d)) {
        o += idx * mul;
        mul *= a.shape()[d];
      }
    }
    out[o] = f(out[o], at(a, i));
  }
  return out;
}

Array reduce_p(const char* name, const Array& x, const std::vector<int64_t>& axes) {
  return bind1(primitive(name), {x}, Params{{"axes", axes}});
}

Array transposed(const Array& x, const std::vector<int64_t>& perm) {
  return np::transpose(x, perm);
}

void check_close(const std::vector<double>& got, const std::vector<double>& want,
                 double rtol = 1e-5, double atol = 1e-6) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      CHECK(std::isnan(got[i]));
    } else {
      CHECK(std::abs(got[i] - want[i]) <= atol + rtol * std::abs(want[i]));
    }
  }
}

const std::vector<std::vector<int64_t>> kAxesSets3 = {{},     {0},    {1},    {2},
                                                      {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};

}  // namespace

TEST_CASE("reduce_sum/max/min over every axis set, contiguous and strided, several dtypes") {
  auto plus = [](double a, double b) { return a + b; };
  auto mx = [](double a, double b) { return std::max(a, b); };
  auto mn = [](double a, double b) { return std::min(a, b); };
  for (DType dt :
       {DType::Float32, DType::Float64, DType::Int32, DType::Int8, DType::Float16, DType::UInt16}) {
    Array base = astype(iota_array<float>({5, 6, 7}, 0.37, -20.0), dt);
    // Integer data: keep small so int8 sums of partial axes do not wrap (checked separately).
    if (dt == DType::Int8) base = astype(iota_array<float>({5, 6, 7}, 0.01, -1.0), dt);
    if (dt == DType::UInt16) base = astype(iota_array<float>({5, 6, 7}, 0.37, 0.0), dt);
    std::vector<Array> views = {
        base, transposed(base, {2, 0, 1}), transposed(base, {1, 2, 0}),
        base.view({5, 3, 4}, {base.strides()[0], 2 * base.strides()[1], base.strides()[2]},
                  base.offset() + base.strides()[2])};
    for (const Array& v : views)
      for (const auto& axes : kAxesSets3) {
        std::string dtn = dtype_name(dt);
        CAPTURE(dtn);
        CAPTURE(shape_str(v.shape()));
        CAPTURE(shape_str(axes));
        double tol = dt == DType::Float16 ? 2e-3 : 1e-5;
        check_close(values(reduce_p("reduce_sum", v, axes)), ref_reduce(v, axes, 0, plus), tol,
                    1e-2);
        check_close(values(reduce_p("reduce_max", v, axes)), ref_reduce(v, axes, -INFINITY, mx), 0,
                    0);
        check_close(values(reduce_p("reduce_min", v, axes)), ref_reduce(v, axes, INFINITY, mn), 0,
                    0);
      }
  }
}

TEST_CASE("large float32 sums are accurate and use every path") {
  for (Shape s : {Shape{(1 << 20) + 37}, Shape{3, 200001}, Shape{1000, 1000}, Shape{200001, 3},
                  Shape{7, 40000, 2}}) {
    Array x = random_f32(s, 7);
    std::vector<int64_t> all(s.size());
    for (size_t i = 0; i < s.size(); ++i) all[i] = i;
    for (const auto& axes :
         std::vector<std::vector<int64_t>>{all, {0}, {static_cast<int64_t>(s.size()) - 1}}) {
      CAPTURE(shape_str(s));
      CAPTURE(shape_str(axes));
      if (axes.size() == 1 && axes[0] == 0 && s.size() > 1) {
        // A leading axis is added row after row in float32, NumPy's order: exactly that sum
        // (its error grows with the rows, as NumPy's does).
        check_close(
            values(reduce_p("reduce_sum", x, axes)),
            ref_reduce(x, axes, 0,
                       [](double a, double b) {
                         return static_cast<double>(static_cast<float>(a) + static_cast<float>(b));
                       }),
            0, 0);
      } else {
        check_close(values(reduce_p("reduce_sum", x, axes)),
                    ref_reduce(x, axes, 0, [](double a, double b) { return a + b; }), 1e-5, 1e-3);
      }
      check_close(values(reduce_p("reduce_max", x, axes)),
                  ref_reduce(x, axes, -INFINITY, [](double a, double b) { return std::max(a, b); }),
                  0, 0);
    }
  }
  // A constant sum that naive float32 accumulation gets badly wrong.
  Array ones = Array::empty({1 << 24}, DType::Float32);
  std::fill(ones.data_as<float>(), ones.data_as<float>() + ones.size(), 0.1f);
  double got = at(reduce_p("reduce_sum", ones, {0}), 0);
  CHECK(std::abs(got - 0.1 * (1 << 24)) / (0.1 * (1 << 24)) < 1e-6);
}

TEST_CASE("NaN propagates through max/min; integer sums wrap; bool and complex") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Array x = make<float>({2, 3}, {1, nan, 3, 4, 5, 6});
  CHECK(std::isnan(at(reduce_p("reduce_max", x, {0, 1}), 0)));
  auto m0 = values(reduce_p("reduce_min", x, {0}));
  CHECK(m0[0] == 1);
  CHECK(std::isnan(m0[1]));
  auto m1 = values(reduce_p("reduce_max", x, {1}));
  CHECK(std::isnan(m1[0]));
  CHECK(m1[1] == 6);
  // Large contiguous run with a NaN in the middle (vectorised path).
  Array big = random_f32({100000});
  big.data_as<float>()[54321] = nan;
  CHECK(std::isnan(at(reduce_p("reduce_max", big, {0}), 0)));
  CHECK(std::isnan(at(reduce_p("reduce_min", big, {0}), 0)));

  Array i8 = make<int8_t>({4}, {100, 100, 100, -1});
  CHECK(reduce_p("reduce_sum", i8, {0}).data_as<int8_t>()[0] == static_cast<int8_t>(299));
  CHECK(np::sum(i8).data_as<int64_t>()[0] == 299);
  CHECK(np::sum(i8).dtype() == DType::Int64);
  Array u8 = make<uint8_t>({3}, {200, 200, 2});
  CHECK(np::sum(u8).dtype() == DType::UInt64);
  CHECK(np::sum(u8).data_as<uint64_t>()[0] == 402);
  CHECK(np::prod(u8).data_as<uint64_t>()[0] == 80000);

  // Widening sums/products (param "dtype") against a converted copy, over every layout path.
  Array w = astype(iota_array<float>({40, 3000}, 1.0, 0.0), DType::Int16);
  for (const auto& axes : std::vector<std::vector<int64_t>>{{0}, {1}, {0, 1}}) {
    Array r = bind1(primitive("reduce_sum"), {w}, Params{{"axes", axes}, {"dtype", DType::Int64}});
    CHECK(r.dtype() == DType::Int64);
    CHECK(values(r) == values(reduce_p("reduce_sum", astype(w, DType::Int64), axes)));
  }
  Array mask = astype(make<float>({2, 3}, {1, 0, 1, 1, 1, 0}), DType::Bool);
  CHECK(values(np::sum(mask, std::vector<int64_t>{1})) == std::vector<double>{2, 2});
  CHECK(values(np::prod(mask, std::vector<int64_t>{0})) == std::vector<double>{1, 0, 0});
  CHECK(np::sum(mask, std::vector<int64_t>{0}).dtype() == DType::Int64);
  CHECK_THROWS_AS(bind1(primitive("reduce_max"), {w},
                        Params{{"axes", std::vector<int64_t>{0}}, {"dtype", DType::Int64}}),
                  TypeError);
  CHECK_THROWS_AS(bind1(primitive("reduce_sum"), {x},
                        Params{{"axes", std::vector<int64_t>{0}}, {"dtype", DType::Int64}}),
                  TypeError);

  Array b = make<bool>({2, 2}, {true, false, false, false});
  CHECK(np::sum(b).data_as<int64_t>()[0] == 1);
  CHECK(reduce_p("reduce_or", b, {0, 1}).data_as<bool>()[0]);
  CHECK(!reduce_p("reduce_and", b, {0, 1}).data_as<bool>()[0]);
  CHECK_THROWS_AS(reduce_p("reduce_and", x, {0}), TypeError);

  std::vector<complex64> cv;
  for (int i = 0; i < 1000; ++i) cv.emplace_back(static_cast<float>(i), static_cast<float>(-2 * i));
  Array c = make<complex64>({1000}, cv);
  complex64 s = reduce_p("reduce_sum", c, {0}).data_as<complex64>()[0];
  CHECK(s.real() == doctest::Approx(499500.0));
  CHECK(s.imag() == doctest::Approx(-999000.0));
  Array c2 = make<complex128>({3}, {{1, 5}, {2, -1}, {2, 3}});
  CHECK(reduce_p("reduce_max", c2, {0}).data_as<complex128>()[0] == complex128(2, 3));
  CHECK(reduce_p("reduce_prod", c2, {0}).data_as<complex128>()[0] ==
        complex128(1, 5) * complex128(2, -1) * complex128(2, 3));
}

TEST_CASE("argmax/argmin: first extreme, first NaN, every layout") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Array x = make<float>({2, 4}, {1, 7, 7, 2, 3, nan, 9, nan});
  auto am = [](const Array& a, int64_t axis, bool mx = true) {
    return bind1(primitive(mx ? "argmax" : "argmin"), {a},
                 Params{{"axis", axis}, {"index_dtype", DType::Int64}});
  };
  Array r = am(x, 1);
  CHECK(r.data_as<int64_t>()[0] == 1);
  CHECK(r.data_as<int64_t>()[1] == 1);
  Array r0 = am(x, 0, false);
  CHECK(std::vector<int64_t>(r0.data_as<int64_t>(), r0.data_as<int64_t>() + 4) ==
        std::vector<int64_t>{0, 1, 0, 1});
  CHECK(np::argmax(x).data_as<int64_t>()[0] == 5);
  CHECK(np::argmin(make<int32_t>({5}, {4, -2, 8, -2, 0})).data_as<int64_t>()[0] == 1);
  CHECK(np::argmax(make<bool>({3}, {false, true, true})).data_as<int64_t>()[0] == 1);
  // Big run (parallel split), ties across the split point go to the first.
  Array big = Array::empty({1 << 20}, DType::Float32);
  std::fill(big.data_as<float>(), big.data_as<float>() + big.size(), 0.f);
  big.data_as<float>()[1000] = 5;
  big.data_as<float>()[900000] = 5;
  CHECK(np::argmax(big).data_as<int64_t>()[0] == 1000);
  big.data_as<float>()[800000] = nan;
  CHECK(np::argmax(big).data_as<int64_t>()[0] == 800000);
  CHECK(np::argmin(big).data_as<int64_t>()[0] == 800000);
  // Column layout against rows of the transpose.
  Array y = random_f32({300, 70}, 3);
  Array a0 = np::argmax(y, 0), a1 = np::argmax(transposed(y, {1, 0}), 1);
  for (int j = 0; j < 70; ++j) CHECK(a0.data_as<int64_t>()[j] == a1.data_as<int64_t>()[j]);
  Array k = np::argmin(y, 1, true);
  CHECK(k.shape() == Shape{300, 1});
  CHECK(np::argmax(y, std::nullopt, true).shape() == Shape{1, 1});
  CHECK_THROWS_WITH_AS(np::argmax(Array::empty({0}, DType::Float32)),
                       "argmax: attempt to get argmax of an empty sequence", ValueError);
  CHECK(np::argmax(Array::empty({0, 3}, DType::Float32), 1).shape() == Shape{0});
  Array h = astype(make<float>({4}, {1, 3, 3, 2}), DType::Float16);
  CHECK(np::argmax(h).data_as<int64_t>()[0] == 1);
}

TEST_CASE("scans: cumsum/cumprod/cummax/cummin, reverse, axes, dtypes") {
  Array x = make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(values(np::cumsum(x)) == std::vector<double>{1, 3, 6, 10, 15, 21});
  CHECK(values(np::cumsum(x, 0)) == std::vector<double>{1, 2, 3, 5, 7, 9});
  CHECK(values(np::cumsum(x, -1)) == std::vector<double>{1, 3, 6, 4, 9, 15});
  CHECK(values(np::cumprod(x, 1)) == std::vector<double>{1, 2, 6, 4, 20, 120});
  Array rv = bind1(primitive("cumsum"), {x}, Params{{"axis", int64_t{1}}, {"reverse", true}});
  CHECK(values(rv) == std::vector<double>{6, 5, 3, 15, 11, 6});
  Array cm = bind1(primitive("cummax"), {make<int32_t>({5}, {3, 1, 4, 1, 5})},
                   Params{{"axis", int64_t{0}}});
  CHECK(values(cm) == std::vector<double>{3, 3, 4, 4, 5});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Array cn =
      bind1(primitive("cummin"), {make<float>({4}, {3, nan, 1, 0})}, Params{{"axis", int64_t{0}}});
  auto cnv = values(cn);
  CHECK(cnv[0] == 3);
  CHECK(std::isnan(cnv[1]));
  CHECK(std::isnan(cnv[3]));
  Array i8 = make<int8_t>({3}, {100, 100, 100});
  CHECK(np::cumsum(i8).dtype() == DType::Int64);
  CHECK(values(np::cumsum(i8)) == std::vector<double>{100, 200, 300});
  // Strided input, leading-axis scan of a wide array (column blocks) against a reference.
  Array y = random_f32({50, 3000}, 5);
  Array ty = transposed(y, {1, 0});
  Array c0 = np::cumsum(ty, 1);
  REQUIRE(c0.shape() == Shape{3000, 50});
  Array c1 = np::cumsum(y, 0);
  for (int64_t i = 0; i < 3000; i += 97)
    for (int64_t j = 0; j < 50; j += 7)
      CHECK(at(c0, i * 50 + j) == doctest::Approx(at(c1, j * 3000 + i)));
  CHECK(np::cumsum(Array::empty({0, 4}, DType::Float32), 1).shape() == Shape{0, 4});
}

TEST_CASE("numpy_api: sum/prod/mean/var/std, dtypes, keepdims, axes and errors") {
  Array x = make<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(np::sum(x).dtype() == DType::Int64);
  CHECK(np::sum(x).data_as<int64_t>()[0] == 21);
  CHECK(np::sum(x, std::vector<int64_t>{-1}, std::nullopt, true).shape() == Shape{2, 1});
  CHECK(values(np::sum(x, std::vector<int64_t>{0})) == std::vector<double>{5, 7, 9});
  CHECK(np::sum(x, std::vector<int64_t>{0, 1}, DType::Float32).dtype() == DType::Float32);
  CHECK(np::sum(x, std::vector<int64_t>{}).shape() == Shape{2, 3});
  CHECK_THROWS_AS(np::sum(x, std::vector<int64_t>{2}), AxisError);
  CHECK_THROWS_AS(np::sum(x, std::vector<int64_t>{0, -2}), ValueError);
  CHECK(np::prod(x).data_as<int64_t>()[0] == 720);
  CHECK(np::prod(Array::empty({0}, DType::Float32)).data_as<float>()[0] == 1.0f);
  CHECK(np::sum(Array::empty({0}, DType::Float64)).data_as<double>()[0] == 0.0);

  Array m = np::mean(x);
  CHECK(m.dtype() == DType::Float64);
  CHECK(m.data_as<double>()[0] == 3.5);
  CHECK(values(np::mean(x, std::vector<int64_t>{1})) == std::vector<double>{2, 5});
  Array h = astype(make<float>({4}, {1, 2, 3, 4}), DType::Float16);
  CHECK(np::mean(h).dtype() == DType::Float16);
  CHECK(at(np::mean(h), 0) == 2.5);
  CHECK(std::isnan(at(np::mean(Array::empty({0}, DType::Float32)), 0)));

  Array v = np::var(x);
  CHECK(v.dtype() == DType::Float64);
  CHECK(at(v, 0) == doctest::Approx(17.5 / 6));
  CHECK(at(np::var(x, std::nullopt, std::nullopt, false, 1), 0) == doctest::Approx(3.5));
  CHECK(std::isinf(at(np::var(x, std::nullopt, std::nullopt, false, 6), 0)));
  CHECK(values(np::var(make<float>({2, 2}, {1, 3, 2, 2}), std::vector<int64_t>{1})) ==
        std::vector<double>{1, 0});
  if (find_primitive("sqrt"))
    CHECK(at(np::std(x, std::nullopt, std::nullopt, false, 1), 0) ==
          doctest::Approx(std::sqrt(3.5)));
  if (find_primitive("abs")) {
    Array c = make<complex64>({2}, {{1, 1}, {-1, -1}});
    Array vc = np::var(c);
    CHECK(vc.dtype() == DType::Float32);
    CHECK(at(vc, 0) == doctest::Approx(2.0));
  }
}

TEST_CASE("numpy_api: max/min/all/any") {
  Array x = make<float>({2, 3}, {1, 5, 3, 4, 2, 6});
  CHECK(at(np::max(x), 0) == 6);
  CHECK(values(np::min(x, std::vector<int64_t>{0})) == std::vector<double>{1, 2, 3});
  CHECK(np::amax(x, std::vector<int64_t>{1}, true).shape() == Shape{2, 1});
  CHECK_THROWS_WITH_AS(np::max(Array::empty({0, 3}, DType::Float32)),
                       "max: zero-size array to reduction operation maximum which has no identity",
                       ValueError);
  CHECK_THROWS_AS(np::min(Array::empty({3, 0}, DType::Float32), std::vector<int64_t>{1}),
                  ValueError);
  CHECK(np::max(Array::empty({0, 3}, DType::Float32), std::vector<int64_t>{1}).shape() == Shape{0});
  Array b = make<double>({2, 2}, {0, 1, std::nan(""), 0});
  CHECK(values(np::any(b, std::vector<int64_t>{1})) == std::vector<double>{1, 1});
  CHECK(values(np::all(b, std::vector<int64_t>{0})) == std::vector<double>{0, 0});
  // Big bool reductions take the split (per-thread partials) path.
  Array big = Array::empty({1 << 20}, DType::Bool);
  std::fill(big.data_as<bool>(), big.data_as<bool>() + big.size(), false);
  big.data_as<bool>()[900000] = true;
  big.data_as<bool>()[3] = true;
  CHECK(np::any(big).data_as<bool>()[0]);
  CHECK(!np::all(big).data_as<bool>()[0]);
  CHECK(np::max(big).data_as<bool>()[0]);
  CHECK(np::sum(big).data_as<int64_t>()[0] == 2);
  CHECK(np::argmax(big).data_as<int64_t>()[0] == 3);
  CHECK(np::all(Array::empty({0}, DType::Int32)).data_as<bool>()[0]);
  CHECK(!np::any(Array::empty({0}, DType::Int32)).data_as<bool>()[0]);
}

namespace {
std::vector<double> ref_matmul(const Array& a, const Array& b) {  // 2-D
  int64_t M = a.shape()[0], K = a.shape()[1], N = b.shape()[1];
  std::vector<double> r(M * N, 0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < N; ++j) r[i * N + j] += at(a, i * K + k) * at(b, k * N + j);
  return r;
}
}  // namespace

TEST_CASE("dot_general: layouts, dtypes, batches, big products") {
  for (DType dt : {DType::Float32, DType::Float64, DType::Int32, DType::Int8, DType::Float16,
                   DType::Complex64}) {
    Array a = astype(iota_array<float>({5, 7}, 0.25, -3), dt),
          b = astype(iota_array<float>({7, 4}, 0.5, -6), dt);
    std::string dtn = dtype_name(dt);
    CAPTURE(dtn);
    if (dt == DType::Int8 || dt == DType::Int32) {
      a = astype(iota_array<float>({5, 7}, 1, -10), dt);
      b = astype(iota_array<float>({7, 4}, 1, -9), dt);
    }
    auto want = ref_matmul(a, b);
    if (dt == DType::Int8)
      for (auto& w : want) w = static_cast<double>(static_cast<int8_t>(static_cast<int64_t>(w)));
    double tol = dt == DType::Float16 ? 1e-2 : 1e-5;
    check_close(values(np::matmul(a, b)), want, tol, 1e-3);
    // Transposed (column-major) operands.
    Array at_ = np::copy(transposed(a, {1, 0})), bt = np::copy(transposed(b, {1, 0}));
    check_close(values(np::matmul(transposed(at_, {1, 0}), transposed(bt, {1, 0}))), want, tol,
                1e-3);
    check_close(values(np::matmul(a, transposed(bt, {1, 0}))), want, tol, 1e-3);
  }
  // Big enough for the two-thread split; rows and cols.
  for (auto [M, K, N] : {std::tuple{300, 200, 150}, std::tuple{150, 100, 300}}) {
    Array a = random_f32({M, K}, 1), b = random_f32({K, N}, 2);
    check_close(values(np::matmul(a, b)), ref_matmul(a, b), 1e-4, 1e-4);
  }
  // Batched with broadcasting, contracting two dims at once, bool.
  Array a = random_f32({2, 3, 4, 5}, 3), b = random_f32({3, 5, 6}, 4);
  Array r = np::matmul(a, b);
  REQUIRE(r.shape() == Shape{2, 3, 4, 6});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      Array ai = a.view({4, 5}, {a.strides()[2], a.strides()[3]},
                        a.offset() + i * a.strides()[0] + j * a.strides()[1]);
      Array bj = b.view({5, 6}, {b.strides()[1], b.strides()[2]}, b.offset() + j * b.strides()[0]);
      Array ri = r.view({4, 6}, {r.strides()[2], r.strides()[3]},
                        r.offset() + i * r.strides()[0] + j * r.strides()[1]);
      check_close(values(ri), ref_matmul(ai, bj), 1e-5, 1e-5);
    }
  Array c = random_f32({3, 4, 5}, 5), d = random_f32({4, 5, 2}, 6);
  Array cd = bind1(primitive("dot_general"), {c, d},
                   Params{{"lhs_contracting", std::vector<int64_t>{1, 2}},
                          {"rhs_contracting", std::vector<int64_t>{0, 1}},
                          {"lhs_batch", std::vector<int64_t>{}},
                          {"rhs_batch", std::vector<int64_t>{}}});
  REQUIRE(cd.shape() == Shape{3, 2});
  check_close(values(cd), ref_matmul(np::reshape(c, {3, 20}), np::reshape(d, {20, 2})), 1e-5, 1e-5);
  Array bb = make<bool>({2, 2}, {true, false, false, false}),
        bc = make<bool>({2, 2}, {false, true, true, true});
  Array rb = np::matmul(bb, bc);
  CHECK(rb.dtype() == DType::Bool);
  CHECK(values(rb) == std::vector<double>{0, 1, 0, 0});
}

TEST_CASE("numpy_api: matmul/dot shapes and errors") {
  Array m = iota_array<float>({2, 3}), v = iota_array<float>({3});
  CHECK(np::matmul(m, v).shape() == Shape{2});
  CHECK(values(np::matmul(m, v)) == std::vector<double>{5, 14});
  CHECK(np::matmul(v, np::reshape(iota_array<float>({6}), {3, 2})).shape() == Shape{2});
  CHECK(np::matmul(v, v).shape() == Shape{});
  CHECK(at(np::matmul(v, v), 0) == 5);
  CHECK(np::matmul(v, iota_array<float>({4, 3, 2})).shape() == Shape{4, 2});
  CHECK(np::matmul(iota_array<float>({4, 2, 3}), v).shape() == Shape{4, 2});
  CHECK(np::matmul(iota_array<int32_t>({2, 2}), iota_array<float>({2, 2})).dtype() ==
        DType::Float64);
  CHECK_THROWS_WITH_AS(
      np::matmul(iota_array<float>({2, 2}), iota_array<float>({3, 2})),
      "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
      "(n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)",
      ValueError);
  CHECK_THROWS_AS(np::matmul(Array::empty({}, DType::Float32), v), ValueError);
  CHECK_THROWS_AS(np::matmul(iota_array<float>({2, 2, 2}), iota_array<float>({3, 2, 2})),
                  ValueError);
  CHECK(np::dot(v, v).shape() == Shape{});
  CHECK(np::dot(iota_array<float>({2, 3, 4}), iota_array<float>({5, 4, 6})).shape() ==
        Shape{2, 3, 5, 6});
  CHECK(values(np::dot(m, Array(make<float>({}, {2})))) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK_THROWS_WITH_AS(np::dot(iota_array<float>({2, 3}), iota_array<float>({4, 5})),
                       "dot: shapes (2,3) and (4,5) not aligned: 3 (dim 1) != 4 (dim 0)",
                       ValueError);
  CHECK(np::matmul(Array::empty({3, 0}, DType::Float32), Array::empty({0, 2}, DType::Float32))
            .shape() == Shape{3, 2});
  CHECK(values(np::matmul(Array::empty({2, 0}, DType::Float32),
                          Array::empty({0, 2}, DType::Float32))) ==
        std::vector<double>{0, 0, 0, 0});
}

TEST_CASE("iota") {
  Array r =
      bind1(primitive("iota"), {},
            Params{{"dtype", DType::Int32}, {"shape", Shape{2, 3}}, {"dimension", int64_t{1}}});
  CHECK(values(r) == std::vector<double>{0, 1, 2, 0, 1, 2});
  Array r0 =
      bind1(primitive("iota"), {},
            Params{{"dtype", DType::Float32}, {"shape", Shape{3, 2}}, {"dimension", int64_t{0}}});
  CHECK(values(r0) == std::vector<double>{0, 0, 1, 1, 2, 2});
  Array big = bind1(
      primitive("iota"), {},
      Params{{"dtype", DType::Float64}, {"shape", Shape{5000, 7, 3}}, {"dimension", int64_t{1}}});
  CHECK(at(big, 4999 * 21 + 6 * 3 + 2) == 6);
  CHECK_THROWS_AS(
      bind1(primitive("iota"), {},
            Params{{"dtype", DType::Int32}, {"shape", Shape{2}}, {"dimension", int64_t{1}}}),
      ValueError);
}
