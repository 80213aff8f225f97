// Reduction kernels shared by reduce_*, argmax/argmin and the cumulative primitives: one
// accumulator type and one combine function per reduction kind, and the inner loops over a
// run of elements (contiguous or strided). Float sums add in NumPy's order (NumpySum), so that
// they are NumPy's bit for bit; other kinds run over blocks of many independent SIMD lanes; NaN
// propagates through max/min as NumPy's maximum/minimum do; integer sums and products wrap
// (accumulated in uint64).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "array.h"
#include "parallel.h"
#include "small_vector.h"

namespace arrax::kernels {

enum class RedKind { Sum, Prod, Max, Min, And, Or };

// The type a reduction accumulates in: bool for bool inputs (sum is OR, prod is AND), uint64
// for integer sums/products (wrapping, as NumPy's int loops), float32 for half types.
template <RedKind K, typename T>
struct red_acc {
  using type = std::conditional_t<
      std::is_same_v<T, bool> || K == RedKind::And || K == RedKind::Or, bool,
      std::conditional_t<is_int_v<T> && (K == RedKind::Sum || K == RedKind::Prod), uint64_t,
                         std::conditional_t<is_half_v<T>, float, T>>>;
};
template <RedKind K, typename T>
using red_acc_t = typename red_acc<K, T>::type;

template <typename A>
inline bool is_nan_v(A v) {
  if constexpr (std::is_floating_point_v<A>)
    return v != v;
  else if constexpr (is_complex_v<A>)
    return v.real() != v.real() || v.imag() != v.imag();
  else
    return false;
}

// A 32-byte GCC vector of float or double lanes (run_short's maximum).
template <typename A>
struct simd_of;
template <>
struct simd_of<float> {
  typedef float type __attribute__((vector_size(32)));
};
template <>
struct simd_of<double> {
  typedef double type __attribute__((vector_size(32)));
};

// Whether bool reductions of kind K behave like AND (true identity) rather than OR.
template <RedKind K>
constexpr bool and_like = K == RedKind::Prod || K == RedKind::Min || K == RedKind::And;

template <RedKind K, typename A>
inline A red_identity() {
  if constexpr (std::is_same_v<A, bool>) {
    return and_like<K>;
  } else if constexpr (K == RedKind::Sum) {
    // +0.0, NumPy's identity, where a sum starts: a sum of -0.0s is 0.0, as NumPy's.
    return A(0);
  } else if constexpr (K == RedKind::Prod) {
    return A(1);
  } else {
    constexpr bool mx = K == RedKind::Max;
    if constexpr (is_complex_v<A>) {
      using R = typename A::value_type;
      R inf = std::numeric_limits<R>::infinity();
      return mx ? A(-inf, -inf) : A(inf, inf);
    } else if constexpr (std::is_floating_point_v<A>) {
      return mx ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::infinity();
    } else {
      return mx ? std::numeric_limits<A>::lowest() : std::numeric_limits<A>::max();
    }
  }
}

// NumPy's ordering of complex numbers: lexicographic, real part first.
template <typename C>
inline bool complex_ge(C a, C b) {
  return a.real() > b.real() || (a.real() == b.real() && a.imag() >= b.imag());
}

template <RedKind K, typename A>
inline A red_combine(A a, A b) {
  if constexpr (std::is_same_v<A, bool>) {
    if constexpr (and_like<K>)
      return a & b;
    else
      return a | b;
  } else if constexpr (K == RedKind::Sum) {
    return a + b;
  } else if constexpr (K == RedKind::Prod) {
    if constexpr (is_complex_v<A>)  // the textbook formula, as NumPy (no C99 Annex G fixups)
      return A(a.real() * b.real() - a.imag() * b.imag(),
               a.real() * b.imag() + a.imag() * b.real());
    else
      return a * b;
  } else if constexpr (is_complex_v<A>) {
    if (is_nan_v(a)) return a;
    if (is_nan_v(b)) return b;
    return (K == RedKind::Max ? complex_ge(a, b) : complex_ge(b, a)) ? a : b;
  } else if constexpr (std::is_floating_point_v<A>) {
    // The first NaN wins. Two selects without control flow: the first is a maxss/minss (b
    // where either is NaN), the second a compare + blend; a short-circuit || made a branch,
    // mispredicted half the time on unordered data.
    const A m = K == RedKind::Max ? (a >= b ? a : b) : (a <= b ? a : b);
    return a != a ? a : m;
  } else {
    if constexpr (K == RedKind::Max)
      return a >= b ? a : b;
    else
      return a <= b ? a : b;
  }
}

// NumPy's pairwise summation (its loops_utils.h.src), in NumPy's order, so that float sums are
// NumPy's bit for bit (a printed mean or standard deviation shows every digit): a run under 8
// items is added one by one from -0.0; up to 128, item i goes to accumulator i % 8, and the
// eight are combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) before the last
// n % 8 items are added one by one; a longer run splits at half its length rounded down to a
// multiple of 8, its sum the halves' sums added. Complex runs are NumPy's too: the same on the
// interleaved (re, im) parts, whose accumulators combine as (r0 + r2) + (r4 + r6) for the real
// part, (r1 + r3) + (r5 + r7) for the imaginary one. A run of float16 adds in float32, as NumPy.
// NumPy's split of a long run (n scalars) for its pairwise sums, for threads to share: the
// pieces `depth` levels down its tree, and the sum from the pieces' sums as the tree adds them.
struct NumpySplit {
  static constexpr int64_t kBlock = 128;  // NumPy's PW_BLOCKSIZE, in scalars
  // The pieces of the top of sum's split tree, `depth` levels down, for threads to sum.
  static void pieces(int64_t b, int64_t n, int depth,
                     std::vector<std::pair<int64_t, int64_t>>& out) {
    if (depth == 0 || n <= kBlock) {
      out.push_back({b, n});
      return;
    }
    int64_t h = n / 2;
    h -= h % 8;
    pieces(b, h, depth - 1, out);
    pieces(b + h, n - h, depth - 1, out);
  }
  // sum() from the pieces' sums, combined as sum's tree combines them.
  template <typename A>
  static A combine(int64_t n, int depth, const A* sums, size_t& next) {
    if (depth == 0 || n <= kBlock) return sums[next++];
    int64_t h = n / 2;
    h -= h % 8;
    A a = combine(h, depth - 1, sums, next);
    return a + combine(n - h, depth - 1, sums, next);
  }
};

template <typename T, typename A>
struct NumpySum : NumpySplit {
  static A at(const char* p, int64_t i, int64_t st) {
    return static_cast<A>(*reinterpret_cast<const T*>(p + i * st));
  }

