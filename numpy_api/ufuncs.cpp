#include "numpy_api/ufuncs.h"
#include "device.h"
#include "numpy_api/creation.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace arrax::np {
namespace {

constexpr const char* kAll = "?bBhHiIqQefdFD";
constexpr const char* kNumeric = "bBhHiIqQefdFD";
constexpr const char* kReal = "bBhHiIqQefd";
constexpr const char* kInexact = "efdFD";
constexpr const char* kFloat = "efd";
constexpr const char* kIntBool = "?bBhHiIqQ";
constexpr const char* kInt = "bBhHiIqQ";

DType dtype_of_char(char c) {
  switch (c) {
    case '?':
      return DType::Bool;
    case 'b':
      return DType::Int8;
    case 'B':
      return DType::UInt8;
    case 'h':
      return DType::Int16;
    case 'H':
      return DType::UInt16;
    case 'i':
      return DType::Int32;
    case 'I':
      return DType::UInt32;
    case 'q':
      return DType::Int64;
    case 'Q':
      return DType::UInt64;
    case 'e':
      return DType::Float16;
    case 'f':
      return DType::Float32;
    case 'd':
      return DType::Float64;
    case 'F':
      return DType::Complex64;
    case 'D':
      return DType::Complex128;
  }
  throw std::logic_error("ufunc table: bad type character");
}

bool has_loop(const UfuncDef& u, DType dt) {
  if (dt == DType::BFloat16) return u.loops.find('e') != std::string::npos;
  for (char c : u.loops)
    if (dtype_of_char(c) == dt) return true;
  return false;
}

Array bind_named(const char* prim, const std::vector<Array>& in) {
  return bind1(primitive(prim), in);
}

Array ne_zero(const Array& x) {
  if (x.dtype() == DType::Bool) return x;
  Operand zero = scalar_operand(int64_t{0});
  return bind_named("ne", {x, broadcast_to(convert(zero.array, x.dtype()), x.shape())});
}

Array scalar_like(double v, const Array& x) {
  return broadcast_to(convert(scalar_operand(v).array, x.dtype()), x.shape());
}

UfuncImpl by_primitive_on_bools(const char* prim) {
  return [prim](const std::vector<Array>& in) {
    return std::vector<Array>{bind_named(prim, {ne_zero(in[0]), ne_zero(in[1])})};
  };
}

UfuncImpl scale_by(double factor) {
  return [factor](const std::vector<Array>& in) {
    const DType dt = in[0].dtype();
    if (dt == DType::Float16 || dt == DType::BFloat16) {
      // NumPy's half loops compute in float32, with the factor as a float32 (a half-rounded
      // factor gave 1.99 for deg2rad(114), NumPy 1.989)
      const Array x = convert(in[0], DType::Float32);
      return std::vector<Array>{convert(bind_named("mul", {x, scalar_like(factor, x)}), dt)};
    }
    return std::vector<Array>{bind_named("mul", {in[0], scalar_like(factor, in[0])})};
  };
}

std::vector<UfuncDef> build_table() {
  const double deg = M_PI / 180.0, rad = 180.0 / M_PI;
  const char* bool_sub =
      "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` "
      "operator, or the logical_xor function instead.";
  const char* bool_neg =
      "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the "
      "logical_not function instead.";
  auto copy_impl = [](const std::vector<Array>& in) { return std::vector<Array>{copy(in[0])}; };
  std::vector<UfuncDef> t = {
      // Binary arithmetic.
      {"add", 2, 1, kAll, "add"},
      {"subtract", 2, 1, kNumeric, "sub", {}, false, bool_sub},
      {"multiply", 2, 1, kAll, "mul"},
      {"divide", 2, 1, kInexact, "div", {}, true},
      {"true_divide", 2, 1, kInexact, "div", {}, true},
      {"floor_divide", 2, 1, kReal, "floor_div"},
      {"remainder", 2, 1, kReal, "rem"},
      {"mod", 2, 1, kReal, "rem"},
      {"fmod", 2, 1, kReal, "fmod"},
      {"divmod", 2, 2, kReal, "",
       [](const std::vector<Array>& in) {
         return std::vector<Array>{bind_named("floor_div", in), bind_named("rem", in)};
       }},
      {"power", 2, 1, kNumeric, "pow", {}, false, "", true},
      {"pow", 2, 1, kNumeric, "pow", {}, false, "", true},
      {"float_power", 2, 1, "dD", "pow"},
      {"maximum", 2, 1, kAll, "max"},
      {"minimum", 2, 1, kAll, "min"},
      {"fmax", 2, 1, kAll, "fmax"},
      {"fmin", 2, 1, kAll, "fmin"},
      {"arctan2", 2, 1, kFloat, "atan2"},
      {"atan2", 2, 1, kFloat, "atan2"},
      {"hypot", 2, 1, kFloat, "hypot"},
      {"copysign", 2, 1, kFloat, "copysign"},
      {"logaddexp", 2, 1, kFloat, "logaddexp"},
      {"logaddexp2", 2, 1, kFloat, "logaddexp2"},
      {"nextafter", 2, 1, kFloat, "nextafter"},
      {"heaviside", 2, 1, kFloat, "",
       [](const std::vector<Array>& in) {
         const Array &x = in[0], &h = in[1];
         Array zero = scalar_like(0.0, x), one = scalar_like(1.0, x);
         Array pos = bind_named("select", {bind_named("gt", {x, zero}), one, h});
         // NaN stays NaN: select(x < 0, 0, select(x > 0, 1, h)) with x itself where x is NaN.
         Array r = bind_named("select", {bind_named("lt", {x, zero}), zero, pos});
         return std::vector<Array>{bind_named("select", {bind_named("is_nan", {x}), x, r})};
       }},
      // Comparisons.
      {"equal", 2, 1, kAll, "eq", {}, false, "", false, true},
      {"not_equal", 2, 1, kAll, "ne", {}, false, "", false, true},
      {"less", 2, 1, kAll, "lt", {}, false, "", false, true},
      {"less_equal", 2, 1, kAll, "le", {}, false, "", false, true},
      {"greater", 2, 1, kAll, "gt", {}, false, "", false, true},
      {"greater_equal", 2, 1, kAll, "ge", {}, false, "", false, true},
      // Logical and bitwise.
      {"logical_and", 2, 1, kAll, "", by_primitive_on_bools("and"), false, "", false, true},
      {"logical_or", 2, 1, kAll, "", by_primitive_on_bools("or"), false, "", false, true},
      {"logical_xor", 2, 1, kAll, "", by_primitive_on_bools("xor"), false, "", false, true},
      {"logical_not", 1, 1, kAll, "",
       [](const std::vector<Array>& in) {
         return std::vector<Array>{bind_named("not", {ne_zero(in[0])})};
       },
       false, "", false, true},
      {"bitwise_and", 2, 1, kIntBool, "and"},
      {"bitwise_or", 2, 1, kIntBool, "or"},
      {"bitwise_xor", 2, 1, kIntBool, "xor"},
      {"bitwise_not", 1, 1, kIntBool, "not"},
      {"invert", 1, 1, kIntBool, "not"},
      {"bitwise_invert", 1, 1, kIntBool, "not"},
      {"left_shift", 2, 1, kInt, "shift_left"},
      {"bitwise_left_shift", 2, 1, kInt, "shift_left"},
      {"right_shift", 2, 1, kInt, "shift_right"},
      {"bitwise_right_shift", 2, 1, kInt, "shift_right"},
      // Unary arithmetic.
      {"negative", 1, 1, kNumeric, "neg", {}, false, bool_neg},
      {"positive", 1, 1, kNumeric, "", copy_impl, false,
       "ufunc 'positive' did not contain a loop with signature matching types <class "
       "'numpy.dtypes.BoolDType'> -> None"},
      {"absolute", 1, 1, kAll, "abs"},
      {"abs", 1, 1, kAll, "abs"},
      {"fabs", 1, 1, kFloat, "abs"},
      {"sign",
       1,
       1,
       kNumeric,
       "sign",
       {},
       false,
       "ufunc 'sign' did not contain a loop with signature matching types <class "
       "'numpy.dtypes.BoolDType'> -> None"},
      {"conjugate", 1, 1, kNumeric, "conj"},
      {"conj", 1, 1, kNumeric, "conj"},
      {"square", 1, 1, kNumeric, "",
       [](const std::vector<Array>& in) {
         return std::vector<Array>{bind_named("mul", {in[0], in[0]})};
       }},
      {"reciprocal", 1, 1, kNumeric, "reciprocal"},
      {"sqrt", 1, 1, kInexact, "sqrt"},
      {"cbrt", 1, 1, kFloat, "cbrt"},
      {"exp", 1, 1, kInexact, "exp"},
      {"exp2", 1, 1, kInexact, "exp2"},
      {"expm1", 1, 1, kInexact, "expm1"},
      {"log", 1, 1, kInexact, "log"},
      {"log2", 1, 1, kInexact, "log2"},
      {"log10", 1, 1, kInexact, "log10"},
      {"log1p", 1, 1, kInexact, "log1p"},
      {"sin", 1, 1, kInexact, "sin"},
      {"cos", 1, 1, kInexact, "cos"},
      {"tan", 1, 1, kInexact, "tan"},
      {"arcsin", 1, 1, kInexact, "asin"},
      {"asin", 1, 1, kInexact, "asin"},
      {"arccos", 1, 1, kInexact, "acos"},
      {"acos", 1, 1, kInexact, "acos"},
      {"arctan", 1, 1, kInexact, "atan"},
      {"atan", 1, 1, kInexact, "atan"},
      {"sinh", 1, 1, kInexact, "sinh"},
      {"cosh", 1, 1, kInexact, "cosh"},
      {"tanh", 1, 1, kInexact, "tanh"},
      {"arcsinh", 1, 1, kInexact, "asinh"},
      {"asinh", 1, 1, kInexact, "asinh"},
      {"arccosh", 1, 1, kInexact, "acosh"},
      {"acosh", 1, 1, kInexact, "acosh"},
      {"arctanh", 1, 1, kInexact, "atanh"},
      {"atanh", 1, 1, kInexact, "atanh"},
      {"deg2rad", 1, 1, kFloat, "", scale_by(deg)},
      {"radians", 1, 1, kFloat, "", scale_by(deg)},
      {"rad2deg", 1, 1, kFloat, "", scale_by(rad)},
      {"degrees", 1, 1, kFloat, "", scale_by(rad)},
      {"floor", 1, 1, std::string("?") + kReal, "floor"},
      {"ceil", 1, 1, std::string("?") + kReal, "ceil"},
      {"trunc", 1, 1, std::string("?") + kReal, "trunc"},
      {"rint", 1, 1, kInexact, "round"},
      {"isnan", 1, 1, kAll, "is_nan"},
      {"isinf", 1, 1, kAll, "is_inf"},
      {"isfinite", 1, 1, kAll, "is_finite"},
      {"signbit", 1, 1, kFloat, "signbit"},
  };
  return t;
}

}  // namespace

