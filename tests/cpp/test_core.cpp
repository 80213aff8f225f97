// Engine basics: dtypes and promotion, buffers and views, the primitive registry.
#include <doctest.h>

#include "array.h"
#include "dtype.h"
#include "numpy_api/core.h"
#include "numpy_api/indexing.h"
#include "primitive.h"

using namespace arrax;

TEST_CASE("dtype sizes and names") {
  CHECK(itemsize(DType::Float16) == 2);
  CHECK(itemsize(DType::Complex128) == 16);
  CHECK(std::string(dtype_name(DType::BFloat16)) == "bfloat16");
  CHECK(dtype_from_name("uint32") == DType::UInt32);
  CHECK_THROWS_AS(dtype_from_name("float128"), TypeError);
}

TEST_CASE("promotion follows NumPy 2") {
  CHECK(promote_types(DType::Int8, DType::UInt8) == DType::Int16);
  CHECK(promote_types(DType::Int64, DType::UInt64) == DType::Float64);
  CHECK(promote_types(DType::Int16, DType::Float16) == DType::Float32);
  CHECK(promote_types(DType::Float16, DType::BFloat16) == DType::Float32);
  CHECK(promote_types(DType::Int32, DType::Complex64) == DType::Complex128);
  CHECK(promote_types(DType::Bool, DType::UInt16) == DType::UInt16);
  CHECK(promote_with_weak(DType::Int8, WeakKind::Int) == DType::Int8);
  CHECK(promote_with_weak(DType::Int8, WeakKind::Float) == DType::Float64);
  CHECK(promote_with_weak(DType::Float16, WeakKind::Complex) == DType::Complex64);
  CHECK(promote_with_weak(DType::Bool, WeakKind::Int) == DType::Int64);
  for (int i = 0; i < kNumDTypes; ++i)
    for (int j = 0; j < kNumDTypes; ++j)
      CHECK(promote_types(DType(i), DType(j)) == promote_types(DType(j), DType(i)));
}

TEST_CASE("views share the buffer and index like NumPy") {
  Array a = Array::empty({3, 4}, DType::Int32);
  for (int i = 0; i < 12; ++i) a.data_as<int32_t>()[i] = i;
  CHECK(a.is_c_contiguous());
  Array t = np::transpose(a, {1, 0});
  CHECK(t.shape() == Shape{4, 3});
  CHECK(t.buffer() == a.buffer());
  CHECK_FALSE(t.is_c_contiguous());
  CHECK(t.is_f_contiguous());
  // a[1, ::-2] -> [7, 5]
  Array s = np::basic_index(
      a, {np::IndexItem::integer(1), np::IndexItem::slice(std::nullopt, std::nullopt, -2)});
  CHECK(s.shape() == Shape{2});
  CHECK(*reinterpret_cast<int32_t*>(s.data()) == 7);
  CHECK(*reinterpret_cast<int32_t*>(s.data() + s.strides()[0]) == 5);
  CHECK_THROWS_AS(np::basic_index(a, {np::IndexItem::integer(3)}), IndexError);
  Array c = t.contiguous();
  CHECK(c.is_c_contiguous());
  CHECK(c.data_as<int32_t>()[1] == 4);
}

TEST_CASE("reshape is a view when strides allow it") {
  Array a = Array::empty({2, 6}, DType::Float32);
  Array r = np::reshape(a, {3, 4});
  CHECK(r.buffer() == a.buffer());
  Array t = np::transpose(a, {1, 0});
  Array r2 = np::reshape(t, {12});
  CHECK(r2.buffer() != a.buffer());  // a transposed array cannot be flattened in place
}

TEST_CASE("every primitive has abstract evaluation and a CPU kernel") {
  auto prims = all_primitives();
  CHECK(prims.size() > 10);
  for (auto* p : prims) {
    INFO(p->name);
    CHECK(static_cast<bool>(p->abstract_eval));
    CHECK(static_cast<bool>(p->cpu_kernel));
  }
}
