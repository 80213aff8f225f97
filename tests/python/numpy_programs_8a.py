"""Classic algorithm and numerical-methods programs in the style of Rosetta Code's NumPy
solutions and numerical-methods course code (linear systems by hand, iterations, root
finding, ODEs, quadrature, PDEs by finite differences). Each is a function of the module it
runs with (numpy or arrax.numpy; small sizes, fixed seeds), for
test_numpy_programs_like_numpy_8.py."""


# Gaussian elimination with partial pivoting (row swaps by fancy indexing) and back substitution
def gauss_partial_pivot(np):
    A = np.array([[2.0, 1, -1, 3], [-3, -1, 2, 1], [-2, 1, 2, 4], [1, 5, -2, 2]])
    b = np.array([8.0, -11, -3, 7])
    n = len(b)
    M = np.hstack([A, b.reshape(-1, 1)])
    for i in range(n):
        p = i + np.argmax(np.abs(M[i:, i]))
        if p != i:
            M[[i, p]] = M[[p, i]]
        for j in range(i + 1, n):
            f = M[j, i] / M[i, i]
            M[j, i:] = M[j, i:] - f * M[i, i:]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (M[i, -1] - np.dot(M[i, i + 1 : n], x[i + 1 : n])) / M[i, i]
    print("x =", x)
    print("residual max: %.3e" % np.max(np.abs(A @ x - b)))
    return M, x, np.linalg.solve(A, b)


# Doolittle LU with partial pivoting, and Cholesky (Cholesky-Banachiewicz) by hand
def lu_cholesky(np):
    A = np.array([[4.0, 3, 2, 1], [3, 4, 3, 2], [2, 3, 4, 3], [1, 2, 3, 4]])
    n = A.shape[0]
    L, U, P = np.eye(n), A.copy(), np.eye(n)
    for k in range(n - 1):
        p = np.argmax(abs(U[k:, k])) + k
        U[[k, p], k:] = U[[p, k], k:]
        L[[k, p], :k] = L[[p, k], :k]
        P[[k, p]] = P[[p, k]]
        for j in range(k + 1, n):
            L[j, k] = U[j, k] / U[k, k]
            U[j, k:] -= L[j, k] * U[k, k:]
    C = np.zeros_like(A)
    for i in range(n):
        for j in range(i + 1):
            s = sum(C[i][k] * C[j][k] for k in range(j))
            if i == j:
                C[i][j] = np.sqrt(A[i][i] - s)
            else:
                C[i][j] = (1.0 / C[j][j]) * (A[i][j] - s)
    print(np.round(C, 4))
    return L, U, P, C, np.allclose(P @ A, L @ U), np.linalg.cholesky(A)


# QR by classical Gram-Schmidt and by Householder reflections
def qr_by_hand(np):
    A = np.array([[12.0, -51, 4], [6, 167, -68], [-4, 24, -41], [1, 1, 1]])
    m, n = A.shape
    Q = np.zeros((m, n))
    R = np.zeros((n, n))
    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ A[:, j]
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        Q[:, j] = v / R[j, j]
    H_R = A.copy()
    H_Q = np.identity(m)
    for k in range(n):
        x = H_R[k:, k]
        e = np.zeros_like(x)
        e[0] = np.copysign(np.linalg.norm(x), -x[0])
        u = x - e
        v = u / np.linalg.norm(u)
        Hk = np.identity(m)
        Hk[k:, k:] -= 2.0 * np.outer(v, v)
        H_R = Hk @ H_R
        H_Q = H_Q @ Hk.T
    print("R (Gram-Schmidt) diag:", np.diag(R).round(6))
    return Q, R, H_Q, np.triu(H_R).round(10), abs(np.linalg.qr(A)[1]).round(8)


