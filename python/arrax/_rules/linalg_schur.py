"""Rules of the Schur-family primitives (cpp/primitives/linalg_schur.cpp): linalg_schur,
linalg_hessenberg, linalg_tridiagonal and linalg_householder_product. They batch (the kernels
take stacks of matrices) but, as in JAX, have no derivative: JAX defines no JVP for schur,
hessenberg, tridiagonal or householder_product, so sqrtm and funm (built on schur) have none
either. A symbolic-zero tangent passes through, so the functions still run inside grad when
the differentiated value does not reach them."""

from arrax import _core
from arrax._rules.common import batch_elementwise
from arrax._rules.registry import defrules

_PUBLIC = {
    "linalg_schur": "schur",
    "linalg_hessenberg": "hessenberg",
    "linalg_tridiagonal": "tridiagonal",
    "linalg_householder_product": "householder_product",
}


def _no_jvp(name):
    def jvp(primals, tangents, params):
        if any(t is not None for t in tangents):
            raise NotImplementedError(
                f"{_PUBLIC[name]}: differentiation is not supported (JAX defines no derivative "
                f"for it; sqrtm and funm, computed from schur, have none either)"
            )
        outs = _core.bind(name, primals, params)
        return outs, [None] * len(outs)

    return jvp


for _name in _PUBLIC:
    # (the kernels take stacked matrices: batch axes to the front, as elementwise rules move
    # them)
    defrules(_name, jvp=_no_jvp(_name), batch=batch_elementwise(_name))
