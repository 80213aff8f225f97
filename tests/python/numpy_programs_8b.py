"""Classic algorithm and simulation programs in the style of Rosetta Code's NumPy solutions
(integer sequences, cellular automata, fractals, puzzles, Monte Carlo, graphs, signals and
images). Each is a function of the module it runs with (numpy or arrax.numpy; small sizes,
fixed seeds), for test_numpy_programs_like_numpy_8.py."""

import math


# Fibonacci by matrix exponentiation: int64 (matrix_power), object arrays for big numbers
def fibonacci_matrix(np):
    F = np.array([[1, 1], [1, 0]], dtype=np.int64)
    small = [int(np.linalg.matrix_power(F, n)[0, 1]) for n in range(1, 20)]
    M = np.array([[1, 1], [1, 0]], dtype=object)

    def mpow(M, n):
        R = np.array([[1, 0], [0, 1]], dtype=object)
        while n:
            if n & 1:
                R = R.dot(M)
            M = M.dot(M)
            n >>= 1
        return R

    big = mpow(M, 100)[0, 1]
    big2 = np.linalg.matrix_power(M, 150)[0, 1]
    print("fib(100) =", big, "fib(150) =", big2)
    # factorials and binomials past int64 (Rosetta Code's "Factorial", "Pascal matrix")
    fact = np.frompyfunc(math.factorial, 1, 1)(np.arange(18, 24))
    prod = np.frompyfunc(lambda a, b: a * b, 2, 1).reduce(np.arange(1, 26, dtype=object))
    print(fact, prod)
    print(np.linalg.matrix_power(F, 10))
    fib90 = np.linalg.matrix_power(F, 90)
    return small, str(big), str(big2), fib90, fib90.dtype, [str(f) for f in fact], str(prod)


# Mandelbrot and Julia sets (escape-time counts, complex arrays)
def mandelbrot_julia(np):
    x = np.linspace(-2.0, 0.6, 40)
    y = np.linspace(-1.2, 1.2, 30)
    C = x[np.newaxis, :] + 1j * y[:, np.newaxis]
    Z = np.zeros_like(C)
    counts = np.zeros(C.shape, dtype=int)
    for _ in range(30):
        mask = np.abs(Z) <= 2
        Z[mask] = Z[mask] ** 2 + C[mask]
        counts[mask] += 1
    Zj = C.copy()
    cj = -0.8 + 0.156j
    div = np.full(Zj.shape, 30, dtype=np.int32)
    for i in range(30):
        Zj = Zj**2 + cj
        newly = (np.abs(Zj) > 2) & (div == 30)
        div[newly] = i
        Zj[np.abs(Zj) > 2] = 2
    rows = ["".join("#" if c == 30 else "." for c in row) for row in counts[::3, ::2]]
    print("\n".join(rows))
    return counts, div, C.dtype


# Conway's Game of Life with np.roll (glider on a torus) and with slicing
def game_of_life(np):
    G = np.zeros((8, 8), dtype=int)
    G[1, 2] = G[2, 3] = G[3, 1] = G[3, 2] = G[3, 3] = 1
    hist = []
    for _ in range(8):
        N = sum(
            np.roll(np.roll(G, i, 0), j, 1)
            for i in (-1, 0, 1)
            for j in (-1, 0, 1)
            if (i, j) != (0, 0)
        )
        G = ((N == 3) | ((G == 1) & (N == 2))).astype(int)
        hist.append(G.sum())
    Z = np.zeros((6, 6), dtype=np.uint8)
    Z[2, 1:4] = 1  # blinker
    for _ in range(3):
        N = (
            Z[0:-2, 0:-2]
            + Z[0:-2, 1:-1]
            + Z[0:-2, 2:]
            + Z[1:-1, 0:-2]
            + Z[1:-1, 2:]
            + Z[2:, 0:-2]
            + Z[2:, 1:-1]
            + Z[2:, 2:]
        )
        birth = (N == 3) & (Z[1:-1, 1:-1] == 0)
        survive = ((N == 2) | (N == 3)) & (Z[1:-1, 1:-1] == 1)
        Z[...] = 0
        Z[1:-1, 1:-1][birth | survive] = 1
    for row in G:
        print("".join(".#"[v] for v in row))
    return G, hist, Z, N.dtype