const std::vector<UfuncDef>& ufunc_table() {
  static const std::vector<UfuncDef> table = build_table();
  return table;
}

const UfuncDef& ufunc(const std::string& name) {
  static const std::unordered_map<std::string, const UfuncDef*> index = [] {
    std::unordered_map<std::string, const UfuncDef*> m;
    for (auto& u : ufunc_table()) m[u.name] = &u;
    return m;
  }();
  auto it = index.find(name);
  if (it == index.end()) throw std::logic_error("ufunc: no ufunc named '" + name + "'");
  return *it->second;
}

namespace {
std::string types_str(const std::vector<Operand>& inputs) {
  std::string s = "(";
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i) s += ", ";
    s += std::string("dtype('") + dtype_name(inputs[i].array.dtype()) + "')";
  }
  return s + ")";
}
}  // namespace

DType resolve_loop(const UfuncDef& u, const std::vector<Operand>& inputs,
                   std::optional<DType> dtype) {
  if (dtype) {
    if (!has_loop(u, *dtype))
      throw TypeError(u.name + ": ufunc '" + u.name + "' not supported for the dtype " +
                      dtype_name(*dtype));
    return *dtype;
  }
  DType common = result_type(inputs);
  if (!u.bool_error.empty()) {
    bool all_bool = true;
    for (auto& op : inputs) all_bool = all_bool && op.array.dtype() == DType::Bool;
    if (all_bool) throw TypeError(u.name + ": " + u.bool_error);
  }
  if (u.ints_to_double && !is_inexact(common)) return DType::Float64;
  if (common == DType::BFloat16 && has_loop(u, DType::BFloat16)) return common;
  // NumPy's resolution: the first loop every input casts to safely. A weak Python scalar takes
  // part only when its kind is above every array's (NEP 50), and then as result_type makes it.
  int strong_rank = 0;
  for (auto& op : inputs)
    if (op.weak == WeakKind::None) strong_rank = std::max(strong_rank, kind_rank(op.array.dtype()));
  SmallVector<DType, 4> types;
  for (auto& op : inputs) {
    if (op.weak == WeakKind::None)
      types.push_back(op.array.dtype());
    else if (static_cast<int>(op.weak) >
             strong_rank)  // WeakKind: Bool=1, Int=2, Float=3, Complex=4
      types.push_back(common);
  }
  for (auto& t : types)
    if (t == DType::BFloat16) t = DType::Float32;  // only the 'e' rows above take bfloat16
  for (char c : u.loops) {
    DType dt = dtype_of_char(c);
    bool ok = true;
    for (auto t : types) ok = ok && can_cast_safe(t, dt);
    if (ok) return dt;
  }
  throw TypeError(
      u.name + ": ufunc '" + u.name + "' not supported for the input types " + types_str(inputs) +
      ", and the inputs could not be safely coerced to any supported types according to the "
      "casting rule ''safe''");
}