# power iteration and Rayleigh quotient; inverse iteration with a shift
def power_iteration(np):
    rng = np.random.RandomState(1)
    A = rng.rand(5, 5)
    A = A + A.T
    b = np.ones(5)
    lams = []
    for _ in range(60):
        b1 = A @ b
        b = b1 / np.linalg.norm(b1)
        lams.append(b @ A @ b)
    mu = 0.5
    x = np.ones(5)
    for _ in range(30):
        x = np.linalg.solve(A - mu * np.eye(5), x)
        x /= np.linalg.norm(x)
    w = np.linalg.eigvalsh(A)
    print("dominant %.8f vs %.8f" % (lams[-1], w[-1]))
    return np.array(lams), b, x @ A @ x, w


# Jacobi, Gauss-Seidel and SOR on a diagonally dominant system
def jacobi_gauss_seidel_sor(np):
    A = np.array([[10.0, -1, 2, 0], [-1, 11, -1, 3], [2, -1, 10, -1], [0, 3, -1, 8]])
    b = np.array([6.0, 25, -11, 15])
    D = np.diag(A)
    R = A - np.diagflat(D)
    x = np.zeros_like(b)
    it_j = 0
    while True:
        x_new = (b - np.dot(R, x)) / D
        it_j += 1
        if np.allclose(x, x_new, atol=1e-10, rtol=0.0):
            break
        x = x_new
    out = {}
    for name, w in (("gs", 1.0), ("sor", 1.1)):
        y = np.zeros_like(b)
        for it in range(200):  # noqa: B007 (the count of sweeps, returned)
            y_old = y.copy()
            for i in range(A.shape[0]):
                s1 = np.dot(A[i, :i], y[:i])
                s2 = np.dot(A[i, i + 1 :], y_old[i + 1 :])
                y[i] = (1 - w) * y_old[i] + w * (b[i] - s1 - s2) / A[i, i]
            if np.linalg.norm(y - y_old, ord=np.inf) < 1e-10:
                break
        out[name] = (y, it)
        print(name, it, y)
    print("jacobi", it_j, x_new)
    return x_new, it_j, out["gs"][0], out["gs"][1], out["sor"][0], out["sor"][1]


# Newton's method and the secant method on arrays of starting points (vectorised)
def newton_secant(np):
    f = lambda x: x**3 - 2 * x - 5  # noqa: E731
    df = lambda x: 3 * x**2 - 2  # noqa: E731
    x = np.linspace(1.0, 3.0, 7)
    for _ in range(20):
        x = x - f(x) / df(x)
    x0, x1 = np.full(4, 1.0), np.array([2.0, 2.5, 3.0, 4.0])
    for _ in range(30):
        fx0, fx1 = f(x0), f(x1)
        d = fx1 - fx0
        step = np.where(d != 0, fx1 * (x1 - x0) / np.where(d != 0, d, 1.0), 0.0)
        x0, x1 = x1, x1 - step
    # Newton for a 2-D system with the Jacobian
    v = np.array([2.0, 0.5])
    for _ in range(10):
        F = np.array([v[0] ** 2 + v[1] ** 2 - 4, v[0] * v[1] - 1])
        J = np.array([[2 * v[0], 2 * v[1]], [v[1], v[0]]])
        v = v - np.linalg.solve(J, F)
    print("root: %.12f" % x[0])
    print("system:", v)
    return x, x1, v, np.roots([1, 0, -2, -5])


