"""Run NumPy's own test files against arrax.numpy and print a pass/fail count per file.

    python scripts/numpy_own_tests.py                  # the default set of files
    python scripts/numpy_own_tests.py lib/tests/test_function_base.py -k quantile

NumPy's wheel ships its tests. Each file is copied to a temporary folder with
``import numpy as np`` (and ``from numpy import ...``, ``from numpy.linalg import ...``,
``from numpy.lib import format``)
pointed at arrax.numpy, and a conftest lets ``numpy.testing`` see arrax arrays as NumPy
arrays and 0-d arrays as scalars (arrax returns 0-d arrays where NumPy returns scalars, by
design, which numpy.testing's scalar checks would otherwise count). What still fails is a
difference from NumPy worth a look: the known, chosen ones are scalar types, subclasses,
float128, object arrays, ``.base``, and floating-point error reporting (see the README); in
random/tests, bit generator states (NumPy's arrays, not ``np.ndarray``s: comp_state and
assert_state_equal fail on them) and warnings' reported file.
This is a development aid, not part of CI: NumPy's suite expects NumPy's internals too.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy

DEFAULT_FILES = [
    "_core/tests/test_numeric.py",
    "_core/tests/test_umath.py",
    "_core/tests/test_ufunc.py",
    "_core/tests/test_einsum.py",
    "_core/tests/test_shape_base.py",
    "_core/tests/test_indexing.py",
    "_core/tests/test_multiarray.py",
    "_core/tests/test_regression.py",
    "lib/tests/test_nanfunctions.py",
    "lib/tests/test_function_base.py",
    "lib/tests/test_arraysetops.py",
    "lib/tests/test_shape_base.py",
    "lib/tests/test_index_tricks.py",
    "lib/tests/test_twodim_base.py",
    "lib/tests/test_type_check.py",
    "lib/tests/test_histograms.py",
    "lib/tests/test_polynomial.py",
    "lib/tests/test_stride_tricks.py",
    "linalg/tests/test_linalg.py",
    "fft/tests/test_pocketfft.py",
    "fft/tests/test_helper.py",
    "_core/tests/test_api.py",
    "_core/tests/test_item_selection.py",
    "_core/tests/test_function_base.py",
    "_core/tests/test_nep50_promotions.py",
    "_core/tests/test_numerictypes.py",
    "_core/tests/test_getlimits.py",
    "_core/tests/test_conversion_utils.py",
    "_core/tests/test_casting_unittests.py",
    "_core/tests/test_arrayprint.py",
    "lib/tests/test_ufunclike.py",
    "lib/tests/test_arraypad.py",
    "lib/tests/test_packbits.py",
    "lib/tests/test_io.py",
    "lib/tests/test_loadtxt.py",
    "lib/tests/test_mixins.py",
    "lib/tests/test_utils.py",
    "lib/tests/test_array_utils.py",
    "polynomial/tests/test_polynomial.py",
    "polynomial/tests/test_chebyshev.py",
    "polynomial/tests/test_legendre.py",
    "polynomial/tests/test_laguerre.py",
    "polynomial/tests/test_hermite.py",
    "polynomial/tests/test_hermite_e.py",
    "polynomial/tests/test_polyutils.py",
    "polynomial/tests/test_classes.py",
    "polynomial/tests/test_printing.py",
    "polynomial/tests/test_symbol.py",
    "random/tests/test_generator_mt19937.py",
    "random/tests/test_random.py",
    "random/tests/test_randomstate.py",
    "random/tests/test_smoke.py",
    "random/tests/test_direct.py",
    "random/tests/test_seed_sequence.py",
    "random/tests/test_generator_mt19937_regressions.py",
    "random/tests/test_randomstate_regression.py",
    "random/tests/test_regression.py",
    "_core/tests/test_half.py",
    "_core/tests/test_umath_complex.py",
    "_core/tests/test_dtype.py",
    "_core/tests/test_array_coercion.py",
    "_core/tests/test_errstate.py",
    "_core/tests/test_indexerrors.py",
    "_core/tests/test_mem_overlap.py",
    "_core/tests/test_records.py",
    "_core/tests/test_umath_accuracy.py",
    "_core/tests/test_casting_floatingpoint_errors.py",
    "lib/tests/test_format.py",
    "lib/tests/test_regression.py",
    "lib/tests/test_recfunctions.py",
    "linalg/tests/test_regression.py",
    "_core/tests/test_nditer.py",
    "_core/tests/test_print.py",
    "_core/tests/test_scalarprint.py",
    "_core/tests/test_memmap.py",
    "_core/tests/test_protocols.py",
    "_core/tests/test_array_interface.py",
    "_core/tests/test_scalar_methods.py",
    "_core/tests/test_argparse.py",
    "_core/tests/test_deprecations.py",
    "_core/tests/test_strings.py",
    "_core/tests/test_defchararray.py",
    "lib/tests/test__iotools.py",
    "lib/tests/test_arrayterator.py",
    "matrixlib/tests/test_defmatrix.py",
    "matrixlib/tests/test_interaction.py",
    "matrixlib/tests/test_masked_matrix.py",
    "matrixlib/tests/test_matrix_linalg.py",
    "matrixlib/tests/test_multiarray.py",
    "matrixlib/tests/test_numeric.py",
    "matrixlib/tests/test_regression.py",
    "_core/tests/test_scalarmath.py",
    "_core/tests/test_arrayobject.py",
    "_core/tests/test_finfo.py",
    "_core/tests/test_array_api_info.py",
    "_core/tests/test_dlpack.py",
    "_core/tests/test_overrides.py",
    "_core/tests/test_unicode.py",
    "_core/tests/test_scalar_ctors.py",
    "_core/tests/test_abc.py",
    "_core/tests/test_datetime.py",
    "ma/tests/test_core.py",
    "ma/tests/test_extras.py",
    "linalg/tests/test_deprecations.py",
    "lib/tests/test__datasource.py",
]

CONFTEST = """
import numpy as onp
import numpy._core as _c
import numpy.testing as nt
import arrax.numpy as anp

