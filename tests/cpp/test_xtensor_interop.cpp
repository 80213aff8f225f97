// The xtensor interop round trip, including a non-contiguous (transposed) array.
#include <doctest.h>

#include "numpy_api/core.h"
#include "xtensor_interop.h"

using namespace arrax;

TEST_CASE("xtensor round trip") {
  xt::xarray<double> x = {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
  Array a = from_xtensor(x);
  CHECK(a.shape() == Shape{2, 3});
  CHECK(a.dtype() == DType::Float64);
  CHECK(a.data_as<double>()[4] == 5.0);
  Array t = np::transpose(a, {1, 0});
  xt::xarray<double> back = to_xtensor<double>(t);
  CHECK(back.shape()[0] == 3);
  CHECK(back(0, 1) == 4.0);
  CHECK(back(2, 0) == 3.0);
  CHECK_THROWS_AS(to_xtensor<float>(a), TypeError);
}
