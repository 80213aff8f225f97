// Reduction primitives: reduce_{sum,prod,max,min,and,or} (param "axes": sorted, normalised;
// reduce_sum/prod also take an optional "dtype", see reduce_out_dtype). Output dtype = input
// dtype (numpy_api casts to the accumulation dtype first); half types
// accumulate in float32, integer sums wrap, max/min propagate NaN, and/or take bool only.
// (argmax/argmin and the scans live in scans.cpp.)
//
// The plan (kernels/reduce.h) orders and merges dims. Then
//   * innermost dim reduced  -> "rows": each output reduces runs along that dim (float sums
//     in NumPy's pairwise order, others by the SIMD lanes kernel); outputs in parallel, or, for
//     a full reduction, the reduced range split over threads (float sums: at the nodes of
//     NumPy's split tree, or in NumPy's 8192-item buffers for an array that is not one run);
//   * innermost dim kept     -> "columns": whole rows are accumulated into an output-sized
//     vector (vectorised along the kept dim, row after row as NumPy); blocks of it in
//     parallel, or, except for float sums, the reduced range split over threads when there
//     are few blocks.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "errors.h"
#include "kernels/reduce.h"
#include "primitive.h"

namespace arrax {
namespace {

using kernels::kSplitMin;
using kernels::offsets_of;
using kernels::Plan;
using kernels::RDim;
using kernels::RedKind;
using kernels::walk;

// Reductions over at most this many elements per output, in runs shorter than a SIMD block, use
// a table of offsets.
constexpr size_t kSmallWindow = 64;

// A float sum of all of a big contiguous (or evenly strided) run on nt threads, in NumPy's
// order: the run is cut at the top of NumpySum's split tree (a few pieces per thread) and the
// pieces' sums combined as that tree combines them.
template <typename T, typename A>
A split_numpy_sum(const char* in, const RDim& rin, int nt) {
  using S = kernels::NumpySum<T, A>;
  const int64_t scalars = is_complex_v<T> ? 2 : 1;  // (complex runs split in scalars)
  int depth = 0;
  while ((int64_t{1} << depth) < 2 * nt) ++depth;  // (pieces of unequal cost: a few spare)
  std::vector<std::pair<int64_t, int64_t>> pieces;
  S::pieces(0, scalars * rin.n, depth, pieces);
  std::vector<A> sums(pieces.size());
  parallel_for(static_cast<int64_t>(pieces.size()), 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      sums[i] = S::sum(in + pieces[i].first / scalars * rin.st, pieces[i].second / scalars, rin.st);
  });
  size_t next = 0;
  return kernels::red_identity<RedKind::Sum, A>() +
         S::combine(scalars * rin.n, depth, sums.data(), next);  // (NumPy's start: +0.0)
}

// A float sum of all of an array that is not one run (a[:, ::2]), in NumPy's order: NumPy's
// iterator copies such an array into buffers of 8192 items, in memory order, and adds each
// buffer's pairwise sum in turn. Buffers are summed in parallel, then added in order.
template <typename T, typename A>
A buffered_numpy_sum(const char* in, const std::vector<RDim>& dims, int64_t n) {
  constexpr int64_t kBuffer = 8192;  // NumPy's default buffer size, in items
  const int64_t nbuf = (n + kBuffer - 1) / kBuffer;
  std::vector<A> sums(nbuf);
  parallel_for(nbuf, std::max<int64_t>(1, kParallelGrain / kBuffer), [&](int64_t b, int64_t e) {
    auto buf = kernels::scratch<T>(kBuffer);
    for (int64_t c = b; c < e; ++c) {
      const int64_t lo = c * kBuffer, hi = std::min(n, lo + kBuffer);
      T* w = buf.get();
      walk(dims, lo, hi, [&](int64_t off, int64_t) { std::memcpy(w++, in + off, sizeof(T)); });
      sums[c] = kernels::NumpySum<T, A>::sum(reinterpret_cast<const char*>(buf.get()), hi - lo,
                                             sizeof(T));
    }
  });
  A acc = kernels::red_identity<RedKind::Sum, A>();
  for (const A& v : sums) acc = kernels::settle<T>(acc + v);
  return acc;
}

template <RedKind K, typename T, typename O = T>
void reduce_impl(const Array& x, const Plan& pl, O* out) {
  using A = kernels::red_acc_t<K, T>;
  using R = kernels::RedRun<K, T>;
  const A id = kernels::red_identity<K, A>();
  auto comb = [](A a, A b) { return kernels::red_combine<K, A>(a, b); };
  const char* in = x.data();
  const int nt = num_threads();

  if (!pl.col) {
    const RDim rin = pl.red.back();
    const std::vector<RDim> rout(pl.red.begin(), pl.red.end() - 1);
    const int64_t rout_n = pl.red_n / rin.n;
    auto reduce_at = [&](const char* p, int64_t r0, int64_t r1, int64_t s, int64_t f) {
      A acc = id;
      walk(rout, r0, r1, [&](int64_t off, int64_t) {
        if constexpr (kernels::numpy_order_v<K, T>)
          acc = kernels::settle<T>(acc + R::run(p + off + s * rin.st, f - s, rin.st));
        else if constexpr (kernels::sequential_order_v<K, T>)
          acc = kernels::settle<T>(R::run_from(acc, p + off + s * rin.st, f - s, rin.st));
        else
          acc = comb(acc, R::run(p + off + s * rin.st, f - s, rin.st));
      });
      return acc;
    };
    if constexpr (kernels::numpy_order_v<K, T>) {
      if (pl.out_n == 1 && rout_n > 1) {
        out[0] = kernels::red_cast<O>(buffered_numpy_sum<T, A>(in, pl.red, pl.red_n));
        return;
      }
      if (pl.out_n == 1 && pl.red_n >= kSplitMin && nt > 1) {
        out[0] = kernels::red_cast<O>(split_numpy_sum<T, A>(in, rin, nt));
        return;
      }
    }
    if (!kernels::sequential_order_v<K, T> && pl.out_n == 1 && pl.red_n >= kSplitMin && nt > 1) {
      auto part = kernels::scratch<A>(nt);  // not std::vector: bool partials share words
      std::fill(part.get(), part.get() + nt, id);
      if (rout_n >= nt) {
        kernels::parallel_parts(rout_n, nt, [&](int t, int64_t b, int64_t e) {
          part[t] = reduce_at(in, b, e, 0, rin.n);
        });
      } else {
        const int64_t nb = (rin.n + R::B - 1) / R::B;
        kernels::parallel_parts(nb, nt, [&](int t, int64_t b, int64_t e) {
          if (b < e) part[t] = reduce_at(in, 0, rout_n, b * R::B, std::min(rin.n, e * R::B));
        });
      }
      A acc = part[0];
      for (int t = 1; t < nt; ++t) acc = comb(acc, part[t]);
      out[0] = kernels::red_cast<O>(acc);
      return;
    }
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / pl.red_n);
    // (NumPy's order sums runs of 8 or more in blocks: those take R::run)
    if (rin.n < (kernels::numpy_order_v<K, T> ? (is_complex_v<T> ? 4 : 8) : R::L) &&
        pl.red_n <= kSmallWindow) {
      // Small windows over several dims (axes (3, 5) of (N, C, Ho, kh, Wo, kw)): each output
      // combines its red_n elements one after another, at offsets computed once, instead of
      // walking the reduced dims per output.
      SmallVector<int64_t, kSmallWindow> offs;
      walk(pl.red, 0, pl.red_n, [&](int64_t off, int64_t) { offs.push_back(off); });
      parallel_for(pl.out_n, grain, [&](int64_t b, int64_t e) {
        walk(pl.outer, b, e, [&](int64_t io, int64_t oo) {
          const char* p = in + io;
          A acc = id;
          if constexpr (kernels::numpy_order_v<K, T>) {  // NumPy's: each run's sum, then added
            for (size_t r = 0; r < offs.size(); r += rin.n) {
              A run = A(-0.0);
              for (int64_t k = 0; k < rin.n; ++k)
                run += static_cast<A>(*reinterpret_cast<const T*>(p + offs[r + k]));
              acc = kernels::settle<T>(acc + run);
            }
          } else {
            for (int64_t off : offs)
              acc = comb(acc, static_cast<A>(*reinterpret_cast<const T*>(p + off)));
          }
          out[oo] = kernels::red_cast<O>(acc);
        });
      });
      return;
    }
    parallel_for(pl.out_n, grain, [&](int64_t b, int64_t e) {
      walk(pl.outer, b, e, [&](int64_t io, int64_t oo) {
        out[oo] = kernels::red_cast<O>(reduce_at(in + io, 0, rout_n, 0, rin.n));
      });
    });
    return;
  }