def _conv(x):
    if isinstance(x, anp.ndarray):
        r = onp.asarray(x)
        return r[()] if r.ndim == 0 else r
    if isinstance(x, (list, tuple)) and any(isinstance(e, anp.ndarray) for e in x):
        items = [_conv(e) for e in x]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)  # (namedtuples)
    return x

import numpy.ma.testutils as _mt  # (lib/tests/test_io.py asserts with numpy.ma's)

for _mod in (nt, _mt):
    for _name in ["assert_equal", "assert_array_equal", "assert_almost_equal", "assert_allclose",
                  "assert_array_almost_equal", "assert_array_less", "assert_array_max_ulp",
                  "assert_array_almost_equal_nulp", "assert_equal_records"]:
        _f = getattr(_mod, _name, None)
        if _f is not None:
            setattr(_mod, _name, lambda *a, __f=_f, **k: __f(*[_conv(x) for x in a], **k))

# Tests that hand arrays to NumPy's own C test helpers, which take any object for NumPy's
# array struct (an arrax array there is a segfault in NumPy's code, not in arrax's).
_NUMPY_C_HELPERS = {"test_extension_incref_elide"}

def pytest_collection_modifyitems(items):
    import pytest
    for item in items:
        if item.name in _NUMPY_C_HELPERS:
            item.add_marker(pytest.mark.skip(reason="NumPy's C test helper takes NumPy arrays"))
"""

REWRITES = [
    (r"^import numpy as np$", "import arrax.numpy as np"),
    (r"^from numpy import ", "from arrax.numpy import "),
    (r"^from numpy\.linalg import ", "from arrax.numpy.linalg import "),
    (r"^from numpy\.random import ", "from arrax.numpy.random import "),
    (r"^from numpy\.lib import format$", "from arrax.numpy.lib import format"),
    (r"^import numpy\.polynomial", "import arrax.numpy.polynomial"),
    (r"^from numpy\.polynomial", "from arrax.numpy.polynomial"),
    # (numpy/polynomial/tests' array constructors and print options, from numpy._core)
    (
        r"^from numpy\._core import ((?:arange|array|printoptions)(?:, (?:arange|array|printoptions))*)$",
        r"from arrax.numpy import \1",
    ),
    (r"np\.__config__", '__import__("numpy").__config__'),
]


def main(argv):
    files = [a for a in argv if a.endswith(".py")] or DEFAULT_FILES
    extra = [a for a in argv if not a.endswith(".py")]
    root = os.path.dirname(numpy.__file__)
    with tempfile.TemporaryDirectory(prefix="arrax-numpy-tests-") as tmp:
        with open(os.path.join(tmp, "conftest.py"), "w") as f:
            f.write(CONFTEST)
        for rel in files:
            src = open(os.path.join(root, rel)).read()
            for pattern, repl in REWRITES:
                src = re.sub(pattern, repl, src, flags=re.M)
            # (the data files some tests read, e.g. random/tests/data's reference streams)
            data = os.path.join(root, os.path.dirname(rel), "data")
            if os.path.isdir(data):
                shutil.copytree(data, os.path.join(tmp, "data"), dirs_exist_ok=True)
            name = rel.replace("/", "_")
            with open(os.path.join(tmp, name), "w") as f:
                f.write(src)
            cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no",
                   name, *extra]  # fmt: skip
            # NumPy's requires_memory skips the tests that need more (one builds a 16 GB tuple).
            env = dict(os.environ, NPY_AVAILABLE_MEM="4 GB")
            out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=1800,
                                 env=env)  # fmt: skip
            tail = (out.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(f"{rel}: {tail}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