  static A block(const char* p, int64_t n, int64_t st) {
    if (n < 8) {
      A r = A(-0.0);
      for (int64_t i = 0; i < n; ++i) r += at(p, i, st);
      return r;
    }
    A r[8];
    for (int k = 0; k < 8; ++k) r[k] = at(p, k, st);
    int64_t i = 8;
    const int64_t full = n - n % 8;
    if (st == static_cast<int64_t>(sizeof(T))) {  // (vectorized: 8 lanes, NumPy's order)
      const T* x = reinterpret_cast<const T*>(p);
      for (; i < full; i += 8)
        for (int k = 0; k < 8; ++k) r[k] += static_cast<A>(x[i + k]);
    } else {
      for (; i < full; i += 8)
        for (int k = 0; k < 8; ++k) r[k] += at(p, i + k, st);
    }
    A res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += at(p, i, st);
    return res;
  }

  static A sum(const char* p, int64_t n, int64_t st) {
    if (n <= kBlock) return block(p, n, st);
    int64_t h = n / 2;
    h -= h % 8;
    return sum(p, h, st) + sum(p + h * st, n - h, st);
  }
};

template <typename R>
struct NumpySum<std::complex<R>, std::complex<R>> : NumpySplit {  // (scalars: 2 per item)
  using C = std::complex<R>;

  // n scalars (n / 2 items) from p, items st bytes apart.
  static void block(const char* p, int64_t n, int64_t st, R& rr, R& ri) {
    auto re = [&](int64_t i) { return reinterpret_cast<const R*>(p + (i / 2) * st)[0]; };
    auto im = [&](int64_t i) { return reinterpret_cast<const R*>(p + (i / 2) * st)[1]; };
    if (n < 8) {
      rr = R(-0.0), ri = R(-0.0);
      for (int64_t i = 0; i < n; i += 2) rr += re(i), ri += im(i);
      return;
    }
    R r[8];
    for (int k = 0; k < 8; k += 2) r[k] = re(k), r[k + 1] = im(k);
    int64_t i = 8;
    const int64_t full = n - n % 8;
    if (st == static_cast<int64_t>(sizeof(C))) {
      const R* x = reinterpret_cast<const R*>(p);
      for (; i < full; i += 8)
        for (int k = 0; k < 8; ++k) r[k] += x[i + k];
    } else {
      for (; i < full; i += 8)
        for (int k = 0; k < 8; k += 2) r[k] += re(i + k), r[k + 1] += im(i + k);
    }
    rr = (r[0] + r[2]) + (r[4] + r[6]);
    ri = (r[1] + r[3]) + (r[5] + r[7]);
    for (; i < n; i += 2) rr += re(i), ri += im(i);
  }

