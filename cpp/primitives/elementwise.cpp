#include "primitives/elementwise.h"

namespace arrax::ew {

std::vector<AbstractValue> same_shape_abstract(const char* name,
                                               const std::vector<AbstractValue>& in) {
  for (size_t i = 1; i < in.size(); ++i)
    if (in[i].shape != in[0].shape || in[i].dtype != in[0].dtype)
      throw ValueError(std::string(name) + ": primitive inputs must share shape and dtype, got " +
                       in[0].str() + " and " + in[i].str());
  AbstractValue out = in[0];
  out.weak_type = true;
  for (auto& a : in) out.weak_type = out.weak_type && a.weak_type;
  return {out};
}

}  // namespace arrax::ew
