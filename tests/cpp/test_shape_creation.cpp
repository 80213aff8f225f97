// Shape manipulation (numpy_api/shape_ops.h), creation (numpy_api/creation.h) and the
// concatenate/rev primitives: shapes, view-vs-copy, strides and values against NumPy.
#include <doctest.h>

#include <cmath>
#include <vector>

#include "numpy_api/creation.h"
#include "numpy_api/shape_ops.h"
#include "primitive.h"

using namespace arrax;
using np::Operand;

namespace {

// The elements of x in C order, converted to T.
template <typename T>
std::vector<T> values(const Array& x) {
  Array c = astype(x, dtype_of<T>::value);
  return std::vector<T>(c.data_as<T>(), c.data_as<T>() + c.size());
}

// 0, 1, ..., n-1 as int64, reshaped.
Array counting(const Shape& shape) {
  Array a = Array::empty(shape, DType::Int64);
  for (int64_t i = 0; i < a.size(); ++i) a.data_as<int64_t>()[i] = i;
  return a;
}

using I = std::vector<int64_t>;
using D = std::vector<double>;

}  // namespace

TEST_CASE("concatenate and rev primitives") {
  Array a = counting({2, 2}), b = counting({2, 3});
  Array c = bind1(primitive("concatenate"), {a, b}, Params{{"dimension", int64_t{1}}});
  CHECK(c.shape() == Shape{2, 5});
  CHECK(c.is_c_contiguous());
  CHECK(values<int64_t>(c) == I{0, 1, 0, 1, 2, 2, 3, 3, 4, 5});
  CHECK_THROWS_AS(bind1(primitive("concatenate"), {a, b}, Params{{"dimension", int64_t{0}}}),
                  ValueError);

  Array r = bind1(primitive("rev"), {b}, Params{{"dimensions", I{1}}});
  CHECK(r.buffer() == b.buffer());
  CHECK(r.strides()[1] == -8);
  CHECK(values<int64_t>(r) == I{2, 1, 0, 5, 4, 3});
  Array r2 = bind1(primitive("rev"), {b}, Params{{"dimensions", I{0, 1}}});
  CHECK(values<int64_t>(r2) == I{5, 4, 3, 2, 1, 0});
  // Concatenating reversed (negative-stride) views copies them correctly.
  Array c2 = bind1(primitive("concatenate"), {r, r2}, Params{{"dimension", int64_t{0}}});
  CHECK(values<int64_t>(c2) == I{2, 1, 0, 5, 4, 3, 5, 4, 3, 2, 1, 0});
}

TEST_CASE("reshape_np: unknown dimension, orders, errors") {
  Array a = counting({6});
  Array r = np::reshape_np(a, {2, -1});
  CHECK(r.shape() == Shape{2, 3});
  CHECK(r.buffer() == a.buffer());
  CHECK(values<int64_t>(np::reshape_np(a, {2, 3}, "F")) == I{0, 2, 4, 1, 3, 5});
  CHECK_THROWS_WITH_AS(np::reshape_np(a, {4}),
                       "reshape: cannot reshape array of size 6 into shape (4,)", ValueError);
  CHECK_THROWS_WITH_AS(np::reshape_np(a, {4, -1}),
                       "reshape: cannot reshape array of size 6 into shape (4,newaxis)",
                       ValueError);
  CHECK_THROWS_WITH_AS(np::reshape_np(a, {-1, -1}),
                       "reshape: can only specify one unknown dimension", ValueError);
  CHECK_THROWS_AS(np::reshape_np(a, {6}, "K"), ValueError);
  CHECK_THROWS_AS(np::reshape_np(a, {6}, "X"), ValueError);
  // A transposed array cannot be C-reshaped as a view.
  Array t = np::transpose_np(counting({2, 3}));
  CHECK_THROWS_AS(np::reshape_np(t, {6}, "C", false), ValueError);
  CHECK(values<int64_t>(np::reshape_np(t, {6})) == I{0, 3, 1, 4, 2, 5});
  // order='A' on an F-contiguous array reads in F order: a view.
  Array fa = np::reshape_np(t, {6}, "A");
  CHECK(fa.buffer() == t.buffer());
  CHECK(values<int64_t>(fa) == I{0, 1, 2, 3, 4, 5});
  CHECK(np::reshape_np(a, {6}, "C", true).buffer() != a.buffer());
}