  static C sum2(const char* p, int64_t n, int64_t st) {
    if (n <= kBlock) {
      R rr, ri;
      block(p, n, st, rr, ri);
      return C(rr, ri);
    }
    int64_t h = n / 2;
    h -= h % 8;
    C a = sum2(p, h, st), b = sum2(p + (h / 2) * st, n - h, st);
    return C(a.real() + b.real(), a.imag() + b.imag());
  }
  static C sum(const char* p, int64_t n, int64_t st) { return sum2(p, 2 * n, st); }
};

// Whether reductions of kind K over T take NumPy's summation order (float and complex sums).
template <RedKind K, typename T>
constexpr bool numpy_order_v = K == RedKind::Sum && (is_float_v<T> || is_complex_v<T>);

// Float products multiply one item after another, NumPy's order everywhere (its multiply loop
// carries the running product from run to run, row to row and buffer to buffer).
template <RedKind K, typename T>
constexpr bool sequential_order_v = K == RedKind::Prod && (is_float_v<T> || is_complex_v<T>);

// Reductions whose order NumPy's results depend on (float sums and products): columns are
// accumulated row after row, not four rows combined first, nor split over threads.
template <RedKind K, typename T>
constexpr bool ordered_v = numpy_order_v<K, T> || sequential_order_v<K, T>;

// NumPy keeps a float16 sum's running total in float16 between runs and rows (its loops add a
// run's float32 sum, or a row's values, to it and round): sums of halves round there too.
template <typename T, typename A>
inline A settle(A v) {
  if constexpr (is_half_v<T>)
    return static_cast<A>(round_to_half<T>(v));
  else
    return v;
}

// Reduction of one run of n elements starting at p, stride st bytes.
template <RedKind K, typename T, typename A = red_acc_t<K, T>>
struct RedRun {
  // Lanes: 256 bytes of accumulators (8 AVX2 registers, enough independent chains to hide the
  // add latency) for real types. A leaf block gives each lane 64 elements: big enough that the
  // per-block overhead stays small (bigger blocks measured up to 2x faster on cached data),
  // small enough for an error bound like NumPy's (64 + log2(n / B) roundings, NumPy 16 + ...).
  static constexpr int L = sizeof(A) >= 16 ? 4 : static_cast<int>(256 / sizeof(A));
  static constexpr int64_t B = int64_t{L} * 64;
  using Lanes = std::array<A, L>;

  static Lanes leaf(const char* p, int64_t n, int64_t st) {
    Lanes acc;
    for (int k = 0; k < L; ++k) acc[k] = red_identity<K, A>();
    int64_t i = 0;
    if (st == static_cast<int64_t>(sizeof(T))) {
      const T* x = reinterpret_cast<const T*>(p);
      for (; i + L <= n; i += L)
        for (int k = 0; k < L; ++k) acc[k] = red_combine<K, A>(acc[k], static_cast<A>(x[i + k]));
      for (int k = 0; k < L; ++k)
        if (i + k < n) acc[k] = red_combine<K, A>(acc[k], static_cast<A>(x[i + k]));
    } else {
      for (; i + L <= n; i += L)
        for (int k = 0; k < L; ++k)
          acc[k] = red_combine<K, A>(acc[k],
                                     static_cast<A>(*reinterpret_cast<const T*>(p + (i + k) * st)));
      for (int k = 0; k < L; ++k)
        if (i + k < n)
          acc[k] = red_combine<K, A>(acc[k],
                                     static_cast<A>(*reinterpret_cast<const T*>(p + (i + k) * st)));
    }
    return acc;
  }

  // Pairwise over leaf blocks; split points are multiples of B so lane k always sees the
  // elements with index = k (mod L).
  __attribute__((noinline)) static Lanes lanes(const char* p, int64_t n, int64_t st) {
    if (n <= B) return leaf(p, n, st);
    int64_t h = B * ((n / B + 1) / 2);
    Lanes a = lanes(p, h, st), b = lanes(p + h * st, n - h, st);
    for (int k = 0; k < L; ++k) a[k] = red_combine<K, A>(a[k], b[k]);
    return a;
  }

