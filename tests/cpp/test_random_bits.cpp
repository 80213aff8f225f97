// The random-number primitives: Threefry-2x32 known-answer vectors (Salmon et al., Random123's
// kat_vectors, also in JAX's tests), bitcast_convert_type and erf_inv.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "errors.h"
#include "primitive.h"

using namespace arrax;

namespace {

Array u32(std::initializer_list<uint32_t> values) {
  Array a = Array::empty({static_cast<int64_t>(values.size())}, DType::UInt32);
  uint32_t* p = a.data_as<uint32_t>();
  for (uint32_t v : values) *p++ = v;
  return a;
}

uint32_t at32(const Array& a, int64_t i) {
  return *reinterpret_cast<const uint32_t*>(a.data() + i * a.strides()[0]);
}

}  // namespace

TEST_CASE("threefry2x32: Random123 known-answer vectors") {
  const Primitive& p = primitive("threefry2x32");
  CHECK(p.num_inputs == 4);
  CHECK(p.fusion == FusionClass::Elementwise);
  // Three blocks at once: zeros, all ones, and the digits of pi.
  auto out = bind(p, {u32({0u, 0xFFFFFFFFu, 0x13198A2Eu}), u32({0u, 0xFFFFFFFFu, 0x03707344u}),
                      u32({0u, 0xFFFFFFFFu, 0x243F6A88u}), u32({0u, 0xFFFFFFFFu, 0x85A308D3u})});
  REQUIRE(out.size() == 2);
  CHECK(at32(out[0], 0) == 0x6B200159u);
  CHECK(at32(out[1], 0) == 0x99BA4EFEu);
  CHECK(at32(out[0], 1) == 0x1CB996FCu);
  CHECK(at32(out[1], 1) == 0xBB002BE7u);
  CHECK(at32(out[0], 2) == 0xC4923A9Cu);
  CHECK(at32(out[1], 2) == 0x483DF7A0u);
}

TEST_CASE("threefry2x32: broadcast keys, large parallel inputs, strided inputs") {
  const int64_t n = 200000;
  Array k0 = u32({0x13198A2Eu}), k1 = u32({0x03707344u});
  Array bk0 = k0.view({n}, {0}, 0), bk1 = k1.view({n}, {0}, 0);
  Array x0 = Array::empty({n}, DType::UInt32), x1 = Array::empty({n}, DType::UInt32);
  for (int64_t i = 0; i < n; ++i) {
    x0.data_as<uint32_t>()[i] = static_cast<uint32_t>(i);
    x1.data_as<uint32_t>()[i] = static_cast<uint32_t>(i * 7);
  }
  x0.data_as<uint32_t>()[n - 1] = 0x243F6A88u;
  x1.data_as<uint32_t>()[n - 1] = 0x85A308D3u;
  auto out = bind(primitive("threefry2x32"), {bk0, bk1, x0, x1});
  CHECK(at32(out[0], n - 1) == 0xC4923A9Cu);
  CHECK(at32(out[1], n - 1) == 0x483DF7A0u);
  // Every element equals the same block computed alone.
  for (int64_t i : {int64_t(0), int64_t(12345), n / 2, n - 2}) {
    auto one = bind(primitive("threefry2x32"), {k0, k1, u32({at32(x0, i)}), u32({at32(x1, i)})});
    CHECK(at32(one[0], 0) == at32(out[0], i));
    CHECK(at32(one[1], 0) == at32(out[1], i));
  }
  // A strided (every other element) view gives the same values.
  Array sx0 = x0.view({n / 2}, {8}, 0), sx1 = x1.view({n / 2}, {8}, 0);
  auto strided = bind(primitive("threefry2x32"),
                      {k0.view({n / 2}, {0}, 0), k1.view({n / 2}, {0}, 0), sx0, sx1});
  CHECK(at32(strided[0], 6172) == at32(out[0], 12344));
  CHECK(at32(strided[1], 6172) == at32(out[1], 12344));
}

TEST_CASE("threefry2x32: dtype and shape checks") {
  Array i32 = Array::empty({1}, DType::Int32);
  CHECK_THROWS_AS(bind(primitive("threefry2x32"), {i32, u32({0}), u32({0}), u32({0})}), TypeError);
  CHECK_THROWS_AS(bind(primitive("threefry2x32"), {u32({0}), u32({0}), u32({0}), u32({0, 1})}),
                  ValueError);
}

TEST_CASE("bitcast_convert_type and erf_inv") {
  Array one = bind1(primitive("bitcast_convert_type"), {u32({0x3F800000u, 0xBF000000u})},
                    Params{{"new_dtype", DType::Float32}});
  CHECK(one.dtype() == DType::Float32);
  CHECK(one.data_as<float>()[0] == 1.0f);
  CHECK(one.data_as<float>()[1] == -0.5f);
  CHECK_THROWS_AS(
      bind1(primitive("bitcast_convert_type"), {u32({1})}, Params{{"new_dtype", DType::Float64}}),
      TypeError);
  Array x = Array::empty({4}, DType::Float64);
  double* xv = x.data_as<double>();
  xv[0] = 0.5;
  xv[1] = -0.999999;
  xv[2] = 1.0;
  xv[3] = 0.0;
  Array y = bind1(primitive("erf_inv"), {x});
  CHECK(y.data_as<double>()[0] == doctest::Approx(0.4769362762044699).epsilon(1e-14));
  CHECK(y.data_as<double>()[1] == doctest::Approx(-3.458910737275499).epsilon(1e-13));
  CHECK(std::isinf(y.data_as<double>()[2]));
  CHECK(y.data_as<double>()[3] == 0.0);
  CHECK_THROWS_AS(bind1(primitive("erf_inv"), {u32({1})}), TypeError);
}
