// Max pooling over the last two dims of an array of any rank (the leading dims are batch):
//   max_pool(x)            -> y   (..., Ho, Wo): the maximum of each window
//   max_pool_gather(x, t)  -> t at each window's argmax of x, (..., Ho, Wo)
//   max_pool_scatter(x, g) -> zeros shaped like x, plus g added at each window's argmax
// Params: window (kh, kw), strides (sh, sw), padding (top, bottom, left, right); padded
// positions never win, and a window must hold at least one real position. The argmax is the
// first maximum in the window's row-major order, NaN winning as in reduce_max: gather and
// scatter are each other's transpose, and max_pool's tangent is a gather (rules:
// python/arrax/_rules/pooling.py). One routed position per window is what JAX's
// select_and_scatter_add and PyTorch's max pool do, where a reduce_max over windows would
// share a tie.
#include <algorithm>

#include "errors.h"
#include "kernels/reduce.h"
#include "parallel.h"
#include "primitive.h"

namespace arrax {
namespace {

struct PoolGeom {
  int64_t planes, h, w, kh, kw, sh, sw, pt, pb, pl, pr, ho, wo;
};

PoolGeom pool_geometry(const char* name, const Shape& xs, const Params& p) {
  if (xs.size() < 2)
    throw ValueError(std::string(name) + ": expects an array of at least 2 dims, got shape " +
                     shape_str(xs));
  const auto &win = p.get_ints("window"), &st = p.get_ints("strides"), &pad = p.get_ints("padding");
  if (win.size() != 2 || st.size() != 2 || pad.size() != 4)
    throw ValueError(std::string(name) + ": window, strides and padding need 2, 2 and 4 entries");
  PoolGeom g{1,         xs[xs.size() - 2],
             xs.back(), win[0],
             win[1],    st[0],
             st[1],     pad[0],
             pad[1],    pad[2],
             pad[3],    0,
             0};
  for (size_t d = 0; d + 2 < xs.size(); ++d) g.planes *= xs[d];
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1)
    throw ValueError(std::string(name) + ": window and strides must be positive");
  if (g.pt < 0 || g.pb < 0 || g.pl < 0 || g.pr < 0 || g.pt >= g.kh || g.pb >= g.kh ||
      g.pl >= g.kw || g.pr >= g.kw)
    throw ValueError(std::string(name) + ": padding " + shape_str(pad) +
                     " must be non-negative and smaller than the window " + shape_str(win));
  if (g.h + g.pt + g.pb < g.kh || g.w + g.pl + g.pr < g.kw)
    throw ValueError(std::string(name) + ": window " + shape_str(win) +
                     " is larger than the padded input " + shape_str(xs));
  g.ho = (g.h + g.pt + g.pb - g.kh) / g.sh + 1;
  g.wo = (g.w + g.pl + g.pr - g.kw) / g.sw + 1;
  return g;
}

Shape pooled_shape(const Shape& xs, const PoolGeom& g) {
  Shape s = xs;
  s[s.size() - 2] = g.ho;
  s.back() = g.wo;
  return s;
}

void check_real(const char* name, DType dt) {
  if (is_complex(dt) || dt == DType::Bool)
    throw TypeError(std::string(name) + ": expects a real numeric array, got " + dtype_name(dt));
}

// The windows of one output row i of one plane, processed row-wise: windows clear of the
// padding go offset by offset across the whole row (no branch on the data, no dependence from
// one window to the next, so the inner loop vectorizes; window by window, a 2 x 2 pool was
// three times slower), the others one by one over their real positions. A position wins when
// greater than the best so far, or when it is the first NaN; WithIndex also tracks where.
template <bool WithIndex, typename V, typename T>
void pool_row(const PoolGeom& g, const T* xp, int64_t i, V* m, int64_t* best) {
  const int64_t top = i * g.sh - g.pt;
  const int64_t y0 = std::max<int64_t>(0, top), y1 = std::min(g.h, top + g.kh);
  // Columns whose windows lie inside the input's width.
  int64_t ja = g.wo, jb = g.wo;
  if (y0 == top && y1 == top + g.kh) {
    ja = std::min(g.wo, (g.pl + g.sw - 1) / g.sw);
    jb = std::max(ja, std::min(g.wo, (g.w + g.pl - g.kw) / g.sw + 1));
  }
  auto better = [](V v, V cur) { return (v > cur) | ((v != v) & (cur == cur)); };
  for (int64_t j = 0; j < g.wo; ++j) {
    if (j == ja) j = jb;
    if (j >= g.wo) break;
    const int64_t left = j * g.sw - g.pl;
    const int64_t x0 = std::max<int64_t>(0, left), x1 = std::min(g.w, left + g.kw);
    int64_t k = y0 * g.w + x0;
    V cur = static_cast<V>(xp[k]);
    for (int64_t y = y0; y < y1; ++y)
      for (int64_t xx = (y == y0 ? x0 + 1 : x0); xx < x1; ++xx) {
        const V v = static_cast<V>(xp[y * g.w + xx]);
        if (better(v, cur)) {
          cur = v;
          k = y * g.w + xx;
        }
      }
    m[j] = cur;
    if (WithIndex) best[j] = k;
  }
  if (ja >= jb) return;
  const int64_t corner = top * g.w - g.pl;  // flat position of window j's corner: + j * sw
  for (int64_t j = ja; j < jb; ++j) {
    m[j] = static_cast<V>(xp[corner + j * g.sw]);
    if (WithIndex) best[j] = corner + j * g.sw;
  }
  for (int64_t a = 0; a < g.kh; ++a)
    for (int64_t b = (a == 0 ? 1 : 0); b < g.kw; ++b) {
      const int64_t off = corner + a * g.w + b;
      for (int64_t j = ja; j < jb; ++j) {
        const V v = static_cast<V>(xp[off + j * g.sw]);
        const bool take = better(v, m[j]);
        m[j] = take ? v : m[j];
        if (WithIndex) best[j] = take ? off + j * g.sw : best[j];
      }
    }
}

// Calls fn(plane, i, j, k) for every window (i, j) of every plane with k the flat position of
// its argmax in the plane, planes split over the cores; fn(plane, i, values) per output row
// instead when WithIndex is false.
// The common 2 x 2 window with stride 2 and no padding, unrolled: the first maximum of
// (a, b; c, d) by a tournament in which a later position wins only when strictly greater (or
// the first NaN). Small feature maps (a 4 x 4 map has two windows per row) spent more in the
// general path's per-row setup than in the comparisons.
inline bool is_2x2(const PoolGeom& g) {
  return g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.pt == 0 && g.pb == 0 && g.pl == 0 &&
         g.pr == 0;
}

template <bool WithIndex, typename T, typename Fn>
void pool_2x2(const PoolGeom& g, const T* x, Fn&& fn) {
  using V = kernels::arg_value_t<T>;
  const int64_t plane_size = g.h * g.w;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, plane_size));
  auto wins = [](V v, V cur) { return (v > cur) | ((v != v) & (cur == cur)); };
  parallel_for(g.planes, grain, [&](int64_t b, int64_t e) {
    std::vector<V> m(g.wo);
    for (int64_t pl = b; pl < e; ++pl) {
      const T* xp = x + pl * plane_size;
      for (int64_t i = 0; i < g.ho; ++i) {
        const T* r0 = xp + 2 * i * g.w;
        const T* r1 = r0 + g.w;
        for (int64_t j = 0; j < g.wo; ++j) {
          const V a = static_cast<V>(r0[2 * j]), bb = static_cast<V>(r0[2 * j + 1]),
                  c = static_cast<V>(r1[2 * j]), d = static_cast<V>(r1[2 * j + 1]);
          if constexpr (WithIndex) {
            const bool tb = wins(bb, a), td = wins(d, c);
            const V ab = tb ? bb : a, cd = td ? d : c;
            const int64_t kab = 2 * i * g.w + 2 * j + tb, kcd = (2 * i + 1) * g.w + 2 * j + td;
            fn(pl, i, j, wins(cd, ab) ? kcd : kab);
          } else {
            constexpr auto Max = kernels::RedKind::Max;
            m[j] = kernels::red_combine<Max, V>(kernels::red_combine<Max, V>(a, bb),
                                                kernels::red_combine<Max, V>(c, d));
          }
        }
        if constexpr (!WithIndex) fn(pl, i, m.data());
      }
    }
  });
}