  static A run(const char* p, int64_t n, int64_t st) {
    if constexpr (numpy_order_v<K, T>) return NumpySum<T, A>::sum(p, n, st);
    if constexpr (sequential_order_v<K, T>) return run_from(red_identity<K, A>(), p, n, st);
    if (n < 4 * L) return run_short(p, n, st);
    Lanes acc = lanes(p, n, st);
    for (int w = L / 2; w >= 1; w /= 2)
      for (int k = 0; k < w; ++k) acc[k] = red_combine<K, A>(acc[k], acc[k + w]);
    return acc[0];
  }

  // acc combined with the n items one after another (float products: NumPy's order).
  static A run_from(A acc, const char* p, int64_t n, int64_t st) {
    for (int64_t i = 0; i < n; ++i)
      acc = red_combine<K, A>(acc, static_cast<A>(*reinterpret_cast<const T*>(p + i * st)));
    return acc;
  }

  // Short runs (a row of 96 in a layer norm): one register of lanes, whose reduction at the
  // end costs a few operations where the wide accumulators' cost 2 L; at most 4 L / SL
  // elements per lane, so no pairwise blocks are needed.
  static constexpr int SL = sizeof(A) >= 16 ? 2 : static_cast<int>(32 / sizeof(A));
  static A run_short(const char* p, int64_t n, int64_t st) {
    std::array<A, SL> acc;
    for (int k = 0; k < SL; ++k) acc[k] = red_identity<K, A>();
    int64_t i = 0;
    if constexpr (std::is_same_v<A, T> && (std::is_same_v<A, float> || std::is_same_v<A, double>) &&
                  (K == RedKind::Max || K == RedKind::Min)) {
      // A float maximum's NaN test is kept off the lanes' dependency chain, in a register of
      // its own: each step is one maxps (GCC left the combine below scalar, and a softmax's
      // row maxima over rows of 64 took 4x a sum's time). A row with a NaN (rare) is reduced
      // again by the NaN-propagating combine below.
      using V = typename simd_of<A>::type;
      constexpr int W = sizeof(V) / sizeof(A);
      if (st == static_cast<int64_t>(sizeof(T)) && n >= W) {
        V m, v;
        std::memcpy(&m, p, sizeof(V));
        auto bad = m != m;
        for (i = W; i + W <= n; i += W) {
          std::memcpy(&v, p + i * sizeof(A), sizeof(V));
          m = K == RedKind::Max ? (v > m ? v : m) : (v < m ? v : m);  // maxps / minps
          bad |= v != v;
        }
        bool any_nan = false;
        for (int k = 0; k < W; ++k) any_nan |= bad[k] != 0;
        if (!any_nan) {
          A r = m[0];
          for (int k = 1; k < W; ++k) r = red_combine<K, A>(r, m[k]);
          const A* x = reinterpret_cast<const A*>(p);
          for (; i < n; ++i) r = red_combine<K, A>(r, x[i]);
          return r;
        }
        i = 0;
      }
    }
    if (st == static_cast<int64_t>(sizeof(T))) {
      const T* x = reinterpret_cast<const T*>(p);
      for (; i + SL <= n; i += SL)
        for (int k = 0; k < SL; ++k) acc[k] = red_combine<K, A>(acc[k], static_cast<A>(x[i + k]));
    }
    for (int k = 0; i < n; ++i, k = (k + 1) % SL)
      acc[k] = red_combine<K, A>(acc[k], static_cast<A>(*reinterpret_cast<const T*>(p + i * st)));
    for (int w = SL / 2; w >= 1; w /= 2)
      for (int k = 0; k < w; ++k) acc[k] = red_combine<K, A>(acc[k], acc[k + w]);
    return acc[0];
  }