TEST_CASE("transpose, swapaxes, moveaxis") {
  Array a = counting({2, 3, 4});
  Array t = np::transpose_np(a);
  CHECK(t.shape() == Shape{4, 3, 2});
  CHECK(t.strides() == Strides{8, 32, 96});
  CHECK(np::transpose_np(a, I{1, -1, 0}).shape() == Shape{3, 4, 2});
  CHECK_THROWS_WITH_AS(np::transpose_np(a, I{0, 1}), "transpose: axes don't match array",
                       ValueError);
  CHECK_THROWS_AS(np::transpose_np(a, I{0, 0, 1}), ValueError);
  CHECK_THROWS_AS(np::transpose_np(a, I{0, 1, 3}), AxisError);
  CHECK(np::swapaxes(a, 0, -1).shape() == Shape{4, 3, 2});
  CHECK_THROWS_AS(np::swapaxes(a, 0, 3), AxisError);
  CHECK(np::moveaxis(a, 0, -1).shape() == Shape{3, 4, 2});
  CHECK(np::moveaxis(a, -1, 0).shape() == Shape{4, 2, 3});
  CHECK(np::moveaxis(a, I{0, 1}, I{-1, -2}).shape() == Shape{4, 3, 2});
  CHECK(np::moveaxis(a, 0, 1).buffer() == a.buffer());
  CHECK_THROWS_AS(np::moveaxis(a, I{0, 1}, I{0}), ValueError);
  CHECK_THROWS_AS(np::moveaxis(a, I{0, 0}, I{0, 1}), ValueError);
  CHECK_THROWS_AS(np::moveaxis(a, 3, 0), AxisError);
}

TEST_CASE("squeeze, expand_dims, atleast_nd") {
  Array a = counting({1, 3, 1});
  CHECK(np::squeeze(a).shape() == Shape{3});
  CHECK(np::squeeze(a, I{-1}).shape() == Shape{1, 3});
  CHECK(np::squeeze(a).buffer() == a.buffer());
  CHECK_THROWS_WITH_AS(
      np::squeeze(a, I{1}),
      "squeeze: cannot select an axis to squeeze out which has size not equal to one", ValueError);
  CHECK_THROWS_AS(np::squeeze(a, I{3}), AxisError);
  Array b = counting({3});
  CHECK(np::expand_dims(b, 0).shape() == Shape{1, 3});
  CHECK(np::expand_dims(b, I{-1, 0}).shape() == Shape{1, 3, 1});
  CHECK_THROWS_AS(np::expand_dims(b, 2), AxisError);
  CHECK_THROWS_AS(np::expand_dims(b, I{0, 0}), ValueError);
  Array s = counting({});
  CHECK(np::atleast_1d(s).shape() == Shape{1});
  CHECK(np::atleast_2d(b).shape() == Shape{1, 3});
  CHECK(np::atleast_3d(b).shape() == Shape{1, 3, 1});
  CHECK(np::atleast_3d(counting({2, 3})).shape() == Shape{2, 3, 1});
}

TEST_CASE("ravel and flatten") {
  Array a = counting({2, 3});
  Array r = np::ravel(a);
  CHECK(r.buffer() == a.buffer());
  CHECK(values<int64_t>(np::ravel(a, "F")) == I{0, 3, 1, 4, 2, 5});
  Array t = np::transpose_np(a);  // F-contiguous
  CHECK(np::ravel(t, "K").buffer() == t.buffer());
  CHECK(values<int64_t>(np::ravel(t, "K")) == I{0, 1, 2, 3, 4, 5});
  CHECK(np::ravel(t, "C").buffer() != t.buffer());
  CHECK(values<int64_t>(np::ravel(t)) == I{0, 3, 1, 4, 2, 5});
  Array f = np::flatten(a);
  CHECK(f.buffer() != a.buffer());
  CHECK(values<int64_t>(f) == I{0, 1, 2, 3, 4, 5});
}

TEST_CASE("broadcast_to and broadcast_arrays") {
  Array a = counting({3});
  Array b = np::broadcast_to_np(a, {2, 3});
  CHECK(b.strides() == Strides{0, 8});
  CHECK(b.buffer() == a.buffer());
  CHECK_THROWS_AS(np::broadcast_to_np(a, {4}), ValueError);
  CHECK_THROWS_AS(np::broadcast_to_np(a, {-1}), ValueError);
  auto out = np::broadcast_arrays({counting({2, 1}), a});
  CHECK(out[0].shape() == Shape{2, 3});
  CHECK(out[1].shape() == Shape{2, 3});
}

