"""``arrax.scipy.spatial.transform`` (``jax.scipy.spatial.transform``): ``Rotation``, 3-D
rotations held as unit quaternions (x, y, z, w), and ``Slerp``, spherical linear interpolation
between them.

Both are NamedTuples of arrays, hence pytrees that pass through ``jit`` and ``vmap``. Every
operation works on quaternions with any leading (batch) axes, written with broadcasting rather
than per-rotation loops, so it traces, batches and differentiates."""

import re
import typing

import numpy as onp

import arrax.numpy as jnp
from arrax import random

__all__ = ["Rotation", "Slerp"]


def _norm(v):
    return jnp.sqrt(jnp.sum(v * v, axis=-1))


def _normalize(q):
    return q / _norm(q)[..., None]


def _compose(p, q):
    """The quaternion product p q (apply q, then p), broadcast over leading axes."""
    pv, pw, qv, qw = p[..., :3], p[..., 3:], q[..., :3], q[..., 3:]
    xyz = pw * qv + qw * pv + jnp.cross(pv, qv)
    w = pw * qw - jnp.sum(pv * qv, axis=-1, keepdims=True)
    return jnp.concatenate([xyz, w], axis=-1)


def _as_matrix(q):
    x, y, z, w = (q[..., i] for i in range(4))
    x2, y2, z2, w2 = x * x, y * y, z * z, w * w
    xy, zw, xz, yw, yz, xw = x * y, z * w, x * z, y * w, y * z, x * w
    rows = [
        [x2 - y2 - z2 + w2, 2 * (xy - zw), 2 * (xz + yw)],
        [2 * (xy + zw), -x2 + y2 - z2 + w2, 2 * (yz - xw)],
        [2 * (xz - yw), 2 * (yz + xw), -x2 - y2 + z2 + w2],
    ]
    return jnp.stack([jnp.stack(r, axis=-1) for r in rows], axis=-2)


def _from_matrix(m):
    """The quaternion of rotation matrices m (..., 3, 3), from whichever of the diagonal and
    the trace is largest, which keeps the square root of a sum well away from zero."""
    m = jnp.asarray(m)
    if m.shape[-2:] != (3, 3):
        raise ValueError(f"Rotation.from_matrix: expected matrices of shape (3, 3), got {m.shape}")
    trace = m[..., 0, 0] + m[..., 1, 1] + m[..., 2, 2]
    candidates = []
    for i in range(3):
        j, k = (i + 1) % 3, (i + 2) % 3
        q = [None] * 4
        q[i] = 1 - trace + 2 * m[..., i, i]
        q[j] = m[..., j, i] + m[..., i, j]
        q[k] = m[..., k, i] + m[..., i, k]
        q[3] = m[..., k, j] - m[..., j, k]
        candidates.append(jnp.stack(q, axis=-1))
    diffs = [m[..., 2, 1] - m[..., 1, 2], m[..., 0, 2] - m[..., 2, 0], m[..., 1, 0] - m[..., 0, 1]]
    candidates.append(jnp.stack(diffs + [1 + trace], axis=-1))
    choice = jnp.argmax(jnp.stack([m[..., 0, 0], m[..., 1, 1], m[..., 2, 2], trace], -1), -1)
    q = jnp.take_along_axis(jnp.stack(candidates, axis=-2), choice[..., None, None], axis=-2)
    return _normalize(q[..., 0, :])


def _from_rotvec(rotvec, degrees):
    rotvec = jnp.asarray(rotvec)
    if rotvec.shape[-1:] != (3,):
        raise ValueError(f"Rotation.from_rotvec: expected vectors of length 3, got {rotvec.shape}")
    rotvec = jnp.deg2rad(rotvec) if degrees else rotvec
    angle = _norm(rotvec)
    a2 = angle * angle
    # sin(angle/2)/angle, by its Taylor series near zero (where the quotient is 0/0).
    small = 0.5 - a2 / 48 + a2 * a2 / 3840
    large = jnp.sin(angle / 2) / jnp.where(angle <= 1e-3, 1.0, angle)
    scale = jnp.where(angle <= 1e-3, small, large)
    return jnp.concatenate([scale[..., None] * rotvec, jnp.cos(angle / 2)[..., None]], -1)