  // acc[j] = combine(acc[j], x[j]) for j < n: one row of a reduction over a leading axis.
  static void accumulate(A* acc, const char* p, int64_t n, int64_t st) {
    if constexpr (ordered_v<K, T> && is_half_v<T>) {
      for (int64_t j = 0; j < n; ++j)
        acc[j] = settle<T>(
            red_combine<K, A>(acc[j], static_cast<A>(*reinterpret_cast<const T*>(p + j * st))));
      return;
    }
    if (st == static_cast<int64_t>(sizeof(T))) {
      const T* x = reinterpret_cast<const T*>(p);
      for (int64_t j = 0; j < n; ++j) acc[j] = red_combine<K, A>(acc[j], static_cast<A>(x[j]));
    } else {
      for (int64_t j = 0; j < n; ++j)
        acc[j] = red_combine<K, A>(acc[j], static_cast<A>(*reinterpret_cast<const T*>(p + j * st)));
    }
  }

  // The same for four rows at once: a quarter of the loads and stores of acc.
  static void accumulate4(A* acc, const char* const* p, int64_t n, int64_t st) {
    auto c = [](A a, A b) { return red_combine<K, A>(a, b); };
    if (st == static_cast<int64_t>(sizeof(T))) {
      const T *a = reinterpret_cast<const T*>(p[0]), *b = reinterpret_cast<const T*>(p[1]),
              *d = reinterpret_cast<const T*>(p[2]), *e = reinterpret_cast<const T*>(p[3]);
      if constexpr (ordered_v<K, T>)  // (row after row, NumPy's order)
        for (int64_t j = 0; j < n; ++j) {
          A v = settle<T>(c(acc[j], static_cast<A>(a[j])));
          v = settle<T>(c(v, static_cast<A>(b[j])));
          v = settle<T>(c(v, static_cast<A>(d[j])));
          acc[j] = settle<T>(c(v, static_cast<A>(e[j])));
        }
      else
        for (int64_t j = 0; j < n; ++j)
          acc[j] = c(acc[j], c(c(static_cast<A>(a[j]), static_cast<A>(b[j])),
                               c(static_cast<A>(d[j]), static_cast<A>(e[j]))));
    } else {
      for (int k = 0; k < 4; ++k) accumulate(acc, p[k], n, st);
    }
  }
};

// Accumulator -> element type: rounds once (half types), wraps (integers).
template <typename T, typename A>
inline T red_cast(A v) {
  if constexpr (is_half_v<T>)
    return round_to_half<T>(static_cast<float>(v));
  else
    return static_cast<T>(v);
}

// An uninitialised scratch array (std::vector<bool> has no data()).
template <typename A>
std::unique_ptr<A[]> scratch(int64_t n) {
  return std::unique_ptr<A[]>(new A[static_cast<size_t>(std::max<int64_t>(n, 1))]);
}

// Splits [0, n) into `parts` ranges and runs fn(part, begin, end) for each, on the pool.
template <typename Fn>
void parallel_parts(int64_t n, int parts, Fn&& fn) {
  parallel_for(parts, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) fn(static_cast<int>(t), n * t / parts, n * (t + 1) / parts);
  });
}

// ---- planning: which dims are reduced, in what order they are walked -------------------------

// Full reductions below this many elements run on one thread.
constexpr int64_t kSplitMin = int64_t{1} << 17;

// A reduction is planned once: size-1 dims dropped, dims ordered by input stride (largest
// first) and adjacent dims of the same kind (kept/reduced) merged. When the innermost dim is
// reduced, outputs reduce runs along it ("rows"); when it is kept, whole rows of it are
// accumulated into an output-sized vector ("columns").
struct RDim {
  int64_t n;    // extent
  int64_t st;   // input stride, bytes
  int64_t ost;  // output stride, elements (0 for reduced dims)
};

struct Plan {
  std::vector<RDim> outer;  // kept dims other than j, outermost first
  std::vector<RDim> red;    // reduced dims, outermost first
  bool col = false;         // the innermost dim is kept: it is j
  RDim j{1, 0, 0};
  int64_t out_n = 1, red_n = 1;
};

