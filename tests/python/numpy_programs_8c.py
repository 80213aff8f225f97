"""More Rosetta Code tasks written with NumPy (bit and integer tasks, matrix shapes, dynamic
programming, printing). Each is a function of the module it runs with (numpy or arrax.numpy;
small sizes, fixed seeds), for test_numpy_programs_like_numpy_8.py."""


# Elementary cellular automaton (Rule 30/90/110) with np.unpackbits and np.roll; Sierpinski
def cellular_automata(np):
    out = {}
    for rule in (30, 90, 110):
        bits = np.unpackbits(np.array([rule], dtype=np.uint8))[::-1]
        cells = np.zeros(31, dtype=np.uint8)
        cells[15] = 1
        rows = [cells]
        for _ in range(12):
            idx = 4 * np.roll(cells, 1) + 2 * cells + np.roll(cells, -1)
            cells = bits[idx]
            rows.append(cells)
        out[rule] = np.array(rows)
        print(rule, "".join("#" if c else "." for c in rows[-1]))
    n = 16
    i, j = np.ogrid[:n, :n]
    sier = (i & j) == 0
    print(np.packbits(sier, axis=1)[:4])
    return out[30], out[90], out[110], sier, np.packbits(out[30], axis=-1), bits.dtype


# Hailstone sequence, Collatz lengths with vectorised updates, pernicious numbers, digit sums
def integer_sequences(np):
    def hailstone(n):
        seq = [n]
        while n != 1:
            n = 3 * n + 1 if n & 1 else n >> 1
            seq.append(n)
        return np.array(seq)

    h27 = hailstone(27)
    n = np.arange(1, 60)
    lengths = np.zeros_like(n)
    cur = n.copy()
    while np.any(cur != 1):
        active = cur != 1
        cur = np.where(active, np.where(cur % 2 == 0, cur // 2, 3 * cur + 1), cur)
        lengths += active
    popcount = np.array([bin(k).count("1") for k in range(1, 40)])
    small_primes = np.array([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37])
    pernicious = np.arange(1, 40)[np.isin(popcount, small_primes)]
    digits = np.arange(1000, 1020)
    dsum = np.zeros_like(digits)
    d = digits.copy()
    while d.any():
        dsum += d % 10
        d //= 10
    print(len(h27), h27.max(), h27[:8])
    print("pernicious:", pernicious[:12])
    return (
        h27,
        lengths,
        n[np.argmax(lengths)],
        pernicious,
        dsum,
        np.gcd.reduce([12, 18, 30]),
        np.lcm.reduce(np.arange(1, 11)),
        [np.binary_repr(k, 6) for k in (5, 12)],
        np.base_repr(255, 16),
        np.binary_repr(-5, width=8),
    )


# Spiral matrix, zig-zag matrix, Ulam spiral indices, identity and Kronecker tasks
def spiral_zigzag(np):
    def spiral(n):
        M = np.zeros((n, n), dtype=int)
        r, c, dr, dc = 0, 0, 0, 1
        for k in range(n * n):
            M[r, c] = k
            nr, nc = r + dr, c + dc
            if not (0 <= nr < n and 0 <= nc < n) or M[nr, nc] or (nr, nc) == (0, 0):
                dr, dc = dc, -dr
                nr, nc = r + dr, c + dc
            r, c = nr, nc
        return M

    def zigzag(n):
        idx = sorted(
            ((x, y) for x in range(n) for y in range(n)),
            key=lambda p: (p[0] + p[1], -p[1] if (p[0] + p[1]) % 2 else p[1]),
        )
        M = np.zeros((n, n), dtype=np.int32)
        rows, cols = zip(*idx)
        M[list(rows), list(cols)] = np.arange(n * n, dtype=np.int32)
        return M

    S, Z = spiral(5), zigzag(5)
    flat = np.ravel_multi_index(np.nonzero(S % 2 == 0), S.shape)
    anti = np.fliplr(Z).diagonal()
    print(S)
    print(Z)
    return S, Z, flat, anti, np.unravel_index(np.argmax(S), S.shape), np.rot90(S, k=-1), S.T[::-1]


# Dynamic programming with arrays: 0-1 knapsack, longest common subsequence, edit distance
def dynamic_programming(np):
    w = np.array([9, 13, 153, 50, 15, 68, 27, 39, 23, 52, 11, 32, 24, 48, 73, 42, 43, 22, 7, 18])
    v = np.array(
        [150, 35, 200, 160, 60, 45, 60, 40, 30, 10, 70, 30, 15, 10, 40, 70, 75, 80, 20, 12]
    )
    W = 400
    best = np.zeros(W + 1, dtype=np.int64)
    keep = np.zeros((len(w), W + 1), dtype=bool)
    for i in range(len(w)):
        cand = np.full(W + 1, -1, dtype=np.int64)
        cand[w[i] :] = best[: W + 1 - w[i]] + v[i]
        keep[i] = cand > best
        best = np.maximum(best, cand)
    cap, chosen = W, []
    for i in range(len(w) - 1, -1, -1):
        if keep[i, cap]:
            chosen.append(i)
            cap -= w[i]
    a, b = "thisisatest", "testing123testing"
    L = np.zeros((len(a) + 1, len(b) + 1), dtype=int)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            L[i, j] = L[i - 1, j - 1] + 1 if a[i - 1] == b[j - 1] else max(L[i - 1, j], L[i, j - 1])
    s, t = "kitten", "sitting"
    D = np.zeros((len(s) + 1, len(t) + 1), dtype=np.int16)
    D[:, 0] = np.arange(len(s) + 1)
    D[0, :] = np.arange(len(t) + 1)
    for i in range(1, len(s) + 1):
        for j in range(1, len(t) + 1):
            D[i, j] = min(
                D[i - 1, j] + 1, D[i, j - 1] + 1, D[i - 1, j - 1] + (s[i - 1] != t[j - 1])
            )
    print("knapsack value", best[-1], "items", sorted(chosen), "weight", w[chosen].sum())
    print("lcs", L[-1, -1], "edit", D[-1, -1])
    return best, keep.sum(0), sorted(chosen), L, D, D.dtype


# Statistics tasks: mode with np.unique, cumulative standard deviation, averages, histogram
def statistics_tasks(np):
    data = np.array([1, 3, 6, 6, 6, 6, 7, 7, 12, 12, 17, 3, 3, 3])
    vals, counts = np.unique(data, return_counts=True)
    modes = vals[counts == counts.max()]
    x = np.array([2, 4, 4, 4, 5, 5, 7, 9], dtype=float)
    n = np.arange(1, len(x) + 1)
    cmean = np.cumsum(x) / n
    cstd = np.sqrt(np.cumsum(x**2) / n - cmean**2)
    rng = np.random.RandomState(13)
    sample = rng.normal(0, 1, 500)
    hist, edges = np.histogram(sample, bins=10, range=(-3, 3))
    bins = np.digitize(sample[:10], edges)
    qs = np.percentile(sample, [25, 50, 75], method="linear")
    am, gm, hm = x.mean(), np.exp(np.log(x).mean()), len(x) / np.sum(1.0 / x)
    print("modes", modes, "counts", counts)
    print("cstd", cstd.round(6))
    print("A=%.6f G=%.6f H=%.6f" % (am, gm, hm))
    return (
        modes,
        counts,
        cstd,
        hist,
        edges,
        bins,
        qs,
        np.median(data),
        np.var(x, ddof=1),
        np.corrcoef(x, x**2),
        np.cov(x, np.sqrt(x)),
        np.average(x, weights=n),
        np.ptp(data),
    )


# Vector tasks: dot and cross products, scalar/vector triple products, angles, projections
def vector_tasks(np):
    a = np.array([3, 4, 5])
    b = np.array([4, 3, 5])
    c = np.array([-5, -12, -13])
    dot = np.dot(a, b)
    cross = np.cross(a, b)
    stp = np.dot(a, np.cross(b, c))
    vtp = np.cross(a, np.cross(b, c))
    af, bf = a.astype(float), b.astype(float)
    ang = np.degrees(np.arccos(af @ bf / (np.linalg.norm(af) * np.linalg.norm(bf))))
    proj = (af @ bf) / (bf @ bf) * bf
    pts = np.array([[0, 0], [4, 0], [4, 3], [0, 3]], dtype=float)
    area = 0.5 * abs(
        np.dot(pts[:, 0], np.roll(pts[:, 1], 1)) - np.dot(pts[:, 1], np.roll(pts[:, 0], 1))
    )
    print(dot, cross, stp, vtp)
    print("angle %.6f deg" % ang)
    return (
        dot,
        cross,
        stp,
        vtp,
        ang,
        proj,
        area,
        np.cross(pts[:3], pts[1:]),
        np.inner(a, c),
        np.outer(a, b),
    )


# Bitmap tasks: flood fill with a stack on a uint8 image, Bresenham line, midpoint circle
def bitmap_tasks(np):
    img = np.zeros((16, 16), dtype=np.uint8)

    def line(x0, y0, x1, y1):
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            img[y0, x0] = 255
            if x0 == x1 and y0 == y1:
                break
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def circle(x0, y0, r):
        f, ddx, ddy, x, y = 1 - r, 1, -2 * r, 0, r
        img[y0 + r, x0] = img[y0 - r, x0] = img[y0, x0 + r] = img[y0, x0 - r] = 255
        while x < y:
            if f >= 0:
                y -= 1
                ddy += 2
                f += ddy
            x += 1
            ddx += 2
            f += ddx
            for px, py in ((x, y), (y, x)):
                for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    img[y0 + sy * py, x0 + sx * px] = 255

    line(0, 15, 15, 0)
    circle(7, 7, 5)
    filled = img.copy()
    stack = [(7, 7)]
    while stack:
        y, x = stack.pop()
        if 0 <= y < 16 and 0 <= x < 16 and filled[y, x] == 0:
            filled[y, x] = 128
            stack.extend([(y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)])
    inverted = 255 - img
    print((img > 0).sum(), (filled == 128).sum(), inverted.dtype, (img // 2 + 200).max())
    return img, filled, inverted, img.astype(np.int16) - 300, np.count_nonzero(filled, axis=0)


# Printing tasks: array formatting with set_printoptions, array2string, complex and big ints
def printing_tasks(np):
    a = np.linspace(0, 1, 7)
    print(a)
    print(np.array2string(a, precision=3, separator=", "))
    with np.printoptions(precision=2, suppress=True):
        print(a * 1e-5, np.array([1e10, 1.5]))
    z = np.exp(1j * np.linspace(0, np.pi, 4))
    print(z.round(4))
    print(np.array([2**62, -(2**62)], dtype=np.int64))
    print(np.arange(12).reshape(3, 4))
    print(repr(np.array([0.1, 0.25], dtype=np.float32)))
    print(np.array([True, False]), np.array(["ab", "c"]))
    print(
        np.format_float_positional(np.pi, precision=5),
        np.format_float_scientific(1234.5, precision=2),
    )
    print(repr(np.eye(2, dtype=np.uint8)), np.array([np.nan, np.inf, -np.inf]))
    return a, z, str(np.arange(3) * 0.5)


# Perlin-style value noise and a 2-D random maze by randomized DFS on a grid
def noise_and_maze(np):
    rng = np.random.default_rng(21)
    grid = rng.random((5, 5))
    xs = np.linspace(0, 3.99, 12)
    x0 = xs.astype(int)
    t = xs - x0
    fade = t * t * t * (t * (t * 6 - 15) + 10)
    row = grid[0, x0] * (1 - fade) + grid[0, x0 + 1] * fade
    H = W = 5
    walls = np.ones((2 * H + 1, 2 * W + 1), dtype=bool)
    visited = np.zeros((H, W), dtype=bool)
    stack = [(0, 0)]
    visited[0, 0] = True
    walls[1, 1] = False
    while stack:
        r, c = stack[-1]
        nbrs = [
            (r + dr, c + dc)
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0))
            if 0 <= r + dr < H and 0 <= c + dc < W and not visited[r + dr, c + dc]
        ]
        if not nbrs:
            stack.pop()
            continue
        nr, nc = nbrs[rng.integers(len(nbrs))]
        walls[2 * nr + 1, 2 * nc + 1] = False
        walls[r + nr + 1, c + nc + 1] = False
        visited[nr, nc] = True
        stack.append((nr, nc))
    for line in walls:
        print("".join("#" if w else " " for w in line))
    return grid, row, fade, walls, walls.sum()


# Sudoku solver by constraint checking with array slices (an easy puzzle)
def sudoku(np):
    puzzle = np.array(
        [
            [5, 3, 0, 0, 7, 0, 0, 0, 0],
            [6, 0, 0, 1, 9, 5, 0, 0, 0],
            [0, 9, 8, 0, 0, 0, 0, 6, 0],
            [8, 0, 0, 0, 6, 0, 0, 0, 3],
            [4, 0, 0, 8, 0, 3, 0, 0, 1],
            [7, 0, 0, 0, 2, 0, 0, 0, 6],
            [0, 6, 0, 0, 0, 0, 2, 8, 0],
            [0, 0, 0, 4, 1, 9, 0, 0, 5],
            [0, 0, 0, 0, 8, 0, 0, 7, 9],
        ]
    )
    g = puzzle.copy()
    changed = True
    while changed:
        changed = False
        for r, c in zip(*np.where(g == 0)):
            br, bc = 3 * (r // 3), 3 * (c // 3)
            used = np.union1d(np.union1d(g[r], g[:, c]), g[br : br + 3, bc : bc + 3].ravel())
            cand = np.setdiff1d(np.arange(1, 10), used)
            if len(cand) == 1:
                g[r, c] = cand[0]
                changed = True
    ok = all(np.array_equal(np.sort(g[i]), np.arange(1, 10)) for i in range(9))
    print(g)
    print("solved:", ok)
    return g, ok, np.setdiff1d(np.arange(1, 10), puzzle[0]), np.intersect1d(puzzle[0], puzzle[1])


# Floating-point and integer edge cases Rosetta Code tasks meet: int64 wrap-around of matrix
# Fibonacci, overflow to inf, 0/0, log(0), machine epsilon by halving, errstate
def float_edges(np):
    F = np.array([[1, 1], [1, 0]], dtype=np.int64)
    wrapped = np.linalg.matrix_power(F, 100)[0, 1]
    big = np.exp(np.array([10.0, 800.0]))
    ratio = np.array([1.0, 0.0, -1.0]) / np.array([0.0, 0.0, 0.0])
    logs = np.log(np.array([1.0, 0.0]))
    eps = 1.0
    while 1.0 + eps / 2 != 1.0:
        eps = eps / 2
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        quiet = (np.exp(np.array([1000.0])), np.array([0.0]) / 0.0, np.log(np.array([0.0])))
    i64 = np.int64(2**62)
    scal = i64 * 4
    f32 = np.float32(1e38) * np.float32(10)
    sq = np.sqrt(np.array([-1.0, 4.0]))
    print("wrapped fib(100):", wrapped, "eps:", eps, np.finfo(float).eps == eps)
    print(big, ratio, logs, sq)
    # float32 and float16 sums, printed through f-strings (the Python float of each value)
    x32 = np.arange(1, 11, dtype=np.float32) / np.float32(10)
    s32, h16 = x32.sum(), np.float16(1) / np.float16(3)
    print(f"float32 sum: {s32} first: {x32[0]} third of float16: {h16} as %.3f: {s32:.3f}")
    return wrapped, big, ratio, logs, eps, quiet, scal, f32, sq, np.nextafter(1.0, 2.0) - 1.0


# Text tasks with arrays: ROT13 on bytes, letter frequencies, run-length encoding, words
def text_tasks(np):
    s = "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"
    codes = np.frombuffer(s.encode(), dtype=np.uint8)
    letters = (codes >= 65) & (codes <= 90)
    shifted = codes.copy()
    shifted[letters] = (codes[letters] - 65 + 13) % 26 + 65
    rot13 = shifted.tobytes().decode()
    arr = np.array(list(s))
    vals, counts = np.unique(arr[arr != " "], return_counts=True)
    top = vals[np.argsort(-counts, kind="stable")][:5]
    rle_in = np.array([1, 1, 1, 2, 2, 3, 1, 1])
    starts = np.flatnonzero(np.r_[True, rle_in[1:] != rle_in[:-1]])
    lengths = np.diff(np.r_[starts, len(rle_in)])
    words = np.array(s.split())
    lens = np.char.str_len(words)
    ords = np.vectorize(ord)(np.array(list("abc")))
    chars = "".join(np.vectorize(chr)(np.array([72, 105])))
    print(rot13)
    print(top, counts.max(), lengths, words[lens == lens.max()])
    return (
        rot13,
        codes.dtype,
        top,
        starts,
        lengths,
        rle_in[starts],
        lens,
        ords,
        chars,
        np.char.upper(words[:2]),
    )


# Sorting algorithms on arrays (bubble and insertion sort with element swaps, quicksort by
# boolean masks, merge sort) and binary search
def sorting_tasks(np):
    rng = np.random.RandomState(17)
    a = rng.randint(0, 100, 15)
    b = a.copy()
    n = len(b)
    for i in range(n):
        for j in range(n - 1 - i):
            if b[j] > b[j + 1]:
                b[j], b[j + 1] = b[j + 1], b[j]
    c = a.copy()
    for i in range(1, n):
        key = c[i]
        j = i - 1
        while j >= 0 and c[j] > key:
            c[j + 1] = c[j]
            j -= 1
        c[j + 1] = key

    def quicksort(x):
        if len(x) <= 1:
            return x
        p = x[len(x) // 2]
        return np.concatenate([quicksort(x[x < p]), x[x == p], quicksort(x[x > p])])

    def merge_sort(x):
        if len(x) <= 1:
            return x
        m = len(x) // 2
        left, right = merge_sort(x[:m]), merge_sort(x[m:])
        out = np.empty(len(x), dtype=x.dtype)
        i = j = k = 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                out[k] = left[i]
                i += 1
            else:
                out[k] = right[j]
                j += 1
            k += 1
        out[k:] = np.concatenate([left[i:], right[j:]])
        return out

    lo, hi, target, sa = 0, n - 1, b[9], b
    while lo <= hi:
        mid = (lo + hi) // 2
        if sa[mid] < target:
            lo = mid + 1
        elif sa[mid] > target:
            hi = mid - 1
        else:
            break
    print(a)
    print(b)
    return (
        b,
        c,
        quicksort(a),
        merge_sort(a),
        mid,
        np.searchsorted(b, target),
        np.sort(a)[::-1],
        np.argsort(a, kind="stable"),
    )


# PCA by the covariance's eigh (sign-free outputs) and k-means by broadcasting
def pca_kmeans(np):
    rng = np.random.RandomState(8)
    X = np.vstack([rng.randn(20, 2) + [2, 2], rng.randn(20, 2) - [2, 2]])
    Xc = X - X.mean(0)
    C = np.cov(Xc.T)
    w, V = np.linalg.eigh(C)
    proj = Xc @ V[:, ::-1]
    k = 2
    cent = X[[0, 25]].copy()
    for _ in range(10):
        d = np.linalg.norm(X[:, None, :] - cent[None], axis=2)
        lab = d.argmin(1)
        new = np.array([X[lab == j].mean(0) for j in range(k)])
        if np.allclose(new, cent):
            break
        cent = new
    print("explained", (w[::-1] / w.sum()).round(4), "sizes", np.bincount(lab))
    return w, np.abs(proj[:3]), lab, cent, np.bincount(lab), np.abs(V)


PROGRAMS = [
    "cellular_automata",
    "integer_sequences",
    "spiral_zigzag",
    "dynamic_programming",
    "statistics_tasks",
    "vector_tasks",
    "bitmap_tasks",
    "printing_tasks",
    "noise_and_maze",
    "sudoku",
    "float_edges",
    "text_tasks",
    "sorting_tasks",
    "pca_kmeans",
]