  // Columns: accumulate whole rows of the kept innermost dim j.
  const RDim J = pl.j;
  int64_t JB = std::max<int64_t>(16, 16384 / static_cast<int64_t>(sizeof(A)));
  if (kernels::ordered_v<K, T> && nt > 1 && (pl.out_n / J.n) * ((J.n + JB - 1) / JB) < nt)
    JB = std::max<int64_t>(16, (J.n + 16 * nt - 1) / (16 * nt) * 16);  // (threads share the row)
  const int64_t nblk = (J.n + JB - 1) / JB;
  const int64_t outer_n = pl.out_n / J.n;
  const int64_t tasks = outer_n * nblk;
  // Rows are taken kRows at a time (their offsets gathered first) and four by four, each added
  // into acc in turn: NumPy's order for float sums (row after row).
  constexpr int64_t kRows = 128;
  auto accumulate = [&](const char* p, int64_t r0, int64_t r1, A* acc, int64_t jn) {
    const char* rows[kRows];
    for (int64_t s = r0; s < r1; s += kRows) {
      int64_t m = 0;
      walk(pl.red, s, std::min(r1, s + kRows), [&](int64_t off, int64_t) { rows[m++] = p + off; });
      int64_t i = 0;
      for (; i + 4 <= m; i += 4) R::accumulate4(acc, rows + i, jn, J.st);
      for (; i < m; ++i) R::accumulate(acc, rows[i], jn, J.st);
    }
  };
  // (Splitting the rows over threads would combine partial results: not NumPy's order for float
  // sums and products)
  const bool split = !kernels::ordered_v<K, T> && nt > 1 && tasks < 2 * nt && pl.red_n >= 2 * nt &&
                     pl.red_n * J.n >= kSplitMin;
  if (!split) {
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / (pl.red_n * std::min(J.n, JB)));
    parallel_for(tasks, grain, [&](int64_t b, int64_t e) {
      auto acc = kernels::scratch<A>(std::min(J.n, JB));
      for (int64_t t = b; t < e; ++t) {
        const int64_t j0 = (t % nblk) * JB, jn = std::min(JB, J.n - j0);
        auto [io, oo] = offsets_of(pl.outer, t / nblk);
        std::fill(acc.get(), acc.get() + jn, id);
        accumulate(in + io + j0 * J.st, 0, pl.red_n, acc.get(), jn);
        for (int64_t j = 0; j < jn; ++j) out[oo + (j0 + j) * J.ost] = kernels::red_cast<O>(acc[j]);
      }
    });
    return;
  }
  auto part = kernels::scratch<A>(nt * pl.out_n);
  std::fill(part.get(), part.get() + nt * pl.out_n, id);
  kernels::parallel_parts(pl.red_n, nt, [&](int t, int64_t b, int64_t e) {
    A* base = part.get() + static_cast<size_t>(t) * pl.out_n;
    for (int64_t o = 0; o < outer_n; ++o) {
      const int64_t io = offsets_of(pl.outer, o).first;
      for (int64_t j0 = 0; j0 < J.n; j0 += JB)
        accumulate(in + io + j0 * J.st, b, e, base + o * J.n + j0, std::min(JB, J.n - j0));
    }
  });
  for (int64_t o = 0; o < outer_n; ++o) {
    const int64_t oo = offsets_of(pl.outer, o).second;
    for (int64_t j = 0; j < J.n; ++j) {
      A acc = part[o * J.n + j];
      for (int t = 1; t < nt; ++t)
        acc = comb(acc, part[static_cast<size_t>(t) * pl.out_n + o * J.n + j]);
      out[oo + j * J.ost] = kernels::red_cast<O>(acc);
    }
  }
}