# Langton's ant on a grid
def langtons_ant(np):
    size = 21
    grid = np.zeros((size, size), dtype=np.int8)
    pos = np.array([size // 2, size // 2])
    dirs = np.array([[-1, 0], [0, 1], [1, 0], [0, -1]])
    d = 0
    for _step in range(400):
        r, c = pos
        if grid[r, c] == 0:
            d = (d + 1) % 4
        else:
            d = (d - 1) % 4
        grid[r, c] ^= 1
        pos = (pos + dirs[d]) % size
    print("black cells:", grid.sum())
    return grid, pos, np.argwhere(grid)[:10]


# Pascal's triangle, binomials with convolve, and magic squares (odd: Siamese; doubly even)
def pascal_magic(np):
    rows = [np.array([1])]
    for _ in range(9):
        rows.append(np.convolve(rows[-1], [1, 1]))
    P = np.zeros((10, 10), dtype=np.int64)
    P[:, 0] = 1
    for i in range(1, 10):
        P[i, 1 : i + 1] = P[i - 1, :i] + P[i - 1, 1 : i + 1]

    def magic_odd(n):
        M = np.zeros((n, n), dtype=int)
        i, j = 0, n // 2
        for k in range(1, n * n + 1):
            M[i, j] = k
            i2, j2 = (i - 1) % n, (j + 1) % n
            if M[i2, j2]:
                i2, j2 = (i + 1) % n, j
            i, j = i2, j2
        return M

    def magic_doubly_even(n):
        M = np.arange(1, n * n + 1).reshape(n, n)
        I, J = np.indices((n, n))
        mask = ((I % 4) // 2) == ((J % 4) // 2)
        M[mask] = n * n + 1 - M[mask]
        return M

    m5, m4 = magic_odd(5), magic_doubly_even(8)
    for m in (m5, m4):
        print(m.sum(0), m.sum(1), np.trace(m), np.fliplr(m).diagonal().sum())
    print(rows[-1])
    return rows[-1], P, m5, m4, np.tril(P).sum(1)


# N-queens by backtracking with boolean arrays; all solutions for n=6
def n_queens(np):
    n = 6
    sols = []
    cols = np.zeros(n, dtype=bool)
    d1 = np.zeros(2 * n - 1, dtype=bool)
    d2 = np.zeros(2 * n - 1, dtype=bool)
    q = np.full(n, -1)

    def place(r):
        if r == n:
            sols.append(q.copy())
            return
        for c in range(n):
            if not (cols[c] or d1[r + c] or d2[r - c + n - 1]):
                cols[c] = d1[r + c] = d2[r - c + n - 1] = True
                q[r] = c
                place(r + 1)
                cols[c] = d1[r + c] = d2[r - c + n - 1] = False

    place(0)
    board = np.zeros((n, n), dtype=int)
    board[np.arange(n), sols[0]] = 1
    print(len(sols), "solutions")
    print(board)
    return np.array(sols), board


# Monte Carlo pi and random walks with np.cumsum
def monte_carlo_walks(np):
    np.random.seed(7)
    xy = np.random.random((5000, 2))
    inside = np.sum(np.sum(xy**2, axis=1) <= 1.0)
    pi = 4.0 * inside / len(xy)
    steps = np.random.choice([-1, 1], size=(20, 100))
    walks = np.cumsum(steps, axis=1)
    rng = np.random.default_rng(3)
    w2 = np.cumsum(rng.integers(0, 2, size=1000) * 2 - 1)
    first = np.argmax(np.abs(w2) >= 10)
    angle = np.random.uniform(0, 2 * np.pi, 200)
    path2d = np.cumsum(np.c_[np.cos(angle), np.sin(angle)], axis=0)
    print("pi ~ %.4f" % pi)
    print("mean |walk| at end: %.3f" % np.abs(walks[:, -1]).mean())
    return pi, inside, walks[:, ::10], w2.max(), w2.min(), first, path2d[-1], (walks**2).mean(0)[:5]


# Ising model: Metropolis sweeps on a periodic lattice
def ising_metropolis(np):
    np.random.seed(11)
    L, beta = 8, 0.6
    s = np.random.choice([-1, 1], size=(L, L))
    mags, energies = [], []
    for _sweep in range(20):
        for _ in range(L * L):
            i, j = np.random.randint(0, L, 2)
            nb = s[(i + 1) % L, j] + s[i, (j + 1) % L] + s[(i - 1) % L, j] + s[i, (j - 1) % L]
            dE = 2 * s[i, j] * nb
            if dE < 0 or np.random.rand() < np.exp(-dE * beta):
                s[i, j] *= -1
        E = -np.sum(s * (np.roll(s, 1, 0) + np.roll(s, 1, 1)))
        mags.append(np.abs(s.mean()))
        energies.append(E)
    print("final magnetisation %.4f energy %d" % (mags[-1], energies[-1]))
    return s, np.array(mags), np.array(energies)


# n-body leapfrog (velocity Verlet) and Lotka-Volterra with Euler and RK2
def nbody_lotka_volterra(np):
    np.random.seed(2)
    N = 5
    pos = np.random.randn(N, 3)
    vel = np.random.randn(N, 3) * 0.1
    mass = np.ones((N, 1)) * 0.2

    def acc(pos):
        dx = pos[np.newaxis, :, 0] - pos[:, np.newaxis, 0]
        dy = pos[:, 0:1].T - pos[:, 0:1]
        dy = pos[:, 1:2].T - pos[:, 1:2]
        dz = pos[:, 2:3].T - pos[:, 2:3]
        inv_r3 = (dx**2 + dy**2 + dz**2 + 0.1**2) ** (-1.5)
        return np.hstack((dx * inv_r3 @ mass, dy * inv_r3 @ mass, dz * inv_r3 @ mass))

    a = acc(pos)
    dt = 0.01
    for _ in range(100):
        vel += a * dt / 2.0
        pos += vel * dt
        a = acc(pos)
        vel += a * dt / 2.0
    KE = 0.5 * np.sum(mass * vel**2)
    alpha, beta_, delta, gamma = 1.1, 0.4, 0.1, 0.4
    z = np.array([10.0, 10.0])
    traj = np.empty((200, 2))
    for k in range(200):
        x, y = z
        f1 = np.array([alpha * x - beta_ * x * y, delta * x * y - gamma * y])
        zm = z + 0.025 * f1
        f2 = np.array(
            [alpha * zm[0] - beta_ * zm[0] * zm[1], delta * zm[0] * zm[1] - gamma * zm[1]]
        )
        z = z + 0.05 * f2
        traj[k] = z
    print("KE = %.10f" % KE)
    return pos, vel, KE, traj[::20], traj.max(axis=0), traj.argmax(axis=0)


# the DFT by hand (1-D and 2-D) vs np.fft; convolution by hand vs np.convolve
def dft_convolution(np):
    rng = np.random.RandomState(5)
    x = rng.rand(16)
    N = x.size
    n = np.arange(N)
    k = n.reshape((N, 1))
    M = np.exp(-2j * np.pi * k * n / N)
    X = np.dot(M, x)
    img = rng.rand(4, 6)
    W1 = np.exp(-2j * np.pi * np.outer(np.arange(4), np.arange(4)) / 4)
    W2 = np.exp(-2j * np.pi * np.outer(np.arange(6), np.arange(6)) / 6)
    X2 = W1 @ img @ W2
    a = np.array([1, 2, 3, 4, 5])
    v = np.array([2, 1, 0.5])
    conv = np.zeros(len(a) + len(v) - 1)
    for i in range(len(a)):
        conv[i : i + len(v)] += a[i] * v
    ia = np.array([1, 2, 3])
    ib = np.array([0, 1, 1, 2])
    print("dft ok:", np.allclose(X, np.fft.fft(x)), np.allclose(X2, np.fft.fft2(img)))
    print(
        np.convolve(a, v),
        np.convolve(ia, ib),
        np.convolve(a, v, "same"),
        np.convolve(a, v, "valid"),
    )
    return (
        X.round(10),
        np.fft.fft(x),
        X2.round(10),
        np.fft.fft2(img),
        conv,
        np.convolve(a, v),
        np.convolve(ia, ib),
        np.correlate(ia, ib, "full"),
        np.fft.ifft(np.fft.fft(x)).real,
    )


# bilinear image resize and histogram equalisation
def resize_equalize(np):
    rng = np.random.RandomState(9)
    img = (rng.rand(6, 8) * 200).astype(np.uint8)
    H, W = 9, 12
    ys = np.linspace(0, img.shape[0] - 1, H)
    xs = np.linspace(0, img.shape[1] - 1, W)
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1 = np.minimum(y0 + 1, img.shape[0] - 1)
    x1 = np.minimum(x0 + 1, img.shape[1] - 1)
    wy = (ys - y0)[:, None]
    wx = (xs - x0)[None, :]
    f = img.astype(float)
    top = f[y0][:, x0] * (1 - wx) + f[y0][:, x1] * wx
    bot = f[y1][:, x0] * (1 - wx) + f[y1][:, x1] * wx
    out = (top * (1 - wy) + bot * wy).round().astype(np.uint8)
    hist, bins = np.histogram(img.flatten(), 256, [0, 256])
    cdf = hist.cumsum()
    cdf_m = np.ma.masked_equal(cdf, 0) if hasattr(np, "ma") else None
    cdf_n = (cdf - cdf[cdf > 0].min()) * 255 / (cdf.max() - cdf[cdf > 0].min())
    lut = np.clip(cdf_n, 0, 255).astype("uint8")
    eq = lut[img]
    print(out[:3])
    print(eq.min(), eq.max(), hist.sum(), bins.dtype)
    del cdf_m
    return out, eq, hist, bins[:5], np.bincount(eq.ravel(), minlength=256).nonzero()[0][:10]


# k-nearest neighbours with np.argpartition
def knn_argpartition(np):
    rng = np.random.RandomState(4)
    X = rng.rand(30, 2)
    labels = (X[:, 0] + X[:, 1] > 1).astype(int)
    Q = rng.rand(6, 2)
    d2 = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    k = 5
    nn = np.argpartition(d2, k, axis=1)[:, :k]
    nn_sorted = np.take_along_axis(nn, np.argsort(np.take_along_axis(d2, nn, 1), axis=1), 1)
    votes = labels[nn]
    pred = (votes.sum(1) > k // 2).astype(int)
    near = np.argsort(d2, axis=1)[:, :k]
    counts = np.apply_along_axis(np.bincount, 1, votes, minlength=2)
    print("pred", pred)
    return np.sort(nn, axis=1), nn_sorted, near, pred, counts, np.partition(d2[0], k)[k]


# Dijkstra and Floyd-Warshall with matrices (np.inf, np.minimum broadcasting)
def shortest_paths(np):
    inf = np.inf
    G = np.array(
        [
            [0, 7, 9, inf, inf, 14],
            [7, 0, 10, 15, inf, inf],
            [9, 10, 0, 11, inf, 2],
            [inf, 15, 11, 0, 6, inf],
            [inf, inf, inf, 6, 0, 9],
            [14, inf, 2, inf, 9, 0],
        ]
    )
    n = len(G)
    D = G.copy()
    for k in range(n):
        D = np.minimum(D, D[:, k, np.newaxis] + D[np.newaxis, k, :])
    dist = np.full(n, inf)
    prev = np.full(n, -1)
    dist[0] = 0
    visited = np.zeros(n, dtype=bool)
    for _ in range(n):
        u = np.argmin(np.where(visited, inf, dist))
        visited[u] = True
        alt = dist[u] + G[u]
        better = (alt < dist) & ~visited
        dist[better] = alt[better]
        prev[better] = u
    path, v = [], 4
    while v != -1:
        path.append(int(v))
        v = prev[v]
    print("dist", dist, "path", path[::-1])
    reach = np.isfinite(G).astype(int)
    for _ in range(n):
        reach = ((reach @ reach) > 0).astype(int)
    return D, dist, prev, path[::-1], reach, np.isinf(G).sum()


# Markov chain stationary distribution (eig, power, solve) and bootstrapping
def markov_bootstrap(np):
    P = np.array([[0.9, 0.075, 0.025], [0.15, 0.8, 0.05], [0.25, 0.25, 0.5]])
    w, v = np.linalg.eig(P.T)
    i = np.argmin(np.abs(w - 1.0))
    pi = np.real(v[:, i] / v[:, i].sum())
    pi2 = np.linalg.matrix_power(P, 50)[0]
    A = np.vstack([P.T - np.eye(3), np.ones(3)])
    pi3 = np.linalg.lstsq(A, np.array([0, 0, 0, 1.0]), rcond=None)[0]
    np.random.seed(12)
    state, counts = 0, np.zeros(3, dtype=int)
    for _ in range(500):
        state = np.random.choice(3, p=P[state])
        counts[state] += 1
    data = np.random.normal(5, 2, 40)
    boots = np.array(
        [np.random.choice(data, size=data.size, replace=True).mean() for _ in range(200)]
    )
    lo, hi = np.percentile(boots, [2.5, 97.5])
    print("stationary", pi.round(6))
    print("bootstrap CI: (%.4f, %.4f)" % (lo, hi))
    return np.sort(w.real), pi, pi2, pi3, counts, boots.std(), (lo, hi), np.quantile(boots, 0.5)


# Rosetta Code: matrix arithmetic tasks (Kronecker product, identity, transposition, determinant
# by Laplace expansion, Cramer's rule, reduced row echelon form)
def matrix_tasks(np):
    a = np.array([[1, 2], [3, 4]])
    b = np.array([[0, 5], [6, 7]])
    K = np.kron(a, b)

    def det(M):
        if M.shape[0] == 1:
            return M[0, 0]
        return sum(
            (-1) ** j * M[0, j] * det(np.delete(np.delete(M, 0, 0), j, 1))
            for j in range(M.shape[0])
        )

    A = np.array([[2, -1, 5, 1], [3, 2, 2, -6], [1, 3, 3, -1], [5, -2, -3, 3]])
    bb = np.array([-3, -32, -47, 49])
    dA = np.linalg.det(A)
    cramer = []
    for i in range(4):
        Ai = A.copy()
        Ai[:, i] = bb
        cramer.append(np.linalg.det(Ai) / dA)

    def rref(M):
        M = M.astype(float)
        lead, rows, cols = 0, M.shape[0], M.shape[1]
        for r in range(rows):
            if lead >= cols:
                break
            i = r
            while M[i, lead] == 0:
                i += 1
                if i == rows:
                    i, lead = r, lead + 1
                    if lead == cols:
                        return M
            M[[i, r]] = M[[r, i]]
            M[r] = M[r] / M[r, lead]
            for i in range(rows):
                if i != r:
                    M[i] = M[i] - M[i, lead] * M[r]
            lead += 1
        return M

    R = rref(np.array([[1, 2, -1, -4], [2, 3, -1, -11], [-2, 0, -3, 22]]))
    print(K)
    print("det by expansion:", det(A), "cramer:", np.round(cramer, 6))
    return K, det(A), dA.round(8), np.round(cramer, 8), R, np.identity(3, dtype=int), a.T @ b


PROGRAMS = [
    "fibonacci_matrix",
    "mandelbrot_julia",
    "game_of_life",
    "langtons_ant",
    "pascal_magic",
    "n_queens",
    "monte_carlo_walks",
    "ising_metropolis",
    "nbody_lotka_volterra",
    "dft_convolution",
    "resize_equalize",
    "knn_argpartition",
    "shortest_paths",
    "markov_bootstrap",
    "matrix_tasks",
]
