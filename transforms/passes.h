// The jit's graph passes (DESIGN.md "jit pipeline"), each Graph -> Graph.
#pragma once
#include <functional>
#include <memory>

#include "transforms/graph.h"

namespace arrax::ir {

// Replaces each nested `jit` and `custom_call` equation by its sub-graph's equations.
Graph inline_calls(const Graph& g);
// Removes equations whose outputs nothing uses, and unused constants.
Graph eliminate_dead_code(const Graph& g);
// Merges equations that apply the same primitive with the same params to the same inputs.
Graph eliminate_common_subexpressions(const Graph& g);
// Constant folding (equations on small constants run now) and algebraic simplification
// (identity conversions, reshapes and stop_gradient; x*1, x+0, x-0, x/1 with literal scalars).
Graph simplify(const Graph& g);
// broadcast(f(x)) as f(broadcast(x)) for elementwise f where the result is small, so f fuses
// into the broadcast's readers.
Graph sink_broadcasts(const Graph& g);
// Groups maximal elementwise regions, each with the reductions of its trailing dims that
// end it, into `fused` equations (transforms/fusion.cpp; run by fused_kernel.cpp).
Graph fuse_elementwise(const Graph& g);
// Runs a `fused` region that ends in reductions on an executor of elementwise regions only:
// `elementwise` runs the region's elementwise equations (a region graph, cached per region,
// whose outputs are the region's elementwise outputs and then the reductions' operands), and
// each reduction runs after through its primitive. The region's outputs, in order.
using RegionRunner = std::function<std::vector<Array>(const std::shared_ptr<const Graph>&,
                                                      const std::vector<Array>&)>;
bool has_reductions(const Graph& region);
// Whether reduction e reduces the trailing dims of its nd-dim operand (rows; all dims count),
// or its leading dims but not all of them (columns); both false for one without "axes"
// (argmax and argmin). (fusion.cpp)
bool reduces_trailing_dims(const Eqn& e, int nd);
bool reduces_leading_dims(const Eqn& e, int nd);
// Whether some reduction of the region reduces its leading dims (fusion.cpp's column reductions).
bool has_column_reductions(const Graph& region);
std::vector<Array> run_reductions_after(const std::shared_ptr<const Graph>& region,
                                        const std::vector<Array>& in,
                                        const RegionRunner& elementwise);
// Gives each output that is an input, a constant or an earlier output a copy of its own: a jit'd
// function returns new arrays (x + 0 simplifies to x; the caller may write into the result).
Graph copy_aliased_outputs(const Graph& g);
// All of the above, in order: what arrax.jit runs.
Graph optimize(const Graph& g);

}  // namespace arrax::ir