def _as_rotvec(q, degrees):
    q = jnp.where(q[..., 3:] < 0, -q, q)
    angle = 2.0 * jnp.arctan2(_norm(q[..., :3]), q[..., 3])
    a2 = angle * angle
    small = 2 + a2 / 12 + 7 * a2 * a2 / 2880  # angle / sin(angle/2) near zero
    large = angle / jnp.sin(jnp.where(angle <= 1e-3, 1.0, angle) / 2)
    scale = jnp.where(angle <= 1e-3, small, large)
    scale = jnp.rad2deg(scale) if degrees else scale
    return scale[..., None] * q[..., :3]


def _axes(name, seq, max_len):
    if not 1 <= len(seq) <= max_len:
        raise ValueError(
            f"{name}: expected axis specification to be a non-empty string of up to {max_len} "
            f"characters, got {seq!r}"
        )
    intrinsic = re.match("^[XYZ]+$", seq) is not None
    if not (intrinsic or re.match("^[xyz]+$", seq)):
        raise ValueError(
            f"{name}: expected axes from `seq` to be from ['x', 'y', 'z'] or ['X', 'Y', 'Z'], "
            f"got {seq!r}"
        )
    if any(a == b for a, b in zip(seq, seq[1:])):
        raise ValueError(f"{name}: expected consecutive axes to be different, got {seq!r}")
    return ["xyz".index(c) for c in seq.lower()], intrinsic


def _elementary(axis, angle):
    """Quaternions of rotations by angle (...) about basis axis ``axis``."""
    zero = jnp.zeros_like(angle)
    parts = [zero, zero, zero, jnp.cos(angle / 2)]
    parts[axis] = jnp.sin(angle / 2)
    return jnp.stack(parts, axis=-1)


def _as_euler(q, axes, extrinsic, degrees):
    """Euler angles of quaternions q (Bernardes & Viollet 2022, as SciPy and JAX)."""
    i, j, k = axes if extrinsic else axes[::-1]
    symmetric = i == k
    if symmetric:
        k = 3 - i - j
    sign = (i - j) * (j - k) * (k - i) // 2
    qi, qj, qk, qw = q[..., i], q[..., j], q[..., k], q[..., 3]
    if symmetric:
        a, b, c, d = qw, qi, qj, qk * sign
    else:
        a, b, c, d = qw - qj, qi + qk * sign, qj + qw, qk * sign - qi
    middle = 2 * jnp.arctan2(jnp.hypot(c, d), jnp.hypot(a, b))
    eps = 1e-7
    # Gimbal lock (middle angle 0 or pi) leaves only the sum or the difference of the outer
    # angles defined: the first takes it all, the third is 0.
    case = jnp.where(jnp.abs(middle) <= eps, 1, jnp.where(jnp.abs(middle - onp.pi) <= eps, 2, 0))
    half_sum, half_diff = jnp.arctan2(b, a), jnp.arctan2(d, c)
    locked = jnp.where(case == 1, 2 * half_sum, 2 * half_diff * (-1 if extrinsic else 1))
    angles = [locked, middle, jnp.zeros_like(middle)]
    first, third = (0, 2) if extrinsic else (2, 0)
    free = case == 0
    angles[first] = jnp.where(free, half_sum - half_diff, angles[first])
    angles[third] = jnp.where(free, half_sum + half_diff, angles[third])
    if not symmetric:
        angles[third] = angles[third] * sign
        angles[1] = angles[1] - onp.pi / 2
    angles = (jnp.stack(angles, axis=-1) + onp.pi) % (2 * onp.pi) - onp.pi
    return jnp.rad2deg(angles) if degrees else angles


