// NumPy's ufuncs as data: one table row per ufunc, with the loop types NumPy has for it
// (its `types` attribute, as type characters) and the primitive (or composition) computing it.
// Type resolution follows NumPy: promote the inputs (NEP 50), then take the first loop the
// promoted dtype casts to safely.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "numpy_api/core.h"

namespace arrax::np {

using UfuncImpl = std::function<std::vector<Array>(const std::vector<Array>&)>;

struct UfuncDef {
  std::string name;
  int nin = 1;
  int nout = 1;
  std::string loops;             // NumPy type characters: ?bBhHiIqQefdFD (e also admits bfloat16)
  std::string primitive;         // the primitive computing it, or empty when `impl` composes it
  UfuncImpl impl;                // used when primitive is empty; gets inputs cast and broadcast
  bool ints_to_double = false;   // bool/int inputs use the float64 loop (true_divide)
  std::string bool_error;        // NumPy's TypeError message for boolean inputs, if it rejects them
  bool check_int_power = false;  // integer loops reject negative exponents (power)
  bool comparison = false;  // out-of-range Python ints compare (or test truth) instead of raising
  mutable const Primitive* primitive_record = nullptr;  // `primitive` looked up on first use
};

const std::vector<UfuncDef>& ufunc_table();
const UfuncDef& ufunc(const std::string& name);  // throws std::logic_error on unknown names

// The loop dtype NumPy picks for these operands (or for an explicit dtype=); TypeError if none.
DType resolve_loop(const UfuncDef& u, const std::vector<Operand>& inputs,
                   std::optional<DType> dtype);
// The primitive computing `u` directly on arrays of dtype `dt` (all inputs of that dtype and
// one shape), or nullptr when the ufunc needs more than one primitive application there.
const Primitive* direct_primitive(const UfuncDef& u, DType dt);
// Whether every loop of `u` gives a boolean output (comparisons, logical ops, isnan...): their
// dtype= names the output's dtype, so only bool is accepted there, as in NumPy.
bool has_bool_output(const UfuncDef& u);

// JAX's jax_numpy_rank_promotion: whether ufuncs broadcast operands of different (nonzero)
// ranks silently ("allow", NumPy's way), with a warning, or raise ValueError. `warn` reports
// the warning text (the bindings make it a Python UserWarning).
enum class RankPromotion { Allow, Warn, Raise };
void set_rank_promotion(RankPromotion mode, std::function<void(const std::string&)> warn);
RankPromotion rank_promotion();
// JAX's jax_numpy_dtype_promotion='strict': ufuncs refuse operands of different dtypes (a
// Python scalar may join an array of its kind or a higher one). `error` raises the error
// (the bindings raise arrax.dtypes.TypePromotionError); nullptr turns the check off.
void set_strict_dtype_promotion(std::function<void(const std::string&)> error);
bool strict_dtype_promotion();
// Applies the ufunc: promotion, casting, broadcasting, then the primitive.
std::vector<Array> apply_ufunc(const UfuncDef& u, const std::vector<Operand>& inputs,
                               std::optional<DType> dtype = std::nullopt);
// The same with NumPy's out= (casting="same_kind") and where= semantics; returns the outputs.
std::vector<Array> apply_ufunc_out(const UfuncDef& u, const std::vector<Operand>& inputs,
                                   const std::vector<std::optional<Array>>& out,
                                   const std::optional<Array>& where, std::optional<DType> dtype,
                                   const std::string& casting = "same_kind");

// Shorthands used across numpy_api.
Array ufunc1(const std::string& name, const Array& x);
Array ufunc2(const std::string& name, const Operand& x, const Operand& y);
// Writes src into dst (a view), broadcasting src, casting unsafely (NumPy's assignment).
// A broadcast view (a stride of 0 along an axis of more than one element): read-only, as
// NumPy's broadcast_to results, since writing one of its elements would write them all.
bool is_broadcast_view(const Array& a);
void assign(const Array& dst, const Array& src);
// select(cond, x, y) with NumPy broadcasting and promotion: numpy.where(cond, x, y).
Array where(const Operand& cond, const Operand& x, const Operand& y);

}  // namespace arrax::np