// With WithIndex, calls fn(plane, i, j, k) for every window (i, j) of every plane, k the flat
// position of its first maximum in the plane; without, fn(plane, i, maxima) per output row.
// Planes are split over the cores.
template <bool WithIndex, typename T, typename Fn>
void for_each_pooled_row(const PoolGeom& g, const T* x, Fn&& fn) {
  using V = kernels::arg_value_t<T>;
  if (is_2x2(g)) return pool_2x2<WithIndex>(g, x, fn);
  const int64_t plane_size = g.h * g.w;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, plane_size));
  parallel_for(g.planes, grain, [&](int64_t b, int64_t e) {
    std::vector<V> m(g.wo);
    std::vector<int64_t> best(WithIndex ? g.wo : 0);
    for (int64_t pl = b; pl < e; ++pl)
      for (int64_t i = 0; i < g.ho; ++i) {
        pool_row<WithIndex, V>(g, x + pl * plane_size, i, m.data(), best.data());
        if constexpr (WithIndex) {
          for (int64_t j = 0; j < g.wo; ++j) fn(pl, i, j, best[j]);
        } else {
          fn(pl, i, m.data());
        }
      }
  });
}

template <typename F>
void dispatch_real(const char* name, DType dt, F&& f) {
  check_real(name, dt);
  dispatch_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!is_complex_v<T> && !std::is_same_v<T, bool>) f(tag);
  });
}

