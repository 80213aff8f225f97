// pybind11's caster for arrax::Array, with the array class's record looked up once.
//
// Why: pybind11's generic caster finds a class's record by std::type_index in its global map
// on every argument it loads and every object it returns, and looks each returned object up
// among the live instances first (it could be one already wrapped). For arrays, arrax's
// hottest objects, perf showed those lookups as ~10% of a small call (a.T, a[i]). This caster
// keeps the record in a static, loads through it, and wraps a returned temporary as a new
// object directly. Everything else (subclasses, copies of references, errors) stays pybind11's
// own code. Every translation unit that converts arrays includes this header (convert.h does).
#pragma once
#include <pybind11/pybind11.h>

#include <memory>

#include "array.h"

namespace pybind11::detail {

// The registered class of arrax.numpy.ndarray (registered by init_array before any cast).
inline const type_info* arrax_array_record() {
  static const type_info* record = get_type_info(typeid(arrax::Array), /*throw_if_missing=*/true);
  return record;
}

template <>
class type_caster<arrax::Array> : public type_caster_generic {
  using Array = arrax::Array;

 public:
  static constexpr auto name = const_name<Array>();

  type_caster() : type_caster_generic(arrax_array_record()) {}

  static handle cast(const Array& src, return_value_policy policy, handle parent) {
    if (policy == return_value_policy::automatic ||
        policy == return_value_policy::automatic_reference)
      policy = return_value_policy::copy;
    return cast(&src, policy, parent);
  }

  // A returned temporary: always a new object (no live instance can hold it).
  static handle cast(Array&& src, return_value_policy, handle) {
    const type_info* record = arrax_array_record();
    auto value = std::make_unique<Array>(std::move(src));
    auto inst = reinterpret_steal<object>(make_new_instance(record->type));
    if (!inst) throw error_already_set();
    auto* wrapper = reinterpret_cast<instance*>(inst.ptr());
    wrapper->owned = true;
    wrapper->get_value_and_holder(record).value_ptr() = value.get();
    record->init_instance(wrapper, nullptr);  // (registers it; its holder owns the value)
    value.release();
    return inst.release();
  }

  static handle cast(const Array* src, return_value_policy policy, handle parent) {
    return type_caster_generic::cast(src, policy, parent, arrax_array_record(), &copy_array,
                                     &move_array);
  }

  template <typename T>
  using cast_op_type = detail::cast_op_type<T>;

  operator Array*() { return static_cast<Array*>(value); }
  operator Array&() {
    if (!value) throw reference_cast_error();
    return *static_cast<Array*>(value);
  }

 private:
  static void* copy_array(const void* p) { return new Array(*static_cast<const Array*>(p)); }
  static void* move_array(const void* p) {
    return new Array(std::move(*const_cast<Array*>(static_cast<const Array*>(p))));
  }
};

}  // namespace pybind11::detail