const Primitive* direct_primitive(const UfuncDef& u, DType dt) {
  if (u.primitive.empty() || u.ints_to_double || u.check_int_power) return nullptr;
  if (!u.bool_error.empty() && dt == DType::Bool) return nullptr;
  if (!has_loop(u, dt)) return nullptr;
  if (!u.primitive_record) u.primitive_record = &primitive(u.primitive);
  return u.primitive_record;
}

namespace {
RankPromotion rank_promotion_mode = RankPromotion::Allow;
std::function<void(const std::string&)> rank_promotion_warn;

// JAX's check (numpy/util.py promote_shapes): operands of two or more nonzero ranks.
void check_rank_promotion(const UfuncDef& u, const std::vector<Operand>& inputs) {
  int rank = 0;
  bool mixed = false;
  for (auto& op : inputs) {
    const int r = op.array.ndim();
    if (r == 0) continue;
    mixed = mixed || (rank != 0 && r != rank);
    rank = r;
  }
  if (!mixed) return;
  std::string shapes;
  for (auto& op : inputs) shapes += (shapes.empty() ? "" : " ") + shape_str(op.array.shape());
  const std::string link =
      "for more information, see https://docs.jax.dev/en/latest/rank_promotion_warning.html.";
  if (rank_promotion_mode == RankPromotion::Raise)
    throw ValueError(u.name + ": Operands could not be broadcast together for " + u.name +
                     " on shapes " + shapes +
                     " and with the config option jax_numpy_rank_promotion='raise'. For more "
                     "information, see "
                     "https://docs.jax.dev/en/latest/rank_promotion_warning.html.");
  if (rank_promotion_warn)
    rank_promotion_warn("Following NumPy automatic rank promotion for " + u.name + " on shapes " +
                        shapes +
                        ". Set the jax_numpy_rank_promotion config option to 'allow' to "
                        "disable this warning; " +
                        link);
}
std::function<void(const std::string&)> strict_promotion_error;

// JAX's strict promotion: one dtype among the arrays; a weak Python scalar of no higher kind.
void check_strict_promotion(const std::vector<Operand>& inputs) {
  std::optional<DType> strong;
  bool mismatch = false;
  for (auto& op : inputs)
    if (op.weak == WeakKind::None || op.weak == WeakKind::Bool) {  // (a Python bool is bool)
      const DType dt = op.weak == WeakKind::Bool ? DType::Bool : op.array.dtype();
      mismatch = mismatch || (strong && *strong != dt);
      strong = dt;
    }
  for (auto& op : inputs)
    mismatch = mismatch || (strong && op.weak != WeakKind::None &&
                            static_cast<int>(op.weak) > kind_rank(*strong));
  if (!mismatch) return;
  static const char* weak_names[] = {"", "bool", "int", "float", "complex"};
  std::string names;
  for (auto& op : inputs)
    names += (names.empty() ? "" : ", ") +
             (op.weak == WeakKind::None
                  ? "'" + std::string(dtype_name(op.array.dtype())) + "'"
                  : "\"<class '" + std::string(weak_names[static_cast<int>(op.weak)]) + "'>\"");
  strict_promotion_error("Input dtypes (" + names +
                         ") have no available implicit dtype promotion path when "
                         "jax_numpy_dtype_promotion=strict. Try explicitly casting inputs to "
                         "the desired output type, or set jax_numpy_dtype_promotion=standard.");
}
}  // namespace