std::vector<Array> max_pool_kernel(const std::vector<Array>& in, const Params& p) {
  const Array x = in[0].contiguous();
  const PoolGeom g = pool_geometry("max_pool", x.shape(), p);
  Array out = Array::empty(pooled_shape(x.shape(), g), x.dtype());
  dispatch_real("max_pool", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data_as<T>();
    // The forward pass needs the maxima only.
    for_each_pooled_row<false>(g, x.data_as<T>(), [&](int64_t pl, int64_t i, const auto* m) {
      T* row = o + (pl * g.ho + i) * g.wo;
      for (int64_t j = 0; j < g.wo; ++j) row[j] = static_cast<T>(m[j]);
    });
  });
  return {out};
}

// The dtype of x's partner (t or g) may differ from x's: the argmax is x's, the values theirs.
template <typename Fn>
void dispatch_pair(const char* name, DType xd, DType vd, Fn&& fn) {
  dispatch_real(name, xd,
                [&](auto xtag) { dispatch_real(name, vd, [&](auto vtag) { fn(xtag, vtag); }); });
}

std::vector<Array> gather_kernel(const std::vector<Array>& in, const Params& p) {
  const Array x = in[0].contiguous(), t = in[1].contiguous();
  const PoolGeom g = pool_geometry("max_pool_gather", x.shape(), p);
  if (t.shape() != x.shape())
    throw ValueError("max_pool_gather: values of shape " + shape_str(t.shape()) +
                     " for an input of shape " + shape_str(x.shape()));
  Array out = Array::empty(pooled_shape(x.shape(), g), t.dtype());
  dispatch_pair("max_pool_gather", x.dtype(), t.dtype(), [&](auto xtag, auto vtag) {
    using T = decltype(xtag);
    using U = decltype(vtag);
    const U* ts = t.data_as<U>();
    U* o = out.data_as<U>();
    for_each_pooled_row<true, T>(g, x.data_as<T>(),
                                 [&](int64_t pl, int64_t i, int64_t j, int64_t k) {
                                   o[(pl * g.ho + i) * g.wo + j] = ts[pl * g.h * g.w + k];
                                 });
  });
  return {out};
}

// The 2 x 2 / stride 2 scatter in one pass that writes every output element once: each value
// to its window's first maximum, 0 to the window's other three and to a last odd row or column
// (no window covers them). The general path zero-fills the output first and then adds into it;
// in a training step that pass over cold memory cost three times the scatter itself.
template <typename T, typename U>
void scatter_2x2(const PoolGeom& g, const T* x, const U* gs, U* o) {
  using V = kernels::arg_value_t<T>;
  const int64_t plane_size = g.h * g.w;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, plane_size));
  auto wins = [](V v, V cur) { return (v > cur) | ((v != v) & (cur == cur)); };
  parallel_for(g.planes, grain, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; ++pl) {
      const T* xp = x + pl * plane_size;
      U* op = o + pl * plane_size;
      const U* gp = gs + pl * g.ho * g.wo;
      for (int64_t i = 0; i < g.ho; ++i) {
        const T* r0 = xp + 2 * i * g.w;
        const T* r1 = r0 + g.w;
        U* o0 = op + 2 * i * g.w;
        U* o1 = o0 + g.w;
        for (int64_t j = 0; j < g.wo; ++j) {
          const V a = static_cast<V>(r0[2 * j]), bb = static_cast<V>(r0[2 * j + 1]),
                  c = static_cast<V>(r1[2 * j]), d = static_cast<V>(r1[2 * j + 1]);
          const bool tb = wins(bb, a), td = wins(d, c);
          const bool bottom = wins(td ? d : c, tb ? bb : a);
          const U v = gp[i * g.wo + j], z = U(0);
          o0[2 * j] = !bottom && !tb ? v : z;
          o0[2 * j + 1] = !bottom && tb ? v : z;
          o1[2 * j] = bottom && !td ? v : z;
          o1[2 * j + 1] = bottom && td ? v : z;
        }
        if (g.w % 2) o0[g.w - 1] = o1[g.w - 1] = U(0);
      }
      if (g.h % 2) std::fill(op + (g.h - 1) * g.w, op + plane_size, U(0));
    }
  });
}