inline Plan make_plan(const Array& x, const std::vector<int64_t>& axes) {
  const int nd = x.ndim();
  std::vector<bool> is_red(nd, false);
  for (auto a : axes) is_red[a] = true;
  std::vector<int64_t> ost(nd, 0);
  int64_t acc = 1;
  for (int d = nd - 1; d >= 0; --d)
    if (!is_red[d]) {
      ost[d] = acc;
      acc *= x.shape()[d];
    }
  struct D {
    RDim r;
    bool red;
  };
  std::vector<D> ds;
  for (int d = 0; d < nd; ++d)
    if (x.shape()[d] != 1) ds.push_back({{x.shape()[d], x.strides()[d], ost[d]}, is_red[d]});
  auto key = [](const D& d) {
    return d.r.st == 0 ? std::numeric_limits<int64_t>::max() : std::abs(d.r.st);
  };
  std::stable_sort(ds.begin(), ds.end(), [&](const D& a, const D& b) { return key(a) > key(b); });
  std::vector<D> cs;
  for (const D& d : ds) {
    if (!cs.empty()) {
      D& p = cs.back();
      if (p.red == d.red && p.r.st == d.r.st * d.r.n && (d.red || p.r.ost == d.r.ost * d.r.n)) {
        p.r = {p.r.n * d.r.n, d.r.st, d.r.ost};
        continue;
      }
    }
    cs.push_back(d);
  }
  Plan pl;
  if (!cs.empty() && !cs.back().red) {
    pl.col = true;
    pl.j = cs.back().r;
    cs.pop_back();
  }
  for (const D& d : cs) {
    (d.red ? pl.red : pl.outer).push_back(d.r);
    (d.red ? pl.red_n : pl.out_n) *= d.r.n;
  }
  pl.out_n *= pl.j.n;
  return pl;
}

// Calls fn(input_offset, output_offset) for the flat indices [b, e) of a nest of dims.
template <typename Fn>
void walk(const std::vector<RDim>& dims, int64_t b, int64_t e, Fn&& fn) {
  if (b >= e) return;
  const int nd = static_cast<int>(dims.size());
  if (nd == 0) {
    fn(int64_t{0}, int64_t{0});
    return;
  }
  SmallVector<int64_t, 8> idx(nd);  // called once per output: no heap allocation
  int64_t in = 0, out = 0, rem = b;
  for (int d = nd - 1; d >= 0; --d) {
    idx[d] = rem % dims[d].n;
    rem /= dims[d].n;
    in += idx[d] * dims[d].st;
    out += idx[d] * dims[d].ost;
  }
  for (int64_t t = b;;) {
    fn(in, out);
    if (++t == e) break;
    for (int d = nd - 1; d >= 0; --d) {
      in += dims[d].st;
      out += dims[d].ost;
      if (++idx[d] < dims[d].n) break;
      in -= dims[d].st * dims[d].n;
      out -= dims[d].ost * dims[d].n;
      idx[d] = 0;
    }
  }
}

// Offsets of flat index o of a nest of dims.
inline std::pair<int64_t, int64_t> offsets_of(const std::vector<RDim>& dims, int64_t o) {
  int64_t in = 0, out = 0;
  for (int d = static_cast<int>(dims.size()) - 1; d >= 0; --d) {
    int64_t i = o % dims[d].n;
    o /= dims[d].n;
    in += i * dims[d].st;
    out += i * dims[d].ost;
  }
  return {in, out};
}

inline Shape remove_axes(const Shape& s, const std::vector<int64_t>& axes) {
  Shape r;
  for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d)
    if (!std::binary_search(axes.begin(), axes.end(), d)) r.push_back(s[d]);
  return r;
}

// ---- argmax / argmin ------------------------------------------------------------------------

// Whether v beats the current best: strictly greater (argmax) or less (argmin); the first NaN
// wins and nothing beats a NaN.
template <bool IsMax, typename V>
inline bool arg_better(V v, V best) {
  if constexpr (std::is_same_v<V, bool>) {
    return IsMax ? (v && !best) : (!v && best);
  } else {
    if (is_nan_v(best)) return false;
    if (is_nan_v(v)) return true;
    if constexpr (is_complex_v<V>)
      return IsMax ? !complex_ge(best, v) : !complex_ge(v, best);
    else
      return IsMax ? v > best : v < best;
  }
}

template <typename T>
using arg_value_t = std::conditional_t<is_half_v<T>, float, T>;