# classic 4th-order Runge-Kutta for a system (Lorenz) and the pendulum
def rk4_systems(np):
    def lorenz(t, s, sigma=10.0, rho=28.0, beta=8.0 / 3):
        x, y, z = s
        return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])

    def rk4(f, y0, t):
        y = np.zeros((len(t), len(y0)))
        y[0] = y0
        for i in range(len(t) - 1):
            h = t[i + 1] - t[i]
            k1 = f(t[i], y[i])
            k2 = f(t[i] + h / 2, y[i] + h * k1 / 2)
            k3 = f(t[i] + h / 2, y[i] + h * k2 / 2)
            k4 = f(t[i] + h, y[i] + h * k3)
            y[i + 1] = y[i] + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        return y

    t = np.linspace(0, 1, 101)
    sol = rk4(lorenz, np.array([1.0, 1.0, 1.0]), t)
    pend = rk4(lambda t, s: np.array([s[1], -np.sin(s[0])]), np.array([np.pi / 4, 0.0]), t)
    # Rosetta Code's "Runge-Kutta method": y' = t*sqrt(y), y(0)=1
    ts = np.arange(0, 10.1, 0.1)
    y = np.ones_like(ts)
    for i in range(len(ts) - 1):
        h, tt, yy = 0.1, ts[i], y[i]
        k1 = h * tt * np.sqrt(yy)
        k2 = h * (tt + h / 2) * np.sqrt(yy + k1 / 2)
        k3 = h * (tt + h / 2) * np.sqrt(yy + k2 / 2)
        k4 = h * (tt + h) * np.sqrt(yy + k3)
        y[i + 1] = yy + (k1 + 2 * k2 + 2 * k3 + k4) / 6
    for tt, yy in zip(ts[::10], y[::10]):
        print("y(%2.1f)\t= %4.6f \t error: %4.6g" % (tt, yy, abs(yy - (tt**2 + 4) ** 2 / 16)))
    return sol[-1], pend[::25], y


# Simpson, Romberg and Gauss-Legendre quadrature
def quadrature(np):
    f = lambda x: np.exp(-(x**2))  # noqa: E731
    a, b = 0.0, 2.0
    n = 10
    x = np.linspace(a, b, n + 1)
    h = (b - a) / n
    simpson = h / 3 * (f(x[0]) + 4 * f(x[1:-1:2]).sum() + 2 * f(x[2:-1:2]).sum() + f(x[-1]))
    trap = np.trapezoid(f(x), x) if hasattr(np, "trapezoid") else np.trapz(f(x), x)
    R = np.zeros((6, 6))
    R[0, 0] = (b - a) / 2 * (f(a) + f(b))
    for i in range(1, 6):
        hi = (b - a) / 2**i
        R[i, 0] = R[i - 1, 0] / 2 + hi * f(a + hi * np.arange(1, 2**i, 2)).sum()
        for k in range(1, i + 1):
            R[i, k] = R[i, k - 1] + (R[i, k - 1] - R[i - 1, k - 1]) / (4**k - 1)
    gl = []
    for deg in (2, 3, 5, 8):
        xs, ws = np.polynomial.legendre.leggauss(deg)
        gl.append(np.sum(ws * f(0.5 * (b - a) * xs + 0.5 * (b + a))) * 0.5 * (b - a))
    print("simpson %.12f romberg %.12f" % (simpson, R[5, 5]))
    print("gauss-legendre", np.array(gl))
    return simpson, trap, R, np.array(gl), np.polynomial.legendre.leggauss(4)


# explicit heat equation and the 1-D wave equation with slicing updates
def heat_wave_fd(np):
    nx, nt = 21, 200
    dx = 1.0 / (nx - 1)
    alpha, dt = 1.0, 0.0004
    r = alpha * dt / dx**2
    u = np.zeros(nx)
    u[int(0.25 / dx) : int(0.75 / dx) + 1] = 1.0
    for _ in range(nt):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
    # wave equation, leapfrog
    c, dtw = 1.0, 0.02
    x = np.linspace(0, 1, 51)
    C2 = (c * dtw / (x[1] - x[0])) ** 2
    w_prev = np.sin(np.pi * x)
    w = w_prev.copy()
    w[1:-1] = w_prev[1:-1] + 0.5 * C2 * (w_prev[2:] - 2 * w_prev[1:-1] + w_prev[:-2])
    for _ in range(50):
        w_next = np.empty_like(w)
        w_next[1:-1] = 2 * w[1:-1] - w_prev[1:-1] + C2 * (w[2:] - 2 * w[1:-1] + w[:-2])
        w_next[0] = w_next[-1] = 0.0
        w_prev, w = w, w_next
    # 2-D heat on a square
    T = np.zeros((12, 12))
    T[0, :] = 100.0
    for _ in range(100):
        T[1:-1, 1:-1] = 0.25 * (T[:-2, 1:-1] + T[2:, 1:-1] + T[1:-1, :-2] + T[1:-1, 2:])
    print("r = %.3f, max u = %.6f" % (r, u.max()))
    return u, w, T, T.mean()


