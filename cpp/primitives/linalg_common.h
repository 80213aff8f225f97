// What the linear-algebra translation units share (linalg.cpp: LU, Cholesky, QR and the
// registrations; linalg_svd.cpp; linalg_eigh.cpp; linalg_eig.cpp). Eigen's decompositions are
// slow to compile, so each family has a file of its own and they build in parallel.
#pragma once
#include <Eigen/Core>

#include "errors.h"
#include "parallel.h"
#include "primitive.h"

namespace arrax::linalg {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using MapC = Eigen::Map<const Mat<T>>;
template <typename T>
using MapM = Eigen::Map<Mat<T>>;

template <typename T>
using real_of = typename Eigen::NumTraits<T>::Real;

inline bool is_linalg_dtype(DType dt) {
  return dt == DType::Float32 || dt == DType::Float64 || dt == DType::Complex64 ||
         dt == DType::Complex128;
}

inline void check_matrix(const char* name, const AbstractValue& a, bool square) {
  if (!is_linalg_dtype(a.dtype))
    throw TypeError(std::string(name) +
                    ": expects float32, float64, complex64 or complex128, got " +
                    dtype_name(a.dtype));
  if (a.shape.size() < 2)
    throw LinAlgError(std::to_string(a.shape.size()) +
                      "-dimensional array given. Array must be at least two-dimensional");
  if (square && a.shape[a.shape.size() - 1] != a.shape[a.shape.size() - 2])
    throw LinAlgError("Last 2 dimensions of the array must be square");
}

inline Shape with_last(const Shape& batch, std::initializer_list<int64_t> last) {
  Shape s = batch;
  for (auto d : last) s.push_back(d);
  return s;
}

inline Shape batch_of(const Shape& s, size_t trailing = 2) {
  return Shape(s.begin(), s.end() - trailing);
}

// Calls fn(b) for each matrix b of the batch, in parallel for many small problems.
template <typename Fn>
void for_batch(int64_t batch, int64_t work_per_item, Fn fn) {
  parallel_for(batch, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(work_per_item, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t i = b; i < e; ++i) fn(i);
               });
}

template <typename F>
void dispatch_linalg(DType dt, F&& f) {
  switch (dt) {
    case DType::Float32:
      return f(float{});
    case DType::Float64:
      return f(double{});
    case DType::Complex64:
      return f(complex64{});
    case DType::Complex128:
      return f(complex128{});
    default:
      throw TypeError(std::string("linalg: unsupported dtype ") + dtype_name(dt));
  }
}

inline AbstractValue av(const Shape& s, DType dt) {
  return AbstractValue{s, dt, false, {}};
}

std::vector<Array> svd_kernel(const std::vector<Array>& in, const Params&);
// Instantiated for the four dtypes in linalg_svd_real.cpp and linalg_svd_complex.cpp.
template <typename T>
void svd_stack(const Array& a, const Array& u, const Array& s, const Array& vh, int64_t batch,
               int64_t m, int64_t n, int64_t k);
std::vector<Array> eigh_kernel(const std::vector<Array>& in, const Params& p);
std::vector<Array> eig_kernel(const std::vector<Array>& in, const Params&);

// Registers a linalg primitive: opaque to fusion, a CPU kernel (a GPU runs it through the host
// unless the CUDA backend adds a kernel).
using AvalFn = std::vector<AbstractValue> (*)(const std::vector<AbstractValue>&, const Params&);
inline const Primitive& register_linalg(const char* name, int nin, AvalFn avals, KernelFn kernel) {
  Primitive p;
  p.name = name;
  p.fusion = FusionClass::Opaque;
  p.num_inputs = nin;
  p.abstract_eval = avals;
  p.cpu_kernel = std::move(kernel);
  return register_primitive(std::move(p));
}

}  // namespace arrax::linalg