void set_strict_dtype_promotion(std::function<void(const std::string&)> error) {
  strict_promotion_error = std::move(error);
}

bool strict_dtype_promotion() {
  return static_cast<bool>(strict_promotion_error);
}

void set_rank_promotion(RankPromotion mode, std::function<void(const std::string&)> warn) {
  rank_promotion_mode = mode;
  rank_promotion_warn = std::move(warn);
}

RankPromotion rank_promotion() {
  return rank_promotion_mode;
}

bool has_bool_output(const UfuncDef& u) {
  if (u.comparison) return true;  // (comparisons and the logical ops)
  if (u.primitive.empty() || u.loops.empty()) return false;
  if (!u.primitive_record) u.primitive_record = &primitive(u.primitive);
  std::vector<AbstractValue> in(u.nin);
  for (auto& a : in) a.dtype = dtype_of_char(u.loops.back());
  auto out = u.primitive_record->abstract_eval(in, Params{});
  return !out.empty() && out[0].dtype == DType::Bool;
}

// NumPy 2 compares a signed integer array with a uint64 one exactly, where their common type
// (float64) would make 2**60 equal 2**60 + 1: a negative value is below every uint64 value,
// and the others compare as uint64.
static Array mixed_sign_compare(const UfuncDef& u, const Array& x, const Array& y) {
  const bool x_signed = !is_unsigned(x.dtype());
  const Array& s = x_signed ? x : y;
  Array negative = ufunc2("less", Operand(s), scalar_operand(int64_t{0}));
  Array exact =
      ufunc2(u.name, Operand(convert(x, DType::UInt64)), Operand(convert(y, DType::UInt64)));
  bool below;  // the result where the signed operand is negative
  if (u.name == "less" || u.name == "less_equal")
    below = x_signed;
  else if (u.name == "greater" || u.name == "greater_equal")
    below = !x_signed;
  else
    below = u.name == "not_equal";
  return where(Operand(negative), scalar_operand(below), Operand(exact));
}