void check_axes(const char* name, const std::vector<int64_t>& axes, int64_t ndim) {
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] < 0 || axes[i] >= ndim || (i > 0 && axes[i] <= axes[i - 1]))
      throw ValueError(std::string(name) + ": axes " + shape_str(axes) +
                       " must be sorted, unique and in [0, " + std::to_string(ndim) + ")");
}

// The output dtype: the input's, or the optional param "dtype", which only widens bool and
// integers narrower than 64 bits to int64/uint64 for sums and products (NumPy's default
// accumulators, without a converted copy of the input).
template <RedKind K>
DType reduce_out_dtype(const char* name, DType in, const Params& params) {
  if (!params.has("dtype") || params.get_dtype("dtype") == in) return in;
  DType d = params.get_dtype("dtype");
  if ((K == RedKind::Sum || K == RedKind::Prod) &&
      (is_bool(in) || (is_integer(in) && itemsize(in) < 8)) &&
      (d == DType::Int64 || d == DType::UInt64))
    return d;
  throw TypeError(std::string(name) + ": dtype=" + dtype_name(d) + " cannot accumulate " +
                  dtype_name(in) +
                  " (only bool/integer sums and products widen, to int64 or uint64)");
}

template <RedKind K>
void reduce_widening(const Array& x, const Plan& pl, uint64_t* out) {
  if constexpr (K == RedKind::Sum || K == RedKind::Prod) {
    dispatch_dtype(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, bool>)
        reduce_impl<K, uint8_t, uint64_t>(x, pl, out);  // 0/1 bytes: sums count, products AND
      else if constexpr (is_int_v<T> && sizeof(T) < 8)
        reduce_impl<K, T, uint64_t>(x, pl, out);
    });
  }
}