TEST_CASE("concatenate, stack, hstack, vstack") {
  Array a = counting({2, 2}), b = counting({2, 3});
  Array c = np::concatenate({a, b}, 1);
  CHECK(c.shape() == Shape{2, 5});
  CHECK(values<int64_t>(c) == I{0, 1, 0, 1, 2, 2, 3, 3, 4, 5});
  CHECK_THROWS_WITH_AS(
      np::concatenate({a, b}, 0),
      "concatenate: all the input array dimensions except for the concatenation axis must match "
      "exactly, but along dimension 1, the array at index 0 has size 2 and the array at index 1 "
      "has size 3",
      ValueError);
  CHECK_THROWS_AS(np::concatenate({counting({}), counting({})}, 0), ValueError);
  CHECK_THROWS_AS(np::concatenate({a, counting({2})}, 0), ValueError);
  CHECK_THROWS_AS(np::concatenate({}, 0), ValueError);
  CHECK_THROWS_AS(np::concatenate({a}, 2), AxisError);
  CHECK(np::concatenate({a, b}, std::nullopt).shape() == Shape{10});
  // Promotion, and dtype= with casting.
  Array f = np::astype(counting({2}), DType::Float32);
  CHECK(np::concatenate({f, counting({2})}).dtype() == DType::Float64);
  CHECK(np::concatenate(
            {np::astype(counting({2}), DType::Int8), np::astype(counting({2}), DType::UInt8)})
            .dtype() == DType::Int16);
  CHECK(np::concatenate({f, f}, 0, DType::Float64).dtype() == DType::Float64);
  CHECK_THROWS_AS(np::concatenate({f, f}, 0, DType::Int32), TypeError);
  CHECK(np::concatenate({f, f}, 0, DType::Int32, "unsafe").dtype() == DType::Int32);

  Array s = np::stack({counting({3}), counting({3})}, 1);
  CHECK(s.shape() == Shape{3, 2});
  CHECK(values<int64_t>(s) == I{0, 0, 1, 1, 2, 2});
  CHECK(np::stack({counting({3}), counting({3})}, -1).shape() == Shape{3, 2});
  CHECK_THROWS_WITH_AS(np::stack({counting({2}), counting({3})}),
                       "stack: all input arrays must have the same shape", ValueError);
  CHECK_THROWS_AS(np::stack({counting({2})}, 2), AxisError);
  CHECK(np::hstack({counting({2}), counting({})}).shape() == Shape{3});
  CHECK(np::hstack({a, b}).shape() == Shape{2, 5});
  CHECK(np::vstack({counting({3}), counting({3})}).shape() == Shape{2, 3});
  CHECK(np::dstack({counting({3}), counting({3})}).shape() == Shape{1, 3, 2});
}

TEST_CASE("clip and astype") {
  Array x = np::astype(counting({5}), DType::Int8);
  Array c = np::clip(x, np::scalar_operand(int64_t{1}), np::scalar_operand(int64_t{3}));
  CHECK(c.dtype() == DType::Int8);
  CHECK(values<int64_t>(c) == I{1, 1, 2, 3, 3});
  // Out-of-range Python int bounds are dropped for integer arrays.
  Array c2 = np::clip(x, np::scalar_operand(int64_t{-1000}), np::scalar_operand(int64_t{1000}));
  CHECK(c2.dtype() == DType::Int8);
  CHECK(values<int64_t>(c2) == I{0, 1, 2, 3, 4});
  Array c3 = np::clip(x, np::scalar_operand(0.5), std::nullopt);
  CHECK(c3.dtype() == DType::Float64);
  CHECK(values<double>(c3) == D{0.5, 1, 2, 3, 4});
  Array c4 = np::clip(x, std::nullopt, Operand(np::astype(counting({}), DType::Int16)));
  CHECK(c4.dtype() == DType::Int16);
  CHECK(values<int64_t>(c4) == I{0, 0, 0, 0, 0});

  Array a = counting({3});
  CHECK(np::astype(a, DType::Int64).buffer() != a.buffer());
  CHECK(np::astype(a, DType::Int64, false).buffer() == a.buffer());
  CHECK(np::astype(a, DType::Float32).dtype() == DType::Float32);
  CHECK_THROWS_AS(np::astype(np::astype(a, DType::Float64), DType::Int32, true, "safe"), TypeError);
}

