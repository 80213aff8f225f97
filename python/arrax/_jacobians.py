"""Jacobians and Hessians: jacfwd (a vmap of jvp over a basis of the input space), jacrev (a
vmap of vjp over a basis of the output space) and hessian. Split from _ad.py, which re-exports
them."""

import functools

from arrax import _core, tree_util
from arrax._ad import _argnums_tuple, _leaves_as_arrays, jvp, vjp
from arrax._trace_core import asarray, check_callable, is_inexact
from arrax.lax import _ops as lax


def _std_basis(leaves):
    """An identity matrix over all the leaves' elements: (total, *leaf.shape) per leaf."""
    sizes = [int(x.size) for x in leaves]
    total = sum(sizes)
    dtype = leaves[0].dtype if leaves else None
    eye = _core.asarray(__import__("numpy").eye(total, dtype=dtype), None, None)
    out, start = [], 0
    for x, n in zip(leaves, sizes):
        block = lax.slice_in_dim(eye, start, start + n, 1, 1)
        out.append(lax.reshape(block, (total,) + tuple(x.shape)))
        start += n
    return out, total


def _check_inexact(name, leaves):
    for x in leaves:
        if not is_inexact(x.dtype):
            raise TypeError(
                f"{name} requires real- or complex-valued inputs (input dtype that is a "
                f"sub-dtype of np.inexact), but got {x.dtype.name}"
            )


def _check_complex(name, leaves, holomorphic, what, real_required):
    """JAX's dtype rules for Jacobians: holomorphic=True takes complex values only; without
    it, forward mode's inputs and reverse mode's outputs must be real."""
    for x in leaves:
        dt = asarray(x).dtype
        if holomorphic and dt.kind != "c":
            raise TypeError(
                f"{name} with holomorphic=True requires {what}s with complex dtype, but got "
                f"{dt.name}."
            )
        if not holomorphic and real_required and dt.kind == "c":
            raise TypeError(
                f"{name} requires real-valued {what}s ({what} dtype that is a sub-dtype of "
                f"np.floating), but got {dt.name}. For holomorphic differentiation, pass "
                f"holomorphic=True. For differentiation of non-holomorphic functions "
                f"involving complex {what}s, use arrax.jvp or arrax.vjp directly."
            )


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """Like ``jax.jacfwd``: the Jacobian by forward mode (a vmap of jvp over a basis); the
    result has the output's shape followed by the input's."""
    from arrax._batching import vmap

    check_callable(fun, "jacfwd")
    nums = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):  # (keywords are passed to fun, not differentiated)
        diff = [args[i] for i in nums]
        d_leaves, d_tree = tree_util.tree_flatten(tuple(diff))
        d_leaves = _leaves_as_arrays(d_leaves)
        _check_inexact("jacfwd", d_leaves)
        _check_complex("jacfwd", d_leaves, holomorphic, "input", True)
        dtype = __import__("numpy").result_type(*[x.dtype for x in d_leaves])
        basis, total = _std_basis([x.astype(dtype) for x in d_leaves])
        basis = [b.astype(x.dtype) for b, x in zip(basis, d_leaves)]

        def f_diff(*d):
            full = list(args)
            for i, a in zip(nums, d):
                full[i] = a
            return fun(*full, **kwargs)

        def push(*t_leaves):
            tangents = tree_util.tree_unflatten(d_tree, list(t_leaves))
            if has_aux:
                _, t_out, aux = jvp(
                    f_diff, tuple(diff), tuple(tangents), has_aux=True, _float0=False
                )
                return t_out, aux
            return jvp(f_diff, tuple(diff), tuple(tangents), _float0=False)[1]

        res = vmap(push, out_axes=(-1, None) if has_aux else -1)(*basis)
        jac = res[0] if has_aux else res
        _check_complex("jacfwd", tree_util.tree_leaves(jac), holomorphic, "output", False)

        # Split the trailing basis axis back into each input's shape.
        def split(j):
            j = asarray(j)
            parts, start = [], 0
            for x in d_leaves:
                n = int(x.size)
                part = lax.slice_in_dim(j, start, start + n, 1, j.ndim - 1)
                parts.append(lax.reshape(part, tuple(j.shape[:-1]) + tuple(x.shape)))
                start += n
            tree = tree_util.tree_unflatten(d_tree, parts)
            return tree[0] if isinstance(argnums, int) else tree

        jac = tree_util.tree_map(split, jac)
        return (jac, res[1]) if has_aux else jac

    return wrapped


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Like ``jax.jacrev``: the Jacobian by reverse mode (a vmap of vjp over a basis of the
    output space); the result has the output's shape followed by the input's."""
    from arrax._batching import vmap

    check_callable(fun, "jacrev")
    nums = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):  # (keywords are passed to fun, not differentiated)
        diff = [args[i] for i in nums]
        d_leaves = _leaves_as_arrays(tree_util.tree_leaves(tuple(diff)))
        if not allow_int:
            _check_inexact("jacrev", d_leaves)
        _check_complex("jacrev", d_leaves, holomorphic, "input", False)

        def f_diff(*d):
            full = list(args)
            for i, a in zip(nums, d):
                full[i] = a
            return fun(*full, **kwargs)

        res = vjp(f_diff, *diff, has_aux=has_aux)
        out, f_vjp = res[0], res[1]
        o_leaves, o_tree = tree_util.tree_flatten(out)
        o_leaves = _leaves_as_arrays(o_leaves)
        _check_complex("jacrev", o_leaves, holomorphic, "output", True)
        basis, total = _std_basis(o_leaves)

        def pull(*ct_leaves):
            return f_vjp(tree_util.tree_unflatten(o_tree, list(ct_leaves)))

        cts = vmap(pull)(*basis)  # tuple over args, each leaf (total, *in_shape)
        if allow_int:
            # An integer or boolean input's float0 rows are zeros of its dtype, as JAX
            # converts each Jacobian part to its input's dtype.
            ct_leaves, ct_tree = tree_util.tree_flatten(cts)
            ct_leaves = [
                c if is_inexact(x.dtype) else lax.full((total,) + tuple(x.shape), 0, x.dtype)
                for c, x in zip(ct_leaves, d_leaves)
            ]
            cts = tree_util.tree_unflatten(ct_tree, ct_leaves)
        per_arg = cts[0] if isinstance(argnums, int) else tuple(cts)

        def split(j):
            j = asarray(j)
            parts, start = [], 0
            for o in o_leaves:
                n = int(o.size)
                part = lax.slice_in_dim(j, start, start + n, 1, 0)
                parts.append(lax.reshape(part, tuple(o.shape) + tuple(j.shape[1:])))
                start += n
            return tree_util.tree_unflatten(o_tree, parts)

        jac = tree_util.tree_map(split, per_arg)
        # Output structure outermost, as JAX gives it.
        if len(o_leaves) > 1 or o_tree != tree_util.tree_structure(0):
            jac = tree_util.tree_transpose(tree_util.tree_structure(per_arg), o_tree, jac)
        return (jac, res[2]) if has_aux else jac

    return wrapped


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """Like ``jax.hessian``: jacfwd(jacrev(fun))."""
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)
