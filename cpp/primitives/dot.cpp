// dot_general (JAX semantics): params lhs_contracting, rhs_contracting, lhs_batch, rhs_batch
// (int64 vectors). Output dims: batch dims, then lhs free dims, then rhs free dims, each group
// in operand order. Inputs share one dtype, which is also the output dtype.
//
// Each operand is viewed as a stack of matrices (batch, rows, cols) without copying when its
// row dims and its col dims each merge into one strided dim and one of the two is unit-stride
// (an Eigen Map, row- or column-major); otherwise it is copied once into that layout.
// float32/float64/complex use Eigen's GEMM, large products split over both cores by output
// columns (or rows); float16/bfloat16 compute in float32; integers and bool use a plain
// vectorised loop (integers wrap, bool is OR of ANDs).
#include <Eigen/Core>
#include <algorithm>
#include <cstring>

#include "errors.h"
#include "kernels/reduce.h"
#include "primitive.h"
#include "primitives/dot_dims.h"
#include "primitives/gemm_avx512.h"

namespace arrax {
namespace {

using dot::dot_dims;
using dot::dot_shape;
using dot::DotDims;
using dot::free_dims;
using dot::prod_of;

// One operand as a stack of (rows x cols) matrices; strides in elements.
struct Mat {
  Array arr;
  std::vector<int64_t> bn, bst;  // batch extents and strides
  int64_t rows = 1, cols = 1, rs = 0, cs = 0;
  bool row_major = true;  // cols unit-stride (else rows unit-stride)
  int64_t ld = 0;         // the other stride
  const char* at(int64_t b) const {
    int64_t off = 0;
    for (int i = static_cast<int>(bn.size()) - 1; i >= 0; --i) {
      off += (b % bn[i]) * bst[i];
      b /= bn[i];
    }
    return arr.data() + off * static_cast<int64_t>(arr.itemsize());
  }
};

// Merges dims (in order) into one (n, stride); false when they are not evenly strided.
bool merge_dims(const Array& x, const std::vector<int64_t>& dims, int64_t& n, int64_t& st) {
  n = 1;
  st = 0;
  bool first = true;
  for (auto d : dims) {
    int64_t k = x.shape()[d], s = x.strides()[d] / static_cast<int64_t>(x.itemsize());
    if (k == 1) continue;
    if (first) {
      n = k;
      st = s;
      first = false;
    } else if (st == s * k) {
      n *= k;
      st = s;
    } else {
      return false;
    }
  }
  return true;
}

bool try_layout(const Array& x, const std::vector<int64_t>& b, const std::vector<int64_t>& r,
                const std::vector<int64_t>& c, bool need_row_major, Mat& m) {
  for (auto s : x.strides())
    if (s % static_cast<int64_t>(x.itemsize()) != 0) return false;
  if (!merge_dims(x, r, m.rows, m.rs) || !merge_dims(x, c, m.cols, m.cs)) return false;
  if (m.rows > 1 && m.rs <= 0) return false;
  if (m.cols > 1 && m.cs <= 0) return false;
  if (m.cols == 1 || m.cs == 1) {
    m.row_major = true;
    m.ld = m.rows == 1 ? m.cols : m.rs;
    if (m.rows > 1 && m.ld < m.cols) return false;
  } else if (!need_row_major && (m.rows == 1 || m.rs == 1)) {
    m.row_major = false;
    m.ld = m.cols == 1 ? m.rows : m.cs;
    if (m.cols > 1 && m.ld < m.rows) return false;
  } else {
    return false;
  }
  m.arr = x;
  m.bn.clear();
  m.bst.clear();
  for (auto d : b) {
    m.bn.push_back(x.shape()[d]);
    m.bst.push_back(x.strides()[d] / static_cast<int64_t>(x.itemsize()));
  }
  return true;
}

Mat as_mat(const Array& x, const std::vector<int64_t>& b, const std::vector<int64_t>& r,
           const std::vector<int64_t>& c, bool need_row_major) {
  Mat m;
  if (try_layout(x, b, r, c, need_row_major, m)) return m;
  Shape s;
  Strides st;
  for (const auto* g : {&b, &r, &c})
    for (auto d : *g) {
      s.push_back(x.shape()[d]);
      st.push_back(x.strides()[d]);
    }
  Array y = x.view(s, st, x.offset()).contiguous(true);
  std::vector<int64_t> nb, nr, nc;
  int64_t k = 0;
  for (size_t i = 0; i < b.size(); ++i) nb.push_back(k++);
  for (size_t i = 0; i < r.size(); ++i) nr.push_back(k++);
  for (size_t i = 0; i < c.size(); ++i) nc.push_back(k++);
  if (!try_layout(y, nb, nr, nc, need_row_major, m))
    throw std::logic_error("dot_general: layout of a copy");
  return m;
}

template <typename T, int Order>
using MapT = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Order>, 0,
                        Eigen::OuterStride<>>;
template <typename T>
using OutMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
                          Eigen::OuterStride<>>;

// C[r0:r1, c0:c1] = A[r0:r1, :] * B[:, c0:c1] with Eigen.
template <typename T, int LO, int RO>
void eigen_block(const T* a, const T* b, T* c, int64_t M, int64_t K, int64_t N, int64_t lda,
                 int64_t ldb, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  MapT<T, LO> A(a, M, K, Eigen::OuterStride<>(lda));
  MapT<T, RO> B(b, K, N, Eigen::OuterStride<>(ldb));
  OutMap<T> C(c, M, N, Eigen::OuterStride<>(N));
  C.block(r0, c0, r1 - r0, c1 - c0).noalias() =
      A.middleRows(r0, r1 - r0) * B.middleCols(c0, c1 - c0);
}

// sum_k a[k * sa] * b[k * sb] with eight partial sums (they vectorize when the strides are 1).
template <typename T>
T inner_product(const T* a, int64_t sa, const T* b, int64_t sb, int64_t n) {
  T acc[8] = {};
  int64_t k = 0;
  if (sa == 1 && sb == 1) {
    for (; k + 8 <= n; k += 8)
      for (int j = 0; j < 8; ++j) acc[j] += a[k + j] * b[k + j];
  }
  for (; k < n; ++k) acc[k & 7] += a[k * sa] * b[k * sb];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// Inner products (M = N = 1: vector . vector, or a stack of them): the GEMM kernels pack and
// tile for matrices, and took 50 us for one 100K-element dot (NumPy's BLAS: 7 us). A long one
// is split over the cores, partial sums added after.
template <typename T>
void inner_products(const Mat& l, const Mat& r, T* out, int64_t B, int64_t K) {
  const int64_t sa = l.row_major ? 1 : l.ld, sb = r.row_major ? r.ld : 1;
  const int nt = num_threads();
  if (B == 1 && nt > 1 && K >= (1 << 16)) {
    const T* a = reinterpret_cast<const T*>(l.at(0));
    const T* b = reinterpret_cast<const T*>(r.at(0));
    std::vector<T> part(nt, T(0));
    kernels::parallel_parts(K, nt, [&](int t, int64_t k0, int64_t k1) {
      part[t] = inner_product(a + k0 * sa, sa, b + k0 * sb, sb, k1 - k0);
    });
    T sum = T(0);
    for (T v : part) sum += v;
    out[0] = sum;
    return;
  }
  parallel_for(B, std::max<int64_t>(1, 65536 / std::max<int64_t>(K, 1)), [&](int64_t b, int64_t e) {
    for (int64_t bi = b; bi < e; ++bi)
      out[bi] = inner_product(reinterpret_cast<const T*>(l.at(bi)), sa,
                              reinterpret_cast<const T*>(r.at(bi)), sb, K);
  });
}

template <typename T>
void eigen_gemm(const Mat& l, const Mat& r, T* out, int64_t B, int64_t M, int64_t K, int64_t N) {
  if constexpr (!is_complex_v<T>) {
    if (M == 1 && N == 1) return inner_products<T>(l, r, out, B, K);
  }
  using Fn = void (*)(const T*, const T*, T*, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                      int64_t, int64_t, int64_t);
  Fn fn;
  if constexpr (is_complex_v<T>) {
    fn = eigen_block<T, Eigen::RowMajor, Eigen::RowMajor>;  // complex operands come row-major
  } else {
    constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
    fn = l.row_major ? (r.row_major ? eigen_block<T, R, R> : eigen_block<T, R, C>)
                     : (r.row_major ? eigen_block<T, C, R> : eigen_block<T, C, C>);
    if (gemm_avx512::available()) {
      if constexpr (std::is_same_v<T, float>)
        fn = gemm_avx512::float_block(l.row_major, r.row_major);
      else
        fn = gemm_avx512::double_block(l.row_major, r.row_major);
    }
  }
  const double flops = static_cast<double>(M) * N * K;
  const int nt = num_threads();
  auto one = [&](int64_t bi, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    fn(reinterpret_cast<const T*>(l.at(bi)), reinterpret_cast<const T*>(r.at(bi)), out + bi * M * N,
       M, K, N, l.ld, r.ld, r0, r1, c0, c1);
  };
  if (nt > 1 && flops >= (1 << 22) && (N >= 64 * nt || M >= 64 * nt)) {
    // A big product: split its output over the cores, along the longer side.
    for (int64_t bi = 0; bi < B; ++bi) {
      const bool by_cols = N >= M;
      const int64_t len = by_cols ? N : M;
      kernels::parallel_parts(len / 16, nt, [&](int, int64_t b, int64_t e) {
        const int64_t s = b * 16, f = e * 16 == (len / 16) * 16 ? len : e * 16;
        if (f <= s) return;
        if (by_cols)
          one(bi, 0, M, s, f);
        else
          one(bi, s, f, 0, N);
      });
    }
    return;
  }
  if (nt > 1 && B < nt && flops >= (1 << 22) && K >= 256 * nt) {
    // A small output over a long contraction (a weight gradient: 96 x 2048 times 2048 x 96):
    // each core multiplies a slice of K into its own partial product, summed after.
    auto part = kernels::scratch<T>((nt - 1) * M * N);
    // Elements between consecutive k: along A's rows (A is M x K) and down B's columns (K x N).
    const int64_t lk = l.row_major ? 1 : l.ld, rk = r.row_major ? r.ld : 1;
    for (int64_t bi = 0; bi < B; ++bi) {
      const T* a = reinterpret_cast<const T*>(l.at(bi));
      const T* b = reinterpret_cast<const T*>(r.at(bi));
      kernels::parallel_parts(K, nt, [&](int t, int64_t k0, int64_t k1) {
        T* dst = t == 0 ? out + bi * M * N : part.get() + (t - 1) * M * N;
        fn(a + k0 * lk, b + k0 * rk, dst, M, k1 - k0, N, l.ld, r.ld, 0, M, 0, N);
      });
      T* o = out + bi * M * N;
      for (int t = 1; t < nt; ++t) {
        const T* p = part.get() + (t - 1) * M * N;
        for (int64_t i = 0; i < M * N; ++i) o[i] += p[i];
      }
    }
    return;
  }
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(65536.0 / std::max(1.0, flops)));
  parallel_for(B, grain, [&](int64_t b, int64_t e) {
    for (int64_t bi = b; bi < e; ++bi) one(bi, 0, M, 0, N);
  });
}

// Integer and bool products: C[i, :] += A[i, k] * B[k, :] over row-major operands.
template <typename T>
void loop_gemm(const Mat& l, const Mat& r, T* out, int64_t B, int64_t M, int64_t K, int64_t N) {
  using W = std::conditional_t<std::is_same_v<T, bool>, bool,
                               std::conditional_t<sizeof(T) <= 4, uint32_t, uint64_t>>;
  const double work = static_cast<double>(B) * M * N * K;
  const int64_t grain =
      std::max<int64_t>(1, static_cast<int64_t>(B * M * 65536.0 / std::max(1.0, work)));
  parallel_for(B * M, grain, [&](int64_t b, int64_t e) {
    auto acc = kernels::scratch<W>(N);
    for (int64_t t = b; t < e; ++t) {
      const int64_t bi = t / M, i = t % M;
      const T* a = reinterpret_cast<const T*>(l.at(bi)) + i * l.ld;
      const T* bm = reinterpret_cast<const T*>(r.at(bi));
      std::fill(acc.get(), acc.get() + N, W(0));
      for (int64_t k = 0; k < K; ++k) {
        const T* brow = bm + k * r.ld;
        if constexpr (std::is_same_v<T, bool>) {
          if (!a[k]) continue;
          for (int64_t j = 0; j < N; ++j) acc[j] |= brow[j];
        } else {
          const W av = static_cast<W>(a[k]);
          for (int64_t j = 0; j < N; ++j) acc[j] += av * static_cast<W>(brow[j]);
        }
      }
      T* o = out + t * N;
      for (int64_t j = 0; j < N; ++j) o[j] = static_cast<T>(acc[j]);
    }
  });
}

Array dot_kernel(const Array& lhs, const Array& rhs, const Params& p) {
  if (lhs.dtype() != rhs.dtype())
    throw TypeError(std::string("dot_general: operands must share a dtype, got ") +
                    dtype_name(lhs.dtype()) + " and " + dtype_name(rhs.dtype()));
  const DotDims d = dot_dims(lhs.shape(), rhs.shape(), p);
  const DType dt = lhs.dtype();
  Array out = Array::empty(dot_shape(lhs.shape(), rhs.shape(), d), dt);
  if (out.size() == 0) return out;
  const int64_t B = prod_of(lhs.shape(), d.lb), M = prod_of(lhs.shape(), d.lf),
                K = prod_of(lhs.shape(), d.lc), N = prod_of(rhs.shape(), d.rf);
  if (K == 0) {
    std::memset(out.data(), 0, out.nbytes());  // zero bits are 0 / false in every dtype
    return out;
  }
  if (dt == DType::Float16 || dt == DType::BFloat16) {
    Array r = dot_kernel(astype(lhs, DType::Float32), astype(rhs, DType::Float32), p);
    return astype(r, dt);
  }
  dispatch_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || is_complex_v<T>) {
      constexpr bool rm = is_complex_v<T>;
      Mat l = as_mat(lhs, d.lb, d.lf, d.lc, rm), r = as_mat(rhs, d.rb, d.rc, d.rf, rm);
      eigen_gemm<T>(l, r, out.data_as<T>(), B, M, K, N);
    } else if constexpr (!is_half_v<T>) {
      Mat l = as_mat(lhs, d.lb, d.lf, d.lc, true), r = as_mat(rhs, d.rb, d.rc, d.rf, true);
      loop_gemm<T>(l, r, out.data_as<T>(), B, M, K, N);
    }
  });
  return out;
}

const Primitive& dot_general_p = register_primitive({
    "dot_general",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      if (in[0].dtype != in[1].dtype)
        throw TypeError(std::string("dot_general: operands must share a dtype, got ") +
                        dtype_name(in[0].dtype) + " and " + dtype_name(in[1].dtype));
      AbstractValue r = in[0];
      r.shape = dot_shape(in[0].shape, in[1].shape, dot_dims(in[0].shape, in[1].shape, p));
      r.weak_type = in[0].weak_type && in[1].weak_type;
      return std::vector<AbstractValue>{r};
    },
    [](const std::vector<Array>& in, const Params& p) {
      return std::vector<Array>{dot_kernel(in[0], in[1], p)};
    },
});

}  // namespace
}  // namespace arrax
