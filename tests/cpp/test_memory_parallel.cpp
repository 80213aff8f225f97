// Buffers (the three allocation tiers), the thread pool, and the strided loop machinery.
#include <doctest.h>

#include <atomic>
#include <stdexcept>

#include "array.h"
#include "kernels/loops.h"
#include "numpy_api/core.h"
#include "parallel.h"

using namespace arrax;

TEST_CASE("small buffers share their record's allocation and are 64-byte aligned") {
  auto b = Buffer::allocate(40);
  CHECK(b->inline_storage);
  CHECK(reinterpret_cast<uintptr_t>(b->data) % 64 == 0);
  auto z = Buffer::allocate(100, {}, /*zeroed=*/true);
  for (int i = 0; i < 100; ++i) CHECK(static_cast<char*>(z->data)[i] == 0);
  auto mid = Buffer::allocate(4096);
  CHECK_FALSE(mid->inline_storage);
  CHECK(mid->mapped_bytes == 0);
  CHECK(reinterpret_cast<uintptr_t>(mid->data) % 64 == 0);
}

TEST_CASE("large buffers are mapped, zeroed on request, and reused after release") {
  const size_t n = Buffer::kHugePageThreshold + 123;
  void* first = nullptr;
  {
    auto b = Buffer::allocate(n, {}, /*zeroed=*/true);
    CHECK(b->mapped_bytes >= n);
    CHECK(static_cast<unsigned char*>(b->data)[n - 1] == 0);
    static_cast<char*>(b->data)[0] = 42;
    first = b->data;
  }
  auto again = Buffer::allocate(n);  // not zeroed: may come from the reuse cache
  CHECK(again->data == first);
  auto zeroed = Buffer::allocate(n, {}, /*zeroed=*/true);  // never the dirty cached one
  CHECK(static_cast<char*>(zeroed->data)[0] == 0);
}

TEST_CASE("empty arrays have zero strides, as in NumPy") {
  Array a = Array::empty({3, 0, 2}, DType::Float32);
  CHECK(a.size() == 0);
  CHECK(a.strides() == Strides{0, 0, 0});
  Array b = Array::empty({2, 1, 4}, DType::Int16);
  CHECK(b.strides() == Strides{8, 8, 2});
}

TEST_CASE("parallel_for covers the range once and propagates exceptions") {
  const int64_t n = 1 << 20;
  std::vector<std::atomic<int>> hits(n);
  parallel_for(n, 1024, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[i]++;
  });
  bool once = true;
  for (auto& h : hits) once = once && h.load() == 1;
  CHECK(once);
  CHECK_THROWS_AS(parallel_for(n, 1024,
                               [](int64_t b, int64_t) {
                                 if (b > 0) throw std::runtime_error("worker failure");
                               }),
                  std::runtime_error);
  // The pool still works after a failure.
  std::atomic<int64_t> total{0};
  parallel_for(n, 1024, [&](int64_t b, int64_t e) { total += e - b; });
  CHECK(total.load() == n);
}

TEST_CASE("strided iteration coalesces contiguous dimensions and walks broadcasts") {
  Array a = Array::empty({4, 5, 6}, DType::Float32);
  auto sp = kernels::make_space<1>(a.shape(), {&a});
  CHECK(sp.shape == Shape{120});  // fully contiguous: one dimension
  // A transposed operand is walked in its memory order, so it merges into one run too.
  Array t = np::transpose(a, {2, 1, 0});
  auto st = kernels::make_space<1>(t.shape(), {&t});
  CHECK(st.shape == Shape{120});
  CHECK(st.strides[0][0] == 4);
  // Operands in different orders: the output's (operand 0's) order is walked, unmerged.
  Array c = Array::empty({6, 5, 4}, DType::Float32);
  auto sm = kernels::make_space<2>(c.shape(), {&c, &t});
  CHECK(sm.shape == Shape{6, 5, 4});
  CHECK(sm.strides[0][2] == 4);
  // A (3,) row broadcast against a (2, 3) output: the row's outer stride is 0.
  Array out = Array::empty({2, 3}, DType::Int32);
  Array row = Array::empty({3}, DType::Int32);
  for (int i = 0; i < 3; ++i) row.data_as<int32_t>()[i] = 10 * (i + 1);
  Array b = np::broadcast_to(row, {2, 3});
  auto sb = kernels::make_space<2>(out.shape(), {&out, &b});
  kernels::iterate(sb,
                   [](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
                     for (int64_t i = 0; i < n; ++i)
                       *reinterpret_cast<int32_t*>(p[0] + i * s[0]) =
                           *reinterpret_cast<const int32_t*>(p[1] + i * s[1]) + 1;
                   });
  int32_t* o = out.data_as<int32_t>();
  CHECK(o[0] == 11);
  CHECK(o[2] == 31);
  CHECK(o[3] == 11);
  CHECK(o[5] == 31);
}

TEST_CASE("a traced array has a shape and dtype but no data") {
  class NoInterp : public Tracer {
   public:
    Interpreter& interpreter() const override { throw std::logic_error("unused"); }
    int level() const override { return 1; }
  };
  Array t = Array::traced(std::make_shared<NoInterp>(), {2, 3}, DType::Float64);
  CHECK(t.is_tracer());
  CHECK(t.size() == 6);
  CHECK(t.is_c_contiguous());
  CHECK_THROWS_AS(t.data(), TypeError);
}
