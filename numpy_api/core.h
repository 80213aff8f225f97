// NumPy semantics shared by every numpy_api function: operands with weak Python scalars,
// promotion, broadcasting, casting, axis normalisation. Usable from C++ as arrax::np::...
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "array.h"
#include "errors.h"
#include "primitive.h"

namespace arrax::np {

// An argument of a NumPy function: an array, or a Python scalar (weak != None) stored as a
// 0-d array of its default dtype (bool, int64 (uint64 when too big), float64, complex128).
struct Operand {
  Array array;
  WeakKind weak = WeakKind::None;
  Operand() = default;
  Operand(Array a, WeakKind w = WeakKind::None) : array(std::move(a)), weak(w) {}
};

Operand scalar_operand(bool v);
Operand scalar_operand(int64_t v);
Operand scalar_operand(uint64_t v);
Operand scalar_operand(double v);
Operand scalar_operand(complex128 v);
// A Python int past 64 bits (NumPy 2 takes it for a float when it meets a float array, compares
// it exactly with integer arrays, and refuses it in integer arithmetic): a weak int operand
// holding its value rounded to float64.
Operand big_int_operand(double v);
bool is_big_int(const Operand& op);

// numpy.result_type over arrays and weak scalars (NEP 50).
DType result_type(const std::vector<Operand>& ops);
// numpy.broadcast_shapes; the error names `fname` and the shapes.
Shape broadcast_shapes(const char* fname, const std::vector<Shape>& shapes);
// A (view) broadcast of x to shape.
Array broadcast_to(const Array& x, const Shape& shape, const char* fname = "broadcast_to");
// x converted to dtype through the convert_element_type primitive (x itself if it already is).
Array convert(const Array& x, DType dtype);
// Whether a weak Python int operand fits an integer dtype (always true for other operands).
bool weak_int_fits(const Operand& op, DType dtype);
// An operand converted to dtype; a weak Python int that does not fit raises OverflowError.
Array cast_operand(const Operand& op, DType dtype, const char* fname);
// numpy.can_cast(from, to, casting) for "no", "equiv", "safe", "same_kind", "unsafe".
bool can_cast(DType from, DType to, const std::string& casting);

// Normalises a possibly negative axis for an array of rank ndim; AxisError when out of range.
int64_t normalize_axis(int64_t axis, int64_t ndim, const char* fname);
// Normalises a tuple of axes (sorted, unique); ValueError on repeats.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t ndim,
                                    const char* fname);

// Thin wrappers binding structural primitives.
Array reshape(const Array& x, const Shape& shape);
Array transpose(const Array& x, const std::vector<int64_t>& perm);
Array copy(const Array& x);  // a C-contiguous copy

}  // namespace arrax::np