// The row reduction of fused regions (Primitive::row_reduce): the standalone kernel's runs, one
// per row of a chunk, combined with the earlier chunks' results (so a fused float sum adds in
// NumPy's order within a chunk only, as XLA's fused reductions add in their own).
template <RedKind K, typename T>
void row_reduce(char* out, const char* in, int64_t rows, int64_t n, bool accumulate) {
  using A = kernels::red_acc_t<K, T>;
  T* o = reinterpret_cast<T*>(out);
  for (int64_t i = 0; i < rows; ++i) {
    A v = kernels::RedRun<K, T>::run(in + i * n * int64_t{sizeof(T)}, n, sizeof(T));
    if (accumulate) v = kernels::red_combine<K, A>(static_cast<A>(o[i]), v);
    o[i] = kernels::red_cast<T>(v);
  }
}

// Float32 and float64 sums, products, maxima and minima, in their own dtype.
template <RedKind K>
RowReduce row_reduce_rule(DType in, const Params& params) {
  if constexpr (K == RedKind::And || K == RedKind::Or) {
    return nullptr;
  } else {
    if (params.has("dtype") && params.get_dtype("dtype") != in) return nullptr;
    if (in == DType::Float32) return row_reduce<K, float>;
    if (in == DType::Float64) return row_reduce<K, double>;
    return nullptr;
  }
}