class Rotation(typing.NamedTuple):
    """Rotations in 3-D (scipy.spatial.transform.Rotation), as unit quaternions ``quat``
    (x, y, z, w): shape (4,) for one rotation, (N, 4) for a stack. Build them with the
    ``from_*`` constructors, compose with ``*`` (r * s applies s first) and convert with the
    ``as_*`` methods."""

    quat: typing.Any

    @classmethod
    def concatenate(cls, rotations):
        """One stack of the rotations in the sequence ``rotations``."""
        return cls(jnp.concatenate([jnp.atleast_2d(r.quat) for r in rotations]))

    @classmethod
    def from_euler(cls, seq, angles, degrees=False):
        """Rotations from Euler angles (..., len(seq)) about the axes ``seq``: lowercase
        'xyz' for extrinsic (fixed) axes, uppercase 'XYZ' for intrinsic (rotating) ones."""
        axes, intrinsic = _axes("Rotation.from_euler", seq, 3)
        angles = jnp.atleast_1d(jnp.asarray(angles))
        if not jnp.issubdtype(angles.dtype, jnp.inexact):  # (bfloat16 is inexact)
            angles = angles.astype(onp.float64)
        if len(axes) == 1 and angles.shape[-1] != 1:
            angles = angles[..., None]  # one angle per rotation (SciPy's shape (N,))
        angles = jnp.deg2rad(angles) if degrees else angles
        q = _elementary(axes[0], angles[..., 0])
        for n in range(1, len(axes)):
            step = _elementary(axes[n], angles[..., n])
            q = _compose(q, step) if intrinsic else _compose(step, q)
        return cls(q)

    @classmethod
    def from_matrix(cls, matrix):
        """Rotations from rotation matrices (..., 3, 3)."""
        return cls(_from_matrix(matrix))

    @classmethod
    def from_mrp(cls, mrp):
        """Rotations from modified Rodrigues parameters (..., 3): the axis times
        tan(angle / 4)."""
        mrp = jnp.asarray(mrp)
        n2 = jnp.sum(mrp * mrp, axis=-1, keepdims=True) + 1
        return cls(jnp.concatenate([2 * mrp, 2 - n2], axis=-1) / n2)

    @classmethod
    def from_quat(cls, quat):
        """Rotations from quaternions (..., 4) in scalar-last order, normalized."""
        return cls(_normalize(jnp.asarray(quat)))

    @classmethod
    def from_rotvec(cls, rotvec, degrees=False):
        """Rotations from rotation vectors (..., 3): the axis times the angle."""
        return cls(_from_rotvec(rotvec, degrees))

    @classmethod
    def identity(cls, num=None, dtype=float):
        """The identity rotation; with num, a stack of num of them."""
        quat = jnp.asarray(onp.array([0.0, 0.0, 0.0, 1.0], dtype=dtype))
        return cls(quat if num is None else jnp.tile(quat, (num, 1)))

    @classmethod
    def random(cls, random_key, num=None):
        """Rotations uniformly distributed over SO(3), drawn with an arrax PRNG key (normal
        4-vectors, normalized); with num, a stack of num of them. (JAX does not implement
        this.)"""
        shape = (4,) if num is None else (num, 4)
        return cls.from_quat(random.normal(random_key, shape, dtype=onp.float64))

    def __getitem__(self, indexer):
        if self.single:
            raise TypeError("Rotation: a single rotation is not subscriptable")
        return Rotation(self.quat[indexer])

    def __len__(self):
        if self.single:
            raise TypeError("Rotation: a single rotation has no len()")
        return self.quat.shape[0]

    def __mul__(self, other):
        """The composition: (r * s).apply(v) is r.apply(s.apply(v))."""
        return Rotation.from_quat(_compose(self.quat, other.quat))

    def apply(self, vectors, inverse=False):
        """The rotations applied to vectors (..., 3), broadcasting rotations against vectors;
        with ``inverse``, their inverses."""
        m = self.as_matrix()
        if inverse:
            m = jnp.swapaxes(m, -1, -2)
        return jnp.matmul(m, jnp.asarray(vectors)[..., None])[..., 0]

    def as_euler(self, seq, degrees=False):
        """Euler angles (..., 3) about the three axes ``seq`` (see ``from_euler``), in
        (-pi, pi]; the middle one in [0, pi] for repeated axes ('zxz'), else [-pi/2, pi/2]."""
        if len(seq) != 3:
            raise ValueError(f"Rotation.as_euler: expected 3 axes, got {seq!r}")
        axes, intrinsic = _axes("Rotation.as_euler", seq, 3)
        return _as_euler(self.quat, axes, not intrinsic, degrees)

    def as_matrix(self):
        """Rotation matrices (..., 3, 3)."""
        return _as_matrix(self.quat)

    def as_mrp(self):
        """Modified Rodrigues parameters (..., 3), of the rotation by at most pi."""
        q = self.quat
        q = jnp.where(q[..., 3:] < 0, -q, q)  # the same rotation, by at most pi
        return q[..., :3] / (1.0 + q[..., 3:])

    def as_rotvec(self, degrees=False):
        """Rotation vectors (..., 3), of angle at most pi."""
        return _as_rotvec(self.quat, degrees)

    def as_quat(self, canonical=False, scalar_first=False):
        """The quaternions (..., 4); ``canonical`` picks of q and -q the one with w > 0 (or
        the first nonzero component positive), ``scalar_first`` orders them (w, x, y, z)."""
        q = self.quat
        if canonical:
            neg, undecided = jnp.zeros(q.shape[:-1], bool), jnp.ones(q.shape[:-1], bool)
            for c in (3, 0, 1, 2):
                neg = neg | (undecided & (q[..., c] < 0))
                undecided = undecided & (q[..., c] == 0)
            q = jnp.where(neg[..., None], -q, q)
        return jnp.roll(q, 1, axis=-1) if scalar_first else q

    def inv(self):
        """The inverse rotations."""
        return Rotation(self.quat * jnp.asarray(onp.array([-1, -1, -1, 1], self.quat.dtype)))

    def magnitude(self):
        """The rotation angles (...), in [0, pi]."""
        q = self.quat
        return 2.0 * jnp.arctan2(_norm(q[..., :3]), jnp.abs(q[..., 3]))

    def mean(self, weights=None):
        """The (weighted) mean rotation of a stack: the quaternion maximizing the weighted sum
        of squared dot products with the stack's, the top eigenvector of sum w q q^T."""
        q = self.quat
        w = jnp.ones(q.shape[0], q.dtype) if weights is None else jnp.asarray(weights)
        if w.ndim != 1:
            raise ValueError(
                f"Rotation.mean: expected `weights` to be 1 dimensional, got shape {w.shape}"
            )
        if w.shape[0] != len(self):
            raise ValueError(
                "Rotation.mean: expected `weights` to have number of values equal to number of "
                f"rotations, got {w.shape[0]} values and {len(self)} rotations"
            )
        k = jnp.matmul(w.astype(q.dtype)[None, :] * q.T, q)
        return Rotation(jnp.linalg.eigh(k)[1][:, -1])

    @property
    def single(self):
        """Whether this is one rotation rather than a stack."""
        return self.quat.ndim == 1