namespace {
// The six ordering comparisons (not the logical ops, which share the comparison flag).
bool is_ordering(const UfuncDef& u) {
  return u.name == "less" || u.name == "less_equal" || u.name == "greater" ||
         u.name == "greater_equal" || u.name == "equal" || u.name == "not_equal";
}

// Where a weak Python int lies past an integer loop dtype's range (and past int64's, so the
// int64 loop cannot hold it either), every comparison of the other operand with it has one
// answer, which NumPy 2 gives: arr < 2**70 is all True, arr == 2**70 all False. (A float64
// loop would round: int64 2**63-1 == 2**63 would be True.)
std::optional<Array> compare_past_range(const UfuncDef& u, const std::vector<Operand>& inputs,
                                        DType loop) {
  if (inputs.size() != 2 || !is_ordering(u)) return std::nullopt;
  int pos = -1;  // the operand out of range
  for (int i = 0; i < 2; ++i)
    if (!weak_int_fits(inputs[i], loop)) pos = pos < 0 ? i : 2;
  if (pos < 0 || pos == 2) return std::nullopt;
  const Operand& w = inputs[pos];
  const bool above = is_big_int(w)                      ? *w.array.data_as<double>() > 0
                     : w.array.dtype() == DType::UInt64 ? true
                                                        : *w.array.data_as<int64_t>() >= 0;
  const bool lhs_less = (pos == 1) == above;
  bool r = u.name == "not_equal";
  if (u.name == "less" || u.name == "less_equal") r = lhs_less;
  if (u.name == "greater" || u.name == "greater_equal") r = !lhs_less;
  Shape shape =
      broadcast_shapes(u.name.c_str(), {inputs[0].array.shape(), inputs[1].array.shape()});
  return full(shape, scalar_operand(r), DType::Bool);
}
}  // namespace