template <RedKind K>
const Primitive& register_reduce(const char* name) {
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Reduction;
  p.num_inputs = 1;
  p.row_reduce = row_reduce_rule<K>;
  p.abstract_eval = [name](const std::vector<AbstractValue>& in, const Params& params) {
    const auto& axes = params.get_ints("axes");
    check_axes(name, axes, static_cast<int64_t>(in[0].shape.size()));
    if ((K == RedKind::And || K == RedKind::Or) && in[0].dtype != DType::Bool)
      throw TypeError(std::string(name) + ": expects a bool operand, got " +
                      dtype_name(in[0].dtype));
    AbstractValue r = in[0];
    r.shape = kernels::remove_axes(in[0].shape, axes);
    r.dtype = reduce_out_dtype<K>(name, in[0].dtype, params);
    return std::vector<AbstractValue>{r};
  };
  p.cpu_kernel = [name](const std::vector<Array>& in, const Params& params) {
    const Array& x = in[0];
    const auto& axes = params.get_ints("axes");
    check_axes(name, axes, x.ndim());
    Array out = Array::empty(kernels::remove_axes(x.shape(), axes),
                             reduce_out_dtype<K>(name, x.dtype(), params));
    if (out.size() == 0) return std::vector<Array>{out};
    int64_t red_n = 1;
    for (auto a : axes) red_n *= x.shape()[a];
    Plan pl = kernels::make_plan(x, axes);
    if (red_n > 0 && pl.red.empty()) {  // only size-1 axes reduced: a copy
      Strides st(x.ndim(), 0);
      for (int d = 0, k = 0; d < x.ndim(); ++d)
        if (!std::binary_search(axes.begin(), axes.end(), int64_t{d})) st[d] = out.strides()[k++];
      copy_into(x, out.view(x.shape(), st, out.offset()));
      if constexpr (K == RedKind::Sum) {  // (NumPy's sum starts at +0.0: -0.0 sums to 0.0)
        dispatch_dtype(out.dtype(), [&](auto tag) {
          using T = decltype(tag);
          if constexpr (std::is_floating_point_v<T> || is_complex_v<T>) {
            T* o = out.data_as<T>();
            for (int64_t i = 0; i < out.size(); ++i) o[i] += T(0);
          }
        });
      }
      return std::vector<Array>{out};
    }
    if (out.dtype() != x.dtype()) {
      uint64_t* o = out.data_as<uint64_t>();  // int64 and uint64 share their bits
      if (red_n == 0)
        std::fill(o, o + out.size(), uint64_t{K == RedKind::Prod});
      else
        reduce_widening<K>(x, pl, o);
      return std::vector<Array>{out};
    }
    dispatch_dtype(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr ((K == RedKind::And || K == RedKind::Or) && !std::is_same_v<T, bool>) {
        throw TypeError(std::string(name) + ": expects a bool operand, got " +
                        dtype_name(x.dtype()));
      } else {
        T* o = out.data_as<T>();
        if (red_n == 0) {  // a sum of nothing is +0, as NumPy's (-0.0 only starts the sums)
          using Acc = kernels::red_acc_t<K, T>;
          std::fill(
              o, o + out.size(),
              kernels::red_cast<T>(K == RedKind::Sum ? Acc(0) : kernels::red_identity<K, Acc>()));
          return;
        }
        reduce_impl<K, T>(x, pl, o);
      }
    });
    return std::vector<Array>{out};
  };
  return register_primitive(std::move(p));
}

const Primitive& reduce_sum_p = register_reduce<RedKind::Sum>("reduce_sum");
const Primitive& reduce_prod_p = register_reduce<RedKind::Prod>("reduce_prod");
const Primitive& reduce_max_p = register_reduce<RedKind::Max>("reduce_max");
const Primitive& reduce_min_p = register_reduce<RedKind::Min>("reduce_min");
const Primitive& reduce_and_p = register_reduce<RedKind::And>("reduce_and");
const Primitive& reduce_or_p = register_reduce<RedKind::Or>("reduce_or");

}  // namespace
}  // namespace arrax
