// jax_debug_nans / jax_debug_infs: while set, an eagerly run primitive whose floating-point
// result holds a NaN (an infinity) raises FloatingPointError naming the primitive, as JAX's
// do. Off by default; the check is one relaxed load per eager primitive.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "array.h"

namespace arrax {

// Python's FloatingPointError.
struct FloatingPointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Bit 1: NaNs, bit 2: infinities.
void set_debug_checks(int checks);
int debug_checks();
// Throws FloatingPointError when one of `out` holds what the set checks look for.
void check_special_values(const std::string& name, const std::vector<Array>& out);

}  // namespace arrax