class Slerp(typing.NamedTuple):
    """Spherical linear interpolation of rotations (scipy.spatial.transform.Slerp): build it
    with ``Slerp.init(times, rotations)``, then call it with times (scalar or 1-D) to get the
    rotations there, each turning at constant angular rate between its neighbours."""

    times: typing.Any
    timedelta: typing.Any
    rotations: Rotation
    rotvecs: typing.Any

    @classmethod
    def init(cls, times, rotations):
        """The interpolator through ``rotations`` (a stack of at least two) at increasing
        ``times`` (1-D, one per rotation)."""
        if not isinstance(rotations, Rotation):
            raise TypeError("Slerp: `rotations` must be a `Rotation` instance")
        if rotations.single or len(rotations) == 1:
            raise ValueError("Slerp: `rotations` must be a sequence of at least 2 rotations")
        times = jnp.asarray(times).astype(rotations.quat.dtype)
        if times.ndim != 1:
            raise ValueError(
                f"Slerp: expected times to be 1 dimensional, got {times.ndim} dimensions"
            )
        if times.shape[0] != len(rotations):
            raise ValueError(
                "Slerp: expected number of rotations to be equal to number of timestamps given, "
                f"got {len(rotations)} rotations and {times.shape[0]} timestamps"
            )
        starts = Rotation(rotations.quat[:-1])
        steps = (starts.inv() * Rotation(rotations.quat[1:])).as_rotvec()
        return cls(times, jnp.diff(times), starts, steps)

    def __call__(self, times):
        t = jnp.asarray(times).astype(self.times.dtype)
        if t.ndim > 1:
            raise ValueError("Slerp: `times` must be at most 1-dimensional")
        single = t.ndim == 0
        t = jnp.atleast_1d(t)
        # Times past the ends extrapolate the first or last segment.
        i = jnp.clip(jnp.searchsorted(self.times, t) - 1, 0, self.times.shape[0] - 2)
        alpha = (t - self.times[i]) / self.timedelta[i]
        out = self.rotations[i] * Rotation.from_rotvec(self.rotvecs[i] * alpha[:, None])
        return out[0] if single else out