# Crank-Nicolson for the heat equation with a Thomas (tridiagonal) solver
def crank_nicolson_thomas(np):
    def thomas(a, b, c, d):
        n = len(d)
        cp, dp = np.zeros(n - 1), np.zeros(n)
        cp[0] = c[0] / b[0]
        dp[0] = d[0] / b[0]
        for i in range(1, n):
            den = b[i] - a[i - 1] * cp[i - 1]
            if i < n - 1:
                cp[i] = c[i] / den
            dp[i] = (d[i] - a[i - 1] * dp[i - 1]) / den
        x = np.zeros(n)
        x[-1] = dp[-1]
        for i in range(n - 2, -1, -1):
            x[i] = dp[i] - cp[i] * x[i + 1]
        return x

    N, dt = 19, 0.001
    dx = 1.0 / (N + 1)
    r = dt / (2 * dx**2)
    xg = np.linspace(dx, 1 - dx, N)
    u = np.sin(np.pi * xg)
    a = np.full(N - 1, -r)
    b = np.full(N, 1 + 2 * r)
    c = np.full(N - 1, -r)
    for _ in range(50):
        rhs = (1 - 2 * r) * u
        rhs[1:] += r * u[:-1]
        rhs[:-1] += r * u[1:]
        u = thomas(a, b, c, rhs)
    exact = np.exp(-(np.pi**2) * 50 * dt) * np.sin(np.pi * xg)
    M = np.diag(b) + np.diag(a, -1) + np.diag(c, 1)
    print("max error %.3e" % np.abs(u - exact).max())
    return u, np.linalg.solve(M, u), thomas(a, b, c, np.ones(N))


# spectral derivative with np.fft
def spectral_derivative(np):
    n = 32
    L = 2 * np.pi
    x = np.arange(n) * L / n
    f = np.sin(3 * x) + np.cos(x) ** 2
    k = 2 * np.pi * np.fft.fftfreq(n, d=L / n)
    df = np.real(np.fft.ifft(1j * k * np.fft.fft(f)))
    d2f = np.fft.irfft(-((np.fft.rfftfreq(n, d=L / n) * 2 * np.pi) ** 2) * np.fft.rfft(f), n)
    exact = 3 * np.cos(3 * x) - np.sin(2 * x)
    print("max err %.2e" % np.max(np.abs(df - exact)))
    return k, df, d2f, np.fft.fftshift(k), np.abs(np.fft.fft(f)).round(8)


# natural cubic spline constructed by hand (tridiagonal system for the second derivatives)
def cubic_spline_by_hand(np):
    x = np.array([0.0, 1.0, 2.5, 3.6, 5.0, 7.0, 8.1, 10.0])
    y = np.sin(x)
    n = len(x) - 1
    h = np.diff(x)
    A = np.zeros((n + 1, n + 1))
    rhs = np.zeros(n + 1)
    A[0, 0] = A[n, n] = 1.0
    for i in range(1, n):
        A[i, i - 1 : i + 2] = [h[i - 1], 2 * (h[i - 1] + h[i]), h[i]]
        rhs[i] = 3 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1])
    c = np.linalg.solve(A, rhs)
    b = (y[1:] - y[:-1]) / h - h * (2 * c[:-1] + c[1:]) / 3
    d = (c[1:] - c[:-1]) / (3 * h)
    xs = np.linspace(0, 10, 41)
    idx = np.clip(np.searchsorted(x, xs) - 1, 0, n - 1)
    dx = xs - x[idx]
    ys = y[idx] + b[idx] * dx + c[idx] * dx**2 + d[idx] * dx**3
    print("max |spline - sin| = %.4f" % np.max(np.abs(ys - np.sin(xs))))
    return c, b, d, idx, ys