// Index of the first maximum (minimum) of a run of n >= 1 elements.
template <bool IsMax, typename T>
int64_t arg_run(const char* p, int64_t n, int64_t st) {
  using V = arg_value_t<T>;
  auto at = [&](int64_t i) { return static_cast<V>(*reinterpret_cast<const T*>(p + i * st)); };
  if constexpr ((std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)) {
    if (st == static_cast<int64_t>(sizeof(T)) && n >= 64) {
      // One vectorised pass of block extremes (NaN-propagating); then the first index of the
      // winning value, searched in the first block that holds it (or the first NaN).
      constexpr RedKind K = IsMax ? RedKind::Max : RedKind::Min;
      constexpr int64_t BS = 16384 / sizeof(T);
      const T* x = reinterpret_cast<const T*>(p);
      T best{};
      int64_t bs = -1;
      for (int64_t s = 0; s < n; s += BS) {
        const int64_t len = std::min(BS, n - s);
        T m = RedRun<K, T, T>::run(reinterpret_cast<const char*>(x + s), len, sizeof(T));
        if (is_nan_v(m)) {
          for (int64_t i = s;; ++i)
            if (is_nan_v(x[i])) return i;
        }
        if (bs < 0 || (IsMax ? m > best : m < best)) {
          best = m;
          bs = s;
        }
      }
      for (int64_t i = bs;; ++i)
        if (x[i] == best) return i;
    }
  }
  V best = at(0);
  int64_t bi = 0;
  for (int64_t i = 1; i < n; ++i) {
    V v = at(i);
    if (arg_better<IsMax>(v, best)) {
      best = v;
      bi = i;
      if (is_nan_v(v)) break;
    }
  }
  return bi;
}

// ---- cumulative ops -------------------------------------------------------------------------

// The accumulator of a scan: the same as a reduction's, except integers scan in their own type
// (through its unsigned twin, so overflow wraps without undefined behaviour). Halves add in
// float but each partial result is rounded to the half type, as NumPy's accumulate loop does.
template <typename T, typename = void>
struct scan_acc {
  using type = std::conditional_t<is_half_v<T>, float, T>;
};
template <typename T>
struct scan_acc<T, std::enable_if_t<is_int_v<T>>> {
  using type = std::make_unsigned_t<T>;
};
template <RedKind K, typename T>
using scan_acc_t = typename scan_acc<T>::type;

template <RedKind K, typename T>
inline auto scan_combine(scan_acc_t<K, T> a, scan_acc_t<K, T> b) {
  using S = scan_acc_t<K, T>;
  if constexpr (is_int_v<T> && (K == RedKind::Max || K == RedKind::Min)) {
    T r = red_combine<K, T>(static_cast<T>(a), static_cast<T>(b));  // compare signed
    return static_cast<S>(r);
  } else if constexpr (is_int_v<T> && K == RedKind::Prod) {
    // Unsigned types narrower than int promote to int: multiply in uint64 to stay defined.
    return static_cast<S>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
  } else {
    return static_cast<S>(red_combine<K, S>(a, b));
  }
}

// out[i] = x[0] op ... op x[i] along a run (reversed: from the end), contiguous input/output
// with element strides sx, so.
template <RedKind K, typename T>
void scan_run(const T* x, T* out, int64_t n, int64_t s, bool reverse) {
  using S = scan_acc_t<K, T>;
  if (n == 0) return;
  int64_t i = reverse ? n - 1 : 0, step = reverse ? -s : s;
  const T* px = x + i * s;
  T* po = out + i * s;
  S acc = static_cast<S>(*px);
  *po = red_cast<T>(acc);
  for (int64_t t = 1; t < n; ++t) {
    px += step;
    po += step;
    acc = scan_combine<K, T>(acc, static_cast<S>(*px));
    *po = red_cast<T>(acc);
    if constexpr (is_half_v<T>) acc = static_cast<S>(*po);  // (NumPy's loop: a half each step)
  }
}

// A scan along a leading axis: rows of m contiguous elements, row stride rs elements; the
// running values live in acc (m entries), so the inner loop vectorises.
template <RedKind K, typename T>
void scan_cols(const T* x, T* out, int64_t n, int64_t m, int64_t rs, bool reverse,
               scan_acc_t<K, T>* acc) {
  using S = scan_acc_t<K, T>;
  if (n == 0) return;
  int64_t i = reverse ? n - 1 : 0, step = reverse ? -rs : rs;
  const T* px = x + i * rs;
  T* po = out + i * rs;
  for (int64_t j = 0; j < m; ++j) {
    acc[j] = static_cast<S>(px[j]);
    po[j] = red_cast<T>(acc[j]);
  }
  for (int64_t t = 1; t < n; ++t) {
    px += step;
    po += step;
    for (int64_t j = 0; j < m; ++j) {
      acc[j] = scan_combine<K, T>(acc[j], static_cast<S>(px[j]));
      po[j] = red_cast<T>(acc[j]);
      if constexpr (is_half_v<T>) acc[j] = static_cast<S>(po[j]);
    }
  }
}

}  // namespace arrax::kernels
