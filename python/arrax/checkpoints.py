"""Checkpoints: any pytree (parameters, optimizer state, step, RNG key) in one .npz file,
written atomically (a temporary file renamed into place), restored bit for bit.

    arrax.checkpoints.save("run.ckpt", {"params": params, "opt": state, "step": 10, "key": key})
    restored = arrax.checkpoints.load("run.ckpt", like=template)

``like`` gives the pytree structure to restore into (any pytree with the same structure, such
as freshly initialized parameters); it is checked against the file. A truncated, corrupt or
foreign file raises ValueError.
"""

import io
import json
import zipfile

import numpy as onp

from arrax import _core, tree_util
from arrax.numpy._interop import _atomic

__all__ = ["save", "load"]

_MAGIC = "arrax-checkpoint"
_VERSION = 1


def _describe(leaves):
    return [[list(onp.shape(x)), str(onp.asarray(x).dtype)] for x in leaves]


def save(path, tree):
    """Writes ``tree`` to ``path`` atomically."""
    leaves, treedef = tree_util.tree_flatten(tree)
    arrays = {f"leaf_{i}": onp.asarray(x) for i, x in enumerate(leaves)}
    meta = {
        "format": _MAGIC,
        "version": _VERSION,
        "structure": str(treedef),
        "leaves": _describe(leaves),
    }
    buf = io.BytesIO()
    onp.savez(buf, __meta__=onp.frombuffer(json.dumps(meta).encode(), dtype=onp.uint8), **arrays)
    with _atomic(path) as f:
        f.write(buf.getvalue())


def load(path, like):
    """Reads a checkpoint written by ``save`` into the structure of ``like``."""
    try:
        z = onp.load(path, allow_pickle=False)
        if not isinstance(z, onp.lib.npyio.NpzFile):
            raise ValueError("not an .npz archive")
        with z:
            if "__meta__" not in z.files:
                raise ValueError("no arrax checkpoint metadata")
            meta = json.loads(bytes(z["__meta__"]).decode())
            if meta.get("format") != _MAGIC:
                raise ValueError("not an arrax checkpoint")
            n = len(meta["leaves"])
            arrays = [z[f"leaf_{i}"] for i in range(n)]
    except FileNotFoundError:
        raise
    except (
        ValueError,
        KeyError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ) as e:
        raise ValueError(
            f"checkpoints.load: {path} is not a readable arrax checkpoint (truncated, corrupt or "
            f"foreign): {e}"
        ) from None
    like_leaves, treedef = tree_util.tree_flatten(like)
    if len(like_leaves) != len(arrays) or str(treedef) != meta["structure"]:
        raise ValueError(
            f"checkpoints.load: {path} holds a tree of structure {meta['structure']} with "
            f"{len(arrays)} leaves; `like` has structure {treedef} with {len(like_leaves)}"
        )
    out = []
    for template, a in zip(like_leaves, arrays):
        if onp.shape(template) != a.shape:
            raise ValueError(
                f"checkpoints.load: a leaf has shape {a.shape} in the file but "
                f"{onp.shape(template)} in `like`"
            )
        if isinstance(template, (bool, int, float, complex)):
            out.append(type(template)(a.item()))
        else:
            out.append(_core.asarray(a, None, None))
    return tree_util.tree_unflatten(treedef, out)
