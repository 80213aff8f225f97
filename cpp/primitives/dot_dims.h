// dot_general's dimension numbers (batch, contracting and free dimensions of each operand),
// shared by the CPU kernel (dot.cpp) and the CUDA one (backend/cuda/dot.cpp).
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "errors.h"
#include "primitive.h"

namespace arrax::dot {

struct DotDims {
  std::vector<int64_t> lb, rb, lc, rc, lf, rf;  // batch, contracting, free dims per operand
};

inline std::vector<int64_t> free_dims(int64_t nd, const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b) {
  std::vector<int64_t> r;
  for (int64_t d = 0; d < nd; ++d)
    if (std::find(a.begin(), a.end(), d) == a.end() && std::find(b.begin(), b.end(), d) == b.end())
      r.push_back(d);
  return r;
}

inline DotDims dot_dims(const Shape& ls, const Shape& rs, const Params& p) {
  DotDims d{p.get_ints("lhs_batch"),
            p.get_ints("rhs_batch"),
            p.get_ints("lhs_contracting"),
            p.get_ints("rhs_contracting"),
            {},
            {}};
  auto fail = [&](const std::string& why) {
    throw ValueError("dot_general: " + why + " (lhs " + shape_str(ls) + ", rhs " + shape_str(rs) +
                     ", " + p.str() + ")");
  };
  if (d.lb.size() != d.rb.size()) fail("lhs_batch and rhs_batch differ in length");
  if (d.lc.size() != d.rc.size()) fail("lhs_contracting and rhs_contracting differ in length");
  auto check = [&](const std::vector<int64_t>& dims, const Shape& s) {
    std::vector<bool> seen(s.size(), false);
    for (auto x : dims) {
      if (x < 0 || x >= static_cast<int64_t>(s.size()) || seen[x]) fail("bad dimension numbers");
      seen[x] = true;
    }
  };
  std::vector<int64_t> lall = d.lb, rall = d.rb;
  lall.insert(lall.end(), d.lc.begin(), d.lc.end());
  rall.insert(rall.end(), d.rc.begin(), d.rc.end());
  check(lall, ls);
  check(rall, rs);
  for (size_t i = 0; i < d.lb.size(); ++i)
    if (ls[d.lb[i]] != rs[d.rb[i]]) fail("batch dimension sizes differ");
  for (size_t i = 0; i < d.lc.size(); ++i)
    if (ls[d.lc[i]] != rs[d.rc[i]]) fail("contracting dimension sizes differ");
  d.lf = free_dims(ls.size(), d.lb, d.lc);
  d.rf = free_dims(rs.size(), d.rb, d.rc);
  return d;
}

inline Shape dot_shape(const Shape& ls, const Shape& rs, const DotDims& d) {
  Shape s;
  for (auto x : d.lb) s.push_back(ls[x]);
  for (auto x : d.lf) s.push_back(ls[x]);
  for (auto x : d.rf) s.push_back(rs[x]);
  return s;
}

inline int64_t prod_of(const Shape& s, const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (auto d : dims) n *= s[d];
  return n;
}

}  // namespace arrax::dot