# least squares: np.linalg.lstsq, the normal equations, polyfit and vander
def least_squares(np):
    rng = np.random.RandomState(42)
    x = np.linspace(0, 1, 20)
    y = 1.0 + 2.0 * x - 3.0 * x**2 + 0.05 * rng.randn(20)
    A = np.vstack([np.ones_like(x), x, x**2]).T
    coef, res, rank, sv = np.linalg.lstsq(A, y, rcond=None)
    normal = np.linalg.solve(A.T @ A, A.T @ y)
    pf = np.polyfit(x, y, 2)
    V = np.vander(x, 3, increasing=True)
    m, c = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]
    print("coef", coef.round(6), "rank", rank)
    print("line: m=%.5f c=%.5f" % (m, c))
    return coef, res, rank, sv, normal, pf, V, np.linalg.pinv(A) @ y


# Lagrange interpolation and Newton's divided differences
def lagrange_newton(np):
    xp = np.array([-1.0, 0.0, 1.0, 2.0, 3.5])
    yp = np.array([2.0, 1.0, 0.0, 5.0, -1.0])
    n = len(xp)
    xs = np.linspace(-1, 3.5, 10)

    def lagrange(x):
        total = np.zeros_like(x)
        for i in range(n):
            Li = np.ones_like(x)
            for j in range(n):
                if j != i:
                    Li *= (x - xp[j]) / (xp[i] - xp[j])
            total += yp[i] * Li
        return total

    coef = np.zeros([n, n])
    coef[:, 0] = yp
    for j in range(1, n):
        coef[0 : n - j, j] = (coef[1 : n - j + 1, j - 1] - coef[0 : n - j, j - 1]) / (
            xp[j:] - xp[: n - j]
        )
    a = coef[0, :]
    p = a[n - 1]
    for k in range(1, n):
        p = a[n - 1 - k] + (xs - xp[n - 1 - k]) * p
    print("divided differences:", a)
    return lagrange(xs), p, coef, np.polyval(np.polyfit(xp, yp, n - 1), xs)


# Sieve of Eratosthenes with boolean slicing; primes with np.nonzero and a wheel
def sieve(np):
    N = 200
    is_prime = np.ones(N + 1, dtype=bool)
    is_prime[:2] = False
    for i in range(2, int(N**0.5) + 1):
        if is_prime[i]:
            is_prime[i * i :: i] = False
    primes = np.nonzero(is_prime)[0]
    # odd-only sieve (Rosetta Code's primesfrom2to)
    n = 200
    s = np.ones(n // 2, dtype=bool)
    for i in range(3, int(n**0.5) + 1, 2):
        if s[i // 2]:
            s[i * i // 2 :: i] = False
    odd = 2 * np.nonzero(s)[0][1:] + 1
    print(primes[:15], len(primes))
    print("twin primes:", primes[:-1][np.diff(primes) == 2][:6])
    return primes, odd, np.flatnonzero(is_prime).dtype, is_prime.sum(), np.cumsum(is_prime)[::20]


PROGRAMS = [
    "gauss_partial_pivot",
    "lu_cholesky",
    "qr_by_hand",
    "power_iteration",
    "jacobi_gauss_seidel_sor",
    "newton_secant",
    "rk4_systems",
    "quadrature",
    "heat_wave_fd",
    "crank_nicolson_thomas",
    "spectral_derivative",
    "cubic_spline_by_hand",
    "least_squares",
    "lagrange_newton",
    "sieve",
]
