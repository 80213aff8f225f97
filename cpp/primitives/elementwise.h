// Elementwise primitives: each is a functor (one per op, shared by the eager CPU kernel and,
// later, the fused jit and CUDA kernels) plus a one-line registration.
//
// A functor declares:
//   template <class T> static constexpr bool supports;  // input dtypes it has a loop for
//   template <class T> using out_t = ...;               // optional; defaults to T
//   template <class T> static out_t<T> apply(T x[, T y]);
//   template <class E> static auto eigen(const E& x);   // optional SIMD path (float/double)
//   static constexpr bool native_half = true;           // optional: no float32 compute for halves
// Primitives are strict: inputs share one shape and one dtype. numpy_api does promotion and
// broadcasting before binding them.
#pragma once
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "errors.h"
#include "kernels/loops.h"
#include "primitive.h"

namespace arrax::ew {

template <typename Op, typename T, typename = void>
struct out_type {
  using type = T;
};
template <typename Op, typename T>
struct out_type<Op, T, std::void_t<typename Op::template out_t<T>>> {
  using type = typename Op::template out_t<T>;
};
template <typename Op, typename T>
using out_type_t = typename out_type<Op, T>::type;

// float16/bfloat16 compute in float32 and round once, as NumPy's half loops do.
template <typename T>
using compute_t = std::conditional_t<is_half_v<T>, float, T>;

template <typename Op, typename T, typename = void>
struct has_eigen : std::false_type {};
template <typename Op, typename T>
struct has_eigen<
    Op, T,
    std::void_t<decltype(Op::eigen(std::declval<Eigen::Map<const Eigen::Array<T, -1, 1>>>()))>>
    : std::true_type {};

// A functor declaring `static constexpr bool native_half = true` gets float16/bfloat16 values as
// they are instead of in float32 (nextafter steps in half precision).
template <typename Op, typename = void>
struct native_half : std::false_type {};
template <typename Op>
struct native_half<Op, std::void_t<decltype(Op::native_half)>>
    : std::bool_constant<Op::native_half> {};

template <typename Op, typename T>
inline auto apply1(T x) {
  using Out = out_type_t<Op, T>;
  using C = compute_t<T>;
  if constexpr (is_half_v<T> && !native_half<Op>::value) {
    using COut = out_type_t<Op, C>;
    COut r = Op::template apply<C>(static_cast<C>(x));
    if constexpr (std::is_same_v<COut, C>)
      return round_to_half<Out>(r);
    else
      return r;
  } else {
    return Op::template apply<T>(x);
  }
}

template <typename Op, typename T>
inline auto apply2(T x, T y) {
  using Out = out_type_t<Op, T>;
  using C = compute_t<T>;
  if constexpr (is_half_v<T> && !native_half<Op>::value) {
    using COut = out_type_t<Op, C>;
    COut r = Op::template apply<C>(static_cast<C>(x), static_cast<C>(y));
    if constexpr (std::is_same_v<COut, C>)
      return round_to_half<Out>(r);
    else
      return r;
  } else {
    return Op::template apply<T>(x, y);
  }
}

// The contiguous loops, shared by the eager kernels and the fused executor (ChunkLoop). Their
// output is a fresh array or scratch buffer, never one of the inputs.
template <typename Op, typename T>
void unary_chunk(char* out, const char* const* in, const int64_t* step, int64_t n) {
  using Out = out_type_t<Op, T>;
  Out* __restrict o = reinterpret_cast<Out*>(out);  // never overlaps an input
  const T* __restrict a = reinterpret_cast<const T*>(in[0]);
  if (step[0] == 0) {
    std::fill(o, o + n, static_cast<Out>(apply1<Op, T>(*a)));
  } else if constexpr (has_eigen<Op, T>::value) {
    Eigen::Map<Eigen::Array<Out, -1, 1>>(o, n) =
        Op::eigen(Eigen::Map<const Eigen::Array<T, -1, 1>>(a, n));
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = apply1<Op, T>(a[i]);
  }
}

template <typename Op, typename T>
void binary_chunk(char* out, const char* const* in, const int64_t* step, int64_t n) {
  using Out = out_type_t<Op, T>;
  Out* __restrict o = reinterpret_cast<Out*>(out);  // never overlaps an input
  const T* __restrict a = reinterpret_cast<const T*>(in[0]);
  const T* __restrict b = reinterpret_cast<const T*>(in[1]);
  if (step[0] != 0 && step[1] != 0) {
    for (int64_t i = 0; i < n; ++i) o[i] = apply2<Op, T>(a[i], b[i]);
  } else if (step[0] != 0) {
    const T bv = *b;
    for (int64_t i = 0; i < n; ++i) o[i] = apply2<Op, T>(a[i], bv);
  } else if (step[1] != 0) {
    const T av = *a;
    for (int64_t i = 0; i < n; ++i) o[i] = apply2<Op, T>(av, b[i]);
  } else {
    std::fill(o, o + n, static_cast<Out>(apply2<Op, T>(*a, *b)));
  }
}

// ChunkLoopRules of the functor-based primitives: the loop for the (first) input dtype.
template <typename Op>
ChunkLoop unary_chunk_rule(const std::vector<DType>& in, const Params&) {
  return dispatch_dtype(in[0], [](auto tag) -> ChunkLoop {
    using T = decltype(tag);
    if constexpr (Op::template supports<T>)
      return &unary_chunk<Op, T>;
    else
      return nullptr;
  });
}

template <typename Op>
ChunkLoop binary_chunk_rule(const std::vector<DType>& in, const Params&) {
  if (in[0] != in[1]) return nullptr;
  return dispatch_dtype(in[0], [](auto tag) -> ChunkLoop {
    using T = decltype(tag);
    if constexpr (Op::template supports<T>)
      return &binary_chunk<Op, T>;
    else
      return nullptr;
  });
}

template <typename Op, typename T>
void unary_loop(const Array& x, const Array& out) {
  using Out = out_type_t<Op, T>;
  auto inner = [](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    if (s[0] == sizeof(Out) && s[1] == sizeof(T)) {
      unary_chunk<Op, T>(p[0], &p[1], &s[1], n);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(p[0] + i * s[0]) =
            apply1<Op, T>(*reinterpret_cast<const T*>(p[1] + i * s[1]));
    }
  };
  if (kernels::iterate_if_contiguous<2>({&out, &x}, inner)) return;
  kernels::iterate(kernels::make_space<2>(out.shape(), {&out, &x}), inner);
}

template <typename Op, typename T>
void binary_loop(const Array& x, const Array& y, const Array& out) {
  using Out = out_type_t<Op, T>;
  auto inner = [](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
    constexpr int64_t z = sizeof(T);
    if (s[0] == sizeof(Out) && (s[1] == z || s[1] == 0) && (s[2] == z || s[2] == 0) &&
        (s[1] | s[2]) != 0) {
      binary_chunk<Op, T>(p[0], &p[1], &s[1], n);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(p[0] + i * s[0]) =
            apply2<Op, T>(*reinterpret_cast<const T*>(p[1] + i * s[1]),
                          *reinterpret_cast<const T*>(p[2] + i * s[2]));
    }
  };
  if (kernels::iterate_if_contiguous<3>({&out, &x, &y}, inner)) return;
  kernels::iterate(kernels::make_space<3>(out.shape(), {&out, &x, &y}), inner);
}

// The output dtype of Op on input dtype dt; throws TypeError naming the op when it has no loop.
template <typename Op>
DType out_dtype(const char* name, DType dt) {
  return dispatch_dtype(dt, [&](auto tag) -> DType {
    using T = decltype(tag);
    if constexpr (Op::template supports<T>) {
      return dtype_of<out_type_t<Op, T>>::value;
    } else {
      throw TypeError(std::string(name) + ": ufunc '" + name +
                      "' not supported for the input type " + dtype_name(dt));
    }
  });
}

// A comparison functor from a predicate Fn::f(a, b): every dtype, bool output.
template <typename Fn>
struct CompareOp {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = bool;
  template <typename T>
  static bool apply(T a, T b) {
    return Fn::f(a, b);
  }
};

std::vector<AbstractValue> same_shape_abstract(const char* name,
                                               const std::vector<AbstractValue>& in);

// Registers a unary elementwise primitive whose rules come from functor Op.
template <typename Op>
const Primitive& register_unary(const char* name) {
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Elementwise;
  p.num_inputs = 1;
  p.abstract_eval = [name](const std::vector<AbstractValue>& in, const Params&) {
    auto out = same_shape_abstract(name, in);
    out[0].dtype = out_dtype<Op>(name, in[0].dtype);
    return out;
  };
  p.chunk_loop = &unary_chunk_rule<Op>;
  p.cpu_kernel = [name](const std::vector<Array>& in, const Params&) {
    const Array& x = in[0];
    Array out = kernels::empty_in_input_order(x.shape(), out_dtype<Op>(name, x.dtype()), {&x});
    dispatch_dtype(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (Op::template supports<T>) unary_loop<Op, T>(x, out);
    });
    return std::vector<Array>{out};
  };
  return register_primitive(std::move(p));
}

template <typename Op>
const Primitive& register_binary(const char* name) {
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Elementwise;
  p.num_inputs = 2;
  p.abstract_eval = [name](const std::vector<AbstractValue>& in, const Params&) {
    auto out = same_shape_abstract(name, in);
    out[0].dtype = out_dtype<Op>(name, in[0].dtype);
    return out;
  };
  p.chunk_loop = &binary_chunk_rule<Op>;
  p.cpu_kernel = [name](const std::vector<Array>& in, const Params&) {
    const Array &x = in[0], &y = in[1];
    if (x.shape() != y.shape() || x.dtype() != y.dtype())
      throw std::logic_error(std::string(name) + ": primitive inputs must share shape and dtype");
    Array out = kernels::empty_in_input_order(x.shape(), out_dtype<Op>(name, x.dtype()), {&x, &y});
    dispatch_dtype(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (Op::template supports<T>) binary_loop<Op, T>(x, y, out);
    });
    return std::vector<Array>{out};
  };
  return register_primitive(std::move(p));
}

}  // namespace arrax::ew