std::vector<Array> apply_ufunc(const UfuncDef& u, const std::vector<Operand>& inputs,
                               std::optional<DType> dtype) {
  if (static_cast<int>(inputs.size()) != u.nin)
    throw TypeError(u.name + ": takes " + std::to_string(u.nin) + " input(s), got " +
                    std::to_string(inputs.size()));
  // Fast path, the common case: arrays (no Python scalars) of one dtype and one shape, with a
  // loop for that dtype. Nothing to promote, cast or broadcast.
  if (!dtype) {
    const Array& a0 = inputs[0].array;
    bool plain = true;
    for (auto& op : inputs)
      plain = plain && op.weak == WeakKind::None && op.array.dtype() == a0.dtype() &&
              op.array.shape() == a0.shape();
    if (plain) {
      if (const Primitive* p = direct_primitive(u, a0.dtype())) {
        std::vector<Array> args;
        args.reserve(inputs.size());
        for (auto& op : inputs) args.push_back(op.array);
        return arrax::bind(*p, args);
      }
    }
  }
  if (rank_promotion_mode != RankPromotion::Allow && inputs.size() > 1)
    check_rank_promotion(u, inputs);
  if (strict_promotion_error && inputs.size() > 1) check_strict_promotion(inputs);
  DType loop = resolve_loop(u, inputs, dtype);
  if (u.comparison && loop == DType::Float64 && inputs.size() == 2) {
    auto strong_int = [](const Operand& o) {
      return o.weak == WeakKind::None && is_integer(o.array.dtype());
    };
    const Operand &x = inputs[0], &y = inputs[1];
    if (is_ordering(u) && strong_int(x) && strong_int(y) &&
        is_unsigned(x.array.dtype()) != is_unsigned(y.array.dtype()))
      return {mixed_sign_compare(u, x.array, y.array)};
  }
  if (u.comparison && is_integer(loop)) {
    // NumPy 2 compares arrays with out-of-range Python ints exactly instead of raising.
    bool fits = true, has_uint64 = false, fits_int64 = true;
    for (auto& op : inputs) {
      fits = fits && weak_int_fits(op, loop);
      fits_int64 = fits_int64 && weak_int_fits(op, DType::Int64);
      has_uint64 = has_uint64 || (op.weak == WeakKind::None && op.array.dtype() == DType::UInt64);
    }
    if (!fits && fits_int64 && !has_uint64) {
      loop = DType::Int64;
    } else if (!fits) {
      if (auto r = compare_past_range(u, inputs, loop)) return {*r};
      loop = DType::Float64;  // (logical ops only test a scalar's truth)
    }
  }
  auto cast = [&](const Operand& op) {
    return op.weak == WeakKind::None && op.array.dtype() == loop
               ? op.array
               : cast_operand(op, loop, u.name.c_str());
  };
  std::vector<Array> args;
  args.reserve(inputs.size());
  bool same_shape = true;
  for (auto& op : inputs) same_shape = same_shape && op.array.shape() == inputs[0].array.shape();
  if (same_shape) {
    for (auto& op : inputs) args.push_back(cast(op));
  } else {
    std::vector<Shape> shapes;
    for (auto& op : inputs) shapes.push_back(op.array.shape());
    Shape shape = broadcast_shapes(u.name.c_str(), shapes);
    for (auto& op : inputs) args.push_back(broadcast_to(cast(op), shape));
  }
  if (u.check_int_power) {
    // NumPy rejects integer powers with negative integer exponents.
    if (is_integer(loop) && !is_unsigned(loop)) {
      Array neg = bind_named("lt", {args[1], scalar_like(0.0, args[1])});
      static const Primitive& any_p = primitive("reduce_or");
      std::vector<int64_t> axes;
      for (int i = 0; i < neg.ndim(); ++i) axes.push_back(i);
      Array anyneg = bind1(any_p, {neg}, Params{{"axes", axes}});
      if (!anyneg.is_tracer() && *to_host(anyneg).data_as<bool>())
        throw ValueError(u.name + ": Integers to negative integer powers are not allowed.");
    }
  }
  std::vector<Array> results;
  if (!u.primitive.empty()) {
    if (!u.primitive_record) u.primitive_record = &primitive(u.primitive);
    results = arrax::bind(*u.primitive_record, args);
  } else {
    results = u.impl(args);
  }
  // JAX's weak types under tracing: a result computed only from weak values (Python scalars,
  // weakly typed traced arguments) is weak too, so jit(f)(i, x32) with f = x * 0.5 ** (i / 2)
  // stays float32 as f(3, x32) does eagerly (where Python computes 0.5 ** (3 / 2) itself).
  // The primitives' own rule (weak when every input is) misses the Python scalars, which
  // enter the graph as constants. Boolean results are never weak.
  bool traced = false;
  for (auto& op : inputs) {
    if (op.weak == WeakKind::None) return results;
    traced = traced || op.array.is_tracer();
  }
  if (!traced) return results;
  static const Primitive& convert_p = primitive("convert_element_type");
  for (Array& r : results)
    if (r.dtype() != DType::Bool)
      r = bind1(convert_p, {r}, Params{{"new_dtype", r.dtype()}, {"weak_type", true}});
  return results;
}

