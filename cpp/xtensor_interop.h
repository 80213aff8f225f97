// arrax <-> xtensor: the C++ interop type. to_xtensor copies an Array (any strides) into an
// xt::xarray; from_xtensor copies an xtensor expression into a new C-contiguous Array.
// Header-only, so the engine itself does not depend on xtensor.
#pragma once
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>

#include "array.h"
#include "errors.h"

namespace arrax {

template <typename T>
xt::xarray<T> to_xtensor(const Array& a) {
  if (a.dtype() != dtype_of<T>::value)
    throw TypeError(std::string("to_xtensor: array has dtype ") + dtype_name(a.dtype()) +
                    ", requested " + dtype_name(dtype_of<T>::value));
  Array c = a.contiguous();
  std::vector<size_t> shape(c.shape().begin(), c.shape().end());
  xt::xarray<T> out =
      xt::adapt(c.data_as<T>(), static_cast<size_t>(c.size()), xt::no_ownership(), shape);
  return out;  // xarray copies the adapted data
}

template <typename E>
Array from_xtensor(const xt::xexpression<E>& expr) {
  using T = typename E::value_type;
  const auto& e = expr.derived_cast();
  Shape shape(e.shape().begin(), e.shape().end());
  Array out = Array::empty(shape, dtype_of<T>::value);
  auto view = xt::adapt(out.data_as<T>(), static_cast<size_t>(out.size()), xt::no_ownership(),
                        std::vector<size_t>(e.shape().begin(), e.shape().end()));
  view = e;
  return out;
}

}  // namespace arrax