TEST_CASE("full, zeros, ones, *_like") {
  Array f = np::full({2, 3}, np::scalar_operand(int64_t{7}));
  CHECK(f.dtype() == DType::Int64);
  CHECK(f.shape() == Shape{2, 3});
  CHECK(f.is_c_contiguous());
  CHECK(values<int64_t>(f) == I{7, 7, 7, 7, 7, 7});
  CHECK(np::full({3}, np::scalar_operand(1.5)).dtype() == DType::Float64);
  CHECK(np::full({3}, np::scalar_operand(true)).dtype() == DType::Bool);
  CHECK(np::full({3}, np::scalar_operand(1.5), DType::Int32).dtype() == DType::Int32);
  CHECK_THROWS_AS(np::full({3}, np::scalar_operand(int64_t{300}), DType::Int8), OverflowError);
  Array row = np::full({2, 3}, Operand(counting({3})));
  CHECK(values<int64_t>(row) == I{0, 1, 2, 0, 1, 2});
  CHECK_THROWS_AS(np::full({2, 3}, Operand(counting({2}))), ValueError);
  CHECK_THROWS_AS(np::zeros({-1}), ValueError);
  Array z = np::zeros({2, 2});
  CHECK(z.dtype() == DType::Float64);
  CHECK(values<double>(z) == D{0, 0, 0, 0});
  CHECK(values<int64_t>(np::ones({3}, DType::UInt8)) == I{1, 1, 1});
  Array proto = np::astype(counting({2, 2}), DType::Int16);
  CHECK(np::zeros_like(proto).dtype() == DType::Int16);
  CHECK(np::ones_like(proto, DType::Float32, Shape{3}).shape() == Shape{3});
  CHECK(values<int64_t>(np::full_like(proto, np::scalar_operand(2.7))) == I{2, 2, 2, 2});
  CHECK(np::empty_like(proto).shape() == Shape{2, 2});
}

TEST_CASE("arange") {
  using np::scalar_operand;
  Array a = np::arange(scalar_operand(int64_t{5}));
  CHECK(a.dtype() == DType::Int64);
  CHECK(values<int64_t>(a) == I{0, 1, 2, 3, 4});
  CHECK(values<int64_t>(np::arange(scalar_operand(int64_t{5}), scalar_operand(int64_t{1}),
                                   scalar_operand(int64_t{-1}))) == I{5, 4, 3, 2});
  CHECK(np::arange(scalar_operand(int64_t{5}), scalar_operand(int64_t{1})).size() == 0);
  Array f = np::arange(scalar_operand(0.0), scalar_operand(1.0), scalar_operand(0.1));
  CHECK(f.dtype() == DType::Float64);
  CHECK(f.size() == 10);
  std::vector<double> fv = values<double>(f);
  for (int i = 0; i < 10; ++i) CHECK(fv[i] == 0.0 + i * 0.1);
  // The second element is start + step exactly; later ones use the delta in the dtype.
  CHECK(values<int64_t>(np::arange(scalar_operand(int64_t{-3}), scalar_operand(int64_t{3}),
                                   scalar_operand(0.7), DType::Int8)) ==
        I{-3, -2, -1, 0, 1, 2, 3, 4, 5});
  CHECK(values<int64_t>(np::arange(scalar_operand(1.5), scalar_operand(int64_t{3}), std::nullopt,
                                   DType::Int8)) == I{1, 2});
  std::vector<int64_t> wrapped = values<int64_t>(
      np::arange(scalar_operand(int64_t{300}), std::nullopt, std::nullopt, DType::Int8));
  CHECK(wrapped.size() == 300);
  CHECK(wrapped[299] == 43);  // 299 wraps to 43 in int8
  Array f32 =
      np::arange(scalar_operand(0.3), scalar_operand(10.0), scalar_operand(0.1), DType::Float32);
  std::vector<float> v32 = values<float>(f32);
  const float s0 = 0.3f, d = static_cast<float>(0.3 + 0.1) - s0;
  for (size_t i = 2; i < v32.size(); ++i) CHECK(v32[i] == s0 + static_cast<float>(i) * d);
  CHECK_THROWS_AS(np::arange(scalar_operand(int64_t{0}), scalar_operand(int64_t{10}),
                             scalar_operand(int64_t{0})),
                  np::ZeroDivisionError);
  CHECK_THROWS_AS(np::arange(scalar_operand(INFINITY)), ValueError);
  CHECK_THROWS_AS(np::arange(scalar_operand(NAN)), ValueError);
  CHECK_THROWS_AS(np::arange(scalar_operand(int64_t{3}), std::nullopt, std::nullopt, DType::Bool),
                  TypeError);
  CHECK(values<int64_t>(np::arange(scalar_operand(int64_t{2}), std::nullopt, std::nullopt,
                                   DType::Bool)) == I{0, 1});
  Array c = np::arange(scalar_operand(int64_t{0}), scalar_operand(int64_t{3}), std::nullopt,
                       DType::Complex64);
  CHECK(c.dtype() == DType::Complex64);
  CHECK(values<complex64>(c)[2] == complex64(2, 0));
}

