"""arrax: a NumPy-compatible array library with a C++ engine and composable transformations.

``import arrax.numpy as np`` gives NumPy's API on arrax arrays; ``arrax.grad``, ``vmap``,
``jit`` and friends transform functions of them as JAX's do.
"""

from arrax import numpy, random, tree_util  # noqa: I001
from arrax._core import get_num_threads, set_num_threads
from arrax._ad import (
    checkpoint,
    closure_convert,
    custom_gradient,
    custom_jvp,
    custom_vjp,
    fwd_and_bwd,
    grad,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    remat,
    stop_gradient,
    value_and_grad,
    vjp,
)
from arrax._batching import pmap, vmap
from arrax._jit import jit
from arrax._tracing import make_ir
from arrax._config import (
    config,
    debug_infs,
    debug_nans,
    default_prng_impl,
    enable_checks,
    enable_x64,
    log_compiles,
    numpy_dtype_promotion,
    numpy_rank_promotion,
)
from arrax._shapes import ShapeDtypeStruct, disable_jit, eval_shape, linear_transpose, typeof

jacobian = jacrev  # jax.jacobian
make_jaxpr = make_ir  # jax.make_jaxpr: arrax's graph text plays the jaxpr's part
from arrax import (  # noqa: E402  # noqa: E402
    checkpoints,
    cuda,  # noqa: E402
    lax,
    nn,
    optim,
    test_util,
    tree,
)
from arrax._devices import (  # noqa: E402
    Device,
    _init_from_environment,
    default_device,
    default_matmul_precision,
    device_count,
    device_get,
    device_put,
    devices,
    set_matmul_precision,
)

_init_from_environment()

from arrax import (  # noqa: E402
    ad_checkpoint,
    checkpoint_policies,
    core,
    custom_batching,
    custom_derivatives,
    debug,
    dlpack,
    dtypes,
    errors,
    experimental,
    flatten_util,
    image,
    ops,
    profiler,
    scipy,  # noqa: E402
    sharding,
    typing,  # noqa: E402,A004
    version,
)
from arrax._callbacks import pure_callback  # noqa: E402
from arrax._config_options import (  # noqa: E402
    check_tracer_leaks,
    checking_leaks,
    debug_key_reuse,
    enable_custom_prng,
    legacy_prng_key,
    no_tracing,
    threefry_partitionable,
    transfer_guard,
    transfer_guard_device_to_device,
    transfer_guard_device_to_host,
    transfer_guard_host_to_device,
)
from arrax._environment import (  # noqa: E402
    Array,
    clear_caches,
    default_backend,
    ensure_compile_time_eval,
    local_device_count,
    local_devices,
    named_call,
    named_scope,
    print_environment_info,
    process_count,
    process_index,
)
from arrax._jax_api_extras import (  # noqa: E402
    copy_to_host_async,
    effects_barrier,
    host_count,
    host_id,
    host_ids,
    live_arrays,
    make_array_from_callback,
    make_array_from_process_local_data,
    make_array_from_single_device_arrays,
    process_indices,
)
from arrax.sharding import NamedSharding, P, make_mesh, reshard, set_mesh, shard_map  # noqa: E402

float0 = dtypes.float0


def block_until_ready(x):
    """Like ``jax.block_until_ready``: waits for the GPU work making x's arrays (any pytree);
    returns x. CPU results are ready when returned."""
    from arrax._devices import synchronize

    return synchronize(x)


__version__ = "0.1.0"
__all__ = [
    "numpy",
    "random",
    "tree_util",
    "tree",
    "block_until_ready",
    "Device",
    "devices",
    "device_count",
    "default_device",
    "device_put",
    "device_get",
    "default_matmul_precision",
    "set_matmul_precision",
    "cuda",
    "lax",
    "test_util",
    "nn",
    "optim",
    "checkpoints",
    "make_ir",
    "make_jaxpr",
    "config",
    "enable_x64",
    "debug_nans",
    "debug_infs",
    "log_compiles",
    "enable_checks",
    "default_prng_impl",
    "numpy_dtype_promotion",
    "numpy_rank_promotion",
    "jacobian",
    "ShapeDtypeStruct",
    "typeof",
    "make_mesh",
    "shard_map",
    "NamedSharding",
    "P",
    "eval_shape",
    "linear_transpose",
    "disable_jit",
    "jit",
    "grad",
    "value_and_grad",
    "vjp",
    "fwd_and_bwd",
    "jvp",
    "linearize",
    "jacfwd",
    "jacrev",
    "hessian",
    "vmap",
    "pmap",
    "stop_gradient",
    "custom_jvp",
    "custom_vjp",
    "custom_gradient",
    "closure_convert",
    "checkpoint",
    "remat",
    "get_num_threads",
    "set_num_threads",
    "__version__",
    "scipy",
    "sharding",
    "profiler",
    "debug",
    "pure_callback",
    "Array",
    "clear_caches",
    "default_backend",
    "dtypes",
    "custom_derivatives",
    "checkpoint_policies",
    "ad_checkpoint",
    "dlpack",
    "errors",
    "experimental",
    "flatten_util",
    "image",
    "ops",
    "typing",
    "float0",
    "ensure_compile_time_eval",
    "local_devices",
    "local_device_count",
    "named_call",
    "named_scope",
    "print_environment_info",
    "process_count",
    "process_index",
    "core",
    "custom_batching",
    "version",
    "check_tracer_leaks",
    "checking_leaks",
    "debug_key_reuse",
    "enable_custom_prng",
    "legacy_prng_key",
    "no_tracing",
    "threefry_partitionable",
    "transfer_guard",
    "transfer_guard_device_to_device",
    "transfer_guard_device_to_host",
    "transfer_guard_host_to_device",
    "copy_to_host_async",
    "effects_barrier",
    "host_count",
    "host_id",
    "host_ids",
    "live_arrays",
    "make_array_from_callback",
    "make_array_from_process_local_data",
    "make_array_from_single_device_arrays",
    "process_indices",
    "reshard",
    "set_mesh",
]

# jnp/lax operations that move or select elements take typed key arrays, as JAX's do.
from arrax._prng_key_ops import install_all as _install_key_ops  # noqa: E402

_install_key_ops()
del _install_key_ops