std::vector<Array> scatter_kernel(const std::vector<Array>& in, const Params& p) {
  const Array x = in[0].contiguous(), gv = in[1].contiguous();
  const PoolGeom g = pool_geometry("max_pool_scatter", x.shape(), p);
  if (gv.shape() != pooled_shape(x.shape(), g))
    throw ValueError("max_pool_scatter: values of shape " + shape_str(gv.shape()) +
                     " for pooled shape " + shape_str(pooled_shape(x.shape(), g)));
  if (is_2x2(g) && x.size() > 0) {
    Array out = Array::empty(x.shape(), gv.dtype());
    dispatch_pair("max_pool_scatter", x.dtype(), gv.dtype(), [&](auto xtag, auto vtag) {
      using T = decltype(xtag);
      using U = decltype(vtag);
      scatter_2x2<T, U>(g, x.data_as<T>(), gv.data_as<U>(), out.data_as<U>());
    });
    return {out};
  }
  Array out = Array::empty(x.shape(), gv.dtype(), {}, /*zeroed=*/true);
  dispatch_pair("max_pool_scatter", x.dtype(), gv.dtype(), [&](auto xtag, auto vtag) {
    using T = decltype(xtag);
    using U = decltype(vtag);
    const U* gs = gv.data_as<U>();
    U* o = out.data_as<U>();
    // Windows of one plane only write into that plane: planes run in parallel safely.
    for_each_pooled_row<true, T>(
        g, x.data_as<T>(), [&](int64_t pl, int64_t i, int64_t j, int64_t k) {
          U& dst = o[pl * g.h * g.w + k];
          dst =
              static_cast<U>(static_cast<kernels::arg_value_t<U>>(dst) +
                             static_cast<kernels::arg_value_t<U>>(gs[(pl * g.ho + i) * g.wo + j]));
        });
  });
  return {out};
}

const Primitive& max_pool_p = register_primitive({
    "max_pool",
    FusionClass::Opaque,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_real("max_pool", in[0].dtype);
      AbstractValue r = in[0];
      r.shape = pooled_shape(in[0].shape, pool_geometry("max_pool", in[0].shape, p));
      return std::vector<AbstractValue>{r};
    },
    max_pool_kernel,
});

const Primitive& max_pool_gather_p = register_primitive({
    "max_pool_gather",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_real("max_pool_gather", in[0].dtype);
      check_real("max_pool_gather", in[1].dtype);
      if (in[1].shape != in[0].shape)
        throw ValueError("max_pool_gather: values " + in[1].str() + " for an input " + in[0].str());
      AbstractValue r = in[1];
      r.shape = pooled_shape(in[0].shape, pool_geometry("max_pool_gather", in[0].shape, p));
      return std::vector<AbstractValue>{r};
    },
    gather_kernel,
});

const Primitive& max_pool_scatter_p = register_primitive({
    "max_pool_scatter",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      check_real("max_pool_scatter", in[0].dtype);
      check_real("max_pool_scatter", in[1].dtype);
      const Shape pooled =
          pooled_shape(in[0].shape, pool_geometry("max_pool_scatter", in[0].shape, p));
      if (in[1].shape != pooled)
        throw ValueError("max_pool_scatter: values " + in[1].str() + " for pooled shape " +
                         shape_str(pooled));
      AbstractValue r = in[1];
      r.shape = in[0].shape;
      return std::vector<AbstractValue>{r};
    },
    scatter_kernel,
});

}  // namespace
}  // namespace arrax