TEST_CASE("linspace and logspace") {
  using np::scalar_operand;
  Array l = np::linspace(scalar_operand(int64_t{0}), scalar_operand(int64_t{1}), 5);
  CHECK(l.dtype() == DType::Float64);
  CHECK(values<double>(l) == D{0, 0.25, 0.5, 0.75, 1});
  auto [y, step] = np::linspace_with_step(scalar_operand(0.0), scalar_operand(1.0), 3, false);
  CHECK(values<double>(y) == D{0, 1.0 / 3, 2.0 / 3});
  CHECK(values<double>(step)[0] == 1.0 / 3);
  auto [y1, step1] = np::linspace_with_step(scalar_operand(0.0), scalar_operand(1.0), 1);
  CHECK(values<double>(y1) == D{0});
  CHECK(std::isnan(values<double>(step1)[0]));
  CHECK(np::linspace(scalar_operand(0.0), scalar_operand(1.0), 0).size() == 0);
  CHECK_THROWS_AS(np::linspace(scalar_operand(0.0), scalar_operand(1.0), -1), ValueError);
  // Integer dtype floors (NumPy 2).
  CHECK(values<int64_t>(np::linspace(scalar_operand(int64_t{-10}), scalar_operand(int64_t{0}), 4,
                                     true, DType::Int64)) == I{-10, -7, -4, 0});
  // A float32 start keeps float32; Python scalars are weak.
  Operand f32(np::astype(counting({}), DType::Float32));
  CHECK(np::linspace(f32, scalar_operand(1.0), 3).dtype() == DType::Float32);
  // Denormal deltas: NumPy divides first.
  std::vector<double> dn =
      values<double>(np::linspace(scalar_operand(0.0), scalar_operand(1e-320), 3));
  CHECK(dn[1] == 1e-320 / 2);
  // Array endpoints broadcast; samples along the chosen axis.
  Operand st(np::astype(counting({2}), DType::Float64));
  Array la = np::linspace(st, scalar_operand(2.0), 3, true, std::nullopt, 1);
  CHECK(la.shape() == Shape{2, 3});
  CHECK(values<double>(la) == D{0, 1, 2, 1, 1.5, 2});
  CHECK_THROWS_AS(np::linspace(st, scalar_operand(2.0), 3, true, std::nullopt, 2), AxisError);

  Array g = np::logspace(scalar_operand(int64_t{0}), scalar_operand(int64_t{2}), 3);
  CHECK(values<double>(g) == D{1, 10, 100});
  Operand base(np::astype(np::concatenate({np::full({1}, scalar_operand(int64_t{2})),
                                           np::full({1}, scalar_operand(int64_t{10}))}),
                          DType::Int64));
  Array gb = np::logspace(scalar_operand(int64_t{0}), scalar_operand(int64_t{2}), 3, true, base);
  CHECK(gb.shape() == Shape{3, 2});
  CHECK(values<double>(gb) == D{1, 1, 2, 10, 4, 100});
  CHECK(np::logspace(scalar_operand(int64_t{0}), scalar_operand(int64_t{2}), 3, true, std::nullopt,
                     DType::Int64)
            .dtype() == DType::Int64);
}

TEST_CASE("eye and identity") {
  Array e = np::eye(2, 3, -1, DType::Int8);
  CHECK(e.dtype() == DType::Int8);
  CHECK(e.shape() == Shape{2, 3});
  CHECK(values<int64_t>(e) == I{0, 0, 0, 1, 0, 0});
  CHECK(values<double>(np::identity(3)) == D{1, 0, 0, 0, 1, 0, 0, 0, 1});
  CHECK(values<bool>(np::eye(2, std::nullopt, 0, DType::Bool)) ==
        std::vector<bool>{true, false, false, true});
  CHECK(values<double>(np::eye(3, std::nullopt, 5)) == D(9, 0.0));
  CHECK_THROWS_AS(np::eye(-1), ValueError);
}