std::vector<Array> apply_ufunc_out(const UfuncDef& u, const std::vector<Operand>& inputs,
                                   const std::vector<std::optional<Array>>& out,
                                   const std::optional<Array>& where, std::optional<DType> dtype,
                                   const std::string& casting) {
  std::vector<Array> results = apply_ufunc(u, inputs, dtype);
  bool any_out = false;
  for (auto& o : out) any_out = any_out || o.has_value();
  if (!any_out && !where) return results;
  std::vector<Array> final_out;
  for (size_t i = 0; i < results.size(); ++i) {
    Array r = results[i];
    if (i < out.size() && out[i]) {
      const Array& o = *out[i];
      if (!can_cast(r.dtype(), o.dtype(), casting))
        throw TypeError(u.name + ": Cannot cast ufunc '" + u.name + "' output from dtype('" +
                        dtype_name(r.dtype()) + "') to dtype('" + dtype_name(o.dtype()) +
                        "') with casting rule '" + casting + "'");
      Shape bshape = broadcast_shapes(u.name.c_str(), {r.shape(), o.shape()});
      if (bshape != o.shape())
        throw ValueError(u.name + ": non-broadcastable output operand with shape " +
                         shape_str(o.shape()) + " doesn't match the broadcast shape " +
                         shape_str(bshape));
      if (where) {
        Array w = broadcast_to(*where, o.shape(), u.name.c_str());
        Array rr = broadcast_to(convert(r, o.dtype()), o.shape());
        r = bind_named("select", {w, rr, o});
      }
      assign(o, r);
      final_out.push_back(o);
    } else {
      // Without out=, the mask still takes part in the broadcast (NumPy's shape and error).
      if (where) {
        Shape bshape = broadcast_shapes(u.name.c_str(), {r.shape(), where->shape()});
        if (bshape != r.shape()) r = broadcast_to(r, bshape);
      }
      final_out.push_back(r);
    }
  }
  return final_out;
}

Array ufunc1(const std::string& name, const Array& x) {
  return apply_ufunc(ufunc(name), {Operand(x)})[0];
}

Array ufunc2(const std::string& name, const Operand& x, const Operand& y) {
  return apply_ufunc(ufunc(name), {x, y})[0];
}

bool is_broadcast_view(const Array& a) {
  if (a.size() == 0) return false;  // (an empty array's strides say nothing)
  for (int k = 0; k < a.ndim(); ++k)
    if (a.strides()[k] == 0 && a.shape()[k] > 1) return true;
  return false;
}

void assign(const Array& dst, const Array& src) {
  if (dst.is_tracer() || src.is_tracer())
    throw TypeError("assignment: in-place updates of traced arrays are not supported yet");
  if (!dst.writeable() || is_broadcast_view(dst))
    throw ValueError("assignment destination is read-only");
  Array s = broadcast_to(src, dst.shape(), "assign");
  // Copy through a temporary when src and dst share memory, so overlapping views behave
  // as if the right-hand side were evaluated first (as NumPy does).
  if (s.buffer() == dst.buffer()) s = s.contiguous(true);
  copy_into(s, dst);
}

Array where(const Operand& cond, const Operand& x, const Operand& y) {
  DType dt = result_type({x, y});
  Shape shape = broadcast_shapes("where", {cond.array.shape(), x.array.shape(), y.array.shape()});
  Array c = broadcast_to(ne_zero(cond.array), shape);
  Array a = broadcast_to(cast_operand(x, dt, "where"), shape);
  Array b = broadcast_to(cast_operand(y, dt, "where"), shape);
  Array r = bind_named("select", {c, a, b});
  // Under tracing, a choice between two weak values is weak, as in JAX (apply_ufunc's rule):
  // jit'd where(m, -1., 1.) * x32 stays float32.
  if (x.weak != WeakKind::None && y.weak != WeakKind::None && r.dtype() != DType::Bool &&
      (cond.array.is_tracer() || x.array.is_tracer() || y.array.is_tracer())) {
    static const Primitive& convert_p = primitive("convert_element_type");
    r = bind1(convert_p, {r}, Params{{"new_dtype", r.dtype()}, {"weak_type", true}});
  }
  return r;
}

}  // namespace arrax::np
