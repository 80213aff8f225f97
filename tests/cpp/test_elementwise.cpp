// Elementwise primitives bound directly (no numpy_api): values, output dtypes and NumPy edge cases.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "errors.h"
#include "primitive.h"

using namespace arrax;

namespace {

template <typename T>
Array make(std::initializer_list<T> values) {
  Array a = Array::empty({static_cast<int64_t>(values.size())}, dtype_of<T>::value);
  T* p = a.data_as<T>();
  for (const T& v : values) *p++ = v;
  return a;
}

template <typename T>
T at(const Array& a, int64_t i) {
  return *reinterpret_cast<const T*>(a.data() + i * a.strides()[0]);
}

Array un(const char* name, const Array& x) {
  return bind1(primitive(name), {x});
}
Array bin(const char* name, const Array& x, const Array& y) {
  return bind1(primitive(name), {x, y});
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("elementwise: exp/log/sin on float32 and float64") {
  Array x = make<float>({0.f, 1.f, -2.5f, 10.f, -200.f, INFINITY, -INFINITY, NAN});
  Array e = un("exp", x);
  CHECK(e.dtype() == DType::Float32);
  CHECK(at<float>(e, 0) == 1.f);
  CHECK(at<float>(e, 1) == doctest::Approx(std::exp(1.0)).epsilon(1e-6));
  CHECK(at<float>(e, 2) == doctest::Approx(std::exp(-2.5)).epsilon(1e-6));
  CHECK(at<float>(e, 3) == doctest::Approx(std::exp(10.0)).epsilon(1e-6));
  CHECK(at<float>(e, 4) == 0.f);  // underflow is exact zero, not Eigen's clamped value
  CHECK(at<float>(e, 5) == INFINITY);
  CHECK(at<float>(e, 6) == 0.f);
  CHECK(std::isnan(at<float>(e, 7)));

  Array d = make<double>({0.5, 1.0, 1e-310, 0.0, -1.0});
  Array l = un("log", d);
  CHECK(at<double>(l, 0) == doctest::Approx(std::log(0.5)).epsilon(1e-15));
  CHECK(at<double>(l, 1) == 0.0);
  CHECK(at<double>(l, 2) == doctest::Approx(std::log(1e-310)).epsilon(1e-15));  // subnormal input
  CHECK(at<double>(l, 3) == -kInf);
  CHECK(std::isnan(at<double>(l, 4)));

  // Long enough to take the SIMD path, then compared with libm.
  Array big = Array::empty({1000}, DType::Float32);
  for (int i = 0; i < 1000; ++i) big.data_as<float>()[i] = -20.f + 0.04f * static_cast<float>(i);
  Array s = un("sin", big);
  for (int i = 0; i < 1000; ++i)
    CHECK(at<float>(s, i) ==
          doctest::Approx(std::sin(static_cast<double>(at<float>(big, i)))).epsilon(1e-6).scale(1));
}

TEST_CASE("elementwise: half types compute in float32 and keep their dtype") {
  Array x = make<float16>({float16(0.5f), float16(2.f)});
  Array r = un("sqrt", x);
  CHECK(r.dtype() == DType::Float16);
  CHECK(static_cast<float>(at<float16>(r, 1)) == doctest::Approx(1.41421356).epsilon(1e-3));
  Array b = un("exp", make<bfloat16>({bfloat16(1.f)}));
  CHECK(b.dtype() == DType::BFloat16);
  CHECK(static_cast<float>(at<bfloat16>(b, 0)) == doctest::Approx(2.71828).epsilon(1e-2));
}

TEST_CASE("elementwise: complex math and complex -> real outputs") {
  using C = complex128;
  Array z = make<C>({C(3, 4), C(0, 0), C(kInf, kNaN), C(-1, 0)});
  Array a = un("abs", z);
  CHECK(a.dtype() == DType::Float64);
  CHECK(at<double>(a, 0) == 5.0);
  Array s = un("sign", z);
  CHECK(at<C>(s, 0) == C(0.6, 0.8));
  CHECK(at<C>(s, 1) == C(0, 0));
  CHECK(at<C>(s, 2) == C(1, 0));  // NumPy: an infinite real part decides
  Array re = un("real", z), im = un("imag", z);
  CHECK(re.dtype() == DType::Float64);
  CHECK(at<double>(re, 0) == 3.0);
  CHECK(at<double>(im, 0) == 4.0);
  Array sq = un("sqrt", z);
  CHECK(at<C>(sq, 3).real() == doctest::Approx(0.0));
  CHECK(at<C>(sq, 3).imag() == doctest::Approx(1.0));
  Array rc = un("reciprocal", make<C>({C(0, 2)}));
  CHECK(at<C>(rc, 0) == C(0, -0.5));
  Array l2 = un("log2", make<complex64>({complex64(8.f, 0.f)}));
  CHECK(at<complex64>(l2, 0).real() == doctest::Approx(3.0).epsilon(1e-6));
}

TEST_CASE("elementwise: integer semantics of unary arithmetic") {
  Array x = make<int8_t>({-128, -1, 0, 1, 2, 127});
  Array n = un("neg", x);
  CHECK(at<int8_t>(n, 0) == -128);  // wraps
  CHECK(at<int8_t>(n, 1) == 1);
  CHECK(at<int8_t>(un("abs", x), 0) == -128);
  Array sg = un("sign", x);
  CHECK(at<int8_t>(sg, 0) == -1);
  CHECK(at<int8_t>(sg, 2) == 0);
  CHECK(at<int8_t>(sg, 5) == 1);
  Array rc = un("reciprocal", x);
  CHECK(at<int8_t>(rc, 1) == -1);
  CHECK(at<int8_t>(rc, 2) == 0);  // NumPy gives 0 for int8 1/0
  CHECK(at<int8_t>(rc, 3) == 1);
  CHECK(at<int8_t>(rc, 4) == 0);
  CHECK(at<int32_t>(un("reciprocal", make<int32_t>({0})), 0) ==
        std::numeric_limits<int32_t>::min());
  CHECK(at<int8_t>(un("not", x), 2) == -1);
  CHECK(at<bool>(un("not", make<bool>({true, false})), 1) == true);
  CHECK(un("floor", x).dtype() == DType::Int8);
  CHECK(at<int8_t>(un("floor", x), 4) == 2);
  CHECK_THROWS_AS(un("neg", make<bool>({true})), TypeError);
  CHECK_THROWS_AS(un("sin", x), TypeError);
}

TEST_CASE("elementwise: rounding is half to even") {
  Array x = make<double>({0.5, 1.5, 2.5, -0.5, -2.7});
  Array r = un("round", x);
  CHECK(at<double>(r, 0) == 0.0);
  CHECK(at<double>(r, 1) == 2.0);
  CHECK(at<double>(r, 2) == 2.0);
  CHECK(std::signbit(at<double>(r, 3)));
  CHECK(at<double>(r, 4) == -3.0);
  CHECK(at<double>(un("trunc", x), 4) == -2.0);
  CHECK(at<double>(un("ceil", x), 4) == -2.0);
  CHECK(at<double>(un("floor", x), 4) == -3.0);
}

TEST_CASE("elementwise: predicates") {
  Array x = make<float>({1.f, NAN, INFINITY, -0.f});
  Array nan = un("is_nan", x), inf = un("is_inf", x), fin = un("is_finite", x),
        sb = un("signbit", x);
  CHECK(nan.dtype() == DType::Bool);
  CHECK((!at<bool>(nan, 0) && at<bool>(nan, 1) && !at<bool>(nan, 2)));
  CHECK((!at<bool>(inf, 1) && at<bool>(inf, 2)));
  CHECK((at<bool>(fin, 0) && !at<bool>(fin, 1) && !at<bool>(fin, 2) && at<bool>(fin, 3)));
  CHECK((at<bool>(sb, 3) && !at<bool>(sb, 0)));
  Array i = make<int32_t>({5});
  CHECK(!at<bool>(un("is_nan", i), 0));
  CHECK(at<bool>(un("is_finite", i), 0));
  CHECK(at<bool>(un("is_inf", make<complex64>({complex64(NAN, INFINITY)})), 0));
  CHECK_THROWS_AS(un("signbit", i), TypeError);
}

TEST_CASE("elementwise: binary float math") {
  Array a = make<double>({kInf, -kInf, 1.0, kNaN}), b = make<double>({kInf, -kInf, 2.0, 0.0});
  Array l = bin("logaddexp", a, b);
  CHECK(at<double>(l, 0) == kInf);
  CHECK(at<double>(l, 1) == -kInf);
  CHECK(at<double>(l, 2) ==
        doctest::Approx(std::log(std::exp(1.0) + std::exp(2.0))).epsilon(1e-14));
  CHECK(std::isnan(at<double>(l, 3)));
  Array l2 = bin("logaddexp2", make<float>({3.f}), make<float>({3.f}));
  CHECK(at<float>(l2, 0) == 4.f);
  CHECK(at<double>(bin("hypot", make<double>({3}), make<double>({4})), 0) == 5.0);
  CHECK(at<double>(bin("atan2", make<double>({1}), make<double>({-1})), 0) ==
        doctest::Approx(3 * M_PI / 4));
  CHECK(at<double>(bin("copysign", make<double>({2}), make<double>({-0.0})), 0) == -2.0);
  CHECK_THROWS_AS(bin("hypot", make<int32_t>({3}), make<int32_t>({4})), TypeError);
}

TEST_CASE("elementwise: nextafter steps in the input's precision") {
  Array h = bin("nextafter", make<float16>({float16(1.f), float16(0.f), float16(1.f)}),
                make<float16>({float16(2.f), float16(-1.f), float16(1.f)}));
  CHECK(h.dtype() == DType::Float16);
  CHECK(static_cast<float>(at<float16>(h, 0)) == 1.f + 1.f / 1024.f);     // one float16 ulp
  CHECK(static_cast<float>(at<float16>(h, 1)) == -std::ldexp(1.f, -24));  // smallest subnormal
  CHECK(static_cast<float>(at<float16>(h, 2)) == 1.f);
  Array bf = bin("nextafter", make<bfloat16>({bfloat16(1.f)}), make<bfloat16>({bfloat16(0.f)}));
  CHECK(static_cast<float>(at<bfloat16>(bf, 0)) == 1.f - 1.f / 256.f);
  Array f = bin("nextafter", make<float>({1.f}), make<float>({2.f}));
  CHECK(at<float>(f, 0) == std::nextafter(1.f, 2.f));
}

TEST_CASE("elementwise: comparisons") {
  Array a = make<double>({1.0, kNaN, 2.0}), b = make<double>({1.0, kNaN, 3.0});
  CHECK(at<bool>(bin("eq", a, b), 0));
  CHECK(!at<bool>(bin("eq", a, b), 1));
  CHECK(at<bool>(bin("ne", a, b), 1));
  CHECK(!at<bool>(bin("lt", a, b), 1));
  CHECK(!at<bool>(bin("ge", a, b), 1));
  CHECK(at<bool>(bin("lt", a, b), 2));
  CHECK(at<bool>(bin("le", a, b), 0));
  CHECK(!at<bool>(bin("gt", a, b), 2));
  using C = complex128;
  Array x = make<C>({C(1, 5), C(1, 1), C(1, kNaN)}), y = make<C>({C(2, 0), C(1, 2), C(2, 0)});
  Array lt = bin("lt", x, y);
  CHECK(lt.dtype() == DType::Bool);
  CHECK(at<bool>(lt, 0));   // real parts decide
  CHECK(at<bool>(lt, 1));   // then imaginary parts
  CHECK(!at<bool>(lt, 2));  // NaN imaginary part: false
  Array u = make<uint8_t>({0, 255}), v = make<uint8_t>({1, 254});
  CHECK(at<bool>(bin("lt", u, v), 0));
  CHECK(at<bool>(bin("gt", u, v), 1));
}

TEST_CASE("elementwise: bitwise, logical and shifts") {
  Array a = make<int16_t>({0x0f0f, -1}), b = make<int16_t>({0x00ff, 5});
  CHECK(at<int16_t>(bin("and", a, b), 0) == 0x000f);
  CHECK(at<int16_t>(bin("or", a, b), 0) == 0x0fff);
  CHECK(at<int16_t>(bin("xor", a, b), 1) == static_cast<int16_t>(~5));
  Array t = make<bool>({true, true, false}), f = make<bool>({true, false, false});
  CHECK(at<bool>(bin("xor", t, f), 1));
  CHECK(!at<bool>(bin("xor", t, f), 0));
  CHECK(at<bool>(bin("or", t, f), 1));
  CHECK(!at<bool>(bin("and", t, f), 1));
  CHECK_THROWS_AS(bin("and", make<float>({1.f}), make<float>({1.f})), TypeError);

  Array x = make<int8_t>({1, 1, -8, -8, 8, 1, 3}), s = make<int8_t>({9, 7, 10, -1, -1, -1, 1});
  Array l = bin("shift_left", x, s), r = bin("shift_right", x, s);
  CHECK(at<int8_t>(l, 0) == 0);     // np.left_shift(np.int8(1), 9)
  CHECK(at<int8_t>(l, 1) == -128);  // into the sign bit
  CHECK(at<int8_t>(r, 2) == -1);    // np.right_shift(np.int8(-8), 10)
  CHECK(at<int8_t>(r, 3) == -1);    // negative amounts count as too large
  CHECK(at<int8_t>(r, 4) == 0);
  CHECK(at<int8_t>(l, 5) == 0);
  CHECK(at<int8_t>(l, 6) == 6);
  CHECK(at<int8_t>(r, 6) == 1);
  Array ur = bin("shift_right", make<uint64_t>({1ull << 63, 1ull << 63}), make<uint64_t>({63, 64}));
  CHECK(at<uint64_t>(ur, 0) == 1);
  CHECK(at<uint64_t>(ur, 1) == 0);
  CHECK_THROWS_AS(bin("shift_left", make<bool>({true}), make<bool>({true})), TypeError);
}

TEST_CASE("elementwise: select") {
  Array c = make<bool>({true, false, true, false});
  Array a = make<complex128>({{1, 1}, {2, 2}, {3, 3}, {4, 4}}),
        b = make<complex128>({{-1, 0}, {-2, 0}, {-3, 0}, {-4, 0}});
  Array r = bind1(primitive("select"), {c, a, b});
  CHECK(r.dtype() == DType::Complex128);
  CHECK(at<complex128>(r, 0) == complex128(1, 1));
  CHECK(at<complex128>(r, 1) == complex128(-2, 0));
  CHECK(at<complex128>(r, 3) == complex128(-4, 0));

  // A broadcast (zero-stride) condition and a strided on_true view.
  Array one = make<bool>({false});
  Array cb = one.view({4}, {0}, one.offset());
  Array wide = make<int16_t>({10, 0, 11, 0, 12, 0, 13, 0});
  Array av = wide.view({4}, {4}, wide.offset());
  Array bv = make<int16_t>({-1, -2, -3, -4});
  Array r2 = bind1(primitive("select"), {cb, av, bv});
  CHECK(at<int16_t>(r2, 2) == -3);
  Array r3 = bind1(primitive("select"), {make<bool>({true, true, false, true}), av, bv});
  CHECK(at<int16_t>(r3, 1) == 11);
  CHECK(at<int16_t>(r3, 2) == -3);
  CHECK(at<int16_t>(r3, 3) == 13);

  CHECK_THROWS(
      bind1(primitive("select"), {make<int32_t>({1}), make<int32_t>({1}), make<int32_t>({1})}));
  CHECK_THROWS(
      bind1(primitive("select"), {make<bool>({true}), make<int32_t>({1}), make<int64_t>({1})}));
  CHECK(primitive("select").fusion == FusionClass::Elementwise);
  CHECK(primitive("select").num_inputs == 3);
}
