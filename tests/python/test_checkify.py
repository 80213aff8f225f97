"""arrax.experimental.checkify against jax.experimental.checkify: the same programs (each takes
a namespace ``L``) give the same error messages eagerly, under jit and under vmap."""

import types

import arrax
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
from arrax.experimental import checkify as acheckify  # noqa: E402
from jax.experimental import checkify as jcheckify  # noqa: E402

ARRAX = types.SimpleNamespace(
    np=arrax.numpy, C=acheckify, jit=arrax.jit, vmap=arrax.vmap, grad=arrax.grad
)
JAX = types.SimpleNamespace(np=jnp, C=jcheckify, jit=jax.jit, vmap=jax.vmap, grad=jax.grad)


def positive(L, x):
    L.C.check(L.np.all(x > 0), "x must be positive, got {} and {y}", x, y=x * 2)
    return x + 1


def two_checks(L, x):
    L.C.check(x > 0, "neg {}", x)
    L.C.check(x < 5, "big {}", x)
    return x * 2


def mixed_payloads(L, x):
    L.C.check(x > 0, "neg {}", x)
    L.C.check(x < 5, "big {} {}", x, L.np.arange(2))
    return x


def format_spec(L, x):
    L.C.check(x > 0, "{:.2f} and {v} of {n}", x, v=x * 3, n=L.np.asarray(np.arange(3)))
    return x


def no_args(L, x):
    L.C.check(x != 3, "three is not allowed")
    return x


def debug(L, x):
    L.C.debug_check(x > 0, "debug {}", x)
    return x


def with_grad(L, x):
    def loss(y):
        L.C.check(y > 0, "grad sees {}", y)
        return y**3

    g = L.grad(loss)(x)
    L.C.check(g < 20, "gradient {} too large", g)
    return g


def inner_vmap(L, x):
    def per(y):
        L.C.check(y > x, "{} not above {}", y, x)
        return y

    return L.vmap(per)(L.np.stack([x - 1, x + 1, x - 2, x + 2]))


def check_error_inside(L, x):
    err, out = L.C.checkify(two_checks)(L, x)
    L.C.check_error(err)
    L.C.check(x != 2, "two")
    return out


def nested_checkify(L, x):
    err, out = L.C.checkify(two_checks)(L, x)  # (dropped: not re-raised)
    L.C.check(x != 2, "two {}", x)
    return out


PROGRAMS = [
    positive,
    two_checks,
    mixed_payloads,
    format_spec,
    no_args,
    debug,
    with_grad,
    inner_vmap,
    check_error_inside,
    nested_checkify,
]
SCALARS = [-3.0, -1.5, 1.0, 2.0, 3.0, 4.0, 7.0]
BATCH = np.array([1.0, -2.0, 7.0, -3.0, 3.0, 2.0])


def _checkified(L, prog):
    return L.C.checkify(lambda x: prog(L, x))


def _arg(L, v):
    return L.np.asarray(np.asarray(v, dtype=np.float64))


def _outcome(fn):
    try:
        err, out = fn()
    except Exception as e:  # noqa: BLE001 (compared between the libraries)
        return ("raised", type(e).__name__, str(e))
    try:
        err.throw()
        thrown = None
    except Exception as e:  # noqa: BLE001
        thrown = (type(e).__name__, str(e))
    return err.get(), str(err), thrown, np.asarray(out).tolist()


@pytest.mark.parametrize("prog", PROGRAMS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("mode", ["eager", "jit", "jit_inside"])
def test_scalar_programs(prog, mode):
    if mode == "jit_inside" and prog in (check_error_inside, nested_checkify):
        pytest.skip("checkify(jit(f)) with a nested checkify: not meaningful")
    for v in SCALARS:
        results = []
        for L in (ARRAX, JAX):
            if mode == "eager":
                fn = _checkified(L, prog)
            elif mode == "jit":
                fn = L.jit(_checkified(L, prog))
            else:
                fn = L.C.checkify(L.jit(lambda x, L=L: prog(L, x)))
            results.append(_outcome(lambda fn=fn, L=L: fn(_arg(L, v))))
        assert results[0] == results[1], (v, results)


def test_array_program():
    for v in (np.array([1.0, 2.0]), np.array([1.0, -2.0]), np.array([[-1.0], [0.5]])):
        a = _outcome(lambda: _checkified(ARRAX, positive)(_arg(ARRAX, v)))
        j = _outcome(lambda: _checkified(JAX, positive)(_arg(JAX, v)))
        assert a == j


@pytest.mark.parametrize(
    "prog", [two_checks, mixed_payloads, format_spec, no_args, with_grad], ids=lambda p: p.__name__
)
@pytest.mark.parametrize("jitted", [False, True])
@pytest.mark.parametrize(
    "batch", [BATCH, np.array([1.0, 2.0]), np.array([[1.0, -2.0], [7.0, 3.0]])], ids=str
)
def test_vmap(prog, jitted, batch):
    results = []
    for L in (ARRAX, JAX):
        fn = _checkified(L, prog)
        for _ in range(batch.ndim):
            fn = L.vmap(fn)
        if jitted:
            fn = L.jit(fn)
        results.append(_outcome(lambda fn=fn, L=L: fn(_arg(L, batch))))
    if batch.ndim == 2:  # (JAX's throw() of a 2-d batched error picks rows; compare get())
        results = [r[:2] for r in results]
    assert results[0] == results[1]


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("v", [-1.0, 2.0, 3.0, 7.0])
def test_check_outside_checkify(v):
    for prog in (two_checks, no_args, mixed_payloads):
        a = _raised(lambda: prog(ARRAX, _arg(ARRAX, v)))
        j = _raised(lambda: prog(JAX, _arg(JAX, v)))
        assert a == j
        a = _raised(lambda: ARRAX.vmap(lambda x: prog(ARRAX, x))(_arg(ARRAX, BATCH * v)))
        j = _raised(lambda: JAX.vmap(lambda x: prog(JAX, x))(_arg(JAX, BATCH * v)))
        assert a == j
    # a failing check under jit without checkify: the functionalization error
    a = _raised(lambda: ARRAX.jit(lambda x: two_checks(ARRAX, x))(_arg(ARRAX, v)))
    j = _raised(lambda: JAX.jit(lambda x: two_checks(JAX, x))(_arg(JAX, v)))
    assert a == j and a[0] == "ValueError"
    # debug_check does nothing outside checkify
    assert debug(ARRAX, _arg(ARRAX, v)) == v


def test_argument_errors():
    cases = [
        lambda L: L.C.check(L.np.asarray([True]), "x"),
        lambda L: L.C.debug_check(L.np.asarray([True, False]), "x"),
        lambda L: L.C.check(L.np.asarray(1.0), "x"),
        lambda L: L.C.check(True, "x {}", 3.0),
        lambda L: L.C.check(True, "x {a}", a=[L.np.asarray(1.0), 2]),
        lambda L: L.C.check_error(3),
        lambda L: L.C.checkify(lambda x: L.C.check(x > 0, "{}", x))(1.0),
    ]
    for case in cases:
        a, j = _raised(lambda: case(ARRAX)), _raised(lambda: case(JAX))
        assert a is not None and a == j


def test_check_error_outside():
    for L in (ARRAX, JAX):
        assert L.C.check_error(L.C.init_error) is None
    errs = [_checkified(L, two_checks)(_arg(L, -1.0))[0] for L in (ARRAX, JAX)]
    a, j = (_raised(lambda L=L, e=e: L.C.check_error(e)) for L, e in zip((ARRAX, JAX), errs))
    assert a == j == ("JaxRuntimeError", "neg -1.0 (`check` failed)")
    errs = [L.vmap(_checkified(L, two_checks))(_arg(L, BATCH))[0] for L in (ARRAX, JAX)]
    a, j = (_raised(lambda L=L, e=e: L.C.check_error(e)) for L, e in zip((ARRAX, JAX), errs))
    assert a == j


def test_error_pytree_and_api():
    C = acheckify
    assert C.init_error.get() is None and str(C.init_error) == "Error(None)"
    assert arrax.tree_util.tree_leaves(C.init_error) == []
    err, _ = _checkified(ARRAX, mixed_payloads)(_arg(ARRAX, 7.0))
    leaves, treedef = arrax.tree_util.tree_flatten(err)
    rebuilt = arrax.tree_util.tree_unflatten(treedef, leaves)
    assert isinstance(rebuilt, C.Error) and rebuilt.get() == err.get()
    doubled = arrax.tree_util.tree_map(lambda x: x, err)
    assert doubled.get() == "big 7.0 [0 1] (`check` failed)"
    exc = err.get_exception()
    assert isinstance(exc, C.FailedCheckError) and isinstance(exc, C.JaxException)
    assert issubclass(C.JaxRuntimeError, ValueError)
    # the Error passes through jit as an argument and as an output
    same = arrax.jit(lambda e: e)(err)
    assert same.get() == err.get()
    assert C.all_checks == C.automatic_checks | C.user_checks
    assert C.float_checks == C.nan_checks | C.div_checks
    for errors in (C.nan_checks, C.div_checks, C.index_checks, C.float_checks, C.all_checks):
        # (the automatic checks: test_checkify_automatic_like_jax.py)
        assert C.checkify(lambda x: x, errors=errors)(1.0)[0].get() is None
    assert C.checkify(lambda x: x, errors=frozenset())(1.0)[0].get() is None


def test_check_in_staged_body_inside_checkify():
    def f(x):
        return arrax.jit(lambda y: two_checks(ARRAX, y))(x)

    with pytest.raises(NotImplementedError, match="checkify: a check inside arrax.jit"):
        acheckify.checkify(f)(_arg(ARRAX, 1.0))

    def g(x):
        return arrax.lax.cond(x > 0, lambda y: two_checks(ARRAX, y), lambda y: y, x)

    with pytest.raises(NotImplementedError, match="checkify: a check inside arrax.jit"):
        arrax.jit(acheckify.checkify(g))(_arg(ARRAX, 1.0))
